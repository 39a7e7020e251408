r"""The properties of each implement exercise, in the order they are checked.

A property says something the function must do ("each column sums to 1", "agrees with central
finite differences of the loss") and checks it on several inputs: random shapes with m = 1
among them, float32 and float64, the ReLU kink at exactly 0, logits of ±1000, transposed views.
Where they apply, properties compare with sympy's exact values and with central finite
differences of the loss, truths independent of any implementation.

`hand_mistakes` lists the wrong answers worth a hint of their own beyond the classic bugs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from mnist_scratch.exercises.checks import (
    Caller,
    Case,
    Failed,
    Property,
    central,
    expect_array,
    expect_fd,
    expect_number,
)
from mnist_scratch.exercises.references import (
    SHAPES,
    backward64,
    ce64,
    ce_logits64,
    describe,
    forward64,
    layer_problem,
    network_case,
    one_hot,
    random_params,
    random_probabilities,
    seeded,
    simple_case,
    softmax64,
    warmup_lr64,
)


def _values(cases: list[Case], reference: Callable, what: str = "it") -> Callable:
    def check(call: Caller) -> None:
        for case in cases:
            args, _ = case.make()
            expected = reference(*args)
            got, _, _ = call.run(case)
            expect_array(got, expected, case, what)

    return check


def _relu_prime_properties() -> list[Property]:
    def z_case(shape, dtype=np.float64, seed=0):
        return simple_case(
            describe("Z", shape, np.dtype(dtype).name),
            lambda: (seeded(seed).normal(size=shape).astype(dtype),),
        )

    def ref(Z):
        return np.heaviside(Z, 0.0).astype(Z.dtype)

    shapes = [(3, 1), (5, 4), (2, 3, 4), (7,)]
    kink = simple_case(
        "Z = [[-1.5, 0.0, 2.0, -0.0]], float64",
        lambda: (np.array([[-1.5, 0.0, 2.0, -0.0]]),),
    )

    def sympy_agrees(call: Caller) -> None:
        import sympy as sp

        z = sp.Symbol("z", real=True)
        derivative = sp.diff(sp.Piecewise((0, z <= 0), (z, True)), z)
        points = seeded(5).uniform(-3, 3, (4, 5))
        case = simple_case("20 points away from 0, float64", lambda: (points.copy(),))
        got, _, _ = call.run(case)
        exact = np.array([[float(derivative.subs(z, v)) for v in row] for row in points])
        expect_array(got, exact, case)

    return [
        Property(
            "returns 1 where z > 0 and 0 where z < 0, as a new float64 array of Z's shape "
            "(shapes (3, 1), (5, 4), (2, 3, 4), (7,))",
            _values([z_case(s, seed=i) for i, s in enumerate(shapes)], ref),
            "ReLU′ is 1 where the unit is on and 0 where it is off.",
        ),
        Property(
            "is 0 at exactly z = 0 (and at -0.0): the package's convention H(0) = 0",
            _values([kink], ref),
            "At exactly 0 the exercise takes 0.",
        ),
        Property(
            "keeps float32 as float32",
            _values([z_case((4, 6), np.float32, 9)], ref),
            "Cast the mask to Z's own dtype.",
        ),
        Property("agrees with sympy's derivative of max(0, z) away from 0", sympy_agrees),
    ]


def _softmax_properties() -> list[Property]:
    def logits(shape, seed, dtype=np.float64, scale=3.0):
        return simple_case(
            describe("Z", shape, np.dtype(dtype).name),
            lambda: (seeded(seed).normal(0, scale, shape).astype(dtype),),
        )

    def ref(Z):
        return softmax64(Z).astype(Z.dtype)

    cases = [logits(s, i) for i, s in enumerate(SHAPES)]

    def columns_sum_to_one(call: Caller) -> None:
        for case in cases:
            got, _, _ = call.run(case)
            if (
                isinstance(got, np.ndarray)
                and got.ndim == 2
                and got.shape == case.make()[0][0].shape
            ):
                sums = got.sum(axis=0)
                if not np.allclose(sums, 1.0, rtol=1e-12, atol=1e-12):
                    raise Failed(
                        f"on {case.label}, the columns sum to {np.round(sums, 6).tolist()}",
                        case,
                        got,
                        ref(case.make()[0][0]),
                    )
            else:
                expect_array(got, ref(case.make()[0][0]), case)

    huge = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0], [999.0, 0.0, -1000.0]])
    huge_case = simple_case(
        "Z = [[1000, -1000, 0], [-1000, 1000, 0], [999, 0, -1000]]", lambda: (huge.copy(),)
    )
    f32 = simple_case(
        "Z of shape (4, 3), float32, with logits near 100 (e^100 overflows float32)",
        lambda: ((seeded(4).normal(0, 1, (4, 3)) + np.array([100.0, 0, -50])).astype(np.float32),),
    )

    def sympy_agrees(call: Caller) -> None:
        import sympy as sp

        Z = np.array([[1.0, -2.0], [0.0, 3.0], [2.0, 3.0]])
        exact = np.array(
            [
                [
                    float(
                        sp.exp(sp.Integer(int(Z[k, j])))
                        / sum(sp.exp(sp.Integer(int(v))) for v in Z[:, j])
                    )
                    for j in range(2)
                ]
                for k in range(3)
            ]
        )
        case = simple_case("Z = [[1, -2], [0, 3], [2, 3]], float64", lambda: (Z.copy(),))
        got, _, _ = call.run(case)
        expect_array(got, exact, case)

    return [
        Property(
            "returns a new array of Z's shape and dtype (K × m, m = 1 included)",
            _shape_only(cases, ref),
        ),
        Property("each column (one example) sums to 1", columns_sum_to_one),
        Property("agrees with softmax computed in float64 from log-sum-exp", _values(cases, ref)),
        Property("stays finite and right for logits of ±1000", _values([huge_case], ref)),
        Property("keeps float32 as float32, finite for logits near 100", _values([f32], ref)),
        Property("agrees with sympy's exact softmax of a 3 × 2 case", sympy_agrees),
    ]


def _shape_only(cases: list[Case], reference: Callable) -> Callable:
    """Only the type, shape and dtype; values are another property's business."""

    def check(call: Caller) -> None:
        for case in cases:
            args, _ = case.make()
            expected = reference(*args)
            got, _, _ = call.run(case)
            if (
                not isinstance(got, np.ndarray)
                or got.shape != expected.shape
                or got.dtype != expected.dtype
            ):
                expect_array(got, expected, case)

    return check


def _cross_entropy_properties() -> list[Property]:
    def case(K, m, seed, dtype=np.float64):
        return simple_case(
            f"A2, Y of shape ({K}, {m}), {np.dtype(dtype).name}",
            lambda: random_probabilities(K, m, seed, dtype),
            m=m,
        )

    cases = [case(K, m, i) for i, (K, m) in enumerate(SHAPES)]

    def values(cs, rel):
        def check(call: Caller) -> None:
            for c in cs:
                A2, Y = c.make()[0]
                got, _, _ = call.run(c)
                expect_number(got, ce64(A2, Y), c, rel)

        return check

    zero_target = simple_case(
        "A2 = [[0, 0.5], [1, 0.5]], Y = [[1, 0], [0, 1]] (the target's probability is 0)",
        lambda: (np.array([[0.0, 0.5], [1.0, 0.5]]), np.array([[1.0, 0.0], [0.0, 1.0]])),
    )
    zero_other = simple_case(
        "A2 = [[0, 0.5], [1, 0.5]], Y = [[0, 1], [1, 0]] (a 0 probability on another class)",
        lambda: (np.array([[0.0, 0.5], [1.0, 0.5]]), np.array([[0.0, 1.0], [1.0, 0.0]])),
    )

    def finite(call: Caller) -> None:
        got, _, _ = call.run(zero_target)
        if np.ndim(got) != 0 or not math.isfinite(float(got)) or float(got) <= 0:
            raise Failed(
                f"on {zero_target.label}, it returned {got!r}; expected a finite positive loss",
                zero_target,
                got,
                hint=(
                    "log 0 is −inf. Keep the probabilities away from 0 before taking the log "
                    "(np.maximum with a tiny positive number)."
                ),
            )

    def sympy_agrees(call: Caller) -> None:
        import sympy as sp

        A = [
            [sp.Rational(1, 2), sp.Rational(1, 5)],
            [sp.Rational(1, 3), sp.Rational(7, 10)],
            [sp.Rational(1, 6), sp.Rational(1, 10)],
        ]
        labels = (1, 0)
        exact = float(-(sp.log(A[labels[0]][0]) + sp.log(A[labels[1]][1])) / 2)
        c = simple_case(
            "A2 = [[1/2, 1/5], [1/3, 7/10], [1/6, 1/10]], labels (1, 0)",
            lambda: (np.array(A, dtype=np.float64), one_hot(np.array(labels), 3)),
        )
        got, _, _ = call.run(c)
        expect_number(got, exact, c)

    return [
        Property("returns one number, not an array", values(cases[:1], math.inf)),
        Property("equals −(1/m) Σ Y log A2 (m = 1 included)", values(cases, 1e-9)),
        Property("is finite when the target's probability is exactly 0", finite),
        Property("counts 0 · log 0 as 0", values([zero_other], 1e-9)),
        Property("works in float32", values([case(10, 6, 8, np.float32)], 1e-5)),
        Property("agrees with sympy's exact value of a 3 × 2 case", sympy_agrees),
    ]


def _output_error_properties() -> list[Property]:
    def case(K, m, seed, dtype=np.float64):
        return simple_case(
            f"A2, Y of shape ({K}, {m}), {np.dtype(dtype).name}",
            lambda: random_probabilities(K, m, seed, dtype),
            m=m,
        )

    def ref(A2, Y):
        return (A2.astype(np.float64) - Y).astype(A2.dtype)

    cases = [case(K, m, i) for i, (K, m) in enumerate(SHAPES)]

    def finite_differences(call: Caller) -> None:
        rng = seeded(11)
        Z2 = rng.normal(0, 2, (4, 3))
        Y = one_hot(np.array([0, 3, 1]), 4)
        c = simple_case(
            "A2 = softmax(Z2), Z2 of shape (4, 3)", lambda: (softmax64(Z2), Y.copy()), m=3
        )
        got, _, _ = call.run(c)
        z = Z2.copy()
        numeric = central(lambda: 3 * ce_logits64(z, Y), z)  # ∂(mL)/∂Z2
        expect_fd(got, numeric, c)

    def sympy_agrees(call: Caller) -> None:
        import sympy as sp

        z = sp.symbols("z1:4", real=True)
        y = (0, 1, 0)
        total = sum(sp.exp(v) for v in z)
        loss = -sum(t * sp.log(sp.exp(v) / total) for t, v in zip(y, z, strict=True))
        point = {z[0]: sp.Rational(1, 2), z[1]: -1, z[2]: 2}
        exact = np.array([[float(sp.diff(loss, v).subs(point))] for v in z])
        logits = np.array([[0.5], [-1.0], [2.0]])
        c = simple_case(
            "one example, z = (1/2, -1, 2), target class 2 of 3",
            lambda: (softmax64(logits), np.array([[0.0], [1.0], [0.0]])),
            m=1,
        )
        got, _, _ = call.run(c)
        expect_array(got, exact, c)

    return [
        Property(
            "returns a new array of the shape of A2 (m = 1 included)", _shape_only(cases, ref)
        ),
        Property("values: ∂(mL)/∂Z2 of softmax followed by cross-entropy", _values(cases, ref)),
        Property("keeps float32 as float32", _values([case(10, 5, 7, np.float32)], ref)),
        Property("agrees with central finite differences of the loss", finite_differences),
        Property("agrees with sympy's derivative of the loss for K = 3", sympy_agrees),
    ]


def _hidden_error_properties() -> list[Property]:
    def case(K, n, m, seed, dtype=np.float64, zeros=False):
        def build():
            rng = seeded(seed)
            W2 = rng.normal(size=(K, n))
            delta2 = rng.normal(size=(K, m))
            Z1 = rng.normal(size=(n, m))
            if zeros:
                Z1[::2, :] = 0.0
            return W2.astype(dtype), delta2.astype(dtype), Z1.astype(dtype)

        name = np.dtype(dtype).name
        where = ", every other unit at exactly 0" if zeros else ""
        return simple_case(
            f"W2 ({K}, {n}), delta2 ({K}, {m}), Z1 ({n}, {m}), {name}{where}", build, m=m
        )

    def ref(W2, delta2, Z1):
        out = np.einsum("ki,kj->ij", W2.astype(np.float64), delta2) * (Z1 > 0)
        return out.astype(W2.dtype)

    rectangular = [case(3, 5, 1, 0), case(4, 2, 6, 1), case(10, 7, 3, 2)]

    def finite_differences(call: Caller) -> None:
        rng = seeded(21)
        K, n, m = 3, 4, 5
        W2, b2 = rng.normal(size=(K, n)), rng.normal(size=(K, 1))
        Z1 = rng.normal(size=(n, m))
        Z1[np.abs(Z1) < 0.05] = 0.5  # keep the steps of the differences off the kink
        Y = one_hot(rng.integers(0, K, m), K)
        delta2 = softmax64(W2 @ np.maximum(Z1, 0) + b2) - Y
        c = simple_case(
            f"a {n}-unit hidden layer under a {K}-class softmax, m = {m}",
            lambda: (W2.copy(), delta2.copy(), Z1.copy()),
            m=m,
        )
        got, _, _ = call.run(c)
        z = Z1.copy()
        numeric = central(lambda: m * ce_logits64(W2 @ np.maximum(z, 0) + b2, Y), z)
        expect_fd(got, numeric, c)

    return [
        Property(
            "returns a new (n, m) array when W2 is not square (K ≠ n; m = 1 included)",
            _shape_only(rectangular, ref),
        ),
        Property("values when W2 is not square", _values(rectangular, ref)),
        Property(
            "values when W2 is square (K = n = 10, as in the real network)",
            _values([case(10, 10, 4, 3)], ref),
        ),
        Property(
            "a unit at exactly Z1 = 0 gets no error (ReLU′(0) = 0)",
            _values([case(3, 4, 2, 4, zeros=True)], ref),
        ),
        Property("keeps float32 as float32", _values([case(5, 6, 3, 5, np.float32)], ref)),
        Property(
            "agrees with central finite differences of mL with respect to Z1", finite_differences
        ),
    ]


def _weight_gradient_properties() -> list[Property]:
    def case(units, inputs, m, seed, dtype=np.float64, view=False):
        def build():
            rng = seeded(seed)
            delta = rng.normal(size=(units, m)).astype(dtype)
            A_prev = rng.normal(size=(inputs, m)).astype(dtype)
            if view:  # as the network passes X: the .T of C-contiguous rows
                A_prev = np.ascontiguousarray(A_prev.T).T
            return delta, A_prev

        name = np.dtype(dtype).name
        kind = " (a transposed view)" if view else ""
        return simple_case(
            f"delta ({units}, {m}), A_prev ({inputs}, {m}){kind}, {name}", build, m=m
        )

    def ref(delta, A_prev):
        return (np.einsum("uj,ij->ui", delta.astype(np.float64), A_prev) / delta.shape[1]).astype(
            delta.dtype
        )

    rectangular = [case(3, 5, 7, 0), case(10, 784, 4, 1), case(4, 2, 1, 2)]

    def finite_differences(call: Caller) -> None:
        W, b, A, Y, delta = layer_problem(3, 4, 5, 31)
        c = simple_case(
            "a softmax layer Z = W A + b, W (3, 4), m = 5", lambda: (delta.copy(), A.copy()), m=5
        )
        got, _, _ = call.run(c)
        numeric = central(lambda: ce_logits64(W @ A + b, Y), W)
        expect_fd(got, numeric, c)

    return [
        Property(
            "returns (units, inputs) when the two differ (m = 1 included)",
            _shape_only(rectangular, ref),
        ),
        Property(
            "values: the mean over the batch of the outer products", _values(rectangular, ref)
        ),
        Property(
            "works when A_prev is a transposed view", _values([case(6, 9, 5, 3, view=True)], ref)
        ),
        Property("keeps float32 as float32", _values([case(4, 6, 3, 4, np.float32)], ref)),
        Property(
            "agrees with central finite differences of L with respect to W", finite_differences
        ),
    ]


def _bias_gradient_properties() -> list[Property]:
    def case(units, m, seed, dtype=np.float64):
        return simple_case(
            f"delta of shape ({units}, {m}), {np.dtype(dtype).name}",
            lambda: (seeded(seed).normal(size=(units, m)).astype(dtype),),
            m=m,
        )

    def ref(delta):
        return delta.astype(np.float64).mean(axis=1, keepdims=True).astype(delta.dtype)

    cases = [case(u, m, i) for i, (u, m) in enumerate(SHAPES)]

    def finite_differences(call: Caller) -> None:
        W, b, A, Y, delta = layer_problem(4, 3, 6, 41)
        c = simple_case(
            "a softmax layer Z = W A + b, b (4, 1), m = 6", lambda: (delta.copy(),), m=6
        )
        got, _, _ = call.run(c)
        numeric = central(lambda: ce_logits64(W @ A + b, Y), b)
        expect_fd(got, numeric, c)

    return [
        Property(
            "returns a (units, 1) column like the bias (m = 1 included)", _shape_only(cases, ref)
        ),
        Property("values: the error averaged over the batch", _values(cases, ref)),
        Property("keeps float32 as float32", _values([case(7, 4, 9, np.float32)], ref)),
        Property(
            "agrees with central finite differences of L with respect to b", finite_differences
        ),
    ]


def _forward_properties() -> list[Property]:
    def case(d, n, K, m, seed, dtype=np.float64, scale=1.0):
        def build():
            p = random_params(d, n, K, seed)
            p["W2"] *= scale
            X = seeded(seed + 1).normal(size=(d, m))
            return {k: v.astype(dtype) for k, v in p.items()}, X.astype(dtype)

        note = ", logits in the hundreds" if scale > 1 else ""
        return simple_case(
            f"a {d}-{n}-{K} network, m = {m}, {np.dtype(dtype).name}{note}", build, m=m
        )

    def ref(p, X):
        out = forward64({k: v.astype(np.float64) for k, v in p.items()}, X.astype(np.float64))
        return {k: v.astype(X.dtype) for k, v in out.items()}

    def check_dicts(cases):
        def check(call: Caller) -> None:
            for c in cases:
                expected = ref(*c.make()[0])
                got, _, _ = call.run(c)
                if not isinstance(got, dict) or set(got) != set(expected):
                    keys = sorted(got) if isinstance(got, dict) else type(got).__name__
                    raise Failed(
                        f"on {c.label}, it returned {keys}; expected a dict with keys "
                        "A1, A2, Z1, Z2",
                        c,
                        got,
                    )
                try:
                    for key in ("Z1", "A1", "Z2", "A2"):
                        expect_array(got[key], expected[key], c, key)
                except Failed as failure:  # diagnose on the whole dict, not one entry
                    raise Failed(failure.detail, c, got, expected) from None

        return check

    cases = [case(6, 4, 3, 5, 0), case(9, 10, 10, 1, 1), case(784, 10, 10, 3, 2)]
    return [
        Property(
            "returns Z1, A1, Z2, A2 with the right shapes and values (m = 1 included)",
            check_dicts(cases),
        ),
        Property(
            "stays finite and right when the logits are in the hundreds",
            check_dicts([case(6, 5, 4, 3, 3, scale=400.0)]),
        ),
        Property("keeps float32 as float32", check_dicts([case(8, 5, 3, 4, 4, np.float32)])),
    ]


def _backward_properties() -> list[Property]:
    def with_cache(network: Case) -> Case:
        def build():
            p, X, Y = network.make()[0]
            cache_ = forward64(
                {k: v.astype(np.float64) for k, v in p.items()}, X.astype(np.float64)
            )
            return p, X, Y, {k: v.astype(X.dtype) for k, v in cache_.items()}

        return Case(network.label, lambda: (build(), {}), facts=network.facts)

    def ref(p, X, Y, cache_):
        grads = backward64(
            {k: v.astype(np.float64) for k, v in p.items()},
            X.astype(np.float64),
            Y.astype(np.float64),
            {k: v.astype(np.float64) for k, v in cache_.items()},
        )
        return {k: v.astype(X.dtype) for k, v in grads.items()}

    def check_grads(cases):
        def check(call: Caller) -> None:
            for c in cases:
                expected = ref(*c.make()[0])
                got, _, _ = call.run(c)
                if not isinstance(got, dict) or set(got) != set(expected):
                    keys = sorted(got) if isinstance(got, dict) else type(got).__name__
                    raise Failed(
                        f"on {c.label}, it returned {keys}; expected a dict with keys "
                        "dW1, db1, dW2, db2",
                        c,
                        got,
                    )
                try:
                    for key in ("dW2", "db2", "dW1", "db1"):
                        expect_array(got[key], expected[key], c, key)
                except Failed as failure:  # diagnose on the whole dict, not one entry
                    raise Failed(failure.detail, c, got, expected) from None

        return check

    def finite_differences(call: Caller) -> None:
        network = network_case(5, 4, 3, 4, 51)
        c = with_cache(network)
        p, X, Y, _ = c.make()[0]
        got, _, _ = call.run(c)
        if not isinstance(got, dict):
            raise Failed(f"on {c.label}, it returned a {type(got).__name__}, not a dict", c, got)
        for name in ("W2", "b2", "W1", "b1"):
            numeric = central(lambda: ce_logits64(forward64(p, X)["Z2"], Y), p[name])
            expect_fd(got.get("d" + name), numeric, c, "d" + name)

    rectangular = [with_cache(network_case(6, 4, 3, 5, 0)), with_cache(network_case(7, 5, 2, 1, 1))]
    return [
        Property(
            "returns dW1, db1, dW2, db2 shaped like W1, b1, W2, b2 and right, at a point with "
            "hidden units on and off (d, n, K all different; m = 1 included)",
            check_grads(rectangular),
        ),
        Property(
            "values when W2 is square (n = K = 10, as in the real network)",
            check_grads([with_cache(network_case(12, 10, 10, 6, 2))]),
        ),
        Property(
            "keeps float32 as float32",
            check_grads([with_cache(network_case(6, 4, 3, 5, 3, np.float32))]),
        ),
        Property(
            "agrees with central finite differences of L for every parameter",
            finite_differences,
        ),
    ]


def _update_case(label: str, shape, seed: int, lr: Any, dtype=np.float64, inplace=None) -> Case:
    def make():
        rng = seeded(seed)
        theta, dtheta = rng.normal(size=shape).astype(dtype), rng.normal(size=shape).astype(dtype)
        kwargs = {} if inplace is None else {"inplace": inplace}
        return (theta, dtheta, lr), kwargs

    return Case(label, make, writes=(0,) if inplace else (), facts={"lr": float(lr), "steps": True})


def _gd_update_properties() -> list[Property]:
    def expected_of(case: Case) -> np.ndarray:
        (theta, dtheta, lr), _ = case.make()
        return (theta.astype(np.float64) - float(lr) * dtheta).astype(theta.dtype)

    def returns_new(call: Caller) -> None:
        for shape, seed in (((10, 784), 0), ((10, 1), 1)):
            case = _update_case(
                f"theta {shape}, lr = 0.1, inplace=False", shape, seed, 0.1, inplace=False
            )
            got, args, _ = call.run(case)
            expect_array(got, expected_of(case), case)
            if got is args[0]:
                raise Failed(f"on {case.label}, it returned theta itself", case, got)

    def in_place(call: Caller) -> None:
        case = _update_case("theta (4, 3), lr = 0.5, inplace=True", (4, 3), 2, 0.5, inplace=True)
        got, args, _ = call.run(case)
        expect_array(args[0], expected_of(case), case, "theta after the call")
        if got is not args[0]:
            raise Failed(
                f"on {case.label}, it returned a new array, not theta itself",
                case,
                got,
                hint="With inplace=True, write the result into theta (out=theta) and return it.",
            )

    def keeps_float32(call: Caller) -> None:
        for lr, kind in ((0.1, "a Python float"), (np.float64(0.1), "a NumPy float64")):
            case = _update_case(
                f"float32 theta (3, 5), lr = 0.1 as {kind}", (3, 5), 3, lr, np.float32
            )
            got, _, _ = call.run(case)
            expect_array(got, expected_of(case), case)

    return [
        Property("returns θ − α dθ as a new array, leaving θ alone", returns_new),
        Property("with inplace=True writes into θ and returns θ itself", in_place),
        Property(
            "keeps float32 as float32, whether lr is a Python or a NumPy float", keeps_float32
        ),
    ]


def _momentum_update_properties() -> list[Property]:
    def sequence(call: Caller, steps: int, mu: float, inplace: bool, dtype=np.float64) -> None:
        rng = seeded(7)
        theta = rng.normal(size=(3, 4)).astype(dtype)
        grads = [rng.normal(size=(3, 4)).astype(dtype) for _ in range(steps)]
        v = np.zeros_like(theta)
        ref_theta, ref_v = theta.astype(np.float64), np.zeros((3, 4))
        for t, g in enumerate(grads):
            ref_v = mu * ref_v + g
            ref_theta = ref_theta - 0.1 * ref_v
            label = (
                f"step {t} of {steps} from v = 0, lr = 0.1, mu = {mu}, inplace={inplace}, "
                f"{np.dtype(dtype).name}"
            )
            case = Case(
                label,
                lambda th=theta, gr=g, ve=v: (
                    (th.copy(), gr.copy(), ve.copy(), 0.1, mu),
                    {"inplace": inplace},
                ),
                writes=(0, 2) if inplace else (),
                facts={"lr": 0.1, "steps": True},
            )
            got, args, _ = call.run(case)
            if not isinstance(got, tuple) or len(got) != 2:
                raise Failed(
                    f"on {label}, it returned {type(got).__name__}; expected (theta, velocity)",
                    case,
                    got,
                )
            expected = (ref_theta.astype(dtype), ref_v.astype(dtype))
            try:
                expect_array(got[0], expected[0], case, "theta")
                expect_array(got[1], expected[1], case, "the velocity")
            except Failed as failure:  # diagnose on the whole (theta, velocity)
                raise Failed(failure.detail, case, got, expected) from None
            if inplace and (got[0] is not args[0] or got[1] is not args[2]):
                raise Failed(
                    f"on {label}, it returned new arrays, not theta and velocity themselves",
                    case,
                    got,
                    hint="With inplace=True, write into theta and velocity and return them.",
                )
            theta, v = got[0].copy(), got[1].copy()

    return [
        Property(
            "the first step from v = 0 is a gradient-descent step",
            lambda call: sequence(call, 1, 0.9, False),
        ),
        Property(
            "four steps: v ← μ v + dθ, θ ← θ − α v", lambda call: sequence(call, 4, 0.9, False)
        ),
        Property(
            "with μ = 0 it is plain gradient descent", lambda call: sequence(call, 3, 0.0, False)
        ),
        Property(
            "with inplace=True writes into θ and v and returns them",
            lambda call: sequence(call, 3, 0.5, True),
        ),
        Property(
            "keeps float32 as float32", lambda call: sequence(call, 2, 0.9, False, np.float32)
        ),
    ]


def _warmup_properties() -> list[Property]:
    def schedule(T, Tw, base, final, steps, what):
        def check(call: Caller) -> None:
            for t in steps:
                case = simple_case(
                    f"step {t} of T = {T}, T_w = {Tw}, base_lr = {base}, final_lr = {final}",
                    lambda t=t: (t, T, base, Tw, final),
                )
                got, _, _ = call.run(case)
                if what == "float" and type(got) is not float:
                    raise Failed(
                        f"on {case.label}, it returned a {type(got).__name__}",
                        case,
                        got,
                        hint=(
                            "Return a Python float, float(...): a NumPy float64 learning rate "
                            "would turn float32 parameters into float64 in the update."
                        ),
                    )
                expect_number(got, warmup_lr64(t, T, base, Tw, final), case)

        return check

    def sympy_agrees(call: Caller) -> None:
        import sympy as sp

        t = sp.Symbol("t", integer=True, nonnegative=True)
        T, Tw, a0, amin = 50, 7, sp.Rational(3, 10), sp.Rational(1, 100)
        formula = sp.Piecewise(
            (a0 * (t + 1) / Tw, t < Tw),
            (amin + (a0 - amin) * (1 + sp.cos(sp.pi * (t - Tw) / (T - Tw))) / 2, True),
        )
        for step in range(T + 1):
            case = simple_case(
                f"step {step} of T = 50, T_w = 7, base_lr = 0.3, final_lr = 0.01",
                lambda s=step: (s, 50, 0.3, 7, 0.01),
            )
            got, _, _ = call.run(case)
            expect_number(got, float(formula.subs(t, step)), case)

    return [
        Property("returns a Python float", schedule(10, 3, 0.3, 0.0, [0], "float")),
        Property("warm-up: α0 (t + 1)/T_w for t < T_w", schedule(10, 4, 0.3, 0.0, range(4), "")),
        Property(
            "then the cosine from α0 at t = T_w down to α_min at t = T",
            schedule(10, 4, 0.3, 0.05, range(4, 11), ""),
        ),
        Property(
            "with T_w = 0 it is the plain cosine schedule", schedule(8, 0, 0.2, 0.0, range(9), "")
        ),
        Property("agrees with sympy's piecewise formula at every step of a run", sympy_agrees),
    ]


PROPERTIES: dict[str, Callable[[], list[Property]]] = {
    "forward": _forward_properties,
    "relu_prime": _relu_prime_properties,
    "softmax": _softmax_properties,
    "cross_entropy": _cross_entropy_properties,
    "output_error": _output_error_properties,
    "hidden_error": _hidden_error_properties,
    "weight_gradient": _weight_gradient_properties,
    "bias_gradient": _bias_gradient_properties,
    "backward": _backward_properties,
    "gd_update": _gd_update_properties,
    "momentum_update": _momentum_update_properties,
    "warmup_cosine_lr": _warmup_properties,
}


def hand_mistakes() -> dict[str, list[tuple[str, Callable, str]]]:
    off_by_m = (
        "Off by a factor m = {m}: the 1/m of the mean is missing (or there twice). Where does "
        "the 1/m belong?"
    )
    return {
        "relu_prime": [
            (
                "boolean-mask",
                lambda Z: Z > 0,
                "You returned a boolean mask; the exercise wants numbers of Z's dtype.",
            ),
            (
                "float64-mask",
                lambda Z: np.where(Z > 0, 1.0, 0.0),
                "np.where(..., 1.0, 0.0) is float64 whatever Z is: cast to Z's dtype.",
            ),
            ("relu-itself", lambda Z: np.maximum(Z, 0), "That is ReLU itself, not its derivative."),
        ],
        "softmax": [
            (
                "rows",
                lambda Z: (
                    np.exp(Z - Z.max(axis=1, keepdims=True))
                    / np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)
                ),
                "Each row sums to 1 in your answer: rows are classes, columns are examples.",
            ),
        ],
        "cross_entropy": [
            ("sum", lambda A2, Y: -float(np.sum(Y * np.log(A2))), off_by_m),
            (
                "mean-of-all",
                lambda A2, Y: -float(np.mean(Y * np.log(A2))),
                "np.mean over the whole (K, m) array divides by K·m; the loss is a mean over the "
                "m examples only.",
            ),
            (
                "sign",
                lambda A2, Y: float(np.sum(Y * np.log(A2))) / A2.shape[1],
                "The sign: log of a probability is at most 0, so the loss needs a minus.",
            ),
        ],
        "output_error": [
            (
                "sign",
                lambda A2, Y: Y - A2,
                "The sign: raising the true class's logit must "
                "lower the loss, so δ₂ is negative there.",
            ),
            (
                "dl-da",
                lambda A2, Y: -Y / A2,
                "That is ∂ℓ/∂A₂, with respect to the "
                "probabilities; δ₂ is with respect to the logits Z₂: chain through the softmax.",
            ),
        ],
        "hidden_error": [
            (
                "no-mask",
                lambda W2, d2, Z1: W2.T @ d2,
                "A unit that was off passed nothing "
                "forward, so it gets no error back: the ReLU′(Z₁) factor is missing.",
            ),
            (
                "relu-not-prime",
                lambda W2, d2, Z1: (W2.T @ d2) * np.maximum(Z1, 0),
                "That multiplies by ReLU(Z₁); the chain rule needs its derivative ReLU′(Z₁).",
            ),
        ],
        "weight_gradient": [
            ("twice-mean", lambda d, A: d @ A.T / d.shape[1] ** 2, off_by_m),
        ],
        "bias_gradient": [
            (
                "wrong-axis",
                lambda d: d.sum(axis=0, keepdims=True) / d.shape[1],
                "Your db has shape {got_shape}: you summed over the units. Sum over the examples.",
            ),
            ("sum", lambda d: d.sum(axis=1, keepdims=True), off_by_m),
        ],
        "gd_update": [
            (
                "sign",
                lambda th, g, lr, *, inplace=False: th + float(lr) * g,
                "The sign: gradient descent steps against the gradient.",
            ),
            (
                "promotes",
                lambda th, g, lr, *, inplace=False: th - lr * g,
                "float32 became float64: a NumPy float64 lr promotes a float32 array under "
                "NumPy 2's rules. Make lr a Python float first.",
            ),
        ],
        "momentum_update": [
            (
                "other-convention",
                _other_momentum,
                "That is the other momentum convention (v ← μv − α dθ, θ ← θ + v). The "
                "package's velocity collects raw gradients and α multiplies it at the step.",
            ),
        ],
        "warmup_cosine_lr": [
            (
                "ramp-from-zero",
                lambda t, T, a, Tw, f=0.0: warmup_lr64(t, T, a, Tw, f) if t >= Tw else a * t / Tw,
                "At t = 0 your rate is 0, a wasted step: the ramp reaches α0 at t = T_w − 1, so it "
                "starts at α0/T_w.",
            ),
            (
                "cosine-over-T",
                lambda t, T, a, Tw, f=0.0: (
                    a * (t + 1) / Tw
                    if t < Tw
                    else f + 0.5 * (a - f) * (1 + math.cos(math.pi * t / T))
                ),
                "After the warm-up the cosine must start at α0: measure its progress from T_w, "
                "over T − T_w steps.",
            ),
        ],
    }


def _other_momentum(theta, dtheta, velocity, lr, mu=0.9, *, inplace=False):
    v = mu * velocity - lr * dtheta
    return theta + v, v
