"""The built site, shared by every test that reads or serves it (fixtures in conftest.py).

One cold ``mkdocs build --strict`` per session, into a temporary folder. conftest.py starts it
in the background as soon as the tests are collected (`start_build`), and runs the tests that
need the site last, so the build (a minute or two, mostly executing the derivation notebooks)
overlaps every test that does not need it; `built_site` waits for it. The build's
``site_url`` is the address the browser tests serve it from (`site_port`), because Material's
instant navigation only takes over links to URLs listed in the sitemap, which are absolute.
`served_site` serves the folder at ``/`` and again under `SUBPATH`, as GitHub Pages serves a
project site.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUBPATH = "/sub/mnist_scratch"  # a GitHub Pages project site lives under /<repository>/
BUILD_TIMEOUT = 1800  # seconds; a cold build takes one to two minutes on a quiet machine
# This session's one build: "folder", "process", "port"; once it ended, "site" (None if it
# failed) and "log"; "server" while it is served.
BUILD: dict[str, object] = {}


def start_build() -> None:
    """Start this session's build in the background (once; later calls do nothing)."""
    if "process" in BUILD:
        return
    folder = Path(tempfile.mkdtemp(prefix="mnist-scratch-site-"))
    with socket.socket() as probe:  # a free port now; the server binds it later
        probe.bind(("127.0.0.1", 0))
        BUILD["port"] = probe.getsockname()[1]
    with open(folder / "build.log", "w", encoding="utf-8") as log:  # a file: no pipe to fill
        BUILD["process"] = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
             str(folder / "site")],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1",
                 "SITE_URL": f"http://127.0.0.1:{BUILD['port']}/"},
            # Its own process group, with its notebook kernels and classic-bug processes:
            # `stop_build` ends them all together.
            start_new_session=True,
        )  # fmt: skip
    BUILD["folder"] = folder


def stop_build() -> None:
    """End the server, and a build still running (an interrupted session); remove the folder."""
    if isinstance(server := BUILD.pop("server", None), _Server):
        server.shutdown()
        server.server_close()
    process = BUILD.get("process")
    if isinstance(process, subprocess.Popen) and process.poll() is None:
        # SIGINT, as a Ctrl-C would: mkdocs' hooks then remove their own temporary folders.
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if isinstance(folder := BUILD.get("folder"), Path):
        shutil.rmtree(folder, ignore_errors=True)


def built_site() -> Path:
    """The built site's folder, once the build has ended; fails the calling test with mkdocs'
    own output if the build failed."""
    start_build()
    if "site" not in BUILD:
        process, folder = BUILD["process"], Path(str(BUILD["folder"]))
        assert isinstance(process, subprocess.Popen)
        late = ""
        try:
            code = process.wait(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            code = process.wait()
            late = f"\nstopped: the build took over {BUILD_TIMEOUT} s"
        BUILD["log"] = (folder / "build.log").read_text(encoding="utf-8", errors="replace") + late
        BUILD["site"] = folder / "site" if code == 0 else None
    if BUILD["site"] is None:
        problems = [ln for ln in str(BUILD["log"]).splitlines() if not ln.startswith("INFO")]
        pytest.fail("mkdocs build --strict failed:\n" + "\n".join(problems[-40:]), pytrace=False)
    return Path(str(BUILD["site"]))


def served_site() -> str:
    """``http://127.0.0.1:PORT``, serving the built site (at the port it was built for) until
    the session ends; the first caller starts the server."""
    site = built_site()
    if "server" not in BUILD:
        handler = functools.partial(_Handler, directory=str(site))
        server = _Server(("127.0.0.1", site_port()), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        BUILD["server"] = server
    return f"http://127.0.0.1:{site_port()}"


def site_port() -> int:
    """The port the site was built for (call `start_build` first)."""
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
