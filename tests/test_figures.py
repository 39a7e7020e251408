"""Figures are drawn from a run's saved files alone, deterministically, as metrics.json lists."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from mnist_scratch import figures, runs
from mnist_scratch.train.experiments import catalogue
from mnist_scratch.train.loop import train
from mnist_scratch.train.output import write


@pytest.fixture(scope="module")
def saved(tmp_path_factory, mnist_slice) -> Path:
    """A tiny width experiment (widths 10 and 32, one epoch on 6,000 rows), figures drawn."""
    out = tmp_path_factory.mktemp("runs")
    exp = catalogue()["width"].override({"epochs": 1, "warmup": 20})
    exp = replace(exp, runs=exp.runs[:2], showcase=exp.runs[1][0])
    results = {rid: train(config, mnist_slice) for rid, config in exp.runs}
    write(exp, results, mnist_slice, out, command="test", draw=figures.render)
    return out / "width"


def test_figures_need_only_the_saved_artifacts(saved, tmp_path, monkeypatch):
    copy = tmp_path / "width"
    shutil.copytree(saved, copy, ignore=shutil.ignore_patterns("figures"))

    def no_data(*args, **kwargs):
        raise AssertionError("figures must not load the dataset or train")

    import mnist_scratch.data.dataset as dataset
    import mnist_scratch.train.loop as loop

    monkeypatch.setattr(dataset, "load", no_data)
    monkeypatch.setattr(loop, "train", no_data)
    drawn = figures.render(copy)
    assert list(drawn) == list(catalogue()["width"].figures)  # what the experiment lists
    for name, path in drawn.items():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert path.stat().st_size < 300_000  # modest: the site embeds them
        # Deterministic: the figure drawn at write time and the redrawn one are the same bytes.
        assert path.read_bytes() == (saved / "figures" / path.name).read_bytes(), name


def test_every_figure_an_experiment_lists_can_be_drawn():
    for exp in catalogue().values():
        assert set(exp.figures) <= set(figures.DRAWN_BY), exp.name


def test_a_figure_no_function_draws_is_refused(saved, tmp_path):
    copy = tmp_path / "width"
    shutil.copytree(saved, copy)
    doc = json.loads((copy / "metrics.json").read_text())
    doc["artifacts"]["figures"]["pie"] = "figures/pie.png"
    (copy / "metrics.json").write_text(json.dumps(doc))
    with pytest.raises(runs.RunFormatError, match="artifacts.figures lists pie"):
        figures.render(copy)


def test_figures_cli(saved, tmp_path):
    copy = tmp_path / "w"
    shutil.copytree(saved, copy)

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "mnist_scratch.figures", *args],
                              capture_output=True, text=True, timeout=120)

    done = cli(str(copy))
    assert done.returncode == 0 and "curves.png" in done.stdout, done.stderr
    for args, words in (((str(tmp_path / "nothing"),), "metrics.json is missing"),
                        ((), "name at least one run folder")):
        done = cli(*args)
        assert done.returncode == 2 and done.stderr.startswith("error: "), done.stderr
        assert done.stderr.count("\n") == 1 and words in done.stderr
