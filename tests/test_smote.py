"""Tests of the SMOTE family: SMOTE, Borderline, SVM, ADASYN, K-means, SMOTE-NC, SMOTE-N."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn import over_sampling as ref
from imblearn.utils.estimator_checks import estimator_checks_generator
from scipy import sparse, stats
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors
from sklearn.svm import LinearSVC

from unskew.exceptions import DataError, StructureError
from unskew.resampling import (
    ADASYN,
    SMOTE,
    SMOTEN,
    SMOTENC,
    SVMSMOTE,
    BorderlineSMOTE,
    KMeansSMOTE,
)


def _data(n=400, weights=(0.85,), n_classes=2, seed=0, n_features=4):
    return make_classification(n_samples=n, n_features=n_features, n_informative=3,
                               n_redundant=0, n_classes=n_classes, weights=list(weights),
                               random_state=seed)


NUMERIC = [
    SMOTE(random_state=0),
    BorderlineSMOTE(random_state=0),
    BorderlineSMOTE(kind="borderline-2", random_state=0),
    SVMSMOTE(random_state=0),
    ADASYN(random_state=0),
    KMeansSMOTE(kmeans_estimator=3, cluster_balance_threshold=0.0, random_state=0),
]
IDS = ["smote", "borderline1", "borderline2", "svm", "adasyn", "kmeans"]


def _on_segment(X_res, n_orig, X_class, k):
    """Each synthetic row lies on a segment from a class row to one of its k class neighbours."""
    nbrs = NearestNeighbors(n_neighbors=k + 1).fit(X_class).kneighbors(
        X_class, return_distance=False)[:, 1:]
    for x in X_res[n_orig:]:
        found = False
        for i in range(X_class.shape[0]):
            d = X_class[nbrs[i]] - X_class[i]
            t = (d @ (x - X_class[i])) / np.maximum((d * d).sum(1), 1e-300)
            ok = (t >= -1e-9) & (t <= 1 + 1e-9)
            dist = np.linalg.norm(X_class[i] + t[:, None] * d - x, axis=1)
            if np.any(ok & (dist < 1e-8)):
                found = True
                break
        if not found:
            return False
    return True


# ----------------------------------------------------------------- reference equivalence
def test_smote_equals_imblearn_binary():
    """Check that SMOTE gives imbalanced-learn's exact output for a binary target and a seed."""
    X, y = _data()
    ours = SMOTE(random_state=3).fit_resample(X, y)
    theirs = ref.SMOTE(random_state=3).fit_resample(X, y)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])


def test_smote_neighbour_sets_equal_imblearn():
    """Check that the exact neighbour sets of each minority row equal scikit-learn's."""
    X, y = _data()
    sm = SMOTE(random_state=0).fit(X, y)
    X_min = X[y == 1]
    sm.fit_resample(X, y)
    ours = sm.nn_k_.fit(X_min).kneighbors(None, n_neighbors=5, return_distance=False)
    theirs = NearestNeighbors(n_neighbors=6).fit(X_min).kneighbors(X_min, return_distance=False)
    assert [set(r) for r in ours] == [set(r) for r in theirs[:, 1:]]


def test_smote_distribution_matches_imblearn():
    """Check that gaps are U(0,1), parents uniform, and projections match imblearn's (KS)."""
    X, y = _data(n=600)
    X_min = X[y == 1]
    ours = SMOTE(random_state=1).fit_resample(X, y)[0][len(y):]
    theirs = ref.SMOTE(random_state=2).fit_resample(X, y)[0][len(y):]
    direction = np.random.RandomState(0).normal(size=X.shape[1])
    assert stats.ks_2samp(ours @ direction, theirs @ direction).pvalue > 0.01
    # recover each synthetic row's parent pair: its gap is U(0, 1) and the pair frequencies
    # of ours and imblearn's come from one distribution (chi-square homogeneity)
    nbrs = NearestNeighbors(n_neighbors=6).fit(X_min).kneighbors(X_min, return_distance=False)
    d = X_min[nbrs[:, 1:]] - X_min[:, None, :]

    def parents(rows):
        gaps, pairs = [], []
        for x in rows:
            t = np.einsum("ijk,ijk->ij", d, x - X_min[:, None, :]) / np.einsum("ijk,ijk->ij", d, d)
            err = np.linalg.norm(X_min[:, None, :] + t[..., None] * d - x, axis=2)
            i, j = np.unravel_index(np.argmin(err), err.shape)
            assert err[i, j] < 1e-8
            gaps.append(t[i, j])
            pairs.append(tuple(sorted((i, nbrs[i, j + 1]))))
        return np.array(gaps), pairs

    gaps, ours_pairs = parents(ours)
    _, theirs_pairs = parents(theirs)
    assert ((gaps >= 0) & (gaps <= 1)).all()
    # a pair is found from either end (t or 1 - t): the folded gap 2 min(t, 1 - t) is U(0, 1)
    assert stats.kstest(2 * np.minimum(gaps, 1 - gaps), "uniform").pvalue > 0.01
    keys = sorted(set(ours_pairs) | set(theirs_pairs))
    table = np.array([[ours_pairs.count(k) for k in keys], [theirs_pairs.count(k) for k in keys]])
    # pool rare pairs so every expected cell count is large enough for the chi-square test
    order = np.argsort(table.sum(0))
    pooled = np.add.reduceat(table[:, order], np.arange(0, len(keys), 6), axis=1)
    assert stats.chi2_contingency(pooled).pvalue > 0.001


def test_smoten_equals_imblearn():
    """Check that SMOTEN gives imbalanced-learn's exact output for a seed."""
    rng = np.random.RandomState(0)
    X = rng.choice(["a", "b", "c"], size=(120, 3)).astype(object)
    y = np.r_[np.zeros(90, int), np.ones(30, int)]
    ours = SMOTEN(random_state=0).fit_resample(X, y)
    theirs = ref.SMOTEN(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(ours[0], theirs[0])


def test_smotenc_numeric_part_equals_imblearn():
    """Check that SMOTE-NC without one-hot gives imblearn's numeric columns for a seed."""
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200),
                      "c": pd.Categorical(rng.choice(list("xyz"), 200))})
    y = np.r_[np.zeros(160, int), np.ones(40, int)]
    ours = SMOTENC(random_state=0).fit_resample(X, y)[0]
    theirs = ref.SMOTENC(categorical_features=[2], random_state=0).fit_resample(X, y)[0]
    np.testing.assert_allclose(ours[["a", "b"]].to_numpy(), theirs[["a", "b"]].to_numpy())
    assert ours["c"].dtype == X["c"].dtype


def test_smotenc_frame_keeps_types_and_matches_array_path():
    """Check that a DataFrame keeps every column's dtype, y its type and index, same values."""
    rng = np.random.RandomState(1)
    n = 150
    X = pd.DataFrame({"f32": rng.normal(size=n).astype(np.float32), "f64": rng.normal(size=n),
                      "i": rng.randint(0, 9, n), "cat": pd.Categorical(rng.choice(list("pq"), n)),
                      "s": rng.choice(["u", "v", "w"], n).astype(object)})
    labels = np.r_[np.zeros(110, int), np.ones(40, int)]
    y = pd.Series(labels, name="target", index=np.arange(1000, 1000 + n))
    sampler = SMOTENC(categorical_features=[3, 4], random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.dtypes.tolist() == X.dtypes.tolist()
    assert y_res.name == "target"
    assert y_res.index.equals(X_res.index)
    pd.testing.assert_frame_equal(X_res.iloc[:n], X)
    X_arr, y_arr = sampler.fit_resample(X.to_numpy(dtype=object), labels.tolist())
    assert y_arr == y_res.tolist()
    np.testing.assert_array_equal(X_arr[:, 3:], X_res.iloc[:, 3:].astype(object).to_numpy())
    np.testing.assert_allclose(X_arr[:, 1].astype(float), X_res["f64"])


def test_smotenc_distance_formula():
    """Check that SMOTE-NC neighbours follow d^2 = numeric^2 + Med^2 * mismatches."""
    num = np.array([[0.0], [1.0], [1.5], [3.0]])
    codes = np.array([[0], [1], [0], [0]], dtype=np.int32)
    med = 2.0
    nns = SMOTENC()._neighbors(num, codes, med, 2)
    d2 = (num - num.T) ** 2 + med ** 2 * (codes != codes.T)
    np.fill_diagonal(d2, np.inf)
    np.testing.assert_array_equal(nns, np.argsort(d2, axis=1, kind="stable")[:, :2])


# --------------------------------------------------------------------- variant formulas
def test_borderline_danger_set_by_hand():
    """Check that DANGER is m/2 <= m' < m other-class rows among the m nearest (Han 2005)."""
    X, y = _data(n=300, seed=2)
    sm = BorderlineSMOTE(m_neighbors=6, random_state=0).fit(X, y)
    sm.fit_resample(X, y)
    nn = NearestNeighbors(n_neighbors=7).fit(X)
    rows = np.flatnonzero(y == 1)
    m_other = (y[nn.kneighbors(X[rows], return_distance=False)[:, 1:]] != 1).sum(1)
    expected = rows[(m_other >= 3) & (m_other < 6)]
    np.testing.assert_array_equal(sm.in_danger_indices_[1], expected)
    theirs = ref.BorderlineSMOTE(m_neighbors=6, random_state=0)
    theirs.fit_resample(X, y)
    np.testing.assert_array_equal(theirs.in_danger_indices[1], expected)


def test_borderline2_gap_towards_other_class_at_most_half():
    """Check that borderline-2 rows lie on DANGER-to-neighbour segments, gap <= 0.5 across classes."""
    X, y = _data(n=300, seed=2)
    sm = BorderlineSMOTE(kind="borderline-2", random_state=0)
    X_res, _ = sm.fit_resample(X, y)
    danger = sm.in_danger_indices_[1]
    nbrs = NearestNeighbors(n_neighbors=6).fit(X).kneighbors(X[danger],
                                                              return_distance=False)[:, 1:]
    n_cross = 0
    for x in X_res[len(y):][:200]:
        d = X[nbrs] - X[danger][:, None, :]  # (n_danger, 5, n_features)
        t = np.einsum("ijk,ijk->ij", d, x - X[danger][:, None, :]) / np.einsum("ijk,ijk->ij", d, d)
        err = np.linalg.norm(X[danger][:, None, :] + t[..., None] * d - x, axis=2)
        i, j = np.unravel_index(np.argmin(err), err.shape)
        assert err[i, j] < 1e-8
        assert -1e-9 <= t[i, j] <= 1 + 1e-9
        if y[nbrs[i, j]] != 1:
            n_cross += 1
            assert t[i, j] <= 0.5 + 1e-9
    assert n_cross > 0


def test_adasyn_ratio_by_hand():
    """Check that ADASYN's r_i is the other-class share of the K nearest, normalised (He 2008)."""
    X, y = _data(n=300, seed=1)
    ad = ADASYN(n_neighbors=4, random_state=0)
    _, y_res = ad.fit_resample(X, y)
    rows = np.flatnonzero(y == 1)
    nn = NearestNeighbors(n_neighbors=5).fit(X)
    r = (y[nn.kneighbors(X[rows], return_distance=False)[:, 1:]] != 1).sum(1) / 4
    np.testing.assert_allclose(ad.ratios_[1], r / r.sum())
    assert np.bincount(y_res)[1] == np.bincount(y).max()


def test_svmsmote_uses_minority_support_vectors_and_linear_option():
    """Check that SVM-SMOTE seeds come from support vectors and LinearSVC works without support_."""
    X, y = _data(n=300, seed=4)
    _, y_res = SVMSMOTE(random_state=0).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [np.bincount(y).max()] * 2
    _, y_lin = SVMSMOTE(svm_estimator=LinearSVC(), random_state=0).fit_resample(X, y)
    assert np.bincount(y_lin).tolist() == [np.bincount(y).max()] * 2


def test_kmeanssmote_samples_within_clusters():
    """Check that K-means SMOTE only interpolates between rows of the same cluster."""
    rng = np.random.RandomState(0)
    X = np.r_[rng.normal(0, 0.1, (100, 2)), rng.normal(5, 0.1, (100, 2)),
              rng.normal(0, 0.1, (15, 2)) + np.array([0, 0.5]),
              rng.normal(5, 0.1, (15, 2)) + np.array([0, 0.5])]
    y = np.r_[np.zeros(200, int), np.ones(30, int)]
    X_res, y_res = KMeansSMOTE(kmeans_estimator=2, cluster_balance_threshold=0.0,
                               random_state=0).fit_resample(X, y)
    new = X_res[len(y):]
    assert np.bincount(y_res)[1] == 200
    assert np.all((np.abs(new[:, 0]) < 1) | (np.abs(new[:, 0] - 5) < 1))


# --------------------------------------------------------------------------- properties
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n_min=st.integers(8, 30), extra=st.integers(0, 40))
def test_smote_counts_segments_and_originals(seed, n_min, extra):
    """Check counts equal the strategy, originals first and unchanged, new rows on segments."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(60 + n_min, 3))
    y = np.r_[np.zeros(60, int), np.ones(n_min, int)]
    X_res, y_res = SMOTE(k_neighbors=3, sampling_strategy={1: 60 + extra},
                         random_state=seed).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [60, 60 + extra]
    np.testing.assert_array_equal(X_res[:len(y)], X)
    assert _on_segment(X_res, len(y), X[y == 1], 3)


@pytest.mark.parametrize("sampler", NUMERIC, ids=IDS)
def test_sampler_reproducible_and_pandas_preserved(sampler):
    """Check that a seed fixes the output and DataFrames keep column names and dtypes."""
    X, y = _data(n=300, seed=5)
    frame = pd.DataFrame(X.astype(np.float32), columns=[f"f{i}" for i in range(X.shape[1])])
    a = sampler.fit_resample(frame, pd.Series(y, name="label"))
    b = sampler.fit_resample(frame, pd.Series(y, name="label"))
    pd.testing.assert_frame_equal(a[0], b[0])
    assert list(a[0].columns) == list(frame.columns)
    assert (a[0].dtypes == np.float32).all()
    assert a[1].name == "label"
    pd.testing.assert_frame_equal(a[0].iloc[:len(y)], frame)


@pytest.mark.parametrize("sampler", NUMERIC, ids=IDS)
def test_sampler_sample_weight_interpolated(sampler):
    """Check that originals keep their weight and constant weights stay constant."""
    X, y = _data(n=300, seed=5)
    w = np.full(len(y), 2.0)
    w[:10] = 3.0
    _, y_res, w_res = sampler.fit_resample(X, y, sample_weight=w)
    np.testing.assert_array_equal(w_res[:len(y)], w)
    assert w_res.shape == y_res.shape
    assert (w_res >= 0).all()
    _, _, w_one = sampler.fit_resample(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_allclose(w_one, 1.0)


def test_smote_sample_weight_rule():
    """Check w_new = w_i + gap (w_j - w_i) with the gap read back from the geometry."""
    X = np.array([[0.0], [1.0], [10.0], [11.0], [12.0], [13.0]])
    y = np.array([1, 1, 0, 0, 0, 0])
    w = np.array([1.0, 3.0, 1, 1, 1, 1])
    X_res, _, w_res = SMOTE(k_neighbors=1, random_state=0).fit_resample(X, y, sample_weight=w)
    gap = X_res[6:, 0]  # seeds 0 and 1 sit at 0 and 1, so the new x equals the weight's gap
    np.testing.assert_allclose(w_res[6:], 1.0 + gap * 2.0)


@pytest.mark.parametrize("sampler", NUMERIC[:5], ids=IDS[:5])
def test_sampler_sparse_matches_dense(sampler):
    """Check that CSR input gives the dense result, as sparse."""
    X, y = _data(n=300, seed=5)
    dense = sampler.fit_resample(X, y)[0]
    out = sampler.fit_resample(sparse.csr_matrix(X), y)[0]
    assert sparse.issparse(out)
    np.testing.assert_allclose(out.toarray(), dense, rtol=1e-6, atol=1e-12)


def test_smote_multiclass_strategy():
    """Check that multi-class 'auto' lifts every class to the majority count."""
    X, y = _data(n=600, n_classes=3, weights=(0.6, 0.3, 0.1))
    _, y_res = SMOTE(random_state=0).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [np.bincount(y).max()] * 3


# ---------------------------------------------------------------------------- bad input
def test_smote_small_class_error():
    """Check that a class with <= k_neighbors rows names the class, its count and a k."""
    X = np.random.RandomState(0).normal(size=(23, 2))
    y = np.r_[np.zeros(20, int), np.ones(3, int)]
    with pytest.raises(DataError, match=r"class 1 has 3 rows, but k_neighbors=5.*k_neighbors=2"):
        SMOTE().fit_resample(X, y)


def test_smote_nan_names_column():
    """Check that NaN in a DataFrame names the column."""
    X, y = _data(n=100)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame.loc[3, "c"] = np.nan
    with pytest.raises(DataError, match="column 'c' has 1 NaN"):
        SMOTE().fit_resample(frame, y)
    with pytest.raises(DataError, match="column 2 of X has 1 NaN"):
        SMOTE().fit_resample(frame.to_numpy(), y)


@pytest.mark.parametrize(
    ("strategy", "match"),
    [({7: 500}, r"classes \[7\] that are not in y"),
     ({1: 5}, r"asks for 5 rows of class 1, which has \d+")],
    ids=["unknown-class", "shrink"],
)
def test_smote_bad_strategy(strategy, match):
    """Check that a strategy naming an unknown class or shrinking one is a DataError."""
    X, y = _data(n=200)
    with pytest.raises(DataError, match=match):
        SMOTE(sampling_strategy=strategy).fit_resample(X, y)


def test_smote_rejects_1d_and_categorical():
    """Check that 1-D X and categorical columns get errors pointing to the fix."""
    X, y = _data(n=100)
    with pytest.raises(DataError, match=r"X must be 2-D.*reshape\(-1, 1\)"):
        SMOTE().fit_resample(X[:, 0], y)
    frame = pd.DataFrame({"a": X[:, 0], "city": np.where(y == 1, "x", "y")})
    with pytest.raises(DataError, match=r"columns \['city'\] are categorical.*SMOTENC"):
        SMOTE().fit_resample(frame, y)


@pytest.mark.parametrize(
    ("sampler", "error", "match"),
    [(SMOTE(k_neighbors=0), ValueError, "k_neighbors must be an int >= 1"),
     (SMOTE(k_neighbors="five"), TypeError, "k_neighbors must be an int >= 1 or an object"),
     (BorderlineSMOTE(kind="borderline-3"), ValueError, "kind must be"),
     (SVMSMOTE(out_step=2.0), ValueError, r"out_step must be in \[0, 1\]"),
     (SVMSMOTE(svm_estimator="svc"), TypeError, "svm_estimator must be"),
     (KMeansSMOTE(kmeans_estimator=0), ValueError, "kmeans_estimator as an int"),
     (KMeansSMOTE(density_exponent="x"), ValueError, "density_exponent must be 'auto'")],
    ids=["k0", "k-str", "kind", "out-step", "svm", "kmeans", "exponent"],
)
def test_sampler_bad_parameters(sampler, error, match):
    """Check that bad parameters name the parameter and the value."""
    X, y = _data(n=200)
    with pytest.raises(error, match=match):
        sampler.fit_resample(X, y)


def test_adasyn_no_hard_rows_error():
    """Check that ADASYN on separated classes explains why it cannot work."""
    X = np.r_[np.random.RandomState(0).normal(0, 0.1, (50, 2)),
              np.random.RandomState(1).normal(10, 0.1, (10, 2))]
    y = np.r_[np.zeros(50, int), np.ones(10, int)]
    with pytest.raises(StructureError, match="no row of class 1 has a neighbour of another class"):
        ADASYN().fit_resample(X, y)


def test_kmeanssmote_no_cluster_error():
    """Check that K-means SMOTE without a qualifying cluster says what to change."""
    X, y = _data(n=300)
    with pytest.raises(StructureError, match="no cluster holds at least 3 rows of class 1"):
        KMeansSMOTE(kmeans_estimator=2, cluster_balance_threshold=0.99).fit_resample(X, y)


@pytest.mark.parametrize(
    ("X_kind", "features", "match"),
    [("frame", [0, 1, 2], "all 3 columns are categorical.*SMOTEN"),
     ("frame", [], "no categorical column found; use SMOTE"),
     ("array", "auto", "needs X as a DataFrame"),
     ("frame", ["nope"], "categorical feature 'nope' is not a column"),
     ("frame", [9], "index 9 is out of range")],
    ids=["all-cat", "none", "auto-array", "bad-name", "bad-index"],
)
def test_smotenc_bad_columns(X_kind, features, match):
    """Check that SMOTE-NC column specifications are validated with the fix."""
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40),
                      "c": rng.choice(["p", "q"], 40)})
    y = np.r_[np.zeros(30, int), np.ones(10, int)]
    X = X if X_kind == "frame" else X.to_numpy()
    with pytest.raises(DataError, match=match):
        SMOTENC(categorical_features=features).fit_resample(X, y)


# ------------------------------------------------------------- imbalanced-learn's checks
SEEDED = [SMOTE(random_state=42), BorderlineSMOTE(random_state=42), SVMSMOTE(random_state=42),
          ADASYN(random_state=42), KMeansSMOTE(kmeans_estimator=12, random_state=0),
          SMOTENC(categorical_features=[0], random_state=42), SMOTEN(random_state=42)]
# SMOTE-NC needs numeric columns: the one-column string data of check_samplers_string is
# all-categorical, which SMOTEN serves (imbalanced-learn skips SMOTENC in its own checks)
SKIP = {("SMOTENC", "check_samplers_string")}
CHECKS = [(est, check) for est in SEEDED for est, check in estimator_checks_generator(est)
          if (type(est).__name__, check.func.__name__) not in SKIP]


# SMOTE-N's Value Difference Metric over the checks' 1,000 float "categories" takes ~1 s a check
PARAMS = [pytest.param(e, c, id=f"{type(e).__name__}-{c.func.__name__}",
                       marks=[pytest.mark.slow] if isinstance(e, SMOTEN) else [])
          for e, c in CHECKS]


@pytest.mark.parametrize(("sampler", "check"), PARAMS)
def test_imblearn_sampler_checks(sampler, check):
    """Check each seeded resampler against imbalanced-learn's own sampler checks."""
    check(sampler)


@pytest.mark.parametrize("sampler", [
    SMOTE(random_state=0), BorderlineSMOTE(kind="borderline-1", random_state=0),
    BorderlineSMOTE(kind="borderline-2", random_state=0), SVMSMOTE(random_state=0),
    ADASYN(random_state=0), KMeansSMOTE(kmeans_estimator=4, cluster_balance_threshold=0.0,
                                        random_state=0),
], ids=["smote", "borderline-1", "borderline-2", "svm", "adasyn", "kmeans"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reported_segments_are_where_the_rows_are(sampler, dtype):
    """Check the segments SMOTE reports (for SMOTE-ENN's proofs): each listed row is its two
    ends' interpolation at its gap, both ends original rows of its class, the gap in [0, 1]."""
    X, y = make_classification(n_samples=600, n_features=5, weights=[0.8], class_sep=1.0,
                               random_state=0)
    X = X.astype(dtype)
    trace = []
    X_res, y_res = sampler.fit_resample(X, y, _trace=trace)
    seg, = trace
    assert seg.rows.size > 0
    assert np.all(seg.rows >= len(y))  # synthetic rows ...
    assert np.all(seg.base < len(y))  # ... between original rows ...
    assert np.all(seg.toward < len(y))
    assert np.all(y[seg.base] == y_res[seg.rows])  # ... of their own class
    assert np.all(y[seg.toward] == y_res[seg.rows])
    assert np.all((seg.gap >= 0) & (seg.gap <= 1))
    made = X[seg.base] + seg.gap.astype(dtype)[:, None] * (X[seg.toward] - X[seg.base])
    np.testing.assert_allclose(X_res[seg.rows], made, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-5 if dtype == np.float32 else 1e-12)
    if isinstance(sampler, SVMSMOTE) or getattr(sampler, "kind", None) == "borderline-2":
        return  # extrapolations and moves towards another class are left out
    assert seg.rows.size == len(y_res) - len(y)  # every other row is listed
