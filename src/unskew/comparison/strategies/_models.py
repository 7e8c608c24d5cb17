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

Text columns get :func:`unskew.text.text_features`: sparse TF-IDF of word 1-2-grams and
character 2-5-grams for linear models (sparse all the way into the model), and its dense
low-rank view (``TEXT_COMPONENTS`` SVD components) for tree models and for resamplers that
interpolate (SMOTE interpolates embeddings, never raw TF-IDF). ``dense=True`` forces a dense
matrix (HistGradientBoosting does not accept sparse input).
"""

from __future__ import annotations

from functools import partial

from imblearn.pipeline import Pipeline
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from ..._preprocessing import make_preprocessor
from ...text import text_features

__all__ = ["MODELS", "build_pipeline", "make_model", "preprocessor"]

MODELS = ("lr", "hgb", "rf", "svm", "cnb")
SPARSE_MODELS = ("lr", "svm", "cnb")  # take sparse text features as they are
TEXT_COMPONENTS = 100  # LSA's usual size; 256 took 3x longer on 20k rows


def preprocessor(feature_types: dict[str, str], *, encoding: str = "onehot", dense: bool = False,
                 random_state: int | None = 0):
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
        Always return a dense matrix: text columns get the dense low-rank view.
    random_state : int or None, default=0
        Seed of that view's SVD.

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
    text = partial(text_features, "dense" if dense else "sparse",
                   n_components=TEXT_COMPONENTS, random_state=random_state)
    pre = make_preprocessor(feature_types, scale=encoding == "onehot", categorical=encoding,
                            text_encoder=text)
    if dense:
        pre.set_params(sparse_threshold=0.0)
    return pre


def make_model(name: str, random_state: int | None = None, *, class_weight=None):
    """Return an unfitted base model: ``"lr"``, ``"hgb"``, ``"rf"``, ``"svm"`` or ``"cnb"``.

    Parameters
    ----------
    name : {"lr", "hgb", "rf", "svm", "cnb"}
        ``"lr"``: LogisticRegression (lbfgs, ``max_iter=2000``); ``"hgb"``:
        HistGradientBoostingClassifier (200 iterations, early stopping off, so the fit is
        deterministic and never needs a stratified validation split that a one-row class
        would break); ``"rf"``: RandomForestClassifier (200 trees, ``n_jobs=1``: the engine
        parallelises over tasks, not inside them); ``"svm"``: a linear SVM (LinearSVC)
        with Platt-scaled probabilities from 3 internal folds (the engine needs
        probabilities); ``"cnb"``: complement naive Bayes, made for skewed text classes
        (non-negative features only; ``class_weight`` does not apply).
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
    if name == "svm":
        svm = LinearSVC(C=0.5, class_weight=class_weight, random_state=random_state)
        return CalibratedClassifierCV(svm, method="sigmoid", cv=3)
    if name == "cnb":
        return ComplementNB(alpha=0.3)
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
    encoding = "onehot" if model in SPARSE_MODELS or interpolates else "ordinal"
    # trees and interpolating resamplers get the dense low-rank view of text
    dense = model not in SPARSE_MODELS or interpolates
    return preprocessor(feature_types, encoding=encoding, dense=dense)


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
