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
# Training needs one number that says how wrong the network is, small when it puts a high
# probability on the true digit. This page writes the labels in the shape of the output
# (one-hot columns), defines the loss, explains why it is a mean over the batch, shows why the
# package's loss stays finite even when a probability rounds to zero, and checks the package
# against sympy.
#
# ## One-hot targets
#
# The labels are integers $y_j \in \{0, \dots, 9\}$. To compare them with the $(10, m)$
# probabilities $A_2$, each becomes a column with a 1 in row $y_j$ and 0 elsewhere:
#
# <div class="equation" id="eq-one-hot" data-code="mnist_scratch.loss.one_hot" markdown>
#
# $$
# Y_{kj} = \begin{cases} 1 & k = y_j \\ 0 & \text{otherwise} \end{cases}
# \qquad\Longrightarrow\qquad \sum_{k} Y_{kj} = 1 \text{ for every example } j
# $$
#
# </div>
#
# Each column of $Y$ is itself a probability distribution: all its mass on the true class. That
# every column sums to 1 is the one fact about $Y$ the
# <autoref identifier="eq-output-error">output error</autoref> relies on.
# <autoref identifier="mnist_scratch.loss.one_hot"><code>one_hot</code></autoref> builds it:

# %%
import numpy as np
import sympy as sp

from mnist_scratch import symbolic
from mnist_scratch.activations import softmax
from mnist_scratch.loss import cross_entropy, one_hot

labels = np.array([5, 0, 4, 1, 9])
Y = one_hot(labels)  # (10, m)
print(Y.astype(int))
assert (
    Y.shape == (10, 5)
    and (Y.sum(axis=0) == 1).all()
    and (Y.argmax(axis=0) == labels).all()
)

# %% [markdown]
# ## The loss
#
# For one example with probabilities $a$ and one-hot target $y$, the cross-entropy is
# $-\sum_k y_k \log a_k$. Because $y$ is one-hot, only the true class $t$ survives the sum and
# the loss is $-\log a_t$: 0 when the network is certain and right ($a_t = 1$), growing without
# bound as $a_t \to 0$. Over a batch the package averages the $m$ per-example losses:
#
# <div class="equation" id="eq-cross-entropy" data-code="mnist_scratch.loss.cross_entropy" markdown>
#
# $$
# L = -\frac{1}{m} \sum_{j=1}^{m} \sum_{k=0}^{K-1} Y_{kj} \log (A_2)_{kj}
# = -\frac{1}{m} \sum_{j=1}^{m} \log (A_2)_{y_j j}
# $$
#
# </div>
#
# The per-example form for any number of classes $K$, with softmax written out, is
# <autoref identifier="mnist_scratch.symbolic.cross_entropy_general"><code>symbolic.cross_entropy_general</code></autoref>
# (its classes are counted from 0, like the digits):

# %%
L_general = symbolic.cross_entropy_general()
L_general

# %% [markdown]
# Expanded for three classes with the target one-hot on class 1 ($y_0 = y_2 = 0$, $y_1 = 1$),
# sympy's form reduces to minus the log of that one probability:

# %%
L3, zs, ys = symbolic.concrete(L_general, 3)
a1 = symbolic.concrete(symbolic.softmax_general(1), 3)[0]
on_class_1 = L3.subs({ys[0]: 0, ys[1]: 1, ys[2]: 0})
assert sp.simplify(on_class_1 - (-sp.log(a1))) == 0
sp.Eq(sp.Symbol("L"), on_class_1)

# %% [markdown]
# ## Why the mean, and where the $1/m$ goes
#
# Dividing by $m$ makes the loss a per-example average: it does not grow when the batch does,
# so a learning rate that works for a batch of 100 images also makes sense for 60 000. The
# factor comes out of every gradient as well, which is why each of the
# <autoref identifier="eq-weight-gradient">parameter gradients</autoref> carries a $1/m$.
# Repeating the batch twice over leaves the mean unchanged:

# %%
rng = np.random.default_rng(0)
Z = rng.normal(scale=3.0, size=(10, 5))
A2 = softmax(Z)
twice = cross_entropy(np.tile(A2, 2), np.tile(Y, 2))
assert abs(twice - cross_entropy(A2, Y)) < 1e-12
print(
    f"L on the batch = {cross_entropy(A2, Y):.6f},"
    f"  L on the batch repeated twice = {twice:.6f}"
)

# %% [markdown]
# ## Finite even when a probability underflows
#
# Softmax of a score far below the largest one is $e^{-\text{gap}}$, which underflows to exactly
# 0 once the gap exceeds about 103 in float32 (745 in float64). If that happens to the true
# class, $\log 0 = -\infty$ and the loss would be infinite, poisoning any average it enters.
# <autoref identifier="mnist_scratch.loss.cross_entropy"><code>cross_entropy</code></autoref>
# therefore clips each probability from below at the dtype's smallest normal number
# $a_{\min}$ before the log:
#
# <div class="equation" id="eq-cross-entropy-clip" data-code="mnist_scratch.loss.cross_entropy" markdown>
#
# $$
# \begin{aligned}
# L &= -\frac{1}{m} \sum_{j, k} Y_{kj} \log \max\!\left((A_2)_{kj},\, a_{\min}\right), \\
# a_{\min} &= 2^{-126} \approx 1.2 \times 10^{-38} \text{ in float32},
# \quad 2^{-1022} \approx 2.2 \times 10^{-308} \text{ in float64}
# \end{aligned}
# $$
#
# </div>
#
# For any probability at least $a_{\min}$ nothing changes. When the true probability did
# underflow, its real value was below $a_{\min}$, so $-\log a_{\min}$ (about 87.3 in float32)
# is an *underestimate* of that example's loss: the reported loss is finite and a lower bound.
# Training never differentiates this function (the gradient is computed directly as
# $A_2 - Y$), so the clip cannot bias a gradient.

# %%
far = np.zeros((10, 1), dtype=np.float32)
far[0, 0] = 200.0  # class 0 is 200 above every other class
A_far = softmax(far)
target = one_hot(np.array([3]), dtype=np.float32)  # ... but the true class is 3
with np.errstate(divide="ignore"):
    naive = -float(np.log(A_far[3, 0]))  # the one term the one-hot target keeps
clipped = cross_entropy(A_far, target)
print(
    f"a_3 = {A_far[3, 0]},  naive loss = {naive},  package loss = {clipped:.2f}"
)
assert A_far[3, 0] == 0 and np.isinf(naive)
floor = -np.log(np.finfo(np.float32).tiny)  # -log a_min, about 87.3
assert abs(clipped - floor) < 1e-3 and clipped < 200  # finite, a lower bound

# %% [markdown]
# ## The package agrees with the symbolic form
#
# sympy's cross-entropy, lambdified from the logits for all ten classes
# (<autoref identifier="mnist_scratch.symbolic.lambdified_forms"><code>symbolic.lambdified_forms</code></autoref>),
# against the package's `cross_entropy(softmax(Z), Y)` on random float64 logits and labels:

# %%
forms = symbolic.lambdified_forms(classes=10)
Z = rng.normal(scale=3.0, size=(10, 8))  # (10, m)
Y = one_hot(rng.integers(0, 10, size=8), dtype=np.float64)
error = abs(cross_entropy(softmax(Z), Y) - forms["cross_entropy"](Z, Y))
assert error < 1e-13  # float64 round-off on a loss of order 1
print(f"|cross_entropy - sympy| = {error:.1e}")
