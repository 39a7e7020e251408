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
# # Softmax
#
# The output layer has to turn $K = 10$ unbounded scores (one per digit) into probabilities:
# positive, summing to one, larger for larger scores. Softmax exponentiates (positive,
# increasing) and normalises (sum one). This page defines it, shows why the code may subtract
# the largest score first, and derives its Jacobian, the piece back-propagation meets first.
#
# ## Definition
#
# For one example, one column $z$ of $Z_2$, with classes $k = 0, \dots, K-1$ numbered like the
# digits:
#
# <div class="equation" id="eq-softmax" data-code="mnist_scratch.activations.softmax" markdown>
#
# $$
# a_k = \mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_{k'=0}^{K-1} e^{z_{k'}}}
# $$
#
# </div>
#
# Applied to every column of $Z_2$ at once, $A_2 = \mathrm{softmax}(Z_2)$ has shape $(K, m)$
# and each column sums to one. Raising one score takes probability from all the others, which
# is why the derivative below couples every class to every other:

# %% tags=["remove_input"]
import numpy as np

from mnist_scratch import activations, checks, pages, plots
from mnist_scratch.symbolic import layers

pages.figure(
    plots.softmax_as_one_logit_moves(),
    "As logit z0 grows from -5 to 6, a0 rises from near 0 to near 1 while a1 and a2 fall; "
    "the three always sum to 1.",
)

# %% [markdown]
# ## Why subtracting the maximum changes nothing
#
# Exponentials overflow quickly:

# %% tags=["remove_input"]
overflow = {
    dtype: float(np.log(np.finfo(dtype).max)) for dtype in (np.float32, np.float64)
}
with np.errstate(over="ignore"):
    for dtype, edge in overflow.items():
        checks.require_true(
            f"exp overflows {np.dtype(dtype).name} just above {edge:.2f}",
            bool(np.isfinite(np.exp(dtype(edge - 0.01))) and np.isinf(np.exp(dtype(edge + 0.01)))),
        )
pages.say(
    f"$e^{{z}}$ is infinite in float32 for $z$ above {overflow[np.float32]:.2f} "
    f"($\\log$ of the largest float32), and in float64 above {overflow[np.float64]:.2f}. "
    "So the code computes the softmax of $z - c$ with $c = \\max_{k'} z_{k'}$: every exponent "
    "is then at most 0, the largest term is exactly $e^0 = 1$ and the denominator is at least "
    "1. The result is the same for any constant $c$, because $e^{-c}$ factors out of the "
    "numerator and the denominator:"
)

# %% [markdown]
# <div class="equation" id="eq-softmax-shift" data-code="mnist_scratch.activations.softmax" markdown>
#
# $$
# \begin{aligned}
# \mathrm{softmax}(z - c)_k &= \frac{e^{z_k - c}}{\sum_{k'} e^{z_{k'} - c}}
# = \frac{e^{-c}\, e^{z_k}}{e^{-c} \sum_{k'} e^{z_{k'}}} \\
# &= \mathrm{softmax}(z)_k
# \end{aligned}
# $$
#
# </div>
#
# The package does exactly that, in place, one allocation:

# %% tags=["remove_input"]
pages.source(activations.softmax)

# %% [markdown]
# sympy proves the shift for a symbolic $c$ (so for $c = \max_{k'} z_{k'}$ in particular) and
# a symbolic number of classes $K$:

# %% tags=["remove_input"]
pages.proof(layers.prove_softmax_shift, "eq-softmax-shift-proof")

# %% [markdown]
# Where the shift matters: logits $(1000, -1000, 999)$. The unshifted formula computes
# $\infty / \infty$; the package gives the exact answer.

# %% tags=["remove_input"]
big = np.array([[1000.0], [-1000.0], [999.0]])
with np.errstate(over="ignore", invalid="ignore"):
    unshifted = np.exp(big) / np.exp(big).sum()
exact = np.array([1 / (1 + np.exp(-1.0)), 0.0, np.exp(-1.0) / (1 + np.exp(-1.0))])
shifted = activations.softmax(big)[:, 0]
checks.require_true("the unshifted softmax is NaN", bool(np.isnan(unshifted).any()))
checks.require("softmax at ±1000 matches 1/(1+e^-1)", np.abs(shifted - exact).max(), 1e-15)
pages.say(
    f"| | $a_0$ | $a_1$ | $a_2$ |\n|---|---|---|---|\n"
    f"| $e^{{z}} / \\sum e^{{z}}$ | {unshifted[0, 0]} | {unshifted[1, 0]} | {unshifted[2, 0]} |\n"
    f"| `softmax(z)` | {shifted[0]:.4f} | {shifted[1]:g} | {shifted[2]:.4f} |\n"
    f"| exact, $1/(1 + e^{{-1}})$, 0, $e^{{-1}}/(1 + e^{{-1}})$ | {exact[0]:.4f} | 0 "
    f"| {exact[2]:.4f} |"
)

# %% [markdown]
# ## The Jacobian
#
# Back-propagation needs how each output moves with each input, $\partial a_k / \partial
# z_{k'}$. By the quotient rule, with $S = \sum_{k''} e^{z_{k''}}$ and $\partial S / \partial
# z_{k'} = e^{z_{k'}}$: for $k = k'$ the numerator depends on $z_{k'}$ too, giving
# $(e^{z_k} S - e^{z_k} e^{z_{k'}}) / S^2 = a_k - a_k a_{k'}$; for $k \ne k'$ only the
# denominator does, giving $-e^{z_k} e^{z_{k'}} / S^2 = -a_k a_{k'}$. Both cases in one line
# with the indicator $\mathbb{1}[k = k']$ (1 when $k = k'$, else 0), and as a matrix:
#
# <div class="equation" id="eq-softmax-jacobian" data-code="mnist_scratch.activations.softmax_jacobian" markdown>
#
# $$
# \begin{aligned}
# \frac{\partial a_k}{\partial z_{k'}} &= a_k \big(\mathbb{1}[k = k'] - a_{k'}\big), \\
# J = \frac{\partial a}{\partial z} &= \mathrm{diag}(a) - a\, a^{\top}
# \end{aligned}
# $$
#
# </div>

# %% tags=["remove_input"]
pages.source(activations.softmax_jacobian)

# %% [markdown]
# sympy differentiates the definition for a symbolic $K$ and subtracts the claim:

# %% tags=["remove_input"]
pages.proof(layers.prove_softmax_jacobian, "eq-softmax-jacobian-proof")

# %% [markdown]
# For three classes the matrix reads, entry by entry (each row and each column sums to 0,
# because the probabilities always sum to 1):
#
# <div class="equation" id="eq-softmax-jacobian-3" data-code="mnist_scratch.activations.softmax_jacobian" markdown>
#
# $$
# J = \begin{pmatrix}
# a_0(1 - a_0) & -a_0 a_1 & -a_0 a_2 \\
# -a_1 a_0 & a_1(1 - a_1) & -a_1 a_2 \\
# -a_2 a_0 & -a_2 a_1 & a_2(1 - a_2)
# \end{pmatrix}
# $$
#
# </div>
#
# The <autoref identifier="eq-output-error">output error</autoref> page multiplies this
# Jacobian by the loss's gradient and gets $a - y$, the same answer as the shorter route
# through the log.
#
# ## The package agrees with the symbolic forms
#
# The symbolic softmax and Jacobian for all ten classes, compiled to NumPy by `sympy.lambdify`,
# against the package on random float64 logits:

# %% tags=["remove_input"]
pages.check(checks.check_softmax)
