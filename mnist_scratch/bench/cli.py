r"""``python -m mnist_scratch.bench``: measure, write ``results.json``, print the page's tables."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mnist_scratch.cli import fail, one_line_errors
from mnist_scratch.data import DataError
from mnist_scratch.files import checkout_root
from mnist_scratch.train.config import TrainingError
from mnist_scratch.train.experiments import IMPROVED_CONFIG

from .epochs import full_batch, minibatch
from .measure import BenchError, Rows, environment, real_rows, synthetic_rows
from .report import SCHEMA, render_markdown, summary, write_artifact
from .training import peak_rss, time_to_accuracy
from .versus_torch import versus_torch

BATCHES = (IMPROVED_CONFIG.batch_size, 128)  # the recipe's batch, and a larger one to compare


def run(rows: Rows, *, quick: bool, use_torch: bool, command: str,
        rss_args: Sequence[str] | None, rss_timeout: float = 1800.0) -> dict[str, Any]:
    """Every part of the benchmark on ``rows``; returns the results document."""
    env = environment()
    rounds = 3 if quick else 7
    recipe = IMPROVED_CONFIG
    results: dict[str, Any] = {
        "schema": SCHEMA,
        "command": command,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "data": {"source": rows.source, "train_rows": int(rows.X_train.shape[0]),
                 "test_rows": int(rows.X_test.shape[0]), "dtype": str(rows.X_train.dtype)},
        "environment": env,
    }
    with np.errstate(all="ignore"):  # random weights on random data may overflow a softmax
        results["full_batch"] = full_batch(rows, rounds)
        results["minibatch"] = minibatch(rows, rounds, BATCHES, recipe)
        results["training"] = {"time_to_accuracy": time_to_accuracy(rows, recipe,
                                                                    2 if quick else None)}
        if rss_args is None:
            results["training"]["peak_rss"] = {"skipped": "synthetic data: the training CLI "
                                               "loads real MNIST"}
        else:
            results["training"]["peak_rss"] = peak_rss(rss_args, rss_timeout)
        results["torch"] = (versus_torch(rows, rounds, (10, 128), recipe, env["blas_threads"])
                            if use_torch else {"skipped": "--no-torch"})
    env["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["summary"] = summary(results)
    return results


def default_out() -> Path:
    """``docs/assets/bench`` of the checkout this package runs from (else ./bench)."""
    root = checkout_root()
    return Path("bench") if root is None else root / "docs" / "assets" / "bench"


def build_parser() -> argparse.ArgumentParser:
    parser = one_line_errors(argparse.ArgumentParser(
        prog="python -m mnist_scratch.bench",
        description="Measure training speed against this machine's floor and PyTorch; write "
        "OUT/results.json for the Performance page.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    ))
    parser.add_argument("--quick", action="store_true",
                        help="fast smoke run: 3 rounds, 2 training epochs, RSS of --quick training")
    parser.add_argument("--out", type=Path, default=default_out(), help="folder for results.json")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    parser.add_argument("--synthetic", type=int, metavar="M", default=None,
                        help="use M random rows instead of MNIST (tests; no accuracy, no RSS)")
    parser.add_argument("--data-dir", type=Path, default=None, help="folder holding the IDX files")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m mnist_scratch.bench``; returns the exit status."""
    args = build_parser().parse_args(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    command = " ".join(["python -m mnist_scratch.bench", *argv])
    try:
        rows = (synthetic_rows(args.synthetic) if args.synthetic is not None
                else real_rows(args.data_dir))
        rss_args = None if args.synthetic is not None else (["--quick"] if args.quick else [])
        results = run(rows, quick=args.quick, use_torch=not args.no_torch, command=command,
                      rss_args=rss_args)
        path = write_artifact(results, args.out)
    except (BenchError, DataError, TrainingError) as exc:
        return fail(str(exc))
    print(render_markdown(results))
    print(f"\nwrote {path}")
    return 0
