"""The mean cross-entropy, finite even when a probability is exactly 0."""

import numpy as np


def cross_entropy(A2, Y):
    m = A2.shape[1]
    # Clip at the smallest normal number of the dtype: log stays finite, and Y = 0 entries
    # contribute 0 * (a finite number) = 0 instead of 0 * -inf = nan.
    log_A2 = np.log(np.maximum(A2, np.finfo(A2.dtype).tiny))
    return -float(np.sum(Y * log_A2)) / m  # a mean over the m examples, not the K*m entries
