"""Scores of predicted probabilities: Brier score and log loss (lower is better).

Both take a 1-D probability of the positive class for a binary problem, or a 2-D
``(n_samples, n_classes)`` ``predict_proba`` matrix whose columns follow ``labels`` (default:
the sorted classes of ``y_true``). Probabilities must lie in [0, 1] and each row of a matrix
must sum to one (within 1e-6): anything else raises instead of producing a meaningless loss.
"""

import numpy as np

from .._utils._docstrings import fill_doc
from ._validation import (
    binary_truth,
    check_columns,
    check_pos_label,
    check_proba,
    encode,
    is_real,
    parameter_error,
    positive_column,
    resolve_score_target,
)

# y_true, y_proba, labels and pos_label of both losses, written once
_PROBA_PARAMETERS = """y_true : array-like of shape (n_samples,)
        True class labels.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities: of the positive class (1-D) or of each class in the order of
        ``labels`` (2-D, rows summing to one).
    labels : array-like, default=None
        The class of each column of ``y_proba`` (a classifier's ``classes_``); by default the
        sorted classes of ``y_true``. With a 1-D ``y_proba``, the two classes of the problem.
    pos_label : int, str or bool, default=None
        Positive class of a 1-D ``y_proba``; by default the greater of the two labels."""


def _truth_and_proba(y_true, y_proba, labels, pos_label):
    """Return ``(Y, P)``: one-hot truth and probabilities, both ``(n_samples, n_columns)``."""
    t, classes, kind = resolve_score_target(y_true, labels)
    check_pos_label(pos_label, kind)
    proba = check_proba(y_proba, t.shape[0])
    if proba.ndim == 1:
        y, _ = binary_truth(t, classes, pos_label, labels is not None, name="y_proba")
        truth = np.column_stack([~y, y]).astype(np.float64)
        return truth, np.column_stack([1.0 - proba, proba])
    check_columns(classes, proba.shape[1], labels, name="y_proba")
    if pos_label is not None:
        if classes.shape[0] != 2:
            raise ValueError(
                f"pos_label applies to binary problems only; y_proba has {proba.shape[1]} "
                "columns, one per class."
            )
        positive_column(classes, pos_label)  # validates it; both columns are scored anyway
    truth = np.zeros_like(proba)
    truth[np.arange(t.shape[0]), encode(t, classes)] = 1.0
    return truth, proba


@fill_doc(proba_parameters=_PROBA_PARAMETERS)
def brier_score(y_true, y_proba, *, labels=None, pos_label=None):
    """Return the Brier score: the mean squared error of the predicted probabilities.

    Binary (a 1-D ``y_proba`` or 2 columns): ``mean_i (p_i - y_i)^2``, in [0, 1], with ``p_i``
    the probability of the positive class. Three or more classes:
    ``mean_i sum_k (p_ik - y_ik)^2``, in [0, 2] (not halved). Both are what scikit-learn's
    ``brier_score_loss`` returns by default (``scale_by_half="auto"``).

    Parameters
    ----------
    {proba_parameters}

    Returns
    -------
    score : float
        Lower is better; 0 for certain, correct predictions.

    Raises
    ------
    DataError
        If probabilities leave [0, 1], rows of a matrix do not sum to one, values are NaN, or
        a 1-D ``y_proba`` is ambiguous (``y_true`` holds one class and neither ``labels`` nor
        ``pos_label`` says which class it scores).

    Examples
    --------
    >>> from unskew.metrics import brier_score
    >>> brier_score([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3])  # (0.01 + 0.01 + 0.04 + 0.09) / 4
    0.0375
    >>> brier_score(["a", "b", "c"], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.2, 0.2, 0.6]])
    0.14667
    """
    truth, proba = _truth_and_proba(y_true, y_proba, labels, pos_label)
    score = float(np.mean(np.sum((proba - truth) ** 2, axis=1)))
    return score / 2.0 if proba.shape[1] == 2 else score


@fill_doc(proba_parameters=_PROBA_PARAMETERS)
def log_loss(y_true, y_proba, *, labels=None, pos_label=None, eps="auto"):
    """Return the log loss (cross-entropy): ``-mean_i log p_i[y_i]``.

    Parameters
    ----------
    {proba_parameters}
    eps : "auto" or float, default="auto"
        Probabilities are clipped to ``[eps, 1 - eps]`` so that a confident mistake costs a
        large but finite loss. "auto" is the float64 machine epsilon (about 2.2e-16), as in
        scikit-learn, where the worst loss per sample is about 36.

    Returns
    -------
    score : float
        Lower is better; equals scikit-learn's ``log_loss``.

    Raises
    ------
    DataError
        If probabilities leave [0, 1], rows of a matrix do not sum to one (scikit-learn only
        warns and scores them as they are), values are NaN, or a 1-D ``y_proba`` is ambiguous.
    ValueError
        If ``eps`` is not "auto" or a number in (0, 0.5).

    Examples
    --------
    >>> from unskew.metrics import log_loss
    >>> round(log_loss([0, 1], [0.2, 0.6]), 6)  # -(log 0.8 + log 0.6) / 2
    0.366985
    >>> round(log_loss(["spam", "ham", "ham", "spam"],
    ...                [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]), 5)
    0.21616
    """
    if isinstance(eps, str) and eps == "auto":
        eps = float(np.finfo(np.float64).eps)
    elif not (is_real(eps) and 0.0 < eps < 0.5):
        raise parameter_error("log_loss", "eps", '"auto" or a number in (0, 0.5)', eps)
    truth, proba = _truth_and_proba(y_true, y_proba, labels, pos_label)
    proba_of_truth = np.sum(truth * np.clip(proba, eps, 1.0 - eps), axis=1)
    return float(-np.mean(np.log(proba_of_truth)))
