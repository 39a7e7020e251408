"""Backpropagation step by step (the gradients page) in a real browser, against the package.

The widget keeps every number it shows as JSON in its root's ``data-values``. For many states,
drawn from seeds, made by typing, dragging and arrow keys, and one with a pre-activation that is
exactly 0, every value is compared with `mnist_scratch.network.forward` and ``backward``,
`mnist_scratch.loss.cross_entropy`, the ``gradients`` functions and `mnist_scratch.optim.gd_update`
in float64.

How close: the relative difference of each entry, |page - package| / |package|, is under 1e-12,
and an entry the package computes as exactly 0 (a unit switched off) is exactly 0 on the page.
The two sides run the same formulas in the same order, except that NumPy hands matrix products
to OpenBLAS, which may sum in another order and with fused multiply-adds: the results differ in
the last bit, and an entry that is the difference of two nearly equal terms carries that last
bit of its terms. Over 3,000 seeds of the widget the worst entry differed by 5e-13 relative
(a dW2 entry made by such a cancellation), typically by 1e-16.

Also checked: each step shows, typeset, the same TeX as the equation block its link points to
(read here from the built page's HTML); hovering over or tapping an entry of delta1 lights up
the row of W2^T (a column of W2), the column of delta2 and the mask entry it came from; a unit
pushed exactly to 0 is drawn switched off in delta1 and comes back when pushed over;
the arrow keys step; nothing in the widget is wider than a 390 px screen; nothing is logged as
an error or warning; no request leaves 127.0.0.1; the widget comes back after Material's
instant navigation.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import numpy as np
import pytest
from browser_support import local_context

from mnist_scratch.gradients import hidden_error, output_error
from mnist_scratch.loss import cross_entropy
from mnist_scratch.network import backward, forward
from mnist_scratch.optim import gd_update

pytestmark = pytest.mark.browser

RELATIVE = 1e-12  # the bound on |page - package| / |package|, entry by entry
FD_AGREEMENT = 1e-8  # central difference (h = 1e-5) vs backprop: ~1e-10 is what h allows
ROOT = "#backprop-stepper"
PAGE = "derivations/gradients/"
PARAMS = ("W1", "b1", "W2", "b2")
STEPS = ("Z1", "A1", "Z2", "A2", "L", "delta2", "delta1", "dW2", "db2", "dW1", "db1", "update")
COMPUTED = ("Z1", "A1", "Z2", "A2", "L", "delta2", "delta1", "dW1", "db1", "dW2", "db2")
# The view each state entry is edited in, and the step that shows it.
EDITED_IN = {"W1": "Z1", "X": "Z1", "b1": "Z1", "W2": "Z2", "b2": "Z2"}
SHAPES = {"X": (4, 2), "W1": (3, 4), "b1": (3, 1), "W2": (3, 3), "b2": (3, 1)}


# ----------------------------------------------------------------------------------------------
# The package's answer for the state the page shows.


def package_values(values: dict) -> dict:
    """Everything the page computes, computed by the package from the page's own inputs."""
    a = {k: np.array(values[k], dtype=np.float64) for k in ("X", "Y", *PARAMS)}
    params = {k: a[k] for k in PARAMS}
    cache = forward(params, a["X"])
    grads = backward(params, a["X"], a["Y"], cache)
    delta2 = output_error(cache["A2"], a["Y"])
    after = {k: gd_update(params[k], grads["d" + k], values["lr"]) for k in PARAMS}
    return {
        **cache,
        **grads,
        "L": cross_entropy(cache["A2"], a["Y"]),
        "delta2": delta2,
        "delta1": hidden_error(params["W2"], delta2, cache["Z1"]),
        "update": {**after, "L": cross_entropy(forward(after, a["X"])["A2"], a["Y"])},
    }


def relative_difference(page, ref) -> float:
    """Largest |page - ref| / |ref| over the entries; inf if a zero of ref is not 0 on the page."""
    page, ref = np.asarray(page, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    assert page.shape == ref.shape, f"shape {page.shape}, the package's is {ref.shape}"
    zero = ref == 0
    if np.any(page[zero] != 0):
        return float("inf")
    if zero.all():
        return 0.0
    return float((np.abs(page - ref)[~zero] / np.abs(ref[~zero])).max())


def assert_like_package(values: dict, where: str) -> dict:
    """Every computed value of ``values`` against the package; returns the package's values."""
    ref = package_values(values)
    worst = {k: relative_difference(values[k], ref[k]) for k in COMPUTED}
    for k in PARAMS:
        worst[f"update.{k}"] = relative_difference(values["update"][k], ref["update"][k])
    worst["update.L"] = relative_difference(values["update"]["L"], ref["update"]["L"])
    bad = {k: v for k, v in worst.items() if not v < RELATIVE}
    assert not bad, f"{where}: page differs from the package: {bad}"
    check = values["check"]
    grad = values["d" + check["param"]][check["row"]][check["col"]]
    assert check["backprop"] == grad, f"{where}: the panel's backprop value is not d{check}"
    if not check["kink"]:
        assert abs(check["estimate"] - grad) < FD_AGREEMENT, f"{where}: {check}"
    return ref


# ----------------------------------------------------------------------------------------------
# The equations as the built pages write them.


class _Block(HTMLParser):
    """Text of the element with a given id, without its code caption (p.equation-code)."""

    def __init__(self, wanted: str) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted, self.depth, self.skip, self.text = wanted, 0, 0, []

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if self.depth:
            self.depth += tag not in {"br", "img", "input", "hr", "meta", "link"}
            if self.skip or "equation-code" in (a.get("class") or "").split():
                self.skip += 1
        elif a.get("id") == self.wanted:
            self.depth = 1

    def handle_endtag(self, tag) -> None:
        if self.depth:
            self.depth -= 1
            if self.skip:
                self.skip -= 1

    def handle_data(self, data) -> None:
        if self.depth and not self.skip:
            self.text.append(data)


def page_tex(site: Path, page_url: str, href: str) -> str:
    """The display TeX of the block that ``href``, a link on ``page_url``, points to."""
    parts = urlsplit(urljoin(page_url, href))  # Material makes the page's links absolute
    resolved = site / parts.path.lstrip("/") / "index.html"
    block = _Block(parts.fragment)
    block.feed(resolved.read_text(encoding="utf-8"))
    found = re.search(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", html.unescape("".join(block.text)), re.S)
    assert found, f"no display equation in #{parts.fragment} of {resolved}"
    return (found[1] or found[2]).strip()


# ----------------------------------------------------------------------------------------------
# A tab that records errors, warnings and requests leaving the machine.


class Tab:
    def __init__(self, browser, width: int) -> None:
        self.context = local_context(browser, width, has_touch=width < 600)
        self.problems: list[str] = []
        self.outside = self.context.outside
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status}: {r.url}"))

    def _console(self, message) -> None:
        if message.type == "error" or (message.type == "warning" and "stepper" in message.text):
            self.problems.append(f"{message.type}: {message.text}")

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.page.wait_for_selector(f"{ROOT}[data-state='ready']", timeout=10_000)

    def values(self) -> dict:
        return json.loads(self.page.get_attribute(ROOT, "data-values"))

    def step(self, key: str) -> None:
        self.page.locator(f"{ROOT} .bs-pill[data-step='{key}']").click()
        assert self.page.get_attribute(ROOT, "data-step") == key

    def typeset(self) -> None:
        """Wait until the step's equation is typeset."""
        self.page.wait_for_selector(f"{ROOT} .bs-eq[data-state='typeset'] mjx-container",
                                    timeout=15_000)

    def entry(self, view: str, r: int, c: int):
        return self.page.locator(f"{ROOT} figure[data-view='{view}'] [data-r='{r}'][data-c='{c}']")

    def edit(self, name: str, r: int, c: int, value: float) -> dict:
        """Type ``value`` into entry (r, c) of parameter or input ``name``; the new values."""
        self.step(EDITED_IN[name])
        self.entry(name, r, c).fill(repr(value))
        values = self.values()
        assert values[name][r][c] == value, f"typed {value!r} into {name}[{r}][{c}]"
        return values

    def close(self) -> None:
        self.context.close()
        assert not self.outside, f"requests left 127.0.0.1: {sorted(set(self.outside))}"
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def tabs(browser) -> Iterator:
    opened: list[Tab] = []

    def open_tab(width: int = 1280) -> Tab:
        opened.append(Tab(browser, width))
        return opened[-1]

    yield open_tab
    for tab in opened:
        tab.close()


# ----------------------------------------------------------------------------------------------


def test_every_number_matches_the_package_across_seeds_and_edits(tabs, site_server) -> None:
    tab = tabs()
    tab.open(f"{site_server}/{PAGE}")
    page = tab.page
    rng = np.random.default_rng(14)
    assert_like_package(tab.values(), "the default state")

    # States drawn from seeds: two-decimal starting values in their ranges, one-hot targets,
    # no pre-activation near 0; and every computed number as the package computes it.
    seen = set()
    for seed in rng.integers(0, 2**32, size=40):
        page.fill(f"{ROOT} .bs-seed", str(seed))
        values = tab.values()
        assert values["seed"] == seed
        X, Y = np.array(values["X"]), np.array(values["Y"])
        weights = np.concatenate([np.ravel(values[k]) for k in PARAMS])
        assert X.shape == (4, 2) and ((0 <= X) & (X <= 1)).all()
        assert ((-0.5 <= weights) & (weights <= 0.5)).all()
        assert np.allclose(np.concatenate([X.ravel(), weights]) * 100,
                           np.round(np.concatenate([X.ravel(), weights]) * 100), atol=1e-9)
        assert sorted(Y.sum(axis=0)) == [1, 1] and set(Y.ravel()) <= {0, 1}
        ref = assert_like_package(values, f"seed {seed}")
        assert np.abs(ref["Z1"]).min() >= 0.005
        seen.add(json.dumps([values[k] for k in ("X", *PARAMS)]))
    assert len(seen) == 40, "two seeds gave the same state"

    # Edited states: one entry at a time, full-precision values typed in, on top of each other.
    page.fill(f"{ROOT} .bs-seed", "7")
    for n in range(40):
        name = rng.choice(list(SHAPES))
        r, c = (int(rng.integers(0, s)) for s in SHAPES[name])
        value = float(rng.uniform(0, 1) if name == "X" else rng.uniform(-1, 1))
        values = tab.edit(str(name), r, c, value)
        assert_like_package(values, f"edit {n}: {name}[{r}][{c}] = {value!r}")
    # Targets (tap an entry of Y) and the learning rate.
    tab.step("L")
    for k, j in [(2, 0), (0, 1), (1, 0)]:
        tab.entry("Y", k, j).click()
        values = tab.values()
        assert [row[j] for row in values["Y"]] == [float(i == k) for i in range(3)]
        assert_like_package(values, f"target of example {j + 1} set to class {k}")
    for lr in (0.05, 1.7, 0.3):
        page.fill(f"{ROOT} .bs-lr", repr(lr))
        values = tab.values()
        assert values["lr"] == lr
        assert_like_package(values, f"learning rate {lr}")
    # Taking the step makes the updated parameters current and lowers this loss.
    before = tab.values()
    page.locator(f"{ROOT} button", has_text="Take the step").click()
    after = tab.values()
    for k in PARAMS:
        assert after[k] == before["update"][k]
    assert after["L"] == before["update"]["L"] < before["L"]
    assert_like_package(after, "after taking the step")

    # Something that is not a number changes nothing, and says so.
    tab.step("Z1")
    before = tab.values()
    cell = tab.entry("W1", 0, 0)
    cell.fill("1..2")
    assert cell.get_attribute("aria-invalid") == "true"
    assert tab.values() == before


def test_drag_and_arrow_keys_edit_entries(tabs, site_server) -> None:
    tab = tabs()
    tab.open(f"{site_server}/{PAGE}")
    page = tab.page
    tab.step("Z2")
    start = tab.values()["W2"][1][2]
    box = tab.entry("W2", 1, 2).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y, steps=8)
    page.mouse.up()
    dragged = tab.values()
    assert dragged["W2"][1][2] > start + 0.05, "a drag to the right did not raise the entry"
    assert_like_package(dragged, "after a drag")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 60, y, steps=8)
    page.mouse.up()
    assert tab.values()["W2"][1][2] < dragged["W2"][1][2] - 0.05

    cell = tab.entry("b2", 0, 0)
    cell.focus()
    start = tab.values()["b2"][0][0]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Shift+ArrowDown")
    values = tab.values()
    assert values["b2"][0][0] == pytest.approx(start - 0.08, abs=1e-12)
    assert_like_package(values, "after arrow keys")


def test_a_pre_activation_exactly_zero_switches_its_unit_off(tabs, site_server) -> None:
    """Dyadic values make Z1[1][0] exactly 0 in any summation order, in the page and in NumPy."""
    tab = tabs()
    tab.open(f"{site_server}/{PAGE}")
    for p, w in enumerate([0.5, -0.25, 0.125, 0.375]):
        tab.edit("W1", 1, p, w)
    for p, x in enumerate([0.5, 0.5, 0.25, 1.0]):
        tab.edit("X", p, 0, x)
    values = tab.edit("b1", 1, 0, -0.53125)  # 0.25 - 0.125 + 0.03125 + 0.375
    ref = assert_like_package(values, "a pre-activation at exactly 0")
    assert values["Z1"][1][0] == 0 == ref["Z1"][1, 0]
    assert values["A1"][1][0] == 0 and values["delta1"][1][0] == 0 == ref["delta1"][1, 0]

    tab.step("delta1")
    off = tab.entry("delta1", 1, 0)
    assert "bs-off" in off.get_attribute("class"), "a unit at Z1 = 0 is not drawn off"
    assert tab.entry("mask", 1, 0).inner_text() == "0"
    # The finite difference for a weight into that unit straddles the kink, and says so.
    tab.page.select_option(f"{ROOT} .bs-choose", "W1,1,0")
    check = tab.values()["check"]
    assert check["kink"] and abs(check["estimate"] - check["backprop"]) > 1e-3
    assert "kink" in tab.page.locator(f"{ROOT} .bs-note.bs-warn").inner_text()

    # Pushed over 0 by its bias, the unit comes back on.
    tab.page.locator(f"{ROOT} figure[data-view='b1'] [data-r='1']").fill("-0.52125")
    values = tab.values()
    ref = assert_like_package(values, "the same unit just above 0")
    assert values["Z1"][1][0] > 0 and values["delta1"][1][0] != 0
    assert "bs-off" not in off.get_attribute("class")


def test_highlights_steps_equations_and_keyboard(tabs, site_server, site) -> None:
    tab = tabs()
    url = f"{site_server}/{PAGE}"
    tab.open(url)
    page = tab.page

    # Each step: its equation typeset, the very TeX of the block its link points to.
    links = {}
    for key in STEPS:
        tab.step(key)
        tab.typeset()
        eq = page.locator(f"{ROOT} .bs-eq")
        href = page.locator(f"{ROOT} .bs-eqlinks a").first.get_attribute("href")
        links[key] = href
        assert eq.get_attribute("data-tex") == page_tex(site, url, href), key
        box = page.locator(f"{ROOT} .bs-eq mjx-container").first.bounding_box()
        assert box and box["width"] > 20 and box["height"] > 5, f"{key}: equation not drawn"
        code = page.locator(f"{ROOT} .bs-eqlinks a").nth(1).get_attribute("href")
        assert "/api/" in code and "#mnist_scratch." in code, (key, code)
    assert urlsplit(links["delta1"]).fragment == "eq-hidden-error"
    assert urlsplit(links["dW2"]).fragment == "eq-weight-gradient"

    # Hovering over delta1[1][0]: the row of W2^T (column of W2), the column of delta2, the mask.
    tab.step("delta1")
    tab.entry("delta1", 1, 0).hover()
    lit = page.evaluate(f"""() => [...document.querySelectorAll('{ROOT} .bs-src')].map(c =>
        [c.closest('figure').dataset.view, Number(c.dataset.r), Number(c.dataset.c)])""")
    expected = {("W2t", 1, k) for k in range(3)} | {("delta2", k, 0) for k in range(3)}
    expected |= {("back", 1, 0), ("mask", 1, 0), ("Z1", 1, 0)}
    assert {tuple(x) for x in lit} == expected
    assert "bs-hit" in tab.entry("delta1", 1, 0).get_attribute("class")
    assert "δ₁[2,1]" in page.locator(f"{ROOT} .bs-detail").inner_text()

    # Keyboard: arrows and Home/End from a focused step button.
    page.locator(f"{ROOT} .bs-pill[data-step='delta1']").focus()
    page.keyboard.press("ArrowRight")
    assert page.get_attribute(ROOT, "data-step") == "dW2"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.get_attribute(ROOT, "data-step") == "delta2"
    page.keyboard.press("End")
    assert page.get_attribute(ROOT, "data-step") == "update"
    page.keyboard.press("Home")
    assert page.get_attribute(ROOT, "data-step") == "Z1"
    assert page.evaluate("() => document.activeElement.dataset.step") == "Z1", "focus lost"


def test_usable_on_a_phone_and_after_instant_navigation(tabs, site_server) -> None:
    tab = tabs(390)
    page = tab.page
    tab.open(f"{site_server}/{PAGE}")
    overflow = f"""() => {{
      const root = document.querySelector('{ROOT}');
      let right = 0;
      for (const e of root.querySelectorAll('*')) {{
        if (e.closest('.bs-eq')) continue;  // a long equation scrolls inside its own box
        right = Math.max(right, e.getBoundingClientRect().right);
      }}
      return [right, document.documentElement.scrollWidth];
    }}"""
    for key in STEPS:
        tab.step(key)
        right, scroll = page.evaluate(overflow)
        assert right <= 390 and scroll <= 390, f"{key}: {right:.0f} px wide on a 390 px screen"
    # A tap pins a highlight; a sideways finger drag edits.
    tab.step("delta1")
    tab.entry("delta1", 0, 1).tap()
    assert "bs-hit" in tab.entry("delta1", 0, 1).get_attribute("class")
    assert "δ₁[1,2]" in page.locator(f"{ROOT} .bs-detail").inner_text()
    tab.step("Z1")
    cell = tab.entry("b1", 2, 0)
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    start = tab.values()["b1"][2][0]
    cdp = tab.context.new_cdp_session(page)
    y = box["y"] + box["height"] / 2
    for i, dx in enumerate(range(0, 41, 5)):
        point = {"x": box["x"] + 5 + dx, "y": y}
        kind = "touchStart" if i == 0 else "touchMove"
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()
    values = tab.values()
    assert values["b1"][2][0] > start + 0.05, "a finger dragged sideways did not edit"
    assert_like_package(values, "after a finger drag")

    # Material's instant navigation: away and back through ordinary links, no reload.
    page.evaluate("() => { window.__sameDocument = true; }")
    for path in ("derivations/hidden_error/", PAGE):
        page.evaluate(
            """(href) => { const a = document.createElement('a'); a.href = href;
                           document.querySelector('article').appendChild(a); a.click(); }""",
            f"{site_server}/{path}",
        )
        page.wait_for_function("(href) => location.href === href", arg=f"{site_server}/{path}")
        assert page.evaluate("() => window.__sameDocument === true"), f"{path}: full reload"
    page.wait_for_selector(f"{ROOT}[data-state='ready']", timeout=10_000)
    tab.typeset()
    box = page.locator(f"{ROOT} .bs-eq mjx-container").first.bounding_box()
    assert box and box["width"] > 20, "no equation after instant navigation"
    assert_like_package(tab.values(), "after instant navigation")
