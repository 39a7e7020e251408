"""δ₁ = (W₂ᵀ δ₂) ⊙ ReLU′(Z₁): the output error sent back through W₂, masked by ReLU′."""


def hidden_error(W2, delta2, Z1):
    back = W2.T @ delta2  # (n, K) @ (K, m) = (n, m): each unit collects from every class
    return back * (Z1 > 0)  # a unit that was off (or exactly 0) passes no error back
