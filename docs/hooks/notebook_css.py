"""Serve the notebook pages' CSS once, as a file, instead of inlining it into every page.

mkdocs-jupyter's template puts the same ``<style>`` blocks (JupyterLab's stylesheet, its theme
variables, the Pygments colours: about 590 KB) at the top of every notebook page's content.
This hook moves them, after each notebook page is rendered, into one stylesheet named by its
content hash (``assets/stylesheets/jupyter-<hash>.css``, written once per build) and links it
from the page's ``<head>``. A browser then downloads it once for the whole site, and each
derivation page loses the weight.

The link goes at the end of ``<head>``, after the theme's and the site's own stylesheets: the
same cascade order as the inlined blocks had (they came after ``<head>``), so nothing changes
on screen. Material's instant navigation keeps ``<head>`` in step with the new page (it adds
the new page's head elements and drops the old page's), so the sheet is present on notebook
pages and only there, as before.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

WRAPPER = '<div class="jupyter-wrapper">'
ARTICLE = re.compile(r"<article\b[^>]*>")
STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>\s*", re.S)
CHARSET = re.compile(r'@charset\s+"[^"]*";')  # valid only as a file's first rule: written once
SITE_DIR = "assets/stylesheets"

_sheets: dict[str, str] = {}  # site path -> CSS text, reset per build


def extract_styles(html: str) -> tuple[str, str]:
    """The page without the ``<style>`` blocks between ``<article>`` and the notebook, and
    those blocks' CSS joined in page order ("" when there are none)."""
    article = ARTICLE.search(html)
    start = article.end() if article else -1
    stop = html.find(WRAPPER, start)
    if start < 0 or stop < 0:
        return html, ""
    head = html[start:stop]
    css = "\n".join(CHARSET.sub("", block).strip() for block in STYLE.findall(head))
    return html[:start] + STYLE.sub("", head) + html[stop:], css


def sheet_path(css: str) -> str:
    """Content-addressed: a changed stylesheet gets a new name, so no browser keeps a stale one."""
    return f"{SITE_DIR}/jupyter-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"


def on_pre_build(config: MkDocsConfig) -> None:
    _sheets.clear()


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if WRAPPER not in output:
        return output
    output, css = extract_styles(output)
    if not css:
        return output
    path = sheet_path(css)
    _sheets[path] = css
    if "</head>" not in output:
        raise PluginError(f"{page.file.src_uri}: no </head> to link the notebook stylesheet from")
    link = f'<link rel="stylesheet" href="{get_relative_url(path, page.url)}">\n'
    return output.replace("</head>", link + "</head>", 1)


def on_post_build(config: MkDocsConfig) -> None:
    for path, css in _sheets.items():
        target = Path(config.site_dir) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'@charset "UTF-8";\n{css}\n', encoding="utf-8")
