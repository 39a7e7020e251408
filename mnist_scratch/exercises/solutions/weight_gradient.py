"""dW = (1/m) δ A_prevᵀ: the per-example outer products, averaged over the batch."""


def weight_gradient(delta, A_prev):
    m = delta.shape[1]
    # (units, m) @ (m, inputs): the matrix product sums delta[:, j] A_prev[:, j]^T over j.
    return (delta @ A_prev.T) / m  # dividing by the int m keeps float32 float32
