"""Label metrics computed from per-class counts: confusion matrix, P/R/F1, balanced accuracy,
G-mean and MCC.

Everything here reduces ``(y_true, y_pred)`` to three count vectors over the classes (true
positives, true counts, predicted counts), so the cost is linear in the number of samples and
classes; only :func:`confusion_matrix` builds the full ``n_classes x n_classes`` table.
"""

import warnings
from dataclasses import dataclass

import numpy as np

from unskew.exceptions import DataError

from .._utils._docstrings import fill_doc
from ._validation import (
    check_targets,
    encode,
    format_labels,
    is_real,
    parameter_error,
    resolve_labels,
)

# y_true and y_pred of every label metric, written once (in full where a reader starts)
_Y_PARAMETERS_IN_FULL = """y_true : array-like of shape (n_samples,)
        True class labels (numbers or strings; a list, numpy array or pandas Series).
    y_pred : array-like of shape (n_samples,)
        Predicted class labels, same type as ``y_true``."""
_Y_PARAMETERS = """y_true : array-like of shape (n_samples,)
        True class labels.
    y_pred : array-like of shape (n_samples,)
        Predicted class labels."""


def _class_counts(y_true, y_pred, labels=None):
    """Return ``(classes, tp, n_true, n_pred)`` for the reported classes.

    Counts are taken over every sample (a prediction of a class outside ``labels`` still counts
    as a false negative of its true class), like scikit-learn's ``labels=`` argument.
    """
    t, p, kind = check_targets(y_true, y_pred)
    all_labels, index = resolve_labels(t, p, kind, labels)
    k = all_labels.shape[0]
    ti = np.searchsorted(all_labels, t)
    pi = np.searchsorted(all_labels, p)
    tp = np.bincount(ti[ti == pi], minlength=k)
    n_true = np.bincount(ti, minlength=k)
    n_pred = np.bincount(pi, minlength=k)
    return all_labels[index], tp[index], n_true[index], n_pred[index]


def _divide(num, den):
    """``num / den`` elementwise, 0.0 where ``den`` is 0 (scikit-learn's ``zero_division=0``)."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


@fill_doc(y_parameters=_Y_PARAMETERS_IN_FULL)
def confusion_matrix(y_true, y_pred, *, labels=None):
    """Count the samples of each true class (rows) predicted as each class (columns).

    Parameters
    ----------
    {y_parameters}
    labels : array-like of shape (n_classes,), default=None
        Classes to show, in this order. Samples whose true or predicted class is not in
        ``labels`` are left out. By default the sorted union of the classes in ``y_true`` and
        ``y_pred``.

    Returns
    -------
    matrix : ndarray of shape (n_classes, n_classes), dtype int64
        ``matrix[i, j]`` is the number of samples of class ``labels[i]`` predicted as
        ``labels[j]``.

    Raises
    ------
    DataError
        If the inputs are empty, differ in length or mix label types, or if none of ``labels``
        occurs in ``y_true``.

    Examples
    --------
    >>> from unskew.metrics import confusion_matrix
    >>> confusion_matrix(["cat", "dog", "dog", "eel"], ["cat", "dog", "cat", "dog"])
    array([[1, 0, 0],
           [1, 1, 0],
           [0, 1, 0]])
    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 0, 1], labels=[1, 0])
    array([[1, 1],
           [0, 1]])
    """
    t, p, kind = check_targets(y_true, y_pred)
    if labels is None:
        classes = np.unique(np.concatenate([t, p]))
    else:
        all_labels, index = resolve_labels(t, p, kind, labels)
        classes = all_labels[index]
    ti = encode(t, classes)
    pi = encode(p, classes)
    if labels is not None and not (ti >= 0).any():
        raise DataError(
            f"none of labels={format_labels(classes)} occurs in y_true "
            f"(which holds {format_labels(np.unique(t))})."
        )
    keep = (ti >= 0) & (pi >= 0)
    k = classes.shape[0]
    return np.bincount(ti[keep] * k + pi[keep], minlength=k * k).reshape(k, k).astype(np.int64)


@dataclass(frozen=True, eq=False)
class PerClassReport:
    """Precision, recall, F1 and support of each class, as returned by :func:`per_class_report`.

    Every attribute is an array aligned with ``labels``.

    Attributes
    ----------
    labels : ndarray of shape (n_classes,)
        The classes, sorted (or in the order given as ``labels=``).
    precision : ndarray of shape (n_classes,)
        ``tp / predicted``; 0.0 for a class never predicted.
    recall : ndarray of shape (n_classes,)
        ``tp / support``; 0.0 for a class absent from ``y_true`` (its ``support`` is 0).
    f1 : ndarray of shape (n_classes,)
        ``2 tp / (support + predicted)``; 0.0 for a class neither present nor predicted.
    support : ndarray of shape (n_classes,)
        Number of samples of each class in ``y_true``.
    predicted : ndarray of shape (n_classes,)
        Number of samples predicted as each class.

    Examples
    --------
    >>> from unskew.metrics import per_class_report
    >>> report = per_class_report([0, 0, 0, 1], [0, 0, 1, 1])
    >>> report.recall
    array([0.66666667, 1.        ])
    >>> report.to_frame()
           precision    recall        f1  support  predicted
    label
    0            1.0  0.666667  0.800000        3          2
    1            0.5  1.000000  0.666667        1          2
    """

    labels: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray
    predicted: np.ndarray

    def to_frame(self):
        """Return the report as a pandas DataFrame indexed by class label.

        Examples
        --------
        >>> from unskew.metrics import per_class_report
        >>> per_class_report(["a", "b"], ["a", "a"]).to_frame().loc["a", "precision"]
        np.float64(0.5)
        """
        import pandas as pd  # a core dependency, imported late to keep `import` light

        frame = pd.DataFrame(
            {
                "precision": self.precision,
                "recall": self.recall,
                "f1": self.f1,
                "support": self.support,
                "predicted": self.predicted,
            },
            index=pd.Index(self.labels, name="label"),
        )
        return frame


@fill_doc(y_parameters=_Y_PARAMETERS_IN_FULL)
def per_class_report(y_true, y_pred, *, labels=None):
    """Compute precision, recall, F1, support and number of predictions of each class.

    Parameters
    ----------
    {y_parameters}
    labels : array-like, default=None
        Classes to report, in this order; by default the sorted union of ``y_true`` and
        ``y_pred``. Counts always use every sample.

    Returns
    -------
    report : PerClassReport
        Arrays ``labels, precision, recall, f1, support, predicted``.

    Notes
    -----
    Undefined ratios are 0.0, as scikit-learn's ``zero_division=0``, never NaN:

    - a class never predicted has precision 0.0;
    - a class absent from ``y_true`` (``support == 0``) has recall 0.0;
    - F1 is ``2 tp / (support + predicted)``, hence 0.0 whenever ``tp`` is 0, including a class
      in ``labels`` that is neither present nor predicted.

    Examples
    --------
    >>> from unskew.metrics import per_class_report
    >>> r = per_class_report(["a", "a", "b", "c"], ["a", "b", "b", "b"])
    >>> r.labels.tolist(), r.precision.tolist()
    (['a', 'b', 'c'], [1.0, 0.3333333333333333, 0.0])
    >>> r.support.tolist(), r.predicted.tolist()
    ([2, 1, 1], [1, 3, 0])
    """
    classes, tp, n_true, n_pred = _class_counts(y_true, y_pred, labels)
    return PerClassReport(
        labels=classes,
        precision=_divide(tp, n_pred),
        recall=_divide(tp, n_true),
        f1=_divide(2 * tp, n_true + n_pred),
        support=n_true,
        predicted=n_pred,
    )


@fill_doc(y_parameters=_Y_PARAMETERS)
def precision_recall_f1_support(y_true, y_pred, *, labels=None):
    """Return per-class ``(precision, recall, f1, support)`` arrays.

    The same numbers as :func:`per_class_report`, as a tuple shaped like scikit-learn's
    ``precision_recall_fscore_support(average=None, zero_division=0)``.

    Parameters
    ----------
    {y_parameters}
    labels : array-like, default=None
        Classes to report, in this order; by default the sorted union of both inputs.

    Returns
    -------
    precision, recall, f1 : ndarray of shape (n_classes,), dtype float64
        0.0 where undefined (see :func:`per_class_report`).
    support : ndarray of shape (n_classes,), dtype int64
        Number of samples of each class in ``y_true``.

    Examples
    --------
    >>> from unskew.metrics import precision_recall_f1_support
    >>> p, r, f, s = precision_recall_f1_support([0, 0, 1, 1], [0, 1, 1, 1])
    >>> p
    array([1.        , 0.66666667])
    >>> s
    array([2, 2])
    """
    r = per_class_report(y_true, y_pred, labels=labels)
    return r.precision, r.recall, r.f1, r.support


@fill_doc(y_parameters=_Y_PARAMETERS)
def accuracy(y_true, y_pred):
    """Return the fraction of samples whose predicted class is the true class.

    Plain accuracy rewards predicting the majority class; read it beside
    :func:`balanced_accuracy`.

    Parameters
    ----------
    {y_parameters}

    Returns
    -------
    score : float
        In [0, 1].

    Examples
    --------
    >>> from unskew.metrics import accuracy
    >>> accuracy([0, 0, 0, 1], [0, 0, 0, 0])
    0.75
    """
    t, p, _ = check_targets(y_true, y_pred)
    return float(np.mean(t == p))


@fill_doc(y_parameters=_Y_PARAMETERS)
def macro_f1(y_true, y_pred, *, labels=None):
    """Return the unweighted mean of the per-class F1 scores.

    Every class counts the same, so a rare class weighs as much as a common one.

    Parameters
    ----------
    {y_parameters}
    labels : array-like, default=None
        Classes to average over; by default the sorted union of both inputs, so a class that
        is predicted but absent from ``y_true`` enters with F1 0.0 (as in scikit-learn).

    Returns
    -------
    score : float
        In [0, 1]; equals scikit-learn's ``f1_score(average="macro", zero_division=0)``.

    Examples
    --------
    >>> from unskew.metrics import macro_f1
    >>> macro_f1([0, 0, 0, 1], [0, 0, 1, 1])  # F1 = 0.8 and 2/3
    0.7333333333333334
    """
    return float(np.mean(per_class_report(y_true, y_pred, labels=labels).f1))


@fill_doc(y_parameters=_Y_PARAMETERS)
def weighted_f1(y_true, y_pred, *, labels=None):
    """Return the mean of the per-class F1 scores weighted by class support.

    Parameters
    ----------
    {y_parameters}
    labels : array-like, default=None
        Classes to average over; by default the sorted union of both inputs.

    Returns
    -------
    score : float
        In [0, 1]; equals scikit-learn's ``f1_score(average="weighted", zero_division=0)``.
        0.0 when no class in ``labels`` occurs in ``y_true`` (total support 0).

    Examples
    --------
    >>> from unskew.metrics import weighted_f1
    >>> weighted_f1([0, 0, 0, 1], [0, 0, 1, 1])  # (3 * 0.8 + 1 * 2/3) / 4
    0.76667
    """
    r = per_class_report(y_true, y_pred, labels=labels)
    total = r.support.sum()
    return float(r.f1 @ r.support / total) if total > 0 else 0.0


@fill_doc(y_parameters=_Y_PARAMETERS)
def micro_f1(y_true, y_pred, *, labels=None):
    """Return F1 of the pooled counts of all classes.

    With the default ``labels`` every error is both a false positive and a false negative, so
    micro F1 equals accuracy; it is useful with a subset of ``labels``.

    Parameters
    ----------
    {y_parameters}
    labels : array-like, default=None
        Classes to pool; by default the sorted union of both inputs.

    Returns
    -------
    score : float
        In [0, 1]; equals scikit-learn's ``f1_score(average="micro", zero_division=0)``;
        0.0 when the chosen classes are neither present nor predicted.

    Examples
    --------
    >>> from unskew.metrics import micro_f1
    >>> micro_f1([0, 0, 0, 1], [0, 0, 1, 1])
    0.75
    >>> micro_f1([0, 0, 0, 1], [0, 0, 1, 1], labels=[1])  # F1 of class 1 alone
    0.6666666666666666
    """
    _, tp, n_true, n_pred = _class_counts(y_true, y_pred, labels)
    return float(_divide(2 * tp.sum(), n_true.sum() + n_pred.sum()))


def _recalls_of_present_classes(y_true, y_pred, metric):
    """Recall of each class of ``y_true``; warn about predicted classes absent from it."""
    classes, tp, n_true, _ = _class_counts(y_true, y_pred)
    present = n_true > 0
    if not present.all():
        warnings.warn(
            f"y_pred contains classes not in y_true: {format_labels(classes[~present])}; "
            f"their recall is undefined, so {metric} leaves them out.",
            UserWarning,
            stacklevel=3,
        )
    return classes[present], tp[present] / n_true[present]


@fill_doc(y_parameters=_Y_PARAMETERS)
def balanced_accuracy(y_true, y_pred, *, adjusted=False):
    """Return the mean of the per-class recalls over the classes present in ``y_true``.

    Parameters
    ----------
    {y_parameters}
    adjusted : bool, default=False
        If True, rescale so that chance level (``1 / n_classes``) scores 0 and a perfect
        prediction 1: ``(score - 1/C) / (1 - 1/C)``, with ``C`` the classes in ``y_true``.

    Returns
    -------
    score : float
        In [0, 1] (adjusted: in [-1/(C-1), 1]); equals scikit-learn's
        ``balanced_accuracy_score``.

    Raises
    ------
    DataError
        If ``adjusted=True`` and ``y_true`` holds a single class (chance level is then 1 and
        the rescaling divides by zero).

    Warns
    -----
    UserWarning
        If ``y_pred`` contains classes absent from ``y_true``: their recall is undefined and
        they are left out of the mean (as scikit-learn does).

    Examples
    --------
    >>> from unskew.metrics import balanced_accuracy
    >>> balanced_accuracy([0, 0, 0, 1], [0, 0, 0, 0])  # recalls 1 and 0
    0.5
    >>> balanced_accuracy([0, 0, 0, 1], [0, 0, 0, 0], adjusted=True)
    0.0
    """
    if not isinstance(adjusted, (bool, np.bool_)):
        raise parameter_error("balanced_accuracy", "adjusted", "True or False", adjusted)
    classes, recall = _recalls_of_present_classes(y_true, y_pred, "balanced_accuracy")
    score = float(np.mean(recall))
    if adjusted:
        n_classes = classes.shape[0]
        if n_classes < 2:
            raise DataError(
                f"adjusted balanced accuracy needs at least two classes in y_true; it holds "
                f"only {format_labels(classes)}."
            )
        chance = 1.0 / n_classes
        score = (score - chance) / (1.0 - chance)
    return score


@fill_doc(y_parameters=_Y_PARAMETERS)
def geometric_mean(y_true, y_pred, *, correction=0.0):
    """Return the geometric mean of the per-class recalls (G-mean).

    For two classes this is ``sqrt(sensitivity * specificity)``. One class with recall 0
    makes the score 0, unless ``correction`` replaces that zero.

    Parameters
    ----------
    {y_parameters}
    correction : float, default=0.0
        Value in [0, 1] that replaces a recall of exactly 0, so that a single missed class
        does not zero the score (imbalanced-learn's ``correction``; e.g. 0.001).

    Returns
    -------
    score : float
        In [0, 1]. Equals imbalanced-learn's ``geometric_mean_score(average="multiclass",
        correction=...)`` whenever every predicted class occurs in ``y_true``.

    Warns
    -----
    UserWarning
        If ``y_pred`` contains classes absent from ``y_true``: their recall is undefined and
        they are left out, as in :func:`balanced_accuracy`. (imbalanced-learn counts such a
        class as recall 0, which zeroes its G-mean; here G-mean stays consistent with
        balanced accuracy, their arithmetic counterpart.)

    Examples
    --------
    >>> from unskew.metrics import geometric_mean
    >>> geometric_mean([0, 0, 1, 1], [0, 1, 1, 1])  # sqrt(0.5 * 1)
    0.7071067811865476
    >>> geometric_mean([0, 1, 2], [0, 1, 1])  # class 2 is never found
    0.0
    >>> round(geometric_mean([0, 1, 2], [0, 1, 1], correction=0.001), 4)  # (1 * 1 * 0.001)^(1/3)
    0.1
    """
    if not (is_real(correction) and 0.0 <= correction <= 1.0):
        raise parameter_error("geometric_mean", "correction", "a number in [0, 1]", correction)
    _, recall = _recalls_of_present_classes(y_true, y_pred, "geometric_mean")
    recall = np.where(recall == 0, float(correction), recall)
    if (recall == 0).any():
        return 0.0
    return float(np.exp(np.mean(np.log(recall))))


@fill_doc(y_parameters=_Y_PARAMETERS)
def matthews_corrcoef(y_true, y_pred):
    """Return the Matthews correlation coefficient (multi-class form of Gorodkin, 2004).

    With ``c`` correct predictions out of ``s`` samples, ``t_k`` true and ``p_k`` predicted
    samples of class ``k``::

        MCC = (c s - sum_k t_k p_k) / sqrt((s^2 - sum_k p_k^2) (s^2 - sum_k t_k^2))

    Parameters
    ----------
    {y_parameters}

    Returns
    -------
    score : float
        In [-1, 1]; equals scikit-learn's ``matthews_corrcoef``. 0.0 when the denominator is
        0, that is when ``y_true`` or ``y_pred`` holds a single class (constant predictions),
        as in scikit-learn.

    Examples
    --------
    >>> from unskew.metrics import matthews_corrcoef
    >>> matthews_corrcoef([0, 0, 1, 1], [0, 0, 1, 0])  # (3*4 - (2*3 + 2*1)) / sqrt(6 * 8)
    0.5773502691896258
    >>> matthews_corrcoef([0, 0, 1, 1], [0, 0, 0, 0])
    0.0
    """
    _, tp, n_true, n_pred = _class_counts(y_true, y_pred)
    n_true = n_true.astype(np.float64)
    n_pred = n_pred.astype(np.float64)
    s = n_true.sum()
    cov_tp = tp.sum() * s - n_true @ n_pred
    cov_pp = s**2 - n_pred @ n_pred
    cov_tt = s**2 - n_true @ n_true
    if cov_pp * cov_tt == 0:
        return 0.0
    return float(cov_tp / np.sqrt(cov_pp * cov_tt))
