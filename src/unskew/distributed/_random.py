"""Random under- and over-sampling of Dask collections with exact global counts.

Pass 1 counts each partition's classes; pass 2 finds, for each class to cut (or to copy once
more), the ``k``-th smallest selection key of the class over the whole table, reading only
the keys in a narrow window around its expected value (a few times ``sqrt(k)`` keys, however
large the table); the result is then a lazy per-partition filter (or copy) with that
threshold: :func:`unskew._utils._keyed.keyed_mask`, the same code the in-memory form uses.
"""

from __future__ import annotations

import math

import dask
import numpy as np

from .._utils._keyed import below_threshold, keyed_mask, seed_of, selection_keys
from ._collection import (
    append_rows,
    count_classes,
    first_new_index,
    partitioned,
    rebuild,
    starts_of,
    totals,
)
from ._strategy import resolve_strategy

_TOP = 2**64


# -- pass 2: the k-th smallest key of each class, from a window of keys ---------------------
def _window(y_part, start: int, seed: int, windows: dict) -> dict:
    """For each class: rows with a key below the window, and the keys inside it."""
    y = np.asarray(y_part)
    index = np.arange(start, start + y.size, dtype=np.int64)
    keys = selection_keys(seed, index)
    out = {}
    for cls, (lo, hi) in windows.items():
        members = y == cls
        k, i = keys[members], index[members]
        below = k < np.uint64(lo) if lo > 0 else np.zeros(k.size, dtype=bool)
        inside = ~below if hi >= _TOP else (~below & (k < np.uint64(hi)))
        out[cls] = (int(below.sum()), k[inside], i[inside])
    return out


def _bounds(k: int, n: int, width: float) -> tuple[int, int]:
    """Key range expected to hold the ``k``-th smallest of ``n`` uniform keys."""
    spread = width * math.sqrt(k * (1 - k / n)) + width
    lo = max(0.0, (k - spread) / n)
    hi = min(1.0, (k + spread) / n)
    return int(lo * _TOP), (_TOP if hi >= 1.0 else math.ceil(hi * _TOP))


def find_thresholds(parts, starts, seed: int, targets: dict, n_of: dict):
    """``{class: (key, index)}``: the ``targets[class]``-th smallest pair of each class.

    Returns the thresholds and, per partition, how many rows of each class fall at or below
    them. Classes whose target is 0 get None (no row); a target of every row is left out.
    """
    thresholds, below = {}, [dict() for _ in parts.y_parts]
    todo = {c: k for c, k in targets.items() if 0 < k < n_of[c]}
    for cls, k in targets.items():
        if k <= 0:
            thresholds[cls] = None
            for part in below:
                part[cls] = 0
    width = 8.0
    while todo:
        windows = {c: _bounds(k, n_of[c], width) for c, k in todo.items()}
        results = dask.compute(*[dask.delayed(_window)(y, int(s), seed, windows)
                                 for y, s in zip(parts.y_parts, starts, strict=True)])
        for cls, k in list(todo.items()):
            n_below = sum(r[cls][0] for r in results)
            keys = np.concatenate([r[cls][1] for r in results])
            index = np.concatenate([r[cls][2] for r in results])
            if not n_below < k <= n_below + keys.size:
                continue  # outside the window (odds ~1e-15): widen it and read again
            at = np.lexsort((index, keys))[k - n_below - 1]
            pair = (int(keys[at]), int(index[at]))
            thresholds[cls] = pair
            for part, r in zip(below, results, strict=True):
                part[cls] = r[cls][0] + int(below_threshold(r[cls][1], r[cls][2], pair).sum())
            del todo[cls]
        width *= 8
    return thresholds, below


# -- the lazy result -------------------------------------------------------------------------
def _kept_y(y_part, start, seed, thresholds):
    index = np.arange(start, start + len(y_part), dtype=np.int64)
    return y_part[keyed_mask(np.asarray(y_part), index, thresholds, seed)]


def _kept_x(x_part, y_part, start, seed, thresholds):
    if len(x_part) != len(y_part):
        raise ValueError(f"a partition of X has {len(x_part)} rows and y's {len(y_part)}")
    index = np.arange(start, start + len(y_part), dtype=np.int64)
    return x_part[keyed_mask(np.asarray(y_part), index, thresholds, seed)]


def _copies(part, y_part, start, seed, plan):
    """Each row's copies: ``q`` of every row of a class, one more for rows at or below the
    threshold; ordered by source row, then copy."""
    y = np.asarray(y_part)
    index = np.arange(start, start + y.size, dtype=np.int64)
    keys = selection_keys(seed, index)
    count = np.zeros(y.size, dtype=np.int64)
    for cls, (q, threshold) in plan.items():
        members = y == cls
        count[members] = q + below_threshold(keys[members], index[members], threshold)
    return np.repeat(np.arange(y.size), count)


def _copied_x(x_part, y_part, start, seed, plan, first):
    rows = _copies(x_part, y_part, start, seed, plan)
    if hasattr(x_part, "iloc"):
        out = x_part.iloc[rows]
        out.index = np.arange(first, first + rows.size)
        return out
    return x_part[rows]


def _copied_y(y_part, start, seed, plan, first):
    rows = _copies(y_part, y_part, start, seed, plan)
    if hasattr(y_part, "iloc"):
        out = y_part.iloc[rows]
        out.index = np.arange(first, first + rows.size)
        return out
    return np.asarray(y_part)[rows]


class _DaskSampler:
    """What the Dask resamplers share: parameters stored, work done in ``fit_resample``."""

    _who = ""

    def __init__(self, *, sampling_strategy="auto", random_state=None):
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state

    def _start(self, X, y, sampling_type):
        parts = partitioned(X, y, self._who)
        lengths, counts = count_classes(parts)
        n_of = totals(counts)
        self.sampling_strategy_ = resolve_strategy(self.sampling_strategy, n_of, sampling_type)
        self.class_counts_ = n_of
        return parts, lengths, counts, n_of, seed_of(self.random_state)


class RandomUnderSampler(_DaskSampler):
    """Keep a random subset of each class of a Dask DataFrame or Array, with exact counts.

    Counts equal imbalanced-learn's ``RandomUnderSampler`` for the same
    ``sampling_strategy``; the rows kept depend only on ``random_state`` and each row's
    position in the table, so any partitioning and any number of workers keep the same rows.
    Nothing is gathered: two passes over the labels (class counts, then a window of keys),
    then a lazy per-partition filter; the result keeps ``X``'s divisions.

    Parameters
    ----------
    sampling_strategy : str, float or dict, default="auto"
        As in imbalanced-learn (``"auto"``: cut every class but the smallest to its size).
    random_state : int, RandomState or None, default=None
        Seed of the draws.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows kept}`` for each class cut.
    class_counts_ : dict
        ``{class: rows}`` of the input.

    Examples
    --------
    >>> import dask.dataframe as dd, numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"x": np.arange(100.0), "y": [0] * 90 + [1] * 10})
    >>> df = dd.from_pandas(frame, npartitions=4)
    >>> X, y = RandomUnderSampler(random_state=0).fit_resample(df[["x"]], df["y"])
    >>> y.value_counts().compute().sort_index().tolist()
    [10, 10]
    >>> X.known_divisions
    True
    """

    _who = "RandomUnderSampler"

    def fit_resample(self, X, y):
        """Lazy ``(X, y)`` with each class in ``sampling_strategy_`` cut to its count."""
        parts, lengths, counts, n_of, seed = self._start(X, y, "under-sampling")
        starts = starts_of(lengths)
        thresholds, below = find_thresholds(parts, starts, seed, self.sampling_strategy_, n_of)
        xs = [dask.delayed(_kept_x)(x, v, int(s), seed, thresholds)
              for x, v, s in zip(parts.x_parts, parts.y_parts, starts, strict=True)]
        ys = [dask.delayed(_kept_y)(v, int(s), seed, thresholds)
              for v, s in zip(parts.y_parts, starts, strict=True)]
        sizes = [int(n) - sum(c.get(cls, 0) - b[cls] for cls in thresholds)
                 for n, c, b in zip(lengths, counts, below, strict=True)]
        return rebuild(parts, xs, ys, sizes)


class RandomOverSampler(_DaskSampler):
    """Copy random rows of the small classes of a Dask collection, with exact counts.

    Each class to grow by ``m`` rows copies every one of its ``n`` rows ``m // n`` times and
    ``m % n`` of them, drawn as in :class:`RandomUnderSampler`, once more (no row is favoured
    by chance). The copies follow the input in new partitions whose index values come after
    the input's, ordered by source row, so divisions stay known and any partitioning gives
    the same rows with the same index values. The counts equal imbalanced-learn's
    ``RandomOverSampler`` for the same ``sampling_strategy``.

    Parameters
    ----------
    sampling_strategy : str, float or dict, default="auto"
        As in imbalanced-learn (``"auto"``: grow every class to the largest one's size).
    random_state : int, RandomState or None, default=None
        Seed of the draws.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows added}``.
    class_counts_ : dict
        ``{class: rows}`` of the input.

    Examples
    --------
    >>> import dask.dataframe as dd, numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"x": np.arange(100.0), "y": [0] * 90 + [1] * 10})
    >>> df = dd.from_pandas(frame, npartitions=4)
    >>> X, y = RandomOverSampler(random_state=0).fit_resample(df[["x"]], df["y"])
    >>> y.value_counts().compute().sort_index().tolist()
    [90, 90]
    >>> X.divisions[-1]
    179
    """

    _who = "RandomOverSampler"

    def fit_resample(self, X, y):
        """Lazy ``(X, y)`` followed by the copies."""
        parts, lengths, counts, n_of, seed = self._start(X, y, "over-sampling")
        first = first_new_index(parts, self._who)
        starts = starts_of(lengths)
        grow = {c: m for c, m in self.sampling_strategy_.items() if m > 0}
        extra = {c: m % n_of[c] for c, m in grow.items()}
        thresholds, below = find_thresholds(parts, starts, seed, extra, n_of)
        # every row copied q times, the rows at or below the threshold once more
        plan = {c: (grow[c] // n_of[c], thresholds[c]) for c in grow}
        sizes = [sum(q * c.get(cls, 0) + b[cls] for cls, (q, _) in plan.items())
                 for c, b in zip(counts, below, strict=True)]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) + first
        xs = [dask.delayed(_copied_x)(x, v, int(s), seed, plan, int(o))
              for x, v, s, o in zip(parts.x_parts, parts.y_parts, starts, offsets, strict=True)]
        ys = [dask.delayed(_copied_y)(v, int(s), seed, plan, int(o))
              for v, s, o in zip(parts.y_parts, starts, offsets, strict=True)]
        meta_x = getattr(parts.X, "_meta", None)
        meta_y = getattr(parts.y, "_meta", None)
        return append_rows(parts, xs, ys, sizes, first, meta_x, meta_y)

