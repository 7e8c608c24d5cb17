"""Load a user's table (CSV, Parquet, pandas or polars) into a :class:`Dataset`."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._utils._text import did_you_mean, preview
from ..exceptions import DataError
from ._dataset import Dataset, check_label_types, make_dataset

_COMPRESSED = {".gz", ".bz2", ".zip", ".xz", ".zst"}
_SEPARATORS = (",", ";", "\t", "|")
_SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_COMMA_NUMBER = re.compile(r"^[-+]?\d+,\d+([eE][-+]?\d+)?$")
_DOT_NUMBER = re.compile(r"^[-+]?\d*\.\d+([eE][-+]?\d+)?$")
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
_TEXT_AMBIGUOUS_SHARE = 0.2  # from here to the unique share: a close call, with a note
_TEXT_MIN_DISTINCT = 20
_TEXT_SAMPLE = 2000
# codes and keys: letters then digits ("C0042", "tx-991"), hex strings, uuids
_CODE_PATTERN = (r"[A-Za-z_]{0,6}[-_]?\d[\w-]*|[0-9a-fA-F]{8,}|"
                 r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def load_table(source, target: str, *, drop: Iterable[str] | None = None,
               text: Iterable[str] | None = None, name: str | None = None,
               sep: str | None = None, decimal: str | None = None,
               categorical: Iterable[str] | None = None) -> Dataset:
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
        A string column is inferred as text when it reads like prose or is mostly distinct
        short strings (titles, queries, emoticons); close calls are said in
        :attr:`Dataset.notes`.
    categorical : iterable of str, optional
        Columns to treat as categories even when the inference would call them text.
    name : str, optional
        Name used in reports; defaults to the file's stem, or ``"data"`` for a data frame.
    sep : str, optional
        Field separator of a CSV file. By default it is detected from the first lines among
        ``,``, ``;``, tab and ``|`` (``.tsv`` files: tab), and :attr:`Dataset.notes` says which
        was used when it is not a comma.
    decimal : str, optional
        Decimal mark of a CSV file (``"."`` or ``","``). By default a comma is detected when
        the separator is not a comma and numbers are written like ``1,52``.

    Returns
    -------
    Dataset
        Features with inferred types (numeric, categorical, text, datetime) and original labels.

    Raises
    ------
    DataError
        If the file cannot be read, the target column is missing, labels are missing or mix
        strings with numbers, or there are fewer than two classes. The message names the
        column or rows (file line numbers for a CSV) and the fix.

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
    read = _read(source, sep=sep, decimal=decimal)
    frame = _normalise_columns(read.frame)
    if not isinstance(target, str):
        raise DataError(f"target must be a column name (str), got {type(target).__name__}")
    if target not in frame.columns:
        raise DataError(
            f"target column {target!r} not found among the table's {frame.shape[1]} columns "
            f"({preview(frame.columns, 20)}){did_you_mean(target, frame.columns)}"
        )
    drop = _check_column_list(frame, drop, "drop")
    text = _check_column_list(frame, text, "text")
    categorical = _check_column_list(frame, categorical, "categorical")
    if target in drop:
        raise DataError(f"column {target!r} is the target and cannot also be in drop=")
    both = sorted(set(text) & set(categorical))
    if both:
        raise DataError(f"column {both[0]!r} is in both text= and categorical=; choose one")

    y = _clean_labels(frame[target], target, read)
    X = frame.drop(columns=[target, *drop])
    if X.shape[1] == 0:
        raise DataError(
            f"no feature columns left after removing the target {target!r}"
            + (f" and drop={drop}" if drop else "")
        )
    notes = list(read.notes)
    X, feature_types = infer_feature_types(X, text, categorical, n_classes=y.nunique(),
                                            notes=notes)
    X.index = y.index = pd.RangeIndex(len(y))
    return make_dataset(X, y, feature_types, name=name or read.name, notes=notes,
                        source=None if read.path is None else str(read.path))


@dataclass(frozen=True)
class _Read:
    """A table as read, with how it was read (to point at file lines and explain choices)."""

    frame: pd.DataFrame
    name: str
    path: Path | None = None
    kind: str | None = None  # "csv" or "parquet" for a file
    sep: str | None = None
    notes: tuple[str, ...] = ()

    def locate(self, rows: np.ndarray, limit: int = 10) -> str:
        """Where 0-based data rows are, in words the user can act on (file lines, index)."""
        rows = np.asarray(rows)[:limit]
        more = "" if len(rows) < limit else ", ..."
        if self.kind == "csv":
            lines = _csv_line_numbers(self.path, self.sep, rows)
            if lines is not None:
                return (f"file lines {', '.join(map(str, lines))}{more} of {self.path.name} "
                        "(line 1 is the header)")
        if self.kind == "parquet":
            return f"rows {', '.join(str(r + 1) for r in rows)}{more} (counting from 1)"
        labels = self.frame.index[rows].tolist()
        return f"index labels {', '.join(map(repr, labels))}{more}"


def read_table(source, *, sep: str | None = None, decimal: str | None = None) -> pd.DataFrame:
    """Read a table as it is, without a target: the columns a saved model predicts from.

    The same reader as :func:`load_table` (formats, compression, separator and decimal mark
    detection, the same errors), without the label checks and feature typing.

    Parameters
    ----------
    source : str, path-like, pandas.DataFrame or polars.DataFrame
        A CSV (``.csv``, ``.tsv``, ``.txt``, optionally compressed) or Parquet (``.parquet``,
        ``.pq``) file, or a data frame already in memory (returned as is; polars converted).
    sep, decimal : str, optional
        As in :func:`load_table` (CSV files only).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.datasets import read_table
    >>> read_table(pd.DataFrame({"amount": [1.5, 2.0]})).shape
    (2, 1)
    >>> read_table("missing.csv")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: file not found: 'missing.csv'
    """
    return _read(source, sep=sep, decimal=decimal).frame


def _read(source, *, sep: str | None = None, decimal: str | None = None) -> _Read:
    if isinstance(source, pd.DataFrame):
        return _Read(source, "data")
    if type(source).__module__.split(".")[0] == "polars":
        try:
            return _Read(source.to_pandas(), "data")
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
    if suffixes and suffixes[-1] in _COMPRESSED:
        suffixes = suffixes[:-1]
    kind = _READERS.get(suffixes[-1] if suffixes else "")
    if kind is None:
        raise DataError(
            f"cannot tell the format of {str(path)!r} from its extension; "
            f"use one of {', '.join(sorted(_READERS))} (optionally .gz/.zip compressed)"
        )
    for param, value in (("sep", sep), ("decimal", decimal)):
        if value is not None and (not isinstance(value, str) or len(value) != 1):
            raise DataError(f"{param} must be a single character such as ';', got {value!r}")
    if decimal is not None and decimal == sep:
        raise DataError(f"sep and decimal are both {sep!r}; they must differ")
    notes: list[str] = []
    stem = path.name[: -len("".join(path.suffixes))] if path.suffixes else path.name
    try:
        if kind == "parquet":
            if sep is not None or decimal is not None:
                raise DataError("sep= and decimal= apply to CSV files, not Parquet")
            return _Read(_nonempty(pd.read_parquet(path), path), stem, path, "parquet")
        sample = _head_text(path)
        if sep is None:
            sep = "\t" if kind == "tsv" else sniff_separator(sample)
            if sep != ("\t" if kind == "tsv" else ","):
                notes.append(f"read {path.name} as {_SEP_NAMES.get(sep, repr(sep))}-separated "
                             "(detected; set --sep / sep= to override)")
        if decimal is None:
            decimal = sniff_decimal(sample, sep)
            if decimal != ".":
                notes.append(f"read numbers in {path.name} with {decimal!r} as the decimal mark "
                             "(detected; set --decimal / decimal= to override)")
        frame = pd.read_csv(path, sep=sep, decimal=decimal, low_memory=False)
    except DataError:
        raise
    except Exception as exc:
        raise DataError(
            f"could not read {str(path)!r} as {kind.upper()}: {type(exc).__name__}: {exc}"
        ) from exc
    return _Read(_nonempty(frame, path), stem, path, "csv", sep, tuple(notes))


def _nonempty(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    if frame.shape[0] == 0:
        raise DataError(f"{str(path)!r} has no data rows (columns: {preview(frame.columns)})")
    return frame


def _open_text(path: Path):
    """Open a (possibly compressed) text file for reading; None where we cannot peek."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    if suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    if suffix == ".xz":
        return lzma.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    if suffix == ".zip":
        archive = zipfile.ZipFile(path)
        names = [n for n in archive.namelist() if not n.endswith("/")]
        if len(names) != 1:
            return None
        return io.TextIOWrapper(archive.open(names[0]), encoding="utf-8", errors="replace",
                                newline="")
    if suffix in _COMPRESSED:  # .zst: no reader in the standard library
        return None
    return open(path, encoding="utf-8", errors="replace", newline="")


def _head_text(path: Path, size: int = 1 << 16) -> str:
    handle = _open_text(path)
    if handle is None:
        return ""
    with handle:
        return handle.read(size)


def sniff_separator(sample: str) -> str:
    r"""The field separator of a CSV sample: the candidate that splits every record alike.

    Among ``,``, ``;``, tab and ``|``, a candidate qualifies when every record of the sample
    (the header included, quotes respected) has the same number of fields, more than one;
    the one with the most fields wins, a comma on ties. With no candidate, a comma.

    Examples
    --------
    >>> sniff_separator("RI;Na;Type\n1,52;13,64;1\n1,51;13,89;2\n")
    ';'
    >>> sniff_separator("a,b\n1,x;y\n2,z\n")
    ','
    """
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end mid-record
    text = "".join(lines[:200])
    best, best_fields = ",", 1
    for candidate in _SEPARATORS:
        try:
            counts = {len(r) for r in csv.reader(io.StringIO(text), delimiter=candidate) if r}
        except csv.Error:
            continue
        if len(counts) == 1 and (fields := counts.pop()) > best_fields:
            best, best_fields = candidate, fields
    return best


def sniff_decimal(sample: str, sep: str) -> str:
    r"""``","`` when numbers in a sample are written with a decimal comma, else ``"."``.

    Only a separator other than the comma leaves room for a decimal comma; a field such as
    ``1,52`` or ``-0,5`` counts for it, ``1.52`` against.

    Examples
    --------
    >>> sniff_decimal("x;y\n1,52;3\n0,5;4\n", ";"), sniff_decimal("x;y\n1.52;3\n", ";")
    (',', '.')
    """
    if sep == ",":
        return "."
    comma = dot = 0
    for record in csv.reader(io.StringIO(sample), delimiter=sep):
        for field in record:
            field = field.strip()
            comma += bool(_COMMA_NUMBER.match(field))
            dot += bool(_DOT_NUMBER.match(field))
    return "," if comma > dot else "."


def _csv_line_numbers(path: Path, sep: str | None, rows: np.ndarray) -> list[int] | None:
    """File line numbers (1-based) of 0-based data rows, as pandas counted them.

    Only for an error message, so a second pass over the file is affordable: quoted fields
    may span lines, and pandas skips blank lines.
    """
    handle = _open_text(path)
    if handle is None:
        return None
    wanted = {int(r): None for r in rows}
    last = max(wanted, default=-1)
    with handle:
        reader = csv.reader(handle, delimiter=sep or ",")
        start, row = 1, -1  # row -1 is the header
        for record in reader:
            if record:
                if row in wanted:
                    wanted[row] = start
                row += 1
                if row > last:
                    break
            start = reader.line_num + 1
    if any(v is None for v in wanted.values()):
        return None
    return [wanted[int(r)] for r in rows]


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


def _clean_labels(y: pd.Series, target: str, read: _Read) -> pd.Series:
    missing = _is_missing_label(y)
    if missing.any():
        rows = np.flatnonzero(missing)
        raise DataError(
            f"the target {target!r} has {rows.size} missing or empty labels "
            f"(of {len(y)} rows; at {read.locate(rows)}). Drop those rows or "
            "fill in their labels; unskew does not guess labels."
        )
    y = to_numpy_dtype(y).rename(target)
    check_label_types(y, target)
    return y


def to_numpy_dtype(col: pd.Series) -> pd.Series:
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


def read_string_column(values: pd.Series, n_classes: int = 2) -> tuple[str, str | None]:
    """Whether a string column is free text or a category, and a note when it was close.

    Prose (four or more words on average) is text. So is a column of short strings that are
    mostly distinct (at least half its values, and more than twice as many distinct values as
    there are classes): product titles, search queries, emoticons; a category would leave
    almost every test row unseen. Codes (``"C0042"``, hex or uuid strings) stay categorical
    (they are identifiers, which ``compare`` screens out). Between a fifth and a half distinct
    values the column is ambiguous: it is read as text when its values have several words, else
    as a category, and the note says so and how to override.

    Parameters
    ----------
    values : pandas.Series
        The column (strings, missing values allowed).
    n_classes : int, default=2
        Number of classes of the target.

    Returns
    -------
    (kind, note)
        ``kind`` is ``"text"`` or ``"categorical"``; ``note`` is None unless it was a close call.

    Examples
    --------
    >>> import pandas as pd
    >>> read_string_column(pd.Series(["red", "blue"] * 50))
    ('categorical', None)
    >>> read_string_column(pd.Series([f"item {i} in stock" for i in range(100)]))
    ('text', None)
    >>> read_string_column(pd.Series([":)", ":(", "<3", ":D", "xD"] * 2 + [f"\u263a{i}" for i in range(20)]))
    ('text', None)
    >>> read_string_column(pd.Series([f"C{i:05d}" for i in range(100)]))
    ('categorical', None)
    """
    values = values.dropna().astype(str)
    if values.empty:
        return "categorical", None
    sample = values.sample(_TEXT_SAMPLE, random_state=0) if len(values) > _TEXT_SAMPLE else values
    words = sample.str.split().str.len()
    n_distinct = int(sample.nunique())
    share = n_distinct / len(sample)
    if words.mean() >= _TEXT_MIN_MEAN_TOKENS or (share >= _TEXT_MIN_UNIQUE_SHARE
                                                 and sample.str.len().mean() >= _TEXT_MIN_MEAN_LENGTH):
        return "text", None
    many = n_distinct >= _TEXT_MIN_DISTINCT and n_distinct > 2 * n_classes
    if not many or share < _TEXT_AMBIGUOUS_SHARE:
        return "categorical", None
    if sample.drop_duplicates().str.fullmatch(_CODE_PATTERN).mean() >= 0.9:
        return "categorical", None  # identifiers, not words
    described = f"{n_distinct:,} distinct values in {len(sample):,} rows"
    if share >= _TEXT_MIN_UNIQUE_SHARE:
        return "text", None
    if words.mean() >= 2:
        return "text", (f"read as text ({described}, {words.mean():.1f} words on average); "
                        "use --categorical / categorical= to read it as a category")
    return "categorical", (f"read as a category ({described}, mostly single words); use --text "
                           "/ text= to read it as free text")


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


def infer_feature_types(X: pd.DataFrame, text: list[str], categorical=(), *, n_classes: int = 2,
                        notes: list | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Each column's feature type, and the columns in the dtypes the strategies expect.

    ``text`` / ``categorical`` name columns whose type is given; close calls on string
    columns are said in ``notes``.
    """
    columns = {}
    types: dict[str, str] = {}
    for name in X.columns:
        col = to_numpy_dtype(X[name])
        if name in text:
            kind = "text"
            col = col.astype(object).where(col.notna(), np.nan)
        elif name in categorical or pd.api.types.is_bool_dtype(col.dtype):
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
            else:
                kind, note = read_string_column(col, n_classes)
                if note is not None and notes is not None:
                    notes.append(f"column {name!r} {note}")
        columns[name] = col
        types[name] = kind
    return pd.DataFrame(columns, index=X.index), types


def conform(X: pd.DataFrame, feature_types: dict[str, str]) -> pd.DataFrame:
    """``X`` with every column in the dtype its type in ``feature_types`` gives it.

    For data read piece by piece (a Dask partition) after :func:`infer_feature_types` decided
    the types on a first piece: every piece then gets the same dtypes, whatever its own values
    (an integer column with a missing value in one piece is float64 in all of them).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"n": [1, 2], "c": pd.Categorical(["a", "b"]), "t": ["x y", None]})
    >>> conform(frame, {"n": "numeric", "c": "categorical", "t": "text"}).dtypes.tolist()
    [dtype('float64'), dtype('O'), dtype('O')]
    """
    columns = {}
    for name in X.columns:
        kind = feature_types[name]
        col = to_numpy_dtype(X[name])
        if kind == "numeric":
            col = col.astype("float64")
        elif kind == "datetime":
            col = col if pd.api.types.is_datetime64_any_dtype(col.dtype) else \
                pd.to_datetime(col, errors="coerce")
        elif kind == "text" or isinstance(col.dtype, pd.CategoricalDtype) or col.dtype == object:
            col = col.astype(object).where(col.notna(), np.nan)
        columns[name] = col
    return pd.DataFrame(columns, index=X.index)
