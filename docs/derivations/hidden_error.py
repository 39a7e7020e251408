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
# # The hidden error δ₁
#
# The <autoref identifier="eq-output-error">output error</autoref> $\delta_2 = A_2 - Y$ says how
# the loss responds to the output scores. To train the first layer we need the same for the
# hidden pre-activations $Z_1$. The chain rule carries $\delta_2$ back in two moves: through the
# weights $W_2$ (transposed), then through ReLU (a 0/1 mask). This page derives that, has sympy
# prove it for any number of hidden units, classes and examples, and shows why the transpose
# is easy to lose at the real size.
#
# ## The derivation
#
# As for $\delta_2$, work with the summed loss $mL = \sum_j \ell_j$ and define
# $\delta_1 = \partial (mL) / \partial Z_1$, an $(n, m)$ matrix like $Z_1$. Follow one entry
# $(Z_1)_{ij}$, hidden unit $i$ on example $j$, forward through the network:
#
# - it changes only $(A_1)_{ij} = \mathrm{ReLU}((Z_1)_{ij})$, at the rate
#   $H((Z_1)_{ij})$ (<autoref identifier="eq-relu-prime">ReLU's derivative</autoref>);
# - $(A_1)_{ij}$ enters the scores of the same example for every class $k$,
#   $(Z_2)_{kj} = \sum_{i'} (W_2)_{ki'} (A_1)_{i'j} + (b_2)_k$, so
#   $\partial (Z_2)_{kj} / \partial (A_1)_{ij} = (W_2)_{ki}$;
# - and $\partial (mL) / \partial (Z_2)_{kj} = (\delta_2)_{kj}$.
#
# The chain rule adds up the paths, one per class $k$:
#
# <div class="equation" id="eq-hidden-error-chain" data-proof="mnist_scratch.symbolic.backprop.prove_hidden_error" markdown>
#
# $$
# \begin{aligned}
# (\delta_1)_{ij} &= \sum_{k} \frac{\partial (mL)}{\partial (Z_2)_{kj}}
#   \frac{\partial (Z_2)_{kj}}{\partial (A_1)_{ij}}
#   \frac{\partial (A_1)_{ij}}{\partial (Z_1)_{ij}} \\
# &= \Big(\sum_{k} (W_2)_{ki}\, (\delta_2)_{kj}\Big)\, H\big((Z_1)_{ij}\big)
# \end{aligned}
# $$
#
# </div>
#
# The sum over $k$ is entry $(i, j)$ of the matrix product $W_2^{\top} \delta_2$: the transpose
# because the sum runs over the *first* index of $W_2$. The ReLU factor multiplies entry by
# entry ($\odot$):
#
# <div class="equation" id="eq-hidden-error" data-code="mnist_scratch.gradients.hidden_error" markdown>
#
# $$
# \delta_1 = \big(W_2^{\top} \delta_2\big) \odot \mathrm{ReLU}'(Z_1)
# $$
#
# </div>

# %% tags=["remove_input"]
import numpy as np

from mnist_scratch import activations, checks, gradients, network, pages
from mnist_scratch.symbolic import backprop

pages.source(gradients.hidden_error)

# %% [markdown]
# Shapes: $(K, n)^{\top} \times (K, m) \to (n, m)$, then masked by an $(n, m)$ array of zeros
# and ones. Two things to notice. Column $j$ of $\delta_1$ depends on column $j$ of $\delta_2$
# only: examples do not mix, exactly as in the forward pass. And a hidden unit that was off for
# an example, $(Z_1)_{ij} < 0$, gets error 0 for it: it contributed nothing to the output, and
# a small enough nudge of its pre-activation leaves it off. A unit exactly at the kink,
# $(Z_1)_{ij} = 0$, is different (a positive nudge switches it on); it gets 0 too, by the
# <autoref identifier="eq-relu-prime">convention $H(0) = 0$</autoref>.
#
# ## The proof for every size
#
# sympy writes the loss from the hidden pre-activations on with every entry a symbol and every
# sum bounded by a symbol ($n$ hidden units, $K$ classes, $m$ examples), differentiates $mL$
# with respect to one entry $(Z_1)_{ij}$, and reduces the result to the formula; the two facts
# it uses besides calculus are named in the steps.

# %% tags=["remove_input"]
pages.proof(backprop.prove_hidden_error, "eq-hidden-error-proof")

# %% [markdown]
# ## Why the transpose is easy to lose
#
# At the real size $W_2$ is $10 \times 10$, square, so `W2 @ delta2` (no transpose) has the
# right shape and runs without complaint; only the values are wrong. On the real network and
# a batch of real digits:

# %% tags=["remove_input"]
point = checks.real_point()
cache = network.forward(point.params, point.X)
delta2 = gradients.output_error(cache["A2"], point.Y)
right = gradients.hidden_error(point.params["W2"], delta2, cache["Z1"])
wrong = (point.params["W2"] @ delta2) * activations.relu_prime(cache["Z1"])
checks.require_true("W2 is square at the real size", point.params["W2"].shape == (10, 10))
off_by = np.abs(wrong - right).max() / np.abs(right).max()
checks.require_true("the untransposed delta1 differs", off_by > 0.1)
pages.say(
    f"`W2 @ delta2` gives a $\\delta_1$ of the same shape, {wrong.shape}, whose largest "
    f"difference from the right one is {100 * off_by:.0f}% of the right one's largest entry. "
    "The checks below, and those of the "
    '<autoref identifier="eq-central-difference">gradient check</autoref>, run at a square '
    "$W_2$ for this reason (a test shows they catch this bug)."
)

# %% [markdown]
# ## The package agrees with sympy
#
# The independent value: for a batch of one example, the derivative of the loss with respect
# to the bias $b_1$ *is* that example's column of $\delta_1$ (the bias enters $Z_1$ with slope
# 1), and sympy computes it from the written-out network without knowing $\delta_1$. The
# networks are 3-3-3 (square $W_2$) and 4-2-3, each with hidden units on and off:

# %% tags=["remove_input"]
pages.check(checks.check_hidden_error)
