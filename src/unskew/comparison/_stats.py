"""Confidence intervals and tests for scores of repeated cross-validation.

Fold scores of repeated K-fold are not independent (training sets overlap), so the naive
standard error is too small. Nadeau & Bengio (2003) correct the variance of the mean of ``J``
resampled scores by ``(1/J + n_test/n_train)`` instead of ``1/J``; Bouckaert & Frank (2004)
showed the corrected resampled t-test keeps its nominal size for repeated CV.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Interval:
    """A mean with its confidence interval."""

    mean: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        """Half the width of the interval."""
        return (self.high - self.low) / 2


def corrected_interval(scores, *, test_train_ratio: float, confidence: float = 0.95) -> Interval:
    """t-interval of the mean of resampled scores with the Nadeau-Bengio corrected variance.

    Parameters
    ----------
    scores : array-like of shape (J,)
        One score per (repeat, fold).
    test_train_ratio : float
        ``n_test / n_train`` of one split (``1 / (K - 1)`` for K-fold).
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    Interval
        With a single score, or scores that are all equal, the interval has zero width.

    Examples
    --------
    >>> ci = corrected_interval([0.70, 0.72, 0.68, 0.71, 0.69], test_train_ratio=0.25)
    >>> round(ci.mean, 3), round(ci.low, 3), round(ci.high, 3)
    (0.7, 0.671, 0.729)
    """
    x = np.asarray(scores, dtype=np.float64)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    mean = float(x.mean())
    if x.size == 1:
        return Interval(mean, mean, mean)
    var = x.var(ddof=1) * (1.0 / x.size + test_train_ratio)
    half = float(stats.t.ppf(0.5 + confidence / 2, df=x.size - 1) * np.sqrt(var))
    return Interval(mean, mean - half, mean + half)


def corrected_paired_ttest(a, b, *, test_train_ratio: float) -> float:
    """Two-sided p-value of the corrected resampled t-test that ``a`` and ``b`` score the same.

    ``a`` and ``b`` are paired scores on the same splits.

    Examples
    --------
    >>> a = [0.80, 0.82, 0.79, 0.81, 0.80]
    >>> corrected_paired_ttest(a, a, test_train_ratio=0.25)
    1.0
    >>> corrected_paired_ttest(a, [s - 0.1 for s in a], test_train_ratio=0.25) < 1e-3
    True
    """
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return 1.0
    var = d.var(ddof=1) * (1.0 / d.size + test_train_ratio)
    if var == 0.0:
        return 1.0 if d.mean() == 0.0 else 0.0
    t = d.mean() / np.sqrt(var)
    return float(2 * stats.t.sf(abs(t), df=d.size - 1))


def bootstrap_interval(y_true, y_pred_or_score, metric, *, n_boot: int = 1000,
                       confidence: float = 0.95, random_state=None) -> Interval:
    """Stratified bootstrap interval of a metric on one hold-out set.

    Rows are resampled within each class so every class keeps its size (and the metric
    stays defined).

    Examples
    --------
    >>> from unskew.metrics import balanced_accuracy
    >>> y = [0] * 20 + [1] * 5
    >>> p = [0] * 19 + [1] + [1] * 4 + [0]
    >>> ci = bootstrap_interval(y, p, balanced_accuracy, n_boot=200, random_state=0)
    >>> ci.low <= ci.mean <= ci.high
    True
    """
    y_true = np.asarray(y_true)
    pred = np.asarray(y_pred_or_score)
    rng = np.random.default_rng(random_state)
    groups = [np.flatnonzero(y_true == c) for c in np.unique(y_true)]
    values = np.empty(n_boot)
    for b in range(n_boot):
        idx = np.concatenate([rng.choice(g, size=g.size, replace=True) for g in groups])
        values[b] = metric(y_true[idx], pred[idx])
    alpha = (1 - confidence) / 2
    return Interval(float(metric(y_true, pred)), float(np.quantile(values, alpha)),
                    float(np.quantile(values, 1 - alpha)))


def perfect_score_interval(y_true, y_pred, metric, *, confidence: float = 0.95,
                           scale: int = 1000) -> tuple[Interval, float, object] | None:
    """An interval for a metric on a hold-out predicted without a single error.

    A bootstrap of a perfect hold-out only ever resamples correct rows, so its interval has
    zero width ("1.000 [1.000, 1.000]") however few rows there were. Here each class's recall
    gets its exact (Clopper-Pearson) lower bound instead: with ``n`` of ``n`` rows correct it
    is ``(alpha / C) ** (1 / n)``, ``alpha = (1 - confidence) / 2``, Bonferroni-corrected over
    the ``C`` classes so the bounds hold together. The low end is the metric in the worst
    case those bounds allow, with each class's misses sent to its largest or its smallest
    other class (whichever scores lower); the high end stays at the perfect score.

    Parameters
    ----------
    y_true, y_pred : array-like
        Labels and predictions of the hold-out rows.
    metric : callable
        ``metric(y_true, y_pred)``, a label metric.
    confidence : float, default=0.95
        Two-sided coverage (the low end is its lower quantile).
    scale : int, default=1000
        Rows per hold-out row in the worst-case table (the bounds are fractions of rows).

    Returns
    -------
    (Interval, float, label) or None
        The interval, the smallest per-class recall bound and its class; None when some
        prediction is wrong (the bootstrap then sees the errors).

    Examples
    --------
    >>> from unskew.metrics import balanced_accuracy
    >>> y = [0] * 150 + [1] * 10
    >>> ci, bound, label = perfect_score_interval(y, y, balanced_accuracy)
    >>> round(bound, 3), label, round(ci.low, 3), ci.high
    (0.645, 1, 0.808, 1.0)
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.size == 0 or not np.array_equal(y_true, y_pred):
        return None
    labels, counts = np.unique(y_true, return_counts=True)
    perfect = float(metric(y_true, y_pred))
    if labels.size < 2:
        return Interval(perfect, perfect, perfect), 1.0, labels.tolist()[0]
    alpha = (1 - confidence) / 2 / labels.size
    bounds = alpha ** (1.0 / counts)
    order = np.argsort(counts, kind="stable")
    worst = perfect
    for pick in (order[-1], order[0]):  # misses go to the largest / the smallest other class
        true, pred = [], []
        for k, (label, n, bound) in enumerate(zip(labels, counts, bounds, strict=True)):
            hits = round(scale * n * bound)
            sink = pick if pick != k else (order[-2] if pick == order[-1] else order[1])
            true.append(np.full(scale * n, label))
            pred.append(np.concatenate([np.full(hits, label),
                                        np.full(scale * n - hits, labels[sink])]))
        worst = min(worst, float(metric(np.concatenate(true), np.concatenate(pred))))
    k = int(np.argmin(bounds))
    return Interval(perfect, worst, perfect), float(bounds[k]), labels.tolist()[k]
