"""The sympy proofs hold, and the lambdified forms agree with the package's functions."""

import numpy as np
import pytest
import sympy as sp

from mnist_scratch import symbolic


def test_output_error_general_K_and_it_needs_sum_y_equal_1():
    proof = symbolic.prove_output_error()
    assert proof, str(proof)
    assert proof.steps[-1][1] == 0
    # The step before substituting sum y = 1 is *not* a - y on its own: the one-hot fact matters.
    before = dict(proof.steps)["pull index-free factors out of the sum"].rhs
    a_i = symbolic.softmax_general(symbolic.i)
    assert sp.simplify(before - (a_i - symbolic.y[symbolic.i])) != 0
    assert proof.steps[0][1].rhs.has(symbolic.K)  # really symbolic in the number of classes


@pytest.mark.parametrize("classes", range(2, 7))
def test_output_error_for_fixed_K(classes):
    assert symbolic.prove_output_error_for(classes)


def test_softmax_jacobian_shift_and_relu_prime():
    assert symbolic.prove_softmax_jacobian()
    assert symbolic.prove_softmax_shift()
    assert symbolic.prove_relu_prime()


@pytest.mark.parametrize("classes", [2, 3])
def test_concrete_jacobian_is_diag_minus_outer(classes):
    J, zs = symbolic.softmax_jacobian_matrix(classes)
    a = sp.Matrix([symbolic.concrete(symbolic.softmax_general(q), classes)[0]
                   for q in range(classes)])  # fmt: skip
    assert sp.simplify(J - (sp.diag(*a) - a * a.T)).is_zero_matrix


def test_tiny_network_gradients_equal_the_matrix_formulas():
    net = symbolic.tiny_network(inputs=3, hidden=2, classes=3, m=2)
    proof = symbolic.prove_tiny_network(net)
    assert proof, str(proof)
    assert [name for name, _ in proof.steps] == ["dW2", "db2", "dW1", "db1"]
    assert all(matrix.is_zero_matrix for _, matrix in proof.steps)
    for name, P in net.parameters.items():
        assert net.sympy_gradients["d" + name].shape == P.shape == net.formulas["d" + name].shape


def test_tiny_network_proof_detects_a_wrong_formula():
    net = symbolic.tiny_network()
    wrong = dict(net.formulas, dW2=net.formulas["dW2"] * 2)  # forgot the 1/m
    broken = symbolic.TinyNetwork(**{**net.__dict__, "formulas": wrong})
    assert not symbolic.prove_tiny_network(broken)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lambdified_forms_match_the_package(seed):
    errors = symbolic.compare_with_package(rng=seed, classes=5, m=7)
    assert set(errors) >= {"relu", "relu_prime", "softmax", "softmax_jacobian",
                           "cross_entropy", "output_error", "tiny_network"}  # fmt: skip
    for name, err in errors.items():
        assert err < 1e-12, f"{name}: {err:.2e}"


def test_proofs_print_and_render_as_latex():
    proof = symbolic.prove_softmax_shift()
    assert str(proof).startswith(proof.claim) and "holds" in str(proof)
    latex = proof._repr_latex_()
    assert latex.startswith("$$") and r"\begin{aligned}" in latex
    for label, _ in proof.steps:  # labels sit inside \text{}: no math-mode characters
        assert not set(label) & set("_^{}\\$&%#"), label


def test_numeric_gradients_evaluate_the_sympy_gradients():
    net = symbolic.tiny_network()
    rng = np.random.default_rng(5)
    params = {n: rng.standard_normal(P.shape) for n, P in net.parameters.items()}
    X, Y = rng.standard_normal((3, 2)), np.eye(3)[:, [0, 2]]
    grads = net.numeric_gradients(params, X, Y)
    assert {n: g.shape for n, g in grads.items()} == {
        "dW1": (2, 3), "db1": (2, 1), "dW2": (3, 2), "db2": (3, 1),
    }  # fmt: skip
