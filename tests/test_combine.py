"""Tests of SMOTE-then-clean resamplers (unskew.resampling.SMOTETomek / SMOTEENN)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn import combine as imblearn_combine
from imblearn.over_sampling import SMOTE as ImblearnSMOTE
from imblearn.under_sampling import EditedNearestNeighbours as ImblearnENN
from imblearn.under_sampling import TomekLinks as ImblearnTomekLinks
from sklearn.datasets import make_classification

from unskew.resampling import SMOTE, SMOTEENN, EditedNearestNeighbours, SMOTETomek, TomekLinks
from unskew.resampling._combine import _IndexedTomekLinks

PAIRS = [(SMOTETomek, imblearn_combine.SMOTETomek), (SMOTEENN, imblearn_combine.SMOTEENN)]


def _data(seed, n_classes=2):
    weights = [0.85, 0.15] if n_classes == 2 else [0.6, 0.25, 0.1, 0.05]
    return make_classification(n_samples=400, n_features=5, n_informative=3,
                               n_classes=n_classes, weights=weights, class_sep=0.6,
                               random_state=seed)


@pytest.mark.parametrize(("ours", "peer"), PAIRS, ids=["tomek", "enn"])
@pytest.mark.parametrize("seed", range(6))
def test_combination_equals_imblearn_binary(ours, peer, seed):
    """Check that on binary data the rows equal imbalanced-learn's, seed for seed."""
    X, y = _data(seed)
    X_a, y_a = ours(random_state=seed).fit_resample(X, y)
    X_b, y_b = peer(random_state=seed).fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


@pytest.mark.parametrize(("ours", "peer"), PAIRS, ids=["tomek", "enn"])
@pytest.mark.parametrize("seed", range(4))
def test_cleaning_half_equals_imblearn_multiclass(ours, peer, seed):
    """Check that with the same SMOTE (imblearn's) the cleaning half keeps imblearn's rows."""
    X, y = _data(seed, n_classes=4)
    smote = ImblearnSMOTE(random_state=seed)
    X_a, y_a = ours(smote=smote).fit_resample(X, y)
    X_b, y_b = peer(smote=smote).fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


@pytest.mark.parametrize(("ours", "peer"), [(SMOTEENN, ImblearnENN), (SMOTETomek, ImblearnTomekLinks)],
                         ids=["enn", "tomek"])
@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
@pytest.mark.parametrize("seed", range(3))
def test_segment_proofs_keep_imblearn_rows(ours, peer, n_classes, dtype, seed, monkeypatch):
    """Check that the cleaning half's pruning from SMOTE's segments keeps imbalanced-learn's rows.

    The reference is imbalanced-learn's cleaner on our SMOTE's output (our multi-class SMOTE
    draws in another order than imbalanced-learn's, so whole combinations are compared on binary
    data only, above).
    """
    from unskew.resampling import _cleaning

    monkeypatch.setattr(_cleaning, "_PRUNE_MIN_ROWS", 0)
    seen = []
    prove, edit = _cleaning.pure_neighbourhoods, _cleaning.edited_neighbourhoods

    def spy(X, codes, rows, k, **kwargs):  # Tomek links
        proven = prove(X, codes, rows, k, **kwargs)
        seen.append((kwargs.get("segments"), rows[proven]))
        return proven

    def edit_spy(X, codes, rows, k, **kwargs):  # ENN: kept without the full search
        verdict = edit(X, codes, rows, k, **kwargs)
        seen.append((kwargs.get("segments"), rows[verdict == 1]))
        return verdict

    monkeypatch.setattr(_cleaning, "pure_neighbourhoods", spy)
    monkeypatch.setattr(_cleaning, "edited_neighbourhoods", edit_spy)
    weights = [0.85, 0.15] if n_classes == 2 else [0.6, 0.25, 0.1, 0.05]
    # classes apart enough that most rows can be proven pure, with some label noise
    X, y = make_classification(n_samples=400, n_features=5, n_informative=3,
                               n_classes=n_classes, weights=weights, class_sep=2.0,
                               flip_y=0.03, random_state=seed)
    X = np.vstack([X, X[:20]])  # duplicates: ties at distance 0
    # integer X: SMOTE's rows are cast back to integers, off their segments
    X = (X * 10).astype(dtype) if dtype == np.int64 else X.astype(dtype)
    y = np.concatenate([y, y[:20]])
    X_a, y_a = ours(random_state=seed).fit_resample(X, y)
    X_b, y_b = peer(sampling_strategy="all").fit_resample(
        *SMOTE(random_state=seed).fit_resample(X, y))
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
    (segments, proven), = seen
    counts = np.unique(y, return_counts=True)[1]
    if dtype == np.int64:
        assert segments.rows.size == 0
        return
    # every synthetic row was reported on a same-class segment, and most were proven pure
    assert segments.rows.size == (counts.max() - counts).sum()
    assert np.isin(segments.rows, proven).mean() > 0.3


def test_segment_proofs_on_a_frame_with_an_integer_column(monkeypatch):
    """Check the DataFrame path (an integer column, cast back only at the end) with the
    segment proofs on: the same frame as imbalanced-learn's SMOTE-ENN."""
    from unskew.resampling import _cleaning

    monkeypatch.setattr(_cleaning, "_PRUNE_MIN_ROWS", 0)
    X, y = make_classification(n_samples=400, n_features=4, n_informative=3, n_redundant=0,
                               weights=[0.85], class_sep=2.0, flip_y=0.03, random_state=0)
    frame = pd.DataFrame(X, columns=list("abcd"))
    frame["a"] = (frame["a"] * 2).round().astype("int64")
    X_a, y_a = SMOTEENN(random_state=0).fit_resample(frame, y)
    X_b, y_b = imblearn_combine.SMOTEENN(random_state=0).fit_resample(frame, y)
    pd.testing.assert_frame_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


@pytest.mark.parametrize(("cls", "cleaner"), [(SMOTETomek, TomekLinks),
                                               (SMOTEENN, EditedNearestNeighbours)],
                         ids=["tomek", "enn"])
def test_combination_carries_sample_weight(cls, cleaner):
    """Check that the weights follow SMOTE's rule, then the cleaner's kept rows."""
    X, y = _data(0)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    X_res, y_res, w_res = cls(random_state=0).fit_resample(X, y, sample_weight=w)
    X_s, y_s, w_s = SMOTE(random_state=0).fit_resample(X, y, sample_weight=w)
    X_c, y_c, w_c = cleaner(sampling_strategy="all").fit_resample(X_s, y_s, sample_weight=w_s)
    np.testing.assert_array_equal(X_res, X_c)
    np.testing.assert_array_equal(y_res, y_c)
    np.testing.assert_allclose(w_res, w_c)
    # originals that survive keep their own weight
    kept_originals = [i for i in range(len(y)) if (X_res == X[i]).all(axis=1).any()]
    assert kept_originals
    for i in kept_originals[:20]:
        assert w[i] in w_res


def test_combination_pandas_in_pandas_out():
    """Check that a DataFrame comes back with its column names."""
    X, y = _data(1)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    X_res, y_res = SMOTEENN(random_state=0).fit_resample(frame, pd.Series(y, name="label"))
    assert list(X_res.columns) == list(frame.columns)
    assert y_res.name == "label"


def test_combination_rejects_a_step_without_fit_resample():
    """Check that a cleaner without fit_resample is refused with its name."""
    X, y = _data(0)
    with pytest.raises(TypeError, match="tomek must have fit_resample, got str"):
        SMOTETomek(tomek="tomek").fit_resample(X, y)


def _rows(X, y):
    """The output rows as a set of tuples (features and label), for order-free comparison."""
    return {(*map(float, x), float(label)) for x, label in zip(X, y, strict=True)}


@pytest.mark.parametrize(("ours", "peer"), PAIRS, ids=["tomek", "enn"])
@pytest.mark.parametrize("seed", range(3))
def test_combination_auto_is_exact_on_small_data(ours, peer, seed):
    """Check that algorithm="auto" keeps imblearn's rows where it stays exact (small data)."""
    X, y = _data(seed)
    X_a, y_a = ours(random_state=seed, algorithm="auto").fit_resample(X, y)
    X_b, y_b = peer(random_state=seed).fit_resample(X, y)
    assert _rows(X_a, y_a) == _rows(X_b, y_b)
    assert len(y_a) == len(y_b)


@pytest.mark.parametrize(("cls", "attr"), [(SMOTETomek, "tomek_"), (SMOTEENN, "enn_")],
                         ids=["tomek", "enn"])
@pytest.mark.parametrize("seed", range(3))
def test_combination_hnsw_uses_the_index_and_matches_exact_on_small_data(cls, attr, seed):
    """Check that forced hnsw searches with hnsw and, at full recall, keeps the exact rows."""
    pytest.importorskip("hnswlib")
    X, y = _data(seed)
    approx = cls(random_state=seed, algorithm="hnsw")
    X_a, y_a = approx.fit_resample(X, y)
    assert getattr(approx, attr).nn_.backend_ == "hnsw"
    X_b, y_b = cls(random_state=seed).fit_resample(X, y)
    # a few hundred rows: hnsw's graph search with ef=64 finds every true neighbour
    assert _rows(X_a, y_a) == _rows(X_b, y_b)


@pytest.mark.parametrize("cls", [SMOTETomek, SMOTEENN], ids=["tomek", "enn"])
def test_combination_hnsw_reproducible(cls):
    """Check that a fixed random_state gives the same rows with the approximate search."""
    pytest.importorskip("hnswlib")
    X, y = make_classification(n_samples=3000, n_features=20, weights=[0.9], flip_y=0.05,
                               random_state=0)
    X_a, y_a = cls(random_state=3, algorithm="hnsw").fit_resample(X, y)
    X_b, y_b = cls(random_state=3, algorithm="hnsw").fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


@pytest.mark.parametrize("cls", [SMOTETomek, SMOTEENN], ids=["tomek", "enn"])
def test_combination_hnsw_carries_sample_weight(cls):
    """Check that with hnsw each kept row keeps the weight SMOTE gave it."""
    pytest.importorskip("hnswlib")
    X, y = _data(2)
    w = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    X_res, y_res, w_res = cls(random_state=0, algorithm="hnsw").fit_resample(
        X, y, sample_weight=w)
    X_s, y_s, w_s = SMOTE(random_state=0).fit_resample(X, y, sample_weight=w)
    weight_of = {(*row, label): wt for row, label, wt in zip(map(tuple, X_s), y_s, w_s,
                                                             strict=True)}
    assert len(w_res) == len(y_res) < len(y_s) + 1
    np.testing.assert_allclose(w_res, [weight_of[(*row, label)]
                                       for row, label in zip(map(tuple, X_res), y_res,
                                                             strict=True)])


def _brute_tomek_kept(X, y):
    """Rows kept by removing both ends of every Tomek link, from the full distance matrix."""
    d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(d, np.inf)
    nearest = d.argmin(axis=1)
    rows = np.arange(len(y))
    link = (nearest[nearest] == rows) & (y[nearest] != y)
    return rows[~link]


@pytest.mark.parametrize("algorithm", ["hnsw", "exact", "auto"])
@pytest.mark.parametrize("seed", range(3))
def test_indexed_tomek_links_removes_mutual_nearest_pairs(algorithm, seed):
    """Check that the index-backed Tomek cleaner removes exactly the brute-force links."""
    if algorithm == "hnsw":
        pytest.importorskip("hnswlib")
    X, y = make_classification(n_samples=600, n_features=6, weights=[0.5], flip_y=0.1,
                               random_state=seed)
    cleaner = _IndexedTomekLinks(sampling_strategy="all", algorithm=algorithm,
                                 random_state=seed)
    cleaner.fit_resample(X, y)
    np.testing.assert_array_equal(cleaner.sample_indices_, _brute_tomek_kept(X, y))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(8, 40), st.integers(0, 6))
def test_indexed_tomek_links_exact_equals_imblearn(seed, n, n_dup):
    """Check that on the exact backend the rows kept are imblearn's, duplicated rows included."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 4, size=(n, 2)).astype(float)  # a coarse grid: ties and duplicates
    X = np.vstack([X, X[rng.integers(0, n, n_dup)]])
    y = rng.integers(0, 3, X.shape[0])
    if np.unique(y).size < 2:
        y[0] = (y[1] + 1) % 3
    ours = _IndexedTomekLinks(algorithm="exact")
    ours.fit_resample(X, y)
    peer = ImblearnTomekLinks()
    peer.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, peer.sample_indices_)


@pytest.mark.parametrize("cls", [SMOTETomek, SMOTEENN], ids=["tomek", "enn"])
@pytest.mark.parametrize("algorithm", ["faiss", "HNSW", 3])
def test_combination_rejects_unknown_algorithm(cls, algorithm):
    """Check that an unknown algorithm is refused with the class, the options and the value."""
    X, y = _data(0)
    with pytest.raises(ValueError, match=rf"{cls.__name__}: algorithm must be one of "
                                         rf"\('auto', 'exact', .*got {algorithm!r}"):
        cls(algorithm=algorithm).fit_resample(X, y)


@pytest.mark.parametrize(("cls", "param", "cleaner"),
                         [(SMOTETomek, "tomek", TomekLinks()),
                          (SMOTEENN, "enn", EditedNearestNeighbours())], ids=["tomek", "enn"])
def test_combination_rejects_algorithm_with_own_cleaner(cls, param, cleaner):
    """Check that algorithm cannot silently be ignored when the user passes the cleaner."""
    X, y = _data(0)
    with pytest.raises(ValueError, match=rf"algorithm='hnsw' configures the default cleaner, "
                                         rf"but {param}= was given too"):
        cls(algorithm="hnsw", **{param: cleaner}).fit_resample(X, y)


@pytest.mark.slow
@pytest.mark.parametrize(("ours", "peer"), PAIRS, ids=["tomek", "enn"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_segment_proofs_at_benchmark_scale(ours, peer, n_classes):
    """Check the pruned cleaning half on 30,000 rows x 20 features (past the size from which
    the proofs run by default): the rows equal imbalanced-learn's."""
    weights = [0.99] if n_classes == 2 else [0.9, 0.08]
    X, y = make_classification(n_samples=30_000, n_features=20, n_classes=n_classes,
                               n_clusters_per_class=1, weights=weights, random_state=0)
    X_a, y_a = ours(random_state=0).fit_resample(X, y)
    if n_classes == 2:
        X_b, y_b = peer(random_state=0).fit_resample(X, y)
    else:  # our multi-class SMOTE draws in another order: clean the same SMOTE output
        cleaner = ImblearnTomekLinks if ours is SMOTETomek else ImblearnENN
        X_b, y_b = cleaner(sampling_strategy="all").fit_resample(
            *SMOTE(random_state=0).fit_resample(X, y))
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
