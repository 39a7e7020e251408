r"""What grading says about an answer, and how the reader's own errors are reported.

A `Verdict` is ``correct`` (exit status 0), ``wrong`` (1) or ``unusable`` (2: the answer could
not be graded at all: a syntax error, no function of that name, a different signature, a time
or memory limit, an expression that does not parse). A wrong answer names the first property it
fails, what happened, and a hint aimed at the likely mistake, never the solution.

An error raised by the reader's code is shown as theirs: the exception and the line of *their*
file it came from, not a traceback through the grader.
"""

from __future__ import annotations

import re
import textwrap
import traceback
from dataclasses import dataclass, field

STATUS = {"correct": 0, "wrong": 1, "unusable": 2}
LIMIT = 2000  # characters of any one message: a reader's huge exception text stays readable


class Unusable(Exception):
    """The answer cannot be graded; the message says why, in the reader's terms."""


class TimeUp(BaseException):
    """The reader's code ran past the time limit (raised by the sandbox's alarm).

    A `BaseException`, so an ``except Exception`` in the reader's code does not swallow it.
    """


@dataclass
class Verdict:
    """The outcome of grading one answer.

    Attributes
    ----------
    exercise
        The exercise's name.
    status
        ``"correct"``, ``"wrong"`` or ``"unusable"``.
    passed
        The properties that held, in the order they were checked.
    failed
        The first property that did not hold (empty when correct).
    detail
        What happened: the input, what the answer gave, what was expected.
    hint
        A hint aimed at the likely mistake (empty when correct).
    mistake
        The known mistake the answer was recognised as (a classic bug's or a catalogue
        mistake's name), or "".
    output
        What the reader's code printed (bounded), filled in by the sandbox.
    """

    exercise: str
    status: str
    passed: list[str] = field(default_factory=list)
    failed: str = ""
    detail: str = ""
    hint: str = ""
    mistake: str = ""
    output: str = ""

    @property
    def exit_status(self) -> int:
        return STATUS[self.status]

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict) -> Verdict:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def text(self) -> str:
        """The verdict as the command line prints it."""
        lines = [f"{self.exercise}: {self.status}"]
        if self.status == "correct":
            lines += [f"  ✓ {p}" for p in self.passed]
        else:
            lines += [f"  ✓ {p}" for p in self.passed]
            if self.failed:
                lines.append(f"  ✗ {self.failed}")
            if self.detail:
                lines += ["", *(f"    {line}" for line in self.detail.splitlines())]
            if self.hint:
                lines += [
                    "",
                    *textwrap.wrap(
                        "hint: " + plain(self.hint, None),
                        96,
                        initial_indent="  ",
                        subsequent_indent="        ",
                    ),
                ]
        if self.output:
            lines += ["", "  your code printed:", *(f"    {ln}" for ln in self.output.splitlines())]
        return "\n".join(lines)


# Enough LaTeX -> Unicode for the statements to read well in a terminal.
_TEX = [
    (r"\\t?frac\{([\w^]+)\}\{([\w^]+)\}", r"\1/\2 "),
    (r"\\t?frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2) "),
    (r"\\mathrm\{([^{}]*)\}", r"\1"),
    (r"\\text\{([^{}]*)\}", r"\1"),
    (r"\\operatorname\{([^{}]*)\}", r"\1"),
]
_SYMBOLS = {
    r"\partial": "∂", r"\delta": "δ", r"\alpha": "α", r"\mu": "μ", r"\theta": "θ",
    r"\ell": "ℓ", r"\sum": "Σ", r"\leftarrow": "←", r"\to": "→", r"\infty": "∞",
    r"\dots": "…", r"\pm": "±", r"\log": "log", r"\min": "min", r"\,": " ", r"\;": " ",
}


def plain(text: str, width: int | None = 96) -> str:
    """Markdown with LaTeX math, as plain text for a terminal.

    Examples
    --------
    >>> plain(r"$\\frac{\\partial \\ell}{\\partial z_k} = a_k - y_k$")
    '(∂ ℓ)/(∂ z_k) = a_k - y_k'
    """
    for pattern, repl in _TEX:
        text = re.sub(pattern, repl, text)
    for tex, char in _SYMBOLS.items():
        text = text.replace(tex, char)
    text = text.replace("$", "").replace("`", "").replace("{", "").replace("}", "")
    text = re.sub(r" {2,}", " ", text)
    if width is None:
        return text
    return "\n\n".join(textwrap.fill(p, width) for p in text.split("\n\n"))


def clip(text: str, limit: int = LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying so."""
    return text if len(text) <= limit else text[:limit] + f" ... ({len(text) - limit} more)"


def their_error(exc: BaseException, filename: str) -> str:
    """An exception raised by the reader's code, as one line with the line of their file.

    The frames of the grader and of libraries are left out; the innermost frame in
    ``filename`` says where, in the reader's own terms.
    """
    message = clip(f"{type(exc).__name__}: {exc}".strip(), 500)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    if not frames:
        return message
    frame = frames[-1]
    where = f"line {frame.lineno}, in {frame.name}"
    code = f": {frame.line.strip()}" if frame.line else ""
    return f"{message}\n(your file, {where}{code})"
