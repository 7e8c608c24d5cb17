"""Resamplers with imbalanced-learn's ``fit_resample`` contract.

Each one drops into an imbalanced-learn ``Pipeline`` (so it only ever runs on training data),
takes pandas in and gives pandas out, accepts ``sample_weight`` and carries it through.
"""

from importlib import import_module

# name -> private module (filled in as the rooms land; importing the package stays cheap)
_LAZY = {
    # neighbour cleaners (_cleaning.py)
    "TomekLinks": "._cleaning",
    "EditedNearestNeighbours": "._cleaning",
    "OneSidedSelection": "._cleaning",
    "NeighbourhoodCleaningRule": "._cleaning",
    # SMOTE family (_smote*.py)
    "SMOTE": "._smote",
    "BorderlineSMOTE": "._smote",
    "SVMSMOTE": "._smote",
    "ADASYN": "._smote",
    "KMeansSMOTE": "._smote",
    "SMOTENC": "._smote_categorical",
    "SMOTEN": "._smote_categorical",
    "PolynomialFitSMOTE": "._smote_variants",
    "ProWSyn": "._smote_variants",
    "SMOTEIPF": "._smote_variants",
    # the brief's other methods
    "MaskingOverSampler": "._masking",
    "WeightedSelection": "._selection",
    "OutlierRemoval": "._filters",
    "LabelIssueFilter": "._filters",
    # multi-label
    "MLROS": "._multilabel",
    "MLSMOTE": "._multilabel",
}

__all__ = sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
