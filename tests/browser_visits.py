"""One visit of every page of the built site per width, shared by the browser tests.

Loading a page and waiting for MathJax is most of a browser test's time (about two seconds of
CPU per page in headless chromium), so each page is loaded once per session
(`visit_every_page`, fixture ``visits`` in conftest.py) and everything the tests need is
measured during that visit:

* its layout (`MEASURE_JS`) at 1280 px and again at 390 px: displayed formulas against their
  boxes, what scrolls sideways, the page's width, matrix delimiters; and, on notebook pages, a
  probe matrix (`PROBE_JS`);
* at 1280 px, whether its math rendered (`Visit.check_rendered`): no MathJax error, no raw TeX,
  every image loaded, and ink in every displayed formula on screen. This runs after the layout
  is measured, because it opens every fold.

`Visit` is also used directly by the tests of instant navigation and of equation code links.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from urllib.parse import urlsplit

from browser_support import VIEWPORT_HEIGHT, local_context
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from site_support import page_urls

DESKTOP, PHONE = 1280, 390  # px

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
# Each displayed formula's box in page coordinates, CSS px (null if it takes no space), cut to
# what its scrolling ancestors let show: the part a reader sees.
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
    return {x: left + scrollX, y: top + scrollY, w: right - left, h: bottom - top};
  })"""
EAGER_JS = "() => document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })"
BROKEN_IMAGES_JS = """() => [...document.images]
  .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.getAttribute('src'))"""

SLACK = 1  # px of rounding between a box and its content
# Name a formula for a failure message: its equation block, or the heading above it, and its TeX.
DESCRIBE_JS = """(el) => {
  const eq = el.closest('.equation[id]');
  let where = eq ? eq.id : '';
  if (!where) {
    const heads = [...document.querySelectorAll('article [id]')].filter(h =>
      /^H[1-6]$/.test(h.tagName)
      && (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING));
    where = heads.length ? 'under #' + heads[heads.length - 1].id : 'at the top';
  }
  let tex = '';
  for (const item of MathJax.startup.document.math) {
    if (item.typesetRoot === el) { tex = String(item.math); break; }
  }
  return where + ': ' + tex.trim().replace(/\\s+/g, ' ').slice(0, 80);
}"""

MEASURE_JS = f"""() => {{
  const describe = {DESCRIBE_JS};
  const article = document.querySelector('article');
  const column = article.getBoundingClientRect();
  const formulas = [...document.querySelectorAll('article mjx-container[display="true"]')]
    .filter(el => el.getClientRects().length)  // skip formulas in hidden elements
    .map(el => {{
      const box = el.getBoundingClientRect();
      const eq = el.closest('.equation[id]');
      return {{name: describe(el), id: eq ? eq.id : null,
               content: el.scrollWidth, box: el.clientWidth,
               right: box.right, columnRight: column.right}};
    }});
  // Scroll containers in the article whose content is wider than they are. Code, tables and
  // formulas may scroll inside their own box; nothing else may.
  const allowed = 'pre, code, table, .md-typeset__scrollwrap, .md-typeset__table, '
    + 'mjx-container, .equation, .highlight, .jp-OutputArea-output, .jp-RenderedLatex, '
    // an exercise's worked step: one formula per paragraph (docs/stylesheets/exercises.css)
    + '.exercise-math';
  const scrolling = [];
  for (const el of article.querySelectorAll('*')) {{
    if (el.scrollWidth <= el.clientWidth + {SLACK} || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX) || el.matches(allowed)) continue;
    scrolling.push(el.tagName.toLowerCase() + '.' + [...el.classList].join('.')
                   + ` (${{el.scrollWidth}} px in ${{el.clientWidth}})`);
  }}
  // Delimiters drawn before (and after) a matrix: their top against the first row's top.
  const delimiters = [];
  for (const table of article.querySelectorAll('mjx-container mjx-mtable')) {{
    const row = table.querySelector('mjx-mtr, mjx-mlabeledtr');
    if (!row) continue;
    const height = table.getBoundingClientRect().height;
    for (const mo of [table.previousElementSibling, table.nextElementSibling]) {{
      // A bracket spans its matrix; the empty right side of `cases` is no bracket.
      if (!mo || mo.tagName !== 'MJX-MO') continue;
      if (mo.getBoundingClientRect().height < height / 2) continue;
      delimiters.push({{name: describe(table.closest('mjx-container')),
                       stretchy: Boolean(mo.querySelector('mjx-stretchy-v')),
                       gap: mo.getBoundingClientRect().top - row.getBoundingClientRect().top}});
    }}
  }}
  return {{width: document.documentElement.scrollWidth, formulas, scrolling, delimiters,
          notebook: Boolean(document.querySelector('.jupyter-wrapper'))}};
}}"""

# A matrix typeset inside the notebook, where the notebook's CSS applies; returns the gap
# between its opening bracket's top and its first row's top.
PROBE_JS = """async () => {
  const cell = document.createElement('div');
  cell.className = 'jp-RenderedMarkdown';
  cell.textContent = '$$\\\\begin{pmatrix} 1 & 2 \\\\\\\\ 3 & 4 \\\\\\\\ 5 & 6 \\\\end{pmatrix}$$';
  document.querySelector('.jupyter-wrapper .jp-Cell').appendChild(cell);
  await MathJax.typesetPromise([cell]);
  const table = cell.querySelector('mjx-mtable');
  const mo = table.previousElementSibling;
  const gap = mo.getBoundingClientRect().top
    - table.querySelector('mjx-mtr').getBoundingClientRect().top;
  const stretchy = Boolean(mo.querySelector('mjx-stretchy-v'));
  MathJax.typesetClear([cell]);
  cell.remove();
  return {gap, stretchy};
}"""


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
        # Requests to other hosts are aborted by the context's route and reported there; a
        # local request the browser abandons when the page changes (ERR_ABORTED) is no fault.
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
        """Record what is not rendered on the page; the number of displayed formulas seen."""
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

        One screenshot of the part of the page that holds formulas, cut into each formula's
        box: as strict as a screenshot per formula, and a page's worth of formulas costs one
        capture instead of dozens.
        """
        from PIL import Image

        # Folded proofs, hints and solutions hold formulas too: open every fold to see them.
        self.page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        boxes = self.page.evaluate(FORMULA_BOXES_JS)
        for index, box in enumerate(boxes):
            if box is None:
                self.problems.append(f"{label}: formula {index} is hidden even with folds open")
        shown = [box for box in boxes if box is not None]
        if not shown:
            return len(boxes)
        # Whole CSS pixels, rounded outwards: a fractional clip would shift the picture against
        # the boxes, and a box reaching past the picture's edge would be padded with black.
        left, top = math.floor(min(b["x"] for b in shown)), math.floor(min(b["y"] for b in shown))
        clip = {"x": left, "y": top,
                "width": math.ceil(max(b["x"] + b["w"] for b in shown)) - left,
                "height": math.ceil(max(b["y"] + b["h"] for b in shown)) - top}
        # JPEG: a third of PNG's encoding time on a tall page. A blank formula is a flat area,
        # which JPEG keeps flat; its artefacts near glyphs are far below the ink threshold.
        shot = Image.open(io.BytesIO(self.page.screenshot(
            full_page=True, clip=clip, animations="disabled", type="jpeg", quality=90)))
        scale = shot.width / clip["width"]  # device pixels per CSS px
        for index, box in enumerate(boxes):
            if box is None:
                continue
            x, y = (box["x"] - left) * scale, (box["y"] - top) * scale
            crop = shot.crop((round(x), round(y), round(x + box["w"] * scale),
                              round(y + box["h"] * scale)))  # fmt: skip
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


def visit_every_page(browser, site: Path, server: str) -> dict:
    """Load every page of ``site`` once, and measure it at 1280 px and at 390 px.

    Each page is loaded fresh at `DESKTOP` width and measured (`MEASURE_JS`, and the probe on
    notebook pages); the window is then narrowed to `PHONE` width and the page measured again;
    widened back, its rendering is looked at (`Visit.check_rendered`, which opens every fold).
    Narrowing a loaded page lays it out by the same CSS as loading it on a phone (the site's
    widths are media queries, and MathJax 3 output does not depend on the width), at a tenth of
    the cost of a second load; pages loaded fresh on a phone are tested too, by the stepper's,
    exercises' and runs page's tests.

    Returns ``{"desktop": {url: layout}, "phone": {url: layout}, "formulas": n,
    "problems": [...], "outside": [...]}``: the number of displayed formulas looked at, every
    problem seen (`Visit`), and the requests that tried to leave 127.0.0.1.
    """
    context = local_context(browser, DESKTOP)
    visit = Visit(context, server)
    desktop, phone, formulas = {}, {}, 0
    try:
        for url in page_urls(site, server):
            visit.page.goto(url, wait_until="load")
            visit.wait_for_math()
            desktop[url] = visit.page.evaluate(MEASURE_JS)
            if desktop[url]["notebook"]:
                desktop[url]["probe"] = visit.page.evaluate(PROBE_JS)
            visit.page.set_viewport_size({"width": PHONE, "height": VIEWPORT_HEIGHT})
            phone[url] = visit.page.evaluate(MEASURE_JS)
            visit.page.set_viewport_size({"width": DESKTOP, "height": VIEWPORT_HEIGHT})
            formulas += visit.check_rendered(url)  # last: this opens every fold
    finally:
        context.close()
    return {"desktop": desktop, "phone": phone, "formulas": formulas,
            "problems": visit.problems, "outside": context.outside}

