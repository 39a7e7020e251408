"""Central finite differences in float64 agree with `network.backward`, entry by entry.

Every problem has hidden units that are on and units that are off (so a lost ReLU mask, or Z1
used where A1 belongs, changes the answer), and one width makes W2 square (hidden = classes),
where a missing transpose runs silently instead of failing on a shape.
"""

import numpy as np
import pytest

from mnist_scratch.loss import cross_entropy, one_hot
from mnist_scratch.network import backward, forward, init_params

INPUTS, CLASSES = 6, 4
H = 1e-5  # central-difference step: truncation ~H^2, rounding ~eps/H, both ~1e-10 here
KINK_MARGIN = 1e-3  # every |Z1| entry stays this far from 0, far beyond H * |x|
REL_TOL = 1e-6  # relative error bound for entries above ABS_FLOOR
ABS_FLOOR = 1e-6  # smaller gradient entries must instead agree to ABS_TOL
ABS_TOL = 1e-11


def _problem(hidden, m):
    """A float64 problem whose hidden pre-activations avoid ReLU's kink and take both signs.

    Draws from a fixed seed until every |Z1| > KINK_MARGIN and Z1 has positive and negative
    entries, so the test is deterministic, finite differences never straddle the kink (where
    ReLU has no derivative) and the ReLU mask matters.
    """
    rng = np.random.default_rng(1000 * hidden + m)
    while True:
        params = init_params(hidden, INPUTS, CLASSES, scheme="he", rng=rng, dtype=np.float64)
        params["b1"] = rng.uniform(-0.5, 0.5, (hidden, 1))  # He biases are 0: vary them
        params["b2"] = rng.uniform(-0.5, 0.5, (CLASSES, 1))
        X = rng.standard_normal((INPUTS, m))
        Z1 = forward(params, X)["Z1"]
        if np.abs(Z1).min() > KINK_MARGIN and (Z1 > 0).any() and (Z1 < 0).any():
            Y = one_hot(rng.integers(0, CLASSES, m), CLASSES, dtype=np.float64)
            return params, X, Y


def _loss(params, X, Y):
    return cross_entropy(forward(params, X)["A2"], Y)


@pytest.mark.parametrize("m", [1, 2, 5])
@pytest.mark.parametrize("hidden", [3, CLASSES, 10, 17])  # CLASSES: a square W2
def test_backward_matches_central_differences(hidden, m):
    params, X, Y = _problem(hidden, m)
    grads = backward(params, X, Y, forward(params, X))
    for name, theta in params.items():
        numeric = np.empty_like(theta)
        for idx in np.ndindex(theta.shape):
            saved = theta[idx]
            theta[idx] = saved + H
            up = _loss(params, X, Y)
            theta[idx] = saved - H
            down = _loss(params, X, Y)
            theta[idx] = saved
            numeric[idx] = (up - down) / (2 * H)
        analytic = grads["d" + name]
        assert analytic.shape == theta.shape
        err = np.abs(numeric - analytic)
        scale = np.maximum(np.abs(numeric), np.abs(analytic))
        big = scale > ABS_FLOOR
        rel = err[big] / scale[big]
        assert rel.size == 0 or rel.max() < REL_TOL, f"{name}: max relative error {rel.max():.2e}"
        assert np.all(err[~big] < ABS_TOL), f"{name}: tiny entries disagree"
        assert big.mean() > 0.3, f"{name}: too few non-zero gradient entries to be a real check"
