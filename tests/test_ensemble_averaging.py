"""Tests for WeightedAverageClassifier, and the no-leakage promise of fusion over pipelines."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.base import BaseEstimator
from sklearn.datasets import make_classification
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import GaussianNB
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from unskew.ensemble import WeightedAverageClassifier
from unskew.ensemble._averaging import ensemble_selection
from unskew.exceptions import DataError
from unskew.metrics import balanced_accuracy, log_loss, macro_f1

# row ids every RecordingResampler was given, in call order
SEEN: list[frozenset] = []


class RecordingResampler(BaseEstimator):
    """A resampler that records the row ids (column 0 of X) it is asked to resample."""

    def fit_resample(self, X, y):
        SEEN.append(frozenset(np.asarray(X)[:, 0].astype(int).tolist()))
        return X, y


def _skewed(n=300, seed=0, n_classes=2, weights=(0.85,)):
    return make_classification(n_samples=n, n_features=6, n_informative=4, n_classes=n_classes,
                               n_clusters_per_class=1, weights=list(weights), random_state=seed)


def _members():
    return [
        ("ros_lr", make_pipeline(RandomOverSampler(random_state=0), LogisticRegression())),
        ("nb", GaussianNB()),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]


def _recording_members():
    return [("rec_lr", make_pipeline(RecordingResampler(), LogisticRegression())),
            ("rec_tree", make_pipeline(RecordingResampler(),
                                       DecisionTreeClassifier(max_depth=2, random_state=0)))]


@pytest.mark.parametrize("kind", ["voting", "stacking", "weighted"])
def test_fusion_resamplers_only_see_training_fold_rows(kind):
    """Check that each member pipeline's resampler only ever sees training-fold rows, never test rows."""
    X, y = _skewed(n=240)
    X = np.column_stack([np.arange(len(y)), X])  # column 0: row id
    outer_train, outer_test = next(StratifiedKFold(4, shuffle=True, random_state=0).split(X, y))
    inner = KFold(3, shuffle=True, random_state=1)
    inner_train = [frozenset(outer_train[tr].tolist())
                   for tr, _ in inner.split(X[outer_train], y[outer_train])]
    if kind == "voting":
        model = VotingClassifier(_recording_members(), voting="soft")
    elif kind == "stacking":
        model = StackingClassifier(_recording_members(), cv=inner)
    else:
        model = WeightedAverageClassifier(_recording_members(), cv=inner)
    SEEN.clear()
    model.fit(X[outer_train], y[outer_train])
    fitted = list(SEEN)
    model.predict(X[outer_test])
    assert len(SEEN) == len(fitted)  # predicting resamples nothing
    full = frozenset(outer_train.tolist())
    test = frozenset(outer_test.tolist())
    assert all(not (ids & test) for ids in fitted)
    assert set(fitted) <= {full, *inner_train}
    assert fitted.count(full) == 2  # each member refitted once on all the training rows
    if kind != "voting":
        # every inner training fold was used by each member, and no validation row leaked in
        assert all(fitted.count(fold) == 2 for fold in inner_train)


def _oof(X, y, splits):
    return [cross_val_predict(est, X, y, cv=splits, method="predict_proba")
            for _, est in _members()]


@pytest.mark.parametrize(("objective", "metric"), [("macro_f1", macro_f1),
                                                   ("balanced_accuracy", balanced_accuracy)])
def test_weighted_average_cv_score_at_least_best_member(objective, metric):
    """Check that the fitted weights lie on the simplex and score the weighted OOF average as reported."""
    X, y = _skewed()
    splits = list(StratifiedKFold(5).split(X, y))
    clf = WeightedAverageClassifier(_members(), objective=objective).fit(X, y)
    assert (clf.weights_ >= 0).all()
    assert clf.weights_.sum() == pytest.approx(1.0)
    oof = _oof(X, y, splits)
    blend = sum(w * p for w, p in zip(clf.weights_, oof, strict=True))
    assert clf.cv_score_ == pytest.approx(metric(y, clf.classes_[blend.argmax(axis=1)]))
    best_single = max(metric(y, clf.classes_[p.argmax(axis=1)]) for p in oof)
    assert clf.cv_score_ >= best_single


def test_weighted_average_log_loss_is_minimised():
    """Check that a loss objective reports the (positive) loss of the blend, no worse than any member."""
    X, y = _skewed()
    splits = list(StratifiedKFold(5).split(X, y))
    clf = WeightedAverageClassifier(_members(), objective="log_loss").fit(X, y)
    oof = _oof(X, y, splits)
    blend = sum(w * p for w, p in zip(clf.weights_, oof, strict=True))
    assert clf.cv_score_ == pytest.approx(log_loss(y, blend))
    assert clf.cv_score_ <= min(log_loss(y, p) for p in oof)


def test_weighted_average_predict_proba_is_weighted_mean():
    """Check that predict_proba is sum_m w_m * P_m of the members refitted on all rows."""
    X, y = _skewed(n_classes=3, weights=(0.7, 0.2))
    clf = WeightedAverageClassifier(_members(), cv=3).fit(X, y)
    expected = sum(w * est.predict_proba(X)
                   for w, est in zip(clf.weights_, clf.estimators_, strict=True))
    np.testing.assert_allclose(clf.predict_proba(X), expected)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[expected.argmax(axis=1)])
    assert set(clf.named_estimators_) == {"ros_lr", "nb", "tree"}


def test_weighted_average_fixed_weights_equal_soft_voting():
    """Check that fixed weights give scikit-learn's soft VotingClassifier, without any CV."""
    X, y = _skewed()
    weights = [2.0, 1.0, 1.0]
    ours = WeightedAverageClassifier(_members(), weights=weights).fit(X, y)
    ref = VotingClassifier(_members(), voting="soft", weights=weights).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X))
    np.testing.assert_allclose(ours.weights_, [0.5, 0.25, 0.25])
    assert ours.cv_score_ is None


def test_ensemble_selection_picks_the_useful_member():
    """Check that a member that is always wrong gets weight 0."""
    y = np.array([0, 0, 0, 1, 1])
    good = np.eye(2)[y] * 0.8 + 0.1
    w, score = ensemble_selection([good[:, ::-1], good], y, np.array([0, 1]), "macro_f1")
    assert w.tolist() == [0.0, 1.0]
    assert score == 1.0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_members=st.integers(1, 4))
def test_ensemble_selection_never_worse_than_best_member(seed, n_members):
    """Check that selected weights sit on the simplex and score at least the best single member."""
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 3, size=40)
    probas = [rng.dirichlet(np.ones(3), size=40) for _ in range(n_members)]
    classes = np.arange(3)
    w, score = ensemble_selection(probas, y, classes, "macro_f1", n_steps=20)
    assert (w >= 0).all()
    assert w.sum() == pytest.approx(1.0)
    # copy counts over the best step: w * step is whole for some step <= n_steps
    assert any(np.allclose(w * step, np.round(w * step)) for step in range(1, 21))
    blend = sum(wi * p for wi, p in zip(w, probas, strict=True))
    assert score == pytest.approx(macro_f1(y, blend.argmax(axis=1)))
    assert score >= max(macro_f1(y, p.argmax(axis=1)) for p in probas)


def test_weighted_average_default_members():
    """Check that without estimators a class-weighted logistic regression and tree are blended."""
    X, y = _skewed()
    clf = WeightedAverageClassifier(cv=3).fit(X, y)
    assert list(clf.named_estimators_) == ["lr", "tree"]
    assert clf.n_features_in_ == X.shape[1]


@pytest.mark.parametrize(("params", "error", "match"), [
    ({"objective": "macro-f1"}, ValueError, "objective must be one of .*got 'macro-f1'; did you mean one of 'macro_f1'"),
    ({"weights": [1.0, 2.0]}, ValueError, r"one entry per estimator \(3\), got shape \(2,\)"),
    ({"weights": [1.0, -1.0, 0.0]}, ValueError, r"weights must be finite, >= 0.*-1.0"),
    ({"cv": 1}, ValueError, "cv must be an int >= 2.*got 1"),
], ids=["objective", "weights-length", "weights-negative", "cv-1"])
def test_weighted_average_bad_parameters(params, error, match):
    """Check that each bad parameter is refused with its name and value."""
    X, y = _skewed()
    with pytest.raises(error, match=match):
        WeightedAverageClassifier(_members(), **params).fit(X, y)


@pytest.mark.parametrize(("estimators", "error", "match"), [
    ([], TypeError, "non-empty list of"),
    ([("svc", LinearSVC())], TypeError, r"estimator 'svc' \(LinearSVC\) has no predict_proba"),
    ([("a", GaussianNB()), ("a", GaussianNB())], ValueError, r"repeated: \['a'\]"),
    ([GaussianNB()], TypeError, r"must be a \(name, classifier\) pair"),
], ids=["empty", "no-proba", "duplicate", "not-pair"])
def test_weighted_average_bad_estimators(estimators, error, match):
    """Check that malformed member lists are refused with the offending entry."""
    X, y = _skewed()
    with pytest.raises(error, match=match):
        WeightedAverageClassifier(estimators).fit(X, y)


def test_weighted_average_single_class():
    """Check that y with one class is refused."""
    X, _ = _skewed()
    with pytest.raises(DataError, match="y has only one class, 1"):
        WeightedAverageClassifier(_members()).fit(X, np.ones(len(X), dtype=int))
