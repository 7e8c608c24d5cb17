"""Tests of the multi-label metrics of unskew.metrics."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn import metrics as skm

from unskew.exceptions import DataError
from unskew.metrics import hamming_loss, multilabel_f1


@st.composite
def indicator_pairs(draw):
    """Draw two random 0/1 matrices of the same shape, sparse or dense in labels."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 30))
    n_labels = draw(st.integers(2, 6))  # scikit-learn reads one column as binary, not multi-label
    rate = draw(st.sampled_from([0.05, 0.3, 0.7]))
    y_true = (rng.random((n, n_labels)) < rate).astype(int)
    y_pred = (rng.random((n, n_labels)) < rate).astype(int)
    return y_true, y_pred


@settings(max_examples=60, deadline=None)
@given(indicator_pairs(), st.sampled_from(["macro", "micro", "weighted", "samples", None]))
def test_multilabel_f1_matches_sklearn(pair, average):
    """Check multilabel_f1 against scikit-learn's f1_score(zero_division=0) for every average."""
    y_true, y_pred = pair
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = skm.f1_score(y_true, y_pred, average=average, zero_division=0)
    np.testing.assert_allclose(
        multilabel_f1(y_true, y_pred, average=average), expected, rtol=1e-12, atol=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(indicator_pairs())
def test_hamming_loss_matches_sklearn(pair):
    """Check hamming_loss against scikit-learn's."""
    y_true, y_pred = pair
    assert hamming_loss(y_true, y_pred) == pytest.approx(skm.hamming_loss(y_true, y_pred))


def test_multilabel_f1_hand_computed():
    """Check per-label and averaged F1 on a matrix worked by hand.

    Label 0: tp 2, n_true 2, n_pred 2 -> 1.  Label 1: tp 1, n_true 2, n_pred 1 -> 2/3.
    Label 2: tp 0, n_true 1, n_pred 0 -> 0.  micro: 2*3 / (5 + 3) = 0.75.
    weighted: (2*1 + 2*2/3 + 1*0) / 5.
    """
    y_true = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
    y_pred = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0]])
    np.testing.assert_allclose(multilabel_f1(y_true, y_pred, average=None), [1, 2 / 3, 0])
    assert multilabel_f1(y_true, y_pred, average="micro") == pytest.approx(0.75)
    assert multilabel_f1(y_true, y_pred, average="weighted") == pytest.approx((2 + 4 / 3) / 5)


def test_multilabel_f1_undefined_cases_are_zero():
    """Check that a label never present nor predicted, and an all-zero y_true, give 0.0."""
    y = np.array([[1, 0], [0, 0]])
    assert multilabel_f1(y, y, average=None).tolist() == [1.0, 0.0]
    zeros = np.zeros((2, 2), dtype=int)
    assert multilabel_f1(zeros, zeros, average="weighted") == 0.0
    assert multilabel_f1(zeros, zeros, average="samples") == 0.0
    assert multilabel_f1(zeros, zeros, average="micro") == 0.0


def test_multilabel_metrics_accept_bool_lists_and_sparse():
    """Check that booleans, nested lists and scipy sparse matrices work like int arrays."""
    y_true = np.array([[1, 0, 1], [0, 1, 1]])
    y_pred = np.array([[1, 1, 0], [0, 1, 1]])
    expected = multilabel_f1(y_true, y_pred)
    assert multilabel_f1(y_true.astype(bool), y_pred.astype(bool)) == expected
    assert multilabel_f1(y_true.tolist(), y_pred.tolist()) == expected
    assert multilabel_f1(sparse.csr_matrix(y_true), sparse.csr_matrix(y_pred)) == expected
    assert hamming_loss(sparse.csr_matrix(y_true), y_pred) == pytest.approx(2 / 6)


@pytest.mark.parametrize("metric", [multilabel_f1, hamming_loss], ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("y_true", "y_pred", "match"),
    [
        ([[1, 0]], [[1, 0, 0]], r"y_true is \(1, 2\), y_pred is \(1, 3\)"),
        ([1, 0], [1, 0], "2-D"),
        ([[2, 0]], [[1, 0]], r"0/1 indicator matrix; found values \[2\]"),
        ([["a", "b"]], [[1, 0]], "0/1 numbers or booleans"),
        ([[np.nan, 1.0]], [[1, 0]], "NaN"),
        (np.zeros((0, 2)), np.zeros((0, 2)), "empty"),
    ],
    ids=["shape", "1d", "non-binary", "strings", "nan", "empty"],
)
def test_multilabel_metrics_reject_bad_input(metric, y_true, y_pred, match):
    """Check that non-indicator or mismatched inputs raise a DataError saying why."""
    with pytest.raises(DataError, match=match):
        metric(y_true, y_pred)


def test_multilabel_f1_rejects_unknown_average():
    """Check that an unknown average raises a ValueError listing the options."""
    with pytest.raises(
        ValueError,
        match=r"The 'average' parameter of multilabel_f1 must be one of 'macro', 'micro'.*got 'binary'",
    ):
        multilabel_f1([[1]], [[1]], average="binary")
