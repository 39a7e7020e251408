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
# # ReLU and its derivative
#
# Between the two affine steps of the <autoref identifier="eq-forward">forward pass</autoref>
# sits a non-linearity. Without one, $W_2 (W_1 X + b_1) + b_2$ would collapse into a single
# affine map and the hidden layer would add nothing. The network uses the simplest choice that
# works well: keep positive numbers, replace negative ones by zero. This page defines it, derives
# its derivative (which back-propagation needs), and settles what happens exactly at zero.
#
# ## Definition
#
# Entry by entry, for the hidden pre-activations $Z_1$:
#
# <div class="equation" id="eq-relu" data-code="mnist_scratch.activations.relu" markdown>
#
# $$
# \mathrm{ReLU}(z) = \max(0, z) = \begin{cases} z & z > 0 \\ 0 & z \le 0 \end{cases}
# $$
#
# </div>

# %% tags=["remove_input"]
import numpy as np

from mnist_scratch import activations, checks, pages, plots
from mnist_scratch.symbolic import layers
from mnist_scratch.symbolic.printing import latex

pages.source(activations.relu)

# %% [markdown]
# ## The derivative
#
# Away from zero ReLU is a straight line on each side: slope 1 for $z > 0$ (it is $z$ itself)
# and slope 0 for $z < 0$ (it is the constant 0). At $z = 0$ the two slopes disagree, so ReLU
# has no derivative there, and the code has to pick a value. The package picks 0:
#
# <div class="equation" id="eq-relu-prime" data-code="mnist_scratch.activations.relu_prime" markdown>
#
# $$
# \mathrm{ReLU}'(z) = H(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}
# $$
#
# </div>
#
# $H$ is the step function, with the package's value $H(0) = 0$. In code it is a comparison
# turned into the dtype of $Z$:

# %% tags=["remove_input"]
pages.source(activations.relu_prime)

# %% tags=["remove_input"]
pages.figure(
    plots.relu_and_derivative(),
    "ReLU is 0 for negative z and z for positive z; its derivative is 0 on the left, "
    "1 on the right, and the package's value at 0 is 0.",
)

# %% [markdown]
# sympy differentiates $\max(0, z)$ itself and compares the result with $H$ on each side of
# the kink, using a symbol known to be positive and one known to be negative:

# %% tags=["remove_input"]
pages.proof(layers.prove_relu_prime, "eq-relu-prime-proof")

# %% [markdown]
# ## The value at zero is a choice
#
# At $z = 0$ every slope between 0 and 1 is a valid *subgradient* (the slope of a line
# through the origin that stays below ReLU), so no calculus picks one of them. Even sympy's
# answer depends only on how ReLU is written: three spellings of the same function, and the
# value sympy's derivative takes at 0 for each
# (<autoref identifier="mnist_scratch.symbolic.layers.relu_prime_at_zero"><code>relu_prime_at_zero</code></autoref>):

# %% tags=["remove_input"]
at_zero = layers.relu_prime_at_zero()
spelled = ("`max(0, z)`", "`z if z > 0 else 0`", "`z if z >= 0 else 0`")
checks.require_true("the three spellings disagree at 0", len(set(at_zero.values())) == 3)
pages.say(
    "| ReLU written as | sympy's derivative at $z = 0$ |\n|---|---|\n"
    + "\n".join(
        f"| {form} | ${latex(value)}$ |"
        for form, value in zip(spelled, at_zero.values(), strict=True)
    )
)

# %% [markdown]
# The package takes 0, for a reason that has nothing to do with sympy: a unit whose
# pre-activation is exactly 0 outputs 0, and with $\mathrm{ReLU}'(0) = 0$ it also passes no
# gradient back, exactly like a unit that is off. PyTorch's ReLU makes the same choice, which
# is what a reader comparing against it will see.
#
# ## When the choice matters, and when it does not
#
# The choice changes a gradient only for an entry of $Z_1$ that is *exactly* 0. With
# real-valued weights and inputs that happens with probability zero, and in float32 training
# it is rare; when it does happen it changes one term of a sum over the batch, for one step.
# It is not harmless to *reason* about, though: a unit sitting exactly at 0 is on the edge, and
# a small positive nudge of its pre-activation does switch it on. "Off" ($z < 0$) and "exactly
# at the kink" ($z = 0$) only share a gradient by convention.
#
# A finite difference cannot see the convention at all. At $z = 0$ a central difference
# measures $(\mathrm{ReLU}(h) - \mathrm{ReLU}(-h)) / 2h = \tfrac12$: the average of the two
# one-sided slopes, which is the value sympy's `Heaviside` takes at 0 (and what the
# $\max(0, z)$ row above gives), not the package's 0. Within $h$ of the kink it measures
# something in between:

# %% tags=["remove_input"]
h = 1e-6
points = (0.0, 0.5 * h, 0.5, -0.5)
measured = {
    z0: float(
        checks.central_difference(
            lambda t: float(activations.relu(t).sum()), np.array([z0]), (0,), h
        )
    )
    for z0 in points
}
checks.require_true("the central difference at 0 is 1/2", measured[0.0] == 0.5)
pages.say(
    f"| $z$ | central difference, $h = {pages.sci(h)}$ | `relu_prime(z)` |\n|---|---|---|\n"
    + "\n".join(
        f"| ${pages.sci(z0)}$ | ${pages.sci(measured[z0])}$ | "
        f"${pages.sci(float(activations.relu_prime(np.array(z0))))}$ |"
        for z0 in points
    )
)

# %% [markdown]
# So a gradient check is only meaningful where every pre-activation is farther than $h$ from
# 0; the <autoref identifier="eq-central-difference">gradient check</autoref> makes sure of it
# before comparing.
#
# ## The package agrees with the symbolic forms
#
# The sympy forms, compiled to NumPy, against
# <autoref identifier="mnist_scratch.activations.relu"><code>relu</code></autoref> and
# <autoref identifier="mnist_scratch.activations.relu_prime"><code>relu_prime</code></autoref>
# on random numbers with exact zeros ($+0$ and $-0$) mixed in. Both are exact operations (a
# comparison and a selection), so the agreement must be exact too:

# %% tags=["remove_input"]
pages.check(checks.check_relu)
