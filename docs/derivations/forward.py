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
# # The forward pass
#
# The network reads a $28 \times 28$ image as 784 numbers, mixes them into 10 hidden units,
# keeps only the positive part of each, mixes those into 10 scores (one per digit) and turns the
# scores into probabilities. This page writes that down for a whole batch of $m$ images at once,
# explains the shapes, why the code stores images as rows but computes with columns, how the
# weights start out, and how a prediction and the accuracy come out at the end. Every formula is
# checked against the package on random numbers while the site is built.
#
# ## One layer: an affine step
#
# Take one image as a column $x \in \mathbb{R}^{784}$. A layer with $n$ units has one row of
# weights per unit, $W \in \mathbb{R}^{n \times 784}$, and one bias per unit, $b \in
# \mathbb{R}^{n}$: unit $r$ computes the weighted sum $z_r = \sum_i W_{ri}\, x_i + b_r$, that is
# $z = W x + b$.
#
# A batch of $m$ images is the matrix $A$ whose column $j$ is image $j$. Matrix multiplication
# acts column by column, so $W A$ is $W x$ for every image side by side, and the bias column is
# added to each of the $m$ columns (NumPy's broadcasting of a $(n, 1)$ array; in matrix
# notation, $b\, \mathbf{1}_m^{\top}$):
#
# <div class="equation" id="eq-affine" data-code="mnist_scratch.network.affine" markdown>
#
# $$
# Z = W A + b, \qquad Z_{rj} = \sum_{i} W_{ri} A_{ij} + b_r
# $$
#
# </div>
#
# ## The two layers
#
# The hidden layer applies the affine step to the inputs $X$ and then ReLU
# (<autoref identifier="eq-relu">its own page</autoref>) to every entry; the output layer
# applies the affine step to the hidden activations and then softmax
# (<autoref identifier="eq-softmax">its own page</autoref>) to every column:
#
# <div class="equation" id="eq-forward" data-code="mnist_scratch.network.forward" markdown>
#
# $$
# \begin{aligned}
# Z_1 &= W_1 X + b_1, & A_1 &= \mathrm{ReLU}(Z_1), \\
# Z_2 &= W_2 A_1 + b_2, & A_2 &= \mathrm{softmax}(Z_2)
# \end{aligned}
# $$
#
# </div>
#
# Column $j$ of $A_2$ holds the network's ten probabilities for image $j$. Nothing in the
# forward pass mixes two columns: the batch is only a way to do $m$ images in one matrix
# product.
#
# ## Shapes for a batch of $m$ images
#
# | symbol | shape | what it is | in the code |
# |---|---|---|---|
# | $X$ | $(784, m)$ | pixels in $[0, 1]$, one image per column | `X` |
# | $W_1$, $b_1$ | $(10, 784)$, $(10, 1)$ | hidden weights and biases | `params["W1"]`, `params["b1"]` |
# | $Z_1$, $A_1$ | $(10, m)$ | hidden pre-activations and activations | `cache["Z1"]`, `cache["A1"]` |
# | $W_2$, $b_2$ | $(10, 10)$, $(10, 1)$ | output weights and biases | `params["W2"]`, `params["b2"]` |
# | $Z_2$, $A_2$ | $(10, m)$ | scores and probabilities | `cache["Z2"]`, `cache["A2"]` |
#
# A quick way to check a formula's shapes: in $W_1 X$ the inner sizes meet,
# $(10, 784) \times (784, m) \to (10, m)$, and $b_1$ then broadcasts along the $m$ columns.
# The package's
# <autoref identifier="mnist_scratch.network.forward"><code>forward</code></autoref>
# returns exactly these four arrays:

# %%
import re

import numpy as np
import sympy as sp

from mnist_scratch import symbolic
from mnist_scratch.data import design_matrix
from mnist_scratch.metrics import accuracy, confusion_matrix
from mnist_scratch.network import affine, forward, init_params, predict


def readable(expr: sp.Basic) -> sp.Basic:
    """Show sympy's ``w1_01`` as $w^{(1)}_{01}$: the layer as a superscript."""
    names = {
        s: sp.Symbol(re.sub(r"^([a-z]+)(\d)_(\d+)$", r"\1^{(\2)}_{\3}", s.name))
        for s in expr.free_symbols
    }
    return expr.xreplace(names)


rng = np.random.default_rng(0)
m = 5
params = init_params(rng=rng)  # the real sizes: 784-10-10, float32
X = rng.random((784, m), dtype=np.float32)  # (784, m): five made-up "images"
cache = forward(params, X)
for name, array in {**params, **cache}.items():
    print(f"{name:>2}  {str(array.shape):>10}  {array.dtype}")
assert cache["Z1"].shape == cache["A1"].shape == (10, m)
assert cache["Z2"].shape == cache["A2"].shape == (10, m)
# every column is a probability distribution
assert np.allclose(cache["A2"].sum(axis=0), 1, atol=1e-6)

# %% [markdown]
# ## The package agrees with the symbolic forms
#
# <autoref identifier="mnist_scratch.symbolic.tiny_network"><code>symbolic.tiny_network</code></autoref>
# writes a small network (3 inputs, 2 hidden units, 3 classes, $m = 2$) with a sympy symbol
# for every weight, bias and pixel, and builds $Z_1, A_1, Z_2, A_2$ from them by the formulas
# above. Here is its $Z_1 = W_1 X + b_1$, every entry a weighted sum plus a bias (a
# superscript $(\ell)$ names the layer, $x_{ij}$ is pixel $i$ of example $j$):

# %%
net = symbolic.tiny_network(inputs=3, hidden=2, classes=3, m=2)
readable(net.Z1)

# %% [markdown]
# Compiled to NumPy, those expressions must give what
# <autoref identifier="mnist_scratch.network.affine"><code>affine</code></autoref> and
# <autoref identifier="mnist_scratch.network.forward"><code>forward</code></autoref> give, in
# float64, on random parameters and inputs:

# %%
symbols = [*net.W1, *net.b1, *net.W2, *net.b2, *net.X]
forms = {
    name: sp.lambdify(symbols, getattr(net, name), "numpy")
    for name in ("Z1", "A1", "Z2", "A2")
}

small = init_params(hidden=2, inputs=3, classes=3, rng=rng, dtype=np.float64)
Xs = rng.normal(size=(3, 2))  # (inputs, m)
values = [
    v for name in ("W1", "b1", "W2", "b2") for v in small[name].ravel()
] + list(Xs.ravel())
got = forward(small, Xs)
errors = {
    name: np.abs(np.array(f(*values), dtype=float) - got[name]).max()
    for name, f in forms.items()
}
errors["affine"] = np.abs(
    affine(small["W1"], Xs, small["b1"]) - forms["Z1"](*values)
).max()
for name, error in errors.items():
    print(f"max |{name} - sympy| = {error:.1e}")
assert max(errors.values()) < 1e-14  # float64 round-off, nothing more

# %% [markdown]
# ## Why columns, and why the images are stored as rows
#
# Columns are examples because then every formula reads like the one-image formula,
# $z = W x + b$ becoming $Z = W A + b$, and the gradients on the later pages keep the same
# look. Memory, though, prefers rows. A NumPy array is stored row after row (C order); with one
# image per row, the 784 pixels of an image sit next to each other, and a mini-batch of images
# $k, \dots, k + m - 1$ is one contiguous block of memory. Picking the same images out of a
# column-per-image array would touch 784 scattered places for each image.
#
# So <autoref identifier="eq-design-matrix"><code>design_matrix</code></autoref> returns the
# images as rows $(m, 784)$, and the math receives its transpose. In NumPy `.T` makes no copy:
# it is a *view* of the same memory with the two strides swapped, and the matrix product hands
# it to BLAS as "the transpose of a row-major matrix", which BLAS reads directly.

# %%
# (m, 784) uint8, stored like MNIST
pixels = rng.integers(0, 256, size=(1000, 784), dtype=np.uint8)
rows = design_matrix(pixels)  # (m, 784) float32, C-contiguous
X = rows.T  # (784, m): a view
batch = rows[200:300].T  # a mini-batch: a slice of rows, still no copy
print(
    "X shape",
    X.shape,
    "| same memory as rows:",
    np.shares_memory(X, rows),
    "| X.base is rows:",
    X.base is rows,
)
print("rows strides", rows.strides, "-> X strides", X.strides)
print("batch is a contiguous block of rows:", batch.T.flags.c_contiguous)
assert (
    X.base is rows
    and np.shares_memory(batch, rows)
    and batch.T.flags.c_contiguous
)
Z1 = affine(params["W1"], X, params["b1"])
assert np.allclose(
    Z1, params["W1"] @ np.ascontiguousarray(X) + params["b1"], atol=1e-4
)

# %% [markdown]
# ## Where the weights start
#
# Training changes the parameters step by step from a starting point that
# <autoref identifier="mnist_scratch.network.init_params"><code>init_params</code></autoref>
# draws. It offers two schemes:
#
# <div class="equation" id="eq-init" data-code="mnist_scratch.network.init_params" markdown>
#
# $$
# \begin{aligned}
# &\text{uniform:} && W_1, b_1, W_2, b_2 \sim \mathcal{U}(-0.5,\, 0.5) \\
# &\text{he:} && (W_\ell)_{ri} \sim \mathcal{N}\!\left(0,\, \tfrac{2}{n_{\ell}}\right),
# \quad b_\ell = 0
# \end{aligned}
# $$
#
# </div>
#
# where $n_\ell$ is the number of inputs of layer $\ell$ (784 for the first, 10 for the
# second). The uniform scheme is the one of the original from-scratch seeds. The reason for He's
# scale: a unit's pre-activation $z = \sum_{i=1}^{n} w_i a_i$ with independent zero-mean weights
# has variance $\mathrm{Var}(z) = n\, \mathrm{Var}(w)\, \mathbb{E}[a^2]$. If the inputs $a$
# are ReLUs of symmetric pre-activations of variance $v$, half of them are zero and
# $\mathbb{E}[a^2] = v / 2$, so $\mathrm{Var}(w) = 2 / n$ gives $\mathrm{Var}(z) = v$: the
# scale of the signal neither grows nor shrinks from layer to layer. The uniform scheme has
# $\mathrm{Var}(w) = 1/12$ whatever $n$ is, so with 784 inputs the first layer multiplies the
# second moment of the pixels by $784 / 12 \approx 65$.
#
# The draws have the variances the formulas say:

# %%
uniform = init_params(scheme="uniform", rng=1, dtype=np.float64)
he = init_params(scheme="he", rng=1, dtype=np.float64)
print(
    "         Var(W1)   Var(W2)   [1/12 = 0.0833, 2/784 = 0.00255, 2/10 = 0.2]"
)
for scheme, p in (("uniform", uniform), ("he", he)):
    print(f"{scheme:>7}  {p['W1'].var():.5f}   {p['W2'].var():.5f}")
assert all(np.abs(a).max() <= 0.5 for a in uniform.values())
# 7840 draws: the sample variance is within a few percent of the true one.
assert abs(uniform["W1"].var() / (1 / 12) - 1) < 0.05
assert (
    abs(he["W1"].var() / (2 / 784) - 1) < 0.05
    and not he["b1"].any()
    and not he["b2"].any()
)

# %% [markdown]
# ## Prediction and accuracy
#
# The predicted digit for image $j$ is the class with the largest probability, and the accuracy
# is the fraction of images whose prediction is the true label $y_j$. Counting the pairs
# (true class $r$, predicted class $c$) gives the confusion matrix $C$, whose diagonal holds the
# correct predictions:
#
# <div class="equation" id="eq-accuracy" data-code="mnist_scratch.network.predict mnist_scratch.metrics.accuracy mnist_scratch.metrics.confusion_matrix" markdown>
#
# $$
# \begin{aligned}
# \hat{y}_j &= \arg\max_k\, (A_2)_{kj}, \\
# \mathrm{accuracy} &= \frac{1}{m} \sum_{j=1}^{m} \mathbb{1}\left[\hat{y}_j = y_j\right]
# = \frac{\mathrm{tr}\, C}{m}, \\
# C_{rc} &= \sum_{j=1}^{m} \mathbb{1}\left[y_j = r\right] \mathbb{1}\left[\hat{y}_j = c\right]
# \end{aligned}
# $$
#
# </div>
#
# Softmax is increasing in each score and divides every entry of a column by the same sum, so
# the largest probability sits where the largest score does: $\arg\max_k A_2 = \arg\max_k Z_2$.
# The check below uses the package's
# <autoref identifier="mnist_scratch.network.predict"><code>predict</code></autoref>,
# <autoref identifier="mnist_scratch.metrics.accuracy"><code>accuracy</code></autoref> and
# <autoref identifier="mnist_scratch.metrics.confusion_matrix"><code>confusion_matrix</code></autoref>
# on an untrained network, so the accuracy is near chance (one in ten):

# %%
labels = rng.integers(0, 10, size=1000)
predictions = predict(params, X)  # (m,) integers
cache = forward(params, X)
C = confusion_matrix(predictions, labels, k=10)
acc = accuracy(predictions, labels)
assert np.array_equal(predictions, cache["A2"].argmax(axis=0))
# softmax keeps the order of the scores
assert np.array_equal(predictions, cache["Z2"].argmax(axis=0))
assert acc == np.trace(C) / labels.size == np.mean(predictions == labels)
# row r of C counts the images whose true class is r
assert np.array_equal(C.sum(axis=1), np.bincount(labels, minlength=10))
print(f"accuracy = {acc:.3f} = trace(C) / m = {np.trace(C)} / {labels.size}")
