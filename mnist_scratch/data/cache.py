r"""The user cache: where it lives, atomic writes, and a lock between processes.

A file appears in the cache only by ``os.replace`` of a fully written and fsynced ``*.part``
file, so an interrupted fetch leaves at most a ``*.part`` file, which is never read as data.
Processes that fill the same cache take an exclusive lock on ``<dir>/.lock`` first; the
holder writes its process id and command into that file. A second process says who holds
the lock and waits, at most ``MNIST_SCRATCH_LOCK_TIMEOUT`` seconds, then finds the files the
first one wrote, or fails with one line naming the holder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from mnist_scratch.files import write_atomic  # noqa: F401 - the cache's writer, re-exported

from .errors import DataError
from .settings import LOCK_TIMEOUT, cache_root, env_seconds  # noqa: F401 - cache_root re-exported

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None
    import msvcrt

# Windows locks a byte range, which other processes then cannot read: lock a byte past the
# holder's note, so a waiter can still say who holds the lock.
_WINDOWS_LOCK_OFFSET = 1 << 16
_NOTE_BYTES = 4096  # the holder's note is one short line: pid, host, command


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


def _note() -> bytes:
    # Who holds the lock, for a waiting process's message: "pid host command", one line (a
    # `python -c` program's newlines become spaces) of bounded length.
    command = " ".join(" ".join(getattr(sys, "orig_argv", sys.argv)).split())
    if len(command) > 200:
        command = command[:197] + "..."
    return f"{os.getpid()} {socket.gethostname()} {command}\n".encode("utf-8", "replace")


def holder(fd: int) -> tuple[str, str]:
    r"""Who holds the lock file open as ``fd`` (from the note it wrote), and what to do about it.

    Examples
    --------
    >>> import tempfile
    >>> fd, _ = tempfile.mkstemp()
    >>> _ = os.write(fd, f"4242 {socket.gethostname()} python -m mnist_scratch.data\n".encode())
    >>> holder(fd)
    ('process 4242 (python -m mnist_scratch.data)',
     'let it finish, or end it (kill 4242) if it is stuck')
    >>> os.close(fd)
    """
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, _NOTE_BYTES).decode("utf-8", "replace")
    except OSError:
        text = ""
    # Whatever the file holds, the message stays one line.
    pid, host, command = (" ".join(text.split()).split(" ", 2) + ["", ""])[:3]
    command = command[:200]
    if not pid.isdigit():
        return "another process", "let it finish, or end it if it is stuck"
    if host != socket.gethostname():
        return (f"process {pid} on {host} ({command or 'unknown command'})",
                f"let it finish, or end it on {host} if it is stuck")
    with contextlib.suppress(OSError, IndexError):
        # Field 3 of /proc/PID/stat is the state; T/t: stopped (Ctrl-Z) or traced.
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat[stat.rindex(")") + 2] in "Tt":
            return (f"process {pid} ({command or 'unknown command'}), which is stopped "
                    "(suspended with Ctrl-Z?)",
                    f"resume it (fg in its shell) or end it (kill {pid})")
    return (f"process {pid} ({command or 'unknown command'})",
            f"let it finish, or end it (kill {pid}) if it is stuck")


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except (BlockingIOError, PermissionError):  # held by another process
        return False
    return True


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def locked(directory: Path, *, timeout: float | None = None,
           notice: Callable[[str], None] = _say) -> Iterator[None]:
    r"""Hold an exclusive lock on ``directory`` (via ``directory/.lock``) for the ``with`` body.

    While another process holds it (it is fetching the same files), say once through
    ``notice`` (default: a line on stderr) who that is and how long this one waits, then poll;
    after ``timeout`` seconds give up with a ``DataError`` that names the holder and what to
    do. The holder's process id, host and command are written into the lock file for that
    message, and erased on release.

    Parameters
    ----------
    directory
        The directory to lock (created if missing).
    timeout
        Seconds to wait; 0 gives up at once. Default: ``$MNIST_SCRATCH_LOCK_TIMEOUT``, else
        ``LOCK_TIMEOUT`` (600).
    notice
        Called with one line when the lock is busy.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with locked(d):
    ...     int((d / ".lock").read_text().split()[0]) == os.getpid()
    True
    >>> (d / ".lock").read_text()
    ''
    """
    if timeout is None:
        timeout = env_seconds("MNIST_SCRATCH_LOCK_TIMEOUT", LOCK_TIMEOUT, zero_ok=True)
    path = Path(directory) / ".lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DataError(f"cannot use cache directory {directory}: {exc.strerror or exc}") from None
    try:
        try:
            if not _try_lock(fd):
                notice(f"waiting up to {timeout:g} s for {path}, held by {holder(fd)[0]}")
                give_up = time.monotonic() + timeout
                pause = 0.05
                while not _try_lock(fd):
                    left = give_up - time.monotonic()
                    if left <= 0:
                        who, what_to_do = holder(fd)
                        raise DataError(f"{directory} is still locked after {timeout:g} s by "
                                        f"{who}; {what_to_do}, or set "
                                        "MNIST_SCRATCH_LOCK_TIMEOUT to wait longer")
                    time.sleep(min(pause, left))
                    pause = min(2 * pause, 0.5)  # quick for a short fetch, cheap for a long one
        except OSError as exc:  # e.g. a file system without locks
            raise DataError(f"cannot lock {path}: {exc.strerror or exc}") from None
        note = _note()
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, note)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # released: no stale name for the next waiter to report
    finally:
        os.close(fd)  # closing the descriptor releases the lock
