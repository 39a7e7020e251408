"""ReLU, its derivative and softmax: values, stability, dtypes."""

import numpy as np
import pytest

from mnist_scratch.activations import log_softmax, relu, relu_prime, softmax, softmax_jacobian

DTYPES = [np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_and_shape_preserved(dtype):
    Z = np.random.default_rng(0).standard_normal((10, 7)).astype(dtype)
    for f in (relu, relu_prime, softmax):
        out = f(Z)
        assert out.dtype == dtype and out.shape == Z.shape, f.__name__
    assert softmax_jacobian(Z[:, 0]).dtype == dtype


def test_relu_and_its_derivative_values():
    Z = np.array([[-1.5, 0.0, 2.0]])
    np.testing.assert_array_equal(relu(Z), [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(relu_prime(Z), [[0.0, 0.0, 1.0]])  # 0 at the kink


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_of_huge_logits_is_finite_and_sums_to_one(dtype):
    Z = np.array([[1000.0, -1000.0, 1000.0], [-1000.0, 1000.0, 1000.0]], dtype=dtype)
    A = softmax(Z)
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A.sum(axis=0), 1.0, rtol=1e-6)
    np.testing.assert_allclose(A, [[1, 0, 0.5], [0, 1, 0.5]], atol=1e-7)


def test_softmax_is_column_wise_and_shift_invariant():
    Z = np.random.default_rng(1).standard_normal((4, 6))
    A = softmax(Z)
    for j in range(Z.shape[1]):  # each column is its own distribution
        e = np.exp(Z[:, j])
        np.testing.assert_allclose(A[:, j], e / e.sum(), rtol=1e-14)
    np.testing.assert_allclose(softmax(Z - 7.0), A, rtol=1e-13)


def test_softmax_does_not_modify_its_input():
    Z = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = Z.copy()
    softmax(Z)
    np.testing.assert_array_equal(Z, before)


def test_softmax_jacobian_matches_finite_differences():
    z = np.random.default_rng(2).standard_normal(5)
    h = 1e-6
    numeric = np.empty((5, 5))
    for q in range(5):
        e = np.zeros(5)
        e[q] = h
        numeric[:, q] = (softmax(z + e) - softmax(z - e)) / (2 * h)
    np.testing.assert_allclose(softmax_jacobian(z), numeric, atol=1e-9)
    np.testing.assert_allclose(softmax_jacobian(z).sum(axis=0), 0.0, atol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_softmax_is_the_log_of_softmax_and_finite_where_softmax_underflows(dtype):
    Z = np.random.default_rng(3).normal(scale=4.0, size=(6, 5)).astype(dtype)
    out = log_softmax(Z)
    assert out.dtype == dtype and out.shape == Z.shape
    np.testing.assert_allclose(np.exp(out), softmax(Z), rtol=1e-5 if dtype == np.float32 else 1e-13)
    far = np.array([[0.0], [-2000.0]], dtype=dtype)  # softmax rounds the second entry to 0
    assert softmax(far)[1, 0] == 0 and log_softmax(far)[1, 0] == -2000
