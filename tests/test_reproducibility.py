"""The comparison of two trees of runs (mnist_scratch.reproducibility), against edits we make."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from mnist_scratch import reproducibility, runs

RUNS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "runs"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The committed improved and baseline runs, copied: a second 'machine' to edit."""
    for name in ("baseline", "improved"):
        shutil.copytree(RUNS / name, tmp_path / "other" / name)
    return tmp_path / "other"


def test_a_tree_compared_with_itself_is_identical(copy: Path) -> None:
    measured = reproducibility.compare(RUNS, copy)
    weight_files = len(list(copy.glob("*/weights/*.npz")))
    assert weight_files == 6  # the baseline's one run and the improved recipe's five seeds
    assert measured["weight_files"] == measured["identical_weight_files"] == weight_files
    # test and train accuracy of each of the six runs, and the baseline's held-out accuracy
    assert measured["accuracies"] == len(reproducibility.accuracies(copy)) == 13
    assert measured["max_change_points"] == measured["mean_change_points"] == 0


def test_one_ulp_in_one_weight_and_a_moved_accuracy_are_seen(copy: Path) -> None:
    path = copy / "improved" / "weights" / "seed3.npz"
    params = runs.load_weights(path)
    params["W1"][4, 400] = np.nextafter(params["W1"][4, 400], np.float32(1))  # one ulp
    np.savez(path, **params)
    metrics_path = copy / "improved" / "metrics.json"
    doc = json.loads(metrics_path.read_text())
    before = doc["runs"][2]["final"]["test_accuracy"]
    doc["runs"][2]["final"]["test_accuracy"] = before - 0.0017
    metrics_path.write_text(json.dumps(doc))

    measured = reproducibility.compare(RUNS, copy)
    assert measured["identical_weight_files"] == measured["weight_files"] - 1
    assert measured["max_change_points"] == pytest.approx(0.17, abs=1e-4)
    assert measured["mean_change_points"] == pytest.approx(0.17 / 13, abs=1e-4)
    run_id = doc["runs"][2]["id"]
    assert measured["largest"] == {"run": f"improved/{run_id}/test", "reference": before,
                                   "other": before - 0.0017}


def test_trees_with_no_run_in_common_are_refused(tmp_path: Path, copy: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no run in common"):
        reproducibility.compare(copy, tmp_path / "empty")


def test_kept_measurements_replace_their_label(tmp_path: Path, copy: Path) -> None:
    path = tmp_path / "reproducibility.json"
    measured = reproducibility.compare(RUNS, copy)
    reproducibility.keep("B", measured, path)
    reproducibility.keep("A", {**measured, "max_change_points": 9.0}, path)
    reproducibility.keep("A", measured, path)
    kept = reproducibility.read_measurements(path)
    assert list(kept) == ["A", "B"]
    assert kept["A"] == {"label": "A", **measured}
    assert not list(tmp_path.glob(".*.part"))


def test_the_command_line_fails_in_one_line(tmp_path: Path, capsys) -> None:
    assert reproducibility.main([str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'missing'} is not a folder of runs\n"
    assert reproducibility.main([str(tmp_path), "--write"]) == 2
    assert "--write needs --label" in capsys.readouterr().err
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "metrics.json").write_text("{")
    assert reproducibility.main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "metrics.json" in err


def test_every_kept_measurement_reads_back() -> None:
    """The committed measurements (shown by the Training runs page) are well formed."""
    kept = reproducibility.read_measurements(
        RUNS.parent / "reproducibility.json")
    assert kept, "docs/assets/reproducibility.json holds no measurement"
    for entry in kept.values():
        assert entry["accuracies"] >= 45 and entry["weight_files"] >= 22
        assert 0 <= entry["identical_weight_files"] <= entry["weight_files"]
        assert 0 <= entry["mean_change_points"] <= entry["max_change_points"]
        big = entry["largest"]
        assert abs(big["other"] - big["reference"]) * 100 == pytest.approx(
            entry["max_change_points"], abs=1e-3)


def _hook():
    spec = importlib.util.spec_from_file_location(
        "runs_hook", RUNS.parents[2] / "docs" / "hooks" / "runs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_runs_page_shows_each_kept_measurement(tmp_path: Path, copy: Path) -> None:
    docs = tmp_path / "docs"
    path = tmp_path / reproducibility.MEASUREMENTS
    measured = reproducibility.compare(RUNS, copy)
    reproducibility.keep("OPENBLAS_CORETYPE=Same", measured, path)
    reproducibility.keep("OPENBLAS_CORETYPE=Moved", {
        **measured, "identical_weight_files": 0, "max_change_points": 0.17,
        "mean_change_points": 0.0211,
        "largest": {"run": "ablation/warmup-seed1/test", "reference": 0.9451, "other": 0.9434},
    }, path)
    text = _hook().render_reproducibility(SimpleNamespace(docs_dir=str(docs)))
    assert "| Same | 6 of 6 | 0.00 on average, at most 0.00, over 13" in text
    assert ("| Moved | 0 of 6 | 0.02 on average, at most 0.17 "
            "(`ablation/warmup-seed1/test`: 94.51% → 94.34%), over 13 accuracies |") in text
    assert f"within {reproducibility.TOLERANCE_POINTS} points" in text


def test_the_runs_page_stops_the_build_without_a_measurement(tmp_path: Path) -> None:
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match="holds no measurement"):
        _hook().render_reproducibility(SimpleNamespace(docs_dir=str(tmp_path / "docs")))
