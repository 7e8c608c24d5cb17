"""Curves of a binary score: precision-recall, threshold and reliability (calibration) curves.

Each curve function takes the true labels and the score (or probability) of the positive class
and returns a named tuple of numpy arrays, so it unpacks like its scikit-learn counterpart and
its parts can be read by name. With ``pos_label=None`` ``y_true`` must hold 0/1 (or bool)
outcomes, as in scikit-learn's curves; otherwise the positive rows are ``y_true == pos_label``.
One threshold stands at each distinct score, and a row is positive when its score is at least
the threshold, so tied scores always move together.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from unskew.exceptions import DataError

from .._utils._docstrings import fill_doc
from ._validation import parameter_error

_STRATEGIES = ("uniform", "quantile")

# parameter docs shared by the curves of a score and by the two binnings of probabilities
_SCORE_DOCS = {
    "score_parameters": """y_true : array-like of shape (n_samples,)
        Class labels, or 0/1 outcomes when ``pos_label`` is None.
    y_score : array-like of shape (n_samples,)
        Score or probability of the positive class; higher means more likely positive.
    pos_label : label, default=None
        The positive class; by default ``y_true`` must hold 0/1 (or bool) outcomes.""",
    "score_raises": """Raises
    ------
    DataError
        If the inputs differ in length, are empty, hold NaN or infinity, or no row is positive.""",
}
_BINNING_DOCS = {
    "binning_parameters": """y_true : array-like of shape (n_samples,)
        Class labels, or 0/1 outcomes when ``pos_label`` is None.
    y_proba : array-like of shape (n_samples,)
        Predicted probability of the positive class, in [0, 1].
    n_bins : int, default=10
        Number of bins.
    strategy : {"uniform", "quantile"}, default="uniform"
        How to place the bin edges.
    pos_label : label, default=None
        The positive class; by default ``y_true`` must hold 0/1 (or bool) outcomes.""",
    "binning_raises": """Raises
    ------
    ValueError
        If ``n_bins`` or ``strategy`` is invalid.
    DataError
        If probabilities lie outside [0, 1] or the inputs do not match.""",
}


def _as_scores(y_true, scores, name):
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
    if pos_label is not None:
        return y_true == pos_label
    values = np.unique(y_true)
    if not np.isin(values, [0, 1]).all():
        raise DataError(f"y_true must hold 0/1 outcomes when pos_label is not given; got the "
                        f"values {values[:5].tolist()}")
    return y_true.astype(bool)


def _binary_counts(outcome, scores):
    """True and false positives at each distinct score, thresholds decreasing.

    The last row of each run of tied scores marks its threshold, so the rows tied at a
    threshold are all counted positive there.
    """
    order = np.argsort(-scores, kind="mergesort")
    scores = scores[order]
    outcome = outcome[order]
    last = np.r_[np.flatnonzero(np.diff(scores)), scores.shape[0] - 1]
    tps = np.cumsum(outcome, dtype=np.float64)[last]
    fps = (last + 1) - tps
    return tps, fps, scores[last]


def _step_area(precision, recall):
    """``sum_n (R_n - R_{n-1}) P_n`` with ``R_0 = 0``, the points ordered by falling threshold.

    The one average precision of unskew: :func:`~unskew.metrics.average_precision` and
    :attr:`PrecisionRecallCurve.average_precision` both sum it in this order.
    """
    return float(np.sum(np.diff(recall, prepend=0.0) * precision))


def _positive_counts(y_true, y_score, pos_label, need):
    """Validate the inputs; return ``(tps, fps, thresholds)``, thresholds decreasing."""
    y_true, y_score = _as_scores(y_true, y_score, "y_score")
    outcome = _outcome(y_true, pos_label)
    if not outcome.any():
        raise DataError(f"no row of y_true is positive (pos_label={pos_label!r}){need}")
    return _binary_counts(outcome, y_score)


class PrecisionRecallCurve(NamedTuple):
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
    >>> from unskew.metrics import precision_recall_curve
    >>> precision, recall, thresholds = precision_recall_curve([0, 1, 1], [0.3, 0.6, 0.9])
    >>> precision.tolist(), recall.tolist(), thresholds.tolist()
    ([0.6666666666666666, 1.0, 1.0, 1.0], [1.0, 1.0, 0.5, 0.0], [0.3, 0.6, 0.9])
    """

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray

    @property
    def average_precision(self) -> float:
        """Step-wise area under the curve, ``sum_n (R_n - R_{n-1}) P_n``.

        Bit for bit the :func:`~unskew.metrics.average_precision` of the same scores.

        Examples
        --------
        >>> from unskew.metrics import precision_recall_curve
        >>> curve = precision_recall_curve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])
        >>> round(curve.average_precision, 4)
        0.8333
        """
        # back to falling thresholds, without the closing (recall 0, precision 1) point
        return _step_area(self.precision[-2::-1], self.recall[-2::-1])


@fill_doc(**_SCORE_DOCS)
def precision_recall_curve(y_true, y_score, *, pos_label=None):
    """Precision and recall of the positive class at every distinct score threshold.

    Equal to scikit-learn's ``precision_recall_curve(y_true, y_score, pos_label=...)``
    (``drop_intermediate=False``): one point per distinct score, thresholds increasing, and the
    curve ends at (recall 0, precision 1).

    Parameters
    ----------
    {score_parameters}

    Returns
    -------
    PrecisionRecallCurve
        ``(precision, recall, thresholds)``, with ``average_precision``.

    {score_raises}

    See Also
    --------
    average_precision : The area under this curve, for binary and multi-class scores.
    threshold_curve : Precision, recall, F1 and positive rate by threshold.

    Examples
    --------
    >>> from unskew.metrics import precision_recall_curve
    >>> curve = precision_recall_curve(["n", "p", "n", "p"], [0.1, 0.4, 0.35, 0.8],
    ...                                pos_label="p")
    >>> curve.precision.tolist(), curve.recall.tolist()
    ([0.5, 0.6666666666666666, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.5, 0.0])
    >>> curve.thresholds.tolist()
    [0.1, 0.35, 0.4, 0.8]
    """
    tps, fps, thresholds = _positive_counts(
        y_true, y_score, pos_label, "; a precision-recall curve needs at least one")
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return PrecisionRecallCurve(np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0],
                                thresholds[::-1])


class ThresholdCurve(NamedTuple):
    """Scores of the positive class at each decision threshold, thresholds increasing.

    Attributes
    ----------
    thresholds : ndarray of shape (n_thresholds,)
        The distinct scores, increasing; a row is positive when its score is >= threshold.
    precision, recall, f1 : ndarray of shape (n_thresholds,)
        Precision, recall and F1 of the positive class at each threshold.
    positive_rate : ndarray of shape (n_thresholds,)
        Share of the rows predicted positive at each threshold.

    Examples
    --------
    >>> from unskew.metrics import threshold_curve
    >>> curve = threshold_curve([0, 1, 1], [0.3, 0.6, 0.9])
    >>> curve.f1.tolist(), curve.positive_rate.tolist()
    ([0.8, 1.0, 0.6666666666666666], [1.0, 0.6666666666666666, 0.3333333333333333])
    """

    thresholds: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    positive_rate: np.ndarray


@fill_doc(**_SCORE_DOCS)
def threshold_curve(y_true, y_score, *, pos_label=None):
    """Precision, recall, F1 and positive rate of the positive class as the threshold moves.

    A row is predicted positive when its score is at least the threshold; there is one
    threshold per distinct score. Precision and recall are those of
    :func:`precision_recall_curve` without its closing point.

    Parameters
    ----------
    {score_parameters}

    Returns
    -------
    ThresholdCurve
        ``(thresholds, precision, recall, f1, positive_rate)``, thresholds increasing. F1 is 0
        where precision and recall are both 0.

    {score_raises}

    Examples
    --------
    >>> from unskew.metrics import threshold_curve
    >>> curve = threshold_curve([0, 1, 0, 1], [0.1, 0.4, 0.35, 0.8])
    >>> curve.thresholds.tolist(), curve.recall.tolist()
    ([0.1, 0.35, 0.4, 0.8], [1.0, 1.0, 1.0, 0.5])
    >>> curve.f1.round(4).tolist()
    [0.6667, 0.8, 1.0, 0.6667]
    """
    tps, fps, thresholds = _positive_counts(y_true, y_score, pos_label, "")
    predicted = tps + fps
    precision = tps / predicted
    recall = tps / tps[-1]
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(total), where=total != 0)
    # at the lowest threshold every row is predicted positive: predicted[-1] is n_samples
    return ThresholdCurve(thresholds[::-1], precision[::-1], recall[::-1], f1[::-1],
                          predicted[::-1] / predicted[-1])


class ReliabilityBins(NamedTuple):
    """The non-empty bins of a reliability diagram, in increasing order of probability.

    Attributes
    ----------
    bin_low, bin_high : ndarray of shape (n_bins,)
        Edges of each bin.
    count : ndarray of shape (n_bins,)
        Rows in each bin.
    mean_predicted : ndarray of shape (n_bins,)
        Mean predicted probability of the rows of each bin.
    observed : ndarray of shape (n_bins,)
        Share of positive rows in each bin. A well calibrated model has ``observed`` close to
        ``mean_predicted``.

    Examples
    --------
    >>> from unskew.metrics import reliability_bins
    >>> bins = reliability_bins([0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9], n_bins=2)
    >>> bins.count.tolist(), bins.observed.tolist()
    ([3, 2], [0.3333333333333333, 1.0])
    """

    bin_low: np.ndarray
    bin_high: np.ndarray
    count: np.ndarray
    mean_predicted: np.ndarray
    observed: np.ndarray

    @property
    def expected_calibration_error(self) -> float:
        """Count-weighted mean of ``|observed - mean_predicted|`` over the bins.

        NaN when the bins hold no rows.

        Examples
        --------
        >>> from unskew.metrics import reliability_bins
        >>> bins = reliability_bins([0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9], n_bins=2)
        >>> round(bins.expected_calibration_error, 4)  # (3 * |1/3 - 0.2| + 2 * 0.15) / 5
        0.14
        """
        counts = np.asarray(self.count, dtype=np.float64)
        gaps = np.abs(np.asarray(self.observed) - np.asarray(self.mean_predicted))
        return float(np.sum(counts * gaps) / np.sum(counts)) if counts.sum() else float("nan")


@fill_doc(**_BINNING_DOCS)
def reliability_bins(y_true, y_proba, *, n_bins=10, strategy="uniform", pos_label=None):
    """Bin predicted probabilities and compare each bin's mean with the observed frequency.

    The binning is scikit-learn's ``calibration_curve``: ``"uniform"`` splits [0, 1] into
    ``n_bins`` equal bins, ``"quantile"`` puts (about) as many rows in each; a probability on
    an inner edge falls in the lower bin. Empty bins are left out, so ``observed`` and
    ``mean_predicted`` equal ``calibration_curve``'s ``prob_true`` and ``prob_pred``.

    Parameters
    ----------
    {binning_parameters}

    Returns
    -------
    ReliabilityBins
        ``(bin_low, bin_high, count, mean_predicted, observed)`` of each non-empty bin, with
        ``expected_calibration_error``.

    {binning_raises}

    See Also
    --------
    expected_calibration_error : The count-weighted gap of these bins, as one number.

    Examples
    --------
    >>> from unskew.metrics import reliability_bins
    >>> bins = reliability_bins([0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9], n_bins=2)
    >>> bins.bin_low.tolist(), bins.bin_high.tolist(), bins.count.tolist()
    ([0.0, 0.5], [0.5, 1.0], [3, 2])
    >>> bins.mean_predicted.round(4).tolist(), bins.observed.round(4).tolist()
    ([0.2, 0.85], [0.3333, 1.0])
    """
    if not isinstance(n_bins, int | np.integer) or isinstance(n_bins, bool) or n_bins < 1:
        raise parameter_error("reliability_bins", "n_bins", "an int >= 1", n_bins)
    if strategy not in _STRATEGIES:
        raise parameter_error("reliability_bins", "strategy", "'uniform' or 'quantile'",
                              strategy)
    y_true, y_proba = _as_scores(y_true, y_proba, "y_proba")
    if y_proba.min() < 0 or y_proba.max() > 1:
        raise DataError(f"probabilities must lie in [0, 1]; got values from {y_proba.min():g} "
                        f"to {y_proba.max():g}")
    outcome = _outcome(y_true, pos_label).astype(np.float64)
    if strategy == "quantile":
        # the percentages exactly as calibration_curve computes them, so a probability that
        # lands on an interpolated edge falls in the same bin as there
        edges = np.percentile(y_proba, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], y_proba)
    total = np.bincount(ids, minlength=n_bins)
    sums = np.bincount(ids, weights=y_proba, minlength=n_bins)
    hits = np.bincount(ids, weights=outcome, minlength=n_bins)
    keep = total > 0
    return ReliabilityBins(edges[:-1][keep], edges[1:][keep], total[keep],
                           sums[keep] / total[keep], hits[keep] / total[keep])


@fill_doc(**_BINNING_DOCS)
def expected_calibration_error(y_true, y_proba, *, n_bins=10, strategy="uniform",
                               pos_label=None):
    """Return the expected calibration error (ECE) of binary probabilities.

    ``ECE = sum_b (n_b / n) |observed_b - mean_predicted_b|`` over the bins of
    :func:`reliability_bins`: the average gap between the predicted probability and the
    observed frequency of the positive class, weighted by rows.

    Parameters
    ----------
    {binning_parameters}

    Returns
    -------
    float
        In [0, 1]; 0 is perfect calibration (lower is better).

    {binning_raises}

    Examples
    --------
    >>> from unskew.metrics import expected_calibration_error
    >>> y_true = ["ok", "ok", "fraud", "fraud", "fraud"]
    >>> round(expected_calibration_error(y_true, [0.1, 0.2, 0.3, 0.8, 0.9], n_bins=2,
    ...                                  pos_label="fraud"), 4)
    0.14
    """
    return reliability_bins(y_true, y_proba, n_bins=n_bins, strategy=strategy,
                            pos_label=pos_label).expected_calibration_error
