r"""Back-propagation proved for every size: $d$ inputs, $n$ hidden units, $K$ classes, $m$ examples.

The network is written entry by entry with indexed symbols and sums whose bounds are the
symbols $d, n, K, m$:

$$
\begin{aligned}
(Z_1)_{ij} &= \textstyle\sum_{p'} (W_1)_{ip'} X_{p'j} + (b_1)_i, &
(A_1)_{ij} &= \max\big(0, (Z_1)_{ij}\big), \\
(Z_2)_{kj} &= \textstyle\sum_{i'} (W_2)_{ki'} (A_1)_{i'j} + (b_2)_k, &
\ell_j &= -\textstyle\sum_{k'} Y_{k'j} \big((Z_2)_{k'j} - \log S_j\big),
\end{aligned}
$$

with $S_j = \sum_{k''} e^{(Z_2)_{k''j}}$ and $L = \frac{1}{m}\sum_j \ell_j$. sympy differentiates
$L$ (or $mL$) with respect to one entry of a parameter (or of $Z_1$), and the proof reduces the
result, with the identities of `mnist_scratch.symbolic.algebra` only, to the matrix formula
written entry by entry. Nothing is tried at a few sizes: the sizes stay symbols throughout.

Two facts are used besides calculus, and each proof says where: every column of $Y$ sums to 1,
and ReLU's derivative is taken as $H(z)$ with $H(0) = 0$ (sympy writes the derivative of
$\max(0, z)$ as $H(z)$ with $H(0) = \tfrac12$; at exactly 0 the derivative does not exist and
the package takes 0, see [ReLU's derivative][eq-relu-prime]).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import sympy as sp

from mnist_scratch.symbolic.algebra import (
    K,
    d,
    equal,
    evaluate_indicators,
    i,
    j,
    k,
    linearise,
    m,
    n,
    one_hot_sums,
    p,
    primed,
    size_of,
)
from mnist_scratch.symbolic.printing import latex
from mnist_scratch.symbolic.proof import Proof

# The network's arrays, entry by entry (a column of X or Y is one example).
W1, b1, W2, b2 = (sp.IndexedBase(name, real=True) for name in ("W_1", "b_1", "W_2", "b_2"))
X, Y = sp.IndexedBase("X", real=True), sp.IndexedBase("Y", real=True)
# Names for intermediate results, used to write long expressions short (see `abbreviate`).
Z1, A1, Z2, A2 = (sp.IndexedBase(name, real=True) for name in ("Z_1", "A_1", "Z_2", "A_2"))
S = sp.IndexedBase("S", positive=True)  # the softmax denominator of each example
delta1, delta2 = sp.IndexedBase(r"\delta_1", real=True), sp.IndexedBase(r"\delta_2", real=True)
ell = sp.IndexedBase(r"\ell", real=True)
MEAN = sp.Symbol(r"\tfrac{1}{m}", positive=True)  # 1/m, printed as a factor in front of a sum

# Summation indices of the definitions: p' (pixels), i' (units), k' (classes in the loss),
# k'' (classes in the softmax denominator), j' (examples, when j is a free index).
_p, _i, _k, _kk, _j = primed(d, 1), primed(n, 1), primed(K, 1), primed(K, 2), primed(m, 1)
_INDICES = (j, k, i, p, _p, _i, _k, _kk, _j)


def z1(unit: sp.Expr, example: sp.Expr) -> sp.Expr:
    r"""$(Z_1)_{ij} = \sum_{p'=0}^{d-1} (W_1)_{ip'} X_{p'j} + (b_1)_i$, written out."""
    return sp.Sum(W1[unit, _p] * X[_p, example], (_p, 0, d - 1)) + b1[unit]


def a1(unit: sp.Expr, example: sp.Expr, *, z1_free: bool = False) -> sp.Expr:
    r"""$(A_1)_{ij} = \max(0, (Z_1)_{ij})$; with ``z1_free`` the entries of $Z_1$ are symbols."""
    return sp.Max(0, Z1[unit, example] if z1_free else z1(unit, example))


def z2(cls: sp.Expr, example: sp.Expr, *, z1_free: bool = False) -> sp.Expr:
    r"""$(Z_2)_{kj} = \sum_{i'=0}^{n-1} (W_2)_{ki'} (A_1)_{i'j} + (b_2)_k$, written out."""
    hidden = a1(_i, example, z1_free=z1_free)
    return sp.Sum(W2[cls, _i] * hidden, (_i, 0, n - 1)) + b2[cls]


def softmax_denominator(example: sp.Expr, *, z1_free: bool = False) -> sp.Expr:
    r"""$S_j = \sum_{k''=0}^{K-1} e^{(Z_2)_{k''j}}$."""
    return sp.Sum(sp.exp(z2(_kk, example, z1_free=z1_free)), (_kk, 0, K - 1))


def example_loss(example: sp.Expr, *, z1_free: bool = False) -> sp.Expr:
    r"""One example's loss, $\ell_j = -\sum_{k'} Y_{k'j} \big((Z_2)_{k'j} - \log S_j\big)$.

    The log of a softmax is written as the difference (the identity `log_softmax_identity`
    checks), which is also how the package computes it stably.
    """
    log_s = sp.log(softmax_denominator(example, z1_free=z1_free))
    return -sp.Sum(Y[_k, example] * (z2(_k, example, z1_free=z1_free) - log_s), (_k, 0, K - 1))


def mean_loss() -> sp.Expr:
    r"""$L = \frac{1}{m} \sum_{j=0}^{m-1} \ell_j$, every layer written out."""
    return sp.Sum(example_loss(j), (j, 0, m - 1)) / m


def log_softmax_identity() -> bool:
    r"""$\log \dfrac{e^{z}}{S} = z - \log S$ for real $z$ and $S > 0$ (sympy's `expand_log`)."""
    z, s = sp.Symbol("z", real=True), sp.Symbol("S", positive=True)
    return sp.expand_log(sp.log(sp.exp(z) / s)) - (z - sp.log(s)) == 0


def _push_into_sums(expr: sp.Expr) -> sp.Expr:
    """Move a factor $1/S_j$ into the sums beside it that hold an $e^{(Z_2)_{\\cdot j}}$."""

    def push(product: sp.Mul) -> sp.Expr:
        factors = list(product.args)
        for f in factors:
            if isinstance(f, sp.Pow) and f.exp == -1 and getattr(f.base, "base", None) == S:
                sums = [g for g in factors if isinstance(g, sp.Sum) and g.has(sp.exp)]
                if len(sums) == 1:
                    (total,) = sums
                    rest = [g for g in factors if g is not f and g is not total]
                    moved = sp.Sum(total.function * f, *total.limits)
                    return sp.Mul(*rest, moved)
        return product

    return expr.replace(lambda e: isinstance(e, sp.Mul), push)


def _softmax_entries(product: sp.Mul) -> sp.Expr:
    """Write $e^{(Z_2)_{kj}} / S_j$ as $(A_2)_{kj}$ inside one product."""
    factors = list(product.args)
    for f in factors:
        if isinstance(f, sp.exp) and isinstance(f.args[0], sp.Indexed) and f.args[0].base == Z2:
            cls, example = f.args[0].indices
            if (over := S[example] ** -1) in factors:
                factors.remove(f)
                factors.remove(over)
                return sp.Mul(A2[cls, example], *factors)
    return product


@functools.cache
def _names() -> dict[sp.Expr, sp.Expr]:
    """Each written-out sub-expression the proofs meet, mapped to its name."""
    table: dict[sp.Expr, sp.Expr] = {}
    for example in (j, _j):
        for z1_free in (False, True):
            table[softmax_denominator(example, z1_free=z1_free)] = S[example]
            for cls in (k, _k, _kk):
                table[z2(cls, example, z1_free=z1_free)] = Z2[cls, example]
            for unit in (i, _i):
                table[a1(unit, example, z1_free=z1_free)] = A1[unit, example]
        for unit in (i, _i):
            table[z1(unit, example)] = Z1[unit, example]
    return table


def abbreviate(expr: sp.Expr) -> sp.Expr:
    r"""Write the layers' sub-expressions by their names: $Z_1$, $A_1$, $Z_2$, $S$ and $A_2$.

    Each replacement puts a new symbol for a sub-expression, so an identity proved in the
    names holds for what they stand for (substitute them back).
    """
    named = _push_into_sums(expr.xreplace(_names()))
    return named.replace(lambda e: isinstance(e, sp.Mul), _softmax_entries)


def definitions(*, from_z1: bool = False) -> sp.Tuple:
    r"""The forward pass and the loss as a system of equations, for a proof's first step.

    Written with the layers' names; `definitions_hold` checks that, with the names replaced by
    what they stand for, they are exactly the expressions the proofs differentiate. With
    ``from_z1`` the system starts at $A_1$ (the entries of $Z_1$ are the variables).
    """
    system = [
        sp.Eq(Z1[i, j], sp.Sum(W1[i, _p] * X[_p, j], (_p, 0, d - 1)) + b1[i]),
        sp.Eq(A1[i, j], sp.Max(0, Z1[i, j])),
        sp.Eq(Z2[k, j], sp.Sum(W2[k, _i] * A1[_i, j], (_i, 0, n - 1)) + b2[k]),
        sp.Eq(S[j], sp.Sum(sp.exp(Z2[_kk, j]), (_kk, 0, K - 1))),
        sp.Eq(ell[j], -sp.Sum(Y[_k, j] * (Z2[_k, j] - sp.log(S[j])), (_k, 0, K - 1))),
        sp.Eq(sp.Symbol("L"), MEAN * sp.Sum(ell[j], (j, 0, m - 1))),
    ]
    return sp.Tuple(*(system[1:-1] if from_z1 else system))


def definitions_hold() -> bool:
    """Whether the displayed `definitions`, names unfolded, are what the proofs differentiate."""
    free = {Z1: (i, j), A1: (i, j), Z2: (k, j), S: (j,), ell: (j,)}  # each name's own indices
    system = {eq.lhs.base: eq.rhs for eq in definitions() if isinstance(eq.lhs, sp.Indexed)}

    def unfold_one(entry: sp.Indexed) -> sp.Expr:
        return system[entry.base].xreplace(dict(zip(free[entry.base], entry.indices, strict=True)))

    L = definitions()[-1].rhs.xreplace({MEAN: 1 / m})
    for _ in system:  # each pass unfolds one more layer of names
        L = L.replace(lambda e: isinstance(e, sp.Indexed) and e.base in system, unfold_one)
    return L == mean_loss()


def _relu_prime_at_zero_is_zero(expr: sp.Expr) -> sp.Expr:
    """sympy's $H(z)$ (value 1/2 at 0) as the package's $H(z)$ with $H(0) = 0$."""
    return expr.replace(
        lambda e: isinstance(e, sp.Heaviside), lambda e: sp.Heaviside(e.args[0], 0)
    )


def _partial(of: str, by: sp.Expr) -> sp.Symbol:
    """A symbol that prints as the fraction $\\partial\\,$of$ / \\partial\\,$by$."""
    return sp.Symbol(rf"\frac{{\partial {of}}}{{\partial {latex(by)}}}")


# Each parameter gradient: the entry differentiated by, what its per-example derivative is
# claimed to be (the matrix formula, entry by entry), that claim and the matrix form in LaTeX.
_CLAIMS: dict[str, tuple[sp.Indexed, Callable[[], sp.Expr], str, str]] = {
    "dW2": (W2[k, i], lambda: (A2[k, j] - Y[k, j]) * A1[i, j],
            r"(\delta_2)_{kj} (A_1)_{ij}", r"dW_2 = \tfrac{1}{m}\,\delta_2 A_1^\top"),
    "db2": (b2[k], lambda: A2[k, j] - Y[k, j],
            r"(\delta_2)_{kj}", r"db_2 = \tfrac{1}{m}\,\delta_2 \mathbf{1}_m"),
    "dW1": (W1[i, p], lambda: delta1_entry(i, j) * X[p, j],
            r"(\delta_1)_{ij} X_{pj}", r"dW_1 = \tfrac{1}{m}\,\delta_1 X^\top"),
    "db1": (b1[i], lambda: delta1_entry(i, j),
            r"(\delta_1)_{ij}", r"db_1 = \tfrac{1}{m}\,\delta_1 \mathbf{1}_m"),
}  # fmt: skip
GRADIENTS = tuple(_CLAIMS)

_DIFFERENTIATE = r"(sympy's $H$ is ReLU′; the proof takes $H(0) = 0$, as the package does)"
_INDICATORS = (
    r"Evaluate each sum over an indicator $\mathbb{1}[a = b]$: only the term where the "
    r"summation index equals the entry's own index survives (it is in range: "
)
_ONE_HOT = r"Each column of $Y$ sums to 1: $\sum_{k} Y_{kj} = 1$"


def _reduce(raw: sp.Expr) -> dict[str, sp.Expr]:
    """The bookkeeping after `diff`, one stage at a time, each stage linearised."""
    named = linearise(abbreviate(_relu_prime_at_zero_is_zero(raw)))
    evaluated = linearise(abbreviate(evaluate_indicators(named)))
    return {
        "differentiated": named,
        "evaluated": evaluated,
        "one-hot": linearise(one_hot_sums(evaluated, Y)),
    }


def prove_parameter_gradient(name: str, claim: sp.Expr | None = None) -> Proof:
    r"""Prove a parameter gradient (``"dW1"``, ``"db1"``, ``"dW2"``, ``"db2"``) for symbolic sizes.

    $$
    \begin{aligned}
    \frac{\partial L}{\partial (W_1)_{ip}} &= \frac{1}{m}\sum_{j} (\delta_1)_{ij} X_{pj}, &
    \frac{\partial L}{\partial (b_1)_{i}} &= \frac{1}{m}\sum_{j} (\delta_1)_{ij}, \\
    \frac{\partial L}{\partial (W_2)_{ki}} &= \frac{1}{m}\sum_{j} (\delta_2)_{kj} (A_1)_{ij}, &
    \frac{\partial L}{\partial (b_2)_{k}} &= \frac{1}{m}\sum_{j} (\delta_2)_{kj}
    \end{aligned}
    $$

    with $\delta_2 = A_2 - Y$ and $(\delta_1)_{ij} = H((Z_1)_{ij}) \sum_{k} (W_2)_{ki}
    (\delta_2)_{kj}$. sympy differentiates the whole mean loss (`mean_loss`) with respect to one
    entry; the derivative of the mean is the mean of the per-example derivatives (checked on
    sympy's own result), so the steps follow one example's loss $\ell_j$.

    ``claim`` replaces the per-example formula (in the names of `abbreviate`), so a test can
    show that a wrong formula is not proved.

    Shown in: [the weight gradient][eq-weight-gradient-entry], [dW₂][eq-dw2-proof],
    [db₂][eq-db2-proof], [dW₁][eq-dw1-proof], [db₁][eq-db1-proof].

    Examples
    --------
    >>> bool(prove_parameter_gradient("db2"))
    True
    >>> bool(prove_parameter_gradient("db2", claim=2 * (A2[k, j] - Y[k, j])))
    False
    """
    entry, claim_of, claim_tex, matrix_tex = _CLAIMS[name]
    claim = claim_of() if claim is None else claim
    raw = sp.diff(mean_loss(), entry)
    per_example = sp.diff(example_loss(j), entry)
    mean_of_examples = raw == sp.Sum(per_example, (j, 0, m - 1)) / m
    stage = _reduce(per_example)
    holds = (
        definitions_hold()
        and log_softmax_identity()
        and mean_of_examples
        and equal(sp.Sum(stage["one-hot"], (j, 0, m - 1)), sp.Sum(claim, (j, 0, m - 1)))
    )
    d_ell, d_L = _partial(r"\ell_j", entry), _partial("L", entry)
    in_range = ", ".join(f"${latex(x)} < {latex(size_of(x))}$" for x in entry.indices)
    steps = (
        ("The network and its loss, written entry by entry; every size is a symbol",
         definitions()),
        (rf"sympy differentiates $L$. The mean over examples comes out whole, "
         rf"${latex(d_L)} = \tfrac{{1}}{{m}}\sum_j {latex(d_ell)}$, so follow one example "
         + _DIFFERENTIATE, sp.Eq(d_ell, stage["differentiated"])),
        (_INDICATORS + in_range + ")", sp.Eq(d_ell, stage["evaluated"])),
        (_ONE_HOT, sp.Eq(d_ell, stage["one-hot"])),
        (rf"Minus the claim ${claim_tex}$, with $\delta_2 = A_2 - Y$"
         + (r" and $(\delta_1)_{ij} = H\big((Z_1)_{ij}\big) \sum_k (W_2)_{ki} (\delta_2)_{kj}$"
            if "delta_1" in claim_tex else ""),
         sp.expand(linearise(stage["one-hot"] - claim))),
        (rf"So, averaged over the examples, ${matrix_tex}$ entry by entry",
         sp.Eq(d_L, MEAN * sp.Sum(sp.Symbol(claim_tex), (j, 0, m - 1)))),
    )  # fmt: skip
    return Proof(
        claim=rf"${latex(d_L)} = \tfrac{{1}}{{m}}\sum_j {claim_tex}$ for every $d, n, K, m$",
        steps=steps,
        holds=bool(holds),
    )


def delta1_entry(unit: sp.Expr, example: sp.Expr) -> sp.Expr:
    r"""$(\delta_1)_{ij} = H((Z_1)_{ij}) \sum_{k'} (W_2)_{k'i} ((A_2)_{k'j} - Y_{k'j})$."""
    back = sp.Sum(W2[_k, unit] * (A2[_k, example] - Y[_k, example]), (_k, 0, K - 1))
    return back * sp.Heaviside(Z1[unit, example], 0)


def prove_hidden_error(claim: sp.Expr | None = None) -> Proof:
    r"""Prove the hidden error $\delta_1 = (W_2^\top \delta_2) \odot H(Z_1)$ for symbolic $n, K, m$.

    $$
    \frac{\partial (mL)}{\partial (Z_1)_{ij}} = H\big((Z_1)_{ij}\big)
    \sum_{k} (W_2)_{ki} \big((A_2)_{kj} - Y_{kj}\big)
    $$

    The entries of $Z_1$ are the variables here (the first layer does not enter this
    derivative); sympy differentiates $mL = \sum_{j'} \ell_{j'}$ with respect to one of them,
    and the sum over examples collapses to example $j$: no other example's loss depends on
    $(Z_1)_{ij}$. ``claim`` replaces the formula, as in `prove_parameter_gradient`.

    Shown in: [the chain rule][eq-hidden-error-chain], [the proof][eq-hidden-error-proof].

    Examples
    --------
    >>> bool(prove_hidden_error())
    True
    >>> no_transpose = sp.Sum(W2[i, k] * (A2[k, j] - Y[k, j]), (k, 0, K - 1))
    >>> bool(prove_hidden_error(claim=no_transpose * sp.Heaviside(Z1[i, j], 0)))
    False
    """
    entry = Z1[i, j]
    claim = delta1_entry(i, j) if claim is None else claim
    raw = sp.diff(sp.Sum(example_loss(_j, z1_free=True), (_j, 0, m - 1)), entry)
    stage = _reduce(raw)
    holds = definitions_hold() and log_softmax_identity() and equal(stage["one-hot"], claim)
    d_mL = _partial("(mL)", entry)
    steps = (
        (r"The loss from the hidden pre-activations on, written entry by entry; $n$, $K$ and "
         r"$m$ are symbols, and $mL = \sum_{j'} \ell_{j'}$", definitions(from_z1=True)),
        (r"sympy differentiates $mL$ " + _DIFFERENTIATE, sp.Eq(d_mL, stage["differentiated"])),
        (_INDICATORS + r"$j < m$, $i < n$): only example $j$'s loss depends on $(Z_1)_{ij}$",
         sp.Eq(d_mL, stage["evaluated"])),
        (_ONE_HOT, sp.Eq(d_mL, stage["one-hot"])),
        (r"Minus the claim $H\big((Z_1)_{ij}\big) \sum_{k} (W_2)_{ki} (\delta_2)_{kj}$, which is "
         r"$\big((W_2^\top \delta_2) \odot H(Z_1)\big)_{ij}$: the sum runs over the first index "
         r"of $W_2$, hence the transpose", sp.expand(linearise(stage["one-hot"] - claim))),
    )  # fmt: skip
    return Proof(
        claim=r"$\delta_1 = (W_2^\top \delta_2) \odot H(Z_1)$ for every $n, K, m$",
        steps=steps,
        holds=bool(holds),
    )
