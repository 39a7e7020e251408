"""The exercise grader, in process: it accepts right answers and names the mistake in wrong ones.

Right answers are the package's own functions and, for each implement exercise, a second
implementation written differently (loops, einsum, another formula). Wrong answers are the
classic bugs (one-line changes to the package made in memory) and known wrong derivations.
The grader must accept every right one, and reject every classic bug with that bug's hint.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from mnist_scratch.exercises import bugs, catalogue, changes
from mnist_scratch.exercises.bugs import BUGS
from mnist_scratch.exercises.catalogue import DERIVE, EXERCISES, IMPLEMENT
from mnist_scratch.exercises.changes import Change, ChangeNoLongerApplies
from mnist_scratch.exercises.grading import grade_answer, load_function
from mnist_scratch.exercises.implement import grade, package_function

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = (
    "relu_prime",
    "softmax",
    "cross_entropy",
    "output_error",
    "hidden_error",
    "weight_gradient",
    "bias_gradient",
    "backward",
)

# A second right answer to each implement exercise, written differently from the package.
SECOND = {
    "relu_prime": """
import numpy as np

def relu_prime(Z):
    out = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        if Z[index] > 0:
            out[index] = 1
    return out
""",
    "softmax": """
import numpy as np

def softmax(Z):
    A = np.empty_like(Z)
    for j in range(Z.shape[1]):
        e = np.exp(Z[:, j] - Z[:, j].max())
        A[:, j] = e / e.sum()
    return A
""",
    "cross_entropy": """
import math

def cross_entropy(A2, Y):
    K, m = A2.shape
    total = 0.0
    for j in range(m):
        for k in range(K):
            if Y[k, j]:
                total -= float(Y[k, j]) * math.log(max(float(A2[k, j]), 1e-300))
    return total / m
""",
    "output_error": """
import numpy as np

def output_error(A2, Y):
    out = np.empty_like(A2)
    for k, j in np.ndindex(A2.shape):
        out[k, j] = A2[k, j] - Y[k, j]
    return out
""",
    "hidden_error": """
import numpy as np

def hidden_error(W2, delta2, Z1):
    return np.einsum("ki,kj->ij", W2, delta2) * np.heaviside(Z1, 0).astype(Z1.dtype)
""",
    "weight_gradient": """
import numpy as np

def weight_gradient(delta, A_prev):
    return np.einsum("uj,ij->ui", delta, A_prev) / delta.shape[1]
""",
    "bias_gradient": """
def bias_gradient(delta):
    return delta.mean(axis=1).reshape(-1, 1)
""",
    "forward": """
import numpy as np

def forward(params, X):
    Z1 = np.einsum("ip,pj->ij", params["W1"], X) + params["b1"]
    A1 = np.where(Z1 > 0, Z1, np.zeros_like(Z1))
    Z2 = np.einsum("ki,ij->kj", params["W2"], A1) + params["b2"]
    A2 = np.exp(Z2 - np.logaddexp.reduce(Z2, axis=0, keepdims=True))
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
""",
    "backward": """
import numpy as np

def backward(params, X, Y, cache):
    m = X.shape[1]
    grads = {"d" + name: np.zeros_like(p) for name, p in params.items()}
    for j in range(m):  # one example at a time: outer products, averaged
        d2 = cache["A2"][:, j:j + 1] - Y[:, j:j + 1]
        d1 = (params["W2"].T @ d2) * (cache["Z1"][:, j:j + 1] > 0)
        grads["dW2"] += np.outer(d2, cache["A1"][:, j]) / m
        grads["db2"] += d2 / m
        grads["dW1"] += np.outer(d1, X[:, j]) / m
        grads["db1"] += d1 / m
    return grads
""",
    "gd_update": """
def gd_update(theta, dtheta, lr, *, inplace=False):
    target = theta if inplace else theta.copy()
    target -= dtheta * float(lr)
    return target
""",
    "momentum_update": """
def momentum_update(theta, dtheta, velocity, lr, mu=0.9, *, inplace=False):
    v = velocity if inplace else velocity.copy()
    v *= float(mu)
    v += dtheta
    t = theta if inplace else theta.copy()
    t -= float(lr) * v
    return t, v
""",
    "warmup_cosine_lr": """
import math

def warmup_cosine_lr(step, total_steps, base_lr, warmup_steps, final_lr=0.0):
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    # (1 + cos x) / 2 = cos^2(x / 2): the same schedule, another formula
    return final_lr + (base_lr - final_lr) * math.cos(math.pi * progress / 2) ** 2
""",
}


def test_the_catalogue_covers_every_required_function_and_every_derivation_page():
    assert len(EXERCISES) >= 12
    assert set(REQUIRED) <= {e.name for e in IMPLEMENT}
    assert set(SECOND) == {e.name for e in IMPLEMENT}
    docs = ROOT / "docs"
    pages = {p.relative_to(docs).as_posix() for p in (docs / "derivations").glob("*.py")}
    assert set(catalogue.by_page()) == pages, "every derivation page ends with exercises"
    for exercise in IMPLEMENT:  # the exercise is named after the function it re-implements
        assert package_function(exercise).__name__ == exercise.name


@pytest.mark.parametrize("exercise", IMPLEMENT, ids=lambda e: e.name)
def test_the_grader_accepts_the_package_function_and_a_second_implementation(exercise):
    verdict = grade(exercise, package_function(exercise))
    assert verdict.status == "correct", verdict.text()
    second = load_function(exercise, SECOND[exercise.name], "second.py")
    verdict = grade(exercise, second, "second.py")
    assert verdict.status == "correct", verdict.text()
    assert len(verdict.passed) >= 4  # properties, not one example


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: b.name)
def test_the_grader_rejects_each_classic_bug_with_its_own_hint(bug):
    verdict = grade(EXERCISES[bug.exercise], changes.apply_change(bug.change))
    assert verdict.status == "wrong"
    assert verdict.mistake == bug.name, verdict.text()
    first = bug.hint.split("{")[0][:30]
    assert verdict.hint.startswith(first) and "{" not in verdict.hint
    assert bug.change.old not in verdict.hint  # a hint, never the right line


# Bugs in the functions backward calls are recognised in a whole backward too.
COMPOSED = [b for b in BUGS if b.change.module in ("mnist_scratch.gradients",)]


@pytest.mark.parametrize("bug", COMPOSED, ids=lambda b: b.name)
def test_a_backward_with_a_classic_bug_inside_gets_that_bugs_hint(bug):
    backward = changes.world(bug.change)["mnist_scratch.network.backward"]
    verdict = grade(EXERCISES["backward"], backward)
    assert (verdict.status, verdict.mistake) == ("wrong", bug.name), verdict.text()


def test_a_change_is_made_in_memory_only_and_refused_once_its_line_is_gone():
    bug = bugs.bug("missing-mean")
    original = inspect.getsource(package_function(EXERCISES["weight_gradient"]))
    changed = changes.apply_change(bug.change)
    assert changed is not package_function(EXERCISES["weight_gradient"])
    assert inspect.getsource(package_function(EXERCISES["weight_gradient"])) == original
    assert grade(EXERCISES["weight_gradient"], package_function(EXERCISES["weight_gradient"]))
    gone = Change(bug.change.target, "dW *= 2 / delta.shape[1]", None)
    with pytest.raises(ChangeNoLongerApplies, match="no longer"):
        changes.apply_change(gone)


def test_answers_that_cannot_be_graded_say_why_with_their_own_line_numbers():
    syntax = grade_answer("softmax", "import numpy as np\n\ndef softmax(Z)\n    return Z\n", "a.py")
    assert syntax.status == "unusable" and "line 3" in syntax.detail
    missing = grade_answer("softmax", "def soft_max(Z):\n    return Z\n", "a.py")
    assert missing.status == "unusable" and "no function named `softmax`" in missing.detail
    signature = grade_answer("gd_update", "def gd_update(theta, dtheta, lr):\n    return theta\n")
    assert signature.status == "unusable" and "inplace=False" in signature.detail
    loading = grade_answer("softmax", "x = 1\ny = x / 0\n", "a.py")
    assert loading.status == "unusable" and "ZeroDivisionError" in loading.detail
    assert "line 2" in loading.detail


def test_an_error_inside_the_answer_is_shown_as_the_readers_own():
    source = (
        "import numpy as np\n\n\ndef softmax(Z):\n    return np.exp(Z) / np.exp(Z).sum(axis=2)\n"
    )
    verdict = grade_answer("softmax", source, "mine.py")
    assert verdict.status == "wrong"
    assert "AxisError" in verdict.detail and "your file, line 5, in softmax" in verdict.detail
    assert "mnist_scratch" not in verdict.detail  # no frame of the grader's


def test_an_answer_that_writes_into_its_input_is_wrong_and_told_so():
    source = "import numpy as np\n\ndef relu_prime(Z):\n    Z[...] = Z > 0\n    return Z\n"
    verdict = grade_answer("relu_prime", source, "mine.py")
    assert verdict.status == "wrong"
    assert "changed its input `Z` in place" in verdict.detail


@pytest.mark.parametrize("exercise", DERIVE, ids=lambda e: e.name)
def test_derive_truth_and_worked_steps_pass_and_known_mistakes_get_their_hints(exercise):
    assert grade_answer(exercise.name, exercise.truth).status == "correct"
    for step in exercise.steps:
        assert grade_answer(exercise.name, step.expression).status == "correct", step.words
    for wrong, hint in exercise.mistakes:
        verdict = grade_answer(exercise.name, wrong)
        assert (verdict.status, verdict.hint) == ("wrong", hint), wrong


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("logit-gradient", "exp(z[k])/Sum(exp(z[s]), (s, 1, K)) - y[k]"),
        ("logit-gradient", "a[k]*Sum(y[s], (s, 1, K)) - y[k]"),
        ("softmax-jacobian-entry", "KroneckerDelta(k, k2)*a[k] - a[k]*a[k2]"),
        ("hidden-error-entry", "Sum(W2[k, i]*delta2[k, j]*H(Z1[i, j]), (k, 1, K))"),
        ("momentum-velocity", "alpha*g*(mu^(t + 1) - 1)/(mu - 1)"),
    ],
)
def test_a_right_derivation_written_another_way_is_accepted(name, answer):
    verdict = grade_answer(name, answer)
    assert verdict.status == "correct", verdict.text()


@pytest.mark.parametrize(
    "answer",
    [
        "__import__('os').system('true')",
        "a.__class__",
        "().__class__.__bases__",
        "lambda: 1",
        "a[k] = 1",
        "y[k] if a[k] else 0",
        "'a'",
        "a[k] - " + "y[k] + " * 400 + "0",
    ],
)
def test_a_derive_answer_is_parsed_safely(answer):
    verdict = grade_answer("logit-gradient", answer)
    assert verdict.status == "unusable"
    assert verdict.detail


def test_a_derive_answer_that_differs_says_where():
    verdict = grade_answer("logit-gradient", "a[k] - y[k]/K")
    assert verdict.status == "wrong" and "at K = 2" in verdict.detail
