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
# The output layer has to turn ten unbounded scores $z_1, \dots, z_K$ ($K = 10$ classes) into
# ten probabilities: positive, summing to one, larger for larger scores. Softmax exponentiates
# (positive, increasing) and normalises (sum one). This page derives it, shows why the code may
# subtract the largest score first, derives its Jacobian, proves both with sympy, and checks the
# package's functions against the symbolic forms. It runs every time the site is built.
#
# ## Definition
#
# For one example (one column $z$ of $Z_2$):
#
# <div class="equation" id="eq-softmax" data-code="mnist_scratch.activations.softmax" markdown>
#
# $$
# a_k = \mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_{i=1}^{K} e^{z_i}}, \qquad k = 1, \dots, K
# $$
#
# </div>
#
# Applied to every column of $Z_2$ at once, $A_2 = \mathrm{softmax}(Z_2)$ has shape $(10, m)$
# and each column sums to one. We build the same expression in sympy for a few class counts
# and let it confirm that the probabilities sum to one.

# %%
import numpy as np
import sympy as sp
from IPython.display import Math, display

from mnist_scratch.activations import softmax, softmax_jacobian


def symbolic_softmax(z):
    """Softmax of a list of sympy symbols, exactly as the equation above writes it."""
    denominator = sum(sp.exp(zi) for zi in z)
    return [sp.exp(zk) / denominator for zk in z]


for K in range(2, 7):
    z = sp.symbols(f"z1:{K + 1}", real=True)
    assert sp.simplify(sum(symbolic_softmax(z)) - 1) == 0

z = sp.symbols("z1:4", real=True)
display(Math(r"K = 3:\quad a = " + sp.latex(sp.Matrix(symbolic_softmax(z)))))

# %% [markdown]
# ## Why subtracting the maximum changes nothing
#
# $e^{z}$ overflows float32 for $z$ above about 88, and a network's scores can get there. So the
# code computes softmax of $z - c$ with $c = \max_i z_i$: every exponent is then at most 0 and
# the largest term is exactly $e^0 = 1$. The result is the same for any constant $c$, because
# $e^{-c}$ factors out of the numerator and the denominator:
#
# <div class="equation" id="eq-softmax-shift" data-code="mnist_scratch.activations.softmax" markdown>
#
# $$
# \mathrm{softmax}(z - c)_k = \frac{e^{z_k - c}}{\sum_{i} e^{z_i - c}}
# = \frac{e^{-c}\, e^{z_k}}{e^{-c} \sum_{i} e^{z_i}} = \mathrm{softmax}(z)_k
# \qquad \text{for every } c \in \mathbb{R}
# $$
#
# </div>
#
# sympy checks the identity for a symbolic shift $c$ (so for $c = \max_i z_i$ in particular):

# %%
c = sp.Symbol("c", real=True)
for K in range(2, 7):
    z = sp.symbols(f"z1:{K + 1}", real=True)
    shifted = symbolic_softmax([zi - c for zi in z])
    plain = symbolic_softmax(z)
    assert all(sp.simplify(s - p) == 0 for s, p in zip(shifted, plain, strict=True))
print("softmax(z - c) == softmax(z) for K = 2..6 and symbolic c")

# %% [markdown]
# ## The Jacobian
#
# Back-propagation needs $\partial a_k / \partial z_j$. By the quotient rule, with
# $S = \sum_i e^{z_i}$ and $\partial S / \partial z_j = e^{z_j}$:
# for $k = j$ the numerator depends on $z_j$ too, giving
# $(e^{z_k} S - e^{z_k} e^{z_j}) / S^2 = a_k - a_k a_j$; for $k \ne j$ only the denominator does,
# giving $-e^{z_k} e^{z_j} / S^2 = -a_k a_j$. Both cases in one line, with the Kronecker delta
# $\delta_{kj}$, and as a matrix:
#
# <div class="equation" id="eq-softmax-jacobian" data-code="mnist_scratch.activations.softmax_jacobian" markdown>
#
# $$
# \frac{\partial a_k}{\partial z_j} = a_k \left(\delta_{kj} - a_j\right),
# \qquad
# \frac{\partial a}{\partial z} = \mathrm{diag}(a) - a\, a^{\top}
# $$
#
# </div>
#
# sympy differentiates the definition entry by entry and compares with the matrix formula:

# %%
for K in range(2, 7):
    z = sp.symbols(f"z1:{K + 1}", real=True)
    a = sp.Matrix(symbolic_softmax(z))
    jacobian = a.jacobian(z)  # entry (k, j) is d a_k / d z_j, by differentiation
    claimed = sp.diag(*a) - a * a.T
    assert sp.simplify(jacobian - claimed) == sp.zeros(K, K)
print("d softmax / dz == diag(a) - a a^T for K = 2..6")

# %% [markdown]
# ## The package agrees with the symbolic forms
#
# The symbolic softmax and Jacobian, turned into NumPy functions by `sympy.lambdify`, against
# <autoref identifier="mnist_scratch.activations.softmax"><code>softmax</code></autoref> and
# <autoref identifier="mnist_scratch.activations.softmax_jacobian"><code>softmax_jacobian</code></autoref>
# on random float64 logits for all ten classes. Then logits of $\pm 1000$, where the unshifted
# formula overflows, against the shifted symbolic form.

# %%
K = 10
z = sp.symbols(f"z1:{K + 1}", real=True)
a = sp.Matrix(symbolic_softmax(z))
softmax_sym = sp.lambdify(z, a, "numpy")
jacobian_sym = sp.lambdify(z, a.jacobian(z), "numpy")

rng = np.random.default_rng(0)
Z = rng.normal(scale=3.0, size=(K, 6))  # (10, m): six examples
A = softmax(Z)
A_sym = np.hstack([np.asarray(softmax_sym(*col), dtype=np.float64) for col in Z.T])
J_err = max(
    np.abs(softmax_jacobian(col) - np.asarray(jacobian_sym(*col), dtype=np.float64)).max()
    for col in Z.T
)
np.testing.assert_allclose(A, A_sym, rtol=1e-12, atol=1e-15)
assert J_err < 1e-14
print(f"max |softmax - symbolic|          = {np.abs(A - A_sym).max():.1e}")
print(f"max |softmax_jacobian - symbolic| = {J_err:.1e}")

# %%
big = np.array([[1000.0], [-1000.0], [999.0]] + [[0.0]] * (K - 3))  # (10, 1)
shift = float(big.max())
expected = np.asarray(softmax_sym(*(big[:, 0] - shift)), dtype=np.float64)  # shifted, exact
with np.errstate(over="ignore", invalid="ignore"):
    naive = np.asarray(softmax_sym(*big[:, 0]), dtype=np.float64)  # unshifted: inf / inf
assert np.isnan(naive).any()
np.testing.assert_allclose(softmax(big), expected, rtol=1e-12, atol=1e-300)
assert np.isfinite(softmax(big.astype(np.float32))).all()
print("unshifted formula:", np.round(naive[:3, 0], 4), " package:", np.round(softmax(big)[:3, 0], 4))
