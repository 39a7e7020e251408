r"""Benchmark: how far training runs from this machine's floor, and how it compares with PyTorch.

``python -m mnist_scratch.bench`` measures four things and writes them to
``docs/assets/bench/results.json`` (the "Performance" page shows that file):

1. **Full-batch step ÷ its two big products.** One step (forward, backward, update) on all
   training rows against $W_1 X$ and $\delta_1 X^{\top}$ alone, same shapes. Target ≤ 1.3.
2. **Mini-batch epoch ÷ one stream of the training set.** An epoch of the training loop
   (shuffle into a buffer, then forward, backward and momentum updates per batch) at H=10,
   B=128 and B=64, against one read-only pass over the float32 rows; split into the shuffle,
   the two BLAS products, the fixed per-step cost (Python and NumPy calls, measured on 1-column
   batches) and the remainder.
3. **NumPy ÷ PyTorch CPU**, epochs alternated: idiomatic PyTorch (``nn.Sequential`` + autograd
   + ``optim.SGD``) and PyTorch running this package's hand-written formulas. Targets ≤ 0.5 at
   H=10 and ≤ 0.8 at H=128 against idiomatic PyTorch. Skipped when torch is not installed.
4. **Training:** time to 92% and 94% test accuracy for the improved recipe, and the peak
   resident memory of the default ``python -m mnist_scratch.train`` run (target ≤ 1 GiB).

Every speed figure is a ratio of two timings taken in the same process, alternated round by
round; the JSON keeps the median over rounds (and the per-round values), so the ratios hold on a
noisy, shared machine where absolute milliseconds do not. The machine, its BLAS (kernel and
thread count, ``OPENBLAS_CORETYPE`` as found) and the load average are recorded beside them.
Nothing here sets or clears a BLAS environment variable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from mnist_scratch.loss import one_hot
from mnist_scratch.network import backward, forward, init_params
from mnist_scratch.optim import gd_update, learning_rate, momentum_update

SCHEMA = 1
CLASSES = 10
GIB = 1024**3
ENV_VARS = (
    "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)
TARGETS = {
    "full_batch_ratio": 1.3,  # step / its two products
    "torch_ratio_h10": 0.5,  # NumPy / idiomatic PyTorch, hidden 10
    "torch_ratio_h128": 0.8,  # NumPy / idiomatic PyTorch, hidden 128
    "peak_rss_gib": 1.0,  # default training run
}
ACCURACY_TARGETS = (0.92, 0.94)
# The improved recipe's optimiser when mnist_scratch.train cannot be imported.
FALLBACK_RECIPE = {"lr": 0.15, "momentum": 0.5, "batch_size": 64, "schedule": "cosine"}


class BenchError(Exception):
    """A benchmark that cannot run (bad option, unusable output folder); one-line message."""


# ----------------------------------------------------------------------------------------------
# Timing.


def _seconds(fn: Callable[[], object]) -> float:
    tick = time.perf_counter()
    fn()
    return time.perf_counter() - tick


def interleave(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Time every function once per round, for ``rounds`` rounds, in a rotating order.

    Alternating puts every contender under the same machine load; rotating the order removes
    the advantage of running first (warm caches) or last. Returns seconds per call, by name.
    """
    names = list(fns)
    for name in names:  # one untimed warm-up: first-touch page faults, BLAS thread start-up
        fns[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            times[name].append(_seconds(fns[name]))
    return times


def ms(values: Sequence[float]) -> float:
    """Median of timings in seconds, as milliseconds rounded to 0.01."""
    return round(1e3 * statistics.median(values), 2)


def ratio(num: Sequence[float], den: Sequence[float]) -> float:
    """Median over rounds of the per-round ratio ``num[i] / den[i]``, to 3 decimals."""
    return round(statistics.median(a / b for a, b in zip(num, den, strict=True)), 3)


# ----------------------------------------------------------------------------------------------
# Machine and data.


def blas_info() -> tuple[list[dict[str, Any]], int]:
    """The BLAS/OpenMP libraries loaded in this process, and NumPy's BLAS thread count."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return [{"source": "numpy.show_config", **info}], os.cpu_count() or 1
    pools = threadpool_info()
    blas = [p for p in pools if p.get("user_api") == "blas"]
    return pools, int(blas[0]["num_threads"]) if blas else (os.cpu_count() or 1)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def environment() -> dict[str, Any]:
    """What the numbers ran on; hostnames and user names are deliberately left out."""
    pools, threads = blas_info()
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    return {
        "machine": platform.machine(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": affinity,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas_threads": threads,
        "threadpools": pools,
        "env": {name: os.environ.get(name) for name in ENV_VARS},
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


@dataclass(frozen=True)
class Rows:
    """Float32 design-matrix rows and labels, as the training loop keeps them."""

    X_train: np.ndarray  # (m, 784) float32, C-contiguous
    images: np.ndarray  # (m, 784) uint8: the rows X_train was made from
    y_train: np.ndarray  # (m,) uint8
    X_test: np.ndarray  # (m_test, 784)
    y_test: np.ndarray  # (m_test,)
    source: str  # "mnist" or "synthetic"


def real_rows(data_dir: Path | None = None) -> Rows:
    """MNIST through the data layer (cache, mirrors or registry copy), as float32 rows."""
    from mnist_scratch.data import design_matrix, load

    ds = load(data_dir=data_dir)
    return Rows(
        design_matrix(ds.train_images), np.asarray(ds.train_images), np.asarray(ds.train_labels),
        design_matrix(ds.test_images), np.asarray(ds.test_labels), "mnist",
    )


def synthetic_rows(m: int, seed: int = 0) -> Rows:
    """Random images of MNIST's shape and dtype (for smoke tests): speed only, no accuracy."""
    from mnist_scratch.data import design_matrix

    rng = np.random.default_rng(seed)
    m_test = max(m // 6, 10)
    images = rng.integers(0, 256, size=(m + m_test, 784), dtype=np.uint8)
    labels = rng.integers(0, CLASSES, size=m + m_test).astype(np.uint8)
    X = design_matrix(images)
    return Rows(X[:m].copy(), images[:m].copy(), labels[:m], X[m:].copy(), labels[m:],
                "synthetic")


def recipe() -> dict[str, Any]:
    """Optimiser settings of the improved recipe (batch, lr, momentum, schedule)."""
    try:
        from mnist_scratch.train import IMPROVED_CONFIG
    except ImportError:
        return dict(FALLBACK_RECIPE)
    return {name: getattr(IMPROVED_CONFIG, name) for name in FALLBACK_RECIPE}


# ----------------------------------------------------------------------------------------------
# 1. Full-batch step against its two products.


def full_batch(rows: Rows, rounds: int) -> dict[str, Any]:
    """One full-batch step (forward, backward, update) ÷ ``W1 X`` + ``delta1 X^T`` alone."""
    X = rows.X_train.T  # (784, m) view, as training uses it
    Y = one_hot(rows.y_train, CLASSES, dtype=X.dtype)  # (10, m)
    params = init_params(hidden=10, inputs=X.shape[0], scheme="he", rng=0, dtype=X.dtype)
    delta1 = np.ones((10, X.shape[1]), dtype=X.dtype)  # (10, m): the shape of the real delta1

    def step() -> None:
        grads = backward(params, X, Y, forward(params, X))
        for name, theta in params.items():
            # lr 0: the same parameters every round, so every round does identical work.
            gd_update(theta, grads["d" + name], 0.0, inplace=True)

    def products() -> None:
        params["W1"] @ X  # (10, m): the forward product
        delta1 @ X.T  # (10, 784): the weight-gradient product

    t = interleave(
        {
            "step": step,
            "products": products,
            "forward": lambda: forward(params, X),
            "stream": lambda: np.add.reduce(rows.X_train, axis=None),
        },
        rounds,
    )
    return {
        "rows": X.shape[1],
        "hidden": 10,
        "rounds": rounds,
        "step_ms": ms(t["step"]),
        "products_ms": ms(t["products"]),
        "forward_ms": ms(t["forward"]),
        "stream_ms": ms(t["stream"]),
        "ratio": ratio(t["step"], t["products"]),
        "products_over_stream": ratio(t["products"], t["stream"]),
        "target": TARGETS["full_batch_ratio"],
        "per_round_ratio": [round(a / b, 3) for a, b in zip(t["step"], t["products"], strict=True)],
    }


# ----------------------------------------------------------------------------------------------
# 2. Mini-batch epochs against one stream of the training set.


class NumpyEpoch:
    """The training loop's epoch, built from the package's functions as ``train.py`` uses them.

    Each epoch copies the rows into a preallocated buffer in a fresh random order (one
    ``np.take`` for images, one for one-hot targets), then steps through contiguous row slices
    whose ``.T`` views are the ``(784, B)`` inputs, with heavy-ball momentum and a cosine
    learning rate, exactly the operations of `mnist_scratch.train.train`'s mini-batch branch.

    ``gather`` tries two other layouts with the same permutation, hence the same batches and
    bit-identical parameters: ``"batch"`` gathers each batch's rows into a small reused buffer
    (no 188 MB shuffled copy written then read back); ``"uint8"`` gathers the batch's uint8
    image rows (a quarter of the bytes) and scales them to float32 as `design_matrix` does.
    """

    GATHERS = ("copy", "batch", "uint8")

    def __init__(self, rows: Rows, hidden: int, batch: int, opt: dict[str, Any], seed: int = 0,
                 gather: str = "copy"):
        X_rows = rows.X_train
        self.m = X_rows.shape[0]
        self.X_rows = X_rows
        self.images = rows.images
        self.gather = gather
        self.Y_rows = np.ascontiguousarray(one_hot(rows.y_train, CLASSES, dtype=X_rows.dtype).T)
        rows_kept = self.m if gather == "copy" else batch
        self.rows = np.empty((rows_kept, X_rows.shape[1]), X_rows.dtype)  # shuffled rows
        self.targets = np.empty((rows_kept, CLASSES), X_rows.dtype)  # their one-hot rows
        self.pixels = np.empty((batch, X_rows.shape[1]), np.uint8) if gather == "uint8" else None
        self.order = np.arange(self.m)
        self.batch = batch
        self.opt = opt
        self.rng = np.random.default_rng(seed)
        self.params = init_params(hidden=hidden, inputs=X_rows.shape[1], scheme="he", rng=seed,
                                  dtype=X_rows.dtype)
        self.velocity = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.steps = math.ceil(self.m / batch)
        self.shuffle()

    def shuffle(self) -> None:
        self.order = self.rng.permutation(self.m)
        if self.gather == "copy":
            np.take(self.X_rows, self.order, axis=0, out=self.rows)
            np.take(self.Y_rows, self.order, axis=0, out=self.targets)

    def _batch(self, start: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Inputs ``(784, width)`` and targets ``(10, width)`` of the batch at ``start``."""
        if self.gather == "copy":
            return self.rows[start : start + width].T, self.targets[start : start + width].T
        index = self.order[start : start + width]
        n = index.shape[0]
        X, Y = self.rows[:n], self.targets[:n]
        if self.gather == "uint8":
            np.take(self.images, index, axis=0, out=self.pixels[:n])
            np.divide(self.pixels[:n], 255, out=X, dtype=X.dtype)  # as design_matrix does
        else:
            np.take(self.X_rows, index, axis=0, out=X)
        np.take(self.Y_rows, index, axis=0, out=Y)
        return X.T, Y.T

    def loop(self, columns: int | None = None) -> None:
        """Every step of one epoch; ``columns=1`` runs the same calls on 1-column batches."""
        params, velocity, opt, B = self.params, self.velocity, self.opt, self.batch
        width = B if columns is None else columns
        for step, start in enumerate(range(0, self.m, B)):
            X, Y = self._batch(start, width)  # (784, B), (10, B): views of contiguous rows
            lr = learning_rate(opt["schedule"], step, self.steps, opt["lr"])
            grads = backward(params, X, Y, forward(params, X))
            for name, theta in params.items():
                momentum_update(theta, grads["d" + name], velocity[name], lr, opt["momentum"],
                                inplace=True)

    def products(self) -> None:
        """The two big products of every step alone (same shapes as `loop`)."""
        W1 = self.params["W1"]
        delta1 = np.ones((W1.shape[0], self.batch), dtype=W1.dtype)
        for start in range(0, self.m, self.batch):
            X = self._batch(start, self.batch)[0]
            W1 @ X
            delta1[:, : X.shape[1]] @ X.T

    def epoch(self) -> None:
        self.shuffle()
        self.loop()


def _has_threadpoolctl() -> bool:
    try:
        import threadpoolctl  # noqa: F401
    except ImportError:
        return False
    return True


def _one_blas_thread():
    """A context that limits NumPy's BLAS to one thread while it is open (threadpoolctl)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def minibatch(rows: Rows, rounds: int, batches: Sequence[int], opt: dict[str, Any]) -> dict:
    """Epoch time ÷ one stream of the rows at H=10, and where the epoch's time goes."""
    out: dict[str, Any] = {"hidden": 10, "rows": rows.X_train.shape[0], "rounds": rounds,
                           "optimizer": opt, "batches": []}
    for B in batches:
        e = NumpyEpoch(rows, hidden=10, batch=B, opt=opt)
        fns: dict[str, Callable[[], object]] = {
            "epoch": e.epoch,
            "shuffle": e.shuffle,
            "fixed": lambda e=e: e.loop(columns=1),
            "products": e.products,
            "stream": lambda: np.add.reduce(rows.X_train, axis=None),
            "copy": lambda e=e: np.copyto(e.rows, rows.X_train),
        }
        variants = {g: NumpyEpoch(rows, hidden=10, batch=B, opt=opt, gather=g)
                    for g in NumpyEpoch.GATHERS[1:]}
        for g, ev in variants.items():
            fns[f"epoch_gather_{g}"] = ev.epoch
        if _has_threadpoolctl():

            def epoch_1t(e=e) -> None:
                with _one_blas_thread():
                    e.epoch()

            fns["epoch_blas1"] = epoch_1t
        t = interleave(fns, rounds)
        epoch, shuffle, fixed, products = (ms(t[k]) for k in ("epoch", "shuffle", "fixed",
                                                               "products"))
        rec = {
            "batch": B,
            "steps": e.steps,
            "epoch_ms": epoch,
            "stream_ms": ms(t["stream"]),
            "copy_ms": ms(t["copy"]),
            "ratio": ratio(t["epoch"], t["stream"]),
            # Measured apart, so the parts overlap a little: the 1-column run still calls the
            # products, and the products' run still pays its loop. A negative remainder means
            # everything besides the products and the fixed cost is within that overlap.
            "split_ms": {
                "shuffle": shuffle,
                "blas_products": products,
                "fixed_per_step_overhead": fixed,
                "remainder": round(epoch - shuffle - fixed - products, 2),
            },
            "fixed_us_per_step": round(1e3 * fixed / e.steps, 2),
            "gather_alternatives": {
                g: {"epoch_ms": ms(t[f"epoch_gather_{g}"]),
                    "speedup": ratio(t["epoch"], t[f"epoch_gather_{g}"])}
                for g in variants
            },
        }
        if "epoch_blas1" in t:
            rec["epoch_blas1_ms"] = ms(t["epoch_blas1"])
            rec["ratio_blas1"] = ratio(t["epoch_blas1"], t["stream"])
            rec["blas1_speedup"] = ratio(t["epoch"], t["epoch_blas1"])
        out["batches"].append(rec)
    return out


# ----------------------------------------------------------------------------------------------
# 3. NumPy against PyTorch.


class TorchIdiomatic:
    """What a PyTorch user writes: ``nn.Sequential``, cross-entropy on logits, autograd, SGD."""

    def __init__(self, torch, rows: Rows, params: dict[str, np.ndarray], batch: int,
                 opt: dict[str, Any]):
        nn = torch.nn
        hidden = params["W1"].shape[0]
        self.torch = torch
        self.model = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, CLASSES))
        with torch.no_grad():  # the same starting weights as the NumPy network
            for layer, (W, b) in ((self.model[0], ("W1", "b1")), (self.model[2], ("W2", "b2"))):
                layer.weight.copy_(torch.from_numpy(params[W]))
                layer.bias.copy_(torch.from_numpy(params[b].ravel()))
        self.optim = torch.optim.SGD(self.model.parameters(), lr=opt["lr"],
                                     momentum=opt["momentum"])
        self.loss = nn.CrossEntropyLoss()
        self.X = torch.from_numpy(rows.X_train)  # (m, 784), shared memory
        self.y = torch.from_numpy(rows.y_train.astype(np.int64))
        self.m, self.batch, self.opt = self.X.shape[0], batch, opt
        self.steps = math.ceil(self.m / batch)
        self.generator = torch.Generator().manual_seed(0)

    def epoch(self) -> None:
        torch, opt = self.torch, self.opt
        order = torch.randperm(self.m, generator=self.generator)
        X, y = self.X[order], self.y[order]
        for step, start in enumerate(range(0, self.m, self.batch)):
            lr = learning_rate(opt["schedule"], step, self.steps, opt["lr"])
            for group in self.optim.param_groups:
                group["lr"] = lr
            self.optim.zero_grad(set_to_none=True)
            stop = start + self.batch
            loss = self.loss(self.model(X[start:stop]), y[start:stop])
            loss.backward()
            self.optim.step()


class TorchFormulas:
    """PyTorch tensors running this package's formulas by hand: no autograd, no nn, no optim."""

    def __init__(self, torch, rows: Rows, params: dict[str, np.ndarray], batch: int,
                 opt: dict[str, Any]):
        self.torch = torch
        self.p = {name: torch.from_numpy(a.copy()) for name, a in params.items()}
        self.v = {name: torch.zeros_like(a) for name, a in self.p.items()}
        self.X = torch.from_numpy(rows.X_train)  # (m, 784)
        Y_rows = np.ascontiguousarray(one_hot(rows.y_train, CLASSES, dtype=rows.X_train.dtype).T)
        self.Y = torch.from_numpy(Y_rows)  # (m, 10)
        self.m, self.batch, self.opt = self.X.shape[0], batch, opt
        self.steps = math.ceil(self.m / batch)
        self.generator = torch.Generator().manual_seed(0)

    def epoch(self) -> None:
        torch, p, v, opt = self.torch, self.p, self.v, self.opt
        mu = float(opt["momentum"])
        order = torch.randperm(self.m, generator=self.generator)
        rows, targets = self.X[order], self.Y[order]
        with torch.no_grad():
            for step, start in enumerate(range(0, self.m, self.batch)):
                lr = learning_rate(opt["schedule"], step, self.steps, opt["lr"])
                X = rows[start : start + self.batch].T  # (784, B)
                Y = targets[start : start + self.batch].T  # (10, B)
                Z1 = p["W1"] @ X + p["b1"]
                A1 = Z1.clamp_min(0)
                Z2 = p["W2"] @ A1 + p["b2"]
                A2 = (Z2 - Z2.amax(dim=0, keepdim=True)).exp_()
                A2 /= A2.sum(dim=0, keepdim=True)
                delta2 = A2 - Y
                delta1 = (p["W2"].T @ delta2) * (Z1 > 0)
                inv_m = 1.0 / X.shape[1]
                grads = {
                    "W1": (delta1 @ X.T).mul_(inv_m),
                    "b1": delta1.sum(dim=1, keepdim=True).mul_(inv_m),
                    "W2": (delta2 @ A1.T).mul_(inv_m),
                    "b2": delta2.sum(dim=1, keepdim=True).mul_(inv_m),
                }
                for name, theta in p.items():
                    v[name].mul_(mu).add_(grads[name])
                    theta.add_(v[name], alpha=-lr)


def versus_torch(rows: Rows, rounds: int, hiddens: Sequence[int], opt: dict[str, Any],
                 blas_threads: int) -> dict[str, Any]:
    """NumPy epoch ÷ PyTorch epoch, idiomatic and hand-written, alternated in one process."""
    try:
        import torch
    except ImportError:
        return {"skipped": "torch is not installed (pip install torch==2.13.0 for the CPU build)"}
    threads_before = torch.get_num_threads()
    out: dict[str, Any] = {
        "torch": torch.__version__,
        "torch_threads_default": threads_before,
        "batch": opt["batch_size"],
        "optimizer": opt,
        "rounds": rounds,
        "settings": [],
    }
    settings = [blas_threads] + ([1] if blas_threads > 1 and _has_threadpoolctl() else [])
    try:
        for threads in settings:
            torch.set_num_threads(threads)
            limit = _one_blas_thread() if threads == 1 and blas_threads > 1 else nullcontext()
            with limit:
                for hidden in hiddens:
                    e = NumpyEpoch(rows, hidden=hidden, batch=opt["batch_size"], opt=opt)
                    idiom = TorchIdiomatic(torch, rows, e.params, opt["batch_size"], opt)
                    hand = TorchFormulas(torch, rows, e.params, opt["batch_size"], opt)
                    t = interleave({"numpy": e.epoch, "torch_idiomatic": idiom.epoch,
                                    "torch_formulas": hand.epoch}, rounds)
                    target = TARGETS.get(f"torch_ratio_h{hidden}")
                    out["settings"].append({
                        "hidden": hidden,
                        "numpy_blas_threads": threads,
                        "torch_threads": torch.get_num_threads(),
                        "numpy_ms": ms(t["numpy"]),
                        "torch_idiomatic_ms": ms(t["torch_idiomatic"]),
                        "torch_formulas_ms": ms(t["torch_formulas"]),
                        "ratio_idiomatic": ratio(t["numpy"], t["torch_idiomatic"]),
                        "ratio_formulas": ratio(t["numpy"], t["torch_formulas"]),
                        "target": target,
                    })
    finally:
        torch.set_num_threads(threads_before)
    return out


# ----------------------------------------------------------------------------------------------
# 4. Time to accuracy and peak memory of training.


def time_to_accuracy(rows: Rows, epochs: int | None) -> dict[str, Any]:
    """Train the improved recipe once; the training time until test accuracy first reaches
    each target (at an epoch boundary, where the loop measures it)."""
    try:
        from mnist_scratch import train as training
    except ImportError as exc:
        return {"skipped": f"mnist_scratch.train is not importable ({exc})"}
    config = training.IMPROVED_CONFIG
    if epochs is not None:
        steps = epochs * math.ceil(len(rows.y_train) / config.batch_size)
        # A short run on a small set cannot hold the recipe's warm-up: keep a tenth of the run.
        config = replace(config, epochs=epochs, warmup=min(config.warmup, steps // 10))
    data = training.Prepared(
        X_train=rows.X_train, y_train=rows.y_train, X_test=rows.X_test, y_test=rows.y_test,
        test_images=(rows.X_test * 255).round().astype(np.uint8), dataset="mnist", files={},
    )
    result = training.train(config, data)
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
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                os.wait4(child.pid, 0)
                log.close()
                return {"command": _shown(args), "error": f"timed out after {timeout:.0f} s"}
            time.sleep(0.05)
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        err = log.read().decode(errors="replace").strip().splitlines()
        log.close()
    rec = {
        "command": _shown(args),
        "exit_status": child.returncode,
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "peak_rss_gib": round(usage.ru_maxrss / 1024**2, 3),
        "wall_time_s": round(time.perf_counter() - tick, 1),
        "target_gib": TARGETS["peak_rss_gib"],
    }
    if child.returncode != 0:
        rec["error"] = err[-1] if err else f"exit status {child.returncode}"
    return rec


def _shown(args: Sequence[str]) -> str:
    return " ".join(["python -m mnist_scratch.train", *args, "--out", "TMPDIR"])


# ----------------------------------------------------------------------------------------------
# Summary, artifact, page.


def summary(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per headline figure: what, measured value, target, and whether it is met."""
    rows: list[dict[str, Any]] = []

    def add(part: str, what: str, value: Any, target: float | None, lower_is_better=True):
        met = None
        if target is not None and isinstance(value, (int, float)):
            met = bool(value <= target) if lower_is_better else bool(value >= target)
        rows.append({"part": part, "measure": what, "value": value, "target": target, "met": met})

    fb = results["full_batch"]
    add("1", "full-batch step ÷ its two products", fb["ratio"], fb["target"])
    for rec in results["minibatch"]["batches"]:
        add("2", f"epoch (H=10, B={rec['batch']}) ÷ one stream of the rows", rec["ratio"], None)
        if "ratio_blas1" in rec:
            add("2", f"same, BLAS on 1 thread (B={rec['batch']})", rec["ratio_blas1"], None)
        for g, alt in rec["gather_alternatives"].items():
            add("2", f"epoch speed-up, {g} per-batch gather, same batches (B={rec['batch']})",
                alt["speedup"], None)
    tv = results["torch"]
    if "skipped" in tv:
        rows.append({"part": "3", "measure": "NumPy ÷ PyTorch", "value": "skipped",
                     "target": None, "met": None})
    else:
        for s in tv["settings"]:
            n = s["numpy_blas_threads"]
            threads = f"{n} thread{'s' if n > 1 else ''}"
            add("3", f"NumPy ÷ idiomatic PyTorch (H={s['hidden']}, {threads})",
                s["ratio_idiomatic"], s["target"])
            add("3", f"NumPy ÷ PyTorch, same formulas (H={s['hidden']}, {threads})",
                s["ratio_formulas"], None)
    tr = results["training"]
    tta = tr["time_to_accuracy"]
    if "skipped" not in tta:
        for label, hit in tta["reached"].items():
            add("4", f"training time to {label} test accuracy (s)",
                hit["train_time_s"] if hit else "not reached", None)
    rss = tr["peak_rss"]
    if "peak_rss_gib" in rss:
        add("4", f"peak RSS of `{rss['command']}` (GiB)", rss["peak_rss_gib"], rss["target_gib"])
    return rows


def write_artifact(results: dict[str, Any], out: Path) -> Path:
    """Write ``out/results.json`` atomically (a temporary file, then a rename)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".json", dir=out)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=1, allow_nan=False)
            fh.write("\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the artifact is for everyone
        path = out / "results.json"
        os.replace(tmp, path)
    except OSError as exc:
        raise BenchError(f"cannot write the results to {out}: {exc.strerror or exc}") from None
    return path


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    return str(value).replace("|", "\\|")


def render_markdown(results: dict[str, Any]) -> str:
    """The results as Markdown tables: the headline summary, then each part's measurements.

    Used by the site to put ``results.json`` on the Performance page at build time.
    """
    env = results["environment"]
    blas = next((p for p in env["threadpools"] if p.get("user_api") == "blas"), {})
    lines = ["| part | measure | value | target | met |", "|---|---|---|---|---|"]
    lines += [f"| {r['part']} | {r['measure']} | {_cell(r['value'])} | {_cell(r['target'])} | "
              f"{_cell(r['met'])} |" for r in results["summary"]]
    lines += ["", f"Measured with `{results['command']}` on {results['created']} "
              f"({'quick run, ' if results['quick'] else ''}{results['data']['source']} data, "
              f"{results['data']['train_rows']:,} training rows).", ""]
    lines += ["| machine | |", "|---|---|",
              f"| CPU | {env['cpu']} ({env['usable_cpus']} usable of {env['logical_cpus']}) |",
              f"| platform | {env['platform']} |",
              f"| Python / NumPy | {env['python']} / {env['numpy']} |",
              f"| BLAS | {blas.get('internal_api', '?')} {blas.get('version', '')}, kernel "
              f"{blas.get('architecture', '?')}, {env['blas_threads']} thread(s) |"]
    lines += [f"| `{k}` | {'unset' if v is None else _cell(v)} |" for k, v in env["env"].items()]
    lines += [f"| load average (start → end) | {env['load_average_start']} → "
              f"{env.get('load_average_end')} |"]
    mb = results["minibatch"]
    lines += ["", "| batch | epoch ms | stream ms | shuffle | BLAS products | "
              "fixed per-step cost | remainder | µs per step | epoch, BLAS 1 thread | "
              "epoch, per-batch gather | epoch, uint8 per-batch gather |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for rec in mb["batches"]:
        s = rec["split_ms"]
        lines.append(f"| {rec['batch']} | {rec['epoch_ms']} | {rec['stream_ms']} | {s['shuffle']} "
                     f"| {s['blas_products']} | {s['fixed_per_step_overhead']} | "
                     f"{s['remainder']} | {rec['fixed_us_per_step']} | "
                     f"{_cell(rec.get('epoch_blas1_ms'))} | "
                     + " | ".join(str(a["epoch_ms"]) for a in rec["gather_alternatives"].values())
                     + " |")
    tv = results["torch"]
    if "settings" in tv:
        lines += ["", f"PyTorch {tv['torch']}, batch {tv['batch']}, SGD momentum "
                  f"{tv['optimizer']['momentum']}, {tv['optimizer']['schedule']} learning rate.",
                  "", "| hidden | threads (NumPy BLAS / torch) | NumPy ms | idiomatic torch ms | "
                  "hand-written torch ms |", "|---|---|---|---|---|"]
        lines += [f"| {s['hidden']} | {s['numpy_blas_threads']} / {s['torch_threads']} | "
                  f"{s['numpy_ms']} | {s['torch_idiomatic_ms']} | {s['torch_formulas_ms']} |"
                  for s in tv["settings"]]
    return "\n".join(lines)


def run(rows: Rows, *, quick: bool, use_torch: bool, command: str,
        rss_args: Sequence[str] | None, rss_timeout: float = 1800.0) -> dict[str, Any]:
    """Every part of the benchmark on ``rows``; returns the results document."""
    env = environment()
    rounds = 3 if quick else 7
    opt = recipe()
    results: dict[str, Any] = {
        "schema": SCHEMA,
        "command": command,
        "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "data": {"source": rows.source, "train_rows": int(rows.X_train.shape[0]),
                 "test_rows": int(rows.X_test.shape[0]), "dtype": str(rows.X_train.dtype)},
        "environment": env,
    }
    with np.errstate(all="ignore"):  # random weights on random data may overflow a softmax
        results["full_batch"] = full_batch(rows, rounds)
        results["minibatch"] = minibatch(rows, rounds, (128, 64), opt)
        epochs = 2 if quick else None
        results["training"] = {"time_to_accuracy": time_to_accuracy(rows, epochs)}
        if rss_args is None:
            results["training"]["peak_rss"] = {"skipped": "synthetic data: the training CLI "
                                               "loads real MNIST"}
        else:
            results["training"]["peak_rss"] = peak_rss(rss_args, rss_timeout)
        results["torch"] = (versus_torch(rows, rounds, (10, 128), opt, env["blas_threads"])
                            if use_torch else {"skipped": "--no-torch"})
    env["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["summary"] = summary(results)
    return results


def default_out() -> Path:
    """``docs/assets/bench`` of the checkout this package runs from (else ./bench)."""
    root = Path(__file__).resolve().parent.parent
    if (root / "docs").is_dir() and (root / "pyproject.toml").is_file():
        return root / "docs" / "assets" / "bench"
    return Path("bench")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mnist_scratch.bench",
        description="Measure training speed against this machine's floor and PyTorch; write "
        "OUT/results.json for the Performance page.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
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
    from mnist_scratch.data import DataError

    args = build_parser().parse_args(argv)
    command = " ".join(["python -m mnist_scratch.bench",
                        *(argv if argv is not None else sys.argv[1:])])
    try:
        if args.synthetic is not None and args.synthetic < 256:
            raise BenchError(f"--synthetic needs at least 256 rows, got {args.synthetic}")
        rows = (synthetic_rows(args.synthetic) if args.synthetic is not None
                else real_rows(args.data_dir))
        rss_args = None if args.synthetic is not None else (["--quick"] if args.quick else [])
        results = run(rows, quick=args.quick, use_torch=not args.no_torch, command=command,
                      rss_args=rss_args)
        path = write_artifact(results, args.out)
    except (BenchError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(render_markdown(results))
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
