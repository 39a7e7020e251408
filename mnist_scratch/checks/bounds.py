"""One comparison and its verdict: `Check` when it passed, `CheckFailed` when it did not.

Every check of the package ends in `require` (a difference against its bound) or
`require_true` (a condition): both raise rather than ``assert``, so a page check fails the site
build whatever the interpreter's flags (``python -O`` removes asserts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
    mnist_scratch.checks.bounds.CheckFailed: x: largest difference 1.0e-03 exceeds the bound 1e-06
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


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """The largest absolute difference between ``a`` and ``b``, computed in float64."""
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - b)))


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """Largest difference relative to the largest entry of ``b`` (one scale per array)."""
    return difference(a, b) / float(np.max(np.abs(b)))
