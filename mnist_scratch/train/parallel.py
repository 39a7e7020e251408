r"""Train many runs on two cores: each distinct run once, longest first, two at a time.

A run's bits depend only on its config (seeded, one BLAS thread), so a config that several
experiments share — improved's ``seed0`` is width's ``hidden10`` and the ablation's last step —
is trained once and its result reused, which gives the same bits as training it again; and two
runs side by side give the same bits as one after the other.
"""

from __future__ import annotations

import heapq
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Sequence

from mnist_scratch.memory import shortfall
from mnist_scratch.train.config import TrainConfig, TrainingError
from mnist_scratch.train.experiments import Experiment
from mnist_scratch.train.inputs import Prepared
from mnist_scratch.train.loop import RunResult, check_memory, train, working_set_bytes

WORKERS = 2  # the machines this runs on have two cores; more would only share them

# What forked workers inherit: set just before the pool starts (fork copies it, no pickling).
_SHARED: dict = {}


def frames_per_config(chosen: Iterable[Experiment]) -> dict[TrainConfig, int]:
    """Each distinct config once, with the most "watch it learn" frames any experiment wants."""
    frames: dict[TrainConfig, int] = {}
    for exp in chosen:
        for run_id, config in exp.runs:
            want = exp.snapshots if run_id == exp.showcase else 0
            frames[config] = max(frames.get(config, 0), want)
    return frames


def cost(config: TrainConfig) -> float:
    """A rough relative cost of one run: epochs x width, full batch evaluating every iteration."""
    per_epoch = 1.6 if config.full_batch else 4.0  # measured: 500 full-batch its ~ 7 improved runs
    return config.epochs * per_epoch * (config.hidden + 20)


def workers_for(runs: int) -> int:
    """How many processes train ``runs`` runs: two when there are two cores and fork, else one."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(runs, os.cpu_count() or 1, WORKERS))


def check_fits(frames: dict[TrainConfig, int], data: Prepared) -> None:
    """Raise `TrainingError` before any training if a run, or the two largest side by side,
    would need more memory than this machine has free."""
    rows, inputs = data.X_train.shape
    for config, count in frames.items():
        check_memory(config, rows - config.holdout, inputs, count)
    sizes = [working_set_bytes(c, rows - c.holdout, inputs, n) for c, n in frames.items()]
    side_by_side = heapq.nlargest(workers_for(len(frames)), sizes)
    reason = shortfall(sum(side_by_side), f"training {len(side_by_side)} runs side by side")
    if reason:
        raise TrainingError(f"{reason}: train one experiment at a time (--experiment)")


def _worker_start() -> None:
    # The parent handles Ctrl-C and SIGTERM and then ends the pool; a worker just stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _train_shared(job: tuple[TrainConfig, int]) -> tuple[TrainConfig, RunResult]:
    config, frames = job
    progress = _SHARED["progress"]
    tag = f"[{config.hidden} hidden, seed {config.seed}]"
    tagged = None if progress is None else (lambda line: progress(f"{tag} {line}"))
    return config, train(config, _SHARED["data"], snapshots=frames, progress=tagged)


def train_all(
    frames: dict[TrainConfig, int],
    data: Prepared,
    *,
    progress: Callable[[str], None] | None = None,
    finished: Callable[[TrainConfig, RunResult], None] | None = None,
) -> dict[TrainConfig, RunResult]:
    """Train every config of ``frames`` (with that many snapshots) and return the results.

    The unit of work is one run, not one experiment, so both cores stay busy until the end
    (experiments differ in length by 3x); the longest runs start first and short ones fill in
    beside them. ``finished(config, result)`` is called in this process as each run ends.
    An interrupt (Ctrl-C, SIGTERM) ends the worker processes at once.
    """
    order: Sequence[TrainConfig] = sorted(frames, key=cost, reverse=True)
    done: dict[TrainConfig, RunResult] = {}
    workers = workers_for(len(order))
    if workers < 2:
        for config in order:
            done[config] = train(config, data, snapshots=frames[config], progress=progress)
            if finished is not None:
                finished(config, done[config])
        return done
    _SHARED.update(data=data, progress=progress)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_worker_start) as pool:  # exit: terminate()
            jobs = [(config, frames[config]) for config in order]
            for config, result in pool.imap_unordered(_train_shared, jobs):
                done[config] = result
                if finished is not None:
                    finished(config, result)
    finally:
        _SHARED.clear()
    return done
