r"""Files the package writes: where the checkout is, and how a file appears whole or not at all.

One owner for two facts every writer needs. `write_atomic` is the only way a single file is
written (the data cache, ``metrics.json``, the benchmark's results, the playground's digits):
readers see the old file or the new one, never half of one, and a failure leaves nothing
behind. `checkout_root` is the only place that decides whether the package runs from a
checkout of the project (so its commands may default to writing into ``docs/``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; directories cannot be opened this way on Windows.
    if os.name == "posix":
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, data: bytes | bytearray | memoryview | str, mode: int = 0o644) -> Path:
    r"""Write ``data`` (bytes-like, or text written as UTF-8) to ``path`` atomically.

    The bytes go to a uniquely named hidden ``.<name>.<random>.part`` in the same directory,
    are flushed and fsynced, then renamed over ``path``. On any failure, Ctrl-C included, the
    ``.part`` file is removed and ``path`` is untouched. Missing parent folders are created.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    IsADirectoryError
        If ``path`` is an existing directory (checked first, so no ``.part`` file is made).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "f"
    >>> _ = write_atomic(p, b"abc")
    >>> p.read_bytes(), sorted(x.name for x in p.parent.iterdir())
    (b'abc', ['f'])
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory", str(path))
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            if hasattr(os, "fchmod"):  # mkstemp makes 0600; these files are for everyone
                os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return path


def checkout_root() -> Path | None:
    r"""The project checkout this package runs from, or None when it is installed elsewhere.

    A checkout is the package's parent folder holding ``mkdocs.yml`` and ``docs/``.
    """
    root = Path(__file__).resolve().parent.parent
    if (root / "mkdocs.yml").is_file() and (root / "docs").is_dir():
        return root
    return None
