"""Tests of the decision scores of unskew.metrics: recall at a precision floor, precision at a
recall floor, the expected cost of a cost matrix and the cost-matrix check."""

import numpy as np
import pytest
from sklearn import metrics as skm

import unskew.threshold
from unskew.metrics import (
    check_cost_matrix,
    expected_cost,
    precision_at_recall,
    recall_at_precision,
)


@pytest.mark.parametrize("seed", range(4), ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("floor", [0.0, 0.3, 0.6, 1.0], ids=lambda f: f"floor{f}")
def test_floored_scores_match_sklearn(seed, floor):
    """Check both scores against scikit-learn's precision and recall of the positive class."""
    rng = np.random.default_rng(seed)
    y = rng.choice(["ok", "fraud"], size=80, p=[0.8, 0.2])
    pred = np.where(rng.uniform(size=80) < 0.25, "fraud", "ok")
    p = skm.precision_score(y, pred, pos_label="fraud", zero_division=0)
    r = skm.recall_score(y, pred, pos_label="fraud")
    assert recall_at_precision(y, pred, min_precision=floor, pos_label="fraud") == (
        pytest.approx(r if p >= floor else p - 1))
    assert precision_at_recall(y, pred, min_recall=floor, pos_label="fraud") == (
        pytest.approx(p if r >= floor else r - 1))


def test_floored_scores_rank_met_floors_first():
    """Check that a decision meeting the floor always outscores one that misses it."""
    y = [0, 0, 0, 0, 1, 1]
    met = recall_at_precision(y, [0, 0, 0, 0, 1, 0], min_precision=0.9)  # P = 1, R = 1/2
    missed = recall_at_precision(y, [1, 1, 1, 0, 1, 1], min_precision=0.9)  # P = 2/5
    assert met == pytest.approx(0.5)
    assert missed == pytest.approx(0.4 - 1)
    assert met > missed


@pytest.mark.parametrize("floor", [-0.1, 1.5, None, "0.5", True], ids=repr)
@pytest.mark.parametrize(
    ("func", "name"),
    [(recall_at_precision, "min_precision"), (precision_at_recall, "min_recall")],
    ids=["recall_at_precision", "precision_at_recall"],
)
def test_floored_scores_bad_floor(func, name, floor):
    """Check that a floor outside [0, 1] raises the one parameter error."""
    with pytest.raises(ValueError, match=rf"The '{name}' parameter of {func.__name__} must be "
                                         r"a number in \[0, 1\]; got"):
        func([0, 1], [0, 1], **{name: floor})


def test_expected_cost_matches_a_transcription():
    """Check the mean of C[true, pred] against a float64 loop over the rows."""
    rng = np.random.default_rng(0)
    labels = np.array(["a", "b", "c"])
    cost = rng.uniform(0, 5, (3, 3))
    y, pred = rng.choice(labels, 50), rng.choice(labels, 50)
    index = {c: i for i, c in enumerate(labels)}
    by_hand = sum(cost[index[t], index[p]] for t, p in zip(y, pred, strict=True)) / 50
    assert expected_cost(y, pred, cost_matrix=cost, labels=labels) == pytest.approx(by_hand)


def test_expected_cost_follows_the_labels_order():
    """Check that the matrix is read in the order of ``labels``, not the sorted order."""
    cost = [[0, 9], [1, 0]]  # rows/columns: "ok", "fraud"
    y, pred = ["fraud", "ok"], ["ok", "ok"]
    assert expected_cost(y, pred, cost_matrix=cost, labels=["ok", "fraud"]) == 0.5
    assert expected_cost(y, pred, cost_matrix=cost, labels=["fraud", "ok"]) == 4.5


@pytest.mark.parametrize(
    ("y_pred", "kwargs", "match"),
    [
        pytest.param([0, 2], {"labels": [0, 1]}, r"y_pred holds labels \[2\] that are not in "
                     r"labels=\[0, 1\]", id="unknown-label"),
        pytest.param([0], {}, r"1-D of one length; got shapes \(2,\) and \(1,\)", id="length"),
        pytest.param([0, 1], {"labels": [0, 1, 2]}, r"must have shape \(3, 3\)", id="shape"),
    ],
)
def test_expected_cost_errors(y_pred, kwargs, match):
    """Check that mismatched labels, lengths or matrix shapes raise a ValueError."""
    with pytest.raises(ValueError, match=match):
        expected_cost([0, 1], y_pred, cost_matrix=[[0, 1], [5, 0]], **kwargs)


def test_check_cost_matrix_from_dict():
    """Check that a dict of dicts becomes the matrix in class order, diagonal 0."""
    cost = check_cost_matrix({"ok": {"fraud": 1}, "fraud": {"ok": 10}}, ["fraud", "ok"])
    np.testing.assert_array_equal(cost, [[0.0, 10.0], [1.0, 0.0]])
    assert cost.dtype == np.float64


def test_threshold_names_are_the_metrics_functions():
    """Check that the threshold package re-exports the metrics' functions, not copies."""
    assert unskew.threshold.recall_at_precision is recall_at_precision
    assert unskew.threshold.precision_at_recall is precision_at_recall
    assert unskew.threshold.expected_cost is expected_cost
    assert unskew.threshold.check_cost_matrix is check_cost_matrix
