"""The Training runs page in a real browser: readable results first, each figure once, short.

Issue 12 measured the page at 16,000 px with its test accuracy off the right edge of its tables,
the improved run's figures twice, every history open and 21 images loaded eagerly.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LAYOUT_JS = """() => {
  const doc = document.documentElement;
  const firstTables = [...document.querySelectorAll('article h2')].map(h => {
    let el = h.nextElementSibling;
    while (el && !el.querySelector('table') && el.tagName !== 'TABLE') el = el.nextElementSibling;
    const table = el && (el.tagName === 'TABLE' ? el : el.querySelector('table'));
    if (!table) return null;
    const box = table.closest('.md-typeset__scrollwrap') || table.parentElement;
    return {section: h.id, header: table.rows[0].innerText, width: table.scrollWidth,
            box: box.clientWidth};
  }).filter(Boolean);
  const images = [...document.querySelectorAll('article img')];
  return {height: doc.scrollHeight, width: doc.scrollWidth, viewport: doc.clientWidth,
          tables: firstTables, sources: images.map(i => i.getAttribute('src')),
          lazy: images.filter(i => i.getAttribute('loading') === 'lazy').length,
          openFolds: document.querySelectorAll('article details[open]').length,
          folds: document.querySelectorAll('article details').length};
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_runs_page_leads_with_test_accuracy_and_stays_short(browser, site_server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{site_server}/runs/", wait_until="domcontentloaded")
        seen = page.evaluate(LAYOUT_JS)
    finally:
        page.close()
    assert seen["width"] <= seen["viewport"], "the page is wider than the screen"
    sections = {t["section"] for t in seen["tables"]}
    assert sections >= {"baseline", "improved", "width", "ablation"}, sections
    for table in seen["tables"]:
        columns = table["header"].split("\t")
        assert columns[1].startswith("test accuracy"), table  # leads with test accuracy
        assert "_" not in table["header"], table  # headers for readers, not metric keys
        assert table["width"] <= table["box"], f"{table['section']} table is cut at {width} px"
    assert len(seen["sources"]) == len(set(seen["sources"])), "a figure is shown twice"
    assert seen["lazy"] == len(seen["sources"]) > 0
    assert seen["folds"] >= 12 and seen["openFolds"] == 0  # configuration, histories: folded
    if width == 1280:
        assert seen["height"] < 10_000, f"{seen['height']} px tall"
