r"""How the grader calls a reader's function and compares what it returns.

`Caller.run` hands the function fresh copies of a `Case`'s inputs and then checks that the
inputs are unchanged (a function may write only where its contract says so, as
``gd_update(..., inplace=True)``); an exception from the reader's code becomes a `Failed`
property that shows it as their own error. The ``expect_*`` functions compare a result with the
expected one (type, shape, dtype, values, finite differences) and raise `Failed` saying how it
differs.
"""

from __future__ import annotations

import errno
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mnist_scratch.exercises.verdict import Unusable, their_error

H_STEP = 1e-6  # central-difference step in float64: error ~H^2 + eps/H, about 1e-10

FD_TOL = 1e-6  # finite differences agree to this, relative to the largest entry

F64 = {"rtol": 1e-10, "atol": 1e-12}

F32 = {"rtol": 2e-5, "atol": 1e-6}


@dataclass
class Case:
    """One input: ``make()`` builds fresh arguments each time (fixed seeds inside).

    ``writes`` names the arguments the function may change (positions or keywords);
    ``facts`` are numbers a hint may quote (``m``, ``lr``).
    """

    label: str
    make: Callable[[], tuple[tuple, dict]]
    writes: tuple[int | str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class Raised:
    """What a call raised, kept to compare with what a known mistake raises."""

    exc: BaseException


class Failed(Exception):
    """A property did not hold on ``case``; ``got`` is what the answer gave."""

    def __init__(
        self,
        detail: str,
        case: Case | None = None,
        got: Any = None,
        expected: Any = None,
        hint: str = "",
    ) -> None:
        super().__init__(detail)
        self.detail, self.case, self.got, self.expected, self.hint = (
            detail,
            case,
            got,
            expected,
            hint,
        )


@dataclass
class Property:
    """One checked property: what it says, and the check (raises `Failed`)."""

    text: str
    check: Callable[[Callable], None]
    hint: str = ""


def _copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy(order="K")
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_copy(v) for v in value)
    return value


def _changed(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return not (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and np.array_equal(before, after, equal_nan=True)
        )
    if isinstance(before, dict):
        return before.keys() != after.keys() or any(_changed(before[k], after[k]) for k in before)
    return False


class Caller:
    """Calls one answer: its name, parameter names and file (to report its own errors)."""

    def __init__(self, fn: Callable, names: list[str], filename: str) -> None:
        self.fn, self.names, self.filename = fn, names, filename

    def run(self, case: Case) -> tuple[Any, tuple, dict]:
        """Call on fresh arguments; return (result, the arguments after the call, kwargs).

        Raises `Failed` if the call raised or changed an input it must not change.
        """
        args, kwargs = case.make()
        before_args, before_kwargs = _copy(args), _copy(kwargs)
        try:
            out = self.fn(*args, **kwargs)
        except MemoryError:
            raise Unusable("it ran out of memory (the grader's memory limit)") from None
        except OSError as exc:
            if exc.errno == errno.EFBIG:  # the sandbox bounds the size of what is printed
                raise Unusable("it printed more than the grader's output limit") from None
            raise Failed(
                f"on {case.label}, it raised {their_error(exc, self.filename)}", case, Raised(exc)
            ) from None
        except Exception as exc:  # the reader's own error, shown as theirs
            raise Failed(
                f"on {case.label}, it raised {their_error(exc, self.filename)}",
                case,
                Raised(exc),
            ) from None
        for key, old in [*enumerate(before_args), *before_kwargs.items()]:
            new = args[key] if isinstance(key, int) else kwargs[key]
            if key not in case.writes and _changed(old, new):
                name = self.names[key] if isinstance(key, int) else key
                raise Failed(
                    f"on {case.label}, it changed its input `{name}` in place",
                    case,
                    hint=(
                        f"Your function wrote into `{name}` (an in-place operation such as "
                        "`-=`, `/=` or `out=` on an input). The caller still needs it: "
                        "compute into a new array."
                    ),
                )
        return out, args, kwargs


def shape_of(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return str(value.shape)
    return type(value).__name__


def same(a: Any, b: Any) -> bool:
    """Whether two results are the same: type, shape, dtype and values (nan equal to nan)."""
    if isinstance(a, Raised) or isinstance(b, Raised):
        return isinstance(a, Raised) and isinstance(b, Raised) and type(a.exc) is type(b.exc)
    if isinstance(a, dict) or isinstance(b, dict):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and a.keys() == b.keys()
            and all(same(a[k], b[k]) for k in a)
        )
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (
            isinstance(a, tuple)
            and isinstance(b, tuple)
            and len(a) == len(b)
            and all(same(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind not in "fc":
            return bool(np.array_equal(a, b))
        tol = F32 if a.dtype == np.float32 else F64
        return bool(np.allclose(a, b, equal_nan=True, **tol))
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def expect_array(got: Any, expected: np.ndarray, case: Case, what: str = "it") -> None:
    """`Failed` unless ``got`` is an array of the expected shape and dtype with the right values."""
    if not isinstance(got, np.ndarray):
        raise Failed(
            f"on {case.label}, {what} returned a {type(got).__name__}, not a NumPy array",
            case,
            got,
            expected,
        )
    if got.shape != expected.shape:
        raise Failed(
            f"on {case.label}, {what} has shape {got.shape}; expected {expected.shape}",
            case,
            got,
            expected,
        )
    if got.dtype != expected.dtype:
        raise Failed(
            f"on {case.label}, {what} is {got.dtype}; expected {expected.dtype} "
            "(the dtype of the inputs)",
            case,
            got,
            expected,
        )
    tol = F32 if expected.dtype == np.float32 else F64
    if not np.allclose(got, expected, equal_nan=False, **tol):
        raise Failed(
            f"on {case.label}, {what} {_where_differs(got, expected)}", case, got, expected
        )


def _where_differs(got: np.ndarray, expected: np.ndarray) -> str:
    bad = ~np.isclose(got, expected, **(F32 if expected.dtype == np.float32 else F64))
    bad |= ~np.isfinite(got)
    index = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.any() else ()
    return (
        f"differs from the expected values at {len(np.flatnonzero(bad))} of {got.size} "
        f"entries; at index {index}: got {_number(got[index])}, expected "
        f"{_number(expected[index])}"
    )


def _number(value: Any) -> str:
    try:
        return f"{float(value):.8g}"
    except (TypeError, ValueError):
        return repr(value)


def expect_number(got: Any, expected: float, case: Case, rel: float = 1e-9) -> None:
    """`Failed` unless ``got`` is one finite number close to ``expected``."""
    if np.ndim(got) != 0 or isinstance(got, (str, bytes)):
        raise Failed(
            f"on {case.label}, it returned {shape_of(got)} of shape {np.shape(got)}, not one "
            "number",
            case,
            got,
            expected,
            hint="The loss is one number: a sum over both axes, divided by m.",
        )
    value = float(got)
    if not math.isfinite(value):
        raise Failed(f"on {case.label}, it returned {value}", case, got, expected)
    if not math.isclose(value, expected, rel_tol=rel, abs_tol=1e-12):
        raise Failed(
            f"on {case.label}, it returned {value!r}; expected {expected!r}", case, got, expected
        )


def central(f: Callable[[], float], x: np.ndarray) -> np.ndarray:
    """∂f/∂x by central differences, entry by entry (x is changed and restored)."""
    grad = np.empty_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + H_STEP
        up = f()
        x[index] = saved - H_STEP
        down = f()
        x[index] = saved
        grad[index] = (up - down) / (2 * H_STEP)
    return grad


def expect_fd(got: Any, numeric: np.ndarray, case: Case, what: str = "it") -> None:
    """`Failed` unless ``got`` agrees with the finite differences ``numeric``."""
    if not isinstance(got, np.ndarray) or got.shape != numeric.shape:
        raise Failed(
            f"on {case.label}, {what} has shape {shape_of(got)}; the finite differences have "
            f"{numeric.shape}",
            case,
            got,
            numeric,
        )
    scale = max(float(np.abs(numeric).max()), 1e-12)
    error = float(np.abs(got - numeric).max()) / scale
    if not error < FD_TOL:
        raise Failed(
            f"on {case.label}, {what} disagrees with central finite differences of the loss: "
            f"largest error {error:.2e} of the largest entry (tolerance {FD_TOL:g})",
            case,
            got,
            numeric,
        )
