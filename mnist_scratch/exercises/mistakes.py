r"""Wrong answers worth a hint of their own, beyond the classic bugs.

The classic bugs (`mnist_scratch.exercises.bugs`) are one-line changes to the package's
functions; these are other answers a reader is likely to write: a boolean mask for ReLU′, a
loss summed instead of averaged, the other momentum convention. When a property fails,
`mnist_scratch.exercises.implement.diagnose` runs them on the failing input, after the classic
bugs, and an answer that gives exactly what one of them gives gets its hint.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mnist_scratch.exercises.references import warmup_lr64


def hand_mistakes() -> dict[str, list[tuple[str, Callable, str]]]:
    off_by_m = (
        "Off by a factor m = {m}: the 1/m of the mean is missing (or there twice). Where does "
        "the 1/m belong?"
    )
    return {
        "relu_prime": [
            (
                "boolean-mask",
                lambda Z: Z > 0,
                "You returned a boolean mask; the exercise wants numbers of Z's dtype.",
            ),
            (
                "float64-mask",
                lambda Z: np.where(Z > 0, 1.0, 0.0),
                "np.where(..., 1.0, 0.0) is float64 whatever Z is: cast to Z's dtype.",
            ),
            ("relu-itself", lambda Z: np.maximum(Z, 0), "That is ReLU itself, not its derivative."),
        ],
        "softmax": [
            (
                "rows",
                lambda Z: (
                    np.exp(Z - Z.max(axis=1, keepdims=True))
                    / np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)
                ),
                "Each row sums to 1 in your answer: rows are classes, columns are examples.",
            ),
        ],
        "cross_entropy": [
            ("sum", lambda A2, Y: -float(np.sum(Y * np.log(A2))), off_by_m),
            (
                "mean-of-all",
                lambda A2, Y: -float(np.mean(Y * np.log(A2))),
                "np.mean over the whole (K, m) array divides by K·m; the loss is a mean over the "
                "m examples only.",
            ),
            (
                "sign",
                lambda A2, Y: float(np.sum(Y * np.log(A2))) / A2.shape[1],
                "The sign: log of a probability is at most 0, so the loss needs a minus.",
            ),
        ],
        "output_error": [
            (
                "sign",
                lambda A2, Y: Y - A2,
                "The sign: raising the true class's logit must "
                "lower the loss, so δ₂ is negative there.",
            ),
            (
                "dl-da",
                lambda A2, Y: -Y / A2,
                "That is ∂ℓ/∂A₂, with respect to the "
                "probabilities; δ₂ is with respect to the logits Z₂: chain through the softmax.",
            ),
        ],
        "hidden_error": [
            (
                "no-mask",
                lambda W2, d2, Z1: W2.T @ d2,
                "A unit that was off passed nothing "
                "forward, so it gets no error back: the ReLU′(Z₁) factor is missing.",
            ),
            (
                "relu-not-prime",
                lambda W2, d2, Z1: (W2.T @ d2) * np.maximum(Z1, 0),
                "That multiplies by ReLU(Z₁); the chain rule needs its derivative ReLU′(Z₁).",
            ),
        ],
        "weight_gradient": [
            ("twice-mean", lambda d, A: d @ A.T / d.shape[1] ** 2, off_by_m),
        ],
        "bias_gradient": [
            (
                "wrong-axis",
                lambda d: d.sum(axis=0, keepdims=True) / d.shape[1],
                "Your db has shape {got_shape}: you summed over the units. Sum over the examples.",
            ),
            ("sum", lambda d: d.sum(axis=1, keepdims=True), off_by_m),
        ],
        "gd_update": [
            (
                "sign",
                lambda th, g, lr, *, inplace=False: th + float(lr) * g,
                "The sign: gradient descent steps against the gradient.",
            ),
            (
                "promotes",
                lambda th, g, lr, *, inplace=False: th - lr * g,
                "float32 became float64: a NumPy float64 lr promotes a float32 array under "
                "NumPy 2's rules. Make lr a Python float first.",
            ),
        ],
        "momentum_update": [
            (
                "other-convention",
                _other_momentum,
                "That is the other momentum convention (v ← μv − α dθ, θ ← θ + v). The "
                "package's velocity collects raw gradients and α multiplies it at the step.",
            ),
        ],
        "warmup_cosine_lr": [
            (
                "ramp-from-zero",
                lambda t, T, a, Tw, f=0.0: warmup_lr64(t, T, a, Tw, f) if t >= Tw else a * t / Tw,
                "At t = 0 your rate is 0, a wasted step: the ramp reaches α0 at t = T_w − 1, so it "
                "starts at α0/T_w.",
            ),
            (
                "cosine-over-T",
                lambda t, T, a, Tw, f=0.0: (
                    a * (t + 1) / Tw
                    if t < Tw
                    else f + 0.5 * (a - f) * (1 + math.cos(math.pi * t / T))
                ),
                "After the warm-up the cosine must start at α0: measure its progress from T_w, "
                "over T − T_w steps.",
            ),
        ],
    }


def _other_momentum(theta, dtheta, velocity, lr, mu=0.9, *, inplace=False):
    v = mu * velocity - lr * dtheta
    return theta + v, v
