"""A plain listing of the registry, for ``--help``, ``unskew strategies`` and the report."""

from __future__ import annotations

from ._registry import REGISTRY
from ._strategy import PRESETS

__all__ = ["available_strategies"]


def available_strategies() -> list[dict]:
    """List every registered strategy as a plain dict, in registry order.

    Returns
    -------
    list of dict
        Keys ``name``, ``family``, ``description``, ``presets`` (in ``PRESETS`` order),
        ``requires`` (the extra it needs, or None) and ``available`` (whether that extra is
        installed).

    Examples
    --------
    >>> from unskew.comparison.strategies import available_strategies
    >>> row = next(r for r in available_strategies() if r["name"] == "smote+lr")
    >>> row["family"], row["presets"], row["available"]
    ('data', ['fast', 'default', 'thorough'], True)
    """
    return [
        {
            "name": s.name,
            "family": s.family,
            "description": s.description,
            "presets": [p for p in PRESETS if p in s.presets],
            "requires": s.requires,
            "available": s.available,
        }
        for s in REGISTRY.values()
    ]
