"""Turn a :class:`~unskew.datasets.Dataset`'s typed columns into a numeric matrix.

Shared by diagnosis (neighbour checks need numbers) and by the strategy factories of
``compare``, so every room encodes a table the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    validate_data,
)

__all__ = ["DatetimeFeatures", "make_preprocessor"]


class DatetimeFeatures(TransformerMixin, BaseEstimator):
    """Encode datetime columns as seconds since the epoch (NaT stays NaN for the imputer).

    Strings are parsed with :func:`pandas.to_datetime`; unparseable values become NaN, and
    time-zone aware values are converted to UTC first.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"t": pd.to_datetime(["1970-01-01", "1970-01-02", None])})
    >>> DatetimeFeatures().fit_transform(X).ravel().tolist()
    [0.0, 86400.0, nan]
    """

    def fit(self, X, y=None):
        validate_data(self, self._seconds(X), ensure_all_finite="allow-nan", reset=True)
        return self

    def transform(self, X):
        check_is_fitted(self)
        return validate_data(self, self._seconds(X), ensure_all_finite="allow-nan", reset=False)

    @staticmethod
    def _seconds(X) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            # same errors as every scikit-learn estimator for 1-D, empty, complex or sparse input
            X = pd.DataFrame(check_array(X, dtype=None, ensure_all_finite=False))
        out = {}
        for name in X.columns:
            values = pd.to_datetime(X[name], errors="coerce", utc=True)
            stamp = values.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            secs = stamp.astype("int64").astype(np.float64) / 1e9
            secs[np.isnat(stamp)] = np.nan
            out[name] = secs
        return pd.DataFrame(out, index=X.index)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        if input_features is None:
            input_features = getattr(self, "feature_names_in_",
                                     [f"x{i}" for i in range(self.n_features_in_)])
        return np.asarray([f"{n}_epoch_s" for n in input_features], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True  # date strings are its normal input
        return tags


def _as_text(X):
    # TfidfVectorizer wants one 1-D sequence of strings; missing text is empty text
    return pd.DataFrame(X).iloc[:, 0].fillna("").astype(str).to_numpy()


def make_preprocessor(feature_types: dict[str, str], *, scale: bool = True,
                      categorical: str = "onehot", max_categories: int = 30,
                      text_max_features: int = 2000, text_encoder=None) -> ColumnTransformer:
    """Build the column transformer that turns typed columns into one numeric matrix.

    Numeric columns are median-imputed (and standardised when ``scale``), categorical columns
    one-hot encoded (rare levels grouped, unseen levels ignored) or ordinal-encoded, datetime
    columns turned into seconds since the epoch, and each text column TF-IDF vectorised.

    Parameters
    ----------
    feature_types : dict of str to str
        ``Dataset.feature_types``: column -> "numeric" | "categorical" | "text" | "datetime".
    scale : bool, default=True
        Standardise numeric and datetime columns (distance-based methods need it; trees don't).
    categorical : {"onehot", "ordinal"}, default="onehot"
        Encoding of categorical columns.
    max_categories : int, default=30
        Levels kept per one-hot column; rarer ones share an "infrequent" column.
    text_max_features : int, default=2000
        Vocabulary size of each text column's TF-IDF.
    text_encoder : callable, optional
        ``text_encoder()`` returns the unfitted transformer of one text column (it receives
        a one-column frame); by default a word TF-IDF of ``text_max_features`` terms. The
        strategies of ``compare`` pass the encoder their model needs (``unskew.text``).

    Returns
    -------
    sklearn.compose.ColumnTransformer
        Unfitted; dense output unless text columns make it sparse.

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew._preprocessing import make_preprocessor
    >>> X = pd.DataFrame({"amount": [1.0, None, 3.0], "shop": ["a", "b", "a"]})
    >>> pre = make_preprocessor({"amount": "numeric", "shop": "categorical"})
    >>> pre.fit_transform(X).shape
    (3, 3)
    """
    if categorical not in ("onehot", "ordinal"):
        raise ValueError(f"categorical must be 'onehot' or 'ordinal', got {categorical!r}")
    by_type: dict[str, list[str]] = {"numeric": [], "categorical": [], "datetime": [], "text": []}
    for column, kind in feature_types.items():
        if kind not in by_type:
            raise ValueError(
                f"column {column!r} has unknown feature type {kind!r}; "
                f"expected one of {', '.join(by_type)}"
            )
        by_type[kind].append(column)

    def numeric_steps():
        steps = [SimpleImputer(strategy="median", keep_empty_features=True)]
        return make_pipeline(*steps, StandardScaler()) if scale else make_pipeline(*steps)

    transformers = []
    if by_type["numeric"]:
        transformers.append(("numeric", numeric_steps(), by_type["numeric"]))
    if by_type["datetime"]:
        transformers.append(("datetime", make_pipeline(DatetimeFeatures(), numeric_steps()),
                             by_type["datetime"]))
    if by_type["categorical"]:
        to_str = FunctionTransformer(_categories_as_str, feature_names_out="one-to-one")
        if categorical == "onehot":
            encoder = OneHotEncoder(handle_unknown="infrequent_if_exist",
                                    max_categories=max_categories, sparse_output=False)
        else:
            encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                     encoded_missing_value=-1)
        transformers.append(("categorical", make_pipeline(to_str, encoder),
                             by_type["categorical"]))
    for column in by_type["text"]:
        if text_encoder is not None:
            vectoriser = text_encoder()
        else:
            vectoriser = make_pipeline(
                FunctionTransformer(_as_text),
                TfidfVectorizer(max_features=text_max_features, sublinear_tf=True),
            )
        transformers.append((f"text_{column}", vectoriser, [column]))
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.3,
                             verbose_feature_names_out=True)


def _categories_as_str(X):
    # mixed types (1, "1", True) and missing values become comparable strings
    frame = pd.DataFrame(X)
    return frame.astype(object).where(frame.notna(), "<missing>").astype(str)
