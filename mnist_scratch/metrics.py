r"""How good the predictions are: accuracy and the confusion matrix."""

from __future__ import annotations

import numpy as np


def accuracy(predictions: np.ndarray, labels: np.ndarray) -> float:
    r"""Fraction of examples whose predicted class is the true one.

    $$
    \mathrm{accuracy} = \frac{1}{m} \sum_{j=1}^{m} \mathbb{1}\left[\hat{y}_j = y_j\right]
    $$

    Derivation: [accuracy][eq-accuracy].

    Parameters
    ----------
    predictions : np.ndarray
        Predicted classes, shape ``(m,)`` (from `mnist_scratch.network.predict`).
    labels : np.ndarray
        True classes, shape ``(m,)``.

    Returns
    -------
    float
        In $[0, 1]$.

    Raises
    ------
    ValueError
        If the shapes differ or there are no examples.

    Examples
    --------
    >>> accuracy(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 4]))
    0.75
    """
    predictions, labels = np.asarray(predictions), np.asarray(labels)
    if predictions.shape != labels.shape or predictions.ndim != 1:
        raise ValueError(
            f"predictions {predictions.shape} and labels {labels.shape} must be equal 1-D"
        )
    if predictions.size == 0:
        raise ValueError("accuracy of zero examples is undefined")
    return float(np.count_nonzero(predictions == labels) / predictions.size)


def confusion_matrix(pred: np.ndarray, labels: np.ndarray, k: int = 10) -> np.ndarray:
    r"""Counts of (true class, predicted class) pairs: rows are true classes, columns predictions.

    $$
    C_{rc} = \sum_{j=1}^{m} \mathbb{1}\left[y_j = r\right]\, \mathbb{1}\left[\hat{y}_j = c\right],
    \qquad \mathrm{accuracy} = \frac{\mathrm{tr}\, C}{m}
    $$

    Derivation: [accuracy][eq-accuracy].

    Parameters
    ----------
    pred : np.ndarray
        Predicted classes, shape ``(m,)``.
    labels : np.ndarray
        True classes, shape ``(m,)``.
    k : int
        Number of classes.

    Returns
    -------
    np.ndarray
        Shape ``(k, k)``, int64; row ``r`` sums to the number of examples of class ``r``.

    Raises
    ------
    ValueError
        If the shapes differ or a class is outside ``0 .. k - 1``.

    Examples
    --------
    >>> confusion_matrix(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), k=3)
    array([[1, 0, 0],
           [0, 1, 0],
           [0, 1, 1]])
    """
    pred, labels = np.asarray(pred), np.asarray(labels)
    if pred.shape != labels.shape or pred.ndim != 1:
        raise ValueError(f"pred {pred.shape} and labels {labels.shape} must be equal 1-D")
    for name, a in (("pred", pred), ("labels", labels)):
        if a.size and (a.min() < 0 or a.max() >= k):
            raise ValueError(f"{name} must lie in 0..{k - 1}")
    # Each (true, predicted) pair gets its own bin r * k + c of one bincount.
    flat = labels.astype(np.int64) * k + pred.astype(np.int64)
    return np.bincount(flat, minlength=k * k).reshape(k, k)
