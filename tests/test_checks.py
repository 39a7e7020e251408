"""The page checks pass on the package and catch the bugs they are placed to catch.

The derivation pages call these same functions at build; here each runs once on the package
and once on a deliberately wrong version of the function it guards, which must raise.
"""

import numpy as np
import pytest

from mnist_scratch import activations, checks, gradients, loss, network
from mnist_scratch.gradients import bias_gradient, output_error, weight_gradient


def backward_without_transpose(params, X, Y, cache):
    """`backward` with ``W2 @ delta2`` for the hidden error: runs silently when W2 is square."""
    delta2 = output_error(cache["A2"], Y)
    delta1 = (params["W2"] @ delta2) * activations.relu_prime(cache["Z1"])
    return {
        "dW1": weight_gradient(delta1, X),
        "db1": bias_gradient(delta1),
        "dW2": weight_gradient(delta2, cache["A1"]),
        "db2": bias_gradient(delta2),
    }


def backward_with_z1_for_a1(params, X, Y, cache):
    """`backward` with ``Z1`` where ``A1`` belongs in dW2: equal wherever every unit is on."""
    grads = network.backward(params, X, Y, cache)
    return {**grads, "dW2": weight_gradient(output_error(cache["A2"], Y), cache["Z1"])}


def test_every_point_has_units_on_and_off_and_one_square_w2():
    points = [*checks.tiny_points(), checks.real_point()]
    for point in points:
        assert (point.Z1 > 0).any() and (point.Z1 < 0).any(), point.label
    assert any(p.params["W2"].shape[0] == p.params["W2"].shape[1] for p in points[:-1])
    real = points[-1]
    assert real.params["W1"].shape == (10, 784) and real.params["W2"].shape == (10, 10)
    assert real.X.shape[1] == 16 and 0 < real.X.max() <= 1  # scaled pixels of real digits


def test_backward_passes_both_checks():
    for check in (*checks.check_backward_against_sympy(),
                  *checks.check_backward_against_finite_differences()):  # fmt: skip
        assert check.error <= check.bound


@pytest.mark.parametrize("mutant", [backward_without_transpose, backward_with_z1_for_a1])
@pytest.mark.parametrize(
    "run", [checks.check_backward_against_sympy, checks.check_backward_against_finite_differences]
)
def test_each_backward_bug_is_caught_by_value(run, mutant):
    with pytest.raises(checks.CheckFailed, match="largest difference"):
        run(backward=mutant)


@pytest.mark.parametrize("mutant", [backward_without_transpose, backward_with_z1_for_a1])
def test_each_backward_bug_is_caught_at_the_real_size(mutant):
    with pytest.raises(checks.CheckFailed, match="784-10-10"):
        checks.check_backward_against_finite_differences(
            backward=mutant, points=[checks.real_point()]
        )


def _relu_prime_one_at_zero(Z):  # issue 10: 1 at exactly 0 passed the old pages under -O
    return (Z >= 0).astype(Z.dtype)


@pytest.mark.parametrize(
    "run, kwargs",
    [
        (checks.check_relu, {}),
        (checks.check_softmax, {}),
        (checks.check_cross_entropy, {}),
        (checks.check_output_error, {}),
        (checks.check_hidden_error, {}),
    ],
)
def test_the_function_checks_pass_on_the_package(run, kwargs):
    results = run(**kwargs)
    assert results and all(c.error <= c.bound for c in results)


@pytest.mark.parametrize(
    "run, wrong",
    [
        (checks.check_relu, {"relu_prime": _relu_prime_one_at_zero}),
        (checks.check_relu, {"relu": lambda Z: np.abs(Z)}),
        (checks.check_softmax, {"softmax": lambda Z: np.exp(Z) / np.exp(Z).sum()}),  # whole array
        (checks.check_softmax, {"softmax_jacobian": lambda z: np.diag(activations.softmax(z))}),
        (checks.check_cross_entropy, {"cross_entropy": lambda A, Y: loss.cross_entropy(A, Y) * 2}),
        (checks.check_cross_entropy,
         {"from_logits": lambda Z, Y: -float(np.vdot(Y, Z - Z.max(axis=0)))}),  # no log-sum-exp
        (checks.check_output_error, {"output_error": lambda A, Y: (A - Y) / A.shape[1]}),
        (checks.check_hidden_error,
         {"hidden_error": lambda W2, d2, Z1: (W2 @ d2) * activations.relu_prime(Z1)}),
        (checks.check_hidden_error, {"hidden_error": lambda W2, d2, Z1: W2.T @ d2}),
    ],
)  # fmt: skip
def test_the_function_checks_catch_a_wrong_function(run, wrong):
    with pytest.raises(checks.CheckFailed):
        run(**wrong)


def test_require_fails_on_nan_and_formats_a_pass():
    with pytest.raises(checks.CheckFailed):
        checks.require("nan", float("nan"), 1.0)
    line = str(checks.require("x matches y", 3e-16, 1e-13, "m = 4"))
    assert line == "✓ x matches y: largest difference 3.0e-16 (bound 1e-13); m = 4"


def test_central_difference_restores_the_array_bit_for_bit():
    theta = np.array([0.1, 0.7])
    before = theta.copy()
    value = checks.central_difference(lambda t: float(np.sin(t).sum()), theta, (1,), 1e-6)
    assert np.array_equal(theta, before)
    assert abs(value - np.cos(0.7)) < 1e-9


def test_hidden_error_check_needs_no_formula():
    # The expected value comes from sympy's derivative by b1 one example at a time; compare it
    # with the formula computed here by loops, independently of the package.
    point = checks.tiny_points()[0]
    cache = network.forward(point.params, point.X)
    delta2 = cache["A2"] - point.Y
    W2, Z1 = point.params["W2"], cache["Z1"]
    loops = np.array([[sum(W2[k, i] * delta2[k, j] for k in range(W2.shape[0])) * (Z1[i, j] > 0)
                       for j in range(Z1.shape[1])] for i in range(Z1.shape[0])])  # fmt: skip
    np.testing.assert_allclose(gradients.hidden_error(W2, delta2, Z1), loops, atol=1e-15)
