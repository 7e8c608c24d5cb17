"""Tests of the top-ranked SMOTE variants: polynomial-fit SMOTE, ProWSyn, SMOTE-IPF."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from unskew.exceptions import DataError
from unskew.resampling import SMOTE, SMOTEIPF, PolynomialFitSMOTE, ProWSyn


def _data(n=300, weights=(0.85,), n_classes=2, seed=0, n_features=4):
    return make_classification(n_samples=n, n_features=n_features, n_informative=3,
                               n_redundant=0, n_classes=n_classes, weights=list(weights),
                               random_state=seed)


def _rows_match(actual, expected):
    """Check two row sets are equal as multisets (up to float rounding)."""
    a = actual[np.lexsort(actual.T[::-1])]
    b = expected[np.lexsort(expected.T[::-1])]
    return a.shape == b.shape and np.allclose(a, b, atol=1e-12)


SAMPLERS = [
    PolynomialFitSMOTE(random_state=0),
    PolynomialFitSMOTE(topology="bus", random_state=0),
    PolynomialFitSMOTE(topology="mesh", random_state=0),
    PolynomialFitSMOTE(topology="poly_3", random_state=0),
    ProWSyn(random_state=0),
    SMOTEIPF(random_state=0),
]
IDS = ["star", "bus", "mesh", "poly3", "prowsyn", "smoteipf"]


# ----------------------------------------------------------------- PolynomialFitSMOTE
def test_polynomialfit_star_points_evenly_on_mean_segments():
    """Check that star rows are x_i + j/(c+1) (mean - x_i), c = G/n per row (Gazzah 2008)."""
    rng = np.random.RandomState(0)
    X = np.r_[rng.normal(size=(20, 3)), rng.normal(3, 1, size=(5, 3))]
    y = np.r_[np.zeros(20, int), np.ones(5, int)]
    X_res, y_res = PolynomialFitSMOTE(sampling_strategy={1: 20}).fit_resample(X, y)
    X_min = X[y == 1]
    mean = X_min.mean(axis=0)
    expected = np.array([x + g * (mean - x) for x in X_min for g in (0.25, 0.5, 0.75)])
    assert np.bincount(y_res).tolist() == [20, 20]
    assert _rows_match(X_res[len(y):], expected)


def test_polynomialfit_star_remainder_on_distinct_rows():
    """Check that G mod n extra star rows go to distinct rows, each then carrying c+1 points."""
    rng = np.random.RandomState(1)
    X = np.r_[rng.normal(size=(20, 2)), rng.normal(3, 1, size=(4, 2))]
    y = np.r_[np.zeros(20, int), np.ones(4, int)]
    X_res, _ = PolynomialFitSMOTE(sampling_strategy={1: 4 + 6}, random_state=3).fit_resample(X, y)
    new, X_min = X_res[len(y):], X[y == 1]
    mean = X_min.mean(axis=0)
    per_row = []
    for x in X_min:  # rows on the segment x -> mean, and their positions
        d = mean - x
        g = (new - x) @ d / (d @ d)
        on = np.linalg.norm(x + g[:, None] * d - new, axis=1) < 1e-10
        per_row.append(np.sort(g[on]))
    assert sorted(len(g) for g in per_row) == [1, 1, 2, 2]  # 6 = 4 * 1 + 2 extra
    for g in per_row:
        np.testing.assert_allclose(g, np.arange(1, len(g) + 1) / (len(g) + 1))


def test_polynomialfit_bus_and_mesh_segments_by_hand():
    """Check bus rows on consecutive-row segments and mesh rows at every pair's midpoint."""
    X_min = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 2.0], [4.0, 2.0]])
    X = np.r_[np.full((10, 2), 9.0) + np.arange(10)[:, None], X_min]
    y = np.r_[np.zeros(10, int), np.ones(4, int)]
    bus, _ = PolynomialFitSMOTE(topology="bus", sampling_strategy={1: 10}).fit_resample(X, y)
    expected = np.array([X_min[i] + g * (X_min[i + 1] - X_min[i])
                         for i in range(3) for g in (1 / 3, 2 / 3)])
    assert _rows_match(bus[len(y):], expected)
    mesh, _ = PolynomialFitSMOTE(topology="mesh", sampling_strategy={1: 10}).fit_resample(X, y)
    midpoints = np.array([(X_min[i] + X_min[j]) / 2 for i in range(4) for j in range(i + 1, 4)])
    assert _rows_match(mesh[len(y):], midpoints)


@pytest.mark.parametrize("n_min", [60, 1500], ids=["permutation", "rejection-draw"])
def test_polynomialfit_mesh_fewer_rows_than_pairs_distinct_midpoints(n_min):
    """Check that with G < n(n-1)/2 each mesh row is the midpoint of a distinct pair."""
    rng = np.random.RandomState(0)
    X_min = rng.uniform(size=(n_min, 2))
    X = np.r_[rng.uniform(size=(n_min + 100, 2)) + 2, X_min]
    y = np.r_[np.zeros(n_min + 100, int), np.ones(n_min, int)]
    X_res, _ = PolynomialFitSMOTE(topology="mesh", random_state=0).fit_resample(X, y)
    new = X_res[len(y):]
    assert new.shape[0] == 100
    # the midpoint m of (i, j) has 2 m - x_i = x_j: find j for every i and keep the exact hits
    nn = NearestNeighbors(n_neighbors=1).fit(X_min)
    pairs = set()
    for m in new:
        dist, j = nn.kneighbors(2 * m - X_min)
        i = np.flatnonzero((dist.ravel() < 1e-9) & (j.ravel() != np.arange(n_min)))
        assert i.size == 2  # found from both ends
        pairs.add(tuple(sorted((i[0], i[1]))))
    assert len(pairs) == 100


def test_polynomialfit_poly_rows_on_least_squares_curve():
    """Check poly_2 coefficients equal numpy's polyfit along the rows and new rows lie on the curve."""
    rng = np.random.RandomState(0)
    n = 12
    t = np.linspace(-1, 1, n)
    X_min = np.c_[1 + 2 * t, 3 - t + 4 * t**2 + rng.normal(0, 0.1, n), rng.normal(size=n)]
    X = np.r_[rng.normal(10, 1, size=(30, 3)), X_min]
    y = np.r_[np.zeros(30, int), np.ones(n, int)]
    sampler = PolynomialFitSMOTE(topology="poly_2", random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    coef = np.polynomial.polynomial.polyfit(t, X_min, 2)
    np.testing.assert_allclose(sampler.coefficients_[1], coef, atol=1e-10)
    new = X_res[len(y):]
    # feature 0 is exactly linear in t: read t from it, then every feature follows the curve
    t_new = (new[:, 0] - coef[0, 0]) / coef[1, 0]
    assert np.all((t_new >= -1 - 1e-9) & (t_new <= 1 + 1e-9))
    np.testing.assert_allclose(new, np.polynomial.polynomial.polyvander(t_new, 2) @ coef,
                               atol=1e-9)


def test_polynomialfit_sample_weight_follows_segments():
    """Check star weights interpolate w_i towards the mean weight, and originals keep theirs."""
    rng = np.random.RandomState(0)
    X = np.r_[rng.normal(size=(20, 2)), rng.normal(3, 1, size=(4, 2))]
    y = np.r_[np.zeros(20, int), np.ones(4, int)]
    w = np.r_[np.ones(20), [1.0, 2.0, 3.0, 6.0]]
    X_res, _, w_res = PolynomialFitSMOTE(sampling_strategy={1: 8}).fit_resample(
        X, y, sample_weight=w)
    np.testing.assert_array_equal(w_res[:len(y)], w)
    X_min, w_min = X[20:], w[20:]
    mean = X_min.mean(axis=0)
    for x_new, w_new in zip(X_res[len(y):], w_res[len(y):], strict=True):
        # one row per segment, at its midpoint
        i = np.argmin(np.linalg.norm(X_min + 0.5 * (mean - X_min) - x_new, axis=1))
        assert w_new == pytest.approx(w_min[i] + 0.5 * (w_min.mean() - w_min[i]))


@pytest.mark.parametrize(("params", "n_min", "match"), [
    ({"topology": "ring"}, 10, "topology must be 'star', 'bus', 'mesh' or 'poly_<degree>'"),
    ({"topology": "poly_0"}, 10, "got 'poly_0'"),
    ({"topology": "poly_3"}, 3, "class 1 has 3 rows, but a degree-3 polynomial needs at least 4"),
    ({"topology": "bus"}, 1, "class 1 has 1 rows, but topology='bus' needs at least 2"),
], ids=["unknown", "degree-0", "poly-too-few", "bus-one-row"])
def test_polynomialfit_bad_topology_or_class_size(params, n_min, match):
    """Check that a bad topology or a class too small for it raises a message saying so."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20 + n_min, 2))
    y = np.r_[np.zeros(20, int), np.ones(n_min, int)]
    with pytest.raises(ValueError, match=match):
        PolynomialFitSMOTE(**params).fit_resample(X, y)


# ------------------------------------------------------------------------------- ProWSyn
def _toy_levels():
    """1-D toy: majority at 0 and 0.1; minority pairs at distances 1-2, 3-4 and 5-6."""
    X = np.array([0.0, 0.1, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0])[:, None]
    y = np.r_[np.zeros(2, int), np.ones(6, int)]
    return X, y


def _largest_remainder(weights, total):
    exact = np.asarray(weights) / np.sum(weights) * total
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[:total - counts.sum()]:
        counts[i] += 1
    return counts


def test_prowsyn_levels_and_weights_by_hand():
    """Check levels by repeated nearest-majority partitioning and w_i = exp(-theta (i-1)) (Barua 2013)."""
    X, y = _toy_levels()
    theta, G = 0.7, 101
    sampler = ProWSyn(n_neighbors=2, L=3, theta=theta, sampling_strategy={1: 6 + G},
                      random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    # both majority rows take {1, 2}; then {3, 4} from what is left; {5, 6} remain: level 3
    np.testing.assert_array_equal(sampler.proximity_levels_[1], [1, 1, 2, 2, 3, 3])
    w = np.exp(-theta * np.arange(3))
    np.testing.assert_allclose(sampler.level_weights_[1], w / w.sum())
    new = X_res[len(y):, 0]
    per_level = [np.count_nonzero((new >= lo) & (new <= lo + 1)) for lo in (1.0, 3.0, 5.0)]
    assert per_level == _largest_remainder(w, G).tolist()
    assert np.bincount(y_res).tolist() == [2, 6 + G]


def test_prowsyn_single_row_level_gives_its_share_away():
    """Check that a level of one row gets no rows and the others split G by their weights."""
    X = np.array([0.0, 1.0, 3.0, 4.0, 5.0])[:, None]
    y = np.r_[np.zeros(1, int), np.ones(4, int)]
    sampler = ProWSyn(n_neighbors=1, L=3, sampling_strategy={1: 4 + 40}, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.proximity_levels_[1], [1, 2, 3, 3])
    new = X_res[len(y):, 0]
    assert np.all(new >= 4.0)  # only level 3 (rows at 4 and 5) has two rows to pair
    assert new.size == 40


def test_prowsyn_interpolates_within_a_level_only():
    """Check every ProWSyn row lies on a segment between two distinct rows of one level."""
    X, y = _data(n=200, seed=3)
    sampler = ProWSyn(n_neighbors=2, L=4, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    rows = np.flatnonzero(y == 1)
    levels = sampler.proximity_levels_[1]
    assert len(np.unique(levels)) > 1
    for x in X_res[len(y):][:80]:
        ok = False
        for level in np.unique(levels):
            P = X[rows[levels == level]]
            d = P[None, :, :] - P[:, None, :]  # all pairs (a, b): b - a
            dd = np.einsum("ijk,ijk->ij", d, d)
            np.fill_diagonal(dd, np.inf)
            t = np.einsum("ijk,ijk->ij", d, x - P[:, None, :]) / dd
            err = np.linalg.norm(P[:, None, :] + t[..., None] * d - x, axis=2)
            ok |= bool(np.any((err < 1e-8) & (t >= -1e-9) & (t <= 1 + 1e-9)))
        assert ok


@pytest.mark.parametrize(("params", "exc", "match"), [
    ({"L": 0}, ValueError, "L must be an int >= 1"),
    ({"theta": -1.0}, ValueError, "theta must be a finite number >= 0, got -1.0"),
    ({"n_neighbors": 0}, ValueError, "n_neighbors must be an int >= 1"),
    ({"n_neighbors": "five"}, TypeError, "n_neighbors must be an int >= 1 or an object"),
], ids=["L", "theta", "k-zero", "k-type"])
def test_prowsyn_bad_parameters(params, exc, match):
    """Check that bad ProWSyn parameters raise a message naming the parameter and the value."""
    X, y = _data(n=100)
    with pytest.raises(exc, match=match):
        ProWSyn(**params).fit_resample(X, y)


def test_prowsyn_one_row_class_and_all_singleton_levels():
    """Check that a 1-row class and levels of one row each raise DataErrors with the fix."""
    X = np.array([0.0, 1.0, 2.0, 3.0])[:, None]
    with pytest.raises(DataError, match="class 1 has 1 row, but ProWSyn interpolates"):
        ProWSyn().fit_resample(X, np.array([0, 0, 0, 1]))
    with pytest.raises(DataError, match=r"levels of sizes \[1, 1, 1\].*lower L"):
        ProWSyn(n_neighbors=1, L=3, sampling_strategy={1: 9}).fit_resample(
            X, np.array([0, 1, 1, 1]))


def test_prowsyn_accepts_a_neighbours_object():
    """Check that a NearestNeighbors object gives the same levels as the same int K."""
    X, y = _data(n=200, seed=1)
    a = ProWSyn(n_neighbors=3, random_state=0)
    b = ProWSyn(n_neighbors=NearestNeighbors(n_neighbors=3), random_state=0)
    np.testing.assert_array_equal(a.fit_resample(X, y)[0], b.fit_resample(X, y)[0])
    np.testing.assert_array_equal(a.proximity_levels_[1], b.proximity_levels_[1])


# ------------------------------------------------------------------------------ SMOTEIPF
def _planted_noise(seed=0):
    """Two separated blobs, and 6 rows labelled minority scattered inside the majority blob."""
    rng = np.random.RandomState(seed)
    X = np.r_[rng.normal(0, 1, (300, 2)), rng.normal(6, 1, (60, 2)), rng.normal(0, 1, (6, 2))]
    y = np.r_[np.zeros(300, int), np.ones(60, int), np.ones(6, int)]
    return X, y, np.arange(360, 366)


def test_smoteipf_removes_planted_label_noise():
    """Check that IPF removes rows whose label contradicts their region and keeps clean ones."""
    X, y, noise = _planted_noise()
    sampler = SMOTEIPF(random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    kept_originals = sampler.kept_indices_[sampler.kept_indices_ < len(y)]
    assert not np.isin(noise, kept_originals).any()
    clean = np.setdiff1d(np.arange(len(y)), noise)
    assert np.isin(clean, kept_originals).mean() > 0.97
    assert len(y_res) == len(y) + sampler.n_synthetic_ - sum(sampler.n_removed_)


def test_smoteipf_output_is_smote_output_filtered():
    """Check that SMOTE-IPF's rows are SMOTE's rows (same seed) at kept_indices_, in order."""
    X, y, _ = _planted_noise(1)
    X_s, y_s = SMOTE(random_state=4).fit_resample(X, y)
    sampler = SMOTEIPF(random_state=4)
    X_res, y_res = sampler.fit_resample(X, y)
    keep = sampler.kept_indices_
    assert np.all(np.diff(keep) > 0)
    np.testing.assert_array_equal(X_res, X_s[keep])
    np.testing.assert_array_equal(y_res, y_s[keep])
    assert sampler.n_synthetic_ == len(y_s) - len(y)


def test_smoteipf_stopping_rule():
    """Check the stop: k quiet iterations (< p |E_0| removed) in a row, or max_iter."""
    X, y, _ = _planted_noise(2)
    always_quiet = SMOTEIPF(p=1.0, k=2, random_state=0)
    always_quiet.fit_resample(X, y)
    assert always_quiet.n_iter_ == 2
    never_quiet = SMOTEIPF(p=0.0, max_iter=4, random_state=0)
    never_quiet.fit_resample(X, y)
    assert never_quiet.n_iter_ == 4
    assert len(never_quiet.n_removed_) == 4


def test_smoteipf_consensus_removes_no_more_than_majority():
    """Check that consensus voting flags a subset of majority voting in the same first split."""
    X, y, _ = _planted_noise(3)
    majority = SMOTEIPF(voting="majority", max_iter=1, random_state=0)
    consensus = SMOTEIPF(voting="consensus", max_iter=1, random_state=0)
    majority.fit_resample(X, y)
    consensus.fit_resample(X, y)
    assert set(majority.kept_indices_) <= set(consensus.kept_indices_)


def test_smoteipf_stops_before_emptying_a_class():
    """Check that a filter step that would remove a whole class is not applied and warns."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(104, 2))
    y = np.zeros(104, int)
    y[rng.choice(104, 4, replace=False)] = 1  # 4 isolated rows: each looks like label noise
    sampler = SMOTEIPF(sampling_strategy={1: 4}, random_state=0)
    with pytest.warns(UserWarning, match="would remove every row of class 1; it stops after 0"):
        _, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [100, 4]
    assert sampler.n_iter_ == 0


@pytest.mark.parametrize(("params", "match"), [
    ({"voting": "unanimous"}, "voting must be 'majority' or 'consensus', got 'unanimous'"),
    ({"n_folds": 1}, "n_folds must be an int >= 2, got 1"),
    ({"k": 0}, "k must be an int >= 1, got 0"),
    ({"p": 1.5}, r"p must be in \[0, 1\], got 1.5"),
    ({"max_iter": 0}, "max_iter must be an int >= 1, got 0"),
], ids=["voting", "n_folds", "k", "p", "max_iter"])
def test_smoteipf_bad_parameters(params, match):
    """Check that bad SMOTE-IPF parameters raise a ValueError naming parameter and value."""
    X, y = _data(n=100)
    with pytest.raises(ValueError, match=match):
        SMOTEIPF(**params).fit_resample(X, y)


# ------------------------------------------------------------------------- all three
@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), n_min=st.integers(6, 25), extra=st.integers(0, 30),
       which=st.sampled_from(["star", "bus", "mesh", "poly_2", "prowsyn"]))
def test_oversamplers_counts_originals_determinism(seed, n_min, extra, which):
    """Check exact counts, originals first and unchanged, and a seed fixing the output."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(50 + n_min, 3))
    y = np.r_[np.zeros(50, int), np.ones(n_min, int)]
    strategy = {1: 50 + extra}

    def make():
        if which == "prowsyn":
            return ProWSyn(n_neighbors=3, sampling_strategy=strategy, random_state=seed)
        return PolynomialFitSMOTE(topology=which, sampling_strategy=strategy, random_state=seed)

    X_res, y_res = make().fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [50, 50 + extra]
    np.testing.assert_array_equal(X_res[:len(y)], X)
    np.testing.assert_array_equal(make().fit_resample(X, y)[0], X_res)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), flip=st.floats(0.0, 0.2))
def test_smoteipf_counts_bounded_and_originals_kept_in_order(seed, flip):
    """Check SMOTE-IPF counts never exceed the strategy and kept originals come first, unchanged."""
    X, y = make_classification(n_samples=150, n_features=3, n_informative=2, n_redundant=0,
                               weights=[0.8], flip_y=flip, random_state=seed)
    sampler = SMOTEIPF(k_neighbors=3, random_state=seed)
    X_res, y_res = sampler.fit_resample(X, y)
    target = np.bincount(y).max()
    assert np.all(np.bincount(y_res, minlength=2) <= target)
    kept = sampler.kept_indices_[sampler.kept_indices_ < len(y)]
    np.testing.assert_array_equal(X_res[:kept.size], X[kept])
    np.testing.assert_array_equal(y_res[:kept.size], y[kept])


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_sampler_multiclass_pandas_and_weights(sampler):
    """Check multi-class targets, DataFrame in/out with dtypes, and weights carried through."""
    X, y = _data(n=400, weights=(0.6, 0.3), n_classes=3, seed=2)
    frame = pd.DataFrame(X.astype(np.float32), columns=[f"f{i}" for i in range(X.shape[1])])
    w = np.full(len(y), 2.0)
    X_res, y_res, w_res = sampler.fit_resample(frame, pd.Series(y, name="label"),
                                               sample_weight=w)
    assert list(X_res.columns) == list(frame.columns)
    assert (X_res.dtypes == np.float32).all()
    assert y_res.name == "label"
    np.testing.assert_allclose(w_res, 2.0)  # constant weights stay constant
    assert len(w_res) == len(y_res)
    counts = np.bincount(y_res)
    if isinstance(sampler, SMOTEIPF):
        assert counts.max() <= np.bincount(y).max()
    else:
        assert counts.tolist() == [np.bincount(y).max()] * 3
        pd.testing.assert_frame_equal(X_res.iloc[:len(y)], frame)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_sampler_sparse_equals_dense(sampler):
    """Check that CSR input gives CSR output equal to the dense result."""
    X, y = _data(n=200, seed=4)
    dense = sampler.fit_resample(X, y)
    sp = sampler.fit_resample(sparse.csr_matrix(X), y)
    assert sparse.issparse(sp[0])
    np.testing.assert_allclose(sp[0].toarray(), dense[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(sp[1], dense[1])


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_sampler_bad_input_messages(sampler):
    """Check NaN (named column), 1-D X, categorical columns and unknown classes are explained."""
    X, y = _data(n=100)
    frame = pd.DataFrame(X.copy(), columns=list("abcd"))
    frame.loc[3, "c"] = np.nan
    with pytest.raises(DataError, match="column 'c' has 1 NaN/inf values"):
        sampler.fit_resample(frame, y)
    with pytest.raises(DataError, match="X must be 2-D"):
        sampler.fit_resample(X[:, 0], y)
    cats = pd.DataFrame({"a": X[:, 0], "b": np.where(X[:, 1] > 0, "x", "y")})
    with pytest.raises(DataError, match="Use SMOTENC"):
        sampler.fit_resample(cats, y)
    with pytest.raises(DataError, match=r"names classes \[7\] that are not in y"):
        clone(sampler).set_params(sampling_strategy={7: 500}).fit_resample(X, y)
