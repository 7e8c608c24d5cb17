"""Ranking metrics of scores: average precision (PR-AUC) and ROC-AUC.

Both accept a 1-D score of the positive class for a binary problem, or a 2-D
``(n_samples, n_classes)`` matrix (``predict_proba`` or ``decision_function`` output) whose
columns follow ``labels`` (default: the sorted classes of ``y_true``, which is a classifier's
``classes_`` order). A 2-column matrix is read as a binary problem (the positive class's
column); three or more columns give the macro average of one-vs-rest scores.
"""

import numpy as np

from unskew.exceptions import DataError

from .._utils._docstrings import fill_doc
from ._curves import _binary_counts, _step_area
from ._validation import (
    as_python,
    binary_truth,
    check_columns,
    check_pos_label,
    check_scores,
    format_labels,
    positive_column,
    resolve_score_target,
)


def _binary_average_precision(y, score):
    """Step-wise area under the precision-recall curve; ``y`` boolean with a positive."""
    tps, fps, _ = _binary_counts(y, score)
    return _step_area(tps / (tps + fps), tps / tps[-1])


def _binary_roc_auc(y, score):
    """Mann-Whitney form of the ROC-AUC, ties counting one half; ``y`` has both classes."""
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    mid_rank = np.cumsum(counts) - (counts - 1) / 2.0  # 1-based average rank of each tie group
    ranks = mid_rank[inverse]
    n_pos = int(y.sum())
    n_neg = y.shape[0] - n_pos
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def _check_binary_truth(y, positive, metric, need_negatives):
    if not y.any():
        raise DataError(
            f"{metric} is undefined: y_true has no samples of the positive class {positive!r}."
        )
    if need_negatives and y.all():
        raise DataError(
            f"{metric} is undefined: every sample of y_true is of the positive class "
            f"{positive!r}, so there are no negatives to rank against."
        )


def _score_metric(binary_metric, metric, y_true, y_score, labels, pos_label, need_negatives):
    """Dispatch a binary ranking metric to a binary or a macro one-vs-rest problem."""
    t, classes, kind = resolve_score_target(y_true, labels)
    check_pos_label(pos_label, kind)
    score = check_scores(y_score, t.shape[0])
    if score.ndim == 1:
        y, positive = binary_truth(t, classes, pos_label, labels is not None)
        _check_binary_truth(y, positive, metric, need_negatives)
        return binary_metric(y, score)
    check_columns(classes, score.shape[1], labels)
    if classes.shape[0] == 2:
        column = positive_column(classes, pos_label)
        y = t == classes[column]
        _check_binary_truth(y, as_python(classes[column]), metric, need_negatives)
        return binary_metric(y, score[:, column])
    if pos_label is not None:
        raise ValueError(
            f"pos_label applies to binary problems only; y_score has {score.shape[1]} columns "
            "and the score is the macro average over all classes (one-vs-rest)."
        )
    missing = [c for c in classes if not (t == c).any()]
    if missing:
        raise DataError(
            f"{metric} is undefined for classes with no samples in y_true: "
            f"{format_labels(missing)}; evaluate on data that holds every class "
            "(e.g. stratified folds) or drop those classes and their columns."
        )
    return float(np.mean([binary_metric(t == c, score[:, k]) for k, c in enumerate(classes)]))


# y_true, y_score and labels of both ranking metrics (pos_label differs), written once
_SCORE_PARAMETERS = """y_true : array-like of shape (n_samples,)
        True class labels.
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
        Scores, probabilities or decision values; higher means more likely. 1-D: the score of
        the positive class of a binary problem. 2-D: one column per class, in the order of
        ``labels``.
    labels : array-like, default=None
        The class of each column of ``y_score`` (a classifier's ``classes_``); by default the
        sorted classes of ``y_true``. With a 1-D ``y_score``, the two classes of the problem."""


@fill_doc(score_parameters=_SCORE_PARAMETERS)
def average_precision(y_true, y_score, *, labels=None, pos_label=None):
    """Return the average precision, the step-wise area under the precision-recall curve.

    ``AP = sum_n (R_n - R_{n-1}) P_n`` over the distinct score thresholds, without
    interpolation. Unlike ROC-AUC it ignores true negatives, so it stays informative when the
    positive class is rare (its chance level is the positive rate, not 0.5).

    Parameters
    ----------
    {score_parameters}
    pos_label : int, str or bool, default=None
        Positive class of a binary problem; by default the greater of the two labels (the one
        whose probability is ``predict_proba(X)[:, 1]``).

    Returns
    -------
    score : float
        In [0, 1]. Binary: equals scikit-learn's ``average_precision_score(y_true == pos,
        score)``. Three or more classes: the unweighted mean of one-vs-rest AP, equal to
        ``average_precision_score(label_binarize(y_true, classes=labels), y_score,
        average="macro")``. 1.0 when every sample is positive (precision is 1 throughout).

    Raises
    ------
    DataError
        If a class to be scored has no samples in ``y_true`` (its AP is undefined; scikit-learn
        warns and returns an arbitrary value), if ``y_score`` contains NaN or infinity, or if
        shapes do not match.

    Examples
    --------
    >>> from unskew.metrics import average_precision
    >>> # positives ranked 1st and 3rd: (1/2) * 1 + (1/2) * (2/3)
    >>> average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])
    0.8333333333333333
    >>> proba = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.1, 0.5, 0.4]]
    >>> # one-vs-rest AP of a: 0.5 * 1 + 0.5 * (2/4), of b: 1 * (1/2), of c: 1
    >>> average_precision(["a", "b", "c", "a"], proba)
    0.75
    """
    return _score_metric(
        _binary_average_precision,
        "average precision",
        y_true,
        y_score,
        labels,
        pos_label,
        need_negatives=False,
    )


@fill_doc(score_parameters=_SCORE_PARAMETERS)
def roc_auc(y_true, y_score, *, labels=None, pos_label=None):
    """Return the area under the ROC curve: the chance that a positive outranks a negative.

    Computed in the Mann-Whitney form ``(sum of positive ranks - n+(n+ + 1)/2) / (n+ n-)``,
    with tied scores counting one half, which is the trapezoidal area under the ROC curve.

    Parameters
    ----------
    {score_parameters}
    pos_label : int, str or bool, default=None
        Positive class of a binary problem; by default the greater of the two labels.

    Returns
    -------
    score : float
        In [0, 1]; 0.5 is chance. Binary: equals scikit-learn's ``roc_auc_score``. Three or
        more classes: the unweighted mean of one-vs-rest AUCs, equal to
        ``roc_auc_score(y_true, y_score, multi_class="ovr", average="macro")``. Unlike
        scikit-learn, the rows of a 2-D ``y_score`` need not sum to one (any scores rank).

    Raises
    ------
    DataError
        If a class to be scored has no samples in ``y_true``, or (binary) every sample is
        positive (scikit-learn warns and returns NaN in both cases), if ``y_score`` contains
        NaN or infinity, or if shapes do not match.

    Examples
    --------
    >>> from unskew.metrics import roc_auc
    >>> # pairs (positive, negative) ranked right: (0.9, 0.8), (0.9, 0.1), (0.7, 0.1) -> 3 of 4
    >>> roc_auc([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])
    0.75
    >>> roc_auc(["no", "yes", "yes"], [0.2, 0.2, 0.6])  # a tie counts one half
    0.75
    """
    return _score_metric(
        _binary_roc_auc, "ROC-AUC", y_true, y_score, labels, pos_label, need_negatives=True
    )
