r"""Parts 1 and 2: the training loop's own step and epoch, against the floor of the machine.

Nothing here re-implements the loop: part 1 times `mnist_scratch.network.forward` and
`mnist_scratch.train.loop.full_batch_step`, part 2 times
`mnist_scratch.train.loop.minibatch_epoch` with the improved recipe's batch, momentum and
schedule (warm-up included), BLAS held to one thread as `mnist_scratch.train.train` holds it.
The only other code is two alternative batch layouts, subclasses of the loop's own
`mnist_scratch.train.loop.Batches` fed to the same epoch, to show what the loop's layout gains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from mnist_scratch.data.known import CLASSES
from mnist_scratch.loss import one_hot
from mnist_scratch.network import forward, init_params
from mnist_scratch.train.config import TrainConfig
from mnist_scratch.train.loop import (
    Batches,
    Descent,
    Schedule,
    full_batch_step,
    minibatch_epoch,
    one_blas_thread,
)

from .measure import Rows, has_threadpoolctl, interleave, ms, ratio


class CopyBatches(Batches):
    """The layout the loop used before: each epoch writes a shuffled copy of every row, and
    batch ``i`` is a contiguous slice of it."""

    def __init__(self, X_rows: np.ndarray, labels: np.ndarray, size: int):
        super().__init__(X_rows, labels, size)
        self.all_rows = np.empty_like(X_rows)  # (m, 784): this epoch's order
        self.all_targets = np.empty_like(self.Y_rows)  # (m, 10)

    def shuffle(self, rng: np.random.Generator) -> np.ndarray:
        order = super().shuffle(rng)
        np.take(self.X_rows, order, axis=0, out=self.all_rows)
        np.take(self.Y_rows, order, axis=0, out=self.all_targets)
        return order

    def gather(self, order: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
        rows = slice(i * self.size, (i + 1) * self.size)
        return self.all_rows[rows].T, self.all_targets[rows].T


class Uint8Batches(Batches):
    """Gather each batch's uint8 pixels (a quarter of the bytes) and scale them to float32 as
    `mnist_scratch.data.design_matrix` does: the same numbers, so the same bits."""

    def __init__(self, images: np.ndarray, X_rows: np.ndarray, labels: np.ndarray, size: int):
        super().__init__(X_rows, labels, size)
        self.images = images  # (m, 784) uint8
        self.pixels = np.empty((self.size, images.shape[1]), dtype=np.uint8)

    def gather(self, order: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
        index = order[i * self.size : (i + 1) * self.size]
        n = index.shape[0]
        np.take(self.images, index, axis=0, out=self.pixels[:n])
        np.divide(self.pixels[:n], 255, out=self.rows[:n], dtype=self.rows.dtype)
        np.take(self.Y_rows, index, axis=0, out=self.targets[:n])
        return self.rows[:n].T, self.targets[:n].T


LAYOUTS = ("batch", "copy", "uint8")  # "batch" is the loop's own


def layout(name: str, rows: Rows, size: int) -> Batches:
    """Batches of ``rows`` in layout ``name`` (one of `LAYOUTS`)."""
    if name == "copy":
        return CopyBatches(rows.X_train, rows.y_train, size)
    if name == "uint8":
        return Uint8Batches(rows.images, rows.X_train, rows.y_train, size)
    return Batches(rows.X_train, rows.y_train, size)


def schedule(recipe: TrainConfig, steps_per_epoch: int) -> Schedule:
    """The recipe's learning rate per step for a run of ``steps_per_epoch``-step epochs, as
    `mnist_scratch.train.train` sets it. Only on a set too small to hold the recipe's warm-up
    (synthetic smoke tests), where training would refuse, is the warm-up cut to a tenth."""
    total = recipe.epochs * steps_per_epoch
    if recipe.warmup >= total:
        recipe = replace(recipe, warmup=total // 10)
    return Schedule(recipe, total)


class Epoch:
    """One training run's state, stepped one epoch at a time by the loop's `minibatch_epoch`.

    Every epoch is the run's first (step 0 onwards: the warm-up included), so every round
    does the same work; the parameters go on learning from round to round.
    """

    def __init__(self, rows: Rows, recipe: TrainConfig, *, hidden: int, batches: Batches,
                 seed: int = 0):
        self.batches = batches
        self.rng = np.random.default_rng(seed)
        self.descent = Descent(init_params(hidden=hidden, inputs=rows.X_train.shape[1],
                                           classes=CLASSES, scheme=recipe.init, rng=seed,
                                           dtype=rows.X_train.dtype), recipe.momentum)
        self.rate = schedule(recipe, batches.steps)

    def __call__(self) -> None:
        minibatch_epoch(self.descent, self.batches, self.rng, self.rate, 0)


def full_batch(rows: Rows, rounds: int) -> dict[str, Any]:
    """One full-batch step (``forward`` then ``full_batch_step``) ÷ ``W1 X`` + ``delta1 X^T``."""
    X = rows.X_train.T  # (784, m) view, as training uses it
    Y = one_hot(rows.y_train, CLASSES, dtype=X.dtype)  # (10, m)
    descent = Descent(init_params(hidden=10, inputs=X.shape[0], scheme="he", rng=0,
                                  dtype=X.dtype))
    params = descent.params
    delta1 = np.ones((10, X.shape[1]), dtype=X.dtype)  # (10, m): the shape of the real delta1

    def step() -> None:
        # lr 0: the same parameters every round, so every round does identical work.
        full_batch_step(descent, X, Y, forward(params, X), 0.0)

    def products() -> None:
        params["W1"] @ X  # (10, m): the forward product
        delta1 @ X.T  # (10, 784): the weight-gradient product

    with one_blas_thread():
        t = interleave({"step": step, "products": products,
                        "forward": lambda: forward(params, X),
                        "stream": lambda: np.add.reduce(rows.X_train, axis=None)}, rounds)
    return {
        "rows": X.shape[1],
        "hidden": 10,
        "rounds": rounds,
        "blas_threads": 1,
        "step_ms": ms(t["step"]),
        "products_ms": ms(t["products"]),
        "forward_ms": ms(t["forward"]),
        "stream_ms": ms(t["stream"]),
        "ratio": ratio(t["step"], t["products"]),
        "products_over_stream": ratio(t["products"], t["stream"]),
        "per_round_ratio": [round(a / b, 3) for a, b in zip(t["step"], t["products"], strict=True)],
    }


def _split_fns(rows: Rows, recipe: TrainConfig, size: int) -> dict[str, Callable[[], object]]:
    """The parts of an epoch, each timed alone: the shuffle, the gathers, the two products of
    every batch, and the whole epoch on 1-row batches (the fixed cost of a step)."""
    batches = Batches(rows.X_train, rows.y_train, size)
    rng = np.random.default_rng(1)
    order = batches.shuffle(rng)
    W1 = np.ones((10, rows.X_train.shape[1]), dtype=rows.X_train.dtype)
    delta1 = np.ones((10, batches.size), dtype=W1.dtype)
    X_all = rows.X_train.T  # contiguous columns of the rows: no gather, products alone

    def gathers() -> None:
        for i in range(batches.steps):
            batches.gather(order, i)

    def products() -> None:
        for start in range(0, batches.m, batches.size):
            X = X_all[:, start : start + batches.size]
            W1 @ X
            delta1[:, : X.shape[1]] @ X.T

    one_row = replace(rows, X_train=rows.X_train[: batches.steps],
                      y_train=rows.y_train[: batches.steps])
    fixed = Epoch(one_row, recipe, hidden=10,
                  batches=Batches(one_row.X_train, one_row.y_train, 1))
    return {"shuffle": lambda: batches.shuffle(rng), "gather": gathers, "products": products,
            "fixed": fixed}


def _on_one_thread(fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` run with BLAS on one thread (`mnist_scratch.train.loop.one_blas_thread`, as
    training runs); entering and leaving costs microseconds against an epoch's milliseconds."""
    def timed() -> object:
        with one_blas_thread():
            return fn()

    return timed


def minibatch(rows: Rows, rounds: int, sizes: tuple[int, ...], recipe: TrainConfig) -> dict:
    """The loop's epoch ÷ one stream of the rows at H=10, where its time goes, and what the
    loop's batch layout gains over the other two."""
    out: dict[str, Any] = {"hidden": 10, "rows": rows.X_train.shape[0], "rounds": rounds,
                           "recipe": {k: getattr(recipe, k) for k in
                                      ("lr", "momentum", "schedule", "warmup", "epochs")},
                           "batches": []}
    for size in sizes:
        epochs = {name: Epoch(rows, recipe, hidden=10, batches=layout(name, rows, size))
                  for name in LAYOUTS}
        # Every contender runs with BLAS on one thread, as training runs it, but one: the same
        # epoch on BLAS's own thread count, timed in the same rounds so the two compare.
        fns: dict[str, Callable[[], object]] = {
            "epoch": epochs["batch"],
            **{f"epoch_{name}": epochs[name] for name in LAYOUTS[1:]},
            **_split_fns(rows, recipe, size),
            "stream": lambda: np.add.reduce(rows.X_train, axis=None),
        }
        fns = {name: _on_one_thread(fn) for name, fn in fns.items()}
        if has_threadpoolctl():
            fns["epoch_default_threads"] = epochs["batch"]
        t = interleave(fns, rounds)
        parts = {k: ms(t[k]) for k in ("epoch", "shuffle", "gather", "products", "fixed")}
        steps = epochs["batch"].batches.steps
        rec = {
            "batch": size,
            "steps": steps,
            "epoch_ms": parts["epoch"],
            "stream_ms": ms(t["stream"]),
            "ratio": ratio(t["epoch"], t["stream"]),
            # Measured apart, so the parts overlap a little: the 1-row run still gathers and
            # multiplies. A negative remainder means the rest is within that overlap.
            "split_ms": {
                "shuffle": parts["shuffle"],
                "gather": parts["gather"],
                "blas_products": parts["products"],
                "fixed_per_step_overhead": parts["fixed"],
                "remainder": round(parts["epoch"] - sum(v for k, v in parts.items()
                                                        if k != "epoch"), 2),
            },
            "fixed_us_per_step": round(1e3 * parts["fixed"] / steps, 2),
            "layouts": {name: {"epoch_ms": ms(t[f"epoch_{name}"]),
                               "loop_speedup": ratio(t[f"epoch_{name}"], t["epoch"])}
                        for name in LAYOUTS[1:]},
        }
        if "epoch_default_threads" in t:
            rec["epoch_default_threads_ms"] = ms(t["epoch_default_threads"])
            rec["ratio_default_threads"] = ratio(t["epoch_default_threads"], t["stream"])
        out["batches"].append(rec)
    return out
