"""The back-propagation formulas are proved for symbolic sizes, and the proofs can fail.

Every proof runs once here (the pages run it once more at build; the doctests run only cheap
ones). Each is also handed the classic wrong formula for its equation, which must not be proved.
"""

import pytest
import sympy as sp

from mnist_scratch.symbolic import algebra, backprop, layers
from mnist_scratch.symbolic.backprop import A1, A2, W2, Z1, X, Y, i, j, k, p

SIZES = {algebra.d, algebra.n, algebra.K, algebra.m}


def _sum_bounds(expr: sp.Basic) -> set[sp.Basic]:
    return {limit[2] for s in expr.atoms(sp.Sum) for limit in s.limits}


@pytest.mark.parametrize("name", backprop.GRADIENTS)
def test_every_parameter_gradient_holds_for_symbolic_sizes(name):
    proof = backprop.prove_parameter_gradient(name)
    assert proof, str(proof)
    definitions = proof.steps[0][1]
    # The sums of the network really run to the symbols d - 1, n - 1, K - 1, m - 1.
    assert _sum_bounds(definitions) == {s - 1 for s in SIZES}
    assert proof.steps[-2][1] == 0  # the derived entry minus the claim


def test_hidden_error_holds_for_symbolic_sizes():
    proof = backprop.prove_hidden_error()
    assert proof, str(proof)
    assert {algebra.n - 1, algebra.K - 1} <= _sum_bounds(proof.steps[0][1])


def _no_transpose() -> sp.Expr:  # W2 @ delta2: sums over the second index of W2
    q = algebra.primed(algebra.K, 1)
    return sp.Sum(W2[i, q] * (A2[q, j] - Y[q, j]), (q, 0, algebra.K - 1)) * sp.Heaviside(
        Z1[i, j], 0
    )


def _unmasked() -> sp.Expr:  # delta1 without the ReLU' factor
    return backprop.delta1_entry(i, j).xreplace({sp.Heaviside(Z1[i, j], 0): 1})


@pytest.mark.parametrize(
    "name, wrong",
    [
        ("dW2", lambda: (A2[k, j] - Y[k, j]) * Z1[i, j]),  # Z1 where A1 belongs
        ("dW2", lambda: (A2[k, j] - Y[k, j]) * A1[k, j]),  # indices swapped
        ("db2", lambda: 2 * (A2[k, j] - Y[k, j])),  # an extra factor
        ("dW1", lambda: _no_transpose() * X[p, j]),  # the transpose forgotten
        ("dW1", lambda: _unmasked() * X[p, j]),  # the ReLU mask forgotten
        ("db1", lambda: backprop.delta1_entry(i, j) * Y[k, j]),  # nonsense
    ],
)  # fmt: skip
def test_a_wrong_gradient_formula_is_not_proved(name, wrong):
    assert not backprop.prove_parameter_gradient(name, claim=wrong())


def test_a_wrong_hidden_error_is_not_proved():
    assert not backprop.prove_hidden_error(claim=_no_transpose())
    assert not backprop.prove_hidden_error(claim=_unmasked())


def test_the_displayed_network_is_the_one_differentiated():
    assert backprop.definitions_hold()
    assert backprop.log_softmax_identity()


def test_output_layer_proofs_for_symbolic_K():
    for prove in (
        layers.prove_output_error,
        layers.prove_output_error_via_jacobian,
        layers.prove_output_error_needs_one_hot,
        layers.prove_softmax_jacobian,
        layers.prove_softmax_shift,
        layers.prove_relu_prime,
    ):
        proof = prove()
        assert proof, str(proof)
    assert algebra.K - 1 in _sum_bounds(layers.prove_output_error().steps[0][1])


def test_output_layer_proofs_fail_on_wrong_claims():
    a, y, q = layers.a, layers.y, algebra.primed(algebra.K, 1)
    assert not layers.prove_output_error(claim=y[k] - a[k])  # the sign flipped
    assert not layers.prove_output_error(claim=a[k])  # the target forgotten
    assert not layers.prove_softmax_jacobian(claim=a[k] * sp.KroneckerDelta(k, q))  # no -a a^T


def test_the_value_of_relu_prime_at_zero_depends_on_how_relu_is_written():
    assert list(layers.relu_prime_at_zero().values()) == [sp.Rational(1, 2), 0, 1]


def test_indicator_sums_need_the_index_in_range():
    A, q = sp.IndexedBase("A"), algebra.primed(algebra.n, 1)
    inside = sp.Sum(sp.KroneckerDelta(i, q) * A[q], (q, 0, algebra.n - 1))
    assert algebra.evaluate_indicators(inside) == A[i]
    # A sum that stops one short cannot be shown to contain i: no silent answer.
    short = sp.Sum(sp.KroneckerDelta(i, q) * A[q], (q, 0, algebra.n - 2))
    with pytest.raises(ValueError):
        algebra.evaluate_indicators(short)
