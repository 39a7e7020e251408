r"""The derivation pages' figures, each drawn from the package's own functions at build time.

Nothing here reads a run or trains: a figure plots what `relu`, `softmax`, `cross_entropy`,
the schedules and a central difference compute, so it changes when they do. Each function
returns a matplotlib figure; `mnist_scratch.pages.figure` turns it into inline SVG.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from mnist_scratch import activations, loss, optim

STYLE = {
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "lines.linewidth": 1.8,
    "legend.frameon": False,
}
SUB = "₀₁₂₃₄₅₆₇₈₉"
WIDE, TALL = 6.4, 2.5  # inches: small enough for a phone once scaled, readable at desktop size


def relu_and_derivative() -> plt.Figure:
    """ReLU and ReLU′ side by side, with the package's value at the kink, ReLU′(0) = 0."""
    z = np.linspace(-2.0, 2.0, 401)
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(1, 2, figsize=(WIDE, TALL), layout="constrained")
        left.plot(z, activations.relu(z), color="C0")
        left.set(title="ReLU(z) = max(0, z)", xlabel="z")
        for side in (z < 0, z > 0):
            right.plot(z[side], activations.relu_prime(z[side]), color="C1")
        at_zero = float(activations.relu_prime(np.array(0.0)))
        right.plot([0, 0], [0, 1], "o", color="C1", mfc="none")  # both one-sided values
        right.plot([0], [at_zero], "o", color="C1")  # the package's choice
        right.annotate(f"ReLU′(0) = {at_zero:g}", (0, at_zero), (0.25, 0.3),
                       arrowprops={"arrowstyle": "->", "color": "C1"})  # fmt: skip
        right.set(title="ReLU′(z) = H(z)", xlabel="z", ylim=(-0.15, 1.15))
    return fig


def softmax_as_one_logit_moves(others: tuple[float, ...] = (1.0, 0.0)) -> plt.Figure:
    """The three probabilities of softmax as logit $z_0$ sweeps while the others stay fixed."""
    z0 = np.linspace(-5.0, 6.0, 221)
    Z = np.vstack([z0, *(np.full_like(z0, v) for v in others)])  # (3, points): one column each
    A = activations.softmax(Z)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDE, TALL), layout="constrained")
        for k, row in enumerate(A):
            fixed = "" if k == 0 else f" (z{SUB[k]} = {others[k - 1]:g})"
            ax.plot(z0, row, label=f"a{SUB[k]}{fixed}")
        ax.set(xlabel="z₀", ylabel="probability", ylim=(0, 1),
               title="softmax(z₀, z₁, z₂): raising one logit takes from the others")  # fmt: skip
        ax.legend(loc="center right")
    return fig


def loss_of_true_probability() -> plt.Figure:
    r"""$-\log a$ of the true class, and what `cross_entropy` reports in float32 and float64.

    Below float32's smallest normal number the float32 loss stops growing (the clip) while the
    exact loss keeps rising; float64's clip is far off to the left, at $a = 2^{-1022}$.
    """
    a = np.logspace(-60, 0, 601)
    exact = -np.log(a)

    def reported(p: float, dtype: type) -> float:
        A = np.array([[p], [1.0 - p]], dtype=dtype)
        return loss.cross_entropy(A, np.array([[1.0], [0.0]], dtype=dtype))

    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDE, TALL + 0.3), layout="constrained")
        ax.plot(a, exact, color="0.55", ls="--", label="−log a (exact)")
        for dtype, color in ((np.float32, "C3"), (np.float64, "C0")):
            values = [reported(p, dtype) for p in a]
            ax.plot(a, values, color=color, label=f"cross_entropy, {np.dtype(dtype).name}")
        ax.set(xscale="log", xlabel="probability a of the true class", ylabel="loss", ylim=(0, 145),
               title="−log a, and the clipped loss reported from probabilities")  # fmt: skip
        ax.legend(loc="upper right")
    return fig


def schedules(total: int = 1000, base: float = 0.1, warmup: int = 100) -> plt.Figure:
    """The constant, cosine and warm-up-then-cosine learning rates over a run of ``total`` steps."""
    steps = np.arange(total + 1)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDE, TALL), layout="constrained")
        ax.plot(steps, [optim.constant_lr(t, total, base) for t in steps], label="constant")
        ax.plot(steps, [optim.cosine_lr(t, total, base) for t in steps], label="cosine")
        ax.plot(steps, [optim.warmup_cosine_lr(t, total, base, warmup) for t in steps],
                label=f"warm-up ({warmup} steps), then cosine")  # fmt: skip
        ax.set(xlabel="step t", ylabel="learning rate αₜ", ylim=(0, base * 1.15),
               title=f"Learning-rate schedules, α₀ = {base:g}, T = {total}")  # fmt: skip
        ax.legend(loc="lower left")
    return fig


def central_difference_error(
    steps: np.ndarray, errors: dict[str, np.ndarray], best: dict[str, float]
) -> plt.Figure:
    """Error of a central difference against its step $h$, per dtype, with the best $h$ marked."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDE, TALL + 0.3), layout="constrained")
        for (name, error), color in zip(errors.items(), ("C3", "C0"), strict=False):
            ax.plot(steps, error, "o-", ms=3, color=color, label=name)
            ax.axvline(best[name], color=color, ls=":", lw=1)
        ax.set(xscale="log", yscale="log", xlabel="step h",
               ylabel="|central difference − backward|",
               title="Truncation (∝ h²) on the right, round-off (∝ ε/h) on the left")  # fmt: skip
        ax.legend(loc="lower right")
    return fig
