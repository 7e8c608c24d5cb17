"""Tests of head / medium / tail accuracy in unskew.metrics."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unskew.exceptions import DataError
from unskew.metrics import LongTailAccuracy, head_medium_tail_accuracy


def test_head_medium_tail_accuracy_default_cut_offs():
    """Check the literature cut-offs: head > 100, tail < 20, medium 20..100 inclusive."""
    counts = {"h": 101, "m_hi": 100, "m_lo": 20, "t": 19}
    y_true = ["h", "m_hi", "m_lo", "t"]
    r = head_medium_tail_accuracy(y_true, y_true, train_counts=counts)
    assert r.head_classes == ("h",)
    assert r.medium_classes == ("m_hi", "m_lo")
    assert r.tail_classes == ("t",)
    assert (r.head_min, r.tail_max) == (100, 20)


def test_head_medium_tail_accuracy_hand_computed():
    """Check that each bucket is the unweighted mean of its classes' recalls.

    head: a (recall 2/2) and b (recall 1/4) -> 0.625; medium: c (0/1); tail: d (1/2).
    """
    y_true = ["a", "a", "b", "b", "b", "b", "c", "d", "d"]
    y_pred = ["a", "a", "b", "a", "a", "a", "a", "d", "a"]
    counts = {"a": 5000, "b": 300, "c": 50, "d": 3}
    r = head_medium_tail_accuracy(y_true, y_pred, train_counts=counts)
    assert (r.head, r.medium, r.tail) == (pytest.approx(0.625), 0.0, 0.5)
    assert r.recall == {"a": 1.0, "b": 0.25, "c": 0.0, "d": 0.5}
    assert r.head_classes == ("a", "b")  # most frequent in training first


def test_head_medium_tail_accuracy_empty_bucket_is_none():
    """Check that a bucket without classes is None with an empty tuple, never NaN."""
    r = head_medium_tail_accuracy([0, 1], [0, 1], train_counts={0: 500, 1: 200})
    assert r.medium is None
    assert r.tail is None
    assert r.medium_classes == ()
    assert r.tail_classes == ()
    assert r.head == 1.0


def test_head_medium_tail_accuracy_custom_cut_offs_are_reported():
    """Check that configurable cut-offs are applied and returned for reports."""
    r = head_medium_tail_accuracy(
        [0, 1, 2], [0, 1, 2], train_counts={0: 60, 1: 30, 2: 5}, head_min=50, tail_max=10
    )
    assert (r.head_classes, r.medium_classes, r.tail_classes) == ((0,), (1,), (2,))
    assert (r.head_min, r.tail_max) == (50, 10)


@pytest.mark.parametrize(
    "make_counts",
    [
        lambda y: y,
        lambda y: list(y),
        lambda y: pd.Series(y),
        lambda y: pd.Series(y).value_counts(),
        lambda y: dict(zip(*np.unique(y, return_counts=True), strict=True)),
    ],
    ids=["array", "list", "series-of-labels", "value-counts", "dict-numpy-keys"],
)
def test_head_medium_tail_accuracy_train_counts_forms_agree(make_counts):
    """Check that training labels, a value_counts Series and a dict give the same buckets."""
    y_train = np.repeat([3, 5, 8], [150, 50, 10])
    y_true = np.array([3, 3, 5, 5, 8, 8])
    y_pred = np.array([3, 3, 5, 3, 3, 3])
    r = head_medium_tail_accuracy(y_true, y_pred, train_counts=make_counts(y_train))
    assert (r.head, r.medium, r.tail) == (1.0, 0.5, 0.0)
    assert r.train_counts == {3: 150, 5: 50, 8: 10}


def test_head_medium_tail_accuracy_class_unseen_in_training_is_tail():
    """Check that with training labels a test class never seen in training counts 0 (tail)."""
    r = head_medium_tail_accuracy(["a", "z"], ["a", "a"], train_counts=["a"] * 200)
    assert r.tail_classes == ("z",)
    assert r.train_counts == {"a": 200, "z": 0}


def test_head_medium_tail_accuracy_lists_training_classes_not_in_test():
    """Check that training classes absent from y_true are listed and given no bucket."""
    r = head_medium_tail_accuracy(["a"], ["a"], train_counts={"a": 300, "b": 2})
    assert r.not_in_test == ("b",)
    assert r.tail is None


def test_head_medium_tail_accuracy_as_dict_is_json_ready():
    """Check that as_dict holds only plain types that JSON can write."""
    r = head_medium_tail_accuracy(
        np.array([0, 1]), np.array([0, 0]), train_counts=np.repeat([0, 1], [200, 5])
    )
    text = json.dumps(r.as_dict())
    assert json.loads(text)["tail_classes"] == [1]


def test_head_medium_tail_accuracy_result_is_frozen():
    """Check that the result object cannot be modified."""
    r = head_medium_tail_accuracy([0], [0], train_counts={0: 1})
    assert isinstance(r, LongTailAccuracy)
    with pytest.raises(AttributeError):
        r.head = 0.0


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 8))
def test_head_medium_tail_accuracy_buckets_partition_classes(seed, n_classes):
    """Check that the buckets partition the test classes and scores lie in [0, 1] or are None."""
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, n_classes, 40)
    y_pred = rng.integers(0, n_classes, 40)
    counts = {c: int(rng.integers(0, 300)) for c in range(n_classes)}
    r = head_medium_tail_accuracy(y_true, y_pred, train_counts=counts)
    buckets = r.head_classes + r.medium_classes + r.tail_classes
    assert sorted(buckets) == sorted(np.unique(y_true).tolist())
    for score, classes in [(r.head, r.head_classes), (r.medium, r.medium_classes)]:
        assert (score is None) == (len(classes) == 0)
        if score is not None:
            assert 0.0 <= score <= 1.0
            assert score == pytest.approx(np.mean([r.recall[c] for c in classes]))


def test_head_medium_tail_accuracy_rejects_dict_missing_a_class():
    """Check that a counts dict must cover every class of y_true."""
    with pytest.raises(DataError, match=r"no count for classes of y_true: \['b'\]"):
        head_medium_tail_accuracy(["a", "b"], ["a", "b"], train_counts={"a": 10})


def test_head_medium_tail_accuracy_rejects_training_labels_of_another_problem():
    """Check that training labels sharing no class with y_true raise (mismatched types)."""
    with pytest.raises(DataError, match="no class of y_true"):
        head_medium_tail_accuracy([0, 1], [0, 1], train_counts=[5, 6, 7])
    with pytest.raises(
        DataError, match="train_counts holds string labels but y_true holds numbers"
    ):
        head_medium_tail_accuracy([0, 1], [0, 1], train_counts=["0", "1"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"head_min": -1}, "The 'head_min' parameter of head_medium_tail_accuracy must be"),
        ({"tail_max": "20"}, "'tail_max' parameter .* must be a number >= 0; got '20'"),
        ({"head_min": 10, "tail_max": 20}, r"must be at most head_min=10; got 20"),
        ({"train_counts": {0: -1, 1: 3}}, r"class 0 has -1"),
        ({"train_counts": {0: "many", 1: 3}}, r"count >= 0"),
        ({"train_counts": {}}, "train_counts is empty"),
    ],
    ids=["negative-head", "str-tail", "crossed", "negative-count", "str-count", "empty-dict"],
)
def test_head_medium_tail_accuracy_rejects_bad_parameters(kwargs, match):
    """Check that bad cut-offs or counts raise a ValueError naming them."""
    kwargs = {"train_counts": {0: 500, 1: 5}, **kwargs}
    with pytest.raises(ValueError, match=match):
        head_medium_tail_accuracy([0, 1], [0, 1], **kwargs)


def test_head_medium_tail_accuracy_rejects_length_mismatch():
    """Check that y_true and y_pred lengths are checked."""
    with pytest.raises(DataError, match="y_true has 2 samples, y_pred has 1"):
        head_medium_tail_accuracy([0, 1], [0], train_counts={0: 1, 1: 1})
