"""Binary decision-threshold tuning that keeps strategy factories blind to the target.

A strategy's ``build`` never sees ``y``, yet scikit-learn's
:class:`~sklearn.model_selection.TunedThresholdClassifierCV` has to know which class is the
positive one, and only makes sense for two classes. :class:`BinaryTunedThreshold` decides both
in ``fit``: it refuses a multi-class target with a :class:`~unskew.exceptions.DataError` that
names the strategy, and tunes the cut-off on the probability of the *minority* class, whatever
the alphabetical order of the labels.

The tuned threshold lives in the fitted estimator (``threshold_``): one source of truth, saved
with the model.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score, make_scorer
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
from sklearn.utils import get_tags
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ...exceptions import DataError

__all__ = ["BinaryTunedThreshold"]


def _balanced_accuracy(y_true, y_pred, *, pos_label=None):
    # balanced accuracy is symmetric in the two classes; pos_label is accepted only so that the
    # scorer tells TunedThresholdClassifierCV which class's probability the threshold is on
    return balanced_accuracy_score(y_true, y_pred)


_SCORES = {"balanced_accuracy": _balanced_accuracy, "f1": f1_score}


class BinaryTunedThreshold(ClassifierMixin, BaseEstimator):
    """Tune the decision threshold on the minority-class probability by cross-validation.

    ``fit`` runs :class:`~sklearn.model_selection.TunedThresholdClassifierCV` with the
    minority class of ``y`` as the positive class and keeps its refitted estimator and best
    threshold. ``predict`` returns the minority class when its probability is at least
    ``threshold_``; ``predict_proba`` returns the inner estimator's probabilities unchanged.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, default=None
        The model (usually a pipeline) to tune; ``None`` means ``LogisticRegression()``.
    scoring : {"balanced_accuracy", "f1"}, default="balanced_accuracy"
        What the threshold maximises; ``"f1"`` is the F1 of the minority class.
    cv : int, default=5
        Stratified folds (no shuffling, so the fit is deterministic). Lowered to the minority
        class count when that is smaller, so every training fold sees the minority class.
    name : str, default=None
        How error messages refer to this estimator (the strategy name, e.g.
        ``"tuned-threshold+lr"``).

    Attributes
    ----------
    estimator_ : estimator
        ``estimator`` refitted on all the data.
    classes_ : ndarray of shape (2,)
        The class labels, sorted.
    pos_label_ : object
        The minority class (``classes_[1]`` on a tie), whose probability is thresholded.
    threshold_ : float
        The tuned cut-off on ``predict_proba(X)[:, classes_ == pos_label_]``.
    best_score_ : float
        Cross-validated ``scoring`` at ``threshold_``.
    n_splits_ : int
        Folds actually used.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (90, 2)), rng.normal(1.5, 1, (10, 2))]
    >>> y = np.array(["normal"] * 90 + ["fraud"] * 10)
    >>> clf = BinaryTunedThreshold(scoring="f1", cv=3).fit(X, y)
    >>> clf.pos_label_, bool(0 < clf.threshold_ < 1)
    ('fraud', True)
    >>> set(clf.predict(X)) <= {"fraud", "normal"}
    True
    """

    def __init__(self, estimator=None, *, scoring="balanced_accuracy", cv=5, name=None):
        self.estimator = estimator
        self.scoring = scoring
        self.cv = cv
        self.name = name

    def fit(self, X, y):
        """Fit the estimator and tune the threshold.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Training data, as the inner estimator accepts it.
        y : array-like of shape (n_samples,)
            Binary class labels (any type).

        Returns
        -------
        self : BinaryTunedThreshold
            Fitted.
        """
        self._check_params()
        who = self.name or type(self).__name__
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        y = np.asarray(y)
        check_classification_targets(y)
        classes, counts = np.unique(y, return_counts=True)
        if classes.shape[0] != 2:
            shown = ", ".join(repr(c) for c in classes[:6].tolist())
            more = ", ..." if classes.shape[0] > 6 else ""
            raise DataError(
                f"{who} needs a binary target, but y has {classes.shape[0]} classes "
                f"({shown}{more}). Only binary classification is supported: a decision "
                "threshold separates exactly two classes. Use a weighting or resampling "
                "strategy for multi-class data."
            )
        pos = 0 if counts[0] < counts[1] else 1
        if counts[pos] < 2:
            raise DataError(
                f"{who} tunes its threshold by cross-validation and needs at least 2 rows of "
                f"each class; class {classes.tolist()[pos]!r} has {counts[pos]}"
            )
        n_splits = min(self.cv, int(counts[pos]))
        estimator = self.estimator if self.estimator is not None else LogisticRegression()
        scorer = make_scorer(_SCORES[self.scoring], pos_label=classes.tolist()[pos])
        tuner = TunedThresholdClassifierCV(
            clone(estimator), scoring=scorer, response_method="predict_proba",
            cv=StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0), refit=True,
        )
        try:
            tuner.fit(X, y)
        except ValueError as exc:
            if "constant predictions" not in str(exc):
                raise
            raise DataError(
                f"{who} cannot tune a threshold: in a {n_splits}-fold cross-validation of the "
                f"{y.shape[0]} training rows ({counts[pos]} of class {classes.tolist()[pos]!r}) "
                "the model gives every row of a fold the same probability, so no cut-off "
                "separates the classes. There are too few rows for this model."
            ) from exc

        self.estimator_ = tuner.estimator_
        self.classes_ = classes
        self.pos_label_ = classes.tolist()[pos]
        self.threshold_ = float(tuner.best_threshold_)
        self.best_score_ = float(tuner.best_score_)
        self.n_splits_ = n_splits
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, attr):
                setattr(self, attr, getattr(self.estimator_, attr))
        return self

    def predict_proba(self, X):
        """Class probabilities of the inner estimator (not moved by the threshold).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        """Predict the minority class where its probability reaches ``threshold_``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,)
            Class labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        pos = int(np.flatnonzero(self.classes_ == self.pos_label_)[0])
        chosen = np.where(proba[:, pos] >= self.threshold_, pos, 1 - pos)
        return self.classes_[chosen]

    def _check_params(self):
        if self.scoring not in _SCORES:
            raise ValueError(
                f"The 'scoring' parameter of {type(self).__name__} must be one of "
                f"{', '.join(map(repr, _SCORES))}. Got {self.scoring!r} instead."
            )
        if not isinstance(self.cv, Integral) or isinstance(self.cv, bool) or self.cv < 2:
            raise ValueError(
                f"The 'cv' parameter of {type(self).__name__} must be an int >= 2. "
                f"Got {self.cv!r} instead."
            )
        if self.estimator is not None and not hasattr(self.estimator, "predict_proba"):
            raise ValueError(
                f"The 'estimator' parameter of {type(self).__name__} must have predict_proba; "
                f"{type(self.estimator).__name__} has not."
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        if self.estimator is not None:
            inner = get_tags(self.estimator).input_tags
            tags.input_tags.allow_nan = inner.allow_nan
            tags.input_tags.sparse = inner.sparse
            tags.input_tags.string = inner.string
        return tags
