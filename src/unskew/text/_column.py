"""One text column in, a list of strings out: the input rule every text estimator shares."""

from __future__ import annotations

import numbers

import numpy as np

from ..exceptions import DataError

__all__ = ["as_text", "column_of", "text_column"]


def as_text(value) -> str:
    """One cell as a string: missing values (None, NaN, ``pd.NA``, ``NaT``) become ``""``.

    Examples
    --------
    >>> from unskew.text._column import as_text
    >>> as_text("fine"), as_text(None), as_text(float("nan")), as_text(3)
    ('fine', '', '', '3')
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return ""
    if isinstance(value, float | np.floating) and value != value:  # NaN
        return ""
    return str(value)


def column_of(X, owner: str, *, column=None):
    """The one text column of ``X`` as a 1-D object array (cells as given, missing kept).

    Parameters
    ----------
    X : 1-D array-like of str, Series, one-column DataFrame or (n, 1) array
        The texts. A 2-D ``X`` of several columns needs ``column``.
    owner : str
        The estimator, for messages.
    column : str or int, optional
        The column holding the text, by name (DataFrame) or position (2-D array).

    Returns
    -------
    ndarray of object, shape (n_samples,)

    Raises
    ------
    DataError
        If ``X`` is a single string, a sparse matrix, has more than 2 dimensions, or has several
        columns and ``column`` does not pick one.
    """
    if isinstance(X, (str, bytes)):
        raise DataError(f"{owner} takes a column of texts (a list, Series or one-column "
                        f"DataFrame); got a single string {X[:40]!r}. Wrap it in a list.")
    if hasattr(X, "tocsr") and hasattr(X, "nnz"):
        raise DataError(f"{owner} takes a column of texts; got a sparse matrix of shape "
                        f"{X.shape}. Put {owner} before the vectorizer, not after it.")
    if hasattr(X, "columns") and hasattr(X, "iloc"):  # a pandas DataFrame
        names = list(X.columns)
        if column is not None:
            if column not in names:
                from .._utils._text import did_you_mean, preview

                raise DataError(f"{owner}: text column {column!r} is not a column of X"
                                f"{did_you_mean(str(column), [str(c) for c in names])}; X has "
                                f"{preview(names, 10)}")
            return X[column].to_numpy(dtype=object)
        if len(names) != 1:
            return _too_many(owner, len(names), names)
        return X.iloc[:, 0].to_numpy(dtype=object)
    if hasattr(X, "to_numpy") and getattr(X, "ndim", None) == 1:  # a pandas Series
        return X.to_numpy(dtype=object)
    values = np.asarray(X, dtype=object) if not isinstance(X, np.ndarray) else X
    if values.ndim == 1:
        return values.astype(object, copy=False)
    if values.ndim != 2:
        raise DataError(f"{owner} takes a column of texts; got an array of shape "
                        f"{values.shape}.")
    if column is not None:
        if not isinstance(column, numbers.Integral) or not -values.shape[1] <= column \
                < values.shape[1]:
            raise DataError(f"{owner}: text column {column!r} must be a column position in "
                            f"[0, {values.shape[1]}) for an array X of shape {values.shape}; "
                            "names need a DataFrame.")
        return values[:, column].astype(object, copy=False)
    if values.shape[1] != 1:
        return _too_many(owner, values.shape[1], list(range(values.shape[1])))
    return values[:, 0].astype(object, copy=False)


def text_column(X, owner: str, *, column=None) -> list[str]:
    """The texts of ``X`` as a list of str, missing values as ``""`` (see :func:`column_of`).

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.text._column import text_column
    >>> text_column(pd.DataFrame({"review": ["good", None]}), "TextVectorizer")
    ['good', '']
    >>> text_column([["a", "b"]], "TextVectorizer")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: TextVectorizer encodes one text column; X has 2 columns (0, 1). Give it one column (ColumnTransformer([("text", TextVectorizer(), "review")]) passes the column 'review').
    """
    return [as_text(v) for v in column_of(X, owner, column=column)]


def _too_many(owner: str, n: int, names: list):
    from .._utils._text import preview

    raise DataError(f"{owner} encodes one text column; X has {n} columns ({preview(names, 10)}). "
                    f"Give it one column (ColumnTransformer([(\"text\", {owner}(), \"review\")]) "
                    "passes the column 'review').")
