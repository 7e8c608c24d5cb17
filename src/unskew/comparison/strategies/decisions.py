"""Decision strategies: train the plain model, then move the decision.

- ``tuned-threshold+*`` (binary targets only): the threshold on the minority class's
  probability is tuned by stratified cross-validation inside the training fold and stored in the
  fitted :class:`unskew.threshold.BinaryThresholdClassifier`.
- ``offsets+*`` (any number of classes): per-class offsets on the log-probabilities, learnt on
  out-of-fold predictions inside the training fold (:class:`unskew.threshold.ClassOffsetClassifier`).
- ``logit-adjusted+*``: the closed form, ``log p(c|x) - log prior(c)`` (Menon et al. 2021;
  :class:`unskew.threshold.LogitAdjustedClassifier`), with the training fold's priors.

Every decision lives inside the fitted meta-estimator, so ``unskew predict`` applies it.
"""

from __future__ import annotations

from functools import partial

from ...threshold import BinaryThresholdClassifier, ClassOffsetClassifier, LogitAdjustedClassifier
from ._models import build_pipeline, make_model, preprocessor_for
from ._spaces import MODEL_SPACES, merge

__all__ = ["build_decision", "build_tuned_threshold", "entry"]


def build_tuned_threshold(model: str, feature_types: dict[str, str],
                          random_state: int | None = None):
    """Build ``BinaryThresholdClassifier(preprocess -> model)`` (5 folds, balanced accuracy).

    Parameters
    ----------
    model : {"lr", "hgb", "rf"}
        The base model, unweighted.
    feature_types : dict of str to str
        ``Dataset.feature_types``.
    random_state : int or None, default=None
        Seed of the model.

    Returns
    -------
    BinaryThresholdClassifier
        Unfitted; raises a DataError in ``fit`` on a multi-class target. The threshold is on
        the minority class's probability; its folds are shuffled with seed 0 (KEEL files come
        sorted by class). The per-fold spread is not measured (it would double the fits).

    Examples
    --------
    >>> est = build_tuned_threshold("lr", {"x": "numeric"}, 0)
    >>> est.objective, est.cv, est.fold_spread
    ('balanced_accuracy', 5, False)
    """
    pre = preprocessor_for(model, feature_types)
    return BinaryThresholdClassifier(build_pipeline(pre, make_model(model, random_state)),
                                     objective="balanced_accuracy", cv=5, random_state=0,
                                     fold_spread=False)


def build_decision(method: str, model: str, feature_types: dict[str, str],
                   random_state: int | None = None):
    """Build ``offsets`` or ``logit-adjusted`` around ``preprocess -> model``.

    Parameters
    ----------
    method : {"offsets", "logit-adjusted"}
        ``"offsets"``: :class:`~unskew.threshold.ClassOffsetClassifier` for macro-F1, 3
        shuffled inner folds; ``"logit-adjusted"``:
        :class:`~unskew.threshold.LogitAdjustedClassifier` with tau=1.
    model : {"lr", "hgb", "rf"}
        The base model, unweighted.
    feature_types : dict of str to str
        ``Dataset.feature_types``.
    random_state : int or None, default=None
        Seed of the model and of the inner folds.

    Returns
    -------
    classifier
        Unfitted meta-estimator.

    Examples
    --------
    >>> type(build_decision("offsets", "lr", {"x": "numeric"}, 0)).__name__
    'ClassOffsetClassifier'
    """
    pipe = build_pipeline(preprocessor_for(model, feature_types), make_model(model, random_state))
    if method == "offsets":
        return ClassOffsetClassifier(pipe, objective="macro_f1", cv=3, random_state=random_state)
    if method == "logit-adjusted":
        return LogitAdjustedClassifier(pipe, tau=1.0)
    raise ValueError(f"unknown decision method {method!r}; expected 'offsets' or "
                     "'logit-adjusted'")


_NAMES = {"lr": "logistic regression", "hgb": "histogram gradient boosting"}
_TUNED = {
    "lr": "Logistic regression whose decision threshold on the minority-class probability is "
          "tuned by 5-fold CV for balanced accuracy (binary targets only).",
    "hgb": "Histogram gradient boosting whose decision threshold on the minority-class "
           "probability is tuned by 5-fold CV for balanced accuracy (binary targets only).",
}
_DECISIONS = {
    "offsets": "{model}, then per-class offsets on its log-probabilities learnt on out-of-fold "
               "predictions (3 inner folds) to maximise macro-F1.",
    "logit-adjusted": "{model}, then logit adjustment: log-probabilities minus the log of the "
                      "training fold's class priors (tau=1; Menon et al. 2021).",
}


def entry(method: str, model: str) -> dict:
    """The :class:`Strategy` fields of ``<method>+<model>`` (a row of the strategy table).

    ``method`` is ``"tuned-threshold"`` (binary targets only), ``"offsets"`` or
    ``"logit-adjusted"``.

    Examples
    --------
    >>> entry("tuned-threshold", "lr")["binary_only"]
    True
    >>> entry("offsets", "hgb")["description"].startswith("Histogram gradient boosting, then")
    True
    """
    if method == "tuned-threshold":
        return {"build": partial(build_tuned_threshold, model),
                "description": _TUNED[model], "binary_only": True,
                "search_space": merge(merge(MODEL_SPACES[model], prefix="estimator__"),
                                      {"objective": ["balanced_accuracy", "f1"]})}
    return {"build": partial(build_decision, method, model),
            "description": _DECISIONS[method].format(model=_NAMES[model].capitalize()),
            "search_space": merge(MODEL_SPACES[model], prefix="estimator__")}
