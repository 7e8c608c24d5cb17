"""What a decision rule is tuned for: objective names and the scorers the tuners search with.

Label metrics come from :data:`unskew.metrics.METRICS`, and so do the decision scores this
module turns into scorers: :func:`~unskew.metrics.recall_at_precision`,
:func:`~unskew.metrics.precision_at_recall` and :func:`~unskew.metrics.expected_cost` (also
importable from here). Every function is defined at module level and takes its settings as
keyword arguments, so the scorers built here survive a skops round trip inside a fitted
estimator.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import make_scorer

from .._utils._text import did_you_mean
from .._utils._validation import check_number
from ..metrics import (
    METRICS,
    balanced_accuracy,
    check_cost_matrix,
    expected_cost,
    geometric_mean,
    precision_at_recall,
    precision_recall_f1_support,
    recall_at_precision,
)

__all__ = ["BINARY_OBJECTIVES", "expected_cost", "precision_at_recall", "recall_at_precision",
           "threshold_scorer"]

#: Objectives of :class:`BinaryThresholdClassifier` and :func:`threshold_scorer`.
BINARY_OBJECTIVES = ("f1", "balanced_accuracy", "gmean", "recall@precision",
                     "precision@recall", "cost")

# G-mean is 0 as soon as one class has recall 0; this stand-in for a zero recall breaks the
# resulting plateaus while searching (imbalanced-learn's ``correction``)
_GMEAN_TIEBREAK = 1e-3


# binary scorer functions: TunedThresholdClassifierCV hands every scorer a ``pos_label``
def _f1(y_true, y_pred, *, pos_label):
    return float(precision_recall_f1_support(y_true, y_pred, labels=[pos_label])[2][0])


def _balanced_accuracy(y_true, y_pred, *, pos_label=None):
    return balanced_accuracy(y_true, y_pred)


def _gmean(y_true, y_pred, *, pos_label=None):
    return geometric_mean(y_true, y_pred)


def _cost(y_true, y_pred, *, cost_matrix, labels, pos_label=None):
    return expected_cost(y_true, y_pred, cost_matrix=cost_matrix, labels=labels)


def threshold_scorer(objective, *, pos_label, min_precision=None, min_recall=None,
                     cost_matrix=None, labels=None):
    """A scikit-learn scorer for a binary decision objective, usable by the threshold tuner.

    Pass it as ``scoring=`` to :class:`~sklearn.model_selection.TunedThresholdClassifierCV`
    (or to ``cross_val_score``); :class:`BinaryThresholdClassifier` builds its tuner with it.

    Parameters
    ----------
    objective : {"f1", "balanced_accuracy", "gmean", "recall@precision", "precision@recall", "cost"}
        ``"f1"`` is the F1 of ``pos_label``; ``"gmean"`` ``sqrt(TPR * TNR)``;
        ``"recall@precision"`` :func:`recall_at_precision`; ``"precision@recall"``
        :func:`precision_at_recall`; ``"cost"`` :func:`expected_cost` (the scorer returns
        its negation, scikit-learn's convention for losses).
    pos_label : label
        The positive class: the one whose probability the tuner thresholds.
    min_precision : float in [0, 1], default=None
        Required by ``"recall@precision"``.
    min_recall : float in [0, 1], default=None
        Required by ``"precision@recall"``.
    cost_matrix : array-like of shape (2, 2) or dict of dicts, default=None
        Required by ``"cost"``; ``C[i, j]`` = cost of predicting ``labels[j]`` for truth
        ``labels[i]``.
    labels : array-like of shape (2,), default=None
        Class order of an array ``cost_matrix`` (a classifier's ``classes_``); required with
        an array cost matrix.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import TunedThresholdClassifierCV
    >>> from unskew.threshold import threshold_scorer
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (180, 2)), rng.normal(1.5, 1, (20, 2))]
    >>> y = np.r_[np.zeros(180, int), np.ones(20, int)]
    >>> scorer = threshold_scorer("recall@precision", pos_label=1, min_precision=0.5)
    >>> tuned = TunedThresholdClassifierCV(LogisticRegression(), scoring=scorer, cv=3).fit(X, y)
    >>> bool(0 < tuned.best_threshold_ < 1)
    True
    """
    who = "threshold_scorer"
    if objective == "f1":
        return make_scorer(_f1, pos_label=pos_label)
    if objective == "balanced_accuracy":
        return make_scorer(_balanced_accuracy, pos_label=pos_label)
    if objective == "gmean":
        return make_scorer(_gmean, pos_label=pos_label)
    if objective == "recall@precision":
        floor = check_number(min_precision, "min_precision",
                             who + "(objective='recall@precision')", low=0, high=1,
                             description="a number in [0, 1]")
        return make_scorer(recall_at_precision, pos_label=pos_label, min_precision=floor)
    if objective == "precision@recall":
        floor = check_number(min_recall, "min_recall", who + "(objective='precision@recall')",
                             low=0, high=1, description="a number in [0, 1]")
        return make_scorer(precision_at_recall, pos_label=pos_label, min_recall=floor)
    if objective == "cost":
        if cost_matrix is None:
            raise ValueError(f"{who}(objective='cost') needs a cost_matrix.")
        if labels is None:
            if not isinstance(cost_matrix, dict):
                raise ValueError(f"{who}(objective='cost') with an array cost_matrix needs "
                                 "labels=, the class order of its rows.")
            labels = sorted(cost_matrix)
        labels = np.asarray(labels)
        cost = check_cost_matrix(cost_matrix, labels, who=who)
        return make_scorer(_cost, greater_is_better=False, pos_label=pos_label,
                           cost_matrix=cost, labels=labels)
    raise ValueError(
        f"The 'objective' parameter of {who} must be one of "
        f"{', '.join(map(repr, BINARY_OBJECTIVES))}; got {objective!r}"
        f"{did_you_mean(str(objective), BINARY_OBJECTIVES)}."
    )


# ---- multi-class objectives on encoded labels (used by the offset search) ----------------------

MULTICLASS_OBJECTIVES = ("macro_f1", "balanced_accuracy", "gmean", "cost")


def _label_metric_names():
    return [name for name, spec in METRICS.items() if spec.kind == "label"]


def label_objective(objective, cost_matrix, classes, who):
    """Return ``key(y_idx, pred_idx) -> tuple`` to maximise, for encoded labels ``0..K-1``.

    ``objective`` is ``"cost"`` (negated :func:`expected_cost`), ``"gmean"`` (G-mean, broken
    ties by G-mean with zero recalls replaced by 1e-3) or any label metric of
    :data:`unskew.metrics.METRICS`. Keys compare as tuples, the first entry being the objective.
    """
    names = [*_label_metric_names(), "gmean", "cost"]
    if not isinstance(objective, str) or objective not in names:
        raise ValueError(
            f"The 'objective' parameter of {who} must be one of {', '.join(map(repr, names))}; "
            f"got {objective!r}{did_you_mean(str(objective), names)}."
        )
    k = len(classes)
    if objective == "cost":
        if cost_matrix is None:
            raise ValueError(f"{who} with objective='cost' needs a cost_matrix.")
        cost = check_cost_matrix(cost_matrix, classes, who=who)

        def key(y_idx, pred_idx):
            return (-float(cost[y_idx, pred_idx].mean()),)
    elif objective in ("gmean", "g_mean"):
        def key(y_idx, pred_idx):
            return (geometric_mean(y_idx, pred_idx),
                    geometric_mean(y_idx, pred_idx, correction=_GMEAN_TIEBREAK))
    else:
        metric = METRICS[objective].function
        labelled = objective in ("macro_f1", "weighted_f1", "micro_f1")

        def key(y_idx, pred_idx):
            if labelled:
                return (metric(y_idx, pred_idx, labels=np.arange(k)),)
            return (metric(y_idx, pred_idx),)
    return key
