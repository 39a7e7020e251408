r"""Independent references and the inputs the grader calls answers on.

The references are float64 and written differently from the package on purpose (``einsum``,
``logaddexp``, ``heaviside``): grading the package's own functions against them is a real check,
not a tautology. Every input is drawn from a generator with a fixed seed, so a verdict is the
same every time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from mnist_scratch.exercises.checks import Case


def softmax64(Z: np.ndarray) -> np.ndarray:
    Z = np.asarray(Z, dtype=np.float64)
    return np.exp(Z - np.logaddexp.reduce(Z, axis=0, keepdims=True))


def ce64(A2: np.ndarray, Y: np.ndarray) -> float:
    A2, Y = np.asarray(A2, np.float64), np.asarray(Y, np.float64)
    terms = np.zeros_like(A2)
    on = Y != 0
    terms[on] = Y[on] * np.log(A2[on])
    return -float(terms.sum()) / A2.shape[1]


def ce_logits64(Z2: np.ndarray, Y: np.ndarray) -> float:
    """Mean cross-entropy of softmax(Z2), computed from the logits (log-sum-exp)."""
    log_a = Z2 - np.logaddexp.reduce(Z2, axis=0, keepdims=True)
    return -float(np.einsum("kj,kj->", Y, log_a)) / Z2.shape[1]


def forward64(p: dict[str, np.ndarray], X: np.ndarray) -> dict[str, np.ndarray]:
    Z1 = np.einsum("ip,pj->ij", p["W1"], X) + p["b1"]
    A1 = np.where(Z1 > 0, Z1, 0.0)
    Z2 = np.einsum("ki,ij->kj", p["W2"], A1) + p["b2"]
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": softmax64(Z2)}


def backward64(p, X, Y, cache_) -> dict[str, np.ndarray]:
    m = X.shape[1]
    d2 = cache_["A2"] - Y
    d1 = np.einsum("ki,kj->ij", p["W2"], d2) * np.heaviside(cache_["Z1"], 0.0)
    return {
        "dW1": np.einsum("ij,pj->ip", d1, X) / m,
        "db1": d1.mean(axis=1, keepdims=True),
        "dW2": np.einsum("kj,ij->ki", d2, cache_["A1"]) / m,
        "db2": d2.mean(axis=1, keepdims=True),
    }


def seeded(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def one_hot(labels: np.ndarray, K: int, dtype=np.float64) -> np.ndarray:
    Y = np.zeros((K, labels.size), dtype=dtype)
    Y[labels, np.arange(labels.size)] = 1
    return Y


def simple_case(label: str, build: Callable[[], tuple], **facts: Any) -> Case:
    return Case(label, lambda: (build(), {}), facts=facts)


def random_shapes(seed: int = 2024, count: int = 3) -> tuple[tuple[int, int], ...]:
    """(K or units, m) pairs: two with m = 1, then ``count`` drawn with a fixed seed."""
    drawn = seeded(seed).integers(2, 13, (count, 2))
    return ((3, 1), (12, 1), *((int(a), int(b)) for a, b in drawn))


SHAPES = random_shapes()


def describe(name: str, array_shape: tuple, dtype: str = "float64") -> str:
    return f"{name} of shape {array_shape}, {dtype}"


def random_probabilities(
    K: int, m: int, seed: int, dtype=np.float64
) -> tuple[np.ndarray, np.ndarray]:
    rng = seeded(seed)
    A2 = softmax64(rng.normal(0, 2, (K, m))).astype(dtype)
    return A2, one_hot(rng.integers(0, K, m), K, dtype)


def random_params(d: int, n: int, K: int, seed: int, dtype=np.float64) -> dict[str, np.ndarray]:
    rng = seeded(seed)
    return {
        "W1": rng.normal(0, 1 / math.sqrt(d), (n, d)).astype(dtype),
        "b1": rng.uniform(-0.5, 0.5, (n, 1)).astype(dtype),
        "W2": rng.normal(0, 1 / math.sqrt(n), (K, n)).astype(dtype),
        "b2": rng.uniform(-0.5, 0.5, (K, 1)).astype(dtype),
    }


def network_case(d: int, n: int, K: int, m: int, seed: int, dtype=np.float64) -> Case:
    """Parameters, inputs and targets with hidden units both on and off (never exactly 0)."""

    def build():
        for attempt in range(100):
            p = random_params(d, n, K, seed + 1000 * attempt, np.float64)
            rng = seeded(seed + 7 + attempt)
            X = rng.normal(0, 1, (d, m))
            Z1 = forward64(p, X)["Z1"]
            if (Z1 > 0).any() and (Z1 < 0).any() and np.abs(Z1).min() > 1e-3:
                break
        Y = one_hot(seeded(seed + 3).integers(0, K, m), K)
        cast = {k: v.astype(dtype) for k, v in p.items()}
        return cast, X.astype(dtype), Y.astype(dtype)

    return Case(
        f"a {d}-{n}-{K} network, m = {m}, {np.dtype(dtype).name} (some hidden units off)",
        lambda: (build(), {}),
        facts={"m": m},
    )


def layer_problem(units: int, inputs: int, m: int, seed: int):
    """A softmax layer Z = W A + b with its mean loss, for finite differences of dW and db."""
    rng = seeded(seed)
    W, b = rng.normal(size=(units, inputs)), rng.normal(size=(units, 1))
    A = rng.normal(size=(inputs, m))
    Y = one_hot(rng.integers(0, units, m), units)
    delta = softmax64(W @ A + b) - Y
    return W, b, A, Y, delta


def warmup_lr64(t: int, T: int, base: float, Tw: int, final: float) -> float:
    if t < Tw:
        return base * (t + 1) / Tw
    return final + 0.5 * (base - final) * (1 + math.cos(math.pi * (t - Tw) / (T - Tw)))
