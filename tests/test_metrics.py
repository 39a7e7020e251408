"""Accuracy and the confusion matrix against hand counts."""

import numpy as np
import pytest

from mnist_scratch.metrics import accuracy, confusion_matrix


def test_accuracy():
    assert accuracy(np.array([1, 2, 3, 4, 5]), np.array([1, 2, 0, 4, 0])) == 0.6
    assert type(accuracy(np.array([1]), np.array([1]))) is float


def test_confusion_matrix_hand_counted():
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2], dtype=np.uint8)  # true classes
    pred = np.array([0, 0, 1, 1, 2, 2, 2, 0, 2])
    # rows = true class, columns = predicted class, counted by hand:
    # class 0: two right, one called 1; class 1: one right, one called 2;
    # class 2: three right, one called 0.
    expected = np.array([[2, 1, 0], [0, 1, 1], [1, 0, 3]])
    C = confusion_matrix(pred, labels, k=3)
    np.testing.assert_array_equal(C, expected)
    assert np.trace(C) / C.sum() == accuracy(pred, labels)
    assert confusion_matrix(pred, labels).shape == (10, 10)  # default k = 10


def test_errors():
    with pytest.raises(ValueError):
        accuracy(np.array([0, 1]), np.array([0]))  # shapes differ
    with pytest.raises(ValueError):
        accuracy(np.array([], dtype=int), np.array([], dtype=int))  # no examples
    with pytest.raises(ValueError):
        confusion_matrix(np.array([0, 3]), np.array([0, 1]), k=3)  # prediction out of range
    with pytest.raises(ValueError):
        confusion_matrix(np.array([0, 1]), np.array([0, -1]), k=3)  # label out of range
