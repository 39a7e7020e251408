r"""The properties of the exercises on `mnist_scratch.network`: ``forward`` and ``backward``.

Whole dicts of activations or gradients, at points with hidden units on and off, with logits in
the hundreds, in float32, and (for ``backward``) against central finite differences of the loss
for every parameter.
"""

from __future__ import annotations

import numpy as np

from mnist_scratch.exercises.against_reference import same_arrays
from mnist_scratch.exercises.checks import (
    Caller,
    Case,
    Failed,
    Property,
    central,
    expect_fd,
)
from mnist_scratch.exercises.references import (
    backward64,
    ce_logits64,
    forward64,
    network_case,
    random_params,
    seeded,
    simple_case,
)


def forward_properties() -> list[Property]:
    def case(d, n, K, m, seed, dtype=np.float64, scale=1.0):
        def build():
            p = random_params(d, n, K, seed)
            p["W2"] *= scale
            X = seeded(seed + 1).normal(size=(d, m))
            return {k: v.astype(dtype) for k, v in p.items()}, X.astype(dtype)

        note = ", logits in the hundreds" if scale > 1 else ""
        return simple_case(
            f"a {d}-{n}-{K} network, m = {m}, {np.dtype(dtype).name}{note}", build, m=m
        )

    def ref(p, X):
        out = forward64({k: v.astype(np.float64) for k, v in p.items()}, X.astype(np.float64))
        return {k: v.astype(X.dtype) for k, v in out.items()}

    def check_dicts(cases):
        return same_arrays(cases, ref, ("Z1", "A1", "Z2", "A2"))

    cases = [case(6, 4, 3, 5, 0), case(9, 10, 10, 1, 1), case(784, 10, 10, 3, 2)]
    return [
        Property(
            "returns Z1, A1, Z2, A2 with the right shapes and values (m = 1 included)",
            check_dicts(cases),
        ),
        Property(
            "stays finite and right when the logits are in the hundreds",
            check_dicts([case(6, 5, 4, 3, 3, scale=400.0)]),
        ),
        Property("keeps float32 as float32", check_dicts([case(8, 5, 3, 4, 4, np.float32)])),
    ]


def backward_properties() -> list[Property]:
    def with_cache(network: Case) -> Case:
        def build():
            p, X, Y = network.make()[0]
            cache_ = forward64(
                {k: v.astype(np.float64) for k, v in p.items()}, X.astype(np.float64)
            )
            return p, X, Y, {k: v.astype(X.dtype) for k, v in cache_.items()}

        return Case(network.label, lambda: (build(), {}), facts=network.facts)

    def ref(p, X, Y, cache_):
        grads = backward64(
            {k: v.astype(np.float64) for k, v in p.items()},
            X.astype(np.float64),
            Y.astype(np.float64),
            {k: v.astype(np.float64) for k, v in cache_.items()},
        )
        return {k: v.astype(X.dtype) for k, v in grads.items()}

    def check_grads(cases):
        return same_arrays(cases, ref, ("dW2", "db2", "dW1", "db1"))

    def finite_differences(call: Caller) -> None:
        network = network_case(5, 4, 3, 4, 51)
        c = with_cache(network)
        p, X, Y, _ = c.make()[0]
        got, _, _ = call.run(c)
        if not isinstance(got, dict):
            raise Failed(f"on {c.label}, it returned a {type(got).__name__}, not a dict", c, got)
        for name in ("W2", "b2", "W1", "b1"):
            numeric = central(lambda: ce_logits64(forward64(p, X)["Z2"], Y), p[name])
            expect_fd(got.get("d" + name), numeric, c, "d" + name)

    rectangular = [with_cache(network_case(6, 4, 3, 5, 0)), with_cache(network_case(7, 5, 2, 1, 1))]
    return [
        Property(
            "returns dW1, db1, dW2, db2 shaped like W1, b1, W2, b2 and right, at a point with "
            "hidden units on and off (d, n, K all different; m = 1 included)",
            check_grads(rectangular),
        ),
        Property(
            "values when W2 is square (n = K = 10, as in the real network)",
            check_grads([with_cache(network_case(12, 10, 10, 6, 2))]),
        ),
        Property(
            "keeps float32 as float32",
            check_grads([with_cache(network_case(6, 4, 3, 5, 3, np.float32))]),
        ),
        Property(
            "agrees with central finite differences of L for every parameter",
            finite_differences,
        ),
    ]
