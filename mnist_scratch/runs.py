r"""Run artifacts: what a training experiment leaves on disk, written all at once or not at all.

An experiment folder ``<out>/<experiment>/`` holds:

- ``metrics.json``: config, versions, data SHA-256s, per-step history, final metrics, summary
  (the schema is `SCHEMA` below and in the docs' "Training runs" page);
- ``weights/<run>.npz``: ``W1``, ``b1``, ``W2``, ``b2`` as float32, loadable with
  ``np.load(path, allow_pickle=False)``;
- ``predictions.npz``: the showcase run's test predictions and the few test images the figures
  draw (so figures never need the dataset);
- ``weights.json``: the showcase run's weights for the browser (784-10-10 runs only; a wider
  network would be megabytes of JSON), floats rounded to 9 significant digits (float32-exact);
- ``snapshots.json``: "watch it learn" frames of the showcase run, when the experiment takes them;
- ``figures/*.png``: drawn by `mnist_scratch.figures` from the files above alone.

The folder is assembled in a temporary sibling and renamed into place, so an interrupted or failed
run never leaves half a run behind; a previous run of the same experiment stays until the new one
is complete.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import mnist_scratch

if TYPE_CHECKING:
    from mnist_scratch.train import Experiment, Prepared, RunResult

SCHEMA = 1
SAMPLE_COUNT = 24  # test images in the sample-predictions grid: the first 24, no cherry-picking
MISTAKE_COUNT = 24  # most confident mistakes kept for the figure
BROWSER_MAX_HIDDEN = 10  # weights.json only for the 784-10-10 the playground runs
# 9 significant digits give back every float32 weight exactly, so the browser's forward pass
# matches Python's within 1e-5 (6 digits alone moved probabilities by up to 1.5e-5).
WEIGHT_DIGITS = 9
SNAPSHOT_DIGITS = 4  # snapshots are drawn as images: 4 digits are invisible, size halves


def check_out(out: Path) -> Path:
    """Resolve ``out`` and check, before any training, that runs can be written there.

    Nothing is created: a missing ``out`` is made when the first experiment is written.

    Raises
    ------
    OSError
        With a one-line message, if ``out`` cannot hold a run.
    """
    out = Path(out).expanduser().resolve()
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise OSError(f"--out {out}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OSError(f"--out {out}: {existing} is not writable")
    return out


@contextmanager
def atomic_dir(dest: Path):
    """Yield a temporary folder beside ``dest``; on success it replaces ``dest`` by renames.

    On any exception (Ctrl-C included) the temporary folder is removed and ``dest`` is untouched.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp's 0700 would hide the run from a web server
        yield tmp
        old = None
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            os.rename(dest, old / dest.name)
        os.rename(tmp, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _round(x: float, digits: int) -> float:
    return float(f"{x:.{digits}g}")


def _rounded(a: np.ndarray, digits: int) -> list:
    """Nested lists of floats rounded to ``digits`` significant digits (compact JSON)."""
    return np.vectorize(lambda v: _round(float(v), digits), otypes=[object])(a).tolist()


def _write_json(path: Path, obj) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")


def versions() -> dict[str, str]:
    """Versions that decide the numbers: the package, NumPy, Python, and the machine."""
    return {
        "mnist_scratch": mnist_scratch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": str(os.cpu_count()),
        "blas": _blas(),
    }


def _blas() -> str:
    """The BLAS NumPy uses, e.g. ``openblas 0.3.31 Haswell`` (training limits it to 1 thread)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed; BLAS threads not limited)"
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return "; ".join(
        f"{p.get('internal_api')} {p.get('version')} {p.get('architecture')}" for p in pools
    ) or "unknown"


def run_record(run_id: str, result: RunResult) -> dict:
    """The ``runs[i]`` entry of metrics.json for one run."""
    history = {
        name: [v if isinstance(v, int) else _round(v, 7) for v in values]
        for name, values in result.history.items()
    }
    return {
        "id": run_id,
        "config": asdict(result.config),
        "unit": "iteration" if result.config.full_batch else "epoch",
        "steps_per_epoch": result.steps_per_epoch,
        "history": history,
        "final": {k: (v if isinstance(v, int) else _round(v, 7)) for k, v in result.final.items()},
        "train_time_s": result.train_time_s,
        "wall_time_s": result.wall_time_s,
        "weights": f"weights/{run_id}.npz",
    }


def summarize(exp: Experiment, records: list[dict]) -> dict:
    """The experiment-specific ``summary`` of metrics.json."""
    if exp.name == "seed-reproduction":
        rec = records[0]
        hist = rec["history"]
        at = {}
        for step in exp.checkpoints:
            i = hist["step"].index(step)
            at[str(step)] = {
                name: hist[name][i]
                for name in hist
                if name.endswith("_accuracy") or name.endswith("_loss")
            }
        return {"at": at, "seeds_reported_heldout_accuracy": 0.883}
    if exp.name == "width":
        return {
            "widths": [r["config"]["hidden"] for r in records],
            "test_accuracy": [r["final"]["test_accuracy"] for r in records],
            "train_accuracy": [r["final"]["train_accuracy"] for r in records],
            "train_time_s": [r["train_time_s"] for r in records],
            "parameters": [
                (784 + 1) * r["config"]["hidden"] + (r["config"]["hidden"] + 1) * 10
                for r in records
            ],
        }
    if exp.name == "ablation":
        return ablation_summary(records)
    test = np.array([r["final"]["test_accuracy"] for r in records])
    train = np.array([r["final"]["train_accuracy"] for r in records])
    return {
        "seeds": [r["config"]["seed"] for r in records],
        "test_accuracy": {
            "mean": _round(float(test.mean()), 7),
            "min": float(test.min()),
            "max": float(test.max()),
            "std": _round(float(test.std()), 7),
        },
        "train_accuracy": {"mean": _round(float(train.mean()), 7)},
        "train_time_s": {"mean": round(float(np.mean([r["train_time_s"] for r in records])), 4)},
    }


def ablation_summary(records: list[dict]) -> dict:
    """One column per quantity, one row per ablation step (runs ``<step>-seed<s>``), in order."""
    from mnist_scratch.train import ABLATION_STEPS

    changes = {key: text for key, text, _ in ABLATION_STEPS}
    steps: dict[str, list[dict]] = {}
    for r in records:
        steps.setdefault(r["id"].rsplit("-seed", 1)[0], []).append(r)
    summary: dict[str, list] = {
        "step": [], "change": [], "test_accuracy_mean": [], "test_accuracy_min": [],
        "test_accuracy_max": [], "test_accuracy_by_seed": [], "train_accuracy_mean": [],
    }
    for key, runs in steps.items():
        test = [r["final"]["test_accuracy"] for r in runs]
        summary["step"].append(key)
        summary["change"].append(changes.get(key, key))
        summary["test_accuracy_mean"].append(_round(float(np.mean(test)), 7))
        summary["test_accuracy_min"].append(min(test))
        summary["test_accuracy_max"].append(max(test))
        summary["test_accuracy_by_seed"].append(test)
        summary["train_accuracy_mean"].append(
            _round(float(np.mean([r["final"]["train_accuracy"] for r in runs])), 7)
        )
    summary["seeds"] = [[r["config"]["seed"] for r in runs] for runs in steps.values()]
    return summary


def predictions_arrays(result: RunResult, data: Prepared) -> dict[str, np.ndarray]:
    """The showcase run's test predictions plus the images the figures draw."""
    probs = result.test_probabilities  # (10000, 10)
    predicted = probs.argmax(axis=1)
    confidence = probs[np.arange(len(predicted)), predicted]
    wrong = np.flatnonzero(predicted != data.y_test)
    # Most confident mistakes first; ties broken by index so the choice is deterministic.
    mistakes = wrong[np.lexsort((wrong, -confidence[wrong]))][:MISTAKE_COUNT]
    samples = np.arange(min(SAMPLE_COUNT, len(predicted)))
    return {
        "test_labels": data.y_test.astype(np.uint8),
        "test_predictions": predicted.astype(np.uint8),
        "test_confidence": confidence.astype(np.float32),
        "sample_index": samples.astype(np.int64),
        "sample_images": data.test_images[samples],
        "sample_probabilities": probs[samples].astype(np.float32),
        "mistake_index": mistakes.astype(np.int64),
        "mistake_images": data.test_images[mistakes],
        "mistake_probabilities": probs[mistakes].astype(np.float32),
    }


def browser_weights(exp_name: str, run_id: str, result: RunResult) -> dict:
    """weights.json: the network the playground runs, as plain nested lists."""
    p = result.params
    return {
        "format": "mnist_scratch-weights",
        "version": SCHEMA,
        "experiment": exp_name,
        "run": run_id,
        "layers": [784, result.config.hidden, 10],
        "input": "pixel / 255 in [0, 1], 28x28 row-major, as one column x",
        "forward": "a1 = relu(W1 x + b1); a2 = softmax(W2 a1 + b2)",
        "test_accuracy": result.final["test_accuracy"],
        "W1": _rounded(p["W1"], WEIGHT_DIGITS),  # (hidden, 784)
        "b1": _rounded(p["b1"].ravel(), WEIGHT_DIGITS),  # (hidden,)
        "W2": _rounded(p["W2"], WEIGHT_DIGITS),  # (10, hidden)
        "b2": _rounded(p["b2"].ravel(), WEIGHT_DIGITS),  # (10,)
    }


def snapshot_document(exp_name: str, run_id: str, result: RunResult) -> dict:
    """snapshots.json: the hidden weights and test accuracy at a few steps of one run."""
    return {
        "format": "mnist_scratch-snapshots",
        "version": SCHEMA,
        "experiment": exp_name,
        "run": run_id,
        "steps_per_epoch": result.steps_per_epoch,
        "digits": SNAPSHOT_DIGITS,
        "snapshots": [
            {
                "step": s["step"],
                "epoch": s["epoch"],
                "test_accuracy": s["test_accuracy"],
                "W1": _rounded(s["W1"], SNAPSHOT_DIGITS),  # (hidden, 784)
            }
            for s in result.snapshots
        ],
    }


def write_experiment(
    dest: Path,
    exp: Experiment,
    results: Mapping[str, RunResult],
    data: Prepared,
    *,
    command: str,
    wall_time_s: float,
) -> dict:
    """Write every artifact of one experiment to ``dest`` atomically; return the metrics."""
    from mnist_scratch import figures

    records = [run_record(rid, res) for rid, res in results.items()]
    showcase = results[exp.showcase]
    metrics = {
        "schema": SCHEMA,
        "experiment": exp.name,
        "description": exp.description,
        "command": command,
        "versions": versions(),
        "data": {"dataset": data.dataset, "files": data.files},
        "showcase": exp.showcase,
        "runs": records,
        "summary": summarize(exp, records),
        "artifacts": {},
        "wall_time_s": round(wall_time_s, 3),
    }
    with atomic_dir(dest) as tmp:
        (tmp / "weights").mkdir()
        for rid, res in results.items():
            np.savez_compressed(tmp / "weights" / f"{rid}.npz", **res.params)
        np.savez_compressed(tmp / "predictions.npz", **predictions_arrays(showcase, data))
        artifacts = {"weights": [r["weights"] for r in records], "predictions": "predictions.npz"}
        if showcase.config.hidden <= BROWSER_MAX_HIDDEN:
            _write_json(tmp / "weights.json", browser_weights(exp.name, exp.showcase, showcase))
            artifacts["weights_json"] = "weights.json"
        if showcase.snapshots:
            _write_json(tmp / "snapshots.json", snapshot_document(exp.name, exp.showcase, showcase))
            artifacts["snapshots"] = "snapshots.json"
        metrics["artifacts"] = artifacts
        _write_json(tmp / "metrics.json", metrics)
        drawn = figures.render(tmp)
        metrics["artifacts"]["figures"] = {
            name: path.relative_to(tmp).as_posix() for name, path in drawn.items()
        }
        _write_json(tmp / "metrics.json", metrics)
    return metrics


def load_metrics(run_dir: Path) -> dict:
    """Read an experiment's metrics.json."""
    with open(Path(run_dir) / "metrics.json", encoding="utf-8") as fh:
        return json.load(fh)


def load_weights(path: Path) -> dict[str, np.ndarray]:
    """Read a weights .npz (no pickles) as a dict of float32 arrays."""
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in ("W1", "b1", "W2", "b2")}


def summary_line(metrics: dict, where: Path) -> str:
    """One line of results for the terminal."""
    s = metrics["summary"]
    name = metrics["experiment"]
    if name == "seed-reproduction":
        parts = [
            f"{step} it: held-out {100 * v['heldout_accuracy']:.2f}%, test "
            f"{100 * v['test_accuracy']:.2f}%"
            for step, v in s["at"].items()
        ]
        text = "; ".join(parts)
    elif name == "width":
        text = ", ".join(
            f"h{w} {100 * a:.2f}% ({t:.1f}s)"
            for w, a, t in zip(s["widths"], s["test_accuracy"], s["train_time_s"], strict=True)
        )
    elif name == "ablation":
        text = ", ".join(
            f"{k} {100 * a:.2f}%" for k, a in zip(s["step"], s["test_accuracy_mean"], strict=True)
        )
    else:
        t = s["test_accuracy"]
        text = (
            f"test {100 * t['mean']:.2f}% mean over {len(s['seeds'])} seed(s) "
            f"(min {100 * t['min']:.2f}%, max {100 * t['max']:.2f}%)"
        )
    return f"{name}: {text} -> {where} ({metrics['wall_time_s']:.1f}s)"
