r"""The properties of the exercises on `mnist_scratch.activations`: ``relu_prime`` and ``softmax``.

ReLU′ at the kink and in float32, against sympy's derivative; softmax's columns summing to 1,
logits of ±1000 and of 100 in float32, against sympy's exact values.
"""

from __future__ import annotations

import numpy as np

from mnist_scratch.exercises.against_reference import same_shape, same_values
from mnist_scratch.exercises.checks import Caller, Failed, Property, expect_array
from mnist_scratch.exercises.references import SHAPES, describe, seeded, simple_case, softmax64


def relu_prime_properties() -> list[Property]:
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
            same_values([z_case(s, seed=i) for i, s in enumerate(shapes)], ref),
            "ReLU′ is 1 where the unit is on and 0 where it is off.",
        ),
        Property(
            "is 0 at exactly z = 0 (and at -0.0): the package's convention H(0) = 0",
            same_values([kink], ref),
            "At exactly 0 the exercise takes 0.",
        ),
        Property(
            "keeps float32 as float32",
            same_values([z_case((4, 6), np.float32, 9)], ref),
            "Cast the mask to Z's own dtype.",
        ),
        Property("agrees with sympy's derivative of max(0, z) away from 0", sympy_agrees),
    ]


def softmax_properties() -> list[Property]:
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
            same_shape(cases, ref),
        ),
        Property("each column (one example) sums to 1", columns_sum_to_one),
        Property(
            "agrees with softmax computed in float64 from log-sum-exp", same_values(cases, ref)
        ),
        Property("stays finite and right for logits of ±1000", same_values([huge_case], ref)),
        Property("keeps float32 as float32, finite for logits near 100", same_values([f32], ref)),
        Property("agrees with sympy's exact softmax of a 3 × 2 case", sympy_agrees),
    ]
