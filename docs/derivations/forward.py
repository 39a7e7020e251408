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
# The network reads a $28 \times 28$ image as $d = 784$ numbers, mixes them into $n = 10$
# hidden units, keeps only the positive part of each, mixes those into $K = 10$ scores (one per
# digit) and turns the scores into probabilities. This page writes that down for a whole batch
# of $m$ images at once, explains the shapes, why the code stores images as rows but computes
# with columns, how the weights start out, and how a prediction and the accuracy come out at
# the end.
#
# ## One layer: an affine step
#
# Take one image as a column $x \in \mathbb{R}^{d}$. A layer with $n$ units has one row of
# weights per unit, $W \in \mathbb{R}^{n \times d}$, and one bias per unit, $b \in
# \mathbb{R}^{n}$: unit $i$ computes the weighted sum $z_i = \sum_p W_{ip}\, x_p + b_i$, that is
# $z = W x + b$.
#
# A batch of $m$ images is the matrix $A$ whose column $j$ is image $j$. Matrix multiplication
# acts column by column, so $W A$ is $W x$ for every image side by side, and the bias column is
# added to each of the $m$ columns (NumPy's broadcasting of an $(n, 1)$ array; in matrix
# notation, $b\, \mathbf{1}_m^{\top}$):
#
# <div class="equation" id="eq-affine" data-code="mnist_scratch.network.affine" markdown>
#
# $$
# Z = W A + b, \qquad Z_{ij} = \sum_{p} W_{ip} A_{pj} + b_i
# $$
#
# </div>

# %% tags=["remove_input"]
import numpy as np
from IPython.display import display

from mnist_scratch import checks, metrics, network, pages
from mnist_scratch.data import design_matrix

pages.source(network.affine)

# %% [markdown]
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
# Z_1 &= W_1 X + b_1 \\
# A_1 &= \mathrm{ReLU}(Z_1) \\
# Z_2 &= W_2 A_1 + b_2 \\
# A_2 &= \mathrm{softmax}(Z_2)
# \end{aligned}
# $$
#
# </div>

# %% tags=["remove_input"]
pages.source(network.forward)

# %% [markdown]
# Column $j$ of $A_2$ holds the network's ten probabilities for image $j$. Nothing in the
# forward pass mixes two columns: the batch is only a way to do $m$ images in one matrix
# product.
#
# ## Shapes for a batch of $m$ images
#
# | symbol | shape | what it is | in the code |
# |---|---|---|---|
# | $X$ | $(d, m)$ | pixels in $[0, 1]$, one image per column | `X` |
# | $W_1$, $b_1$ | $(n, d)$, $(n, 1)$ | hidden weights and biases | `params["W1"]`, `params["b1"]` |
# | $Z_1$, $A_1$ | $(n, m)$ | hidden pre-activations and activations | `cache["Z1"]`, `cache["A1"]` |
# | $W_2$, $b_2$ | $(K, n)$, $(K, 1)$ | output weights and biases | `params["W2"]`, `params["b2"]` |
# | $Z_2$, $A_2$ | $(K, m)$ | scores and probabilities | `cache["Z2"]`, `cache["A2"]` |
#
# A quick way to check a formula's shapes: in $W_1 X$ the inner sizes meet,
# $(n, d) \times (d, m) \to (n, m)$, and $b_1$ then broadcasts along the $m$ columns. The real
# network, on five real digits:

# %% tags=["remove_input"]
images, labels = checks.real_digits(5)
params = network.init_params(rng=0)  # 784-10-10, float32
cache = network.forward(params, design_matrix(images).T)
rows = [(name, a.shape, a.dtype) for name, a in {**params, **cache}.items()]
checks.require_true(
    "every column of A2 sums to 1", bool(np.allclose(cache["A2"].sum(axis=0), 1, atol=1e-6))
)
pages.say(
    "| array | shape | dtype |\n|---|---|---|\n"
    + "\n".join(f"| `{name}` | {shape} | {dtype} |" for name, shape, dtype in rows)
)

# %% [markdown]
# ## Why columns, and why the images are stored as rows
#
# Columns are examples because then every formula reads like the one-image formula,
# $z = W x + b$ becoming $Z = W A + b$, and the gradients on the later pages keep the same
# look. Memory, though, prefers rows. A NumPy array is stored row after row (C order); with one
# image per row, the 784 pixels of an image sit next to each other, and a mini-batch of images
# is one contiguous block of memory. Picking the same images out of a column-per-image array
# would touch 784 scattered places for each image.
#
# So <autoref identifier="eq-design-matrix"><code>design_matrix</code></autoref> returns the
# images as rows, $(m, 784)$, and the math receives its transpose. In NumPy `.T` makes no copy:
# it is a *view* of the same memory with the two strides swapped, and the matrix product hands
# it to BLAS as "the transpose of a row-major matrix", which BLAS reads directly:

# %% tags=["remove_input"]
rows_matrix = design_matrix(checks.real_digits(16)[0])  # (m, 784) float32, C-contiguous
X = rows_matrix.T  # (784, m): a view
batch = rows_matrix[4:12]  # a mini-batch: a slice of rows, still no copy
checks.require_true("X is a view of the rows", X.base is rows_matrix)
checks.require_true("a mini-batch of rows is contiguous", batch.flags.c_contiguous)
same = network.affine(params["W1"], X, params["b1"])
copied = params["W1"] @ np.ascontiguousarray(X) + params["b1"]
display(pages.checks(
    checks.require("affine on the view equals affine on a contiguous copy",
                   np.abs(same - copied).max(), 1e-5, "float32")
))  # fmt: skip
pages.say(
    f"The rows are {rows_matrix.shape} with strides {rows_matrix.strides} bytes (the next pixel "
    f"{rows_matrix.strides[1]} bytes on, the next image {rows_matrix.strides[0]}); `X = rows.T` "
    f"is {X.shape} with strides "
    f"{X.strides}, the same memory read the other way (`X.base is rows`: {X.base is rows_matrix})."
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
# &\text{he:} && (W_1)_{ip} \sim \mathcal{N}\!\left(0,\, \tfrac{2}{d}\right),\ b_1 = 0, \\
# & && (W_2)_{ki} \sim \mathcal{N}\!\left(0,\, \tfrac{2}{n}\right),\ b_2 = 0
# \end{aligned}
# $$
#
# </div>
#
# so each weight's variance is 2 over the number of inputs of its layer, its fan-in
# $n_{\text{in}}$ ($d$ for the first layer, $n$ for the second). The uniform scheme is the baseline's (the original tutorial's). The reason for He's
# scale, and the assumptions it rests on: for a unit's pre-activation
# $z = \sum_{p=1}^{n_{\text{in}}} w_p a_p$, if the weights are independent of each other and of the
# inputs, with mean 0, then $\mathrm{Var}(z) = n_{\text{in}}\, \mathrm{Var}(w)\, \mathbb{E}[a^2]$. If
# moreover the inputs are ReLUs of pre-activations that are symmetric about 0 with variance
# $v$, half of them are zero and $\mathbb{E}[a^2] = v/2$, so $\mathrm{Var}(w) = 2/n_{\text{in}}$ gives
# $\mathrm{Var}(z) = v$: the signal's scale neither grows nor shrinks from layer to layer.
# That argument is about the *second* layer, whose inputs are ReLUs. The first layer's inputs
# are pixels, not ReLUs, and the same formula then gives
# $\mathrm{Var}(z) = 2\, \mathbb{E}[x^2]$, whatever the pixels are:

# %% tags=["remove_input"]
pixels = design_matrix(checks.real_digits(300)[0], np.float64)
second_moment = float((pixels**2).mean())
uniform = network.init_params(scheme="uniform", rng=1, dtype=np.float64)
he = network.init_params(scheme="he", rng=1, dtype=np.float64)
var = {
    scheme: (p["W1"].var(), p["W2"].var()) for scheme, p in (("uniform", uniform), ("he", he))
}
expected = {"uniform": (1 / 12, 1 / 12), "he": (2 / 784, 2 / 10)}
for scheme in var:
    for got, want in zip(var[scheme], expected[scheme], strict=True):
        checks.require_true(f"{scheme} draws have the variance of the formula",
                            abs(got / want - 1) < 0.1)  # fmt: skip
z_he = he["W1"] @ pixels.T
z_uniform = uniform["W1"] @ pixels.T
pages.say(
    f"On {len(pixels)} real test digits, $\\mathbb{{E}}[x^2] = {second_moment:.3f}$ (most pixels are "
    f"black). With He's first layer the pre-activations' second moment is "
    f"{(z_he**2).mean():.3f}, close to $2\\,\\mathbb{{E}}[x^2] = {2 * second_moment:.3f}$; with "
    f"the uniform scheme, whose $\\mathrm{{Var}}(w) = 1/12$ does not depend on $d$, it is "
    f"{(z_uniform**2).mean():.2f}, about $d/12 \\approx {pixels.shape[1] / 12:.0f}$ times "
    "$\\mathbb{E}[x^2]$ (before the bias). The draws have the variances the formulas say:\n\n"
    "| scheme | $\\mathrm{Var}(W_1)$ | formula | $\\mathrm{Var}(W_2)$ | formula |\n"
    "|---|---|---|---|---|\n"
    + "\n".join(
        f"| {scheme} | {var[scheme][0]:.5f} | {expected[scheme][0]:.5f} | {var[scheme][1]:.4f} "
        f"| {expected[scheme][1]:.4f} |"
        for scheme in var
    )
)

# %% tags=["remove_input"]
pages.source(network.init_params)

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

# %% tags=["remove_input"]
pages.source(network.predict, metrics.accuracy)

# %% [markdown]
# Softmax is increasing in each score and divides every entry of a column by the same sum, so
# the largest probability sits where the largest score does: $\arg\max_k A_2 = \arg\max_k Z_2$.
# On the untrained network and 300 real digits the accuracy is near chance:

# %% tags=["remove_input"]
digits, truth = checks.real_digits(300)
X300 = design_matrix(digits).T
predictions = network.predict(params, X300)
cache300 = network.forward(params, X300)
C = metrics.confusion_matrix(predictions, truth, k=10)
acc = metrics.accuracy(predictions, truth)
checks.require_true("argmax of A2 is argmax of Z2",
                    np.array_equal(cache300["A2"].argmax(axis=0), cache300["Z2"].argmax(axis=0)))  # fmt: skip
checks.require_true("accuracy is trace(C) / m", acc == np.trace(C) / truth.size)
checks.require_true("row r of C counts the images of class r",
                    np.array_equal(C.sum(axis=1), np.bincount(truth, minlength=10)))  # fmt: skip
pages.say(
    f"accuracy = trace(C) / m = {np.trace(C)} / {truth.size} = {acc:.3f}, against 1/10 for a "
    "guess; training is what the rest of these pages are for."
)

# %% [markdown]
# ## The package agrees with the symbolic forms
#
# Small networks written out in sympy, one symbol per weight, bias and pixel, compiled to
# NumPy, against <autoref identifier="mnist_scratch.network.forward"><code>forward</code></autoref>
# and <autoref identifier="mnist_scratch.network.affine"><code>affine</code></autoref> in float64:

# %% tags=["remove_input"]
pages.check(checks.check_forward)
