r"""Targets and the loss: one-hot encoding and categorical cross-entropy."""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from mnist_scratch.activations import log_softmax


def one_hot(labels: np.ndarray, num_classes: int = 10, dtype: DTypeLike = np.float32) -> np.ndarray:
    r"""One-hot targets, one column per example.

    $$
    Y_{kj} = \begin{cases} 1 & k = y_j \\ 0 & \text{otherwise} \end{cases}
    $$

    Every column sums to 1, the fact the output-error proof relies on.

    Derivation: [one-hot][eq-one-hot].

    Parameters
    ----------
    labels : np.ndarray
        Integer class labels, shape ``(m,)``, each in ``0 .. num_classes - 1``.
    num_classes : int
        Number of classes $K$ (rows of the result).
    dtype : dtype-like
        Dtype of the result; match the network's (float32 for training, float64 for checks).

    Returns
    -------
    np.ndarray
        Shape ``(num_classes, m)``, C-contiguous.

    Raises
    ------
    ValueError
        If ``labels`` is not a 1-D integer array or a label is outside ``0 .. num_classes - 1``.

    Examples
    --------
    >>> one_hot(np.array([2, 0]), num_classes=3)
    array([[0., 1.],
           [0., 0.],
           [1., 0.]], dtype=float32)
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D integer array, got {labels.dtype} {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in 0..{num_classes - 1}")
    Y = np.zeros((num_classes, labels.size), dtype=dtype)  # (k, m)
    Y[labels, np.arange(labels.size)] = 1
    return Y


def cross_entropy(A2: np.ndarray, Y: np.ndarray) -> float:
    r"""Mean categorical cross-entropy over the ``m`` columns (examples), from probabilities.

    $$
    L = -\frac{1}{m} \sum_{j=1}^{m} \sum_{k} Y_{kj} \log \max\big((A_2)_{kj},\, a_{\min}\big)
    = \frac{1}{m} \sum_{j} \min\big(\ell_j,\, -\log a_{\min}\big)
    $$

    A probability that underflowed to 0 would give $\log 0 = -\infty$, so each is clipped from
    below at the dtype's smallest normal number $a_{\min}$ (``np.finfo(dtype).tiny``,
    $2^{-126}$ in float32, $2^{-1022}$ in float64). For every probability at least $a_{\min}$
    nothing changes; an example whose true probability underflowed adds $-\log a_{\min}$ (87.3
    in float32, 708.4 in float64) instead of its larger exact loss $\ell_j$. So the result is
    finite and never above the exact loss, which `cross_entropy_from_logits` computes. Training
    never differentiates this function (the gradient is $A_2 - Y$, computed directly), so the
    clip cannot bias a gradient.

    Derivation: [cross-entropy][eq-cross-entropy], [the clip][eq-cross-entropy-clip];
    notation: [the mean of the examples' losses][eq-notation-loss].

    Parameters
    ----------
    A2 : np.ndarray
        Predicted probabilities, shape ``(K, m)``, columns summing to 1.
    Y : np.ndarray
        One-hot targets, shape ``(K, m)``.

    Returns
    -------
    float
        The loss, finite for any probabilities in $[0, 1]$.

    Raises
    ------
    ValueError
        If the shapes of ``A2`` and ``Y`` differ.

    Examples
    --------
    >>> Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> round(cross_entropy(np.array([[0.5, 0.5], [0.5, 0.5]]), Y), 4)  # log 2
    0.6931
    >>> round(cross_entropy(np.array([[0.0, 0.5], [1.0, 0.5]]), Y), 2)  # a zero probability
    354.54
    """
    if A2.shape != Y.shape:
        raise ValueError(f"A2 has shape {A2.shape} but Y has shape {Y.shape}")
    m = A2.shape[-1] if A2.ndim > 1 else 1
    log_A2 = np.maximum(A2, np.finfo(A2.dtype).tiny)  # (K, m), reused in place for the log
    np.log(log_A2, out=log_A2)
    return -float(np.vdot(Y, log_A2)) / m


def cross_entropy_from_logits(Z2: np.ndarray, Y: np.ndarray) -> float:
    r"""Mean categorical cross-entropy computed from the logits: exact, never clipped.

    $$
    L = -\frac{1}{m} \sum_{j=1}^{m} \sum_{k} Y_{kj}\, \log \mathrm{softmax}(Z_2)_{kj}
    $$

    with the log of the softmax from `mnist_scratch.activations.log_softmax`. Where
    `cross_entropy` of the probabilities caps each example's loss at $-\log a_{\min}$ (87.3 in
    float32, 708.4 in float64), this gives the exact value: for logits $(1000, -1000, 999)$ and
    the target on the second class, 2000.31, not 708.40.

    Derivation: [cross-entropy][eq-cross-entropy], [from the logits][eq-cross-entropy-logits].

    Parameters
    ----------
    Z2 : np.ndarray
        Output logits, shape ``(K, m)``.
    Y : np.ndarray
        One-hot targets, shape ``(K, m)``.

    Returns
    -------
    float
        The loss, finite for any finite logits.

    Raises
    ------
    ValueError
        If the shapes of ``Z2`` and ``Y`` differ.

    Examples
    --------
    >>> Z2, Y = np.array([[1000.0], [-1000.0], [999.0]]), np.array([[0.0], [1.0], [0.0]])
    >>> round(cross_entropy_from_logits(Z2, Y), 4)
    2000.3133
    """
    if Z2.shape != Y.shape:
        raise ValueError(f"Z2 has shape {Z2.shape} but Y has shape {Y.shape}")
    m = Z2.shape[-1] if Z2.ndim > 1 else 1
    return -float(np.vdot(Y, log_softmax(Z2))) / m
