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
# # The output error δ₂ = A₂ − Y
#
# Back-propagation starts at the output scores $Z_2$: how does the loss change when one score
# moves? Softmax couples all the scores of an example (raising one lowers every other
# probability), and the log in the loss undoes the exponentials, so one might expect a messy
# answer. It is the simplest one possible: probability minus target. This page derives it by
# hand, has sympy prove it for any number of classes $K$ (not just 10), and shows exactly where
# the one-hot property of the targets, $\sum_k y_k = 1$, is needed: without it the result is
# *not* $a - y$.
#
# ## The derivation by hand
#
# Take one example, with scores $z_0, \dots, z_{K-1}$, probabilities
# $a_k = e^{z_k} / S$ where $S = \sum_k e^{z_k}$
# (<autoref identifier="eq-softmax">softmax</autoref>) and per-example loss
# $\ell = -\sum_k y_k \log a_k$ (<autoref identifier="eq-cross-entropy">cross-entropy</autoref>).
# The log of a softmax is a difference, $\log a_k = z_k - \log S$, so
#
# - $\partial z_k / \partial z_i = \delta_{ik}$ (1 if $k = i$, else 0), and
# - $\partial \log S / \partial z_i = e^{z_i} / S = a_i$.
#
# Hence $\partial \log a_k / \partial z_i = \delta_{ik} - a_i$, and
#
# <div class="equation" id="eq-output-error-steps" data-code="mnist_scratch.gradients.output_error" markdown>
#
# $$
# \frac{\partial \ell}{\partial z_i}
# = -\sum_{k} y_k \left(\delta_{ik} - a_i\right)
# = -y_i + a_i \sum_{k} y_k
# = a_i - y_i \qquad \text{because } \textstyle\sum_k y_k = 1
# $$
#
# </div>
#
# The last step is the only place the targets' shape matters. For a batch, the mean loss is
# $L = \frac{1}{m} \sum_j \ell_j$ and score $(Z_2)_{ij}$ enters only example $j$'s loss. The
# package calls $\delta_2$ the derivative of the *sum* $m L = \sum_j \ell_j$, column by column,
# and puts the $1/m$ into the <autoref identifier="eq-weight-gradient">parameter
# gradients</autoref>:
#
# <div class="equation" id="eq-output-error" data-code="mnist_scratch.gradients.output_error" markdown>
#
# $$
# \delta_2 = \frac{\partial (m L)}{\partial Z_2} = A_2 - Y,
# \qquad (\delta_2)_{ij} = (A_2)_{ij} - Y_{ij}
# $$
#
# </div>
#
# ## The proof for any number of classes
#
# <autoref identifier="mnist_scratch.symbolic.prove_output_error"><code>symbolic.prove_output_error</code></autoref>
# does the same with sympy, with $K$ a symbol and the sums as sympy `Sum`s over indexed
# symbols $z_k$ and $y_j$, so the result holds for every $K$, not for a few sizes tried. Here
# are its steps, one by one.

# %%
import numpy as np
import sympy as sp
from IPython.display import HTML, Math, display

from mnist_scratch import symbolic
from mnist_scratch.activations import softmax
from mnist_scratch.gradients import output_error
from mnist_scratch.loss import cross_entropy, one_hot


def show_steps(proof: symbolic.Proof) -> None:
    """Each step's label, then its expression on a line of its own."""
    for number, (label, expr) in enumerate(proof.steps, start=1):
        display(HTML(f"<p><b>Step {number}</b>: {label}</p>"))
        display(Math(sp.latex(expr)))


proof = symbolic.prove_output_error()
assert proof, proof.claim
show_steps(proof)

# %% [markdown]
# Reading the steps:
#
# - **Steps 1 and 2** are the definitions: softmax and the loss for one example, with softmax
#   written out inside the log.
# - **Step 3**: sympy differentiates with respect to $z_i$. Differentiating $z_j$ or $z_k$ by
#   $z_i$ gives a Kronecker delta $\delta_{ij}$ or $\delta_{ik}$, which sympy keeps inside the
#   sums.
# - **Step 4**: a sum of $\delta_{ik}\, f(k)$ over $k = 0, \dots, K-1$ is $f(i)$ *if $i$ is one of the
#   classes*, $0 \le i \le K - 1$. sympy writes that condition out as a piecewise expression,
#   and the proof lets sympy check it (by writing $K = i + 1 + n$ with $n \ge 0$) rather than
#   dropping it by hand.
# - **Step 5**: what remains is $a_i \sum_j y_j - y_i$: the factor $a_i$ does not depend on
#   $j$, and sympy pulls it out of the sum.
# - **Step 6**: only now is $\sum_j y_j = 1$ substituted, the one place the one-hot targets
#   are used.
# - **Step 7**: the result minus the claim $a_i - y_i$ simplifies to 0.
#
# A second, independent check with no index machinery:
# <autoref identifier="mnist_scratch.symbolic.prove_output_error_for"><code>symbolic.prove_output_error_for</code></autoref>
# expands the loss for a fixed number of classes into plain symbols, takes the gradient entry
# by entry, and subtracts $a - y$ after replacing $y_{K-1}$ by $1 - \sum_{k < K-1} y_k$. It
# holds for 2 to 5 classes; the steps for two classes:

# %%
fixed = {
    classes: symbolic.prove_output_error_for(classes)
    for classes in (2, 3, 4, 5)
}
for result in fixed.values():
    assert result, result.claim
    print(result.claim, "-> holds")
show_steps(fixed[2])

# %% [markdown]
# ## Without Σ y = 1 the result is not a − y
#
# Stop the general proof one step early, at step 5, and subtract the claim: what is left is
# $a_i \left(\sum_j y_j - 1\right)$, zero only when the targets sum to one.

# %%
before_one_hot = proof.steps[4][1].rhs  # step 5: a_i * sum(y) - y_i
a_i = symbolic.softmax_general(symbolic.i)
sum_y = sp.Sum(symbolic.y[symbolic.j], (symbolic.j, 0, symbolic.K - 1))
leftover = sp.simplify(before_one_hot - (a_i - symbolic.y[symbolic.i]))
assert leftover != 0 and sp.simplify(leftover - a_i * (sum_y - 1)) == 0
leftover

# %% [markdown]
# The same for three classes, with plain symbols: sympy's gradient minus $a - y$ is $a$ times
# $(y_0 + y_1 + y_2 - 1)$. With targets $(0.5, 0.5, 0.5)$, which sum to $1.5$, sympy's gradient
# and $a - y$ differ by half of $a$:

# %%
L3, zs, ys = symbolic.concrete(symbolic.cross_entropy_general(), 3)
a3 = sp.Matrix(
    [symbolic.concrete(symbolic.softmax_general(q), 3)[0] for q in range(3)]
)
gradient = sp.Matrix([sp.diff(L3, zq) for zq in zs])
gap = (gradient - (a3 - sp.Matrix(ys))).applyfunc(sp.simplify)
assert (gap - a3 * (sum(ys) - 1)).applyfunc(sp.simplify).is_zero_matrix
not_one_hot = {
    zs[0]: 1.0,
    zs[1]: -0.5,
    zs[2]: 2.0,
    ys[0]: 0.5,
    ys[1]: 0.5,
    ys[2]: 0.5,
}
print(
    "sympy's gradient:",
    [round(float(g), 4) for g in gradient.subs(not_one_hot)],
)
print(
    "a - y:           ",
    [round(float(d), 4) for d in (a3 - sp.Matrix(ys)).subs(not_one_hot)],
)
gap

# %% [markdown]
# This is why <autoref identifier="mnist_scratch.loss.one_hot"><code>one_hot</code></autoref>
# matters: feed the network targets that do not sum to one and
# <autoref identifier="mnist_scratch.gradients.output_error"><code>output_error</code></autoref>
# would no longer be the gradient of the loss.
#
# ## The package agrees with the symbolic form
#
# sympy's gradient of the per-example loss for ten classes, lambdified *with no*
# $\sum y = 1$ *assumed*
# (<autoref identifier="mnist_scratch.symbolic.lambdified_forms"><code>symbolic.lambdified_forms</code></autoref>),
# against the package's `output_error(softmax(Z), Y)` on random float64 logits and one-hot
# targets. Then a look at the batch: a central finite difference of $m L$ with respect to a few
# entries of $Z_2$ matches $\delta_2$ (float64, step $10^{-6}$, so agreement to about
# $10^{-8}$ is all a finite difference can show).

# %%
forms = symbolic.lambdified_forms(classes=10)
rng = np.random.default_rng(0)
m = 6
Z = rng.normal(scale=3.0, size=(10, m))  # (10, m)
Y = one_hot(rng.integers(0, 10, size=m), dtype=np.float64)
delta2 = output_error(softmax(Z), Y)
sympy_error = np.abs(delta2 - forms["output_error"](Z, Y)).max()
assert sympy_error < 1e-14  # float64 round-off on entries of size <= 1
print(f"max |output_error - sympy|       = {sympy_error:.1e}")

h = 1e-6
fd_error = 0.0
for r, c in [(0, 0), (3, 2), (9, 5), (int(Y[:, 1].argmax()), 1)]:
    E = np.zeros_like(Z)
    E[r, c] = h
    central = (
        m
        * (cross_entropy(softmax(Z + E), Y) - cross_entropy(softmax(Z - E), Y))
        / (2 * h)
    )
    fd_error = max(fd_error, abs(central - delta2[r, c]))
assert fd_error < 1e-8  # truncation O(h^2) plus round-off O(eps / h)
print(f"max |finite difference - delta2| = {fd_error:.1e}")
