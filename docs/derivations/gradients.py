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
# # The parameter gradients
#
# With the errors $\delta_2$ and $\delta_1$ in hand (the
# <autoref identifier="eq-output-error">output error</autoref> and the
# <autoref identifier="eq-hidden-error">hidden error</autoref>), the gradients of the loss with
# respect to the weights and biases are one step away. Two features of the result deserve a
# derivation of their own: a **sum over the batch**, because every example uses the same
# parameters, and a **factor $1/m$**, because the loss is a mean. This page derives both, then
# lets sympy differentiate a whole tiny network, entry by entry and with two examples, and
# checks that the answer is exactly the matrix formulas, and that the package computes them.
#
# ## The weight gradient
#
# Entry $(W_2)_{kh}$ appears in the score of class $k$ for *every* example $j$:
# $(Z_2)_{kj} = \sum_{h'} (W_2)_{kh'} (A_1)_{h'j} + (b_2)_k$, with
# $\partial (Z_2)_{kj} / \partial (W_2)_{kh} = (A_1)_{hj}$. So its effect on the loss is the sum
# of its effects through each example, and $L = \frac{1}{m} (m L)$ brings the $1/m$:
#
# <div class="equation" id="eq-weight-gradient-entry" data-code="mnist_scratch.gradients.weight_gradient" markdown>
#
# $$
# \frac{\partial L}{\partial (W_2)_{kh}}
# = \frac{1}{m} \sum_{j=1}^{m} \frac{\partial (m L)}{\partial (Z_2)_{kj}}
#   \frac{\partial (Z_2)_{kj}}{\partial (W_2)_{kh}}
# = \frac{1}{m} \sum_{j=1}^{m} (\delta_2)_{kj}\, (A_1)_{hj}
# $$
#
# </div>
#
# A sum over $j$ of (row $k$ of one matrix) times (row $h$ of another) is entry $(k, h)$ of
# $\delta_2 A_1^{\top}$. The first layer is the same with $X$ in place of $A_1$: in general,
# for a layer with error $\delta$ and input $A_{\text{prev}}$,
#
# <div class="equation" id="eq-weight-gradient" data-code="mnist_scratch.gradients.weight_gradient" markdown>
#
# $$
# dW = \frac{\partial L}{\partial W} = \frac{1}{m}\, \delta\, A_{\text{prev}}^{\top}
# = \frac{1}{m} \sum_{j=1}^{m} \delta_{:,j}\, \big(A_{\text{prev}}\big)_{:,j}^{\top}
# $$
#
# </div>
#
# The second form reads the matrix product as a sum of per-example outer products: each example
# proposes its own rank-one update, and the gradient is their average.
#
# ## The bias gradient
#
# The bias $b_k$ is added to the score of every example with slope 1, so its gradient is the
# error summed over the batch, divided by $m$, that is the row means of $\delta$, kept as a
# column so it has the bias's shape $(n, 1)$:
#
# <div class="equation" id="eq-bias-gradient" data-code="mnist_scratch.gradients.bias_gradient" markdown>
#
# $$
# db = \frac{\partial L}{\partial b} = \frac{1}{m} \sum_{j=1}^{m} \delta_{:,j}
# = \frac{1}{m}\, \delta\, \mathbf{1}_m
# $$
#
# </div>
#
# ## Back-propagation in full
#
# Put together, from the output back to the input, this is everything
# <autoref identifier="mnist_scratch.network.backward"><code>backward</code></autoref>
# computes:
#
# <div class="equation" id="eq-backward" data-code="mnist_scratch.network.backward" markdown>
#
# $$
# \begin{aligned}
# \delta_2 &= A_2 - Y, & dW_2 &= \tfrac{1}{m}\, \delta_2 A_1^{\top}, & db_2 &= \tfrac{1}{m}\, \delta_2 \mathbf{1}_m, \\
# \delta_1 &= \left(W_2^{\top} \delta_2\right) \odot \mathrm{ReLU}'(Z_1), & dW_1 &= \tfrac{1}{m}\, \delta_1 X^{\top}, & db_1 &= \tfrac{1}{m}\, \delta_1 \mathbf{1}_m
# \end{aligned}
# $$
#
# </div>
#
# Every gradient has the shape of its parameter: $\delta_1 X^{\top}$ is
# $(10, m) \times (m, 784) \to (10, 784)$ like $W_1$, $\delta_1 \mathbf{1}_m$ is $(10, 1)$ like
# $b_1$, and so on. The batch size $m$ has disappeared into the sums.
#
# ## sympy differentiates a tiny network, entry by entry
#
# <autoref identifier="mnist_scratch.symbolic.tiny_network"><code>symbolic.tiny_network</code></autoref>
# writes a whole network in sympy, 3 inputs, 2 hidden units, 3 classes and **two** examples
# (so the sums over the batch and the $1/m$ are really there), with a symbol for every weight,
# bias, pixel and target. It builds the mean loss $L$ from them and asks sympy for
# $\partial L / \partial \theta$ separately for each of the 17 parameters. Its derivative for a
# single bias already fills a screen:

# %%
import re

import numpy as np
import sympy as sp

from mnist_scratch import symbolic
from mnist_scratch.gradients import bias_gradient, output_error, weight_gradient
from mnist_scratch.loss import one_hot
from mnist_scratch.network import backward, forward


def readable(expr: sp.Basic) -> sp.Basic:
    """Show sympy's ``w1_01`` as $w^{(1)}_{01}$: the layer as a superscript."""
    names = {
        s: sp.Symbol(re.sub(r"^([a-z]+)(\d)_(\d+)$", r"\1^{(\2)}_{\3}", s.name))
        for s in expr.free_symbols
    }
    return expr.xreplace(names)


net = symbolic.tiny_network(inputs=3, hidden=2, classes=3, m=2)
print(
    "parameters:",
    {name: P.shape for name, P in net.parameters.items()},
    " m =",
    net.m,
)
print(
    "operations in sympy's dL/db2_0:",
    sp.count_ops(net.sympy_gradients["db2"][0]),
)

# %% [markdown]
# The matrix formulas of back-propagation, in short symbols: $a^{(2)}_{kj}$ for $(A_2)_{kj}$,
# $a^{(1)}_{hj}$ for $(A_1)_{hj}$, $r^{(1)}_{hj}$ for $\mathrm{ReLU}'((Z_1)_{hj})$, and
# $w^{(\ell)}$, $x$, $y$ for the entries of $W_\ell$, $X$, $Y$. With $m = 2$ each entry is
# visibly a sum of two examples' terms, each halved. $dW_2 = \frac{1}{m}\,\delta_2
# A_1^{\top}$:

# %%
readable(net.formulas["dW2"])

# %% [markdown]
# $db_2 = \frac{1}{m}\, \delta_2 \mathbf{1}_m$:

# %%
readable(net.formulas["db2"])

# %% [markdown]
# $dW_1 = \frac{1}{m}\, \delta_1 X^{\top}$, with
# $\delta_1 = (W_2^{\top} \delta_2) \odot \mathrm{ReLU}'(Z_1)$ written out:

# %%
readable(net.formulas["dW1"])

# %% [markdown]
# $db_1 = \frac{1}{m}\, \delta_1 \mathbf{1}_m$:

# %%
readable(net.formulas["db1"])

# %% [markdown]
# <autoref identifier="mnist_scratch.symbolic.prove_tiny_network"><code>symbolic.prove_tiny_network</code></autoref>
# substitutes what the short symbols stand for, subtracts the formulas from sympy's
# derivatives, uses that every column of $Y$ sums to 1 and the package's value 0 for
# $\mathrm{ReLU}'$ at the kink, and reduces every entry exactly: all four differences are zero
# matrices.

# %%
proof = symbolic.prove_tiny_network(net)
assert proof, proof.claim
print(proof.claim)
proof

# %% [markdown]
# ## The package agrees with sympy
#
# sympy's entry-by-entry gradients evaluated at random float64 parameters and inputs
# (`TinyNetwork.numeric_gradients`), against
# <autoref identifier="mnist_scratch.network.backward"><code>backward</code></autoref>, which
# calls <autoref identifier="mnist_scratch.gradients.weight_gradient"><code>weight_gradient</code></autoref>
# and <autoref identifier="mnist_scratch.gradients.bias_gradient"><code>bias_gradient</code></autoref>:

# %%
rng = np.random.default_rng(0)
params, X, Y = net.sample(rng)  # He weights, nonzero biases, X (3, m), one-hot Y
expected = net.numeric_gradients(params, X, Y)
got = backward(params, X, Y, forward(params, X))
for name in ("dW2", "db2", "dW1", "db1"):
    error = np.abs(got[name] - expected[name]).max()
    print(
        f"max |{name} - sympy| = {error:.1e}"
        f"   (largest entry {np.abs(expected[name]).max():.2f})"
    )
    assert error < 1e-14  # float64 round-off on entries of order 1

# %% [markdown]
# And the two readings of the weight gradient, on a bigger random batch: the matrix product
# equals the average of the per-example outer products; the bias gradient is the row mean; and
# because of the $1/m$, repeating the batch twice changes neither.

# %%
m = 50
cache = forward(params, rng.normal(size=(net.inputs, m)))
delta = output_error(
    cache["A2"],
    one_hot(
        rng.integers(0, net.classes, size=m), net.classes, dtype=np.float64
    ),
)
A_prev = cache["A1"]
outer_sum = sum(np.outer(delta[:, j], A_prev[:, j]) for j in range(m)) / m
errors = {
    "dW vs outer products": np.abs(
        weight_gradient(delta, A_prev) - outer_sum
    ).max(),
    "db vs row mean": np.abs(
        bias_gradient(delta) - delta.mean(axis=1, keepdims=True)
    ).max(),
    "dW, batch repeated": np.abs(
        weight_gradient(np.tile(delta, 2), np.tile(A_prev, 2))
        - weight_gradient(delta, A_prev)
    ).max(),
    "db, batch repeated": np.abs(
        bias_gradient(np.tile(delta, 2)) - bias_gradient(delta)
    ).max(),
}
for what, error in errors.items():
    print(f"max |{what}| = {error:.1e}")
assert max(errors.values()) < 1e-15  # the same sums in another order

# %% [markdown]
# ## Step through one backpropagation
#
# Every number of one forward and backward pass, for a network small enough to read (4 inputs,
# 3 hidden ReLU units, 3 classes, a batch of $m = 2$ examples), computed in your browser by the
# formulas of these pages: step with the buttons or the arrow keys, hover over or tap an entry
# to see the entries that made it, and type or drag any input, target, weight or the learning
# rate to watch everything downstream follow.
#
# <div id="backprop-stepper" class="backprop-stepper">
# <p>The steps, each with its equation and the function that computes it (the interactive version needs JavaScript):</p>
# <ol>
# <li data-step="Z1">Z₁ = W₁X + b₁: <autoref identifier="eq-affine">the affine step</autoref>, computed by <autoref identifier="mnist_scratch.network.affine"><code>affine</code></autoref></li>
# <li data-step="A1">A₁ = ReLU(Z₁): <autoref identifier="eq-relu">ReLU</autoref>, computed by <autoref identifier="mnist_scratch.activations.relu"><code>relu</code></autoref></li>
# <li data-step="Z2">Z₂ = W₂A₁ + b₂: <autoref identifier="eq-affine">the affine step</autoref>, computed by <autoref identifier="mnist_scratch.network.affine"><code>affine</code></autoref></li>
# <li data-step="A2">A₂ = softmax(Z₂): <autoref identifier="eq-softmax">softmax</autoref>, computed by <autoref identifier="mnist_scratch.activations.softmax"><code>softmax</code></autoref></li>
# <li data-step="L">L: <autoref identifier="eq-cross-entropy">cross-entropy</autoref>, computed by <autoref identifier="mnist_scratch.loss.cross_entropy"><code>cross_entropy</code></autoref></li>
# <li data-step="delta2">δ₂ = A₂ − Y: <autoref identifier="eq-output-error">the output error</autoref>, computed by <autoref identifier="mnist_scratch.gradients.output_error"><code>output_error</code></autoref></li>
# <li data-step="delta1">δ₁ = (W₂ᵀδ₂) ⊙ H(Z₁): <autoref identifier="eq-hidden-error">the hidden error</autoref>, computed by <autoref identifier="mnist_scratch.gradients.hidden_error"><code>hidden_error</code></autoref></li>
# <li data-step="dW2">dW₂: <autoref identifier="eq-weight-gradient">the weight gradient</autoref>, computed by <autoref identifier="mnist_scratch.gradients.weight_gradient"><code>weight_gradient</code></autoref></li>
# <li data-step="db2">db₂: <autoref identifier="eq-bias-gradient">the bias gradient</autoref>, computed by <autoref identifier="mnist_scratch.gradients.bias_gradient"><code>bias_gradient</code></autoref></li>
# <li data-step="dW1">dW₁: <autoref identifier="eq-weight-gradient">the weight gradient</autoref>, computed by <autoref identifier="mnist_scratch.gradients.weight_gradient"><code>weight_gradient</code></autoref></li>
# <li data-step="db1">db₁: <autoref identifier="eq-bias-gradient">the bias gradient</autoref>, computed by <autoref identifier="mnist_scratch.gradients.bias_gradient"><code>bias_gradient</code></autoref></li>
# <li data-step="update">θ ← θ − α dθ: <autoref identifier="eq-gd-update">the update</autoref>, computed by <autoref identifier="mnist_scratch.optim.gd_update"><code>gd_update</code></autoref></li>
# </ol>
# <p data-check>Each gradient entry can be checked by a <autoref identifier="eq-central-difference">central difference</autoref>.</p>
# </div>
