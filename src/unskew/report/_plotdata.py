"""The tables behind each plot of the report, shaped apart from the drawing.

Every score comes from :mod:`unskew.metrics` (per-class scores, the confusion matrix, the
precision-recall, threshold and reliability curves, the calibration error); the functions here
only lay those numbers out as arrays or small data frames for a chart, so the plots can be
tested against hand-computed values without a browser. :mod:`unskew.report._svg` draws them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ..metrics import (
    PrecisionRecallCurve,
    ReliabilityBins,
    confusion_matrix,
    per_class_report,
    precision_recall_curve,
)
from ..metrics import reliability_bins as _reliability_bins
from ..metrics import threshold_curve as _threshold_curve

#: The precision-recall curve of :mod:`unskew.metrics`, under the report's older names.
PRCurve = PrecisionRecallCurve
pr_curve_points = precision_recall_curve


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
_OFF_AXIS_STATUS = ("failed", "skipped", "degenerate", "stopped")


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


def confused_pairs(matrix, *, top=None):
    """The off-diagonal cells of a :func:`confusion` table, most rows first.

    Each pair is one way the model goes wrong: rows of class ``true`` predicted as
    ``predicted``, with their share of the ``true`` class's rows (that class's loss of recall
    to this one mistake).

    Parameters
    ----------
    matrix : pandas.DataFrame
        The output of :func:`confusion`: true classes in rows, predictions in columns.
    top : int, optional
        Keep only this many pairs; by default every pair with at least one row.

    Returns
    -------
    pandas.DataFrame
        Columns ``true``, ``predicted``, ``count`` and ``share`` (``count`` over the rows of
        ``true``), sorted by count, then share (descending); ties keep the matrix's order.
        Pairs with no row are left out.

    Examples
    --------
    >>> from unskew.report import confused_pairs, confusion
    >>> matrix = confusion(["a", "a", "a", "b", "b", "c"], ["b", "b", "a", "a", "b", "a"],
    ...                    ["a", "b", "c"])
    >>> confused_pairs(matrix)
      true predicted  count     share
    0    a         b      2  0.666667
    1    c         a      1  1.000000
    2    b         a      1  0.500000
    """
    counts = matrix.to_numpy()
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise DataError(f"a confusion matrix must be square; got shape {counts.shape}")
    support = counts.sum(axis=1)
    true, predicted = np.nonzero(counts * (1 - np.eye(counts.shape[0], dtype=counts.dtype)))
    count = counts[true, predicted]
    share = count / support[true]
    order = np.lexsort((-share, -count))  # stable: ties keep the row-major matrix order
    if top is not None:
        order = order[:top]
    return pd.DataFrame({"true": matrix.index.to_numpy()[true[order]],
                         "predicted": matrix.columns.to_numpy()[predicted[order]],
                         "count": count[order].astype(int), "share": share[order]})


def threshold_curve(y_true, scores, *, pos_label=None):
    """:func:`unskew.metrics.threshold_curve` as a table: one row per threshold, for a chart.

    Parameters
    ----------
    y_true, scores, pos_label
        As ``y_true``, ``y_score`` and ``pos_label`` of
        :func:`unskew.metrics.threshold_curve`, which also says what it raises.

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
    curve = _threshold_curve(y_true, scores, pos_label=pos_label)
    return pd.DataFrame(curve._asdict()).rename(columns={"thresholds": "threshold"})


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
    """:func:`unskew.metrics.reliability_bins` as a table: one row per non-empty bin.

    Parameters
    ----------
    y_true, prob, n_bins, strategy, pos_label
        As ``y_true``, ``y_proba``, ``n_bins``, ``strategy`` and ``pos_label`` of
        :func:`unskew.metrics.reliability_bins`, which also says what it raises.

    Returns
    -------
    pandas.DataFrame
        Columns ``bin_low``, ``bin_high``, ``count``, ``mean_predicted`` and ``observed``
        (share of positive rows). A well calibrated model has ``observed`` close to
        ``mean_predicted``.

    Examples
    --------
    >>> from unskew.report import reliability_bins
    >>> reliability_bins([0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9], n_bins=2)
       bin_low  bin_high  count  mean_predicted  observed
    0      0.0       0.5      3        0.200000  0.333333
    1      0.5       1.0      2        0.850000  1.000000
    """
    bins = _reliability_bins(y_true, prob, n_bins=n_bins, strategy=strategy,
                             pos_label=pos_label)
    return pd.DataFrame(bins._asdict())


def expected_calibration_error(bins):
    """The expected calibration error of a :func:`reliability_bins` table.

    The table form of :attr:`unskew.metrics.ReliabilityBins.expected_calibration_error`;
    :func:`unskew.metrics.expected_calibration_error` computes it from labels and probabilities.

    Parameters
    ----------
    bins : pandas.DataFrame
        The output of :func:`reliability_bins` (``count``, ``mean_predicted``, ``observed``).

    Returns
    -------
    float
        ``sum(count * |observed - mean_predicted|) / sum(count)``; 0 is perfect calibration,
        NaN for a table without rows.

    Examples
    --------
    >>> from unskew.report import expected_calibration_error, reliability_bins
    >>> bins = reliability_bins([0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9], n_bins=2)
    >>> round(expected_calibration_error(bins), 4)
    0.14
    """
    return ReliabilityBins(*(bins.get(f) for f in ReliabilityBins._fields)
                           ).expected_calibration_error


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
