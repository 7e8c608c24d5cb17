"""Probability correction after resampling or reweighting (prior shift, closed form).

A classifier trained on data whose class shares are ``pi_train`` (after oversampling,
undersampling or class weights) estimates ``p_train(c | x)``. If the class-conditional
densities are unchanged, Bayes' theorem gives the probabilities under the true shares
``pi_true`` (Saerens, Latinne & Decaestecker, 2002; Elkan, 2001)::

    p_true(c | x)  =  p_train(c | x) * w_c / sum_k p_train(k | x) * w_k,   w_c = pi_true(c) / pi_train(c)

For miscalibration that is not a prior shift (an overfit model, SMOTE's synthetic rows moving
the densities), calibrate on held-out data with scikit-learn's
:class:`~sklearn.calibration.CalibratedClassifierCV` directly, e.g.
``CalibratedClassifierCV(PriorCorrection(pipeline), method="isotonic")``; unskew adds no
wrapper around it because it would add nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.validation import check_is_fitted

from .._utils._validation import (
    HasMethods,
    ParameterError,
    ParamsValidationMixin,
    StrOptions,
    as_python,
    format_labels,
)
from ..exceptions import DataError
from ..weights import class_priors, weights_from_counts
from ._common import (
    check_priors,
    check_target,
    copy_feature_attrs,
    default_estimator,
    inner_input_tags,
)

__all__ = ["PriorCorrection", "effective_class_counts"]


def _final_and_resampled_y(fitted, X, y):
    """The last step of a pipeline and the labels it was fitted on (resamplers replayed)."""
    steps = getattr(fitted, "steps", None)
    if not steps:
        return fitted, y, []
    Xt, yt, used = X, y, []
    for _, step in steps[:-1]:
        if step is None or (isinstance(step, str) and step == "passthrough"):
            continue
        if hasattr(step, "fit_resample"):
            # a fresh copy with the same parameters: the fitted step stays untouched
            Xt, yt = clone(step).fit_resample(Xt, yt)
            used.append(type(step).__name__)
        else:
            Xt = step.transform(Xt)
    return steps[-1][1], np.asarray(yt), used


def effective_class_counts(fitted, X, y, classes=None):
    """Class counts that a fitted model's final classifier effectively learned from.

    Supported, in this order:

    1. a scikit-learn or imbalanced-learn ``Pipeline``: the resampling steps (anything with
       ``fit_resample``) are run again on ``X, y`` (fresh copies with the same parameters, so
       a fixed ``random_state`` reproduces the fit exactly; the counts of samplers that aim at
       a target count are the same for any seed), other steps ``transform``;
    2. the final classifier's ``class_weight`` parameter: ``"balanced"`` (and random forests'
       ``"balanced_subsample"``, approximately) or a ``{class: weight}`` dict turn ``n_c`` into
       ``n_c * w_c``.

    Anything else (sample weights passed to ``fit``, resampling hidden inside an ensemble such
    as ``BalancedRandomForestClassifier``) is not seen: pass the priors explicitly.

    Parameters
    ----------
    fitted : classifier
        The model fitted on ``X, y``.
    X : array-like of shape (n_samples, n_features)
        Its training data.
    y : array-like of shape (n_samples,)
        Its training labels.
    classes : array-like, default=None
        Class order of the result; by default the sorted labels of ``y``.

    Returns
    -------
    counts : ndarray of shape (n_classes,)
        Effective (possibly weighted) counts.
    source : str
        What was applied, e.g. ``"resampled by RandomUnderSampler"``.

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.pipeline import make_pipeline
    >>> from imblearn.under_sampling import RandomUnderSampler
    >>> from sklearn.linear_model import LogisticRegression
    >>> from unskew.threshold import effective_class_counts
    >>> X = np.arange(40.0).reshape(-1, 1)
    >>> y = np.r_[np.zeros(30, int), np.ones(10, int)]
    >>> model = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression()).fit(X, y)
    >>> counts, source = effective_class_counts(model, X, y)
    >>> counts.tolist(), source
    ([10.0, 10.0], 'resampled by RandomUnderSampler')
    """
    final, yt, used = _final_and_resampled_y(fitted, X, np.asarray(y))
    classes = np.unique(np.asarray(y)) if classes is None else np.asarray(classes)
    counts = np.array([(yt == c).sum() for c in classes], dtype=np.float64)
    sources = [f"resampled by {', '.join(used)}"] if used else []
    weights = getattr(final, "get_params", dict)(deep=False).get("class_weight")
    if isinstance(weights, str) and weights in ("balanced", "balanced_subsample"):
        if (counts > 0).all():
            counts = counts * weights_from_counts(counts, "balanced")
        sources.append(f"class_weight={weights!r}")
    elif isinstance(weights, Mapping):
        counts = counts * np.array([weights.get(as_python(c), 1.0) for c in classes])
        sources.append("class_weight dict")
    return counts, "; ".join(sources) or "training counts"


class PriorCorrection(ParamsValidationMixin, MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Correct a classifier's probabilities for the class shares it was trained on.

    Resampling or class weights make a model predict rare classes more often, which is the
    point, but also inflates their probabilities: its ``predict_proba`` is calibrated for the
    training shares, not the real ones. This wrapper fits the estimator and multiplies its
    probabilities by ``true_priors_ / train_priors_``, renormalised (Saerens et al., 2002):
    exact when the resampling changed only the class shares. ``predict`` is the argmax of the
    corrected probabilities, so it undoes the shift of the decisions too; to keep decisions
    that favour rare classes, move them explicitly with :class:`ClassOffsetClassifier` or
    :class:`CostSensitiveClassifier` on top.

    Parameters
    ----------
    estimator : classifier with predict_proba, default=None
        Typically an imbalanced-learn ``Pipeline`` with a resampler, or a model with
        ``class_weight``; ``None`` means ``LogisticRegression()``.
    train_priors : "auto", array-like of shape (n_classes,) or dict, default="auto"
        The class shares the model learned. ``"auto"`` works them out with
        :func:`effective_class_counts` (resampling steps of a pipeline, ``class_weight``).
    true_priors : array-like of shape (n_classes,) or dict, default=None
        The shares to correct to; ``None`` means the shares of ``y`` in ``fit``. Priors are
        renormalised to sum 1 and must be > 0.

    Attributes
    ----------
    estimator_ : classifier
        The fitted model.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    train_priors_, true_priors_ : ndarray of shape (n_classes,)
        The priors used.
    train_priors_source_ : str
        How ``train_priors_`` was found (``"given"`` when passed).

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.over_sampling import RandomOverSampler
    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.linear_model import LogisticRegression
    >>> from unskew.threshold import PriorCorrection
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (900, 2)), rng.normal(1, 1, (100, 2))]
    >>> y = np.r_[np.zeros(900, int), np.ones(100, int)]
    >>> model = make_pipeline(RandomOverSampler(random_state=0), LogisticRegression())
    >>> fixed = PriorCorrection(model).fit(X, y)
    >>> fixed.train_priors_.tolist(), fixed.true_priors_.tolist()
    ([0.5, 0.5], [0.9, 0.1])
    >>> bool(fixed.predict_proba(X)[:, 1].mean() < model.fit(X, y).predict_proba(X)[:, 1].mean())
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [None, HasMethods(["fit"])],
        "train_priors": [StrOptions(("auto",)), "array-like", Mapping],
        "true_priors": [None, "array-like", Mapping],
    }

    def __init__(self, estimator=None, *, train_priors="auto", true_priors=None):
        self.estimator = estimator
        self.train_priors = train_priors
        self.true_priors = true_priors

    def fit(self, X, y):
        """Fit the estimator and work out the prior ratio.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels (with their true shares, unless ``true_priors`` is given).

        Returns
        -------
        self : PriorCorrection
            Fitted.
        """
        self._validate_params()
        who = type(self).__name__
        y, classes, _ = check_target(y, who)
        estimator = default_estimator(self.estimator)
        if not hasattr(estimator, "predict_proba"):
            raise ParameterError(f"{who} corrects probabilities, but "
                                 f"{type(estimator).__name__} has no predict_proba.")
        fitted = clone(estimator).fit(X, y)
        if isinstance(self.train_priors, str):
            counts, source = effective_class_counts(fitted, X, y, classes)
            if not (counts > 0).all():
                raise DataError(
                    f"{who}: after resampling, classes {format_labels(classes[counts <= 0])} "
                    "have no training rows left, so their probabilities cannot be corrected."
                )
            train = counts / counts.sum()
        else:
            train = check_priors(self.train_priors, classes, "train_priors", who)
            source = "given"
        if self.true_priors is None:
            true = np.array(list(class_priors(y, classes=classes).values()))
        else:
            true = check_priors(self.true_priors, classes, "true_priors", who)
        self.estimator_ = fitted
        self.classes_ = classes
        self.train_priors_ = train
        self.true_priors_ = true
        self.train_priors_source_ = source
        copy_feature_attrs(self, fitted)
        return self

    def predict_proba(self, X):
        """Probabilities under ``true_priors_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order; rows sum to 1.
        """
        check_is_fitted(self)
        proba = np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)
        moved = proba * (self.true_priors_ / self.train_priors_)
        total = moved.sum(axis=1, keepdims=True)
        # a row with all-zero probabilities stays uniform rather than dividing by zero
        return np.divide(moved, total, out=np.full_like(moved, 1.0 / moved.shape[1]),
                         where=total > 0)

    def predict(self, X):
        """Predict the most probable class under ``true_priors_``.

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
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        return inner_input_tags(super().__sklearn_tags__(), self.estimator)
