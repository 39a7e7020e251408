r"""A small network written out in sympy, one symbol per entry, differentiated by sympy alone.

This is the independent witness of the numeric checks (`mnist_scratch.checks`): sympy's
`diff` of the loss with respect to every parameter entry, with no back-propagation formula
anywhere, compiled to NumPy once per size and evaluated at the numbers `backward` is given.
The loss is $L = -\frac{1}{m} \sum_{k,j} Y_{kj} \log\, (A_2)_{kj}$, with
$A_2 = \mathrm{softmax}(W_2 A_1 + b_2)$ and $A_1 = \mathrm{ReLU}(W_1 X + b_1)$, one symbol for
every entry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from mnist_scratch import loss, network
from mnist_scratch.symbolic.layers import relu_expr


def _matrix(name: str, rows: int, cols: int) -> sp.Matrix:
    return sp.Matrix(rows, cols, lambda r, q: sp.Symbol(f"{name}_{r}{q}", real=True))


@dataclass(frozen=True)
class TinyNetwork:
    r"""A network of the given sizes with a sympy symbol for every parameter, pixel and target.

    Attributes
    ----------
    inputs, hidden, classes, m : int
        Sizes: $d$, $n$, $K$ and the number of examples; ``X`` is ``(inputs, m)``.
    W1, b1, W2, b2, X, Y : sympy.Matrix
        Symbols ``w1_rc``, ``b1_r0``, ``w2_rc``, ``b2_r0``, ``x_rc``, ``y_rc``.
    Z1, A1, Z2, A2 : sympy.Matrix
        The forward pass, written out in those symbols.
    L : sympy.Expr
        The mean cross-entropy of the forward pass, written out.
    """

    inputs: int
    hidden: int
    classes: int
    m: int
    W1: sp.Matrix
    b1: sp.Matrix
    W2: sp.Matrix
    b2: sp.Matrix
    X: sp.Matrix
    Y: sp.Matrix
    Z1: sp.Matrix
    A1: sp.Matrix
    Z2: sp.Matrix
    A2: sp.Matrix
    L: sp.Expr
    # Differentiated and compiled on first use, one gradient at a time: sympy's diff of the
    # written-out loss is the costly part (seconds per network), and a check that needs only
    # db1 should not pay for dW1 and dW2.
    _differentiated: dict[str, sp.Matrix] = field(default_factory=dict, repr=False, compare=False)
    _compiled: dict[str, Callable] = field(default_factory=dict, repr=False, compare=False)

    @property
    def parameters(self) -> dict[str, sp.Matrix]:
        """``{"W1": ..., "b1": ..., "W2": ..., "b2": ...}``."""
        return {"W1": self.W1, "b1": self.b1, "W2": self.W2, "b2": self.b2}

    def sympy_gradient(self, name: str) -> sp.Matrix:
        """``"dW1"``, ``"db1"``, ``"dW2"`` or ``"db2"``: one sympy `diff` of ``L`` per entry.

        Examples
        --------
        >>> net = tiny_network(inputs=1, hidden=1, classes=2, m=1)
        >>> net.sympy_gradient("db2").shape
        (2, 1)
        """
        if name not in self._differentiated:
            parameter = self.parameters[name.removeprefix("d")]
            self._differentiated[name] = parameter.applyfunc(lambda e: sp.diff(self.L, e))
        return self._differentiated[name]

    @property
    def _gradient_names(self) -> list[str]:
        return ["d" + name for name in self.parameters]

    @property
    def sympy_gradients(self) -> dict[str, sp.Matrix]:
        """All four: ``{"dW1": ..., "db1": ..., "dW2": ..., "db2": ...}``."""
        return {name: self.sympy_gradient(name) for name in self._gradient_names}

    def _gradient_function(self, name: str) -> Callable:
        """One gradient as a NumPy function of every entry (compiled once)."""
        if name not in self._compiled:
            symbols = [s for M in (*self.parameters.values(), self.X, self.Y) for s in M]
            self._compiled[name] = sp.lambdify(symbols, self.sympy_gradient(name), "numpy",
                                               cse=True)  # fmt: skip
        return self._compiled[name]

    @functools.cached_property
    def _compiled_forward(self) -> Callable[..., list]:
        symbols = [s for M in (*self.parameters.values(), self.X) for s in M]
        return sp.lambdify(symbols, [self.Z1, self.A1, self.Z2, self.A2], "numpy", cse=True)

    def numeric_forward(
        self, params: dict[str, np.ndarray], X: np.ndarray
    ) -> dict[str, np.ndarray]:
        """The written-out forward pass at float64 numbers: ``Z1``, ``A1``, ``Z2``, ``A2``.

        Examples
        --------
        >>> net = tiny_network(inputs=1, hidden=1, classes=2, m=1)
        >>> params = {"W1": np.ones((1, 1)), "b1": -np.ones((1, 1)),
        ...           "W2": np.zeros((2, 1)), "b2": np.zeros((2, 1))}
        >>> net.numeric_forward(params, np.zeros((1, 1)))["A1"].tolist()  # ReLU(0 - 1)
        [[0.0]]
        """
        values = [
            float(v)
            for array in (*(params[name] for name in self.parameters), X)
            for v in np.asarray(array, dtype=np.float64).ravel()
        ]
        names = ("Z1", "A1", "Z2", "A2")
        return {
            name: np.asarray(value, dtype=np.float64)
            for name, value in zip(names, self._compiled_forward(*values), strict=True)
        }

    def numeric_gradients(
        self,
        params: dict[str, np.ndarray],
        X: np.ndarray,
        Y: np.ndarray,
        names: Sequence[str] | None = None,
    ) -> dict[str, np.ndarray]:
        """sympy's gradients (``names``, all four by default) at float64 numbers, shaped like
        the parameters.

        Examples
        --------
        >>> net = tiny_network(inputs=1, hidden=1, classes=2, m=1)
        >>> params = {"W1": np.ones((1, 1)), "b1": np.zeros((1, 1)),
        ...           "W2": np.zeros((2, 1)), "b2": np.zeros((2, 1))}
        >>> grads = net.numeric_gradients(params, np.ones((1, 1)), np.array([[1.0], [0.0]]))
        >>> grads["db2"].ravel().tolist()  # softmax(0, 0) - y
        [-0.5, 0.5]
        """
        values = [
            float(v)
            for array in (*(params[name] for name in self.parameters), X, Y)
            for v in np.asarray(array, dtype=np.float64).ravel()
        ]
        return {
            name: np.asarray(self._gradient_function(name)(*values), dtype=np.float64)
            for name in (names if names is not None else self._gradient_names)
        }

    def sample(
        self, rng: np.random.Generator | int = 0
    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """A random float64 point in the package's layout: parameters, ``X`` and one-hot ``Y``.

        He-initialised weights with every entry (biases too) nudged off zero, normal inputs
        ``X`` ``(inputs, m)`` and one-hot targets ``Y`` ``(classes, m)``. A Generator passed in
        is advanced, so a caller can keep drawing from it.

        Examples
        --------
        >>> params, X, Y = tiny_network(m=2).sample(0)
        >>> X.shape, Y.shape, Y.sum(axis=0).tolist(), bool(np.all(params["b1"] != 0))
        ((3, 2), (3, 2), [1.0, 1.0], True)
        """
        rng = np.random.default_rng(rng)
        params = network.init_params(
            self.hidden, self.inputs, self.classes, scheme="he", rng=rng, dtype=np.float64
        )
        params = {name: p + 0.1 * rng.normal(size=p.shape) for name, p in params.items()}
        X = rng.normal(size=(self.inputs, self.m))
        labels = rng.integers(0, self.classes, size=self.m)
        return params, X, loss.one_hot(labels, self.classes, dtype=np.float64)


@functools.cache
def tiny_network(inputs: int = 3, hidden: int = 2, classes: int = 3, m: int = 2) -> TinyNetwork:
    r"""Build (once per size) a network in sympy, whose loss is differentiated entry by entry.

    Examples
    --------
    >>> net = tiny_network()
    >>> net.sympy_gradients["dW1"].shape  # differentiated here, on first use
    (2, 3)
    >>> tiny_network() is net  # built once, then cached
    True
    """
    W1, b1 = _matrix("w1", hidden, inputs), _matrix("b1", hidden, 1)
    W2, b2 = _matrix("w2", classes, hidden), _matrix("b2", classes, 1)
    X, Y = _matrix("x", inputs, m), _matrix("y", classes, m)
    ones = sp.ones(1, m)  # broadcasts a bias column over the m examples

    Z1 = W1 * X + b1 * ones
    A1 = Z1.applyfunc(relu_expr)
    Z2 = W2 * A1 + b2 * ones
    E = Z2.applyfunc(sp.exp)
    A2 = sp.Matrix(classes, m, lambda r, q: E[r, q] / sum(E[:, q]))
    L = -sp.Rational(1, m) * sum(
        Y[r, q] * sp.log(A2[r, q]) for r in range(classes) for q in range(m)
    )
    return TinyNetwork(inputs, hidden, classes, m, W1, b1, W2, b2, X, Y, Z1, A1, Z2, A2, L)
