"""The playground and "watch it learn" in a real browser (Debian's chromium, driven by Playwright).

The page's numbers are checked against the package itself: for every shipped test digit the
probabilities the page shows equal `mnist_scratch.network.forward` on the same 28x28 input, run
with the trained weights the run saved (`weights/<run>.npz`, float32), within 1e-5. A stroke
drawn with mouse events gets a prediction whose probabilities sum to 1; the page works at 1280
and 375 pixels wide, after Material's instant navigation, and under a subpath (as on GitHub
Pages); nothing is requested from anywhere but 127.0.0.1, and nothing is logged as an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from browser_support import local_context
from site_support import SUBPATH

from mnist_scratch.data import design_matrix
from mnist_scratch.network import forward
from mnist_scratch.runs import load_weights

pytestmark = pytest.mark.browser

PARITY = 1e-5  # |page probability - forward() probability|, the bound
SAME_MATH = 1e-12  # the same weights in float64 on both sides: only summation order differs
ROOT = "#mnist-playground"
PROBS_JS = f"""() => [...document.querySelectorAll('{ROOT} .pg-bar')]
  .map(b => b.dataset.p === undefined ? null : Number(b.dataset.p))"""
# Every shipped digit through the page's own path (button -> canvas -> bars), read back from
# the bars' data-p attributes: what the page shows, at full precision.
ALL_DIGITS_JS = f"""() => {{
  const pg = window.mnistPlayground.current, rows = [];
  for (let i = 0; i < pg.digits.count; i++) {{
    pg.showTestDigit(i);
    rows.push([...document.querySelectorAll('{ROOT} .pg-bar')].map(b => Number(b.dataset.p)));
  }}
  return {{indices: Array.from(pg.digits.indices), probabilities: rows}};
}}"""
# Each shipped digit, enlarged onto the drawing pad, read back through the preprocessing.
REDRAWN_JS = """() => {
  const pg = window.mnistPlayground.current, out = [];
  for (let i = 0; i < pg.digits.count; i++) {
    const direct = pg.showTestDigit(i);
    const redrawn = pg.readPad();
    out.push([direct.predicted, redrawn.predicted, redrawn.input]);
  }
  return out;
}"""
INK_JS = """(selector) => {
  const c = document.querySelector(selector);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[i + 1]) > 8 || d[i] < 200) ink++;
  return ink;
}"""



@pytest.fixture(scope="module")
def server(site_server: str) -> str:
    return site_server


@pytest.fixture(scope="module")
def run_folder(site: Path) -> Path:
    return site / "assets" / "runs" / "improved"  # the run docs/playground.md links to


@pytest.fixture(scope="module")
def network(run_folder: Path) -> dict:
    """The trained network: the run's own float32 weights (.npz), as training left them."""
    run = json.loads((run_folder / "weights.json").read_text(encoding="utf-8"))["run"]
    return load_weights(run_folder / "weights" / f"{run}.npz")


@pytest.fixture(scope="module")
def shipped_network(run_folder: Path) -> dict:
    """The weights the page runs: weights.json's numbers rounded to float32, kept in float64."""
    doc = json.loads((run_folder / "weights.json").read_text(encoding="utf-8"))
    return {
        name: np.array(doc[name], dtype=np.float32).astype(np.float64).reshape(len(doc[name]), -1)
        for name in ("W1", "b1", "W2", "b2")
    }


def python_probabilities(params: dict, images: np.ndarray) -> np.ndarray:
    """forward() on uint8 images (m, 784) in the parameters' dtype: (m, 10) probabilities."""
    dtype = params["W1"].dtype
    return forward(params, design_matrix(images, dtype=dtype).T)["A2"].T


class Tab:
    """A page in a fresh context that records console errors, failures and outside requests."""

    def __init__(self, browser, width: int) -> None:
        self.context = local_context(browser, width, has_touch=width < 600)
        self.problems: list[str] = []
        self.outside = self.context.outside
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status}: {r.url}"))

    def ready(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.page.wait_for_selector(f"{ROOT}[data-state='ready']", timeout=10_000)

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


def draw(page, points: list[tuple[float, float]]) -> None:
    """One stroke with mouse events through ``points``, given as fractions of the pad."""
    pad = page.locator(".pg-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=6)
    page.mouse.up()


def touch_draw(tab: Tab, points: list[tuple[float, float]]) -> None:
    """The same with a finger: real touch events, which the browser turns into pointer events."""
    pad = tab.page.locator(".pg-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    cdp = tab.context.new_cdp_session(tab.page)
    for i, (fx, fy) in enumerate(points):
        point = {"x": box["x"] + fx * box["width"], "y": box["y"] + fy * box["height"]}
        kind = "touchStart" if i == 0 else "touchMove"
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_drawn_stroke_and_a_test_digit_are_read_like_python(
    tabs, server: str, network: dict, mnist, width: int
) -> None:
    tab = tabs(width)
    page = tab.page
    tab.ready(f"{server}/playground/")
    assert page.evaluate(PROBS_JS) == [None] * 10, "probabilities shown before anything was drawn"
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, "the page scrolls sideways"

    draw(page, [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)])  # a 7
    page.wait_for_function(f"() => document.querySelector('{ROOT}').dataset.prediction !== ''")
    probs = page.evaluate(PROBS_JS)
    assert all(p is not None and 0 <= p <= 1 for p in probs), probs
    assert abs(sum(probs) - 1) < 1e-9, sum(probs)
    assert page.locator(f"{ROOT} .pg-prediction").inner_text() == str(int(np.argmax(probs)))
    assert page.evaluate(INK_JS, ".pg-input") > 20, "the 28x28 input shows no ink"

    page.get_by_role("button", name="Random test digit").click()
    page.wait_for_function(f"() => document.querySelector('{ROOT}').dataset.testIndex")
    index = int(page.locator(ROOT).get_attribute("data-test-index"))
    probs = np.array(page.evaluate(PROBS_JS))
    expected = python_probabilities(network, mnist.test_images[index : index + 1])[0]
    assert int(page.locator(ROOT).get_attribute("data-prediction")) == int(expected.argmax())
    assert np.abs(probs - expected).max() < PARITY
    assert f"true label {mnist.test_labels[index]}" in page.locator(".pg-truth").inner_text()

    page.locator(ROOT).get_by_role("button", name="Clear").click()
    assert page.evaluate(PROBS_JS) == [None] * 10
    assert page.locator(f"{ROOT} .pg-prediction").inner_text() == "?"

    if width < 600:  # a phone: the finger draws
        touch_draw(tab, [(0.5, 0.15 + 0.07 * i) for i in range(11)])  # a 1
        page.wait_for_function(f"() => document.querySelector('{ROOT}').dataset.prediction !== ''")
        assert abs(sum(page.evaluate(PROBS_JS)) - 1) < 1e-9


def test_every_shipped_digit_matches_python_forward(
    tabs, server: str, network: dict, shipped_network: dict, mnist
) -> None:
    tab = tabs()
    tab.ready(f"{server}/playground/")
    shown = tab.page.evaluate(ALL_DIGITS_JS)
    indices = np.array(shown["indices"])
    page_probs = np.array(shown["probabilities"])  # (count, 10)
    images = mnist.test_images[indices]
    # The JavaScript is the forward pass: same weights, same inputs, float64 on both sides.
    same_math = np.abs(page_probs - python_probabilities(shipped_network, images)).max()
    # The page runs the trained network: against forward() with the float32 weights training
    # saved, which also measures what exporting the weights to JSON lost.
    expected = python_probabilities(network, images)
    trained = np.abs(page_probs - expected).max()
    print(f"\nparity over {len(indices)} test digits: max |page - forward()| = {trained:.2e} "
          f"(trained float32 weights), {same_math:.2e} (the shipped weights in float64)")
    assert same_math < SAME_MATH
    assert trained < PARITY
    assert (page_probs.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_preprocessing_turns_a_drawn_mnist_digit_back_into_itself(tabs, server: str, mnist) -> None:
    """An enlarged test digit on the pad, preprocessed, is read like the digit itself."""
    tab = tabs()
    tab.ready(f"{server}/playground/")
    indices = tab.page.evaluate("() => Array.from(mnistPlayground.current.digits.indices)")
    rows = tab.page.evaluate(REDRAWN_JS)
    direct = np.array([r[0] for r in rows])
    redrawn = np.array([r[1] for r in rows])
    inputs = np.array([r[2] for r in rows])  # (count, 784)
    original = mnist.test_images[indices] / 255.0
    agree = (direct == redrawn).mean()
    gap = np.abs(inputs - original).mean()
    print(f"redrawn digits: same prediction for {100 * agree:.1f}%, mean |pixel gap| {gap:.3f}")
    assert agree >= 0.9
    assert gap < 0.1
    # Centred by centre of mass, as MNIST: within a pixel of (14, 14) in row/column indices.
    grid = inputs.reshape(-1, 28, 28)
    mass = grid.sum(axis=(1, 2))
    rows = (grid.sum(axis=2) * np.arange(28)).sum(axis=1) / mass
    cols = (grid.sum(axis=1) * np.arange(28)).sum(axis=1) / mass
    assert np.abs(rows - 14).max() <= 1 and np.abs(cols - 14).max() <= 1


def test_watch_it_learn_steps_through_the_saved_snapshots(tabs, server: str, site: Path) -> None:
    snapshots = json.loads((site / "assets/runs/improved/snapshots.json").read_text())["snapshots"]
    tab = tabs(375)
    page = tab.page
    page.goto(f"{server}/runs/", wait_until="load")
    page.locator(".mnist-watch").scroll_into_view_if_needed()  # it loads its data when near
    widget = page.locator(".mnist-watch[data-state='ready']")
    widget.wait_for(timeout=10_000)
    slider = widget.locator("input[type=range]")
    assert slider.get_attribute("max") == str(len(snapshots) - 1)
    assert widget.locator("canvas").count() == len(snapshots[0]["W1"])
    slider.scroll_into_view_if_needed()
    slider.fill(str(len(snapshots) - 1))
    last = snapshots[-1]
    assert f"{100 * last['test_accuracy']:.2f}%" in widget.locator(".watch-label").inner_text()
    assert page.evaluate(INK_JS, ".mnist-watch canvas") > 100
    slider.fill("0")
    widget.get_by_role("button", name="Play").click()
    page.wait_for_function("() => +document.querySelector('.mnist-watch').dataset.frame >= 1")
    widget.get_by_role("button", name="Pause").click()


def test_instant_navigation_mounts_and_unmounts_both_widgets(tabs, server: str) -> None:
    tab = tabs()
    page = tab.page
    page.goto(f"{server}/", wait_until="load")
    page.evaluate("() => { window.__sameDocument = true; }")

    def follow(path: str) -> None:
        page.evaluate(
            """(href) => { const a = document.createElement('a'); a.href = href;
                           document.querySelector('article').appendChild(a); a.click(); }""",
            f"{server}{path}",
        )
        page.wait_for_function("(href) => location.href === href", arg=f"{server}{path}")
        assert page.evaluate("() => window.__sameDocument === true"), f"{path}: full reload"

    follow("/playground/")
    page.wait_for_selector(f"{ROOT}[data-state='ready']")
    page.get_by_role("button", name="Random test digit").click()
    page.wait_for_function(f"() => document.querySelector('{ROOT}').dataset.testIndex")
    follow("/runs/")
    page.locator(".mnist-watch").scroll_into_view_if_needed()  # it loads its data when near
    page.wait_for_selector(".mnist-watch[data-state='ready']")
    assert page.evaluate("() => window.mnistPlayground.current === null")
    page.locator(".mnist-watch").get_by_role("button", name="Play").click()
    follow("/playground/")  # the playing widget's timer must stop with its page
    page.wait_for_selector(f"{ROOT}[data-state='ready']")
    assert page.evaluate("() => window.mnistWatch.mounted.length === 0")
    draw(page, [(0.5, 0.15), (0.5, 0.85)])  # a 1
    page.wait_for_function(f"() => document.querySelector('{ROOT}').dataset.prediction !== ''")


def test_the_playground_works_under_a_subpath(tabs, server: str) -> None:
    tab = tabs(375)
    tab.ready(f"{server}{SUBPATH}/playground/")
    tab.page.get_by_role("button", name="Random test digit").click()
    tab.page.wait_for_function(f"() => document.querySelector('{ROOT}').dataset.prediction !== ''")
    probs = tab.page.evaluate(PROBS_JS)
    assert abs(sum(probs) - 1) < 1e-9
