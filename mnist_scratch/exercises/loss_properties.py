r"""The properties of the exercise on `mnist_scratch.loss`: ``cross_entropy``.

One number, the mean over the examples, finite when a probability is exactly 0, against sympy's
exact value.
"""

from __future__ import annotations

import math

import numpy as np

from mnist_scratch.exercises.checks import Caller, Failed, Property, expect_number
from mnist_scratch.exercises.references import (
    SHAPES,
    ce64,
    one_hot,
    random_probabilities,
    simple_case,
)


def cross_entropy_properties() -> list[Property]:
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
