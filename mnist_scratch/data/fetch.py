r"""One load from the cache and the remote sources: what is still missing, what was tried.

`Fetch.accept` is the one way a fetched file enters the cache: verified first, then written
atomically. `CacheUnwritable` stops the whole load, since no other source can help.
"""

from __future__ import annotations

from pathlib import Path

from . import cache
from .errors import DataError
from .known import FILES
from .settings import SourceConfig
from .verification import FileRecord, Part, part_from_bytes, read_part, verify


class CacheUnwritable(DataError):
    """The cache cannot be written: no other source can help, so stop at once."""


class Fetch:
    """State of one load: which files are still missing and what has been tried."""

    def __init__(self, dataset: str, config: SourceConfig, progress: bool | None) -> None:
        self.dataset = dataset
        self.config = config
        self.progress = progress
        self.dir = Path(config.cache_dir).expanduser() / dataset
        self.parts: dict[str, Part] = {}
        self.records: dict[str, FileRecord] = {}
        self.tried: list[str] = []

    @property
    def missing(self) -> list[str]:
        """The files no source has given yet, in the table's order."""
        return [n for n in FILES if n not in self.parts]

    def accept(self, name: str, buf: bytearray, where: str, source: str) -> None:
        """Verify fetched bytes; if they are right, write them to the cache and keep them."""
        part = part_from_bytes(name, buf, where)
        verify(self.dataset, [part])
        path = self.dir / name
        try:
            cache.write_atomic(path, buf)
        except OSError as exc:
            raise CacheUnwritable(f"cannot write the cache file {path}: "
                                  f"{exc.strerror or exc}") from None
        self.parts[name] = part
        self.records[name] = FileRecord(name, part.sha256, source, path)

    def from_cache(self, drop_bad: bool) -> None:
        """Source 2: keep every missing file the cache holds and that verifies."""
        for name in self.missing:
            path = self.dir / name
            if not path.is_file():
                continue
            try:
                part, _ = read_part(name, path)
                verify(self.dataset, [part])
            except DataError as exc:
                self.tried.append(f"cache: {exc}")
                if drop_bad:  # only under the lock: never delete what another process wrote
                    path.unlink(missing_ok=True)
                continue
            self.parts[name] = part
            self.records[name] = FileRecord(name, part.sha256, "cache", path)
