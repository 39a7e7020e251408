r"""The command line: list the exercises, show one, its hint or solution, and grade an answer.

```console
$ python -m mnist_scratch.exercises                      # name, page, kind of every exercise
$ python -m mnist_scratch.exercises show softmax         # what to do
$ python -m mnist_scratch.exercises hint softmax
$ python -m mnist_scratch.exercises check softmax my_softmax.py
$ python -m mnist_scratch.exercises solution softmax
```

``check`` exits 0 for a correct answer, 1 for a wrong one and 2 for an answer that cannot be
graded (a syntax error, no such function, a time or memory limit); usage errors also end with
one ``error:`` line and status 2.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Sequence
from pathlib import Path

from mnist_scratch.cli import fail
from mnist_scratch.exercises.catalogue import EXERCISES, check_command
from mnist_scratch.exercises.kinds import Derive, Exercise, Implement
from mnist_scratch.exercises.sandbox import MEMORY_MB, TIME_LIMIT
from mnist_scratch.exercises.verdict import plain

MAX_ANSWER_BYTES = 1 << 20  # an answer file is a few hundred bytes; refuse anything huge

def _find(name: str) -> Exercise | None:
    return EXERCISES.get(name)


def _unknown(name: str) -> int:
    close = difflib.get_close_matches(name, EXERCISES, n=1)
    also = f"; did you mean {close[0]}?" if close else ""
    return fail(
        f"no exercise named {name!r}{also} (`python -m mnist_scratch.exercises` lists them)"
    )


def list_exercises() -> str:
    rows = [("name", "page", "kind")] + [
        (e.name, f"docs/{e.page}", e.kind) for e in EXERCISES.values()
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def show(exercise: Exercise) -> str:
    lines = [f"{exercise.name} ({exercise.kind}): {exercise.title}", "", plain(exercise.statement)]
    if isinstance(exercise, Implement):
        from mnist_scratch.exercises.implement import package_function, plain_signature

        lines += ["", f"    def {exercise.name}{plain_signature(package_function(exercise))}: ..."]
    elif isinstance(exercise, Derive):
        lines += ["", "Write one expression in sympy syntax, using only these names:"]
        lines += [f"    {n.name:16} {n.meaning}" for n in exercise.names]
    lines += [
        "",
        f"Page: docs/{exercise.page}",
        f"Check your answer: {check_command(exercise)}",
        f"Hint: python -m mnist_scratch.exercises hint {exercise.name}",
    ]
    return "\n".join(lines)


def _answer_problem(path: Path) -> str | None:
    """Why the answer file cannot be used, or None."""
    if not path.exists():
        return f"no such file: {path}"
    if not path.is_file():
        return f"not a file: {path}"
    try:
        size = path.stat().st_size
        if size > MAX_ANSWER_BYTES:
            return f"{path} has {size:,} bytes; the limit for an answer is {MAX_ANSWER_BYTES:,}"
        path.read_bytes().decode("utf-8")
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    except UnicodeDecodeError:
        return f"{path} is not UTF-8 text"
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mnist_scratch.exercises",
        description="Exercises that grade themselves: list, show, hint, check, solution.",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("list", help="every exercise: name, page, kind")
    for command, text in (
        ("show", "what the exercise asks"),
        ("hint", "a hint"),
        ("solution", "the worked solution"),
    ):
        sub.add_parser(command, help=text).add_argument("name")
    check = sub.add_parser("check", help="grade an answer: exit 0 correct, 1 wrong, 2 unusable")
    check.add_argument("name")
    check.add_argument("file", type=Path, help="your .py file (implement) or expression (derive)")
    check.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS",
                       help=f"time the answer may take (default {TIME_LIMIT:g})")
    check.add_argument("--memory", type=int, default=MEMORY_MB, metavar="MB",
                       help=f"memory the answer may add (default {MEMORY_MB})")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse printed its usage line; keep its status
        return int(exc.code or 0)
    if args.command in (None, "list"):
        print(list_exercises())
        return 0
    exercise = _find(args.name)
    if exercise is None:
        return _unknown(args.name)
    if args.command == "show":
        print(show(exercise))
    elif args.command == "hint":
        print(plain(exercise.hint))
    elif args.command == "solution":
        if isinstance(exercise, Derive):
            print("\n\n".join(f"{plain(s.words)}\n    {s.expression}" for s in exercise.steps))
        else:
            print(exercise.solution().rstrip())
    elif args.command == "check":
        if not 0 < args.time_limit <= 600:
            return fail(f"--time-limit must lie in (0, 600] seconds, got {args.time_limit:g}")
        if not 64 <= args.memory <= 1 << 16:
            return fail(f"--memory must lie in 64..65536 MB, got {args.memory}")
        if problem := _answer_problem(args.file):
            return fail(problem)
        from mnist_scratch.exercises.sandbox import grade_file

        verdict = grade_file(
            exercise.name, args.file, time_limit=args.time_limit, memory_mb=args.memory
        )
        print(verdict.text())
        return verdict.exit_status
    return 0
