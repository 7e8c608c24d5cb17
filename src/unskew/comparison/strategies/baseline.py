"""Baseline strategies: the plain model, no rebalancing, as the yardstick for every other family."""

from __future__ import annotations

from functools import partial

from ._models import build_pipeline, make_model, preprocessor_for
from ._registry import Strategy, register
from ._spaces import MODEL_SPACES

__all__ = ["build_plain"]


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
}
_PRESETS = {"lr": {"fast", "default", "thorough"}}

for _model in ("lr", "hgb", "rf"):
    register(Strategy(
        name=f"none+{_model}",
        family="baseline",
        build=partial(build_plain, _model),
        description=_DESCRIPTIONS[_model],
        presets=frozenset(_PRESETS.get(_model, {"default", "thorough"})),
        search_space=MODEL_SPACES[_model],
    ))
