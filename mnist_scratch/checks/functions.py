r"""One function at a time: each of the network's pieces against an independent result.

ReLU, softmax and the losses against the sympy forms of `mnist_scratch.symbolic.layers`,
compiled to NumPy (`lambdified_forms`); the output error also against central differences;
the hidden error against sympy's derivative of the tiny networks with respect to $b_1$; the
weight and bias gradients against loops over the examples.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import sympy as sp

from mnist_scratch import activations, gradients, loss, network
from mnist_scratch.symbolic import layers

from .bounds import Check, difference, relative_difference, require, require_true
from .differences import FD_STEP, central_difference
from .points import sympy_network, tiny_points


@functools.cache
def lambdified_forms(classes: int) -> dict[str, Callable[..., np.ndarray]]:
    r"""NumPy functions compiled from the sympy forms of `mnist_scratch.symbolic.layers`.

    Returns
    -------
    dict[str, Callable]
        ``"relu"``, ``"relu_prime"`` (any array), ``"softmax"`` ``(K, m) -> (K, m)``,
        ``"softmax_jacobian"`` ``(K,) -> (K, K)``, ``"cross_entropy"`` ``(Z, Y) -> float`` (the
        mean over columns, from the logits) and ``"output_error"`` ``(Z, Y) -> (K, m)`` (sympy's
        gradient of each example's loss, with no $\sum y = 1$ assumed).
    """
    x = layers.x
    L, zs, ys = layers.concrete(layers.cross_entropy_general(), classes)
    a = [layers.concrete(layers.softmax_general(q), classes)[0] for q in range(classes)]
    loss_of = sp.lambdify([zs, ys], L, "numpy")
    grad_of = sp.lambdify([zs, ys], [sp.diff(L, zq) for zq in zs], "numpy")
    softmax_of = sp.lambdify([zs], a, "numpy")
    jacobian_of = sp.lambdify([zs], sp.Matrix(a).jacobian(zs), "numpy")
    return {
        "relu": sp.lambdify(x, layers.relu_expr(x), "numpy"),
        "relu_prime": sp.lambdify(x, layers.relu_prime_expr(x), "numpy"),
        "softmax": lambda Z: np.array(softmax_of(list(Z))),
        "softmax_jacobian": lambda zv: np.array(jacobian_of(list(zv)), dtype=float),
        "cross_entropy": lambda Z, Y: float(np.mean(loss_of(list(Z), list(Y)))),
        "output_error": lambda Z, Y: np.array(grad_of(list(Z), list(Y))),
    }


def check_relu(
    relu: Callable = activations.relu, relu_prime: Callable = activations.relu_prime
) -> list[Check]:
    """ReLU and ReLU′ against sympy's forms, exactly, on random numbers with exact zeros (±0)."""
    forms = lambdified_forms(2)
    Z = np.concatenate([np.random.default_rng(0).normal(size=500), [0.0, -0.0, 1e-300, -1e-300]])
    checks = [
        require("relu matches max(0, z)", difference(relu(Z), forms["relu"](Z)), 0.0),
        require("relu_prime matches H(z) with H(0) = 0", difference(relu_prime(Z),
                forms["relu_prime"](Z)), 0.0, "exact zeros included"),  # fmt: skip
    ]
    Z32 = Z.astype(np.float32)
    require_true("relu and relu_prime keep float32", relu(Z32).dtype == relu_prime(Z32).dtype
                 == np.float32)  # fmt: skip
    return checks


def check_softmax(
    softmax: Callable = activations.softmax,
    softmax_jacobian: Callable = activations.softmax_jacobian,
) -> list[Check]:
    """softmax and its Jacobian against sympy's, ten classes, random logits (float64)."""
    forms = lambdified_forms(10)
    Z = np.random.default_rng(0).normal(scale=3.0, size=(10, 6))
    jacobian = max(difference(softmax_jacobian(col), forms["softmax_jacobian"](col)) for col in Z.T)
    return [
        require("softmax matches sympy", difference(softmax(Z), forms["softmax"](Z)), 1e-14),
        require("softmax_jacobian matches sympy", jacobian, 1e-14),
    ]


def check_cross_entropy(
    cross_entropy: Callable = loss.cross_entropy,
    from_logits: Callable = loss.cross_entropy_from_logits,
) -> list[Check]:
    """Both losses against sympy's, ten classes, random logits and one-hot targets (float64)."""
    forms = lambdified_forms(10)
    rng = np.random.default_rng(1)
    Z = rng.normal(scale=3.0, size=(10, 8))
    Y = loss.one_hot(rng.integers(0, 10, size=8), dtype=np.float64)
    exact = forms["cross_entropy"](Z, Y)
    return [
        require("cross_entropy(softmax(Z), Y) matches sympy",
                abs(cross_entropy(activations.softmax(Z), Y) - exact), 1e-13),
        require("cross_entropy_from_logits(Z, Y) matches sympy", abs(from_logits(Z, Y) - exact),
                1e-13),
    ]  # fmt: skip


def check_output_error(output_error: Callable = gradients.output_error) -> list[Check]:
    """output_error against sympy's gradient (no Σy = 1 assumed) and finite differences of mL."""
    forms = lambdified_forms(10)
    rng = np.random.default_rng(2)
    m = 6
    Z = rng.normal(scale=3.0, size=(10, m))
    Y = loss.one_hot(rng.integers(0, 10, size=m), dtype=np.float64)
    delta2 = output_error(activations.softmax(Z), Y)

    def sum_loss(_: np.ndarray) -> float:  # m L, the loss delta2 is the derivative of
        return m * loss.cross_entropy_from_logits(Z, Y)

    numeric = np.array([central_difference(sum_loss, Z, q, FD_STEP) for q in np.ndindex(Z.shape)])
    return [
        require("output_error matches sympy", difference(delta2, forms["output_error"](Z, Y)),
                1e-14),
        require("output_error matches finite differences of mL",
                difference(delta2, numeric.reshape(Z.shape)), 1e-8, f"step {FD_STEP:g}"),
    ]  # fmt: skip


def check_hidden_error(hidden_error: Callable = gradients.hidden_error) -> list[Check]:
    r"""hidden_error against sympy, at the tiny networks (square $W_2$, units off).

    The independent value: for a batch of one example, $\partial \ell / \partial b_1$ is
    column $j$ of $\delta_1$ (the bias enters $Z_1$ with slope 1), and sympy differentiates
    the written-out network with respect to $b_1$ knowing nothing of $\delta_1$.
    """
    checks = []
    for point in tiny_points():
        cache = network.forward(point.params, point.X)
        delta2 = gradients.output_error(cache["A2"], point.Y)
        got = hidden_error(point.params["W2"], delta2, cache["Z1"])
        one = sympy_network(point, m=1)
        expected = np.column_stack([
            one.numeric_gradients(point.params, point.X[:, [j]], point.Y[:, [j]], ["db1"])["db1"]
            for j in range(point.X.shape[1])
        ])  # fmt: skip
        checks.append(require(f"hidden_error matches sympy on {point.label}",
                              relative_difference(got, expected), 1e-12,
                              point.describe()))  # fmt: skip
    return checks


def check_weight_and_bias_gradients(
    weight_gradient: Callable = gradients.weight_gradient,
    bias_gradient: Callable = gradients.bias_gradient,
) -> list[Check]:
    r"""The two readings of $dW$ and $db$, against loops over the examples (float64, $m = 50$).

    $\frac{1}{m}\delta A^\top$ is the mean of the per-example outer products, $db$ the row mean
    of $\delta$; repeating the batch changes neither (the $1/m$).
    """
    rng = np.random.default_rng(3)
    delta, A_prev = rng.normal(size=(4, 50)), rng.normal(size=(6, 50))
    outer = sum(np.outer(delta[:, j], A_prev[:, j]) for j in range(50)) / 50
    row_mean = np.array([[sum(delta[r, j] for j in range(50)) / 50] for r in range(4)])
    twice = (np.tile(delta, 2), np.tile(A_prev, 2))
    return [
        require("weight_gradient is the mean of the per-example outer products",
                difference(weight_gradient(delta, A_prev), outer), 1e-15),
        require("bias_gradient is the mean of the columns of delta",
                difference(bias_gradient(delta), row_mean), 1e-15),
        require("both unchanged when the batch is repeated twice",
                max(difference(weight_gradient(*twice), weight_gradient(delta, A_prev)),
                    difference(bias_gradient(twice[0]), bias_gradient(delta))), 1e-15),
    ]  # fmt: skip
