r"""The 784-10-10 network: parameters, the forward pass, back-propagation and prediction.

`forward` and `backward` only compose the one-formula functions of `activations`,
`gradients` and this module's `affine`; no formula is re-derived here. Columns are examples:
``X`` is ``(784, m)``, normally the ``.T`` view of a C-contiguous ``(m, 784)`` design matrix.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from mnist_scratch.activations import relu, softmax
from mnist_scratch.gradients import bias_gradient, hidden_error, output_error, weight_gradient

INIT_SCHEMES = ("uniform", "he")


def affine(W: np.ndarray, A: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""Affine step of a layer: weights times inputs plus a bias broadcast over the columns.

    $$
    Z = W A + b
    $$

    Derivation: [affine step][eq-affine].

    Parameters
    ----------
    W : np.ndarray
        Weights, shape ``(units, inputs)``.
    A : np.ndarray
        Inputs, shape ``(inputs, m)``; a transposed view is fine (BLAS reads it without a copy).
    b : np.ndarray
        Bias column, shape ``(units, 1)``.

    Returns
    -------
    np.ndarray
        Shape ``(units, m)``, C-contiguous.

    Examples
    --------
    >>> affine(np.array([[1.0, 2.0]]), np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([[0.5]]))
    array([[3.5, 2.5]])
    """
    Z = W @ A  # (units, m)
    Z += b  # in place: no second (units, m) temporary
    return Z


def init_params(
    hidden: int = 10,
    inputs: int = 784,
    classes: int = 10,
    scheme: str = "uniform",
    rng: np.random.Generator | int | None = None,
    dtype: DTypeLike = np.float32,
) -> dict[str, np.ndarray]:
    r"""Initial weights and biases of the two layers.

    $$
    \begin{aligned}
    &\text{uniform:} && W_1, b_1, W_2, b_2 \sim \mathcal{U}(-0.5,\, 0.5) \\
    &\text{he:} && (W_1)_{ip} \sim \mathcal{N}\!\left(0,\, \tfrac{2}{d}\right),\
    (W_2)_{ki} \sim \mathcal{N}\!\left(0,\, \tfrac{2}{n}\right),\ b_1 = b_2 = 0
    \end{aligned}
    $$

    ``"uniform"`` is the baseline's scheme (the original tutorial's ``np.random.rand(...) - 0.5``
    for all four arrays); ``"he"`` scales each weight matrix to its fan-in $n_{\text{in}}$ (784 for
    $W_1$, ``hidden`` for $W_2$) so that, for inputs that are ReLUs of zero-mean pre-activations,
    a layer keeps the second moment of its signal (the derivation states the assumptions).
    Values are drawn in float64 in the order W1, b1, W2, b2 and then cast, so one seed gives the
    same network in every dtype (up to rounding).

    Derivation: [initialisation][eq-init].

    Parameters
    ----------
    hidden, inputs, classes : int
        Layer widths: ``W1`` is ``(hidden, inputs)``, ``W2`` is ``(classes, hidden)``.
    scheme : {"uniform", "he"}
        Initialisation scheme.
    rng : np.random.Generator, int or None
        The generator to draw from, or a seed for `np.random.default_rng`.
    dtype : dtype-like
        Dtype of the returned arrays.

    Returns
    -------
    dict[str, np.ndarray]
        ``"W1"`` (hidden, inputs), ``"b1"`` (hidden, 1), ``"W2"`` (classes, hidden),
        ``"b2"`` (classes, 1); C-contiguous.

    Raises
    ------
    ValueError
        For an unknown scheme or a width below 1.

    Examples
    --------
    >>> params = init_params(hidden=3, inputs=4, classes=2, scheme="he", rng=0)
    >>> {name: p.shape for name, p in params.items()}
    {'W1': (3, 4), 'b1': (3, 1), 'W2': (2, 3), 'b2': (2, 1)}
    >>> print(params["b2"].ravel(), params["W1"].dtype)
    [0. 0.] float32
    """
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"unknown init scheme {scheme!r}; choose one of {', '.join(INIT_SCHEMES)}")
    if min(hidden, inputs, classes) < 1:
        raise ValueError(f"layer widths must be at least 1, got {inputs}-{hidden}-{classes}")
    rng = np.random.default_rng(rng)
    shapes = {
        "W1": (hidden, inputs),
        "b1": (hidden, 1),
        "W2": (classes, hidden),
        "b2": (classes, 1),
    }
    params = {}
    for name, shape in shapes.items():
        if scheme == "uniform":
            value = rng.random(shape) - 0.5
        elif name.startswith("W"):
            value = rng.standard_normal(shape) * np.sqrt(2.0 / shape[1])  # fan-in = columns
        else:
            value = np.zeros(shape)
        params[name] = value.astype(dtype)
    return params


def forward(params: dict[str, np.ndarray], X: np.ndarray) -> dict[str, np.ndarray]:
    r"""Forward pass over a batch of columns, keeping what back-propagation needs.

    $$
    Z_1 = W_1 X + b_1,\quad A_1 = \mathrm{ReLU}(Z_1),
    \quad Z_2 = W_2 A_1 + b_2,\quad A_2 = \mathrm{softmax}(Z_2)
    $$

    Derivation: [forward pass][eq-forward], [backprop at a glance][eq-at-a-glance].

    Parameters
    ----------
    params : dict[str, np.ndarray]
        ``"W1"``, ``"b1"``, ``"W2"``, ``"b2"`` as from `init_params`.
    X : np.ndarray
        Inputs, shape ``(inputs, m)``: pass ``design_matrix(images).T``, a view, never a copy.

    Returns
    -------
    dict[str, np.ndarray]
        ``"Z1"``, ``"A1"`` (hidden, m) and ``"Z2"``, ``"A2"`` (classes, m).

    Examples
    --------
    >>> params = init_params(hidden=3, inputs=4, classes=2, rng=0, dtype=np.float64)
    >>> cache = forward(params, np.ones((4, 5)))
    >>> {name: a.shape for name, a in cache.items()}
    {'Z1': (3, 5), 'A1': (3, 5), 'Z2': (2, 5), 'A2': (2, 5)}
    >>> print(cache["A2"].sum(axis=0).round(6))
    [1. 1. 1. 1. 1.]
    """
    Z1 = affine(params["W1"], X, params["b1"])  # (hidden, m): the first big product
    A1 = relu(Z1)
    Z2 = affine(params["W2"], A1, params["b2"])  # (classes, m)
    A2 = softmax(Z2)
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def backward(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    cache: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    r"""Gradients of the mean cross-entropy with respect to every parameter.

    $$
    \begin{aligned}
    \delta_2 &= A_2 - Y, & dW_2 &= \tfrac{1}{m}\,\delta_2 A_1^{\top},
      & db_2 &= \tfrac{1}{m} \textstyle\sum_j \delta_{2,:j}, \\
    \delta_1 &= (W_2^{\top}\delta_2) \odot \mathrm{ReLU}'(Z_1),
      & dW_1 &= \tfrac{1}{m}\,\delta_1 X^{\top},
      & db_1 &= \tfrac{1}{m} \textstyle\sum_j \delta_{1,:j}
    \end{aligned}
    $$

    Derivation: [back-propagation][eq-backward], [backprop at a glance][eq-at-a-glance].

    Parameters
    ----------
    params : dict[str, np.ndarray]
        The parameters `forward` used.
    X : np.ndarray
        The same inputs, shape ``(inputs, m)``.
    Y : np.ndarray
        One-hot targets, shape ``(classes, m)``, dtype of the parameters.
    cache : dict[str, np.ndarray]
        What `forward` returned for ``X``.

    Returns
    -------
    dict[str, np.ndarray]
        ``"dW1"``, ``"db1"``, ``"dW2"``, ``"db2"``, each shaped like its parameter.

    Examples
    --------
    >>> params = init_params(hidden=3, inputs=4, classes=2, rng=0, dtype=np.float64)
    >>> X = np.ones((4, 5))
    >>> grads = backward(params, X, np.eye(2)[:, [0, 1, 0, 1, 0]], forward(params, X))
    >>> all(grads["d" + name].shape == p.shape for name, p in params.items())
    True
    """
    delta2 = output_error(cache["A2"], Y)  # (classes, m)
    delta1 = hidden_error(params["W2"], delta2, cache["Z1"])  # (hidden, m)
    return {
        "dW1": weight_gradient(delta1, X),  # the second big product
        "db1": bias_gradient(delta1),
        "dW2": weight_gradient(delta2, cache["A1"]),
        "db2": bias_gradient(delta2),
    }


def predict(params: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    r"""Predicted class of each column: the most probable class under the network.

    $$
    \hat{y}_j = \arg\max_k\, (A_2)_{kj}
    $$

    Derivation: [accuracy][eq-accuracy].

    Parameters
    ----------
    params : dict[str, np.ndarray]
        Trained parameters.
    X : np.ndarray
        Inputs, shape ``(inputs, m)``.

    Returns
    -------
    np.ndarray
        Integer class indices, shape ``(m,)``.

    Examples
    --------
    >>> params = {"W1": np.eye(2), "b1": np.zeros((2, 1)), "W2": np.eye(2), "b2": np.zeros((2, 1))}
    >>> predict(params, np.array([[2.0, 0.0], [1.0, 3.0]]))
    array([0, 1])
    """
    return forward(params, X)["A2"].argmax(axis=0)
