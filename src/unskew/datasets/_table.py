"""Load a user's table (CSV, Parquet, pandas or polars) into a :class:`Dataset`."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .._utils._text import did_you_mean, preview
from ..exceptions import DataError
from ._dataset import Dataset

_READERS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
# A string column is "text" rather than "categorical" when its values read like prose.
_TEXT_MIN_MEAN_TOKENS = 4.0
_TEXT_MIN_UNIQUE_SHARE = 0.5
_TEXT_MIN_MEAN_LENGTH = 30.0


def load_table(source, target: str, *, drop: Iterable[str] | None = None,
               text: Iterable[str] | None = None, name: str | None = None) -> Dataset:
    """Read a labelled table into a :class:`Dataset`.

    Parameters
    ----------
    source : str, path-like, pandas.DataFrame or polars.DataFrame
        A CSV (``.csv``, ``.tsv``, ``.txt``, optionally compressed) or Parquet (``.parquet``,
        ``.pq``) file, or a data frame already in memory.
    target : str
        The column that holds the labels. Labels are kept as written (strings stay strings).
    drop : iterable of str, optional
        Columns to leave out of the features, such as row identifiers.
    text : iterable of str, optional
        Columns to treat as free text even when the inference would call them categorical.
    name : str, optional
        Name used in reports; defaults to the file's stem, or ``"data"`` for a data frame.

    Returns
    -------
    Dataset
        Features with inferred types (numeric, categorical, text, datetime) and original labels.

    Raises
    ------
    DataError
        If the file cannot be read, the target column is missing, labels are missing, or there
        are fewer than two classes. The message names the column or rows and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.datasets import load_table
    >>> df = pd.DataFrame({
    ...     "amount": [10.0, 12.5, 9.0, 300.0, 11.0, 8.5],
    ...     "country": ["fr", "de", "fr", "us", "de", "fr"],
    ...     "label": ["ok", "ok", "ok", "fraud", "ok", "ok"],
    ... })
    >>> ds = load_table(df, target="label")
    >>> ds.feature_types
    {'amount': 'numeric', 'country': 'categorical'}
    >>> ds.class_counts
    {'ok': 5, 'fraud': 1}
    """
    frame, default_name = _read_source(source)
    frame = _normalise_columns(frame)
    if not isinstance(target, str):
        raise DataError(f"target must be a column name (str), got {type(target).__name__}")
    if target not in frame.columns:
        raise DataError(
            f"target column {target!r} not found among the table's {frame.shape[1]} columns "
            f"({preview(frame.columns, 20)}){did_you_mean(target, frame.columns)}"
        )
    drop = _check_column_list(frame, drop, "drop")
    text = _check_column_list(frame, text, "text")
    if target in drop:
        raise DataError(f"column {target!r} is the target and cannot also be in drop=")

    y = _clean_labels(frame[target], target)
    X = frame.drop(columns=[target, *drop])
    if X.shape[1] == 0:
        raise DataError(
            f"no feature columns left after removing the target {target!r}"
            + (f" and drop={drop}" if drop else "")
        )
    X, feature_types = _infer_feature_types(X, text)
    X.index = y.index = pd.RangeIndex(len(y))
    return make_dataset(X, y, feature_types, name=name or default_name)


def make_dataset(X: pd.DataFrame, y: pd.Series, feature_types: dict[str, str], *,
                 name: str, description: str = "") -> Dataset:
    """Build a :class:`Dataset` from clean parts: order the classes and hash the content."""
    counts = y.value_counts(sort=False)
    if len(counts) < 2:
        only = counts.index[0] if len(counts) else None
        raise DataError(
            f"the target {y.name!r} has a single class ({only!r}, {len(y)} rows); a classifier "
            "needs at least two. Check that the right column is the target and that the table "
            "was not filtered to one class."
        )
    classes = tuple(sorted(counts.index, key=lambda c: (-int(counts[c]), str(c))))
    return Dataset(X=X, y=y, classes=classes, feature_types=feature_types, name=name,
                   source_hash=hash_frame(X, y), description=description)


def hash_frame(X: pd.DataFrame, y: pd.Series | None = None) -> str:
    """A stable content hash of a feature frame and its labels (hex, 16 characters).

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"x": [1, 2]})
    >>> hash_frame(a) == hash_frame(a.copy()), hash_frame(a) == hash_frame(a + 1)
    (True, False)
    """
    h = hashlib.sha256()
    h.update(repr(list(map(str, X.columns))).encode())
    h.update(pd.util.hash_pandas_object(X, index=False).to_numpy().tobytes())
    if y is not None:
        h.update(pd.util.hash_pandas_object(y, index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def _read_source(source) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source, "data"
    if type(source).__module__.split(".")[0] == "polars":
        try:
            return source.to_pandas(), "data"
        except Exception as exc:  # pragma: no cover - depends on the polars install
            raise DataError(f"could not convert the polars DataFrame to pandas: {exc}") from exc
    if not isinstance(source, str | os.PathLike):
        raise DataError(
            "source must be a path to a CSV/Parquet file or a pandas/polars DataFrame, "
            f"got {type(source).__name__}"
        )
    path = Path(source)
    if not path.exists():
        siblings = [p.name for p in path.parent.glob("*")] if path.parent.is_dir() else []
        raise DataError(f"file not found: {str(path)!r}{did_you_mean(path.name, siblings)}")
    if path.is_dir():
        raise DataError(f"{str(path)!r} is a directory; pass a CSV or Parquet file")
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in {".gz", ".bz2", ".zip", ".xz", ".zst"}:
        suffixes = suffixes[:-1]
    kind = _READERS.get(suffixes[-1] if suffixes else "")
    if kind is None:
        raise DataError(
            f"cannot tell the format of {str(path)!r} from its extension; "
            f"use one of {', '.join(sorted(_READERS))} (optionally .gz/.zip compressed)"
        )
    try:
        if kind == "parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, sep="\t" if kind == "tsv" else ",", low_memory=False)
    except Exception as exc:
        raise DataError(
            f"could not read {str(path)!r} as {kind.upper()}: {type(exc).__name__}: {exc}"
        ) from exc
    if frame.shape[0] == 0:
        raise DataError(f"{str(path)!r} has no data rows (columns: {preview(frame.columns)})")
    stem = path.name[: -len("".join(path.suffixes))] if path.suffixes else path.name
    return frame, stem


def _normalise_columns(frame: pd.DataFrame) -> pd.DataFrame:
    names = [str(c) for c in frame.columns]
    seen: dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    dupes = [n for n, k in seen.items() if k > 1]
    if dupes:
        raise DataError(f"duplicate column names: {preview(dupes)}; rename them so each is unique")
    frame = frame.copy(deep=False)
    frame.columns = names
    return frame


def _check_column_list(frame: pd.DataFrame, columns, param: str) -> list[str]:
    if columns is None:
        return []
    if isinstance(columns, str):
        columns = [columns]
    columns = [str(c) for c in columns]
    for c in columns:
        if c not in frame.columns:
            raise DataError(
                f"{param}= names column {c!r}, which is not in the table"
                f"{did_you_mean(c, frame.columns)}"
            )
    return columns


def _is_missing_label(values: pd.Series) -> np.ndarray:
    missing = values.isna().to_numpy()
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
        as_str = values.astype("string")
        missing |= (as_str.str.strip() == "").fillna(True).to_numpy(dtype=bool)
    return missing


def _clean_labels(y: pd.Series, target: str) -> pd.Series:
    missing = _is_missing_label(y)
    if missing.any():
        rows = np.flatnonzero(missing)
        raise DataError(
            f"the target {target!r} has {rows.size} missing or empty labels "
            f"(of {len(y)} rows; first rows: {preview(rows.tolist(), 10)}). Drop those rows or "
            "fill in their labels; unskew does not guess labels."
        )
    return _to_numpy_dtype(y).rename(target)


def _to_numpy_dtype(col: pd.Series) -> pd.Series:
    """Turn pandas nullable / pyarrow dtypes into numpy ones that scikit-learn handles."""
    dtype = col.dtype
    if isinstance(dtype, pd.ArrowDtype):
        kind = dtype.pyarrow_dtype
        import pyarrow as pa

        if pa.types.is_integer(kind) or pa.types.is_floating(kind):
            return col.astype("float64" if col.isna().any() else dtype.numpy_dtype)
        if pa.types.is_boolean(kind):
            return col.astype(object if col.isna().any() else bool)
        if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
            return pd.to_datetime(col.astype(object))
        if pa.types.is_dictionary(kind):
            return col.astype(object).astype("category")
        return col.astype(object).where(col.notna(), np.nan)
    if isinstance(dtype, pd.BooleanDtype):
        return col.astype(object).where(col.notna(), np.nan) if col.isna().any() else col.astype(bool)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iuf":
        return col.astype("float64" if col.isna().any() or dtype.kind == "f" else dtype.numpy_dtype)
    if isinstance(dtype, pd.StringDtype):
        return col.astype(object).where(col.notna(), np.nan)
    return col


def _looks_like_text(values: pd.Series) -> bool:
    values = values.dropna().astype(str)
    if values.empty:
        return False
    sample = values.sample(min(len(values), 2000), random_state=0) if len(values) > 2000 else values
    mean_tokens = sample.str.split().str.len().mean()
    mean_length = sample.str.len().mean()
    unique_share = sample.nunique() / len(sample)
    return bool(
        mean_tokens >= _TEXT_MIN_MEAN_TOKENS
        or (unique_share >= _TEXT_MIN_UNIQUE_SHARE and mean_length >= _TEXT_MIN_MEAN_LENGTH)
    )


def _looks_like_datetime(values: pd.Series) -> pd.Series | None:
    present = values.dropna()
    if present.empty:
        return None
    sample = present.astype(str).head(200)
    # only ISO-like strings: "2024-01-31", "2024-01-31 12:00:00"; "3-4" is not a date
    if not sample.str.match(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?").all():
        return None
    parsed = pd.to_datetime(values, errors="coerce", format="ISO8601")
    if parsed[values.notna()].isna().any():
        return None
    return parsed


def _infer_feature_types(X: pd.DataFrame, text: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    columns = {}
    types: dict[str, str] = {}
    for name in X.columns:
        col = _to_numpy_dtype(X[name])
        if name in text:
            kind = "text"
            col = col.astype(object).where(col.notna(), np.nan)
        elif pd.api.types.is_bool_dtype(col.dtype):
            kind = "categorical"
        elif pd.api.types.is_numeric_dtype(col.dtype):
            kind = "numeric"
        elif pd.api.types.is_datetime64_any_dtype(col.dtype):
            kind = "datetime"
        elif isinstance(col.dtype, pd.CategoricalDtype):
            kind = "categorical"
        else:
            parsed = _looks_like_datetime(col)
            if parsed is not None:
                kind, col = "datetime", parsed
            elif _looks_like_text(col):
                kind = "text"
            else:
                kind = "categorical"
        columns[name] = col
        types[name] = kind
    return pd.DataFrame(columns, index=X.index), types
