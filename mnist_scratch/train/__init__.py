r"""Training: the config, the loop, the experiments the site shows, and the command line.

``python -m mnist_scratch.train`` with no arguments trains every experiment the site embeds and
writes each one to ``docs/assets/runs/<experiment>/`` (see `mnist_scratch.runs` for the files).
Runs are deterministic: one seed gives the same weights, bit for bit, on the same machine.

```python
from mnist_scratch.train import TrainConfig, prepare, train
result = train(TrainConfig(epochs=2), prepare())   # the improved recipe, two epochs
result.final["test_accuracy"]
```

Modules, each with one job: ``config`` (`TrainConfig` and its checks), ``inputs`` (the float32
design matrices every run shares, the held-out split), ``loop`` (`train`: a full-batch step, a
mini-batch epoch, timing around them), ``history`` (what a run records, and the checks that
stop a run that diverged or stopped learning), ``experiments`` (the runs the site shows, each
experiment with its own naming, summary and figures), ``parallel`` (two runs at a time),
``output`` (a trained experiment into a run folder) and ``cli`` (the command line).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__all__ = ["Prepared", "RunResult", "TrainConfig", "TrainingError", "prepare", "train"]

# Each public name is imported on first use: ``python -m mnist_scratch.train`` imports this
# package before its entry point can catch Ctrl-C, so the package must not load NumPy itself.
_HOME = {"Prepared": "inputs", "prepare": "inputs", "RunResult": "loop", "train": "loop",
         "TrainConfig": "config", "TrainingError": "config"}

if TYPE_CHECKING:  # for type checkers and the API reference, which read the source
    from .config import TrainConfig, TrainingError
    from .inputs import Prepared, prepare
    from .loop import RunResult, train


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
