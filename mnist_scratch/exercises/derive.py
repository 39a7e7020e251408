r"""Grading a derive answer: parse the reader's expression safely, compare it with the truth.

Parsing. The text is tokenised first and refused unless every name in it is one the exercise
declares (`mnist_scratch.exercises.kinds.Name`) and every operator is arithmetic, a
bracket or a comma: no attribute access, strings, keywords, lambdas or assignments. Only then
does sympy's ``parse_expr`` see it, with those names as its whole namespace (no builtins) and
the ``auto_number`` and ``convert_xor`` transformations (``^`` is a power). The length is
bounded. It runs in the sandbox's time and memory limits like any answer.

Comparing. First directly: if sympy simplifies answer − truth to 0, the answer is right for
every size. Otherwise at each of the exercise's concrete checks (say K = 3 and k = 2): the
sizes and free indices are substituted, sums expanded, and the exercise's meaning substituted
(``softmax``: each a_k becomes e^{z_k} / Σ e^{z_s}; ``one-hot``: the K targets sum to 1). The
difference must simplify to 0; if sympy cannot decide, it is evaluated at random points to 30
digits, and a non-zero value shows where the answer differs.
"""

from __future__ import annotations

import io
import random
import tokenize
from collections.abc import Callable
from functools import cache

import sympy as sp
from sympy.parsing.sympy_parser import auto_number, convert_xor, parse_expr
from sympy.printing.latex import LatexPrinter

from mnist_scratch.exercises.kinds import Derive, Name
from mnist_scratch.exercises.verdict import Unusable, Verdict

MAX_LENGTH = 1000  # characters of an expression: the longest worked step is about 150
OPERATORS = {"+", "-", "*", "/", "**", "^", "(", ")", "[", ",", "]"}
POINTS = 3  # random points tried when sympy cannot simplify a difference to 0
TOLERANCE = sp.Float("1e-20")
# What parse_expr(evaluate=False) builds its result from (only our own worked steps use it).
UNEVALUATED = ("Add", "Mul", "Pow", "Integer", "Float", "Rational", "Symbol")

FUNCTIONS: dict[str, Callable] = {
    "Sum": sp.Sum,
    "exp": sp.exp,
    "log": sp.log,
    "KroneckerDelta": sp.KroneckerDelta,
    "H": lambda x: sp.Heaviside(x, 0),  # the package's H(0) = 0
    "Max": sp.Max,
}


def symbol(name: Name):
    """The sympy object a declared name stands for."""
    if name.kind == "array":
        return sp.IndexedBase(name.name, real=True)
    if name.kind == "index":
        return sp.Symbol(name.name, integer=True)
    if name.kind == "size":
        return sp.Symbol(name.name, integer=True, positive=True)
    if name.kind == "scalar":
        return sp.Symbol(name.name, real=True)
    if name.kind == "unit":
        return sp.Symbol(name.name, positive=True)
    if name.kind == "function":
        return FUNCTIONS[name.name]
    raise ValueError(f"unknown kind of name {name.kind!r}")


def namespace(exercise: Derive) -> dict[str, object]:
    return {n.name: symbol(n) for n in exercise.names}


def _strip_comments(text: str) -> str:
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    return " ".join(ln.strip() for ln in lines).strip()


def check_tokens(text: str, allowed: set[str]) -> None:
    """`Unusable` unless ``text`` is made only of allowed names, numbers and arithmetic."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError) as exc:
        raise Unusable(f"your expression does not parse: {exc}") from None
    for tok in tokens:
        col = tok.start[1] + 1
        if tok.type == tokenize.NAME:
            if tok.string not in allowed:
                names = ", ".join(sorted(allowed))
                raise Unusable(
                    f"`{tok.string}` (column {col}) is not a name this exercise knows; use "
                    f"only: {names}"
                )
        elif tok.type == tokenize.NUMBER:
            if tok.string[-1] in "jJ":
                raise Unusable(f"`{tok.string}` (column {col}) is an imaginary number")
        elif tok.type == tokenize.OP:
            if tok.string not in OPERATORS:
                raise Unusable(
                    f"`{tok.string}` (column {col}) is not allowed: write one expression with "
                    "+ - * / ** ( ) [ ] and commas"
                )
        elif tok.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
            raise Unusable(f"`{tok.string}` (column {col}) is not allowed in an expression")


def parse(exercise: Derive, text: str) -> sp.Expr:
    """The reader's expression as sympy, parsed with only the exercise's names.

    Raises
    ------
    Unusable
        If the text is empty, too long, uses anything but the declared names and arithmetic,
        or is not one expression.
    """
    text = _strip_comments(text)
    if not text:
        raise Unusable("the answer is empty: write one expression (lines with # are comments)")
    if len(text) > MAX_LENGTH:
        raise Unusable(f"the expression has {len(text)} characters; the limit is {MAX_LENGTH}")
    names = namespace(exercise)
    check_tokens(text, set(names))
    try:
        expr = parse_expr(
            text,
            local_dict=dict(names),
            global_dict={
                "__builtins__": {},
                "Integer": sp.Integer,
                "Float": sp.Float,
                "Rational": sp.Rational,
            },
            transformations=(auto_number, convert_xor),
            evaluate=True,
        )
    except Exception as exc:  # sympy reports malformed input with many exception types
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise Unusable(f"your expression does not parse: {message}") from None
    if not isinstance(expr, sp.Expr):
        raise Unusable(f"that is a {type(expr).__name__}, not one expression")
    return expr


def _ranks(expr: sp.Expr) -> dict[str, int]:
    return {str(i.base): len(i.indices) for i in expr.atoms(sp.Indexed)}


def check_shape(exercise: Derive, expr: sp.Expr, truth: sp.Expr) -> None:
    """`Unusable` if an array has the wrong number of indices or an index is left free."""
    want = _ranks(truth)
    examples = {str(i.base): str(i) for i in truth.atoms(sp.Indexed)}
    for base, rank in _ranks(expr).items():
        if base in want and rank != want[base]:
            raise Unusable(
                f"`{base}` takes {want[base]} index{'es' if want[base] > 1 else ''}, as in "
                f"{examples[base]}; yours has {rank}"
            )
    free = {s.name for s in truth.free_symbols if isinstance(s, sp.Symbol)}
    indices = {n.name for n in exercise.names if n.kind == "index"}
    extra = sorted(
        s.name
        for s in expr.free_symbols
        if isinstance(s, sp.Symbol) and s.name in indices and s.name not in free
    )
    if extra:
        raise Unusable(
            f"your expression depends on {', '.join(extra)}, which the answer cannot: is it a "
            "summation index outside its Sum?"
        )


def _meaning(exercise: Derive, values: dict[str, int]) -> dict:
    """The substitutions that give the exercise's symbols their meaning at concrete sizes."""
    subs: dict = {}
    names = namespace(exercise)
    K = values.get("K")
    if "softmax" in exercise.meaning and K:
        a, z = names["a"], names["z"]
        E = [sp.Symbol(f"E{c}", positive=True) for c in range(1, K + 1)]
        total = sum(E)
        for c in range(1, K + 1):
            subs[a[c]] = E[c - 1] / total
            subs[z[c]] = sp.log(E[c - 1])  # then e^{z_c} is E_c: rational functions
    if "one-hot" in exercise.meaning and K:
        y = names["y"]
        subs[y[K]] = 1 - sum(y[c] for c in range(1, K))
    return subs


def _concrete(exercise: Derive, expr: sp.Expr, values: dict[str, int]) -> sp.Expr:
    if not values:
        return expr
    names = namespace(exercise)
    fixed = {names[k]: v for k, v in values.items()}
    out = expr.subs(fixed).doit()
    return sp.sympify(out).subs(_meaning(exercise, values))


def _is_zero(expr: sp.Expr) -> bool:
    for simplify in (
        sp.expand,
        lambda e: sp.cancel(sp.together(e)),
        lambda e: sp.simplify(sp.powsimp(sp.expand_log(e, force=True), force=True)),
    ):
        if simplify(expr) == 0:
            return True
    return False


def _random_point(exercise: Derive, expr: sp.Expr, gen: random.Random) -> dict:
    """Exact random values for every variable left in ``expr``."""
    units = {n.name for n in exercise.names if n.kind == "unit"}
    arrays = {str(i.base) for i in expr.atoms(sp.Indexed)}
    leaves = sorted(
        (
            *expr.atoms(sp.Indexed),
            *(s for s in expr.free_symbols if isinstance(s, sp.Symbol) and s.name not in arrays),
        ),
        key=str,
    )
    point = {}
    for leaf in leaves:
        name = str(leaf.base) if isinstance(leaf, sp.Indexed) else leaf.name
        if name in units or name == "a" or name.startswith("E"):  # in (0, 1), or positive
            point[leaf] = sp.Rational(gen.randint(5, 95), 100)
        else:
            point[leaf] = sp.Rational(gen.randint(-200, 200), 100)
    return point


def _show(point: dict) -> str:
    """A point as the reader's variables (the softmax's e^{z_c} shown as z_c)."""
    shown = []
    for leaf, value in list(point.items())[:6]:
        name = str(leaf)
        if name.startswith("E") and name[1:].isdigit():
            shown.append(f"z[{name[1:]}] = {float(sp.log(value)):.3g}")
        else:
            shown.append(f"{name} = {float(value):.3g}")
    return ", ".join(shown)


def _difference_at(exercise: Derive, diff: sp.Expr, seed: int) -> tuple[sp.Float, dict]:
    """The largest |diff| over a few random points, and the point where it is largest."""
    gen = random.Random(seed)
    worst, where = sp.Float(0), {}
    for _ in range(POINTS):
        point = _random_point(exercise, diff, gen)
        value = abs(sp.N(diff.subs(point), 30))
        if not value.is_number:
            raise Unusable("your expression could not be evaluated at numbers")
        if value > worst:
            worst, where = value, point
    return worst, where


def describe_checks(exercise: Derive) -> str:
    """The concrete checks in a few words: ``K = 2, 3, 4; k = 1, 2, 3, 4``."""
    keys = list(dict.fromkeys(k for c in exercise.checks for k in c))
    values = {k: sorted({c[k] for c in exercise.checks if k in c}) for k in keys}
    return "; ".join(f"{k} = {', '.join(map(str, v))}" for k, v in values.items())


def equivalent(exercise: Derive, expr: sp.Expr, truth: sp.Expr) -> tuple[bool, str]:
    """Whether ``expr`` equals ``truth``; says how it was shown, or where it differs."""
    diff = sp.sympify(expr - truth)
    if diff == 0 or sp.expand(diff) == 0:
        return True, "identical to the truth for every size"
    numerically = []
    for n, values in enumerate(exercise.checks):
        concrete = _concrete(exercise, diff, values)
        at = ", ".join(f"{k} = {v}" for k, v in values.items()) or "every point"
        worst, point = _difference_at(exercise, concrete, n)
        if worst > TOLERANCE:  # cheap, and decisive: no simplification needed
            return False, (
                f"at {at} it differs from the truth: at {_show(point)} the difference is "
                f"{float(worst):.4g}"
            )
        if not _is_zero(concrete):
            numerically.append(at)
    where = describe_checks(exercise)
    how = f"sympy simplifies the difference to 0 at {where}" if where else (
        "sympy simplifies the difference to 0"
    )
    if numerically:
        how += (
            f" (at {', '.join(numerically)} it is 0 to 30 digits at {POINTS} random points; "
            "sympy could not simplify it)"
        )
    return True, how


@cache
def truth_of(name: str) -> sp.Expr:
    from mnist_scratch.exercises.catalogue import EXERCISES

    exercise = EXERCISES[name]
    if not isinstance(exercise, Derive):
        raise KeyError(f"{name} is not a derive exercise")
    return parse(exercise, exercise.truth)


def grade_expression(exercise: Derive, text: str) -> Verdict:
    """The verdict on the expression ``text`` as an answer to ``exercise``.

    Raises
    ------
    Unusable
        If the text does not parse as one expression in the exercise's names.
    """
    truth = truth_of(exercise.name)
    expr = parse(exercise, text)
    check_shape(exercise, expr, truth)
    parsed = "parses as one expression in the exercise's names"
    same, how = equivalent(exercise, expr, truth)
    if same:
        return Verdict(exercise.name, "correct", passed=[parsed, f"equals the truth: {how}"])
    for wrong, hint in exercise.mistakes:
        if equivalent(exercise, expr, parse(exercise, wrong))[0]:
            return Verdict(
                exercise.name,
                "wrong",
                passed=[parsed],
                failed="equals the truth",
                detail=how,
                hint=hint,
                mistake=wrong,
            )
    return Verdict(
        exercise.name,
        "wrong",
        passed=[parsed],
        failed="equals the truth",
        detail=how,
        hint=exercise.hint,
    )


class _Printer(LatexPrinter):
    """LaTeX in the site's notation: H for the step (not θ), k′ for k2, fractions displayed."""

    def _print_Heaviside(self, expr, exp=None):
        tex = r"H\left(" + self._print(expr.args[0]) + r"\right)"
        return f"{tex}^{{{exp}}}" if exp else tex

    def _print_Symbol(self, expr, style="plain"):
        special = {"k2": "k'", "f0": "f(x)", "f1": "f'(x)", "f2": "f''(x)", "f3": "f'''(x)"}
        return special.get(expr.name) or super()._print_Symbol(expr, style)


def latex(exercise: Derive, text: str) -> str:
    """An expression of the exercise (the truth or a worked step) as LaTeX, unevaluated."""
    names = namespace(exercise)
    check_tokens(_strip_comments(text), set(names))
    expr = parse_expr(
        _strip_comments(text),
        local_dict=dict(names),
        global_dict={"__builtins__": {}, **{n: getattr(sp, n) for n in UNEVALUATED}},
        transformations=(auto_number, convert_xor),
        evaluate=False,
    )
    return _Printer({"order": "none"}).doprint(expr)


def all_steps_equal_truth(exercise: Derive) -> list[tuple[str, bool, str]]:
    """Each worked step's expression graded against the truth: (expression, equal, how)."""
    truth = truth_of(exercise.name)
    return [
        (step.expression, *equivalent(exercise, parse(exercise, step.expression), truth))
        for step in exercise.steps
    ]


__all__ = [
    "all_steps_equal_truth",
    "equivalent",
    "grade_expression",
    "latex",
    "parse",
]
