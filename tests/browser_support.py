"""What the browser tests share: Debian's chromium, how to launch it here, when to skip.

Playwright's own browser downloads cannot work on these machines, so the tests drive the
system chromium. Locally a missing chromium skips the browser tests with the reason; in CI
(``MNIST_SCRATCH_REQUIRE_BROWSER=1``, set by .ci/run) it fails them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
VIEWPORT_HEIGHT = 900  # px: a browser test's window, unless it says otherwise
REQUIRED = os.environ.get("MNIST_SCRATCH_REQUIRE_BROWSER") == "1"
# Without the background-networking flags chromium keeps dialling out of this closed network.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_or_skip() -> str:
    """The chromium executable; skips (or, when required, fails) the test if it is absent."""
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    if REQUIRED:
        pytest.fail(f"{CHROMIUM} is missing and MNIST_SCRATCH_REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped")


@contextmanager
def launched_chromium() -> Iterator:
    """A headless Playwright browser on the system chromium, closed afterwards."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def local_context(browser, width: int, height: int = VIEWPORT_HEIGHT, **options):
    """A new browser context whose requests may only reach 127.0.0.1 (the served site).

    Any other request is aborted and its address kept in the context's ``outside`` list, for
    the caller to assert on: the site must work offline.
    """
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.outside = []

    def only_local(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            context.outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    return context
