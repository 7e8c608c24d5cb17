"""Resamplers with imbalanced-learn's ``fit_resample`` contract.

Each one drops into an imbalanced-learn ``Pipeline`` (so it only ever runs on training data),
takes pandas in and gives pandas out, accepts ``sample_weight`` and carries it through
(``fit_resample(X, y, sample_weight=w)`` returns ``(X_res, y_res, w_res)``).

==========================  =================================================================
family                      resamplers
==========================  =================================================================
SMOTE family                :class:`SMOTE`, :class:`BorderlineSMOTE`, :class:`SVMSMOTE`,
                            :class:`ADASYN`, :class:`KMeansSMOTE`, :class:`SMOTENC`,
                            :class:`SMOTEN`
top-ranked variants         :class:`PolynomialFitSMOTE`, :class:`ProWSyn`, :class:`SMOTEIPF`
cleaners                    :class:`TomekLinks`, :class:`EditedNearestNeighbours`,
                            :class:`OneSidedSelection`, :class:`NeighbourhoodCleaningRule`
SMOTE then clean            :class:`SMOTETomek`, :class:`SMOTEENN`
random                      :class:`RandomOverSampler`, :class:`RandomUnderSampler`
other rebalancing           :class:`MaskingOverSampler`, :class:`WeightedSelection`,
                            :class:`OutlierRemoval`, :class:`LabelIssueFilter`
multi-label                 :class:`MLROS`, :class:`MLSMOTE`
==========================  =================================================================

Examples
--------
>>> from collections import Counter
>>> from sklearn.datasets import make_classification
>>> from unskew.resampling import SMOTE
>>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
>>> X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
>>> sorted(Counter(y_res.tolist()).values())
[180, 180]
"""

from ._adaptive import AdaptiveNeighbors
from ._cleaning import (
    EditedNearestNeighbours,
    NeighbourhoodCleaningRule,
    OneSidedSelection,
    TomekLinks,
)
from ._combine import SMOTEENN, SMOTETomek
from ._filters import LabelIssueFilter, OutlierRemoval
from ._masking import MaskingOverSampler
from ._multilabel import MLROS, MLSMOTE
from ._random import RandomOverSampler, RandomUnderSampler
from ._selection import WeightedSelection
from ._smote import ADASYN, SMOTE, SVMSMOTE, BorderlineSMOTE, KMeansSMOTE
from ._smote_categorical import SMOTEN, SMOTENC
from ._smote_variants import SMOTEIPF, PolynomialFitSMOTE, ProWSyn

__all__ = [
    "ADASYN",
    "MLROS",
    "MLSMOTE",
    "SMOTE",
    "SMOTEENN",
    "SMOTEIPF",
    "SMOTEN",
    "SMOTENC",
    "SVMSMOTE",
    "AdaptiveNeighbors",
    "BorderlineSMOTE",
    "EditedNearestNeighbours",
    "KMeansSMOTE",
    "LabelIssueFilter",
    "MaskingOverSampler",
    "NeighbourhoodCleaningRule",
    "OneSidedSelection",
    "OutlierRemoval",
    "PolynomialFitSMOTE",
    "ProWSyn",
    "RandomOverSampler",
    "RandomUnderSampler",
    "SMOTETomek",
    "TomekLinks",
    "WeightedSelection",
]
