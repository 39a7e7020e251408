r"""Sums with symbolic bounds: the few rules the proofs need, each one an identity.

The proofs differentiate expressions such as $\sum_{i'=0}^{n-1} (W_2)_{ki'} (A_1)_{i'j}$ with
respect to one entry, $(W_2)_{ki}$. sympy's `diff` gives $\sum_{i'} \mathbb{1}[k = k]\,
\mathbb{1}[i = i'] (A_1)_{i'j}$; what is left is bookkeeping on sums, done here:

* `evaluate_indicators`: $\sum_{i'=0}^{n-1} \mathbb{1}[i = i']\, f(i') = f(i)$, which needs
  $0 \le i \le n-1$ ($i$ names a hidden unit). sympy's `deltasummation` returns that condition
  as a `Piecewise`; `in_range` proves it from the index's range instead of dropping it.
* `linearise`: $\sum (f + g) = \sum f + \sum g$ and $\sum c\, f = c \sum f$ for a factor $c$ that
  does not depend on the summation index, with summation indices renamed in one fixed way, so
  that two equal sums are written identically and cancel.
* `one_hot_sums`: $\sum_{k'} Y_{k'j} = 1$, the one fact about the targets the proofs use.

Index letters follow the site's notation: $j$ an example ($m$ of them), $k$ a class ($K$),
$i$ a hidden unit ($n$), $p$ an input pixel ($d$); a summation index is the same letter with
primes ($k'$, $k''$).
"""

from __future__ import annotations

import sympy as sp
from sympy.concrete.delta import deltasummation

# The sizes: m examples, K classes, n hidden units, d inputs.
m, K, n, d = sp.symbols("m K n d", integer=True, positive=True)
# The free indices of an entry: example, class, hidden unit, pixel.
j, k, i, p = sp.symbols("j k i p", integer=True, nonnegative=True)
LETTER = {m: "j", K: "k", n: "i", d: "p"}  # size -> the letter of the index that runs over it
_slack = sp.Symbol("r", integer=True, nonnegative=True)


def primed(size: sp.Symbol, primes: int) -> sp.Symbol:
    """The index letter of ``size`` with ``primes`` primes: ``primed(K, 2)`` is $k''$."""
    return sp.Symbol(LETTER[size] + "'" * primes, integer=True, nonnegative=True)


def size_of(index: sp.Symbol) -> sp.Symbol | None:
    """The size an index runs below, read from its letter: $k''$ runs over $0..K-1$."""
    sizes = {letter: size for size, letter in LETTER.items()}
    name = getattr(index, "name", "")
    return sizes.get(name.rstrip("'")) if name else None


def in_range(condition: sp.Basic) -> bool:
    r"""Whether ``condition`` holds whenever every index lies in its range $0..\text{size}-1$.

    Each relation in the condition is about one index; its size is written as
    ``index + 1 + r`` with $r \ge 0$, which is exactly "the index is below its size", and a
    relation sympy then reduces to ``True`` holds for every such size.

    Examples
    --------
    >>> in_range((i >= 0) & (i <= n - 1))
    True
    >>> in_range(primed(K, 2) <= K - 1)
    True
    >>> in_range(i <= n - 2)
    False
    """
    condition = sp.sympify(condition)
    relations = condition.args if isinstance(condition, sp.And) else (condition,)
    for relation in relations:
        indices = [s for s in relation.free_symbols if size_of(s) is not None]
        if len(indices) != 1:
            return False
        (index,) = indices
        if sp.simplify(relation.subs(size_of(index), index + 1 + _slack)) != sp.true:
            return False
    return True


def _expand(expr: sp.Expr) -> sp.Expr:
    """Distribute products over sums, and nothing else (no log, exp or power rules)."""
    return sp.expand(
        expr, deep=False, mul=True, multinomial=False, power_base=False, power_exp=False, log=False
    )


def _in_range_branch(piecewise: sp.Piecewise) -> sp.Expr:
    """The value of the first branch, whose condition must be shown to hold; else raise.

    (Taking a later branch would need the earlier conditions shown false: never guessed.)
    """
    value, condition = piecewise.args[0]
    if condition == sp.true or in_range(condition):
        return value
    raise ValueError(f"cannot show that an index is in range in {piecewise}")


def _sum_of_indicators(total: sp.Sum) -> sp.Expr:
    function, (index, low, high) = total.function, total.limits[0]
    out = sp.S.Zero
    for term in sp.Add.make_args(_expand(function)):
        if any(index in delta.free_symbols for delta in term.atoms(sp.KroneckerDelta)):
            value = deltasummation(term, (index, low, high))
            out += value.replace(lambda e: isinstance(e, sp.Piecewise), _in_range_branch)
        else:
            out += sp.Sum(term, (index, low, high))
    return out


def evaluate_indicators(expr: sp.Expr) -> sp.Expr:
    r"""Evaluate every sum over an index that appears in an indicator $\mathbb{1}[a = b]$.

    Raises
    ------
    ValueError
        If an index cannot be shown to lie in the range of the sum.

    Examples
    --------
    >>> A = sp.IndexedBase("A")
    >>> q = primed(n, 1)
    >>> evaluate_indicators(sp.Sum(sp.KroneckerDelta(i, q) * A[q, j], (q, 0, n - 1)))
    A[i, j]
    """

    def has_indicator_in_index(e: sp.Basic) -> bool:
        return isinstance(e, sp.Sum) and any(
            e.limits[0][0] in delta.free_symbols for delta in e.atoms(sp.KroneckerDelta)
        )

    return expr.replace(has_indicator_in_index, _sum_of_indicators)


def _linearise(expr: sp.Expr, taken: frozenset[sp.Symbol]) -> sp.Expr:
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        index, low, high = expr.limits[0]
        size, new, primes = high + 1, index, 0
        if size in LETTER:  # a sum over examples, classes, units or pixels: a canonical name
            while (new := primed(size, primes)) in taken:
                primes += 1
        function = _linearise(expr.function.xreplace({index: new}), taken | {new})
        out = sp.S.Zero
        for term in sp.Add.make_args(_expand(function)):
            inner, outer = [], []
            for factor in sp.Mul.make_args(term):
                (inner if new in factor.free_symbols else outer).append(factor)
            total = sp.Sum(sp.Mul(*inner), (new, low, high)) if inner else high - low + 1
            out += sp.Mul(*outer) * total
        return out
    if expr.args and not isinstance(expr, (sp.Indexed, sp.IndexedBase)):
        return _expand(expr.func(*(_linearise(a, taken) for a in expr.args)))
    return expr


def linearise(expr: sp.Expr) -> sp.Expr:
    r"""Split sums over additions and pull out factors free of the summation index.

    Summation indices are renamed to their letter with the fewest primes not already in use
    ($k'$ inside a sum over classes when $k$ is free), so equal sums print alike and cancel.

    Examples
    --------
    >>> Y, a = sp.IndexedBase("Y"), sp.Symbol("a")
    >>> q = primed(K, 3)
    >>> linearise(sp.Sum(a * Y[q, j] + Y[q, j], (q, 0, K - 1)))
    a*Sum(Y[k, j], (k, 0, K - 1)) + Sum(Y[k, j], (k, 0, K - 1))
    """
    return _linearise(expr, frozenset(expr.free_symbols))


def one_hot_sums(expr: sp.Expr, Y: sp.IndexedBase) -> sp.Expr:
    r"""Replace every $\sum_{k'=0}^{K-1} Y_{k'j}$ by 1: each column of the targets sums to 1.

    Examples
    --------
    >>> Y, q = sp.IndexedBase("Y"), primed(K, 1)
    >>> one_hot_sums(2 * sp.Sum(Y[q, j], (q, 0, K - 1)), Y)
    2
    """

    def is_column_sum(e: sp.Basic) -> bool:
        if not (isinstance(e, sp.Sum) and len(e.limits) == 1):
            return False
        index, low, high = e.limits[0]
        f = e.function
        return (
            (low, high) == (0, K - 1)
            and isinstance(f, sp.Indexed)
            and f.base == Y
            and f.indices[0] == index
            and index not in f.indices[1:]
        )

    return expr.replace(is_column_sum, lambda e: sp.S.One)


def equal(left: sp.Expr, right: sp.Expr) -> bool:
    """Whether two sums of products are identical once linearised (an exact test, no sampling).

    Examples
    --------
    >>> A, q = sp.IndexedBase("A"), primed(n, 1)
    >>> equal(sp.Sum(2 * A[q, j], (q, 0, n - 1)), 2 * sp.Sum(A[i, j], (i, 0, n - 1)))
    True
    """
    return sp.expand(linearise(left - right)) == 0
