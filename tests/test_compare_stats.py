"""Tests of the statistics behind compare: corrected intervals and tests, splits, cache."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from unskew.comparison._cache import TaskCache, task_key
from unskew.comparison._splits import make_splits
from unskew.comparison._stats import corrected_interval, corrected_paired_ttest
from unskew.exceptions import DataError


def test_corrected_interval_by_hand():
    """Check the Nadeau-Bengio interval against the formula written out."""
    x = np.array([0.70, 0.72, 0.68, 0.71, 0.69])
    ratio = 0.25
    s2 = ((x - x.mean()) ** 2).sum() / 4
    half = stats.t.ppf(0.975, 4) * np.sqrt(s2 * (1 / 5 + ratio))
    ci = corrected_interval(x, test_train_ratio=ratio)
    assert (ci.mean, ci.low, ci.high) == pytest.approx((x.mean(), x.mean() - half, x.mean() + half))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=2, max_size=20), st.floats(0.05, 1.0))
def test_corrected_interval_is_wider_than_naive(scores, ratio):
    """Check that the corrected interval always contains the naive t-interval."""
    naive = corrected_interval(scores, test_train_ratio=0.0)
    corrected = corrected_interval(scores, test_train_ratio=ratio)
    assert corrected.low <= naive.low + 1e-12
    assert corrected.high >= naive.high - 1e-12


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=3, max_size=15))
def test_corrected_ttest_without_correction_is_paired_ttest(pairs):
    """Check that with test/train ratio 0 the test equals scipy's paired t-test."""
    a, b = np.array(pairs).T
    d = a - b
    if np.allclose(d, d[0]):
        return  # scipy returns nan for zero variance; ours is documented as 1 or 0
    expected = stats.ttest_rel(a, b).pvalue
    assert corrected_paired_ttest(a, b, test_train_ratio=0.0) == pytest.approx(expected)


def test_make_splits_are_stratified_and_repeatable():
    """Check that every test fold holds every class and the same seed gives the same folds."""
    y = np.array([0] * 50 + [1] * 10 + [2] * 5)
    a = make_splits(y, folds=5, repeats=2, random_state=3)
    b = make_splits(y, folds=5, repeats=2, random_state=3)
    assert len(a) == 10
    for s, t in zip(a, b, strict=True):
        assert set(y[s.test]) == {0, 1, 2}
        np.testing.assert_array_equal(s.test, t.test)
    for r in range(2):
        rows = np.concatenate([s.test for s in a if s.repeat == r])
        assert sorted(rows) == list(range(y.size))


def test_make_splits_groups_stay_together():
    """Check that no group appears on both sides of a split."""
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(40), 5)
    y = np.repeat(rng.integers(0, 2, 40), 5)
    for s in make_splits(y, folds=4, repeats=1, groups=groups):
        assert not set(groups[s.train]) & set(groups[s.test])


def test_make_splits_time_goes_forward():
    """Check that time splits always train on earlier rows than they test."""
    time = np.random.default_rng(0).permutation(100)
    y = np.zeros(100)
    for s in make_splits(y, folds=4, time=time):
        assert time[s.train].max() < time[s.test].min()


def test_make_splits_refuses_tiny_class():
    """Check that a class smaller than the folds is named with the fixes that would work:
    dropping it is no fix when it would leave a single class."""
    y = ["a"] * 30 + ["b"] * 3
    with pytest.raises(DataError, match=r"'b' \(3 rows\).*--folds 3\)\.$"):
        make_splits(y, folds=5)
    y = ["a"] * 30 + ["c"] * 10 + ["b"] * 3
    with pytest.raises(DataError, match=r"'b' \(3 rows\).*--folds 3.*--min-class-size 5"):
        make_splits(y, folds=5)


def test_task_cache_round_trip_and_atomic(tmp_path):
    """Check that a stored record comes back and a torn file is treated as missing."""
    cache = TaskCache(tmp_path)
    key = task_key(strategy="none+lr", fold=0)
    record = {"status": "ok", "scores": {"macro_f1": 0.5}, "proba": np.eye(3)}
    cache.put(key, record)
    back = cache.get(key)
    assert back["scores"] == {"macro_f1": 0.5}
    np.testing.assert_array_equal(back["proba"], np.eye(3))
    assert list(tmp_path.glob("*.tmp")) == []
    (tmp_path / f"{key}.npz").write_bytes(b"torn")
    assert cache.get(key) is None
    assert task_key(strategy="a", fold=0) != task_key(strategy="a", fold=1)
