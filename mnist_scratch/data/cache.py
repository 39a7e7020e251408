r"""The user cache: where it lives, atomic writes, and a lock between processes.

A file appears in the cache only by ``os.replace`` of a fully written and fsynced ``*.part``
file, so an interrupted fetch leaves at most a ``*.part`` file, which is never read as data.
Processes that fill the same cache take an exclusive lock on ``<dir>/.lock`` first; a
second process waits, then finds the files the first one wrote.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from mnist_scratch.files import write_atomic  # noqa: F401 - the cache's writer, re-exported

from .errors import DataError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None
    import msvcrt


def cache_root(env: Mapping[str, str] | None = None) -> Path:
    r"""The cache root: ``$MNIST_SCRATCH_CACHE``, else ``$XDG_CACHE_HOME/mnist_scratch``, else
    ``~/.cache/mnist_scratch``.

    Examples
    --------
    >>> str(cache_root({"MNIST_SCRATCH_CACHE": "/tmp/c"}))
    '/tmp/c'
    >>> str(cache_root({"XDG_CACHE_HOME": "/x"}))
    '/x/mnist_scratch'
    """
    env = os.environ if env is None else env
    if env.get("MNIST_SCRATCH_CACHE"):
        return Path(env["MNIST_SCRATCH_CACHE"]).expanduser()
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]).expanduser() / "mnist_scratch"
    return Path.home() / ".cache" / "mnist_scratch"


def remove_leftovers(directory: Path) -> None:
    r"""Delete ``*.part`` files and ``.tmp-*`` directories left by an interrupted fetch.

    Call only while holding the directory's lock, so no live writer loses its file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "x.abc.part").write_bytes(b"half")
    >>> (d / ".tmp-1").mkdir()
    >>> remove_leftovers(d); list(d.iterdir())
    []
    """
    if not directory.is_dir():
        return
    for entry in directory.iterdir():
        if entry.name.endswith(".part") and entry.is_file():
            with contextlib.suppress(OSError):
                entry.unlink()
        elif entry.name.startswith(".tmp-") and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    r"""Hold an exclusive lock on ``directory`` (via ``directory/.lock``) for the ``with`` body.

    Blocks while another process holds it: that process is fetching the same files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with locked(d):
    ...     (d / ".lock").exists()
    True
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DataError(f"cannot use cache directory {directory}: {exc.strerror or exc}") from None
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:  # pragma: no cover - Windows: LK_LOCK gives up after ~10 s, so retry
            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    time.sleep(0.5)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
