"""Save and load fitted models with skops, never with pickle.

A model file holds the fitted estimator and a metadata dict (classes, feature names and
types, the metric and honest score, versions, data hash). Loading lists the file's types first
and refuses any outside scikit-learn, imbalanced-learn, numpy, scipy and unskew, so a foreign or
tampered file cannot run code.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._utils._text import preview
from ..exceptions import DataError

# modules whose types a model file may contain
_TRUSTED_PREFIXES = ("sklearn.", "imblearn.", "numpy.", "scipy.", "unskew.",
                     "collections.OrderedDict", "collections.defaultdict", "builtins.slice")
FORMAT = "unskew-model/1"


class SchemaWarning(UserWarning):
    """The data differ from the model's training schema (extra columns, unseen categories).

    ``unskew predict`` prints these; other warnings raised while predicting stay quiet.
    """


def save_model(estimator, path, metadata: dict) -> Path:
    """Write ``estimator`` and ``metadata`` to ``path`` with skops (atomically).

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    >>> est = LogisticRegression().fit(X, ["a", "a", "b", "b"])
    >>> path = save_model(est, os.path.join(tempfile.mkdtemp(), "m.skops"),
    ...                   {"feature_names": ["x"], "feature_types": {"x": "numeric"}})
    >>> load_model(path).predict(pd.DataFrame({"x": [0.0, 3.0]})).tolist()
    ['a', 'b']
    """
    import skops.io as sio

    path = Path(path)
    meta = {"format": FORMAT, **metadata}
    blob = sio.dumps({"estimator": estimator, "metadata_json": json.dumps(meta, default=str)})
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, path)
    return path


@dataclass(frozen=True)
class Model:
    """A loaded unskew model: the fitted estimator plus what it was trained on.

    ``predict`` / ``predict_proba`` check the columns of ``X`` against the training schema:
    a missing column is an error naming it, extra columns are ignored with a warning, and
    categories the model never saw in training are counted in a warning (the pipeline's
    encoder then encodes them as unknown).

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    >>> path = save_model(LogisticRegression().fit(X, ["a", "a", "b", "b"]),
    ...                   os.path.join(tempfile.mkdtemp(), "m.skops"), {"feature_names": ["x"]})
    >>> model = load_model(path)
    >>> model.classes_.tolist(), model.predict_proba(X).shape
    (['a', 'b'], (4, 2))
    """

    estimator: object
    metadata: dict

    @property
    def classes_(self) -> np.ndarray:
        """The class labels, in the column order of ``predict_proba``."""
        return np.asarray(self.estimator.classes_)

    def _check_columns(self, X) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise DataError("X must be a pandas DataFrame with the training columns")
        names = list(self.metadata.get("feature_names", []))
        missing = [c for c in names if c not in X.columns]
        if missing:
            raise DataError(
                f"the data lacks {len(missing)} column(s) the model was trained on: "
                f"{', '.join(map(repr, missing[:10]))}"
            )
        extra = [c for c in X.columns if c not in names]
        if extra:
            warnings.warn(f"ignoring {len(extra)} column(s) the model was not trained on: "
                          f"{', '.join(map(repr, extra[:10]))}", SchemaWarning, stacklevel=3)
        X = X[names].copy()
        for column, kind in self.metadata.get("feature_types", {}).items():
            if kind == "datetime":
                X[column] = pd.to_datetime(X[column], errors="coerce")
            elif kind == "numeric" and X[column].dtype == object:
                X[column] = pd.to_numeric(X[column], errors="coerce")
        for column, known in training_categories(self.estimator).items():
            if column in X.columns:
                _warn_unseen(column, X[column], known)
        return X

    def predict(self, X) -> np.ndarray:
        """Predict class labels (with the model's own decision threshold, if it has one)."""
        return np.asarray(self.estimator.predict(self._check_columns(X)))

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of :attr:`classes_`."""
        return np.asarray(self.estimator.predict_proba(self._check_columns(X)))


def training_categories(estimator) -> dict[str, set[str]]:
    """The categories each categorical column had in training, read from the fitted encoders.

    Searches the fitted estimator (pipelines, meta-estimators, ensembles) for fitted column
    transformers, and collects the ``categories_`` of their one-hot and ordinal encoders. The
    categories are strings, as the preprocessing compares them (``"<missing>"`` for a missing
    value); a column seen by several encoders gets the union of their categories.

    Parameters
    ----------
    estimator : fitted estimator
        A model's ``estimator`` (see :class:`Model`).

    Returns
    -------
    dict of str to set of str
        Column name -> its training categories; empty when no encoder is found.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from unskew.comparison.strategies._models import build_pipeline, preprocessor
    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "shop": ["a", "b", "a", "c"]})
    >>> pipe = build_pipeline(preprocessor({"x": "numeric", "shop": "categorical"}),
    ...                       LogisticRegression()).fit(X, [0, 0, 1, 1])
    >>> sorted(training_categories(pipe)["shop"])
    ['a', 'b', 'c']
    """
    from sklearn.base import BaseEstimator
    from sklearn.compose import ColumnTransformer

    found: dict[str, set[str]] = {}
    seen: set[int] = set()
    stack = [estimator]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, ColumnTransformer) and hasattr(obj, "transformers_"):
            for _, transformer, columns in obj.transformers_:
                for step in (s for _, s in getattr(transformer, "steps", [(None, transformer)])):
                    categories = getattr(step, "categories_", None)
                    if categories is not None and len(columns) == len(categories):
                        for column, levels in zip(columns, categories, strict=True):
                            found.setdefault(str(column), set()).update(map(str, levels))
        elif isinstance(obj, list | tuple):
            stack.extend(obj)
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, BaseEstimator) or type(obj).__module__.startswith(
                ("sklearn.", "imblearn.", "unskew.")):
            # fitted sub-estimators (steps, estimator_, best_estimator_, estimators_, ...)
            stack.extend(getattr(obj, "__dict__", {}).values())
    return found


def _warn_unseen(column: str, values: pd.Series, known: set[str]) -> None:
    """Warn about the rows of ``values`` whose category is not in ``known``."""
    from .._preprocessing import _categories_as_str

    present = values.notna()  # missing values are not categories the user typed
    as_str = _categories_as_str(values[present].to_frame()).iloc[:, 0]
    unseen = as_str[~as_str.isin(known)]
    if unseen.empty:
        return
    levels = unseen.value_counts().index  # the most frequent first
    rows = f"{len(unseen)} row{'s' if len(unseen) > 1 else ''}"
    kind = "categories" if len(levels) > 1 else "a category"
    pronoun = "they are" if len(unseen) > 1 else "it is"
    warnings.warn(f"column {column!r} has {rows} with {kind} never seen in training "
                  f"({preview(map(repr, levels), limit=5)}); {pronoun} encoded as unknown",
                  SchemaWarning, stacklevel=4)


def load_model(path) -> Model:
    """Load a model saved by ``unskew compare`` (skops format; never unpickles).

    Raises
    ------
    DataError
        If the file is missing, not a skops file, not an unskew model, or contains types from
        outside scikit-learn / imbalanced-learn / numpy / scipy / unskew.

    Examples
    --------
    >>> import tempfile, os
    >>> bad = os.path.join(tempfile.mkdtemp(), "model.skops")
    >>> _ = open(bad, "wb").write(b"not a model")
    >>> load_model(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: '...model.skops' is not a readable skops model file ...
    """
    import skops.io as sio

    path = Path(path)
    if not path.is_file():
        raise DataError(f"model file not found: {str(path)!r}")
    data = path.read_bytes()
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as exc:
        raise DataError(
            f"{str(path)!r} is not a readable skops model file ({type(exc).__name__}); "
            "unskew only loads models it saved itself, and never unpickles"
        ) from exc
    foreign = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if foreign:
        raise DataError(
            f"refusing to load {str(path)!r}: it contains types outside scikit-learn, "
            f"imbalanced-learn, numpy, scipy and unskew ({', '.join(foreign[:5])})"
        )
    try:
        content = sio.loads(data, trusted=untrusted)
        metadata = json.loads(content["metadata_json"])
        estimator = content["estimator"]
    except Exception as exc:
        raise DataError(f"{str(path)!r} is not an unskew model file ({exc})") from exc
    if metadata.get("format") != FORMAT:
        raise DataError(f"{str(path)!r} is not an unskew model file (format "
                        f"{metadata.get('format')!r}, expected {FORMAT!r})")
    return Model(estimator=estimator, metadata=metadata)
