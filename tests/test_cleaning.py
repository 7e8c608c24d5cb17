"""Tests of the fast cleaners: imbalanced-learn 0.14.2's rows, pandas, sparse, weights, errors."""

import imblearn.under_sampling as imb
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from unskew._neighbors import NeighborIndex, _index
from unskew.exceptions import DataError
from unskew.resampling import (
    EditedNearestNeighbours,
    NeighbourhoodCleaningRule,
    TomekLinks,
    _cleaning,
)

CLEANERS = ["TomekLinks", "EditedNearestNeighbours", "OneSidedSelection",
            "NeighbourhoodCleaningRule"]


def _make(kind, seed):
    if kind == "binary":
        return make_classification(n_samples=600, n_features=6, n_informative=3,
                                   weights=[0.9], flip_y=0.05, random_state=seed)
    if kind == "longtail":
        return make_classification(n_samples=800, n_features=8, n_informative=5, n_classes=5,
                                   weights=[0.55, 0.25, 0.1, 0.07, 0.03], flip_y=0.05,
                                   random_state=seed)
    # ties: few distinct values, many duplicate rows (some across classes)
    rng = np.random.RandomState(seed)
    X = rng.randint(0, 4, size=(500, 3)).astype(float)
    y = rng.choice(3, size=500, p=[0.7, 0.2, 0.1])
    return X, y


def _pair(name, **params):
    if name == "OneSidedSelection":
        params.setdefault("random_state", 0)
    ours, peer = getattr(_cleaning, name)(**params), getattr(imb, name)(**params)
    return ours, peer


def _assert_same(ours, peer, X, y):
    X_o, y_o = ours.fit_resample(X, y)
    X_p, y_p = peer.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, peer.sample_indices_)
    np.testing.assert_array_equal(y_o, y_p)
    if sp.issparse(X_o):
        X_o, X_p = X_o.toarray(), X_p.toarray()
    np.testing.assert_array_equal(X_o, X_p)


@pytest.fixture(params=["searched", "pruned"])
def prune(request, monkeypatch):
    """Run each case twice: plain search, and with the purity pruning forced on small data."""
    if request.param == "pruned":
        monkeypatch.setattr(_cleaning, "_PRUNE_MIN_ROWS", 0)
    return request.param


@pytest.mark.parametrize("name", CLEANERS)
@pytest.mark.parametrize("kind", ["binary", "longtail", "ties"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cleaner_keeps_imblearn_rows(name, kind, seed, prune):
    """Check that each cleaner keeps exactly imbalanced-learn's rows, in its order."""
    X, y = _make(kind, seed)
    params = {"random_state": seed} if name == "OneSidedSelection" else {}
    _assert_same(*_pair(name, **params), X, y)


@pytest.mark.parametrize("name", CLEANERS)
@pytest.mark.parametrize("strategy", ["majority", "not minority", "not majority", "all",
                                      [0, 2]])
def test_cleaner_sampling_strategy_like_imblearn(name, strategy, prune):
    """Check that every sampling_strategy form cleans the classes imbalanced-learn cleans."""
    X, y = _make("longtail", 3)
    _assert_same(*_pair(name, sampling_strategy=strategy), X, y)


@pytest.mark.parametrize("kind_sel", ["all", "mode"])
@pytest.mark.parametrize("n_neighbors", [1, 3, 6])
@pytest.mark.parametrize("kind", ["binary", "ties"])
def test_enn_kind_sel_and_k_like_imblearn(kind_sel, n_neighbors, kind, prune):
    """Check that ENN matches imbalanced-learn for each kind_sel and neighbourhood size."""
    X, y = _make(kind, 4)
    _assert_same(*_pair("EditedNearestNeighbours", kind_sel=kind_sel, n_neighbors=n_neighbors),
                 X, y)


@pytest.mark.parametrize("nn", [NearestNeighbors(n_neighbors=4),
                                NearestNeighbors(n_neighbors=3, algorithm="brute")],
                         ids=["nn4", "nn3-brute"])
def test_enn_neighbours_object_like_imblearn(nn, prune):
    """Check that a NearestNeighbors object is used as imbalanced-learn uses it."""
    X, y = _make("ties", 5)
    _assert_same(*_pair("EditedNearestNeighbours", n_neighbors=nn), X, y)


def test_enn_accepts_neighbor_index(prune):
    """Check that our exact NeighborIndex gives the rows of the equivalent NearestNeighbors."""
    X, y = _make("binary", 6)
    ours = EditedNearestNeighbours(n_neighbors=NeighborIndex(4, algorithm="exact"))
    peer = imb.EditedNearestNeighbours(n_neighbors=NearestNeighbors(n_neighbors=4))
    _assert_same(ours, peer, X, y)


def test_enn_pruning_skips_proven_rows(monkeypatch):
    """Check that the pruned ENN searches only the rows not proven pure, and keeps the same rows."""
    monkeypatch.setattr(_cleaning, "_PRUNE_MIN_ROWS", 0)
    X, y = make_classification(n_samples=3000, n_features=5, n_informative=3, weights=[0.95],
                               class_sep=2.0, random_state=0)
    searched = []
    original = NeighborIndex.kneighbors

    def spy(self, X=None, n_neighbors=None, return_distance=True):
        searched.append(0 if X is None else X.shape[0])
        return original(self, X, n_neighbors, return_distance)

    monkeypatch.setattr(NeighborIndex, "kneighbors", spy)
    ours = EditedNearestNeighbours(n_neighbors=NeighborIndex(4, algorithm="exact"))
    peer = imb.EditedNearestNeighbours()
    _assert_same(ours, peer, X, y)
    assert sum(searched) < 0.5 * np.sum(y == 0)


@pytest.mark.parametrize("n_seeds_S", [1, 5])
@pytest.mark.parametrize("n_neighbors", [None, 3, KNeighborsClassifier(n_neighbors=2)],
                         ids=["default", "k3", "knn2"])
def test_oss_parameters_like_imblearn(n_seeds_S, n_neighbors, prune):
    """Check that OSS draws the same seeds and keeps the same rows for its parameters."""
    X, y = _make("longtail", 7)
    _assert_same(*_pair("OneSidedSelection", random_state=11, n_seeds_S=n_seeds_S,
                        n_neighbors=n_neighbors), X, y)


@pytest.mark.parametrize("params", [
    {"threshold_cleaning": 0.1},
    {"threshold_cleaning": 5.0},
    {"n_neighbors": 5},
    {"n_neighbors": NearestNeighbors(n_neighbors=4)},
], ids=["t0.1", "t5", "k5", "nn4"])
def test_ncr_parameters_like_imblearn(params, prune):
    """Check that NCR matches imbalanced-learn for its threshold and neighbourhood."""
    X, y = _make("longtail", 8)
    _assert_same(*_pair("NeighbourhoodCleaningRule", **params), X, y)


@pytest.mark.parametrize("kind", ["longtail", "ties"])
def test_ncr_engine_rule_like_imblearn(kind, monkeypatch):
    """Check that NCR's k-NN rule through the engine's blocked search keeps imblearn's rows."""
    monkeypatch.setattr(_index, "_BLOCKED_MIN_ENTRIES", 0)
    X, y = _make(kind, 11)
    # above the engine's tree limit of features (duplicated columns keep the ties)
    X = np.hstack([X] * (-(-(_index._TREE_MAX_FEATURES + 1) // X.shape[1])))
    _assert_same(*_pair("NeighbourhoodCleaningRule"), X, y)


@pytest.mark.parametrize(("knn", "sparse", "plain"), [
    (KNeighborsClassifier(n_neighbors=3), False, True),
    (KNeighborsClassifier(n_neighbors=5, n_jobs=2), False, True),
    (KNeighborsClassifier(n_neighbors=3), True, False),
    (KNeighborsClassifier(n_neighbors=3, weights="distance"), False, False),
    (KNeighborsClassifier(n_neighbors=3, algorithm="kd_tree"), False, False),
    (KNeighborsClassifier(n_neighbors=3, p=1), False, False),
], ids=["default", "k5-jobs2", "sparse", "distance", "kd_tree", "manhattan"])
def test_ncr_engine_rule_only_for_plain_knn(knn, sparse, plain):
    """Check that only imbalanced-learn's plain k-NN rule on dense X goes to the engine."""
    X = np.eye(4)
    assert _cleaning._is_plain_knn_rule(knn, sp.csr_matrix(X) if sparse else X) is plain


def test_ncr_given_enn_like_imblearn():
    """Check that a user-given ENN step is cloned and used, as in imbalanced-learn."""
    X, y = _make("binary", 9)
    ours = NeighbourhoodCleaningRule(
        edited_nearest_neighbours=EditedNearestNeighbours(kind_sel="all"))
    peer = imb.NeighbourhoodCleaningRule(
        edited_nearest_neighbours=imb.EditedNearestNeighbours(kind_sel="all"))
    _assert_same(ours, peer, X, y)
    assert ours.edited_nearest_neighbours_ is not ours.edited_nearest_neighbours


@settings(max_examples=25, deadline=None)
@given(arrays(np.int64, (60, 2), elements=st.integers(0, 5)),
       arrays(np.int64, (60,), elements=st.integers(0, 2)),
       st.sampled_from(["TomekLinks", "EditedNearestNeighbours", "NeighbourhoodCleaningRule"]))
def test_cleaner_random_grids_like_imblearn(X, y, name):
    """Check on random integer grids (ties everywhere) that the pruned cleaners match imblearn."""
    if np.unique(y).size < 2:
        return
    X = X.astype(float)
    old = _cleaning._PRUNE_MIN_ROWS
    _cleaning._PRUNE_MIN_ROWS = 0
    try:
        _assert_same(*_pair(name), X, y)
    finally:
        _cleaning._PRUNE_MIN_ROWS = old


@pytest.mark.parametrize("name", CLEANERS)
def test_cleaner_pandas_in_pandas_out(name):
    """Check that a DataFrame and Series come back with their columns, dtypes and kept rows."""
    X, y = _make("binary", 10)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])]).astype(
        {"f0": np.float32})
    ys = pd.Series(np.where(y == 1, "rare", "common"), name="label")
    ours = getattr(_cleaning, name)()
    X_res, y_res = ours.fit_resample(df, ys)
    assert isinstance(X_res, pd.DataFrame)
    assert isinstance(y_res, pd.Series)
    assert list(X_res.columns) == list(df.columns)
    assert X_res.dtypes.equals(df.dtypes)
    assert y_res.name == "label"
    np.testing.assert_array_equal(X_res.to_numpy(), df.to_numpy()[ours.sample_indices_])
    np.testing.assert_array_equal(y_res.to_numpy(), ys.to_numpy()[ours.sample_indices_])


@pytest.mark.parametrize("name", CLEANERS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_cleaner_sparse_like_imblearn(name, fmt):
    """Check that sparse X gives imbalanced-learn's rows and stays sparse."""
    X, y = _make("ties", 11)
    X = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    ours, peer = _pair(name)
    _assert_same(ours, peer, X, y)
    assert sp.issparse(ours.fit_resample(X, y)[0])


@pytest.mark.parametrize("name", CLEANERS)
def test_cleaner_carries_sample_weight(name):
    """Check that kept rows keep their sample_weight and the 3-tuple comes back."""
    X, y = _make("binary", 12)
    w = np.random.RandomState(0).uniform(0.5, 2.0, size=y.shape[0])
    ours = getattr(_cleaning, name)()
    X_res, y_res, w_res = ours.fit_resample(X, y, sample_weight=w)
    np.testing.assert_array_equal(w_res, w[ours.sample_indices_])
    assert X_res.shape[0] == y_res.shape[0] == w_res.shape[0] < y.shape[0]


def test_cleaner_rejects_bad_sample_weight():
    """Check that a sample_weight of the wrong length is a DataError naming both shapes."""
    X, y = _make("binary", 13)
    with pytest.raises(DataError, match=r"TomekLinks: sample_weight must have shape \(600,\)"):
        TomekLinks().fit_resample(X, y, sample_weight=np.ones(5))


@pytest.mark.parametrize("name", CLEANERS)
def test_cleaner_nan_names_dataframe_column(name):
    """Check that NaN in a DataFrame is a DataError naming the column and row."""
    X, y = _make("binary", 14)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    df.loc[7, "f3"] = np.nan
    with pytest.raises(DataError, match=rf"{name}: column 'f3' of X has 1 NaN .*first at row 7"):
        getattr(_cleaning, name)().fit_resample(df, y)


def test_cleaner_inf_names_array_column():
    """Check that infinity in an array is a DataError naming the column index."""
    X, y = _make("binary", 15)
    X[3, 2] = np.inf
    with pytest.raises(DataError, match=r"column 2 of X has 1 NaN or infinite values"):
        EditedNearestNeighbours().fit_resample(X, y)
    Xs = sp.csr_matrix(X)
    with pytest.raises(DataError, match=r"sparse X has 1 NaN or infinite stored values"):
        EditedNearestNeighbours().fit_resample(Xs, y)


def test_enn_too_few_rows():
    """Check that a neighbourhood larger than the data is a DataError with the counts."""
    X = np.arange(8.0).reshape(4, 2)
    y = np.array([0, 0, 0, 1])
    with pytest.raises(DataError, match=r"n_neighbors=5 needs at least 6 rows.*got 4"):
        EditedNearestNeighbours(n_neighbors=5).fit_resample(X, y)


@pytest.mark.parametrize(("params", "match"), [
    ({"kind_sel": "most"}, r"kind_sel"),
    ({"n_neighbors": 0}, r"n_neighbors"),
])
def test_enn_bad_parameters(params, match):
    """Check that bad parameters fail validation naming the parameter."""
    X, y = _make("binary", 16)
    with pytest.raises(ValueError, match=match):
        EditedNearestNeighbours(**params).fit_resample(X, y)


def test_cleaner_unknown_class_in_strategy():
    """Check that a sampling_strategy list naming an absent class is rejected."""
    X, y = _make("binary", 17)
    with pytest.raises(ValueError, match=r"classes? .*not present|not present"):
        TomekLinks(sampling_strategy=[0, 7]).fit_resample(X, y)
