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
# proved it with sympy. This page closes the loop on numbers: on one tiny network, the gradients
# of the loss are computed three independent ways, and they agree.
#
# 1. **The package**: <autoref identifier="mnist_scratch.network.backward"><code>backward</code></autoref>,
#    the code that trains the real network, run in float64.
# 2. **sympy**: the network written out symbol by symbol in
#    <autoref identifier="mnist_scratch.symbolic.tiny_network"><code>symbolic.tiny_network</code></autoref>,
#    differentiated entry by entry, evaluated at the same numbers. No formula from these pages
#    is used, only calculus.
# 3. **Finite differences**: nudge one parameter up and down, run the package's
#    <autoref identifier="mnist_scratch.network.forward"><code>forward</code></autoref> and
#    <autoref identifier="mnist_scratch.loss.cross_entropy"><code>cross_entropy</code></autoref>,
#    and take the slope. No derivative at all, only the loss.
#
# ## Central differences, and how accurate they can be
#
# For a parameter $\theta_i$ and a small step $h$:
#
# <div class="equation" id="eq-central-difference" data-code="mnist_scratch.network.forward mnist_scratch.loss.cross_entropy" markdown>
#
# $$
# \frac{\partial L}{\partial \theta_i} \approx
# \frac{L(\theta + h\, e_i) - L(\theta - h\, e_i)}{2h},
# \qquad \text{error} \approx \underbrace{\tfrac{h^2}{6}\, \lvert L''' \rvert}_{\text{truncation}}
# + \underbrace{\frac{\varepsilon\, \lvert L \rvert}{h}}_{\text{round-off}}
# $$
#
# </div>
#
# where $e_i$ is the unit vector for entry $i$. The even terms of the Taylor series cancel in
# the difference, leaving a truncation error of order $h^2$; but each loss is only known to a
# relative precision $\varepsilon$, and dividing by $2h$ magnifies that. In float64
# ($\varepsilon \approx 2.2 \times 10^{-16}$) the two balance near $h \approx 10^{-5}$, for an
# error around $10^{-10}$. In float32 ($\varepsilon \approx 1.2 \times 10^{-7}$) the best
# possible is about $10^{-5}$, too coarse to tell a right gradient from a slightly wrong one:
# that is why the package's functions are dtype-generic, and the checks run in float64.
#
# One more condition, from <autoref identifier="eq-relu-prime">ReLU's kink</autoref>: a
# difference that straddles $z = 0$ measures a slope between 0 and 1 that no derivative
# formula gives. So before comparing, the check asserts that every hidden pre-activation is far
# from 0 compared with $h$.

# %%
import numpy as np
from IPython.display import HTML

from mnist_scratch import symbolic
from mnist_scratch.gradients import bias_gradient, output_error, weight_gradient
from mnist_scratch.loss import cross_entropy
from mnist_scratch.network import backward, forward

net = symbolic.tiny_network(inputs=3, hidden=2, classes=3, m=3)
rng = np.random.default_rng(7)
params, X, Y = net.sample(rng)  # He weights, nonzero biases, X (3, m), one-hot Y
h = 1e-6

cache = forward(params, X)
margin = np.abs(cache["Z1"]).min()
assert margin > 1000 * h, (
    "a hidden pre-activation is too close to ReLU's kink for this check"
)
print(
    f"network {net.inputs}-{net.hidden}-{net.classes}, m = {net.m}, float64;  "
    f"loss L = {cross_entropy(cache['A2'], Y):.6f};"
    f"  smallest |Z1| = {margin:.3f} (h = {h:g})"
)

# %% [markdown]
# ## The three computations


# %%
def loss_at(params: dict[str, np.ndarray]) -> float:
    return cross_entropy(forward(params, X)["A2"], Y)


def finite_differences(
    params: dict[str, np.ndarray], h: float
) -> dict[str, np.ndarray]:
    """Central difference of the loss for every entry of every parameter."""
    grads = {}
    for name, p in params.items():
        grad = np.zeros_like(p)
        for index in np.ndindex(p.shape):
            up = {**params, name: p.copy()}
            down = {**params, name: p.copy()}
            up[name][index] += h
            down[name][index] -= h
            grad[index] = (loss_at(up) - loss_at(down)) / (2 * h)
        grads["d" + name] = grad
    return grads


package = backward(params, X, Y, cache)
by_sympy = net.numeric_gradients(params, X, Y)
by_differences = finite_differences(params, h)

# %% [markdown]
# ## The numbers
#
# For each parameter array, the largest difference between two methods relative to the
# array's largest gradient entry, $\max_i \lvert a_i - b_i \rvert \,/\, \max_i \lvert b_i
# \rvert$ (one scale per array, so an entry that happens to be near 0 does not blow up the
# ratio):


# %%
def relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).max() / np.abs(b).max())


rows = [
    (
        f"{name} {package[name].shape}",
        np.abs(by_sympy[name]).max(),
        relative(package[name], by_sympy[name]),
        relative(by_differences[name], by_sympy[name]),
        relative(by_differences[name], package[name]),
    )
    for name in ("dW1", "db1", "dW2", "db2")
]
header = (
    "gradient (shape)",
    "largest |entry|",
    "backward vs sympy",
    "finite diff. vs sympy",
    "finite diff. vs backward",
)
cells = [[f"<th>{title}</th>" for title in header]] + [
    [f"<td><code>{label}</code></td>", f"<td>{largest:.3f}</td>"]
    + [f"<td>{error:.1e}</td>" for error in errors]
    for label, largest, *errors in rows
]
HTML(
    '<table style="font-size: 0.85em">'
    + "".join("<tr>" + "".join(row) + "</tr>" for row in cells)
    + "</table>"
)

# %% [markdown]
# The package and sympy agree to float64 round-off; the finite differences agree with both to
# the accuracy a central difference can reach:

# %%
worst_exact = max(row[2] for row in rows)
worst_numeric = max(max(row[3], row[4]) for row in rows)
# backward vs sympy: two exact methods, so round-off only
assert worst_exact < 1e-13
# finite differences: truncation h^2 plus round-off eps / h
assert worst_numeric < 1e-7
print(f"backward vs sympy:  worst {worst_exact:.1e}  (asserted < 1e-13)")
print(f"finite diff. vs both: worst {worst_numeric:.1e}  (asserted < 1e-7)")

# %% [markdown]
# ## Would the check catch a mistake?
#
# A check that cannot fail proves nothing. Two classic slips, and what the table would show:
# forgetting the $1/m$ of the mean (every gradient $m$ times too large) and forgetting the
# ReLU mask in $\delta_1$ (the first layer's gradients wrong wherever a unit is off):

# %%
no_mean = {name: g * net.m for name, g in package.items()}
delta2 = output_error(cache["A2"], Y)
unmasked = params["W2"].T @ delta2  # the ReLU' factor left out
no_mask = {
    **package,
    "dW1": weight_gradient(unmasked, X),
    "db1": bias_gradient(unmasked),
}
for label, wrong in (
    ("no 1/m", no_mean),
    ("no ReLU mask", no_mask),
):
    errors = {
        name: relative(wrong[name], by_differences[name])
        for name in by_differences
    }
    print(
        f"{label:>12}: "
        + "  ".join(f"{name} {error:.0e}" for name, error in errors.items())
    )
    # far above the 1e-7 that the right gradients reach
    assert max(errors.values()) > 1e-3
off = (cache["Z1"] <= 0).sum()
print(f"(units off in this batch: {off} of {cache['Z1'].size})")
