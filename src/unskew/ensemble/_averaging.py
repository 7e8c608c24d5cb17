"""Soft voting whose weights are fitted on out-of-fold probabilities."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import check_cv, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import Bunch
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from .._utils._validation import Hidden, ParameterError, StrOptions, as_python
from ..exceptions import DataError
from ..metrics import METRICS
from ._base import ArgmaxPredictMixin, EnsembleParamsMixin

__all__ = ["WeightedAverageClassifier"]

# Greedy steps of ensemble selection: weights are multiples of 1 / _N_STEPS.
_N_STEPS = 100


def _default_estimators():
    return [
        ("lr", make_pipeline(StandardScaler(),
                             LogisticRegression(class_weight="balanced", max_iter=1000))),
        ("tree", DecisionTreeClassifier(class_weight="balanced", min_samples_leaf=5,
                                        random_state=0)),
    ]


def objective_score(objective: str, y, proba, classes) -> float:
    """Score of averaged probabilities under a :data:`unskew.metrics.METRICS` name, greater is better.

    Label metrics score ``classes[argmax(proba)]``; score and probability metrics score the
    matrix itself. Losses (``log_loss``, ``brier``) are negated.

    Examples
    --------
    >>> import numpy as np
    >>> proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.7, 0.3]])
    >>> objective_score("accuracy", [0, 1, 1], proba, np.array([0, 1]))
    0.6666666666666666
    >>> round(objective_score("log_loss", [0, 1, 1], proba, np.array([0, 1])), 4)
    -0.6067
    """
    spec = METRICS[objective]
    if spec.kind == "label":
        value = spec.function(y, classes[np.argmax(proba, axis=1)])
    else:
        value = spec.function(y, proba, labels=classes)
    return float(value) if spec.greater_is_better else -float(value)


def ensemble_selection(probas, y, classes, objective: str, n_steps: int = _N_STEPS):
    """Non-negative weights summing to 1 that maximise ``objective`` of the weighted average.

    Greedy forward selection with replacement (Caruana et al., ICML 2004): start from the
    empty ensemble and, ``n_steps`` times, add one more copy of the member whose addition
    scores best (the first on ties); the weights are the copy counts over the step count of
    the best-scoring step. It is a coordinate search on the simplex with step ``1 / n``: it
    needs no gradient, so label metrics such as macro-F1 can be optimised directly, and it
    never scores worse on these predictions than the best single member.

    Parameters
    ----------
    probas : list of ndarray of shape (n_samples, n_classes)
        Out-of-fold probabilities of each member.
    y : array-like of shape (n_samples,)
        True labels.
    classes : ndarray of shape (n_classes,)
        Labels of the probability columns.
    objective : str
        A key of :data:`unskew.metrics.METRICS`.
    n_steps : int, default=100
        Number of greedy additions.

    Returns
    -------
    weights : ndarray of shape (n_members,)
    score : float
        The objective at those weights (negated for losses).

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 0, 1, 1])
    >>> good = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8]])
    >>> bad = good[:, ::-1]
    >>> w, score = ensemble_selection([bad, good], y, np.array([0, 1]), "macro_f1")
    >>> w.tolist(), score
    ([0.0, 1.0], 1.0)
    """
    counts = np.zeros(len(probas), dtype=np.int64)
    total = np.zeros_like(probas[0], dtype=np.float64)
    best_score, best_counts = -np.inf, counts.copy()
    for step in range(1, n_steps + 1):
        trials = [objective_score(objective, y, (total + p) / step, classes) for p in probas]
        pick = int(np.argmax(trials))
        counts[pick] += 1
        total += probas[pick]
        if trials[pick] > best_score:
            best_score, best_counts = trials[pick], counts.copy()
    return best_counts / best_counts.sum(), float(best_score)


class WeightedAverageClassifier(EnsembleParamsMixin, ArgmaxPredictMixin, ClassifierMixin, BaseEstimator):
    """Soft voting over full pipelines, with weights fitted on out-of-fold probabilities.

    Each member (typically an imbalanced-learn ``Pipeline`` with its own resampler) is
    cross-validated with :func:`~sklearn.model_selection.cross_val_predict`, so each of its
    fits, and its resampler, only sees the training folds. The weights are then chosen on
    those out-of-fold probabilities by greedy ensemble selection (see Notes), and every
    member is refitted on all of ``(X, y)``. The prediction is the weighted average of the
    members' probabilities. With fixed ``weights`` it is soft voting with those weights
    (scikit-learn's ``VotingClassifier(voting="soft")``), without the cross-validation.

    Binary and multi-class.

    Parameters
    ----------
    estimators : list of (str, classifier), default=None
        Named members, each with ``predict_proba``. None means two class-weighted models:
        a standardised logistic regression (``"lr"``) and a decision tree with at least 5
        rows per leaf (``"tree"``).
    objective : str, default="macro_f1"
        What the weights maximise on the out-of-fold predictions: any name of
        :data:`unskew.metrics.METRICS` (``"balanced_accuracy"``, ``"g_mean"``,
        ``"pr_auc"``, ...). Losses (``"log_loss"``, ``"brier"``) are minimised.
    cv : int, cross-validation generator or iterable, default=5
        Folds for the out-of-fold probabilities, as in ``cross_val_predict`` (an int means
        stratified K-fold). All members use the same folds.
    weights : array-like of shape (n_estimators,), default=None
        Fixed non-negative weights (normalised to sum to 1); None fits them.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    estimators_ : list of classifiers
        The members refitted on all the data, in the order of ``estimators``.
    named_estimators_ : Bunch
        The same, by name.
    weights_ : ndarray of shape (n_estimators,)
        The weights, non-negative and summing to 1.
    cv_score_ : float or None
        The objective of the weighted out-of-fold probabilities (None when ``weights`` is
        given). It is an optimistic estimate: the weights were chosen on these predictions.
    n_features_in_ : int
        Number of features seen by the first member, when it records it.

    See Also
    --------
    sklearn.ensemble.VotingClassifier : fixed weights.
    sklearn.ensemble.StackingClassifier : a meta-learner on out-of-fold predictions.

    Notes
    -----
    Weights come from greedy forward selection with replacement (Caruana et al., "Ensemble
    selection from libraries of models", ICML 2004): a coordinate search on the simplex in
    steps of 1/100 that adds, one step at a time, the member whose extra copy improves the
    objective most, and keeps the best step. Unlike a gradient method it optimises
    thresholded metrics (macro-F1, G-mean) as they are, and it cannot do worse on the
    out-of-fold predictions than the best single member.

    ``fit`` takes no ``sample_weight``: the members' own ``fit`` parameters differ
    (a pipeline takes ``step__sample_weight``), so pass weights inside the members.

    Examples
    --------
    >>> from imblearn.over_sampling import RandomOverSampler
    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from unskew.ensemble import WeightedAverageClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = WeightedAverageClassifier([
    ...     ("ros_lr", make_pipeline(RandomOverSampler(random_state=0), LogisticRegression())),
    ...     ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ... ], objective="balanced_accuracy").fit(X, y)
    >>> float(clf.weights_.sum()), clf.predict_proba(X[:3]).shape
    (1.0, (3, 2))
    """

    _parameter_constraints: ClassVar[dict] = {
        # the pairs themselves are checked in fit (names, probabilities)
        "estimators": [None, list, Hidden(tuple)],
        "objective": [StrOptions(METRICS, description=f"one of {', '.join(METRICS)}")],
        "cv": ["cv_object"],
        # one entry per estimator, finite and >= 0: checked in fit against the members
        "weights": [None, "array-like"],
    }

    def __init__(self, estimators=None, *, objective="macro_f1", cv=5, weights=None):
        self.estimators = estimators
        self.objective = objective
        self.cv = cv
        self.weights = weights

    def get_params(self, deep=True):
        """Parameters, with each member and its parameters by name when ``deep``
        (``"smote+lr__resample__k_neighbors"``), as for scikit-learn's VotingClassifier."""
        params = super().get_params(deep=False)
        if deep and isinstance(self.estimators, list | tuple):
            for item in self.estimators:
                if not (isinstance(item, tuple | list) and len(item) == 2):
                    continue  # malformed: fit says so
                name, est = item
                params[name] = est
                if hasattr(est, "get_params"):
                    params.update({f"{name}__{key}": value
                                   for key, value in est.get_params(deep=True).items()})
        return params

    def set_params(self, **params):
        """Set parameters; a member can be replaced by its name, or tuned through it."""
        if "estimators" in params:
            self.estimators = params.pop("estimators")
        # validation of the members waits for fit; here only well-formed pairs are addressable
        members = self.estimators if isinstance(self.estimators, list | tuple) else ()
        names = {item[0] for item in members
                 if isinstance(item, tuple | list) and len(item) == 2}
        replaced = {key: params.pop(key) for key in list(params) if key in names}
        if replaced:
            self.estimators = [(name, replaced.get(name, est)) for name, est in self.estimators]
        return super().set_params(**params)

    def fit(self, X, y):
        """Fit the weights on out-of-fold probabilities, then every member on all rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, in whatever form the members accept (e.g. a DataFrame).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : WeightedAverageClassifier
            Fitted.
        """
        self._validate_params()
        owner = type(self).__name__
        members = self._members(owner)
        fixed = self._fixed_weights(owner, len(members))
        if y is None:
            raise ValueError(f"{owner} requires y to be passed, but the target y is None.")
        # validation only: the members get X as given (a DataFrame keeps its columns)
        check_array(X, accept_sparse=True, dtype=None, ensure_all_finite=False,
                    ensure_2d=False, allow_nd=True)
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise DataError(f"{owner}: y has only one class, {as_python(self.classes_[0])!r}; the "
                            "members need samples of at least 2 classes.")
        if fixed is None:
            splitter = check_cv(self.cv, y, classifier=True)
            # one splitter for all members, so their out-of-fold rows line up
            splits = list(splitter.split(X, y))
            oof = [cross_val_predict(clone(est), X, y, cv=splits, method="predict_proba")
                   for _, est in members]
            self.weights_, self.cv_score_ = ensemble_selection(oof, y, self.classes_,
                                                               self.objective)
            if not METRICS[self.objective].greater_is_better:
                self.cv_score_ = -self.cv_score_
        else:
            self.weights_, self.cv_score_ = fixed, None
        self.estimators_ = [clone(est).fit(X, y) for _, est in members]
        self.named_estimators_ = Bunch(**{name: est for (name, _), est
                                          in zip(members, self.estimators_, strict=True)})
        first = self.estimators_[0]
        if hasattr(first, "n_features_in_"):
            self.n_features_in_ = first.n_features_in_
        if hasattr(first, "feature_names_in_"):
            self.feature_names_in_ = first.feature_names_in_
        return self

    def _members(self, owner):
        members = _default_estimators() if self.estimators is None else self.estimators
        if not isinstance(members, list | tuple) or not members:
            raise ParameterError(f"{owner}: estimators must be a non-empty list of (name, "
                                 f"classifier) pairs, got {members!r}.")
        names = []
        for item in members:
            if not (isinstance(item, tuple | list) and len(item) == 2
                    and isinstance(item[0], str)):
                raise ParameterError(f"{owner}: each entry of estimators must be a (name, "
                                     f"classifier) pair, got {item!r}.")
            name, est = item
            if not (hasattr(est, "fit") and hasattr(est, "predict_proba")):
                raise ParameterError(f"{owner}: estimator {name!r} ({type(est).__name__}) has no "
                                     "predict_proba; weighted averaging needs probabilities.")
            names.append(name)
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ParameterError(f"{owner}: estimator names must be unique; repeated: {dup}.")
        return list(members)

    def _fixed_weights(self, owner, n_members):
        if self.weights is None:
            return None
        w = np.asarray(self.weights, dtype=np.float64)
        if w.shape != (n_members,):
            raise ParameterError(f"{owner}: weights must have one entry per estimator "
                                 f"({n_members}), got shape {w.shape}.")
        if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
            raise ParameterError(f"{owner}: weights must be finite, >= 0 and not all 0, got "
                                 f"{w.tolist()}.")
        return w / w.sum()

    def predict_proba(self, X):
        """Weighted average of the members' probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        total = None
        for est, w in zip(self.estimators_, self.weights_, strict=True):
            if w == 0:
                continue  # a member the selection never picked
            part = w * est.predict_proba(X)
            total = part if total is None else total + part
        return total
