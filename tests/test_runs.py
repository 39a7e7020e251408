"""Run artifacts: atomic folders, the metrics.json schema, weights that reload without pickles."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mnist_scratch import runs
from mnist_scratch.metrics import accuracy
from mnist_scratch.network import forward, predict
from mnist_scratch.train import apply_overrides, experiments, from_dataset, run_experiment


@pytest.fixture(scope="module")
def small(mnist):
    return from_dataset(mnist, train_rows=6000)


@pytest.fixture(scope="module")
def written(tmp_path_factory, small) -> Path:
    """A two-seed "improved" experiment, 2 epochs on 6,000 rows, written to a temp folder."""
    out = tmp_path_factory.mktemp("runs")
    exp = apply_overrides(experiments()["improved"], {"epochs": 2})
    exp = replace(exp, runs=exp.runs[:2])
    run_experiment(exp, small, out, command="test")
    return out / "improved"


def test_atomic_dir_leaves_nothing_on_failure(tmp_path):
    dest = tmp_path / "exp"
    with pytest.raises(RuntimeError), runs.atomic_dir(dest) as tmp:
        (tmp / "metrics.json").write_text("{}")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_atomic_dir_replaces_a_previous_run_whole(tmp_path):
    dest = tmp_path / "exp"
    for text in ("old", "new"):
        with runs.atomic_dir(dest) as tmp:
            (tmp / text).write_text(text)
    assert [p.name for p in tmp_path.iterdir()] == ["exp"]
    assert [p.name for p in dest.iterdir()] == ["new"]


def test_check_out_refuses_a_file(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(OSError, match="not a folder"):
        runs.check_out(tmp_path / "f" / "runs")
    assert runs.check_out(tmp_path / "new" / "runs") == (tmp_path / "new" / "runs").resolve()
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_metrics_schema(written, small):
    m = json.loads((written / "metrics.json").read_text())
    assert m["schema"] == runs.SCHEMA and m["experiment"] == "improved"
    assert set(m) >= {"description", "command", "versions", "data", "showcase", "runs",
                      "summary", "artifacts", "wall_time_s"}
    assert {"mnist_scratch", "numpy", "python"} <= set(m["versions"])
    assert m["data"]["files"] == small.files and len(m["data"]["files"]) == 4
    run = m["runs"][0]
    assert set(run) >= {"id", "config", "unit", "history", "final", "train_time_s",
                        "wall_time_s", "weights"}
    assert run["unit"] == "epoch" and run["history"]["epoch"] == [0.0, 1.0, 2.0]
    for key in ("train_loss", "train_accuracy", "test_loss", "test_accuracy", "time_s", "lr"):
        assert len(run["history"][key]) == 3
    s = m["summary"]["test_accuracy"]
    assert s["min"] <= s["mean"] <= s["max"]
    assert set(m["artifacts"]["figures"]) == {"curves", "confusion", "samples",
                                             "hidden_weights", "mistakes"}
    for rel in m["artifacts"]["figures"].values():
        assert (written / rel).is_file()


def test_npz_loads_without_pickle_and_reproduces_the_accuracy(written, small):
    m = json.loads((written / "metrics.json").read_text())
    for run in m["runs"]:
        with np.load(written / run["weights"], allow_pickle=False) as npz:
            params = {k: npz[k] for k in npz.files}
        assert sorted(params) == ["W1", "W2", "b1", "b2"]
        assert all(a.dtype == np.float32 for a in params.values())
        acc = accuracy(predict(params, small.X_test.T), small.y_test)
        assert acc == run["final"]["test_accuracy"]


def test_browser_weights_match_the_npz(written, small):
    doc = json.loads((written / "weights.json").read_text())
    params = runs.load_weights(written / "weights" / "seed0.npz")
    assert doc["layers"] == [784, 10, 10]
    for name in params:
        assert np.allclose(np.array(doc[name]).reshape(params[name].shape), params[name],
                           rtol=1e-5, atol=1e-7)
    rounded = {k: np.array(doc[k], dtype=np.float64).reshape(params[k].shape) for k in params}
    X = small.X_test[:200].T.astype(np.float64)
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


def test_parallel_experiments_match_serial_bit_for_bit(tmp_path, small):
    from mnist_scratch.train import run_all

    exps = experiments()
    chosen = [replace(apply_overrides(exps[name], {"epochs": 1, "warmup": 20}),
                      runs=exps[name].runs[:1])
              for name in ("improved", "width")]
    chosen = [replace(e, showcase=e.runs[0][0]) for e in chosen]
    parallel = [exp.name for exp, _ in run_all(chosen, small, tmp_path / "par", command="t")]
    assert parallel == ["improved", "width"]  # results come back in the order asked
    for exp in chosen:
        run_experiment(exp, small, tmp_path / "ser", command="t")
        rid = exp.runs[0][0]
        a = runs.load_weights(tmp_path / "par" / exp.name / "weights" / f"{rid}.npz")
        b = runs.load_weights(tmp_path / "ser" / exp.name / "weights" / f"{rid}.npz")
        assert all(np.array_equal(a[k], b[k]) for k in a)
