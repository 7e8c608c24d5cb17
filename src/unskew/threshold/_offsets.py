"""Multi-class threshold moving: per-class additive offsets on log-probabilities (or scores).

A classifier predicts ``argmax_c s_c(x)``, with ``s_c`` its log-probability of class ``c`` (or
its ``decision_function`` score when it has no probabilities). Moving the decision means
predicting ``argmax_c s_c(x) + b_c`` instead. Two ways of choosing ``b``:

* :class:`LogitAdjustedClassifier`: the closed form ``b_c = -tau * log(prior_c)`` (Menon et al.,
  "Long-tail learning via logit adjustment", ICLR 2021). With ``tau = 1`` and log-probabilities
  this divides out the training prior, the Bayes decision for balanced error.
* :class:`ClassOffsetClassifier`: offsets learned by coordinate ascent on out-of-fold scores
  for a chosen objective (macro-F1, balanced accuracy, G-mean, expected cost, ...).

Adding the same constant to every offset changes nothing; learned offsets start at 0 and only
the classes whose decisions needed moving get a non-zero offset.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import _safe_indexing, indexable
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._utils._validation import (
    HasMethods,
    Interval,
    ParamsValidationMixin,
    StrOptions,
    as_python,
    check_folds,
)
from ..metrics import METRICS
from ..weights import class_priors
from ._common import (
    check_priors,
    check_target,
    copy_feature_attrs,
    default_estimator,
    inner_input_tags,
    response_method_of,
    scores_of,
    softmax,
)
from ._objectives import label_objective

__all__ = ["ClassOffsetClassifier", "LogitAdjustedClassifier"]

# candidate offsets per class and pass: a coarse sweep over quantiles of the break points, then
# every break point between the coarse neighbours of the best coarse candidate
_COARSE = 48


def _has_proba(self):
    if hasattr(self, "response_method_"):
        return self.response_method_ == "predict_proba"
    return hasattr(default_estimator(self.estimator), "predict_proba")


class _OffsetClassifier(ParamsValidationMixin, MetaEstimatorMixin, ClassifierMixin,
                        BaseEstimator):
    """Shared prediction side: ``argmax(scores + offsets_)``."""

    def _models(self):
        check_is_fitted(self, "offsets_")
        return self.estimators_ if hasattr(self, "estimators_") else self.estimator_

    def _adjusted(self, X):
        return scores_of(self._models(), X, self.response_method_) + self.offsets_

    def decision_function(self, X):
        """Scores moved by the offsets: ``log p(c | x) + offsets_`` (or ``decision + offsets_``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes), or (n_samples,) for two classes
            For two classes, the score of ``classes_[1]`` minus that of ``classes_[0]``
            (positive means ``classes_[1]``), as scikit-learn's binary classifiers.
        """
        scores = self._adjusted(X)
        return scores[:, 1] - scores[:, 0] if scores.shape[1] == 2 else scores

    def predict(self, X):
        """Predict ``classes_[argmax(scores + offsets_)]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        scores = self._adjusted(X)
        return self.classes_[np.argmax(scores, axis=1)]

    @available_if(_has_proba)
    def predict_proba(self, X):
        """Probabilities moved by the offsets: ``p(c | x) exp(offsets_c)``, renormalised.

        For logit adjustment with ``tau=1`` these are the probabilities under uniform class
        priors. Their argmax is :meth:`predict`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order.
        """
        return softmax(self._adjusted(X))

    def __sklearn_tags__(self):
        return inner_input_tags(super().__sklearn_tags__(), self.estimator)


class LogitAdjustedClassifier(_OffsetClassifier):
    """Post-hoc logit adjustment: predict ``argmax_c log p(c | x) - tau * log(prior_c)``.

    The closed-form special case of :class:`ClassOffsetClassifier` (Menon et al., ICLR 2021):
    no search, no extra fits. With ``tau=1`` the decision is the one that maximises balanced
    accuracy when the model's probabilities are calibrated for the training priors.

    Parameters
    ----------
    estimator : classifier, default=None
        Uses ``predict_proba`` (log-probabilities), else ``decision_function`` (raw scores,
        for which the adjustment is a heuristic); ``None`` means ``LogisticRegression()``.
    tau : float >= 0, default=1.0
        Strength of the adjustment; 0 gives the plain argmax.
    priors : array-like of shape (n_classes,) or dict, default=None
        Class priors the model learned, in ``classes_`` order or ``{label: prior}``, all > 0
        (renormalised to sum 1). ``None`` means the class shares of ``y``. For a model trained
        on resampled data pass the resampled shares (or use :class:`PriorCorrection`).

    Attributes
    ----------
    estimator_ : classifier
        The fitted model.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    priors_ : ndarray of shape (n_classes,)
        The priors used.
    offsets_ : ndarray of shape (n_classes,)
        ``-tau * log(priors_)``.
    response_method_ : str
        ``"predict_proba"`` or ``"decision_function"``.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.threshold import LogitAdjustedClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (180, 2)), rng.normal(1, 1, (20, 2))]
    >>> y = np.r_[np.zeros(180, int), np.ones(20, int)]
    >>> clf = LogitAdjustedClassifier().fit(X, y)
    >>> np.round(clf.offsets_, 4).tolist()  # -log(0.9), -log(0.1)
    [0.1054, 2.3026]
    >>> bool((clf.predict(X) == 1).sum() > 20)
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [None, HasMethods(["fit"])],
        "tau": [Interval(Real, 0, None, closed="left")],
        "priors": [None, "array-like", Mapping],
    }

    def __init__(self, estimator=None, *, tau=1.0, priors=None):
        self.estimator = estimator
        self.tau = tau
        self.priors = priors

    def fit(self, X, y):
        """Fit the estimator and set ``offsets_ = -tau * log(priors_)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : LogitAdjustedClassifier
            Fitted.
        """
        self._validate_params()
        who = type(self).__name__
        y, classes, _ = check_target(y, who)
        estimator = default_estimator(self.estimator)
        method = response_method_of(estimator, who)
        if self.priors is None:
            priors = np.array(list(class_priors(y, classes=classes).values()))
        else:
            priors = check_priors(self.priors, classes, "priors", who)
        self.estimator_ = clone(estimator).fit(X, y)
        self.classes_ = classes
        self.response_method_ = method
        self.priors_ = priors
        self.offsets_ = -float(self.tau) * np.log(priors)
        copy_feature_attrs(self, self.estimator_)
        return self


def _break_points(margin):
    """Candidate offsets: one inside every interval between distinct margins, and both ends."""
    m = np.unique(margin)
    inner = (m[:-1] + m[1:]) / 2.0
    return np.r_[m[0] - 1.0, inner, m[-1] + 1.0]


def _best_offset(scores, offsets, k, y_idx, key, current):
    """Best offset of class ``k`` with the others fixed: ``(offset, key)`` or ``None``."""
    moved = scores + offsets
    moved[:, k] = -np.inf
    other = np.argmax(moved, axis=1)
    # row goes to class k exactly when offset_k > margin
    margin = moved[np.arange(len(other)), other] - scores[:, k]
    points = _break_points(margin)

    def sweep(cands):
        keys = [key(y_idx, np.where(c > margin, k, other)) for c in cands]
        best = max(range(len(cands)), key=lambda i: (keys[i], -abs(cands[i] - offsets[k])))
        return best, keys[best]

    if len(points) <= 2 * _COARSE:
        i, best = sweep(points)
        choice = points[i]
    else:
        coarse_at = np.unique(np.linspace(0, len(points) - 1, _COARSE).round().astype(int))
        i, best = sweep(points[coarse_at])
        lo = coarse_at[max(i - 1, 0)]
        hi = coarse_at[min(i + 1, len(coarse_at) - 1)]
        fine = points[lo:hi + 1]
        j, best = sweep(fine)
        choice = fine[j]
    return (choice, best) if best > current else None


def coordinate_ascent(scores, y_idx, key, *, n_rounds):
    """Per-class offsets that maximise ``key`` on ``(scores, y_idx)``, starting from zero.

    Each pass tries every class in turn: a 1-D search over the offsets at which that class's
    decisions change. A move is kept only if the objective of the real ``argmax`` strictly
    improves, so the result never scores below the plain argmax on these scores.

    Returns
    -------
    offsets : ndarray of shape (n_classes,)
        Zero for the classes never moved (not re-centred: a shift could flip float ties).
    start, best : tuple
        Objective keys of the argmax and of the offsets.
    rounds : int
        Passes run (stops early after a pass without improvement).
    """
    n_classes = scores.shape[1]
    offsets = np.zeros(n_classes)
    start = best = key(y_idx, np.argmax(scores, axis=1))
    rounds = 0
    for _ in range(n_rounds):
        rounds += 1
        improved = False
        for k in range(n_classes):
            found = _best_offset(scores, offsets, k, y_idx, key, best)
            if found is None:
                continue
            trial = offsets.copy()
            trial[k] = found[0]
            # confirm on the true argmax (guards float ties at a break point)
            real = key(y_idx, np.argmax(scores + trial, axis=1))
            if real > best:
                offsets, best, improved = trial, real, True
        if not improved:
            break
    return offsets, start, best, rounds


class ClassOffsetClassifier(_OffsetClassifier):
    """Learn one additive offset per class on out-of-fold scores, for a chosen objective.

    ``fit`` computes out-of-fold scores with stratified ``cv``-fold cross-validation (each row
    scored by a model that did not see it), then finds offsets by coordinate ascent: for each
    class in turn, a 1-D search over the offsets at which that class's decisions change (every
    break point, or a coarse-to-fine sweep of them on large data), repeated until a pass brings
    no improvement or ``n_rounds`` passes are done. Predictions are
    ``argmax_c s_c(x) + offsets_c``, with ``s`` the log-probabilities of the estimator (its
    ``decision_function`` scores when it has no ``predict_proba``).

    The offsets never score below the plain argmax on the out-of-fold data (they start at zero
    and a move is kept only when it strictly improves the objective); how much of that gain
    holds on new data is what a held-out evaluation measures.

    Parameters
    ----------
    estimator : classifier, default=None
        The model; ``None`` means ``LogisticRegression()``.
    objective : str, default="macro_f1"
        ``"macro_f1"``, ``"balanced_accuracy"``, ``"gmean"`` (ties broken by G-mean with zero
        recalls counted as 1e-3, so one missed class does not flatten the search), ``"cost"``
        (minimise :func:`expected_cost` with ``cost_matrix``), or any other label metric of
        :data:`unskew.metrics.METRICS` (e.g. ``"mcc"``).
    cost_matrix : array-like of shape (n_classes, n_classes) or dict of dicts, default=None
        Required by ``objective="cost"``; ``C[i, j]`` = cost of predicting ``j`` when the
        truth is ``i`` (see :class:`CostSensitiveClassifier`).
    cv : int, default=5
        Stratified, shuffled folds (unshuffled folds of sorted data, such as enumerated
        categorical tables, give out-of-fold scores unlike the refitted model's). Lowered, with
        a warning, to
        the smallest class count, so every training fold holds every class; a class with a
        single row is refused.
    n_rounds : int, default=10
        Maximum passes over the classes.
    refit : bool, default=True
        True: refit the estimator on all data for prediction. False: keep the ``cv`` fold
        models and average their outputs (no extra fit).
    random_state : int, RandomState instance or None, default=None
        Shuffling of the folds; an int makes ``fit`` deterministic.

    Attributes
    ----------
    estimator_ : classifier
        The model refitted on all data (``refit=True``).
    estimators_ : list of classifiers
        The fold models (``refit=False``).
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    offsets_ : ndarray of shape (n_classes,)
        The learned offsets, in ``classes_`` order (0 for classes never moved).
    response_method_ : str
        ``"predict_proba"`` or ``"decision_function"``.
    n_splits_ : int
        Folds used.
    argmax_score_ : float
        Objective of the plain argmax on the out-of-fold scores (expected cost for ``"cost"``).
    best_score_ : float
        Objective with ``offsets_`` on the out-of-fold scores (same sign convention).
    n_rounds_ : int
        Passes run.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from unskew.threshold import ClassOffsetClassifier
    >>> X, y = make_classification(n_samples=600, n_classes=3, n_informative=4,
    ...                            weights=[0.8, 0.15, 0.05], random_state=0)
    >>> clf = ClassOffsetClassifier(cv=3, random_state=0).fit(X, y)
    >>> clf.offsets_.shape, bool(clf.best_score_ >= clf.argmax_score_)
    ((3,), True)
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [None, HasMethods(["fit"])],
        # the objectives label_objective knows: the label metrics, G-mean and expected cost
        "objective": [StrOptions((*(name for name, spec in METRICS.items()
                                    if spec.kind == "label"), "gmean", "cost"))],
        "cost_matrix": [None, "array-like", Mapping],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "n_rounds": [Interval(Integral, 1, None, closed="left")],
        "refit": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, objective="macro_f1", cost_matrix=None, cv=5,
                 n_rounds=10, refit=True, random_state=None):
        self.estimator = estimator
        self.objective = objective
        self.cost_matrix = cost_matrix
        self.cv = cv
        self.n_rounds = n_rounds
        self.refit = refit
        self.random_state = random_state

    def fit(self, X, y):
        """Compute out-of-fold scores, learn the offsets, and (by default) refit the estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : ClassOffsetClassifier
            Fitted.
        """
        self._validate_params()
        who = type(self).__name__
        cv = int(self.cv)
        y, classes, counts = check_target(y, who)
        key = label_objective(self.objective, self.cost_matrix, classes, who)
        estimator = default_estimator(self.estimator)
        method = response_method_of(estimator, who)
        n_splits = check_folds(y, cv, who)
        if n_splits < cv:
            warnings.warn(
                f"{who}: class {as_python(classes[np.argmin(counts)])!r} has only "
                f"{counts.min()} rows, so the out-of-fold scores use {n_splits} folds instead "
                f"of cv={cv} (every training fold must hold every class).",
                UserWarning, stacklevel=2,
            )
        for stale in ("estimator_", "estimators_"):  # from an earlier fit with the other refit
            self.__dict__.pop(stale, None)
        X = indexable(X)[0]  # lists, sparse matrices of any format
        y_idx = np.searchsorted(classes, y)
        oof = np.empty((y.shape[0], classes.shape[0]))
        fold_models = []
        for train, test in StratifiedKFold(n_splits=n_splits, shuffle=True,
                                       random_state=self.random_state).split(
                np.zeros(len(y)), y_idx):
            model = clone(estimator).fit(_safe_indexing(X, train), y[train])
            oof[test] = scores_of(model, _safe_indexing(X, test), method)
            fold_models.append(model)
        offsets, start, best, rounds = coordinate_ascent(oof, y_idx, key,
                                                         n_rounds=int(self.n_rounds))
        sign = -1.0 if self.objective == "cost" else 1.0
        if self.refit:
            self.estimator_ = clone(estimator).fit(X, y)
            copy_feature_attrs(self, self.estimator_)
        else:
            self.estimators_ = fold_models
            copy_feature_attrs(self, fold_models[0])
        self.classes_ = classes
        self.response_method_ = method
        self.offsets_ = offsets
        self.n_splits_ = n_splits
        self.argmax_score_ = sign * start[0]
        self.best_score_ = sign * best[0]
        self.n_rounds_ = rounds
        return self
