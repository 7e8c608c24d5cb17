"""The :class:`Dataset` every room of unskew reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

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
