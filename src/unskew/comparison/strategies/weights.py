"""Weighting strategies: the model itself pays more for errors on rare classes.

``class_weight="balanced"`` weighs class ``c`` by ``N / (C * n_c)`` on each training fold, the
same values as ``unskew.weights.class_weights(y, "balanced")``; the weights are recomputed by the
model in ``fit``, so they never see the test fold.
"""

from __future__ import annotations

from functools import partial

from ._models import build_pipeline, make_model, preprocessor_for
from ._spaces import MODEL_SPACES

__all__ = ["build_weighted", "entry"]


def build_weighted(model: str, feature_types: dict[str, str], random_state: int | None = None):
    """Build ``preprocess -> model(class_weight="balanced")``.

    Parameters
    ----------
    model : {"lr", "hgb", "rf"}
        The base model.
    feature_types : dict of str to str
        ``Dataset.feature_types``.
    random_state : int or None, default=None
        Seed of the model.

    Returns
    -------
    imblearn.pipeline.Pipeline
        Unfitted.

    Examples
    --------
    >>> build_weighted("hgb", {"x": "numeric"}, 0).named_steps["model"].class_weight
    'balanced'
    """
    pre = preprocessor_for(model, feature_types)
    return build_pipeline(pre, make_model(model, random_state, class_weight="balanced"))


_DESCRIPTIONS = {
    "lr": "Logistic regression with balanced class weights (N / (C * n_c)) on scaled one-hot "
          "features.",
    "hgb": "Histogram gradient boosting with balanced class weights (N / (C * n_c)).",
    "rf": "Random forest (200 trees) with balanced class weights (N / (C * n_c)).",
    "svm": "Linear SVM with balanced class weights (N / (C * n_c)) on sparse features (text as "
           "word and character n-gram TF-IDF), probabilities by Platt scaling.",
}


def entry(method: str, model: str) -> dict:
    """The :class:`Strategy` fields of ``weighted+<model>`` (a row of the strategy table).

    Examples
    --------
    >>> entry("weighted", "lr")["build"]({"x": "numeric"}, 0)[-1].class_weight
    'balanced'
    """
    return {"build": partial(build_weighted, model), "description": _DESCRIPTIONS[model],
            "search_space": MODEL_SPACES[model]}
