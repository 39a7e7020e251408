"""The built site in a real browser (Debian's chromium, driven by Playwright): every page.

Rendered means visible: a formula can be in the DOM, typeset, and blank on screen (see
DESIGN.md, the instant-navigation trap), so each displayed formula is screenshotted and must
have ink, on a fresh load and again after Material's instant navigation from another page.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import VIEWPORT_HEIGHT, local_context
from browser_visits import DESKTOP, Visit
from site_support import page_urls

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(site_server: str) -> str:
    return site_server


@pytest.fixture(scope="module")
def pages(site: Path, site_server: str) -> list[str]:
    return page_urls(site, site_server)


@pytest.fixture
def context(browser, server: str):
    context = local_context(browser, DESKTOP)
    yield context
    context.close()
    assert not context.outside, f"requests left 127.0.0.1: {sorted(set(context.outside))}"


def test_every_page_renders_its_math_offline_on_a_fresh_load(visits) -> None:
    # The session's one visit of every page (browser_visits) looked at each at 1280 px.
    assert visits["formulas"] > 0, "no displayed formula anywhere: is MathJax running?"
    assert not visits["outside"], f"requests left 127.0.0.1: {sorted(set(visits['outside']))}"
    assert not visits["problems"], "\n".join(visits["problems"])


# Instant navigation swaps the article in place and asks MathJax to typeset it again: one page
# of each kind the site builds is enough to see that mechanism work (every page is looked at on
# a fresh load above). They are visited in one chain of clicks, each page reached from the one
# before, all in the document first loaded.
INSTANT_KINDS = ("/", "/notation/", "/derivations/at_a_glance/", "/derivations/gradients/",
                 "/derivations/update/", "/exercises/", "/classic_bugs/", "/runs/",
                 "/api/gradients/", "/api/symbolic/", "/performance/")
INSTANT_START = "/derivations/"  # loaded fresh; not one of the kinds, so each is a navigation


def test_every_page_renders_its_math_after_instant_navigation(context, server, pages) -> None:
    visit = Visit(context, server)
    page = visit.page
    kinds = [url for url in pages if urlsplit(url).path in INSTANT_KINDS]
    assert len(kinds) == len(INSTANT_KINDS), "a page of INSTANT_KINDS is not built"
    page.goto(f"{server}{INSTANT_START}", wait_until="load")
    visit.wait_for_math()
    page.evaluate("() => { window.__sameDocument = true; }")
    for url in kinds:
        # A click on an ordinary link: Material's instant navigation takes it over.
        page.evaluate(
            """(href) => { const a = document.createElement('a'); a.href = href;
                           document.querySelector('article').appendChild(a); a.click(); }""",
            url,
        )
        page.wait_for_function("(href) => location.href === href", arg=url)
        assert page.evaluate("() => window.__sameDocument === true"), f"{url}: full reload"
        visit.wait_for_math()
        visit.check_rendered(f"{url} (instant)")
    assert not visit.problems, "\n".join(visit.problems)


CODE_LINK = ".equation .equation-code a.autorefs"


def _one_page_per_code_link_target(site: Path, pages: list[str]) -> list[str]:
    """The derivation pages whose first equation code link leads to an API page that no page
    before it leads to (read from the built HTML): every API page an equation links to, once."""
    from bs4 import BeautifulSoup

    chosen, targets = [], set()
    for url in pages:
        path = urlsplit(url).path
        if not path.startswith("/derivations/"):
            continue
        html = (site / path.strip("/") / "index.html").read_text(encoding="utf-8")
        link = BeautifulSoup(html, "html.parser").select_one(CODE_LINK)
        target = link and urlsplit(link["href"]).path.rstrip("/").rsplit("/", 1)[-1]
        if target and target not in targets:
            targets.add(target)
            chosen.append(url)
    return chosen


def test_an_equation_code_link_lands_on_the_function(context, server, site, pages) -> None:
    # Every link's target exists (test_site_links); here a click on one, for each API page the
    # equations link to, must land on the function, in view.
    visit = Visit(context, server)
    page = visit.page
    chosen = _one_page_per_code_link_target(site, pages)
    assert len(chosen) >= 5, f"equation code links lead to too few API pages: {chosen}"
    for url in chosen:
        page.goto(url, wait_until="load")
        link = page.locator(CODE_LINK).first
        identifier = urlsplit(link.get_attribute("href")).fragment
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_function("(id) => location.hash === '#' + id", arg=identifier)
        entry = page.locator(f"[id='{identifier}']")
        entry.wait_for(state="visible")
        assert "/api/" in page.url, page.url
        box = entry.bounding_box()
        in_view = box is not None and 0 <= box["y"] < VIEWPORT_HEIGHT
        assert in_view, f"{identifier} is not in view: {box}"
    assert not visit.problems, "\n".join(visit.problems)


def test_the_ink_check_sees_a_blank_formula(context, server) -> None:
    """The check above can fail: formulas drawn in the background colour are reported blank."""
    visit = Visit(context, server)
    visit.page.goto(f"{server}/notation/", wait_until="load")
    visit.wait_for_math()
    assert visit.check_ink("as built") > 0 and not visit.problems, visit.problems
    visit.page.add_style_tag(content="mjx-container * { color: transparent !important; "
                                     "fill: transparent !important; stroke: none !important; }")
    shown = visit.check_ink("blanked")
    blank = [p for p in visit.problems if "is blank on screen" in p]
    assert len(blank) == shown, visit.problems
