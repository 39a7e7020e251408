r"""What the eight known files are: names, sizes and SHA-256 of the uncompressed IDX bytes.

Verification hashes the *uncompressed* bytes, because re-packing a ``.gz`` changes its hash but
not its content. Keeping all eight hashes in one table lets an error say what a wrong file
actually is ("this is Fashion-MNIST's train-images, expected MNIST's") instead of only that it
does not match.
"""

from __future__ import annotations

from typing import NamedTuple

from .errors import DataError

DATASETS = ("mnist", "fashion")
CLASSES = 10  # labels 0-9 in both: ten digits, or ten kinds of garment

# Human names used in messages.
TITLES = {"mnist": "MNIST", "fashion": "Fashion-MNIST"}


class FileSpec(NamedTuple):
    r"""One of the four files of a dataset: its split, its kind and its exact size in bytes."""

    name: str
    split: str  # "train" or "test"
    kind: str  # "images" or "labels"
    size: int
    count: int  # number of examples it holds


# Both datasets use the same four names and the same sizes.
FILES: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec("train-images-idx3-ubyte", "train", "images", 47040016, 60000),
        FileSpec("train-labels-idx1-ubyte", "train", "labels", 60008, 60000),
        FileSpec("t10k-images-idx3-ubyte", "test", "images", 7840016, 10000),
        FileSpec("t10k-labels-idx1-ubyte", "test", "labels", 10008, 10000),
    )
}

# In the order of FILES: train images, train labels, test images, test labels.
SHA256: dict[str, dict[str, str]] = {
    "mnist": dict(zip(FILES, (
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ), strict=True)),
    "fashion": dict(zip(FILES, (
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ), strict=True)),
}

# Reverse table: hash -> (dataset, file name).
_BY_HASH = {sha: (ds, name) for ds, table in SHA256.items() for name, sha in table.items()}


def check_dataset(dataset: str) -> str:
    r"""Return ``dataset`` if it is a known dataset name, else raise ``DataError``.

    Examples
    --------
    >>> check_dataset("fashion")
    'fashion'
    """
    if dataset not in DATASETS:
        raise DataError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")
    return dataset


def identify(sha256: str) -> tuple[str, str] | None:
    r"""Which known file has this SHA-256: ``(dataset, name)``, or ``None``.

    Examples
    --------
    >>> identify(SHA256["fashion"]["t10k-labels-idx1-ubyte"])
    ('fashion', 't10k-labels-idx1-ubyte')
    >>> identify("0" * 64) is None
    True
    """
    return _BY_HASH.get(sha256)


def describe_mismatch(sha256: str, dataset: str, name: str) -> str:
    r"""Say what a file with hash ``sha256`` is, given that ``dataset``'s ``name`` was expected.

    Examples
    --------
    >>> describe_mismatch(SHA256["fashion"]["train-images-idx3-ubyte"], "mnist",
    ...                   "train-images-idx3-ubyte")
    "is Fashion-MNIST's train-images-idx3-ubyte, expected MNIST's train-images-idx3-ubyte"
    """
    found = identify(sha256)
    want = f"{TITLES[dataset]}'s {name}"
    if found is None:
        return f"checksum mismatch: sha256 {sha256[:16]}... is no known file, expected {want}"
    other_ds, other_name = found
    hint = ""
    if other_ds == dataset and FILES[other_name].kind == FILES[name].kind:
        hint = " (train and test files swapped?)"
    return f"is {TITLES[other_ds]}'s {other_name}{hint}, expected {want}"
