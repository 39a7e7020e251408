"""CI only: rerun the default training and compare with the committed runs.

Set ``MNIST_SCRATCH_CI_REPRODUCE=1`` to run it (about a minute and a half on two cores).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_scratch.reproducibility import TOLERANCE_POINTS, accuracies, compare
from mnist_scratch.train.experiments import SHOWN

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "assets" / "runs"

pytestmark = pytest.mark.skipif(
    os.environ.get("MNIST_SCRATCH_CI_REPRODUCE") != "1",
    reason="reruns the full default training; set MNIST_SCRATCH_CI_REPRODUCE=1 (CI does)",
)


def test_default_training_reproduces_the_committed_runs(tmp_path, mnist):
    proc = subprocess.run(
        [sys.executable, "-m", "mnist_scratch.train", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in COMMITTED.iterdir() if (p / "metrics.json").is_file())
    assert names == sorted(SHOWN)
    assert accuracies(tmp_path).keys() == accuracies(COMMITTED).keys()
    measured = compare(COMMITTED, tmp_path)
    assert measured["max_change_points"] <= TOLERANCE_POINTS, measured["largest"]
