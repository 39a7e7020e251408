"""Every page readable at 1280 px and at 390 px, in a real browser (Debian's chromium).

Each page is loaded once and measured at both widths (the session's ``visits``,
`browser_visits.visit_every_page`); the tests then read the measurements:

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

import pytest
from browser_visits import PHONE, SLACK

pytestmark = pytest.mark.browser

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
DELIMITER_SLACK = 4  # px: a delimiter drawn from a glyph sits within 2 px of its first row


def _too_wide(formula: dict) -> bool:
    return (
        formula["content"] > formula["box"] + SLACK
        or formula["right"] > formula["columnRight"] + SLACK
    )


def test_no_display_equation_is_wider_than_its_box_at_1280(visits) -> None:
    wide = [
        f"{url}: {f['name']} ({f['content']} px in a {f['box']} px box)"
        for url, page in visits["desktop"].items()
        for f in page["formulas"]
        if _too_wide(f)
    ]
    assert sum(len(p["formulas"]) for p in visits["desktop"].values()) > 50, "formulas not found"
    assert not wide, f"{len(wide)} formula(s) wider than their box at 1280 px:\n" + "\n".join(wide)


def test_the_core_equations_fit_a_phone(visits) -> None:
    pages = visits["phone"]
    seen = {f["id"]: url for url, page in pages.items() for f in page["formulas"] if f["id"]}
    missing = [eq for eq in CORE if eq not in seen]
    assert not missing, f"core equations not found on any page: {missing}"
    clipped = [
        f"{url}: {f['name']} ({f['content']} px in a {f['box']} px box)"
        for url, page in visits["phone"].items()
        for f in page["formulas"]
        if f["id"] in CORE and _too_wide(f)
    ]
    assert not clipped, f"core equations that do not fit at {PHONE} px:\n" + "\n".join(clipped)


def test_no_page_is_wider_than_a_phone(visits) -> None:
    problems = []
    for url, page in visits["phone"].items():
        if page["width"] > PHONE:
            problems.append(f"{url}: the page is {page['width']} px wide")
        problems += [f"{url}: {what} scrolls sideways" for what in page["scrolling"]]
    assert not problems, f"at {PHONE} px:\n" + "\n".join(problems)


def test_matrix_delimiters_start_at_their_first_row(visits) -> None:
    probes = {url: page["probe"] for url, page in visits["desktop"].items() if "probe" in page}
    assert probes, "no notebook page to probe"
    assert all(p["stretchy"] for p in probes.values()), "the probe matrix drew no stretchy bracket"
    misdrawn = [
        f"{url}: probe matrix, bracket starts {-p['gap']:.0f} px above the first row"
        for url, p in probes.items()
        if abs(p["gap"]) > DELIMITER_SLACK
    ]
    misdrawn += [
        f"{url}: {d['name']}: delimiter starts {-d['gap']:.0f} px above the first row"
        for url, page in visits["desktop"].items()
        for d in page["delimiters"]
        if abs(d["gap"]) > DELIMITER_SLACK
    ]
    assert not misdrawn, "\n".join(misdrawn)
