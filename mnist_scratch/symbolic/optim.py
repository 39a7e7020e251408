r"""The update rules' facts: why descent descends, where momentum settles, how the schedules join.

Notation: $\theta$ the parameters, $d\theta$ the gradient, $\alpha$ (or $\alpha_t$ at step $t$)
the learning rate, $\alpha_0$ the base rate, $\alpha_{\min}$ the final one, $T$ the number of
steps, $T_w$ the warm-up steps, $\mu$ the momentum and $v$ the velocity.
"""

from __future__ import annotations

import sympy as sp

from mnist_scratch.symbolic.proof import Proof

alpha, mu, g, v = sp.symbols("alpha mu g v", real=True)
t = sp.Symbol("t", integer=True, nonnegative=True)
a0, amin, T, Tw = sp.symbols(r"alpha_0 \alpha_{\min} T T_w", positive=True)
time = sp.Symbol("t", nonnegative=True)  # a step, as a real number for the schedule formulas


def cosine_schedule(step: sp.Expr = time, total: sp.Expr = T) -> sp.Expr:
    r"""$\alpha_t = \alpha_{\min} + \tfrac12 (\alpha_0 - \alpha_{\min})(1 + \cos(\pi t / T))$."""
    return amin + sp.Rational(1, 2) * (a0 - amin) * (1 + sp.cos(sp.pi * step / total))


def warmup_ramp(step: sp.Expr = time) -> sp.Expr:
    r"""$\alpha_t = \alpha_0 (t + 1) / T_w$, the linear part of the warm-up."""
    return a0 * (step + 1) / Tw


def prove_descent_rate(parameters: int = 2) -> Proof:
    r"""Prove that along $-d\theta$ the loss starts falling at the rate $\lVert d\theta \rVert^2$.

    $$
    \frac{d}{d\alpha}\, L\big(\theta - \alpha\, d\theta\big)\Big|_{\alpha = 0}
    = -\sum_q \Big(\frac{\partial L}{\partial \theta_q}\Big)^{2}
    $$

    $L$ is an undefined sympy function of ``parameters`` arguments (sympy cannot write a
    function of a symbolic number of arguments, so the number is fixed; the tests run 1 to 4).

    Shown in: [why the minus sign][eq-gd-descent], [the proof][eq-gd-descent-proof].

    Examples
    --------
    >>> all(prove_descent_rate(q) for q in range(1, 4))
    True
    """
    theta = sp.symbols(f"theta_1:{parameters + 1}", real=True)
    L = sp.Function("L")(*theta)
    grads = [sp.diff(L, th) for th in theta]
    moved = L.subs({th: th - alpha * gr for th, gr in zip(theta, grads, strict=True)},
                   simultaneous=True)  # fmt: skip
    rate = sp.diff(moved, alpha).subs(alpha, 0).doit()
    claim = -sum(gr**2 for gr in grads)
    difference = sp.simplify(rate - claim)
    d = sp.Symbol(r"\frac{d}{d\alpha} L(\theta - \alpha\, d\theta)\Big|_{\alpha=0}")
    return Proof(
        claim=rf"the loss falls at the rate $\lVert d\theta \rVert^2$ along $-d\theta$, "
        rf"for $L$ of {parameters} parameters",
        steps=(
            ("sympy differentiates along the step and sets $\\alpha = 0$", sp.Eq(d, rate)),
            (r"Minus the claim $-\lVert d\theta \rVert^2$", difference),
        ),
        holds=difference == 0,
    )


def prove_momentum_limit() -> Proof:
    r"""Prove the velocity for a constant gradient $g$, from $v_0 = 0$, and where it settles.

    $$
    v_t = g\, \frac{1 - \mu^{t}}{1 - \mu} \;\longrightarrow\; \frac{g}{1 - \mu}
    \quad (t \to \infty,\ 0 \le \mu < 1)
    $$

    By induction on the step $t$ (a symbol): the closed form is 0 at $t = 0$ and satisfies
    $v_{t+1} = \mu v_t + g$. The fixed point of the update is $g / (1 - \mu)$, and $\mu^t \to
    0$ for $0 \le \mu < 1$ (written $\mu = 1/(1 + s)$ with $s > 0$).

    Shown in: [a steady slope][eq-momentum-limit], [the proof][eq-momentum-limit-proof].

    Examples
    --------
    >>> bool(prove_momentum_limit())
    True
    """
    closed = g * (1 - mu**t) / (1 - mu)
    base = closed.subs(t, 0)
    step = sp.simplify(closed.subs(t, t + 1) - (mu * closed + g))
    (fixed,) = sp.solve(sp.Eq(v, mu * v + g), v)
    s = sp.Symbol("s", positive=True)
    vanishes = sp.limit((1 / (1 + s)) ** t, t, sp.oo)
    vt = sp.Symbol("v_t")
    return Proof(
        claim=r"$v_t = g (1 - \mu^t) / (1 - \mu) \to g / (1 - \mu)$",
        steps=(
            ("The closed form", sp.Eq(vt, closed)),
            ("At $t = 0$ it is the starting velocity", sp.Eq(sp.Symbol("v_0"), base)),
            (r"It satisfies the update: $v_{t+1} - (\mu v_t + g)$", step),
            (r"The velocity the update leaves unchanged, $v = \mu v + g$",
             sp.Eq(sp.Symbol("v_*"), fixed)),
            (r"$\mu^t$ for $\mu = 1/(1 + s)$, $s > 0$, as $t \to \infty$",
             sp.Eq(sp.Symbol(r"\lim \mu^t"), vanishes)),
        ),
        holds=base == 0 and step == 0 and sp.simplify(fixed - g / (1 - mu)) == 0
        and vanishes == 0,
    )


def prove_cosine_schedule() -> Proof:
    r"""Prove the cosine schedule's four facts: its two ends, its midpoint, flat at both ends.

    $$
    \alpha_0 \text{ at } t = 0,\quad \alpha_{\min} \text{ at } t = T,\quad
    \tfrac12(\alpha_0 + \alpha_{\min}) \text{ at } t = T/2,\quad
    \frac{d\alpha_t}{dt} = 0 \text{ at } t = 0 \text{ and } T
    $$

    Shown in: [the cosine schedule's facts][eq-cosine-facts].

    Examples
    --------
    >>> bool(prove_cosine_schedule())
    True
    """
    alpha_t = cosine_schedule()
    slope = sp.diff(alpha_t, time)
    at = sp.Symbol(r"\alpha_t")
    facts = (  # (what is evaluated, its value, the value claimed)
        (r"\alpha_t\big|_{t=0}", alpha_t.subs(time, 0), a0),
        (r"\alpha_t\big|_{t=T}", alpha_t.subs(time, T), amin),
        (r"\alpha_t\big|_{t=T/2}", alpha_t.subs(time, T / 2), (a0 + amin) / 2),
        (r"\tfrac{d\alpha_t}{dt}\big|_{t=0}", slope.subs(time, 0), 0),
        (r"\tfrac{d\alpha_t}{dt}\big|_{t=T}", slope.subs(time, T), 0),
    )
    values = [sp.simplify(value) for _, value, _ in facts]
    return Proof(
        claim=r"the cosine schedule starts at $\alpha_0$, ends at $\alpha_{\min}$, passes their "
        r"mean halfway and is flat at both ends",
        steps=(
            ("The schedule", sp.Tuple(sp.Eq(at, alpha_t))),
            ("sympy evaluates it, and its slope, at both ends and halfway",
             sp.Tuple(*(sp.Eq(sp.Symbol(name), value)
                        for (name, _, _), value in zip(facts, values, strict=True)))),
        ),  # fmt: skip
        holds=all(
            sp.simplify(value - claimed) == 0
            for value, (_, _, claimed) in zip(values, facts, strict=True)
        ),
    )


def prove_warmup_joins() -> Proof:
    r"""Prove the warm-up schedule's joins: the ramp reaches $\alpha_0$ where the cosine starts.

    $$
    \begin{gathered}
    \alpha_0 \tfrac{t+1}{T_w}\Big|_{t = T_w - 1} = \alpha_0, \\
    \text{cosine}(t - T_w, T - T_w)\big|_{t = T_w} = \alpha_0, \\
    \text{cosine}(t - T_w, T - T_w)\big|_{t = T} = \alpha_{\min}, \\
    T_w = 0:\ \text{the plain cosine}
    \end{gathered}
    $$

    Shown in: [the warm-up's joins][eq-warmup-joins].

    Examples
    --------
    >>> bool(prove_warmup_joins())
    True
    """
    ramp = warmup_ramp()
    after = cosine_schedule(time - Tw, T - Tw)
    facts = (  # (what is evaluated, its value, the value claimed)
        (r"\alpha_t^{\text{ramp}}\big|_{t=T_w-1}", ramp.subs(time, Tw - 1), a0),
        (r"\alpha_t^{\cos}\big|_{t=T_w}", after.subs(time, Tw), a0),
        (r"\alpha_t^{\cos}\big|_{t=T}", after.subs(time, T), amin),
        (r"\alpha_t^{\cos}\big|_{T_w=0}", after.subs(Tw, 0), cosine_schedule()),
    )
    values = [sp.simplify(value) for _, value, _ in facts]
    return Proof(
        claim=r"the warm-up ramp ends at $\alpha_0$ at step $T_w - 1$, the cosine part starts "
        r"at $\alpha_0$ at step $T_w$ and ends at $\alpha_{\min}$; with $T_w = 0$ it is the cosine",
        steps=(
            ("The ramp and the cosine, shifted to start at $T_w$", sp.Tuple(
                sp.Eq(sp.Symbol(r"\alpha_t^{\text{ramp}}"), ramp),
                sp.Eq(sp.Symbol(r"\alpha_t^{\cos}"), after))),
            ("sympy evaluates them at the joins, and the cosine part with no warm-up",
             sp.Tuple(*(sp.Eq(sp.Symbol(name), value)
                        for (name, _, _), value in zip(facts, values, strict=True)))),
        ),  # fmt: skip
        holds=all(
            sp.simplify(value - claimed) == 0
            for value, (_, _, claimed) in zip(values, facts, strict=True)
        ),
    )
