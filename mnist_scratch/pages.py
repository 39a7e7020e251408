r"""What a derivation page shows from code: source, proofs, check results, figures, numbers.

The derivation pages (``docs/derivations/*.py``) run while the site is built. Their visible
cells call these helpers, each returning an object a notebook displays as HTML:

* `source`: a function's code, read from the package at build time (never pasted), so a
  renamed line changes the page;
* `proof`: a sympy proof as numbered steps, inside an equation block whose caption names the
  function that proves it; a proof that does not hold raises, and the build fails;
* `check`: runs a check of `mnist_scratch.checks` and shows its results, one readable line
  each, with the checking code folded under them (a failed check raises instead);
* `figure`: a matplotlib figure as inline SVG whose text and axes follow the page's colours;
* `say`: a sentence with numbers the page computed, as Markdown.
"""

from __future__ import annotations

import ast
import html
import inspect
import io
import re
import textwrap
from collections.abc import Callable, Iterable

import matplotlib as mpl
import matplotlib.pyplot as plt
from IPython.display import HTML, Markdown
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from mnist_scratch.checks import Check
from mnist_scratch.symbolic.proof import Proof

_INLINE_MATH = re.compile(r"\$(.+?)\$")


def identifier(obj: object) -> str:
    """The dotted name autorefs knows an object by: ``mnist_scratch.gradients.hidden_error``."""
    return f"{obj.__module__}.{obj.__qualname__}"


def _autoref(obj: object, text: str | None = None) -> str:
    label = html.escape(text or obj.__name__ + "()")
    return f'<autoref identifier="{identifier(obj)}"><code>{label}</code></autoref>'


def code_of(obj: object) -> str:
    """The source of a function or class with its docstring taken out (comments stay).

    Examples
    --------
    >>> from mnist_scratch.gradients import output_error
    >>> print(code_of(output_error))
    def output_error(A2: np.ndarray, Y: np.ndarray) -> np.ndarray:
        return A2 - Y
    """
    source = textwrap.dedent(inspect.getsource(obj))
    node = ast.parse(source).body[0]
    lines = source.splitlines()
    first = node.body[0] if node.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        del lines[first.lineno - 1 : first.end_lineno]
    return "\n".join(lines)


def source(*objects: object) -> HTML:
    """The code of each function, highlighted, docstrings left out, with a link to its API entry.

    Examples
    --------
    >>> from mnist_scratch.gradients import output_error
    >>> 'identifier="mnist_scratch.gradients.output_error"' in source(output_error).data
    True
    """
    blocks = []
    for obj in objects:
        path = inspect.getsourcefile(obj) or ""
        where = path[path.rfind("mnist_scratch/") :] if "mnist_scratch/" in path else path
        code = highlight(code_of(obj), PythonLexer(), HtmlFormatter(wrapcode=True))
        blocks.append(
            f'<div class="source-code"><p class="source-caption">{_autoref(obj)} in '
            f"<code>{html.escape(where)}</code>, read from the package as this page was built"
            f"</p>{code}</div>"
        )
    return HTML("".join(blocks))


def _words(text: str) -> str:
    """HTML of a sentence whose ``$...$`` parts are inline math for MathJax."""
    parts = _INLINE_MATH.split(text)
    # MathJax typesets only inside elements of class "arithmatex" (docs/javascripts/mathjax.js).
    out = [html.escape(part) if n % 2 == 0
           else rf'<span class="arithmatex">\({html.escape(part)}\)</span>'
           for n, part in enumerate(parts)]  # fmt: skip
    return "".join(out)


def _math_block(tex: str) -> str:
    return f'<div class="arithmatex">\\[{html.escape(tex)}\\]</div>'


def proof(prove: Callable[..., Proof], eq_id: str, *args: object, folded: str = "") -> HTML:
    """Run ``prove(*args)`` and show its steps, numbered, in an equation block ``eq_id``.

    The block's caption (added by the site's equation hook) links to ``prove``; a proof that
    does not hold raises `mnist_scratch.symbolic.proof.ProofFailed`. With ``folded``, the steps
    sit in a collapsed block whose summary is that text (the claim line stays visible).
    """
    result = prove(*args).require()
    items = "".join(
        f"<li><p>{_words(label)}</p>{_math_block(tex)}</li>" for label, tex in result.latex_steps()
    )
    steps = f'<ol class="proof-steps">{items}</ol>'
    if folded:
        steps = f"<details><summary>{_words(folded)}</summary>{steps}</details>"
    return HTML(
        f'<div class="equation proof" id="{eq_id}" data-proof="{identifier(prove)}">'
        f'<p class="proof-claim">✓ Proved: {_words(result.claim)}</p>{steps}</div>'
    )


def check(run: Callable[..., Iterable[Check]], **kwargs: object) -> HTML:
    """Run a check of `mnist_scratch.checks` and show one line per comparison, code folded.

    A check that fails raises `mnist_scratch.checks.CheckFailed` before anything is shown, so
    the build fails; one that passes shows what it compared, the largest difference and the
    bound, and, folded under the lines, the checking code itself (read from the package).
    """
    lines = "".join(f"<li>{html.escape(str(c))}</li>" for c in run(**kwargs))
    code = highlight(code_of(run), PythonLexer(), HtmlFormatter(wrapcode=True))
    return HTML(
        f'<div class="check-results"><ul>{lines}</ul><details><summary>How '
        f"{_autoref(run)} checks this</summary>{code}</details></div>"
    )


def checks(*results: Check) -> HTML:
    """Checks made on the page itself, one line each (a failed one has already raised)."""
    lines = "".join(f"<li>{html.escape(str(c))}</li>" for c in results)
    return HTML(f'<div class="check-results"><ul>{lines}</ul></div>')


def sci(value: float, digits: int = 2) -> str:
    r"""A number for inline math: ``1e-06`` as ``10^{-6}``, ``2.5e-07`` as ``2.5 \times 10^{-7}``.

    Examples
    --------
    >>> sci(1e-6), sci(2.5e-7), sci(0.75), sci(0.0)
    ('10^{-6}', '2.5 \\times 10^{-7}', '0.75', '0')
    """
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.{digits + 1}g}"
    mantissa, exponent = f"{value:.{max(digits - 1, 0)}e}".split("e")
    power = f"10^{{{int(exponent)}}}"
    mantissa = mantissa.rstrip("0").rstrip(".")
    return power if mantissa == "1" else f"{mantissa} \\times {power}"


def say(text: str) -> Markdown:
    """Markdown the page computed (numbers in prose come from here, never typed by hand)."""
    return Markdown(text)


def figure(fig: mpl.figure.Figure, alt: str) -> HTML:
    """The figure as inline SVG: text stays text, black follows the page's text colour."""
    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "mnist_scratch"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", transparent=True,
                    metadata={"Date": None, "Creator": None})  # fmt: skip
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    svg = svg.replace("#000000", "currentColor").replace("fill: #000000", "fill: currentColor")
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"\n\s*", "\n", svg)
    label = html.escape(alt, quote=True)
    return HTML(f'<figure class="derivation-figure" role="img" aria-label="{label}">{svg}</figure>')
