"""The forward pass: two affine steps, ReLU between them, softmax at the end."""

import numpy as np


def forward(params, X):
    Z1 = params["W1"] @ X + params["b1"]  # (n, m): b1 (n, 1) broadcasts over the columns
    A1 = np.maximum(Z1, 0)  # a Python 0 keeps the dtype
    Z2 = params["W2"] @ A1 + params["b2"]  # (K, m)
    shifted = np.exp(Z2 - Z2.max(axis=0, keepdims=True))  # every exponent <= 0
    A2 = shifted / shifted.sum(axis=0, keepdims=True)
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
