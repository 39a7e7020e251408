"""CSV dumps (label, then 784 pixels; header optional) load and verify like the IDX files."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from mnist_scratch.data import load
from mnist_scratch.data.csv import read_csv


def csv_text(images: np.ndarray, labels: np.ndarray, header: bool) -> str:
    strings = [str(i) for i in range(256)]
    lines = [",".join(["label"] + [f"{r}x{c}" for r in range(1, 29) for c in range(1, 29)])
             ] if header else []
    table = np.column_stack([labels, images])  # (m, 785)
    lines += [",".join([strings[v] for v in row]) for row in table.tolist()]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def test_split_csv(mnist):
    return csv_text(mnist.test_images, mnist.test_labels, header=True)


def test_read_csv_with_and_without_header(tmp_path, mnist):
    images, labels = mnist.test_images[:3], mnist.test_labels[:3]
    for header in (True, False):
        p = tmp_path / f"h{header}.csv"
        p.write_text(csv_text(images, labels, header))
        got_images, got_labels = read_csv(p, max_rows=10)
        np.testing.assert_array_equal(got_images, images)
        np.testing.assert_array_equal(got_labels, labels)
        assert got_images.flags.c_contiguous and got_images.dtype == np.uint8


def test_csv_dumps_verify_against_the_idx_checksums(tmp_path, mnist, mnist_files,
                                                    test_split_csv, no_env):
    # Train split as IDX, test split as a gzip'd CSV with a header: both verify.
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        (tmp_path / name).write_bytes(mnist_files[name].read_bytes())
    (tmp_path / "mnist_test.csv.gz").write_bytes(
        gzip.compress(test_split_csv.encode(), compresslevel=1))
    ds = load(data_dir=tmp_path)
    np.testing.assert_array_equal(ds.test_images, mnist.test_images)
    np.testing.assert_array_equal(ds.test_labels, mnist.test_labels)
    rec = ds.files["t10k-images-idx3-ubyte"]
    assert rec.source == "data-dir" and rec.path.name == "mnist_test.csv.gz"
    assert rec.sha256 == mnist.files["t10k-images-idx3-ubyte"].sha256


def test_csv_with_a_changed_pixel_is_rejected(tmp_path, mnist_files, test_split_csv, no_env):
    from mnist_scratch.data import DataError

    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        (tmp_path / name).write_bytes(mnist_files[name].read_bytes())
    lines = test_split_csv.split("\n")
    lines[1] = lines[1][:-1] + "7"  # last pixel of the first image
    (tmp_path / "mnist_test.csv").write_text("\n".join(lines))
    with pytest.raises(DataError, match="mnist_test.csv: checksum mismatch"):
        load(data_dir=tmp_path)
