"""Cost matrices and the expected cost of decisions (lower is better).

Convention (the one of Elkan, 2001, and of scikit-learn's cost-sensitive learning example):
``C[i, j]`` is the cost of **predicting class j when the truth is class i**; rows are true
classes, columns predicted classes, both in ``classes_`` order. The diagonal (correct decisions)
is usually 0. Costs must be finite and >= 0. The decision rules built on these matrices live in
:mod:`unskew.threshold`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._validation import as_python, format_labels


def _from_mapping(cost_matrix, classes, who):
    keys = [as_python(c) for c in classes]
    unknown = [k for k in cost_matrix if k not in keys]
    unknown += [j for row in cost_matrix.values() if isinstance(row, Mapping)
                for j in row if j not in keys]
    if unknown:
        raise ValueError(
            f"The 'cost_matrix' of {who} names labels {format_labels(sorted(set(map(str, unknown))))} "
            f"that are not classes; the classes are {format_labels(keys)}."
        )
    out = np.zeros((len(keys), len(keys)))
    for i, true in enumerate(keys):
        row = cost_matrix.get(true, {})
        if not isinstance(row, Mapping):
            raise TypeError(
                f"The 'cost_matrix' of {who} must be a dict of dicts "
                f"{{true class: {{predicted class: cost}}}}; the entry of {true!r} is "
                f"{type(row).__name__}."
            )
        for j, pred in enumerate(keys):
            if i != j and pred not in row:
                raise ValueError(
                    f"The 'cost_matrix' of {who} lacks the cost of predicting {pred!r} when "
                    f"the truth is {true!r}; give every off-diagonal pair (the diagonal "
                    "defaults to 0)."
                )
            out[i, j] = row.get(pred, 0.0)
    return out


def check_cost_matrix(cost_matrix, classes, *, who="check_cost_matrix"):
    """Return a cost matrix as a float ``(n_classes, n_classes)`` array in ``classes`` order.

    Parameters
    ----------
    cost_matrix : array-like of shape (n_classes, n_classes) or dict of dicts
        ``C[i, j]``: cost of predicting ``classes[j]`` when the truth is ``classes[i]``. A dict
        is keyed by labels: ``{true: {predicted: cost}}``; every off-diagonal pair must be
        given, a missing diagonal entry is 0.
    classes : array-like of shape (n_classes,)
        The classes, in the order of a classifier's ``classes_``.
    who : str, default="check_cost_matrix"
        How messages name the caller.

    Returns
    -------
    ndarray of shape (n_classes, n_classes)
        Float64 costs.

    Raises
    ------
    ValueError
        If the shape does not match the classes (both shapes are quoted), an entry is
        negative or not finite, or a dict names unknown labels or misses a pair.

    Examples
    --------
    >>> from unskew.metrics import check_cost_matrix
    >>> check_cost_matrix({"ok": {"fraud": 1}, "fraud": {"ok": 10}}, ["fraud", "ok"]).tolist()
    [[0.0, 10.0], [1.0, 0.0]]
    >>> check_cost_matrix([[0, 1], [5, 0]], [0, 1, 2])
    Traceback (most recent call last):
    ...
    ValueError: The 'cost_matrix' of check_cost_matrix must have shape (3, 3), one row and one column per class [0, 1, 2]; got shape (2, 2).
    """
    classes = np.asarray(classes)
    k = classes.shape[0]
    if isinstance(cost_matrix, Mapping):
        cost = _from_mapping(cost_matrix, classes, who)
    else:
        try:
            cost = np.asarray(cost_matrix, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"The 'cost_matrix' of {who} must be a square array of numbers or a dict of "
                f"dicts; got {type(cost_matrix).__name__} ({exc})."
            ) from None
    if cost.shape != (k, k):
        raise ValueError(
            f"The 'cost_matrix' of {who} must have shape ({k}, {k}), one row and one column "
            f"per class {format_labels(classes)}; got shape {cost.shape}."
        )
    if not np.isfinite(cost).all():
        raise ValueError(f"The 'cost_matrix' of {who} must be finite; got {cost.tolist()}.")
    if (cost < 0).any():
        i, j = np.argwhere(cost < 0)[0]
        raise ValueError(
            f"The 'cost_matrix' of {who} must be >= 0; the cost of predicting "
            f"{as_python(classes[j])!r} when the truth is {as_python(classes[i])!r} is "
            f"{cost[i, j]:g}. Shift all costs by a constant (decisions do not change) or fix it."
        )
    return cost



def expected_cost(y_true, y_pred, *, cost_matrix, labels=None):
    """Mean cost of the decisions: ``mean_n C[y_true_n, y_pred_n]`` (lower is better).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    cost_matrix : array-like of shape (n_classes, n_classes) or dict of dicts
        ``C[i, j]``: cost of predicting ``labels[j]`` when the truth is ``labels[i]``.
    labels : array-like of shape (n_classes,), default=None
        Class order of the matrix; by default the sorted union of both label arrays.

    Returns
    -------
    float
        Average cost per row.

    Raises
    ------
    ValueError
        If ``y_true`` and ``y_pred`` are not 1-D of one length, hold a label that is not in
        ``labels``, or the cost matrix is invalid (see :func:`check_cost_matrix`).

    Examples
    --------
    >>> from unskew.metrics import expected_cost
    >>> expected_cost(["ok", "fraud", "fraud"], ["ok", "ok", "fraud"],
    ...               cost_matrix={"fraud": {"ok": 9}, "ok": {"fraud": 1}})
    3.0
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true and y_pred must be 1-D of one length; got shapes "
                         f"{y_true.shape} and {y_pred.shape}.")
    labels = np.unique(np.r_[y_true, y_pred]) if labels is None else np.asarray(labels)
    cost = check_cost_matrix(cost_matrix, labels, who="expected_cost")
    order = np.argsort(labels)
    sorted_labels = labels[order]
    index = {}
    for name, arr in (("y_true", y_true), ("y_pred", y_pred)):
        pos = np.clip(np.searchsorted(sorted_labels, arr), 0, len(labels) - 1)
        if not np.array_equal(sorted_labels[pos], arr):
            bad = arr[sorted_labels[pos] != arr][:5]
            raise ValueError(f"{name} holds labels {[as_python(b) for b in bad]} that are not "
                             f"in labels={[as_python(c) for c in labels]}.")
        index[name] = order[pos]
    return float(cost[index["y_true"], index["y_pred"]].mean())
