"""Resampling of Dask collections on a real LocalCluster (no mocks)."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

import dask
import dask.array as da
import dask.dataframe as dd
from distributed import Client, LocalCluster
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.over_sampling import RandomOverSampler as ImbOver
from imblearn.under_sampling import EditedNearestNeighbours as ImbENN
from imblearn.under_sampling import RandomUnderSampler as ImbUnder
from imblearn.under_sampling import TomekLinks as ImbTomek
from sklearn.neighbors import NearestNeighbors

from unskew._utils._keyed import keyed_under_sample, seed_of
from unskew.distributed import (
    SMOTE,
    EditedNearestNeighbours,
    RandomOverSampler,
    RandomUnderSampler,
    TomekLinks,
)
from unskew.exceptions import DataError

FEATURES = ["a", "b", "c"]
SAMPLERS = {"under": (RandomUnderSampler, ImbUnder), "over": (RandomOverSampler, ImbOver),
            "smote": (SMOTE, ImbSMOTE)}


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 single-threaded worker processes for the module's tests."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", memory_limit="2GiB") as local:
        yield local


@pytest.fixture
def client(cluster):
    """A client of the module's cluster, the default scheduler while the test runs."""
    with Client(cluster) as connected:
        yield connected


def _table(n=3000, p=(0.8, 0.15, 0.05), seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 3)), columns=FEATURES)
    frame["y"] = rng.choice(len(p), size=n, p=p)
    return frame


def _dask(frame, npartitions):
    df = dd.from_pandas(frame, npartitions=npartitions)
    return df[FEATURES], df["y"]


def _run(sampler, X, y):
    X_res, y_res = sampler.fit_resample(X, y)
    return dask.compute(X_res, y_res)


@pytest.mark.parametrize(("name", "strategy", "classes"), [
    ("under", "auto", 3), ("under", "majority", 3), ("under", "not majority", 3),
    ("under", 0.5, 2), ("under", {0: 300, 1: 100}, 3),
    ("over", "auto", 3), ("over", "minority", 3), ("over", "not minority", 3),
    ("over", 0.5, 2), ("over", {1: 900, 2: 500}, 3),
    ("smote", "auto", 3), ("smote", 0.6, 2), ("smote", {2: 400}, 3),
], ids=lambda v: str(v))
def test_dask_resampler_counts_equal_imblearn(client, name, strategy, classes):
    """Check that the class counts after resampling are imbalanced-learn's for the strategy."""
    frame = _table(p=(0.8, 0.15, 0.05) if classes == 3 else (0.85, 0.15))
    ours, theirs = SAMPLERS[name]
    _, y_res = _run(ours(sampling_strategy=strategy, random_state=0), *_dask(frame, 4))
    _, y_ref = theirs(sampling_strategy=strategy, random_state=0).fit_resample(
        frame[FEATURES], frame["y"])
    assert Counter(y_res.tolist()) == Counter(y_ref.tolist())


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_dask_resampler_same_rows_whatever_the_partitioning(client, name):
    """Check that 1, 3 and 7 partitions (and an Array) give the same rows and index values."""
    frame = _table()
    sampler = SAMPLERS[name][0](random_state=3)
    X1, y1 = _run(sampler, *_dask(frame, 1))
    for npartitions in (3, 7):
        X, y = _run(sampler, *_dask(frame, npartitions))
        pd.testing.assert_frame_equal(X, X1)
        pd.testing.assert_series_equal(y, y1)
    values = frame[FEATURES].to_numpy()
    Xa, ya = _run(sampler, da.from_array(values, chunks=(500, 3)),
                  da.from_array(frame["y"].to_numpy(), chunks=500))
    np.testing.assert_array_equal(Xa, X1.to_numpy())
    np.testing.assert_array_equal(ya, y1.to_numpy())


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_dask_resampler_same_rows_on_1_2_and_4_workers(cluster, name):
    """Check that the result does not depend on how many workers compute it."""
    frame = _table(n=2000)
    sampler = SAMPLERS[name][0](random_state=5)
    with Client(cluster):
        X2, y2 = _run(sampler, *_dask(frame, 4))
    for n_workers in (1, 4):
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=False,
                          dashboard_address=":0") as other, Client(other):
            X, y = _run(sampler, *_dask(frame, 4))
        pd.testing.assert_frame_equal(X, X2)
        pd.testing.assert_series_equal(y, y2)


def test_dask_resampler_changes_with_random_state(client):
    """Check that another seed keeps other rows (the draws are not fixed)."""
    X, y = _dask(_table(), 3)
    first, _ = _run(RandomUnderSampler(random_state=0), X, y)
    second, _ = _run(RandomUnderSampler(random_state=1), X, y)
    assert set(first.index) != set(second.index)


def test_dask_under_sampler_is_the_in_memory_keyed_sampler_per_partition(client):
    """Check that the partitioned under-sampler keeps the rows of the in-memory keyed core."""
    frame = _table()
    X, _y = _run(RandomUnderSampler(sampling_strategy={0: 200, 1: 150}, random_state=9),
                *_dask(frame, 5))
    kept = keyed_under_sample(frame["y"].to_numpy(), {0: 200, 1: 150}, seed_of(9))
    np.testing.assert_array_equal(X.index.to_numpy(), kept)
    pd.testing.assert_frame_equal(X, frame[FEATURES].iloc[kept])


def test_dask_under_sampler_keeps_divisions(client):
    """Check that under-sampling keeps the input's divisions and cuts only the big classes."""
    X, y = _dask(_table(), 4)
    X_res, y_res = RandomUnderSampler(random_state=0).fit_resample(X, y)
    assert X_res.divisions == X.divisions
    assert y_res.divisions == X.divisions
    counts = y_res.value_counts().compute()
    assert counts.nunique() == 1


@pytest.mark.parametrize("name", ["over", "smote"])
def test_dask_over_samplers_number_new_rows_after_the_input(client, name):
    """Check that new rows get index values after the input's, with known divisions."""
    frame = _table()
    X, y = _dask(frame, 4)
    X_res, _y_res = SAMPLERS[name][0](random_state=0).fit_resample(X, y)
    assert X_res.known_divisions
    assert X_res.divisions[:4] == X.divisions[:4]
    computed = X_res.compute()
    assert computed.index.is_monotonic_increasing
    assert computed.index.is_unique
    np.testing.assert_array_equal(computed.index, np.arange(len(computed)))
    pd.testing.assert_frame_equal(computed.iloc[: len(frame)], frame[FEATURES])


def test_dask_smote_rows_lie_on_minority_segments(client):
    """Check that each synthetic row lies between a minority row and one of its k neighbours."""
    frame = _table(n=1000, p=(0.95, 0.05))
    k = 5
    X, y = _run(SMOTE(k_neighbors=k, random_state=0), *_dask(frame, 3))
    minority = frame.loc[frame["y"] == 1, FEATURES].to_numpy()
    neighbours = NearestNeighbors(n_neighbors=k + 1).fit(minority).kneighbors(
        minority, return_distance=False)[:, 1:]
    start = minority[np.repeat(np.arange(len(minority)), k)]
    end = minority[neighbours.ravel()]
    synthetic = X.iloc[len(frame):].to_numpy()
    assert len(synthetic) == (frame["y"] == 0).sum() - len(minority)
    assert (y.iloc[len(frame):] == 1).all()
    direction = end - start
    for row in synthetic:
        t = np.einsum("ij,ij->i", row - start, direction) / np.einsum("ij,ij->i", direction,
                                                                     direction)
        on = (t >= -1e-12) & (t <= 1 + 1e-12)
        gap = np.linalg.norm(start + t[:, None] * direction - row, axis=1)
        assert (on & (gap < 1e-9)).any()


def test_dask_smote_refuses_a_minority_too_large_to_gather(client):
    """Check that SMOTE says how many rows it would gather and how to avoid it."""
    X, y = _dask(_table(), 3)
    with pytest.raises(DataError, match=r"max_minority_rows=100.*under-sample"):
        SMOTE(max_minority_rows=100).fit_resample(X, y)


@pytest.mark.parametrize("name", ["over", "smote"])
def test_dask_over_samplers_refuse_unknown_divisions(client, name):
    """Check that new index values need the input's divisions, and the error says how."""
    X, y = _dask(_table(), 3)
    with pytest.raises(DataError, match=r"unknown divisions.*set_index"):
        SAMPLERS[name][0]().fit_resample(X.clear_divisions(), y.clear_divisions())


def test_dask_under_sampler_accepts_unknown_divisions(client):
    """Check that under-sampling, which adds no row, works without divisions."""
    X, y = _dask(_table(), 3)
    X_res, y_res = RandomUnderSampler(random_state=0).fit_resample(X.clear_divisions(),
                                                                   y.clear_divisions())
    assert not X_res.known_divisions
    assert y_res.value_counts().compute().nunique() == 1


@pytest.mark.parametrize(("X", "y", "message"), [
    (pd.DataFrame({"a": [1.0]}), pd.Series([0]), "Dask DataFrame or Array"),
    (dd.from_pandas(pd.DataFrame({"a": np.arange(10.0)}), npartitions=2),
     dd.from_pandas(pd.Series(np.arange(10) % 2), npartitions=3), "2 partitions and y 3"),
    (dd.from_pandas(pd.DataFrame({"a": np.arange(10.0)}), npartitions=2),
     np.arange(10) % 2, "y must be a Dask Series"),
], ids=["pandas", "misaligned", "numpy-y"])
def test_dask_resampler_bad_input_is_a_clear_error(X, y, message):
    """Check that input the samplers cannot use is a DataError saying what to pass."""
    with pytest.raises(DataError, match=message):
        RandomUnderSampler().fit_resample(X, y)


def test_dask_smote_refuses_text_columns():
    """Check that SMOTE on a non-numeric column says to encode it."""
    frame = pd.DataFrame({"a": np.arange(20.0), "t": ["x"] * 20, "y": [0] * 15 + [1] * 5})
    df = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(DataError, match=r"non-numeric columns \['t'\]"):
        SMOTE(k_neighbors=2).fit_resample(df[["a", "t"]], df["y"])


def _binary(n=2000, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(int)
    frame = pd.DataFrame(rng.normal(size=(n, 3)) + 0.7 * y[:, None], columns=FEATURES)
    frame["y"] = y
    return frame


@pytest.mark.parametrize("npartitions", [1, 4, 9])
@pytest.mark.parametrize(("ours", "theirs"), [
    (TomekLinks, ImbTomek), (EditedNearestNeighbours, ImbENN)], ids=["tomek", "enn"])
def test_dask_cleaners_remove_imblearns_rows(client, ours, theirs, npartitions):
    """Check that the partitioned Tomek / ENN cleaning keeps imbalanced-learn's rows."""
    frame = _binary()
    X, y = _dask(frame, npartitions)
    X_res, y_res = ours().fit_resample(X, y)
    assert X_res.divisions == X.divisions
    kept, kept_y = dask.compute(X_res, y_res)
    reference = theirs()
    reference.fit_resample(frame[FEATURES], frame["y"])
    np.testing.assert_array_equal(kept.index.to_numpy(), np.sort(reference.sample_indices_))
    assert (kept_y == frame["y"].iloc[kept.index]).all()
    assert len(kept) < len(frame)


def test_dask_cleaners_refuse_more_than_two_classes(client):
    """Check that the binary-only cleaners say so on a 3-class target."""
    with pytest.raises(DataError, match="binary target; this one has 3 classes"):
        TomekLinks().fit_resample(*_dask(_table(), 2))


def test_dask_cleaners_refuse_a_minority_too_large_to_gather(client):
    """Check that the cleaners refuse to gather a minority above max_minority_rows."""
    with pytest.raises(DataError, match=r"max_minority_rows=10\b"):
        EditedNearestNeighbours(max_minority_rows=10).fit_resample(*_dask(_binary(), 2))


def test_dask_smote_hnsw_index_gives_the_same_rows_on_any_partitioning(client):
    """Check that the broadcast approximate index keeps SMOTE partition-free and exact in
    counts."""
    frame = _binary()
    X1, y1 = _run(SMOTE(algorithm="hnsw", random_state=2), *_dask(frame, 1))
    X5, _ = _run(SMOTE(algorithm="hnsw", random_state=2), *_dask(frame, 5))
    pd.testing.assert_frame_equal(X5, X1)
    assert (y1 == 1).sum() == (frame["y"] == 0).sum()
