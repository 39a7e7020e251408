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
# lowers the loss, adds momentum (a running sum of past gradients), and draws the
# learning-rate schedules the runs use.
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

# %% tags=["remove_input"]
from mnist_scratch import checks, optim, pages, plots
from mnist_scratch.symbolic import optim as proofs

pages.source(optim.gd_update)

# %% [markdown]
# Why the minus sign: move the parameters a distance $\alpha$ along some direction and watch
# the loss. Along $-d\theta$ it starts changing at the rate
#
# <div class="equation" id="eq-gd-descent" data-proof="mnist_scratch.symbolic.optim.prove_descent_rate" markdown>
#
# $$
# \begin{aligned}
# \frac{d}{d\alpha}\, L\big(\theta - \alpha\, d\theta\big)\Big|_{\alpha = 0}
# &= -\sum_q \Big(\frac{\partial L}{\partial \theta_q}\Big)^{2} \\
# &= -\lVert d\theta \rVert^2
# \end{aligned}
# $$
#
# </div>
#
# so a small enough step lowers the loss unless the gradient is already zero (and no other
# direction of the same length lowers it faster, by the Cauchy–Schwarz inequality). sympy
# confirms the rate for an arbitrary differentiable $L$ (of two parameters here; sympy cannot
# write a function of a symbolic number of arguments, and the tests run one to three):

# %% tags=["remove_input"]
pages.proof(proofs.prove_descent_rate, "eq-gd-descent-proof")

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

# %% tags=["remove_input"]
pages.source(optim.momentum_update)

# %% [markdown]
# Unrolled from $v_0 = 0$, the velocity after $t$ steps is a weighted sum of all the gradients
# seen so far, the recent ones weighted most: $v_t = \sum_{s=1}^{t} \mu^{\,t-s}\, d\theta_s$.
# Directions that the gradients agree on add up; directions where they flip sign from step to
# step cancel. With $\mu = 0$ it is plain gradient descent. If the gradient is the same $g$ at
# every step, the geometric sum gives
#
# <div class="equation" id="eq-momentum-limit" data-proof="mnist_scratch.symbolic.optim.prove_momentum_limit" markdown>
#
# $$
# v_t = g \sum_{s=1}^{t} \mu^{\,t-s} = g\, \frac{1 - \mu^{t}}{1 - \mu}
# \;\longrightarrow\; \frac{g}{1 - \mu}
# $$
#
# </div>
#
# so with $\mu = 0.9$ the steps grow to ten times those of plain descent along a steady slope.
# sympy proves the closed form by induction on $t$ and finds the velocity the update leaves
# unchanged:

# %% tags=["remove_input"]
pages.proof(proofs.prove_momentum_limit, "eq-momentum-limit-proof")

# %% [markdown]
# Both updates against their definitions, in float32 and float64:

# %% tags=["remove_input"]
pages.check(checks.check_updates)

# %% [markdown]
# ## Learning-rate schedules
#
# The baseline (the original tutorial this project reproduces) uses one learning rate from
# start to finish:
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
# to settle instead of bouncing around one. A cosine schedule goes from $\alpha_0$ at step 0 to
# $\alpha_{\min}$ at the last step $T$ along half a period of a cosine:
#
# <div class="equation" id="eq-cosine-schedule" data-code="mnist_scratch.optim.cosine_lr mnist_scratch.optim.learning_rate" markdown>
#
# $$
# \alpha_t = \alpha_{\min} + \tfrac{1}{2}\left(\alpha_0 - \alpha_{\min}\right)
# \left(1 + \cos \frac{\pi t}{T}\right)
# $$
#
# </div>

# %% tags=["remove_input"]
pages.source(optim.cosine_lr)

# %% [markdown]
# At $t = 0$ the cosine is 1 and $\alpha_0$ comes out; at $t = T$ it is $-1$ and
# $\alpha_{\min}$ does; halfway, the rate is the average of the two. The slope is 0 at both
# ends: the rate leaves $\alpha_0$ gently and lands softly on $\alpha_{\min}$:

# %% tags=["remove_input"]
pages.proof(proofs.prove_cosine_schedule, "eq-cosine-facts")

# %% [markdown]
# ## Warm-up
#
# The very first steps are the riskiest: a freshly initialised network has its largest
# gradients, and one full-size step can push a hidden unit's pre-activation below zero for
# nearly every image. Such a unit then gets no gradient through
# <autoref identifier="eq-relu-prime">ReLU's derivative</autoref> and may never recover. A
# warm-up ramps the learning rate up linearly over the first $T_w$ steps, then follows the
# cosine schedule over the remaining $T - T_w$:
#
# <div class="equation" id="eq-warmup" data-code="mnist_scratch.optim.warmup_cosine_lr mnist_scratch.optim.learning_rate" markdown>
#
# $$
# \alpha_t = \begin{cases}
# \alpha_0\, \dfrac{t + 1}{T_w} & 0 \le t < T_w \\[6pt]
# \alpha_{\min} + \tfrac{1}{2}\left(\alpha_0 - \alpha_{\min}\right)
# \left(1 + \cos \dfrac{\pi (t - T_w)}{T - T_w}\right) & T_w \le t \le T
# \end{cases}
# $$
#
# </div>

# %% tags=["remove_input"]
pages.source(optim.warmup_cosine_lr)

# %% [markdown]
# The ramp starts at $\alpha_0 / T_w$ (not 0: step 0 already moves) and reaches $\alpha_0$ at
# step $T_w - 1$; the cosine part starts at $\alpha_0$ at step $T_w$, so the peak is held for
# two steps and nothing jumps. With $T_w = 0$ there is no ramp and the schedule is the plain
# cosine:

# %% tags=["remove_input"]
pages.proof(proofs.prove_warmup_joins, "eq-warmup-joins")

# %% [markdown]
# The three schedules over a run, drawn by the package's functions:

# %% tags=["remove_input"]
pages.figure(
    plots.schedules(),
    "The constant rate stays flat; the cosine falls from the base rate to 0 along half a "
    "cosine; the warm-up rises linearly to the base rate, then follows the cosine down.",
)

# %% [markdown]
# And the package's schedules against the sympy formulas at every step of a 1000-step run, with
# <autoref identifier="mnist_scratch.optim.learning_rate"><code>learning_rate</code></autoref>
# choosing the schedule a run's configuration names:

# %% tags=["remove_input"]
pages.check(checks.check_schedules)
