r"""What an exercise is: the two kinds, and the parts a derive exercise is made of.

Plain data, so that listing or showing an exercise imports neither NumPy nor sympy. Two kinds:

- `Implement`: the reader writes a function with the same name and signature as the
  package's (``target``); `mnist_scratch.exercises.implement` grades it by its properties.
  The worked solution is a file in ``mnist_scratch/exercises/solutions/`` graded like any
  answer.
- `Derive`: the reader types an expression in sympy syntax; `mnist_scratch.exercises.derive`
  compares it with ``truth`` symbolically. The worked solution is a list of steps, and every
  step's expression is graded against the truth as well.

Every exercise belongs to one derivation page (``page``, the page's source path under
``docs/``) and is shown at the end of it.

The names several derive exercises share (``Sum``, ``exp``, ``KroneckerDelta``, ...) and
`combos`, the sizes and indices an answer is also compared at, are here too: they are what the
exercise modules write their derive exercises with.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parent / "solutions"


@dataclass(frozen=True)
class Implement:
    """Write a function of the package yourself.

    Attributes
    ----------
    name
        The function's name (also the exercise's name).
    page
        The derivation page the exercise ends, e.g. ``"derivations/relu.py"``.
    target
        Full name of the package's function: the signature to match.
    title
        What the exercise is about, in a few words.
    statement
        What to write, in Markdown (read in a terminal too: math only where it helps).
    hint
        The hint shown before grading (``hint NAME`` and the site's folded hint).
    """

    name: str
    page: str
    target: str
    title: str
    statement: str
    hint: str

    kind = "implement"

    @property
    def solution_path(self) -> Path:
        return SOLUTIONS / f"{self.name}.py"

    def solution(self) -> str:
        """The worked solution: a file that defines the function."""
        return self.solution_path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Name:
    """A name a Derive answer may use: what sympy object it is and what it means.

    ``kind`` is one of ``array`` (indexed with ``[...]``), ``index`` (an integer index),
    ``size`` (a positive integer), ``scalar`` (a real number), ``unit`` (a number in (0, 1)),
    ``function``.
    """

    name: str
    kind: str
    meaning: str


@dataclass(frozen=True)
class Step:
    """One line of a worked derivation: the words, then the expression they arrive at."""

    words: str
    expression: str


@dataclass(frozen=True)
class Derive:
    """Derive an expression; it is compared with ``truth`` symbolically.

    Attributes
    ----------
    name, page, title, statement, hint
        As for `Implement`; ``statement`` is followed by the list of ``names``.
    names
        The only names an answer may use.
    truth
        The answer, in sympy syntax.
    checks
        Concrete sizes and free indices at which the answer is also compared (after any
        ``meaning`` is substituted), e.g. ``{"K": 3, "k": 2}``.
    meaning
        Definitions substituted before comparing: ``"softmax"`` (a = softmax(z) over K
        classes) and ``"one-hot"`` (the K entries of y sum to 1).
    steps
        The worked solution; every step's expression equals the truth.
    quantity
        What is asked for, in LaTeX: the left-hand side of the worked solution.
    relation
        How the quantity relates to the steps: ``=``, or ``\\approx`` for a leading term.
    mistakes
        Known wrong answers (sympy syntax) and what the grader says to each.
    """

    name: str
    page: str
    title: str
    statement: str
    hint: str
    names: tuple[Name, ...]
    truth: str
    checks: tuple[dict[str, int], ...]
    steps: tuple[Step, ...]
    quantity: str
    relation: str = "="
    mistakes: tuple[tuple[str, str], ...] = ()
    meaning: tuple[str, ...] = ()

    kind = "derive"

    def solution(self) -> str:
        """The worked solution as text: each step's words and its expression."""
        return "\n\n".join(f"{s.words}\n    {s.expression}" for s in self.steps) + "\n"


Exercise = Implement | Derive


def combos(**ranges: tuple[int, ...] | str) -> tuple[dict[str, int], ...]:
    """Every combination of sizes and indices; an index given as a size's name runs 1..size."""
    sizes = {k: v for k, v in ranges.items() if not isinstance(v, str)}
    bound = {k: v for k, v in ranges.items() if isinstance(v, str)}
    out = []
    for values in itertools.product(*sizes.values()):
        base = dict(zip(sizes, values, strict=True))
        spans = [range(1, base[size] + 1) for size in bound.values()]
        for chosen in itertools.product(*spans):
            out.append({**base, **dict(zip(bound, chosen, strict=True))})
    return tuple(out)


SUM = Name("Sum", "function", "Sum(term, (index, first, last)) sums term over an index")
EXP = Name("exp", "function", "exponential")
LOG = Name("log", "function", "natural logarithm")
DELTA = Name("KroneckerDelta", "function", "KroneckerDelta(a, b) is 1 if a = b, else 0")
H = Name("H", "function", "H(x), the Heaviside step, 1 for x > 0 and 0 for x <= 0 (ReLU')")
MAX = Name("Max", "function", "Max(a, b), the larger of the two")
S = Name("s", "index", "a spare summation index")
