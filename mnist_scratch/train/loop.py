r"""The training loop: a full-batch step, a mini-batch epoch, and `train`, which times them.

`full_batch_step` and `minibatch_epoch` are the whole of the arithmetic of training; `train`
only calls them, measures the time around each call, and hands what it measured to a
`mnist_scratch.train.history.History`. The benchmark (`mnist_scratch.bench`) times these same
two functions, so its figures are the loop's.

Layout, for speed: images stay as C-contiguous float32 rows ``(m, 784)``; each epoch draws a
fresh random order and each mini-batch gathers its rows from that order into a small reused
buffer (one ``np.take``), so the batch is contiguous and the math receives its ``(784, B)`` as a
``.T`` view, never a copy.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

import numpy as np

from mnist_scratch.data.known import CLASSES
from mnist_scratch.loss import one_hot
from mnist_scratch.memory import available_bytes, shortfall
from mnist_scratch.network import backward, forward, init_params
from mnist_scratch.optim import gd_update, learning_rate, momentum_update
from mnist_scratch.train.config import TrainConfig, TrainingError
from mnist_scratch.train.history import EVAL_CHUNK, TRAIN_SAMPLE, History, evaluate, measured
from mnist_scratch.train.inputs import Prepared, split


@dataclass
class Descent:
    """The parameters and their update: plain gradient descent, or heavy-ball momentum."""

    params: dict[str, np.ndarray]
    momentum: float = 0.0
    velocity: dict[str, np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        self.velocity = {name: np.zeros_like(p) for name, p in self.params.items()}

    def apply(self, grads: dict[str, np.ndarray], lr: float) -> None:
        """Update every parameter in place with its gradient ``grads["d" + name]``."""
        for name, theta in self.params.items():
            if self.momentum:
                momentum_update(theta, grads["d" + name], self.velocity[name], lr, self.momentum,
                                inplace=True)
            else:
                gd_update(theta, grads["d" + name], lr, inplace=True)


class Schedule:
    """The learning rate of each step of a run: `mnist_scratch.optim.learning_rate` for its
    schedule, warm-up and length."""

    def __init__(self, config: TrainConfig, total_steps: int):
        if config.warmup >= total_steps:
            raise TrainingError(f"warmup {config.warmup} must be shorter than the run's "
                                f"{total_steps} steps; pass a smaller --warmup")
        self.name, self.base, self.warmup = config.schedule, config.lr, config.warmup
        self.total_steps = total_steps

    def __call__(self, step: int) -> float:
        return learning_rate(self.name, step, self.total_steps, self.base,
                             warmup_steps=self.warmup)


class Batches:
    """The mini-batches of an epoch: rows gathered in a random order into two reused buffers."""

    def __init__(self, X_rows: np.ndarray, labels: np.ndarray, size: int):
        m, inputs = X_rows.shape
        self.m = m
        self.size = min(size, m)
        self.steps = math.ceil(m / self.size)  # the last batch may be short
        self.X_rows = X_rows  # (m, 784)
        Y = one_hot(labels, CLASSES, dtype=X_rows.dtype)  # (10, m)
        self.Y_rows = np.ascontiguousarray(Y.T)  # (m, 10): one row per image, like X_rows
        self.rows = np.empty((self.size, inputs), dtype=X_rows.dtype)  # (B, 784): one batch
        self.targets = np.empty((self.size, CLASSES), dtype=X_rows.dtype)  # (B, 10): its one-hots

    def shuffle(self, rng: np.random.Generator) -> np.ndarray:
        """A fresh order of the rows for one epoch."""
        return rng.permutation(self.m)

    def gather(self, order: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Batch ``i`` of ``order``: inputs ``(784, B)`` and one-hot targets ``(10, B)``, as views.

        One ``np.take`` per array into the small buffers: no shuffled copy of the whole set is
        written and read back (measured: 1.2-1.3x faster per epoch, see the Performance page).
        """
        index = order[i * self.size : (i + 1) * self.size]
        n = index.shape[0]
        np.take(self.X_rows, index, axis=0, out=self.rows[:n])
        np.take(self.Y_rows, index, axis=0, out=self.targets[:n])
        return self.rows[:n].T, self.targets[:n].T


def full_batch_step(descent: Descent, X: np.ndarray, Y: np.ndarray, cache: dict, lr: float) -> None:
    r"""One gradient-descent step on every training row, from the forward pass ``cache`` of ``X``.

    The forward pass is the caller's (``cache = forward(params, X)``): the loop reads the
    training loss of the current parameters from it before stepping, for free.
    """
    descent.apply(backward(descent.params, X, Y, cache), lr)


def minibatch_epoch(
    descent: Descent,
    batches: Batches,
    rng: np.random.Generator,
    rate: Callable[[int], float],
    first_step: int,
    pause_at: Collection[int] = (),
    pause: Callable[[int], None] | None = None,
) -> int:
    r"""One pass over the training rows in a fresh random order, one update per mini-batch.

    Step ``first_step + i`` uses batch ``i`` and learning rate ``rate(first_step + i)``. After
    an update that reaches a step in ``pause_at``, ``pause(step)`` is called (the loop takes its
    "watch it learn" snapshots there). Returns the number of steps taken so far.
    """
    params = descent.params
    order = batches.shuffle(rng)
    step = first_step
    for i in range(batches.steps):
        X, Y = batches.gather(order, i)  # (784, B), (10, B)
        descent.apply(backward(params, X, Y, forward(params, X)), rate(step))
        step += 1
        if step in pause_at:
            pause(step)
    return step


def one_blas_thread():
    """Limit BLAS to one thread while training.

    Measured on the 2-core machine: mini-batch products are too small to share (two threads
    were 20% slower at width 256), and one thread makes the bits independent of the core
    count, so two runs can train side by side and still match a serial run exactly.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it BLAS keeps its default thread count
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def snapshot_steps(total_steps: int, count: int) -> list[int]:
    """``count`` steps from 0 to ``total_steps``, spaced geometrically: learning is fast early."""
    if count <= 0:
        return []
    if count == 1:
        return [total_steps]
    later = np.geomspace(1, total_steps, count - 1)
    return sorted({0, *(int(round(s)) for s in later)})


def working_set_bytes(config: TrainConfig, rows: int, inputs: int, snapshots: int = 0) -> int:
    """About how many bytes a run allocates besides its data: parameters, their velocity and
    gradients, the float64 draw of the initialisation, snapshots, and the widest pass's
    ``(hidden, columns)`` arrays (forward and backward keep about five of them)."""
    h = config.hidden
    params = h * inputs + h + CLASSES * h + CLASSES
    columns = rows if config.full_batch else min(config.batch_size, rows)
    widest = max(5 * columns, 3 * min(EVAL_CHUNK, max(rows, 1)))
    return 4 * 3 * params + 8 * params + 4 * snapshots * h * inputs + 4 * h * widest


def check_memory(config: TrainConfig, rows: int, inputs: int, snapshots: int = 0) -> None:
    """Raise `TrainingError` if the run cannot fit in the memory this machine has free.

    The message says how wide a network would fit: the working set grows linearly with the
    hidden width.
    """
    needed = working_set_bytes(config, rows, inputs, snapshots)
    reason = shortfall(needed, f"a {inputs}-{config.hidden}-{CLASSES} network on {rows:,} rows")
    if reason:
        fixed = working_set_bytes(replace(config, hidden=0), rows, inputs, snapshots)
        per_unit = working_set_bytes(replace(config, hidden=1), rows, inputs, snapshots) - fixed
        widest = max(0, (available_bytes() or 0) - fixed) // per_unit
        raise TrainingError(f"{reason}, so at most about {widest:,} hidden units fit; "
                            "use a smaller --hidden")


@dataclass
class RunResult:
    """What one run produced; `mnist_scratch.train.cli` writes it with `mnist_scratch.runs`."""

    config: TrainConfig
    params: dict[str, np.ndarray]
    history: dict[str, list]  # column-wise: one list per metric, one entry per evaluation
    final: dict[str, float]
    snapshots: list[dict] = field(default_factory=list)
    train_time_s: float = 0.0  # updates and shuffles only, evaluation excluded
    wall_time_s: float = 0.0  # the whole run, evaluation included
    steps_per_epoch: int = 1
    test_probabilities: np.ndarray | None = None  # (10000, 10) float32 at the end


def train(
    config: TrainConfig,
    data: Prepared,
    *,
    snapshots: int = 0,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Train one network; return its parameters, history and final metrics.

    Full batch (``batch_size == 0``) records every iteration; mini-batch records every epoch.
    Each history entry is measured at the parameters after ``step`` updates, on the training
    rows (a fixed sample of them for mini-batch runs), the held-out rows (if any) and the test
    set. Timing is taken around the calls to `full_batch_step` and `minibatch_epoch`.

    Raises
    ------
    TrainingError
        For a config no run can use, a run that needs more memory than is free, or a run that
        diverged or stopped learning (the message names the learning rate).
    """
    config.check()
    init_seq, shuffle_seq, split_seq = np.random.SeedSequence(config.seed).spawn(3)
    shuffle_rng = np.random.default_rng(shuffle_seq)
    X_train, y_train, X_held, y_held = split(config, data, np.random.default_rng(split_seq))
    m, inputs = X_train.shape
    check_memory(config, m, inputs, snapshots)
    descent = Descent(
        init_params(hidden=config.hidden, inputs=inputs, classes=CLASSES, scheme=config.init,
                    rng=np.random.default_rng(init_seq), dtype=X_train.dtype),
        config.momentum,
    )
    params = descent.params
    batch = m if config.full_batch else min(config.batch_size, m)
    steps_per_epoch = math.ceil(m / batch)
    total_steps = config.epochs * steps_per_epoch
    rate = Schedule(config, total_steps)
    snapshot_at = frozenset(snapshot_steps(total_steps, snapshots))
    history = History(config, steps_per_epoch, total_steps, heldout=X_held is not None,
                      progress=progress)
    taken: list[dict] = []
    train_s = 0.0
    start = time.perf_counter()

    def record(step: int, train_metrics=None) -> None:
        if train_metrics is None:
            sample = slice(None, TRAIN_SAMPLE)
            train_metrics = evaluate(params, X_train[sample], y_train[sample])
        splits = {"train": train_metrics}
        if X_held is not None:
            splits["heldout"] = evaluate(params, X_held, y_held)
        splits["test"] = evaluate(params, data.X_test, data.y_test)
        history.add(step, rate(step), time.perf_counter() - start, splits, descent)

    def snapshot(step: int) -> None:
        taken.append({
            "step": step,
            "epoch": round(step / steps_per_epoch, 6),
            "test_accuracy": evaluate(params, data.X_test, data.y_test).accuracy,
            "W1": params["W1"].copy(),  # (hidden, 784)
        })

    # Overflow in a diverging run is reported once, by the history, not as numpy warnings.
    with np.errstate(all="ignore"), one_blas_thread():
        if 0 in snapshot_at:
            snapshot(0)
        if config.full_batch:
            X = X_train.T  # (784, m) view
            Y = one_hot(y_train, CLASSES, dtype=X_train.dtype)  # (10, m)
            for step in range(total_steps + 1):
                tick = time.perf_counter()
                cache = forward(params, X)
                train_s += time.perf_counter() - tick
                # The forward pass of step t measures the parameters after t updates: reuse it.
                record(step, measured(cache, Y, y_train))
                if step == total_steps:
                    break
                tick = time.perf_counter()
                full_batch_step(descent, X, Y, cache, rate(step))
                train_s += time.perf_counter() - tick
                if step + 1 in snapshot_at:
                    snapshot(step + 1)
        else:
            batches = Batches(X_train, y_train, batch)
            paused = [0.0]

            def pause(step: int) -> None:  # a snapshot inside an epoch: not training time
                tick = time.perf_counter()
                snapshot(step)
                paused[0] += time.perf_counter() - tick

            record(0)
            step = 0
            for _ in range(config.epochs):
                tick = time.perf_counter()
                step = minibatch_epoch(descent, batches, shuffle_rng, rate, step, snapshot_at,
                                       pause)
                train_s += time.perf_counter() - tick - paused[0]
                paused[0] = 0.0
                record(step)
        history.check_learned()

    test = evaluate(params, data.X_test, data.y_test, keep=True)
    final = history.final()
    if not config.full_batch:  # the history's train metrics were a sample: measure every row
        whole = evaluate(params, X_train, y_train)
        final["train_loss"], final["train_accuracy"] = whole.loss, whole.accuracy
    return RunResult(
        config=config,
        params=params,
        history=history.columns,
        final=final,
        snapshots=taken,
        train_time_s=round(train_s, 4),
        wall_time_s=round(time.perf_counter() - start, 4),
        steps_per_epoch=steps_per_epoch,
        test_probabilities=test.probabilities,
    )
