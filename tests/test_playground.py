"""The playground's shipped digits: well-formed, real, and what `write_sample` writes today.

``docs/assets/playground/digits.json`` is checked against the real MNIST test set (the session's
``mnist`` fixture, loaded and verified by the data layer): every image byte for byte, every label.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mnist_scratch import playground
from mnist_scratch.data.known import CLASSES

ASSET = Path(__file__).resolve().parents[1] / "docs" / playground.SITE_PATH


@pytest.fixture(scope="module")
def shipped() -> dict:
    assert ASSET.is_file(), f"{ASSET} is missing: run `python -m mnist_scratch.playground`"
    return json.loads(ASSET.read_text(encoding="ascii"))


def test_the_asset_is_well_formed(shipped: dict) -> None:
    assert shipped["format"] == playground.FORMAT and shipped["version"] == playground.VERSION
    assert (shipped["rows"], shipped["cols"], shipped["split"]) == (28, 28, "test")
    count = shipped["count"]
    assert count == playground.PER_CLASS * CLASSES
    assert len(shipped["indices"]) == len(shipped["labels"]) == count
    raw = base64.b64decode(shipped["images"], validate=True)
    assert len(raw) == count * 784
    assert playground.decode_images(shipped).shape == (count, 784)
    indices = np.array(shipped["indices"])
    assert (np.diff(indices) > 0).all() and 0 <= indices[0] and indices[-1] < 10_000
    assert np.bincount(shipped["labels"], minlength=10).tolist() == [playground.PER_CLASS] * 10
    # Compact enough to ship with every page view of the playground.
    assert ASSET.stat().st_size < 400_000


def test_the_asset_holds_real_test_images_and_their_labels(shipped: dict, mnist) -> None:
    indices = np.array(shipped["indices"])
    assert np.array_equal(playground.decode_images(shipped), mnist.test_images[indices])
    assert np.array_equal(np.array(shipped["labels"]), mnist.test_labels[indices])


def test_the_asset_is_what_write_sample_writes_now(tmp_path: Path, mnist) -> None:
    """Deterministic: the committed file is byte for byte what the code produces."""
    out = playground.write_sample(
        tmp_path / "digits.json", images=mnist.test_images, labels=mnist.test_labels
    )
    assert out.read_bytes() == ASSET.read_bytes(), "stale: run `python -m mnist_scratch.playground`"
    assert not list(tmp_path.glob("*.part")), "the temporary file was left behind"


def test_choose_spreads_each_digit_over_the_whole_test_set(mnist) -> None:
    rows = playground.choose(mnist.test_labels)
    for digit in range(10):
        mine = rows[mnist.test_labels[rows] == digit]
        all_rows = np.flatnonzero(mnist.test_labels == digit)
        assert mine[0] == all_rows[0] and mine[-1] == all_rows[-1]  # both ends, both halves
    with pytest.raises(ValueError, match="only 2 test images of digit 1"):
        playground.choose(np.array([0, 0, 0, 1, 1]), per_class=3)


def test_bad_images_are_refused() -> None:
    with pytest.raises(ValueError, match=r"\(m, 784\) uint8"):
        playground.sample_document(np.zeros((2, 784), np.float32), np.array([0, 1]), per_class=1)
    doc = playground.sample_document(np.zeros((2, 784), np.uint8), np.array([0, 1]), per_class=1)
    doc["count"] = 3
    with pytest.raises(ValueError, match="header says"):
        playground.decode_images(doc)


def test_cli_writes_the_file_and_reports_errors_in_one_line(tmp_path: Path, mnist) -> None:
    out = tmp_path / "sub" / "digits.json"
    done = subprocess.run(
        [sys.executable, "-m", "mnist_scratch.playground", "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == ASSET.read_bytes()
    assert str(out) in done.stdout

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = subprocess.run(
        [sys.executable, "-m", "mnist_scratch.playground", "--out", str(blocker / "digits.json")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("flags", [[], ["-O"]], ids=["python", "python -O"])
def test_out_naming_a_folder_is_one_line_and_leaves_nothing(tmp_path: Path, flags) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, *flags, "-m", "mnist_scratch.playground", "--out", str(folder)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: --out {folder} is a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no site.part, nothing
    assert list(folder.iterdir()) == []
