r"""Read IDX files (raw or gzip'd) with explicit checks, and without copying more than once.

An IDX file is a 4-byte magic number, one big-endian ``uint32`` per dimension, then the data:

| bytes | meaning |
|---|---|
| 0-1 | always zero |
| 2 | type code, ``0x08`` = unsigned byte (the only one MNIST uses) |
| 3 | number of dimensions (3 for images, 1 for labels) |
| 4 ... | each dimension, big-endian ``uint32``: ``(n, 28, 28)`` or ``(n,)`` |
| then | ``n * 28 * 28`` (or ``n``) unsigned bytes, row-major |

Every check is an ``if`` that raises ``DataError`` (never ``assert``, which ``python -O``
strips), and the header is checked against the file's size *before* the data are read, so a
corrupt header can never ask for a huge allocation.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .errors import DataError, open_binary

GZIP_MAGIC = b"\x1f\x8b"
UBYTE = 0x08
TYPE_NAMES = {0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16", 0x0C: "int32",
              0x0D: "float32", 0x0E: "float64"}
CHUNK = 1 << 20


def looks_like_html(head: bytes) -> bool:
    r"""True when ``head`` starts like an HTML (or XML) page: what a mirror sends instead of data.

    Examples
    --------
    >>> looks_like_html(b"  <!DOCTYPE html><html>")
    True
    >>> looks_like_html(b"\x00\x00\x08\x03")
    False
    """
    start = head.lstrip()[:15].lower()
    return start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body"))


def header_size(ndim: int) -> int:
    r"""Bytes before the data: the 4-byte magic plus 4 bytes per dimension.

    Examples
    --------
    >>> header_size(3)
    16
    """
    return 4 + 4 * ndim


def parse_header(head: bytes, total_size: int, *, ndim: int, where: str) -> tuple[int, ...]:
    r"""Check an IDX header and return its dimensions.

    Parameters
    ----------
    head
        At least the first ``4 + 4 * ndim`` bytes of the file.
    total_size
        Size of the whole (uncompressed) file, checked against the dimensions.
    ndim
        Expected number of dimensions: 3 for images, 1 for labels.
    where
        File name used in messages.

    Examples
    --------
    >>> parse_header(bytes([0, 0, 8, 1, 0, 0, 0, 3]), 11, ndim=1, where="labels")
    (3,)
    >>> parse_header(bytes([0, 0, 8, 1, 0, 0, 0, 3]), 9, ndim=1, where="f")
    Traceback (most recent call last):
    ...
    mnist_scratch.data.errors.DataError: f: header says 3 items (11 bytes) but the file has 9 bytes
    """
    if len(head) < 4:
        raise DataError(f"{where}: only {len(head)} bytes, too short for an IDX header")
    if looks_like_html(head):
        raise DataError(f"{where}: is an HTML page, not an IDX file (a saved error page?)")
    if head[0] != 0 or head[1] != 0:
        raise DataError(f"{where}: wrong magic 0x{head[:4].hex()}, not an IDX file "
                        "(an IDX file starts with two zero bytes)")
    if head[2] != UBYTE:
        kind = TYPE_NAMES.get(head[2], "unknown")
        raise DataError(f"{where}: IDX type code 0x{head[2]:02x} ({kind}), "
                        "expected 0x08 (unsigned byte)")
    if head[3] != ndim:
        raise DataError(f"{where}: IDX file has {head[3]} dimensions, expected {ndim}")
    hsize = header_size(ndim)
    if len(head) < hsize or total_size < hsize:
        raise DataError(f"{where}: file ends inside its IDX header ({total_size} bytes)")
    dims = tuple(int.from_bytes(head[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    # Python ints: the product cannot overflow, and nothing is allocated from it.
    n_bytes = 1
    for d in dims:
        n_bytes *= d
    if hsize + n_bytes != total_size:
        shape = "x".join(map(str, dims))
        raise DataError(f"{where}: header says {shape} items ({hsize + n_bytes} bytes) "
                        f"but the file has {total_size} bytes")
    return dims


def gunzip(chunks: Iterable[bytes], *, max_size: int, where: str) -> bytearray:
    r"""Decompress gzip data, refusing to produce more than ``max_size`` bytes.

    As ``gzip -d`` does, several gzip members one after another decompress to their
    contents joined, and zero bytes after the last member (padding) are ignored. The limit
    counts the output of all members, so a corrupt or hostile ``.gz`` cannot fill memory
    however it is built; a stream that stops before a member's end marker (a cut download) is
    an error, not short data, and so is anything else after the last member.

    Examples
    --------
    >>> import gzip
    >>> bytes(gunzip([gzip.compress(b"abc")], max_size=10, where="x"))
    b'abc'
    >>> bytes(gunzip([gzip.compress(b"ab") + gzip.compress(b"c")], max_size=10, where="x"))
    b'abc'
    >>> gunzip([gzip.compress(b"abc")[:12]], max_size=10, where="x.gz")
    Traceback (most recent call last):
    ...
    mnist_scratch.data.errors.DataError: x.gz: gzip data end early (truncated file or download)
    """
    out = bytearray()
    member = None  # the member being decompressed; None between members
    members = 0  # members completed
    padded = False  # zero bytes seen after a member: only more zeros may follow
    pending = b""  # the first byte of what may be the next member's magic number
    seen = False
    try:
        for chunk in chunks:
            if not chunk:
                continue
            if not seen:
                if looks_like_html(chunk[:64]):
                    raise DataError(f"{where}: is an HTML page, not gzip data "
                                    "(a saved error page?)")
                if chunk[:2] != GZIP_MAGIC[: len(chunk[:2])]:
                    raise DataError(f"{where}: not gzip data (starts with 0x{chunk[:4].hex()})")
                seen = True
            data, pending = pending + chunk, b""
            while data:
                if member is None:  # between members: another member, padding or junk
                    if padded or not data.lstrip(b"\0") or data[0] == 0:
                        if data.lstrip(b"\0"):
                            raise DataError(f"{where}: data after the end of the gzip stream "
                                            "(a damaged file?)")
                        padded = True
                        break
                    if len(data) < 2:
                        pending = data  # the magic number may be split across chunks
                        break
                    if data[:2] != GZIP_MAGIC:
                        raise DataError(f"{where}: data after the end of the gzip stream "
                                        "(a damaged file?)")
                    member = zlib.decompressobj(wbits=31)  # 31: a gzip header and trailer
                # max_length >= 1 (0 would mean "no limit"): one byte over is enough to refuse.
                out += member.decompress(data, max_size + 1 - len(out))
                if len(out) > max_size:
                    raise DataError(f"{where}: decompresses to more than {max_size} bytes, "
                                    "larger than any known file")
                if member.eof:
                    data, member = member.unused_data, None
                    members += 1
                else:
                    data = member.unconsumed_tail
    except zlib.error as exc:
        raise DataError(f"{where}: corrupt gzip data ({exc})") from None
    if not seen:
        raise DataError(f"{where}: is empty (0 bytes)")
    if member is not None or pending or not members:
        raise DataError(f"{where}: gzip data end early (truncated file or download)")
    return out


def iter_file(f, chunk: int = CHUNK) -> Iterator[bytes]:
    r"""Yield a binary file's remaining bytes in chunks.

    Examples
    --------
    >>> import io
    >>> list(iter_file(io.BytesIO(b"abcde"), chunk=2))
    [b'ab', b'cd', b'e']
    """
    while block := f.read(chunk):
        yield block


def read_idx_bytes(path: Path, *, ndim: int, max_size: int, where: str | None = None
                   ) -> bytearray:
    r"""Read a raw or gzip'd IDX file into one buffer of uncompressed bytes, header checked.

    Gzip is recognised by content, not by name. For a raw file the header is checked against
    the size on disk before the data are read, so a wrong header never causes a big
    allocation; a gzip stream is cut off at ``max_size`` bytes.

    Parameters
    ----------
    path
        The file.
    ndim
        Expected number of dimensions (3 for images, 1 for labels).
    max_size
        Largest acceptable uncompressed size in bytes.
    where
        Name used in messages (default: the path).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "labels"
    >>> _ = p.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    >>> len(read_idx_bytes(p, ndim=1, max_size=100))
    11
    """
    where = where or str(path)
    f = open_binary(path, where)
    with f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            raise DataError(f"{where}: is empty (0 bytes)")
        head = f.read(header_size(ndim))
        if head[:2] == GZIP_MAGIC:
            f.seek(0)
            buf = gunzip(iter_file(f), max_size=max_size, where=where)
            parse_header(bytes(buf[: header_size(ndim)]), len(buf), ndim=ndim, where=where)
            return buf
        expected = "gzip data" if str(path).endswith(".gz") else "an IDX file"
        if looks_like_html(head):
            raise DataError(f"{where}: is an HTML page, not {expected} (a saved error page?)")
        if expected == "gzip data":
            raise DataError(f"{where}: not gzip data (starts with 0x{head[:4].hex()})")
        parse_header(head, size, ndim=ndim, where=where)
        if size > max_size:
            raise DataError(f"{where}: {size} bytes, larger than any known file")
        buf = bytearray(size)
        f.seek(0)
        got = f.readinto(buf)
        if got != size:  # the file shrank while we read it
            raise DataError(f"{where}: read {got} of {size} bytes")
        return buf


def idx_array(buf: bytearray, *, ndim: int, where: str) -> np.ndarray:
    r"""The ``uint8`` array inside checked IDX bytes: a view of ``buf``, no copy.

    Examples
    --------
    >>> idx_array(bytearray([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 2, 5, 6]), ndim=2, where="x")
    array([[5, 6]], dtype=uint8)
    """
    dims = parse_header(bytes(buf[: header_size(ndim)]), len(buf), ndim=ndim, where=where)
    # np.frombuffer does not copy, and reshaping a contiguous view does not copy.
    return np.frombuffer(buf, dtype=np.uint8, offset=header_size(ndim)).reshape(dims)


def read_idx(path: Path, *, ndim: int, max_size: int,
             where: str | None = None) -> tuple[np.ndarray, str]:
    r"""Read a raw or gzip'd IDX file: its array (a view of the file bytes) and SHA-256.

    The bytes are read once into a buffer that becomes the array, so no copy is made beyond
    the file bytes; the SHA-256 is of the uncompressed bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "labels"
    >>> _ = p.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
    >>> arr, sha = read_idx(p, ndim=1, max_size=100)
    >>> arr.tolist(), arr.dtype.name, len(sha)
    ([7, 2, 1], 'uint8', 64)
    """
    where = where or str(path)
    buf = read_idx_bytes(path, ndim=ndim, max_size=max_size, where=where)
    return idx_array(buf, ndim=ndim, where=where), hashlib.sha256(buf).hexdigest()


def idx_bytes_header(shape: tuple[int, ...]) -> bytes:
    r"""The IDX header for an unsigned-byte array of ``shape``.

    Used to hash CSV data as if they were IDX files, so CSV dumps verify against the same
    SHA-256 table.

    Examples
    --------
    >>> idx_bytes_header((2, 28, 28)).hex()
    '00000803000000020000001c0000001c'
    """
    return bytes([0, 0, UBYTE, len(shape)]) + b"".join(d.to_bytes(4, "big") for d in shape)
