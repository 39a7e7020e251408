"""MkDocs hook: put the benchmark's results on the Performance page at build time.

A line ``<!-- bench:results -->`` in a Markdown page becomes the tables that
`mnist_scratch.bench.report.render_markdown` makes from ``docs/assets/bench/results.json``,
the artifact ``python -m mnist_scratch.bench`` writes. No speed figure is typed into a page
by hand; a missing or unreadable artifact fails the build with the command that regenerates it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from mnist_scratch.bench.report import render_markdown

RESULTS_URI = "assets/bench/results.json"
DIRECTIVE = re.compile(r"^<!--\s*bench:results\s*-->[ \t]*$", re.M)
REGENERATE = "run `python -m mnist_scratch.bench` to regenerate it"


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not DIRECTIVE.search(markdown):
        return markdown
    path = Path(config.docs_dir) / RESULTS_URI
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PluginError(f"{path} is missing: {REGENERATE}") from None
    except (OSError, ValueError) as exc:
        raise PluginError(f"{path} is unreadable ({exc}): {REGENERATE}") from None
    try:
        tables = render_markdown(results)
    except (KeyError, TypeError) as exc:
        raise PluginError(f"{path} lacks {exc}: {REGENERATE}") from None
    return DIRECTIVE.sub(lambda _: tables, markdown)
