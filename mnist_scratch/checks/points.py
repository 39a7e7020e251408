r"""Where `backward` is checked: small sympy-sized networks, and the real one on real digits.

The points are chosen where its bugs live: every one has hidden units that are on *and* units
that are off (so a lost ReLU mask, or $Z_1$ used where $A_1$ belongs, changes the result), one
network has a square $W_2$ (so a missing transpose is a value error, not a shape error), and
one is the real 784-10-10 network on real MNIST digits.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import numpy as np

from mnist_scratch import loss, network, playground
from mnist_scratch.symbolic.tiny import tiny_network

from .bounds import CheckFailed, require_true
from .differences import FD_STEP, Params


@dataclass(frozen=True)
class Point:
    """A network and a batch to evaluate gradients at, with what makes it a good test."""

    label: str
    params: Params
    X: np.ndarray
    Y: np.ndarray

    @property
    def Z1(self) -> np.ndarray:
        return network.forward(self.params, self.X)["Z1"]

    def describe(self) -> str:
        W1, W2 = self.params["W1"], self.params["W2"]
        off = int(np.count_nonzero(self.Z1 <= 0))
        return (f"{W1.shape[1]}-{W1.shape[0]}-{W2.shape[0]}, m = {self.X.shape[1]}, "
                f"{off} of {self.Z1.size} hidden pre-activations off")  # fmt: skip


def _with_units_on_and_off(point: Point, margin: float) -> bool:
    Z1 = point.Z1
    return bool((Z1 > 0).any() and (Z1 < 0).any() and np.abs(Z1).min() > margin)


def tiny_points() -> list[Point]:
    r"""Small float64 networks to compare with sympy: a square $W_2$ (3-3-3) and a wide one (4-2-3).

    Each is drawn from a fixed seed until its hidden pre-activations have both signs and none
    is within $10^{-3}$ of ReLU's kink.
    """
    points = []
    for inputs, hidden, classes, m in ((3, 3, 3, 4), (4, 2, 3, 3)):
        net = tiny_network(inputs, hidden, classes, m)
        rng = np.random.default_rng(inputs * 100 + hidden * 10 + classes)
        while True:
            params, X, Y = net.sample(rng)
            point = Point(f"{inputs}-{hidden}-{classes}", params, X, Y)
            if _with_units_on_and_off(point, 1e-3):
                points.append(point)
                break
    return points


def sympy_network(point: Point, m: int | None = None):
    """The sympy network of ``point``'s sizes (with ``m`` examples if given)."""
    hidden, inputs = point.params["W1"].shape
    classes = point.params["W2"].shape[0]
    return tiny_network(inputs, hidden, classes, point.X.shape[1] if m is None else m)


@functools.cache
def real_digits(count: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """``count`` real MNIST test digits (pixels ``(count, 784)`` uint8 and labels), 0-9 in turn.

    Read from the sample the site ships (``docs/assets/playground/digits.json``), so the pages
    and the tests use the same images, offline.
    """
    path = playground.default_path()
    if path is None or not path.is_file():
        raise CheckFailed("the real digits need docs/assets/playground/digits.json (a checkout)")
    doc = json.loads(path.read_text(encoding="utf-8"))
    images, labels = playground.decode_images(doc), np.asarray(doc["labels"])
    # Interleave the classes: the first image of each digit 0-9, then the second of each, ...
    rank = np.array([np.count_nonzero(labels[:q] == labels[q]) for q in range(labels.size)])
    order = np.argsort(rank * 10 + labels, kind="stable")[:count]
    return images[order], labels[order]


def real_point(count: int = 16) -> Point:
    """The real 784-10-10 network (the baseline's uniform initialisation), real digits, float64."""
    from mnist_scratch.data import design_matrix  # the data package imports much; load it late

    images, labels = real_digits(count)
    X = design_matrix(images, np.float64).T  # (784, m), a view
    params = network.init_params(rng=0, dtype=np.float64)
    Y = loss.one_hot(labels, dtype=np.float64)
    point = Point("784-10-10, real digits", params, X, Y)
    require_true("the real network has units on and off, away from the kink",
                 _with_units_on_and_off(point, 100 * FD_STEP))  # fmt: skip
    return point
