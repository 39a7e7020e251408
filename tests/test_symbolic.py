"""The sympy machinery: the printer's notation, the proof record, the written-out tiny network.

The proofs themselves (every size, and failing on wrong formulas) are in
``test_symbolic_sizes.py``.
"""

import numpy as np
import pytest
import sympy as sp

from mnist_scratch import network
from mnist_scratch.checks import central_difference
from mnist_scratch.loss import cross_entropy
from mnist_scratch.symbolic import layers, optim
from mnist_scratch.symbolic.printing import display, latex
from mnist_scratch.symbolic.proof import Proof, ProofFailed
from mnist_scratch.symbolic.tiny import tiny_network


def test_the_printer_writes_the_site_notation():
    z, i, q = sp.Symbol("z"), sp.Symbol("i"), sp.Symbol("i'")
    assert latex(sp.Heaviside(z, 0)) == r"H\left(z\right)"  # H, never sympy's theta
    assert "theta" not in latex(sp.diff(sp.Max(0, z), z))
    assert latex(sp.KroneckerDelta(i, q)) == r"\mathbb{1}[i = i']"  # delta is for the errors
    assert latex(sp.IndexedBase("W_1")[i, q]) == r"(W_{1})_{ii'}"
    total = sp.Sum(sp.IndexedBase("Y")[q], (q, 0, sp.Symbol("K") - 1))
    assert latex(total, sum_limits=False) == r"\sum_{i'} Y_{i'}"


def test_a_long_equation_is_broken_into_lines_and_a_short_one_is_not():
    terms = sp.symbols("a0:12")
    long = display(sp.Eq(sp.Symbol("s"), sum(t * u for t in terms for u in terms[:3])))
    assert long.startswith(r"\begin{aligned}") and long.count(r"\\") >= 2
    assert display(sp.Eq(sp.Symbol("s"), terms[0] + terms[1])) == "s = a_{0} + a_{1}"


def test_a_proof_that_does_not_hold_raises_whatever_the_flags():
    x = sp.Symbol("x")
    with pytest.raises(ProofFailed):
        Proof("$x = 1$", (("look", x - 1),), holds=False).require()
    assert Proof("ok", (("look", x - x),), holds=True).require()


def test_labels_inline_math_only_inside_dollars():
    for prove in (layers.prove_output_error, layers.prove_softmax_shift,
                  optim.prove_momentum_limit):  # fmt: skip
        for label, _ in prove().steps:
            outside = "".join(label.split("$")[::2])  # the parts between $...$ pairs
            assert "\\" not in outside and "_" not in outside, label


@pytest.mark.parametrize("sizes", [(3, 3, 3, 4), (4, 2, 3, 3)])
def test_the_tiny_network_gradients_are_sympys_derivative_of_the_package_loss(sizes):
    # An independent value, not a shape: central differences of the package's own forward and
    # loss must agree with sympy's entry-by-entry derivatives at a random point.
    net = tiny_network(*sizes)
    params, X, Y = net.sample(np.random.default_rng(11))
    by_sympy = net.numeric_gradients(params, X, Y)

    def loss_of(_):
        return cross_entropy(network.forward(params, X)["A2"], Y)

    for name, theta in params.items():
        for q in np.ndindex(theta.shape):
            fd = central_difference(loss_of, theta, q, 1e-6)
            assert abs(by_sympy["d" + name][q] - fd) < 1e-8, (name, q)


def test_the_tiny_network_forward_pass_is_the_package_forward_pass():
    net = tiny_network(3, 3, 3, 4)
    params, X, _ = net.sample(np.random.default_rng(12))
    by_sympy = net.numeric_forward(params, X)
    got = network.forward(params, X)
    for name in ("Z1", "A1", "Z2", "A2"):
        np.testing.assert_allclose(by_sympy[name], got[name], rtol=0, atol=1e-14)


def test_the_tiny_network_is_built_once_per_size():
    assert tiny_network(3, 2, 3, 2) is tiny_network(3, 2, 3, 2)


@pytest.mark.parametrize("parameters", [1, 2, 3])
def test_the_descent_rate_for_a_few_parameter_counts(parameters):
    assert optim.prove_descent_rate(parameters)


def test_the_update_proofs_hold():
    for prove in (optim.prove_momentum_limit, optim.prove_cosine_schedule,
                  optim.prove_warmup_joins):  # fmt: skip
        assert prove(), str(prove())


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_the_concrete_softmax_jacobian_is_diag_minus_outer(classes):
    a = sp.Matrix([layers.concrete(layers.softmax_general(q), classes)[0] for q in range(classes)])
    zs = layers.concrete(layers.softmax_general(0), classes)[1]
    J = a.jacobian(zs)
    assert sp.simplify(J - (sp.diag(*a) - a * a.T)).is_zero_matrix


def test_a_gradient_is_differentiated_only_when_asked_for():
    net = tiny_network(2, 2, 2, 1)  # a size no other test builds
    params, X, Y = net.sample(np.random.default_rng(13))
    only = net.numeric_gradients(params, X, Y, ["db1"])
    assert list(only) == ["db1"] and list(net._differentiated) == ["db1"]
    np.testing.assert_array_equal(only["db1"], net.numeric_gradients(params, X, Y)["db1"])
    assert sorted(net._differentiated) == ["dW1", "dW2", "db1", "db2"]
