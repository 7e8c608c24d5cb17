"""The strategy catalogue of ``unskew compare``: every named candidate, in one registry.

The registry holds one row of the strategy table (``_table.py``) per strategy; each family
module (baseline, weights, data, ensembles, decisions, torch) knows how to build its methods.
Each strategy's ``build(feature_types, random_state)`` returns an unfitted estimator, an
imbalanced-learn Pipeline ``preprocess -> [resample] -> model`` or a meta-estimator around one,
whose resampler runs on training data only.

Examples
--------
>>> from unskew.comparison.strategies import resolve
>>> [s.name for s in resolve(preset="fast")]
['none+lr', 'weighted+lr', 'weighted+hgb', 'ros+lr', 'rus+lr', 'smote+lr']
"""

from ._listing import available_strategies
from ._registry import REGISTRY, lookup, register, resolve
from ._strategy import FAMILIES, PRESETS, Strategy
from ._table import TEXT_PRESETS

__all__ = [
    "FAMILIES",
    "PRESETS",
    "REGISTRY",
    "TEXT_PRESETS",
    "Strategy",
    "available_strategies",
    "lookup",
    "register",
    "resolve",
]
