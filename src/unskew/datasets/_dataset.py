"""The :class:`Dataset` every room of unskew reads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .._utils._text import preview
from ..exceptions import DataError

FeatureType = Literal["numeric", "categorical", "text", "datetime"]
FEATURE_TYPES: tuple[str, ...] = ("numeric", "categorical", "text", "datetime")


@dataclass(frozen=True, eq=False)
class Dataset:
    """A labelled table: features as the user gave them, labels as the user wrote them.

    Parameters
    ----------
    X : pandas.DataFrame
        The feature columns with their original names and values (nothing imputed or encoded).
    y : pandas.Series
        The original labels, aligned with ``X`` (not encoded to integers).
    classes : tuple
        The distinct labels sorted by frequency, most common first (ties by label).
    feature_types : dict of str to {"numeric", "categorical", "text", "datetime"}
        The inferred (or declared) type of each column of ``X``; pipelines are built from it.
    name : str
        A short name used in reports ("yeast4", or the file name).
    source_hash : str
        A hash of the content of ``X`` and ``y``; caches and saved models are keyed by it.
    source : str or None
        Where it was read from: a file path, or a benchmark name such as ``"binary:yeast4"``;
        None for a data frame from memory. The report's "reproduce" lines use it.
    notes : tuple of str
        How the data was read where it was not obvious (a detected separator or decimal mark);
        ``compare`` and ``diagnose`` show them.

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.datasets import load_table
    >>> df = pd.DataFrame({"amount": [1.0, 2.0, 3.0, 4.0], "fraud": ["no", "no", "no", "yes"]})
    >>> ds = load_table(df, target="fraud")
    >>> ds.classes
    ('no', 'yes')
    >>> ds.class_counts
    {'no': 3, 'yes': 1}
    >>> ds.imbalance_ratio
    3.0
    """

    X: pd.DataFrame
    y: pd.Series
    classes: tuple
    feature_types: dict[str, str]
    name: str = "data"
    source_hash: str = ""
    description: str = field(default="", repr=False)
    source: str | None = field(default=None, repr=False)
    notes: tuple = field(default=(), repr=False)

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, n_classes={self.n_classes}, "
            f"imbalance_ratio={self.imbalance_ratio:.3g})"
        )

    @property
    def n_samples(self) -> int:
        """Number of rows."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Number of feature columns (before any encoding)."""
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int:
        """Number of distinct labels."""
        return len(self.classes)

    @property
    def class_counts(self) -> dict:
        """``{label: count}``, most common first."""
        counts = self.y.value_counts(sort=False)
        return {c: int(counts[c]) for c in self.classes}

    @property
    def imbalance_ratio(self) -> float:
        """Size of the largest class divided by the size of the smallest."""
        counts = np.fromiter(self.class_counts.values(), dtype=float)
        return float(counts.max() / counts.min())

    def columns_of_type(self, kind: str) -> list[str]:
        """Return the columns whose inferred type is ``kind``.

        Examples
        --------
        >>> import pandas as pd
        >>> from unskew.datasets import load_table
        >>> df = pd.DataFrame({"a": [1.5, 2.5, 3.5], "b": ["x", "y", "x"], "t": [0, 1, 0]})
        >>> load_table(df, target="t").columns_of_type("categorical")
        ['b']
        """
        if kind not in FEATURE_TYPES:
            raise ValueError(f"kind must be one of {FEATURE_TYPES}, got {kind!r}")
        return [c for c, t in self.feature_types.items() if t == kind]

    def conform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Other rows of this dataset's feature columns, in the dtypes its types give them.

        For a table read piece by piece (Dask partitions) whose types were inferred on a
        sample: every piece gets the sample's dtypes, whatever its own values hold (an
        integer column with a missing value in one piece is float64 in all of them).

        Examples
        --------
        >>> import pandas as pd
        >>> from unskew.datasets import load_table
        >>> ds = load_table(pd.DataFrame({"n": [1, 2, 3], "y": [0, 1, 0]}), target="y")
        >>> ds.conform(pd.DataFrame({"n": [4, None], "extra": [0, 0]})).dtypes.tolist()
        [dtype('float64')]
        """
        from ._table import conform

        missing = [c for c in self.X.columns if c not in X.columns]
        if missing:
            raise DataError(f"the rows lack the feature column(s) {missing}")
        return conform(X[list(self.X.columns)], self.feature_types)

    def subset(self, rows=None, columns=None, *, notes=()) -> Dataset:
        """A new Dataset of some rows and feature columns, with classes and hash recomputed.

        Parameters
        ----------
        rows : array-like of bool or int, optional
            A boolean mask or row positions; all rows by default.
        columns : list of str, optional
            Feature columns to keep, in this order; all by default.
        notes : iterable of str, optional
            Added to :attr:`notes`.

        Examples
        --------
        >>> import pandas as pd
        >>> from unskew.datasets import load_table
        >>> ds = load_table(pd.DataFrame({"a": [1, 2, 3, 4], "b": [0, 1, 0, 1],
        ...                               "y": ["x", "x", "z", "w"]}), target="y")
        >>> small = ds.subset(rows=ds.y.isin(["x", "z"]).to_numpy(), columns=["a"])
        >>> small.class_counts, list(small.X.columns), small.source_hash != ds.source_hash
        ({'x': 2, 'z': 1}, ['a'], True)
        """
        X, y = self.X, self.y
        if columns is not None:
            X = X[list(columns)]
        if rows is not None:
            rows = np.asarray(rows)
            rows = np.flatnonzero(rows) if rows.dtype == bool else rows
            X, y = X.iloc[rows].reset_index(drop=True), y.iloc[rows].reset_index(drop=True)
        types = {c: self.feature_types[c] for c in X.columns}
        return make_dataset(X, y, types, name=self.name, description=self.description,
                            notes=(*self.notes, *notes), source=self.source)


def make_dataset(X: pd.DataFrame, y: pd.Series, feature_types: dict[str, str], *,
                 name: str, description: str = "", notes=(), source=None) -> Dataset:
    """Build a :class:`Dataset` from clean parts: order the classes and hash the content."""
    check_label_types(y, y.name)
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
                   source_hash=hash_frame(X, y), description=description, notes=tuple(notes),
                   source=source)


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


def check_label_types(y: pd.Series, target) -> None:
    """Refuse labels that mix strings with numbers (they cannot be ordered or compared).

    One rule everywhere: labels are all strings or all numbers (booleans count as numbers).
    ``5`` and ``"5"`` are different labels to numpy and scikit-learn, so guessing a common type
    could merge or split classes silently; the user decides.

    Examples
    --------
    >>> import pandas as pd
    >>> check_label_types(pd.Series([5, 7, "x"], dtype=object), "y")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: the target 'y' mixes label types: numbers (5, 7) and strings ('x'); ...
    """
    if y.dtype != object:
        return
    kinds: dict[str, list] = {}
    for value in pd.unique(y.dropna()):
        kind = ("strings" if isinstance(value, str)
                else "numbers" if isinstance(value, int | float | np.number | np.bool_)
                else type(value).__name__)
        kinds.setdefault(kind, []).append(value)
    if len(kinds) > 1:
        listed = " and ".join(f"{kind} ({preview(map(repr, values), 3)})"
                              for kind, values in kinds.items())
        raise DataError(
            f"the target {target!r} mixes label types: {listed}; make them one type, e.g. "
            f"all strings with df[{str(target)!r}] = df[{str(target)!r}].astype(str)"
        )
