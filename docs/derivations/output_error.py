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
# # The output error δ₂
#
# Back-propagation starts at the output scores $Z_2$: how does the loss change when one score
# moves? Softmax couples all the scores of an example (raising one lowers every other
# probability), and the log in the loss undoes the exponentials, so one might expect a messy
# answer. It is the simplest one possible: probability minus target. This page derives it by
# hand, has sympy prove it for any number of classes $K$, arrives at it a second way through
# the softmax Jacobian, and shows exactly where the one-hot targets, $\sum_k y_k = 1$, are
# needed: without them the result is *not* $a - y$.
#
# ## The derivation by hand
#
# Take one example, with scores $z_k$, probabilities $a_k = e^{z_k} / \sum_{k''} e^{z_{k''}}$
# (<autoref identifier="eq-softmax">softmax</autoref>) and loss
# $\ell = -\sum_{k'} y_{k'} \log a_{k'}$
# (<autoref identifier="eq-cross-entropy">cross-entropy</autoref>). The log of a softmax is a
# difference, $\log a_{k'} = z_{k'} - \log \sum_{k''} e^{z_{k''}}$, so
#
# - $\partial z_{k'} / \partial z_k = \mathbb{1}[k = k']$ (1 if $k' = k$, else 0), and
# - $\partial \log \sum_{k''} e^{z_{k''}} / \partial z_k = e^{z_k} / \sum_{k''} e^{z_{k''}}
#   = a_k$.
#
# Hence $\partial \log a_{k'} / \partial z_k = \mathbb{1}[k = k'] - a_k$, and
#
# <div class="equation" id="eq-output-error-steps" data-proof="mnist_scratch.symbolic.layers.prove_output_error" markdown>
#
# $$
# \begin{aligned}
# \frac{\partial \ell}{\partial z_k}
# &= -\sum_{k'} y_{k'} \big(\mathbb{1}[k = k'] - a_k\big)
# = a_k \sum_{k'} y_{k'} - y_k \\
# &= a_k - y_k \qquad \text{because } \textstyle\sum_{k'} y_{k'} = 1
# \end{aligned}
# $$
#
# </div>
#
# The last step is the only place the targets' shape matters. For a batch, example $j$'s
# scores are column $j$ of $Z_2$ and enter only its own loss $\ell_j$. The package calls
# $\delta_2$ the derivative of the *sum* $mL = \sum_j \ell_j$, so that column $j$ of
# $\delta_2$ is exactly $\partial \ell_j / \partial z$ for example $j$, and puts the $1/m$
# into the <autoref identifier="eq-weight-gradient">parameter gradients</autoref>:
#
# <div class="equation" id="eq-output-error" data-code="mnist_scratch.gradients.output_error" markdown>
#
# $$
# \delta_2 = \frac{\partial (mL)}{\partial Z_2} = A_2 - Y
# $$
#
# </div>

# %% tags=["remove_input"]
import numpy as np
import sympy as sp

from mnist_scratch import checks, gradients, pages
from mnist_scratch.symbolic import layers

pages.source(gradients.output_error)

# %% [markdown]
# ## The proof for any number of classes
#
# sympy does the same with $K$ a symbol and the sums as sympy `Sum`s over indexed symbols
# $z_{k'}$ and $y_{k'}$, so the result holds for every $K$, not for a few sizes tried. A sum of
# $\mathbb{1}[k = k']\, f(k')$ over $k' = 0, \dots, K-1$ is $f(k)$ *if $k$ is one of the
# classes*; sympy writes that condition out, and the proof checks it from $k < K$ rather than
# dropping it.

# %% tags=["remove_input"]
pages.proof(layers.prove_output_error, "eq-output-error-proof")

# %% [markdown]
# ## The same answer through the softmax Jacobian
#
# The chain rule can also go the long way: first how the loss changes with each probability,
# $\partial \ell / \partial a_{k'} = -y_{k'} / a_{k'}$, then how each probability changes with
# the scores, the <autoref identifier="eq-softmax-jacobian">softmax Jacobian</autoref>
# $J = \mathrm{diag}(a) - a a^{\top}$. In matrix form, with $\oslash$ entry-wise division and
# $\mathbf{1}$ a column of ones:
#
# <div class="equation" id="eq-output-error-jacobian" data-proof="mnist_scratch.symbolic.layers.prove_output_error_via_jacobian" markdown>
#
# $$
# \begin{aligned}
# \frac{\partial \ell}{\partial z} &= J^{\top} \frac{\partial \ell}{\partial a}
# = \big(\mathrm{diag}(a) - a a^{\top}\big)(-y \oslash a) \\
# &= -y + a\, (\mathbf{1}^{\top} y) = a - y
# \end{aligned}
# $$
#
# </div>
#
# ($J$ is symmetric, and $a^{\top}(y \oslash a) = \sum_{k'} y_{k'} = 1$.) sympy takes this
# route too, for a symbolic $K$; the $a_{k'}$ cancel because every probability is positive:

# %% tags=["remove_input"]
pages.proof(layers.prove_output_error_via_jacobian, "eq-output-error-jacobian-proof")

# %% [markdown]
# Both routes meet at $a - y$. The first is the one to remember: softmax followed by
# cross-entropy is differentiated as one piece, and the Jacobian never has to be formed.
#
# ## Without Σ y = 1 the result is not a − y
#
# Stop before the one-hot step and subtract the claim: what is left is $a_k$ times
# $(\sum_{k'} y_{k'} - 1)$, zero only when the targets sum to one.

# %% tags=["remove_input"]
pages.proof(layers.prove_output_error_needs_one_hot, "eq-output-error-needs-one-hot")

# %% [markdown]
# In numbers, for three classes with targets $(0.5, 0.5, 0.5)$ (which sum to 1.5), sympy's
# gradient of the loss and $a - y$ differ by half of $a$:

# %% tags=["remove_input"]
L3, zs, ys = layers.concrete(layers.cross_entropy_general(), 3)
a3 = [layers.concrete(layers.softmax_general(q), 3)[0] for q in range(3)]
point = {zs[0]: 1.0, zs[1]: -0.5, zs[2]: 2.0} | {y_: 0.5 for y_ in ys}
gradient = np.array([float(sp.diff(L3, zq).subs(point)) for zq in zs])
a_values = np.array([float(a.subs(point)) for a in a3])
difference = gradient - (a_values - 0.5)
checks.require("the gap is a (sum y - 1) = a / 2", np.abs(difference - a_values / 2).max(), 1e-14)
pages.say(
    "| | $k = 0$ | $k = 1$ | $k = 2$ |\n|---|---|---|---|\n"
    + "| sympy's $\\partial \\ell / \\partial z_k$ | "
    + " | ".join(f"{v:.4f}" for v in gradient)
    + " |\n| $a_k - y_k$ | "
    + " | ".join(f"{v:.4f}" for v in a_values - 0.5)
    + " |\n| $a_k / 2$ | "
    + " | ".join(f"{v:.4f}" for v in a_values / 2)
    + " |"
)

# %% [markdown]
# This is why <autoref identifier="mnist_scratch.loss.one_hot"><code>one_hot</code></autoref>
# matters: targets that do not sum to one make
# <autoref identifier="mnist_scratch.gradients.output_error"><code>output_error</code></autoref>
# something other than the gradient of the loss.
#
# ## The package agrees with the symbolic form
#
# sympy's gradient of the per-example loss for ten classes, compiled to NumPy *with no*
# $\sum y = 1$ *assumed*, against `output_error(softmax(Z), Y)` on random float64 logits and
# one-hot targets; then central finite differences of $mL$ with respect to every entry of
# $Z_2$:

# %% tags=["remove_input"]
pages.check(checks.check_output_error)
