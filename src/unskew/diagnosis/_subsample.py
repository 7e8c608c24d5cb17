"""Stratified row sample for the checks whose cost grows faster than the number of rows."""

from __future__ import annotations

import numpy as np


def rows_by_class(codes: np.ndarray, n_classes: int) -> list[np.ndarray]:
    """Row positions of each class, in row order (one stable sort instead of a pass per class)."""
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=n_classes)
    return np.split(order, np.cumsum(counts)[:-1])


def sample_sizes(counts: np.ndarray, max_rows: int) -> np.ndarray:
    """How many rows of each class to keep so that at most ``max_rows`` are kept in all.

    Every class keeps ``min(count, max(1, max_rows // (2 * n_classes)))`` rows (so a small class
    is kept whole); the remaining budget is shared in proportion to the rows each class has beyond that,
    rounded by largest remainder so the sizes add up to exactly ``max_rows``.

    Examples
    --------
    >>> sample_sizes(np.array([990_000, 10_000]), 100_000).tolist()
    [90000, 10000]
    >>> sample_sizes(np.array([50, 10]), 100).tolist()
    [50, 10]
    """
    counts = np.asarray(counts, dtype=np.int64)
    if counts.sum() <= max_rows:
        return counts.copy()
    floor = max(1, max_rows // (2 * len(counts)))  # every class stays in the sample
    keep = np.minimum(counts, floor)
    budget = max(0, max_rows - int(keep.sum()))
    excess = counts - keep
    share = excess * (budget / excess.sum())
    extra = np.floor(share).astype(np.int64)
    leftover = budget - int(extra.sum())
    order = np.argsort(-(share - extra), kind="stable")
    extra[order[:leftover]] += 1
    return keep + np.minimum(extra, excess)


def stratified_sample(codes: np.ndarray, n_classes: int, max_rows: int,
                      rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """Draw the rows to check and the sampling weight of each class.

    Returns
    -------
    rows : ndarray of int
        Sorted row positions kept (all rows when there are at most ``max_rows``).
    weights : ndarray of float, shape (n_classes,)
        ``count / kept`` per class: how many original rows one kept row stands for.
    """
    counts = np.bincount(codes, minlength=n_classes)
    sizes = sample_sizes(counts, max_rows)
    if (sizes == counts).all():
        return np.arange(codes.size), np.ones(n_classes)
    picked = [
        members if size == members.size else rng.choice(members, size, replace=False)
        for members, size in zip(rows_by_class(codes, n_classes), sizes, strict=True)
    ]
    weights = counts / np.maximum(sizes, 1)
    return np.sort(np.concatenate(picked)), weights
