"""Accuracy on the head, medium and tail classes of a long-tailed problem.

Classes are bucketed by their number of *training* samples, with the cut-offs of the
long-tail literature (Liu et al., "Large-Scale Long-Tailed Recognition in an Open World",
CVPR 2019): head ("many-shot") above 100, tail ("few-shot") below 20, medium in between.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

from unskew.exceptions import DataError

from ._classification import _class_counts
from ._validation import as_python, check_labels_1d, format_labels, is_real, parameter_error

HEAD_MIN = 100
TAIL_MAX = 20


@dataclass(frozen=True)
class LongTailAccuracy:
    """Mean per-class recall of the head, medium and tail classes.

    Returned by :func:`head_medium_tail_accuracy`. A bucket with no class of ``y_true`` has
    the value ``None`` (never NaN) and an empty class tuple.

    Attributes
    ----------
    head, medium, tail : float or None
        Mean recall of the bucket's classes; on a test set with the same number of samples
        per class this is the bucket's accuracy. ``None`` for an empty bucket.
    head_classes, medium_classes, tail_classes : tuple
        The classes of ``y_true`` in each bucket, most frequent in training first.
    head_min, tail_max : int or float
        The cut-offs used: head if training count > ``head_min``, tail if
        < ``tail_max``, medium otherwise.
    recall : dict
        Recall of every class of ``y_true``.
    train_counts : dict
        Training count of every class of ``y_true`` (0 for a class never seen in training).
    not_in_test : tuple
        Training classes absent from ``y_true``: they have no recall and no bucket.

    Examples
    --------
    >>> from unskew.metrics import head_medium_tail_accuracy
    >>> r = head_medium_tail_accuracy([0, 1], [0, 0], train_counts={0: 500, 1: 5})
    >>> r.as_dict()["tail_classes"]
    [1]
    """

    head: float | None
    medium: float | None
    tail: float | None
    head_classes: tuple
    medium_classes: tuple
    tail_classes: tuple
    head_min: float
    tail_max: float
    recall: dict
    train_counts: dict
    not_in_test: tuple

    def as_dict(self):
        """Return the result as plain Python types (lists, dicts), ready for JSON.

        Examples
        --------
        >>> from unskew.metrics import head_medium_tail_accuracy
        >>> r = head_medium_tail_accuracy(["a", "b"], ["a", "b"], train_counts={"a": 150, "b": 50})
        >>> {k: r.as_dict()[k] for k in ("head", "medium", "tail", "head_min", "tail_max")}
        {'head': 1.0, 'medium': 1.0, 'tail': None, 'head_min': 100, 'tail_max': 20}
        """
        out = asdict(self)
        for key in ("head_classes", "medium_classes", "tail_classes", "not_in_test"):
            out[key] = list(out[key])
        return out


def _read_train_counts(train_counts, kind):
    """Return ``({class: count}, given_as_counts)`` from a mapping or training labels."""
    if isinstance(train_counts, Mapping) or (
        hasattr(train_counts, "index") and getattr(train_counts, "name", None) == "count"
    ):  # a dict, or the pandas Series of y_train.value_counts()
        items = (
            train_counts.items()
            if isinstance(train_counts, Mapping)
            else zip(train_counts.index, train_counts.to_numpy(), strict=True)
        )
        counts = {}
        for cls, count in items:
            if not (is_real(count) and count >= 0):
                raise ValueError(
                    f"train_counts must map each class to a count >= 0; "
                    f"class {as_python(cls)!r} has {count!r}."
                )
            counts[as_python(cls)] = as_python(count)
        if not counts:
            raise ValueError("train_counts is empty; give each class's number of training samples.")
        return counts, True
    y_train, train_kind = check_labels_1d(train_counts, "train_counts (training labels)")
    if train_kind != kind:
        raise DataError(
            f"train_counts holds {train_kind} labels but y_true holds {kind}s; "
            "pass the training labels of the same problem, or a {class: count} dict."
        )
    classes, counts = np.unique(y_train, return_counts=True)
    return dict(zip(classes.tolist(), counts.tolist(), strict=True)), False


def head_medium_tail_accuracy(
    y_true, y_pred, *, train_counts, head_min=HEAD_MIN, tail_max=TAIL_MAX
):
    """Return the mean per-class recall of the head, medium and tail classes.

    Each class of ``y_true`` is put in a bucket by its number of training samples ``n``:
    head if ``n > head_min``, tail if ``n < tail_max``, medium otherwise. A bucket's score
    is the unweighted mean recall of its classes, which is its accuracy on a test set balanced
    across classes (the usual long-tail protocol).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels of the test set.
    y_pred : array-like of shape (n_samples,)
        Predicted class labels.
    train_counts : dict or array-like
        Either ``{class: number of training samples}`` (a pandas ``value_counts()`` Series
        works too) or the training labels themselves. With a dict every class of ``y_true``
        must be a key; with training labels a test class never seen in training has count 0
        and lands in the tail.
    head_min : int, default=100
        Head classes have *more than* this many training samples (strict, so a class with
        exactly 100 is medium). Same name and meaning as in :func:`unskew.diagnose`.
    tail_max : int, default=20
        Tail classes have *fewer than* this many training samples (strict, so a class with
        exactly 20 is medium).

    Returns
    -------
    result : LongTailAccuracy
        Bucket scores (``None`` for an empty bucket, never NaN), the classes of each bucket,
        the cut-offs, and per-class recall and training count.

    Raises
    ------
    ValueError
        If the cut-offs are not numbers with ``0 <= tail_max <= head_min``, or a count is
        negative.
    DataError
        If a class of ``y_true`` is missing from a ``train_counts`` dict, or no class of
        ``y_true`` occurs among the training labels (a sign of mismatched label types).

    Examples
    --------
    >>> from unskew.metrics import head_medium_tail_accuracy
    >>> y_true = ["a", "a", "b", "b", "c", "c"]
    >>> y_pred = ["a", "a", "b", "a", "a", "a"]
    >>> r = head_medium_tail_accuracy(y_true, y_pred, train_counts={"a": 900, "b": 60, "c": 4})
    >>> r.head, r.medium, r.tail
    (1.0, 0.5, 0.0)
    >>> r.tail_classes, (r.head_min, r.tail_max)
    (('c',), (100, 20))
    >>> r = head_medium_tail_accuracy(y_true, y_pred, train_counts={"a": 900, "b": 60, "c": 40})
    >>> r.tail is None, r.tail_classes
    (True, ())
    """
    for name, value in (("head_min", head_min), ("tail_max", tail_max)):
        if not (is_real(value) and value >= 0):
            raise parameter_error("head_medium_tail_accuracy", name, "a number >= 0", value)
    if tail_max > head_min:
        raise parameter_error(
            "head_medium_tail_accuracy",
            "tail_max",
            f"at most head_min={head_min!r}",
            tail_max,
        )
    classes, tp, n_true, _ = _class_counts(y_true, y_pred)
    kind = "string" if classes.dtype.kind in "US" else "number"
    counts, given_as_counts = _read_train_counts(train_counts, kind)
    present = n_true > 0
    test_classes = [as_python(c) for c in classes[present]]
    recall = tp[present] / n_true[present]

    missing = [c for c in test_classes if c not in counts]
    if given_as_counts and missing:
        raise DataError(
            f"train_counts has no count for classes of y_true: {format_labels(missing)}; "
            "add them (with 0 for a class never seen in training)."
        )
    if not given_as_counts and len(missing) == len(test_classes):
        raise DataError(
            f"no class of y_true ({format_labels(test_classes)}) occurs in the training labels "
            f"({format_labels(list(counts))}); are they the labels of the same problem?"
        )
    test_counts = {c: counts.get(c, 0) for c in test_classes}
    by_frequency = sorted(range(len(test_classes)), key=lambda i: -test_counts[test_classes[i]])

    buckets = {"head": [], "medium": [], "tail": []}
    for i in by_frequency:
        n = test_counts[test_classes[i]]
        bucket = "head" if n > head_min else "tail" if n < tail_max else "medium"
        buckets[bucket].append(i)

    def score(indices):
        return float(np.mean(recall[indices])) if indices else None

    test_set = set(test_classes)
    return LongTailAccuracy(
        head=score(buckets["head"]),
        medium=score(buckets["medium"]),
        tail=score(buckets["tail"]),
        head_classes=tuple(test_classes[i] for i in buckets["head"]),
        medium_classes=tuple(test_classes[i] for i in buckets["medium"]),
        tail_classes=tuple(test_classes[i] for i in buckets["tail"]),
        head_min=head_min,
        tail_max=tail_max,
        recall=dict(zip(test_classes, recall.tolist(), strict=True)),
        train_counts=test_counts,
        not_in_test=tuple(c for c in counts if c not in test_set),
    )
