"""One-hot targets and cross-entropy."""

import numpy as np
import pytest

from mnist_scratch.activations import softmax
from mnist_scratch.loss import cross_entropy, cross_entropy_from_logits, one_hot


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


def test_cross_entropy_from_logits_is_exact_where_the_clip_is_not():
    # Logits (1000, -1000, 999), target the second class: the exact loss is
    # 2000 + log(1 + e^-1) (log-sum-exp by hand), what PyTorch reports too.
    Z2, Y = np.array([[1000.0], [-1000.0], [999.0]]), np.array([[0.0], [1.0], [0.0]])
    exact = 2000 + np.log1p(np.exp(-1.0))
    assert cross_entropy_from_logits(Z2, Y) == pytest.approx(exact, rel=1e-15)
    clipped = cross_entropy(softmax(Z2), Y)
    assert clipped == pytest.approx(-np.log(np.finfo(np.float64).tiny), rel=1e-15)  # 708.4


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_clip_caps_each_example_at_minus_log_tiny_and_nothing_else(dtype):
    # The stated bound: from probabilities, example j contributes min(l_j, -log tiny), with
    # l_j the exact loss from the logits.
    rng = np.random.default_rng(0)
    Z2 = (rng.normal(size=(10, 40)) * np.geomspace(1, 3000, 40)).astype(dtype)
    Y = one_hot(rng.integers(0, 10, 40), dtype=dtype)
    per_example = [cross_entropy_from_logits(Z2[:, [j]], Y[:, [j]]) for j in range(40)]
    cap = float(-np.log(np.finfo(dtype).tiny))
    expected = np.mean(np.minimum(per_example, cap))
    assert cross_entropy(softmax(Z2), Y) == pytest.approx(expected, rel=1e-5 if dtype ==
                                                          np.float32 else 1e-12)  # fmt: skip
    assert max(per_example) > cap  # the batch really has clipped examples


def test_cross_entropy_from_logits_checks_shapes():
    with pytest.raises(ValueError):
        cross_entropy_from_logits(np.zeros((3, 2)), np.zeros((2, 3)))
