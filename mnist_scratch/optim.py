r"""Parameter updates (plain gradient descent, momentum) and learning-rate schedules.

Updates work on one array at a time; a training loop applies them to each of W1, b1, W2, b2.
Pass ``inplace=True`` in a loop to update the arrays without allocating new ones.
"""

from __future__ import annotations

import math

import numpy as np

SCHEDULES = ("constant", "cosine")


def gd_update(
    theta: np.ndarray, dtheta: np.ndarray, lr: float, *, inplace: bool = False
) -> np.ndarray:
    r"""One step of gradient descent.

    $$
    \theta \leftarrow \theta - \alpha\, d\theta
    $$

    Derivation: [gradient-descent update][eq-gd-update].

    Parameters
    ----------
    theta : np.ndarray
        A parameter array.
    dtheta : np.ndarray
        Its gradient, same shape.
    lr : float
        Learning rate $\alpha$.
    inplace : bool
        Overwrite ``theta`` instead of returning a new array.

    Returns
    -------
    np.ndarray
        The updated parameter (``theta`` itself when ``inplace``), dtype of ``theta``.

    Examples
    --------
    >>> gd_update(np.array([1.0, 2.0]), np.array([0.5, -1.0]), lr=0.1)
    array([0.95, 2.1 ])
    """
    # float(lr): a NumPy float64 scalar would promote a float32 step to float64 (NEP 50).
    step = float(lr) * dtheta
    return np.subtract(theta, step, out=theta if inplace else None)


def momentum_update(
    theta: np.ndarray,
    dtheta: np.ndarray,
    velocity: np.ndarray,
    lr: float,
    mu: float = 0.9,
    *,
    inplace: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    r"""One step of gradient descent with (heavy-ball) momentum.

    $$
    v \leftarrow \mu\, v + d\theta, \qquad \theta \leftarrow \theta - \alpha\, v
    $$

    Convention: the velocity accumulates raw gradients and the learning rate multiplies it at
    the step (as PyTorch's SGD does, with dampening 0). With $\mu = 0$ this is exactly
    `gd_update`; for a constant gradient the step tends to $\alpha\, d\theta / (1 - \mu)$, and
    changing $\alpha$ mid-run (a schedule) rescales the whole step at once.

    Derivation: [momentum][eq-momentum].

    Parameters
    ----------
    theta : np.ndarray
        A parameter array.
    dtheta : np.ndarray
        Its gradient, same shape.
    velocity : np.ndarray
        The running velocity $v$, same shape; start from ``np.zeros_like(theta)``.
    lr : float
        Learning rate $\alpha$.
    mu : float
        Momentum coefficient $\mu \in [0, 1)$.
    inplace : bool
        Overwrite ``theta`` and ``velocity`` instead of returning new arrays.

    Returns
    -------
    tuple[np.ndarray, np.ndarray]
        The updated ``(theta, velocity)``.

    Examples
    --------
    >>> theta, v = np.array([1.0]), np.zeros(1)
    >>> for _ in range(2):
    ...     theta, v = momentum_update(theta, np.array([1.0]), v, lr=0.1, mu=0.5)
    >>> print(theta.round(3), v)  # steps 0.1 then 0.15
    [0.75] [1.5]
    """
    if inplace:
        velocity *= float(mu)
        velocity += dtheta
    else:
        velocity = float(mu) * velocity + dtheta
    return gd_update(theta, velocity, lr, inplace=inplace), velocity


def constant_lr(step: int, total_steps: int, base_lr: float) -> float:
    r"""Constant learning rate: the same $\alpha$ at every step (the baseline's schedule).

    $$
    \alpha_t = \alpha_0
    $$

    Derivation: [constant schedule][eq-constant-schedule].

    Parameters
    ----------
    step : int
        Current step $t$, ``0 <= step <= total_steps``.
    total_steps : int
        Number of steps $T$ of the run (at least 1).
    base_lr : float
        The learning rate $\alpha_0$.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``step`` is outside ``0 .. total_steps`` or ``total_steps < 1``.

    Examples
    --------
    >>> constant_lr(5, 10, 0.3)
    0.3
    """
    _check_step(step, total_steps)
    return float(base_lr)


def cosine_lr(step: int, total_steps: int, base_lr: float, final_lr: float = 0.0) -> float:
    r"""Cosine-annealed learning rate, from ``base_lr`` at step 0 to ``final_lr`` at the last step.

    $$
    \alpha_t = \alpha_{\min}
    + \tfrac{1}{2}\left(\alpha_0 - \alpha_{\min}\right)\left(1 + \cos\frac{\pi t}{T}\right)
    $$

    Derivation: [cosine schedule][eq-cosine-schedule].

    Parameters
    ----------
    step : int
        Current step $t$, ``0 <= step <= total_steps``.
    total_steps : int
        Number of steps $T$ of the run (at least 1).
    base_lr : float
        Starting learning rate $\alpha_0$.
    final_lr : float
        Learning rate $\alpha_{\min}$ reached at ``step == total_steps``.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``step`` is outside ``0 .. total_steps`` or ``total_steps < 1``.

    Examples
    --------
    >>> [round(cosine_lr(t, 4, 0.3), 4) for t in range(5)]
    [0.3, 0.2561, 0.15, 0.0439, 0.0]
    """
    _check_step(step, total_steps)
    cosine = 0.5 * (1.0 + math.cos(math.pi * step / total_steps))
    return float(final_lr + (base_lr - final_lr) * cosine)


def warmup_cosine_lr(
    step: int, total_steps: int, base_lr: float, warmup_steps: int, final_lr: float = 0.0
) -> float:
    r"""Linear warm-up for ``warmup_steps`` steps, then the cosine schedule over the rest.

    $$
    \alpha_t = \begin{cases}
    \alpha_0\,\dfrac{t + 1}{T_w} & 0 \le t < T_w \\[4pt]
    \alpha_{\min} + \tfrac{1}{2}\left(\alpha_0 - \alpha_{\min}\right)
    \left(1 + \cos\dfrac{\pi (t - T_w)}{T - T_w}\right) & T_w \le t \le T
    \end{cases}
    $$

    The first steps of a freshly initialised network have the largest gradients; a step of full
    size there can push a hidden unit's pre-activation below zero for almost every image, and a
    ReLU unit that never fires gets no gradient again. Ramping $\alpha$ up over $T_w$ steps lets
    the first updates be small. With $T_w = 0$ this is exactly `cosine_lr`.

    Derivation: [warm-up][eq-warmup].

    Parameters
    ----------
    step : int
        Current step $t$, ``0 <= step <= total_steps``.
    total_steps : int
        Number of steps $T$ of the run (at least 1).
    base_lr : float
        Peak learning rate $\alpha_0$, reached at step $T_w - 1$.
    warmup_steps : int
        Length $T_w$ of the linear ramp, ``0 <= warmup_steps < total_steps``.
    final_lr : float
        Learning rate $\alpha_{\min}$ reached at ``step == total_steps``.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``step`` is outside ``0 .. total_steps``, ``total_steps < 1``, or ``warmup_steps`` is
        outside ``0 .. total_steps - 1``.

    Examples
    --------
    >>> [round(warmup_cosine_lr(t, 6, 0.3, warmup_steps=2), 4) for t in range(7)]
    [0.15, 0.3, 0.3, 0.2561, 0.15, 0.0439, 0.0]
    >>> warmup_cosine_lr(1, 4, 0.3, warmup_steps=0) == cosine_lr(1, 4, 0.3)
    True
    """
    _check_step(step, total_steps)
    if not 0 <= warmup_steps < total_steps:
        raise ValueError(f"warmup_steps must lie in 0..{total_steps - 1}, got {warmup_steps}")
    if step < warmup_steps:
        return float(base_lr * (step + 1) / warmup_steps)
    return cosine_lr(step - warmup_steps, total_steps - warmup_steps, base_lr, final_lr)


def learning_rate(
    schedule: str,
    step: int,
    total_steps: int,
    base_lr: float,
    final_lr: float = 0.0,
    warmup_steps: int = 0,
) -> float:
    r"""The learning rate of a schedule named in a config: ``"constant"`` or ``"cosine"``.

    $$
    \alpha_t = \begin{cases}
    \alpha_0 & \text{constant} \\
    \alpha_{\min} + \tfrac{1}{2}(\alpha_0 - \alpha_{\min})(1 + \cos \frac{\pi t}{T}) & \text{cosine}
    \end{cases}
    $$

    A cosine schedule with ``warmup_steps`` $T_w > 0$ first ramps up linearly, as in
    `warmup_cosine_lr`.

    Derivation: [cosine schedule][eq-cosine-schedule], [warm-up][eq-warmup].

    Parameters
    ----------
    schedule : {"constant", "cosine"}
        Name of the schedule; ``final_lr`` is ignored by ``"constant"``.
    step, total_steps, base_lr, final_lr
        As for `cosine_lr`.
    warmup_steps : int
        Linear warm-up steps of the cosine schedule (0: none).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For an unknown schedule, a step out of range, or a warm-up with ``"constant"``.

    Examples
    --------
    >>> learning_rate("cosine", 2, 4, 0.3), learning_rate("constant", 2, 4, 0.3)
    (0.15, 0.3)
    >>> learning_rate("cosine", 0, 4, 0.3, warmup_steps=2)
    0.15
    """
    if schedule == "constant":
        if warmup_steps:
            raise ValueError("a warm-up needs the cosine schedule, not constant")
        return constant_lr(step, total_steps, base_lr)
    if schedule == "cosine":
        if warmup_steps:
            return warmup_cosine_lr(step, total_steps, base_lr, warmup_steps, final_lr)
        return cosine_lr(step, total_steps, base_lr, final_lr)
    choices = ", ".join(SCHEDULES)
    raise ValueError(f"unknown learning-rate schedule {schedule!r}; choose one of {choices}")


def _check_step(step: int, total_steps: int) -> None:
    if total_steps < 1:
        raise ValueError(f"total_steps must be at least 1, got {total_steps}")
    if not 0 <= step <= total_steps:
        raise ValueError(f"step {step} is outside 0..{total_steps}")
