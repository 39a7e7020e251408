r"""How the site prints sympy: the notation of the Notation page, in LaTeX.

sympy's own LaTeX printer writes the step function as $\theta(x)$, the Kronecker delta as
$\delta_{ij}$ (a letter the site keeps for the errors $\delta_1, \delta_2$) and an indexed entry
as ${W_{1}}_{i,p}$. `latex` prints them the site's way: $H(x)$, the indicator
$\mathbb{1}[i = i']$ and $(W_1)_{ip}$. `display` breaks a long equation over lines, so a proof
step fits the page column.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter

# A line of a display equation holds about this many visible characters (sub/superscripts
# count); beyond it `display` starts a new line at a "+" or "-" between terms.
LINE_WIDTH = 46


class SitePrinter(LatexPrinter):
    """sympy's LaTeX printer with the site's symbols for H, the indicator and indexed entries.

    With ``sum_limits=False`` a sum prints as $\\sum_{k'}$ without its bounds, for the
    steps of a proof whose first step states every range.
    """

    _default_settings = {**LatexPrinter._default_settings, "sum_limits": True}

    def _print_Sum(self, expr: sp.Sum) -> str:
        if self._settings["sum_limits"] or len(expr.limits) != 1:
            return super()._print_Sum(expr)
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = rf"\left({body}\right)"
        return rf"\sum_{{{self._print(expr.limits[0][0])}}} {body}"

    def _print_Heaviside(self, expr: sp.Heaviside, exp: str | None = None) -> str:
        tex = rf"H\left({self._print(expr.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta, exp: str | None = None) -> str:
        first, second = (self._print(a) for a in expr.args)
        tex = rf"\mathbb{{1}}[{first} = {second}]"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._print(expr.base.label)
        # Single-letter indices run together (ip, k'j); anything longer is separated.
        parts = [self._print(index) for index in expr.indices]
        glue = "" if all(re.fullmatch(r"[a-z]'*", part) for part in parts) else ", "
        indices = glue.join(parts)
        # A base with its own subscript (W_1) is bracketed so its entry reads (W_1)_{ip}.
        return rf"({base})_{{{indices}}}" if "_" in base else rf"{base}_{{{indices}}}"


def latex(expr: sp.Basic, *, sum_limits: bool = True) -> str:
    r"""LaTeX for ``expr`` in the site's notation.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> latex(sp.Heaviside(x, 0))
    'H\\left(x\\right)'
    >>> i, q = sp.symbols("i i'")
    >>> latex(sp.KroneckerDelta(i, q) * sp.IndexedBase("W_1")[i, q])
    "\\mathbb{1}[i = i'] (W_{1})_{ii'}"
    """
    return SitePrinter({"sum_limits": sum_limits}).doprint(expr)


def _visible(tex: str) -> int:
    """Roughly how wide ``tex`` is drawn: one per character or command, none for braces."""
    tex = re.sub(r"\\(left|right|quad|,)", "", tex)  # delimiters are counted by their glyph
    tex = re.sub(r"\\[a-zA-Z]+", "c", tex)  # \sum, \alpha, \mathbb: one glyph each
    return len(re.sub(r"[{}\s^_&]", "", tex))


def _factors(expr: sp.Expr, sum_limits: bool) -> list[str]:
    """A product as LaTeX pieces that can stand on separate lines, read left to right.

    A sum over an index is its sign $\\sum_{k}$ followed by the pieces of what it sums; every
    factor but the last is bracketed if it is a sum (so a line break cannot be misread as the
    sum going on), and the last factor is split further the same way.
    """
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1 and not sum_limits:
        inner = _factors(expr.function, sum_limits)
        head = rf"\sum_{{{latex(expr.limits[0][0])}}}"
        if isinstance(expr.function, sp.Add):
            return [rf"{head} \left({latex(expr.function, sum_limits=sum_limits)}\right)"]
        return [f"{head} {inner[0]}", *inner[1:]]
    if not isinstance(expr, sp.Mul):
        return [latex(expr, sum_limits=sum_limits)]
    factors = [f for f in expr.as_ordered_factors() if not f.is_Number]
    pieces = [latex(expr.as_coeff_Mul()[0])] if abs(expr.as_coeff_Mul()[0]) != 1 else []
    for n, f in enumerate(factors):
        if n == len(factors) - 1:
            pieces += _factors(f, sum_limits)
        elif isinstance(f, (sp.Add, sp.Sum)):
            pieces.append(rf"\left({latex(f, sum_limits=sum_limits)}\right)")
        else:
            pieces.append(latex(f, sum_limits=sum_limits))
    return pieces


def _terms(expr: sp.Expr, sum_limits: bool) -> list[tuple[str, sp.Expr]]:
    """The terms of a sum as ``(sign, term without its sign)``, the first sign dropped if "+"."""
    out = []
    for term in sp.Add.make_args(expr):
        negative = term.could_extract_minus_sign()
        out.append(("- " if negative else "+ ", -term if negative else term))
    return out


def _lines(rhs: sp.Expr, sum_limits: bool, width: int, first_room: int) -> list[str]:
    """Pack the terms of ``rhs`` into lines of about ``width``; a term too wide is cut.

    A term that fits goes on the current line if there is room, else on a new one; a term
    wider than a line starts a new line and continues on lines of its own (indented further),
    cut between the pieces of `_factors`, and the next term starts a new line after it.
    """
    lines: list[str] = []
    current, room = "", first_room

    def flush(indent: str = "") -> None:
        nonlocal current, room
        if current:
            lines.append(current)
        current, room = indent, width

    for n, (sign, term) in enumerate(_terms(rhs, sum_limits)):
        sign = "" if n == 0 and sign == "+ " else sign
        tex = sign + latex(term, sum_limits=sum_limits)
        if _visible(current + tex) <= room:
            current = f"{current} {tex}".strip()
            continue
        if _visible(tex) <= width:
            flush()
            current = tex
            continue
        parts = _factors(term, sum_limits)
        if current:
            flush()
        current = sign + parts[0]
        for part in parts[1:]:
            if _visible(current + part) <= room:
                current = f"{current} {part}"
            else:
                flush(r"\qquad ")
                current += part
        flush()
    if current:
        lines.append(current)
    return lines


def display(expr: sp.Basic, width: int = LINE_WIDTH, *, sum_limits: bool = True) -> str:
    r"""LaTeX of an expression or an equation for display, broken over lines when it is long.

    An equation ``Eq(lhs, rhs)`` whose right side is a long sum becomes an ``aligned`` block,
    ``lhs &= t_1 + t_2`` on the first line and the further terms on lines of their own; a
    `sympy.Tuple` of equations is shown one equation per line; anything else on one line.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> display(sp.Eq(sp.Symbol("s"), a + b))
    's = a + b'
    >>> print(display(sp.Eq(sp.Symbol("s"), a + b), width=2))
    \begin{aligned}
    s &= a \\
    &\quad + b
    \end{aligned}
    """
    if isinstance(expr, sp.Tuple):  # a system of equations: one per line, aligned at "="
        rows = [rf"{latex(e.lhs)} &= {latex(e.rhs)}" for e in expr]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"
    if isinstance(expr, sp.Equality):
        lhs, rhs = latex(expr.lhs, sum_limits=sum_limits), expr.rhs
    else:
        lhs, rhs = None, expr
    lhs_width = _visible(lhs) if lhs else 0
    lines = _lines(rhs, sum_limits, width, width - lhs_width)
    if len(lines) == 1:
        return f"{lhs} = {lines[0]}" if lhs else lines[0]
    first = f"{lhs} &= {lines[0]}" if lhs else f"& {lines[0]}"
    rest = [rf"&\quad {line}" for line in lines[1:]]
    return "\\begin{aligned}\n" + " \\\\\n".join([first, *rest]) + "\n\\end{aligned}"
