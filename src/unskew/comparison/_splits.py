"""The outer folds every strategy is scored on (the same ones, so comparisons are paired)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedGroupKFold,
    TimeSeriesSplit,
)

from ..exceptions import DataError


@dataclass(frozen=True)
class Split:
    """One outer split: which repeat and fold, and the row positions of each side."""

    repeat: int
    fold: int
    train: np.ndarray
    test: np.ndarray


def check_class_sizes(y, folds: int) -> None:
    """Refuse a class too small to appear in every test fold, naming it and the fixes."""
    labels, counts = np.unique(np.asarray(y), return_counts=True)
    small = [(c, int(n)) for c, n in zip(labels.tolist(), counts, strict=True) if n < folds]
    if small:
        listed = ", ".join(f"{c!r} ({n} rows)" for c, n in small)
        raise DataError(
            f"classes {listed} have fewer rows than the {folds} folds, so some test folds "
            f"would not contain them. Use fewer folds (--folds {max(2, min(n for _, n in small))}) "
            f"or drop classes that small (--min-class-size {folds})."
        )


def make_splits(y, *, folds: int = 5, repeats: int = 2, groups=None, time=None,
                random_state: int | None = 0) -> list[Split]:
    """Plan the outer splits.

    Stratified K-fold repeated ``repeats`` times by default; with ``groups`` each group (a
    patient, a customer) stays within one fold; with ``time`` the splits go forward in time
    (train on the past, test on the next block) and ``repeats`` is ignored.

    Examples
    --------
    >>> y = [0] * 12 + [1] * 6
    >>> splits = make_splits(y, folds=3, repeats=2, random_state=0)
    >>> len(splits), sorted(set(len(s.test) for s in splits))
    (6, [6])
    """
    y = np.asarray(y)
    if time is not None:
        order = np.argsort(np.asarray(time), kind="stable")
        splitter = TimeSeriesSplit(n_splits=folds)
        return [Split(0, k, order[tr], order[te])
                for k, (tr, te) in enumerate(splitter.split(order))]
    check_class_sizes(y, folds)
    if groups is not None:
        groups = np.asarray(groups)
        out = []
        for r in range(repeats):
            seed = None if random_state is None else random_state + r
            splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
            out += [Split(r, k, tr, te)
                    for k, (tr, te) in enumerate(splitter.split(np.zeros(len(y)), y, groups))]
        return out
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats,
                                       random_state=random_state)
    return [Split(i // folds, i % folds, tr, te)
            for i, (tr, te) in enumerate(splitter.split(np.zeros(len(y)), y))]
