r"""One-line changes to real functions of the package, applied in memory only.

A `Change` names a function, the line as it stands in the package's source (its code, without
the comment) and what that line becomes. `apply_change` takes the function's source with
`inspect.getsource`, replaces that one line and executes the result in a fresh copy of the
function's module namespace: the package on disk and the function already imported are never
touched. When the line is no longer in the function (someone edited it), `apply_change` raises
`ChangeNoLongerApplies` and the site build stops, so the classic-bugs page can never show a
change to code that no longer exists.

`world` rebuilds every function of the network's math so that each calls the changed one:
``world(bug.change)["mnist_scratch.network.backward"]`` is `backward` as it would run with the
bug. `install` makes the package itself run a change, for a throw-away process. The classic
bugs that are made of these changes are `mnist_scratch.exercises.bugs`.
"""

from __future__ import annotations

import importlib
import inspect
import re
import textwrap
import types
from dataclasses import dataclass
from functools import cache

# The modules whose functions make up the network's math, in import order.
MATH_MODULES = (
    "mnist_scratch.activations",
    "mnist_scratch.loss",
    "mnist_scratch.gradients",
    "mnist_scratch.network",
    "mnist_scratch.optim",
)

_COMMENT = re.compile(r"\s+#.*$")  # an inline comment (the package's code has no '#' in strings)


class ChangeNoLongerApplies(Exception):
    """The line a `Change` replaces is not (or not exactly once) in its function any more."""


@dataclass(frozen=True)
class Change:
    """Replace one line of a package function.

    Attributes
    ----------
    target
        Full name of the function, e.g. ``"mnist_scratch.gradients.weight_gradient"``.
    old
        The line's code exactly as in the source, stripped, without its inline comment.
    new
        The code that replaces it (same indentation), or None to delete the line.
    """

    target: str
    old: str
    new: str | None

    @property
    def module(self) -> str:
        return self.target.rsplit(".", 1)[0]

    @property
    def function(self) -> str:
        return self.target.rsplit(".", 1)[1]


def _original(target: str) -> types.FunctionType:
    module, name = target.rsplit(".", 1)
    fn = getattr(importlib.import_module(module), name)
    if not isinstance(fn, types.FunctionType):
        raise ChangeNoLongerApplies(f"{target} is not a plain function")
    return fn


def located(change: Change) -> tuple[str, int, str]:
    """Where the changed line is: (source file, line number, the full line as written).

    Raises
    ------
    ChangeNoLongerApplies
        If the line is not in the function exactly once.

    Examples
    --------
    >>> change = Change("mnist_scratch.gradients.weight_gradient", "dW *= 1 / delta.shape[1]", None)
    >>> path, line, text = located(change)
    >>> path.endswith("gradients.py"), text.split("#")[0].strip()
    (True, 'dW *= 1 / delta.shape[1]')
    """
    fn = _original(change.target)
    lines, first = inspect.getsourcelines(fn)
    hits = [n for n, line in enumerate(lines) if _COMMENT.sub("", line).strip() == change.old]
    if len(hits) != 1:
        found = "is no longer" if not hits else f"appears {len(hits)} times"
        raise ChangeNoLongerApplies(
            f"the line `{change.old}` {found} in {change.target}; update the classic bug that "
            f"changes it in mnist_scratch/exercises/bugs.py"
        )
    n = hits[0]
    return inspect.getsourcefile(fn) or "", first + n, lines[n].rstrip("\n")


def changed_source(change: Change) -> str:
    """The function's source with the one line changed (dedented, ready to execute)."""
    fn = _original(change.target)
    _, lineno, line = located(change)
    lines, first = inspect.getsourcelines(fn)
    index = lineno - first
    indent = line[: len(line) - len(line.lstrip())]
    if change.new is None:
        del lines[index]
    else:
        lines[index] = indent + change.new + "\n"
    return textwrap.dedent("".join(lines))


def apply_change(change: Change) -> types.FunctionType:
    """The changed function, executed in a fresh copy of its module's namespace.

    Raises
    ------
    ChangeNoLongerApplies
        If the line to change is not in the function exactly once.
    """
    module = importlib.import_module(change.module)
    namespace = dict(vars(module))
    code = compile(changed_source(change), f"<{change.target}, changed>", "exec")
    exec(code, namespace)  # our own source with one line replaced, never a reader's text
    fn = namespace[change.function]
    fn.__module__ = change.module
    return fn


def answer_source(change: Change) -> str:
    """A file a reader could have written: the imports the function needs, then the function."""
    fn = _original(change.target)
    module = importlib.import_module(change.module)
    names = sorted(
        n for n in _global_names(fn.__code__) if n in vars(module) and n != "np"
    )
    header = "from __future__ import annotations\n\nimport numpy as np\n"
    if names:
        header += f"\nfrom {change.module} import {', '.join(names)}\n"
    return header + "\n\n" + changed_source(change)


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


@cache
def _math_functions() -> dict[str, types.FunctionType]:
    found = {}
    for name in MATH_MODULES:
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if isinstance(obj, types.FunctionType) and obj.__module__ == name:
                found[f"{name}.{attr}"] = obj
    return found


def world(*changes: Change) -> dict[str, types.FunctionType]:
    """Every function of the math modules, rebuilt so that each one calls the changed ones.

    Returns full name -> function; unchanged functions are copies bound to new globals in
    which every math function is replaced by its rebuilt self (so `backward` calls the changed
    `weight_gradient`, and `hidden_error` the changed `relu_prime`).
    """
    originals = _math_functions()
    replaced = {c.target: apply_change(c) for c in changes}
    namespaces = {name: dict(vars(importlib.import_module(name))) for name in MATH_MODULES}
    rebuilt: dict[str, types.FunctionType] = {}
    for full, fn in originals.items():
        source = replaced.get(full, fn)
        new = types.FunctionType(
            source.__code__, namespaces[fn.__module__], fn.__name__, source.__defaults__
        )
        new.__kwdefaults__ = source.__kwdefaults__
        new.__doc__, new.__module__ = fn.__doc__, fn.__module__
        rebuilt[full] = new
    by_identity = {id(fn): rebuilt[full] for full, fn in originals.items()}
    for namespace in namespaces.values():
        for key, value in namespace.items():
            if id(value) in by_identity:
                namespace[key] = by_identity[id(value)]
    return rebuilt


def install(change: Change) -> types.FunctionType:
    """Make the package itself run the changed function, in this process only.

    The original function object gets the changed code, so every module and test that imported
    it by name runs the change too. Only for a throw-away process (the bug runs of the
    classic-bugs page); returns the original function.
    """
    original = _original(change.target)
    changed = apply_change(change)
    original.__code__ = changed.__code__
    original.__defaults__ = changed.__defaults__
    original.__kwdefaults__ = changed.__kwdefaults__
    return original
