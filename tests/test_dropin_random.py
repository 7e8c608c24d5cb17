"""RandomOverSampler / RandomUnderSampler (issue 18): imbalanced-learn's rows, sample_weight carried."""

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler as RefROS
from imblearn.under_sampling import RandomUnderSampler as RefRUS
from scipy import sparse
from sklearn.datasets import make_classification

import unskew.resampling
from unskew.exceptions import DataError, ParameterError
from unskew.resampling import RandomOverSampler, RandomUnderSampler
from unskew.resampling._random import over_sample_rows, under_sample_rows


def _data(n_classes=3, seed=0):
    weights = [0.7, 0.2] if n_classes == 3 else [0.85]
    return make_classification(n_samples=300, n_features=5, n_informative=3,
                               n_classes=n_classes, weights=weights, random_state=seed)


def _seed(kind):
    return 7 if kind == "int" else np.random.RandomState(7)


def test_random_resamplers_exported():
    """Check that both are public in unskew.resampling with imbalanced-learn's parameters."""
    assert {"RandomOverSampler", "RandomUnderSampler"} <= set(unskew.resampling.__all__)
    assert RandomOverSampler().get_params() == RefROS().get_params()
    assert RandomUnderSampler().get_params() == RefRUS().get_params()


@pytest.mark.parametrize("seed", ["int", "RandomState"])
@pytest.mark.parametrize(
    "params",
    [{}, {"sampling_strategy": "minority"}, {"shrinkage": 0.5}, {"shrinkage": {1: 0.3, 2: 2.0}},
     {"sampling_strategy": {1: 250, 2: 240}, "shrinkage": 0.0}],
    ids=["auto", "minority", "shrinkage", "shrinkage-dict", "dict-shrinkage-0"])
def test_random_over_sampler_rows_match_imblearn(params, seed):
    """Check that the rows (smoothed bootstrap included) are imbalanced-learn's, seed for seed."""
    X, y = _data()
    mine = RandomOverSampler(random_state=_seed(seed), **params)
    theirs = RefROS(random_state=_seed(seed), **params)
    X_mine, y_mine = mine.fit_resample(X, y)
    X_theirs, y_theirs = theirs.fit_resample(X, y)
    np.testing.assert_array_equal(y_mine, y_theirs)
    np.testing.assert_allclose(X_mine, X_theirs, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(mine.sample_indices_, theirs.sample_indices_)
    assert mine.shrinkage_ == theirs.shrinkage_


@pytest.mark.parametrize("seed", ["int", "RandomState"])
@pytest.mark.parametrize(
    "params", [{}, {"replacement": True}, {"sampling_strategy": {0: 60, 1: 40}},
               {"sampling_strategy": "majority"}],
    ids=["auto", "replacement", "dict", "majority"])
def test_random_under_sampler_rows_match_imblearn(params, seed):
    """Check that the kept rows are imbalanced-learn's, seed for seed."""
    X, y = _data()
    mine, theirs = RandomUnderSampler(random_state=_seed(seed), **params), RefRUS(
        random_state=_seed(seed), **params)
    X_mine, y_mine = mine.fit_resample(X, y)
    X_theirs, y_theirs = theirs.fit_resample(X, y)
    np.testing.assert_array_equal(mine.sample_indices_, theirs.sample_indices_)
    np.testing.assert_array_equal(X_mine, X_theirs)
    np.testing.assert_array_equal(y_mine, y_theirs)


@pytest.mark.parametrize(("cls", "ref"), [(RandomOverSampler, RefROS), (RandomUnderSampler, RefRUS)],
                         ids=["over", "under"])
@pytest.mark.parametrize("kind", ["dataframe", "csr", "strings"])
def test_random_resamplers_inputs_as_imblearn(cls, ref, kind):
    """Check DataFrames, sparse matrices and strings come back as imbalanced-learn's do."""
    X, y = _data()
    if kind == "dataframe":
        X = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)]).astype({"f0": np.float32})
        y = pd.Series(y, name="label")
    elif kind == "csr":
        X = sparse.csr_matrix(np.where(np.abs(X) > 1, X, 0.0))
    else:
        X = np.where(X > 0, "pos", "neg").astype(object)
    mine = cls(random_state=0).fit_resample(X, y)
    theirs = ref(random_state=0).fit_resample(X, y)
    assert type(mine[0]) is type(theirs[0])
    assert type(mine[1]) is type(theirs[1])
    if kind == "dataframe":
        pd.testing.assert_frame_equal(mine[0], theirs[0])
        pd.testing.assert_series_equal(mine[1], theirs[1])
    elif kind == "csr":
        assert mine[0].format == theirs[0].format
        np.testing.assert_array_equal(mine[0].toarray(), theirs[0].toarray())
    else:
        np.testing.assert_array_equal(mine[0], theirs[0])


def test_random_over_sampler_sparse_shrinkage_matches_imblearn():
    """Check the smoothed bootstrap on a sparse matrix (imbalanced-learn's variance path)."""
    X, y = _data()
    X = sparse.csr_matrix(np.where(np.abs(X) > 1, X, 0.0))
    mine = RandomOverSampler(shrinkage=1.0, random_state=0).fit_resample(X, y)[0]
    theirs = RefROS(shrinkage=1.0, random_state=0).fit_resample(X, y)[0]
    assert sparse.issparse(mine)
    assert mine.format == theirs.format
    np.testing.assert_allclose(mine.toarray(), theirs.toarray(), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("cls", "params"),
    [(RandomOverSampler, {}), (RandomOverSampler, {"shrinkage": 0.5}), (RandomUnderSampler, {})],
    ids=["over", "over-shrinkage", "under"])
def test_random_resamplers_carry_sample_weight(cls, params):
    """Check that every output row carries the weight of the row it comes from."""
    X, y = _data()
    w = np.random.RandomState(1).uniform(0.5, 2.0, size=y.size)
    sampler = cls(random_state=0, **params)
    X_res, y_res, w_res = sampler.fit_resample(X, y, sample_weight=w)
    np.testing.assert_array_equal(w_res, w[sampler.sample_indices_])
    np.testing.assert_array_equal(y_res, y[sampler.sample_indices_])
    # the same rows as without weights
    X_plain, _ = cls(random_state=0, **params).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_plain)
    with pytest.raises(DataError):
        cls(random_state=0).fit_resample(X, y, sample_weight=w[:-1])


def test_draw_functions_apply_to_one_partition():
    """Check that the draws are functions of the labels only, usable on a partition's y."""
    _, y = _data()
    part = y[:100]
    quotas = {1: 12, 2: 30}
    draws = over_sample_rows(part, quotas, 0)
    assert [label for label, _, _ in draws] == [1, 2]
    for label, rows, noise in draws:
        assert rows.size == quotas[label]
        assert (part[rows] == label).all()
        assert noise is None
    kept = under_sample_rows(part, {0: 10}, 0)
    assert np.bincount(part[kept]).tolist()[0] == 10
    assert (np.bincount(part[kept])[1:] == np.bincount(part)[1:]).all()
    # the same draws as the resampler's on the same labels
    X = np.zeros((part.size, 1))
    sampler = RandomUnderSampler(sampling_strategy={0: 10}, random_state=0)
    sampler.fit_resample(X, part)
    np.testing.assert_array_equal(sampler.sample_indices_, kept)


@pytest.mark.parametrize(
    ("shrinkage", "match"),
    [({1: 0.5}, r"missing classes are: \[2\]"), ({1: 0.5, 2: -1.0}, "needs to be >= 0"),
     (-1.0, "shrinkage")],
    ids=["missing-class", "negative-in-dict", "negative"])
def test_random_over_sampler_bad_shrinkage(shrinkage, match):
    """Check that a bad shrinkage raises a ValueError as imbalanced-learn's, with the numbers."""
    X, y = _data()
    with pytest.raises(ValueError, match="shrinkage"):
        RefROS(shrinkage=shrinkage).fit_resample(X, y)
    with pytest.raises(ParameterError, match=match):
        RandomOverSampler(shrinkage=shrinkage).fit_resample(X, y)


def test_random_over_sampler_shrinkage_needs_numbers():
    """Check that the smoothed bootstrap of string X says why it cannot run."""
    X = np.array([["a"], ["b"], ["a"], ["c"]], dtype=object)
    y = np.array([0, 0, 0, 1])
    with pytest.raises(ValueError, match="numerical data"):
        RefROS(shrinkage=1.0).fit_resample(X, y)
    with pytest.raises(DataError, match="only numerical data"):
        RandomOverSampler(shrinkage=1.0).fit_resample(X, y)
