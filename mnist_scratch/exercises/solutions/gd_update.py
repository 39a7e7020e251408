"""One gradient-descent step, in place or into a new array, keeping the dtype."""

import numpy as np


def gd_update(theta, dtheta, lr, *, inplace=False):
    # float(lr): a NumPy float64 scalar would turn a float32 step into float64 (NumPy 2).
    step = float(lr) * dtheta
    return np.subtract(theta, step, out=theta if inplace else None)
