r"""Read the MNIST CSV dumps many tutorials use: one row per image, the label first, then 784
pixel values 0-255, with or without a header row.

The file is read a line at a time with a cap on the line length, and its shape is checked as
it is read (785 values per row, at most ``max_rows`` rows), so a file of any shape is refused
in bounded memory: a 200 MB file that is one line costs one capped line, not 200 MB of cells.
Rows are parsed in blocks by NumPy's C reader (``np.loadtxt``), so there is no Python loop over
values; every failure becomes a one-line ``DataError`` that names the file, the line and what
is wrong there.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from pathlib import Path

import numpy as np

from .errors import DataError, open_binary
from .idx import GZIP_MAGIC, looks_like_html

COLUMNS = 1 + 28 * 28
LONGEST_ROW = len("9" + ",255" * (COLUMNS - 1))  # characters in the longest row of MNIST
# The cap leaves room for spaces, quotes and CRLF, and bounds what one line can cost.
MAX_LINE = 4 * LONGEST_ROW
BLOCK = 2048  # rows handed to NumPy at a time: a few MB of cells
SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars", " ": "spaces"}


def _cells(line: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in line.split(",")]


def _is_number(cell: str) -> bool:
    return cell.isascii() and cell.isdigit()


def _columns_error(where: str, lineno: int, line: str, header: list[str] | None,
                   first: bool) -> DataError:
    n = line.count(",") + 1
    columns = "column" if n == 1 else "columns"
    if n == 1:
        for sep, name in SEPARATORS.items():
            if sep in line:
                return DataError(f"{where}: line {lineno}: values are separated by {name}, "
                                 f"expected commas ({COLUMNS} values per row: a label, then "
                                 "784 pixels)")
    if not first:
        return DataError(f"{where}: line {lineno} has {n} {columns}, expected {COLUMNS} like "
                         "the rows before it")
    hint = ""
    if n == COLUMNS + 1:
        cells = _cells(line)
        index_header = header is not None and header[0] in ("", "Unnamed: 0", "index")
        if index_header or (cells[0] == "0" and header is None):
            hint = ("; the first column looks like a row index (pandas writes one unless "
                    "to_csv(..., index=False))")
        else:
            hint = "; one column too many"
    return DataError(f"{where}: rows have {n} {columns}, expected {COLUMNS} "
                     f"(a label, then 28x28 = 784 pixels){hint}")


def _bad_value(where: str, lines: list[tuple[int, str]]) -> DataError:
    # Only on the error path: find the first cell NumPy refused, and say why in our words.
    for lineno, line in lines:
        for col, cell in enumerate(_cells(line), start=1):
            top, what = (9, "a label (a digit 0-9)") if col == 1 else (
                255, "a pixel value (a whole number 0-255)")
            if not _is_number(cell) or int(cell) > top:
                return DataError(f"{where}: line {lineno}, column {col}: {cell[:20]!r} is not "
                                 f"{what}")
    return DataError(f"{where}: a value NumPy cannot read as a number")


def _parse(where: str, lines: list[tuple[int, str]]) -> np.ndarray:
    # (len(lines), 785) uint8. int16 holds every value a cell may wrongly carry up to 32767,
    # so the range check below sees them; anything else makes loadtxt raise.
    try:
        block = np.loadtxt([line for _, line in lines], delimiter=",", quotechar='"',
                           dtype=np.int16, ndmin=2)
    except (ValueError, OverflowError):
        raise _bad_value(where, lines) from None
    if block.min() < 0 or block[:, 1:].max() > 255 or block[:, 0].max() > 9:
        raise _bad_value(where, lines)
    return block.astype(np.uint8)


def _text(raw, where: str):
    # The file's lines as text: gzip is recognised by content, a UTF-8 byte order mark is
    # dropped (Excel writes one), and CR, LF or CRLF all end a line.
    head = raw.read(64)
    raw.seek(0)
    if not head:
        raise DataError(f"{where}: is empty (0 bytes)")
    if looks_like_html(head):
        raise DataError(f"{where}: is an HTML page, not CSV data (a saved error page?)")
    binary = gzip.GzipFile(fileobj=raw) if head[:2] == GZIP_MAGIC else raw
    if b"\0" in binary.peek(64)[:64]:
        raise DataError(f"{where}: is binary data, not CSV text (an IDX file, or UTF-16 text?)")
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline=None)


def read_csv(path: Path, *, max_rows: int, where: str | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    r"""Read a CSV dump (plain or gzip'd) into ``(images, labels)``.

    Blank lines are skipped; a first line whose first cell is not a number is a header.
    Memory is bounded whatever the file holds: a line longer than ``MAX_LINE`` characters,
    a row of other than 785 values, or more than ``max_rows`` rows is refused as soon as it
    is read.

    Parameters
    ----------
    path
        The CSV file.
    max_rows
        More data rows than this is an error.
    where
        Name used in messages (default: the path).

    Returns
    -------
    images, labels
        ``(n, 784)`` uint8 C-contiguous and ``(n,)`` uint8.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "mnist_test.csv"
    >>> row = "7," + ",".join(["0"] * 783 + ["255"])
    >>> _ = p.write_text("label," + ",".join(f"p{i}" for i in range(784)) + "\n" + row + "\n")
    >>> images, labels = read_csv(p, max_rows=10)
    >>> images.shape, images[0, -1], labels.tolist()
    ((1, 784), np.uint8(255), [7])
    >>> _ = p.write_text(row.replace(",", ";"))
    >>> read_csv(p, max_rows=10)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mnist_scratch.data.errors.DataError: ... values are separated by semicolons, expected commas ...
    """
    where = where or str(path)
    blocks: list[np.ndarray] = []
    pending: list[tuple[int, str]] = []  # (line number, line) not yet parsed
    header: list[str] | None = None
    rows = 0
    lineno = 0
    raw = open_binary(path, where)
    try:
        with raw, _text(raw, where) as text:
            while line := text.readline(MAX_LINE + 1):
                lineno += 1
                if len(line) > MAX_LINE:
                    raise DataError(
                        f"{where}: line {lineno} is longer than {MAX_LINE:,} characters (a row "
                        f"of MNIST is {COLUMNS} values 0-255 separated by commas, at most "
                        f"{LONGEST_ROW:,} characters): not one image per line")
                line = line.strip()
                if not line:
                    continue  # blank lines, trailing ones included
                if rows == 0 and header is None:
                    # A header's first cell is a name ("label"), or empty over an index
                    # column; a row's is its label, whatever separates the values.
                    first_cell = re.split(r"[,;\t| ]", line, maxsplit=1)[0].strip('"')
                    if not _is_number(first_cell):
                        header = _cells(line)
                        continue
                if line.count(",") + 1 != COLUMNS:
                    raise _columns_error(where, lineno, line, header, first=rows == 0)
                rows += 1
                if rows > max_rows:
                    raise DataError(f"{where}: more than {max_rows:,} rows, more than any "
                                    "split of MNIST or Fashion-MNIST has")
                pending.append((lineno, line))
                if len(pending) == BLOCK:
                    blocks.append(_parse(where, pending))
                    pending = []
    except (OSError, EOFError, zlib.error) as exc:  # gzip trouble
        if isinstance(exc, EOFError):
            raise DataError(f"{where}: gzip data end early (truncated file or download)"
                            ) from None
        raise DataError(f"{where}: cannot read ({exc})") from None
    if pending:
        blocks.append(_parse(where, pending))
    if not blocks:
        raise DataError(f"{where}: no data rows")
    labels = np.concatenate([b[:, 0] for b in blocks])  # (n,)
    images = np.concatenate([b[:, 1:] for b in blocks])  # (n, 784), C-contiguous
    return images, labels
