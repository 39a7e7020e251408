"""The HTTP mirrors, against local servers on 127.0.0.1: a good mirror, a 404, an HTML page,
a truncated body, a trickle, and a server that accepts connections and never answers.
"""

from __future__ import annotations

import gzip
import http.server
import io
import socket
import threading
import time

import pytest

from mnist_scratch.data import DataError, SourceConfig, load

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
TIMEOUT = 0.5  # seconds: every wait on a local server is bounded by this


class Handler(http.server.BaseHTTPRequestHandler):
    gz: dict[str, bytes] = {}  # file name + ".gz" -> body
    hits: list[str] = []

    def log_message(self, *args):  # keep pytest's output clean
        pass

    def do_GET(self):
        kind, _, name = self.path.strip("/").partition("/")
        self.hits.append(self.path)
        body = self.gz.get(name)
        if kind == "404" or body is None:
            self.send_error(404)
            return
        if kind == "html":
            page = b"<!DOCTYPE html><html><body>Please log in</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return
        if kind == "html-as-gz":  # an error page with a binary content type
            page = b"<html><head><title>Error</title></head></html>"
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            self.wfile.write(page)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        if kind in ("good", "truncated", "slow"):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if kind == "good":
            self.wfile.write(body)
        elif kind in ("truncated", "truncated-nolength"):
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        elif kind == "slow":  # a trickle: never silent for long, never done
            try:
                for i in range(0, len(body), 100):
                    self.wfile.write(body[i: i + 100])
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass


@pytest.fixture(scope="module")
def server(mnist_files):
    Handler.gz = {f"{n}.gz": gzip.compress(mnist_files[n].read_bytes(), compresslevel=1)
                  for n in NAMES}
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def silent_server():
    """Accepts TCP connections (the kernel completes them from the backlog), never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    sock.close()


def config(tmp_path, *mirrors, **kw) -> SourceConfig:
    return SourceConfig(cache_dir=tmp_path / "cache", mirrors=mirrors, npm="", debian_dir="",
                        timeout=kw.pop("timeout", TIMEOUT), **kw)


def test_falls_through_bad_mirrors_to_the_good_one(tmp_path, server, silent_server, mnist,
                                                   no_env):
    mirrors = (silent_server, f"{server}/404/", f"{server}/html/", f"{server}/truncated/",
               f"{server}/truncated-nolength/", f"{server}/html-as-gz/", f"{server}/good/")
    start = time.monotonic()
    ds = load(config=config(tmp_path, *mirrors), progress=False)
    assert time.monotonic() - start < 10  # the silent server costs one TIMEOUT, not more
    for name in NAMES:
        assert ds.files[name].source == f"{server}/good/{name}.gz"
        assert ds.files[name].path == tmp_path / "cache" / "mnist" / name
    assert (ds.test_labels == mnist.test_labels).all()
    # The download went to the cache: the next load reads it from there.
    again = load(config=config(tmp_path), progress=False)
    assert {r.source for r in again.files.values()} == {"cache"}
    assert sorted(p.name for p in (tmp_path / "cache" / "mnist").iterdir()) == sorted(
        [".lock", *NAMES])


@pytest.mark.parametrize("kind, reason", [
    ("404", "HTTP 404"),
    ("html", "served an HTML page"),
    ("html-as-gz", "is an HTML page, not gzip data"),
    ("truncated", "truncated body"),
    ("truncated-nolength", "gzip data end early"),
])
def test_each_bad_mirror_says_why(tmp_path, server, kind, reason, no_env):
    with pytest.raises(DataError) as info:
        load(config=config(tmp_path, f"{server}/{kind}/"), progress=False)
    msg = str(info.value)
    assert f"mirror {server}/{kind}/" in msg and reason in msg, msg
    assert "\n" not in msg
    # Nothing half-written is left for a later run to mistake for data.
    assert [p.name for p in (tmp_path / "cache" / "mnist").iterdir()] == [".lock"]


def test_server_that_never_answers_is_bounded(tmp_path, silent_server, no_env):
    start = time.monotonic()
    with pytest.raises(DataError, match=r"no answer within 0.5 s"):
        load(config=config(tmp_path, silent_server), progress=False)
    # One timeout for the mirror, not one per file.
    assert time.monotonic() - start < 4 * TIMEOUT


def test_trickling_server_hits_the_deadline(tmp_path, server, no_env):
    start = time.monotonic()
    with pytest.raises(DataError, match=r"not finished after 1 s"):
        load(config=config(tmp_path, f"{server}/slow/", deadline=1.0), progress=False)
    assert time.monotonic() - start < 1.0 + 3 * TIMEOUT


def test_checksum_mismatch_moves_to_next_mirror(tmp_path, server, no_env):
    # A mirror serving the wrong files is skipped exactly like one that is down.
    original = dict(Handler.gz)
    Handler.gz = {**original, "t10k-labels-idx1-ubyte.gz": original["train-labels-idx1-ubyte.gz"]}
    try:
        with pytest.raises(DataError, match="is MNIST's train-labels-idx1-ubyte"):
            load(config=config(tmp_path, f"{server}/good/"), progress=False)
    finally:
        Handler.gz = original
    ds = load(config=config(tmp_path, f"{server}/good/"), progress=False)
    assert ds.files["t10k-labels-idx1-ubyte"].source.endswith("t10k-labels-idx1-ubyte.gz")
    assert ds.files["train-labels-idx1-ubyte"].source == "cache"


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path, server, capsys, no_env):
    load(config=config(tmp_path / "a", f"{server}/good/"))  # progress=None, stderr not a tty
    assert capsys.readouterr().err == ""
    load(config=config(tmp_path / "b", f"{server}/good/"), progress=True)
    err = capsys.readouterr().err
    assert "\rtrain-images-idx3-ubyte.gz [" in err and "100%" in err


def test_progress_auto_detects_a_terminal():
    from mnist_scratch.data.progress import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Tty()
    with Progress("x.gz", total=10, stream=out) as bar:
        bar.update(10)
    assert out.getvalue().startswith("\rx.gz [") and out.getvalue().endswith("\n")
