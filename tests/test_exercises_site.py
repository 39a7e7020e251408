"""The exercises and the classic-bugs page on the built site (the session's one strict build).

Every derivation page ends with its exercises (statement, check command, folded hint and
worked solution); the index lists them all with working links; the classic-bugs page has a
section per bug with its one-line diff and its measurements. In chromium, with every fold
open, none of these pages is wider than a 390 px phone screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mnist_scratch.exercises import catalogue
from mnist_scratch.exercises.bugs import BUGS
from mnist_scratch.exercises.changes import located


def _soup(site: Path, url_path: str) -> BeautifulSoup:
    return BeautifulSoup((site / url_path / "index.html").read_text("utf-8"), "html.parser")


def _page_dir(src: str) -> str:
    return src.rsplit(".", 1)[0]  # derivations/relu.py -> derivations/relu


def test_every_derivation_page_ends_with_its_exercises(site: Path) -> None:
    for page, exercises in catalogue.by_page().items():
        soup = _soup(site, _page_dir(page))
        section = soup.select_one("div.exercises")
        assert section is not None, f"{page}: no exercises section"
        assert section.find(id="exercises"), f"{page}: no #exercises heading"
        code = "\n".join(pre.get_text() for pre in section.find_all("pre"))
        for ex in exercises:
            assert section.find(id=catalogue.anchor(ex)) is not None, f"{page}: no {ex.name}"
            assert catalogue.check_command(ex) in code, f"{page}: no check command for {ex.name}"
        folds = [d.find("summary").get_text(strip=True) for d in section.find_all("details")]
        assert folds.count("Hint") == len(exercises), page
        assert folds.count("Worked solution") == len(exercises), page
        toc = [a.get("href", "") for a in soup.select("nav.md-nav--secondary a")]
        assert "#exercises" in toc, f"{page}: the exercises are not in the page's contents"


def test_the_index_links_every_exercise_to_its_anchor(site: Path) -> None:
    soup = _soup(site, "exercises")
    hrefs = {a["href"] for a in soup.select("article table a[href]")}
    for ex in catalogue.EXERCISES.values():
        target = f"../{_page_dir(ex.page)}/#{catalogue.anchor(ex)}"
        assert target in hrefs, f"no link to {ex.name}"


def test_the_classic_bugs_page_shows_each_change_and_what_it_does(site: Path) -> None:
    soup = _soup(site, "classic_bugs")
    article = soup.select_one("article")
    summary = article.find("table")
    assert len(summary.select("tbody tr")) == len(BUGS) + 1  # and the run without a bug
    for bug in BUGS:
        heading = article.find(id=bug.name)
        assert heading is not None, bug.name
        diff = heading.find_next("pre").get_text()
        _, _, line = located(bug.change)
        assert line.strip() in diff, f"{bug.name}: the diff does not show the real line"
        if bug.change.new is not None:
            assert bug.change.new in diff
        facts = heading.find_next("ul").get_text(" ")
        for what in ("Gradient check", "Short training run", "Unit tests", "Exercise grader"):
            assert what in facts, f"{bug.name}: no {what}"


@pytest.mark.browser
@pytest.mark.parametrize("path", ["exercises/", "classic_bugs/", "derivations/softmax/"])
def test_the_pages_fit_a_phone_with_every_fold_open(browser, site_server, path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(f"{site_server}/{path}")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(300)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px screen"
    finally:
        page.close()
