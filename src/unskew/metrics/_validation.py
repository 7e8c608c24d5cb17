"""Input checks shared by the metrics: one place that turns user input into clean arrays.

Every function here either returns validated numpy arrays or raises: a
:class:`~unskew.exceptions.DataError` for bad ``y`` / score inputs (quoting the user's own
numbers) and a :class:`~unskew.exceptions.ParameterError` (a ``ValueError``) for a bad
parameter. The helpers every room shares (``as_python``, ``format_labels``, ``is_real``,
``parameter_error``, ``check_multilabel``) live in :mod:`unskew._utils._validation`; they are
re-exported here for the metrics modules.
"""

import numpy as np

from .._utils import _validation as _shared  # its ParameterError loads sklearn only when raised
from .._utils._validation import (
    as_python,
    check_multilabel,
    format_labels,
    is_real,
    parameter_error,
)
from ..exceptions import DataError

__all__ = [
    "PROBA_SUM_ATOL",
    "as_python",
    "binary_truth",
    "check_columns",
    "check_labels_1d",
    "check_multilabel",
    "check_pos_label",
    "check_proba",
    "check_same_length",
    "check_scores",
    "check_targets",
    "check_user_labels",
    "encode",
    "format_labels",
    "is_real",
    "parameter_error",
    "positive_column",
    "resolve_labels",
    "resolve_score_target",
]

# Absolute tolerance on "each row of a probability matrix sums to one". Loose enough for the
# float32 output of neural networks (errors around 1e-7), tight enough to catch raw scores.
PROBA_SUM_ATOL = 1e-6


def _as_1d(y, name):
    """Return ``y`` (list, array, pandas Series) as a non-empty 1-D numpy array."""
    if hasattr(y, "toarray"):  # scipy sparse
        y = y.toarray()
    arr = np.asarray(y)
    if arr.dtype.kind in "US" and not hasattr(y, "dtype") and _looks_mixed(y):
        arr = np.asarray(y, dtype=object)  # numpy would silently turn [1, "a"] into ["1", "a"]
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise DataError(
            f"{name} must be 1-D (one label per sample); got an array of shape {arr.shape}. "
            "For multi-label indicator matrices use multilabel_f1 or hamming_loss."
        )
    if arr.shape[0] == 0:
        raise DataError(f"{name} is empty; metrics need at least one sample.")
    return arr


def _label_kind(arr, name):
    """Return ``"number"`` or ``"string"`` for an array of labels; raise on a mixture or a gap."""
    if arr.dtype.kind in "biuf":
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            raise DataError(
                f"{name} contains {int((~np.isfinite(arr)).sum())} NaN or infinite value(s); "
                "class labels must be finite."
            )
        return "number"
    if arr.dtype.kind in "US":
        return "string"
    if arr.dtype.kind == "O":
        is_str = np.fromiter((isinstance(v, str) for v in arr), bool, count=arr.shape[0])
        if is_str.all():
            return "string"
        missing = np.fromiter((_is_missing(v) for v in arr), bool, count=arr.shape[0])
        if missing.any():
            raise DataError(
                f"{name} contains {int(missing.sum())} missing value(s) (None or NaN); "
                "drop or fill those rows before scoring."
            )
        is_num = np.fromiter(
            (isinstance(v, (int, float, np.integer, np.floating, bool)) for v in arr),
            bool,
            count=arr.shape[0],
        )
        if is_num.all():
            return "number"
        if not (is_str | is_num).all():
            odd = arr[~(is_str | is_num)][0]
            raise DataError(
                f"{name} holds a value of type {type(odd).__name__} ({odd!r}); "
                "class labels must be numbers or strings."
            )
        raise DataError(
            f"{name} mixes strings and numbers (e.g. {arr[is_str][0]!r} and {arr[~is_str][0]!r}); "
            "use one type for all class labels."
        )
    raise DataError(f"{name} has dtype {arr.dtype}, which cannot hold class labels.")


def _is_missing(value):
    """True for None, float NaN and pandas' NA / NaT (checked by name: pandas is not imported)."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, (float, np.floating)) and value != value


def _as_label_array(arr, kind):
    """Return an array numpy can sort and search: object strings become a unicode array."""
    if arr.dtype.kind != "O":
        return arr
    if kind == "string":
        return arr.astype(str)
    if any(isinstance(v, (float, np.floating)) for v in arr):
        return arr.astype(np.float64)
    return arr.astype(np.int64)


def check_pos_label(pos_label, kind):
    """Raise a :class:`~unskew.exceptions.ParameterError` if ``pos_label`` is not the same type
    as the labels."""
    if pos_label is None:
        return
    is_str = isinstance(pos_label, (str, np.str_))
    if is_str != (kind == "string"):
        raise _shared.ParameterError(
            f"pos_label={pos_label!r} is a {'string' if is_str else 'number'} but y_true holds "
            f"{kind}s; pos_label must be one of the class labels."
        )


def check_labels_1d(y, name):
    """Validate one 1-D label vector; return ``(array, kind)``.

    Examples
    --------
    >>> arr, kind = check_labels_1d(["b", "a"], "y_true")
    >>> arr.tolist(), kind
    (['b', 'a'], 'string')
    """
    arr = _as_1d(y, name)
    kind = _label_kind(arr, name)
    return _as_label_array(arr, kind), kind


def check_same_length(a, b, name_a, name_b):
    """Raise a :class:`DataError` naming both lengths when ``a`` and ``b`` differ in length."""
    if a.shape[0] != b.shape[0]:
        raise DataError(
            f"{name_a} and {name_b} have different lengths: {name_a} has {a.shape[0]} samples, "
            f"{name_b} has {b.shape[0]}."
        )


def check_user_labels(labels, kind, name_of_y="y_true"):
    """Validate a user's ``labels`` argument against the kind of ``y``; return an array.

    Examples
    --------
    >>> check_user_labels([2, 0, 1], "number").tolist()
    [2, 0, 1]
    >>> check_user_labels(["a", 1], "string")
    Traceback (most recent call last):
    ...
    unskew.exceptions.ParameterError: labels mixes strings and numbers (e.g. 'a' and 1); use one type for all class labels.
    """
    arr = np.asarray(labels, dtype=object if _looks_mixed(labels) else None)
    if arr.ndim != 1 or arr.shape[0] == 0:
        raise _shared.ParameterError(f"labels must be a non-empty 1-D list of class labels; got {labels!r}.")
    try:
        labels_kind = _label_kind(arr, "labels")
    except DataError as exc:  # a parameter problem, not a data one
        raise _shared.ParameterError(str(exc)) from None
    if labels_kind != kind:
        raise _shared.ParameterError(
            f"labels holds {labels_kind}s but {name_of_y} holds {kind}s; "
            f"labels must use the same type as {name_of_y}."
        )
    arr = _as_label_array(arr, labels_kind)
    uniq, counts = np.unique(arr, return_counts=True)
    if (counts > 1).any():
        raise _shared.ParameterError(f"labels must be unique; repeated: {format_labels(uniq[counts > 1])}.")
    return arr


def _looks_mixed(values):
    try:
        kinds = {isinstance(v, str) for v in values}
    except TypeError:
        return False
    return len(kinds) > 1


def check_targets(y_true, y_pred):
    """Validate a pair of label vectors; return ``(y_true, y_pred, kind)``.

    Examples
    --------
    >>> t, p, kind = check_targets([0, 1], [1, 1])
    >>> kind
    'number'
    >>> check_targets([0, 1], [1])
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: y_true and y_pred have different lengths: y_true has 2 samples, y_pred has 1.
    """
    t, kind_t = check_labels_1d(y_true, "y_true")
    p, kind_p = check_labels_1d(y_pred, "y_pred")
    check_same_length(t, p, "y_true", "y_pred")
    if kind_t != kind_p:
        raise DataError(
            f"y_true holds {kind_t}s but y_pred holds {kind_p}s; "
            "both must use the same type of class label."
        )
    return t, p, kind_t


def encode(y, labels):
    """Return the position of each value of ``y`` in ``labels`` (any order), ``-1`` if absent.

    Examples
    --------
    >>> encode(np.array(["b", "c", "z"]), np.array(["c", "a", "b"])).tolist()
    [2, 0, -1]
    """
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    pos = np.searchsorted(sorted_labels, y)
    pos_clipped = np.minimum(pos, len(labels) - 1)
    found = sorted_labels[pos_clipped] == y
    return np.where(found, order[pos_clipped], -1)


def resolve_labels(y_true, y_pred, kind, labels):
    """Return ``(all_labels, selected_index)`` for label metrics.

    ``all_labels`` is the sorted union of ``y_true``, ``y_pred`` and ``labels``; per-class counts
    are taken over every sample with it. ``selected_index`` picks the reported classes: ``labels``
    in the user's order, or all of ``all_labels``.
    """
    union = np.unique(np.concatenate([y_true, y_pred]))
    if labels is None:
        return union, np.arange(union.shape[0])
    labels = check_user_labels(labels, kind)
    all_labels = np.unique(np.concatenate([union, labels]))
    return all_labels, encode(labels, all_labels)


def check_scores(y_score, n_samples, name="y_score"):
    """Validate a score vector or matrix; return it as float64.

    Examples
    --------
    >>> check_scores([0.1, 0.9], 2).dtype
    dtype('float64')
    >>> check_scores([0.1, float("nan")], 2)
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: y_score contains NaN or infinite values at 1 position(s) (first at row 1).
    """
    if hasattr(y_score, "toarray"):
        y_score = y_score.toarray()
    try:
        arr = np.asarray(y_score, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must hold numbers; could not read it as floats ({exc}).") from None
    if arr.ndim not in (1, 2):
        raise DataError(f"{name} must be 1-D or 2-D; got an array of shape {arr.shape}.")
    if arr.shape[0] != n_samples:
        raise DataError(
            f"y_true and {name} have different lengths: y_true has {n_samples} samples, "
            f"{name} has {arr.shape[0]}."
        )
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.ravel()
    bad = ~np.isfinite(arr)
    if bad.any():
        rows = np.nonzero(bad.reshape(arr.shape[0], -1).any(axis=1))[0]
        raise DataError(
            f"{name} contains NaN or infinite values at {int(bad.sum())} position(s) "
            f"(first at row {int(rows[0])})."
        )
    return arr


def check_proba(y_proba, n_samples, name="y_proba"):
    """Validate probabilities: in [0, 1], and each row of a matrix summing to one.

    Examples
    --------
    >>> check_proba([[0.2, 0.8], [0.5, 0.5]], 2).shape
    (2, 2)
    >>> check_proba([[0.2, 0.7]], 1)
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: y_proba rows must sum to 1 (they are probabilities); row 0 sums to 0.9. Pass predict_proba output, not decision_function scores.
    """
    arr = check_scores(y_proba, n_samples, name)
    if arr.min() < 0 or arr.max() > 1:
        raise DataError(
            f"{name} must hold probabilities in [0, 1]; found values from {arr.min():.4g} "
            f"to {arr.max():.4g}. Pass predict_proba output, not decision_function scores."
        )
    if arr.ndim == 2:
        sums = arr.sum(axis=1)
        off = np.abs(sums - 1) > PROBA_SUM_ATOL
        if off.any():
            row = int(np.argmax(off))
            raise DataError(
                f"{name} rows must sum to 1 (they are probabilities); row {row} sums to "
                f"{sums[row]:.6g}. Pass predict_proba output, not decision_function scores."
            )
    return arr


def resolve_score_target(y_true, labels):
    """Validate ``y_true`` for a score metric; return ``(y_true, classes, kind)``.

    ``classes`` is ``labels`` in the user's order (the order of the score columns, like a
    classifier's ``classes_``), else the sorted classes of ``y_true``.
    """
    t, kind = check_labels_1d(y_true, "y_true")
    if labels is None:
        return t, np.unique(t), kind
    classes = check_user_labels(labels, kind)
    unknown = encode(t, classes) < 0
    if unknown.any():
        raise DataError(
            f"y_true contains labels not in labels={format_labels(classes)}: "
            f"{format_labels(np.unique(t[unknown]))}."
        )
    return t, classes, kind


def binary_truth(t, classes, pos_label, labels_given, name="y_score"):
    """Return ``(is_positive, pos_label)`` for a binary problem scored by a 1-D ``name``.

    The positive class is ``pos_label``, else the greater of the two classes: a binary
    classifier's ``classes_[-1]``, the class of ``predict_proba(X)[:, 1]``.
    """
    if pos_label is not None:
        known = encode(np.asarray([pos_label]), classes)[0] >= 0
        # without labels=, y_true may hold only the negative class: pos_label is then unseen
        if not known and (labels_given or classes.shape[0] > 1):
            raise _shared.ParameterError(
                f"pos_label={pos_label!r} is not one of the classes {format_labels(classes)}."
            )
        if classes.shape[0] > 2:
            raise DataError(_too_many_classes(classes, name))
        return t == pos_label, as_python(pos_label)
    if classes.shape[0] == 1:
        raise DataError(
            f"y_true holds only one class {format_labels(classes)}, so a 1-D {name} is "
            "ambiguous; pass labels=[negative, positive] (e.g. the classifier's classes_) "
            "or pos_label= to say which class the scores refer to."
        )
    if classes.shape[0] > 2:
        raise DataError(_too_many_classes(classes, name))
    pos = np.sort(classes)[-1].item()
    return t == pos, pos


def _too_many_classes(classes, name):
    return (
        f"a 1-D {name} scores the positive class of a binary problem, but there are "
        f"{classes.shape[0]} classes {format_labels(classes)}; pass a 2-D (n_samples, "
        "n_classes) matrix with one column per class."
    )


def positive_column(classes, pos_label):
    """Return the column of the positive class in a 2-column score matrix."""
    if pos_label is None:
        return int(np.argmax(classes == np.sort(classes)[-1]))
    index = encode(np.asarray([pos_label]), classes)[0]
    if index < 0:
        raise _shared.ParameterError(
            f"pos_label={pos_label!r} is not one of the classes {format_labels(classes)}."
        )
    return int(index)


def check_columns(classes, n_columns, labels, name="y_score"):
    """Raise if a 2-D score matrix does not have one column per class."""
    if n_columns != classes.shape[0]:
        hint = (
            ""
            if labels is not None
            else "; pass labels= (e.g. the classifier's classes_) to name every column"
        )
        raise DataError(
            f"{name} has {n_columns} columns but there are {classes.shape[0]} classes "
            f"{format_labels(classes)}{hint}."
        )
