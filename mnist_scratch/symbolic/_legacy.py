r"""The sympy forms shared by the site's derivation pages and the tests.

Each ``prove_*`` function returns a [`Proof`][mnist_scratch.symbolic.Proof]: the claim, the
steps sympy took (as expressions a page can display) and whether the claim holds. The general
results are proved for a *symbolic* number of classes $K$, with indexed symbols $z_i$, $y_j$ and
`Sum`; nothing is checked only for a few fixed sizes. `compare_with_package` lambdifies the
forms and measures how far the package's NumPy functions are from them on random inputs.

A page uses it like this:

    from mnist_scratch import symbolic
    proof = symbolic.prove_output_error()
    proof            # displays the steps as LaTeX in a notebook
    assert proof     # a Proof is truthy exactly when the claim holds
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from mnist_scratch import activations, gradients, loss, network

# Symbols of the general (any-K) derivations. Indices are integers >= 0; the class count K >= 1.
K = sp.Symbol("K", integer=True, positive=True)
i, j, k = sp.symbols("i j k", integer=True, nonnegative=True)
z = sp.IndexedBase("z", real=True)  # logits of one example
y = sp.IndexedBase("y", real=True)  # its one-hot target
c = sp.Symbol("c", real=True)  # a shift applied to every logit
x = sp.Symbol("x", real=True)  # a scalar pre-activation
_rest = sp.Symbol("n", integer=True, nonnegative=True)  # classes after index i: K = i + 1 + n


@dataclass(frozen=True)
class Proof:
    r"""A claim, the steps that establish it, and whether sympy confirmed it.

    Attributes
    ----------
    claim : str
        The statement in words.
    steps : tuple[tuple[str, sympy.Basic], ...]
        ``(what this step does, the expression after it)``, in order; the last step is the
        expression that sympy reduced to the claimed form (usually a difference equal to 0).
    holds : bool
        True when sympy reduced the claim to an identity.

    A `Proof` is truthy exactly when it holds, prints as plain text, and displays as LaTeX in a
    notebook.

    Examples
    --------
    >>> proof = prove_softmax_shift()
    >>> bool(proof), len(proof.steps) > 1
    (True, True)
    """

    claim: str
    steps: tuple[tuple[str, sp.Basic], ...]
    holds: bool

    def __bool__(self) -> bool:
        return self.holds

    def latex(self) -> str:
        """The steps as one LaTeX ``aligned`` block, each step labelled in words.

        Labels are plain words (no ``_``, ``^`` or braces) because they sit inside ``\\text``.
        """
        # Each label on its own line and its expression indented below it: the page column is
        # narrow, and a label beside a long expression pushed the expression off the page.
        rows = [rf"&\text{{{label}:}} \\ &\qquad {sp.latex(expr)}" for label, expr in self.steps]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return f"$$\n{self.latex()}\n$$"

    def __str__(self) -> str:
        lines = [f"{self.claim}: {'holds' if self.holds else 'NOT PROVED'}"]
        lines += [f"  {label}: {expr}" for label, expr in self.steps]
        return "\n".join(lines)


# --- Forms -------------------------------------------------------------------------------


def softmax_general(index: sp.Expr = i) -> sp.Expr:
    r"""Softmax of class ``index`` over a symbolic number of classes $K$.

    $$
    a_i = \frac{e^{z_i}}{\sum_{k=0}^{K-1} e^{z_k}}
    $$

    Derivation: [softmax][eq-softmax].

    Examples
    --------
    >>> softmax_general()
    exp(z[i])/Sum(exp(z[k]), (k, 0, K - 1))
    """
    return sp.exp(z[index]) / sp.Sum(sp.exp(z[k]), (k, 0, K - 1))


def cross_entropy_general() -> sp.Expr:
    r"""Cross-entropy of one example over $K$ classes, with softmax written out.

    $$
    L = -\sum_{j=0}^{K-1} y_j \log a_j
    $$

    Derivation: [cross-entropy][eq-cross-entropy].

    Examples
    --------
    >>> cross_entropy_general()
    -Sum(log(exp(z[j])/Sum(exp(z[k]), (k, 0, K - 1)))*y[j], (j, 0, K - 1))
    """
    return -sp.Sum(y[j] * sp.log(softmax_general(j)), (j, 0, K - 1))


def relu_expr(arg: sp.Expr = x) -> sp.Expr:
    r"""ReLU as a sympy expression.

    $$
    \mathrm{ReLU}(x) = \max(0, x)
    $$

    Derivation: [ReLU][eq-relu].

    Examples
    --------
    >>> relu_expr()
    Max(0, x)
    """
    return sp.Max(0, arg)


def relu_prime_expr(arg: sp.Expr = x) -> sp.Expr:
    r"""ReLU's derivative as a step function with the package's value 0 at the kink.

    $$
    \mathrm{ReLU}'(x) = H(x), \qquad H(0) = 0
    $$

    Derivation: [ReLU derivative][eq-relu-prime].

    Examples
    --------
    >>> relu_prime_expr()
    Heaviside(x, 0)
    """
    return sp.Heaviside(arg, 0)


def concrete(expr: sp.Expr, classes: int) -> tuple[sp.Expr, list[sp.Symbol], list[sp.Symbol]]:
    r"""Specialise a general form to ``classes`` classes, with plain symbols $z_0, \dots$.

    Sums over $k = 0..K-1$ are expanded and each $z_k$, $y_k$ becomes a symbol, so the result
    can be differentiated entry by entry or lambdified.

    Returns
    -------
    tuple
        ``(expression, [z_0, ...], [y_0, ...])``.

    Examples
    --------
    >>> expr, zs, ys = concrete(softmax_general(0), 2)
    >>> expr
    exp(z_0)/(exp(z_0) + exp(z_1))
    """
    zs = list(sp.symbols(f"z_0:{classes}", real=True))
    ys = list(sp.symbols(f"y_0:{classes}", real=True))
    expanded = expr.subs(K, classes).doit()
    table = {z[q]: zs[q] for q in range(classes)} | {y[q]: ys[q] for q in range(classes)}
    return expanded.xreplace(table), zs, ys


# --- Proofs for a general number of classes ------------------------------------------------


def _take_in_range_branch(expr: sp.Expr, index: sp.Symbol) -> sp.Expr:
    """Resolve sympy's ``Piecewise((f, index <= K - 1), (0, True))`` to ``f``.

    Differentiating a sum over k = 0..K-1 with respect to z[index] gives a Kronecker delta that
    sympy evaluates "if index is in range". It is (it names a class), and we let sympy confirm the
    condition by writing K = index + 1 + n with n >= 0, rather than dropping it by hand.
    """

    def pick(piecewise: sp.Piecewise) -> sp.Expr:
        for branch in piecewise.args:
            if sp.sympify(branch.cond).subs(K, index + 1 + _rest) == sp.true:
                return branch.expr
        raise ValueError(f"no branch of {piecewise} is known to hold for {index} < K")

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), pick)


def prove_output_error() -> Proof:
    r"""Prove $\partial L / \partial z_i = a_i - y_i$ for any number of classes $K$.

    $$
    \frac{\partial}{\partial z_i}\left(-\sum_{j} y_j \log a_j\right)
    = a_i \sum_j y_j - y_i = a_i - y_i \quad \text{because } \sum_j y_j = 1
    $$

    sympy differentiates the loss with indexed symbols, evaluates the Kronecker deltas, pulls
    the factor $a_i$ out of the remaining sum, and only then substitutes $\sum_j y_j = 1$: the
    one place the one-hot property is used, made explicit.

    Derivation: [output error][eq-output-error].

    Examples
    --------
    >>> proof = prove_output_error()
    >>> bool(proof)
    True
    >>> proof.steps[-2][1].rhs
    exp(z[i])/Sum(exp(z[k]), (k, 0, K - 1)) - y[i]
    """
    a_i = softmax_general(i)
    L = cross_entropy_general()
    raw = sp.diff(L, z[i])
    evaluated = _take_in_range_branch(raw.doit(), i)
    factored = sp.factor_terms(evaluated)
    sum_y = sp.Sum(y[j], (j, 0, K - 1))
    if not factored.has(sum_y):
        raise AssertionError(f"expected the derivative to contain {sum_y}, got {factored}")
    used = factored.subs(sum_y, 1)
    difference = sp.simplify(used - (a_i - y[i]))
    dL = sp.Symbol(r"\frac{\partial L}{\partial z_{i}}")  # a LaTeX name: renders as a fraction
    return Proof(
        claim="dL/dz_i = a_i - y_i for softmax with cross-entropy, any K, given sum_j y_j = 1",
        steps=(
            ("softmax", sp.Eq(sp.Symbol("a_i"), a_i)),
            ("loss", sp.Eq(sp.Symbol("L"), L)),
            ("differentiate", sp.Eq(dL, raw)),
            ("evaluate the Kronecker deltas (i is a class: i < K)", sp.Eq(dL, evaluated)),
            ("pull index-free factors out of the sum", sp.Eq(dL, factored)),
            ("one-hot target: substitute the sum of y = 1", sp.Eq(dL, used)),
            ("minus the claim a - y", difference),
        ),
        holds=difference == 0,
    )


def prove_output_error_for(classes: int) -> Proof:
    r"""The output-error identity for a fixed number of classes, vector entry by entry.

    $$
    \nabla_z L = a - y \quad \text{for } y_{K-1} = 1 - \textstyle\sum_{q<K-1} y_q
    $$

    A cross-check of `prove_output_error` with no `Sum` or index machinery at all.

    Derivation: [output error][eq-output-error].

    Examples
    --------
    >>> all(prove_output_error_for(n) for n in range(2, 5))
    True
    """
    L, zs, ys = concrete(cross_entropy_general(), classes)
    a, _, _ = zip(*(concrete(softmax_general(q), classes) for q in range(classes)), strict=True)
    one_hot_sum = {ys[-1]: 1 - sum(ys[:-1])}
    gradient = sp.Matrix([sp.diff(L, zq) for zq in zs])
    difference = sp.simplify((gradient - (sp.Matrix(a) - sp.Matrix(ys))).subs(one_hot_sum))
    return Proof(
        claim=f"grad_z L = a - y for K = {classes}, given sum y = 1",
        steps=(
            ("loss", L),
            ("gradient", gradient),
            ("gradient minus (a - y), given the sum of y = 1", difference),
        ),
        holds=difference.is_zero_matrix is True,
    )


def prove_softmax_jacobian() -> Proof:
    r"""Prove $\partial a_i / \partial z_j = a_i(\delta_{ij} - a_j)$ for any $K$.

    $$
    \frac{\partial a}{\partial z} = \mathrm{diag}(a) - a a^{\top}
    $$

    Derivation: [softmax Jacobian][eq-softmax-jacobian].

    Examples
    --------
    >>> bool(prove_softmax_jacobian())
    True
    """
    a_i, a_j = softmax_general(i), softmax_general(j)
    raw = sp.diff(a_i, z[j])
    evaluated = _take_in_range_branch(raw.doit(), j)
    claimed = a_i * (sp.KroneckerDelta(i, j) - a_j)
    difference = sp.simplify(evaluated - claimed)
    dA = sp.Symbol(r"\frac{\partial a_{i}}{\partial z_{j}}")  # a LaTeX name: renders as a fraction
    return Proof(
        claim="d a_i / d z_j = a_i (delta_ij - a_j), i.e. J = diag(a) - a a^T, any K",
        steps=(
            ("differentiate", sp.Eq(dA, raw)),
            ("evaluate the Kronecker delta (j is a class: j < K)", sp.Eq(dA, evaluated)),
            ("minus the claim a (delta - a)", difference),
        ),
        holds=difference == 0,
    )


def softmax_jacobian_matrix(classes: int) -> tuple[sp.Matrix, list[sp.Symbol]]:
    r"""The softmax Jacobian for a fixed number of classes, as sympy differentiates it.

    $$
    J_{ij} = \frac{\partial a_i}{\partial z_j}
    $$

    Derivation: [softmax Jacobian][eq-softmax-jacobian].

    Returns
    -------
    tuple
        ``(J, [z_0, ...])``.

    Examples
    --------
    >>> J, zs = softmax_jacobian_matrix(2)
    >>> J.shape
    (2, 2)
    """
    a = [concrete(softmax_general(q), classes)[0] for q in range(classes)]
    zs = concrete(softmax_general(0), classes)[1]
    return sp.Matrix(a).jacobian(zs), zs


def prove_softmax_shift() -> Proof:
    r"""Prove softmax is unchanged when every logit is shifted by the same $c$, for any $K$.

    $$
    \frac{e^{z_i - c}}{\sum_k e^{z_k - c}} = \frac{e^{-c}\, e^{z_i}}{e^{-c} \sum_k e^{z_k}}
    = \frac{e^{z_i}}{\sum_k e^{z_k}}
    $$

    Derivation: [softmax shift][eq-softmax-shift].

    Examples
    --------
    >>> bool(prove_softmax_shift())
    True
    """
    shifted = sp.exp(z[i] - c) / sp.Sum(sp.exp(z[k] - c), (k, 0, K - 1))
    factored = sp.factor_terms(sp.expand(shifted))  # e^{-c} leaves the sum and cancels
    difference = sp.simplify(factored - softmax_general(i))
    a_shifted = sp.Symbol(r"\mathrm{softmax}(z - c)_i")
    return Proof(
        claim="softmax(z - c) = softmax(z) for any shift c, any K",
        steps=(
            ("shifted softmax", sp.Eq(a_shifted, shifted)),
            ("split each exponential and cancel the common factor", sp.Eq(a_shifted, factored)),
            ("minus softmax(z)", difference),
        ),
        holds=difference == 0,
    )


def prove_relu_prime() -> Proof:
    r"""Prove that the derivative of $\max(0, x)$ is the step function away from the kink.

    $$
    \frac{d}{dx}\max(0, x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}
    $$

    At $x = 0$ ReLU has no derivative: sympy's step function says $1/2$ there by convention, the
    package (and `relu_prime_expr`) says 0, a valid subgradient. The proof checks both sides.

    Derivation: [ReLU derivative][eq-relu-prime].

    Examples
    --------
    >>> bool(prove_relu_prime())
    True
    """
    derivative = sp.diff(relu_expr(x), x)
    positive, negative = sp.Symbol("p", positive=True), sp.Symbol("q", negative=True)
    right = (derivative.subs(x, positive), relu_prime_expr(positive))
    left = (derivative.subs(x, negative), relu_prime_expr(negative))
    return Proof(
        claim="d/dx max(0, x) = H(x) for x != 0 (we take 0 at x = 0)",
        steps=(
            ("differentiate", sp.Eq(sp.Symbol("ReLU'(x)"), derivative)),
            ("x > 0: derivative and H(x)", sp.Tuple(*right)),
            ("x < 0: derivative and H(x)", sp.Tuple(*left)),
        ),
        holds=right == (1, 1) and left == (0, 0),
    )


# --- A tiny network differentiated entry by entry ----------------------------------------


def _matrix(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda r, q: sp.Symbol(f"{name}_{r}{q}", real=True))


@dataclass(frozen=True)
class TinyNetwork:
    r"""A small network written out in sympy: every parameter and input entry is a symbol.

    Attributes
    ----------
    inputs, hidden, classes, m : int
        Sizes; ``X`` is ``(inputs, m)``.
    W1, b1, W2, b2, X, Y : sympy.Matrix
        Symbols ``w1_rc``, ``b1_r``, ``w2_rc``, ``b2_r``, ``x_rc``, ``y_rc``.
    Z1, A1, Z2, A2 : sympy.Matrix
        The forward pass as explicit expressions of those symbols.
    L : sympy.Expr
        The mean cross-entropy, $-\frac{1}{m}\sum Y \odot \log A_2$.
    sympy_gradients : dict[str, sympy.Matrix]
        ``"dW1"``, ``"db1"``, ``"dW2"``, ``"db2"``: $\partial L / \partial \theta$, one sympy
        `diff` per entry.
    formulas : dict[str, sympy.Matrix]
        ``"delta2"``, ``"dW2"``, ``"db2"``, ``"delta1"``, ``"dW1"``, ``"db1"``: the matrix
        formulas, written with short symbols ``a2_kj``, ``a1_hj``, ``r1_hj`` (for
        $\mathrm{ReLU}'(Z_1)$) so a page can display them; `formula_values` maps those symbols
        to their expressions.
    formula_values : dict[sympy.Symbol, sympy.Expr]
        What each short symbol stands for.
    one_hot_sums : dict[sympy.Symbol, sympy.Expr]
        $y_{K-1,j} = 1 - \sum_{k<K-1} y_{kj}$: each column of $Y$ sums to 1.
    """

    inputs: int
    hidden: int
    classes: int
    m: int
    W1: sp.Matrix
    b1: sp.Matrix
    W2: sp.Matrix
    b2: sp.Matrix
    X: sp.Matrix
    Y: sp.Matrix
    Z1: sp.Matrix
    A1: sp.Matrix
    Z2: sp.Matrix
    A2: sp.Matrix
    L: sp.Expr
    sympy_gradients: dict[str, sp.Matrix] = field(repr=False)
    formulas: dict[str, sp.Matrix] = field(repr=False)
    formula_values: dict[sp.Symbol, sp.Expr] = field(repr=False)
    one_hot_sums: dict[sp.Symbol, sp.Expr] = field(repr=False)

    @property
    def parameters(self) -> dict[str, sp.Matrix]:
        """``{"W1": ..., "b1": ..., "W2": ..., "b2": ...}``."""
        return {"W1": self.W1, "b1": self.b1, "W2": self.W2, "b2": self.b2}

    def sample(
        self, rng: np.random.Generator | int = 0
    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """A random float64 point to evaluate the network at, in the package's layout.

        He-initialised weights with every entry (biases too) nudged off zero, normal inputs
        ``X`` ``(inputs, m)`` and one-hot targets ``Y`` ``(classes, m)``. A Generator passed in
        is advanced, so a page can keep drawing from it.

        Examples
        --------
        >>> params, X, Y = tiny_network(m=2).sample(0)
        >>> X.shape, Y.shape, Y.sum(axis=0).tolist(), bool(np.all(params["b1"] != 0))
        ((3, 2), (3, 2), [1.0, 1.0], True)
        """
        rng = np.random.default_rng(rng)
        params = network.init_params(
            self.hidden, self.inputs, self.classes, scheme="he", rng=rng, dtype=np.float64
        )
        params = {name: p + 0.1 * rng.normal(size=p.shape) for name, p in params.items()}
        X = rng.normal(size=(self.inputs, self.m))
        labels = rng.integers(0, self.classes, size=self.m)
        return params, X, loss.one_hot(labels, self.classes, dtype=np.float64)

    def numeric_gradients(
        self, params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Evaluate `sympy_gradients` at numbers (float64), via `sympy.lambdify`."""
        symbols, values = [], []
        pairs = [(P, params[name]) for name, P in self.parameters.items()] + [
            (self.X, X),
            (self.Y, Y),
        ]
        for matrix, value in pairs:
            symbols += list(matrix)
            values += list(np.asarray(value, dtype=np.float64).ravel())
        return {
            name: np.asarray(sp.lambdify(symbols, grad, "numpy")(*values), dtype=np.float64)
            for name, grad in self.sympy_gradients.items()
        }


def tiny_network(inputs: int = 3, hidden: int = 2, classes: int = 3, m: int = 2) -> TinyNetwork:
    r"""Build a tiny network in sympy and differentiate its loss entry by entry.

    $$
    L = -\frac{1}{m} \sum_{k,j} Y_{kj}
    \log \mathrm{softmax}\big(W_2\, \mathrm{ReLU}(W_1 X + b_1) + b_2\big)_{kj}
    $$

    Derivation: [back-propagation][eq-backward].

    Examples
    --------
    >>> net = tiny_network()
    >>> net.sympy_gradients["dW1"].shape
    (2, 3)
    >>> net.formulas["db2"][0]
    a2_00/2 + a2_01/2 - y_00/2 - y_01/2
    """
    W1, b1 = _matrix("w1", hidden, inputs), _matrix("b1", hidden, 1)
    W2, b2 = _matrix("w2", classes, hidden), _matrix("b2", classes, 1)
    X, Y = _matrix("x", inputs, m), _matrix("y", classes, m)
    ones = sp.ones(1, m)  # broadcasts a bias column over the m examples

    Z1 = W1 * X + b1 * ones
    A1 = Z1.applyfunc(relu_expr)
    Z2 = W2 * A1 + b2 * ones
    E = Z2.applyfunc(sp.exp)
    A2 = sp.Matrix(classes, m, lambda r, q: E[r, q] / sum(E[:, q]))
    L = -sp.Rational(1, m) * sum(
        Y[r, q] * sp.log(A2[r, q]) for r in range(classes) for q in range(m)
    )
    sympy_gradients = {
        "d" + name: P.applyfunc(lambda p: sp.diff(L, p))
        for name, P in {"W1": W1, "b1": b1, "W2": W2, "b2": b2}.items()
    }

    # The matrix formulas, in short symbols a page can display.
    a2, a1, r1 = _matrix("a2", classes, m), _matrix("a1", hidden, m), _matrix("r1", hidden, m)
    values = (
        dict(zip(a2, A2, strict=True))
        | dict(zip(a1, A1, strict=True))
        | dict(zip(r1, Z1.applyfunc(relu_prime_expr), strict=True))
    )
    column_of_ones = sp.ones(m, 1)
    delta2 = a2 - Y
    delta1 = (W2.T * delta2).multiply_elementwise(r1)
    formulas = {
        "delta2": delta2,
        "dW2": delta2 * a1.T / m,
        "db2": delta2 * column_of_ones / m,
        "delta1": delta1,
        "dW1": delta1 * X.T / m,
        "db1": delta1 * column_of_ones / m,
    }
    one_hot_sums = {Y[classes - 1, q]: 1 - sum(Y[:-1, q]) for q in range(m)}
    return TinyNetwork(
        inputs, hidden, classes, m, W1, b1, W2, b2, X, Y, Z1, A1, Z2, A2, L,
        sympy_gradients, formulas, values, one_hot_sums,
    )  # fmt: skip


def _is_zero(expr: sp.Expr) -> bool:
    """Exact test for 0: over a common denominator, the expanded numerator vanishes.

    Much faster than `sympy.simplify` on these expressions, and just as rigorous: expanding is
    an identity, so a numerator that expands to 0 proves the expression is 0.
    """
    numerator, _ = sp.together(expr).as_numer_denom()
    return sp.expand(numerator) == 0


def prove_tiny_network(net: TinyNetwork | None = None) -> Proof:
    r"""Prove that sympy's entry-by-entry gradients equal the matrix formulas of back-propagation.

    $$
    \frac{\partial L}{\partial W_2} = \tfrac{1}{m}\,\delta_2 A_1^{\top},\quad
    \frac{\partial L}{\partial b_2} = \tfrac{1}{m}\textstyle\sum_j \delta_{2,:j},\quad
    \frac{\partial L}{\partial W_1} = \tfrac{1}{m}\,\delta_1 X^{\top},\quad
    \frac{\partial L}{\partial b_1} = \tfrac{1}{m}\textstyle\sum_j \delta_{1,:j}
    $$

    The only facts used besides calculus: each column of $Y$ sums to 1, and ReLU's derivative is
    taken as 0 at 0 (sympy's `diff` of $\max(0, z)$ writes $H(z)$ with $H(0) = 1/2$; the two agree
    wherever the derivative exists).

    Derivation: [back-propagation][eq-backward].

    Examples
    --------
    >>> proof = prove_tiny_network()
    >>> bool(proof), [label for label, _ in proof.steps]
    (True, ['dW2', 'db2', 'dW1', 'db1'])
    """
    net = net or tiny_network()
    step_at_zero = {
        sp.Heaviside(z1, sp.S.Half): sp.Heaviside(z1, 0) for z1 in net.Z1
    }  # the package's convention at the kink
    steps, holds = [], True
    for name in ("dW2", "db2", "dW1", "db1"):
        autodiff = net.sympy_gradients[name].xreplace(step_at_zero)
        formula = net.formulas[name].xreplace(net.formula_values)
        difference = (autodiff - formula).subs(net.one_hot_sums)
        zero = difference.applyfunc(lambda e: sp.S.Zero if _is_zero(e) else e)
        holds = holds and zero.is_zero_matrix is True
        steps.append((name, zero))
    return Proof(
        claim=(
            f"sympy's dL/dtheta equals the matrix formulas, entry by entry, for a "
            f"{net.inputs}-{net.hidden}-{net.classes} network and m = {net.m}"
        ),
        steps=tuple(steps),
        holds=holds,
    )


# --- Numerical comparison with the package -----------------------------------------------


def lambdified_forms(classes: int = 4) -> dict[str, Callable[..., np.ndarray]]:
    r"""NumPy functions compiled from the sympy forms, with the package's calling convention.

    $$
    \mathrm{ReLU},\ \mathrm{ReLU}',\ \mathrm{softmax},\ \frac{\partial a}{\partial z},\ L,\
    \frac{\partial L}{\partial z}
    $$

    Returns
    -------
    dict[str, Callable]
        ``"relu"``, ``"relu_prime"`` (any array), ``"softmax"`` ``(K, m) -> (K, m)``,
        ``"softmax_jacobian"`` ``(K,) -> (K, K)``, ``"cross_entropy"`` ``(Z, Y) -> float``
        (the mean over columns, from logits), ``"output_error"`` ``(Z, Y) -> (K, m)`` (sympy's
        gradient of the per-example loss, with no $\sum y = 1$ assumed).

    Examples
    --------
    >>> forms = lambdified_forms(classes=2)
    >>> print(forms["softmax"](np.zeros((2, 1))).ravel())
    [0.5 0.5]
    """
    L, zs, ys = concrete(cross_entropy_general(), classes)
    a = [concrete(softmax_general(q), classes)[0] for q in range(classes)]
    J, _ = softmax_jacobian_matrix(classes)
    loss_of = sp.lambdify([zs, ys], L, "numpy")
    grad_of = sp.lambdify([zs, ys], [sp.diff(L, zq) for zq in zs], "numpy")
    softmax_of = sp.lambdify([zs], a, "numpy")
    jacobian_of = sp.lambdify([zs], J, "numpy")
    return {
        "relu": sp.lambdify(x, relu_expr(x), "numpy"),
        "relu_prime": sp.lambdify(x, relu_prime_expr(x), "numpy"),
        "softmax": lambda Z: np.array(softmax_of(list(Z))),
        "softmax_jacobian": lambda zv: np.array(jacobian_of(list(zv)), dtype=float),
        "cross_entropy": lambda Z, Y: float(np.mean(loss_of(list(Z), list(Y)))),
        "output_error": lambda Z, Y: np.array(grad_of(list(Z), list(Y))),
    }


def compare_with_package(
    rng: np.random.Generator | int | None = 0, classes: int = 4, m: int = 5
) -> dict[str, float]:
    r"""Largest absolute difference between each sympy form and the package function (float64).

    $$
    \max \left| f_{\text{sympy}}(Z) - f_{\text{numpy}}(Z) \right|
    $$

    Inputs are random normal logits (scaled by 3) and random one-hot targets; ReLU's inputs
    include exact zeros, so its convention at the kink is compared too. ``"tiny_network"``
    compares `network.backward` with sympy's entry-by-entry gradients of `tiny_network`.

    Examples
    --------
    >>> errors = compare_with_package(rng=0)
    >>> sorted(errors)  # doctest: +NORMALIZE_WHITESPACE
    ['cross_entropy', 'output_error', 'relu', 'relu_prime', 'softmax', 'softmax_jacobian',
     'tiny_network']
    >>> max(errors.values()) < 1e-12
    True
    """
    rng = np.random.default_rng(rng)
    forms = lambdified_forms(classes)
    Z = 3.0 * rng.standard_normal((classes, m))  # (K, m)
    Y = loss.one_hot(rng.integers(0, classes, m), classes, dtype=np.float64)
    H = np.concatenate([Z.ravel(), [0.0, -0.0]])  # pre-activations with exact kinks
    A = activations.softmax(Z)
    errors = {
        "relu": np.abs(forms["relu"](H) - activations.relu(H)).max(),
        "relu_prime": np.abs(forms["relu_prime"](H) - activations.relu_prime(H)).max(),
        "softmax": np.abs(forms["softmax"](Z) - A).max(),
        "softmax_jacobian": max(
            np.abs(forms["softmax_jacobian"](col) - activations.softmax_jacobian(col)).max()
            for col in Z.T
        ),
        "cross_entropy": abs(forms["cross_entropy"](Z, Y) - loss.cross_entropy(A, Y)),
        "output_error": np.abs(forms["output_error"](Z, Y) - gradients.output_error(A, Y)).max(),
    }

    net = tiny_network()
    params = network.init_params(net.hidden, net.inputs, net.classes, rng=rng, dtype=np.float64)
    X = rng.standard_normal((net.inputs, net.m))
    Yn = loss.one_hot(rng.integers(0, net.classes, net.m), net.classes, dtype=np.float64)
    expected = net.numeric_gradients(params, X, Yn)
    got = network.backward(params, X, Yn, network.forward(params, X))
    errors["tiny_network"] = max(np.abs(expected[n] - got[n]).max() for n in expected)
    return {name: float(e) for name, e in errors.items()}
