r"""Grade one answer to one exercise: load it, then hand it to the grader of its kind.

An implement answer is a Python file that defines the function; it is compiled under its own
file name, so its errors carry its own line numbers, and run as a module called ``answer``
(its ``if __name__ == "__main__":`` block does not run). A derive answer is a text file holding
one expression; lines starting with ``#`` are comments.

This runs inside the sandbox (`mnist_scratch.exercises.sandbox`), never in the process that
started it: the reader's module-level code runs here too.
"""

from __future__ import annotations

import types

from mnist_scratch.exercises.catalogue import EXERCISES
from mnist_scratch.exercises.kinds import Derive, Exercise, Implement
from mnist_scratch.exercises.verdict import Unusable, Verdict, clip, their_error

MAX_SOURCE = 200_000  # characters of an implement answer: far more than any answer needs


def load_function(exercise: Implement, source: str, filename: str) -> types.FunctionType:
    """Execute the reader's file and return its function named like the exercise.

    Raises
    ------
    Unusable
        For a syntax error (with its line), an error while the file runs (with its line), or
        no function of the exercise's name.
    """
    if len(source) > MAX_SOURCE:
        raise Unusable(f"the file has {len(source):,} characters; an answer needs far fewer")
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
        text = f"\n    {exc.text.rstrip()}" if exc.text else ""
        raise Unusable(f"your file has a syntax error at {where}: {exc.msg}{text}") from None
    except ValueError as exc:  # e.g. a NUL byte in the source
        raise Unusable(f"your file cannot be compiled: {exc}") from None
    module = types.ModuleType("answer")
    module.__file__ = filename
    try:
        exec(code, module.__dict__)  # the reader's own code, in the sandbox's limits
    except MemoryError:
        raise Unusable("your file ran out of memory while it was loading") from None
    except Exception as exc:
        raise Unusable(f"your file raised an error while it was loading: "
                       f"{their_error(exc, filename)}") from None
    fn = module.__dict__.get(exercise.name)
    if fn is None:
        raise Unusable(f"your file defines no function named `{exercise.name}`")
    return fn


def grade_answer(name: str, source: str, filename: str = "<answer>") -> Verdict:
    """The verdict on ``source`` as an answer to exercise ``name``.

    A time limit raised by the sandbox (`mnist_scratch.exercises.verdict.TimeUp`) passes
    through; every other problem with the answer becomes a verdict.

    Examples
    --------
    >>> grade_answer("logit-gradient", "a[k] - y[k]").status
    'correct'
    >>> verdict = grade_answer("logit-gradient", "-y[k]/a[k]")
    >>> verdict.status, verdict.mistake
    ('wrong', '-y[k]/a[k]')
    """
    exercise: Exercise = EXERCISES[name]
    try:
        if isinstance(exercise, Implement):
            from mnist_scratch.exercises.implement import grade

            return grade(exercise, load_function(exercise, source, filename), filename)
        if isinstance(exercise, Derive):
            from mnist_scratch.exercises.derive import grade_expression

            return grade_expression(exercise, source)
        raise TypeError(f"unknown exercise kind {exercise!r}")
    except Unusable as exc:
        return Verdict(name, "unusable", detail=clip(str(exc)))
