"""SMOTEBoost (Chawla, Lazarevic, Hall and Bowyer, PKDD 2003), on multi-class SAMME boosting."""

from __future__ import annotations

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._utils._validation import (
    HasMethods,
    Interval,
    ParameterError,
    as_python,
    check_sample_weight,
)
from ..exceptions import DataError
from ..resampling import SMOTE
from ._base import EnsembleParamsMixin, check_classifier, check_smote_classes, seed_estimator

__all__ = ["SMOTEBoostClassifier"]


class SMOTEBoostClassifier(EnsembleParamsMixin, ClassifierMixin, BaseEstimator):
    """Boosting that adds SMOTE rows of the rare classes to every round's training set.

    In each round a resampler (SMOTE by default) draws fresh synthetic rows for every class
    smaller than the largest; the weak learner is fitted on the original rows, with their
    current boosting weights, plus the synthetic ones. The learner's vote comes from its
    weighted error on that round's training set, and the weight update touches the
    **original rows only**: synthetic rows are thrown away after the round, never accumulate
    weight, and the boosting distribution stays one over the real data (Chawla et al. 2003).
    Without synthetic rows (e.g. balanced classes) this is exactly scikit-learn's
    ``AdaBoostClassifier`` (SAMME).

    Works for binary and multi-class problems.

    Parameters
    ----------
    estimator : classifier, default=None
        The weak learner; its ``fit`` must accept ``sample_weight``. None means
        ``DecisionTreeClassifier(max_depth=1)``, AdaBoost's default.
    n_estimators : int, default=50
        Maximum number of boosting rounds; boosting stops early when a learner is perfect
        on its weighted training set, or no better than chance.
    learning_rate : float > 0, default=1.0
        Shrinks each learner's vote (and so the weight update), as in AdaBoost.
    k_neighbors : int >= 1, default=5
        Neighbours of the default SMOTE; each class it grows needs ``k_neighbors + 1`` rows.
        Ignored when ``resampler`` is given.
    resampler : resampler, default=None
        Any object with ``fit_resample(X, y)`` that returns the original rows first,
        unchanged and in order, followed by the new rows (as imbalanced-learn's and unskew's
        over-samplers do). Cloned and re-seeded every round. None means unskew's own
        ``unskew.resampling.SMOTE(k_neighbors=k_neighbors)``, which grows every class to the
        largest one.
    random_state : int, RandomState instance or None, default=None
        Seeds the learners and the resampler of every round.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    estimators_ : list of classifiers
        The fitted learners (fewer than ``n_estimators`` if boosting stopped early). They
        were fitted on labels encoded as ``0 .. n_classes_ - 1``.
    estimator_weights_ : ndarray of shape (n_fitted,)
        Vote of each learner.
    estimator_errors_ : ndarray of shape (n_fitted,)
        Weighted error of each learner on its round's training set (see Notes).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features, when ``X`` has string column names.

    See Also
    --------
    imblearn.ensemble.RUSBoostClassifier : the same idea with random under-sampling.

    Notes
    -----
    The paper boosts with AdaBoost.M2, whose pseudo-loss needs a confidence for every
    (row, wrong class) pair. This class uses SAMME (Zhu et al., 2009) instead: it is the
    multi-class AdaBoost that scikit-learn ships, works with any learner's ``predict``, and
    reduces to the paper's AdaBoost.M1 weighting for two classes (up to the learning rate),
    so the result can be checked against ``AdaBoostClassifier``.

    A synthetic row is trained with the mean current weight of the original rows of its
    class, so boosting's emphasis on a class carries over to its synthetic rows while the
    per-row emphasis stays on the real rows that are still misclassified.

    The error behind a learner's vote is measured on the round's training set (original
    and synthetic rows, with those weights), the distribution the learner was fitted to.
    Measured on the original rows alone, a learner fitted to the rebalanced set is judged on
    the skewed distribution it was deliberately not fitted to: its error often reaches
    ``1 - 1/K`` and boosting stops after a round or two.

    ``estimator_errors_`` holds these errors; ``estimator_weights_`` the votes
    ``learning_rate * (log((1 - err) / err) + log(K - 1))``.

    References
    ----------
    N. V. Chawla, A. Lazarevic, L. O. Hall, K. W. Bowyer, "SMOTEBoost: Improving prediction
    of the minority class in boosting", PKDD 2003, pp. 107-119.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from unskew.ensemble import SMOTEBoostClassifier
    >>> from unskew.metrics import balanced_accuracy
    >>> X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
    >>> clf = SMOTEBoostClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> len(clf.estimators_) <= 20, clf.predict_proba(X[:2]).shape
    (True, (2, 2))
    >>> balanced_accuracy(y, clf.predict(X)) > 0.8
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [None, HasMethods(["fit", "predict"])],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither",
                                   description="a real number > 0")],
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "resampler": "no_validation",  # None or an over-sampler: checked in fit, where it is used
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, n_estimators=50, learning_rate=1.0, k_neighbors=5,
                 resampler=None, random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.k_neighbors = k_neighbors
        self.resampler = resampler
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        """Boost on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows (dense, numeric).
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Initial boosting distribution over the rows (normalised); None means uniform.

        Returns
        -------
        self : SMOTEBoostClassifier
            Fitted.
        """
        self._validate_params()
        owner = type(self).__name__
        n_rounds, rate = int(self.n_estimators), float(self.learning_rate)
        base = check_classifier(owner, self.estimator, DecisionTreeClassifier(max_depth=1),
                                need_sample_weight=True)
        resampler = self._resampler(owner)
        X, y = validate_data(self, X, y, dtype="numeric")
        check_classification_targets(y)
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        self.n_classes_ = n_classes = len(self.classes_)
        if n_classes < 2:
            raise DataError(f"{owner}: y has only one class, {as_python(self.classes_[0])!r}; boosting "
                            "needs samples of at least 2 classes.")
        counts = np.bincount(y_enc, minlength=n_classes)
        if self.resampler is None:
            check_smote_classes(owner, self.classes_, counts, self.k_neighbors,
                                counts < counts.max())
        weight = _initial_weights(owner, sample_weight, X.shape[0])

        rng = check_random_state(self.random_state)
        n = X.shape[0]
        self.estimators_, alphas, errors = [], [], []
        for round_ in range(n_rounds):
            learner = seed_estimator(clone(base), rng)
            X_res, y_res = _resample(owner, seed_estimator(clone(resampler), rng), X, y_enc)
            # synthetic rows weigh as the mean original row of their class (see Notes)
            class_mean = (np.bincount(y_enc, weights=weight, minlength=n_classes)
                          / np.maximum(counts, 1))
            weight_res = np.concatenate([weight, class_mean[y_res[n:]]])
            learner.fit(X_res, y_res, sample_weight=weight_res)
            incorrect_res = learner.predict(X_res) != y_res
            # the error is taken on the set the learner was fitted to (see Notes)
            error = float(np.average(incorrect_res, weights=weight_res))
            incorrect = incorrect_res[:n]
            if error <= 0.0:  # perfect on its training set: it alone decides
                self.estimators_.append(learner)
                alphas.append(1.0)
                errors.append(0.0)
                break
            if error >= 1.0 - 1.0 / n_classes:
                if not self.estimators_:
                    raise ValueError(
                        f"{owner}: the first learner {type(base).__name__} is no better than "
                        f"chance on its training set (weighted error {error:.3f} >= "
                        f"{1 - 1 / n_classes:.3f}), so boosting cannot start; use a stronger "
                        "estimator (e.g. a deeper tree).")
                break  # later learners no better than chance are dropped, as in AdaBoost
            alpha = rate * (np.log((1.0 - error) / error) + np.log(n_classes - 1.0))
            self.estimators_.append(learner)
            alphas.append(alpha)
            errors.append(error)
            if round_ < n_rounds - 1:
                # only the original rows are reweighted; zero weights stay zero
                weight = weight * np.exp(alpha * incorrect * (weight > 0))
                total = weight.sum()
                if not np.isfinite(total) or total <= 0:
                    break
                weight = weight / total
        self.estimator_weights_ = np.asarray(alphas, dtype=np.float64)
        self.estimator_errors_ = np.asarray(errors, dtype=np.float64)
        return self

    def _resampler(self, owner):
        if self.resampler is None:
            return SMOTE(k_neighbors=self.k_neighbors)
        if not hasattr(self.resampler, "fit_resample"):
            raise ParameterError(f"{owner}: resampler must have fit_resample(X, y) (an "
                                 f"over-sampler such as imblearn's SMOTE), got {self.resampler!r}.")
        return self.resampler

    def decision_function(self, X):
        """SAMME score of each class (binary: one column, positive means ``classes_[1]``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        ndarray of shape (n_samples,) for two classes, else (n_samples, n_classes)
            The vote-weighted mean of the learners' coded predictions.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype="numeric", reset=False)
        k = self.n_classes_
        score = np.zeros((X.shape[0], k), dtype=np.float64)
        for learner, alpha in zip(self.estimators_, self.estimator_weights_, strict=True):
            # SAMME codes a vote for class c as 1 and for every other class as -1/(K-1)
            hit = learner.predict(X)[:, None] == np.arange(k)[None, :]
            score += np.where(hit, alpha, -alpha / (k - 1))
        score /= self.estimator_weights_.sum()
        if k == 2:
            return score[:, 1] - score[:, 0]
        return score

    def predict_proba(self, X):
        """Class probabilities, ``softmax(decision / (K - 1))`` as in AdaBoost (Zhu et al.).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        decision = self.decision_function(X)
        if self.n_classes_ == 2:
            # the binary decision is score_1 - score_0, i.e. twice each class's signed score
            return softmax(np.column_stack([-decision, decision]) / 2.0, axis=1)
        return softmax(decision / (self.n_classes_ - 1), axis=1)

    def predict(self, X):
        """Predict the class with the largest SAMME score.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        decision = self.decision_function(X)
        if self.n_classes_ == 2:
            return self.classes_[(decision > 0).astype(np.intp)]
        return self.classes_[np.argmax(decision, axis=1)]


def _initial_weights(owner, sample_weight, n_samples):
    if sample_weight is None:
        return np.full(n_samples, 1.0 / n_samples)
    w = check_sample_weight(sample_weight, n_samples, owner)
    if w.sum() <= 0:
        raise ValueError(f"{owner}: sample_weight is zero for every row; at least one "
                         "row needs a positive weight.")
    return w / w.sum()


def _resample(owner, resampler, X, y):
    """Run the resampler and check that it kept the original rows first, as given."""
    out = resampler.fit_resample(X, y)
    X_res, y_res = np.asarray(out[0]), np.asarray(out[1])
    n = X.shape[0]
    if (X_res.ndim != 2 or X_res.shape[0] < n or X_res.shape[0] != y_res.shape[0]
            or not np.array_equal(X_res[:n], X) or not np.array_equal(y_res[:n], y)):
        raise ValueError(
            f"{owner}: resampler {type(resampler).__name__} must return the original rows "
            "first, unchanged and in order, followed by the new rows (as imbalanced-learn's "
            "over-samplers do): boosting reweights the original rows by position. "
            "Under-samplers and cleaning resamplers cannot be used here.")
    return X_res, y_res.astype(np.intp)
