r"""The output layer and ReLU, for one example and a symbolic number of classes $K$.

One example's logits are $z_k$, its softmax outputs $a_k$ and its one-hot target $y_k$, for
classes $k = 0, \dots, K-1$; summation indices over classes are $k'$ and $k''$. The proofs
here hold for every $K$: the sums have the symbol $K$ as their bound.
"""

from __future__ import annotations

import sympy as sp

from mnist_scratch.symbolic.algebra import (
    K,
    equal,
    evaluate_indicators,
    k,
    linearise,
    one_hot_sums,
    primed,
)
from mnist_scratch.symbolic.printing import latex
from mnist_scratch.symbolic.proof import Proof

z = sp.IndexedBase("z", real=True)  # the logits of one example
y = sp.IndexedBase("y", real=True)  # its one-hot target
a = sp.IndexedBase("a", positive=True)  # its softmax outputs, each > 0
c = sp.Symbol("c", real=True)  # a shift applied to every logit
x = sp.Symbol("z", real=True)  # a scalar pre-activation, printed z as on the ReLU page
S = sp.Symbol("S", positive=True)  # the softmax denominator of the example
ell = sp.Symbol(r"\ell")
_k, _kk = primed(K, 1), primed(K, 2)


def softmax_general(index: sp.Expr = k) -> sp.Expr:
    r"""Softmax of class ``index`` over a symbolic number of classes $K$.

    $a_k = e^{z_k} / \sum_{k''} e^{z_{k''}}$, the sum running over $k'' = 0, \dots, K-1$.

    Examples
    --------
    >>> softmax_general()
    exp(z[k])/Sum(exp(z[k'']), (k'', 0, K - 1))
    """
    return sp.exp(z[index]) / sp.Sum(sp.exp(z[_kk]), (_kk, 0, K - 1))


def cross_entropy_general() -> sp.Expr:
    r"""Cross-entropy of one example over $K$ classes, with softmax written out.

    $\ell = -\sum_{k'} y_{k'} \log a_{k'}$, the sum running over $k' = 0, \dots, K-1$.

    Examples
    --------
    >>> cross_entropy_general()
    -Sum(log(exp(z[k'])/Sum(exp(z[k'']), (k'', 0, K - 1)))*y[k'], (k', 0, K - 1))
    """
    return -sp.Sum(y[_k] * sp.log(softmax_general(_k)), (_k, 0, K - 1))


def relu_expr(arg: sp.Expr = x) -> sp.Expr:
    r"""ReLU as a sympy expression, $\max(0, x)$.

    Examples
    --------
    >>> relu_expr()
    Max(0, z)
    """
    return sp.Max(0, arg)


def relu_prime_expr(arg: sp.Expr = x) -> sp.Expr:
    r"""ReLU's derivative as the step function with the package's value at the kink, $H(0) = 0$.

    Examples
    --------
    >>> relu_prime_expr()
    Heaviside(z, 0)
    """
    return sp.Heaviside(arg, 0)


def _log_softmax(expr: sp.Expr) -> sp.Expr:
    r"""Write every $\log(e^{z}/S)$ as $z - \log S$ (true for real $z$ and $S > 0$)."""
    denominator = sp.Sum(sp.exp(z[_kk]), (_kk, 0, K - 1))
    named = expr.xreplace({denominator: S})
    return sp.expand_log(named).xreplace({S: denominator})


def _name_softmax(expr: sp.Expr) -> sp.Expr:
    r"""Write $e^{z_{k}} / \sum_{k''} e^{z_{k''}}$ as $a_k$, wherever it stands."""
    denominator = sp.Sum(sp.exp(z[_kk]), (_kk, 0, K - 1))

    def name(product: sp.Mul) -> sp.Expr:
        # Pair each e^{z_k} with one power of 1/S: e^{z_k} e^{z_k'} / S^2 is a_k a_k'.
        powers = {f.base: -f.exp for f in product.args if isinstance(f, sp.Pow)}
        over = sp.sympify(powers.get(denominator, 0))
        if not (over.is_Integer and over > 0):
            return product
        factors, named = list(product.args), []
        for f in product.args:
            if len(named) < over and isinstance(f, sp.exp) and isinstance(f.args[0], sp.Indexed) \
                    and f.args[0].base == z:
                factors.remove(f)
                named.append(a[f.args[0].indices[0]])
        factors.remove(denominator**-over)
        return sp.Mul(*named, *factors, denominator ** (len(named) - over))

    def push(product: sp.Mul) -> sp.Expr:  # a 1/S in front of a sum of e^{z}'s goes inside
        factors = list(product.args)
        sums = [f for f in factors if isinstance(f, sp.Sum) and f.has(sp.exp)]
        if denominator**-1 in factors and len(sums) == 1 and sums[0] != denominator:
            factors.remove(denominator**-1)
            factors.remove(sums[0])
            inner = sp.Sum(sums[0].function / denominator, *sums[0].limits)
            return sp.Mul(*factors, inner)
        return product

    for _ in range(2):  # naming one a_k can leave a 1/S to push into a sum, and name there
        expr = expr.replace(lambda e: isinstance(e, sp.Mul), push)
        expr = expr.replace(lambda e: isinstance(e, sp.Mul), name)
    return expr


def _partial(of: str, by: sp.Expr) -> sp.Symbol:
    return sp.Symbol(rf"\frac{{\partial {of}}}{{\partial {latex(by)}}}")


def prove_output_error(claim: sp.Expr | None = None) -> Proof:
    r"""Prove $\partial \ell / \partial z_k = a_k - y_k$ for any number of classes $K$.

    $$
    \frac{\partial \ell}{\partial z_k}
    = -\sum_{k'} y_{k'} \big(\mathbb{1}[k = k'] - a_k\big) = a_k \sum_{k'} y_{k'} - y_k
    = a_k - y_k
    $$

    sympy differentiates $\ell = -\sum_{k'} y_{k'} (z_{k'} - \log \sum_{k''} e^{z_{k''}})$,
    evaluates the indicator sums, and only then substitutes $\sum_{k'} y_{k'} = 1$: the one
    place the one-hot targets are used. ``claim`` replaces $a_k - y_k$ (a test shows a wrong
    claim is not proved).

    Shown in: [the derivation][eq-output-error-steps], [the proof][eq-output-error-proof].

    Examples
    --------
    >>> bool(prove_output_error()), bool(prove_output_error(claim=y[k] - a[k]))
    (True, False)
    """
    claim = a[k] - y[k] if claim is None else claim
    loss = cross_entropy_general()
    split = _log_softmax(loss)
    raw = sp.diff(split, z[k])
    differentiated = linearise(_name_softmax(raw))
    evaluated = linearise(_name_softmax(evaluate_indicators(differentiated)))
    used = linearise(one_hot_sums(evaluated, y))
    holds = equal(used, claim)
    d_ell = _partial(r"\ell", z[k])
    steps = (
        (r"Softmax and the loss of one example; $K$ is a symbol",
         sp.Tuple(sp.Eq(a[k], softmax_general(k)), sp.Eq(ell, -sp.Sum(y[_k] * sp.log(a[_k]),
                                                                       (_k, 0, K - 1))))),
        (r"The log of a softmax is a difference, $\log a_{k'} = z_{k'} - \log \sum_{k''} "
         r"e^{z_{k''}}$", sp.Eq(ell, split)),
        (r"sympy differentiates with respect to $z_k$ (and $a_k$ names the softmax again)",
         sp.Eq(d_ell, differentiated)),
        (r"Evaluate the sums over an indicator: only $k' = k$ survives ($k$ is a class, "
         r"$k < K$)", sp.Eq(d_ell, evaluated)),
        (r"The target is one-hot, $\sum_{k'} y_{k'} = 1$", sp.Eq(d_ell, used)),
        (rf"Minus the claim ${latex(claim)}$", sp.expand(linearise(used - claim))),
    )  # fmt: skip
    return Proof(
        claim=r"$\partial \ell / \partial z_k = a_k - y_k$ for every number of classes $K$",
        steps=steps,
        holds=bool(holds),
    )


def prove_output_error_needs_one_hot() -> Proof:
    r"""Without $\sum_k y_k = 1$ the gradient is not $a - y$: it is off by $a_k (\sum y - 1)$.

    $$
    \frac{\partial \ell}{\partial z_k} - (a_k - y_k) = a_k \Big(\sum_{k'} y_{k'} - 1\Big)
    $$

    Shown in: [the one-hot condition][eq-output-error-needs-one-hot].

    Examples
    --------
    >>> bool(prove_output_error_needs_one_hot())
    True
    """
    derivative = linearise(
        _name_softmax(evaluate_indicators(linearise(
            _name_softmax(sp.diff(_log_softmax(cross_entropy_general()), z[k]))
        )))
    )  # fmt: skip
    gap = sp.expand(linearise(derivative - (a[k] - y[k])))
    claimed_gap = a[k] * (sp.Sum(y[_k], (_k, 0, K - 1)) - 1)
    d_ell = _partial(r"\ell", z[k])
    return Proof(
        claim=r"$\partial \ell / \partial z_k - (a_k - y_k) = a_k (\sum_{k'} y_{k'} - 1)$",
        steps=(
            (r"The derivative before $\sum_{k'} y_{k'} = 1$ is used", sp.Eq(d_ell, derivative)),
            (r"Minus $a_k - y_k$", sp.factor_terms(gap)),
        ),
        holds=equal(gap, claimed_gap),
    )


def prove_softmax_jacobian(claim: sp.Expr | None = None) -> Proof:
    r"""Prove $\partial a_k / \partial z_{k'} = a_k(\mathbb{1}[k = k'] - a_{k'})$ for any $K$.

    $$
    \frac{\partial a}{\partial z} = \mathrm{diag}(a) - a a^{\top}
    $$

    Shown in: [the proof][eq-softmax-jacobian-proof].

    Examples
    --------
    >>> bool(prove_softmax_jacobian())
    True
    """
    claim = a[k] * (sp.KroneckerDelta(k, _k) - a[_k]) if claim is None else claim
    raw = sp.diff(softmax_general(k), z[_k])
    differentiated = linearise(_name_softmax(raw))
    evaluated = linearise(_name_softmax(evaluate_indicators(differentiated)))
    holds = equal(evaluated, claim)
    d_a = sp.Symbol(r"\frac{\partial a_{k}}{\partial z_{k'}}")
    return Proof(
        claim=r"$\partial a_k / \partial z_{k'} = a_k (\mathbb{1}[k = k'] - a_{k'})$ for every $K$",
        steps=(
            ("Softmax, $K$ a symbol", sp.Tuple(sp.Eq(a[k], softmax_general(k)))),
            (r"sympy differentiates with respect to $z_{k'}$ (quotient rule; $a$ names the "
             r"softmax again)", sp.Eq(d_a, differentiated)),
            (r"Evaluate the sum over an indicator: only $k'' = k'$ survives ($k' < K$)",
             sp.Eq(d_a, evaluated)),
            (rf"Minus the claim ${latex(claim)}$", sp.expand(linearise(evaluated - claim))),
        ),  # fmt: skip
        holds=bool(holds),
    )


def prove_output_error_via_jacobian() -> Proof:
    r"""The second route to $a - y$: the chain rule through the softmax Jacobian.

    $$
    \frac{\partial \ell}{\partial z_k} = \sum_{k'} \frac{\partial \ell}{\partial a_{k'}}
    \frac{\partial a_{k'}}{\partial z_k}
    = \sum_{k'} \Big(-\frac{y_{k'}}{a_{k'}}\Big)\, a_{k'}\big(\mathbb{1}[k' = k] - a_k\big)
    = a_k - y_k
    $$

    The Jacobian entry is the one `prove_softmax_jacobian` proves; every $a_{k'} > 0$, so it
    cancels.

    Shown in: [the second route][eq-output-error-jacobian],
    [its proof][eq-output-error-jacobian-proof].

    Examples
    --------
    >>> bool(prove_output_error_via_jacobian())
    True
    """
    loss_of_a = -sp.Sum(y[_kk] * sp.log(a[_kk]), (_kk, 0, K - 1))
    d_ell_da = evaluate_indicators(linearise(sp.diff(loss_of_a, a[_k])))
    jacobian = a[_k] * (sp.KroneckerDelta(_k, k) - a[k])  # d a_k' / d z_k
    chain = sp.Sum(d_ell_da * jacobian, (_k, 0, K - 1))
    cancelled = linearise(chain)
    evaluated = linearise(evaluate_indicators(cancelled))
    used = linearise(one_hot_sums(evaluated, y))
    holds = prove_softmax_jacobian().holds and equal(used, a[k] - y[k])
    d_ell = _partial(r"\ell", z[k])
    return Proof(
        claim=r"$J^\top \partial\ell/\partial a = a - y$: the Jacobian route gives $\delta_2$ too",
        steps=(
            (r"The loss as a function of the probabilities, differentiated: "
             r"$\partial \ell / \partial a_{k'} = -y_{k'} / a_{k'}$",
             sp.Eq(_partial(r"\ell", a[_k]), d_ell_da)),
            (r"The chain rule through the Jacobian $\partial a_{k'} / \partial z_k = "
             r"a_{k'}(\mathbb{1}[k' = k] - a_k)$ (proved on the softmax page); $a_{k'}$ cancels",
             sp.Eq(d_ell, cancelled)),
            (r"Evaluate the sum over the indicator: only $k' = k$ survives",
             sp.Eq(d_ell, evaluated)),
            (r"The target is one-hot, $\sum_{k'} y_{k'} = 1$", sp.Eq(d_ell, used)),
        ),  # fmt: skip
        holds=bool(holds),
    )


def prove_softmax_shift() -> Proof:
    r"""Prove softmax is unchanged when every logit is shifted by the same $c$, for any $K$.

    $$
    \frac{e^{z_k - c}}{\sum_{k''} e^{z_{k''} - c}}
    = \frac{e^{-c}\, e^{z_k}}{e^{-c} \sum_{k''} e^{z_{k''}}}
    = \frac{e^{z_k}}{\sum_{k''} e^{z_{k''}}}
    $$

    Shown in: [the proof][eq-softmax-shift-proof].

    Examples
    --------
    >>> bool(prove_softmax_shift())
    True
    """
    shifted = sp.exp(z[k] - c) / sp.Sum(sp.exp(z[_kk] - c), (_kk, 0, K - 1))
    factored = sp.factor_terms(sp.expand(shifted))  # e^{-c} leaves the sum and cancels
    difference = sp.simplify(factored - softmax_general(k))
    a_shifted = sp.Symbol(r"\mathrm{softmax}(z - c)_k")
    return Proof(
        claim=r"$\mathrm{softmax}(z - c) = \mathrm{softmax}(z)$ for every shift $c$ and every $K$",
        steps=(
            ("The softmax of the shifted logits", sp.Tuple(sp.Eq(a_shifted, shifted))),
            (r"Split each $e^{z - c}$ into $e^{z} e^{-c}$, take $e^{-c}$ out of the sum and "
             r"cancel it", sp.Eq(a_shifted, factored)),
            (r"Minus $\mathrm{softmax}(z)_k$", difference),
        ),
        holds=difference == 0,
    )


def prove_relu_prime() -> Proof:
    r"""Prove that the derivative of $\max(0, z)$ is $H(z)$ away from the kink, on each side.

    $$
    \frac{d}{dz}\max(0, z) = \begin{cases} 1 & z > 0 \\ 0 & z < 0 \end{cases}
    $$

    At $z = 0$ the two one-sided slopes differ and there is no derivative; the value there is a
    choice (see `relu_prime_at_zero`). The proof checks each side with a symbol known to be
    positive and one known to be negative.

    Shown in: [the proof][eq-relu-prime-proof].

    Examples
    --------
    >>> bool(prove_relu_prime())
    True
    """
    derivative = sp.diff(relu_expr(x), x)
    positive, negative = sp.Symbol("z_+", positive=True), sp.Symbol("z_-", negative=True)
    right = (derivative.subs(x, positive), relu_prime_expr(positive))
    left = (derivative.subs(x, negative), relu_prime_expr(negative))
    d = sp.Symbol(r"\tfrac{d}{dz}\max(0, z)")
    return Proof(
        claim=r"$\frac{d}{dz}\max(0, z) = H(z)$ for every $z \ne 0$",
        steps=(
            ("sympy differentiates", sp.Eq(d, derivative)),
            (r"For $z > 0$: the derivative, and the package's $H(z)$", sp.Tuple(
                sp.Eq(d, right[0]), sp.Eq(sp.Symbol("H(z)"), right[1]))),
            (r"For $z < 0$: the derivative, and the package's $H(z)$", sp.Tuple(
                sp.Eq(d, left[0]), sp.Eq(sp.Symbol("H(z)"), left[1]))),
        ),  # fmt: skip
        holds=right == (1, 1) and left == (0, 0),
    )


def relu_prime_at_zero() -> dict[str, sp.Expr]:
    r"""What sympy says ReLU′(0) is, for three ways of writing the same ReLU.

    $\max(0, z)$, "$z$ if $z > 0$ else 0" and "$z$ if $z \ge 0$ else 0" are the same function,
    but their sympy derivatives take the values $\tfrac12$, 0 and 1 at $z = 0$: the value at the
    kink is a convention of how the function is written, not a fact about ReLU.

    Examples
    --------
    >>> list(relu_prime_at_zero().values())
    [1/2, 0, 1]
    """
    forms = (
        sp.Max(0, x),
        sp.Piecewise((x, x > 0), (0, True)),
        sp.Piecewise((x, x >= 0), (0, True)),
    )
    return {str(form): sp.diff(form, x).subs(x, 0) for form in forms}


def concrete(expr: sp.Expr, classes: int) -> tuple[sp.Expr, list[sp.Symbol], list[sp.Symbol]]:
    r"""Specialise a form of this module to ``classes`` classes, with plain symbols $z_0, \dots$.

    Sums over the classes are expanded and each $z_k$, $y_k$ becomes a symbol, so the result
    can be differentiated entry by entry or compiled to NumPy.

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
