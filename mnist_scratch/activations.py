r"""Activation functions and their derivatives, each beside the other.

Columns are examples: a pre-activation ``Z`` has shape ``(units, m)``. Every function keeps the
dtype of its input (float32 in training, float64 under the gradient checks).
"""

from __future__ import annotations

import numpy as np


def relu(Z: np.ndarray) -> np.ndarray:
    r"""Rectified linear unit, element-wise.

    $$
    \mathrm{ReLU}(Z)_{ij} = \max(0, Z_{ij})
    $$

    Derivation: [ReLU][eq-relu].

    Parameters
    ----------
    Z : np.ndarray
        Pre-activations, any shape (``(hidden, m)`` in the network).

    Returns
    -------
    np.ndarray
        A new array, same shape and dtype as ``Z``.

    Examples
    --------
    >>> relu(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 3.]])
    """
    # A Python 0 is a "weak" scalar under NEP 50, so float32 stays float32.
    return np.maximum(Z, 0)


def relu_prime(Z: np.ndarray) -> np.ndarray:
    r"""Derivative of ReLU, element-wise, as a 0/1 mask in the dtype of ``Z``.

    $$
    \mathrm{ReLU}'(Z)_{ij} = \begin{cases} 1 & Z_{ij} > 0 \\ 0 & Z_{ij} \le 0 \end{cases}
    $$

    ReLU has no derivative at 0. Any value in $[0, 1]$ is a valid subgradient there (and sympy's
    answer depends only on how ReLU is written); the package takes 0, as PyTorch does, so a unit
    exactly at 0 passes no gradient back, like a unit that is off.

    Derivation: [ReLU derivative][eq-relu-prime].

    Parameters
    ----------
    Z : np.ndarray
        Pre-activations, any shape.

    Returns
    -------
    np.ndarray
        Ones where ``Z > 0``, zeros elsewhere; same shape and dtype as ``Z``.

    Examples
    --------
    >>> relu_prime(np.array([[-2.0, 0.0, 3.0]], dtype=np.float32))
    array([[0., 0., 1.]], dtype=float32)
    """
    # A comparison then a cast is ~40x faster than np.heaviside on (10, 60000) float32.
    return (Z > 0).astype(Z.dtype)


def softmax(Z: np.ndarray) -> np.ndarray:
    r"""Softmax over each column (over the classes of each example), numerically stable.

    $$
    \mathrm{softmax}(Z)_{kj} = \frac{e^{Z_{kj} - c_j}}{\sum_{k'} e^{Z_{k'j} - c_j}},
    \qquad c_j = \max_{k'} Z_{k'j}
    $$

    Subtracting the column maximum $c_j$ changes nothing mathematically (softmax is shift
    invariant) but keeps every exponent $\le 0$: no overflow, and the largest term is exactly
    $e^0 = 1$, so the denominator is at least 1.

    Derivation: [softmax][eq-softmax], [why the shift changes nothing][eq-softmax-shift].

    Parameters
    ----------
    Z : np.ndarray
        Logits, shape ``(classes, m)``, or ``(classes,)`` for a single example.

    Returns
    -------
    np.ndarray
        Probabilities, same shape and dtype as ``Z``; each column sums to 1.

    Examples
    --------
    >>> A = softmax(np.array([[1.0, 1000.0], [1.0, -1000.0]]))
    >>> print(A.round(3))
    [[0.5 1. ]
     [0.5 0. ]]
    >>> print(A.sum(axis=0))
    [1. 1.]
    """
    A = Z - Z.max(axis=0, keepdims=True)  # (k, m), the only allocation
    np.exp(A, out=A)
    A /= A.sum(axis=0, keepdims=True)
    return A


def log_softmax(Z: np.ndarray) -> np.ndarray:
    r"""Log of the softmax of each column, from the logits, with no overflow and no $\log 0$.

    $$
    \log \mathrm{softmax}(Z)_{kj} = (Z_{kj} - c_j) - \log \sum_{k'} e^{Z_{k'j} - c_j},
    \qquad c_j = \max_{k'} Z_{k'j}
    $$

    The log-sum-exp form: the sum is at least $e^0 = 1$, so its log is finite, and a
    probability too small for the dtype (softmax rounds it to 0) still gets its exact log.

    Derivation: [log-softmax][eq-log-softmax].

    Parameters
    ----------
    Z : np.ndarray
        Logits, shape ``(classes, m)``.

    Returns
    -------
    np.ndarray
        Same shape and dtype as ``Z``; ``np.exp`` of it is `softmax` of ``Z``.

    Examples
    --------
    >>> log_softmax(np.array([[1000.0], [-1000.0], [999.0]])).ravel().round(4).tolist()
    [-0.3133, -2000.3133, -1.3133]
    """
    shifted = Z - Z.max(axis=0, keepdims=True)  # (k, m), every entry <= 0
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def softmax_jacobian(z: np.ndarray) -> np.ndarray:
    r"""Jacobian of softmax for one example: $J_{kk'} = \partial a_k / \partial z_{k'}$.

    $$
    \frac{\partial a}{\partial z} = \mathrm{diag}(a) - a a^{\top}, \qquad a = \mathrm{softmax}(z)
    $$

    Derivation: [softmax Jacobian][eq-softmax-jacobian], [for three classes][eq-softmax-jacobian-3].

    Parameters
    ----------
    z : np.ndarray
        Logits of one example, shape ``(classes,)`` (a ``(classes, 1)`` column is accepted too).

    Returns
    -------
    np.ndarray
        Shape ``(classes, classes)``, symmetric, each row and column summing to 0.

    Examples
    --------
    >>> print(softmax_jacobian(np.array([0.0, 0.0])))
    [[ 0.25 -0.25]
     [-0.25  0.25]]
    """
    a = softmax(np.ravel(z))  # (k,)
    J = np.multiply.outer(a, -a)  # -a a^T
    J[np.diag_indices_from(J)] += a
    return J
