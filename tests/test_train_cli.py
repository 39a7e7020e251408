"""``python -m mnist_scratch.train`` end to end, in a subprocess, and each of its error paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mnist_scratch.train", *args],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )


def no_leftovers(folder: Path) -> bool:
    """No experiment folder and no hidden temporary folder were left behind."""
    return not folder.exists() or not any(folder.iterdir())


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, mnist) -> Path:
    out = tmp_path_factory.mktemp("runs")
    proc = run_cli("--quick", "--out", str(out), cwd=out)  # any cwd works
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # not a terminal: no progress lines
    assert "quick:" in proc.stdout
    return out / "quick"


@pytest.mark.slow
def test_quick_writes_a_complete_run(quick_run):
    names = {p.relative_to(quick_run).as_posix() for p in quick_run.rglob("*") if p.is_file()}
    assert {"metrics.json", "weights/seed0.npz", "weights.json", "snapshots.json",
            "predictions.npz", "figures/curves.png", "figures/confusion.png",
            "figures/samples.png", "figures/hidden_weights.png",
            "figures/mistakes.png"} <= names
    metrics = json.loads((quick_run / "metrics.json").read_text())
    assert metrics["summary"]["test_accuracy"]["mean"] > 0.85
    assert not [p for p in quick_run.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_quick_weights_reproduce_the_recorded_accuracy(quick_run, mnist):
    from mnist_scratch.data import design_matrix
    from mnist_scratch.metrics import accuracy
    from mnist_scratch.network import predict

    metrics = json.loads((quick_run / "metrics.json").read_text())
    with np.load(quick_run / "weights" / "seed0.npz", allow_pickle=False) as npz:
        params = {k: npz[k] for k in npz.files}
    acc = accuracy(predict(params, design_matrix(mnist.test_images).T), mnist.test_labels)
    assert acc == metrics["runs"][0]["final"]["test_accuracy"]


def _one_error_line(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0]


def test_bad_flag_is_an_argparse_error(tmp_path):
    proc = run_cli("--no-such-flag", "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "unrecognized arguments: --no-such-flag" in proc.stderr.splitlines()[-1]
    assert not (tmp_path / "out").exists()
    proc = run_cli("--epochs", "many")
    assert proc.returncode == 2 and "invalid int value" in proc.stderr


def test_bad_data_dir_is_one_line(tmp_path, no_env):
    proc = run_cli("--quick", "--data-dir", str(tmp_path / "nowhere"), "--out",
                   str(tmp_path / "out"))
    _one_error_line(proc, "nowhere")
    assert not (tmp_path / "out").exists()


def test_huge_learning_rate_names_it_and_writes_nothing(tmp_path, mnist):
    out = tmp_path / "out"
    proc = run_cli("--quick", "--lr", "1e9", "--warmup", "0", "--out", str(out))
    _one_error_line(proc, "learning rate 1000000000.0")
    assert no_leftovers(out)


def test_unwritable_out_is_refused_before_training(tmp_path, mnist):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = run_cli("--quick", "--out", str(blocker / "runs"))
    _one_error_line(proc, "a-file")
    if os.geteuid() != 0:  # root writes anywhere; the read-only case only means something else
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        _one_error_line(run_cli("--quick", "--out", str(locked)), "not writable")


def test_quick_and_another_experiment_conflict(tmp_path):
    proc = run_cli("--quick", "--experiment", "width", "--out", str(tmp_path))
    assert proc.returncode == 2 and "--quick" in proc.stderr.splitlines()[-1]
