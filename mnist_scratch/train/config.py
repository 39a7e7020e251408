r"""What determines a training run: `TrainConfig`, and the checks a run passes before it starts.

Each choice is checked against the one list its owner keeps: initialisation schemes in
`mnist_scratch.network.INIT_SCHEMES`, learning-rate schedules in `mnist_scratch.optim.SCHEDULES`,
datasets in `mnist_scratch.data.known.DATASETS`. Nothing here copies those lists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mnist_scratch.data.known import DATASETS
from mnist_scratch.network import INIT_SCHEMES
from mnist_scratch.optim import SCHEDULES


class TrainingError(Exception):
    """A run that cannot start or cannot go on (bad value, diverged, not learning); one line."""


def _opt(default, help: str):  # noqa: A002 - "help" mirrors argparse's own keyword
    """A config field whose ``help`` text the command line reuses."""
    return field(default=default, metadata={"help": help})


def _one_of(choices: tuple[str, ...]) -> str:
    return " or ".join(choices) if len(choices) == 2 else ", ".join(choices)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run; two equal configs give bit-identical weights.

    The defaults are the improved 784-10-10 recipe; the comments say what else was tried (the
    whole search is written down beside `mnist_scratch.train.experiments.IMPROVED_CONFIG`).
    """

    hidden: int = _opt(10, "hidden ReLU units")  # the original tutorial's 784-10-10
    init: str = _opt("he", f"initialisation: {_one_of(INIT_SCHEMES)}")  # He: ReLU variance ~1
    lr: float = _opt(0.1, "base learning rate alpha_0")  # 0.075-0.2 tried; 0.1 best at batch 32
    schedule: str = _opt("cosine", f"learning-rate schedule: {_one_of(SCHEDULES)}")  # anneal to 0
    warmup: int = _opt(200, "linear learning-rate warm-up steps (cosine schedule only)")  # 0.1 ep
    momentum: float = _opt(0.5, "heavy-ball momentum mu; 0 = plain gradient descent")  # 0.67+ worse
    epochs: int = _opt(30, "passes over the training rows (full batch: iterations)")  # 25: -0.04pt
    batch_size: int = _opt(32, "rows per update; 0 = full batch")  # 64: -0.05pt, 128: worse
    seed: int = _opt(0, "seed for the initialisation, the shuffles and the held-out split")
    holdout: int = _opt(0, "training rows held out for validation")  # the baseline holds out 1000
    dataset: str = _opt("mnist", f"dataset: {_one_of(DATASETS)}")  # the baseline's data

    def problems(self) -> list[str]:
        """Every value no run can use, each as a short phrase (empty when the config is good)."""
        found = []
        for name in ("hidden", "epochs", "batch_size", "seed", "holdout", "warmup"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                found.append(f"{name} must be an integer, got {value!r}")
        if found:
            return found
        if self.hidden < 1:
            found.append(f"hidden must be at least 1, got {self.hidden}")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            found.append(f"lr must be a positive number, got {self.lr}")
        if not 0 <= self.momentum < 1:  # NaN fails both comparisons
            found.append(f"momentum must lie in [0, 1), got {self.momentum}")
        if self.epochs < 1:
            found.append(f"epochs must be at least 1, got {self.epochs}")
        if self.batch_size < 0:
            found.append(f"batch size must be 0 (full batch) or positive, got {self.batch_size}")
        if self.seed < 0:
            found.append(f"seed must be 0 or positive (NumPy seeds are non-negative), "
                         f"got {self.seed}")
        if self.holdout < 0:
            found.append(f"holdout must be 0 or positive, got {self.holdout}")
        if self.init not in INIT_SCHEMES:
            found.append(f"init must be {_one_of(INIT_SCHEMES)}, got {self.init!r}")
        if self.schedule not in SCHEDULES:
            found.append(f"schedule must be {_one_of(SCHEDULES)}, got {self.schedule!r}")
        if self.dataset not in DATASETS:
            found.append(f"dataset must be {_one_of(DATASETS)}, got {self.dataset!r}")
        if self.warmup < 0:
            found.append(f"warmup must be 0 or positive, got {self.warmup}")
        elif self.warmup and self.schedule != "cosine":
            found.append(f"a warm-up ({self.warmup} steps) needs the cosine schedule; "
                         "pass --warmup 0 with --schedule constant")
        return found

    def check(self) -> None:
        r"""Raise `TrainingError` naming every value no run can use.

        Examples
        --------
        >>> try:
        ...     TrainConfig(seed=-1, momentum=1.0).check()
        ... except TrainingError as exc:
        ...     print(*str(exc).split("; "), sep="\n")
        momentum must lie in [0, 1), got 1.0
        seed must be 0 or positive (NumPy seeds are non-negative), got -1
        """
        found = self.problems()
        if found:
            raise TrainingError("; ".join(found))

    @property
    def full_batch(self) -> bool:
        """True when every update uses all training rows (``batch_size == 0``)."""
        return self.batch_size == 0
