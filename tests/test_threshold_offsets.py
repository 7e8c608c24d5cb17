"""Tests of unskew.threshold's multi-class offsets and logit adjustment."""

import numpy as np
import pytest
import skops.io as sio
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC, LinearSVR

from unskew.exceptions import DataError
from unskew.metrics import balanced_accuracy, macro_f1
from unskew.threshold import ClassOffsetClassifier, LogitAdjustedClassifier
from unskew.threshold._objectives import label_objective
from unskew.threshold._offsets import coordinate_ascent


def _data(n=500, seed=0):
    return make_classification(n_samples=n, n_classes=4, n_informative=5, n_clusters_per_class=1,
                               weights=[0.7, 0.18, 0.08, 0.04], random_state=seed)


@pytest.mark.parametrize("objective", ["macro_f1", "balanced_accuracy", "gmean", "cost"])
def test_class_offsets_never_worse_than_argmax_on_oof(objective):
    """Check that offsets score at least the argmax on the out-of-fold scores they fit."""
    X, y = _data()
    cost = 1 - np.eye(4) if objective == "cost" else None
    if cost is not None:
        cost[3, :3] = 10
    clf = ClassOffsetClassifier(objective=objective, cost_matrix=cost, cv=3,
                                random_state=0).fit(X, y)
    if objective == "cost":
        assert clf.best_score_ <= clf.argmax_score_
    else:
        assert clf.best_score_ >= clf.argmax_score_
    # recompute the objective from independent out-of-fold probabilities and the offsets
    oof = cross_val_predict(LogisticRegression(), X, y,
                            cv=StratifiedKFold(3, shuffle=True, random_state=0),
                            method="predict_proba")
    pred = np.argmax(np.log(oof) + clf.offsets_, axis=1)
    if objective == "macro_f1":
        assert macro_f1(y, pred) == pytest.approx(clf.best_score_)
        assert macro_f1(y, pred) >= macro_f1(y, oof.argmax(axis=1))


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, (60, 3), elements=st.floats(-5, 5)), st.integers(0, 2 ** 16))
def test_coordinate_ascent_only_improves(scores, seed):
    """Check that coordinate ascent never ends below the zero-offset (argmax) objective."""
    y = np.random.default_rng(seed).integers(0, 3, 60)
    key = label_objective("balanced_accuracy", None, [0, 1, 2], "test")
    offsets, start, best, _ = coordinate_ascent(scores, y, key, n_rounds=5)
    assert best >= start
    assert key(y, np.argmax(scores + offsets, axis=1)) == best


def test_zero_offsets_reproduce_argmax():
    """Check that the offsets class predicts the argmax when its offsets are zero."""
    X, y = _data()
    clf = ClassOffsetClassifier(cv=3).fit(X, y)
    clf.offsets_ = np.zeros(4)
    assert np.array_equal(clf.predict(X), LogisticRegression().fit(X, y).predict(X))
    assert np.array_equal(LogitAdjustedClassifier(tau=0.0).fit(X, y).predict(X),
                          LogisticRegression().fit(X, y).predict(X))


def test_logit_adjustment_closed_form():
    """Check predict == argmax(log p - tau log prior) and offsets == -tau log prior."""
    X, y = _data()
    tau = 0.7
    clf = LogitAdjustedClassifier(tau=tau).fit(X, y)
    priors = np.bincount(y) / len(y)
    assert clf.offsets_ == pytest.approx(-tau * np.log(priors))
    p = LogisticRegression().fit(X, y).predict_proba(X)
    assert np.array_equal(clf.predict(X), np.argmax(np.log(p) - tau * np.log(priors), axis=1))
    q = p * priors ** -tau
    assert np.allclose(clf.predict_proba(X), q / q.sum(axis=1, keepdims=True))


def test_logit_adjustment_raises_balanced_accuracy():
    """Check that tau=1 improves balanced accuracy over the argmax on held-out data."""
    X, y = _data(n=2000)
    plain = LogisticRegression().fit(X[:1000], y[:1000]).predict(X[1000:])
    adjusted = LogitAdjustedClassifier().fit(X[:1000], y[:1000]).predict(X[1000:])
    assert balanced_accuracy(y[1000:], adjusted) > balanced_accuracy(y[1000:], plain)


def test_class_offsets_decision_function_only_estimator():
    """Check that an estimator without predict_proba is used through its decision_function."""
    X, y = _data()
    clf = ClassOffsetClassifier(LinearSVC(), cv=3).fit(X, y)
    assert clf.response_method_ == "decision_function"
    assert not hasattr(clf, "predict_proba")
    assert np.array_equal(clf.predict(X), clf.classes_[np.argmax(clf.decision_function(X), 1)])


def test_class_offsets_refit_false_averages_fold_models():
    """Check that refit=False keeps the cv fold models and averages their probabilities."""
    X, y = _data()
    clf = ClassOffsetClassifier(cv=3, refit=False).fit(X, y)
    assert len(clf.estimators_) == 3
    assert not hasattr(clf, "estimator_")
    mean = np.mean([m.predict_proba(X) for m in clf.estimators_], axis=0)
    assert np.array_equal(clf.predict(X), np.argmax(np.log(mean) + clf.offsets_, axis=1))


def test_class_offsets_small_class_lowers_folds():
    """Check that a class with fewer rows than cv lowers the folds, with a warning."""
    X, y = _data()
    y = y.copy()
    y[np.flatnonzero(y == 3)[3:]] = 0  # class 3 keeps 3 rows
    with pytest.warns(UserWarning, match="class 3 has only 3 rows.*3 folds instead of cv=5"):
        clf = ClassOffsetClassifier().fit(X, y)
    assert clf.n_splits_ == 3


@pytest.mark.parametrize(
    ("estimator", "params", "error", "match"),
    [
        pytest.param(LinearSVR(), {}, TypeError,
                     "needs an estimator with predict_proba or decision_function.*LinearSVR has "
                     "neither", id="no-scores"),
        pytest.param(None, {"objective": "cost"}, ValueError, "needs a cost_matrix", id="no-cost"),
        pytest.param(None, {"objective": "cost", "cost_matrix": np.zeros((3, 3))}, ValueError,
                     r"must have shape \(4, 4\).*got shape \(3, 3\)", id="cost-shape"),
        pytest.param(None, {"objective": "f2"}, ValueError, "'objective' parameter", id="objective"),
        pytest.param(None, {"n_rounds": 0}, ValueError, "'n_rounds' parameter", id="rounds"),
        pytest.param(None, {"cv": 1}, ValueError, "'cv' parameter", id="cv"),
    ],
)
def test_class_offsets_bad_input(estimator, params, error, match):
    """Check that bad parameters raise an error naming the parameter or estimator."""
    X, y = _data()
    with pytest.raises(error, match=match):
        ClassOffsetClassifier(estimator, **params).fit(X, y)


def test_class_offsets_class_with_one_row():
    """Check that a class with a single row (absent from some fold) is refused with the fix."""
    X, y = _data()
    y = y.copy()
    y[np.flatnonzero(y == 3)[1:]] = 0
    with pytest.raises(DataError, match=r"classes \[3\] have 1 row.*Drop or merge"):
        ClassOffsetClassifier().fit(X, y)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        pytest.param({"tau": -1}, "'tau' parameter", id="tau"),
        pytest.param({"priors": [0.5, 0.5]}, r"must have shape \(4,\)", id="shape"),
        pytest.param({"priors": {0: 1.0}}, r"lack classes \[1, 2, 3\]", id="missing"),
    ],
)
def test_logit_adjusted_bad_input(params, match):
    """Check that bad tau or priors raise a ValueError naming the parameter."""
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        LogitAdjustedClassifier(**params).fit(X, y)


@pytest.mark.parametrize("cls", [ClassOffsetClassifier, LogitAdjustedClassifier])
def test_offsets_skops_round_trip(cls):
    """Check that the fitted offsets travel inside the skops file (trusted types only)."""
    X, y = _data()
    clf = cls(cv=3).fit(X, y) if cls is ClassOffsetClassifier else cls().fit(X, y)
    blob = sio.dumps(clf)
    untrusted = sio.get_untrusted_types(data=blob)
    assert all(t.startswith(("unskew.", "sklearn.", "numpy.")) for t in untrusted)
    loaded = sio.loads(blob, trusted=untrusted)
    assert np.array_equal(loaded.offsets_, clf.offsets_)
    assert np.array_equal(loaded.predict(X), clf.predict(X))
