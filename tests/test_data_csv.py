"""CSV dumps (label, then 784 pixels; header optional) load and verify like the IDX files."""

from __future__ import annotations

import gzip
import re
import tracemalloc

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


# --- What users actually hand it (issue 10): each bad file is built here ---------------------

HEADER = "label," + ",".join(f"pixel{i}" for i in range(784))
ZERO_ROW = "5," + ",".join(["0"] * 784)


def with_train_idx(directory, mnist_files):
    """The train split as IDX files, so only the test split's CSV is on trial."""
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        (directory / name).write_bytes(mnist_files[name].read_bytes())


def load_error(directory) -> str:
    from mnist_scratch.data import DataError

    with pytest.raises(DataError) as info:
        load(data_dir=directory)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


def test_kaggle_train_csv_renamed_names_the_row_count(tmp_path, no_env):
    # Kaggle's digit-recognizer train.csv: a header, then 42,000 labelled rows.
    with gzip.open(tmp_path / "mnist_train.csv.gz", "wt", compresslevel=1) as f:
        f.write(HEADER + "\n")
        for _ in range(42):
            f.write((ZERO_ROW + "\n") * 1000)
    msg = load_error(tmp_path)
    assert "42,000 rows, but MNIST's training split has 60,000 images" in msg, msg
    assert "checksum" not in msg


def test_row_count_of_the_other_split_is_pointed_out(tmp_path, no_env):
    (tmp_path / "mnist_train.csv").write_text((ZERO_ROW + "\n") * 10_000)
    msg = load_error(tmp_path)
    assert msg.endswith("10,000 rows, but MNIST's training split has 60,000 images, one per "
                        "row; 10,000 is the test split's size (the wrong file?)"), msg


def test_short_test_csv_names_the_row_count(tmp_path, mnist, mnist_files, no_env):
    with_train_idx(tmp_path, mnist_files)
    (tmp_path / "mnist_test.csv").write_text(
        csv_text(mnist.test_images[:100], mnist.test_labels[:100], header=True))
    msg = load_error(tmp_path)
    assert "mnist_test.csv: 100 rows, but MNIST's test split has 10,000 images" in msg, msg


def test_test_split_in_the_train_csv_is_named(tmp_path, test_split_csv, no_env):
    # 10,000 rows where 60,000 belong, and they are MNIST's test split: the hashes say exactly
    # which file it is, which beats a row count.
    (tmp_path / "mnist_train.csv").write_text(test_split_csv)
    msg = load_error(tmp_path)
    assert "is MNIST's t10k-images-idx3-ubyte (train and test files swapped?)" in msg, msg


def test_utf8_bom_without_header_keeps_the_first_row(tmp_path, mnist, mnist_files, no_env):
    with_train_idx(tmp_path, mnist_files)
    text = csv_text(mnist.test_images, mnist.test_labels, header=False)
    (tmp_path / "mnist_test.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    ds = load(data_dir=tmp_path)  # verifies: all 10,000 rows, the first one included
    assert ds.test_labels[0] == mnist.test_labels[0] and len(ds.test_labels) == 10_000


def test_utf8_bom_with_header(tmp_path, mnist):
    p = tmp_path / "t.csv"
    p.write_bytes(b"\xef\xbb\xbf" + csv_text(mnist.test_images[:2], mnist.test_labels[:2],
                                             header=True).encode())
    images, labels = read_csv(p, max_rows=10)
    np.testing.assert_array_equal(labels, mnist.test_labels[:2])


@pytest.mark.parametrize("header", [True, False], ids=["header", "no-header"])
def test_pandas_index_column_is_blamed(tmp_path, no_env, header):
    # pandas' DataFrame.to_csv() writes the row index first unless index=False; the index
    # passes 255 at row 256, which must not be what the message is about.
    lines = [",label," + ",".join(f"pixel{i}" for i in range(784))] if header else []
    lines += [f"{i},{ZERO_ROW}" for i in range(300)]
    (tmp_path / "mnist_train.csv").write_text("\n".join(lines) + "\n")
    msg = load_error(tmp_path)
    assert "rows have 786 columns, expected 785" in msg, msg
    assert "the first column looks like a row index" in msg and "index=False" in msg, msg


def test_semicolon_separated_message_is_whole(tmp_path, no_env):
    row = ZERO_ROW.replace(",", ";")
    (tmp_path / "mnist_train.csv").write_text(HEADER.replace(",", ";") + f"\n{row}\n{row}\n")
    msg = load_error(tmp_path)
    assert msg.endswith("mnist_train.csv: line 2: values are separated by semicolons, "
                        "expected commas (785 values per row: a label, then 784 pixels)"), msg


def test_trailing_blank_lines_no_warning(tmp_path, mnist, mnist_files, no_env, recwarn):
    with_train_idx(tmp_path, mnist_files)
    text = csv_text(mnist.test_images, mnist.test_labels, header=True) + "\n\n \n\r\n"
    (tmp_path / "mnist_test.csv").write_text(text)
    ds = load(data_dir=tmp_path)
    assert len(ds.test_labels) == 10_000
    assert [str(w.message) for w in recwarn] == []


def test_crlf_and_quoted_values(tmp_path, mnist):
    images, labels = mnist.test_images[:3], mnist.test_labels[:3]
    lines = csv_text(images, labels, header=True).splitlines()
    quoted = [",".join(f'"{c}"' for c in line.split(",")) for line in lines]
    p = tmp_path / "t.csv"
    p.write_bytes(("\r\n".join(quoted) + "\r\n").encode())
    got_images, got_labels = read_csv(p, max_rows=10)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


@pytest.mark.parametrize(("cell", "column", "what"), [
    ("0.5", 3, "is not a pixel value (a whole number 0-255)"),
    ("-1", 3, "is not a pixel value"),
    ("", 3, "is not a pixel value"),
    ("300", 3, "is not a pixel value"),
    ("70000", 3, "is not a pixel value"),
    ("12", 1, "is not a label (a digit 0-9)"),
])
def test_bad_cell_named_by_line_and_column(tmp_path, cell, column, what):
    bad = ZERO_ROW.split(",")
    bad[column - 1] = cell
    p = tmp_path / "t.csv"
    p.write_text(f"{HEADER}\n{ZERO_ROW}\n{','.join(bad)}\n")
    from mnist_scratch.data import DataError

    with pytest.raises(DataError, match=rf"line 3, column {column}: {cell!r} {re.escape(what)}"):
        read_csv(p, max_rows=10)


def test_more_rows_than_any_split_stops_early(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text((ZERO_ROW + "\n") * 20)
    from mnist_scratch.data import DataError

    with pytest.raises(DataError, match="more than 5 rows, more than any split"):
        read_csv(p, max_rows=5)


def test_binary_file_named_csv(tmp_path, mnist_files, no_env):
    (tmp_path / "mnist_train.csv").write_bytes(
        mnist_files["train-labels-idx1-ubyte"].read_bytes()[:5000])
    assert "is binary data, not CSV text" in load_error(tmp_path)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gz"])
def test_one_huge_line_in_bounded_memory(tmp_path, no_env, compress):
    # The case: a 200 MB mnist_test.csv that is one line of "0,0,0,...". Plain: 20 MB
    # (the cost does not grow with the file); gz: the full 200 MB, as 200 kB on disk.
    path = tmp_path / ("mnist_train.csv" + (".gz" if compress else ""))
    block = b"0," * (1 << 19)  # 1 MB
    with (gzip.open(path, "wb", compresslevel=9) if compress else open(path, "wb")) as f:
        for _ in range(200 if compress else 20):
            f.write(block)
    tracemalloc.start()
    try:
        msg = load_error(tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "line 1 is longer than" in msg and "not one image per line" in msg, msg
    assert peak < 2_000_000, peak  # bytes: one capped line and the reader's buffers


def test_truncated_csv_gz(tmp_path, mnist, no_env):
    data = gzip.compress(csv_text(mnist.test_images[:50], mnist.test_labels[:50], True).encode())
    (tmp_path / "mnist_train.csv.gz").write_bytes(data[: len(data) // 2])
    assert "gzip data end early" in load_error(tmp_path)
