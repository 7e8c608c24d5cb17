"""Per-label decision thresholds for multi-label classifiers, from out-of-fold scores."""

from __future__ import annotations

from numbers import Integral
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils import _safe_indexing, indexable
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from .._utils._validation import HasMethods, Interval, ParamsValidationMixin, StrOptions
from ..exceptions import DataError
from ._common import copy_feature_attrs, inner_input_tags, response_method_of
from ._objectives import _balanced_accuracy, _f1, _gmean

__all__ = ["MultiLabelThresholdClassifier"]

# per-label objectives on one 0/1 column: name -> f(y, pred)
_OBJECTIVES = {
    "f1": lambda y, p: _f1(y, p, pos_label=1),
    "balanced_accuracy": lambda y, p: _balanced_accuracy(y, p),
    "gmean": lambda y, p: _gmean(y, p),
}
_MAX_CANDIDATES = 96


def _default(estimator):
    return OneVsRestClassifier(LogisticRegression()) if estimator is None else estimator


def _label_scores(estimator, X, method, n_labels):
    """Score of the positive class of each label, ``(n_samples, n_labels)``.

    Handles the two output shapes of scikit-learn's multi-label models: one array
    (``OneVsRestClassifier``, ``MLPClassifier``) or a list with one ``(n_samples, n_classes)``
    array per label (``MultiOutputClassifier``, random forests, k-NN).
    """
    out = getattr(estimator, method)(X)
    if not isinstance(out, list):
        out = np.asarray(out, dtype=np.float64)
        if out.ndim == 1:
            return out[:, None]
        if n_labels == 1 and out.shape[1] == 2:  # one label, seen as a binary problem
            return out[:, 1:]
        return out
    columns = []
    for j, arr in enumerate(out):
        arr = np.asarray(arr, dtype=np.float64)
        classes = np.asarray(estimator.classes_[j])
        if arr.ndim == 1:
            columns.append(arr)
        elif 1 in classes.tolist():
            columns.append(arr[:, classes.tolist().index(1)])
        else:  # a label never positive in training
            columns.append(np.zeros(arr.shape[0]))
    return np.column_stack(columns)


def _best_threshold(score, truth, metric, default):
    """Threshold on ``score`` maximising ``metric``; ``default`` unless strictly better."""
    values = np.unique(score)
    points = np.r_[values[0] - 1.0, (values[:-1] + values[1:]) / 2.0, values[-1] + 1.0]
    if len(points) > _MAX_CANDIDATES:
        points = np.quantile(points, np.linspace(0, 1, _MAX_CANDIDATES))
    base = metric(truth, (score >= default).astype(int))
    keys = [metric(truth, (score >= t).astype(int)) for t in points]
    best = max(range(len(points)), key=lambda i: (keys[i], -abs(points[i] - default)))
    if keys[best] > base:
        return float(points[best]), keys[best], base
    return float(default), base, base


class MultiLabelThresholdClassifier(ParamsValidationMixin, MetaEstimatorMixin, ClassifierMixin,
                                    BaseEstimator):
    """Tune one decision threshold per label of a multi-label classifier.

    ``fit`` computes out-of-fold scores (``cv`` shuffled folds; multi-label data cannot be
    stratified by scikit-learn), picks for each label the threshold that maximises
    ``objective`` on them (the default 0.5, or 0 for decision scores, unless another is
    strictly better), then refits the estimator on all data. A label that is constant in the
    training data keeps the default threshold.

    Parameters
    ----------
    estimator : multi-label classifier, default=None
        ``OneVsRestClassifier``, ``MultiOutputClassifier``, a random forest, k-NN, ... Its
        ``predict_proba`` (else ``decision_function``) is thresholded. ``None`` means
        ``OneVsRestClassifier(LogisticRegression())``.
    objective : {"f1", "balanced_accuracy", "gmean"}, default="f1"
        Maximised for each label separately (so ``"f1"`` maximises macro F1).
    cv : int, default=5
        Folds of the out-of-fold scores.
    random_state : int, RandomState instance or None, default=None
        Shuffling of the folds.

    Attributes
    ----------
    estimator_ : classifier
        The model refitted on all data.
    classes_ : ndarray of shape (n_labels,)
        Label indices ``0 .. n_labels - 1``.
    thresholds_ : ndarray of shape (n_labels,)
        The threshold of each label.
    scores_before_, scores_after_ : ndarray of shape (n_labels,)
        Out-of-fold objective of each label at the default and the tuned threshold.
    response_method_ : str
        ``"predict_proba"`` or ``"decision_function"``.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from unskew.threshold import MultiLabelThresholdClassifier
    >>> X, Y = make_multilabel_classification(n_samples=300, n_classes=4, random_state=0)
    >>> clf = MultiLabelThresholdClassifier(cv=3, random_state=0).fit(X, Y)
    >>> clf.thresholds_.shape, clf.predict(X).shape
    ((4,), (300, 4))
    >>> bool((clf.scores_after_ >= clf.scores_before_).all())
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [None, HasMethods(["fit"])],
        "objective": [StrOptions(_OBJECTIVES)],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, objective="f1", cv=5, random_state=None):
        self.estimator = estimator
        self.objective = objective
        self.cv = cv
        self.random_state = random_state

    def fit(self, X, Y):
        """Compute out-of-fold scores, tune the thresholds and refit the estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        Y : array-like of shape (n_samples, n_labels)
            0/1 label indicator matrix.

        Returns
        -------
        self : MultiLabelThresholdClassifier
            Fitted.
        """
        self._validate_params()
        who = type(self).__name__
        cv = int(self.cv)
        if Y is None:
            raise ValueError(f"{who} requires y to be passed, but the target y is None.")
        Y = np.asarray(Y)
        kind = type_of_target(Y)
        if Y.ndim != 2 or kind not in ("multilabel-indicator", "binary") or not np.isin(
                Y, (0, 1)).all():
            raise DataError(
                f"{who} needs a 0/1 indicator matrix of shape (n_samples, n_labels); got y of "
                f"type {kind!r} and shape {Y.shape}. For a binary or multi-class target use "
                "BinaryThresholdClassifier or ClassOffsetClassifier."
            )
        Y = Y.astype(np.int64)
        if cv > Y.shape[0]:
            raise DataError(f"{who}: cv={cv} folds need at least {cv} rows; y has {Y.shape[0]}.")
        estimator = _default(self.estimator)
        method = response_method_of(estimator, who)
        X = indexable(X)[0]  # lists, sparse matrices of any format
        oof = np.empty(Y.shape, dtype=np.float64)
        for train, test in KFold(n_splits=cv, shuffle=True,
                                 random_state=self.random_state).split(Y):
            model = clone(estimator).fit(_safe_indexing(X, train), Y[train])
            oof[test] = _label_scores(model, _safe_indexing(X, test), method, Y.shape[1])
        default = 0.5 if method == "predict_proba" else 0.0
        metric = _OBJECTIVES[self.objective]
        thresholds, before, after = [], [], []
        for j in range(Y.shape[1]):
            if Y[:, j].min() == Y[:, j].max():
                thresholds.append(default)
                before.append(np.nan)
                after.append(np.nan)
                continue
            t, best, base = _best_threshold(oof[:, j], Y[:, j], metric, default)
            thresholds.append(t)
            before.append(base)
            after.append(best)
        self.estimator_ = clone(estimator).fit(X, Y)
        self.classes_ = np.arange(Y.shape[1])
        self.thresholds_ = np.asarray(thresholds)
        self.scores_before_ = np.asarray(before)
        self.scores_after_ = np.asarray(after)
        self.response_method_ = method
        copy_feature_attrs(self, self.estimator_)
        return self

    def _scores(self, X):
        check_is_fitted(self, "thresholds_")
        return _label_scores(self.estimator_, X, self.response_method_, len(self.thresholds_))

    def predict(self, X):
        """Predict each label where its score reaches its threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_labels)
            0/1 indicator matrix (int64).
        """
        return (self._scores(X) >= self.thresholds_).astype(np.int64)

    @available_if(lambda self: hasattr(_default(self.estimator), "predict_proba"))
    def predict_proba(self, X):
        """Probability of each label (not moved by the thresholds).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_labels)
            Positive-class probability of each label.
        """
        check_is_fitted(self, "thresholds_")
        return _label_scores(self.estimator_, X, "predict_proba", len(self.thresholds_))

    def __sklearn_tags__(self):
        tags = inner_input_tags(super().__sklearn_tags__(), _default(self.estimator))
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags
