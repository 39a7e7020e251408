r"""Numeric checks of the package against independent results, shared by the pages and the tests.

Each ``check_*`` function compares one or more package functions (passed in, so a test can
hand it a deliberately wrong version) with an independent result: a sympy form compiled to
NumPy, sympy's own derivative of a small network written out symbol by symbol, or central
finite differences of the loss. It returns the `Check`s it made, which a page shows as one line
each, and raises `CheckFailed` when a bound is exceeded: a page check fails the site build
whatever the interpreter's flags (no ``assert``, which ``python -O`` removes).

The points where `backward` is checked are chosen where its bugs live: every one has hidden
units that are on *and* units that are off (so a lost ReLU mask, or $Z_1$ used where $A_1$
belongs, changes the result), one network has a square $W_2$ (so a missing transpose is a value
error, not a shape error), and one is the real 784-10-10 network on real MNIST digits.

Modules: ``bounds`` (`Check`, `CheckFailed`, `require`), ``differences`` (central
differences), ``points`` (the networks and batches `backward` is checked at, real digits
included), ``passes`` (`forward` and `backward` whole), ``functions`` (one function at a
time: activations, losses, errors, gradients) and ``updates`` (the updates and schedules).
Every public name is also importable from here: ``from mnist_scratch.checks import require``.
"""

from __future__ import annotations

from .bounds import Check, CheckFailed, difference, relative_difference, require, require_true
from .differences import FD_STEP, Params, central_difference, finite_difference_gradients
from .functions import (
    check_cross_entropy,
    check_hidden_error,
    check_output_error,
    check_relu,
    check_softmax,
    check_weight_and_bias_gradients,
    lambdified_forms,
)
from .passes import (
    GRADIENT_NAMES,
    backward_by_finite_differences,
    check_backward_against_finite_differences,
    check_backward_against_sympy,
    check_forward,
    gradient_errors,
)
from .points import Point, real_digits, real_point, sympy_network, tiny_points
from .updates import check_schedules, check_updates

__all__ = [
    "FD_STEP",
    "GRADIENT_NAMES",
    "Check",
    "CheckFailed",
    "Params",
    "Point",
    "backward_by_finite_differences",
    "central_difference",
    "check_backward_against_finite_differences",
    "check_backward_against_sympy",
    "check_cross_entropy",
    "check_forward",
    "check_hidden_error",
    "check_output_error",
    "check_relu",
    "check_schedules",
    "check_softmax",
    "check_updates",
    "check_weight_and_bias_gradients",
    "difference",
    "finite_difference_gradients",
    "gradient_errors",
    "lambdified_forms",
    "real_digits",
    "real_point",
    "relative_difference",
    "require",
    "require_true",
    "sympy_network",
    "tiny_points",
]
