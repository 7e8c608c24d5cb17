"""Tests of the multi-label resamplers MLROS and MLSMOTE and of the IRLbl / MeanIR measures."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.neighbors import NearestNeighbors
from sklearn.utils.estimator_checks import (
    check_estimator_cloneable,
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from unskew.exceptions import DataError
from unskew.resampling import MLROS, MLSMOTE
from unskew.resampling._multilabel import label_imbalance_ratios, mean_imbalance_ratio


def _multilabel(n=200, seed=0, rates=(0.8, 0.4, 0.1, 0.05)):
    """Features and a (n, L) indicator matrix whose labels are increasingly rare."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    Y = (rng.uniform(size=(n, len(rates))) < np.array(rates)).astype(int)
    Y[Y.sum(axis=1) == 0, 0] = 1  # every row has a label
    return X, Y


def test_label_imbalance_ratios_by_hand():
    """Check IRLbl = max count / count, inf for an absent label, and MeanIR over present labels."""
    Y = np.array([[1, 1, 0, 0], [1, 0, 0, 0], [1, 0, 1, 0], [1, 1, 0, 0]])
    counts = np.array([4, 2, 1])
    np.testing.assert_allclose(label_imbalance_ratios(Y), np.r_[counts.max() / counts, np.inf])
    assert mean_imbalance_ratio(Y) == pytest.approx(np.mean(counts.max() / counts))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), percentage=st.floats(0.05, 0.5))
def test_mlros_improves_balance_within_budget(seed, percentage):
    """Check that MLROS adds round(P * n) clones at most, of minority rows, lowering MeanIR and max IRLbl."""
    X, Y = _multilabel(seed=seed)
    sampler = MLROS(percentage=percentage, random_state=seed)
    X_res, Y_res = sampler.fit_resample(X, Y)
    n_added = Y_res.shape[0] - Y.shape[0]
    assert n_added <= round(percentage * Y.shape[0])
    np.testing.assert_array_equal(X_res[:200], X)
    np.testing.assert_array_equal(X_res[200:], X[sampler.source_indices_])
    np.testing.assert_array_equal(Y_res[200:], Y[sampler.source_indices_])
    minority = sampler.minority_labels_
    assert Y[sampler.source_indices_][:, minority].any(axis=1).all()
    before, after = label_imbalance_ratios(Y), label_imbalance_ratios(Y_res)
    assert mean_imbalance_ratio(Y_res) < mean_imbalance_ratio(Y)
    # the worst label improves; a label just above MeanIR may lose a little once it has left the
    # rotation and clones of other labels raise the largest count (the paper's algorithm)
    assert after[minority].max() < before[minority].max()
    if n_added < round(percentage * Y.shape[0]):
        # stopped early: every minority label reached MeanIR at some point of the cloning (later
        # clones of other labels may raise the largest count again)
        counts = Y.sum(axis=0) + np.cumsum(Y[sampler.source_indices_], axis=0)
        irlbl = counts.max(axis=1, keepdims=True) / counts
        assert (irlbl[:, minority] <= sampler.mean_imbalance_ratio_ + 1e-12).any(axis=0).all()


def test_mlros_by_hand():
    """Check the paper's stopping rule on a case computed by hand."""
    Y = np.zeros((100, 3), dtype=int)
    Y[:, 0], Y[:20, 1], Y[:5, 2] = 1, 1, 1
    # IRLbl (1, 5, 20), MeanIR 26/3; label 2's IRLbl after c clones of rows 0-4 is
    # (100 + c) / (5 + c), first <= 26/3 at c = 8
    c = next(c for c in range(100) if (100 + c) / (5 + c) <= 26 / 3)
    X_res, _ = MLROS(percentage=0.5, random_state=0).fit_resample(np.zeros((100, 1)), Y)
    assert X_res.shape[0] == 100 + c


@pytest.mark.parametrize("label_strategy", ["ranking", "union", "intersection"])
def test_mlsmote_synthetic_rows_on_segments_with_voted_labels(label_strategy):
    """Check synthetic rows lie on seed-neighbour segments and labels follow the voting rule."""
    X, Y = _multilabel()
    k = 3
    sampler = MLSMOTE(k_neighbors=k, label_strategy=label_strategy, random_state=0)
    X_res, Y_res = sampler.fit_resample(X, Y)
    n = Y.shape[0]
    seeds, nbrs, gaps = sampler.seed_indices_, sampler.neighbor_indices_, sampler.gaps_
    assert ((gaps >= 0) & (gaps <= 1)).all()
    np.testing.assert_allclose(X_res[n:], X[seeds] + gaps[:, None] * (X[nbrs] - X[seeds]))
    assert Y_res.shape[0] - n == Y[:, sampler.minority_labels_].sum()
    start = n
    for label in sampler.minority_labels_:
        bag = np.flatnonzero(Y[:, label])
        knn = bag[NearestNeighbors(n_neighbors=k).fit(X[bag]).kneighbors(return_distance=False)]
        block = slice(start, start + bag.size)
        np.testing.assert_array_equal(seeds[block.start - n:block.stop - n], bag)
        assert all(nb in row for nb, row in zip(nbrs[block.start - n:block.stop - n], knn,
                                                strict=True))
        votes = Y[bag] + Y[knn].sum(axis=1)
        expected = {"ranking": votes > (k + 1) / 2, "union": votes > 0,
                    "intersection": votes == k + 1}[label_strategy]
        np.testing.assert_array_equal(Y_res[block], expected.astype(int))
        assert Y_res[block, label].all()
        start += bag.size
    assert mean_imbalance_ratio(Y_res) < mean_imbalance_ratio(Y)


def test_mlsmote_sparse_equals_dense_and_weights_interpolate():
    """Check CSR X gives the dense result, and weights are interpolated like the features."""
    X, Y = _multilabel()
    X[np.abs(X) < 0.5] = 0
    w = np.linspace(1, 3, Y.shape[0])
    dense = MLSMOTE(random_state=0)
    X_d, Y_d, w_d = dense.fit_resample(X, Y, sample_weight=w)
    X_s, Y_s = MLSMOTE(random_state=0).fit_resample(sp.csr_matrix(X), Y)
    assert sp.issparse(X_s)
    np.testing.assert_allclose(X_s.toarray(), X_d)
    np.testing.assert_array_equal(Y_s, Y_d)
    s, nb, g = dense.seed_indices_, dense.neighbor_indices_, dense.gaps_
    np.testing.assert_allclose(w_d, np.r_[w, w[s] + g * (w[nb] - w[s])])


def test_mlsmote_accepts_a_neighbors_object():
    """Check that a NearestNeighbors object gives the same rows as the same int k."""
    X, Y = _multilabel()
    a = MLSMOTE(k_neighbors=4, random_state=0).fit_resample(X, Y)[0]
    b = MLSMOTE(k_neighbors=NearestNeighbors(n_neighbors=4), random_state=0).fit_resample(X, Y)[0]
    np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("sampler", [MLROS(random_state=0), MLSMOTE(random_state=0)],
                         ids=["MLROS", "MLSMOTE"])
def test_multilabel_pandas_in_pandas_out(sampler):
    """Check that DataFrames come back with their columns and dtypes, and sample_weight carried."""
    X, Y = _multilabel()
    X_df = pd.DataFrame(X, columns=["a", "b", "c", "d"]).astype({"a": np.float32})
    Y_df = pd.DataFrame(Y, columns=["news", "sport", "tech", "art"])
    X_res, Y_res, w_res = sampler.fit_resample(X_df, Y_df, sample_weight=np.ones(200))
    assert X_res.columns.tolist() == ["a", "b", "c", "d"]
    assert X_res.dtypes.tolist() == X_df.dtypes.tolist()
    assert Y_res.columns.tolist() == ["news", "sport", "tech", "art"]
    assert len(X_res) == len(Y_res) == len(w_res) > 200
    pd.testing.assert_frame_equal(X_res.iloc[:200], X_df)


def test_mlros_copies_any_column_type():
    """Check that MLROS clones rows of a frame with text and categorical columns unchanged."""
    X, Y = _multilabel()
    X_df = pd.DataFrame({"text": [f"doc {i}" for i in range(200)],
                         "kind": pd.Categorical(np.where(X[:, 0] > 0, "x", "y"))})
    sampler = MLROS(random_state=0)
    X_res, _ = sampler.fit_resample(X_df, Y)
    assert X_res["kind"].dtype == X_df["kind"].dtype
    np.testing.assert_array_equal(X_res["text"].iloc[200:], X_df["text"].iloc[sampler.source_indices_])


def test_multilabel_balanced_labels_add_nothing():
    """Check that with every label equally frequent no label is a minority and no row is added."""
    Y = np.array([[1, 0], [0, 1]] * 10)
    X = np.arange(40.0).reshape(20, 2)
    for sampler in (MLROS(), MLSMOTE()):
        X_res, Y_res = sampler.fit_resample(X, Y)
        assert X_res.shape == (20, 2)
        assert Y_res.shape == (20, 2)


@pytest.mark.parametrize(
    ("make", "x", "y", "error", "match"),
    [
        (MLSMOTE, "ok", "1d", DataError, "Y must be an \\(n_samples, n_labels\\) .* got shape \\(200,\\)"),
        (MLROS, "ok", "values", DataError, "0/1 indicator matrix; found values \\[2\\]"),
        (MLROS, "short", "ok", ValueError, "inconsistent numbers of samples"),
        (MLSMOTE, "ok", "rare", DataError,
         "minority label 3 is carried by 3 rows, but k_neighbors=5 needs at least 6; lower "
         "k_neighbors to 2"),
        (MLSMOTE, "nan", "ok", DataError, "column 'c' has 1"),
        (MLSMOTE, "1d", "ok", DataError, "X must be 2-D"),
        (MLROS, "ok", "empty", DataError, "no row of Y carries any of its 4 labels"),
    ],
    ids=["1d-Y", "non-binary", "length", "rare-label", "nan", "1d-X", "no-labels"],
)
def test_multilabel_bad_input_errors(make, x, y, error, match):
    """Check that bad X / Y raise clear errors with the user's numbers."""
    X, Y = _multilabel()
    Y_rare = Y.copy()
    Y_rare[:, 3] = 0
    Y_rare[:3, 3] = 1
    frame = pd.DataFrame(X.copy(), columns=list("abcd"))
    frame.loc[7, "c"] = np.nan
    xs = {"ok": X, "short": X[:-1], "nan": frame, "1d": X[:, 0]}
    ys = {"ok": Y, "1d": Y[:, 0], "values": Y * 2, "rare": Y_rare, "empty": np.zeros_like(Y)}
    with pytest.raises(error, match=match):
        make().fit_resample(xs[x], ys[y])


@pytest.mark.parametrize(
    ("sampler", "match"),
    [
        (MLROS(percentage=0), "'percentage' parameter of MLROS must be a float > 0"),
        (MLSMOTE(label_strategy="vote"), "'label_strategy' .* ranking, union, intersection; got 'vote'"),
        (MLSMOTE(k_neighbors=0), "'k_neighbors' .* int >= 1 .*; got 0"),
    ],
    ids=["percentage", "label-strategy", "k"],
)
def test_multilabel_bad_parameters(sampler, match):
    """Check that bad parameters raise a ValueError naming the parameter and the value."""
    X, Y = _multilabel()
    with pytest.raises(ValueError, match=match):
        sampler.fit_resample(X, Y)


@pytest.mark.parametrize(
    "check",
    [check_estimator_cloneable, check_estimator_repr, check_get_params_invariance,
     check_no_attributes_set_in_init, check_parameters_default_constructible, check_set_params],
    ids=lambda c: c.__name__,
)
@pytest.mark.parametrize("sampler", [MLROS(), MLSMOTE()], ids=["MLROS", "MLSMOTE"])
def test_multilabel_sklearn_api_checks(sampler, check):
    """Check the scikit-learn API checks that apply to a fit_resample(X, Y) estimator."""
    check(type(sampler).__name__, sampler)
