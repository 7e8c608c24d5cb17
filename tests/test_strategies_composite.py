"""Tests of composite strategies named by their members (``stack[a|b]``, ``vote[a|b]``)."""

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler
from sklearn.ensemble import StackingClassifier, VotingClassifier
from threadpoolctl import threadpool_limits

from unskew.comparison.strategies import REGISTRY, lookup, resolve
from unskew.comparison.strategies._composite import parse_composite
from unskew.ensemble import WeightedAverageClassifier
from unskew.exceptions import DataError

FEATURE_TYPES = {"a": "numeric", "b": "numeric"}


def _data(n_major=120, n_minor=24, seed=0):
    """Column 0 is a unique row id (also informative: the minority has the larger ids)."""
    rng = np.random.default_rng(seed)
    n = n_major + n_minor
    X = pd.DataFrame({"a": np.arange(n, dtype=float), "b": rng.normal(0, 1, n)})
    y = np.array(["major"] * n_major + ["minor"] * n_minor)
    return X, y


class _RecordingResampler(RandomOverSampler):
    """Random over-sampling that records the row ids (column 0) of every call."""

    seen: ClassVar[list] = []

    def fit_resample(self, X, y, **params):
        type(self).seen.append(set(np.asarray(X)[:, 0].tolist()))
        return super().fit_resample(X, y, **params)


@pytest.mark.parametrize(("name", "combiner", "members"), [
    ("stack[smote+lr|weighted+hgb]", "stack", ["smote+lr", "weighted+hgb"]),
    ("vote[ a+b | c+d ]", "vote", ["a+b", "c+d"]),
    ("smote+lr", None, None),
    ("stack[]", None, None),
], ids=["stack", "spaces", "plain", "empty"])
def test_parse_composite(name, combiner, members):
    """Check that a composite name splits into its combiner and members."""
    parsed = parse_composite(name)
    assert parsed == (None if combiner is None else (combiner, members))


@pytest.mark.parametrize(("name", "match"), [
    ("stak[smote+lr|weighted+lr]", "unknown combiner 'stak'.*stack"),
    ("stack[smote+lr]", "at least two members"),
    ("stack[smote+lr|nope+lr]", "unknown strategy 'nope\\+lr'"),
    ("smote+lrr", "did you mean one of 'smote\\+lr'.*stack\\[a\\|b\\]"),
], ids=["combiner", "one-member", "unknown-member", "unknown-plain"])
def test_lookup_errors_are_clear(name, match):
    """Check that a bad composite name says what is wrong and what exists."""
    with pytest.raises(DataError, match=match):
        lookup(name)


def test_lookup_composite_is_not_registered_and_resolves_by_name():
    """Check that composites are built on demand and resolve like registered strategies."""
    name = "stack[ros+lr|weighted+hgb]"
    assert name not in REGISTRY
    (strategy,) = resolve([name])
    assert strategy.name == name
    assert strategy.family == "ensembles"
    assert "ros+lr" in strategy.description
    assert "weighted+hgb" in strategy.description
    est = strategy.build(FEATURE_TYPES, 0)
    assert isinstance(est, StackingClassifier)
    assert [n for n, _ in est.estimators] == ["ros+lr", "weighted+hgb"]


def test_composite_binary_only_when_a_member_is():
    """Check that a composite with a binary-only member is binary-only."""
    binary = next(n for n, s in REGISTRY.items() if s.binary_only)
    assert lookup(f"vote[none+lr|{binary}]").binary_only
    assert not lookup("vote[none+lr|weighted+lr]").binary_only


@pytest.mark.parametrize("combiner", ["stack", "vote", "avg"])
def test_composite_members_resample_training_rows_only(combiner):
    """Check that each member's resampler only ever sees rows of the data given to fit."""
    X, y = _data()
    train, test = np.arange(0, len(y), 2), np.arange(1, len(y), 2)
    est = lookup(f"{combiner}[ros+lr|rus+lr]").build(FEATURE_TYPES, 0)
    # no scaling, so the resampler sees the row ids as they are
    est.set_params(**{"ros+lr__resample": _RecordingResampler(random_state=0),
                      "ros+lr__preprocess": "passthrough"})
    _RecordingResampler.seen = []
    with threadpool_limits(1):
        est.fit(X.iloc[train], y[train])
        proba = est.predict_proba(X.iloc[test])
    test_ids = set(X["a"].iloc[test].tolist())
    assert _RecordingResampler.seen, "the member's resampler never ran"
    assert all(ids <= set(X["a"].iloc[train].tolist()) for ids in _RecordingResampler.seen)
    assert not any(ids & test_ids for ids in _RecordingResampler.seen)
    # stacking and the fitted average fit each member on every inner training fold, then on
    # the whole fit data
    expected_calls = 1 if combiner == "vote" else 6
    assert len(_RecordingResampler.seen) == expected_calls
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    expected_type = {"stack": StackingClassifier, "vote": VotingClassifier,
                     "avg": WeightedAverageClassifier}[combiner]
    assert isinstance(est, expected_type)
