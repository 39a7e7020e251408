r"""What one classic bug does, measured in a throw-away process: the classic-bugs page's numbers.

``python -m mnist_scratch.exercises.bugrun NAME DATA.npz`` (NAME a classic bug, or
``no-bug`` for the package as it is) installs the bug into this process only
(`mnist_scratch.exercises.changes.install`: every function and test that imported the changed
function runs the change) and prints one JSON object:

``gradient_check``
    `backward` against central finite differences of the loss, in float64, on a 12-10-10
    network (W₂ square, as in the real one) with m = 4: at a point where some hidden units are
    off and at one where all are on. The largest error relative to each gradient's largest
    entry, and which gradient; or the shape or exception that stopped the comparison.
``training``
    A short run of the package's own trainer, `mnist_scratch.train.train`, with its default
    recipe for 3 epochs of the first 10,000 training images (the slice in ``DATA.npz``):
    final losses and test accuracy, dead hidden units, or the error that stopped it.
``tests``
    The network's unit tests and the doctests of its modules, run by pytest in this process
    with the bug installed: how many ran, which failed.
``grader``
    The changed function graded as an answer to its exercise.

The site build runs one such process per bug (and one with no bug) while the pages render.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnist_scratch.exercises.bugs import BUGS, ClassicBug
from mnist_scratch.exercises.changes import install
from mnist_scratch.files import checkout_root

# The network's unit tests and the modules whose doctests run with them.
TEST_FILES = (
    "tests/test_activations.py",
    "tests/test_loss.py",
    "tests/test_gradients.py",
    "tests/test_gradcheck.py",
    "tests/test_network.py",
    "tests/test_optim.py",
)
DOCTEST_MODULES = (
    "mnist_scratch/activations.py",
    "mnist_scratch/loss.py",
    "mnist_scratch/gradients.py",
    "mnist_scratch/network.py",
    "mnist_scratch/optim.py",
)
SHORT_RUN = {"epochs": 3, "warmup": 50}  # the rest is TrainConfig's default recipe
TRAIN_ROWS, TEST_ROWS = 10_000, 2_000
GRADCHECK = {"inputs": 12, "hidden": 10, "classes": 10, "m": 4}
H = 1e-6  # central-difference step in float64
GRADCHECK_TOL = 1e-6  # the gradient check "passes" below this relative error
NO_BUG = "no-bug"  # the measurements of the package as it is, to compare with


def write_data(path: Path) -> None:
    """Save the slice of MNIST the short runs use (the raw bytes; a few MB)."""
    from mnist_scratch.data import load

    ds = load()
    np.savez(
        path,
        train_images=np.asarray(ds.train_images[:TRAIN_ROWS]),
        y_train=np.asarray(ds.train_labels[:TRAIN_ROWS]),
        test_images=np.asarray(ds.test_images[:TEST_ROWS]),
        y_test=np.asarray(ds.test_labels[:TEST_ROWS]),
    )


def _error_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return text if len(text) <= 300 else text[:300] + " ..."


# ----------------------------------------------------------------------------------------------
# The gradient check.


def _point(all_on: bool, seed: int = 0):
    from mnist_scratch.loss import one_hot
    from mnist_scratch.network import forward

    d, n, K, m = (GRADCHECK[k] for k in ("inputs", "hidden", "classes", "m"))
    rng = np.random.default_rng(seed)
    while True:
        params = {
            "W1": rng.normal(0, 1 / math.sqrt(d), (n, d)),
            "b1": rng.uniform(2.0, 3.0, (n, 1)) if all_on else rng.uniform(-0.5, 0.5, (n, 1)),
            "W2": rng.normal(0, 1 / math.sqrt(n), (K, n)),
            "b2": rng.uniform(-0.5, 0.5, (K, 1)),
        }
        X = rng.normal(0, 1, (d, m))
        Z1 = forward(params, X)["Z1"]
        mixed = all_on or ((Z1 > 0).any() and (Z1 < 0).any())
        if mixed and np.abs(Z1).min() > 1e-3 and (all_on == bool((Z1 > 0).all())):
            return params, X, one_hot(rng.integers(0, K, m), K, dtype=np.float64)


def gradient_check(all_on: bool) -> dict:
    """`backward` against central differences of the loss; the worst relative error."""
    from mnist_scratch.loss import cross_entropy
    from mnist_scratch.network import backward, forward

    params, X, Y = _point(all_on)
    try:
        with np.errstate(all="ignore"):
            grads = backward(params, X, Y, forward(params, X))
    except Exception as exc:  # the bug made backward itself fail
        return {"raised": _error_line(exc)}
    worst = {"error": 0.0, "gradient": ""}
    for name, theta in params.items():
        analytic = np.asarray(grads["d" + name])
        if analytic.shape != theta.shape:
            return {"shape": f"d{name} has shape {analytic.shape} where {name} is {theta.shape}"}
        numeric = np.empty_like(theta)
        for index in np.ndindex(theta.shape):
            saved = theta[index]
            theta[index] = saved + H
            up = cross_entropy(forward(params, X)["A2"], Y)
            theta[index] = saved - H
            down = cross_entropy(forward(params, X)["A2"], Y)
            theta[index] = saved
            numeric[index] = (up - down) / (2 * H)
        scale = max(float(np.abs(numeric).max()), 1e-12)
        error = float(np.abs(analytic - numeric).max()) / scale
        if not math.isfinite(error) or error > worst["error"]:
            worst = {"error": error, "gradient": "d" + name}
    return worst


# ----------------------------------------------------------------------------------------------
# The short training run.


def short_run(data_path: Path) -> dict:
    """The package's trainer on the slice: final metrics, dead units, or what stopped it."""
    from mnist_scratch.data import design_matrix
    from mnist_scratch.network import forward
    from mnist_scratch.train import Prepared, TrainConfig, train

    with np.load(data_path) as f:
        arrays = {k: f[k] for k in f.files}
    data = Prepared(
        X_train=design_matrix(arrays["train_images"]),
        y_train=arrays["y_train"],
        X_test=design_matrix(arrays["test_images"]),
        y_test=arrays["y_test"],
        test_images=arrays["test_images"],
        dataset="mnist",
        files={},
    )
    config = TrainConfig(**SHORT_RUN)
    out = {
        "rows": int(data.X_train.shape[0]),
        "test_rows": int(data.X_test.shape[0]),
        "epochs": config.epochs,
        "config": {k: getattr(config, k) for k in ("lr", "momentum", "batch_size", "schedule")},
    }
    try:
        result = train(config, data)
    except Exception as exc:  # a shape error, or the trainer's own "diverged"
        return {**out, "error": _error_line(exc)}
    A1 = forward(result.params, data.X_test.T)["A1"]
    digest = hashlib.sha256()
    for name in sorted(result.params):
        digest.update(np.ascontiguousarray(result.params[name]).tobytes())
    return {
        **out,
        "test_loss": float(result.final["test_loss"]),
        "test_accuracy": float(result.final["test_accuracy"]),
        "first_test_loss": float(result.history["test_loss"][0]),
        "hidden": int(A1.shape[0]),
        "dead_units": int((A1.max(axis=1) == 0).sum()),
        "params_sha256": digest.hexdigest(),
    }


# ----------------------------------------------------------------------------------------------
# The tests, and the grader.


class _Collector:
    """A pytest plugin that keeps which tests failed."""

    def __init__(self) -> None:
        self.ran, self.failed, self.broken = 0, [], []

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "call":
            self.ran += 1
        if report.failed and report.nodeid not in self.failed:
            self.failed.append(report.nodeid)

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.broken.append(report.nodeid or "collection")


def run_tests() -> dict:
    """The network's unit tests and doctests, with whatever is installed in this process."""
    import pytest

    root = checkout_root()
    if root is None:
        return {"error": "not run: the package is not in a checkout with its tests"}
    paths = [str(root / p) for p in (*TEST_FILES, *DOCTEST_MODULES) if (root / p).exists()]
    collector = _Collector()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        status = pytest.main(
            ["-q", "-p", "no:cacheprovider", "--rootdir", str(root), *paths],
            plugins=[collector],
        )
    return {
        "ran": collector.ran,
        "failed": collector.failed,
        "broken": collector.broken,
        "status": int(status),
        "files": [p for p in (*TEST_FILES, *DOCTEST_MODULES) if (root / p).exists()],
    }


def grade_bug(bug: ClassicBug) -> dict:
    """The changed function graded as an answer to its exercise (in this process)."""
    from mnist_scratch.exercises.catalogue import EXERCISES
    from mnist_scratch.exercises.changes import apply_change
    from mnist_scratch.exercises.implement import grade

    verdict = grade(EXERCISES[bug.exercise], apply_change(bug.change), "<bug>")
    return verdict.to_dict()


def measure(name: str, data_path: Path) -> dict:
    """Everything the classic-bugs page says about one bug (or ``no-bug``: the package as it is)."""
    bug = next((b for b in BUGS if b.name == name), None)
    if bug is None and name != NO_BUG:
        raise KeyError(name)
    result: dict = {"bug": name}
    if bug is not None:
        result["grader"] = grade_bug(bug)  # graded before the package itself is changed
        install(bug.change)
    from mnist_scratch.activations import relu_prime

    result["relu_prime_at_zero"] = float(relu_prime(np.zeros(1))[0])
    result["gradient_check"] = {"some_off": gradient_check(False), "all_on": gradient_check(True)}
    result["training"] = short_run(data_path)
    result["tests"] = run_tests()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print(f"usage: python -m mnist_scratch.exercises.bugrun NAME|{NO_BUG} DATA.npz",
              file=sys.stderr)
        return 2
    name, data = args
    print(json.dumps(measure(name, Path(data))))
    return 0


@dataclass(frozen=True)
class Claim:
    """A sentence of the classic-bugs page that depends on a measured number."""

    text: str
    holds: bool


def claims(bug: ClassicBug, result: dict, unchanged: dict) -> list[Claim]:
    """What the page says about ``bug`` in words, checked against what it measured.

    The site build stops when one no longer holds, so the words cannot drift from the numbers.
    """
    off, on = result["gradient_check"]["some_off"], result["gradient_check"]["all_on"]
    run = result["training"]

    def passes(check: dict) -> bool:
        return "error" in check and check["error"] < GRADCHECK_TOL

    found: list[Claim] = []
    if bug.name == "learning-rate-kills-relus":
        # The trainer itself stops a run whose hidden units are all dead (issue 10: a run that
        # cannot learn is not a success), so the short run ends in that message.
        found.append(Claim(
            "the trainer stops the short run: every hidden unit is dead, so it cannot learn",
            "error" in run and "hidden units are dead" in run["error"],
        ))
    if bug.name in ("momentum-sign", "learning-rate-kills-relus", "relu-prime-at-zero",
                    "no-max-shift"):
        found.append(Claim("the gradient check passes at both points", passes(off) and passes(on)))
    if bug.name == "pre-activation-for-activation":
        found.append(Claim(
            "the gradient check passes where every unit is on and fails where some are off",
            passes(on) and "error" in off and not passes(off),
        ))
    if bug.name == "untransposed-w2":
        found.append(Claim("with a square W2 the wrong product runs and the check fails",
                           "error" in off and not passes(off)))
    if bug.name == "keepdims-dropped":
        found.append(Claim("the in-place update refuses the (n, n) result", "error" in run))
    if bug.name == "extra-mean":
        found.append(Claim(
            "training runs and the loss falls, more slowly than without the bug",
            "error" not in run and run["test_loss"] < run["first_test_loss"]
            and run["test_loss"] > unchanged["training"]["test_loss"],
        ))
    if bug.name == "relu-prime-at-zero":
        found.append(Claim(
            "the package's ReLU′(0) is 0 and the changed one's is 1",
            unchanged["relu_prime_at_zero"] == 0 and result["relu_prime_at_zero"] == 1,
        ))
    return found


if __name__ == "__main__":
    sys.exit(main())
