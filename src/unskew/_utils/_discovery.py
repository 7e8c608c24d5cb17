"""Find every estimator unskew defines, for the common tests (like sklearn.utils.discovery)."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module

from sklearn.base import BaseEstimator

from ..exceptions import MissingExtraError

# Every module is walked, private ones included, so that no estimator escapes the common checks
# by where it lives (AdaptiveNeighbors once sat in comparison/strategies/, DatetimeFeatures sits
# in _preprocessing). A module of an optional extra that is not installed is skipped here; its
# own tests say so.
_OPTIONAL = {"torch", "transformers", "sentence_transformers", "dask", "distributed"}
# Estimator-like classes that are neither models, transformers nor resamplers: {name: why}
_NOT_CHECKED = {
    "NeighborIndex": "a k-NN index (fit / kneighbors) used inside resamplers; "
                     "tests/test_neighbors.py checks it against scikit-learn's NearestNeighbors",
}


def all_estimators() -> list[tuple[str, type]]:
    """Return ``(name, class)`` for each concrete scikit-learn estimator unskew provides.

    Public class names (no leading underscore) count, wherever the class is defined; private
    helper classes are covered through the public estimators built on them.

    Examples
    --------
    >>> from unskew._utils._discovery import all_estimators
    >>> names = dict(all_estimators())
    >>> "DatetimeFeatures" in names, "AdaptiveNeighbors" in names
    (True, True)
    """
    import unskew

    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(unskew.__path__, "unskew."):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue  # importing it runs the command line
        try:
            module = import_module(info.name)
        except MissingExtraError:
            continue  # optional extra not installed (raised by _optional.require)
        except ModuleNotFoundError as exc:
            if exc.name in _OPTIONAL:
                continue
            raise
        for name, obj in vars(module).items():
            if (name.startswith("_") or name in _NOT_CHECKED or not inspect.isclass(obj)
                    or not issubclass(obj, BaseEstimator) or inspect.isabstract(obj)
                    or not obj.__module__.startswith("unskew.")):
                continue
            first = found.setdefault(name, obj)
            # the checks are named by class: two estimators of one name would hide one (the
            # same module imported twice, as pytest's doctest collection may, is one class)
            if first.__module__ != obj.__module__:
                raise RuntimeError(f"two estimators are named {name}: {first.__module__} and "
                                   f"{obj.__module__}")
    return sorted(found.items())
