r"""Numeric checks of the package against independent results, shared by the pages and the tests.

Each ``check_*`` function compares one or more package functions (passed in, so a test can
hand it a deliberately wrong version) with an independent result: a sympy form compiled to
NumPy, sympy's own derivative of a small network written out symbol by symbol, or central
finite differences of the loss. It returns the `Check`s it made, which a page shows as one line
each, and raises `CheckFailed` when a bound is exceeded: a page check fails the site build
whatever the interpreter's flags (no ``assert``, which ``python -O`` removes).

The points where `backward` is checked are chosen where its bugs live: every one has hidden
units that are on *and* units that are off (so a lost ReLU mask, or $Z_1$ used where $A_1$
belongs, changes the result), one network has a square $W_2$ (so a missing transpose is a value
error, not a shape error), and one is the real 784-10-10 network on real MNIST digits.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from mnist_scratch import activations, gradients, loss, network, optim, playground
from mnist_scratch.symbolic import layers
from mnist_scratch.symbolic import optim as optim_forms
from mnist_scratch.symbolic.tiny import tiny_network

Params = dict[str, np.ndarray]
GRADIENT_NAMES = ("dW1", "db1", "dW2", "db2")
FD_STEP = 1e-6  # central-difference step in float64 (why: the gradient-check page)


class CheckFailed(Exception):
    """A package function disagreed with its independent result beyond the stated bound."""


@dataclass(frozen=True)
class Check:
    """One comparison that passed: what was compared, the largest error, and its bound.

    Examples
    --------
    >>> print(Check("relu matches sympy", 0.0, 0.0))
    ✓ relu matches sympy: largest difference 0 (bound 0)
    """

    what: str
    error: float
    bound: float
    detail: str = ""

    def __str__(self) -> str:
        error = "0" if self.error == 0 else f"{self.error:.1e}"
        bound = "0" if self.bound == 0 else f"{self.bound:.0e}"
        tail = f"; {self.detail}" if self.detail else ""
        return f"✓ {self.what}: largest difference {error} (bound {bound}){tail}"


def require(what: str, error: float, bound: float, detail: str = "") -> Check:
    """A `Check` if ``error <= bound``; otherwise (NaN included) raise `CheckFailed`.

    Examples
    --------
    >>> require("x", 1e-3, 1e-6)
    Traceback (most recent call last):
    ...
    mnist_scratch.checks.CheckFailed: x: largest difference 1.0e-03 exceeds the bound 1e-06
    """
    error = float(error)
    if not error <= bound:
        raise CheckFailed(f"{what}: largest difference {error:.1e} exceeds the bound {bound:.0e}"
                          + (f" ({detail})" if detail else ""))  # fmt: skip
    return Check(what, error, bound, detail)


def require_true(what: str, condition: bool) -> None:
    """Raise `CheckFailed` unless ``condition`` holds (an ``assert`` that ``-O`` keeps)."""
    if not condition:
        raise CheckFailed(what)


def _largest(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - b)))


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    """Largest difference relative to the largest entry of ``b`` (one scale per array)."""
    return _largest(a, b) / float(np.max(np.abs(b)))


# --- Central differences ------------------------------------------------------------------


def central_difference(
    f: Callable[[np.ndarray], float], theta: np.ndarray, index: tuple[int, ...], h: float
) -> float:
    r"""The central difference of ``f`` at ``theta`` along entry ``index``, with step ``h``.

    $$
    \frac{\partial L}{\partial \theta_q} \approx \frac{L(\theta + h e_q) - L(\theta - h e_q)}{2h}
    $$

    ``theta`` is changed in place and restored (bit for bit) before returning.

    Derivation: [central differences][eq-central-difference].

    Examples
    --------
    >>> round(central_difference(lambda t: float(t[0] ** 3), np.array([2.0]), (0,), 1e-3), 9)
    12.000001
    """
    saved = theta[index]
    theta[index] = saved + h
    up = f(theta)
    theta[index] = saved - h
    down = f(theta)
    theta[index] = saved
    return (up - down) / (2 * h)


def finite_difference_gradients(
    loss_of: Callable[[], float], params: Params, h: float = FD_STEP
) -> dict[str, np.ndarray]:
    """The central difference of ``loss_of()`` for every entry of every parameter array.

    ``loss_of`` reads ``params`` (changed in place one entry at a time, then restored).
    """
    return {
        "d" + name: np.array(
            [central_difference(lambda _: loss_of(), theta, q, h) for q in np.ndindex(theta.shape)]
        ).reshape(theta.shape)
        for name, theta in params.items()
    }


# --- Where backward is checked ------------------------------------------------------------


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


def _backward_at(point: Point, backward: Callable, forward: Callable) -> dict[str, np.ndarray]:
    return backward(point.params, point.X, point.Y, forward(point.params, point.X))


def gradient_errors(
    got: dict[str, np.ndarray], expected: dict[str, np.ndarray]
) -> dict[str, float]:
    """Per gradient array, the largest difference relative to the array's largest entry."""
    return {name: _relative(got[name], expected[name]) for name in GRADIENT_NAMES}


def check_backward_against_sympy(
    backward: Callable = network.backward, forward: Callable = network.forward
) -> list[Check]:
    """``backward`` against sympy's entry-by-entry derivatives of the tiny networks (float64)."""
    checks = []
    for point in tiny_points():
        expected = _net_of(point).numeric_gradients(point.params, point.X, point.Y)
        errors = gradient_errors(_backward_at(point, backward, forward), expected)
        checks.append(require(f"backward matches sympy on {point.label}", max(errors.values()),
                              1e-12, point.describe()))  # fmt: skip
    return checks


def _net_of(point: Point, m: int | None = None):
    """The sympy network of ``point``'s sizes (with ``m`` examples if given)."""
    hidden, inputs = point.params["W1"].shape
    classes = point.params["W2"].shape[0]
    return tiny_network(inputs, hidden, classes, point.X.shape[1] if m is None else m)


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
        expected = _net_of(point).numeric_forward(point.params, point.X)
        got = forward(point.params, point.X)
        error = max(_largest(got[name], expected[name]) for name in expected)
        Z1 = affine(point.params["W1"], point.X, point.params["b1"])
        checks.append(require(f"forward matches sympy on {point.label}", error, 1e-14,
                              "Z1, A1, Z2, A2"))  # fmt: skip
        checks.append(require(f"affine matches sympy's Z1 on {point.label}",
                              _largest(Z1, expected["Z1"]), 1e-14))  # fmt: skip
    return checks


# --- One function at a time ----------------------------------------------------------------


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
        require("relu matches max(0, z)", _largest(relu(Z), forms["relu"](Z)), 0.0),
        require("relu_prime matches H(z) with H(0) = 0", _largest(relu_prime(Z),
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
    jacobian = max(_largest(softmax_jacobian(col), forms["softmax_jacobian"](col)) for col in Z.T)
    return [
        require("softmax matches sympy", _largest(softmax(Z), forms["softmax"](Z)), 1e-14),
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
        require("output_error matches sympy", _largest(delta2, forms["output_error"](Z, Y)),
                1e-14),
        require("output_error matches finite differences of mL",
                _largest(delta2, numeric.reshape(Z.shape)), 1e-8, f"step {FD_STEP:g}"),
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
        one = _net_of(point, m=1)
        expected = np.column_stack([
            one.numeric_gradients(point.params, point.X[:, [j]], point.Y[:, [j]])["db1"]
            for j in range(point.X.shape[1])
        ])  # fmt: skip
        checks.append(require(f"hidden_error matches sympy on {point.label}",
                              _relative(got, expected), 1e-12, point.describe()))  # fmt: skip
    return checks


def check_weight_and_bias_gradients(
    weight_gradient: Callable = gradients.weight_gradient,
    bias_gradient: Callable = gradients.bias_gradient,
) -> list[Check]:
    r"""The two readings of $dW$ and $db$, against loops over the examples (float64, $m = 50$).

    $rac{1}{m}\delta A^	op$ is the mean of the per-example outer products, $db$ the row mean
    of $\delta$; repeating the batch changes neither (the $1/m$).
    """
    rng = np.random.default_rng(3)
    delta, A_prev = rng.normal(size=(4, 50)), rng.normal(size=(6, 50))
    outer = sum(np.outer(delta[:, j], A_prev[:, j]) for j in range(50)) / 50
    row_mean = np.array([[sum(delta[r, j] for j in range(50)) / 50] for r in range(4)])
    twice = (np.tile(delta, 2), np.tile(A_prev, 2))
    return [
        require("weight_gradient is the mean of the per-example outer products",
                _largest(weight_gradient(delta, A_prev), outer), 1e-15),
        require("bias_gradient is the mean of the columns of delta",
                _largest(bias_gradient(delta), row_mean), 1e-15),
        require("both unchanged when the batch is repeated twice",
                max(_largest(weight_gradient(*twice), weight_gradient(delta, A_prev)),
                    _largest(bias_gradient(twice[0]), bias_gradient(delta))), 1e-15),
    ]  # fmt: skip


def check_updates(
    gd_update: Callable = optim.gd_update, momentum_update: Callable = optim.momentum_update
) -> list[Check]:
    r"""The two updates against their definitions: the step, and the unrolled momentum sum.

    Also: a float32 parameter stays float32 under a float64 learning rate, ``inplace`` writes
    into the same array, and $\mu = 0$ is plain gradient descent.
    """
    rng = np.random.default_rng(4)
    theta = rng.normal(size=(10, 784)).astype(np.float32)
    dtheta = rng.normal(size=(10, 784)).astype(np.float32)
    lr = np.float64(0.1)
    new = gd_update(theta, dtheta, lr)
    require_true("gd_update keeps float32", new.dtype == np.float32)
    same = gd_update(theta.copy(), dtheta, lr, inplace=True)
    checks = [
        require("gd_update is theta - lr dtheta", _largest(new, theta - np.float32(lr) * dtheta),
                0.0, "float32, bit for bit"),
        require("gd_update(inplace=True) gives the same numbers", _largest(same, new), 0.0),
    ]  # fmt: skip
    mu, step_size, grads = 0.9, 0.05, rng.normal(size=(30, 4))
    theta64, velocity, worst = np.zeros(4), np.zeros(4), 0.0
    moved = np.zeros(4)
    for t in range(1, 31):
        theta64, velocity = momentum_update(theta64, grads[t - 1], velocity, step_size, mu)
        unrolled = sum(mu ** (t - s) * grads[s - 1] for s in range(1, t + 1))
        moved -= step_size * unrolled
        worst = max(worst, _largest(velocity, unrolled), _largest(theta64, moved))
    checks.append(require("momentum_update matches the unrolled sum of mu^(t-s) dtheta_s",
                          worst, 1e-12, "30 steps, mu = 0.9"))  # fmt: skip
    plain, _ = momentum_update(np.ones(4), grads[0], np.zeros(4), step_size, mu=0.0)
    plain_gd = gd_update(np.ones(4), grads[0], step_size)
    checks.append(require("momentum_update with mu = 0 is gd_update", _largest(plain, plain_gd),
                          0.0))  # fmt: skip
    return checks


def check_schedules(
    cosine_lr: Callable = optim.cosine_lr,
    warmup_cosine_lr: Callable = optim.warmup_cosine_lr,
    learning_rate: Callable = optim.learning_rate,
) -> list[Check]:
    """The schedules against their sympy formulas at every step of a 1000-step run."""
    f = optim_forms
    cosine_of = sp.lambdify((f.time, f.T, f.a0, f.amin), f.cosine_schedule(), "math")
    after_of = sp.lambdify(
        (f.time, f.T, f.a0, f.amin, f.Tw), f.cosine_schedule(f.time - f.Tw, f.T - f.Tw), "math"
    )
    total, base, final, warmup = 1000, 0.5, 0.01, 50
    steps = range(total + 1)
    cosine = max(abs(cosine_lr(t, total, base, final) - cosine_of(t, total, base, final))
                 for t in steps)  # fmt: skip
    expected = [
        base * (t + 1) / warmup if t < warmup else after_of(t, total, base, final, warmup)
        for t in steps
    ]
    warm = max(abs(warmup_cosine_lr(t, total, base, warmup, final) - e)
               for t, e in zip(steps, expected, strict=True))  # fmt: skip
    by_name = max(
        abs(learning_rate("cosine", t, total, base, final, warmup_steps=warmup) - expected[t])
        + abs(learning_rate("cosine", t, total, base, final) - cosine_lr(t, total, base, final))
        + abs(learning_rate("constant", t, total, base) - base)
        for t in steps
    )
    return [
        require("cosine_lr matches the sympy formula", cosine, 1e-15, f"{total + 1} steps"),
        require("warmup_cosine_lr matches the ramp and the shifted formula", warm, 1e-15,
                f"T_w = {warmup}"),
        require("learning_rate picks the schedule a run's configuration names", by_name, 0.0),
    ]  # fmt: skip
