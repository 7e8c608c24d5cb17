"""Class weights, computed once in numpy for every consumer.

scikit-learn's ``class_weight=``, the torch loss buffers and the class-balanced samplers all read
these functions, so a weighting means the same thing everywhere in unskew.

All weightings are normalised like scikit-learn's ``"balanced"``: the mean *sample* weight over
the training labels is 1, i.e. ``sum_c n_c * w_c = N``. Only the shape of the weights differs:

============================  =========================================================
``method``                    raw weight of class ``c`` (``n_c`` rows), then normalised
============================  =========================================================
``"balanced"``                ``1 / n_c``  (equals ``N / (C * n_c)`` after normalising)
``"effective_number"``        ``(1 - beta) / (1 - beta ** n_c)``  (Cui et al., CVPR 2019)
``"inverse_sqrt"``            ``1 / sqrt(n_c)``
``"capped"``                  ``1 / n_c``, clipped so that ``max(w) / min(w) <= max_ratio``
============================  =========================================================

Classes are returned in sorted label order, the order of :func:`numpy.unique` and of
scikit-learn's ``classes_``, so ``list(class_weights(y).values())`` lines up with encoded labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._utils._validation import SHORT_TEMPLATE, StrOptions, as_python, check_number, validate_params
from .exceptions import DataError

__all__ = [
    "WEIGHTING_METHODS",
    "class_counts",
    "class_priors",
    "class_weights",
    "sample_weights",
    "weights_from_counts",
]

WEIGHTING_METHODS = ("balanced", "effective_number", "inverse_sqrt", "capped")


def _labels(y) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise DataError(
            f"y must be a 1-D array of class labels, got shape {arr.shape}; for a multi-label "
            "indicator matrix, weight each column separately"
        )
    if arr.size == 0:
        raise DataError("y is empty; class weights need at least one labelled row")
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise DataError(f"y has {int(np.isnan(arr).sum())} NaN labels; drop or label those rows")
    if arr.dtype == object and any(v is None or (isinstance(v, float) and np.isnan(v)) for v in arr):
        raise DataError("y has missing labels (None/NaN); drop or label those rows")
    return arr


def _counts(y, classes: Sequence | None) -> tuple[list, np.ndarray]:
    labels, counts = np.unique(_labels(y), return_counts=True)
    found = dict(zip(labels.tolist(), counts.tolist(), strict=True))
    if classes is None:
        return [as_python(c) for c in labels], counts.astype(np.int64)
    unknown = [c for c in found if c not in set(np.asarray(classes).tolist())]
    if unknown:
        raise DataError(
            f"y contains labels {unknown[:5]} that are not in classes={list(classes)}"
        )
    keys = [as_python(c) for c in np.asarray(classes)]
    return keys, np.array([found.get(c, 0) for c in keys], dtype=np.int64)


def class_counts(y, *, classes: Sequence | None = None) -> dict:
    """Count the rows of each class.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    classes : sequence, optional
        The classes to report, in this order; classes absent from ``y`` get 0. By default the
        distinct labels of ``y`` in sorted order.

    Returns
    -------
    dict
        ``{class: count}``.

    Examples
    --------
    >>> from unskew.weights import class_counts
    >>> class_counts(["b", "a", "b", "b"])
    {'a': 1, 'b': 3}
    >>> class_counts([0, 0, 1], classes=[0, 1, 2])
    {0: 2, 1: 1, 2: 0}
    """
    keys, counts = _counts(y, classes)
    return dict(zip(keys, (int(c) for c in counts), strict=True))


def class_priors(y, *, classes: Sequence | None = None) -> dict:
    """Share of the rows in each class (the empirical prior used for logit adjustment).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    classes : sequence, optional
        As in :func:`class_counts`.

    Returns
    -------
    dict
        ``{class: n_c / N}``; the values sum to 1.

    Examples
    --------
    >>> from unskew.weights import class_priors
    >>> class_priors([0, 0, 0, 1])
    {0: 0.75, 1: 0.25}
    """
    keys, counts = _counts(y, classes)
    return dict(zip(keys, (float(p) for p in counts / counts.sum()), strict=True))


def class_weights(y, method: str = "balanced", *, beta: float = 0.999,
                  max_ratio: float = 10.0, classes: Sequence | None = None) -> dict:
    """Weight each class so that rare classes count more, normalised to a mean sample weight of 1.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Training labels.
    method : {"balanced", "effective_number", "inverse_sqrt", "capped"}, default="balanced"
        The weighting; see the table in the module docstring.
    beta : float in [0, 1), default=0.999
        Only for ``"effective_number"``. ``beta=0`` gives equal weights and ``beta -> 1``
        approaches ``"balanced"``; Cui et al. try 0.9, 0.99, 0.999 and 0.9999.
    max_ratio : float >= 1, default=10.0
        Only for ``"capped"``: the largest allowed ratio between two class weights.
    classes : sequence, optional
        Classes to weight, in this order. Every one must occur in ``y`` (a class without rows
        cannot be given a finite weight).

    Returns
    -------
    dict
        ``{class: weight}``, usable as scikit-learn's ``class_weight=``.

    Raises
    ------
    DataError
        If ``y`` is empty, 2-D, has missing labels, or a requested class has no rows.
    ParameterError
        If ``method`` is unknown or ``beta`` / ``max_ratio`` is out of range (a
        :class:`ValueError`, see :class:`unskew.exceptions.ParameterError`).

    Examples
    --------
    >>> from unskew.weights import class_weights
    >>> y = [0] * 90 + [1] * 10
    >>> class_weights(y)  # N / (C * n_c)
    {0: 0.5555555555555556, 1: 5.0}
    >>> w = class_weights(y, "capped", max_ratio=4)
    >>> round(w[1] / w[0], 6)
    4.0
    >>> from sklearn.linear_model import LogisticRegression
    >>> LogisticRegression(class_weight=class_weights(y, "inverse_sqrt"))  # doctest: +ELLIPSIS
    LogisticRegression(class_weight={0: 0.833..., 1: 2.5})
    """
    keys, counts = _counts(y, classes)
    if (counts == 0).any():
        empty = [k for k, n in zip(keys, counts, strict=True) if n == 0]
        raise DataError(f"classes {empty} have no rows in y, so they cannot be weighted")
    weights = _from_counts(counts, method, beta, max_ratio, "class_weights")
    return dict(zip(keys, (float(w) for w in weights), strict=True))


def weights_from_counts(counts, method: str = "balanced", *, beta: float = 0.999,
                        max_ratio: float = 10.0) -> np.ndarray:
    """Class weights from a vector of class counts (what losses and samplers hold).

    The same weightings and normalisation as :func:`class_weights`: ``sum_c n_c * w_c = N``.

    Parameters
    ----------
    counts : array-like of shape (n_classes,)
        Rows per class, every one > 0.
    method, beta, max_ratio
        As in :func:`class_weights`.

    Returns
    -------
    ndarray of shape (n_classes,)
        Float64 weights in the order of ``counts``.

    Examples
    --------
    >>> from unskew.weights import weights_from_counts
    >>> weights_from_counts([90, 10]).tolist()
    [0.5555555555555556, 5.0]
    >>> w = weights_from_counts([5000, 50], "effective_number", beta=0.9999)
    >>> bool(w[1] > w[0])
    True
    """
    return _from_counts(counts, method, beta, max_ratio, "weights_from_counts")


def _from_counts(counts, method, beta, max_ratio, owner) -> np.ndarray:
    """:func:`weights_from_counts`, with messages naming ``owner``, the function called."""
    # this room's tests pin the short wording ("beta must be in [0, 1) ..., got 1.0")
    validate_params(owner, {"method": method}, {"method": [StrOptions(WEIGHTING_METHODS)]},
                    template=SHORT_TEMPLATE)
    n = np.asarray(counts, dtype=np.float64)
    if n.ndim != 1 or n.size == 0:
        raise DataError(f"counts must be a non-empty 1-D array of class counts, got shape {n.shape}")
    if not np.all(np.isfinite(n)) or (n <= 0).any():
        bad = np.flatnonzero(~np.isfinite(n) | (n <= 0)).tolist()
        raise DataError(
            f"class counts must be finite and > 0; classes at positions {bad[:5]} have "
            f"{n[bad[:5]].tolist()}; a class without rows cannot be given a finite weight"
        )
    if method == "balanced":
        raw = 1.0 / n
    elif method == "effective_number":
        beta = check_number(beta, "beta", owner, low=0, high=1, high_open=True,
                            description="in [0, 1) for method='effective_number'",
                            template=SHORT_TEMPLATE)
        # (1 - beta) / (1 - beta**n): exact for beta=0 (equal weights)
        raw = (1.0 - beta) / (1.0 - np.power(beta, n))
    elif method == "inverse_sqrt":
        raw = 1.0 / np.sqrt(n)
    else:  # "capped"
        max_ratio = check_number(max_ratio, "max_ratio", owner, low=1,
                                 description=">= 1 for method='capped'", template=SHORT_TEMPLATE)
        raw = 1.0 / n
        raw = np.minimum(raw, raw.min() * max_ratio)
    return raw * n.sum() / (raw * n).sum()


def sample_weights(y, method: str = "balanced", **kwargs) -> np.ndarray:
    """Per-row weights: each row gets its class's weight from :func:`class_weights`.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Training labels.
    method : str, default="balanced"
        See :func:`class_weights`.
    **kwargs
        ``beta``, ``max_ratio`` as in :func:`class_weights`.

    Returns
    -------
    ndarray of shape (n_samples,)
        Float64 weights whose mean is 1.

    Examples
    --------
    >>> from unskew.weights import sample_weights
    >>> sample_weights(["a", "a", "a", "b"])
    array([0.66666667, 0.66666667, 0.66666667, 2.        ])
    """
    arr = _labels(y)
    weights = class_weights(arr, method, **kwargs)
    labels, inverse = np.unique(arr, return_inverse=True)
    per_class = np.array([weights[as_python(c)] for c in labels], dtype=np.float64)
    return per_class[inverse.reshape(-1)]
