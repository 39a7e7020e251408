"""The real MNIST's known facts (DESIGN.md, "Data"), and the layout the math relies on."""

from __future__ import annotations

import numpy as np

from mnist_scratch.data import design_matrix

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_shapes_dtypes_contiguity(mnist):
    for images, m in ((mnist.train_images, 60000), (mnist.test_images, 10000)):
        assert images.shape == (m, 784)
        assert images.dtype == np.uint8
        assert images.flags.c_contiguous
    assert mnist.train_labels.shape == (60000,) and mnist.train_labels.dtype == np.uint8
    assert mnist.test_labels.shape == (10000,) and mnist.test_labels.dtype == np.uint8


def test_label_counts(mnist):
    assert np.bincount(mnist.train_labels, minlength=10).tolist() == TRAIN_COUNTS
    assert np.bincount(mnist.test_labels, minlength=10).tolist() == TEST_COUNTS


def test_first_train_labels(mnist):
    assert mnist.train_labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]


def test_pixels_look_like_digits(mnist):
    # Background is black, strokes reach full white, and the border is mostly empty.
    assert mnist.train_images.min() == 0 and mnist.train_images.max() == 255
    first = mnist.train_images[0].reshape(28, 28)
    assert first[:4].sum() == 0 and first[10:18, 10:18].sum() > 0


def test_arrays_are_read_only_views(mnist):
    # Shared by every test of the session: nobody may change it in place.
    assert not mnist.train_images.flags.writeable
    assert mnist.train_images.base is not None  # a view of the file bytes, not a copy


def test_records(mnist):
    assert set(mnist.files) == {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}
    rec = mnist.files["train-labels-idx1-ubyte"]
    assert rec.sha256 == "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
    assert rec.path.is_file()


def test_design_matrix(mnist):
    X_rows = design_matrix(mnist.test_images[:100])  # (100, 784)
    assert X_rows.dtype == np.float32 and X_rows.flags.c_contiguous
    assert X_rows.min() == 0.0 and X_rows.max() == 1.0
    X = X_rows.T  # (784, 100): the math's layout, a view
    assert X.shape == (784, 100) and np.shares_memory(X, X_rows)
    np.testing.assert_array_equal(design_matrix(mnist.test_images[:5], np.float64),
                                  mnist.test_images[:5] / 255.0)
