"""Tests for SMOTEBoostClassifier: the paper's update rule, AdaBoost equivalence and bad input."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import AdaBoostClassifier
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from unskew.ensemble import SMOTEBoostClassifier
from unskew.exceptions import DataError
from unskew.metrics import balanced_accuracy


class IdentityResampler(BaseEstimator):
    """A resampler that adds nothing."""

    def fit_resample(self, X, y):
        return X, y


class DropFirstResampler(BaseEstimator):
    """An under-sampler: drops the first row."""

    def fit_resample(self, X, y):
        return X[1:], y[1:]


class RecordingTree(DecisionTreeClassifier):
    """A tree that keeps what it was fitted on."""

    def fit(self, X, y, sample_weight=None, check_input=True):
        self.seen_X_, self.seen_y_ = np.array(X), np.array(y)
        self.seen_weight_ = np.array(sample_weight)
        return super().fit(X, y, sample_weight=sample_weight, check_input=check_input)


def _skewed(n=300, weights=(0.9,), n_classes=2, seed=0):
    return make_classification(n_samples=n, n_features=6, n_informative=4, n_classes=n_classes,
                               n_clusters_per_class=1, weights=list(weights), random_state=seed)


@pytest.mark.parametrize(("n_classes", "weights"), [(2, (0.85,)), (3, (0.6, 0.3))],
                         ids=["binary", "multiclass"])
def test_smoteboost_equals_adaboost_without_synthetic_rows(n_classes, weights):
    """Check that with a resampler that adds nothing SMOTEBoost is scikit-learn's SAMME AdaBoost."""
    X, y = _skewed(n_classes=n_classes, weights=weights)
    stump = DecisionTreeClassifier(max_depth=2)
    ours = SMOTEBoostClassifier(stump, n_estimators=15, learning_rate=0.7,
                                resampler=IdentityResampler(), random_state=3).fit(X, y)
    ref = AdaBoostClassifier(stump, n_estimators=15, learning_rate=0.7, random_state=3).fit(X, y)
    k = len(ours.estimators_)
    assert k == len(ref.estimators_)
    np.testing.assert_allclose(ours.estimator_weights_, ref.estimator_weights_[:k])
    np.testing.assert_allclose(ours.estimator_errors_, ref.estimator_errors_[:k])
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X))
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X))
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_smoteboost_updates_only_original_rows():
    """Check that each round reweights the original rows by exp(alpha * mistake) and ignores synthetic ones."""
    X, y = _skewed(weights=(0.85,))
    n = X.shape[0]
    clf = SMOTEBoostClassifier(RecordingTree(max_depth=2), n_estimators=6, learning_rate=0.5,
                               random_state=0).fit(X, y)
    assert len(clf.estimators_) == 6
    for t in range(5):
        now, nxt = clf.estimators_[t], clf.estimators_[t + 1]
        w = now.seen_weight_[:n] / now.seen_weight_[:n].sum()
        wrong = now.predict(X) != y
        expected = w * np.exp(clf.estimator_weights_[t] * wrong)
        got = nxt.seen_weight_[:n]
        np.testing.assert_allclose(got / got.sum(), expected / expected.sum(), rtol=1e-10)


def test_smoteboost_alpha_follows_samme_on_round_training_set():
    """Check that alpha = lr * (log((1 - err) / err) + log(K - 1)) with err on the round's weighted training set."""
    X, y = _skewed(weights=(0.85,))
    clf = SMOTEBoostClassifier(RecordingTree(max_depth=1), n_estimators=4, learning_rate=0.5,
                               random_state=1).fit(X, y)
    for t, tree in enumerate(clf.estimators_):
        err = np.average(tree.predict(tree.seen_X_) != tree.seen_y_, weights=tree.seen_weight_)
        assert clf.estimator_errors_[t] == pytest.approx(err)
        assert clf.estimator_weights_[t] == pytest.approx(0.5 * np.log((1 - err) / err))


def test_smoteboost_synthetic_rows_get_class_mean_weight():
    """Check that every round adds SMOTE rows up to the majority size, weighted as their class's mean row."""
    X, y = _skewed(weights=(0.85,))
    n, counts = X.shape[0], np.bincount(y)
    clf = SMOTEBoostClassifier(RecordingTree(max_depth=2), n_estimators=3,
                               random_state=0).fit(X, y)
    for tree in clf.estimators_:
        np.testing.assert_array_equal(tree.seen_X_[:n], X)
        np.testing.assert_array_equal(np.bincount(tree.seen_y_), [counts.max()] * 2)
        w = tree.seen_weight_
        minority_mean = w[:n][y == 1].mean()
        np.testing.assert_allclose(w[n:], minority_mean)


def test_smoteboost_sample_weight_is_initial_distribution():
    """Check that sample_weight sets the first round's weights (normalised)."""
    X, y = _skewed()
    sw = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    clf = SMOTEBoostClassifier(RecordingTree(max_depth=2), n_estimators=1,
                               resampler=IdentityResampler()).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(clf.estimators_[0].seen_weight_, sw / sw.sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_smoteboost_beats_plain_tree_on_skewed_data(seed):
    """Check that SMOTEBoost's held-out balanced accuracy is clearly above a single tree's."""
    X, y = make_classification(n_samples=2000, n_features=8, n_informative=4, weights=[0.95],
                               random_state=seed)
    Xtr, Xte, ytr, yte = train_test_split(X, y, stratify=y, test_size=0.5, random_state=0)
    tree = balanced_accuracy(yte, DecisionTreeClassifier(random_state=0).fit(Xtr, ytr).predict(Xte))
    boost = SMOTEBoostClassifier(DecisionTreeClassifier(max_depth=3), random_state=0)
    assert balanced_accuracy(yte, boost.fit(Xtr, ytr).predict(Xte)) > tree + 0.05


def test_smoteboost_multiclass_string_labels():
    """Check that multi-class string labels come back as labels, with probabilities summing to 1."""
    X, y = _skewed(n=400, n_classes=3, weights=(0.7, 0.2))
    labels = np.array(["cat", "dog", "emu"])[y]
    clf = SMOTEBoostClassifier(n_estimators=10, random_state=0).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog", "emu"])
    assert set(clf.predict(X)) <= set(clf.classes_)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    assert clf.decision_function(X).shape == (400, 3)


def test_smoteboost_is_deterministic():
    """Check that the same random_state gives the same model and another seed a different one."""
    X, y = _skewed()
    p1 = SMOTEBoostClassifier(n_estimators=10, random_state=5).fit(X, y).predict_proba(X)
    p2 = SMOTEBoostClassifier(n_estimators=10, random_state=5).fit(X, y).predict_proba(X)
    p3 = SMOTEBoostClassifier(n_estimators=10, random_state=6).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(p1, p2)
    assert not np.array_equal(p1, p3)


def test_smoteboost_rejects_estimator_without_sample_weight():
    """Check that a learner whose fit takes no sample_weight is named in the error."""
    X, y = _skewed()
    with pytest.raises(TypeError, match="KNeighborsClassifier does not accept sample_weight"):
        SMOTEBoostClassifier(KNeighborsClassifier()).fit(X, y)


def test_smoteboost_rejects_regressor():
    """Check that a regressor as estimator is refused by name."""
    X, y = _skewed()
    with pytest.raises(TypeError, match="regressor or transformer LinearRegression"):
        SMOTEBoostClassifier(LinearRegression()).fit(X, y)


def test_smoteboost_class_too_small_for_smote():
    """Check that a class with no more rows than k_neighbors gets an error quoting the numbers."""
    X, y = _skewed()
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:4]]
    with pytest.raises(DataError, match=r"class 1 has 4 training rows.*k_neighbors=5 needs at "
                                        r"least 6.*at most 3"):
        SMOTEBoostClassifier().fit(X[keep], y[keep])


def test_smoteboost_rejects_under_sampler():
    """Check that a resampler that does not keep the original rows first is refused."""
    X, y = _skewed()
    with pytest.raises(ValueError, match="DropFirstResampler must return the original rows first"):
        SMOTEBoostClassifier(resampler=DropFirstResampler()).fit(X, y)


def test_smoteboost_rejects_object_without_fit_resample():
    """Check that a resampler without fit_resample is refused."""
    X, y = _skewed()
    with pytest.raises(TypeError, match="resampler must have fit_resample"):
        SMOTEBoostClassifier(resampler="smote").fit(X, y)


def test_smoteboost_first_learner_no_better_than_chance():
    """Check that a first learner at chance level stops fit with a clear error."""
    X, y = _skewed(weights=(0.8,))
    always_one = DummyClassifier(strategy="constant", constant=1)
    with pytest.raises(ValueError, match="first learner DummyClassifier is no better than chance"):
        SMOTEBoostClassifier(always_one, resampler=IdentityResampler()).fit(X, y)


@pytest.mark.parametrize(("params", "error", "match"), [
    ({"n_estimators": 0}, ValueError, "n_estimators must be an int >= 1, got 0"),
    ({"n_estimators": 2.5}, TypeError, "n_estimators must be an int >= 1, got 2.5 of type float"),
    ({"learning_rate": 0.0}, ValueError, r"learning_rate must be a real number > 0, got 0.0"),
    ({"k_neighbors": 0}, ValueError, "k_neighbors must be an int >= 1, got 0"),
], ids=["n_estimators-0", "n_estimators-float", "learning_rate-0", "k_neighbors-0"])
def test_smoteboost_bad_parameters(params, error, match):
    """Check that each bad parameter names itself, the allowed range and the value."""
    X, y = _skewed()
    with pytest.raises(error, match=match):
        SMOTEBoostClassifier(**params).fit(X, y)


@pytest.mark.parametrize(("sample_weight", "match"), [
    (np.ones(5), r"sample_weight must have shape \(300,\)"),
    (np.r_[-1.0, np.ones(299)], "row 0 has -1.0"),
    (np.zeros(300), "sample_weight is zero for every row"),
], ids=["shape", "negative", "all-zero"])
def test_smoteboost_bad_sample_weight(sample_weight, match):
    """Check that bad sample weights are refused with the offending value."""
    X, y = _skewed()
    with pytest.raises(ValueError, match=match):
        SMOTEBoostClassifier().fit(X, y, sample_weight=sample_weight)


def test_smoteboost_single_class():
    """Check that y with one class is refused, naming the class."""
    X, _ = _skewed()
    with pytest.raises(DataError, match="y has only one class, 'a'"):
        SMOTEBoostClassifier().fit(X, np.array(["a"] * len(X)))
