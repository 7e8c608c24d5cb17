"""Tests of unskew.weights against values computed by hand from the formulas."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils.class_weight import compute_class_weight

from unskew.exceptions import DataError
from unskew.weights import (
    class_counts,
    class_priors,
    class_weights,
    sample_weights,
    weights_from_counts,
)

# 3 classes with 60 / 30 / 10 rows: N = 100, C = 3
Y = np.array(["a"] * 60 + ["b"] * 30 + ["c"] * 10)


def test_class_weights_balanced_by_hand():
    """Check that 'balanced' gives N / (C * n_c)."""
    w = class_weights(Y, "balanced")
    assert w == pytest.approx({"a": 100 / 180, "b": 100 / 90, "c": 100 / 30})


def test_class_weights_effective_number_by_hand():
    """Check that 'effective_number' gives (1-b)/(1-b^n_c) rescaled to mean sample weight 1."""
    beta = 0.9
    raw = {c: (1 - beta) / (1 - beta**n) for c, n in {"a": 60, "b": 30, "c": 10}.items()}
    scale = 100 / (60 * raw["a"] + 30 * raw["b"] + 10 * raw["c"])
    expected = {c: r * scale for c, r in raw.items()}
    assert class_weights(Y, "effective_number", beta=beta) == pytest.approx(expected)


def test_class_weights_inverse_sqrt_by_hand():
    """Check that 'inverse_sqrt' gives 1/sqrt(n_c) rescaled to mean sample weight 1."""
    scale = 100 / (60 / np.sqrt(60) + 30 / np.sqrt(30) + 10 / np.sqrt(10))
    expected = {c: scale / np.sqrt(n) for c, n in {"a": 60, "b": 30, "c": 10}.items()}
    assert class_weights(Y, "inverse_sqrt") == pytest.approx(expected)


def test_class_weights_capped_by_hand():
    """Check that 'capped' clips 1/n_c at max_ratio times the smallest raw weight."""
    # raw 1/60, 1/30, 1/10 -> capped at 2/60: 1/60, 1/30, 1/30; scale = 100 / (1 + 1 + 1/3)
    scale = 100 / (60 / 60 + 30 / 30 + 10 / 30)
    expected = {"a": scale / 60, "b": scale / 30, "c": scale / 30}
    assert class_weights(Y, "capped", max_ratio=2) == pytest.approx(expected)


def test_class_weights_balanced_equals_scikit_learn():
    """Check that 'balanced' equals scikit-learn's compute_class_weight('balanced')."""
    classes = np.unique(Y)
    reference = compute_class_weight("balanced", classes=classes, y=Y)
    assert list(class_weights(Y).values()) == pytest.approx(reference.tolist())


@pytest.mark.parametrize(
    ("beta", "expected"),
    [(0.0, "equal"), (1 - 1e-12, "balanced")],
    ids=["beta0-equal", "beta1-balanced"],
)
def test_class_weights_effective_number_limits(beta, expected):
    """Check that beta=0 gives equal weights and beta->1 approaches 'balanced'."""
    w = class_weights(Y, "effective_number", beta=beta)
    if expected == "equal":
        assert w == pytest.approx({"a": 1.0, "b": 1.0, "c": 1.0})
    else:
        assert w == pytest.approx(class_weights(Y, "balanced"), rel=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(1, 500), min_size=2, max_size=8),
    method=st.sampled_from(["balanced", "effective_number", "inverse_sqrt", "capped"]),
)
def test_class_weights_mean_sample_weight_is_one(counts, method):
    """Check that every method is normalised to a mean sample weight of 1 and favours rare classes."""
    y = np.repeat(np.arange(len(counts)), counts)
    sw = sample_weights(y, method)
    assert sw.mean() == pytest.approx(1.0)
    w = class_weights(y, method)
    order = np.argsort(counts, kind="stable")
    ws = np.array([w[i] for i in order])
    assert np.all(np.diff(ws) <= 1e-9), "weights must not grow with class size"
    if method == "capped":
        assert max(w.values()) / min(w.values()) <= 10 + 1e-9


def test_sample_weights_match_class_weights():
    """Check that each row gets its class's weight."""
    w = class_weights(Y, "inverse_sqrt")
    sw = sample_weights(Y, "inverse_sqrt")
    assert sw == pytest.approx([w[c] for c in Y])


def test_class_counts_and_priors():
    """Check counts, priors and the classes= order including an absent class."""
    assert class_counts(Y) == {"a": 60, "b": 30, "c": 10}
    assert class_priors(Y) == pytest.approx({"a": 0.6, "b": 0.3, "c": 0.1})
    assert class_counts(Y, classes=["c", "a", "b", "z"]) == {"c": 10, "a": 60, "b": 30, "z": 0}


def test_class_weights_keys_are_python_scalars():
    """Check that integer labels come back as Python ints usable as class_weight keys."""
    w = class_weights(np.array([0, 0, 1], dtype=np.int64))
    assert all(type(k) is int for k in w)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"method": "balance"}, ValueError, "did you mean 'balanced'"),
        ({"method": "effective_number", "beta": 1.0}, ValueError, r"beta must be in \[0, 1\)"),
        ({"method": "capped", "max_ratio": 0.5}, ValueError, "max_ratio must be >= 1"),
        ({"classes": ["a", "b", "c", "d"]}, DataError, r"classes \['d'\] have no rows"),
        ({"classes": ["a", "b"]}, DataError, "not in classes"),
    ],
    ids=["unknown-method", "beta-1", "ratio-below-1", "absent-class", "unknown-label"],
)
def test_class_weights_bad_parameters(kwargs, error, match):
    """Check that bad parameters raise a specific error."""
    with pytest.raises(error, match=match):
        class_weights(Y, **kwargs)


@pytest.mark.parametrize(
    ("y", "match"),
    [
        ([], "y is empty"),
        ([[0, 1], [1, 0]], "1-D array"),
        ([0.0, np.nan, 1.0], "1 NaN labels"),
        (np.array(["a", None], dtype=object), "missing labels"),
    ],
    ids=["empty", "2d", "nan", "none"],
)
def test_class_weights_bad_labels(y, match):
    """Check that unusable labels raise DataError naming the problem."""
    with pytest.raises(DataError, match=match):
        class_weights(y)


@pytest.mark.parametrize("method", ["balanced", "effective_number", "inverse_sqrt", "capped"])
def test_weights_from_counts_equal_class_weights(method):
    """Check that weights from a count vector equal those computed from the labels."""
    counts = [500, 40, 7]
    y = np.repeat([0, 1, 2], counts)
    expected = list(class_weights(y, method, beta=0.99, max_ratio=5).values())
    np.testing.assert_allclose(
        weights_from_counts(counts, method, beta=0.99, max_ratio=5), expected, rtol=1e-12)


@pytest.mark.parametrize("counts", [[3, 0], [2, -1], [1, np.nan], []], ids=str)
def test_weights_from_counts_rejects_empty_or_bad_counts(counts):
    """Check that a class without rows or a non-finite count is a clear error."""
    with pytest.raises(DataError, match="counts"):
        weights_from_counts(counts)
