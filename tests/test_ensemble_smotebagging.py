"""Tests for SMOTEBaggingClassifier: bag composition by resampling rate, quality and bad input."""

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.datasets import make_classification
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from unskew.ensemble import SMOTEBaggingClassifier
from unskew.ensemble._smotebagging import bag_class_counts, bag_resampling_rate
from unskew.exceptions import DataError
from unskew.metrics import balanced_accuracy


class RecordingTree(DecisionTreeClassifier):
    """A tree that keeps the bag it was fitted on."""

    def fit(self, X, y, sample_weight=None, check_input=True):
        self.seen_X_, self.seen_y_ = np.array(X), np.array(y)
        return super().fit(X, y, sample_weight=sample_weight, check_input=check_input)


def _three_classes(seed=0):
    return make_classification(n_samples=300, n_features=5, n_informative=4, n_redundant=0,
                               n_classes=3, n_clusters_per_class=1, weights=[0.7, 0.2, 0.1],
                               flip_y=0, random_state=seed)


def test_bag_resampling_rate_cycles_from_10_to_100():
    """Check that b is 10% for the first bag, grows by 10 per bag and restarts after 100%."""
    assert [bag_resampling_rate(t) for t in range(12)] == [10 * (t % 10 + 1) for t in range(12)]


@pytest.mark.parametrize("rate", [10, 30, 50, 100])
def test_bagging_bags_follow_resampling_rate(rate):
    """Check that each class has N rows in a bag: b% of N bootstrap copies, the rest SMOTE rows."""
    X, y = _three_classes()
    counts = np.bincount(y)
    n_max = counts.max()
    bag = (rate // 10) - 1  # the bag index whose rate is `rate`
    clf = SMOTEBaggingClassifier(RecordingTree(), n_estimators=bag + 1, random_state=0).fit(X, y)
    tree = clf.estimators_[bag]
    assert clf.resampling_rates_[bag] == rate
    originals = {c: {row.tobytes() for row in X[y == c]} for c in range(3)}
    n_copies = int(np.floor(rate * n_max / 100 + 0.5))
    for c in range(3):
        rows = tree.seen_X_[tree.seen_y_ == c]
        assert len(rows) == n_max
        copies = sum(row.tobytes() in originals[c] for row in rows)
        assert copies == (n_max if counts[c] == n_max else n_copies)


def test_bagging_synthetic_rows_lie_between_same_class_rows():
    """Check that every SMOTE row of a bag lies inside the bounding box of its class's rows."""
    X, y = _three_classes()
    clf = SMOTEBaggingClassifier(RecordingTree(), n_estimators=1, random_state=0).fit(X, y)
    tree = clf.estimators_[0]
    for c in (1, 2):
        rows = tree.seen_X_[tree.seen_y_ == c]
        assert (rows >= X[y == c].min(axis=0) - 1e-12).all()
        assert (rows <= X[y == c].max(axis=0) + 1e-12).all()


def test_bag_class_counts_rounds_half_up():
    """Check that the copy count is b% of the largest class rounded half up, the rest synthetic."""
    copies, synthetic = bag_class_counts([10, 4, 2], rate=25)
    assert copies.tolist() == [10, 3, 3]
    assert synthetic.tolist() == [0, 7, 7]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bagging_beats_plain_tree_on_skewed_data(seed):
    """Check that SMOTEBagging's held-out balanced accuracy is above a single tree's."""
    X, y = make_classification(n_samples=2000, n_features=8, n_informative=4, weights=[0.95],
                               random_state=seed)
    Xtr, Xte, ytr, yte = train_test_split(X, y, stratify=y, test_size=0.5, random_state=0)
    tree = balanced_accuracy(yte, DecisionTreeClassifier(random_state=0).fit(Xtr, ytr).predict(Xte))
    bagging = SMOTEBaggingClassifier(random_state=0).fit(Xtr, ytr)
    assert balanced_accuracy(yte, bagging.predict(Xte)) > tree + 0.03


def test_bagging_is_deterministic_and_parallel_safe():
    """Check that the same seed gives the same model, serially or on two workers."""
    X, y = _three_classes()
    p1 = SMOTEBaggingClassifier(n_estimators=4, random_state=3).fit(X, y).predict_proba(X)
    with parallel_backend("threading"):
        p2 = SMOTEBaggingClassifier(n_estimators=4, random_state=3,
                                    n_jobs=2).fit(X, y).predict_proba(X)
    p3 = SMOTEBaggingClassifier(n_estimators=4, random_state=4).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(p1, p2)
    assert not np.array_equal(p1, p3)


def test_bagging_averages_member_probabilities():
    """Check that predict_proba is the mean of the members' probabilities."""
    X, y = _three_classes()
    clf = SMOTEBaggingClassifier(DecisionTreeClassifier(max_depth=3), n_estimators=3,
                                 random_state=0).fit(X, y)
    expected = np.mean([m.predict_proba(X) for m in clf.estimators_], axis=0)
    np.testing.assert_allclose(clf.predict_proba(X), expected)


def test_bagging_votes_without_predict_proba():
    """Check that members without predict_proba contribute vote shares."""
    X, y = _three_classes()
    clf = SMOTEBaggingClassifier(LinearSVC(), n_estimators=3, random_state=0).fit(X, y)
    votes = np.stack([m.predict(X) for m in clf.estimators_])
    expected = np.stack([(votes == c).mean(axis=0) for c in range(3)], axis=1)
    np.testing.assert_allclose(clf.predict_proba(X), expected)


def test_bagging_multiclass_string_labels():
    """Check that string labels come back as labels."""
    X, y = _three_classes()
    labels = np.array(["a", "b", "c"])[y]
    clf = SMOTEBaggingClassifier(n_estimators=3, random_state=0).fit(X, labels)
    assert set(clf.predict(X)) <= {"a", "b", "c"}
    np.testing.assert_array_equal(clf.classes_, ["a", "b", "c"])


def test_bagging_class_too_small_for_smote():
    """Check that a class SMOTE cannot grow is named with its row count and the fix."""
    X, y = _three_classes()
    keep = np.r_[np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:1]]
    with pytest.raises(DataError, match=r"class 2 has 1 training row, .*one row cannot be"):
        SMOTEBaggingClassifier().fit(X[keep], y[keep])


@pytest.mark.parametrize(("params", "error", "match"), [
    ({"n_estimators": 0}, ValueError, "n_estimators must be an int >= 1, got 0"),
    ({"k_neighbors": True}, TypeError, "k_neighbors must be an int >= 1, got True"),
    ({"estimator": LinearRegression()}, TypeError, "regressor or transformer LinearRegression"),
], ids=["n_estimators-0", "k_neighbors-bool", "regressor"])
def test_bagging_bad_parameters(params, error, match):
    """Check that each bad parameter is refused with its name and value."""
    X, y = _three_classes()
    with pytest.raises(error, match=match):
        SMOTEBaggingClassifier(**params).fit(X, y)


def test_bagging_single_class():
    """Check that y with one class is refused."""
    X, _ = _three_classes()
    with pytest.raises(DataError, match="y has only one class, 7"):
        SMOTEBaggingClassifier().fit(X, np.full(len(X), 7))
