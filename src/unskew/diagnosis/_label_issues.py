"""The label-issue section of a :class:`Profile`: suspected label errors, as a report.

The confident-learning detector itself lives in :mod:`unskew._detect`, shared with
:class:`unskew.resampling.LabelIssueFilter`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# re-exported: tests/test_diagnosis.py imports the rule from here
from .._detect import confident_issues

__all__ = ["LabelIssue", "LabelIssueReport", "confident_issues"]


@dataclass(frozen=True)
class LabelIssue:
    """One row whose label the out-of-fold model doubts.

    Attributes
    ----------
    row : int
        Row position in ``Dataset.X`` / ``Dataset.y``.
    label : object
        The label as given.
    suggested : object
        The class the model confidently predicts instead.
    confidence : float
        Out-of-fold probability of ``suggested``.
    label_probability : float
        Out-of-fold probability of the given ``label``.

    Examples
    --------
    >>> from unskew.diagnosis import LabelIssue
    >>> issue = LabelIssue(row=7, label="ok", suggested="fraud", confidence=0.93,
    ...                    label_probability=0.05)
    >>> issue.suggested, issue.confidence
    ('fraud', 0.93)
    """

    row: int
    label: object
    suggested: object
    confidence: float
    label_probability: float


@dataclass(frozen=True)
class LabelIssueReport:
    """Suspected label errors found with confident learning on out-of-fold probabilities.

    A model is cross-validated on the checked rows (``n_folds`` stratified folds), giving each
    row probabilities from a model that never saw it. The threshold of class ``j`` is the mean
    probability of ``j`` over the rows labelled ``j``. A row labelled ``i`` is suspected when
    another class ``j`` reaches its threshold and is more probable than ``i``; the suggested
    label is the most probable class among those at or above their thresholds (Northcutt et al.,
    2021: the off-diagonal of the confident joint).

    Attributes
    ----------
    issues : tuple of LabelIssue
        Suspected rows, most confident first, at most ``max_listed``.
    n_issues : int
        All suspected rows (``issues`` may be cut short).
    by_class : dict
        ``{given label: suspected rows}``.
    rate : float
        ``n_issues`` divided by the rows checked.
    thresholds : dict
        ``{class: per-class confidence threshold}``.
    n_folds : int
        Cross-validation folds used.
    model : str
        The model that produced the out-of-fold probabilities.
    max_listed : int
        The cap on ``issues``.

    Examples
    --------
    >>> from unskew.diagnosis import diagnose
    >>> report = diagnose("binary:yeast4", checks=("label_issues",), random_state=0).label_issues
    >>> report.n_folds, report.n_issues == sum(report.by_class.values())
    (5, True)
    >>> all(a.confidence >= b.confidence for a, b in zip(report.issues, report.issues[1:]))
    True
    """

    issues: tuple = field(repr=False)
    n_issues: int
    by_class: dict
    rate: float
    thresholds: dict
    n_folds: int
    model: str
    max_listed: int = 1000
