"""The whole network at the points: `forward` against sympy, `backward` against sympy and
against central differences of the loss.

``backward`` is compared array by array (`GRADIENT_NAMES`), each error relative to the
array's largest entry, at the tiny networks and at the real one (`mnist_scratch.checks.points`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from mnist_scratch import loss, network

from .bounds import Check, difference, relative_difference, require
from .differences import FD_STEP, finite_difference_gradients
from .points import Point, real_point, sympy_network, tiny_points

GRADIENT_NAMES = ("dW1", "db1", "dW2", "db2")


def _backward_at(point: Point, backward: Callable, forward: Callable) -> dict[str, np.ndarray]:
    return backward(point.params, point.X, point.Y, forward(point.params, point.X))


def gradient_errors(
    got: dict[str, np.ndarray], expected: dict[str, np.ndarray]
) -> dict[str, float]:
    """Per gradient array, the largest difference relative to the array's largest entry."""
    return {name: relative_difference(got[name], expected[name]) for name in GRADIENT_NAMES}


def check_backward_against_sympy(
    backward: Callable = network.backward, forward: Callable = network.forward
) -> list[Check]:
    """``backward`` against sympy's entry-by-entry derivatives of the tiny networks (float64)."""
    checks = []
    for point in tiny_points():
        expected = sympy_network(point).numeric_gradients(point.params, point.X, point.Y)
        errors = gradient_errors(_backward_at(point, backward, forward), expected)
        checks.append(require(f"backward matches sympy on {point.label}", max(errors.values()),
                              1e-12, point.describe()))  # fmt: skip
    return checks


def backward_by_finite_differences(point: Point, forward: Callable = network.forward,
                                   h: float = FD_STEP) -> dict[str, np.ndarray]:  # fmt: skip
    """Central differences of the loss at ``point`` for every parameter entry (float64)."""

    def loss_of() -> float:
        return loss.cross_entropy(forward(point.params, point.X)["A2"], point.Y)

    return finite_difference_gradients(loss_of, point.params, h)


def check_backward_against_finite_differences(
    backward: Callable = network.backward,
    forward: Callable = network.forward,
    points: Iterable[Point] | None = None,
) -> list[Check]:
    """``backward`` against central differences of the loss, at the tiny and the real networks."""
    checks = []
    for point in points if points is not None else [*tiny_points(), real_point()]:
        numeric = backward_by_finite_differences(point, forward)
        errors = gradient_errors(_backward_at(point, backward, forward), numeric)
        checks.append(require(f"backward matches finite differences on {point.label}",
                              max(errors.values()), 1e-6, point.describe()))  # fmt: skip
    return checks


def check_forward(forward: Callable = network.forward, affine: Callable = network.affine
                  ) -> list[Check]:  # fmt: skip
    """``forward`` and ``affine`` against the written-out sympy forward pass (float64)."""
    checks = []
    for point in tiny_points():
        expected = sympy_network(point).numeric_forward(point.params, point.X)
        got = forward(point.params, point.X)
        error = max(difference(got[name], expected[name]) for name in expected)
        Z1 = affine(point.params["W1"], point.X, point.params["b1"])
        checks.append(require(f"forward matches sympy on {point.label}", error, 1e-14,
                              "Z1, A1, Z2, A2"))  # fmt: skip
        checks.append(require(f"affine matches sympy's Z1 on {point.label}",
                              difference(Z1, expected["Z1"]), 1e-14))  # fmt: skip
    return checks
