r"""What every command of the package shares: one ``error:`` line, and SIGTERM treated as Ctrl-C.

Each ``python -m mnist_scratch.<tool>`` ends the same way when something goes wrong: a single
line ``error: <what happened and what to do>`` on stderr and a non-zero exit status, never a
traceback. `entry` runs a tool's ``main`` so that an interrupt at any moment — a SIGTERM from a
job controller included, and even one that lands while the heavy modules are still importing —
ends with one line and status 130, after the tool's own ``finally`` blocks have removed
whatever it had half-written.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from collections.abc import Callable, Sequence

INTERRUPTED = 130  # the shell's status for a command ended by SIGINT (128 + 2)


def fail(message: str, status: int = 2) -> int:
    r"""Print ``error: message`` on stderr and return ``status``, for ``return fail(...)``.

    Examples
    --------
    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     status = fail("no such file: x.idx")
    >>> status, err.getvalue()
    (2, 'error: no such file: x.idx\n')
    """
    print(f"error: {message}", file=sys.stderr, flush=True)
    return status



def one_line_errors(parser):
    r"""Make an ``argparse`` parser end a usage mistake like every other error: one line.

    argparse prints its whole usage and then ``prog: error: ...``; with this, a mistyped flag
    or value gives ``error: <what argparse says> (see prog --help)`` and exit status 2.
    Returns ``parser``.

    Examples
    --------
    >>> import argparse, contextlib, io
    >>> parser = one_line_errors(argparse.ArgumentParser(prog="tool"))
    >>> _ = parser.add_argument("--n", type=int)
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     try:
    ...         parser.parse_args(["--n", "many"])
    ...     except SystemExit as exit:
    ...         status = exit.code
    >>> status, err.getvalue()
    (2, "error: argument --n: invalid int value: 'many' (see tool --help)\n")
    """
    def error(message: str):
        raise SystemExit(fail(f"{message} (see {parser.prog} --help)"))

    parser.error = error
    return parser

def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def terminate_as_interrupt() -> None:
    r"""From now on, SIGTERM raises `KeyboardInterrupt` in the main thread, as Ctrl-C does.

    So every ``try/finally`` and context manager that cleans up after Ctrl-C (temporary run
    folders, ``*.part`` files) also runs when the process is asked to terminate.
    """
    signal.signal(signal.SIGTERM, _raise_interrupt)


def entry(module: str, argv: Sequence[str] | None = None, attribute: str = "main") -> int:
    r"""Import ``module`` and return ``module.main(argv)``, ending an interrupt with one line.

    The import happens here, inside the guard, so Ctrl-C during the first fraction of a second
    (while NumPy and matplotlib load) prints ``error: interrupted`` instead of a traceback.
    """
    terminate_as_interrupt()
    try:
        main: Callable[[Sequence[str] | None], int] = getattr(
            importlib.import_module(module), attribute
        )
        return main(argv)
    except KeyboardInterrupt:
        return fail("interrupted; nothing half-written was kept", INTERRUPTED)
    except BrokenPipeError:  # `... | head` closed the pipe: not an error of ours
        # Point stdout at /dev/null so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
