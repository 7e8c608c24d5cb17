"""Checks and helpers that the ensembles of this room share.

One error template for bad parameters (class, parameter, what is allowed, what was given), the
per-member seeding rule, the "class too small for SMOTE" check and the averaging of member
probabilities.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from ..exceptions import DataError

__all__ = [
    "as_python",
    "average_member_proba",
    "check_classifier",
    "check_number",
    "check_smote_classes",
    "seed_estimator",
]

_MAX_SEED = np.iinfo(np.int32).max


def as_python(value):
    """A numpy scalar as the Python value it holds, for messages (``1``, not ``np.int64(1)``).

    Examples
    --------
    >>> import numpy as np
    >>> as_python(np.int64(1)), as_python("a")
    (1, 'a')
    """
    return value.item() if isinstance(value, np.generic) else value


def check_number(owner: str, name: str, value, *, kind: str = "int", low=None,
                 low_open: bool = False, high=None):
    """Validate a numeric parameter; the message names the class, parameter, range and value.

    Parameters
    ----------
    owner, name : str
        Class and parameter names, for the message.
    value : object
        The parameter's value.
    kind : {"int", "real"}, default="int"
        ``"int"`` accepts integers only (not bools); ``"real"`` any real number.
    low, high : number or None
        Bounds; ``low`` is exclusive when ``low_open``, ``high`` is inclusive.

    Returns
    -------
    int or float

    Examples
    --------
    >>> check_number("SMOTEBoostClassifier", "n_estimators", 3)
    3
    >>> check_number("SMOTEBoostClassifier", "n_estimators", 0, low=1)
    Traceback (most recent call last):
    ...
    ValueError: SMOTEBoostClassifier: n_estimators must be an int >= 1, got 0.
    """
    real = kind == "real"
    allowed_type = numbers.Real if real else numbers.Integral
    bounds = []
    if low is not None:
        bounds.append(f"{'>' if low_open else '>='} {low}")
    if high is not None:
        bounds.append(f"<= {high}")
    wanted = f"{'a real number' if real else 'an int'}{' ' if bounds else ''}{' and '.join(bounds)}"
    if isinstance(value, bool) or not isinstance(value, allowed_type):
        raise TypeError(f"{owner}: {name} must be {wanted}, got {value!r} "
                        f"of type {type(value).__name__}.")
    too_low = low is not None and (value <= low if low_open else value < low)
    if too_low or (high is not None and value > high) or (real and not np.isfinite(value)):
        raise ValueError(f"{owner}: {name} must be {wanted}, got {value!r}.")
    return value


def check_classifier(owner: str, estimator, default, *, need_proba: bool = False,
                     need_sample_weight: bool = False):
    """Return an unfitted clone of ``estimator`` (or of ``default`` when it is None), checked.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> check_classifier("X", None, DecisionTreeClassifier(max_depth=1))
    DecisionTreeClassifier(max_depth=1)
    >>> check_classifier("X", "tree", None)
    Traceback (most recent call last):
    ...
    TypeError: X: estimator must be a scikit-learn classifier (with fit and predict), got 'tree' of type str.
    """
    est = default if estimator is None else estimator
    if not (hasattr(est, "fit") and hasattr(est, "predict") and hasattr(est, "get_params")):
        raise TypeError(f"{owner}: estimator must be a scikit-learn classifier (with fit and "
                        f"predict), got {est!r} of type {type(est).__name__}.")
    if not is_classifier(est):
        raise TypeError(f"{owner}: estimator must be a classifier, got the regressor or "
                        f"transformer {type(est).__name__}.")
    if need_proba and not hasattr(est, "predict_proba"):
        raise TypeError(f"{owner}: estimator {type(est).__name__} has no predict_proba; the "
                        "ensemble needs member probabilities. Use a probabilistic classifier "
                        "(e.g. DecisionTreeClassifier) or wrap it in CalibratedClassifierCV.")
    if need_sample_weight and not has_fit_parameter(est, "sample_weight"):
        raise TypeError(f"{owner}: estimator {type(est).__name__} does not accept sample_weight "
                        "in fit, which boosting needs to reweight the rows. Use one that does "
                        "(e.g. DecisionTreeClassifier, LogisticRegression).")
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
