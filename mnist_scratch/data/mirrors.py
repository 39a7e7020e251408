r"""Source 3, the public HTTP mirrors of the ``.gz`` files.

Short timeouts; any failure, a checksum mismatch or an HTML page included, moves on to the
next mirror. A mirror that is down (no connection, no answer, out of time) is not asked for
its other files.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request

from .errors import DataError
from .fetch import CacheUnwritable, Fetch
from .idx import gunzip
from .known import FILES
from .progress import Progress
from .verification import MAX_SIZE


class MirrorDown(DataError):
    """The mirror itself failed (no connection, no answer, out of time): skip its other files."""


def http_get(url: str, *, timeout: float, deadline: float, max_bytes: int,
             started: float | None = None, progress: bool | None = None,
             label: str | None = None) -> bytes:
    r"""GET ``url`` and return the body, within ``timeout`` per wait and ``deadline`` overall.

    ``timeout`` bounds the connection and every silence while reading (a server that accepts
    and never answers); ``deadline`` counts from ``started`` (default: now) and stops a server
    that trickles. Raises ``DataError`` on an HTTP error status, an HTML page, a body shorter
    than its ``Content-Length``, more than ``max_bytes``, or running out of time.
    """
    start = time.monotonic() if started is None else started
    request = urllib.request.Request(url, headers={"User-Agent": "mnist_scratch"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            if "html" in resp.headers.get("Content-Type", "").lower():
                raise DataError(f"{url}: served an HTML page, not the file")
            length = resp.headers.get("Content-Length", "")
            total = int(length) if length.isdigit() else None
            if total is not None and total > max_bytes:
                raise DataError(f"{url}: {total} bytes announced, more than expected")
            body = bytearray()
            with Progress(label or url, total, enabled=progress) as bar:
                while block := resp.read1(1 << 16):  # returns as data arrive
                    body += block
                    bar.update(len(block))
                    if len(body) > max_bytes:
                        raise DataError(f"{url}: more than {max_bytes} bytes, more than expected")
                    if time.monotonic() - start > deadline:
                        raise MirrorDown(f"{url}: not finished after {deadline:g} s")
            if total is not None and len(body) != total:
                raise DataError(f"{url}: truncated body ({len(body)} of {total} bytes)")
            return bytes(body)
    except urllib.error.HTTPError as exc:
        raise DataError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            reason = f"no answer within {timeout:g} s"
        raise MirrorDown(f"{url}: cannot connect ({reason})") from None
    except TimeoutError:
        raise MirrorDown(f"{url}: no answer within {timeout:g} s") from None
    except http.client.IncompleteRead as exc:
        raise DataError(f"{url}: truncated body ({len(exc.partial)} bytes)") from None
    except (http.client.HTTPException, OSError) as exc:
        raise MirrorDown(f"{url}: connection failed ({exc or type(exc).__name__})") from None


def from_mirror(job: Fetch, base: str) -> None:
    """The missing files from the mirror at ``base``, within the configured deadline."""
    base = base if base.endswith("/") else base + "/"
    failures = []
    start = time.monotonic()
    for name in job.missing:
        url = base + name + ".gz"
        try:
            if time.monotonic() - start > job.config.deadline:
                raise MirrorDown(f"{base}: not finished after {job.config.deadline:g} s")
            body = http_get(url, timeout=job.config.timeout, deadline=job.config.deadline,
                            started=start, max_bytes=MAX_SIZE[FILES[name].kind] + (1 << 20),
                            progress=job.progress, label=f"{name}.gz")
            buf = gunzip([body], max_size=MAX_SIZE[FILES[name].kind], where=url)
            del body
            job.accept(name, buf, url, url)
        except CacheUnwritable:
            raise
        except MirrorDown as exc:
            failures.append(str(exc))
            break
        except DataError as exc:
            failures.append(str(exc))
    if failures:
        more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
        job.tried.append(f"mirror {failures[0]}{more}")
