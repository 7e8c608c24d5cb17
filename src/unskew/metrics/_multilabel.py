"""Metrics for multi-label problems, where ``y`` is a 2-D 0/1 indicator matrix.

Row ``i`` column ``j`` of ``y_true`` / ``y_pred`` is 1 when sample ``i`` has label ``j``.
"""

import numpy as np

from unskew.exceptions import DataError

from ._classification import _divide
from ._validation import check_multilabel, parameter_error

_AVERAGES = ("macro", "micro", "weighted", "samples", None)


def _check_pair(y_true, y_pred):
    t = check_multilabel(y_true, "y_true")
    p = check_multilabel(y_pred, "y_pred")
    if t.shape != p.shape:
        raise DataError(
            f"y_true and y_pred have different shapes: y_true is {t.shape}, y_pred is {p.shape}."
        )
    return t, p


def multilabel_f1(y_true, y_pred, *, average="macro"):
    """Return the F1 score of multi-label predictions, per label or averaged.

    For each label, ``F1 = 2 tp / (n_true + n_pred)``, with 0.0 where a label is neither present
    nor predicted (scikit-learn's ``zero_division=0``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_labels)
        True 0/1 indicator matrix (booleans or 0/1 numbers).
    y_pred : array-like of shape (n_samples, n_labels)
        Predicted 0/1 indicator matrix.
    average : {"macro", "micro", "weighted", "samples"} or None, default="macro"
        - "macro": unweighted mean of the per-label F1 (rare labels count fully);
        - "micro": F1 of the counts pooled over all labels;
        - "weighted": mean of the per-label F1 weighted by the number of true samples;
        - "samples": mean over samples of the F1 of each row;
        - None: the per-label F1 array.

    Returns
    -------
    score : float or ndarray of shape (n_labels,)
        In [0, 1]; equals scikit-learn's ``f1_score(..., average=average, zero_division=0)``.
        Undefined cases give 0.0: a label with no true and no predicted samples, a row with
        no true and no predicted labels ("samples"), and "weighted" when ``y_true`` has no 1.

    Raises
    ------
    ValueError
        If ``average`` is not one of the options.
    DataError
        If the inputs are not 2-D 0/1 matrices of the same shape.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.metrics import multilabel_f1
    >>> y_true = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
    >>> y_pred = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0]])
    >>> multilabel_f1(y_true, y_pred, average=None)  # 2*2/(2+2), 2*1/(2+1), 0
    array([1.        , 0.66666667, 0.        ])
    >>> multilabel_f1(y_true, y_pred)  # (1 + 2/3 + 0) / 3
    0.55556
    >>> multilabel_f1(y_true, y_pred, average="micro")  # 2*3 / (5 + 3)
    0.75
    """
    if average not in _AVERAGES:
        allowed = "one of " + ", ".join(repr(a) for a in _AVERAGES)
        raise parameter_error("multilabel_f1", "average", allowed, average)
    t, p = _check_pair(y_true, y_pred)
    if average == "samples":
        tp = (t & p).sum(axis=1)
        return float(np.mean(_divide(2 * tp, t.sum(axis=1) + p.sum(axis=1))))
    tp = (t & p).sum(axis=0)
    n_true = t.sum(axis=0)
    n_pred = p.sum(axis=0)
    if average == "micro":
        return float(_divide(2 * tp.sum(), n_true.sum() + n_pred.sum()))
    f1 = _divide(2 * tp, n_true + n_pred)
    if average is None:
        return f1
    if average == "weighted":
        total = n_true.sum()
        return float(f1 @ n_true / total) if total > 0 else 0.0
    return float(np.mean(f1))


def hamming_loss(y_true, y_pred):
    """Return the fraction of label entries predicted wrongly.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_labels)
        True 0/1 indicator matrix.
    y_pred : array-like of shape (n_samples, n_labels)
        Predicted 0/1 indicator matrix.

    Returns
    -------
    loss : float
        In [0, 1], lower is better; equals scikit-learn's ``hamming_loss``. With rare labels
        predicting all zeros already scores low: read it beside :func:`multilabel_f1`.

    Raises
    ------
    DataError
        If the inputs are not 2-D 0/1 matrices of the same shape.

    Examples
    --------
    >>> from unskew.metrics import hamming_loss
    >>> hamming_loss([[1, 0, 1], [0, 1, 0]], [[1, 0, 0], [0, 1, 1]])  # 2 of 6 entries
    0.3333333333333333
    """
    t, p = _check_pair(y_true, y_pred)
    return float(np.mean(t != p))
