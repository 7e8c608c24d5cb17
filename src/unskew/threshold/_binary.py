"""Binary threshold moving on top of scikit-learn's TunedThresholdClassifierCV.

scikit-learn tunes the cut-off; this adds what users keep asking it for: objectives for recall
at a precision floor (and the reverse), G-mean and expected cost; the minority class as the
default positive class whatever the label order; and how much the best cut-off moves from
fold to fold, a direct reading of how trustworthy the tuned threshold is.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
from sklearn.utils import _safe_indexing, indexable
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._utils._validation import (
    HasMethods,
    Interval,
    ParameterError,
    ParamsValidationMixin,
    StrOptions,
    as_python,
    check_folds,
    format_labels,
)
from ..exceptions import DataError
from ._common import (
    check_target,
    copy_feature_attrs,
    default_estimator,
    inner_input_tags,
    response_method_of,
)
from ._objectives import BINARY_OBJECTIVES, threshold_scorer

__all__ = ["BinaryThresholdClassifier"]


def _estimator_has(method):
    def check(self):
        if hasattr(self, "tuner_"):
            return hasattr(self.tuner_.estimator_, method)
        return hasattr(default_estimator(self.estimator), method)

    return check


class BinaryThresholdClassifier(ParamsValidationMixin, MetaEstimatorMixin, ClassifierMixin,
                                BaseEstimator):
    """Tune the decision threshold of a binary classifier for an imbalance-aware objective.

    ``fit`` runs scikit-learn's :class:`~sklearn.model_selection.TunedThresholdClassifierCV`
    (stratified ``cv`` folds, the estimator refitted on all data) with the scorer of
    :func:`threshold_scorer`, and keeps it as ``tuner_``: the threshold lives there, in one
    place. It then tunes the threshold of each fold's model on that fold alone (scikit-learn's
    ``cv="prefit"``), to report the spread of the best cut-off across folds. That costs ``cv``
    extra fits (``fold_spread=False`` skips them); a large ``threshold_std_`` says the tuned
    threshold rests on little data.

    Parameters
    ----------
    estimator : classifier, default=None
        The model; ``None`` means ``LogisticRegression()``. Its ``predict_proba`` is
        thresholded, else its ``decision_function``.
    objective : {"f1", "balanced_accuracy", "gmean", "recall@precision", "precision@recall", \
"cost"}, default="f1"
        What the threshold maximises (``"cost"``: minimises); see :func:`threshold_scorer`.
    pos_label : label, default=None
        The positive class; ``None`` means the minority class of ``y`` (the later class in
        ``classes_`` on a tie).
    min_precision : float in [0, 1], default=None
        Precision floor of ``"recall@precision"``.
    min_recall : float in [0, 1], default=None
        Recall floor of ``"precision@recall"``.
    cost_matrix : array-like of shape (2, 2) or dict of dicts, default=None
        Costs of ``"cost"``: ``C[i, j]`` = cost of predicting ``classes_[j]`` when the truth is
        ``classes_[i]``, or ``{true: {predicted: cost}}``.
    cv : int, default=5
        Stratified, shuffled folds, lowered to the minority count when that is smaller.
    thresholds : int or array-like, default=100
        Candidate thresholds, as in scikit-learn's tuner.
    random_state : int, RandomState instance or None, default=None
        Shuffling of the folds; an int makes ``fit`` deterministic.
    fold_spread : bool, default=True
        Measure ``thresholds_per_fold_`` and ``threshold_std_`` (``cv`` extra fits). The tuned
        threshold is the same either way; ``unskew compare`` turns it off to halve the cost.

    Attributes
    ----------
    tuner_ : TunedThresholdClassifierCV
        The fitted scikit-learn tuner (its ``estimator_`` is the refitted model).
    classes_ : ndarray of shape (2,)
        Class labels.
    pos_label_ : label
        The positive class.
    threshold_ : float
        The tuned cut-off (``tuner_.best_threshold_``): predict ``pos_label_`` when its score
        reaches it.
    best_score_ : float
        Cross-validated objective at ``threshold_`` (negated expected cost for ``"cost"``).
    thresholds_per_fold_ : ndarray of shape (n_splits,) or None
        Best threshold of each fold's model on that fold (None when ``fold_spread=False``).
    threshold_std_ : float or None
        Standard deviation of ``thresholds_per_fold_`` (ddof=1; None when
        ``fold_spread=False``).
    n_splits_ : int
        Folds used.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.threshold import BinaryThresholdClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (180, 2)), rng.normal(1.5, 1, (20, 2))]
    >>> y = np.array(["ok"] * 180 + ["fraud"] * 20)
    >>> clf = BinaryThresholdClassifier(objective="recall@precision", min_precision=0.4,
    ...                                 cv=3, random_state=0).fit(X, y)
    >>> clf.pos_label_, bool(0 < clf.threshold_ < 1), clf.thresholds_per_fold_.shape
    ('fraud', True, (3,))
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [None, HasMethods(["fit"])],
        "objective": [StrOptions(BINARY_OBJECTIVES)],
        "pos_label": [None, str, Real, "boolean"],
        "min_precision": [None, Interval(Real, 0, 1, closed="both")],
        "min_recall": [None, Interval(Real, 0, 1, closed="both")],
        "cost_matrix": [None, "array-like", Mapping],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "thresholds": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "random_state": ["random_state"],
        "fold_spread": ["boolean"],
    }

    def __init__(self, estimator=None, *, objective="f1", pos_label=None, min_precision=None,
                 min_recall=None, cost_matrix=None, cv=5, thresholds=100, random_state=None,
                 fold_spread=True):
        self.estimator = estimator
        self.objective = objective
        self.pos_label = pos_label
        self.min_precision = min_precision
        self.min_recall = min_recall
        self.cost_matrix = cost_matrix
        self.cv = cv
        self.thresholds = thresholds
        self.random_state = random_state
        self.fold_spread = fold_spread

    def fit(self, X, y):
        """Fit the estimator, tune the threshold, and measure its spread across folds.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Binary class labels.

        Returns
        -------
        self : BinaryThresholdClassifier
            Fitted.
        """
        self._validate_params()
        who = type(self).__name__
        self._check_objective(who)
        y, classes, counts = check_target(y, who)
        if classes.shape[0] != 2:
            raise DataError(
                f"Only binary classification is supported. {who} needs a binary target, but "
                f"y has {classes.shape[0]} classes {format_labels(classes, limit=6)}: a threshold separates two classes. Use "
                "ClassOffsetClassifier for multi-class data."
            )
        if self.pos_label is None:
            pos = 0 if counts[0] < counts[1] else 1
        else:
            hits = np.flatnonzero(classes == self.pos_label)
            if hits.size == 0:
                raise ParameterError(f"The 'pos_label' of {who} is {self.pos_label!r}, not one "
                                     f"of the classes {format_labels(classes)}.")
            pos = int(hits[0])
        pos_label = as_python(classes[pos])
        estimator = default_estimator(self.estimator)
        response_method_of(estimator, who)
        scorer = threshold_scorer(self.objective, pos_label=pos_label,
                                  min_precision=self.min_precision, min_recall=self.min_recall,
                                  cost_matrix=self.cost_matrix, labels=classes)
        n_splits = check_folds(y, self.cv, who)
        X = indexable(X)[0]  # lists, sparse matrices of any format
        folds = list(StratifiedKFold(n_splits=n_splits, shuffle=True,
                                     random_state=self.random_state).split(np.zeros(len(y)), y))
        tuner = TunedThresholdClassifierCV(clone(estimator), scoring=scorer, cv=folds,
                                           refit=True, thresholds=self.thresholds)
        try:
            tuner.fit(X, y)
            per_fold = []
            for train, test in folds if self.fold_spread else ():
                model = clone(estimator).fit(_safe_indexing(X, train), y[train])
                fold = TunedThresholdClassifierCV(model, scoring=scorer, cv="prefit",
                                                  refit=False, thresholds=self.thresholds)
                fold.fit(_safe_indexing(X, test), y[test])
                per_fold.append(fold.best_threshold_)
        except ValueError as exc:
            if "constant predictions" not in str(exc):
                raise
            raise DataError(
                f"{who} cannot tune a threshold: in a {n_splits}-fold cross-validation of "
                f"{len(y)} rows ({counts[pos]} of class {pos_label!r}) the model gives every "
                "row of a fold the same score, so no cut-off separates the classes. Use more "
                "rows or a model that ranks them."
            ) from exc
        self.tuner_ = tuner
        self.classes_ = classes
        self.pos_label_ = pos_label
        self.best_score_ = float(tuner.best_score_)
        if self.fold_spread:
            self.thresholds_per_fold_ = np.asarray(per_fold, dtype=np.float64)
            self.threshold_std_ = float(np.std(self.thresholds_per_fold_, ddof=1))
        else:
            self.thresholds_per_fold_ = self.threshold_std_ = None
        self.n_splits_ = n_splits
        copy_feature_attrs(self, tuner.estimator_)
        return self

    def _check_objective(self, who):
        # a cross-parameter rule, beyond what the constraints say
        needs = {"recall@precision": "min_precision", "precision@recall": "min_recall",
                 "cost": "cost_matrix"}.get(self.objective)
        if needs is not None and getattr(self, needs) is None:
            raise ParameterError(f"{who}(objective={self.objective!r}) needs {needs}=; it is "
                                 "None.")

    @property
    def threshold_(self):
        """The tuned cut-off, read from ``tuner_`` (its one home)."""
        check_is_fitted(self, "tuner_")
        return float(self.tuner_.best_threshold_)

    def predict(self, X):
        """Predict ``pos_label_`` where its score reaches ``threshold_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        check_is_fitted(self, "tuner_")
        return self.tuner_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Probabilities of the inner estimator (the threshold does not move them).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Columns in ``classes_`` order.
        """
        check_is_fitted(self, "tuner_")
        return self.tuner_.predict_proba(X)

    def decision_function(self, X):
        """Signed distance of the positive-class score to ``threshold_``.

        Positive means ``classes_[1]``, as for scikit-learn's binary classifiers, so
        ``predict`` is ``classes_[1]`` exactly where this is > 0 (up to exact ties).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,)
            ``score - threshold_`` oriented towards ``classes_[1]``; the score is the
            probability of ``pos_label_`` (or its decision score without ``predict_proba``).
        """
        check_is_fitted(self, "tuner_")
        inner = self.tuner_.estimator_
        pos = int(np.flatnonzero(self.classes_ == self.pos_label_)[0])
        if hasattr(inner, "predict_proba"):
            score = np.asarray(inner.predict_proba(X))[:, pos]
        else:
            raw = np.asarray(inner.decision_function(X))
            score = raw if pos == 1 else -raw
        margin = score - self.threshold_
        return margin if pos == 1 else -margin

    def __sklearn_tags__(self):
        tags = inner_input_tags(super().__sklearn_tags__(), self.estimator)
        tags.classifier_tags.multi_class = False
        return tags

