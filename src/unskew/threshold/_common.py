"""Checks and helpers shared by the threshold room's meta-estimators."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from .._utils._validation import ParameterError, as_python, format_labels
from ..exceptions import DataError

# log of a zero probability: finite, far below any real log-probability (log(1e-300) ~ -690)
# and far enough apart from the largest offsets a search can pick
_LOG_FLOOR = 1e-300


def default_estimator(estimator):
    """``estimator``, or ``LogisticRegression()`` for ``None`` (as scikit-learn's meta-estimators)."""
    return LogisticRegression() if estimator is None else estimator


def check_target(y, who, *, min_classes=2):
    """Return ``(y, classes, counts)`` for a 1-D classification target, or raise naming ``who``."""
    if y is None:
        raise ValueError(f"{who} requires y to be passed, but the target y is None.")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    if y.ndim != 1:
        raise DataError(f"{who} needs a 1-D class target; got y of shape {y.shape}")
    classes, counts = np.unique(y, return_counts=True)
    if classes.shape[0] < min_classes:
        raise DataError(
            f"{who} needs at least {min_classes} classes in y, but y has only one class "
            f"{format_labels(classes)}; a decision between classes needs two or more."
        )
    return y, classes, counts


def check_priors(value, classes, name, who):
    """Return class priors given as an array or ``{class: prior}``, in ``classes`` order, summing 1.

    Raises a :class:`~unskew.exceptions.ParameterError` naming the missing classes, both shapes
    or the offending values.

    Examples
    --------
    >>> import numpy as np
    >>> check_priors({"a": 3, "b": 1}, np.array(["a", "b"]), "priors", "LogitAdjustedClassifier")
    array([0.75, 0.25])
    """
    if isinstance(value, Mapping):
        keys = [as_python(c) for c in classes]
        missing = [k for k in keys if k not in value]
        if missing:
            raise ParameterError(f"The {name!r} of {who} lack classes {format_labels(missing)}; "
                                 f"give one prior per class of {format_labels(keys)}.")
        priors = np.array([value[k] for k in keys], dtype=np.float64)
    else:
        priors = np.asarray(value, dtype=np.float64)
        if priors.shape != classes.shape:
            raise ParameterError(f"The {name!r} of {who} must have shape {classes.shape}, one per "
                                 f"class {format_labels(classes)}; got shape {priors.shape}.")
    if not (np.isfinite(priors).all() and (priors > 0).all()):
        raise ParameterError(f"The {name!r} of {who} must be finite and > 0; got "
                             f"{priors.tolist()}.")
    return priors / priors.sum()


def response_method_of(estimator, who):
    """``"predict_proba"`` if ``estimator`` has it, else ``"decision_function"``, else raise."""
    for method in ("predict_proba", "decision_function"):
        if hasattr(estimator, method):
            return method
    raise ParameterError(
        f"{who} needs an estimator with predict_proba or decision_function to move its "
        f"decisions; {type(estimator).__name__} has neither. Wrap it in "
        "sklearn.calibration.CalibratedClassifierCV or pick a probabilistic classifier."
    )


def scores_of(estimators, X, method):
    """Class scores ``(n_samples, n_classes)`` on which additive offsets act.

    ``estimators`` is one fitted model or a list whose outputs are averaged. ``predict_proba``
    gives log-probabilities (zeros floored at 1e-300, so they stay finite);
    ``decision_function`` is used as it is, a binary 1-D score ``d`` becoming columns ``[0, d]``
    so that the argmax reproduces ``d > 0``.
    """
    models = estimators if isinstance(estimators, list) else [estimators]
    raw = np.mean([np.asarray(getattr(m, method)(X), dtype=np.float64) for m in models], axis=0)
    if method == "predict_proba":
        return np.log(np.maximum(raw, _LOG_FLOOR))
    if raw.ndim == 1:
        return np.column_stack([np.zeros_like(raw), raw])
    return raw


def softmax(scores):
    """Row-wise softmax, stable for large scores."""
    z = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def copy_feature_attrs(meta, inner):
    """Expose the inner estimator's ``n_features_in_`` / ``feature_names_in_`` on ``meta``."""
    for attr in ("n_features_in_", "feature_names_in_"):
        if hasattr(inner, attr):
            setattr(meta, attr, getattr(inner, attr))


def inner_input_tags(tags, estimator):
    """Copy the inner estimator's input tags (NaN, sparse, strings) onto a meta-estimator's tags."""
    from sklearn.utils import get_tags

    inner = get_tags(default_estimator(estimator)).input_tags
    tags.input_tags.allow_nan = inner.allow_nan
    tags.input_tags.sparse = inner.sparse
    tags.input_tags.string = inner.string
    return tags
