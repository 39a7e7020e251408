# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Gradient check: three ways to the same numbers
#
# The previous pages derived <autoref identifier="eq-backward">back-propagation</autoref> and
# proved it with sympy for every size. This page closes the loop on numbers: the gradients of
# the loss are computed three independent ways, and they agree.
#
# 1. **The package**: <autoref identifier="mnist_scratch.network.backward"><code>backward</code></autoref>,
#    the code that trains the real network, run in float64.
# 2. **sympy**: small networks written out symbol by symbol and differentiated entry by entry,
#    evaluated at the same numbers. No formula from these pages is used, only calculus.
# 3. **Finite differences**: nudge one parameter up and down, run the forward pass and the
#    loss, and take the slope. No derivative at all.
#
# ## Central differences, and how accurate they can be
#
# For a parameter entry $\theta_q$ and a small step $h$, with $e_q$ the unit vector for that
# entry:
#
# <div class="equation" id="eq-central-difference" data-code="mnist_scratch.checks.central_difference" markdown>
#
# $$
# \frac{\partial L}{\partial \theta_q} \approx
# \frac{L(\theta + h\, e_q) - L(\theta - h\, e_q)}{2h}
# $$
#
# </div>

# %% tags=["remove_input"]
import numpy as np

from mnist_scratch import activations, checks, gradients, loss, network, pages, plots

pages.source(checks.central_difference)

# %% [markdown]
# The even terms of the Taylor series cancel in the difference, leaving a *truncation* error
# of about $\frac{h^2}{6} \lvert L''' \rvert$; but each loss is only known to a relative
# precision $\varepsilon$, and dividing by $2h$ magnifies that into a *round-off* error of about
# $\varepsilon \lvert L \rvert / h$. The first shrinks with $h$, the second grows, so there is
# a best step, near $h \approx \varepsilon^{1/3}$ (where the two are of the same size), and a
# best error near $\varepsilon^{2/3}$. Measured on the real 784-10-10 network and a batch of
# real digits, for the entry of $dW_2$ with the largest gradient, against `backward` in float64:

# %% tags=["remove_input"]
point = checks.real_point()
reference = network.backward(point.params, point.X, point.Y, network.forward(point.params, point.X))
q = np.unravel_index(np.abs(reference["dW2"]).argmax(), reference["dW2"].shape)
steps = np.logspace(-12, -1, 23)
errors, best = {}, {}
for dtype in (np.float32, np.float64):
    params = {name: p.astype(dtype) for name, p in point.params.items()}
    X, Y = point.X.astype(dtype), point.Y.astype(dtype)

    def loss_at(_: np.ndarray, params: dict = params, X: np.ndarray = X, Y: np.ndarray = Y) -> float:
        return loss.cross_entropy(network.forward(params, X)["A2"], Y)

    measured = np.array([
        checks.central_difference(loss_at, params["W2"], q, dtype(h)) for h in steps
    ])  # fmt: skip
    name = np.dtype(dtype).name
    errors[name] = np.abs(measured - reference["dW2"][q])
    best[name] = float(steps[errors[name].argmin()])

eps = {name: float(np.finfo(name).eps) for name in errors}
pages.figure(
    plots.central_difference_error(steps, errors, best),
    "Log-log plot of the central difference's error against its step h: in each dtype the "
    "error falls like h squared from the right, then rises again like epsilon over h at small "
    "h; the best step is marked.",
)

# %% tags=["remove_input"]
checks.require_true("float64 beats float32 by orders of magnitude",
                    errors["float64"].min() * 1e3 < errors["float32"].min())  # fmt: skip
pages.say(
    "| dtype | $\\varepsilon$ | best $h$ ($\\varepsilon^{1/3}$) | its error | "
    "at $h = 10^{-6}$ |\n|---|---|---|---|---|\n"
    + "\n".join(
        f"| {name} | ${pages.sci(eps[name], 1)}$ | ${pages.sci(best[name], 1)}$ "
        f"(${pages.sci(eps[name] ** (1 / 3), 1)}$) | ${pages.sci(errors[name].min(), 1)}$ | "
        f"${pages.sci(errors[name][np.argmin(np.abs(steps - 1e-6))], 1)}$ |"
        for name in errors
    )
    + f"\n\nThe gradient entry itself is {reference['dW2'][q]:.4f}. In float32 the best a "
    "central difference can do is too coarse to tell a right gradient from a slightly wrong "
    "one, which is why every function of the package is dtype-generic and the checks run in "
    f"float64, with the step $h = {pages.sci(checks.FD_STEP)}$."
)

# %% [markdown]
# One more condition, from <autoref identifier="eq-relu-prime">ReLU's kink</autoref>: a
# difference that straddles $z = 0$ measures a slope between 0 and 1 that is not the
# derivative on either side. So every point below has all its hidden pre-activations far from
# 0 compared with $h$, and, so that the checks can see the bugs that live there, hidden units
# that are on *and* units that are off.
#
# ## The three computations agree
#
# At three points: a 3-3-3 network (a square $W_2$), a 4-2-3 network, and the real 784-10-10
# network (the baseline's initialisation) on a batch of real MNIST test digits, where sympy is out of
# reach but finite differences are not (every one of its parameters is nudged, each in turn):

# %% tags=["remove_input"]
pages.check(checks.check_backward_against_sympy)

# %% tags=["remove_input"]
pages.check(checks.check_backward_against_finite_differences)

# %% [markdown]
# Per gradient array on the real network, the largest entry and how far the finite differences
# are from `backward` (relative to that largest entry):

# %% tags=["remove_input"]
numeric = checks.backward_by_finite_differences(point)
relative = checks.gradient_errors(reference, numeric)
pages.say(
    "| gradient | shape | largest entry | finite differences vs `backward` |\n|---|---|---|---|\n"
    + "\n".join(
        f"| ${name[0]}{name[1]}_{name[2]}$ | {reference[name].shape} | "
        f"{np.abs(reference[name]).max():.3g} | ${pages.sci(relative[name], 1)}$ |"
        for name in checks.GRADIENT_NAMES
    )
)

# %% [markdown]
# ## Would the check catch a mistake?
#
# A check that cannot fail proves nothing. Four classic slips in `backward`, each a one-line
# change, and the relative error each leaves against the finite differences: a missing $1/m$
# (every gradient $m$ times too large), a lost ReLU mask in $\delta_1$, `W2 @ delta2` without the
# transpose (it runs at the real size, where $W_2$ is square), and $Z_1$ where $A_1$ belongs in
# $dW_2$ (equal wherever every unit is on):

# %% tags=["remove_input"]
def mistaken(name: str):
    def backward(params, X, Y, cache):
        delta2 = gradients.output_error(cache["A2"], Y)
        mask = activations.relu_prime(cache["Z1"])
        back = params["W2"] if name == "W2 @ delta2" else params["W2"].T
        delta1 = (back @ delta2) * (1 if name == "no ReLU mask" else mask)
        grads = {
            "dW1": gradients.weight_gradient(delta1, X),
            "db1": gradients.bias_gradient(delta1),
            "dW2": gradients.weight_gradient(delta2, cache["Z1" if name == "Z1 for A1" else "A1"]),
            "db2": gradients.bias_gradient(delta2),
        }
        scale = X.shape[1] if name == "no 1/m" else 1
        return {key: g * scale for key, g in grads.items()}

    return backward


rows = []
for name in ("no 1/m", "no ReLU mask", "W2 @ delta2", "Z1 for A1"):
    cache = network.forward(point.params, point.X)
    wrong = checks.gradient_errors(mistaken(name)(point.params, point.X, point.Y, cache), numeric)
    rows.append((name, wrong))
    checks.require_true(f"{name} is caught", max(wrong.values()) > 1e-3)
pages.say(
    "| mistake | " + " | ".join(f"${n[0]}{n[1]}_{n[2]}$" for n in checks.GRADIENT_NAMES)
    + " |\n|---|---|---|---|---|\n"
    + "\n".join(
        f"| {name} | " + " | ".join(f"${pages.sci(wrong[n], 1)}$" for n in checks.GRADIENT_NAMES)
        + " |"
        for name, wrong in rows
    )
    + "\n\nEvery mistake leaves an error far above the $10^{-6}$ the right gradients stay "
    "under, in the arrays it touches and nowhere else (`tests/test_checks.py` runs the "
    "page's check functions on the transpose and $Z_1$ mistakes and watches them fail)."
)
