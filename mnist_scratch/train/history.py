r"""What a run measures as it trains, and the checks that stop a run which is not learning.

`evaluate` measures loss, accuracy and how many hidden units fire on a set of rows; `History`
keeps one row per evaluation (a column per metric, as ``metrics.json`` stores it) and ends a
run that diverged or can no longer learn with a `TrainingError` naming the learning rate.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mnist_scratch.data.known import CLASSES
from mnist_scratch.loss import cross_entropy, one_hot
from mnist_scratch.metrics import accuracy
from mnist_scratch.network import forward
from mnist_scratch.train.config import TrainConfig, TrainingError

EVAL_CHUNK = 10_000  # rows per evaluation forward pass: caps the (hidden, m) temporaries
# Per-epoch train metrics of mini-batch runs use a fixed sample of the training rows: a forward
# pass over all 60,000 each epoch would cost as much as a third of an epoch at width 256. The
# final train metrics are measured on every row.
TRAIN_SAMPLE = 10_000


@dataclass(frozen=True)
class Evaluation:
    """Loss and accuracy of the parameters on some rows, and how many hidden units fired."""

    loss: float
    accuracy: float
    active_units: int  # hidden units positive on at least one of the rows
    probabilities: np.ndarray | None = None  # (m, 10) when asked for


def evaluate(
    params: dict[str, np.ndarray], X_rows: np.ndarray, labels: np.ndarray, *, keep: bool = False
) -> Evaluation:
    """Mean cross-entropy and accuracy of ``params`` on rows ``X_rows``, in chunks.

    The probabilities ``(m, 10)`` are kept only when ``keep``.
    """
    m = X_rows.shape[0]
    loss_sum = 0.0
    predictions = np.empty(m, dtype=np.int64)
    active = np.zeros(params["W1"].shape[0], dtype=bool)
    kept = np.empty((m, CLASSES), dtype=np.float32) if keep else None
    for start in range(0, m, EVAL_CHUNK):
        stop = min(start + EVAL_CHUNK, m)
        cache = forward(params, X_rows[start:stop].T)
        A2 = cache["A2"]  # (10, chunk)
        Y = one_hot(labels[start:stop], CLASSES, dtype=A2.dtype)  # (10, chunk)
        loss_sum += cross_entropy(A2, Y) * (stop - start)
        predictions[start:stop] = A2.argmax(axis=0)
        active |= (cache["A1"] > 0).any(axis=1)
        if keep:
            kept[start:stop] = A2.T
    return Evaluation(loss_sum / m, accuracy(predictions, labels), int(active.sum()), kept)


def measured(cache: dict[str, np.ndarray], Y: np.ndarray, labels: np.ndarray) -> Evaluation:
    """The `Evaluation` of a forward pass already made over all the rows (``cache``)."""
    A2 = cache["A2"]
    return Evaluation(cross_entropy(A2, Y), accuracy(A2.argmax(axis=0), labels),
                      int((cache["A1"] > 0).any(axis=1).sum()))


class History:
    """The record of a run: one entry per evaluation in each column of ``columns``.

    Columns: ``step``, ``epoch``, ``lr``, ``time_s``, then ``<split>_loss`` and
    ``<split>_accuracy`` for ``train``, ``heldout`` (when rows are held out) and ``test``.
    """

    def __init__(self, config: TrainConfig, steps_per_epoch: int, total_steps: int, *,
                 heldout: bool, progress: Callable[[str], None] | None = None):
        self.config = config
        self.steps_per_epoch = steps_per_epoch
        self.total_steps = total_steps
        self.progress = progress
        self.columns: dict[str, list] = {"step": [], "epoch": [], "lr": [], "time_s": []}
        for split in ("train", "heldout", "test") if heldout else ("train", "test"):
            self.columns[f"{split}_loss"] = []
            self.columns[f"{split}_accuracy"] = []

    def add(self, step: int, lr: float, time_s: float, splits: dict[str, Evaluation],
            descent) -> None:
        """Append one evaluation; raise `TrainingError` if the run diverged or cannot learn.

        ``descent`` is the `mnist_scratch.train.loop.Descent` being trained: its parameters
        must be finite, and hidden units that no training row activates, with no momentum left
        to move them, can never come back.
        """
        train = splits["train"]
        self._check(step, train, descent)
        c = self.columns
        c["step"].append(step)
        c["epoch"].append(round(step / self.steps_per_epoch, 6))
        c["lr"].append(lr)
        c["time_s"].append(round(time_s, 4))
        for split, result in splits.items():
            c[f"{split}_loss"].append(result.loss)
            c[f"{split}_accuracy"].append(result.accuracy)
        if self.progress is not None:
            self._report(step, train, splits["test"])

    def _check(self, step: int, train: Evaluation, descent) -> None:
        lr = self.config.lr
        if not math.isfinite(train.loss) or not all(
            np.isfinite(p).all() for p in descent.params.values()
        ):
            raise TrainingError(f"the loss became {train.loss} at step {step} with learning rate "
                                f"{lr}: the run diverged; try a smaller --lr")
        still = not descent.momentum or not any(
            descent.velocity[name].any() for name in ("W1", "b1")
        )
        if train.active_units == 0 and step > 0 and still:
            raise TrainingError(
                f"all {self.config.hidden} hidden units are dead at step {step} with learning "
                f"rate {lr}: no training image activates any of them, so no gradient reaches "
                "W1 and b1 again and the network cannot learn; try a smaller --lr"
            )

    def check_learned(self) -> None:
        """Raise `TrainingError` if the training loss never fell below its first value."""
        loss = self.columns["train_loss"]
        if len(loss) > 1 and not min(loss[1:]) < loss[0]:
            raise TrainingError(
                f"the training loss never fell below its start ({loss[0]:.4f} at step 0, "
                f"{loss[-1]:.4f} at step {self.columns['step'][-1]}) with learning rate "
                f"{self.config.lr}: the run did not learn; try another --lr"
            )

    def _report(self, step: int, train: Evaluation, test: Evaluation) -> None:
        full = self.config.full_batch
        if full and step % 25 and step != self.total_steps:
            return
        unit = "iteration" if full else "epoch"
        done = step if full else step // self.steps_per_epoch
        total = self.total_steps if full else self.config.epochs
        self.progress(
            f"{unit} {done}/{total}  loss {train.loss:.4f}  train {100 * train.accuracy:.2f}%  "
            f"test {100 * test.accuracy:.2f}%  {self.columns['time_s'][-1]:.1f}s"
        )

    def final(self) -> dict[str, float]:
        """The last entry of every column but ``step`` and ``lr``, then the ``step`` reached."""
        final = {name: values[-1] for name, values in self.columns.items()
                 if name not in ("step", "lr")}
        final["step"] = self.columns["step"][-1]
        return final
