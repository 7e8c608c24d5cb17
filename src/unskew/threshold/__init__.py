"""Move decisions after training: thresholds, class offsets, cost matrices, prior correction.

Every estimator here is a scikit-learn meta-estimator that keeps its decision rule (threshold,
offsets, costs, priors) inside the fitted object, so a saved model carries it.

=====================================  =========================================================
object                                 what it does
=====================================  =========================================================
:class:`BinaryThresholdClassifier`     scikit-learn's ``TunedThresholdClassifierCV`` with
                                       recall@precision, precision@recall, G-mean and cost
                                       objectives, and the spread of the threshold across folds
:class:`ClassOffsetClassifier`         multi-class: per-class offsets on log-probabilities
                                       learned on out-of-fold scores by coordinate ascent
:class:`LogitAdjustedClassifier`       multi-class: the closed form ``-tau * log(prior)``
:class:`MultiLabelThresholdClassifier` one threshold per label from out-of-fold scores
:class:`CostSensitiveClassifier`       Bayes minimum-risk decision from a cost matrix
:class:`PriorCorrection`               probabilities corrected for resampled / weighted priors
=====================================  =========================================================

Cost matrices follow one convention everywhere: ``C[i, j]`` is the cost of predicting class
``j`` when the truth is class ``i`` (rows true, columns predicted, ``classes_`` order).

Examples
--------
>>> from sklearn.datasets import make_classification
>>> from unskew.threshold import LogitAdjustedClassifier
>>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
>>> LogitAdjustedClassifier().fit(X, y).predict(X[:3]).shape
(3,)
"""

from ._binary import BinaryThresholdClassifier
from ._calibration import PriorCorrection, effective_class_counts
from ._cost import (
    CostSensitiveClassifier,
    bayes_minimum_risk,
    check_cost_matrix,
    cost_to_class_weights,
)
from ._multilabel import MultiLabelThresholdClassifier
from ._objectives import (
    BINARY_OBJECTIVES,
    expected_cost,
    precision_at_recall,
    recall_at_precision,
    threshold_scorer,
)
from ._offsets import ClassOffsetClassifier, LogitAdjustedClassifier

__all__ = [
    "BINARY_OBJECTIVES",
    "BinaryThresholdClassifier",
    "ClassOffsetClassifier",
    "CostSensitiveClassifier",
    "LogitAdjustedClassifier",
    "MultiLabelThresholdClassifier",
    "PriorCorrection",
    "bayes_minimum_risk",
    "check_cost_matrix",
    "cost_to_class_weights",
    "effective_class_counts",
    "expected_cost",
    "precision_at_recall",
    "recall_at_precision",
    "threshold_scorer",
]
