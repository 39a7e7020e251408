r"""How far the same runs move on another machine: two trees of runs, compared.

The main job trains every run from fixed seeds. On the machine that made the committed runs it
writes the same bits again; on another CPU, BLAS picks other kernels, which round differently,
so the weights change and the accuracies move a little. This module measures by how much:

```console
$ OPENBLAS_CORETYPE=Nehalem python -m mnist_scratch.train --out /tmp/nehalem
$ python -m mnist_scratch.reproducibility /tmp/nehalem --label "OPENBLAS_CORETYPE=Nehalem"
```

compares every weight file and every final accuracy (test, train, held-out) of ``/tmp/nehalem``
with the runs under ``docs/assets/runs/`` and prints what changed. With ``--write`` the
comparison is kept in ``docs/assets/reproducibility.json`` (one entry per label, replaced when
measured again), which the Training runs page shows and the README's figures are tested against.
Forcing OpenBLAS onto another kernel family is how one machine stands in for another CPU.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mnist_scratch import runs
from mnist_scratch.cli import fail, one_line_errors
from mnist_scratch.files import checkout_root, write_atomic

SCHEMA = 1
# The same code and seeds on another CPU: how far a final accuracy may move, in points, before
# the tests call a regenerated run different from the committed one. The largest move measured
# (docs/assets/reproducibility.json) is well inside it.
TOLERANCE_POINTS = 0.3
MEASUREMENTS = Path("docs") / "assets" / "reproducibility.json"  # under the checkout
REFERENCE = Path("docs") / "assets" / "runs"  # the committed runs, under the checkout


def _weights(folder: Path) -> dict[str, Path]:
    """Every weight file of a tree of runs, keyed ``experiment/weights/name.npz``."""
    return {
        f"{exp.name}/weights/{path.name}": path
        for exp in runs.experiment_folders(folder)
        for path in sorted((exp / "weights").glob("*.npz"))
    }


def accuracies(folder: Path) -> dict[str, float]:
    """Every final accuracy of every run (test, train, held-out), keyed ``experiment/run/split``."""
    found = {}
    for exp in runs.experiment_folders(folder):
        metrics = runs.read_metrics(exp)
        for i, run in enumerate(metrics["runs"]):
            for key in sorted(run["final"]):
                if key.endswith("_accuracy"):
                    found[f"{exp.name}/{run['id']}/{key.removesuffix('_accuracy')}"] = (
                        metrics.field("runs", i, "final", key, kind=float))
    return found


def compare(reference: Path, other: Path) -> dict:
    r"""Compare the runs under ``other`` with those under ``reference``.

    Only what both trees hold is compared (``other`` may be one experiment); a tree with nothing
    in common is an error.

    Returns
    -------
    dict
        ``weight_files`` and ``identical_weight_files`` (every array equal, bit for bit);
        ``accuracies`` compared, their ``mean_change_points`` and ``max_change_points``
        (absolute, in accuracy points), and ``largest``: the run that moved most, with its
        accuracy in each tree.

    Raises
    ------
    ValueError
        When the two trees share no weight file or no run.
    """
    ref_w, other_w = _weights(reference), _weights(other)
    shared = sorted(ref_w.keys() & other_w.keys())
    ref_a, other_a = accuracies(reference), accuracies(other)
    runs_both = sorted(ref_a.keys() & other_a.keys())
    if not shared or not runs_both:
        raise ValueError(f"{other} and {reference} have no run in common")
    identical = 0
    for key in shared:
        a, b = runs.load_weights(ref_w[key]), runs.load_weights(other_w[key])
        identical += all(np.array_equal(a[n], b[n]) for n in runs.PARAMETERS)
    change = {key: abs(other_a[key] - ref_a[key]) * 100 for key in runs_both}
    largest = max(runs_both, key=lambda key: (change[key], key))
    return {
        "weight_files": len(shared),
        "identical_weight_files": identical,
        "accuracies": len(runs_both),
        "mean_change_points": round(sum(change.values()) / len(change), 4),
        "max_change_points": round(change[largest], 4),
        "largest": {"run": largest, "reference": ref_a[largest], "other": other_a[largest]},
    }


def read_measurements(path: Path) -> dict[str, dict]:
    """The kept comparisons, by label (empty when none was kept yet).

    Raises
    ------
    ValueError
        When the file is unreadable or of another schema.
    """
    if not path.exists():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} is unreadable: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a schema {SCHEMA} measurement file")
    return {entry["label"]: entry for entry in doc["machines"]}


def keep(label: str, measured: dict, path: Path) -> None:
    """Add (or replace) the comparison named ``label`` in ``path``, written atomically."""
    kept = read_measurements(path)
    kept[label] = {"label": label, **measured}
    doc = {"schema": SCHEMA, "reference": REFERENCE.as_posix(),
           "machines": [kept[k] for k in sorted(kept)]}
    write_atomic(path, json.dumps(doc, indent=1) + "\n")


def sentence(entry: dict) -> str:
    r"""One line saying what ``entry`` measured, in words.

    Examples
    --------
    >>> line = sentence({"label": "Nehalem", "weight_files": 22,
    ...     "identical_weight_files": 0, "accuracies": 45, "mean_change_points": 0.0211,
    ...     "max_change_points": 0.17, "largest": {"run": "ablation/warmup-seed1/test",
    ...     "reference": 0.9451, "other": 0.9434}})
    >>> print(*line.replace(" (", "; (").split("; "), sep="\n")
    Nehalem: 0 of 22 weight files identical
    45 accuracies moved 0.02 points on average, at most 0.17
    (ablation/warmup-seed1/test: 94.51% -> 94.34%)
    """
    big = entry["largest"]
    line = (f"{entry['label']}: {entry['identical_weight_files']} of {entry['weight_files']} "
            f"weight files identical; {entry['accuracies']} accuracies moved "
            f"{entry['mean_change_points']:.2f} points on average, at most "
            f"{entry['max_change_points']:.2f}")
    if entry["max_change_points"] > 0:
        line += f" ({big['run']}: {big['reference']:.2%} -> {big['other']:.2%})"
    return line


def main(argv: Sequence[str] | None = None) -> int:
    root = checkout_root()
    parser = one_line_errors(argparse.ArgumentParser(
        prog="python -m mnist_scratch.reproducibility",
        description="Compare a tree of runs made elsewhere (python -m mnist_scratch.train "
                    "--out OTHER) with the runs under docs/assets/runs: weight files "
                    "identical, and how far each run's test accuracy moved."))
    parser.add_argument("other", type=Path, help="the folder another machine's --out wrote")
    parser.add_argument("--reference", type=Path, default=root and root / REFERENCE,
                        help=f"the runs to compare with (default: the checkout's {REFERENCE})")
    parser.add_argument("--label", help="what made OTHER, e.g. OPENBLAS_CORETYPE=Nehalem")
    parser.add_argument("--write", action="store_true",
                        help=f"keep the comparison under --label in the checkout's {MEASUREMENTS}")
    args = parser.parse_args(argv)
    if args.write and not args.label:
        return fail("--write needs --label (what made the runs being compared)")
    if root is None and (args.write or args.reference is None):
        return fail("no checkout found: pass --reference DIR, and --write only from a checkout")
    for folder in (args.other, args.reference):
        if not folder.is_dir():
            return fail(f"{folder} is not a folder of runs")
    try:
        measured = compare(args.reference, args.other)
        if args.write:
            keep(args.label, measured, root / MEASUREMENTS)
    except (ValueError, runs.RunFormatError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot read or write a file: {exc.strerror or exc} ({exc.filename})")
    print(sentence({"label": args.label or str(args.other), **measured}))
    return 0


if __name__ == "__main__":
    import sys

    from mnist_scratch.cli import entry

    sys.exit(entry("mnist_scratch.reproducibility"))
