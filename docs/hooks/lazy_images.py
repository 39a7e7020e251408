"""Images load when the reader scrolls near them, on every page.

Every ``<img>`` that fetches a file and says nothing about loading gets ``loading="lazy"`` and
``decoding="async"``: a page such as the training runs, with a score of figures, then costs
only what is on screen. An image that already chooses (``loading="eager"``) is left alone, and
so is one whose pixels are in the page already (a ``data:`` URI costs no request).
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

IMG = re.compile(r"<img\b[^>]*>", re.I)
HAS_LOADING = re.compile(r"\sloading\s*=", re.I)
DATA_SRC = re.compile(r"""\ssrc\s*=\s*["']?data:""", re.I)


def lazy(tag: str) -> str:
    """One ``<img ...>`` tag, made lazy unless it chose otherwise or needs no request."""
    if HAS_LOADING.search(tag) or DATA_SRC.search(tag):
        return tag
    end = -2 if tag.endswith("/>") else -1
    return tag[:end].rstrip() + ' loading="lazy" decoding="async"' + tag[end:]


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return IMG.sub(lambda m: lazy(m.group(0)), output)
