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
# The output layer has to turn $K = 10$ unbounded scores $z_0, \dots, z_{K-1}$ (one per digit)
# into probabilities: positive, summing to one, larger for larger scores. Softmax
# exponentiates (positive, increasing) and normalises (sum one). This page derives it, shows
# why the code may subtract the largest score first, derives its Jacobian, proves both for any
# number of classes with sympy, and checks the package's functions against the symbolic forms.
# It runs every time the site is built: if a proof or a check fails, the build fails.
#
# ## Definition
#
# For one example, one column $z$ of $Z_2$, with classes numbered $0, \dots, K-1$ like the
# digits:
#
# <div class="equation" id="eq-softmax" data-code="mnist_scratch.activations.softmax" markdown>
#
# $$
# a_i = \mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_{k=0}^{K-1} e^{z_k}}, \qquad i = 0, \dots, K-1
# $$
#
# </div>
#
# Applied to every column of $Z_2$ at once, $A_2 = \mathrm{softmax}(Z_2)$ has shape $(10, m)$
# and each column sums to one. The same expression in sympy, for a symbolic number of classes
# $K$, is
# <autoref identifier="mnist_scratch.symbolic.softmax_general"><code>symbolic.softmax_general</code></autoref>:

# %%
import numpy as np
import sympy as sp

from mnist_scratch import symbolic
from mnist_scratch.activations import softmax, softmax_jacobian

a_i = symbolic.softmax_general()
a_i

# %% [markdown]
# ## Why subtracting the maximum changes nothing
#
# $e^{z}$ overflows float32 for $z$ above about 88, and a network's scores can get there. So the
# code computes the softmax of $z - c$ with $c = \max_k z_k$: every exponent is then at most 0
# and the largest term is exactly $e^0 = 1$. The result is the same for any constant $c$,
# because $e^{-c}$ factors out of the numerator and the denominator:
#
# <div class="equation" id="eq-softmax-shift" data-code="mnist_scratch.activations.softmax" markdown>
#
# $$
# \mathrm{softmax}(z - c)_i = \frac{e^{z_i - c}}{\sum_{k} e^{z_k - c}}
# = \frac{e^{-c}\, e^{z_i}}{e^{-c} \sum_{k} e^{z_k}} = \mathrm{softmax}(z)_i
# $$
#
# </div>
#
# sympy proves it for a symbolic shift $c$ (so for $c = \max_k z_k$ in particular) and any $K$,
# in <autoref identifier="mnist_scratch.symbolic.prove_softmax_shift"><code>symbolic.prove_softmax_shift</code></autoref>:

# %%
proof = symbolic.prove_softmax_shift()
assert proof, proof.claim
proof

# %% [markdown]
# ## The Jacobian
#
# Back-propagation needs $\partial a_i / \partial z_j$. By the quotient rule, with
# $S = \sum_k e^{z_k}$ and $\partial S / \partial z_j = e^{z_j}$: for $i = j$ the numerator
# depends on $z_j$ too, giving $(e^{z_i} S - e^{z_i} e^{z_j}) / S^2 = a_i - a_i a_j$; for
# $i \ne j$ only the denominator does, giving $-e^{z_i} e^{z_j} / S^2 = -a_i a_j$. Both cases in
# one line with the Kronecker delta $\delta_{ij}$, and as a matrix:
#
# <div class="equation" id="eq-softmax-jacobian" data-code="mnist_scratch.activations.softmax_jacobian" markdown>
#
# $$
# \frac{\partial a_i}{\partial z_j} = a_i \left(\delta_{ij} - a_j\right),
# \qquad
# \frac{\partial a}{\partial z} = \mathrm{diag}(a) - a\, a^{\top}
# $$
#
# </div>
#
# sympy differentiates the definition for any $K$ and subtracts the claim, in
# <autoref identifier="mnist_scratch.symbolic.prove_softmax_jacobian"><code>symbolic.prove_softmax_jacobian</code></autoref>:

# %%
proof = symbolic.prove_softmax_jacobian()
assert proof, proof.claim
proof

# %% [markdown]
# For three classes, the Jacobian sympy gets by differentiating entry by entry
# (<autoref identifier="mnist_scratch.symbolic.softmax_jacobian_matrix"><code>symbolic.softmax_jacobian_matrix</code></autoref>)
# is the matrix formula with every $a_i$ written out:

# %%
J3, z3 = symbolic.softmax_jacobian_matrix(3)
a3 = sp.Matrix([sp.exp(zk) for zk in z3]) / sum(sp.exp(zk) for zk in z3)
assert sp.simplify(J3 - (sp.diag(*a3) - a3 * a3.T)) == sp.zeros(3, 3)
J3

# %% [markdown]
# ## The package agrees with the symbolic forms
#
# The symbolic softmax and Jacobian for all ten classes, compiled to NumPy by `sympy.lambdify`
# (<autoref identifier="mnist_scratch.symbolic.lambdified_forms"><code>symbolic.lambdified_forms</code></autoref>),
# against the package's
# <autoref identifier="mnist_scratch.activations.softmax"><code>softmax</code></autoref> and
# <autoref identifier="mnist_scratch.activations.softmax_jacobian"><code>softmax_jacobian</code></autoref>
# on random float64 logits:

# %%
forms = symbolic.lambdified_forms(classes=10)
rng = np.random.default_rng(0)
Z = rng.normal(scale=3.0, size=(10, 6))  # (10, m): six examples
softmax_error = np.abs(softmax(Z) - forms["softmax"](Z)).max()
jacobian_error = max(
    np.abs(softmax_jacobian(col) - forms["softmax_jacobian"](col)).max() for col in Z.T
)
assert softmax_error < 1e-14 and jacobian_error < 1e-14  # float64 round-off, nothing more
print(f"max |softmax - sympy|          = {softmax_error:.1e}")
print(f"max |softmax_jacobian - sympy| = {jacobian_error:.1e}")

# %% [markdown]
# And where the shift matters: logits of $\pm 1000$. The unshifted formula computes
# $\infty / \infty$; the package, which subtracts the maximum, gives the exact answer of the
# shifted symbolic form, in float64 and in float32.

# %%
big = np.zeros((10, 1))
big[:3, 0] = [1000.0, -1000.0, 999.0]
with np.errstate(over="ignore", invalid="ignore"):
    unshifted = forms["softmax"](big)
exact = forms["softmax"](big - big.max())
assert np.isnan(unshifted).any()
np.testing.assert_allclose(softmax(big), exact, rtol=1e-12, atol=1e-300)
assert np.isfinite(softmax(big.astype(np.float32))).all()
print("unshifted:", unshifted[:3, 0].round(4), "  package:", softmax(big)[:3, 0].round(4))
