r"""Source 1, the user's directory (``data_dir`` / ``MNIST_SCRATCH_DATA_DIR``): raw IDX, ``.gz``
or the CSV dumps.

It is authoritative: a bad or missing file there is an error, never a fall-back.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .csv import read_csv
from .errors import DataError
from .idx import idx_bytes_header
from .known import FILES, TITLES, identify
from .verification import MAX_ROWS, FileRecord, Part, read_part, verify

CSV_NAMES = {
    "mnist": {"train": "mnist_train.csv", "test": "mnist_test.csv"},
    "fashion": {"train": "fashion-mnist_train.csv", "test": "fashion-mnist_test.csv"},
}
SPLIT_NAMES = {"train": "training", "test": "test"}


def _csv_parts(dataset: str, split: str, path: Path) -> list[Part]:
    images, labels = read_csv(path, max_rows=MAX_ROWS)
    images3 = images.reshape(len(images), 28, 28)
    parts = []
    for name, spec in FILES.items():
        if spec.split != split:
            continue
        arr = images3 if spec.kind == "images" else labels
        digest = hashlib.sha256(idx_bytes_header(arr.shape))
        digest.update(arr)  # hash the data as if laid out in an IDX file
        parts.append(Part(name, arr, digest.hexdigest(), str(path)))
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


def locate(directory: Path, name: str) -> Path | None:
    """The first of ``name``'s `spellings` that is a file in ``directory``, if any."""
    return _first_existing(_candidates(directory, name))


def from_data_dir(dataset: str, directory: Path, *, origin: str = ""
                  ) -> tuple[dict[str, Part], dict[str, FileRecord]]:
    r"""Read and verify the four files (IDX, ``.gz`` or the CSV dumps) from ``directory``.

    Nothing falls back: a missing or bad file is a ``DataError`` naming it. ``origin`` says
    where the directory was named (e.g. `` (MNIST_SCRATCH_DATA_DIR)``) in its messages.
    """
    directory = Path(directory).expanduser().absolute()  # messages then name the full path
    if not directory.exists():
        raise DataError(f"data directory {directory}{origin} does not exist")
    if not directory.is_dir():
        raise DataError(f"data directory {directory}{origin} is not a directory")
    parts: dict[str, Part] = {}
    records: dict[str, FileRecord] = {}
    for split in ("train", "test"):
        names = [n for n, s in FILES.items() if s.split == split]
        found = {n: locate(directory, n) for n in names}
        csv_name = CSV_NAMES[dataset][split]
        csv_path = _first_existing([directory / csv_name, directory / (csv_name + ".gz")])
        if all(found.values()):
            split_parts = [read_part(n, found[n])[0] for n in names]
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
