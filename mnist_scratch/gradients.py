r"""Back-propagation, one function per equation: the two errors and the two gradients.

Columns are examples; every gradient carries its $1/m$, so it is the gradient of the *mean* loss.
"""

from __future__ import annotations

import numpy as np

from mnist_scratch.activations import relu_prime


def output_error(A2: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""Error at the output logits, $\delta_2 = \partial (m L) / \partial Z_2$.

    $$
    \delta_2 = A_2 - Y
    $$

    Softmax followed by cross-entropy differentiates to this simple difference because each
    column of $Y$ sums to 1.

    Derivation: [output error][eq-output-error];
    notation: [what δ differentiates][eq-notation-errors].

    Parameters
    ----------
    A2 : np.ndarray
        Softmax outputs, shape ``(K, m)``.
    Y : np.ndarray
        One-hot targets, shape ``(K, m)``.

    Returns
    -------
    np.ndarray
        A new array, shape ``(K, m)``, dtype of ``A2``.

    Examples
    --------
    >>> output_error(np.array([[0.75], [0.25]]), np.array([[1.0], [0.0]]))
    array([[-0.25],
           [ 0.25]])
    """
    return A2 - Y


def hidden_error(W2: np.ndarray, delta2: np.ndarray, Z1: np.ndarray) -> np.ndarray:
    r"""Error at the hidden pre-activations, the output error sent back through $W_2$ and ReLU.

    $$
    \delta_1 = \left(W_2^{\top} \delta_2\right) \odot \mathrm{ReLU}'(Z_1)
    $$

    Derivation: [hidden error][eq-hidden-error];
    notation: [what δ differentiates][eq-notation-errors].

    Parameters
    ----------
    W2 : np.ndarray
        Output weights, shape ``(K, hidden)``.
    delta2 : np.ndarray
        Output error, shape ``(K, m)``.
    Z1 : np.ndarray
        Hidden pre-activations, shape ``(hidden, m)``.

    Returns
    -------
    np.ndarray
        Shape ``(hidden, m)``.

    Examples
    --------
    >>> W2 = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> delta2 = np.array([[1.0], [-1.0]])
    >>> hidden_error(W2, delta2, np.array([[0.5], [-0.5]]))  # second unit is off
    array([[-2.],
           [-0.]])
    """
    delta1 = W2.T @ delta2  # (hidden, m)
    delta1 *= relu_prime(Z1)
    return delta1


def weight_gradient(delta: np.ndarray, A_prev: np.ndarray) -> np.ndarray:
    r"""Gradient of the mean loss with respect to a weight matrix.

    $$
    dW = \frac{1}{m}\, \delta\, A_{\text{prev}}^{\top}
    $$

    The matrix product sums the per-example outer products $\delta_{:,j} A_{\text{prev}\,:,j}^\top$
    over the batch; for the first layer $A_{\text{prev}} = X$.

    Derivation: [weight gradient][eq-weight-gradient].

    Parameters
    ----------
    delta : np.ndarray
        Error of the layer, shape ``(units, m)``.
    A_prev : np.ndarray
        Input to the layer, shape ``(inputs, m)``; for the first layer a ``.T`` view of the
        C-contiguous ``(m, 784)`` design matrix, used as is (BLAS reads the transpose, no copy).

    Returns
    -------
    np.ndarray
        Shape ``(units, inputs)``.

    Examples
    --------
    >>> weight_gradient(np.array([[1.0, 3.0]]), np.array([[2.0, 4.0]]))  # (1*2 + 3*4) / 2
    array([[7.]])
    """
    dW = delta @ A_prev.T  # (units, inputs): the one big product
    dW *= 1 / delta.shape[1]  # in place; a Python float keeps the dtype (NEP 50)
    return dW


def bias_gradient(delta: np.ndarray) -> np.ndarray:
    r"""Gradient of the mean loss with respect to a bias column: the error averaged over the batch.

    $$
    db = \frac{1}{m} \sum_{j=1}^{m} \delta_{:,j}
    $$

    Derivation: [bias gradient][eq-bias-gradient].

    Parameters
    ----------
    delta : np.ndarray
        Error of the layer, shape ``(units, m)``.

    Returns
    -------
    np.ndarray
        Shape ``(units, 1)``, a column like the bias itself.

    Examples
    --------
    >>> bias_gradient(np.array([[1.0, 3.0], [-2.0, 0.0]]))
    array([[ 2.],
           [-1.]])
    """
    return delta.sum(axis=1, keepdims=True) / delta.shape[1]
