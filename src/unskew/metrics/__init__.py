"""Metrics for imbalanced classification, computed in numpy from per-class counts.

Per-class precision / recall / F1, macro and weighted averages, balanced accuracy, G-mean,
MCC, PR-AUC and ROC-AUC, Brier score and log loss, head / medium / tail accuracy for
long-tailed problems, multi-label F1 and Hamming loss, and scikit-learn scorers for all of
them. For decisions: recall at a precision floor (and its mirror) and the expected cost of a
cost matrix. For plots and calibration: the precision-recall and threshold curves, reliability
bins and the expected calibration error. Undefined cases never give a silent NaN: each function
documents the value it returns or the error it raises. In short:

==========================================  ===============================================
case                                        result
==========================================  ===============================================
class never predicted                       precision 0.0 (scikit-learn's zero_division=0)
class predicted but absent from y_true      recall 0.0 and F1 0.0 in per-class results;
                                            left out of balanced accuracy and G-mean, with
                                            a UserWarning (as scikit-learn's balanced
                                            accuracy)
adjusted balanced accuracy, one class       DataError
MCC with y_true or y_pred constant          0.0 (scikit-learn's convention)
weighted F1 with no support                 0.0
AP / ROC-AUC, a class without samples       DataError naming the class (scikit-learn warns
                                            and returns NaN or an arbitrary value)
ROC-AUC with only positives                 DataError
probability rows not summing to 1           DataError (scikit-learn only warns)
NaN / infinity in scores, empty input,      DataError that quotes the numbers
length mismatch
curves (PR, threshold), no positive row     DataError
precision / recall floor missed             score - 1, in [-1, 0)
empty head / medium / tail bucket           None, with an empty class tuple
multi-label F1, label never present nor     0.0
predicted
==========================================  ===============================================

Examples
--------
>>> from unskew.metrics import balanced_accuracy, macro_f1
>>> y_true = [0, 0, 0, 0, 1]
>>> y_pred = [0, 0, 0, 0, 0]
>>> balanced_accuracy(y_true, y_pred), macro_f1(y_true, y_pred)
(0.5, 0.4444444444444444)
"""

from ._classification import (
    PerClassReport,
    accuracy,
    balanced_accuracy,
    confusion_matrix,
    geometric_mean,
    macro_f1,
    matthews_corrcoef,
    micro_f1,
    per_class_report,
    precision_recall_f1_support,
    weighted_f1,
)
from ._constrained import precision_at_recall, recall_at_precision
from ._cost import check_cost_matrix, expected_cost
from ._curves import (
    PrecisionRecallCurve,
    ReliabilityBins,
    ThresholdCurve,
    expected_calibration_error,
    precision_recall_curve,
    reliability_bins,
    threshold_curve,
)
from ._longtail import LongTailAccuracy, head_medium_tail_accuracy
from ._multilabel import hamming_loss, multilabel_f1
from ._probabilistic import brier_score, log_loss
from ._ranking import average_precision, roc_auc
from ._scorers import METRICS, MetricSpec, get_scorer, make_scorers
from ._summary import classification_summary

__all__ = [
    "METRICS",
    "LongTailAccuracy",
    "MetricSpec",
    "PerClassReport",
    "PrecisionRecallCurve",
    "ReliabilityBins",
    "ThresholdCurve",
    "accuracy",
    "average_precision",
    "balanced_accuracy",
    "brier_score",
    "check_cost_matrix",
    "classification_summary",
    "confusion_matrix",
    "expected_calibration_error",
    "expected_cost",
    "geometric_mean",
    "get_scorer",
    "hamming_loss",
    "head_medium_tail_accuracy",
    "log_loss",
    "macro_f1",
    "make_scorers",
    "matthews_corrcoef",
    "micro_f1",
    "multilabel_f1",
    "per_class_report",
    "precision_at_recall",
    "precision_recall_curve",
    "precision_recall_f1_support",
    "recall_at_precision",
    "reliability_bins",
    "roc_auc",
    "threshold_curve",
    "weighted_f1",
]
