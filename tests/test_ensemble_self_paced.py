"""Tests for SelfPacedEnsembleClassifier: the self-paced factor, per-bin counts, quality, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from unskew.ensemble import SelfPacedEnsembleClassifier
from unskew.ensemble._self_paced import (
    bin_sample_counts,
    bin_weights,
    hardness_bins,
    self_paced_factor,
    self_paced_under_sample,
)
from unskew.exceptions import DataError
from unskew.metrics import balanced_accuracy


class RecordingTree(DecisionTreeClassifier):
    """A tree that keeps the labels it was fitted on."""

    def fit(self, X, y, sample_weight=None, check_input=True):
        self.seen_y_ = np.array(y)
        return super().fit(X, y, sample_weight=sample_weight, check_input=check_input)


def _skewed(n=600, weights=(0.9,), n_classes=2, seed=0):
    return make_classification(n_samples=n, n_features=6, n_informative=4, n_classes=n_classes,
                               n_clusters_per_class=1, weights=list(weights), flip_y=0,
                               random_state=seed)


@pytest.mark.parametrize("n", [1, 4, 10])
def test_self_paced_factor_is_tan(n):
    """Check that alpha_i = tan(i * pi / (2 n)) and the last round's alpha is infinite."""
    got = [self_paced_factor(i, n) for i in range(1, n + 1)]
    np.testing.assert_allclose(got[:-1], [np.tan(i * np.pi / (2 * n)) for i in range(1, n)])
    assert got[-1] == np.inf


def test_hardness_bins_are_equal_width():
    """Check that rows fall into k equal-width bins over [min, max], the max in the last."""
    h = np.array([0.2, 0.25, 0.39, 0.41, 0.61, 1.0])
    # width (1.0 - 0.2) / 4 = 0.2: edges 0.4, 0.6, 0.8
    assert hardness_bins(h, 4).tolist() == [0, 0, 0, 1, 2, 3]
    assert hardness_bins(np.full(5, 0.3), 4).tolist() == [0] * 5


@pytest.mark.parametrize("alpha", [0.05, 0.5, 3.0])
def test_self_paced_under_sample_per_bin_counts_follow_formula(alpha):
    """Check that bin l receives round(n * p_l / sum p) rows with p_l = 1 / (h_l + alpha)."""
    rng = np.random.RandomState(0)
    # four hardness levels, k_bins=4 puts each level in its own bin
    levels = np.array([0.0, 1 / 3, 2 / 3, 1.0])
    sizes = np.array([400, 100, 60, 40])
    hardness = np.repeat(levels, sizes)
    n = 80
    idx = self_paced_under_sample(hardness, n, 4, alpha, rng)
    got = np.array([np.sum(hardness[idx] == lv) for lv in levels])
    p = 1.0 / (levels + alpha)
    share = n * p / p.sum()
    assert got.sum() == n
    assert np.all(np.abs(got - share) < 1.0)
    assert len(np.unique(idx)) == n  # without replacement


def test_self_paced_under_sample_last_round_is_even():
    """Check that alpha = inf gives every non-empty bin the same number of rows."""
    hardness = np.repeat([0.0, 0.5, 1.0], [300, 50, 50])
    idx = self_paced_under_sample(hardness, 30, 3, np.inf, np.random.RandomState(0))
    assert [int(np.sum(hardness[idx] == v)) for v in (0.0, 0.5, 1.0)] == [10, 10, 10]


def test_self_paced_soft_resample_matches_formula_in_expectation():
    """Check that soft sampling's mean per-bin counts approach n * p_l / sum p."""
    levels = np.array([0.0, 0.5, 1.0])
    hardness = np.repeat(levels, [3000, 3000, 3000])
    alpha, n, reps = 0.25, 30, 400
    rng = np.random.RandomState(0)
    totals = np.zeros(3)
    for _ in range(reps):
        idx = self_paced_under_sample(hardness, n, 3, alpha, rng, soft=True)
        totals += [np.sum(hardness[idx] == lv) for lv in levels]
    p = 1.0 / (levels + alpha)
    np.testing.assert_allclose(totals / reps, n * p / p.sum(), rtol=0.05)


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(0, 30), min_size=1, max_size=8),
       weights=st.lists(st.floats(0.01, 100.0), min_size=8, max_size=8),
       n=st.integers(0, 200))
def test_bin_sample_counts_invariants(sizes, weights, n):
    """Check that counts never exceed a bin, add up to min(n, rows) and match shares when no cap binds."""
    sizes = np.array(sizes)
    p = bin_weights(np.zeros(len(sizes)), sizes, 1.0) * np.array(weights[:len(sizes)])
    counts = bin_sample_counts(sizes, p, n)
    assert (counts >= 0).all()
    assert (counts <= sizes).all()
    assert counts.sum() == min(n, sizes.sum())
    share = n * p / p.sum() if p.sum() else np.zeros_like(p)
    if (share <= sizes).all():
        assert np.all(np.abs(counts - share) < 1.0)


def test_self_paced_members_see_balanced_subsets():
    """Check that every member sees each larger class cut to the smallest class's size."""
    X, y = _skewed(n=500, n_classes=3, weights=(0.7, 0.2))
    counts = np.bincount(y)
    clf = SelfPacedEnsembleClassifier(RecordingTree(), n_estimators=5, random_state=0).fit(X, y)
    assert len(clf.estimators_) == 5
    for tree in clf.estimators_:
        assert np.bincount(tree.seen_y_).tolist() == [counts.min()] * 3
    np.testing.assert_allclose(clf.alphas_[:-1], np.tan(np.arange(1, 5) * np.pi / 10))
    assert clf.alphas_[-1] == np.inf


def test_self_paced_prefers_hard_rows_early():
    """Check that with a small alpha the drawn majority rows are harder than a random draw."""
    rng = np.random.RandomState(0)
    hardness = rng.beta(0.3, 3.0, size=2000)  # mostly easy, a tail of hard rows
    idx = self_paced_under_sample(hardness, 100, 10, self_paced_factor(1, 10), rng)
    assert hardness[idx].mean() > 2 * hardness.mean()


def test_self_paced_averages_members():
    """Check that predict_proba is the mean of the members' probabilities."""
    X, y = _skewed()
    clf = SelfPacedEnsembleClassifier(DecisionTreeClassifier(max_depth=3), n_estimators=4,
                                      random_state=0).fit(X, y)
    expected = np.mean([m.predict_proba(X) for m in clf.estimators_], axis=0)
    np.testing.assert_allclose(clf.predict_proba(X), expected)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_self_paced_beats_plain_tree_on_skewed_data(seed):
    """Check that SPE's held-out balanced accuracy is clearly above a single tree's."""
    X, y = make_classification(n_samples=2000, n_features=8, n_informative=4, weights=[0.95],
                               random_state=seed)
    Xtr, Xte, ytr, yte = train_test_split(X, y, stratify=y, test_size=0.5, random_state=0)
    tree = balanced_accuracy(yte, DecisionTreeClassifier(random_state=0).fit(Xtr, ytr).predict(Xte))
    spe = SelfPacedEnsembleClassifier(random_state=0).fit(Xtr, ytr)
    assert balanced_accuracy(yte, spe.predict(Xte)) > tree + 0.05


@pytest.mark.parametrize("soft", [False, True], ids=["hard", "soft"])
def test_self_paced_is_deterministic(soft):
    """Check that the same seed gives the same model and another seed a different one."""
    X, y = _skewed()
    fit = lambda seed: SelfPacedEnsembleClassifier(soft_resample=soft, random_state=seed).fit(X, y)  # noqa: E731
    np.testing.assert_array_equal(fit(1).predict_proba(X), fit(1).predict_proba(X))
    assert not np.array_equal(fit(1).predict_proba(X), fit(2).predict_proba(X))


def test_self_paced_rejects_estimator_without_predict_proba():
    """Check that a member without predict_proba is named: hardness needs probabilities."""
    X, y = _skewed()
    with pytest.raises(TypeError, match="LinearSVC has no predict_proba"):
        SelfPacedEnsembleClassifier(LinearSVC()).fit(X, y)


@pytest.mark.parametrize(("params", "error", "match"), [
    ({"n_estimators": 0}, ValueError, "n_estimators must be an int >= 1, got 0"),
    ({"k_bins": 0}, ValueError, "k_bins must be an int >= 1, got 0"),
    ({"soft_resample": "yes"}, TypeError, "soft_resample must be True or False, got 'yes'"),
], ids=["n_estimators-0", "k_bins-0", "soft-str"])
def test_self_paced_bad_parameters(params, error, match):
    """Check that each bad parameter is refused with its name and value."""
    X, y = _skewed()
    with pytest.raises(error, match=match):
        SelfPacedEnsembleClassifier(**params).fit(X, y)


def test_self_paced_single_class():
    """Check that y with one class is refused."""
    X, _ = _skewed()
    with pytest.raises(DataError, match="y has only one class, 'x'"):
        SelfPacedEnsembleClassifier().fit(X, np.array(["x"] * len(X)))
