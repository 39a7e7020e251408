"""The back-propagation formulas, one function each, against hand-written values."""

import numpy as np
import pytest

from mnist_scratch.gradients import bias_gradient, hidden_error, output_error, weight_gradient


def test_output_error():
    np.testing.assert_array_equal(output_error(np.array([[0.25], [0.75]]), np.eye(2)[:, [1]]),
                                  [[0.25], [-0.25]])  # fmt: skip


def test_hidden_error_masks_inactive_units():
    W2 = np.array([[1.0, -2.0], [0.5, 3.0]])  # (K=2, hidden=2)
    delta2 = np.array([[1.0, 2.0], [4.0, -1.0]])  # (2, m=2)
    Z1 = np.array([[0.3, -0.1], [0.0, 2.0]])  # unit 1 is off in column 0 (exactly 0) and 1 is on
    expected = (W2.T @ delta2) * np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(hidden_error(W2, delta2, Z1), expected)


def test_weight_and_bias_gradients_are_batch_means():
    rng = np.random.default_rng(0)
    delta, A_prev = rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    outer_mean = sum(np.outer(delta[:, j], A_prev[:, j]) for j in range(5)) / 5
    np.testing.assert_allclose(weight_gradient(delta, A_prev), outer_mean, rtol=1e-13)
    np.testing.assert_allclose(bias_gradient(delta), delta.mean(axis=1, keepdims=True), rtol=1e-14)
    assert bias_gradient(delta).shape == (3, 1)


def test_weight_gradient_reads_a_transposed_view_without_copying():
    rows = np.random.default_rng(1).random((6, 8), dtype=np.float32)  # (m, inputs), C-contiguous
    X = rows.T  # (inputs, m) view, as the training loop passes it
    delta = np.ones((2, 6), dtype=np.float32)
    dW = weight_gradient(delta, X)
    assert np.shares_memory(X, rows)
    assert dW.dtype == np.float32 and dW.shape == (2, 8)
    np.testing.assert_allclose(dW, np.tile(rows.mean(axis=0), (2, 1)), rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved(dtype):
    rng = np.random.default_rng(2)
    A2, Y = rng.random((3, 4)).astype(dtype), np.eye(3, 4, dtype=dtype)
    W2, Z1 = rng.standard_normal((3, 5)).astype(dtype), rng.standard_normal((5, 4)).astype(dtype)
    delta2 = output_error(A2, Y)
    delta1 = hidden_error(W2, delta2, Z1)
    for out in (delta2, delta1, weight_gradient(delta1, Z1), bias_gradient(delta1)):
        assert out.dtype == dtype
