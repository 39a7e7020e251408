"""db = (1/m) Σⱼ δ₍:,ⱼ₎: the error averaged over the batch, as a column like b."""


def bias_gradient(delta):
    # keepdims=True: (units, 1) like b, so b - lr * db stays a column.
    return delta.sum(axis=1, keepdims=True) / delta.shape[1]
