"""The committed runs against the runs on disk: what a rerun on another machine may change.

The main job (``python -m mnist_scratch.train``) rewrites the tracked files under
``docs/assets/runs/``. On the machine that made the committed runs it writes the same bits; on
another CPU, BLAS may pick other kernels and round differently, so the accuracies move by a few
hundredths of a point. Tests therefore hold the README (and anything else quoting a run) to the
*committed* files exactly, and the files on disk to the committed ones within `TOLERANCE`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from mnist_scratch.reproducibility import TOLERANCE_POINTS

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "docs" / "assets" / "runs"
# As a fraction (accuracies are stored as fractions); the package owns the figure in points.
TOLERANCE = TOLERANCE_POINTS / 100


def current_metrics(experiment: str) -> dict:
    """``metrics.json`` of ``experiment`` as it is on disk now (committed, or just regenerated)."""
    return json.loads((RUNS / experiment / "metrics.json").read_text(encoding="utf-8"))


def committed_metrics(experiment: str) -> dict:
    """``metrics.json`` of ``experiment`` as committed at git HEAD (the disk copy outside git)."""
    rel = (RUNS / experiment / "metrics.json").relative_to(ROOT).as_posix()
    try:
        shown = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"HEAD:{rel}"],
            capture_output=True, text=True, timeout=30, check=True,
        )
    except (OSError, subprocess.SubprocessError):  # no git, not a checkout, or not committed yet
        return current_metrics(experiment)
    return json.loads(shown.stdout)
