"""The run folder: written whole or not at all, read back checked, shown by the site's hook.

A small real experiment is trained once (two seeds, 2 epochs on the ``mnist_slice`` rows) and
written without figures: the format needs none (`tests/test_figures.py` draws them).
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from mkdocs.exceptions import PluginError

from mnist_scratch import runs
from mnist_scratch.metrics import accuracy
from mnist_scratch.network import forward, predict
from mnist_scratch.train.experiments import SHOWN, catalogue
from mnist_scratch.train.loop import train
from mnist_scratch.train.output import write
from mnist_scratch.train.parallel import frames_per_config, train_all

ROOT = Path(__file__).resolve().parents[1]


def trained(exp, data) -> dict:
    return {rid: train(config, data, snapshots=exp.snapshots if rid == exp.showcase else 0)
            for rid, config in exp.runs}


@pytest.fixture(scope="module")
def written(tmp_path_factory, mnist_slice) -> Path:
    """A two-seed "improved" experiment, 2 epochs on 6,000 rows, written to a temp folder."""
    out = tmp_path_factory.mktemp("runs")
    exp = catalogue()["improved"].override({"epochs": 2})
    exp = replace(exp, runs=exp.runs[:2])
    write(exp, trained(exp, mnist_slice), mnist_slice, out, command="test")
    return out / "improved"


def test_atomic_dir_leaves_nothing_on_failure(tmp_path):
    dest = tmp_path / "exp"
    with pytest.raises(RuntimeError), runs.atomic_dir(dest) as tmp:
        (tmp / "metrics.json").write_text("{}")
        assert runs.TEMPORARY.match(tmp.name) and str(os.getpid()) in tmp.name
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_atomic_dir_replaces_a_previous_run_whole(tmp_path):
    dest = tmp_path / "exp"
    for text in ("old", "new"):
        with runs.atomic_dir(dest) as tmp:
            (tmp / text).write_text(text)
    assert [p.name for p in tmp_path.iterdir()] == ["exp"]
    assert [p.name for p in dest.iterdir()] == ["new"]


def test_sweep_removes_only_the_folders_of_dead_processes(tmp_path):
    dead = tmp_path / ".quick.tmp-999999999-x1"  # beyond any pid_max: that process is gone
    alive = tmp_path / f".quick.tmp-{os.getpid()}-x2"  # this very process: a run in progress
    legacy = tmp_path / ".width.old-abc123"  # written before folders carried their pid
    run = tmp_path / "quick"
    for folder in (dead, alive, legacy, run):
        folder.mkdir()
    assert sorted(p.name for p in runs.sweep(tmp_path)) == [dead.name, legacy.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, "quick"])
    assert [p.name for p in runs.experiment_folders(tmp_path)] == ["quick"]


def test_check_out_refuses_a_file(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(OSError, match="not a folder"):
        runs.check_out(tmp_path / "f" / "runs")
    assert runs.check_out(tmp_path / "new" / "runs") == (tmp_path / "new" / "runs").resolve()
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_metrics_schema(written, mnist_slice):
    m = runs.read_metrics(written)
    assert m["schema"] == runs.SCHEMA and m["experiment"] == "improved"
    assert {"mnist_scratch", "numpy", "python"} <= set(m["versions"])
    assert m["data"]["files"] == mnist_slice.files and len(m["data"]["files"]) == 4
    run = m["runs"][0]
    assert run["unit"] == "epoch" and run["history"]["epoch"] == [0.0, 1.0, 2.0]
    assert run["parameters"] == 784 * 10 + 10 + 10 * 10 + 10
    s = m["summary"]["test_accuracy"]
    assert s["min"] <= s["mean"] <= s["max"]
    assert list(m["artifacts"]["figures"]) == list(catalogue()["improved"].figures)
    assert not (written / "figures").exists()  # drawing is the caller's: none was asked for


def test_npz_loads_without_pickle_and_reproduces_the_accuracy(written, mnist_slice):
    m = runs.read_metrics(written)
    for run in m["runs"]:
        params = runs.load_weights(written / run["weights"])
        assert all(a.dtype == np.float32 for a in params.values())
        acc = accuracy(predict(params, mnist_slice.X_test.T), mnist_slice.y_test)
        assert acc == run["final"]["test_accuracy"]


def test_browser_weights_match_the_npz(written, mnist_slice):
    doc = json.loads((written / "weights.json").read_text())
    params = runs.load_weights(written / "weights" / "seed0.npz")
    assert doc["layers"] == [784, 10, 10]
    rounded = {k: np.array(doc[k], dtype=np.float64).reshape(params[k].shape) for k in params}
    for name in params:
        assert np.allclose(rounded[name], params[name], rtol=1e-5, atol=1e-7)
    X = mnist_slice.X_test[:200].T.astype(np.float64)
    exact = forward({k: v.astype(np.float64) for k, v in params.items()}, X)["A2"]
    assert np.abs(forward(rounded, X)["A2"] - exact).max() < 1e-5  # playground parity budget


def test_snapshots_document(written):
    doc = json.loads((written / "snapshots.json").read_text())
    frames = doc["snapshots"]
    assert frames[0]["step"] == 0 and 10 <= len(frames) <= 20
    assert np.array(frames[-1]["W1"]).shape == (10, 784)
    assert frames[-1]["test_accuracy"] > frames[0]["test_accuracy"]


def test_predictions_file(written):
    with np.load(written / "predictions.npz", allow_pickle=False) as npz:
        p = {k: npz[k] for k in npz.files}
    wrong = p["test_predictions"][p["mistake_index"]] != p["test_labels"][p["mistake_index"]]
    assert wrong.all()
    conf = p["mistake_probabilities"].max(axis=1)
    assert np.all(np.diff(conf) <= 0)  # most confident first
    assert p["sample_images"].shape == (runs.SAMPLE_COUNT, 784)


def test_runs_side_by_side_match_runs_one_after_the_other(mnist_slice):
    """Two worker processes give the same bits as one process; shared configs train once."""
    exps = catalogue()
    chosen = [replace(exps[name].override({"epochs": 1, "warmup": 20}),
                      runs=exps[name].override({"epochs": 1, "warmup": 20}).runs[:2])
              for name in ("improved", "width")]
    frames = {config: 0 for config in frames_per_config(chosen)}
    assert len(frames) == 3  # improved's seed0 is width's hidden10: trained once
    finished = []
    parallel = train_all(frames, mnist_slice, finished=lambda c, r: finished.append(c))
    assert sorted(map(repr, finished)) == sorted(map(repr, frames))  # each reported once
    for config in frames:
        serial = train(config, mnist_slice)
        for name, value in serial.params.items():
            assert np.array_equal(parallel[config].params[name], value), (config, name)


# ----------------------------------------------------------------------------------------------
# Reading back: one line naming the file and the field, whatever is wrong.


def _spoiled(written: Path, tmp_path: Path, spoil) -> Path:
    folder = tmp_path / "improved"
    folder.mkdir()
    doc = json.loads((written / "metrics.json").read_text())
    spoil(doc)
    (folder / "metrics.json").write_text(json.dumps(doc))
    return folder


BAD_METRICS = {
    "no runs": (lambda d: d.update(runs=[]), "field runs is empty"),
    "run without final": (lambda d: d["runs"][1].pop("final"), "field runs[1].final is missing"),
    "final without accuracy": (lambda d: d["runs"][0]["final"].pop("test_accuracy"),
                               "field runs[0].final.test_accuracy is missing"),
    "text for a number": (lambda d: d["runs"][0]["final"].update(test_loss="low"),
                          "field runs[0].final.test_loss should be a number, got str"),
    "other schema": (lambda d: d.update(schema=1), "field schema is 1, this version reads"),
    "short history": (lambda d: d["runs"][0]["history"]["lr"].pop(),
                      "field runs[0].history has columns of different lengths"),
    "showcase of no run": (lambda d: d.update(showcase="seed9"), "field showcase names no run"),
    "summary a list": (lambda d: d.update(summary=[]), "field summary should be a dict"),
    "no figures": (lambda d: d["artifacts"].pop("figures"), "field artifacts.figures is missing"),
}


@pytest.mark.parametrize("case", BAD_METRICS)
def test_read_metrics_names_the_file_and_the_field(written, tmp_path, case):
    spoil, words = BAD_METRICS[case]
    folder = _spoiled(written, tmp_path, spoil)
    with pytest.raises(runs.RunFormatError) as caught:
        runs.read_metrics(folder)
    message = str(caught.value)
    assert message.startswith(str(folder / "metrics.json")) and words in message
    assert "\n" not in message


def test_read_metrics_of_no_file_or_no_json(tmp_path):
    with pytest.raises(runs.RunFormatError, match="metrics.json is missing"):
        runs.read_metrics(tmp_path)
    (tmp_path / "metrics.json").write_text('{"runs": [')
    with pytest.raises(runs.RunFormatError, match="metrics.json is unreadable"):
        runs.read_metrics(tmp_path)
    (tmp_path / "metrics.json").write_text("[]")
    with pytest.raises(runs.RunFormatError, match="expected a JSON object, got list"):
        runs.read_metrics(tmp_path)


# ----------------------------------------------------------------------------------------------
# The site's hook reads runs through this module, and stops the build in one line.


def _hook():
    spec = importlib.util.spec_from_file_location("runs_hook", ROOT / "docs/hooks/runs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _site(tmp_path: Path, written: Path, spoil=None) -> SimpleNamespace:
    """A docs folder holding one experiment (optionally spoiled), as the hook sees MkDocs'."""
    folder = tmp_path / "docs" / "assets" / "runs" / "improved"
    folder.parent.mkdir(parents=True)
    doc = copy.deepcopy(json.loads((written / "metrics.json").read_text()))
    if spoil is not None:
        spoil(doc)
    for rel in ("weights", "predictions.npz"):
        src = written / rel
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            for f in src.iterdir():
                (folder / rel).mkdir(exist_ok=True)
                (folder / rel / f.name).write_bytes(f.read_bytes())
        else:
            (folder / rel).write_bytes(src.read_bytes())
    (folder / "figures").mkdir()
    for rel in doc.get("artifacts", {}).get("figures", {}).values():
        (folder / rel).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(8) + (640).to_bytes(4, "big")
                                   + (480).to_bytes(4, "big"))
    (folder / "metrics.json").write_text(json.dumps(doc))
    return SimpleNamespace(docs_dir=str(tmp_path / "docs"))


PAGE = SimpleNamespace(file=SimpleNamespace(src_uri="runs.md"))


def test_hook_shows_test_accuracy_first_and_each_figure_once(written, tmp_path):
    hook = _hook()
    config = _site(tmp_path, written)
    html = hook.render_experiment(config, PAGE, "improved")
    header = html.split("\n\n")[0].splitlines()[0]  # the page leads with the results
    assert header == "| seed | test accuracy | train accuracy |"
    for name in catalogue()["improved"].figures:
        assert html.count(f"figures/{name}.png") == 1
    assert 'width="640" height="480"' in html  # the space is kept before the image loads
    assert '??? note "History of each run (2)"' in html  # histories folded


SUMMARY_WITHOUT_MEAN = (lambda d: d["summary"]["test_accuracy"].pop("mean"),
                        "field summary.test_accuracy.mean is missing")


@pytest.mark.parametrize("case", [*BAD_METRICS, "summary without mean"])
def test_hook_stops_the_build_naming_the_file_and_the_field(written, tmp_path, case):
    spoil, words = BAD_METRICS.get(case, SUMMARY_WITHOUT_MEAN)
    hook = _hook()
    config = _site(tmp_path, written, spoil)
    with pytest.raises(PluginError) as caught:
        hook.render_experiment(config, PAGE, "improved")
    message = str(caught.value)
    assert "metrics.json" in message and words in message and "\n" not in message
    assert "python -m mnist_scratch.train" in message  # and what to do


def test_hook_ignores_the_temporary_folder_of_an_interrupted_run(written, tmp_path):
    hook = _hook()
    config = _site(tmp_path, written)
    runs_dir = Path(config.docs_dir) / "assets" / "runs"
    (runs_dir / ".quick.tmp-12345-abcd" / "figures").mkdir(parents=True)
    hook.on_pre_build(config)
    hook.render_experiment(config, PAGE, "improved")
    hook.on_post_build(config)  # the hidden folder is not a run no page shows
    (runs_dir / "quick").mkdir()
    with pytest.raises(PluginError, match="no page shows the run.s. quick "):
        hook.on_post_build(config)


HOOK_UNDER_O = """
import importlib.util, json, sys
from pathlib import Path
from types import SimpleNamespace
from mkdocs.exceptions import PluginError

if __debug__:
    sys.exit("run this under python -O")
spec = importlib.util.spec_from_file_location("hook", sys.argv[1])
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)
try:
    hook.render_experiment(SimpleNamespace(docs_dir=sys.argv[2]),
                           SimpleNamespace(file=SimpleNamespace(src_uri="runs.md")), "improved")
except PluginError as exc:
    print(exc)
"""


def test_hook_checks_hold_under_python_O(written, tmp_path):
    config = _site(tmp_path, written, SUMMARY_WITHOUT_MEAN[0])
    done = subprocess.run([sys.executable, "-O", "-c", HOOK_UNDER_O,
                           str(ROOT / "docs/hooks/runs.py"), config.docs_dir],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert SUMMARY_WITHOUT_MEAN[1] in done.stdout


def test_headline_rows_are_chosen_by_each_experiment_the_main_job_trains():
    hook = _hook()
    home = SimpleNamespace(file=SimpleNamespace(src_uri="index.md"))
    text = hook.render_headline(SimpleNamespace(docs_dir=str(ROOT / "docs")), home)
    baseline = runs.read_metrics(ROOT / "docs" / "assets" / "runs" / "baseline")
    at = baseline["summary"]["at"]
    assert text.count("[baseline](runs.md#baseline)") == len(at)  # one row per checkpoint
    for values in at.values():
        assert f"{100 * values['test_accuracy']:.2f}% test accuracy" in text
    assert text.count("the original tutorial reports") == 1  # beside its own iteration only
    assert "[ablation]" not in text  # its ends are the other experiments


def _figures_shown_twice(docs: Path) -> list[str]:
    """Figures of the Training runs page whose pixels another figure on the page already shows."""
    hook = _hook()
    config = SimpleNamespace(docs_dir=str(docs))
    seen: dict[str, str] = {}
    twice = []
    for name in SHOWN:
        text = hook.render_experiment(config, PAGE, name)
        for rel in re.findall(r"\]\((assets/runs/[^)]+\.png)\)", text):
            digest = hashlib.sha256((docs / rel).read_bytes()).hexdigest()
            if digest in seen:
                twice.append(f"{rel} = {seen[digest]}")
            seen.setdefault(digest, rel)
    return twice


def test_the_runs_page_shows_each_figure_once(tmp_path):
    """Issue 12: the ablation section used to repeat the improved run's figures."""
    assert _figures_shown_twice(ROOT / "docs") == []
    # The same check on a copy where the ablation lists the improved run's confusion matrix.
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs" / "assets" / "runs", docs / "assets" / "runs")
    ablation = docs / "assets" / "runs" / "ablation"
    shutil.copy(docs / "assets" / "runs" / "improved" / "figures" / "confusion.png",
                ablation / "figures" / "confusion.png")
    doc = json.loads((ablation / "metrics.json").read_text())
    doc["artifacts"]["figures"]["confusion"] = "figures/confusion.png"
    (ablation / "metrics.json").write_text(json.dumps(doc))
    assert _figures_shown_twice(docs) == [
        "assets/runs/ablation/figures/confusion.png = assets/runs/improved/figures/confusion.png"]
