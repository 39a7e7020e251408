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
# parameters, and a **factor $1/m$**, because the loss is a mean. This page derives both, puts
# the whole of back-propagation in one place next to the code that runs it, and has sympy prove
# each gradient for every size of network and batch.
#
# ## The weight gradient
#
# Entry $(W_2)_{ki}$ appears in the score of class $k$ for *every* example $j$:
# $(Z_2)_{kj} = \sum_{i'} (W_2)_{ki'} (A_1)_{i'j} + (b_2)_k$, with
# $\partial (Z_2)_{kj} / \partial (W_2)_{ki} = (A_1)_{ij}$. So its effect on the loss is the sum
# of its effects through each example, and $L = \frac{1}{m} (mL)$ brings the $1/m$:
#
# <div class="equation" id="eq-weight-gradient-entry" data-proof="mnist_scratch.symbolic.backprop.prove_parameter_gradient" markdown>
#
# $$
# \begin{aligned}
# \frac{\partial L}{\partial (W_2)_{ki}}
# &= \frac{1}{m} \sum_{j=1}^{m} \frac{\partial (mL)}{\partial (Z_2)_{kj}}
#   \frac{\partial (Z_2)_{kj}}{\partial (W_2)_{ki}} \\
# &= \frac{1}{m} \sum_{j=1}^{m} (\delta_2)_{kj}\, (A_1)_{ij}
# \end{aligned}
# $$
#
# </div>
#
# A sum over $j$ of (row $k$ of one matrix) times (row $i$ of another) is entry $(k, i)$ of
# $\delta_2 A_1^{\top}$. The first layer is the same with $X$ in place of $A_1$ and $\delta_1$ in
# place of $\delta_2$: for a layer with error $\delta$ and input $A_{\text{prev}}$,
#
# <div class="equation" id="eq-weight-gradient" data-code="mnist_scratch.gradients.weight_gradient" markdown>
#
# $$
# \begin{aligned}
# dW &= \frac{\partial L}{\partial W} = \frac{1}{m}\, \delta\, A_{\text{prev}}^{\top} \\
# &= \frac{1}{m} \sum_{j=1}^{m} \delta_{:,j}\, \big(A_{\text{prev}}\big)_{:,j}^{\top}
# \end{aligned}
# $$
#
# </div>
#
# The second line reads the matrix product as a sum of per-example outer products: each example
# proposes its own rank-one change, and the gradient is their average.

# %% tags=["remove_input"]
from mnist_scratch import checks, gradients, network, pages
from mnist_scratch.symbolic import backprop

pages.source(gradients.weight_gradient)

# %% [markdown]
# ## The bias gradient
#
# The bias $(b_2)_k$ is added to the score of class $k$ for every example, with slope 1, so its
# gradient is the error summed over the batch and divided by $m$: the row means of $\delta$,
# kept as a column so it has the bias's shape $(n, 1)$ or $(K, 1)$:
#
# <div class="equation" id="eq-bias-gradient" data-code="mnist_scratch.gradients.bias_gradient" markdown>
#
# $$
# db = \frac{\partial L}{\partial b} = \frac{1}{m} \sum_{j=1}^{m} \delta_{:,j}
# = \frac{1}{m}\, \delta\, \mathbf{1}_m
# $$
#
# </div>

# %% tags=["remove_input"]
pages.source(gradients.bias_gradient)

# %% [markdown]
# ## Back-propagation in full
#
# Put together, from the output back to the input:
#
# <div class="equation" id="eq-backward" data-code="mnist_scratch.network.backward" markdown>
#
# $$
# \begin{aligned}
# \delta_2 &= A_2 - Y \\
# dW_2 &= \tfrac{1}{m}\, \delta_2 A_1^{\top}, \quad db_2 = \tfrac{1}{m}\, \delta_2 \mathbf{1}_m \\
# \delta_1 &= \big(W_2^{\top} \delta_2\big) \odot \mathrm{ReLU}'(Z_1) \\
# dW_1 &= \tfrac{1}{m}\, \delta_1 X^{\top}, \quad db_1 = \tfrac{1}{m}\, \delta_1 \mathbf{1}_m
# \end{aligned}
# $$
#
# </div>
#
# and this is the package's
# <autoref identifier="mnist_scratch.network.backward"><code>backward</code></autoref>, line for
# line:

# %% tags=["remove_input"]
pages.source(network.backward)

# %% [markdown]
# Every gradient has the shape of its parameter: $\delta_1 X^{\top}$ is
# $(n, m) \times (m, d) \to (n, d)$ like $W_1$, $\delta_1 \mathbf{1}_m$ is $(n, 1)$ like $b_1$,
# and so on. The batch size $m$ has disappeared into the sums.
#
# ## The proofs, for every size
#
# sympy writes the whole network with every entry a symbol and every sum bounded by a symbol:
# $d$ inputs, $n$ hidden units, $K$ classes and $m$ examples. It differentiates the mean loss
# $L$ with respect to one entry of a parameter, and the steps reduce its answer to the matrix
# formula above, entry by entry. Nothing is tried at a few sizes. The two facts used besides
# calculus are that every column of $Y$ sums to 1 and that ReLU's derivative is taken as
# $H(z)$ with $H(0) = 0$ (<autoref identifier="eq-relu-prime">the package's choice</autoref>).

# %% tags=["remove_input"]
pages.proof(backprop.prove_parameter_gradient, "eq-dw2-proof", "dW2")

# %% tags=["remove_input"]
pages.proof(backprop.prove_parameter_gradient, "eq-dw1-proof", "dW1")

# %% [markdown]
# The two bias gradients go the same way (the steps are folded):

# %% tags=["remove_input"]
pages.proof(backprop.prove_parameter_gradient, "eq-db2-proof", "db2", folded="The steps for db₂")

# %% tags=["remove_input"]
pages.proof(backprop.prove_parameter_gradient, "eq-db1-proof", "db1", folded="The steps for db₁")

# %% [markdown]
# ## The package agrees
#
# The two readings of the weight gradient and the bias gradient, against loops over the
# examples:

# %% tags=["remove_input"]
pages.check(checks.check_weight_and_bias_gradients)

# %% [markdown]
# And `backward` as a whole is held against sympy's own derivatives of small networks written
# out symbol by symbol (no formula from these pages involved), at points where some hidden
# units are on and some off, one of them with a square $W_2$ (where a lost transpose would
# still run), and against finite differences on the real network: that is the
# <autoref identifier="eq-central-difference">gradient check</autoref>, the last page of this
# chapter.

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
