"""Shared factories for the strategy catalogue: preprocessing, models and the pipeline shape.

Every strategy is built the same way, so the engine, the search spaces and the report can rely on
the step names::

    imblearn.pipeline.Pipeline([("preprocess", ...), ("resample", ...), ("model", ...)])

``"resample"`` is present only for data strategies. Keeping the resampler *inside* an
imbalanced-learn Pipeline is what makes it run in ``fit`` only (on the training fold), never in
``predict`` or ``score``.

Preprocessing comes in two encodings:

- ``"onehot"``: standardised numeric columns and one-hot categories, for linear models and for
  anything that measures distances (SMOTE and the other k-NN resamplers). SMOTE therefore
  interpolates one-hot columns, the standard practice for mixed tables.
- ``"ordinal"``: unscaled numeric columns and ordinal-coded categories, for tree models, which
  need neither scaling nor one column per level.

``dense=True`` forces a dense matrix (HistGradientBoosting does not accept sparse input, which
text columns would otherwise produce) and caps each text column's vocabulary at
``DENSE_TEXT_MAX_FEATURES`` so the dense matrix stays small.
"""

from __future__ import annotations

from imblearn.pipeline import Pipeline
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from ..._preprocessing import make_preprocessor

__all__ = ["MODELS", "build_pipeline", "make_model", "preprocessor"]

MODELS = ("lr", "hgb", "rf")
DENSE_TEXT_MAX_FEATURES = 300


def preprocessor(feature_types: dict[str, str], *, encoding: str = "onehot", dense: bool = False):
    """Return the column transformer for one kind of model.

    Parameters
    ----------
    feature_types : dict of str to str
        ``Dataset.feature_types``.
    encoding : {"onehot", "ordinal"}, default="onehot"
        ``"onehot"`` scales numeric columns and one-hot encodes categories (linear and
        distance-based methods); ``"ordinal"`` leaves numbers unscaled and ordinal-codes
        categories (trees).
    dense : bool, default=False
        Always return a dense matrix, with a smaller text vocabulary.

    Returns
    -------
    sklearn.compose.ColumnTransformer
        Unfitted.

    Examples
    --------
    >>> import pandas as pd
    >>> pre = preprocessor({"x": "numeric", "c": "categorical"}, encoding="ordinal")
    >>> pre.fit_transform(pd.DataFrame({"x": [1.0, 2.0], "c": ["a", "b"]})).tolist()
    [[1.0, 0.0], [2.0, 1.0]]
    """
    if encoding not in ("onehot", "ordinal"):
        raise ValueError(f"encoding must be 'onehot' or 'ordinal', got {encoding!r}")
    options = {"text_max_features": DENSE_TEXT_MAX_FEATURES} if dense else {}
    pre = make_preprocessor(feature_types, scale=encoding == "onehot", categorical=encoding,
                            **options)
    if dense:
        pre.set_params(sparse_threshold=0.0)
    return pre


def make_model(name: str, random_state: int | None = None, *, class_weight=None):
    """Return an unfitted base model: ``"lr"``, ``"hgb"`` or ``"rf"``.

    Parameters
    ----------
    name : {"lr", "hgb", "rf"}
        ``"lr"``: LogisticRegression (lbfgs, ``max_iter=2000``); ``"hgb"``:
        HistGradientBoostingClassifier (200 iterations, early stopping off, so the fit is
        deterministic and never needs a stratified validation split that a one-row class
        would break); ``"rf"``: RandomForestClassifier (200 trees, ``n_jobs=1``: the engine
        parallelises over tasks, not inside them).
    random_state : int or None, default=None
        Seed of the model's randomness.
    class_weight : {"balanced"}, dict or None, default=None
        Passed to the model's ``class_weight``.

    Returns
    -------
    estimator
        Unfitted scikit-learn classifier.

    Examples
    --------
    >>> make_model("lr", 0, class_weight="balanced")
    LogisticRegression(class_weight='balanced', max_iter=2000, random_state=0)
    """
    if name == "lr":
        return LogisticRegression(max_iter=2000, class_weight=class_weight,
                                  random_state=random_state)
    if name == "hgb":
        return HistGradientBoostingClassifier(max_iter=200, early_stopping=False,
                                              class_weight=class_weight,
                                              random_state=random_state)
    if name == "rf":
        return RandomForestClassifier(n_estimators=200, n_jobs=1, class_weight=class_weight,
                                      random_state=random_state)
    raise ValueError(f"unknown model {name!r}; expected one of {', '.join(MODELS)}")


def preprocessor_for(model: str, feature_types: dict[str, str], *,
                     interpolates: bool = False):
    """The preprocessor a model needs: one place decides encoding and density per model.

    Linear models, and any pipeline whose resampler interpolates between neighbours, get scaled
    one-hot features; tree models get ordinal codes. HistGradientBoosting needs dense input.

    Examples
    --------
    >>> pre = preprocessor_for("hgb", {"x": "numeric", "c": "categorical"})
    >>> pre.transformers[1][1].steps[-1][0]
    'ordinalencoder'
    """
    encoding = "onehot" if model == "lr" or interpolates else "ordinal"
    return preprocessor(feature_types, encoding=encoding, dense=model == "hgb")


def build_pipeline(pre, model, resampler=None) -> Pipeline:
    """Assemble ``preprocess -> [resample] -> model`` as an imbalanced-learn Pipeline.

    Parameters
    ----------
    pre : transformer
        The preprocessing step (see :func:`preprocessor`).
    model : classifier
        The final estimator.
    resampler : object with ``fit_resample``, optional
        Applied to the training data only, during ``fit``.

    Returns
    -------
    imblearn.pipeline.Pipeline

    Examples
    --------
    >>> from imblearn.over_sampling import RandomOverSampler
    >>> pipe = build_pipeline(preprocessor({"x": "numeric"}), make_model("lr"),
    ...                       RandomOverSampler(random_state=0))
    >>> list(pipe.named_steps)
    ['preprocess', 'resample', 'model']
    """
    steps = [("preprocess", pre)]
    if resampler is not None:
        steps.append(("resample", resampler))
    steps.append(("model", model))
    return Pipeline(steps)
