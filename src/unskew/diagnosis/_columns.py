"""Columns that make scores lie: row identifiers and columns that give the label away.

An identifier (unique per row, or a counter in row order) carries no signal about new rows,
yet a model can memorise it, and when the table is sorted by label it predicts the label
outright. A column that alone predicts the label almost perfectly is usually derived from it
(a status code written after the outcome). Both lift cross-validated scores that will not hold
on new data, so :func:`unskew.compare` leaves identifiers out by default and warns about both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._subsample import stratified_sample

# a column is id-like when at least this share of its (non-missing) values are distinct ...
ID_UNIQUE_SHARE = 0.95
# ... or when it counts up (or down) row by row with at least this share of distinct values
ID_MONOTONE_UNIQUE_SHARE = 0.5
ID_MIN_ROWS = 20
# a single column whose out-of-fold balanced accuracy reaches this gives the label away
LEAK_SCORE = 0.98
_LEAK_MAX_ROWS = 20_000
_LEAK_FOLDS = 3
_LEAK_MAX_LEAVES = 32


@dataclass(frozen=True)
class SuspectColumn:
    """A column that would make cross-validated scores optimistic.

    Attributes
    ----------
    column : str
        The column name.
    kind : {"id", "leak"}
        ``"id"``: a row identifier; ``"leak"``: alone it predicts the label almost perfectly.
    reason : str
        What was measured, in words ("unique on 799 of 800 rows").
    score : float or None
        For ``"leak"`` (and an identifier that also predicts the label): the column's
        out-of-fold balanced accuracy on its own.
    """

    column: str
    kind: str
    reason: str
    score: float | None = None

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return {"column": self.column, "kind": self.kind, "reason": self.reason,
                "score": self.score}


def id_like_columns(X: pd.DataFrame, feature_types: dict[str, str]) -> dict[str, str]:
    """Row-identifier columns and why each looks like one.

    A string column qualifies when its values are single tokens (codes, not prose) distinct on
    at least 95% of its rows; an integer-valued column when it is distinct on 95% of its rows
    and dense (an arange with few gaps, not a quantity such as an amount), or when it is
    monotone in row order with at least half its values distinct. Text, datetime and
    fractional columns never qualify; nor does any column of a table under 20 rows.

    Parameters
    ----------
    X : pandas.DataFrame
        Feature columns.
    feature_types : dict
        Column -> "numeric" | "categorical" | "text" | "datetime".

    Returns
    -------
    dict of str to str
        ``{column: reason}`` in column order.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"sample_id": range(100), "amount": [i % 7 * 1.5 for i in range(100)],
    ...                   "code": [f"C{i:04d}" for i in range(100)]})
    >>> id_like_columns(X, {"sample_id": "numeric", "amount": "numeric", "code": "categorical"})
    {'sample_id': 'distinct on all 100 rows and counts up row by row', 'code': 'distinct on all 100 rows'}
    """
    found = {}
    for name in X.columns:
        kind = feature_types.get(name)
        if kind not in ("numeric", "categorical"):
            continue
        values = X[name].dropna()
        n = len(values)
        if n < ID_MIN_ROWS:
            continue
        if kind == "numeric" or pd.api.types.is_numeric_dtype(values.dtype):
            reason = _integer_id(values)
        else:
            reason = _string_id(values.astype(str))
        if reason is not None:
            found[name] = reason
    return found


def _distinct(n_unique: int, n: int) -> str:
    return f"distinct on all {n} rows" if n_unique == n else f"distinct on {n_unique} of {n} rows"


def _integer_id(values: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(values.dtype):
        return None
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    if not np.isfinite(numbers).all() or not np.all(numbers == np.round(numbers)):
        return None
    n, n_unique = numbers.size, int(np.unique(numbers).size)
    steps = np.diff(numbers)
    monotone = bool((steps >= 0).all() or (steps <= 0).all())
    if monotone and n_unique >= ID_MONOTONE_UNIQUE_SHARE * n:
        return f"{_distinct(n_unique, n)} and counts {'up' if steps.sum() >= 0 else 'down'} " \
               "row by row"
    span = numbers.max() - numbers.min() + 1
    if n_unique >= ID_UNIQUE_SHARE * n and span <= 1.5 * n_unique:
        return f"{_distinct(n_unique, n)}, consecutive integers"
    return None


def _string_id(values: pd.Series) -> str | None:
    n, n_unique = len(values), int(values.nunique())
    if n_unique < ID_UNIQUE_SHARE * n:
        return None
    # codes are one token; short free text (titles, queries) is not an identifier
    if values.str.contains(r"\s", regex=True).mean() > 1 - ID_UNIQUE_SHARE:
        return None
    return _distinct(n_unique, n)


def single_column_scores(X: pd.DataFrame, y, feature_types: dict[str, str], *,
                         random_state=0, max_rows: int = _LEAK_MAX_ROWS) -> dict[str, float]:
    """Out-of-fold balanced accuracy of each column used alone to predict ``y``.

    Numeric and datetime columns get a small class-balanced decision tree (missing values as
    their own branch); categorical ones predict, per category, the class most over-represented
    among that category's training rows. Three stratified folds on a stratified sample of at
    most ``max_rows`` rows; text columns are not scored.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> y = np.array([0] * 90 + [1] * 10)
    >>> X = pd.DataFrame({"noise": rng.normal(size=100), "copy": y * 10.0 + rng.normal(size=100)})
    >>> scores = single_column_scores(X, y, {"noise": "numeric", "copy": "numeric"})
    >>> scores["copy"] > 0.98 > scores["noise"]
    True
    """
    from sklearn.model_selection import StratifiedKFold
    from sklearn.tree import DecisionTreeClassifier

    y = np.asarray(y)
    classes, codes = np.unique(y.astype(str) if y.dtype == object else y, return_inverse=True)
    counts = np.bincount(codes)
    if classes.size < 2 or counts.min() < 2:
        return {}
    rows, _ = stratified_sample(codes, classes.size, max_rows, np.random.RandomState(0))
    codes = codes[rows]
    folds = min(_LEAK_FOLDS, int(np.bincount(codes).min()))
    splits = list(StratifiedKFold(folds, shuffle=True, random_state=random_state)
                  .split(np.zeros(codes.size), codes))
    scores = {}
    for name in X.columns:
        kind = feature_types.get(name)
        column = X[name].iloc[rows]
        if kind in ("numeric", "datetime"):
            values = _as_float(column)
            if values is None:
                continue
            pred = np.empty_like(codes)
            for train, test in splits:
                tree = DecisionTreeClassifier(max_leaf_nodes=_LEAK_MAX_LEAVES,
                                              class_weight="balanced", random_state=0)
                tree.fit(values[train, None], codes[train])
                pred[test] = tree.predict(values[test, None])
        elif kind == "categorical":
            pred = _category_votes(column.astype(str).to_numpy(), codes, splits, classes.size)
        else:
            continue
        scores[name] = _balanced_accuracy(codes, pred, classes.size)
    return scores


def _as_float(column: pd.Series) -> np.ndarray | None:
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        values = column.astype("int64").to_numpy(dtype=np.float64)
        values[column.isna().to_numpy()] = np.nan
        return values
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
    return None if np.isnan(values).all() else values


def _category_votes(values: np.ndarray, codes: np.ndarray, splits, n_classes: int) -> np.ndarray:
    """Per category, the class most over-represented in the training fold (a lift vote)."""
    pred = np.empty_like(codes)
    for train, test in splits:
        cats, inverse = np.unique(values[train], return_inverse=True)
        table = np.zeros((cats.size, n_classes))
        np.add.at(table, (inverse, codes[train]), 1.0)
        prior = np.bincount(codes[train], minlength=n_classes) / train.size
        lift = table / np.maximum(table.sum(axis=1, keepdims=True), 1) / np.maximum(prior, 1e-12)
        vote = lift.argmax(axis=1)
        where = np.searchsorted(cats, values[test])
        where = np.minimum(where, cats.size - 1)
        seen = cats[where] == values[test]
        pred[test] = np.where(seen, vote[where], int(prior.argmax()))
    return pred


def _balanced_accuracy(codes: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    recalls = [np.mean(pred[codes == k] == k) for k in range(n_classes) if np.any(codes == k)]
    return float(np.mean(recalls))


def suspect_columns(X: pd.DataFrame, y, feature_types: dict[str, str], *,
                    random_state=0) -> list[SuspectColumn]:
    """Identifier columns and columns that alone give the label away, most serious first.

    Parameters
    ----------
    X : pandas.DataFrame
        Feature columns.
    y : array-like
        Labels.
    feature_types : dict
        Column -> feature type.
    random_state : int, default=0
        Seed of the folds of the single-column scores.

    Returns
    -------
    list of SuspectColumn
        Leaks first (highest score first), then identifiers; an identifier that also gives
        the label away is listed once, as an identifier with its score.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> y = np.array(["ok"] * 80 + ["fraud"] * 20)
    >>> X = pd.DataFrame({"row": range(100), "x": np.random.default_rng(0).normal(size=100)})
    >>> [(s.column, s.kind) for s in suspect_columns(X, y, {"row": "numeric", "x": "numeric"})]
    [('row', 'id')]
    >>> suspect_columns(X, y, {"row": "numeric", "x": "numeric"})[0].score
    1.0
    """
    ids = id_like_columns(X, feature_types)
    scores = single_column_scores(X, y, feature_types, random_state=random_state)
    leaks = [SuspectColumn(c, "leak", f"alone predicts the label with balanced accuracy "
                                      f"{s:.3f} out of fold", s)
             for c, s in sorted(scores.items(), key=lambda kv: -kv[1])
             if s >= LEAK_SCORE and c not in ids]
    found = []
    for c, reason in ids.items():
        s = scores.get(c)
        if s is not None and s >= LEAK_SCORE:
            reason += f", and alone predicts the label (balanced accuracy {s:.3f} out of fold)"
        found.append(SuspectColumn(c, "id", reason, s))
    return leaks + found
