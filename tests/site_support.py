"""The built site, shared by every test that reads or serves it (fixtures in conftest.py).

The first caller runs a cold ``mkdocs build --strict`` into a temporary folder; later callers
get the same folder. The build's ``site_url`` is the address the browser tests serve it from
(`site_port`), because Material's instant navigation only takes over links to URLs listed in
the sitemap, which are absolute. `serve` serves the folder at ``/`` and again under `SUBPATH`,
as GitHub Pages serves a project site.
"""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUBPATH = "/sub/mnist_scratch"  # a GitHub Pages project site lives under /<repository>/
BUILD: dict[str, object] = {}  # "site", "port", "seconds", "log" of this session's one build


def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site's folder; fails the calling test with mkdocs' own output if the build does."""
    if "site" not in BUILD:
        site = tmp_path_factory.mktemp("site")
        with socket.socket() as probe:  # a free port now; the server binds it later
            probe.bind(("127.0.0.1", 0))
            BUILD["port"] = probe.getsockname()[1]
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "NO_MKDOCS_2_WARNING": "1",
                "SITE_URL": f"http://127.0.0.1:{BUILD['port']}/",
            },
        )
        BUILD["seconds"] = time.perf_counter() - start
        BUILD["log"] = done.stdout + done.stderr
        BUILD["site"] = site if done.returncode == 0 else None
    if BUILD["site"] is None:
        problems = [ln for ln in str(BUILD["log"]).splitlines() if not ln.startswith("INFO")]
        pytest.fail("mkdocs build --strict failed:\n" + "\n".join(problems[-40:]), pytrace=False)
    return Path(str(BUILD["site"]))


def site_port() -> int:
    """The port the site was built for (call `built_site` first)."""
    return int(str(BUILD["port"]))


def html_pages(site: Path) -> list[Path]:
    """Every page of the site (not the search index, 404 page or vendored assets)."""
    return sorted(
        p
        for p in site.rglob("index.html")
        if p.relative_to(site).parts[0] not in {"assets", "search"}
    )


def page_urls(site: Path, base: str) -> list[str]:
    """The address of every page of ``site`` under ``base`` (``http://127.0.0.1:PORT``)."""
    urls = []
    for page in html_pages(site):
        rel = page.parent.relative_to(site).as_posix()
        urls.append(f"{base}/" if rel == "." else f"{base}/{rel}/")
    return urls


class _Handler(SimpleHTTPRequestHandler):
    """Serves the site at / and again under SUBPATH, quietly."""

    def translate_path(self, path: str) -> str:
        if path.startswith(SUBPATH + "/"):
            path = path[len(SUBPATH) :]
        return super().translate_path(path)

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    """A browser that moves on drops its open requests; that is not an error worth a trace."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 at the port it was built for; yield ``http://127.0.0.1:PORT``."""
    handler = functools.partial(_Handler, directory=str(site))
    httpd = _Server(("127.0.0.1", site_port()), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
