"""The metric registry, and scikit-learn scorers built from it.

:data:`METRICS` is the one table of named metrics: scorers, summaries, the CLI and error
messages all read it. scikit-learn is imported only when a scorer is built.
"""

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from ._classification import (
    accuracy,
    balanced_accuracy,
    geometric_mean,
    macro_f1,
    matthews_corrcoef,
    micro_f1,
    weighted_f1,
)
from ._probabilistic import brier_score, log_loss
from ._ranking import average_precision, roc_auc

# what each kind of metric needs from a fitted classifier, as scikit-learn's response_method
RESPONSE_METHODS = MappingProxyType(
    {
        "label": "predict",
        # probabilities first, so multi-class scores are comparable across models
        "score": ("predict_proba", "decision_function"),
        "proba": "predict_proba",
    }
)


@dataclass(frozen=True)
class MetricSpec:
    """One entry of :data:`METRICS`: a metric function and how to score a classifier with it.

    Attributes
    ----------
    function : callable
        ``function(y_true, y)``, with ``y`` the predicted labels, scores or probabilities.
    kind : {"label", "score", "proba"}
        What ``y`` is: ``predict`` output, a ranking score (``predict_proba``, else
        ``decision_function``) or ``predict_proba`` output.
    greater_is_better : bool
        False for losses; their scikit-learn scorer returns the negated loss.
    description : str
        One line for listings.

    Examples
    --------
    >>> from unskew.metrics import METRICS
    >>> spec = METRICS["log_loss"]
    >>> spec.kind, spec.greater_is_better, spec.response_method
    ('proba', False, 'predict_proba')
    """

    function: Callable
    kind: str
    greater_is_better: bool
    description: str

    @property
    def response_method(self):
        """The ``response_method`` of the scikit-learn scorer (see ``RESPONSE_METHODS``)."""
        return RESPONSE_METHODS[self.kind]


#: Read-only registry ``{name: MetricSpec}``: the one list of metric names that scorers,
#: :func:`classification_summary`, the comparison engine, the CLI and error messages share.
#: Example: ``METRICS["g_mean"].function(y_true, y_pred)``.
METRICS = MappingProxyType(
    {
        "accuracy": MetricSpec(accuracy, "label", True, "fraction of correct predictions"),
        "balanced_accuracy": MetricSpec(balanced_accuracy, "label", True, "mean per-class recall"),
        "macro_f1": MetricSpec(macro_f1, "label", True, "unweighted mean of per-class F1"),
        "weighted_f1": MetricSpec(weighted_f1, "label", True, "support-weighted mean of F1"),
        "micro_f1": MetricSpec(micro_f1, "label", True, "F1 of pooled counts"),
        "g_mean": MetricSpec(geometric_mean, "label", True, "geometric mean of recalls"),
        "mcc": MetricSpec(matthews_corrcoef, "label", True, "Matthews correlation coefficient"),
        "pr_auc": MetricSpec(average_precision, "score", True, "average precision (macro OvR)"),
        "roc_auc": MetricSpec(roc_auc, "score", True, "area under the ROC curve (macro OvR)"),
        "brier": MetricSpec(brier_score, "proba", False, "Brier score (lower is better)"),
        "log_loss": MetricSpec(log_loss, "proba", False, "log loss (lower is better)"),
    }
)


def _unknown_metric(name):
    names = list(METRICS)
    close = difflib.get_close_matches(str(name).lower(), names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return ValueError(f"unknown metric {name!r}; expected one of {', '.join(names)}{hint}")


def get_scorer(name):
    """Return a scikit-learn scorer for the metric ``name`` of :data:`METRICS`.

    The scorer calls ``predict`` for label metrics, ``predict_proba`` (or else
    ``decision_function``) for ``pr_auc`` / ``roc_auc``, and ``predict_proba`` for ``brier``
    and ``log_loss``. For a binary classifier scikit-learn passes the probability or score of
    ``classes_[-1]``, which is the default positive class of these metrics. Losses follow the
    scikit-learn convention: the scorer returns the *negated* loss, so greater is better.

    Parameters
    ----------
    name : str
        A key of :data:`METRICS`.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``, usable as ``scoring=`` in ``cross_val_score``,
        ``GridSearchCV`` and friends.

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the names and suggests a close one.

    Notes
    -----
    Score and probability metrics of a multi-class problem need every class in each test
    fold (columns of ``predict_proba`` are matched to the classes of ``y``): use stratified
    folds.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from unskew.metrics import get_scorer
    >>> X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    >>> scores = cross_val_score(LogisticRegression(), X, y, cv=3, scoring=get_scorer("g_mean"))
    >>> scores.shape
    (3,)
    >>> get_scorer("gmean")
    Traceback (most recent call last):
    ...
    ValueError: unknown metric 'gmean'; expected one of accuracy, ..., log_loss; did you mean 'g_mean'?
    """
    if not isinstance(name, str) or name not in METRICS:
        raise _unknown_metric(name)
    from sklearn.metrics import make_scorer  # sklearn only when a scorer is asked for

    spec = METRICS[name]
    return make_scorer(
        spec.function,
        response_method=spec.response_method,
        greater_is_better=spec.greater_is_better,
    )


def make_scorers(names=None):
    """Return ``{name: scorer}`` for several metrics, for ``cross_validate(scoring=...)``.

    Parameters
    ----------
    names : iterable of str, default=None
        Keys of :data:`METRICS`; by default the label metrics (``kind == "label"``), which
        every classifier supports.

    Returns
    -------
    scorers : dict
        Name to scikit-learn scorer (see :func:`get_scorer`).

    Raises
    ------
    ValueError
        If a name is unknown.

    Examples
    --------
    >>> from unskew.metrics import make_scorers
    >>> sorted(make_scorers(["macro_f1", "pr_auc"]))
    ['macro_f1', 'pr_auc']
    >>> "roc_auc" in make_scorers()
    False
    """
    if names is None:
        names = [n for n, spec in METRICS.items() if spec.kind == "label"]
    elif isinstance(names, str):
        names = [names]
    return {name: get_scorer(name) for name in names}
