"""The strategy catalogue of ``unskew compare``: every named candidate, in one registry.

Importing this package registers every family (baseline, weights, data, ensembles,
decisions). Each strategy's ``build(feature_types, random_state)`` returns an unfitted
estimator, an imbalanced-learn Pipeline ``preprocess -> [resample] -> model`` or a
meta-estimator around one, whose resampler runs on training data only.

Examples
--------
>>> from unskew.comparison.strategies import resolve
>>> [s.name for s in resolve(preset="fast")]
['none+lr', 'weighted+lr', 'weighted+hgb', 'ros+lr', 'rus+lr', 'smote+lr']
"""

from importlib import import_module

from ._listing import available_strategies
from ._registry import FAMILIES, PRESETS, REGISTRY, Strategy, lookup, register, resolve

# each family module registers its strategies on import; this order is the registry order
for _family in ("baseline", "weights", "data", "ensembles", "decisions", "torch"):
    import_module(f".{_family}", __name__)
del _family

__all__ = [
    "FAMILIES",
    "PRESETS",
    "REGISTRY",
    "Strategy",
    "available_strategies",
    "lookup",
    "register",
    "resolve",
]
