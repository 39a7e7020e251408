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
