r"""The properties of the exercises on `mnist_scratch.gradients`: ``output_error``,
``hidden_error``, ``weight_gradient`` and ``bias_gradient``.

Shapes that tell a transpose apart (K ≠ n) and the square W₂ of the real network, a unit at
exactly 0, transposed views, float32, and central finite differences of the loss.
"""

from __future__ import annotations

import numpy as np

from mnist_scratch.exercises.against_reference import same_shape, same_values
from mnist_scratch.exercises.checks import Caller, Property, central, expect_array, expect_fd
from mnist_scratch.exercises.references import (
    SHAPES,
    ce_logits64,
    layer_problem,
    one_hot,
    random_probabilities,
    seeded,
    simple_case,
    softmax64,
)


def output_error_properties() -> list[Property]:
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
            "returns a new array of the shape of A2 (m = 1 included)", same_shape(cases, ref)
        ),
        Property("values: ∂(mL)/∂Z2 of softmax followed by cross-entropy", same_values(cases, ref)),
        Property("keeps float32 as float32", same_values([case(10, 5, 7, np.float32)], ref)),
        Property("agrees with central finite differences of the loss", finite_differences),
        Property("agrees with sympy's derivative of the loss for K = 3", sympy_agrees),
    ]


def hidden_error_properties() -> list[Property]:
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
            same_shape(rectangular, ref),
        ),
        Property("values when W2 is not square", same_values(rectangular, ref)),
        Property(
            "values when W2 is square (K = n = 10, as in the real network)",
            same_values([case(10, 10, 4, 3)], ref),
        ),
        Property(
            "a unit at exactly Z1 = 0 gets no error (ReLU′(0) = 0)",
            same_values([case(3, 4, 2, 4, zeros=True)], ref),
        ),
        Property("keeps float32 as float32", same_values([case(5, 6, 3, 5, np.float32)], ref)),
        Property(
            "agrees with central finite differences of mL with respect to Z1", finite_differences
        ),
    ]


def weight_gradient_properties() -> list[Property]:
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
            same_shape(rectangular, ref),
        ),
        Property(
            "values: the mean over the batch of the outer products", same_values(rectangular, ref)
        ),
        Property(
            "works when A_prev is a transposed view",
            same_values([case(6, 9, 5, 3, view=True)], ref),
        ),
        Property("keeps float32 as float32", same_values([case(4, 6, 3, 4, np.float32)], ref)),
        Property(
            "agrees with central finite differences of L with respect to W", finite_differences
        ),
    ]


def bias_gradient_properties() -> list[Property]:
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
            "returns a (units, 1) column like the bias (m = 1 included)", same_shape(cases, ref)
        ),
        Property("values: the error averaged over the batch", same_values(cases, ref)),
        Property("keeps float32 as float32", same_values([case(7, 4, 9, np.float32)], ref)),
        Property(
            "agrees with central finite differences of L with respect to b", finite_differences
        ),
    ]
