"""Decision strategies: train the plain model, then move the decision threshold.

Binary targets only. The threshold is tuned by stratified cross-validation inside the training
fold, on the minority class's probability, and stored in the fitted
:class:`BinaryTunedThreshold`. On a multi-class target ``fit`` raises a
:class:`~unskew.exceptions.DataError` naming the strategy.
"""

from __future__ import annotations

from functools import partial

from ._models import build_pipeline, make_model, preprocessor_for
from ._registry import Strategy, register
from ._spaces import MODEL_SPACES, merge
from ._threshold import BinaryTunedThreshold

__all__ = ["build_tuned_threshold"]


def build_tuned_threshold(model: str, feature_types: dict[str, str],
                          random_state: int | None = None):
    """Build ``BinaryTunedThreshold(preprocess -> model)`` (5 folds, balanced accuracy).

    Parameters
    ----------
    model : {"lr", "hgb", "rf"}
        The base model, unweighted.
    feature_types : dict of str to str
        ``Dataset.feature_types``.
    random_state : int or None, default=None
        Seed of the model (the folds are not shuffled).

    Returns
    -------
    BinaryTunedThreshold
        Unfitted; raises a DataError in ``fit`` on a multi-class target.

    Examples
    --------
    >>> est = build_tuned_threshold("lr", {"x": "numeric"}, 0)
    >>> est.name, est.scoring
    ('tuned-threshold+lr', 'balanced_accuracy')
    """
    pre = preprocessor_for(model, feature_types)
    return BinaryTunedThreshold(build_pipeline(pre, make_model(model, random_state)),
                                scoring="balanced_accuracy", cv=5,
                                name=f"tuned-threshold+{model}")


_DESCRIPTIONS = {
    "lr": "Logistic regression whose decision threshold on the minority-class probability is "
          "tuned by 5-fold CV for balanced accuracy (binary targets only).",
    "hgb": "Histogram gradient boosting whose decision threshold on the minority-class "
           "probability is tuned by 5-fold CV for balanced accuracy (binary targets only).",
}

for _model in ("lr", "hgb"):
    register(Strategy(
        name=f"tuned-threshold+{_model}",
        family="decisions",
        build=partial(build_tuned_threshold, _model),
        description=_DESCRIPTIONS[_model],
        presets=frozenset({"default", "thorough"}),
        binary_only=True,
        search_space=merge(merge(MODEL_SPACES[_model], prefix="estimator__"),
                           {"scoring": ["balanced_accuracy", "f1"]}),
    ))
