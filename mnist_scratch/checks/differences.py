r"""Central differences of a loss: the numeric derivative the gradient checks compare with.

The step is `FD_STEP` in float64; why that step, and why float64, is shown on the
gradient-check page.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Params = dict[str, np.ndarray]
FD_STEP = 1e-6  # central-difference step in float64 (why: the gradient-check page)


def central_difference(
    f: Callable[[np.ndarray], float], theta: np.ndarray, index: tuple[int, ...], h: float
) -> float:
    r"""The central difference of ``f`` at ``theta`` along entry ``index``, with step ``h``.

    $$
    \frac{\partial L}{\partial \theta_q} \approx \frac{L(\theta + h e_q) - L(\theta - h e_q)}{2h}
    $$

    ``theta`` is changed in place and restored (bit for bit) before returning.

    Derivation: [central differences][eq-central-difference].

    Examples
    --------
    >>> round(central_difference(lambda t: float(t[0] ** 3), np.array([2.0]), (0,), 1e-3), 9)
    12.000001
    """
    saved = theta[index]
    theta[index] = saved + h
    up = f(theta)
    theta[index] = saved - h
    down = f(theta)
    theta[index] = saved
    return (up - down) / (2 * h)


def finite_difference_gradients(
    loss_of: Callable[[], float], params: Params, h: float = FD_STEP
) -> dict[str, np.ndarray]:
    """The central difference of ``loss_of()`` for every entry of every parameter array.

    ``loss_of`` reads ``params`` (changed in place one entry at a time, then restored).
    """
    return {
        "d" + name: np.array(
            [central_difference(lambda _: loss_of(), theta, q, h) for q in np.ndindex(theta.shape)]
        ).reshape(theta.shape)
        for name, theta in params.items()
    }
