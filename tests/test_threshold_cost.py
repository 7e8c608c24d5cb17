"""Tests of unskew.threshold cost matrices: Bayes minimum risk, class weights, the classifier."""

import numpy as np
import pytest
import skops.io as sio
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.linear_model import LogisticRegression

from unskew.threshold import (
    CostSensitiveClassifier,
    bayes_minimum_risk,
    check_cost_matrix,
    cost_to_class_weights,
    expected_cost,
)


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = np.r_[rng.normal(0, 1, (150, 2)), rng.normal(1.2, 1, (40, 2)), rng.normal(-1.5, 1, (10, 2))]
    y = np.array(["a"] * 150 + ["b"] * 40 + ["c"] * 10)
    return X, y


def _proba_and_cost(draw_k=3):
    return st.tuples(
        arrays(np.float64, (20, draw_k), elements=st.floats(0.01, 1.0)),
        arrays(np.float64, (draw_k, draw_k), elements=st.floats(0.0, 10.0)),
    )


@settings(max_examples=60, deadline=None)
@given(_proba_and_cost())
def test_bayes_minimum_risk_equals_brute_force(pair):
    """Check that the decision equals a brute-force argmin of sum_i p_i C[i, j] per row (on an
    exact tie, summed in another order, any of the tied classes is right)."""
    raw, cost = pair
    proba = raw / raw.sum(axis=1, keepdims=True)
    for row, pick in zip(proba, bayes_minimum_risk(proba, cost), strict=True):
        risks = np.array([sum(row[i] * cost[i, j] for i in range(3)) for j in range(3)])
        tol = 1e-12 * max(1.0, risks.max())
        assert risks[pick] <= risks.min() + tol
        if np.sort(risks)[1] - risks.min() > tol:  # a clear minimum: exactly it
            assert pick == int(np.argmin(risks))


@settings(max_examples=60, deadline=None)
@given(_proba_and_cost(), st.integers(0, 2), st.integers(1, 2), st.floats(0.1, 50.0))
def test_bayes_minimum_risk_monotone_in_cost(pair, i, shift, delta):
    """Check that raising C[i, j], j != i, never decreases the number of predictions of i."""
    raw, cost = pair
    proba = raw / raw.sum(axis=1, keepdims=True)
    j = (i + shift) % 3
    raised = cost.copy()
    raised[i, j] += delta
    before = (bayes_minimum_risk(proba, cost) == i).sum()
    after = (bayes_minimum_risk(proba, raised) == i).sum()
    assert after >= before


def test_cost_sensitive_zero_one_cost_is_argmax():
    """Check that the 0/1 cost matrix reproduces the estimator's argmax predictions."""
    X, y = _data()
    clf = CostSensitiveClassifier(cost_matrix=1 - np.eye(3)).fit(X, y)
    assert np.array_equal(clf.predict(X), LogisticRegression().fit(X, y).predict(X))


def test_cost_sensitive_predicts_bayes_decision():
    """Check that predict equals the argmin of predict_proba @ C for a dict cost matrix."""
    X, y = _data()
    cost = {"a": {"b": 1, "c": 1}, "b": {"a": 5, "c": 1}, "c": {"a": 20, "b": 2}}
    clf = CostSensitiveClassifier(cost_matrix=cost).fit(X, y)
    matrix = np.array([[0, 1, 1], [5, 0, 1], [20, 2, 0]], dtype=float)
    expected = clf.classes_[np.argmin(clf.predict_proba(X) @ matrix, axis=1)]
    assert np.array_equal(clf.predict(X), expected)
    assert np.array_equal(clf.cost_matrix_, matrix)


def test_cost_sensitive_costly_class_predicted_more():
    """Check that raising the cost of missing class c makes c predicted at least as often."""
    X, y = _data()
    low = CostSensitiveClassifier(cost_matrix=1 - np.eye(3)).fit(X, y)
    high_cost = 1 - np.eye(3)
    high_cost[2, :2] = 25
    high = CostSensitiveClassifier(cost_matrix=high_cost).fit(X, y)
    assert (high.predict(X) == "c").sum() > (low.predict(X) == "c").sum()


@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
def test_cost_sensitive_calibration_wraps_calibrated_classifier(method):
    """Check that calibration fits scikit-learn's CalibratedClassifierCV with that method."""
    X, y = _data()
    clf = CostSensitiveClassifier(calibration=method, cv=3).fit(X, y)
    assert type(clf.estimator_).__name__ == "CalibratedClassifierCV"
    assert clf.estimator_.method == method
    assert np.allclose(clf.predict_proba(X).sum(axis=1), 1.0)


def test_cost_to_class_weights_by_hand():
    """Check that weights are the row sums of off-diagonal costs, normalised over y."""
    cost = np.array([[0, 1, 1], [4, 0, 2], [9, 3, 0]], dtype=float)
    raw = cost_to_class_weights(cost)
    assert raw == pytest.approx({0: 2.0, 1: 6.0, 2: 12.0})
    y = [0] * 6 + [1] * 3 + [2]
    w = cost_to_class_weights(cost, y=y)
    scale = 10 / (6 * 2 + 3 * 6 + 1 * 12)
    assert w == pytest.approx({0: 2 * scale, 1: 6 * scale, 2: 12 * scale})
    assert cost_to_class_weights(cost, reduce="mean") == pytest.approx({0: 1.0, 1: 3.0, 2: 6.0})


def test_cost_to_class_weights_relative_to_diagonal():
    """Check that a non-zero diagonal is subtracted from its row (Elkan's cost differences)."""
    assert cost_to_class_weights([[1, 3], [4, 2]]) == pytest.approx({0: 2.0, 1: 2.0})
    with pytest.raises(ValueError, match=r"classes \[1\] get no weight"):
        cost_to_class_weights([[1, 3], [0, 2]])


def test_expected_cost_by_hand():
    """Check that expected_cost is the mean of C[true, pred] over the rows."""
    cost = np.array([[0, 1], [7, 0]])
    assert expected_cost([0, 1, 1, 0], [0, 0, 1, 1], cost_matrix=cost) == pytest.approx(8 / 4)


@pytest.mark.parametrize(
    ("cost", "match"),
    [
        pytest.param(np.zeros((2, 2)), r"must have shape \(3, 3\).*got shape \(2, 2\)", id="shape"),
        pytest.param([[0, -1, 1], [1, 0, 1], [1, 1, 0]], r"must be >= 0.*predicting 'b' when "
                     r"the truth is 'a' is -1", id="negative"),
        pytest.param([[0, np.nan, 1], [1, 0, 1], [1, 1, 0]], "must be finite", id="nan"),
        pytest.param({"a": {"b": 1, "c": 1}, "b": {"a": 1, "c": 1}, "z": {"a": 1}},
                     r"names labels \['z'\]", id="unknown-label"),
        pytest.param({"a": {"b": 1}, "b": {"a": 1, "c": 1}, "c": {"a": 1, "b": 1}},
                     "lacks the cost of predicting 'c' when the truth is 'a'", id="missing-pair"),
    ],
)
def test_check_cost_matrix_errors(cost, match):
    """Check that a bad cost matrix raises a ValueError saying what is wrong."""
    with pytest.raises(ValueError, match=match):
        check_cost_matrix(cost, ["a", "b", "c"])


def test_cost_sensitive_bad_input_errors():
    """Check the errors for a wrong-shape matrix, bad calibration and missing predict_proba."""
    X, y = _data()
    with pytest.raises(ValueError, match=r"CostSensitiveClassifier must have shape \(3, 3\)"):
        CostSensitiveClassifier(cost_matrix=np.zeros((2, 2))).fit(X, y)
    with pytest.raises(ValueError, match="'calibration' parameter"):
        CostSensitiveClassifier(calibration="platt").fit(X, y)
    from sklearn.svm import LinearSVC

    with pytest.raises(TypeError, match="LinearSVC has no predict_proba; set calibration"):
        CostSensitiveClassifier(LinearSVC()).fit(X, y)
    with pytest.raises(ValueError, match="'reduce' parameter"):
        cost_to_class_weights(np.ones((2, 2)), reduce="max")


def test_cost_sensitive_skops_round_trip():
    """Check that a fitted model survives skops dump/loads with the same predictions."""
    X, y = _data()
    clf = CostSensitiveClassifier(cost_matrix={"a": {"b": 1, "c": 1}, "b": {"a": 3, "c": 1},
                                               "c": {"a": 9, "b": 1}}).fit(X, y)
    blob = sio.dumps(clf)
    untrusted = sio.get_untrusted_types(data=blob)
    assert all(t.startswith(("unskew.", "sklearn.", "numpy.")) for t in untrusted)
    loaded = sio.loads(blob, trusted=untrusted)
    assert np.array_equal(loaded.predict(X), clf.predict(X))
