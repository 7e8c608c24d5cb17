"""Cost matrices: Bayes minimum-risk decisions and class weights from misclassification costs.

Convention (the one of Elkan, 2001, and of scikit-learn's cost-sensitive learning example):
``C[i, j]`` is the cost of **predicting class j when the truth is class i**; rows are true
classes, columns predicted classes, both in ``classes_`` order. The diagonal (correct decisions)
is usually 0. Costs must be finite and >= 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.utils.validation import check_is_fitted

from .._utils._validation import (
    HasMethods,
    Interval,
    ParameterError,
    ParamsValidationMixin,
    StrOptions,
    as_python,
    format_labels,
    validate_params,
)
from ..metrics import check_cost_matrix
from ..weights import class_counts
from ._common import (
    check_target,
    copy_feature_attrs,
    default_estimator,
    inner_input_tags,
)

__all__ = ["CostSensitiveClassifier", "bayes_minimum_risk", "check_cost_matrix",
           "cost_to_class_weights"]


def bayes_minimum_risk(proba, cost_matrix):
    """Column index of the minimum expected cost decision for each row.

    The expected cost (risk) of predicting ``j`` is ``sum_i p(i | x) C[i, j]``; the decision
    is its argmin (the first one on ties).

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Class probabilities, columns in the class order of ``cost_matrix``.
    cost_matrix : array-like of shape (n_classes, n_classes)
        ``C[i, j]``: cost of predicting ``j`` when the truth is ``i``.

    Returns
    -------
    ndarray of shape (n_samples,)
        Column indices (int64).

    Examples
    --------
    >>> from unskew.threshold import bayes_minimum_risk
    >>> # missing the positive (row 1) costs 9 times a false alarm: predict 1 once p1 > 0.1
    >>> bayes_minimum_risk([[0.95, 0.05], [0.8, 0.2]], [[0, 1], [9, 0]]).tolist()
    [0, 1]
    """
    proba = np.asarray(proba, dtype=np.float64)
    cost = np.asarray(cost_matrix, dtype=np.float64)
    if proba.ndim != 2 or cost.shape != (proba.shape[1], proba.shape[1]):
        raise ValueError(
            f"proba must be (n_samples, n_classes) and cost_matrix (n_classes, n_classes); got "
            f"shapes {proba.shape} and {cost.shape}."
        )
    return np.argmin(proba @ cost, axis=1)


def cost_to_class_weights(cost_matrix, classes=None, *, y=None, reduce="sum"):
    """Class weights proportional to each class's misclassification cost (rescaling).

    Class ``i`` gets ``w_i`` proportional to the ``reduce`` ("sum" or "mean") of
    ``C[i, j] - C[i, i]`` over ``j != i``: what it costs to get a row of class ``i`` wrong
    relative to getting it right. For two classes this is Elkan's (2001) rescaling, which makes
    a weighted learner's 0.5 threshold the cost-optimal one; for more classes it is the usual
    approximation (Zhou & Liu, 2006), exact only when each row's costs are equal.

    Parameters
    ----------
    cost_matrix : array-like of shape (n_classes, n_classes) or dict of dicts
        As in :func:`check_cost_matrix`.
    classes : array-like, default=None
        Class labels in the order of the rows; a dict cost matrix defaults to its sorted keys,
        an array to positions ``0 .. n_classes - 1``.
    y : array-like of shape (n_samples,), default=None
        Training labels. When given, weights are normalised like :mod:`unskew.weights` (mean
        sample weight 1 over ``y``); otherwise the raw reduced costs are returned.
    reduce : {"sum", "mean"}, default="sum"
        How off-diagonal costs of a row combine (they differ only by the factor
        ``n_classes - 1``, which normalising by ``y`` removes).

    Returns
    -------
    dict
        ``{class: weight}``, usable as scikit-learn's ``class_weight=``.

    Raises
    ------
    ValueError
        If ``reduce`` is unknown (a :class:`~unskew.exceptions.ParameterError`), the cost matrix
        is invalid, or a class would get a weight <= 0 (all its errors cost no more than its
        correct decision).

    Examples
    --------
    >>> from unskew.threshold import cost_to_class_weights
    >>> cost = {"ok": {"fraud": 1}, "fraud": {"ok": 10}}
    >>> cost_to_class_weights(cost)
    {'fraud': 10.0, 'ok': 1.0}
    >>> w = cost_to_class_weights(cost, y=["ok"] * 9 + ["fraud"])  # sum_c n_c w_c = N
    >>> round(9 * w["ok"] + w["fraud"], 6)
    10.0
    """
    who = "cost_to_class_weights"
    validate_params(who, {"reduce": reduce}, {"reduce": [StrOptions(("sum", "mean"))]})
    if classes is None:
        if isinstance(cost_matrix, Mapping):
            classes = sorted(set(cost_matrix) | {j for r in cost_matrix.values() for j in r})
        else:
            classes = np.arange(np.shape(cost_matrix)[0])
    classes = np.asarray(classes)
    cost = check_cost_matrix(cost_matrix, classes, who=who)
    k = cost.shape[0]
    relative = cost - np.diag(cost)[:, None]
    np.fill_diagonal(relative, 0.0)
    raw = relative.sum(axis=1) / (1.0 if reduce == "sum" else max(k - 1, 1))
    if (raw <= 0).any():
        bad = classes[raw <= 0]
        raise ParameterError(
            f"classes {format_labels(bad)} get no weight: none of their errors costs more than "
            "their correct decision in the cost matrix; raise their off-diagonal costs."
        )
    if y is not None:
        counts = np.array(list(class_counts(y, classes=classes).values()), dtype=np.float64)
        raw = raw * counts.sum() / (raw * counts).sum()
    return dict(zip((as_python(c) for c in classes), (float(w) for w in raw), strict=True))


class CostSensitiveClassifier(ParamsValidationMixin, MetaEstimatorMixin, ClassifierMixin,
                              BaseEstimator):
    """Predict the Bayes minimum-risk class from (optionally calibrated) probabilities.

    For each row, the expected cost of predicting ``j`` is ``sum_i p(i | x) C[i, j]``; the
    prediction is the ``j`` with the least expected cost (Elkan, 2001). With the 0/1 cost
    matrix this is the plain argmax. The decision is only as good as the probabilities: a
    model trained on resampled or reweighted data is miscalibrated for the true priors, so
    either use ``calibration`` or wrap it in :class:`PriorCorrection` first.

    Parameters
    ----------
    estimator : classifier, default=None
        The probabilistic model; ``None`` means ``LogisticRegression()``.
    cost_matrix : array-like of shape (n_classes, n_classes) or dict of dicts, default=None
        ``C[i, j]`` = cost of predicting class ``j`` when the truth is class ``i`` (rows: true
        classes, columns: predictions, in ``classes_`` order), or ``{true: {predicted:
        cost}}`` keyed by labels. ``None`` means the 0/1 cost (plain argmax).
    calibration : {None, "sigmoid", "isotonic"}, default=None
        ``None`` uses ``estimator``'s ``predict_proba`` as it is; otherwise the probabilities
        are calibrated by scikit-learn's ``CalibratedClassifierCV(method=calibration, cv=cv)``
        (which can also calibrate a ``decision_function``).
    cv : int, default=5
        Folds of the calibration (unused without calibration).

    Attributes
    ----------
    estimator_ : classifier
        The fitted model (a ``CalibratedClassifierCV`` when ``calibration`` is set).
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    cost_matrix_ : ndarray of shape (n_classes, n_classes)
        The validated cost matrix in ``classes_`` order.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.threshold import CostSensitiveClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (180, 2)), rng.normal(1.5, 1, (20, 2))]
    >>> y = np.array(["ok"] * 180 + ["fraud"] * 20)
    >>> plain = CostSensitiveClassifier().fit(X, y)
    >>> costly = CostSensitiveClassifier(cost_matrix={"fraud": {"ok": 20}, "ok": {"fraud": 1}}).fit(X, y)
    >>> int((plain.predict(X) == "fraud").sum()) < int((costly.predict(X) == "fraud").sum())
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [None, HasMethods(["fit"])],
        "cost_matrix": [None, "array-like", Mapping],
        "calibration": [None, StrOptions(("sigmoid", "isotonic"))],
        "cv": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, estimator=None, cost_matrix=None, *, calibration=None, cv=5):
        self.estimator = estimator
        self.cost_matrix = cost_matrix
        self.calibration = calibration
        self.cv = cv

    def fit(self, X, y):
        """Fit (and calibrate) the estimator and check the cost matrix against its classes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : CostSensitiveClassifier
            Fitted.
        """
        self._validate_params()
        who = type(self).__name__
        y, classes, _ = check_target(y, who)
        estimator = default_estimator(self.estimator)
        if self.calibration is None:
            if not hasattr(estimator, "predict_proba"):
                raise ParameterError(
                    f"{who} needs probabilities, but {type(estimator).__name__} has no "
                    "predict_proba; set calibration='sigmoid' to calibrate its "
                    "decision_function."
                )
            fitted = clone(estimator).fit(X, y)
        else:
            fitted = CalibratedClassifierCV(clone(estimator), method=self.calibration,
                                            cv=int(self.cv)).fit(X, y)
        if self.cost_matrix is None:
            cost = 1.0 - np.eye(classes.shape[0])
        else:
            cost = check_cost_matrix(self.cost_matrix, classes, who=who)
        self.estimator_ = fitted
        self.classes_ = classes
        self.cost_matrix_ = cost
        copy_feature_attrs(self, fitted)
        return self

    def predict_proba(self, X):
        """Class probabilities (calibrated when ``calibration`` is set).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order.
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        """Predict the class with the least expected cost.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[bayes_minimum_risk(proba, self.cost_matrix_)]

    def __sklearn_tags__(self):
        return inner_input_tags(super().__sklearn_tags__(), self.estimator)
