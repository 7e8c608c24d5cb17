"""Scores of one class under a floor on another: recall at a precision floor and its mirror.

A decision that misses the floor scores below every decision that meets it (``score - 1``, in
``[-1, 0)``), and among those that miss it the one closest to the floor wins, so a threshold
search always has a direction to go. Both are label metrics: they score predicted labels, such
as a classifier's decisions at one threshold.
"""

from __future__ import annotations

from ._classification import precision_recall_f1_support
from ._validation import is_real, parameter_error


def _positive_pr(y_true, y_pred, pos_label):
    p, r, _, _ = precision_recall_f1_support(y_true, y_pred, labels=[pos_label])
    return float(p[0]), float(r[0])


def _check_floor(value, name, func):
    if not (is_real(value) and 0.0 <= value <= 1.0):
        raise parameter_error(func, name, "a number in [0, 1]", value)


def recall_at_precision(y_true, y_pred, *, min_precision, pos_label=1):
    """Recall of ``pos_label`` if its precision reaches ``min_precision``, else a penalty.

    The score is the recall when the precision floor holds, and ``precision - 1`` (in
    ``[-1, 0)``) when it does not, so any decision meeting the floor beats any decision missing
    it, and among those missing it the most precise wins: a threshold search always has a
    direction to go.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    min_precision : float in [0, 1]
        The precision floor.
    pos_label : label, default=1
        The positive class.

    Returns
    -------
    float
        In [-1, 1]; >= 0 exactly when the floor is met.

    Raises
    ------
    ValueError
        If ``min_precision`` is not a number in [0, 1].

    See Also
    --------
    precision_at_recall : The mirror image, precision under a recall floor.

    Examples
    --------
    >>> from unskew.metrics import recall_at_precision
    >>> y = [0, 0, 0, 1, 1]
    >>> recall_at_precision(y, [0, 0, 1, 1, 1], min_precision=0.6)  # P = 2/3, R = 1
    1.0
    >>> round(recall_at_precision(y, [0, 0, 1, 1, 1], min_precision=0.9), 4)  # P - 1
    -0.3333
    """
    _check_floor(min_precision, "min_precision", "recall_at_precision")
    precision, recall = _positive_pr(y_true, y_pred, pos_label)
    return recall if precision >= min_precision else precision - 1.0


def precision_at_recall(y_true, y_pred, *, min_recall, pos_label=1):
    """Precision of ``pos_label`` if its recall reaches ``min_recall``, else ``recall - 1``.

    The mirror image of :func:`recall_at_precision`: for a screening rule that must find a
    given share of the positives, the best decision is the most precise one that does.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels, e.g. a classifier's decisions at one threshold.
    min_recall : float in [0, 1]
        The share of the ``pos_label`` rows that must be found (0.9: nine in ten).
    pos_label : label, default=1
        The class whose precision and recall are scored.

    Returns
    -------
    float
        The precision, in [0, 1], when the recall reaches ``min_recall``; ``recall - 1``, in
        [-1, 0), when it falls short.

    Raises
    ------
    ValueError
        If ``min_recall`` is not a number in [0, 1].

    Examples
    --------
    >>> from unskew.metrics import precision_at_recall
    >>> round(precision_at_recall([0, 0, 0, 1, 1], [0, 0, 1, 1, 1], min_recall=0.9), 4)
    0.6667
    """
    _check_floor(min_recall, "min_recall", "precision_at_recall")
    precision, recall = _positive_pr(y_true, y_pred, pos_label)
    return precision if recall >= min_recall else recall - 1.0
