r"""Grading an implement answer: its signature, then its properties in order, the first failure
reported with a hint aimed at the likely mistake.

When a property fails on an input, `diagnose` runs the known mistakes on the same input: every
classic bug of `mnist_scratch.exercises.bugs` (applied to the package in memory and rebuilt
into the functions that call it, so a `backward` with the missing 1/m is recognised too) and
the exercise's own list in `mnist_scratch.exercises.mistakes`. If the answer gives exactly
what a mistake gives, that mistake's hint is shown; otherwise the property's own.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from mnist_scratch.exercises.bugs import BUGS
from mnist_scratch.exercises.catalogue import EXERCISES
from mnist_scratch.exercises.changes import world
from mnist_scratch.exercises.checks import Caller, Case, Failed, Raised, same, shape_of
from mnist_scratch.exercises.kinds import Implement
from mnist_scratch.exercises.mistakes import hand_mistakes
from mnist_scratch.exercises.properties import PROPERTIES
from mnist_scratch.exercises.verdict import Unusable, Verdict, clip


@cache
def _classic_mistakes(target: str) -> list[tuple[str, Callable, str]]:
    return [(b.name, world(b.change)[target], b.hint) for b in BUGS]


def mistakes(exercise: Implement) -> list[tuple[str, Callable, str]]:
    """Every known mistake for ``exercise``: the classic bugs first, then the hand-written ones
    (`mistakes`)."""
    return _classic_mistakes(exercise.target) + hand_mistakes().get(exercise.name, [])


def package_function(exercise: Implement) -> Callable:
    module, name = exercise.target.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _signature(fn: Callable) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


def check_signature(exercise: Implement, fn: Any) -> None:
    """`Unusable` unless ``fn`` is a function with the package's parameters and defaults."""
    if not callable(fn):
        raise Unusable(f"`{exercise.name}` in your file is a {type(fn).__name__}, not a function")
    want = package_function(exercise)
    try:
        theirs = _signature(fn)
    except (TypeError, ValueError):
        raise Unusable(f"cannot read the signature of your `{exercise.name}`") from None
    if theirs != _signature(want):
        raise Unusable(
            f"your `{exercise.name}{plain_signature(fn)}` does not match the package's "
            f"`{exercise.name}{plain_signature(want)}`: use the same parameter names, order "
            "and defaults"
        )


def plain_signature(fn: Callable) -> str:
    sig = inspect.signature(fn)
    return str(
        sig.replace(
            parameters=[
                p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()
            ],
            return_annotation=inspect.Signature.empty,
        )
    )


def _ratio(got: Any, expected: Any, case: Case) -> str:
    """How many times the right value the answer gave (for hints such as "1/m times")."""
    try:
        if case.facts.get("steps"):
            theta, dtheta, lr = case.make()[0][:3]
            if isinstance(got, tuple):
                got = got[0]
            got_step = np.asarray(theta, float) - np.asarray(got, float)
            want_step = float(lr) * np.asarray(dtheta, float)
        else:
            got_step, want_step = np.asarray(got, float), np.asarray(expected, float)
        mask = np.abs(want_step) > 1e-12
        if got_step.shape != want_step.shape or not mask.any():
            return "?"
        r = float(np.median(got_step[mask] / want_step[mask]))
    except (TypeError, ValueError):  # a ratio is only a nicety in a hint
        return "?"
    if not np.isfinite(r) or r == 0:
        return "?"
    return f"1/{1 / r:.3g}" if abs(r) < 1 else f"{r:.3g}"


def _hint_fields(failure: Failed) -> dict[str, Any]:
    case, got, expected = failure.case, failure.got, failure.expected
    fields: dict[str, Any] = {"got_shape": shape_of(got), "want_shape": shape_of(expected)}
    if case is not None:
        fields.update(case.facts)
        fields["ratio"] = _ratio(got, expected, case)
        if isinstance(expected, dict) and isinstance(got, dict):
            for key in expected:  # the first gradient whose shape is off
                if key in got and np.shape(got[key]) != np.shape(expected[key]):
                    fields["got_shape"] = str(np.shape(got[key]))
                    fields["want_shape"] = str(np.shape(expected[key]))
                    break
    fields.setdefault("m", "m")
    fields.setdefault("lr", "lr")
    return fields


def diagnose(exercise: Implement, failure: Failed) -> tuple[str, str]:
    """(mistake name, hint) of the first known mistake that gives what the answer gave."""
    if failure.case is None or failure.got is None:
        return "", ""
    for name, fn, hint in mistakes(exercise):
        args, kwargs = failure.case.make()
        try:
            with np.errstate(all="ignore"):
                out = fn(*args, **kwargs)
        except Exception as exc:  # a mistake that raises is compared by what it raises
            out = Raised(exc)
        if isinstance(failure.got, Raised) or isinstance(out, Raised):
            if same(failure.got, out) and isinstance(out, Raised):
                return name, hint
            continue
        if same(failure.got, out):
            return name, hint
    return "", ""


def grade(exercise: Implement, fn: Callable, filename: str = "<answer>") -> Verdict:
    """Check every property of ``exercise`` on ``fn``, in order; report the first failure.

    Raises `Unusable` for an answer that cannot be graded (wrong signature, out of memory);
    the sandbox's `TimeUp` passes through.
    """
    check_signature(exercise, fn)
    call = Caller(fn, list(inspect.signature(fn).parameters), filename)
    verdict = Verdict(exercise.name, "correct")
    for prop in PROPERTIES[exercise.name]():
        try:
            with np.errstate(all="ignore"):
                prop.check(call)
        except Failed as failure:
            mistake, hint = ("", failure.hint) if failure.hint else diagnose(exercise, failure)
            hint = hint or prop.hint or exercise.hint
            verdict.status, verdict.failed = "wrong", prop.text
            verdict.detail = clip(failure.detail)
            verdict.mistake = mistake
            verdict.hint = hint.format_map(_Fields(_hint_fields(failure)))
            return verdict
        verdict.passed.append(prop.text)
    verdict.passed.append("never changed an input it was not allowed to change")
    return verdict


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def implement_exercise(name: str) -> Implement:
    exercise = EXERCISES[name]
    if not isinstance(exercise, Implement):
        raise KeyError(name)
    return exercise
