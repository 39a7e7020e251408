"""Figures are drawn from a run's saved files alone, deterministically."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mnist_scratch import figures
from mnist_scratch.train import apply_overrides, experiments, from_dataset, run_experiment


@pytest.fixture(scope="module")
def saved(tmp_path_factory, mnist) -> Path:
    """A tiny width experiment (widths 10 and 32, one epoch on 3,000 rows) on disk."""
    out = tmp_path_factory.mktemp("runs")
    exp = apply_overrides(experiments()["width"], {"epochs": 1, "warmup": 20})
    exp = replace(exp, runs=exp.runs[:2], showcase=exp.runs[1][0])
    run_experiment(exp, from_dataset(mnist, train_rows=3000), out, command="test")
    return out / "width"


def test_figures_need_only_the_saved_artifacts(saved, tmp_path, monkeypatch):
    copy = tmp_path / "width"
    shutil.copytree(saved, copy, ignore=shutil.ignore_patterns("figures"))

    def no_data(*args, **kwargs):
        raise AssertionError("figures must not load the dataset")

    import mnist_scratch.data as data

    monkeypatch.setattr(data, "load", no_data)
    monkeypatch.setattr("mnist_scratch.train.train", no_data)
    drawn = figures.render(copy)
    assert set(drawn) == {"curves", "width", "hidden_weights", "confusion", "samples", "mistakes"}
    for name, path in drawn.items():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert path.stat().st_size < 300_000  # modest: the site embeds them
        # Deterministic: the committed figure and the redrawn one are the same bytes.
        assert path.read_bytes() == (saved / "figures" / path.name).read_bytes(), name


def test_figures_cli(saved, tmp_path, capsys):
    copy = tmp_path / "w"
    shutil.copytree(saved, copy)
    assert figures.main([str(copy)]) == 0
    assert "curves.png" in capsys.readouterr().out
    assert figures.main([str(tmp_path / "nothing")]) == 2
