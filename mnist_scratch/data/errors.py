"""The one exception the data layer raises."""


class DataError(Exception):
    r"""Any failure to find, fetch, verify or parse a dataset.

    The message is a single line that names the file and says what is wrong with it, so a
    command-line tool can print it as ``error: <message>`` with no traceback.

    Examples
    --------
    >>> str(DataError("train-images-idx3-ubyte: wrong magic"))
    'train-images-idx3-ubyte: wrong magic'
    """


def open_binary(path, where: str):
    """Open ``path`` for reading bytes, or raise a `DataError` naming ``where``.

    Shared by the IDX and CSV readers, so a missing or unreadable file reads the same in both.
    """
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise DataError(f"{where}: file not found") from None
    except OSError as exc:
        raise DataError(f"{where}: cannot open ({exc.strerror or exc})") from None
