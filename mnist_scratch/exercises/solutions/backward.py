"""Back-propagation through the 784-10-10 network, one line per equation."""


def backward(params, X, Y, cache):
    m = X.shape[1]
    delta2 = cache["A2"] - Y  # (K, m): softmax and cross-entropy together
    dW2 = delta2 @ cache["A1"].T / m  # the second layer's input is A1, after the ReLU
    db2 = delta2.sum(axis=1, keepdims=True) / m
    delta1 = (params["W2"].T @ delta2) * (cache["Z1"] > 0)  # (n, m), ReLU'(0) = 0
    dW1 = delta1 @ X.T / m  # the first layer's input is X
    db1 = delta1.sum(axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
