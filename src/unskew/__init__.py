"""unskew: learning from class-imbalanced and long-tailed data.

Diagnose a skewed dataset, compare rebalancing strategies honestly, and ship the best model.
Every public name is imported lazily (PEP 562), so ``import unskew`` stays fast and never pulls in
torch, transformers or dask.

Examples
--------
>>> import unskew
>>> ds = unskew.load_benchmark("binary:yeast4")
>>> ds.n_classes, ds.imbalance_ratio > 20
(2, True)
>>> profile = unskew.diagnose(ds, random_state=0)
>>> profile.imbalance_ratio == ds.imbalance_ratio
True
"""

from importlib import import_module

from ._version import __version__

# public name -> module that defines it; the one table the lazy loader and __dir__ read
_LAZY = {
    "Dataset": "unskew.datasets",
    "load_table": "unskew.datasets",
    "load_benchmark": "unskew.datasets",
    "list_benchmarks": "unskew.datasets",
    "class_weights": "unskew.weights",
    "sample_weights": "unskew.weights",
    "class_counts": "unskew.weights",
    "class_priors": "unskew.weights",
    "diagnose": "unskew.diagnosis",
    "Profile": "unskew.diagnosis",
    "compare": "unskew.comparison",
    "CompareResult": "unskew.comparison",
    "load_model": "unskew.comparison",
}

# submodules reachable as attributes (``unskew.metrics.macro_f1``) without an explicit import
_SUBMODULES = {"comparison", "datasets", "diagnosis", "ensemble", "exceptions", "metrics",
               "report", "resampling", "threshold", "weights"}
# the torch rooms (losses, samplers, nn) need the torch extra: import them explicitly

__all__ = ["__version__", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # cache: later lookups skip __getattr__
        return value
    if name in _SUBMODULES:
        return import_module(f"unskew.{name}")
    raise AttributeError(f"module 'unskew' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
