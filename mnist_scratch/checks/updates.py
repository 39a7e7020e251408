r"""The update rules and the learning-rate schedules against their definitions.

`check_updates`: the gradient-descent step and the unrolled momentum sum (dtypes, ``inplace``,
$\mu = 0$ included); `check_schedules`: the schedules against the sympy formulas of
`mnist_scratch.symbolic.optim` at every step of a run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

from mnist_scratch import optim
from mnist_scratch.symbolic import optim as optim_forms

from .bounds import Check, difference, require, require_true


def check_updates(
    gd_update: Callable = optim.gd_update, momentum_update: Callable = optim.momentum_update
) -> list[Check]:
    r"""The two updates against their definitions: the step, and the unrolled momentum sum.

    Also: a float32 parameter stays float32 under a float64 learning rate, ``inplace`` writes
    into the same array, and $\mu = 0$ is plain gradient descent.
    """
    rng = np.random.default_rng(4)
    theta = rng.normal(size=(10, 784)).astype(np.float32)
    dtheta = rng.normal(size=(10, 784)).astype(np.float32)
    lr = np.float64(0.1)
    new = gd_update(theta, dtheta, lr)
    require_true("gd_update keeps float32", new.dtype == np.float32)
    same = gd_update(theta.copy(), dtheta, lr, inplace=True)
    checks = [
        require("gd_update is theta - lr dtheta", difference(new, theta - np.float32(lr) * dtheta),
                0.0, "float32, bit for bit"),
        require("gd_update(inplace=True) gives the same numbers", difference(same, new), 0.0),
    ]  # fmt: skip
    mu, step_size, grads = 0.9, 0.05, rng.normal(size=(30, 4))
    theta64, velocity, worst = np.zeros(4), np.zeros(4), 0.0
    moved = np.zeros(4)
    for t in range(1, 31):
        theta64, velocity = momentum_update(theta64, grads[t - 1], velocity, step_size, mu)
        unrolled = sum(mu ** (t - s) * grads[s - 1] for s in range(1, t + 1))
        moved -= step_size * unrolled
        worst = max(worst, difference(velocity, unrolled), difference(theta64, moved))
    checks.append(require("momentum_update matches the unrolled sum of mu^(t-s) dtheta_s",
                          worst, 1e-12, "30 steps, mu = 0.9"))  # fmt: skip
    plain, _ = momentum_update(np.ones(4), grads[0], np.zeros(4), step_size, mu=0.0)
    plain_gd = gd_update(np.ones(4), grads[0], step_size)
    checks.append(require("momentum_update with mu = 0 is gd_update", difference(plain, plain_gd),
                          0.0))  # fmt: skip
    return checks


def check_schedules(
    cosine_lr: Callable = optim.cosine_lr,
    warmup_cosine_lr: Callable = optim.warmup_cosine_lr,
    learning_rate: Callable = optim.learning_rate,
) -> list[Check]:
    """The schedules against their sympy formulas at every step of a 1000-step run."""
    f = optim_forms
    cosine_of = sp.lambdify((f.time, f.T, f.a0, f.amin), f.cosine_schedule(), "math")
    after_of = sp.lambdify(
        (f.time, f.T, f.a0, f.amin, f.Tw), f.cosine_schedule(f.time - f.Tw, f.T - f.Tw), "math"
    )
    total, base, final, warmup = 1000, 0.5, 0.01, 50
    steps = range(total + 1)
    cosine = max(abs(cosine_lr(t, total, base, final) - cosine_of(t, total, base, final))
                 for t in steps)  # fmt: skip
    expected = [
        base * (t + 1) / warmup if t < warmup else after_of(t, total, base, final, warmup)
        for t in steps
    ]
    warm = max(abs(warmup_cosine_lr(t, total, base, warmup, final) - e)
               for t, e in zip(steps, expected, strict=True))  # fmt: skip
    by_name = max(
        abs(learning_rate("cosine", t, total, base, final, warmup_steps=warmup) - expected[t])
        + abs(learning_rate("cosine", t, total, base, final) - cosine_lr(t, total, base, final))
        + abs(learning_rate("constant", t, total, base) - base)
        for t in steps
    )
    return [
        require("cosine_lr matches the sympy formula", cosine, 1e-15, f"{total + 1} steps"),
        require("warmup_cosine_lr matches the ramp and the shifted formula", warm, 1e-15,
                f"T_w = {warmup}"),
        require("learning_rate picks the schedule a run's configuration names", by_name, 0.0),
    ]  # fmt: skip
