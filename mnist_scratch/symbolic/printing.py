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
LINE_WIDTH = 56


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


def _terms(expr: sp.Expr, sum_limits: bool) -> list[str]:
    """The terms of a sum as LaTeX, each with its sign in front (``+ a``, ``- b``)."""
    if not isinstance(expr, sp.Add):
        return [latex(expr, sum_limits=sum_limits)]
    out = []
    for term in sp.Add.make_args(expr):
        tex = latex(term, sum_limits=sum_limits)
        out.append(tex if tex.startswith("-") else "+ " + tex)
    out[0] = out[0].removeprefix("+ ")
    return out


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
    terms = _terms(rhs, sum_limits)
    one_line = " ".join(terms)
    if _visible(one_line) + (_visible(lhs) if lhs else 0) <= width or len(terms) == 1:
        return f"{lhs} = {one_line}" if lhs else one_line
    lines, current = [], ""
    for term in terms:
        if current and _visible(current + term) > width:
            lines.append(current)
            current = ""
        current = f"{current} {term}".strip()
    lines.append(current)
    if len(lines) == 1:
        return f"{lhs} = {lines[0]}" if lhs else lines[0]
    first = f"{lhs} &= {lines[0]}" if lhs else f"& {lines[0]}"
    rest = [rf"&\quad {line}" for line in lines[1:]]
    return "\\begin{aligned}\n" + " \\\\\n".join([first, *rest]) + "\n\\end{aligned}"
