"""The built site in a real browser (Debian's chromium, driven by Playwright): every page.

Rendered means visible: a formula can be in the DOM, typeset, and blank on screen (see
DESIGN.md, the instant-navigation trap), so each displayed formula is screenshotted and must
have ink, on a fresh load and again after Material's instant navigation from another page.
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from site_support import page_urls

pytestmark = pytest.mark.browser

# Where formulas live once rendered, on either kind of page.
MATH = ".arithmatex, .jp-RenderedMarkdown, .jp-RenderedLatex"
# Text left over after typesetting: any of these means a formula was not rendered.
LEFTOVER_JS = f"""() => {{
  const raw = [];
  for (const el of document.querySelectorAll('{MATH}')) {{
    const copy = el.cloneNode(true);
    copy.querySelectorAll('mjx-container, code, pre, script, style').forEach(n => n.remove());
    const text = copy.textContent;
    for (const d of ['$$', '\\\\[', '\\\\(', '\\\\begin{{']) {{
      if (text.includes(d)) raw.push(text.trim().slice(0, 80));
    }}
  }}
  return raw;
}}"""
UNTYPESET_JS = """() => [...document.querySelectorAll('.arithmatex')]
  .filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.slice(0, 60))"""
# Each displayed formula's box in the page's screenshot pixels (null if it takes no space),
# cut to what its scrolling ancestors let show: the part a reader sees.
FORMULA_BOXES_JS = """() => [...document.querySelectorAll("mjx-container[display='true']")]
  .map(el => {
    let r = el.getBoundingClientRect();
    if (!el.getClientRects().length || r.width === 0 || r.height === 0) return null;
    let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX === 'visible') continue;
      const c = a.getBoundingClientRect();
      [left, right] = [Math.max(left, c.left), Math.min(right, c.right)];
    }
    if (right <= left) return null;
    const s = window.devicePixelRatio;
    return {x: Math.round((left + scrollX) * s), y: Math.round((top + scrollY) * s),
            w: Math.round((right - left) * s), h: Math.round((bottom - top) * s)};
  })"""
EAGER_JS = "() => document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })"
BROKEN_IMAGES_JS = """() => [...document.images]
  .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.getAttribute('src'))"""



@pytest.fixture(scope="module")
def server(site_server: str) -> str:
    return site_server


@pytest.fixture(scope="module")
def pages(site: Path, site_server: str) -> list[str]:
    return page_urls(site, site_server)


class Visit:
    """One browser tab that records every problem it sees."""

    def __init__(self, context, server: str) -> None:
        self.server = server
        self.problems: list[str] = []
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.problems.append(f"console error: {msg.text}")

    def _failed(self, request) -> None:
        # Requests to other hosts are aborted by the route below and reported there; a local
        # request the browser itself abandons when the page changes (ERR_ABORTED) is no fault.
        if urlsplit(request.url).hostname == "127.0.0.1" and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def wait_for_math(self) -> None:
        """Until every arithmatex element holds a typeset formula and MathJax is idle."""
        self.page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        )
        self.page.wait_for_function(f"() => {UNTYPESET_JS}().length === 0", timeout=15_000)
        self.page.evaluate("() => MathJax.startup.promise")

    def check_rendered(self, label: str) -> int:
        page = self.page
        if errors := page.locator("mjx-merror").count():
            self.problems.append(f"{label}: {errors} MathJax error(s)")
        if raw := page.evaluate(LEFTOVER_JS):
            self.problems.append(f"{label}: raw TeX left: {raw[:3]}")
        if untypeset := page.evaluate(UNTYPESET_JS):
            self.problems.append(f"{label}: not typeset: {untypeset[:3]}")
        # Lazy images (every figure of the site) load only near the viewport: ask for all of
        # them now, so every address is checked. After an instant navigation the new page's
        # images may still be arriving.
        page.evaluate(EAGER_JS)
        try:
            page.wait_for_function("() => [...document.images].every(i => i.complete)")
        except PlaywrightTimeout:
            pass  # reported just below, with their addresses
        if broken := page.evaluate(BROKEN_IMAGES_JS):
            self.problems.append(f"{label}: images not loaded: {broken}")
        return self.check_ink(label)

    def check_ink(self, label: str) -> int:
        """Look at each displayed formula on screen; a formula with no ink was rendered blank.

        One full-page screenshot, cut into each formula's box: as strict as a screenshot per
        formula, and a page's worth of formulas costs one capture instead of dozens.
        """
        from PIL import Image

        # Folded proofs, hints and solutions hold formulas too: open every fold to see them.
        self.page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        boxes = self.page.evaluate(FORMULA_BOXES_JS)
        if not boxes:
            return 0
        shot = Image.open(io.BytesIO(self.page.screenshot(full_page=True, animations="disabled")))
        for index, box in enumerate(boxes):
            if box is None:
                self.problems.append(f"{label}: formula {index} is hidden even with folds open")
                continue
            crop = shot.crop((box["x"], box["y"], box["x"] + box["w"], box["y"] + box["h"]))
            if (ink := _ink(crop)) < 0.004:
                self.problems.append(f"{label}: formula {index} is blank on screen (ink {ink:.4f})")
        return len(boxes)


def _ink(image) -> float:
    """Fraction of pixels that differ clearly from the image's most common colour."""
    gray = image.convert("L")
    histogram = gray.histogram()
    background = max(range(256), key=histogram.__getitem__)
    inked = sum(histogram[v] for v in range(256) if abs(v - background) > 64)
    return inked / max(sum(histogram), 1)


@pytest.fixture
def context(browser, server: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_local(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    context.outside = outside
    yield context
    context.close()
    assert not outside, f"requests left 127.0.0.1: {sorted(set(outside))}"


def test_every_page_renders_its_math_offline_on_a_fresh_load(context, server, pages) -> None:
    visit = Visit(context, server)
    formulas = 0
    for url in pages:
        visit.page.goto(url, wait_until="load")
        visit.wait_for_math()
        formulas += visit.check_rendered(url)
    assert formulas > 0, "no displayed formula anywhere: is MathJax running?"
    assert not visit.problems, "\n".join(visit.problems)


# Instant navigation swaps the article in place and asks MathJax to typeset it again: one page
# of each kind the site builds is enough to see that mechanism work (every page is looked at on
# a fresh load above).
INSTANT_KINDS = ("/", "/notation/", "/derivations/at_a_glance/", "/derivations/gradients/",
                 "/derivations/update/", "/exercises/", "/classic_bugs/", "/runs/",
                 "/api/gradients/", "/api/symbolic/", "/performance/")


def test_every_page_renders_its_math_after_instant_navigation(context, server, pages) -> None:
    visit = Visit(context, server)
    page = visit.page
    kinds = [url for url in pages if urlsplit(url).path in INSTANT_KINDS]
    assert len(kinds) == len(INSTANT_KINDS), "a page of INSTANT_KINDS is not built"
    for url in kinds:
        start = f"{server}/notation/" if url == f"{server}/" else f"{server}/"
        page.goto(start, wait_until="load")
        visit.wait_for_math()
        page.evaluate("() => { window.__sameDocument = true; }")
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


def test_an_equation_code_link_lands_on_the_function(context, server, pages) -> None:
    visit = Visit(context, server)
    page = visit.page
    followed = 0
    for url in pages:
        if "/derivations/" not in url:
            continue
        page.goto(url, wait_until="load")
        links = page.locator(".equation .equation-code a.autorefs")
        if not links.count():
            continue
        link = links.first
        identifier = urlsplit(link.get_attribute("href")).fragment
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_function("(id) => location.hash === '#' + id", arg=identifier)
        entry = page.locator(f"[id='{identifier}']")
        entry.wait_for(state="visible")
        assert "/api/" in page.url, page.url
        box = entry.bounding_box()
        assert box is not None and 0 <= box["y"] < 900, f"{identifier} is not in view: {box}"
        followed += 1
    assert followed, "no derivation page has an equation code link"
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
