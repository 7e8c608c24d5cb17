"""Tests of the neighbour engine: exact equals scikit-learn, approximate recall, sound pruning."""

import sys

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.datasets import make_blobs, make_classification
from sklearn.neighbors import NearestNeighbors

from unskew._neighbors import (
    ALGORITHMS,
    NeighborIndex,
    _brute,
    _index,
    agrees,
    edited_neighbourhoods,
    kneighbors,
    pure_neighbourhoods,
)
from unskew._neighbors._brute import exact_kneighbors, min_sq_distances, rounding_bound
from unskew._neighbors._partition import KMeansPartition
from unskew.exceptions import MissingExtraError


def _datasets():
    X, _ = make_classification(n_samples=300, n_features=20, random_state=0)
    X_low, _ = make_classification(n_samples=300, n_features=5, n_informative=3, random_state=1)
    rng = np.random.RandomState(2)
    X_ties = rng.randint(0, 3, size=(200, 4)).astype(float)  # many duplicates and equal distances
    return {"dense20": X, "dense5": X_low, "ties": X_ties}


DATASETS = _datasets()


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("query_is_train", [True, False], ids=["self", "query"])
def test_neighbor_index_exact_equals_sklearn(name, query_is_train):
    """Check that the exact backend returns scikit-learn's neighbours, order and ties included."""
    X = DATASETS[name]
    query = None if query_is_train else X[::3] + 0.0
    ours = NeighborIndex(4, algorithm="exact").fit(X).kneighbors(query)
    ref = NearestNeighbors(n_neighbors=4).fit(X).kneighbors(query)
    np.testing.assert_array_equal(ours[1], ref[1])
    np.testing.assert_array_equal(ours[0], ref[0])


def test_neighbor_index_exact_query_subset_equals_full_query():
    """Check that querying a subset of rows gives those rows' neighbours from the full query."""
    X = DATASETS["ties"]
    index = NeighborIndex(3, algorithm="exact").fit(X)
    rows = np.array([5, 17, 3, 150, 199])
    full = index.kneighbors(X, return_distance=False)
    np.testing.assert_array_equal(index.kneighbors(X[rows], return_distance=False), full[rows])


def test_neighbor_index_sparse_exact_equals_sklearn():
    """Check that sparse CSR input is searched exactly like scikit-learn does."""
    X = sp.csr_matrix(DATASETS["ties"])
    ours = NeighborIndex(3, algorithm="exact").fit(X).kneighbors(return_distance=False)
    ref = NearestNeighbors(n_neighbors=3).fit(X).kneighbors(return_distance=False)
    np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("mode", ["connectivity", "distance"])
def test_neighbor_index_graph_equals_sklearn(mode):
    """Check that kneighbors_graph equals scikit-learn's."""
    X = DATASETS["dense5"]
    ours = NeighborIndex(3, algorithm="exact").fit(X).kneighbors_graph(mode=mode)
    ref = NearestNeighbors(n_neighbors=3).fit(X).kneighbors_graph(mode=mode)
    np.testing.assert_allclose(ours.toarray(), ref.toarray())


def _recall(found, exact):
    return np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact, strict=True)])


@pytest.mark.parametrize("algorithm", [
    "hnsw",
    # pynndescent compiles with numba on first use: minutes on a busy machine
    pytest.param("pynndescent", marks=pytest.mark.slow),
])
def test_neighbor_index_approximate_recall(algorithm):
    """Check that the approximate backends find at least 95% of the exact neighbours."""
    pytest.importorskip("hnswlib" if algorithm == "hnsw" else "pynndescent")
    X, _ = make_blobs(n_samples=3000, n_features=20, centers=10, random_state=0)
    exact = NearestNeighbors(n_neighbors=10).fit(X).kneighbors(return_distance=False)
    index = NeighborIndex(10, algorithm=algorithm, random_state=0).fit(X)
    found = index.kneighbors(return_distance=False)
    assert found.shape == exact.shape
    assert not (found == np.arange(len(X))[:, None]).any()  # each row excluded from its own
    assert _recall(found, exact) >= 0.95
    dist, ind = index.kneighbors(X[:50], n_neighbors=3)
    true = np.linalg.norm(X[:50, None, :] - X[ind], axis=2)
    np.testing.assert_allclose(dist, true, rtol=1e-4, atol=1e-4)


def test_neighbor_index_hnsw_recall_in_many_dimensions():
    """Check that hnsw keeps recall@4 above 0.999 on 100 features of intrinsic dimension 70
    (the graph built for 20 features reaches 0.995 there)."""
    pytest.importorskip("hnswlib")
    rng = np.random.RandomState(0)
    X = (rng.standard_normal((5000, 70)) @ rng.standard_normal((70, 100))
         + 0.05 * rng.standard_normal((5000, 100)))
    exact = NeighborIndex(4, algorithm="exact").fit(X).kneighbors(return_distance=False)
    approx = NeighborIndex(4, algorithm="hnsw", random_state=0).fit(X).kneighbors(
        return_distance=False)
    recall = np.mean([np.intersect1d(a, e).size / 4 for a, e in zip(approx, exact, strict=True)])
    assert recall > 0.999


def test_neighbor_index_hnsw_reproducible():
    """Check that random_state makes the hnsw index reproducible."""
    pytest.importorskip("hnswlib")
    X, _ = make_blobs(n_samples=1000, n_features=16, random_state=0)
    a = NeighborIndex(5, algorithm="hnsw", random_state=3).fit(X).kneighbors(return_distance=False)
    b = NeighborIndex(5, algorithm="hnsw", random_state=3).fit(X).kneighbors(return_distance=False)
    np.testing.assert_array_equal(a, b)


def test_neighbor_index_auto_picks_by_size(monkeypatch):
    """Check that "auto" is exact for small or low-dimensional data and hnsw for large wide data."""
    pytest.importorskip("hnswlib")
    X = DATASETS["dense20"]
    assert NeighborIndex(3).fit(X).backend_ == "exact"
    monkeypatch.setattr(_index, "AUTO_APPROXIMATE_MIN_ROWS", 100)
    # large and wide: exact until a query asks for at least a quarter of the rows
    index = NeighborIndex(3).fit(X)
    assert index.backend_ == "exact"
    few = index.kneighbors(X[: len(X) // 10], return_distance=False)
    np.testing.assert_array_equal(
        few, NearestNeighbors(n_neighbors=3).fit(X).kneighbors(X[: len(X) // 10],
                                                                 return_distance=False))
    assert index.backend_ == "exact"
    index.kneighbors(return_distance=False)  # every row asks: now the graph pays for itself
    assert index.backend_ == "hnsw"
    assert NeighborIndex(3).fit(DATASETS["dense5"]).backend_ == "exact"
    sparse_index = NeighborIndex(3).fit(sp.csr_matrix(X))
    sparse_index.kneighbors(return_distance=False)
    assert sparse_index.backend_ == "exact"


def test_neighbor_index_missing_fast_extra(monkeypatch):
    """Check that an approximate backend without the fast extra names the pip install."""
    monkeypatch.setitem(sys.modules, "hnswlib", None)
    with pytest.raises(MissingExtraError, match=r'unskew\[fast\]'):
        NeighborIndex(3, algorithm="hnsw").fit(DATASETS["dense20"])
    # "auto" falls back to exact instead
    monkeypatch.setattr(_index, "AUTO_APPROXIMATE_MIN_ROWS", 100)
    index = NeighborIndex(3).fit(DATASETS["dense20"])
    index.kneighbors(return_distance=False)
    assert index.backend_ == "exact"


@pytest.mark.parametrize(("params", "match"), [
    ({"algorithm": "faiss"}, r"algorithm must be one of .*'exact'.*got 'faiss'"),
    ({"n_neighbors": 0}, r"n_neighbors must be an int >= 1, got 0"),
    ({"n_neighbors": 2.5}, r"n_neighbors must be an int >= 1, got 2.5"),
])
def test_neighbor_index_bad_parameters(params, match):
    """Check that bad parameters raise a ValueError naming the parameter and value."""
    with pytest.raises(ValueError, match=match):
        NeighborIndex(**params).fit(DATASETS["dense5"])


def test_neighbor_index_approximate_rejects_sparse():
    """Check that an approximate backend on sparse X says how to fix it."""
    with pytest.raises(ValueError, match=r"algorithm='hnsw' needs dense X.*toarray"):
        NeighborIndex(3, algorithm="hnsw").fit(sp.csr_matrix(DATASETS["dense5"]))


def test_neighbor_index_too_many_neighbours():
    """Check that asking for more neighbours than rows fails with the numbers."""
    pytest.importorskip("hnswlib")
    index = NeighborIndex(3, algorithm="hnsw").fit(DATASETS["dense5"][:4])
    with pytest.raises(ValueError, match=r"n_neighbors = 5, n_samples_fit = 4"):
        index.kneighbors(n_neighbors=4)


def test_kneighbors_excludes_each_row():
    """Check that kneighbors(X, k) excludes each row from its own neighbours, like sklearn."""
    X = DATASETS["dense5"]
    ref = NearestNeighbors(n_neighbors=2).fit(X).kneighbors(return_distance=False)
    np.testing.assert_array_equal(kneighbors(X, 2, algorithm="exact"), ref)
    assert set(ALGORITHMS) == {"auto", "exact", "hnsw", "pynndescent"}


def test_drop_self_handles_missing_and_duplicate_self():
    """Check that a row's own index is dropped once, and the last column when it is absent."""
    ind = np.array([[0, 1, 2], [0, 2, 3], [1, 2, 2]])
    dist = np.arange(9.0).reshape(3, 3)
    kept, kept_dist = _index._drop_self(ind, dist)
    np.testing.assert_array_equal(kept, [[1, 2], [0, 2], [1, 2]])
    np.testing.assert_array_equal(kept_dist, [[1, 2], [3, 4], [6, 8]])


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (40, 3), elements=st.floats(-100, 100, allow_nan=False)),
       arrays(np.float64, (7, 3), elements=st.floats(-100, 100, allow_nan=False)))
def test_min_sq_distances_within_rounding_bound(Q, R):
    """Check that the blocked float32 minimum is within its rounding bound of the exact one."""
    exact = ((Q[:, None, :] - R[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    found = min_sq_distances(Q, R, block_entries=16)
    bound = rounding_bound(3, np.float32) * ((Q * Q).sum(1) + (R * R).sum(1).max())
    assert np.all(np.abs(found - exact) <= bound + 1e-9)


@settings(max_examples=30, deadline=None)
@given(arrays(np.int64, (60, 2), elements=st.integers(0, 4)), st.integers(1, 5))
def test_partition_upper_bound_is_never_too_small(X, k):
    """Check that the partition's bound is >= the true distance to the k-th nearest row."""
    X = X.astype(float)
    true = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X)[0][:, -1]
    for nprobe in (1, 3):
        bound = KMeansPartition(X).kth_upper_bound(np.arange(60), k, nprobe)
        assert np.all(bound >= true - 1e-12)


@settings(max_examples=40, deadline=None)
@given(arrays(np.int64, (80, 2), elements=st.integers(0, 6)),
       arrays(np.int64, (80,), elements=st.integers(0, 2)), st.integers(1, 4))
def test_pure_neighbourhoods_is_sound(X, codes, k):
    """Check that every row proven pure has only its own class among sklearn's k neighbours."""
    X = X.astype(float)
    proven = pure_neighbourhoods(X, codes, np.arange(80), k)
    if not proven.any():
        return
    neigh = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X[proven], return_distance=False)
    assert np.all(codes[neigh] == codes[proven][:, None])


@settings(max_examples=40, deadline=None)
@given(arrays(np.int64, (60, 2), elements=st.integers(0, 6)),
       arrays(np.int64, (60,), elements=st.integers(0, 2)), st.integers(1, 4),
       st.integers(0, 2**16), st.sampled_from([0.0, 0.5, 2.0]))
def test_pure_neighbourhoods_with_segments_is_sound(X, codes, k, seed, moved):
    """Check that proofs drawn from SMOTE's segments only mark rows sklearn finds pure, also
    when the synthetic rows were moved off their segments afterwards (by ``moved``)."""
    from unskew.resampling import SMOTE

    codes[:3], codes[3:6], codes[6:9] = 0, 1, 2  # every class can seed synthetic rows
    trace = []
    X, codes = SMOTE(k_neighbors=2, random_state=seed).fit_resample(X.astype(float), codes,
                                                                   _trace=trace)
    rows = trace[0].rows
    X[rows] += moved * np.random.default_rng(seed).standard_normal((rows.size, 2))
    n = X.shape[0]
    proven = pure_neighbourhoods(X, codes, np.arange(n), k, segments=trace[0])
    if not proven.any():
        return
    neigh = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X[proven], return_distance=False)
    assert np.all(codes[neigh] == codes[proven][:, None])


def test_segment_proofs_measure_rows_moved_off_their_segments():
    """Check that a synthetic row moved into another class's cluster blocks the proofs there."""
    from unskew.resampling import SMOTE

    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 0.1, (40, 2)), rng.normal([10, 0], 0.5, (8, 2))])
    y = np.repeat([0, 1], [40, 8])
    trace = []
    X, y = SMOTE(k_neighbors=3, random_state=0).fit_resample(X, y, _trace=trace)
    X[trace[0].rows[0]] = [0.0, 0.0]  # now amid class 0
    proven = pure_neighbourhoods(X, y, np.arange(y.size), 4, segments=trace[0])
    neigh = NearestNeighbors(n_neighbors=4).fit(X).kneighbors(X, return_distance=False)
    pure = (y[neigh] == y[:, None]).all(axis=1)
    assert not (proven & ~pure).any()
    assert (~pure[:40]).any()  # the moved row made some of class 0 impure
    assert proven[:40].sum() >= 20  # and the rest of class 0 is still proven


def test_segment_proofs_match_a_search_on_separated_rows():
    """Check that segment bounds prove about as many rows as the all-rows search does."""
    from unskew.resampling import SMOTE

    X, y = make_blobs(n_samples=[1800, 200], centers=[[0, 0, 0], [0, 4, 0]], cluster_std=0.6,
                      random_state=0)
    trace = []
    X, y = SMOTE(random_state=0).fit_resample(X, y, _trace=trace)
    searched = pure_neighbourhoods(X, y, np.arange(y.size), 4)
    bounded = pure_neighbourhoods(X, y, np.arange(y.size), 4, segments=trace[0])
    neigh = NearestNeighbors(n_neighbors=4).fit(X).kneighbors(X, return_distance=False)
    assert (y[neigh][bounded] == y[bounded][:, None]).all()
    assert bounded.mean() > searched.mean() - 0.05


def _imblearn_neighbourhoods(X, k):
    """imbalanced-learn's reading: kneighbors(X, k) without its first column."""
    return NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X, return_distance=False)[:, 1:]


@settings(max_examples=60, deadline=None)
@given(X=arrays(np.int64, st.tuples(st.integers(8, 80), st.integers(1, 3)),
                elements=st.integers(0, 4)),
       k=st.integers(2, 5), kind_sel=st.sampled_from(["all", "mode"]), data=st.data())
def test_edited_neighbourhoods_verdicts_hold(X, k, kind_sel, data):
    """Check every verdict against scikit-learn's neighbours as imbalanced-learn reads them, on
    grids full of ties and of duplicates across classes (the row itself may not come first)."""
    codes = data.draw(arrays(np.int64, X.shape[0], elements=st.integers(0, 2)))
    X = X.astype(data.draw(st.sampled_from([np.float64, np.float32])))
    k = min(k, X.shape[0])
    verdict = edited_neighbourhoods(X, codes, np.arange(X.shape[0]), k, kind_sel=kind_sel)
    truth = agrees(codes[_imblearn_neighbourhoods(X, k)], codes, 3, kind_sel)
    decided = verdict >= 0
    np.testing.assert_array_equal(verdict[decided], truth[decided])


def test_edited_neighbourhoods_leaves_ties_across_classes_open():
    """Check that a row whose last neighbour ties between its class and another is left to
    the full search (scikit-learn breaks the tie by row order, here for the other class)."""
    X = np.array([[0.0], [-2.0], [1.0], [2.0], [9.0], [9.5], [10.0]])
    codes = np.array([0, 1, 0, 0, 1, 1, 1])
    verdict = edited_neighbourhoods(X, codes, np.arange(7), 3)
    truth = agrees(codes[_imblearn_neighbourhoods(X, 3)], codes, 2, "all")
    assert verdict[0] == -1
    assert not truth[0]  # row 1 (the other class) is listed before row 3
    np.testing.assert_array_equal(verdict[1:], truth[1:])


@pytest.mark.parametrize("kind_sel", ["all", "mode"])
def test_edited_neighbourhoods_decides_most_rows(kind_sel):
    """Check that on overlapping classes with label noise nearly every row is decided ("all";
    "mode" leaves the rows found beside another class to the full search, but decides every
    row proven pure), and right, and that a row with a twin of another class is left open."""
    X, y = make_classification(n_samples=3000, n_features=6, n_informative=4, n_classes=3,
                               flip_y=0.05, random_state=0)
    X[1] = X[0]  # a twin: scikit-learn may list either first
    y[1] = (y[0] + 1) % 3
    verdict = edited_neighbourhoods(X, y, np.arange(3000), 4, kind_sel=kind_sel)
    truth = agrees(y[_imblearn_neighbourhoods(X, 4)], y, 3, kind_sel)
    decided = verdict >= 0
    np.testing.assert_array_equal(verdict[decided], truth[decided])
    assert (verdict[:2] < 0).all()
    if kind_sel == "all":
        assert decided.mean() > 0.99
    else:
        pure = pure_neighbourhoods(X, y, np.arange(3000), 4)
        assert decided[pure].all()
        assert decided.sum() > pure.sum()


def test_pure_neighbourhoods_proves_separated_rows():
    """Check that rows far from every other class are proven pure, and boundary rows are not."""
    X, y = make_blobs(n_samples=2000, centers=[[0, 0], [0, 3]], cluster_std=0.5, random_state=0)
    proven = pure_neighbourhoods(X, y, np.arange(2000), 4)
    neigh = NearestNeighbors(n_neighbors=4).fit(X).kneighbors(X, return_distance=False)
    pure = (y[neigh] == y[:, None]).all(axis=1)
    assert not proven[~pure].any()
    far = np.abs(X[:, 1] - 1.5) > 1.0  # well away from the boundary between the two blobs
    assert proven[far & pure].mean() > 0.95


def _blocked_cases():
    rng = np.random.RandomState(3)
    X20, _ = make_classification(n_samples=400, n_features=20, random_state=4)
    dup = np.vstack([X20[:200], X20[:50]])  # exact duplicates: distance-0 ties
    grid = rng.randint(0, 2, size=(300, 18)).astype(float)  # many equal distances
    near = X20[:300] + rng.normal(scale=1e-13, size=(300, 20))  # near-ties below rounding
    near[150:] = X20[:150]
    shifted = X20 + 1e4  # large norms: a loose float32 bound, many candidates
    return {"dense20": X20, "duplicates": dup, "grid": grid, "near_ties": near,
            "float32": X20.astype(np.float32), "shifted": shifted}


BLOCKED = _blocked_cases()


@pytest.mark.parametrize("name", BLOCKED)
@pytest.mark.parametrize("k", [1, 5, 30])
@pytest.mark.parametrize("query_is_train", [True, False], ids=["self", "query"])
def test_neighbor_index_blocked_equals_sklearn(monkeypatch, name, k, query_is_train):
    """Check that the blocked float32 search returns scikit-learn's neighbours and distances."""
    monkeypatch.setattr(_index, "_BLOCKED_MIN_ENTRIES", 0)
    X = BLOCKED[name]
    query = None if query_is_train else X[::3] + 0.01
    dist, ind = NeighborIndex(n_neighbors=k, algorithm="exact").fit(X).kneighbors(query)
    ref_dist, ref_ind = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(query)
    np.testing.assert_array_equal(ind, ref_ind)
    assert dist.dtype == ref_dist.dtype
    # ours are float64 differences; scikit-learn's come from |q|^2 - 2 q.r + |r|^2 in the rows'
    # precision, so they agree within that formula's rounding (1e-12 relative on unit-scale rows)
    Q = X if query is None else query
    norms = np.einsum("ij,ij->i", Q, Q.astype(np.float64)) + np.einsum("ij,ij->i", X, X).max()
    err = rounding_bound(X.shape[1], X.dtype) * norms
    assert (np.abs(dist ** 2 - ref_dist ** 2) <= err[:, None]).all()
    if X.dtype == np.float64 and name != "shifted":
        np.testing.assert_allclose(dist, ref_dist, rtol=1e-12, atol=1e-12)


def test_neighbor_index_blocked_is_used_above_size_rule(monkeypatch):
    """Check that the exact backend calls the blocked search only above the size threshold."""
    calls = []

    def spy(Q, R, k, n_jobs=None):
        calls.append(k)
        return exact_kneighbors(Q, R, k)

    monkeypatch.setattr(_index, "exact_kneighbors_in_threads", spy)
    X = BLOCKED["dense20"]
    index = NeighborIndex(n_neighbors=3, algorithm="exact").fit(X)
    monkeypatch.setattr(_index, "_BLOCKED_MIN_ENTRIES", X.shape[0] ** 2 + 1)
    index.kneighbors()
    assert calls == []
    monkeypatch.setattr(_index, "_BLOCKED_MIN_ENTRIES", X.shape[0] ** 2)
    index.kneighbors()
    assert calls == [4]
    index.fit(DATASETS["dense5"]).kneighbors()  # 5 features: scikit-learn's KD-tree
    index.fit(sp.csr_matrix(X)).kneighbors()  # sparse: scikit-learn
    assert calls == [4]


def test_exact_kneighbors_leaves_ties_unsolved():
    """Check that duplicates and equal distances are left to the fallback, the rest solved."""
    R = np.vstack([np.eye(20), np.eye(20)[:1], 5 * np.eye(20)])  # row 20 duplicates row 0
    Q = np.vstack([np.eye(20)[0], np.full(20, 0.5), 0.9 * np.eye(20)[1] + 0.2 * np.eye(20)[2]])
    _, ind, solved = exact_kneighbors(Q, R, 2)
    # query 0: rows 0 and 20 tie at 0; query 1: the 20 unit rows tie; query 2: no tie
    assert solved.tolist() == [False, False, True]
    assert ind[2].tolist() == [1, 2]


def test_neighbor_index_blocked_fallback_is_used(monkeypatch):
    """Check that unsolved queries get scikit-learn's answer, self-exclusion rule included."""
    monkeypatch.setattr(_index, "_BLOCKED_MIN_ENTRIES", 0)
    X = BLOCKED["duplicates"]
    _, _, solved = exact_kneighbors(X, X, 4)
    assert 0 < (~solved).sum() < X.shape[0]
    ind = NeighborIndex(n_neighbors=3, algorithm="exact").fit(X).kneighbors(
        return_distance=False)
    np.testing.assert_array_equal(ind, NearestNeighbors(n_neighbors=3).fit(X).kneighbors(
        return_distance=False))


def test_neighbor_index_blocked_checks_query_width(monkeypatch):
    """Check that a query with the wrong number of features names both widths."""
    monkeypatch.setattr(_index, "_BLOCKED_MIN_ENTRIES", 0)
    index = NeighborIndex(n_neighbors=2, algorithm="exact").fit(BLOCKED["dense20"])
    with pytest.raises(ValueError, match="X has 19 features, but the index was fitted with 20"):
        index.kneighbors(BLOCKED["dense20"][:, :19])


@settings(max_examples=40, deadline=None)
@given(X=arrays(np.float64, st.tuples(st.integers(2, 40), st.just(17)),
                elements=st.floats(-4, 4, width=32)),
       k=st.integers(1, 12), block_entries=st.sampled_from([40, 400, 4_000_000]),
       data=st.data())
def test_exact_kneighbors_solved_rows_equal_sklearn(X, k, block_entries, data):
    """Check that every row the blocked search claims solved is scikit-learn's answer."""
    k = min(k, X.shape[0])
    Q = data.draw(arrays(np.float64, (5, 17), elements=st.floats(-4, 4, width=32)))
    dist, ind, solved = exact_kneighbors(Q, X, k, block_entries=block_entries)
    ref_dist, ref_ind = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(Q)
    np.testing.assert_array_equal(ind[solved], ref_ind[solved])
    # distances agree up to scikit-learn's own rounding of |q|^2 - 2 q.r + |r|^2 (ours are
    # computed from the differences, so a near-zero distance can differ in its last digits)
    allowed = 2 * rounding_bound(17, np.float64) * (
        np.einsum("ij,ij->i", Q, Q)[:, None] + np.einsum("ij,ij->i", X, X).max())
    gap = np.abs(dist ** 2 - ref_dist ** 2)
    assert np.all(gap[solved] <= np.broadcast_to(allowed, gap.shape)[solved])


@pytest.mark.parametrize("k", [1, 4, 12])
@pytest.mark.parametrize("duplicated", [False, True], ids=["distinct", "duplicates"])
def test_exact_kneighbors_over_many_reference_blocks(k, duplicated):
    """Check the grouped filter across blocks of 1,024 references (the last one ragged)."""
    X, _ = make_classification(n_samples=3001, n_features=20, random_state=k)
    if duplicated:
        X[1500:] = X[:1501]
    Q = X[::7] + 0.05
    _, ind, solved = exact_kneighbors(Q, X, k)
    ref_ind = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(Q, return_distance=False)
    np.testing.assert_array_equal(ind[solved], ref_ind[solved])
    # only exact ties stay unsolved: every query here has them (duplicated) or none
    assert solved.all() if not duplicated else not solved.any()


def test_exact_kneighbors_gives_up_on_massive_ties(monkeypatch):
    """Check that a query tied with thousands of rows is left unsolved, its neighbours exact."""
    monkeypatch.setattr(_index, "_BLOCKED_MIN_ENTRIES", 0)
    rng = np.random.RandomState(5)
    X = np.vstack([np.zeros((3000, 17)), rng.normal(size=(100, 17))])
    Q = np.vstack([np.ones((1, 17)), rng.normal(size=(3, 17)) + 3.0])
    _, _, solved = exact_kneighbors(Q, X, 3, block_entries=2_000)
    assert solved.tolist() == [False, True, True, True]
    ind = NeighborIndex(n_neighbors=3, algorithm="exact").fit(X).kneighbors(
        Q, return_distance=False)
    np.testing.assert_array_equal(ind, NearestNeighbors(n_neighbors=3).fit(X).kneighbors(
        Q, return_distance=False))


def test_neighbor_index_blocked_reference_follows_refit_and_pickle(monkeypatch):
    """Check that the prepared rows are rebuilt after a refit and left out of a pickle."""
    import pickle

    monkeypatch.setattr(_index, "_BLOCKED_MIN_ENTRIES", 0)
    X = BLOCKED["dense20"]
    other = X[::-1] * 2.0 + 1.0
    index = NeighborIndex(n_neighbors=4, algorithm="exact").fit(X)
    index.kneighbors(X[:50])
    index.fit(other)
    np.testing.assert_array_equal(index.kneighbors(X[:50], return_distance=False),
                                  NearestNeighbors(n_neighbors=4).fit(other).kneighbors(
                                      X[:50], return_distance=False))
    restored = pickle.loads(pickle.dumps(index))
    assert getattr(restored, "_reference", None) is None
    np.testing.assert_array_equal(restored.kneighbors(return_distance=False),
                                  index.kneighbors(return_distance=False))


def test_neighbor_index_threads_follow_joblib(monkeypatch):
    """Check that n_jobs=-1 means every core (hnswlib's own -1 would run one thread)."""
    from joblib import cpu_count

    assert NeighborIndex(n_jobs=-1)._threads() == cpu_count()
    assert NeighborIndex(n_jobs=None)._threads() == 1
    assert NeighborIndex(n_jobs=3)._threads() == 3


def test_neighbor_index_blocked_threads_give_the_same_answer(monkeypatch):
    """Check that the blocked search split over threads returns the one-thread answer."""
    monkeypatch.setattr(_index, "_BLOCKED_MIN_ENTRIES", 0)
    monkeypatch.setattr(_brute, "_QUERIES_PER_THREAD", 10)
    X = BLOCKED["dense20"]
    one = NeighborIndex(n_neighbors=5, algorithm="exact").fit(X).kneighbors()
    three = NeighborIndex(n_neighbors=5, algorithm="exact", n_jobs=3).fit(X).kneighbors()
    np.testing.assert_array_equal(one[1], three[1])
    np.testing.assert_array_equal(one[0], three[0])


def test_proofs_do_not_depend_on_threads():
    """Check that the partition and the purity proofs give the same answer on 1 or 2 threads."""
    from unskew.resampling import SMOTE

    X, y = make_classification(n_samples=6000, n_features=8, weights=[0.9], flip_y=0.02,
                               random_state=0)
    trace = []
    X, y = SMOTE(random_state=0).fit_resample(X, y, _trace=trace)
    one = pure_neighbourhoods(X, y, np.arange(y.size), 4, segments=trace[0])
    two = pure_neighbourhoods(X, y, np.arange(y.size), 4, segments=trace[0], n_jobs=2)
    np.testing.assert_array_equal(one, two)
    assert 0.5 < one.mean() < 1.0  # a real mix of proven and unproven rows
    np.testing.assert_array_equal(KMeansPartition(X, n_jobs=2).labels, KMeansPartition(X).labels)
