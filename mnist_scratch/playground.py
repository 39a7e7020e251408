r"""The playground's sample of real MNIST test digits, written for the browser.

The playground page (``docs/playground.md``) has a "random test digit" button. It draws from a
few hundred real test images shipped with the site in one small JSON file,
``docs/assets/playground/digits.json``:

```json
{"format": "mnist_scratch-digits", "version": 1, "dataset": "mnist", "split": "test",
 "count": 300, "rows": 28, "cols": 28,
 "indices": [...], "labels": [...], "images": "<base64>"}
```

``images`` is the base64 of the ``count * 784`` raw uint8 pixels, image after image, each row
by row, exactly as in the test set's IDX file; ``indices[i]`` is image ``i``'s row in the test set
and ``labels[i]`` its true label. The choice is fixed by rule, not by a random generator, so the
file is the same byte for byte on every machine: for each digit 0-9, `PER_CLASS` images evenly
spaced through that digit's test images (both halves of the test set, none hand-picked).

    python -m mnist_scratch.playground [--out FILE] [--data-dir DIR]

``python -m mnist_scratch.train`` calls `write_sample` too, so the main job regenerates it.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":  # `python -m`: run inside the interrupt guard, before NumPy loads
    from mnist_scratch.cli import entry

    sys.exit(entry("mnist_scratch.playground"))

import argparse  # noqa: E402 - after the guard above, on purpose
import base64  # noqa: E402
import json  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from mnist_scratch.cli import fail, one_line_errors  # noqa: E402
from mnist_scratch.data import DataError, load  # noqa: E402
from mnist_scratch.files import checkout_root, write_atomic  # noqa: E402

FORMAT = "mnist_scratch-digits"
VERSION = 1
PER_CLASS = 30  # 300 digits: ~310 kB of JSON, ~230 kB of it pixels
SITE_PATH = "assets/playground/digits.json"  # under docs/


def choose(labels: np.ndarray, per_class: int = PER_CLASS) -> np.ndarray:
    r"""Test-set rows of the sample: ``per_class`` evenly spaced images of each digit, sorted.

    Parameters
    ----------
    labels : np.ndarray
        The test labels, shape ``(m,)``.
    per_class : int
        Images of each digit; at most the number of test images of the rarest digit.

    Returns
    -------
    np.ndarray
        Sorted row indices into the test set, shape ``(classes * per_class,)``.

    Examples
    --------
    >>> choose(np.array([0, 1, 0, 1, 0, 1]), per_class=2).tolist()
    [0, 1, 4, 5]
    """
    picked = []
    for digit in np.unique(labels):
        rows = np.flatnonzero(labels == digit)
        if per_class > len(rows):
            raise ValueError(f"only {len(rows)} test images of digit {digit}, not {per_class}")
        # Evenly spaced positions, first and last included: a rule, not a generator.
        picked.append(rows[np.linspace(0, len(rows) - 1, per_class).round().astype(np.int64)])
    return np.sort(np.concatenate(picked))


def sample_document(
    images: np.ndarray, labels: np.ndarray, per_class: int = PER_CLASS, dataset: str = "mnist"
) -> dict:
    r"""The JSON document of the sample drawn from test ``images`` (m, 784) uint8 and ``labels``.

    Examples
    --------
    >>> images = np.arange(4 * 784, dtype=np.uint64).reshape(4, 784).astype(np.uint8)
    >>> doc = sample_document(images, np.array([0, 1, 0, 1]), per_class=1)
    >>> doc["indices"], doc["labels"], doc["count"]
    ([0, 1], [0, 1], 2)
    >>> decode_images(doc)[1, :3].tolist()
    [16, 17, 18]
    """
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 2 or images.shape[1] != 28 * 28:
        raise ValueError(f"images must be (m, 784) uint8, got {images.shape} {images.dtype}")
    rows = choose(np.asarray(labels), per_class)
    pixels = np.ascontiguousarray(images[rows])  # (count, 784) uint8
    return {
        "format": FORMAT,
        "version": VERSION,
        "dataset": dataset,
        "split": "test",
        "count": len(rows),
        "rows": 28,
        "cols": 28,
        "encoding": "base64 of count*784 uint8 pixels, image after image, row by row",
        "indices": rows.tolist(),
        "labels": np.asarray(labels)[rows].astype(int).tolist(),
        "images": base64.b64encode(pixels.tobytes()).decode("ascii"),
    }


def decode_images(doc: dict) -> np.ndarray:
    r"""The sample's pixels as ``(count, 784)`` uint8, checked against the document's header."""
    raw = np.frombuffer(base64.b64decode(doc["images"], validate=True), dtype=np.uint8)
    shape = (doc["count"], doc["rows"] * doc["cols"])
    if raw.size != shape[0] * shape[1]:
        raise ValueError(f"images hold {raw.size} bytes, the header says {shape}")
    return raw.reshape(shape)


def default_path() -> Path | None:
    """``docs/assets/playground/digits.json`` of the checkout this package runs from, if any."""
    root = checkout_root()
    return None if root is None else root / "docs" / SITE_PATH


def write_sample(
    path: Path | None = None, *, images: np.ndarray | None = None,
    labels: np.ndarray | None = None, data_dir: str | Path | None = None,
) -> Path:
    r"""Write the sample to ``path`` (default: the checkout's docs asset) atomically.

    ``images`` and ``labels`` are the test set; when omitted they are loaded with
    `mnist_scratch.data.load` (the training job passes the arrays it already holds).

    Raises
    ------
    mnist_scratch.data.DataError
        If the test set cannot be loaded.
    OSError
        If ``path`` cannot be written (or no checkout is found and no ``path`` given).
    """
    if path is None:
        path = default_path()
        if path is None:
            raise OSError("no checkout found to write docs/assets/playground into; pass a path")
    if images is None or labels is None:
        ds = load(data_dir=data_dir)
        images, labels = ds.test_images, ds.test_labels
    text = json.dumps(sample_document(images, labels), separators=(",", ":")) + "\n"
    return write_atomic(Path(path), text)  # the old file or the new one, never half of one


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m mnist_scratch.playground``; returns the exit status."""
    parser = one_line_errors(argparse.ArgumentParser(
        prog="python -m mnist_scratch.playground",
        description="Write the playground's sample of real MNIST test digits "
        f"({PER_CLASS} per digit) as JSON for the site.",
    ))
    parser.add_argument("--out", type=Path, default=None,
                        help=f"file to write (default: the checkout's docs/{SITE_PATH})")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder holding the IDX files (or .gz)")
    args = parser.parse_args(argv)
    if args.out is not None and args.out.is_dir():  # refused before the data is even loaded
        return fail(f"--out {args.out} is a folder; name the file to write, e.g. "
                    f"{args.out / 'digits.json'}")
    try:
        path = write_sample(args.out, data_dir=args.data_dir)
    except (DataError, ValueError) as exc:
        return fail(str(exc))
    except OSError as exc:  # say which file could not be written, not just errno's words
        return fail(f"cannot write {args.out or 'the sample'}: {exc.strerror or exc}")
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0
