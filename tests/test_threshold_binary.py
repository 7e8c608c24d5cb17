"""Tests of unskew.threshold's binary threshold tuning and its objectives."""

import numpy as np
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
from sklearn.svm import LinearSVC, LinearSVR

from unskew.exceptions import DataError
from unskew.threshold import (
    BinaryThresholdClassifier,
    precision_at_recall,
    recall_at_precision,
    threshold_scorer,
)


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    n_pos = n // 10
    X = np.r_[rng.normal(0, 1, (n - n_pos, 2)), rng.normal(1.3, 1, (n_pos, 2))]
    y = np.array(["ok"] * (n - n_pos) + ["fraud"] * n_pos)
    return X, y


def test_recall_at_precision_by_hand():
    """Check recall when the precision floor holds and precision - 1 when it does not."""
    y = [0, 0, 0, 0, 1, 1]
    pred = [0, 0, 1, 1, 1, 1]  # P = 2/4, R = 1
    assert recall_at_precision(y, pred, min_precision=0.5) == 1.0
    assert recall_at_precision(y, pred, min_precision=0.6) == pytest.approx(0.5 - 1)
    assert precision_at_recall(y, pred, min_recall=1.0) == pytest.approx(0.5)
    assert precision_at_recall(y, [0, 0, 0, 0, 1, 0], min_recall=0.9) == pytest.approx(-0.5)


def test_binary_threshold_matches_scikit_learn_tuner():
    """Check that the threshold equals TunedThresholdClassifierCV's for the same F1 and folds."""
    X, y = _data()
    clf = BinaryThresholdClassifier(objective="f1", cv=3, random_state=0).fit(X, y)
    reference = TunedThresholdClassifierCV(
        LogisticRegression(), scoring=threshold_scorer("f1", pos_label="fraud"),
        cv=StratifiedKFold(3, shuffle=True, random_state=0)).fit(X, y)
    assert clf.threshold_ == pytest.approx(reference.best_threshold_)
    assert clf.pos_label_ == "fraud"
    sk = f1_score(y, clf.predict(X), pos_label="fraud")
    p = clf.predict_proba(X)[:, list(clf.classes_).index("fraud")]
    assert sk == pytest.approx(f1_score(y, np.where(p >= clf.threshold_, "fraud", "ok"),
                                        pos_label="fraud"))


def test_binary_threshold_per_fold_spread():
    """Check per-fold thresholds equal prefit tuning of each fold's model on its test fold."""
    X, y = _data()
    clf = BinaryThresholdClassifier(objective="gmean", cv=3, random_state=0).fit(X, y)
    scorer = threshold_scorer("gmean", pos_label="fraud")
    expected = []
    for train, test in StratifiedKFold(3, shuffle=True, random_state=0).split(X, y):
        model = LogisticRegression().fit(X[train], y[train])
        expected.append(TunedThresholdClassifierCV(model, scoring=scorer, cv="prefit",
                                                   refit=False).fit(X[test], y[test])
                        .best_threshold_)
    assert clf.thresholds_per_fold_ == pytest.approx(expected)
    assert clf.threshold_std_ == pytest.approx(np.std(expected, ddof=1))


class _CountingLR(LogisticRegression):
    fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def test_binary_threshold_without_fold_spread_same_threshold_fewer_fits():
    """Check that fold_spread=False keeps the threshold and skips the cv per-fold refits."""
    X, y = _data()
    fits = {}
    for spread in (True, False):
        _CountingLR.fits = 0
        clf = BinaryThresholdClassifier(_CountingLR(), objective="balanced_accuracy", cv=4,
                                        random_state=0, fold_spread=spread).fit(X, y)
        fits[spread] = (_CountingLR.fits, clf.threshold_, clf.best_score_)
    assert fits[False][1:] == fits[True][1:]
    assert fits[True][0] - fits[False][0] == 4
    assert clf.thresholds_per_fold_ is None
    assert clf.threshold_std_ is None


def test_binary_threshold_recall_at_precision_meets_floor_on_cv():
    """Check that recall@precision picks a threshold whose CV score is feasible (>= 0)."""
    X, y = _data(n=800)
    clf = BinaryThresholdClassifier(objective="recall@precision", min_precision=0.5).fit(X, y)
    assert clf.best_score_ >= 0


def test_binary_threshold_cost_lowers_threshold_for_costly_misses():
    """Check that a dearer missed fraud gives a lower threshold on its probability."""
    X, y = _data(n=800)
    cheap = {"fraud": {"ok": 1}, "ok": {"fraud": 1}}
    dear = {"fraud": {"ok": 20}, "ok": {"fraud": 1}}
    low = BinaryThresholdClassifier(objective="cost", cost_matrix=dear).fit(X, y)
    high = BinaryThresholdClassifier(objective="cost", cost_matrix=cheap).fit(X, y)
    assert low.threshold_ < high.threshold_


def test_binary_threshold_decision_function_agrees_with_predict():
    """Check that decision_function > 0 exactly where classes_[1] is predicted."""
    X, y = _data()
    for est in (None, LinearSVC()):
        clf = BinaryThresholdClassifier(est, objective="balanced_accuracy", cv=3).fit(X, y)
        assert np.array_equal(clf.predict(X) == clf.classes_[1], clf.decision_function(X) > 0)


@pytest.mark.parametrize(
    ("estimator", "params", "error", "match"),
    [
        pytest.param(None, {"objective": "recall@precision"}, ValueError, "needs min_precision",
                     id="no-floor"),
        pytest.param(None, {"objective": "cost"}, ValueError, "needs cost_matrix", id="no-cost"),
        pytest.param(None, {"objective": "cost", "cost_matrix": np.zeros((3, 3))}, ValueError,
                     r"must have shape \(2, 2\).*got shape \(3, 3\)", id="cost-shape"),
        pytest.param(None, {"objective": "fone"}, ValueError, "'objective' parameter",
                     id="objective"),
        pytest.param(None, {"pos_label": "spam"}, ValueError, "'pos_label' .* 'spam'",
                     id="pos-label"),
        pytest.param(LinearSVR(), {}, TypeError, "LinearSVR has neither", id="no-scores"),
    ],
)
def test_binary_threshold_bad_input(estimator, params, error, match):
    """Check that bad parameters raise an error naming the parameter or estimator."""
    X, y = _data()
    with pytest.raises(error, match=match):
        BinaryThresholdClassifier(estimator, **params).fit(X, y)


def test_binary_threshold_refuses_multiclass():
    """Check that a multi-class target is refused, pointing to ClassOffsetClassifier."""
    X, y = _data()
    y = y.copy()
    y[:50] = "other"
    with pytest.raises(DataError, match=r"Only binary classification.*ClassOffsetClassifier"):
        BinaryThresholdClassifier().fit(X, y)


def test_binary_threshold_skops_round_trip():
    """Check that the tuned threshold travels in the skops file (trusted types only)."""
    X, y = _data()
    clf = BinaryThresholdClassifier(objective="cost", cv=3,
                                    cost_matrix={"fraud": {"ok": 5}, "ok": {"fraud": 1}}).fit(X, y)
    blob = sio.dumps(clf)
    untrusted = sio.get_untrusted_types(data=blob)
    assert all(t.startswith(("unskew.", "sklearn.", "numpy.")) for t in untrusted), untrusted
    loaded = sio.loads(blob, trusted=untrusted)
    assert loaded.threshold_ == clf.threshold_
    assert np.array_equal(loaded.predict(X), clf.predict(X))
