r"""Part 3: the training loop's epoch against PyTorch on the same CPU, epochs alternated.

The NumPy side is `mnist_scratch.bench.epochs.Epoch`, the loop's own `minibatch_epoch`. The
two PyTorch sides start from the same weights and use the same batch, momentum and learning
rate at every step (`mnist_scratch.train.loop.Schedule`, warm-up included): idiomatic PyTorch
(``nn.Sequential``, ``CrossEntropyLoss``, autograd, ``optim.SGD``) and PyTorch tensors running
this package's formulas by hand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

import numpy as np

from mnist_scratch.data.known import CLASSES
from mnist_scratch.loss import one_hot
from mnist_scratch.train.config import TrainConfig
from mnist_scratch.train.loop import Batches, one_blas_thread

from .epochs import Epoch, schedule
from .measure import Rows, has_threadpoolctl, interleave, ms, ratio

TARGETS = {10: 0.5, 128: 0.8}  # NumPy ÷ idiomatic PyTorch, by hidden width


class TorchIdiomatic:
    """What a PyTorch user writes: ``nn.Sequential``, cross-entropy on logits, autograd, SGD."""

    def __init__(self, torch, rows: Rows, params: dict[str, np.ndarray], recipe: TrainConfig):
        nn = torch.nn
        hidden = params["W1"].shape[0]
        self.torch = torch
        self.model = nn.Sequential(nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, CLASSES))
        with torch.no_grad():  # the same starting weights as the NumPy network
            for layer, (W, b) in ((self.model[0], ("W1", "b1")), (self.model[2], ("W2", "b2"))):
                layer.weight.copy_(torch.from_numpy(params[W]))
                layer.bias.copy_(torch.from_numpy(params[b].ravel()))
        self.optim = torch.optim.SGD(self.model.parameters(), lr=recipe.lr,
                                     momentum=recipe.momentum)
        self.loss = nn.CrossEntropyLoss()
        self.X = torch.from_numpy(rows.X_train)  # (m, 784), shared memory
        self.y = torch.from_numpy(rows.y_train.astype(np.int64))
        self.m, self.batch = self.X.shape[0], recipe.batch_size
        self.rate = schedule(recipe, math.ceil(self.m / self.batch))
        self.generator = torch.Generator().manual_seed(0)

    def epoch(self) -> None:
        order = self.torch.randperm(self.m, generator=self.generator)
        X, y = self.X[order], self.y[order]
        for step, start in enumerate(range(0, self.m, self.batch)):
            for group in self.optim.param_groups:
                group["lr"] = self.rate(step)
            self.optim.zero_grad(set_to_none=True)
            stop = start + self.batch
            self.loss(self.model(X[start:stop]), y[start:stop]).backward()
            self.optim.step()


class TorchFormulas:
    """PyTorch tensors running this package's formulas by hand: no autograd, no nn, no optim."""

    def __init__(self, torch, rows: Rows, params: dict[str, np.ndarray], recipe: TrainConfig):
        self.torch = torch
        self.p = {name: torch.from_numpy(a.copy()) for name, a in params.items()}
        self.v = {name: torch.zeros_like(a) for name, a in self.p.items()}
        self.X = torch.from_numpy(rows.X_train)  # (m, 784)
        Y_rows = np.ascontiguousarray(one_hot(rows.y_train, CLASSES, dtype=rows.X_train.dtype).T)
        self.Y = torch.from_numpy(Y_rows)  # (m, 10)
        self.m, self.batch, self.mu = self.X.shape[0], recipe.batch_size, float(recipe.momentum)
        self.rate = schedule(recipe, math.ceil(self.m / self.batch))
        self.generator = torch.Generator().manual_seed(0)

    def epoch(self) -> None:
        torch, p, v = self.torch, self.p, self.v
        order = torch.randperm(self.m, generator=self.generator)
        rows, targets = self.X[order], self.Y[order]
        with torch.no_grad():
            for step, start in enumerate(range(0, self.m, self.batch)):
                lr = self.rate(step)
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
                    v[name].mul_(self.mu).add_(grads[name])
                    theta.add_(v[name], alpha=-lr)


def versus_torch(rows: Rows, rounds: int, hiddens: Sequence[int], recipe: TrainConfig,
                 blas_threads: int) -> dict[str, Any]:
    """The loop's epoch ÷ PyTorch's, idiomatic and hand-written, alternated in one process:
    with NumPy's BLAS threads and torch's set alike, then (on several cores) both on one."""
    try:
        import torch
    except ImportError:
        return {"skipped": "torch is not installed (pip install torch==2.13.0 for the CPU build)"}
    threads_before = torch.get_num_threads()
    out: dict[str, Any] = {
        "torch": torch.__version__,
        "torch_threads_default": threads_before,
        "batch": recipe.batch_size,
        "recipe": {k: getattr(recipe, k) for k in ("lr", "momentum", "schedule", "warmup")},
        "rounds": rounds,
        "settings": [],
    }
    settings = [blas_threads] + ([1] if blas_threads > 1 and has_threadpoolctl() else [])
    try:
        for threads in settings:
            torch.set_num_threads(threads)
            limit = one_blas_thread() if threads == 1 and blas_threads > 1 else nullcontext()
            with limit:
                for hidden in hiddens:
                    numpy_epoch = Epoch(rows, recipe, hidden=hidden,
                                        batches=Batches(rows.X_train, rows.y_train,
                                                        recipe.batch_size))
                    params = numpy_epoch.descent.params
                    idiom = TorchIdiomatic(torch, rows, params, recipe)
                    hand = TorchFormulas(torch, rows, params, recipe)
                    t = interleave({"numpy": numpy_epoch, "torch_idiomatic": idiom.epoch,
                                    "torch_formulas": hand.epoch}, rounds)
                    out["settings"].append({
                        "hidden": hidden,
                        "numpy_blas_threads": threads,
                        "torch_threads": torch.get_num_threads(),
                        "numpy_ms": ms(t["numpy"]),
                        "torch_idiomatic_ms": ms(t["torch_idiomatic"]),
                        "torch_formulas_ms": ms(t["torch_formulas"]),
                        "ratio_idiomatic": ratio(t["numpy"], t["torch_idiomatic"]),
                        "ratio_formulas": ratio(t["numpy"], t["torch_formulas"]),
                        "target": TARGETS.get(hidden),
                    })
    finally:
        torch.set_num_threads(threads_before)
    return out
