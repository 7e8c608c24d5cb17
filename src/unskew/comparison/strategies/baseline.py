"""Baseline strategies: the plain model, no rebalancing, as the yardstick for every other family."""

from __future__ import annotations

from functools import partial

from ._models import build_pipeline, make_model, preprocessor_for
from ._spaces import MODEL_SPACES

__all__ = ["build_plain", "entry"]


def build_plain(model: str, feature_types: dict[str, str], random_state: int | None = None):
    """Build ``preprocess -> model`` with no rebalancing.

    Parameters
    ----------
    model : {"lr", "hgb", "rf"}
        The base model (see ``_models.make_model``).
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
    >>> pipe = build_plain("lr", {"x": "numeric"}, 0)
    >>> list(pipe.named_steps)
    ['preprocess', 'model']
    """
    pre = preprocessor_for(model, feature_types)
    return build_pipeline(pre, make_model(model, random_state))


_DESCRIPTIONS = {
    "lr": "Logistic regression on scaled, one-hot encoded features, no rebalancing (baseline).",
    "hgb": "Histogram gradient boosting on ordinal-encoded features, no rebalancing (baseline).",
    "rf": "Random forest (200 trees) on ordinal-encoded features, no rebalancing (baseline).",
    "cnb": "Complement naive Bayes on word and character n-gram TF-IDF: made for skewed text "
           "classes (each class scored by the features of all the others); text and "
           "categorical columns only.",
}


def nonnegative_unfit(feature_types: dict[str, str]) -> str | None:
    """Why complement naive Bayes does not apply (it needs non-negative features).

    Examples
    --------
    >>> nonnegative_unfit({"review": "text", "x": "numeric"})
    'complement naive Bayes needs non-negative features; the table has numeric or datetime columns (x)'
    >>> nonnegative_unfit({"review": "text"}) is None
    True
    """
    other = [c for c, kind in feature_types.items() if kind in ("numeric", "datetime")]
    if other:
        shown = ", ".join(other[:5]) + (", ..." if len(other) > 5 else "")
        return ("complement naive Bayes needs non-negative features; the table has numeric or "
                f"datetime columns ({shown})")
    return None


def entry(method: str, model: str) -> dict:
    """The :class:`Strategy` fields of ``none+<model>`` (a row of the strategy table).

    Examples
    --------
    >>> entry("none", "rf")["search_space"]
    {'model__max_features': ['sqrt', 0.5], 'model__min_samples_leaf': [1, 5]}
    """
    fields = {"build": partial(build_plain, model), "description": _DESCRIPTIONS[model],
              "search_space": MODEL_SPACES[model]}
    if model == "cnb":
        fields["applies"] = nonnegative_unfit
    return fields
