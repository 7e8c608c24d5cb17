"""The main job: cross-validate imbalance strategies on a dataset and keep the best honestly.

The settings table (:data:`OPTIONS`, :class:`CompareSettings`) needs only the standard
library, so the command line builds its parser from it without loading scikit-learn; every
other name is imported on first use (PEP 562).
"""

from importlib import import_module

from ._settings import DATA_OPTIONS, OPTIONS, CompareSettings, Option

# public name -> private module that defines it; the one table __getattr__ and __dir__ read
_LAZY = {
    "compare": "._compare",
    "CompareResult": "._result",
    "Model": "._model",
    "SchemaWarning": "._model",
    "load_model": "._model",
    "save_model": "._model",
}

__all__ = ["DATA_OPTIONS", "OPTIONS", "CompareResult", "CompareSettings", "Model", "Option", "SchemaWarning",
           "compare", "load_model", "save_model"]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # cache: later lookups skip __getattr__
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
