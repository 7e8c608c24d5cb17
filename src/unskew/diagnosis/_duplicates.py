"""Identical feature rows, and the ones among them whose labels disagree."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DuplicateReport:
    """Rows with identical features, found by hashing every row.

    Rows are compared on their original feature values (missing equals missing) through
    :func:`pandas.util.hash_pandas_object`; two different rows share a 64-bit hash with negligible
    probability.

    Attributes
    ----------
    n_duplicate_rows : int
        Rows whose features repeat an earlier row (whatever the labels).
    n_conflict_groups : int
        Groups of identical feature rows that carry more than one label.
    n_conflict_rows : int
        Rows in those groups.
    examples : tuple of tuple of int
        Row positions of a few conflicting groups (at most ``max_examples`` groups of at most
        ``max_examples`` rows).
    max_examples : int
        The cap on ``examples``.

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.diagnosis import diagnose
    >>> df = pd.DataFrame({"a": [1, 1, 2, 3, 3, 4] * 5, "y": ["p", "n"] * 15})
    >>> report = diagnose(df, target="y", checks=("duplicates",)).duplicates
    >>> report.n_duplicate_rows, report.n_conflict_groups, report.n_conflict_rows
    (26, 2, 20)
    """

    n_duplicate_rows: int
    n_conflict_groups: int
    n_conflict_rows: int
    examples: tuple
    max_examples: int = 5


def find_duplicates(X: pd.DataFrame, codes: np.ndarray, *, max_examples: int = 5
                    ) -> DuplicateReport:
    """Hash every feature row once and group the repeated ones."""
    hashes = pd.util.hash_pandas_object(X, index=False).to_numpy()
    repeated = pd.Series(hashes).duplicated(keep=False).to_numpy()
    n_duplicate_rows = int(repeated.sum() - np.unique(hashes[repeated]).size)
    if not repeated.any():
        return DuplicateReport(0, 0, 0, (), max_examples)
    rows = np.flatnonzero(repeated)
    frame = pd.DataFrame({"hash": hashes[rows], "label": codes[rows], "row": rows})
    n_labels = frame.groupby("hash", sort=False)["label"].transform("nunique").to_numpy()
    conflicts = frame[n_labels > 1]
    examples = []
    for _, members in conflicts.groupby("hash", sort=False)["row"]:
        if len(examples) == max_examples:
            break
        examples.append(tuple(int(r) for r in members.to_numpy()[:max_examples]))
    return DuplicateReport(
        n_duplicate_rows=n_duplicate_rows,
        n_conflict_groups=int(conflicts["hash"].nunique()),
        n_conflict_rows=len(conflicts),
        examples=tuple(examples),
        max_examples=max_examples,
    )
