r"""The data a run trains on: float32 design matrices built once per process, the held-out rows.

The data layer (`mnist_scratch.data`) finds and verifies the files; this module turns a loaded
`mnist_scratch.data.Dataset` into what every run of a process shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnist_scratch.data import design_matrix, load
from mnist_scratch.train.config import TrainConfig, TrainingError


@dataclass(frozen=True)
class Prepared:
    """Float32 design matrices (rows) and labels, built once from a `Dataset`."""

    X_train: np.ndarray  # (60000, 784) float32, C-contiguous rows
    y_train: np.ndarray  # (60000,) uint8
    X_test: np.ndarray  # (10000, 784)
    y_test: np.ndarray  # (10000,)
    test_images: np.ndarray  # (10000, 784) uint8, kept for the saved sample images
    dataset: str
    files: dict  # file name -> {"sha256", "source"}


def prepare(dataset: str = "mnist", data_dir: str | Path | None = None) -> Prepared:
    """Load a dataset through the data layer and build its float32 design matrices."""
    return from_dataset(load(dataset=dataset, data_dir=data_dir), dataset)


def from_dataset(ds, dataset: str = "mnist", train_rows: int | None = None) -> Prepared:
    """`Prepared` arrays of a loaded `Dataset` (optionally only its first ``train_rows``)."""
    files = {
        name: {"sha256": rec.sha256, "source": str(rec.source)} for name, rec in ds.files.items()
    }
    rows = slice(None, train_rows)
    return Prepared(
        X_train=design_matrix(ds.train_images[rows]),
        y_train=np.asarray(ds.train_labels[rows]),
        X_test=design_matrix(ds.test_images),
        y_test=np.asarray(ds.test_labels),
        test_images=np.asarray(ds.test_images),
        dataset=dataset,
        files=dict(sorted(files.items())),
    )


def split(config: TrainConfig, data: Prepared, rng: np.random.Generator):
    """Training rows and held-out rows: a seeded random ``holdout`` of the training set.

    Returns ``(X_train, y_train, X_held, y_held)``; the held-out pair is ``None`` without one.
    """
    if config.holdout == 0:
        return data.X_train, data.y_train, None, None
    m = data.X_train.shape[0]
    if config.holdout >= m:
        raise TrainingError(f"holdout {config.holdout} leaves no training rows (of {m})")
    order = rng.permutation(m)
    held, kept = order[: config.holdout], order[config.holdout :]
    # np.take on rows keeps every row contiguous: one memcpy per image.
    return (
        np.take(data.X_train, kept, axis=0),
        data.y_train[kept],
        np.take(data.X_train, held, axis=0),
        data.y_train[held],
    )
