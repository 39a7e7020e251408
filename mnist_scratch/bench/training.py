r"""Part 4: what a user waits for: time to a test accuracy, and the training job's peak memory."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from mnist_scratch.train.config import TrainConfig
from mnist_scratch.train.inputs import Prepared
from mnist_scratch.train.loop import train

from .measure import Rows

ACCURACY_TARGETS = (0.92, 0.94)
PEAK_RSS_TARGET_GIB = 1.0  # the default training run


def time_to_accuracy(rows: Rows, recipe: TrainConfig, epochs: int | None) -> dict[str, Any]:
    """Train ``recipe`` once with `mnist_scratch.train.train`; the training time until test
    accuracy first reaches each target (at an epoch boundary, where the loop measures it)."""
    config = recipe
    if epochs is not None:
        steps = epochs * math.ceil(len(rows.y_train) / config.batch_size)
        # A short run on a small set cannot hold the recipe's warm-up: keep a tenth of the run.
        config = replace(config, epochs=epochs, warmup=min(config.warmup, steps // 10))
    data = Prepared(X_train=rows.X_train, y_train=rows.y_train, X_test=rows.X_test,
                    y_test=rows.y_test, test_images=rows.test_images, dataset="mnist", files={})
    result = train(config, data)
    hist = result.history
    per_epoch_s = result.train_time_s / config.epochs  # every epoch does the same work
    reached = {}
    for target in ACCURACY_TARGETS:
        first = next((i for i, a in enumerate(hist["test_accuracy"]) if a >= target), None)
        reached[f"{round(100 * target)}%"] = None if first is None else {
            "epoch": hist["epoch"][first],
            "train_time_s": round(per_epoch_s * hist["epoch"][first], 3),
            "wall_time_s": hist["time_s"][first],
        }
    return {
        "config": {name: getattr(config, name) for name in (
            "hidden", "init", "lr", "schedule", "warmup", "momentum", "epochs", "batch_size",
            "seed")},
        "data": rows.source,
        "final_test_accuracy": hist["test_accuracy"][-1],
        "train_time_s": result.train_time_s,
        "wall_time_s": result.wall_time_s,
        "reached": reached,
        "note": "train_time_s counts shuffles and updates only; wall_time_s adds the per-epoch "
                "evaluation on the training and test sets",
    }


def peak_rss(args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Peak resident set size of ``python -m mnist_scratch.train ARGS``, run in a child process.

    ``os.wait4`` returns the child's own resource usage (``ru_maxrss``, KiB on Linux), so no
    earlier child of this process can inflate it.
    """
    with tempfile.TemporaryDirectory(prefix="mnist-bench-") as tmp:
        argv = [sys.executable, "-m", "mnist_scratch.train", *args, "--out", tmp]
        tick = time.perf_counter()
        # stderr to a file, not a pipe: a chatty child can never block on a full pipe.
        log = open(Path(tmp) / "stderr.txt", "w+b")  # noqa: SIM115 - closed below
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log)
        deadline = tick + timeout
        try:
            while True:
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    child.kill()
                    os.wait4(child.pid, 0)
                    return {"command": _shown(args), "error": f"timed out after {timeout:.0f} s"}
                time.sleep(0.05)
        except BaseException:  # Ctrl-C or SIGTERM: take the child down too
            child.kill()
            child.wait()
            raise
        finally:
            log.seek(0)
            err = log.read().decode(errors="replace").strip().splitlines()
            log.close()
        code = os.waitstatus_to_exitcode(status)
    rec = {
        "command": _shown(args),
        "exit_status": code,
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "peak_rss_gib": round(usage.ru_maxrss / 1024**2, 3),
        "wall_time_s": round(time.perf_counter() - tick, 1),
        "target_gib": PEAK_RSS_TARGET_GIB,
    }
    if code != 0:
        rec["error"] = err[-1] if err else f"exit status {code}"
    return rec


def _shown(args: Sequence[str]) -> str:
    return " ".join(["python -m mnist_scratch.train", *args, "--out", "TMPDIR"])
