"""The numbers behind each plot of the report, computed apart from the drawing.

Every function here is pure numpy / pandas: it takes labels, probabilities or a leaderboard and
returns arrays or a small data frame, so the plots can be tested against hand-computed values
and against scikit-learn without a browser. :mod:`unskew.report._svg` draws them.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ..metrics import confusion_matrix, per_class_report


def _as_scores(y_true, scores, name="scores"):
    """Return ``(y_true, scores)`` as 1-D numpy arrays of equal, non-zero length."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=np.float64)
    if y_true.ndim != 1 or scores.ndim != 1:
        raise DataError(f"y_true and {name} must be 1-D; got shapes {y_true.shape} and "
                        f"{scores.shape}")
    if y_true.shape[0] != scores.shape[0]:
        raise DataError(f"y_true and {name} differ in length: {y_true.shape[0]} and "
                        f"{scores.shape[0]}")
    if y_true.shape[0] == 0:
        raise DataError(f"y_true and {name} are empty")
    if not np.isfinite(scores).all():
        raise DataError(f"{name} contain {int((~np.isfinite(scores)).sum())} NaN or infinite "
                        "value(s)")
    return y_true, scores


def _outcome(y_true, pos_label):
    """``y_true == pos_label`` as a bool array, or ``y_true`` itself when it is already 0/1."""
    y_true = np.asarray(y_true)
    if pos_label is not None:
        return y_true == pos_label
    values = np.unique(y_true)
    if not np.isin(values, [0, 1]).all():
        raise DataError(f"y_true must hold 0/1 outcomes when pos_label is not given; got the "
                        f"values {values[:5].tolist()}")
    return y_true.astype(bool)


def predicted_labels(proba, classes):
    """Turn class probabilities into predicted labels: the class of the largest probability.

    Ties go to the first of the tied columns, as ``numpy.argmax`` (and scikit-learn's
    ``predict``) decide.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Probabilities, one column per class in the order of ``classes``.
    classes : array-like of shape (n_classes,)
        The class of each column.

    Returns
    -------
    ndarray of shape (n_samples,)
        The predicted class labels.

    Examples
    --------
    >>> from unskew.report import predicted_labels
    >>> predicted_labels([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5]], ["neg", "pos"]).tolist()
    ['neg', 'pos', 'neg']
    """
    proba = np.asarray(proba, dtype=np.float64)
    classes = np.asarray(classes)
    if proba.ndim != 2 or proba.shape[1] != classes.shape[0]:
        raise DataError(f"proba must have one column per class ({classes.shape[0]}); got shape "
                        f"{proba.shape}")
    return classes[np.argmax(proba, axis=1)]


def minority_class(y, classes):
    """Return the least frequent class of ``y`` (ties: the later one in ``classes``).

    In a binary report this is the positive class of the precision-recall and threshold
    curves: the class the user cares about in an imbalanced problem.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    classes : array-like of shape (n_classes,)
        All classes, in the order of the probability columns.

    Returns
    -------
    label
        One element of ``classes``.

    Examples
    --------
    >>> from unskew.report import minority_class
    >>> minority_class(["a", "a", "b", "a", "c", "c"], ["a", "b", "c"])
    'b'
    """
    classes = list(classes)
    y = np.asarray(y)
    counts = [int(np.sum(y == c)) for c in classes]
    # reversed so that a tie goes to the later class (the metrics' default positive class)
    index = len(classes) - 1 - int(np.argmin(counts[::-1]))
    return classes[index]


def ci_bars(leaderboard, metric):
    """The selection metric of each strategy with its confidence interval, for a forest plot.

    Parameters
    ----------
    leaderboard : pandas.DataFrame
        A leaderboard with columns ``strategy``, ``metric``, ``<metric>_low``,
        ``<metric>_high`` and optionally ``status`` and ``rank``.
    metric : str
        The metric to plot.

    Returns
    -------
    pandas.DataFrame
        One row per strategy in leaderboard order: ``strategy``, ``mean``, ``low``, ``high``,
        ``status`` and ``best`` (True for rank 1). Failed strategies keep NaN scores.

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.report import ci_bars
    >>> board = pd.DataFrame({"rank": [1.0, 2.0], "strategy": ["smote+lr", "none+lr"],
    ...                       "macro_f1": [0.8, 0.6], "macro_f1_low": [0.7, 0.5],
    ...                       "macro_f1_high": [0.9, 0.7]})
    >>> ci_bars(board, "macro_f1")
       strategy  mean  low  high status   best
    0  smote+lr   0.8  0.7   0.9     ok   True
    1   none+lr   0.6  0.5   0.7     ok  False
    """
    missing = [c for c in ("strategy", metric, f"{metric}_low", f"{metric}_high")
               if c not in leaderboard.columns]
    if missing:
        raise DataError(f"the leaderboard lacks the column(s) {', '.join(missing)}")
    status = (leaderboard["status"] if "status" in leaderboard.columns
              else pd.Series("ok", index=leaderboard.index))
    rank = (leaderboard["rank"] if "rank" in leaderboard.columns
            else pd.Series(np.arange(1, len(leaderboard) + 1), index=leaderboard.index))
    return pd.DataFrame({
        "strategy": leaderboard["strategy"].astype(str).to_numpy(),
        "mean": leaderboard[metric].to_numpy(dtype=np.float64),
        "low": leaderboard[f"{metric}_low"].to_numpy(dtype=np.float64),
        "high": leaderboard[f"{metric}_high"].to_numpy(dtype=np.float64),
        "status": status.fillna("ok").astype(str).to_numpy(),
        "best": (rank == 1).to_numpy(),
    })


#: The range of each metric whose range is not [0, 1].
_METRIC_BOUNDS = {"mcc": (-1.0, 1.0), "log_loss": (0.0, math.inf)}

#: Leaderboard statuses whose scores do not set the axis of a forest plot.
_OFF_AXIS_STATUS = ("failed", "skipped", "degenerate")


def metric_bounds(metric):
    """The smallest and largest value a metric can take.

    Parameters
    ----------
    metric : str
        A metric key (``"macro_f1"``, ``"mcc"``, ...); unknown ones are taken to lie in
        [0, 1], like the scores, recalls and rates of the leaderboard.

    Returns
    -------
    (float, float)
        ``(low, high)``; ``high`` is ``inf`` for an unbounded loss.

    Examples
    --------
    >>> from unskew.report._plotdata import metric_bounds
    >>> metric_bounds("macro_f1"), metric_bounds("mcc"), metric_bounds("log_loss")
    ((0.0, 1.0), (-1.0, 1.0), (0.0, inf))
    """
    return _METRIC_BOUNDS.get(metric, (0.0, 1.0))


def forest_span(bars, bounds=(0.0, 1.0), *, pad=0.05):
    """The stretch of the metric axis worth drawing in a forest plot.

    It spans the intervals (and means) of the strategies that count, padded by ``pad`` of its
    width on each side and clipped to the metric's ``bounds``. Failed, skipped and degenerate
    strategies do not count: a strategy that predicts one class scores far from the others and
    would squeeze every real interval into a corner. When no strategy counts, all finite
    values do; when there is none, the span is ``bounds`` (``[low, low + 1]`` if unbounded).

    Parameters
    ----------
    bars : pandas.DataFrame
        The output of :func:`ci_bars` (``mean``, ``low``, ``high``, ``status``).
    bounds : (float, float), default=(0, 1)
        The metric's range (:func:`metric_bounds`).
    pad : float, default=0.05
        Margin on each side, as a share of the span (or 0.05 when the span is a point).

    Returns
    -------
    (float, float)
        ``(low, high)`` with ``bounds[0] <= low < high <= bounds[1]``.

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.report._plotdata import forest_span
    >>> bars = pd.DataFrame({"mean": [0.9, 0.2], "low": [0.8, 0.1], "high": [1.02, 0.3],
    ...                      "status": ["ok", "degenerate"]})
    >>> [round(v, 3) for v in forest_span(bars)]
    [0.789, 1.0]
    """
    lo_bound, hi_bound = (float(b) for b in bounds)
    columns = bars[["mean", "low", "high"]].to_numpy(dtype=np.float64)
    status = bars["status"].astype(str).to_numpy() if "status" in bars else None
    counted = columns if status is None else columns[~np.isin(status, _OFF_AXIS_STATUS)]
    values = counted[np.isfinite(counted)]
    if values.size == 0:
        values = columns[np.isfinite(columns)]
    if values.size == 0:
        return lo_bound, hi_bound if math.isfinite(hi_bound) else lo_bound + 1.0
    lo, hi = float(values.min()), float(values.max())
    margin = (hi - lo) * pad or 0.05
    lo, hi = max(lo - margin, lo_bound), min(hi + margin, hi_bound)
    if hi <= lo:  # every value at or beyond one end of the range
        lo, hi = (max(hi_bound - 0.1, lo_bound), hi_bound) if lo >= hi_bound else (
            lo_bound, min(lo_bound + 0.1, hi_bound))
    return lo, hi


def per_class_scores(y_true, oof, classes):
    """Per-class precision, recall and F1 of each strategy's out-of-fold predictions.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    oof : dict
        ``{strategy: (n_samples, n_classes) probabilities}``; the predicted label of a row is
        the class of its largest probability (:func:`predicted_labels`).
    classes : array-like of shape (n_classes,)
        The class of each probability column.

    Returns
    -------
    pandas.DataFrame
        Long format, one row per (strategy, class): ``strategy``, ``class``, ``precision``,
        ``recall``, ``f1``, ``support``. Classes follow ``classes``; strategies follow ``oof``.

    Examples
    --------
    >>> from unskew.report import per_class_scores
    >>> proba = [[0.9, 0.1], [0.8, 0.2], [0.4, 0.6], [0.7, 0.3]]
    >>> per_class_scores(["a", "a", "a", "b"], {"none+lr": proba}, ["a", "b"])
      strategy class  precision    recall   f1  support
    0  none+lr     a   0.666667  0.666667  0.666667  3
    1  none+lr     b   0.000000  0.000000  0.000000  1
    """
    y_true = np.asarray(y_true)
    rows = []
    for name, proba in oof.items():
        pred = predicted_labels(proba, classes)
        if pred.shape[0] != y_true.shape[0]:
            raise DataError(f"out-of-fold predictions of {name} have {pred.shape[0]} rows, "
                            f"y_true has {y_true.shape[0]}")
        report = per_class_report(y_true, pred, labels=list(classes))
        for i, label in enumerate(classes):
            rows.append({"strategy": name, "class": label,
                         "precision": float(report.precision[i]),
                         "recall": float(report.recall[i]), "f1": float(report.f1[i]),
                         "support": int(report.support[i])})
    columns = ["strategy", "class", "precision", "recall", "f1", "support"]
    return pd.DataFrame(rows, columns=columns)


def confusion(y_true, y_pred, classes):
    """The confusion matrix as a labelled table: true classes in rows, predictions in columns.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class labels.
    classes : array-like of shape (n_classes,)
        Row and column order.

    Returns
    -------
    pandas.DataFrame
        Integer counts; ``frame.loc[a, b]`` rows of class ``a`` predicted as ``b``. The index is
        named ``"true"`` and the columns ``"predicted"``.

    Examples
    --------
    >>> from unskew.report import confusion
    >>> confusion(["a", "a", "b", "b", "b"], ["a", "b", "b", "b", "a"], ["a", "b"])
    predicted  a  b
    true
    a          1  1
    b          1  2
    """
    counts = confusion_matrix(y_true, y_pred, labels=list(classes))
    return pd.DataFrame(counts, index=pd.Index(list(classes), name="true"),
                        columns=pd.Index(list(classes), name="predicted"))


class PRCurve(NamedTuple):
    """Points of a precision-recall curve, as ``sklearn.metrics.precision_recall_curve``.

    Attributes
    ----------
    precision : ndarray of shape (n_thresholds + 1,)
        Precision at each threshold, then 1.0.
    recall : ndarray of shape (n_thresholds + 1,)
        Recall at each threshold (decreasing), then 0.0.
    thresholds : ndarray of shape (n_thresholds,)
        The distinct scores, increasing; a row is positive when its score is >= threshold.

    Examples
    --------
    >>> from unskew.report import pr_curve_points
    >>> precision, recall, thresholds = pr_curve_points([0, 1, 1], [0.3, 0.6, 0.9])
    >>> precision.tolist(), recall.tolist(), thresholds.tolist()
    ([0.6666666666666666, 1.0, 1.0, 1.0], [1.0, 1.0, 0.5, 0.0], [0.3, 0.6, 0.9])
    """

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray

    @property
    def average_precision(self) -> float:
        """Step-wise area under the curve, ``sum_n (R_n - R_{n-1}) P_n``.

        Examples
        --------
        >>> from unskew.report import pr_curve_points
        >>> round(pr_curve_points([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]).average_precision, 4)
        0.8333
        """
        return float(-np.sum(np.diff(self.recall) * self.precision[:-1]))


def _binary_counts(outcome, scores):
    """True and false positives at each distinct score, thresholds decreasing."""
    order = np.argsort(-scores, kind="mergesort")
    scores = scores[order]
    outcome = outcome[order]
    last = np.r_[np.flatnonzero(np.diff(scores)), scores.shape[0] - 1]
    tps = np.cumsum(outcome, dtype=np.float64)[last]
    fps = (last + 1) - tps
    return tps, fps, scores[last]


def pr_curve_points(y_true, scores, *, pos_label=None):
    """Precision and recall at every distinct score threshold.

    Equal to scikit-learn's ``precision_recall_curve(y_true, scores, pos_label=...)``
    (``drop_intermediate=False``): precision of a threshold no row reaches is 0, and the curve
    ends at (recall 0, precision 1).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels, or 0/1 outcomes when ``pos_label`` is None.
    scores : array-like of shape (n_samples,)
        Score or probability of the positive class.
    pos_label : label, optional
        The positive class; by default ``y_true`` must hold 0/1 (or bool) outcomes.

    Returns
    -------
    PRCurve
        ``(precision, recall, thresholds)``, with ``average_precision``.

    Raises
    ------
    DataError
        If the inputs differ in length, are empty, hold NaN, or no row is positive.

    Examples
    --------
    >>> from unskew.report import pr_curve_points
    >>> curve = pr_curve_points(["n", "p", "n", "p"], [0.1, 0.4, 0.35, 0.8], pos_label="p")
    >>> curve.precision.tolist(), curve.recall.tolist()
    ([0.5, 0.6666666666666666, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.5, 0.0])
    >>> curve.thresholds.tolist()
    [0.1, 0.35, 0.4, 0.8]
    """
    y_true, scores = _as_scores(y_true, scores)
    outcome = _outcome(y_true, pos_label)
    if not outcome.any():
        raise DataError(f"no row of y_true is positive (pos_label={pos_label!r}); a "
                        "precision-recall curve needs at least one")
    tps, fps, thresholds = _binary_counts(outcome, scores)
    predicted = tps + fps
    precision = np.divide(tps, predicted, out=np.zeros_like(tps), where=predicted != 0)
    recall = tps / tps[-1]
    return PRCurve(np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1])


def threshold_curve(y_true, scores, *, pos_label=None):
    """Precision, recall and F1 of the positive class as the decision threshold moves.

    A row is predicted positive when its score is at least the threshold; one row per
    distinct score.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels, or 0/1 outcomes when ``pos_label`` is None.
    scores : array-like of shape (n_samples,)
        Score or probability of the positive class.
    pos_label : label, optional
        The positive class.

    Returns
    -------
    pandas.DataFrame
        Columns ``threshold`` (increasing), ``precision``, ``recall``, ``f1`` and
        ``positive_rate`` (share of rows predicted positive).

    Examples
    --------
    >>> from unskew.report import threshold_curve
    >>> threshold_curve([0, 1, 0, 1], [0.1, 0.4, 0.35, 0.8])
       threshold  precision  recall        f1  positive_rate
    0       0.10   0.500000     1.0  0.666667           1.00
    1       0.35   0.666667     1.0  0.800000           0.75
    2       0.40   1.000000     1.0  1.000000           0.50
    3       0.80   1.000000     0.5  0.666667           0.25
    """
    y_true, scores = _as_scores(y_true, scores)
    outcome = _outcome(y_true, pos_label)
    if not outcome.any():
        raise DataError(f"no row of y_true is positive (pos_label={pos_label!r})")
    tps, fps, thresholds = _binary_counts(outcome, scores)
    predicted = tps + fps
    precision = tps / predicted
    recall = tps / tps[-1]
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(total), where=total != 0)
    return pd.DataFrame({"threshold": thresholds[::-1], "precision": precision[::-1],
                         "recall": recall[::-1], "f1": f1[::-1],
                         "positive_rate": predicted[::-1] / scores.shape[0]})


def threshold_for_recall(curve, recall):
    """The highest threshold of a :func:`threshold_curve` whose recall reaches ``recall``.

    Raising the threshold only lowers recall, so this is the threshold that keeps the most
    precision (and flags the fewest rows) while still finding that share of the positives.

    Parameters
    ----------
    curve : pandas.DataFrame
        The output of :func:`threshold_curve`.
    recall : float
        The recall to reach, in (0, 1].

    Returns
    -------
    pandas.Series or None
        The row of ``curve`` (``threshold``, ``precision``, ``recall``, ``f1``,
        ``positive_rate``), or None when no threshold reaches ``recall``.

    Examples
    --------
    >>> from unskew.report import threshold_curve
    >>> from unskew.report._plotdata import threshold_for_recall
    >>> curve = threshold_curve([0, 1, 0, 1, 1], [0.1, 0.4, 0.35, 0.8, 0.3])
    >>> row = threshold_for_recall(curve, 0.6)
    >>> float(row["threshold"]), round(float(row["recall"]), 3), float(row["precision"])
    (0.4, 0.667, 1.0)
    """
    reached = curve.index[curve["recall"].to_numpy() >= recall - 1e-12]
    return None if len(reached) == 0 else curve.loc[reached[-1]]


def reliability_bins(y_true, prob, *, n_bins=10, strategy="uniform", pos_label=None):
    """Bin predicted probabilities and compare each bin's mean with the observed frequency.

    The binning is scikit-learn's ``calibration_curve``: ``"uniform"`` splits [0, 1] into
    ``n_bins`` equal bins, ``"quantile"`` puts (about) as many rows in each; a probability on
    an inner edge falls in the lower bin. Empty bins are left out.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels, or 0/1 outcomes when ``pos_label`` is None.
    prob : array-like of shape (n_samples,)
        Predicted probability of the outcome, in [0, 1].
    n_bins : int, default=10
        Number of bins.
    strategy : {"uniform", "quantile"}, default="uniform"
        How to place the bin edges.
    pos_label : label, optional
        The positive class.

    Returns
    -------
    pandas.DataFrame
        One row per non-empty bin: ``bin_low``, ``bin_high``, ``count``, ``mean_predicted``,
        ``observed`` (share of positive rows). A well calibrated model has ``observed`` close
        to ``mean_predicted``.

    Raises
    ------
    ValueError
        If ``n_bins`` or ``strategy`` is invalid.
    DataError
        If probabilities lie outside [0, 1] or the inputs do not match.

    Examples
    --------
    >>> from unskew.report import reliability_bins
    >>> reliability_bins([0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9], n_bins=2)
       bin_low  bin_high  count  mean_predicted  observed
    0      0.0       0.5      3        0.200000  0.333333
    1      0.5       1.0      2        0.850000  1.000000
    """
    if not isinstance(n_bins, int | np.integer) or isinstance(n_bins, bool) or n_bins < 1:
        raise ValueError(f"The 'n_bins' parameter of reliability_bins must be an int >= 1; "
                         f"got {n_bins!r}.")
    if strategy not in ("uniform", "quantile"):
        raise ValueError("The 'strategy' parameter of reliability_bins must be 'uniform' or "
                         f"'quantile'; got {strategy!r}.")
    y_true, prob = _as_scores(y_true, prob, name="probabilities")
    if prob.min() < 0 or prob.max() > 1:
        raise DataError(f"probabilities must lie in [0, 1]; got values from {prob.min():g} to "
                        f"{prob.max():g}")
    outcome = _outcome(y_true, pos_label).astype(np.float64)
    if strategy == "quantile":
        edges = np.percentile(prob, np.linspace(0, 100, n_bins + 1))
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], prob)
    total = np.bincount(ids, minlength=n_bins)
    sums = np.bincount(ids, weights=prob, minlength=n_bins)
    hits = np.bincount(ids, weights=outcome, minlength=n_bins)
    keep = total > 0
    return pd.DataFrame({"bin_low": edges[:-1][keep], "bin_high": edges[1:][keep],
                         "count": total[keep], "mean_predicted": sums[keep] / total[keep],
                         "observed": hits[keep] / total[keep]})


def expected_calibration_error(bins):
    """Count-weighted mean gap between predicted and observed frequency over the bins.

    Parameters
    ----------
    bins : pandas.DataFrame
        The output of :func:`reliability_bins`.

    Returns
    -------
    float
        ``sum(count * |observed - mean_predicted|) / sum(count)``; 0 is perfect calibration.

    Examples
    --------
    >>> from unskew.report import expected_calibration_error, reliability_bins
    >>> bins = reliability_bins([0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9], n_bins=2)
    >>> round(expected_calibration_error(bins), 4)
    0.14
    """
    counts = bins["count"].to_numpy(dtype=np.float64)
    gaps = np.abs(bins["observed"].to_numpy() - bins["mean_predicted"].to_numpy())
    return float(np.sum(counts * gaps) / np.sum(counts)) if counts.sum() else float("nan")


def class_distribution(class_counts, buckets=None):
    """Rows per class, their share and head / medium / tail bucket, most common first.

    Parameters
    ----------
    class_counts : dict
        ``{class: rows}``.
    buckets : dict, optional
        ``{class: "head" | "medium" | "tail"}``; missing classes get ``None``.

    Returns
    -------
    pandas.DataFrame
        Columns ``class``, ``count``, ``share``, ``bucket``, sorted by count (descending; ties
        keep their order).

    Examples
    --------
    >>> from unskew.report import class_distribution
    >>> class_distribution({"rare": 5, "common": 120}, {"rare": "tail", "common": "head"})
        class  count  share bucket
    0  common    120   0.96   head
    1    rare      5   0.04   tail
    """
    buckets = buckets or {}
    frame = pd.DataFrame({"class": list(class_counts),
                          "count": [int(n) for n in class_counts.values()]})
    total = frame["count"].sum()
    frame["share"] = frame["count"] / total if total else 0.0
    frame["bucket"] = [buckets.get(c) for c in frame["class"]]
    return frame.sort_values("count", ascending=False, kind="mergesort").reset_index(drop=True)


def fit_times(fold_scores, order=None):
    """Mean, minimum and maximum fit time per strategy over its successful tasks.

    Parameters
    ----------
    fold_scores : pandas.DataFrame
        One row per (strategy, repeat, fold) task with ``strategy``, ``fit_time`` and
        optionally ``status``.
    order : list of str, optional
        Strategy order of the result (e.g. the leaderboard's); by default first appearance.

    Returns
    -------
    pandas.DataFrame
        Columns ``strategy``, ``mean``, ``min``, ``max``, ``total`` (seconds) and ``n_ok``;
        NaN times for a strategy without a successful task.

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.report import fit_times
    >>> folds = pd.DataFrame({"strategy": ["a", "a", "b", "b"], "fit_time": [1.0, 3.0, 0.5, 9.0],
    ...                       "status": ["ok", "ok", "ok", "failed"]})
    >>> fit_times(folds)
      strategy  mean  min  max  total  n_ok
    0        a   2.0  1.0  3.0    4.0     2
    1        b   0.5  0.5  0.5    0.5     1
    """
    if order is None:
        order = list(dict.fromkeys(fold_scores["strategy"].astype(str)))
    ok = fold_scores
    if "status" in fold_scores.columns:
        ok = fold_scores[fold_scores["status"] == "ok"]
    times = ok.groupby(ok["strategy"].astype(str))["fit_time"]
    stats = pd.DataFrame({"mean": times.mean(), "min": times.min(), "max": times.max(),
                          "total": times.sum(), "n_ok": times.count()})
    stats = stats.reindex(order)
    stats["n_ok"] = stats["n_ok"].fillna(0).astype(int)
    stats.loc[stats["n_ok"] == 0, ["mean", "min", "max", "total"]] = np.nan
    return stats.rename_axis("strategy").reset_index()
