r"""The two checks most properties are built from: compare an answer with a reference.

The reference is one of `mnist_scratch.exercises.references`, float64 and written
independently of the package. `same_values` wants its values (and type, shape and dtype);
`same_shape` only its type, shape and dtype, so that a property about the shape fails on the
shape alone and leaves the values to the next property.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mnist_scratch.exercises.checks import Caller, Case, Failed, expect_array


def same_values(cases: list[Case], reference: Callable, what: str = "it") -> Callable:
    """The reference's values, with its type, shape and dtype (``what`` names the result)."""

    def check(call: Caller) -> None:
        for case in cases:
            args, _ = case.make()
            expected = reference(*args)
            got, _, _ = call.run(case)
            expect_array(got, expected, case, what)

    return check


def same_shape(cases: list[Case], reference: Callable) -> Callable:
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


def same_arrays(cases: list[Case], reference: Callable, keys: tuple[str, ...]) -> Callable:
    """A dict holding exactly ``keys``, each array with the reference's values, compared in
    the order of ``keys`` (forward's Z1, A1, Z2, A2; backward's dW2, db2, dW1, db1)."""

    def check(call: Caller) -> None:
        for c in cases:
            expected = reference(*c.make()[0])
            got, _, _ = call.run(c)
            if not isinstance(got, dict) or set(got) != set(expected):
                found = sorted(got) if isinstance(got, dict) else type(got).__name__
                raise Failed(f"on {c.label}, it returned {found}; expected a dict with keys "
                             f"{', '.join(sorted(keys))}", c, got)
            try:
                for key in keys:
                    expect_array(got[key], expected[key], c, key)
            except Failed as failure:  # diagnose on the whole dict, not one entry
                raise Failed(failure.detail, c, got, expected) from None

    return check
