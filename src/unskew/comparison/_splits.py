"""The outer folds every strategy is scored on (the same ones, so comparisons are paired)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
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


_LISTED_CLASSES = 5


def list_classes(counts, limit: int = _LISTED_CLASSES) -> str:
    """``'a' (3 rows), 'b' (1 row) and 209 more`` for a message, smallest classes first.

    Examples
    --------
    >>> import pandas as pd
    >>> list_classes(pd.Series({"x": 1, "y": 4, "z": 2}), limit=2)
    "'x' (1 row), 'z' (2 rows) and 1 more"
    """
    counts = pd.Series(counts).sort_values(kind="stable")
    shown = ", ".join(f"{c!r} ({int(n)} row{'s' if n != 1 else ''})"
                      for c, n in counts.head(limit).items())
    return shown + (f" and {len(counts) - limit} more" if len(counts) > limit else "")


def class_size_hint(counts: pd.Series) -> str:
    """A sentence saying why a target whose classes are all tiny is probably not a label."""
    if counts.max() > 1 and len(counts) < 0.5 * counts.sum():
        return ""
    return (f"The target has {len(counts)} classes for {int(counts.sum())} rows: it looks like "
            "an identifier or a continuous value, not a class label; check --target.")


def check_class_sizes(y, folds: int) -> None:
    """Refuse a class too small to appear in every test fold, naming it and a fix that works.

    Only fixes that would succeed are suggested: fewer folds when every class has at least
    two rows, dropping the small classes when at least two classes would be left.

    Examples
    --------
    >>> check_class_sizes(["a"] * 5 + ["b"] * 5 + ["c"] * 2, folds=3)
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: class 'c' (2 rows) has fewer rows than the 3 folds, ...
    """
    counts = pd.Series(np.asarray(y)).value_counts()
    small = counts[counts < folds]
    if small.empty:
        return
    fixes = []
    if small.min() >= 2:
        fixes.append(f"use fewer folds (--folds {int(small.min())})")
    if (counts >= folds).sum() >= 2:
        fixes.append(f"drop the classes that small (--min-class-size {folds})")
    what = "class" if len(small) == 1 else "classes"
    verb = "has" if len(small) == 1 else "have"
    message = (f"{what} {list_classes(small)} {verb} fewer rows than the {folds} folds, so some "
               "test folds would not contain them.")
    if fixes:
        message += " " + " or ".join(fixes).capitalize() + "."
    else:
        message += (" No number of folds (at least 2) fits, and fewer than two classes have "
                    f"{folds} rows; merge rare classes or collect more rows.")
    hint = class_size_hint(counts)
    raise DataError(message + (" " + hint if hint else ""))


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
