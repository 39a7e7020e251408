r"""The properties of each implement exercise, in the order they are checked.

A property says something the function must do ("each column sums to 1", "agrees with central
finite differences of the loss") and checks it on several inputs: random shapes with m = 1
among them, float32 and float64, the ReLU kink at exactly 0, logits of ±1000, transposed views.
Where they apply, properties compare with sympy's exact values and with central finite
differences of the loss, truths independent of any implementation.

Each exercise's properties are in the module named after the package module its function is
in: `mnist_scratch.exercises.activation_properties`, `loss_properties`, `gradient_properties`,
`network_properties` and `optim_properties`, built mostly from
`mnist_scratch.exercises.against_reference`. This module says which list grades which
exercise; `mnist_scratch.exercises.mistakes` lists the wrong answers worth a hint of their own
beyond the classic bugs.
"""

from __future__ import annotations

from collections.abc import Callable

from mnist_scratch.exercises.activation_properties import relu_prime_properties, softmax_properties
from mnist_scratch.exercises.checks import Property
from mnist_scratch.exercises.gradient_properties import (
    bias_gradient_properties,
    hidden_error_properties,
    output_error_properties,
    weight_gradient_properties,
)
from mnist_scratch.exercises.loss_properties import cross_entropy_properties
from mnist_scratch.exercises.network_properties import backward_properties, forward_properties
from mnist_scratch.exercises.optim_properties import (
    gd_update_properties,
    momentum_update_properties,
    warmup_properties,
)

PROPERTIES: dict[str, Callable[[], list[Property]]] = {
    "forward": forward_properties,
    "relu_prime": relu_prime_properties,
    "softmax": softmax_properties,
    "cross_entropy": cross_entropy_properties,
    "output_error": output_error_properties,
    "hidden_error": hidden_error_properties,
    "weight_gradient": weight_gradient_properties,
    "bias_gradient": bias_gradient_properties,
    "backward": backward_properties,
    "gd_update": gd_update_properties,
    "momentum_update": momentum_update_properties,
    "warmup_cosine_lr": warmup_properties,
}
