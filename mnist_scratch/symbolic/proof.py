r"""A proof: what is claimed, the steps sympy took, and whether the claim holds.

A derivation page shows a proof's steps as numbered lines, each a sentence and an equation
(`mnist_scratch.pages.proof`); a test asserts it; both fail loudly when it does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from mnist_scratch.symbolic.printing import display


class ProofFailed(Exception):
    """A claim that sympy did not reduce to an identity."""


@dataclass(frozen=True)
class Proof:
    r"""A claim, the steps that establish it, and whether sympy confirmed it.

    Attributes
    ----------
    claim : str
        The statement, in words and inline math (``$...$``).
    steps : tuple[tuple[str, sympy.Basic], ...]
        ``(what this step does, the expression after it)``, in order. The words may hold
        inline math; the expression is an equation, an expression, or a `sympy.Tuple` of
        equations shown one per line.
    holds : bool
        True when sympy reduced the claim to an identity.

    A `Proof` is truthy exactly when it holds and prints as plain text.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> proof = Proof("$x - x = 0$", (("subtract", x - x),), holds=True)
    >>> bool(proof), proof.require() is proof
    (True, True)
    >>> Proof("$x = 1$", (("look", x - 1),), holds=False).require()
    Traceback (most recent call last):
    ...
    mnist_scratch.symbolic.proof.ProofFailed: not proved: $x = 1$
    """

    claim: str
    steps: tuple[tuple[str, sp.Basic], ...]
    holds: bool

    def __bool__(self) -> bool:
        return self.holds

    def require(self) -> Proof:
        """The proof itself if it holds; raise `ProofFailed` otherwise (whatever ``python -O``)."""
        if not self.holds:
            raise ProofFailed(f"not proved: {self.claim}")
        return self

    def latex_steps(self) -> list[tuple[str, str]]:
        """``(words, display LaTeX)`` for each step, long equations broken over lines.

        A system of equations (a `sympy.Tuple`, the definitions a proof starts from) shows
        every sum with its bounds; the later steps write $\\sum_{k'}$ alone, shorter.
        """
        return [
            (label, display(expr, sum_limits=isinstance(expr, sp.Tuple)))
            for label, expr in self.steps
        ]

    def __str__(self) -> str:
        lines = [f"{self.claim}: {'holds' if self.holds else 'NOT PROVED'}"]
        lines += [f"  {number}. {label}: {expr}" for number, (label, expr) in
                  enumerate(self.steps, start=1)]  # fmt: skip
        return "\n".join(lines)
