"""Every page readable at 1280 px and at 390 px, in a real browser (Debian's chromium).

Each page is loaded once per width and measured (module fixtures); the tests then read the
measurements:

* at 1280 px no displayed formula is wider than its box (it would need a scroll bar or be cut);
* at 390 px the core formulas of the backward pass fit without scrolling (forward pass, the two
  errors, the two gradients, the update, and the map on "Backprop at a glance");
* at 390 px no page is wider than the screen, and nothing in an article scrolls sideways
  except code, tables and formulas, which may scroll inside their own box;
* matrix and ``cases`` delimiters start at their matrix's first row: on every page, and on a
  probe matrix typeset inside each notebook page (mkdocs-jupyter's CSS once drew them too tall,
  with a blank band above the rows).

A failure names the page and the formula (its equation id, or the heading it sits under, and
the start of its TeX).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from site_support import page_urls

pytestmark = pytest.mark.browser

DESKTOP, PHONE = 1280, 390
# The formulas a reader must see whole on a phone (issue 12): the forward pass, the output and
# hidden errors, the weight and bias gradients, the update, and the map that holds them all.
CORE = (
    "eq-forward",
    "eq-output-error",
    "eq-hidden-error",
    "eq-weight-gradient",
    "eq-bias-gradient",
    "eq-gd-update",
    "eq-at-a-glance",
)
SLACK = 1  # px of rounding between a box and its content
DELIMITER_SLACK = 4  # px: a delimiter drawn from a glyph sits within 2 px of its first row

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


def _measure_every_page(browser, site: Path, server: str, width: int) -> dict[str, dict]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route(
        "**/*",
        lambda route: route.continue_()
        if urlsplit(route.request.url).hostname == "127.0.0.1"
        else route.abort(),
    )
    page = context.new_page()
    found = {}
    try:
        for url in page_urls(site, server):
            page.goto(url, wait_until="load")
            page.wait_for_function("() => window.MathJax && MathJax.startup?.promise")
            page.evaluate("() => MathJax.startup.promise")
            found[url] = page.evaluate(MEASURE_JS)
            if found[url]["notebook"]:
                found[url]["probe"] = page.evaluate(PROBE_JS)
    finally:
        context.close()
    return found


@pytest.fixture(scope="module")
def desktop(browser, site: Path, site_server: str) -> dict[str, dict]:
    return _measure_every_page(browser, site, site_server, DESKTOP)


@pytest.fixture(scope="module")
def phone(browser, site: Path, site_server: str) -> dict[str, dict]:
    return _measure_every_page(browser, site, site_server, PHONE)


def _too_wide(formula: dict) -> bool:
    return (
        formula["content"] > formula["box"] + SLACK
        or formula["right"] > formula["columnRight"] + SLACK
    )


def test_no_display_equation_is_wider_than_its_box_at_1280(desktop) -> None:
    wide = [
        f"{url}: {f['name']} ({f['content']} px in a {f['box']} px box)"
        for url, page in desktop.items()
        for f in page["formulas"]
        if _too_wide(f)
    ]
    assert sum(len(p["formulas"]) for p in desktop.values()) > 50, "formulas not found"
    assert not wide, f"{len(wide)} formula(s) wider than their box at 1280 px:\n" + "\n".join(wide)


def test_the_core_equations_fit_a_phone(phone) -> None:
    seen = {f["id"]: url for url, page in phone.items() for f in page["formulas"] if f["id"]}
    missing = [eq for eq in CORE if eq not in seen]
    assert not missing, f"core equations not found on any page: {missing}"
    clipped = [
        f"{url}: {f['name']} ({f['content']} px in a {f['box']} px box)"
        for url, page in phone.items()
        for f in page["formulas"]
        if f["id"] in CORE and _too_wide(f)
    ]
    assert not clipped, f"core equations that do not fit at {PHONE} px:\n" + "\n".join(clipped)


def test_no_page_is_wider_than_a_phone(phone) -> None:
    problems = []
    for url, page in phone.items():
        if page["width"] > PHONE:
            problems.append(f"{url}: the page is {page['width']} px wide")
        problems += [f"{url}: {what} scrolls sideways" for what in page["scrolling"]]
    assert not problems, f"at {PHONE} px:\n" + "\n".join(problems)


def test_matrix_delimiters_start_at_their_first_row(desktop) -> None:
    probes = {url: page["probe"] for url, page in desktop.items() if "probe" in page}
    assert probes, "no notebook page to probe"
    assert all(p["stretchy"] for p in probes.values()), "the probe matrix drew no stretchy bracket"
    misdrawn = [
        f"{url}: probe matrix, bracket starts {-p['gap']:.0f} px above the first row"
        for url, p in probes.items()
        if abs(p["gap"]) > DELIMITER_SLACK
    ]
    misdrawn += [
        f"{url}: {d['name']}: delimiter starts {-d['gap']:.0f} px above the first row"
        for url, page in desktop.items()
        for d in page["delimiters"]
        if abs(d["gap"]) > DELIMITER_SLACK
    ]
    assert not misdrawn, "\n".join(misdrawn)
