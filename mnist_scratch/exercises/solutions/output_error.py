"""δ₂ = A₂ − Y: softmax and cross-entropy differentiate together to a difference."""


def output_error(A2, Y):
    # The derivative of the sum m L, column by column: no 1/m here (it comes in dW and db).
    return A2 - Y
