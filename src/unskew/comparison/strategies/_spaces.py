"""Small search grids, per model, for the ``thorough`` preset (data only; the engine tunes them).

Keys are parameter names of the built estimator (``model__C`` addresses the pipeline's
``"model"`` step); each strategy merges its model's grid with its method's own.
"""

from __future__ import annotations

__all__ = ["MODEL_SPACES", "merge"]

MODEL_SPACES: dict[str, dict[str, list]] = {
    "lr": {"model__C": [0.1, 1.0, 10.0]},
    "hgb": {"model__learning_rate": [0.05, 0.1, 0.2], "model__max_leaf_nodes": [15, 31]},
    "rf": {"model__max_features": ["sqrt", 0.5], "model__min_samples_leaf": [1, 5]},
    "svm": {"model__estimator__C": [0.1, 0.5, 2.0]},
    "cnb": {"model__alpha": [0.1, 0.3, 1.0]},
}


def merge(*spaces: dict[str, list], prefix: str = "") -> dict[str, list]:
    """Merge grids into a new dict, optionally prefixing every key (``"estimator__"``).

    Examples
    --------
    >>> merge({"model__C": [1.0]}, {"scoring": ["f1"]}, prefix="")
    {'model__C': [1.0], 'scoring': ['f1']}
    >>> merge({"model__C": [1.0]}, prefix="estimator__")
    {'estimator__model__C': [1.0]}
    """
    merged: dict[str, list] = {}
    for space in spaces:
        merged.update({prefix + key: list(values) for key, values in space.items()})
    return merged
