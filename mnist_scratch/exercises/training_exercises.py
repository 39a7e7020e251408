r"""The exercises that end the pages of the update and the gradient check: a step of gradient
descent, momentum, the learning-rate schedule, and why central differences are accurate.

`IMPLEMENT` (write the package's function) and `DERIVE` (derive an expression), each in the
order of the pages; `mnist_scratch.exercises.catalogue` puts every part's exercises together.
"""

from __future__ import annotations

from mnist_scratch.exercises.kinds import SUM, Derive, Implement, Name, S, Step

IMPLEMENT = (
    Implement(
        name="gd_update",
        page="derivations/update.py",
        target="mnist_scratch.optim.gd_update",
        title="One step of gradient descent",
        statement=(
            "Write `gd_update(theta, dtheta, lr, *, inplace=False)`: the step "
            "$\\theta - \\alpha\\, d\\theta$. With `inplace=False` return a new array and leave "
            "`theta` alone; with `inplace=True` write into `theta` and return `theta` itself. "
            "Keep the dtype of `theta`, even when `lr` is a NumPy float64."
        ),
        hint=(
            "np.subtract takes an out= argument. Under NumPy 2's rules a NumPy float64 scalar "
            "turns a float32 array into float64; a Python float does not."
        ),
    ),
    Implement(
        name="momentum_update",
        page="derivations/update.py",
        target="mnist_scratch.optim.momentum_update",
        title="One step with momentum",
        statement=(
            "Write `momentum_update(theta, dtheta, velocity, lr, mu=0.9, *, inplace=False)`: "
            "$v \\leftarrow \\mu v + d\\theta$, then $\\theta \\leftarrow \\theta - \\alpha v$ "
            "(the package's convention: the velocity collects raw gradients). Return "
            "`(theta, velocity)`; `inplace` works as in `gd_update`, for both arrays."
        ),
        hint="Update the velocity first, then take a gradient-descent step along it.",
    ),
    Implement(
        name="warmup_cosine_lr",
        page="derivations/update.py",
        target="mnist_scratch.optim.warmup_cosine_lr",
        title="Warm-up, then a cosine schedule",
        statement=(
            "Write `warmup_cosine_lr(step, total_steps, base_lr, warmup_steps, final_lr=0.0)`: "
            "$\\alpha_t = \\alpha_0 (t + 1)/T_w$ for $t < T_w$, then the cosine schedule from "
            "$\\alpha_0$ down to $\\alpha_{\\min}$ over the remaining $T - T_w$ steps, reaching "
            "$\\alpha_{\\min}$ at $t = T$. Return a Python float."
        ),
        hint=(
            "After the warm-up the cosine schedule starts afresh: shift the step by $T_w$ and "
            "shorten the run by $T_w$."
        ),
    ),
)

DERIVE = (
    Derive(
        name="momentum-velocity",
        page="derivations/update.py",
        title="How far momentum goes",
        statement=(
            "Momentum starts from $v = 0$ and sees the same gradient $g$ at every step: "
            "$v \\leftarrow \\mu v + g$, then $\\theta \\leftarrow \\theta - \\alpha v$. Give "
            "the length $\\alpha v$ of the step after $t + 1$ updates (steps $0, \\dots, t$)."
        ),
        hint="Write out v after one, two and three updates; it is a geometric sum.",
        names=(
            Name("alpha", "scalar", "the learning rate α"),
            Name("mu", "unit", "the momentum μ, 0 < μ < 1"),
            Name("g", "scalar", "the gradient, the same at every step"),
            Name("t", "size", "the index of the last update"),
            S,
            SUM,
        ),
        truth="alpha*g*(1 - mu**(t + 1))/(1 - mu)",
        checks=({"t": 0}, {"t": 1}, {"t": 2}, {"t": 5}),
        quantity=r"\alpha v",
        steps=(
            Step(
                "After the first update $v = g$, after the second $\\mu g + g$: each update "
                "scales the old velocity by $\\mu$ and adds $g$, so after $t + 1$ updates",
                "alpha*Sum(mu**s*g, (s, 0, t))",
            ),
            Step(
                "A geometric sum. As $t \\to \\infty$ it tends to $\\alpha g / (1 - \\mu)$: "
                "momentum 0.9 makes a steady step ten times longer.",
                "alpha*g*(1 - mu**(t + 1))/(1 - mu)",
            ),
        ),
        mistakes=(
            (
                "alpha*g/(1 - mu)",
                "That is the limit as t → ∞. After t + 1 updates the geometric sum has only "
                "t + 1 terms.",
            ),
            (
                "alpha*g*(1 - mu**t)/(1 - mu)",
                "Off by one update: after the first update (t = 0) the step is α·g.",
            ),
        ),
    ),
    Derive(
        name="central-difference-error",
        page="derivations/gradient_check.py",
        title="Why central differences are accurate",
        statement=(
            "Give the leading term, as $h \\to 0$, of the error "
            "$\\frac{f(x+h) - f(x-h)}{2h} - f'(x)$, in terms of $h$ and the derivatives of "
            "$f$ at $x$."
        ),
        hint=(
            "Expand f(x + h) and f(x − h) in Taylor series up to h³; the even powers cancel "
            "in the difference."
        ),
        names=(
            Name("h", "scalar", "the step"),
            Name("f0", "scalar", "f(x)"),
            Name("f1", "scalar", "f′(x)"),
            Name("f2", "scalar", "f″(x)"),
            Name("f3", "scalar", "f‴(x)"),
        ),
        truth="h**2*f3/6",
        checks=({},),
        quantity=r"\frac{f(x+h) - f(x-h)}{2h} - f'(x)",
        relation=r"\approx",
        steps=(
            Step(
                "Taylor: $f(x \\pm h) = f \\pm h f' + \\tfrac{h^2}{2} f'' \\pm \\tfrac{h^3}{6} "
                "f''' + O(h^4)$. Put both into the difference quotient, dropping $O(h^3)$:",
                "((f0 + h*f1 + h**2*f2/2 + h**3*f3/6) - (f0 - h*f1 + h**2*f2/2 - h**3*f3/6))"
                "/(2*h) - f1",
            ),
            Step(
                "The $f$ and $f''$ terms cancel, $f'$ is exact, and what is left is the error: "
                "it shrinks like $h^2$, where a one-sided difference's shrinks like $h$.",
                "h**2*f3/6",
            ),
        ),
        mistakes=(
            (
                "h*f2/2",
                "That is the error of the one-sided difference (f(x+h) − f(x))/h; in the "
                "central one the f″ terms cancel.",
            ),
            ("h**2*f3/3", "Check the factor: each h³ term carries 1/3! = 1/6."),
        ),
    ),
)
