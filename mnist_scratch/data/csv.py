r"""Read the MNIST CSV dumps many tutorials use: one row per image, the label first, then 784
pixel values 0-255, with or without a header row.

Parsing is NumPy's C reader (``np.loadtxt``), so there is no Python loop over rows; every
failure becomes a one-line ``DataError`` naming the file.
"""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import numpy as np

from .errors import DataError, open_binary
from .idx import GZIP_MAGIC, looks_like_html

COLUMNS = 1 + 28 * 28


def _is_header(first_line: str) -> bool:
    # A data row starts with a digit; a header ("label,pixel0,...", "label,1x1,...") does not.
    first_cell = first_line.split(",", 1)[0].strip().strip('"')
    return not first_cell.isdigit()


def read_csv(path: Path, *, max_rows: int, where: str | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    r"""Read a CSV dump (plain or gzip'd) into ``(images, labels)``.

    Parameters
    ----------
    path
        The CSV file.
    max_rows
        More data rows than this is an error (bounds memory for a wrong file).
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
    """
    where = where or str(path)
    raw = open_binary(path, where)
    with raw:
        head = raw.read(64)
        raw.seek(0)
        if not head:
            raise DataError(f"{where}: is empty (0 bytes)")
        if looks_like_html(head):
            raise DataError(f"{where}: is an HTML page, not CSV data (a saved error page?)")
        gz = head[:2] == GZIP_MAGIC
        try:
            first = (gzip.GzipFile(fileobj=raw) if gz else raw).readline(64 * COLUMNS)
            raw.seek(0)
            skip = 1 if _is_header(first.decode("ascii", "replace")) else 0
            binary = gzip.GzipFile(fileobj=raw) if gz else raw
            text = io.TextIOWrapper(binary, encoding="ascii", errors="replace", newline=None)
            table = np.loadtxt(text, delimiter=",", dtype=np.uint8, skiprows=skip,
                               max_rows=max_rows + 1, ndmin=2)
        except ValueError as exc:
            # numpy says e.g. "could not convert string 'x' to uint8 at row 3, column 5." or
            # "the number of columns changed from 785 to 784 at row 7; use `usecols` ...".
            msg = re.split(r";|\n", str(exc))[0].rstrip(".")
            raise DataError(f"{where}: bad CSV ({msg}); expected a label then 784 pixel "
                            "values 0-255 per row") from None
        except (OSError, EOFError) as exc:  # gzip trouble
            raise DataError(f"{where}: cannot read ({exc})") from None
    if table.shape[0] == 0:
        raise DataError(f"{where}: no data rows")
    if table.shape[1] != COLUMNS:
        raise DataError(f"{where}: rows have {table.shape[1]} columns, expected {COLUMNS} "
                        "(a label, then 28x28 = 784 pixels)")
    if table.shape[0] > max_rows:
        raise DataError(f"{where}: more than {max_rows} rows")
    labels = table[:, 0].copy()  # (n,)
    images = np.ascontiguousarray(table[:, 1:])  # (n, 784)
    return images, labels
