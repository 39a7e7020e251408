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
# differentiate a small network with respect to every entry of $Z_1$ and compares the result
# with the formula, and checks the package's function numerically.
#
# ## The derivation
#
# As for $\delta_2$, work with the summed loss $m L = \sum_j \ell_j$ and define
# $\delta_1 = \partial (m L) / \partial Z_1$, a $(10, m)$ matrix like $Z_1$. Follow one entry
# $(Z_1)_{hj}$, hidden unit $h$ on example $j$, forward through the network:
#
# - it changes only $(A_1)_{hj} = \mathrm{ReLU}((Z_1)_{hj})$, at the rate
#   $\mathrm{ReLU}'((Z_1)_{hj})$ (<autoref identifier="eq-relu-prime">ReLU's derivative</autoref>);
# - $(A_1)_{hj}$ enters the output scores of the same example, every class $k$:
#   $(Z_2)_{kj} = \sum_{h'} (W_2)_{kh'} (A_1)_{h'j} + (b_2)_k$, so
#   $\partial (Z_2)_{kj} / \partial (A_1)_{hj} = (W_2)_{kh}$;
# - and $\partial (m L) / \partial (Z_2)_{kj} = (\delta_2)_{kj}$.
#
# The chain rule adds up the paths, one per class $k$:
#
# <div class="equation" id="eq-hidden-error-chain" data-code="mnist_scratch.gradients.hidden_error" markdown>
#
# $$
# \frac{\partial (m L)}{\partial (Z_1)_{hj}}
# = \sum_{k} \frac{\partial (m L)}{\partial (Z_2)_{kj}}\,
#   \frac{\partial (Z_2)_{kj}}{\partial (A_1)_{hj}}\,
#   \frac{\partial (A_1)_{hj}}{\partial (Z_1)_{hj}}
# = \Big(\sum_{k} (W_2)_{kh}\, (\delta_2)_{kj}\Big)\, \mathrm{ReLU}'\big((Z_1)_{hj}\big)
# $$
#
# </div>
#
# The sum over $k$ is entry $(h, j)$ of the matrix product $W_2^{\top} \delta_2$ (the
# transpose because the sum runs over the *first* index of $W_2$), and the ReLU factor
# multiplies entry by entry ($\odot$):
#
# <div class="equation" id="eq-hidden-error" data-code="mnist_scratch.gradients.hidden_error" markdown>
#
# $$
# \delta_1 = \left(W_2^{\top} \delta_2\right) \odot \mathrm{ReLU}'(Z_1)
# $$
#
# </div>
#
# Shapes: $(10, 10)^{\top} \times (10, m) \to (10, m)$, then masked by a $(10, m)$ array of
# zeros and ones. Two things to notice. Column $j$ of $\delta_1$ depends on column $j$ of
# $\delta_2$ only: examples do not mix, exactly as in the forward pass. And a hidden unit that
# was off for an example ($(Z_1)_{hj} \le 0$) gets error 0 for it: it contributed nothing to
# the output, so nudging it a little changes nothing either.
#
# ## sympy differentiates a small network
#
# Below, a network with 2 hidden units, 3 classes and $m = 2$ examples is written out in sympy
# from the hidden pre-activations on: every entry of $Z_1$, $W_2$, $b_2$ and $Y$ is a symbol
# ($z_{h,j}$, $w_{k,h}$, $b_k$, $y_{k,j}$),
# and $A_1$, $Z_2$, $A_2$ and $m L$ are built from them with
# <autoref identifier="mnist_scratch.symbolic.relu_expr"><code>symbolic.relu_expr</code></autoref>
# and softmax. sympy then takes $\partial (m L) / \partial (Z_1)_{hj}$ for each of the four
# entries, with no knowledge of the formula above.

# %%
import numpy as np
import sympy as sp

from mnist_scratch import symbolic
from mnist_scratch.activations import relu, softmax
from mnist_scratch.gradients import hidden_error, output_error
from mnist_scratch.loss import one_hot

hidden, classes, m = 2, 3, 2
Z1 = sp.Matrix(hidden, m, lambda h, j: sp.Symbol(f"z_{{{h},{j}}}", real=True))
W2 = sp.Matrix(
    classes, hidden, lambda k, h: sp.Symbol(f"w_{{{k},{h}}}", real=True)
)
b2 = sp.Matrix(classes, 1, lambda k, _: sp.Symbol(f"b_{{{k}}}", real=True))
Y = sp.Matrix(classes, m, lambda k, j: sp.Symbol(f"y_{{{k},{j}}}", real=True))

A1 = Z1.applyfunc(symbolic.relu_expr)  # (hidden, m)
# (classes, m): the bias column added to every column
Z2 = W2 * A1 + b2 * sp.ones(1, m)
E = Z2.applyfunc(sp.exp)
# softmax of each column
A2 = sp.Matrix(classes, m, lambda k, j: E[k, j] / sum(E[:, j]))
mL = -sum(Y[k, j] * sp.log(A2[k, j]) for k in range(classes) for j in range(m))

by_sympy = Z1.applyfunc(lambda z: sp.diff(mL, z))  # one diff per entry of Z1
print(
    "the derivative with respect to (Z1)_00 has",
    sp.count_ops(by_sympy[0, 0]),
    "operations",
)

# %% [markdown]
# The formula, written with the same symbols and
# <autoref identifier="mnist_scratch.symbolic.relu_prime_expr"><code>symbolic.relu_prime_expr</code></autoref>
# for $\mathrm{ReLU}'$ (sympy prints the step function $H$ as $\theta$). Here $a_{k,j}$
# stands for the softmax output $(A_2)_{kj}$ so that the formula fits on the screen; the
# column of example 0:

# %%
a2 = sp.Matrix(classes, m, lambda k, j: sp.Symbol(f"a_{{{k},{j}}}"))
mask = Z1.applyfunc(symbolic.relu_prime_expr)
formula_short = (W2.T * (a2 - Y)).multiply_elementwise(mask)
formula_short[:, 0]

# %% [markdown]
# sympy's derivative of $\max(0, z)$ is a step function worth $\tfrac{1}{2}$ at 0; the package
# takes 0 there (<autoref identifier="eq-relu-prime">why that is fine</autoref>), so the
# comparison first switches sympy's result to the package's convention. The other fact used
# is that each column of $Y$ sums to 1, substituted as $y_{2j} = 1 - y_{0j} - y_{1j}$. Each
# difference is then put over a common denominator and its numerator expanded: it is exactly
# 0 for all four entries.

# %%
formula = formula_short.xreplace(dict(zip(a2, A2, strict=True)))
at_kink = {sp.Heaviside(z, sp.S.Half): sp.Heaviside(z, 0) for z in Z1}
one_hot_sums = {Y[classes - 1, j]: 1 - sum(Y[:-1, j]) for j in range(m)}


def is_zero(expr: sp.Expr) -> bool:
    """Exactly 0: over a common denominator the expanded numerator vanishes."""
    numerator, _ = sp.together(expr).as_numer_denom()
    return sp.expand(numerator) == 0


difference = (by_sympy.xreplace(at_kink) - formula).subs(one_hot_sums)
zero = difference.applyfunc(lambda e: 0 if is_zero(e) else e)
assert zero.is_zero_matrix, "d(mL)/dZ1 differs from (W2^T delta2) * ReLU'(Z1)"
zero

# %% [markdown]
# ## The package agrees with the symbolic form
#
# sympy's derivative, compiled to NumPy, against the package's
# <autoref identifier="mnist_scratch.gradients.hidden_error"><code>hidden_error</code></autoref>
# fed with
# <autoref identifier="mnist_scratch.gradients.output_error"><code>output_error</code></autoref>,
# on random float64 values and one-hot targets. No entry of $Z_1$ is exactly 0, so the
# convention at the kink plays no part here.

# %%
symbols = [*Z1, *W2, *b2, *Y]
delta1_of = sp.lambdify(symbols, by_sympy, "numpy")
rng = np.random.default_rng(0)
worst = 0.0
for _ in range(20):
    Z1n = rng.normal(size=(hidden, m))
    W2n = rng.normal(size=(classes, hidden))
    b2n = rng.normal(size=(classes, 1))
    Yn = one_hot(rng.integers(0, classes, size=m), classes, dtype=np.float64)
    A2n = softmax(W2n @ relu(Z1n) + b2n)
    package = hidden_error(W2n, output_error(A2n, Yn), Z1n)
    expected = np.array(
        delta1_of(*Z1n.ravel(), *W2n.ravel(), *b2n.ravel(), *Yn.ravel()),
        dtype=float,
    )
    worst = max(worst, np.abs(package - expected).max())
assert worst < 1e-13  # float64 round-off, on 20 random draws
print(f"max |hidden_error - sympy| over 20 draws = {worst:.1e}")
