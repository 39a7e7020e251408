"""ReLU′ as a 0/1 mask in the dtype of Z."""


def relu_prime(Z):
    # Z > 0 is False at exactly 0, so ReLU'(0) = 0, the package's convention.
    return (Z > 0).astype(Z.dtype)
