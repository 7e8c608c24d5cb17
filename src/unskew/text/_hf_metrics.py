"""``compute_metrics`` for Hugging Face ``Trainer`` from :mod:`unskew.metrics` (numpy only)."""

from __future__ import annotations

import re

import numpy as np

__all__ = ["make_compute_metrics"]


def _key(name) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "_", str(name)).strip("_") or "class"


def _unpack(eval_pred):
    if isinstance(eval_pred, tuple):
        logits, labels = eval_pred[0], eval_pred[1]
    else:
        logits, labels = eval_pred.predictions, eval_pred.label_ids
    if isinstance(logits, tuple):
        logits = logits[0]
    return np.asarray(logits), np.asarray(labels)


def make_compute_metrics(*, label_names=None, train_counts=None, decision=None,
                         head_min: int = 100, tail_max: int = 20):
    """Build a ``compute_metrics`` giving per-class and long-tail scores of a classifier.

    The returned function takes the ``EvalPrediction`` of ``Trainer`` (or a
    ``(logits, labels)`` pair) and returns floats: ``accuracy``, ``macro_f1``,
    ``balanced_accuracy``, ``precision_<class>``, ``recall_<class>``, ``f1_<class>``, and with
    ``train_counts`` the ``head_accuracy`` / ``medium_accuracy`` / ``tail_accuracy`` of
    :func:`unskew.metrics.head_medium_tail_accuracy` (a bucket without classes is left out).
    Rows labelled ``-100`` are skipped. ``Trainer`` prefixes every key with ``eval_``.

    Parameters
    ----------
    label_names : sequence of str, optional
        Class names in label order, for the per-class keys (default: the indices).
    train_counts : sequence of int, optional
        Training rows per class, in label order, for the head / medium / tail buckets.
    decision : DecisionRule, optional
        Predict with this rule instead of the plain argmax.
    head_min, tail_max : int, default=100, 20
        The bucket cut-offs (head > head_min, tail < tail_max training rows).

    Returns
    -------
    callable

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.text import make_compute_metrics
    >>> metrics = make_compute_metrics(label_names=["pos", "neg"], train_counts=[500, 10])
    >>> out = metrics((np.array([[2.0, 0.0], [1.0, 0.0], [0.0, 3.0]]), np.array([0, 1, 1])))
    >>> out["balanced_accuracy"], out["recall_neg"], out["tail_accuracy"]
    (0.75, 0.5, 0.5)
    """
    from ..metrics import (
        accuracy,
        balanced_accuracy,
        head_medium_tail_accuracy,
        macro_f1,
        per_class_report,
    )

    names = None if label_names is None else [_key(n) for n in label_names]

    def compute_metrics(eval_pred) -> dict:
        logits, labels = _unpack(eval_pred)
        keep = labels != -100
        logits, labels = logits[keep], labels[keep].astype(int)
        pred = decision.predict(logits) if decision is not None else np.argmax(logits, axis=1)
        n_classes = logits.shape[1]
        classes = list(range(n_classes))
        out = {
            "accuracy": float(accuracy(labels, pred)),
            "macro_f1": float(macro_f1(labels, pred, labels=classes)),
            "balanced_accuracy": float(balanced_accuracy(labels, pred)),
        }
        report = per_class_report(labels, pred, labels=classes)
        for j in classes:
            key = names[j] if names is not None and j < len(names) else str(j)
            out[f"precision_{key}"] = float(report.precision[j])
            out[f"recall_{key}"] = float(report.recall[j])
            out[f"f1_{key}"] = float(report.f1[j])
        if train_counts is not None:
            counts = {j: int(c) for j, c in enumerate(train_counts)}
            buckets = head_medium_tail_accuracy(labels, pred, train_counts=counts,
                                                head_min=head_min, tail_max=tail_max)
            for bucket in ("head", "medium", "tail"):
                value = getattr(buckets, bucket)
                if value is not None:
                    out[f"{bucket}_accuracy"] = float(value)
        return out

    return compute_metrics
