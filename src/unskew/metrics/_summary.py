"""All headline metrics of a classifier's predictions in one dictionary."""

from ._scorers import METRICS


def classification_summary(y_true, y_pred, y_score=None, *, y_proba=None, labels=None):
    """Return every metric of :data:`METRICS` that the given predictions allow.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_pred : array-like of shape (n_samples,)
        Predicted class labels; gives the label metrics (accuracy, balanced accuracy, F1s,
        G-mean, MCC).
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
        Ranking scores; adds ``pr_auc`` and ``roc_auc``.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
        Predicted probabilities; adds ``brier`` and ``log_loss``, and ``pr_auc`` / ``roc_auc``
        when ``y_score`` is not given.
    labels : array-like, default=None
        The class of each column of ``y_score`` / ``y_proba`` (a classifier's ``classes_``);
        by default the sorted classes of ``y_true``.

    Returns
    -------
    summary : dict
        ``{metric name: float}`` in the order of :data:`METRICS`. Losses are positive here
        (lower is better), unlike their scikit-learn scorers. A metric that cannot be computed
        raises rather than being left out or set to NaN.

    Warns
    -----
    UserWarning
        If ``y_pred`` contains classes absent from ``y_true`` (left out of balanced accuracy
        and G-mean).

    Examples
    --------
    >>> from unskew.metrics import classification_summary
    >>> s = classification_summary([0, 0, 0, 1], [0, 0, 1, 1], y_proba=[0.1, 0.2, 0.6, 0.9])
    >>> list(s)
    ['accuracy', 'balanced_accuracy', 'macro_f1', 'weighted_f1', 'micro_f1', 'g_mean', 'mcc', \
'pr_auc', 'roc_auc', 'brier', 'log_loss']
    >>> s["balanced_accuracy"], s["roc_auc"]
    (0.83333, 1.0)
    """
    inputs = {"label": y_pred, "score": y_score if y_score is not None else y_proba}
    inputs["proba"] = y_proba
    summary = {}
    for name, spec in METRICS.items():
        y = inputs[spec.kind]
        if y is None:
            continue
        if spec.kind == "label":
            summary[name] = spec.function(y_true, y)
        else:
            summary[name] = spec.function(y_true, y, labels=labels)
    return summary
