"""What the build itself must guarantee (the site is built once per session: ``site`` in
conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

from site_support import BUILD, html_pages


def test_build_is_strict_clean(site: Path) -> None:
    # No timed assertion (these machines are noisy); the build time is reported in the CI log
    # by `pytest -ra --durations`, and measured by hand with `time mkdocs build --strict`.
    assert "WARNING -" not in str(BUILD["log"])  # (a Jupyter kernel warning is not ours)


def test_mathjax_is_served_by_the_site(site: Path) -> None:
    mathjax = site / "assets" / "vendor" / "mathjax"
    assert (mathjax / "tex-chtml.js").stat().st_size > 500_000
    fonts = list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert len(fonts) >= 20, "the CommonHTML fonts are missing"
    assert (mathjax / "LICENSE").is_file()
    assert not (mathjax / "tex-mml-chtml.js").exists()  # it would typeset formulas twice


def test_no_page_loads_anything_from_outside(site: Path) -> None:
    outside = re.compile(
        r"<(?:script|img|iframe|source)\b[^>]*\bsrc=\"(?:https?:)?//"
        r"|<link\b[^>]*\brel=\"(?:stylesheet|preload|modulepreload|icon)\"[^>]*\bhref=\"(?:https?:)?//"
        r"|fonts\.googleapis|cdnjs|jsdelivr|unpkg"
    )
    for page in html_pages(site):
        found = outside.search(page.read_text(encoding="utf-8"))
        assert found is None, f"{page.relative_to(site)} loads {found and found[0]!r}"


def test_every_page_loads_mathjax_after_its_configuration(site: Path) -> None:
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        config = text.find("javascripts/mathjax.js")
        engine = text.find("assets/vendor/mathjax/tex-chtml.js")
        assert 0 <= config < engine, f"{page.relative_to(site)}: MathJax configured after it starts"


def test_notebook_pages_ran_and_carry_no_nbconvert_loaders(site: Path) -> None:
    notebooks = [p for p in html_pages(site) if "jupyter-wrapper" in p.read_text(encoding="utf-8")]
    assert notebooks, "no executable page was rendered"
    for page in notebooks:
        text = page.read_text(encoding="utf-8")
        assert "text/x-mathjax-config" not in text and "mermaid.esm" not in text
        assert "jp-OutputArea-output" in text, (
            f"{page.relative_to(site)} has no outputs: not executed"
        )
        assert "Traceback" not in text
