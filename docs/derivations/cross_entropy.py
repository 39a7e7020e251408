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
# # Cross-entropy
#
# Training needs one number that says how wrong the network is: small when it puts a high
# probability on the true digit, large when it does not. This page writes the labels in the
# shape of the output (one-hot columns), defines the loss, explains why it is a mean over the
# batch, and shows what the package reports when a probability is too small for the computer
# to hold, and how to get the exact value anyway.
#
# ## One-hot targets
#
# The labels are integers $y_j \in \{0, \dots, 9\}$. To compare them with the $(K, m)$
# probabilities $A_2$, each becomes a column with a 1 in row $y_j$ and 0 elsewhere:
#
# <div class="equation" id="eq-one-hot" data-code="mnist_scratch.loss.one_hot" markdown>
#
# $$
# \begin{aligned}
# Y_{kj} &= \begin{cases} 1 & k = y_j \\ 0 & \text{otherwise} \end{cases} \\
# \sum_{k} Y_{kj} &= 1 \quad \text{for every example } j
# \end{aligned}
# $$
#
# </div>
#
# Each column of $Y$ is itself a probability distribution, all its mass on the true class.
# That every column sums to 1 is the one fact about $Y$ the
# <autoref identifier="eq-output-error">output error</autoref> relies on.

# %% tags=["remove_input"]
import numpy as np

from mnist_scratch import activations, checks, loss, pages, plots

pages.source(loss.one_hot)

# %% [markdown]
# ## The loss
#
# For one example with probabilities $a$ and one-hot target $y$, the cross-entropy is
# $-\sum_k y_k \log a_k$. Because $y$ is one-hot, only the true class survives the sum and the
# loss is $-\log$ of the probability the network gave the right answer: 0 when it is certain
# and right, growing without bound as that probability goes to 0. Over a batch, example $j$'s
# loss is $\ell_j$ and the package reports their mean $L$:
#
# <div class="equation" id="eq-cross-entropy" data-code="mnist_scratch.loss.cross_entropy mnist_scratch.loss.cross_entropy_from_logits" markdown>
#
# $$
# \begin{aligned}
# \ell_j &= -\sum_{k=0}^{K-1} Y_{kj} \log (A_2)_{kj} = -\log (A_2)_{y_j j}, \\
# L &= \frac{1}{m} \sum_{j=1}^{m} \ell_j
# \end{aligned}
# $$
#
# </div>

# %% tags=["remove_input"]
pages.figure(
    plots.loss_of_true_probability(),
    "The loss -log a falls to 0 as the probability of the true class rises to 1. Computed "
    "from float32 probabilities, the package's loss stops growing below float32's smallest "
    "normal number; in float64 it follows -log a over the whole range shown.",
)

# %% [markdown]
# ## Why the mean, and where the 1/m goes
#
# Dividing by $m$ makes the loss a per-example average: it does not grow when the batch does,
# so a learning rate that works for a batch of 32 images also makes sense for 60 000. The
# factor comes out of every gradient as well, which is why each of the
# <autoref identifier="eq-weight-gradient">parameter gradients</autoref> carries a $1/m$.
# Repeating a batch twice over leaves the mean unchanged:

# %% tags=["remove_input"]
rng = np.random.default_rng(0)
Z = rng.normal(scale=3.0, size=(10, 5))
Y = loss.one_hot(np.array([5, 0, 4, 1, 9]), dtype=np.float64)
once = loss.cross_entropy(activations.softmax(Z), Y)
twice = loss.cross_entropy(activations.softmax(np.tile(Z, 2)), np.tile(Y, 2))
pages.checks(checks.require("L of a batch repeated twice equals L of the batch", abs(twice - once),
                            1e-14, f"L = {once:.6f}"))  # fmt: skip

# %% [markdown]
# ## When a probability is too small to hold
#
# Softmax of a score far below the largest one is about $e^{-\text{gap}}$, and a computer
# rounds that to exactly 0 once the gap is large enough:

# %% tags=["remove_input"]
def underflow_gap(dtype: type) -> float:
    """The smallest gap at which softmax rounds the lower class to 0 (bisection)."""
    low, high = 0.0, 2000.0
    for _ in range(60):
        mid = (low + high) / 2
        zero = activations.softmax(np.array([[0.0], [-mid]], dtype=dtype))[1, 0] == 0
        low, high = (low, mid) if zero else (mid, high)
    return high


dtypes = (np.float32, np.float64)
gap = {d: underflow_gap(d) for d in dtypes}
tiny = {d: float(np.finfo(d).tiny) for d in dtypes}
cap = {d: float(-np.log(tiny[d])) for d in dtypes}
exponent = {d: int(np.log2(tiny[d])) for d in dtypes}
pages.say(
    f"In float32 the probability of a class {gap[np.float32]:.2f} below the top one is "
    f"already 0; in float64 the gap is {gap[np.float64]:.2f}. If that class is the true one, "
    "$\\log 0 = -\\infty$ and the loss is infinite, poisoning every average it enters. "
    '<autoref identifier="mnist_scratch.loss.cross_entropy"><code>cross_entropy</code></autoref>, '
    "which takes probabilities (that "
    "is its signature, and training and the exercises call it), therefore clips each "
    "probability from below at the dtype's smallest normal number $a_{\\min}$ before the log:"
)

# %% [markdown]
# <div class="equation" id="eq-cross-entropy-clip" data-code="mnist_scratch.loss.cross_entropy" markdown>
#
# $$
# \begin{aligned}
# L_{\text{reported}} &= -\frac{1}{m} \sum_{j, k} Y_{kj} \log \max\!\big((A_2)_{kj},\, a_{\min}\big) \\
# &= \frac{1}{m} \sum_{j} \min\!\big(\ell_j,\; -\log a_{\min}\big)
# \end{aligned}
# $$
#
# </div>

# %% tags=["remove_input"]
pages.say(
    "| dtype | $a_{\\min}$ | $-\\log a_{\\min}$, the most one example can add |\n|---|---|---|\n"
    + "\n".join(
        f"| {np.dtype(d).name} | $2^{{{exponent[d]}}} \\approx {pages.sci(tiny[d])}$ | {cap[d]:.2f} |"
        for d in dtypes
    )
)

# %% [markdown]
# The second line is the bound: for any probability at least $a_{\min}$ nothing changes, and an
# example whose true probability underflowed adds $-\log a_{\min}$ instead of its real,
# larger loss. So the reported loss is finite and never above the exact one
# (`tests/test_loss.py` checks exactly this equality on batches with clipped examples).
# Training never differentiates this function: the gradient is computed directly as
# $A_2 - Y$, so the clip cannot bias a gradient.

# %% tags=["remove_input"]
pages.source(loss.cross_entropy)

# %% [markdown]
# ## The exact loss, from the logits
#
# The clip is honest about being a bound, but a loss of $-\log a_{\min}$ is not the loss. The
# exact value needs the log of the softmax without ever forming the tiny probability: the
# log of a softmax is a difference, and the log-sum-exp in it can be shifted like softmax
# itself, with $c = \max_{k'} z_{k'}$:
#
# <div class="equation" id="eq-log-softmax" data-code="mnist_scratch.activations.log_softmax" markdown>
#
# $$
# \begin{aligned}
# \log a_k &= z_k - \log \sum_{k'} e^{z_{k'}} \\
# &= (z_k - c) - \log \sum_{k'} e^{z_{k'} - c}
# \end{aligned}
# $$
#
# </div>
#
# The sum is at least $e^0 = 1$, so its log is finite and never negative, and $\log a_k$ comes
# out exactly even when $a_k$ itself is too small to store.

# %% tags=["remove_input"]
pages.source(activations.log_softmax)

# %% [markdown]
# <div class="equation" id="eq-cross-entropy-logits" data-code="mnist_scratch.loss.cross_entropy_from_logits" markdown>
#
# $$
# L = -\frac{1}{m} \sum_{j, k} Y_{kj}\, \log \mathrm{softmax}(Z_2)_{kj}
# $$
#
# </div>

# %% tags=["remove_input"]
pages.source(loss.cross_entropy_from_logits)

# %% [markdown]
# The two side by side, on logits $(1000, -1000, 999)$ with the true class the second one,
# whose exact loss is $2000 + \log(1 + e^{-1})$:

# %% tags=["remove_input"]
Z_far = np.array([[1000.0], [-1000.0], [999.0]])
Y_far = np.array([[0.0], [1.0], [0.0]])
exact = 2000 + np.log1p(np.exp(-1.0))
from_logits = loss.cross_entropy_from_logits(Z_far, Y_far)
clipped = loss.cross_entropy(activations.softmax(Z_far), Y_far)
checks.require("cross_entropy_from_logits equals 2000 + log(1 + 1/e)", abs(from_logits - exact),
               1e-12)  # fmt: skip
checks.require("cross_entropy(softmax) is capped at -log a_min", abs(clipped - cap[np.float64]),
               1e-12)  # fmt: skip
pages.say(
    "| computed by | loss |\n|---|---|\n"
    f"| `cross_entropy(softmax(Z), Y)`, float64 | {clipped:.2f} (the cap) |\n"
    f"| `cross_entropy_from_logits(Z, Y)` | {from_logits:.2f} |\n"
    f"| exact, $2000 + \\log(1 + e^{{-1}})$ | {exact:.2f} |"
)

# %% [markdown]
# Both functions have the same gradient with respect to the logits, $A_2 - Y$ (the
# <autoref identifier="eq-output-error">output error</autoref>), and agree to round-off
# whenever no probability underflows.
#
# ## The package agrees with the symbolic form
#
# sympy's cross-entropy, written out for ten classes from the logits and compiled to NumPy,
# against both functions on random float64 logits and labels:

# %% tags=["remove_input"]
pages.check(checks.check_cross_entropy)
