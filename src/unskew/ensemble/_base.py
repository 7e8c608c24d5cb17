"""Checks and helpers that the ensembles of this room share.

The wording of their parameter messages (:class:`EnsembleParamsMixin`), the classifier checks,
the per-member seeding rule, the "class too small for SMOTE" check and the averaging of member
probabilities.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from .._utils._validation import SHORT_TEMPLATE, ParameterError, ParamsValidationMixin, as_python
from ..exceptions import DataError

__all__ = [
    "EnsembleParamsMixin",
    "average_member_proba",
    "check_classifier",
    "check_smote_classes",
    "seed_estimator",
]

_MAX_SEED = np.iinfo(np.int32).max


class EnsembleParamsMixin(ParamsValidationMixin):
    """Parameter validation of the ensembles, in the shorter wording their tests pin.

    ``"SMOTEBoostClassifier: n_estimators must be an int >= 1, got 0."`` (see
    :data:`~unskew._utils._validation.SHORT_TEMPLATE`); ``fit`` calls ``_validate_params`` first.
    """

    _parameter_template = SHORT_TEMPLATE


def check_classifier(owner: str, estimator, default, *, need_proba: bool = False,
                     need_sample_weight: bool = False):
    """Return an unfitted clone of ``estimator`` (or of ``default`` when it is None), checked.

    What the ``estimator`` constraint (an object with ``fit`` and ``predict``) cannot say: that
    it is a classifier, with ``predict_proba`` or a ``sample_weight`` when the ensemble needs
    them.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> check_classifier("X", None, DecisionTreeClassifier(max_depth=1))
    DecisionTreeClassifier(max_depth=1)
    >>> check_classifier("X", LinearRegression(), None)
    Traceback (most recent call last):
    ...
    unskew.exceptions.ParameterError: X: estimator must be a classifier, got the regressor or transformer LinearRegression.
    """
    est = default if estimator is None else estimator
    if not is_classifier(est):
        raise ParameterError(f"{owner}: estimator must be a classifier, got the regressor or "
                             f"transformer {type(est).__name__}.")
    if need_proba and not hasattr(est, "predict_proba"):
        raise ParameterError(f"{owner}: estimator {type(est).__name__} has no predict_proba; the "
                             "ensemble needs member probabilities. Use a probabilistic classifier "
                             "(e.g. DecisionTreeClassifier) or wrap it in CalibratedClassifierCV.")
    if need_sample_weight and not has_fit_parameter(est, "sample_weight"):
        raise ParameterError(f"{owner}: estimator {type(est).__name__} does not accept "
                             "sample_weight in fit, which boosting needs to reweight the rows. Use "
                             "one that does (e.g. DecisionTreeClassifier, LogisticRegression).")
    return clone(est)


def seed_estimator(estimator, rng: np.random.RandomState):
    """Give every ``random_state`` parameter of ``estimator`` (nested ones too) a seed from ``rng``.

    Parameters are seeded in sorted order, so a given ``rng`` always yields the same members.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> tree = seed_estimator(DecisionTreeClassifier(), np.random.RandomState(0))
    >>> isinstance(tree.random_state, int)
    True
    """
    seeds = {key: int(rng.randint(_MAX_SEED))
             for key in sorted(estimator.get_params(deep=True))
             if key == "random_state" or key.endswith("__random_state")}
    if seeds:
        estimator.set_params(**seeds)
    return estimator


def check_smote_classes(owner: str, classes, counts, k_neighbors: int, needs_smote):
    """Raise a :class:`DataError` if a class that SMOTE must grow has too few rows.

    SMOTE interpolates a row towards one of its ``k_neighbors`` nearest same-class rows, so the
    class needs at least ``k_neighbors + 1`` rows.

    Examples
    --------
    >>> import numpy as np
    >>> check_smote_classes("SMOTEBoostClassifier", np.array(["a", "b"]), np.array([50, 3]), 5,
    ...                     np.array([False, True]))
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: SMOTEBoostClassifier: class 'b' has 3 training rows, but SMOTE with k_neighbors=5 needs at least 6 (each synthetic row joins a row to one of its 5 nearest rows of the same class); lower k_neighbors to at most 2 or collect more rows of that class.
    """
    for cls, n, need in zip(classes, counts, needs_smote, strict=True):
        if need and n <= k_neighbors:
            label = as_python(cls)
            fix = (f"lower k_neighbors to at most {n - 1}" if n > 1
                   else "a class with one row cannot be interpolated; drop it")
            raise DataError(
                f"{owner}: class {label!r} has {n} training row{'s' if n != 1 else ''}, but "
                f"SMOTE with k_neighbors={k_neighbors} needs at least {k_neighbors + 1} (each "
                f"synthetic row joins a row to one of its {k_neighbors} nearest rows of the "
                f"same class); {fix} or collect more rows of that class."
            )


def average_member_proba(estimators, X, n_classes: int) -> np.ndarray:
    """Mean of the members' class probabilities (vote shares for members without predict_proba).

    Members were fitted on labels encoded ``0 .. n_classes - 1``; their ``classes_`` say which
    columns they output, so a member that never saw a class contributes 0 to that column.
    """
    proba = np.zeros((X.shape[0], n_classes), dtype=np.float64)
    for est in estimators:
        cols = np.asarray(est.classes_, dtype=np.intp)
        if hasattr(est, "predict_proba"):
            proba[:, cols] += est.predict_proba(X)
        else:
            proba[np.arange(X.shape[0]), est.predict(X).astype(np.intp)] += 1.0
    return proba / len(estimators)


class ArgmaxPredictMixin:
    """``predict`` as the class of largest ``predict_proba`` (ensembles that average)."""

    def predict(self, X):
        """Predict the class of largest (mean or weighted) probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class MemberAveragingMixin(ArgmaxPredictMixin):
    """``predict_proba`` / ``predict`` for ensembles whose prediction is the mean of their
    members' (``estimators_``, fitted on labels encoded ``0 .. n_classes_ - 1``)."""

    def predict_proba(self, X):
        """Mean of the members' probabilities (vote shares for members without predict_proba).

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
        X = validate_data(self, X, dtype="numeric", reset=False)
        return average_member_proba(self.estimators_, X, self.n_classes_)
