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
# # The update: gradient descent, momentum, schedules
#
# <autoref identifier="eq-backward">Back-propagation</autoref> gives the gradient $d\theta$ of
# the loss for each parameter array $\theta \in \{W_1, b_1, W_2, b_2\}$. Training moves each
# parameter a little against its gradient and repeats. This page says why that direction
# lowers the loss, adds momentum (a running sum of past gradients), and the learning-rate
# schedules the runs use, each proved or computed with sympy and checked against
# <autoref identifier="mnist_scratch.optim"><code>optim</code></autoref>'s functions.
#
# ## Gradient descent
#
# <div class="equation" id="eq-gd-update" data-code="mnist_scratch.optim.gd_update" markdown>
#
# $$
# \theta \leftarrow \theta - \alpha\, d\theta, \qquad d\theta = \frac{\partial L}{\partial \theta}
# $$
#
# </div>
#
# Why the minus sign: move the parameters a distance $\alpha$ along some direction and watch
# the loss. Along $-d\theta$, the loss starts changing at the rate
#
# <div class="equation" id="eq-gd-descent" data-code="mnist_scratch.optim.gd_update" markdown>
#
# $$
# \frac{d}{d\alpha}\, L\big(\theta - \alpha\, d\theta\big)\Big|_{\alpha = 0}
# = -\sum_i \left(\frac{\partial L}{\partial \theta_i}\right)^{2} = -\lVert d\theta \rVert^2 \le 0
# $$
#
# </div>
#
# so a small enough step lowers the loss unless the gradient is already zero (and no other
# direction of the same length lowers it faster, by the Cauchy–Schwarz inequality). sympy
# confirms the rate for an arbitrary differentiable function $L$ of two parameters:

# %%
import math

import numpy as np
import sympy as sp

from mnist_scratch.optim import (
    constant_lr,
    cosine_lr,
    gd_update,
    learning_rate,
    momentum_update,
    warmup_cosine_lr,
)

t1, t2, alpha = sp.symbols("theta_1 theta_2 alpha", real=True)
L = sp.Function("L")
g1, g2 = sp.diff(L(t1, t2), t1), sp.diff(L(t1, t2), t2)
rate = sp.diff(L(t1 - alpha * g1, t2 - alpha * g2), alpha).subs(alpha, 0).doit()
assert sp.simplify(rate + g1**2 + g2**2) == 0
sp.Eq(
    sp.Symbol(r"\frac{d}{d\alpha} L(\theta - \alpha\, d\theta)\Big|_{0}"),
    sp.simplify(rate),
)

# %% [markdown]
# The package's <autoref identifier="mnist_scratch.optim.gd_update"><code>gd_update</code></autoref>
# is exactly that subtraction. It keeps the parameter's dtype (a float32 network stays float32
# even when the learning rate arrives as a NumPy float64), and with `inplace=True` it
# overwrites the array instead of allocating a new one:

# %%
rng = np.random.default_rng(0)
theta = rng.normal(size=(10, 784)).astype(np.float32)
dtheta = rng.normal(size=(10, 784)).astype(np.float32)
lr = np.float64(0.1)
new = gd_update(theta, dtheta, lr)
assert new.dtype == np.float32 and np.array_equal(
    new, theta - np.float32(lr) * dtheta
)
same = gd_update(theta, dtheta, lr, inplace=True)
assert same is theta and np.array_equal(theta, new)
print("dtype kept:", new.dtype, "| in place, same array:", same is theta)

# %% [markdown]
# ## Momentum
#
# Plain gradient descent forgets the previous step. Momentum keeps a velocity $v$ (starting at
# 0) that accumulates the gradients, decaying the old ones by a factor $\mu \in [0, 1)$ per
# step, and moves along it:
#
# <div class="equation" id="eq-momentum" data-code="mnist_scratch.optim.momentum_update" markdown>
#
# $$
# v \leftarrow \mu\, v + d\theta, \qquad \theta \leftarrow \theta - \alpha\, v
# $$
#
# </div>
#
# Unrolled from $v_0 = 0$, the velocity after $t$ steps is a weighted sum of all the gradients
# seen so far, the recent ones weighted most:
# $v_t = \sum_{s=1}^{t} \mu^{\,t-s}\, d\theta_s$. Directions that the gradients agree on add up;
# directions where they flip sign from step to step cancel. With $\mu = 0$ it is plain gradient
# descent. If the gradient is the same $g$ at every step, the geometric sum gives
#
# <div class="equation" id="eq-momentum-limit" data-code="mnist_scratch.optim.momentum_update" markdown>
#
# $$
# v_t = g \sum_{s=1}^{t} \mu^{\,t-s} = g\, \frac{1 - \mu^{t}}{1 - \mu}
# \;\longrightarrow\; \frac{g}{1 - \mu} \quad (t \to \infty)
# $$
#
# </div>
#
# so with $\mu = 0.9$ the steps grow to ten times those of plain descent along a steady slope.
# sympy checks that the closed form satisfies the update with $v_0 = 0$, and solves for the
# velocity that the update leaves unchanged:

# %%
mu, g, v = sp.symbols("mu g v", real=True)
t = sp.Symbol("t", integer=True, nonnegative=True)
closed = g * (1 - mu**t) / (1 - mu)
assert closed.subs(t, 0) == 0  # v_0 = 0
# v_{t+1} = mu v_t + g
assert sp.simplify(closed.subs(t, t + 1) - (mu * closed + g)) == 0
fixed_point = sp.solve(sp.Eq(v, mu * v + g), v)
assert len(fixed_point) == 1 and sp.simplify(fixed_point[0] - g / (1 - mu)) == 0
sp.Eq(sp.Symbol("v_{*}"), fixed_point[0])

# %% [markdown]
# <autoref identifier="mnist_scratch.optim.momentum_update"><code>momentum_update</code></autoref>
# against the unrolled sum over 30 steps of random gradients, and against
# <autoref identifier="mnist_scratch.optim.gd_update"><code>gd_update</code></autoref> when
# $\mu = 0$:

# %%
mu_value, lr = 0.9, 0.05
grads = rng.normal(size=(30, 4))
theta, velocity = np.zeros(4), np.zeros(4)
worst = 0.0
for step in range(1, 31):
    theta, velocity = momentum_update(
        theta, grads[step - 1], velocity, lr, mu_value
    )
    unrolled = sum(
        mu_value ** (step - s) * grads[s - 1] for s in range(1, step + 1)
    )
    worst = max(worst, np.abs(velocity - unrolled).max())
steps_taken = -lr * sum(
    sum(mu_value ** (k - s) * grads[s - 1] for s in range(1, k + 1))
    for k in range(1, 31)
)
worst = max(worst, np.abs(theta - steps_taken).max())
plain, _ = momentum_update(np.ones(4), grads[0], np.zeros(4), lr, mu=0.0)
assert np.array_equal(plain, gd_update(np.ones(4), grads[0], lr))
assert worst < 1e-12  # the same sums, accumulated in another order
print(f"max |momentum_update - unrolled sum| over 30 steps = {worst:.1e}")

# %% [markdown]
# ## Learning-rate schedules
#
# The seeds' runs use one learning rate from start to finish
# (<autoref identifier="mnist_scratch.optim.constant_lr"><code>constant_lr</code></autoref>):
#
# <div class="equation" id="eq-constant-schedule" data-code="mnist_scratch.optim.constant_lr" markdown>
#
# $$
# \alpha_t = \alpha_0, \qquad t = 0, \dots, T
# $$
#
# </div>
#
# Large steps help early, when the parameters are far from any minimum; small ones help late,
# to settle instead of bouncing around one. A cosine schedule
# (<autoref identifier="mnist_scratch.optim.cosine_lr"><code>cosine_lr</code></autoref>) goes
# from $\alpha_0$ at step 0 to $\alpha_{\min}$ at the last step $T$ along half a period of a
# cosine:
#
# <div class="equation" id="eq-cosine-schedule" data-code="mnist_scratch.optim.cosine_lr mnist_scratch.optim.learning_rate" markdown>
#
# $$
# \alpha_t = \alpha_{\min} + \tfrac{1}{2}\left(\alpha_0 - \alpha_{\min}\right)
# \left(1 + \cos \frac{\pi t}{T}\right)
# $$
#
# </div>
#
# At $t = 0$ the cosine is 1 and $\alpha_0$ comes out; at $t = T$ it is $-1$ and
# $\alpha_{\min}$ does; halfway, the rate is the average of the two. The slope is 0 at both
# ends: the rate leaves $\alpha_0$ gently and lands softly on $\alpha_{\min}$. sympy checks all
# four facts:

# %%
a0, amin, T = sp.symbols(r"alpha_0 alpha_min T", positive=True)
ts = sp.Symbol("t", nonnegative=True)
cosine = amin + sp.Rational(1, 2) * (a0 - amin) * (1 + sp.cos(sp.pi * ts / T))
slope = sp.diff(cosine, ts)
facts = {
    "alpha(0) = alpha_0": sp.simplify(cosine.subs(ts, 0) - a0) == 0,
    "alpha(T) = alpha_min": sp.simplify(cosine.subs(ts, T) - amin) == 0,
    "alpha(T/2) = mean": sp.simplify(cosine.subs(ts, T / 2) - (a0 + amin) / 2)
    == 0,
    "slope 0 at both ends": slope.subs(ts, 0) == 0
    and sp.simplify(slope.subs(ts, T)) == 0,
}
assert all(facts.values()), facts
for fact, holds in facts.items():
    print(f"{fact}: {holds}")
cosine

# %% [markdown]
# The package's schedules against the lambdified formula at every step of a 1000-step run, and
# <autoref identifier="mnist_scratch.optim.learning_rate"><code>learning_rate</code></autoref>,
# which picks a schedule by the name a run's configuration gives:

# %%
cosine_of = sp.lambdify((ts, T, a0, amin), cosine, "math")
total, base, final = 1000, 0.5, 0.01
error = max(
    abs(cosine_lr(s, total, base, final) - cosine_of(s, total, base, final))
    for s in range(total + 1)
)
assert error < 1e-15  # two float64 evaluations of the same expression
assert all(
    learning_rate("cosine", s, total, base, final)
    == cosine_lr(s, total, base, final)
    and learning_rate("constant", s, total, base)
    == constant_lr(s, total, base)
    == base
    for s in range(0, total + 1, 50)
)
assert math.isclose(
    cosine_lr(total // 2, total, base, final), (base + final) / 2
)
print(f"max |cosine_lr - sympy| over {total + 1} steps = {error:.1e}")
print(
    "alpha_t at t = 0, 250, 500, 750, 1000:",
    [
        round(cosine_lr(s, total, base, final), 4)
        for s in range(0, total + 1, 250)
    ],
)

# %% [markdown]
# ## Warm-up
#
# The very first steps are the riskiest: a freshly initialised network has its largest
# gradients, and one full-size step can push a hidden unit's pre-activation below zero for
# nearly every image. Such a unit then gets no gradient through
# <autoref identifier="eq-relu-prime">ReLU's derivative</autoref> and may never recover. A
# warm-up ramps the learning rate up linearly over the first $W$ steps and then follows the
# cosine schedule over the remaining $T - W$
# (<autoref identifier="mnist_scratch.optim.warmup_cosine_lr"><code>warmup_cosine_lr</code></autoref>):
#
# <div class="equation" id="eq-warmup" data-code="mnist_scratch.optim.warmup_cosine_lr mnist_scratch.optim.learning_rate" markdown>
#
# $$
# \alpha_t = \begin{cases}
# \alpha_0\, \dfrac{t + 1}{W} & 0 \le t < W \\[6pt]
# \alpha_{\min} + \tfrac{1}{2}\left(\alpha_0 - \alpha_{\min}\right)
# \left(1 + \cos \dfrac{\pi (t - W)}{T - W}\right) & W \le t \le T
# \end{cases}
# $$
#
# </div>
#
# The ramp starts at $\alpha_0 / W$ (not 0: step 0 already moves) and reaches $\alpha_0$ at
# step $W - 1$; the cosine part starts at $\alpha_0$ at step $W$, so the peak is held for two
# steps and nothing jumps. With $W = 0$ there is no ramp and the schedule is the plain cosine.
# sympy checks the joins:

# %%
W = sp.Symbol("W", positive=True)
ramp = a0 * (ts + 1) / W
after = cosine.subs({ts: ts - W, T: T - W})  # the cosine, shifted to start at W
joins = {
    "ramp ends at alpha_0": sp.simplify(ramp.subs(ts, W - 1) - a0) == 0,
    "cosine part starts at alpha_0": sp.simplify(after.subs(ts, W) - a0) == 0,
    "ends at alpha_min": sp.simplify(after.subs(ts, T) - amin) == 0,
    "W = 0 is the plain cosine": sp.simplify(after.subs(W, 0) - cosine) == 0,
}
assert all(joins.values()), joins
for fact, holds in joins.items():
    print(f"{fact}: {holds}")

# %% [markdown]
# And the package against that piecewise formula at every step, with `learning_rate`
# choosing the warm-up when a configuration asks for one:

# %%
warmup = 50
warm_of = sp.lambdify((ts, T, a0, amin, W), after, "math")
expected = [
    base * (s + 1) / warmup
    if s < warmup
    else warm_of(s, total, base, final, warmup)
    for s in range(total + 1)
]
got = [
    warmup_cosine_lr(s, total, base, warmup, final) for s in range(total + 1)
]
error = max(abs(g - e) for g, e in zip(got, expected, strict=True))
assert error < 1e-15  # the same expression, evaluated twice in float64
assert all(
    learning_rate("cosine", s, total, base, final, warmup_steps=warmup)
    == got[s]
    for s in range(total + 1)
)
print(f"max |warmup_cosine_lr - sympy| over {total + 1} steps = {error:.1e}")
print(
    f"alpha_t at t = 0, {warmup - 1}, {warmup}, 500, 1000:",
    [round(got[s], 4) for s in (0, warmup - 1, warmup, 500, 1000)],
)
