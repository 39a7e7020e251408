r"""The run folder: what an experiment leaves on disk, written whole or not at all, read checked.

The format and nothing else (it imports neither the training code nor the figures). An
experiment folder ``<out>/<experiment>/`` holds ``metrics.json`` (config, versions, data
SHA-256s, per-step history, final metrics, summary, the list of artifacts; `SCHEMA`, checked by
`read_metrics`); ``weights/<run>.npz`` (float32 ``W1``, ``b1``, ``W2``, ``b2``, loadable with
``allow_pickle=False``); ``predictions.npz`` (the showcase run's test predictions and the few
test images the figures draw, so figures never need the dataset); ``weights.json`` (the
showcase 784-10-10's weights for the browser, floats to 9 significant digits, float32-exact);
``snapshots.json`` ("watch it learn" frames, when the experiment takes them); and
``figures/*.png``, drawn from the files above alone.

The folder is assembled in a hidden temporary sibling (``.<name>.tmp-<pid>-<random>``) and
renamed into place, so an interrupted or failed run never leaves half a run behind; a previous
run of the same experiment stays until the new one is complete. A temporary folder whose
process has died (``kill -9``, a power cut) is swept by `sweep` on the next run.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np

import mnist_scratch
from mnist_scratch.files import write_atomic

SCHEMA = 2  # 2: the original tutorial is "baseline"; runs carry "parameters"; figures listed first
DOCUMENT_VERSION = 1  # weights.json and snapshots.json, read by the site's scripts
SAMPLE_COUNT = 24  # test images in the sample-predictions grid: the first 24, no cherry-picking
MISTAKE_COUNT = 24  # most confident mistakes kept for the figure
BROWSER_MAX_HIDDEN = 10  # weights.json only for the 784-10-10 the playground runs
# 9 significant digits give back every float32 weight exactly, so the browser's forward pass
# matches Python's within 1e-5 (6 digits alone moved probabilities by up to 1.5e-5).
WEIGHT_DIGITS = 9
SNAPSHOT_DIGITS = 4  # snapshots are drawn as images: 4 digits are invisible, size halves
PARAMETERS = ("W1", "b1", "W2", "b2")
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-(?:(?P<pid>\d+)-)?[^.]*$")


class RunFormatError(Exception):
    """A run folder that does not hold what the format says; the message names file and field."""


def check_out(out: Path) -> Path:
    """Resolve ``out`` and check, before any training, that runs can be written there (an
    `OSError` with a one-line message if not). Nothing is created."""
    out = Path(out).expanduser().resolve()
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise OSError(f"--out {out}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OSError(f"--out {out}: {existing} is not writable")
    return out


def experiment_folders(root: Path) -> list[Path]:
    """The experiment folders under ``root``, by name; temporary and hidden folders are not runs."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    return True  # alive, or someone else's (PermissionError is an OSError, not this one)


def sweep(root: Path) -> list[Path]:
    """Remove the temporary folders under ``root`` whose writing process no longer runs.

    A process that was killed outright (``kill -9``) cannot clean up after itself; its folder
    carries its pid, so the next run can tell it from a run still in progress. Returns what
    was removed.
    """
    removed = []
    root = Path(root)
    if not root.is_dir():
        return removed
    for p in root.iterdir():
        match = TEMPORARY.match(p.name)
        if match and p.is_dir() and not (match["pid"] and _alive(int(match["pid"]))):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


@contextmanager
def atomic_dir(dest: Path):
    """Yield a temporary folder beside ``dest``; on success it replaces ``dest`` by renames.

    On any exception (Ctrl-C and SIGTERM included, see `mnist_scratch.cli.entry`) the temporary
    folder is removed and ``dest`` is untouched.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tag = f".{dest.name}.%s-{os.getpid()}-"
    tmp = Path(tempfile.mkdtemp(prefix=tag % "tmp", dir=dest.parent))
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp's 0700 would hide the run from a web server
        yield tmp
        old = None
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=tag % "old", dir=dest.parent))
            os.rename(dest, old / dest.name)
        os.rename(tmp, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _round(x: float, digits: int) -> float:
    return float(f"{x:.{digits}g}")


def _rounded(a: np.ndarray, digits: int) -> list:
    """Nested lists of floats rounded to ``digits`` significant digits (compact JSON)."""
    return np.vectorize(lambda v: _round(float(v), digits), otypes=[object])(a).tolist()


def _json(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), allow_nan=False) + "\n"


def versions() -> dict[str, str]:
    """Versions that decide the numbers: the package, NumPy, Python, and the machine."""
    return {"mnist_scratch": mnist_scratch.__version__, "numpy": np.__version__,
            "python": platform.python_version(), "platform": platform.platform(),
            "machine": platform.machine(), "cpu_count": str(os.cpu_count()), "blas": _blas()}


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


def run_record(run_id: str, *, config: dict, full_batch: bool, steps_per_epoch: int,
               history: Mapping[str, list], final: Mapping[str, float], train_time_s: float,
               wall_time_s: float, parameters: int) -> dict:
    """The ``runs[i]`` entry of metrics.json for one run (floats to 7 significant digits)."""
    def rounded(v):  # integers (steps) stay exact
        return v if isinstance(v, int) else _round(v, 7)

    return {
        "id": run_id,
        "config": dict(config),
        "unit": "iteration" if full_batch else "epoch",
        "steps_per_epoch": steps_per_epoch,
        "parameters": parameters,
        "history": {name: [rounded(v) for v in values] for name, values in history.items()},
        "final": {k: rounded(v) for k, v in final.items()},
        "train_time_s": train_time_s,
        "wall_time_s": wall_time_s,
        "weights": f"weights/{run_id}.npz",
    }


def metrics_document(*, experiment: str, description: str, command: str, data: dict,
                     showcase: str, records: list[dict], summary: dict, figures: list[str],
                     browser: bool, snapshots: bool, wall_time_s: float) -> dict:
    """The whole ``metrics.json`` of an experiment, its list of artifacts included."""
    artifacts = {"weights": [r["weights"] for r in records], "predictions": "predictions.npz",
                 "figures": {name: f"figures/{name}.png" for name in figures}}
    if browser:
        artifacts["weights_json"] = "weights.json"
    if snapshots:
        artifacts["snapshots"] = "snapshots.json"
    return {
        "schema": SCHEMA,
        "experiment": experiment,
        "description": description,
        "command": command,
        "versions": versions(),
        "data": data,
        "showcase": showcase,
        "runs": records,
        "summary": summary,
        "artifacts": artifacts,
        "wall_time_s": round(wall_time_s, 3),
    }


def predictions_arrays(probabilities: np.ndarray, labels: np.ndarray,
                       images: np.ndarray) -> dict[str, np.ndarray]:
    """The showcase run's test predictions (``probabilities`` ``(m, 10)``) and the images the
    figures draw: the first test images, and the most confident mistakes."""
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities[np.arange(len(predicted)), predicted]
    wrong = np.flatnonzero(predicted != labels)
    # Most confident mistakes first; ties broken by index so the choice is deterministic.
    mistakes = wrong[np.lexsort((wrong, -confidence[wrong]))][:MISTAKE_COUNT]
    samples = np.arange(min(SAMPLE_COUNT, len(predicted)))
    return {
        "test_labels": labels.astype(np.uint8),
        "test_predictions": predicted.astype(np.uint8),
        "test_confidence": confidence.astype(np.float32),
        "sample_index": samples.astype(np.int64),
        "sample_images": images[samples],
        "sample_probabilities": probabilities[samples].astype(np.float32),
        "mistake_index": mistakes.astype(np.int64),
        "mistake_images": images[mistakes],
        "mistake_probabilities": probabilities[mistakes].astype(np.float32),
    }


def browser_weights(experiment: str, run_id: str, params: Mapping[str, np.ndarray],
                    test_accuracy: float) -> dict:
    """weights.json: the network the playground runs, as plain nested lists."""
    p = params
    return {
        "format": "mnist_scratch-weights",
        "version": DOCUMENT_VERSION,
        "experiment": experiment,
        "run": run_id,
        "layers": [p["W1"].shape[1], p["W1"].shape[0], p["W2"].shape[0]],
        "input": "pixel / 255 in [0, 1], 28x28 row-major, as one column x",
        "forward": "a1 = relu(W1 x + b1); a2 = softmax(W2 a1 + b2)",
        "test_accuracy": test_accuracy,
        "W1": _rounded(p["W1"], WEIGHT_DIGITS),  # (hidden, 784)
        "b1": _rounded(p["b1"].ravel(), WEIGHT_DIGITS),  # (hidden,)
        "W2": _rounded(p["W2"], WEIGHT_DIGITS),  # (10, hidden)
        "b2": _rounded(p["b2"].ravel(), WEIGHT_DIGITS),  # (10,)
    }


def snapshot_document(experiment: str, run_id: str, steps_per_epoch: int,
                      snapshots: list[dict]) -> dict:
    """snapshots.json: the hidden weights and test accuracy at a few steps of one run."""
    return {
        "format": "mnist_scratch-snapshots",
        "version": DOCUMENT_VERSION,
        "experiment": experiment,
        "run": run_id,
        "steps_per_epoch": steps_per_epoch,
        "digits": SNAPSHOT_DIGITS,
        "snapshots": [
            {
                "step": s["step"],
                "epoch": s["epoch"],
                "test_accuracy": s["test_accuracy"],
                "W1": _rounded(s["W1"], SNAPSHOT_DIGITS),  # (hidden, 784)
            }
            for s in snapshots
        ],
    }


def write_experiment(dest: Path, metrics: dict, weights: Mapping[str, Mapping[str, np.ndarray]],
                     predictions: Mapping[str, np.ndarray], *, browser: dict | None = None,
                     snapshots: dict | None = None,
                     draw: Callable[[Path], object] | None = None) -> Path:
    """Write one experiment folder at ``dest`` atomically: the files, then the figures.

    ``weights`` maps each run id to its parameters. ``draw(folder)``, when given, draws the
    figures ``metrics.json`` lists from the files already written (`mnist_scratch.figures.render`
    in the training job), before the folder is renamed into place.
    """
    with atomic_dir(dest) as tmp:
        (tmp / "weights").mkdir()
        for run_id, params in weights.items():
            np.savez_compressed(tmp / "weights" / f"{run_id}.npz", **params)
        np.savez_compressed(tmp / "predictions.npz", **predictions)
        if browser is not None:
            write_atomic(tmp / "weights.json", _json(browser))
        if snapshots is not None:
            write_atomic(tmp / "snapshots.json", _json(snapshots))
        write_atomic(tmp / "metrics.json", _json(metrics))
        if draw is not None:
            draw(tmp)
    return dest


_NUMBER = (int, float)


def _dotted(path: tuple) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


class Metrics(dict):
    """A ``metrics.json`` read by `read_metrics`: a dict that knows its file. `field` reads a
    nested value, or raises `RunFormatError` naming the file and the field: every reader
    fails the same clear way."""

    path: Path = Path("metrics.json")

    def field(self, *path: str | int, kind: type | tuple[type, ...] = object):
        value = self
        for i, key in enumerate(path):
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                raise RunFormatError(f"{self.path}: field {_dotted(path[: i + 1])} is missing"
                                     ) from None
        wanted = _NUMBER if kind is float else kind
        if not isinstance(value, wanted) or (wanted is _NUMBER and isinstance(value, bool)):
            names = "a number" if wanted is _NUMBER else f"a {getattr(kind, '__name__', kind)}"
            raise RunFormatError(f"{self.path}: field {_dotted(path)} should be {names}, "
                                 f"got {type(value).__name__}")
        return value


def read_metrics(folder: Path) -> Metrics:
    """Read ``folder/metrics.json`` and check the structure every reader relies on.

    Raises
    ------
    RunFormatError
        One line naming the file and the field: unreadable JSON, another schema version, no
        runs, a run without ``final`` or ``history``, history columns of unequal length...
    """
    path = Path(folder) / "metrics.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunFormatError(f"{path} is missing") from None
    except (OSError, ValueError) as exc:
        raise RunFormatError(f"{path} is unreadable: {exc}") from None
    if not isinstance(doc, dict):
        raise RunFormatError(f"{path}: expected a JSON object, got {type(doc).__name__}")
    metrics = Metrics(doc)
    metrics.path = path
    schema = metrics.field("schema")
    if schema != SCHEMA:
        raise RunFormatError(f"{path}: field schema is {schema!r}, this version reads {SCHEMA}")
    for name in ("experiment", "showcase", "description", "command"):
        metrics.field(name, kind=str)
    for name in ("summary", "data", "versions"):
        metrics.field(name, kind=dict)
    for name in metrics.field("data", "files", kind=dict):
        metrics.field("data", "files", name, kind=dict)
    metrics.field("wall_time_s", kind=float)
    runs = metrics.field("runs", kind=list)
    if not runs:
        raise RunFormatError(f"{path}: field runs is empty")
    for i in range(len(runs)):
        _check_run(metrics, i)
    if metrics["showcase"] not in [r["id"] for r in runs]:
        raise RunFormatError(f"{path}: field showcase names no run ({metrics['showcase']!r})")
    metrics.field("artifacts", "predictions", kind=str)
    for name in metrics.field("artifacts", "figures", kind=dict):
        metrics.field("artifacts", "figures", name, kind=str)
    return metrics


RUN_FIELDS = {("id",): str, ("unit",): str, ("weights",): str, ("steps_per_epoch",): int,
              ("parameters",): int, ("train_time_s",): float, ("wall_time_s",): float,
              ("config",): dict, **{("final", k): float for k in (
                  "test_accuracy", "test_loss", "train_accuracy", "train_loss")}}
HISTORY = ("step", "epoch", "lr", "time_s", "train_loss", "train_accuracy", "test_loss",
           "test_accuracy")


def _check_run(metrics: Metrics, i: int) -> None:
    for path, kind in RUN_FIELDS.items():
        metrics.field("runs", i, *path, kind=kind)
    history = metrics.field("runs", i, "history", kind=dict)
    lengths = {len(metrics.field("runs", i, "history", name, kind=list)) for name in HISTORY}
    lengths |= {len(v) if isinstance(v, list) else -1 for v in history.values()}
    if len(lengths) != 1 or 0 in lengths:
        raise RunFormatError(f"{metrics.path}: field {_dotted(('runs', i, 'history'))} has "
                             "columns of different lengths (or empty ones)")


def load_weights(path: Path) -> dict[str, np.ndarray]:
    """Read a weights .npz (no pickles) as a dict of float32 arrays."""
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in PARAMETERS}
