"""Build the site once per test session, and check what the build itself must guarantee.

`built_site` is shared with tests/test_site_links.py and tests/test_browser_site.py (they import
it from here): the first caller runs a cold `mkdocs build --strict` into a temporary folder,
later callers get the same folder. The build's `site_url` is the address the browser tests will
serve it from (`site_port`), because Material's instant navigation only takes over links to
URLs listed in the sitemap, which are absolute.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_built: dict[str, object] = {}


def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site's folder; fails the calling test with mkdocs' own output if the build does."""
    if "site" not in _built:
        site = tmp_path_factory.mktemp("site")
        with socket.socket() as probe:  # a free port now; the server binds it later
            probe.bind(("127.0.0.1", 0))
            _built["port"] = probe.getsockname()[1]
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "NO_MKDOCS_2_WARNING": "1",
                "SITE_URL": f"http://127.0.0.1:{_built['port']}/",
            },
        )
        _built["seconds"] = time.perf_counter() - start
        _built["log"] = done.stdout + done.stderr
        _built["site"] = site if done.returncode == 0 else None
    if _built["site"] is None:
        problems = [ln for ln in str(_built["log"]).splitlines() if not ln.startswith("INFO")]
        pytest.fail("mkdocs build --strict failed:\n" + "\n".join(problems[-40:]), pytrace=False)
    return Path(str(_built["site"]))


def site_port() -> int:
    """The port the site was built for (call `built_site` first)."""
    return int(str(_built["port"]))


def html_pages(site: Path) -> list[Path]:
    """Every page of the site (not the search index, 404 page or vendored assets)."""
    return sorted(
        p
        for p in site.rglob("index.html")
        if p.relative_to(site).parts[0] not in {"assets", "search"}
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory)


def test_build_is_strict_clean(site: Path) -> None:
    # No timed assertion (these machines are noisy); the build time is reported in the CI log
    # by `pytest -ra --durations`, and measured by hand with `time mkdocs build --strict`.
    assert "WARNING -" not in str(_built["log"])  # (a Jupyter kernel warning is not ours)


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
