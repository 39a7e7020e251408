"""Updates and learning-rate schedules."""

import math

import numpy as np
import pytest

from mnist_scratch.optim import (
    constant_lr,
    cosine_lr,
    gd_update,
    learning_rate,
    momentum_update,
    warmup_cosine_lr,
)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gd_update_value_dtype_and_inplace(dtype):
    theta, dtheta = np.array([1.0, -2.0], dtype=dtype), np.array([0.5, 0.5], dtype=dtype)
    new = gd_update(theta, dtheta, np.float64(0.2))  # a NumPy float64 lr must not upcast
    np.testing.assert_allclose(new, [0.9, -2.1], rtol=1e-6)
    assert new.dtype == dtype and new is not theta and theta[0] == 1.0
    same = gd_update(theta, dtheta, 0.2, inplace=True)
    assert same is theta
    np.testing.assert_array_equal(theta, new)


def test_momentum_convention_and_zero_momentum_is_plain_gd():
    theta, v = np.array([0.0]), np.zeros(1)
    for _ in range(3):  # constant gradient 1: v = 1, 1.5, 1.75
        theta, v = momentum_update(theta, np.ones(1), v, lr=0.1, mu=0.5)
    np.testing.assert_allclose(v, [1.75])
    np.testing.assert_allclose(theta, [-0.1 * (1 + 1.5 + 1.75)])
    t0, d = np.array([1.0, 2.0]), np.array([0.3, -0.4])
    np.testing.assert_array_equal(momentum_update(t0, d, np.zeros(2), 0.1, mu=0.0)[0],
                                  gd_update(t0, d, 0.1))  # fmt: skip


def test_momentum_inplace_updates_both_arrays():
    theta, v = np.ones(3, dtype=np.float32), np.full(3, 2.0, dtype=np.float32)
    t, w = momentum_update(theta, np.ones(3, dtype=np.float32), v, 0.5, 0.5, inplace=True)
    assert t is theta and w is v and t.dtype == np.float32
    np.testing.assert_array_equal(v, [2.0, 2.0, 2.0])  # 0.5 * 2 + 1
    np.testing.assert_array_equal(theta, [0.0, 0.0, 0.0])


def test_schedule_endpoints_and_midpoint():
    assert cosine_lr(0, 100, 0.3) == pytest.approx(0.3)
    assert cosine_lr(100, 100, 0.3) == pytest.approx(0.0, abs=1e-15)
    assert cosine_lr(50, 100, 0.3) == pytest.approx(0.15)
    assert cosine_lr(100, 100, 0.3, final_lr=0.01) == pytest.approx(0.01)
    assert constant_lr(0, 10, 0.3) == constant_lr(10, 10, 0.3) == 0.3
    lrs = [cosine_lr(t, 10, 1.0) for t in range(11)]
    assert all(a > b for a, b in zip(lrs, lrs[1:], strict=False))  # strictly decreasing
    assert type(cosine_lr(3, 10, np.float64(0.3))) is float
    assert learning_rate("cosine", 3, 10, 0.3, 0.01) == cosine_lr(3, 10, 0.3, 0.01)
    assert math.isclose(learning_rate("constant", 3, 10, 0.3), 0.3)


@pytest.mark.parametrize("args", [
    ("cosine", -1, 10, 0.3), ("cosine", 11, 10, 0.3), ("constant", 0, 0, 0.3),
    ("linear", 0, 10, 0.3), ("constant", 0, 10, 0.3, 0.0, 2), ("cosine", 0, 10, 0.3, 0.0, 10),
])  # fmt: skip
def test_schedule_errors(args):
    with pytest.raises(ValueError):
        learning_rate(*args)


def test_warmup_ramps_linearly_then_follows_the_cosine():
    T, W, base = 100, 10, 0.3
    lrs = [warmup_cosine_lr(t, T, base, W) for t in range(T + 1)]
    assert lrs[:W] == pytest.approx([base * (t + 1) / W for t in range(W)])  # linear ramp
    assert lrs[W - 1] == pytest.approx(base) and lrs[W] == pytest.approx(base)  # no jump
    assert lrs[W:] == pytest.approx([cosine_lr(t, T - W, base) for t in range(T - W + 1)])
    assert lrs[-1] == pytest.approx(0.0, abs=1e-15)
    assert [warmup_cosine_lr(t, T, base, 0) for t in range(T + 1)] == [
        cosine_lr(t, T, base) for t in range(T + 1)]
    assert learning_rate("cosine", 3, T, base, warmup_steps=W) == lrs[3]
