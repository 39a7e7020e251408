"""Initialisation, forward shapes, dtypes, prediction, and the layout contract for X."""

import numpy as np
import pytest

from mnist_scratch.loss import one_hot
from mnist_scratch.network import affine, backward, forward, init_params, predict


@pytest.mark.parametrize("scheme", ["uniform", "he"])
def test_same_seed_same_weights_and_different_seed_different(scheme):
    a = init_params(scheme=scheme, rng=np.random.default_rng(7))
    b = init_params(scheme=scheme, rng=np.random.default_rng(7))
    c = init_params(scheme=scheme, rng=np.random.default_rng(8))
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(a[name], b[name])
    assert not np.array_equal(a["W1"], c["W1"])


def test_float32_and_float64_inits_agree_up_to_rounding():
    p32 = init_params(rng=3, dtype=np.float32)
    p64 = init_params(rng=3, dtype=np.float64)
    for name in p32:
        assert p32[name].dtype == np.float32 and p64[name].dtype == np.float64
        np.testing.assert_array_equal(p32[name], p64[name].astype(np.float32))


def test_uniform_init_is_the_seeds_range_for_all_four_arrays():
    params = init_params(hidden=10, rng=0)
    shapes = {"W1": (10, 784), "b1": (10, 1), "W2": (10, 10), "b2": (10, 1)}
    for name, p in params.items():
        assert p.shape == shapes[name] and p.flags.c_contiguous
        assert p.min() >= -0.5 and p.max() < 0.5
    assert params["W1"].std() == pytest.approx(1 / np.sqrt(12), rel=0.05)


def test_he_init_scales_by_fan_in_and_zeroes_biases():
    params = init_params(hidden=64, scheme="he", rng=0, dtype=np.float64)
    assert params["W1"].std() == pytest.approx(np.sqrt(2 / 784), rel=0.03)
    assert params["W2"].std() == pytest.approx(np.sqrt(2 / 64), rel=0.1)
    assert not params["b1"].any() and not params["b2"].any()


@pytest.mark.parametrize("kwargs", [{"scheme": "xavier"}, {"hidden": 0}])
def test_init_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        init_params(**kwargs)


@pytest.mark.parametrize("hidden", [3, 10, 32])
def test_forward_shapes(hidden):
    params = init_params(hidden=hidden, rng=0)
    X = np.random.default_rng(0).random((5, 784), dtype=np.float32).T
    cache = forward(params, X)
    assert {n: a.shape for n, a in cache.items()} == {
        "Z1": (hidden, 5), "A1": (hidden, 5), "Z2": (10, 5), "A2": (10, 5),
    }  # fmt: skip
    np.testing.assert_allclose(cache["A2"].sum(axis=0), 1.0, rtol=1e-6)
    assert predict(params, X).shape == (5,)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved_through_forward_and_backward(dtype):
    rows = np.random.default_rng(1).random((8, 784)).astype(dtype)  # (m, 784), C-contiguous
    X = rows.T  # the (784, m) view the math takes
    params = init_params(hidden=5, rng=1, dtype=dtype)
    cache = forward(params, X)
    grads = backward(params, X, one_hot(np.arange(8) % 10, dtype=dtype), cache)
    assert all(a.dtype == dtype for a in cache.values())
    assert all(g.dtype == dtype for g in grads.values())


def test_transposed_view_gives_the_same_result_as_a_contiguous_copy():
    rows = np.random.default_rng(2).random((6, 784), dtype=np.float32)
    params = init_params(rng=2)
    Y = one_hot(np.arange(6))
    view, copy = rows.T, np.ascontiguousarray(rows.T)
    assert np.shares_memory(view, rows)
    g_view = backward(params, view, Y, forward(params, view))
    g_copy = backward(params, copy, Y, forward(params, copy))
    for name in g_view:
        np.testing.assert_allclose(g_view[name], g_copy[name], rtol=1e-5, atol=1e-7)


def test_affine_broadcasts_the_bias_over_columns():
    Z = affine(np.eye(2), np.zeros((2, 3)), np.array([[1.0], [2.0]]))
    np.testing.assert_array_equal(Z, [[1, 1, 1], [2, 2, 2]])


def test_predict_is_the_argmax_of_the_output():
    params = init_params(hidden=4, inputs=3, classes=5, rng=4, dtype=np.float64)
    X = np.random.default_rng(4).standard_normal((3, 20))
    np.testing.assert_array_equal(predict(params, X), forward(params, X)["A2"].argmax(axis=0))
