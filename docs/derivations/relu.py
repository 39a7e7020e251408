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
# its derivative (which back-propagation needs), settles what happens exactly at zero, and checks
# the package against sympy.
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
#
# In sympy it is
# <autoref identifier="mnist_scratch.symbolic.relu_expr"><code>symbolic.relu_expr</code></autoref>:

# %%
import numpy as np
import sympy as sp

from mnist_scratch import symbolic
from mnist_scratch.activations import relu, relu_prime

x = symbolic.x
symbolic.relu_expr(x)

# %% [markdown]
# ## The derivative
#
# Away from zero ReLU is a straight line on each side: slope 1 for $z > 0$ (it is $z$ itself)
# and slope 0 for $z < 0$ (it is the constant 0). At $z = 0$ the two slopes disagree, so there
# is no derivative there, and the code has to pick a value. The package picks 0:
#
# <div class="equation" id="eq-relu-prime" data-code="mnist_scratch.activations.relu_prime" markdown>
#
# $$
# \mathrm{ReLU}'(z) = H(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}
# $$
#
# </div>
#
# $H$ is the step function with $H(0) = 0$, which is
# <autoref identifier="mnist_scratch.symbolic.relu_prime_expr"><code>symbolic.relu_prime_expr</code></autoref>.
# sympy differentiates $\max(0, x)$ itself and compares the result with $H$ on each side of the
# kink, using a symbol known to be positive and one known to be negative, in
# <autoref identifier="mnist_scratch.symbolic.prove_relu_prime"><code>symbolic.prove_relu_prime</code></autoref>:

# %%
proof = symbolic.prove_relu_prime()
assert proof, proof.claim
proof

# %% [markdown]
# sympy's own answer is `Heaviside(x)`, whose value at 0 is $\tfrac{1}{2}$ by sympy's
# convention; the package's is 0:

# %%
derivative = sp.diff(symbolic.relu_expr(x), x)
at_zero = (derivative.subs(x, 0), symbolic.relu_prime_expr(x).subs(x, 0))
assert at_zero == (sp.Rational(1, 2), 0)
print(
    "at x = 0:  sympy's diff gives",
    at_zero[0],
    "  the package's convention gives",
    at_zero[1],
)

# %% [markdown]
# ## Why the value at zero does not matter
#
# Any number between 0 and 1 is a valid choice at the kink: each is the slope of a line through
# the origin that stays below ReLU (a *subgradient*), and 0 is a common one, so a unit sitting
# exactly at zero passes no gradient back. Which value is chosen changes a gradient only for an
# entry of $Z_1$ that is *exactly* 0. With real-valued weights and inputs that is an event of
# probability zero; in float32 training it is rare, and it affects one term of a sum over the
# batch for one step.
#
# It does not matter for the gradient checks either, for a different reason: a finite
# difference cannot see the kink's convention at all. At $z = 0$ a central difference measures
# $(\mathrm{ReLU}(h) - \mathrm{ReLU}(-h)) / 2h = \tfrac{1}{2}$, the value of *neither* $H(0) = 0$
# nor any other fixed convention in general, and within $h$ of the kink it measures something
# between 0 and 1. So a gradient check is only meaningful where every pre-activation is farther
# than $h$ from zero; the <autoref identifier="eq-backward">gradient check</autoref> page
# asserts that before comparing:

# %%
h = 1e-6
for z0 in (0.0, 1e-7, 0.5, -0.5):
    central = (relu(np.array(z0 + h)) - relu(np.array(z0 - h))) / (2 * h)
    print(
        f"z = {z0:>5}:  central difference {float(central):.3f}"
        f"   relu_prime {float(relu_prime(np.array(z0))):.0f}"
    )

# %% [markdown]
# ## The package agrees with the symbolic forms
#
# The lambdified sympy forms
# (<autoref identifier="mnist_scratch.symbolic.lambdified_forms"><code>symbolic.lambdified_forms</code></autoref>)
# against <autoref identifier="mnist_scratch.activations.relu"><code>relu</code></autoref> and
# <autoref identifier="mnist_scratch.activations.relu_prime"><code>relu_prime</code></autoref>
# on random numbers with exact zeros (both $+0$ and $-0$) mixed in. Both are exact operations
# (a comparison and a selection), so the agreement must be exact too. The package keeps float32
# as float32, which the training loop relies on.

# %%
forms = symbolic.lambdified_forms(classes=2)
rng = np.random.default_rng(0)
Z = np.concatenate(
    [rng.normal(size=(10, 50)).ravel(), [0.0, -0.0, 1e-300, -1e-300]]
)
relu_error = np.abs(relu(Z) - forms["relu"](Z)).max()
prime_error = np.abs(relu_prime(Z) - forms["relu_prime"](Z)).max()
assert relu_error == 0 and prime_error == 0  # exact, no tolerance
Z32 = Z.astype(np.float32)
assert relu(Z32).dtype == relu_prime(Z32).dtype == np.float32
print(f"max |relu - sympy|       = {relu_error:.1e}")
print(f"max |relu_prime - sympy| = {prime_error:.1e}")
