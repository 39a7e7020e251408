"""One-hot targets and cross-entropy."""

import numpy as np
import pytest

from mnist_scratch.loss import cross_entropy, one_hot


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_hot_shape_dtype_and_columns(dtype):
    Y = one_hot(np.array([3, 0, 9, 3], dtype=np.uint8), 10, dtype=dtype)
    assert Y.shape == (10, 4) and Y.dtype == dtype and Y.flags.c_contiguous
    np.testing.assert_array_equal(Y.argmax(axis=0), [3, 0, 9, 3])
    np.testing.assert_array_equal(Y.sum(axis=0), 1)


@pytest.mark.parametrize("labels", [np.array([0, 10]), np.array([-1, 2]), np.array([[1]]), [0.5]])
def test_one_hot_rejects_bad_labels(labels):
    with pytest.raises(ValueError):
        one_hot(labels, 10)


def test_cross_entropy_value():
    A2 = np.array([[0.7, 0.2], [0.3, 0.8]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert cross_entropy(A2, Y) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2, rel=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_of_a_zero_probability_is_finite(dtype):
    A2 = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    Y = np.eye(2, dtype=dtype)
    value = cross_entropy(A2, Y)
    assert np.isfinite(value) and value > 80  # -log(tiny) is about 87 (float32) or 708 (float64)
    assert cross_entropy(np.eye(2, dtype=dtype), Y) == 0.0


def test_cross_entropy_does_not_modify_its_input_and_checks_shapes():
    A2 = np.full((3, 2), 1 / 3)
    before = A2.copy()
    cross_entropy(A2, one_hot(np.array([0, 2]), 3, np.float64))
    np.testing.assert_array_equal(A2, before)
    with pytest.raises(ValueError):
        cross_entropy(A2, np.zeros((2, 3)))
