r"""How the benchmark measures: interleaved timings and their ratios, the machine, and the rows.

Every contender runs once per round, in a rotating order, after one untimed warm-up; a figure
is the median over rounds of the per-round ratio, which holds on a shared machine where the
absolute milliseconds do not.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mnist_scratch.data import design_matrix, load
from mnist_scratch.data.known import CLASSES
from mnist_scratch.memory import shortfall

ENV_VARS = (
    "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)
PIXELS = 28 * 28


class BenchError(Exception):
    """A benchmark that cannot run (bad option, too big, unusable output folder); one line."""


def _seconds(fn: Callable[[], object]) -> float:
    tick = time.perf_counter()
    fn()
    return time.perf_counter() - tick


def interleave(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Time every function once per round, for ``rounds`` rounds, in a rotating order.

    Alternating puts every contender under the same machine load; rotating the order removes
    the advantage of running first (warm caches) or last. Returns seconds per call, by name.
    """
    names = list(fns)
    for name in names:  # one untimed warm-up: first-touch page faults, BLAS thread start-up
        fns[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            times[name].append(_seconds(fns[name]))
    return times


def ms(values: Sequence[float]) -> float:
    """Median of timings in seconds, as milliseconds rounded to 0.01."""
    return round(1e3 * statistics.median(values), 2)


def ratio(num: Sequence[float], den: Sequence[float]) -> float:
    """Median over rounds of the per-round ratio ``num[i] / den[i]``, to 3 decimals."""
    return round(statistics.median(a / b for a, b in zip(num, den, strict=True)), 3)


def blas_info() -> tuple[list[dict[str, Any]], int]:
    """The BLAS/OpenMP libraries loaded in this process, and NumPy's BLAS thread count."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return [{"source": "numpy.show_config", **info}], os.cpu_count() or 1
    pools = threadpool_info()
    blas = [p for p in pools if p.get("user_api") == "blas"]
    return pools, int(blas[0]["num_threads"]) if blas else (os.cpu_count() or 1)


def has_threadpoolctl() -> bool:
    try:
        import threadpoolctl  # noqa: F401
    except ImportError:
        return False
    return True


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def environment() -> dict[str, Any]:
    """What the numbers ran on; hostnames and user names are deliberately left out."""
    pools, threads = blas_info()
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    return {
        "machine": platform.machine(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": affinity,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas_threads": threads,
        "threadpools": pools,
        "env": {name: os.environ.get(name) for name in ENV_VARS},
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


@dataclass(frozen=True)
class Rows:
    """Float32 design-matrix rows and labels, as the training loop keeps them."""

    X_train: np.ndarray  # (m, 784) float32, C-contiguous
    images: np.ndarray  # (m, 784) uint8: the rows X_train was made from
    y_train: np.ndarray  # (m,) uint8
    X_test: np.ndarray  # (m_test, 784)
    y_test: np.ndarray  # (m_test,)
    test_images: np.ndarray  # (m_test, 784) uint8
    source: str  # "mnist" or "synthetic"


def real_rows(data_dir: Path | None = None) -> Rows:
    """MNIST through the data layer (cache, mirrors or registry copy), as float32 rows."""
    ds = load(data_dir=data_dir)
    return Rows(
        design_matrix(ds.train_images), np.asarray(ds.train_images), np.asarray(ds.train_labels),
        design_matrix(ds.test_images), np.asarray(ds.test_labels), np.asarray(ds.test_images),
        "mnist",
    )


def synthetic_bytes(m: int) -> int:
    """About what `synthetic_rows` and the benchmark's own copies of them take for ``m`` rows:
    the uint8 images and their float32 rows twice (made, then split), a shuffled float32 copy
    and its one-hot targets."""
    m_all = m + max(m // 6, 10)
    return m_all * PIXELS * (1 + 4 + 4) + m * (PIXELS * 4 + CLASSES * 4 * 2)


def synthetic_rows(m: int, seed: int = 0) -> Rows:
    """Random images of MNIST's shape and dtype (for smoke tests): speed only, no accuracy.

    Raises
    ------
    BenchError
        If ``m`` is too small to hold a batch, or needs more memory than is free (checked
        before anything is allocated).
    """
    if m < 256:
        raise BenchError(f"--synthetic needs at least 256 rows, got {m}")
    reason = shortfall(synthetic_bytes(m), f"--synthetic {m}")
    if reason:
        raise BenchError(f"{reason}; ask for fewer rows (MNIST has 60,000)")
    rng = np.random.default_rng(seed)
    m_test = max(m // 6, 10)
    images = rng.integers(0, 256, size=(m + m_test, PIXELS), dtype=np.uint8)
    labels = rng.integers(0, CLASSES, size=m + m_test).astype(np.uint8)
    X = design_matrix(images)
    return Rows(X[:m].copy(), images[:m].copy(), labels[:m], X[m:].copy(), labels[m:],
                images[m:].copy(), "synthetic")
