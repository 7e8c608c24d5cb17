"""Tests of WeightedSelection: rows drawn with probability proportional to their class weight."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unskew.exceptions import DataError
from unskew.resampling import WeightedSelection
from unskew.weights import class_weights

COUNTS = {"a": 600, "b": 300, "c": 100}
Y = np.repeat(list(COUNTS), list(COUNTS.values()))
X = np.arange(Y.size, dtype=float).reshape(-1, 1)


def _expected_shares(weights: dict) -> dict:
    """n_c * w_c / sum_k n_k * w_k: the probability that a draw lands in class c."""
    mass = {c: COUNTS[c] * weights[c] for c in COUNTS}
    total = sum(mass.values())
    return {c: m / total for c, m in mass.items()}


@pytest.mark.parametrize(
    "weights",
    ["balanced", "effective_number", "inverse_sqrt", "capped", {"a": 1.0, "b": 2.0, "c": 0.5}],
    ids=["balanced", "effective-number", "inverse-sqrt", "capped", "dict"],
)
def test_selection_class_frequencies_converge_to_the_weighting(weights):
    """Check that over a large seeded draw each class's share is within 4 binomial sd of n_c w_c / sum."""
    w = weights if isinstance(weights, dict) else class_weights(Y, weights)
    shares = _expected_shares(w)
    n_draws = 200_000
    selection = WeightedSelection(weights=weights, n_samples=n_draws, random_state=0)
    _, y_res = selection.fit_resample(X, Y)
    for c, p in shares.items():
        observed = np.mean(y_res == c)
        assert abs(observed - p) < 4 * np.sqrt(p * (1 - p) / n_draws)
        assert selection.expected_counts_[c] == pytest.approx(n_draws * p)
    assert selection.sampling_strategy_ == {c: int((y_res == c).sum()) for c in COUNTS}


def test_selection_balanced_expects_equal_counts():
    """Check that 'balanced' expects n_samples / C rows of every class."""
    selection = WeightedSelection(n_samples=900, random_state=0)
    selection.fit_resample(X, Y)
    assert selection.expected_counts_ == pytest.approx({"a": 300, "b": 300, "c": 300})


@settings(max_examples=30, deadline=None)
@given(counts=st.lists(st.integers(1, 40), min_size=2, max_size=5),
       n_samples=st.integers(1, 150), seed=st.integers(0, 2**16))
def test_selection_rows_are_drawn_input_rows(counts, n_samples, seed):
    """Check that the output is X[sample_indices_], sorted, of n_samples rows."""
    y = np.repeat(np.arange(len(counts)), counts)
    X_in = np.random.RandomState(seed).normal(size=(y.size, 3))
    selection = WeightedSelection(n_samples=n_samples, random_state=seed)
    X_res, y_res = selection.fit_resample(X_in, y)
    idx = selection.sample_indices_
    assert idx.size == n_samples
    assert (np.diff(idx) >= 0).all()
    np.testing.assert_array_equal(X_res, X_in[idx])
    np.testing.assert_array_equal(y_res, y[idx])


def test_selection_without_replacement_draws_distinct_rows():
    """Check that replacement=False never repeats a row and favours the weighted classes."""
    selection = WeightedSelection(n_samples=150, replacement=False, random_state=0)
    _, y_res = selection.fit_resample(X, Y)
    assert np.unique(selection.sample_indices_).size == 150
    # balanced: 'c' rows are 6 times as likely as 'a' rows, so 'c' is over-represented
    assert np.mean(y_res == "c") > COUNTS["c"] / Y.size


def test_selection_zero_weight_leaves_a_class_out():
    """Check that a dict weight of 0 removes that class from the draw."""
    _, y_res = WeightedSelection(weights={"a": 0, "b": 1, "c": 1}, random_state=0).fit_resample(X, Y)
    assert "a" not in set(y_res)


def test_selection_pandas_strings_and_weights_carried():
    """Check pandas in/out, string and NaN features pass through, and sample_weight follows rows."""
    df = pd.DataFrame({"name": [f"r{i}" for i in range(Y.size)], "v": np.where(X[:, 0] % 7 == 0,
                                                                                np.nan, X[:, 0])})
    y_s = pd.Series(Y, name="label")
    w = np.linspace(1, 2, Y.size)
    selection = WeightedSelection(random_state=0)
    X_res, y_res, w_res = selection.fit_resample(df, y_s, sample_weight=w)
    assert isinstance(X_res, pd.DataFrame)
    assert X_res.columns.tolist() == ["name", "v"]
    assert y_res.name == "label"
    np.testing.assert_array_equal(X_res["name"].to_numpy(), df["name"].to_numpy()[selection.sample_indices_])
    np.testing.assert_array_equal(w_res, w[selection.sample_indices_])


@pytest.mark.parametrize(
    ("params", "x", "error", "match"),
    [
        ({"weights": "balnced"}, X, ValueError, "got 'balnced'; did you mean 'balanced'"),
        ({"weights": {"a": 1, "b": 1}}, X, DataError, "missing: c \\(give 0 to leave"),
        ({"weights": {"a": 1, "b": 1, "c": 1, "z": 1}}, X, DataError, "not in y: z"),
        ({"weights": {"a": 1, "b": -1, "c": 1}}, X, ValueError, "finite weight >= 0; got \\{'b': -1.0\\}"),
        ({"weights": {"a": 0, "b": 0, "c": 0}}, X, ValueError, "every class weight 0"),
        ({"n_samples": 2000, "replacement": False}, X, DataError,
         "n_samples=2000 rows cannot be drawn without replacement from 1000 rows"),
        ({"n_samples": 0}, X, ValueError, "'n_samples' .* int >= 1 or None; got 0"),
        ({}, X[:, 0], DataError, "must be 2-D .* 1-D array of 1000 values"),
    ],
    ids=["method", "dict-missing", "dict-unknown", "negative", "all-zero", "too-many", "zero-n",
         "1d-X"],
)
def test_selection_bad_input_errors(params, x, error, match):
    """Check that bad weights, sizes and shapes raise clear errors with the user's values."""
    with pytest.raises(error, match=match):
        WeightedSelection(**params).fit_resample(x, Y)
