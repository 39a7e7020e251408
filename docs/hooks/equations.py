"""Equation blocks: one anchor and one code link per displayed equation, on every kind of page.

A page author writes, in a Markdown page or in a notebook page's markdown cell alike::

    <div class="equation" id="eq-softmax" data-code="mnist_scratch.activations.softmax" markdown>

    $$
    A = \\operatorname{softmax}(Z)
    $$

    </div>

This hook, after each page is rendered to HTML:

* registers ``eq-softmax`` with mkdocs-autorefs, so a docstring's ``[derivation][eq-softmax]``
  resolves to this block (notebook pages bypass MkDocs' Markdown, where autorefs would find
  ``[](){ #eq-softmax }``, so the registration has to happen here, for both page kinds);
* appends a caption linking to each object named in ``data-code`` ("computed by": the functions
  that compute the equation) and in ``data-proof`` ("proved by": the sympy proof, or the
  function that produced a displayed result), each space-separated, written as an ``<autoref>``
  element: autorefs resolves it later like any ``[title][identifier]`` link, a missing object
  fails the strict build, and the link counts as a backlink on the API page. A block needs at
  least one of the two; each named object's docstring links back to the block
  (``tests/test_site_links.py`` checks the pairs);
* on notebook pages, removes the loaders nbconvert's template adds for MathJax 2 and Mermaid
  from a CDN (the site loads its own MathJax once, for all pages).

Finally every page is checked for scripts, stylesheets or fonts loaded from outside the site.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

EQUATION_OPEN = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\bequation\b[^\"]*\"[^>]*>")
DIV_TAG = re.compile(r"<(/?)div\b[^>]*>")
HEADING_ID = re.compile(r"<h[1-6]\b[^>]*\bid=\"([^\"]+)\"")
EQ_ID = re.compile(r"eq-[a-z0-9]+(?:-[a-z0-9]+)*")
IDENTIFIER = re.compile(r"mnist_scratch(?:\.[A-Za-z_][A-Za-z0-9_]*)+")

# nbconvert's lab template: a MathJax 2 loader with its config, and a Mermaid module loader.
NB_MATHJAX2 = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
NB_MERMAID = re.compile(r"<script type=\"module\">(?:(?!</script>).)*?jp-Mermaid.*?</script>", re.S)

# Anything the browser would fetch on its own from another origin.
EXTERNAL_LOAD = re.compile(
    r"<(?:script|img|iframe|source)\b[^>]*\bsrc=\"(?:https?:)?//[^\"]*\""
    r"|<link\b(?=[^>]*\brel=\"(?:stylesheet|preload|modulepreload|preconnect|icon|manifest)\")"
    r"[^>]*\bhref=\"(?:https?:)?//[^\"]*\""
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//"
    r"|url\([\"']?(?:https?:)?//"
    r"|import\([\"'](?:https?:)?//",
)

_seen: dict[str, str] = {}  # equation id -> the page that defines it, reset per build


class _Attrs(HTMLParser):
    def parse(self, tag: str) -> dict[str, str]:
        self.attrs: dict[str, str] = {}
        self.feed(tag)
        self.close()
        return self.attrs

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = {k: v or "" for k, v in attrs}


def is_notebook(page: Page) -> bool:
    """mkdocs-jupyter renders these itself; MkDocs' Markdown never sees them."""
    return page.file.src_uri.endswith((".py", ".ipynb"))


def _closing_div(text: str, start: int) -> int:
    """Index of the ``</div>`` that closes the ``<div>`` whose opening tag ends at ``start``."""
    depth = 1
    for tag in DIV_TAG.finditer(text, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.start()
    raise ValueError("unclosed <div>")


def _caption(roles: dict[str, list[str]], eq_id: str, backlink_anchor: str) -> str:
    parts = []
    for role, identifiers in roles.items():
        if identifiers:
            links = ", ".join(
                f'<autoref identifier="{ident}" backlink-type="used-by" '
                f'backlink-anchor="{backlink_anchor}"><code>{ident.rsplit(".", 1)[1]}()</code>'
                "</autoref>"
                for ident in identifiers
            )
            parts.append(f"{role} {links}")
    return (
        f'<p class="equation-code"><a class="equation-anchor" href="#{eq_id}" '
        f'title="Link to this equation">{eq_id}</a> {"; ".join(parts)}</p>'
    )


def link_equations(text: str, page: Page, config: MkDocsConfig) -> str:
    autorefs = config.plugins["autorefs"]
    where = page.file.src_uri
    out: list[str] = []
    pos = 0
    for match in EQUATION_OPEN.finditer(text):
        if match.start() < pos:
            continue  # nested inside the previous equation block: an authoring error below
        attrs = _Attrs().parse(match.group(0))
        eq_id = attrs.get("id", "")
        roles = {
            "computed by": attrs.get("data-code", "").split(),
            "proved by": attrs.get("data-proof", "").split(),
        }
        identifiers = [ident for named in roles.values() for ident in named]
        if not EQ_ID.fullmatch(eq_id):
            raise PluginError(f'{where}: equation block needs id="eq-...", got {eq_id!r}')
        if not identifiers or not all(IDENTIFIER.fullmatch(i) for i in identifiers):
            raise PluginError(
                f"{where}: equation {eq_id} needs data-code (or data-proof) naming "
                '"mnist_scratch.<module>.<function>"'
            )
        if _seen.setdefault(eq_id, where) != where:
            raise PluginError(f"{where}: equation id {eq_id} is already defined in {_seen[eq_id]}")
        end = _closing_div(text, match.end())
        if EQUATION_OPEN.search(text, match.end(), end):
            raise PluginError(f"{where}: equation {eq_id} contains another equation block")
        headings = HEADING_ID.findall(text, 0, match.start())
        # Backlinks are grouped under the heading the equation sits in.
        backlink_anchor = headings[-1] if headings else eq_id
        autorefs.register_anchor(page, eq_id, title=f"{page.title}: {eq_id}", primary=True)
        out += [text[pos:end], _caption(roles, eq_id, backlink_anchor)]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def on_pre_build(config: MkDocsConfig) -> None:
    _seen.clear()


def on_page_content(html_: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if is_notebook(page):
        html_ = NB_MERMAID.sub("", NB_MATHJAX2.sub("", html_))
    return link_equations(html_, page, config)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if found := EXTERNAL_LOAD.search(output):
        raise PluginError(
            f"{page.file.src_uri}: loads something from outside the site: {html.unescape(found[0])}"
        )
    return output
