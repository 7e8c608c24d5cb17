"""Prepare a run: read the data, set split columns aside, screen columns, plan the splits.

Everything here happens before a model is fitted, so bad input fails fast with a message that
names the column or class; what the run needs is returned as one :class:`Prepared` value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from .._utils._text import did_you_mean
from ..datasets import Dataset, as_dataset
from ..exceptions import DataError
from ._settings import CompareSettings
from ._splits import Split, class_size_hint, list_classes, make_splits

# from this many selection rows, the folds run once unless repeats are asked for
LARGE_SELECTION = 100_000
# a categorical column whose once-seen categories cover this share of rows is mostly unseen
_UNSEEN_SHARE = 0.5


@dataclass(frozen=True)
class Prepared:
    """The data of one run and how it is split.

    Attributes
    ----------
    dataset : Dataset
        The rows and feature columns the strategies see (split columns, id-like columns and
        dropped classes already out).
    labels : ndarray
        The sorted class labels (column order of every probability array).
    rare : int
        Position in ``labels`` of the least frequent class.
    selection, holdout : ndarray
        Row positions of the selection data (the folds) and of the honest hold-out.
    splits : list of Split
        The outer folds, as positions within the selection rows.
    strategies : list of Strategy
        The strategies that apply to this data, in the order asked.
    screened : dict
        ``id_columns`` and ``leakage`` records for the report.
    considered : tuple of str or None
        The strategies the preset stands for on this data, when that differs from the
        preset's own list (a text-only table runs the text strategies).
    repeats : int
        Repeats of the K-fold (as asked, or the default for this many selection rows).
    notes : list of str
        What the user should know about how the data was read and used.
    """

    dataset: Dataset
    labels: np.ndarray
    rare: int
    selection: np.ndarray
    holdout: np.ndarray
    splits: list[Split]
    strategies: list
    screened: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    considered: tuple | None = None
    repeats: int = 2

    @property
    def y(self) -> np.ndarray:
        """The labels of every row, as an array."""
        return self.dataset.y.to_numpy()


def prepare(data, settings: CompareSettings, strategies: list, notes: list) -> Prepared:
    """Read ``data`` as ``settings`` say and plan the splits; raise on unusable input."""
    dataset = as_dataset(data, settings.target, drop=settings.drop, text=settings.text,
                         categorical=settings.categorical, sep=settings.sep,
                         decimal=settings.decimal)
    notes = [*notes, *dataset.notes]
    dataset, split_on = _set_split_column_aside(dataset, settings, notes)
    dataset, split_on = _drop_small_classes(dataset, split_on, settings.min_class_size, notes)
    y = dataset.y.to_numpy()
    labels = np.unique(y)
    rare = int(np.flatnonzero(labels == dataset.classes[-1])[0])
    sel, hold = _holdout_split(y, settings.holdout, settings.folds, settings.random_state, notes)
    repeats = _repeats(settings.repeats, sel.size, notes)
    splits = make_splits(y[sel], folds=settings.folds, repeats=repeats,
                         groups=None if settings.groups is None else split_on[sel],
                         time=None if settings.time_column is None else split_on[sel],
                         random_state=settings.random_state)
    # after the checks on the target, so its errors come first; rows stay as they are
    dataset, screened, strategies, considered = screen(dataset, settings, strategies, notes)
    return Prepared(dataset, labels, rare, sel, hold, splits, strategies, screened, notes,
                    considered, repeats)


def _repeats(asked: int | None, n_selection: int, notes: list) -> int:
    """The K-fold's repeats: as asked, else 2, or 1 from LARGE_SELECTION rows."""
    if asked is not None:
        return asked
    if n_selection < LARGE_SELECTION:
        return 2
    notes.append(f"the selection data has {n_selection:,} rows, so its folds run once "
                 "(repeats=1): a second repeat would double the time and narrow the intervals "
                 "little; --repeats 2 runs it")
    return 1


def screen(dataset: Dataset, settings: CompareSettings, strategies: list, notes: list):
    """Leave out id-like columns, warn about leaks, and keep the strategies that apply.

    Returns ``(dataset, screened, strategies, considered)``: the dataset without the columns
    left out, the report's record of them, the strategies to run, and the names the preset
    stands for when that differs from the list asked (a text-only table); ``notes`` gets
    every decision in words.
    """
    dataset, screened = _screen_columns(dataset, settings.keep_ids, settings.random_state, notes)
    before = strategies
    strategies = _for_text(strategies, dataset, settings.preset, notes)
    considered = None if strategies is before else tuple(s.name for s in strategies)
    unfit = {s.name: why for s in strategies if (why := _unfit(s, dataset)) is not None}
    if unfit:
        notes += [f"strategy {name} skipped: {why}" for name, why in unfit.items()]
        strategies = [s for s in strategies if s.name not in unfit]
        if not strategies:
            raise DataError("no chosen strategy applies to this data: "
                            + "; ".join(f"{n}: {w}" for n, w in unfit.items()))
    return dataset, screened, strategies, considered


def is_out_of_core(data) -> bool:
    """Whether ``data`` is read lazily, fold by fold: a Dask DataFrame, or a directory (of
    Parquet files). Tells without importing dask."""
    if isinstance(data, str | os.PathLike):
        return os.path.isdir(data)
    return type(data).__module__.split(".")[0] in ("dask", "dask_expr") \
        and hasattr(data, "npartitions")


def source_of(data, dataset_source: str | None) -> str | None:
    """What the user passed as data, for the reproduce lines (None for a frame in memory)."""
    return str(data) if isinstance(data, str | os.PathLike) else dataset_source


def is_benchmark(source: str) -> bool:
    """A benchmark name (``binary:yeast4``) rather than a file path."""
    return ":" in source and not os.path.exists(source) and not os.path.splitext(source)[1]


def column_names(columns) -> list[str]:
    """One column name or several, as a list of str."""
    return [columns] if isinstance(columns, str) else [str(c) for c in columns]


def _set_split_column_aside(dataset: Dataset, settings: CompareSettings, notes: list):
    """The groups / time column leaves the features and decides the splits."""
    if settings.groups is not None and settings.time_column is not None:
        raise DataError("use either groups or time, not both")
    split_on, columns = None, list(dataset.X.columns)
    for param, column in (("groups", settings.groups), ("time", settings.time_column)):
        if column is None:
            continue
        if column not in dataset.X.columns:
            raise DataError(f"--{param} column {column!r} is not among the features"
                            f"{did_you_mean(column, dataset.X.columns)}")
        split_on = dataset.X[column].to_numpy()
        columns.remove(column)
        notes.append(f"column {column!r} is used for splitting ({param}) and not as a feature")
    empty = [c for c in columns if dataset.X[c].isna().all()]
    if empty:
        raise DataError(f"column(s) {', '.join(map(repr, empty))} are entirely missing; drop "
                        f"them (--drop {' '.join(empty)})")
    if len(columns) < dataset.n_features:
        dataset = dataset.subset(columns=columns)
    return dataset, split_on


def _drop_small_classes(dataset: Dataset, split_on, min_class_size, notes: list):
    if min_class_size is None:
        return dataset, split_on
    y = dataset.y
    counts = y.value_counts()
    small = counts[counts < min_class_size]
    left = counts[counts >= min_class_size]
    if len(left) < 2:
        kept = "no class has" if left.empty else f"only class {left.index[0]!r} has"
        raise DataError(
            f"--min-class-size {min_class_size} leaves fewer than two classes: {kept} at "
            f"least {min_class_size} rows (the largest has {int(counts.max())}). "
            + class_size_hint(counts))
    if small.empty:
        return dataset, split_on
    keep = ~y.isin(small.index).to_numpy()
    notes.append(f"dropped classes smaller than --min-class-size {min_class_size}: "
                 + list_classes(small))
    return dataset.subset(rows=keep), None if split_on is None else split_on[keep]


def _holdout_split(y, holdout: float, folds: int, seed, notes: list):
    from sklearn.model_selection import train_test_split

    rows = np.arange(y.size)
    if holdout == 0:
        notes.append("no hold-out: the winner's score is the cross-validated selection score, "
                     "which is optimistic")
        return rows, rows[:0]
    labels, counts = np.unique(y, return_counts=True)
    n_hold = np.floor(counts * holdout)
    if (n_hold < 1).any() or ((counts - n_hold) < folds).any():
        small = [f"{c!r} ({n} rows)" for c, n, h in zip(labels.tolist(), counts, n_hold,
                                                        strict=True)
                 if h < 1 or n - h < folds]
        notes.append("no hold-out: classes " + ", ".join(small) + " are too small to share "
                     "between a hold-out and the folds; the winner's score is the selection "
                     "score, which is optimistic")
        return rows, rows[:0]
    sel, hold = train_test_split(rows, test_size=holdout, stratify=y, random_state=seed)
    return np.sort(sel), np.sort(hold)


def _screen_columns(dataset: Dataset, keep_ids, seed, notes: list) -> tuple[Dataset, dict]:
    """Leave out identifier columns (unless kept) and warn about columns that leak the label.

    Returns the dataset to run on and what the report says about its columns.
    """
    from ..diagnosis import suspect_columns

    suspects = suspect_columns(dataset.X, dataset.y.to_numpy(), dataset.feature_types,
                               random_state=seed)
    ids = [s for s in suspects if s.kind == "id"]
    if keep_ids is True:
        kept = {s.column for s in ids}
    else:
        kept = set(column_names(keep_ids or []))
        unknown = kept - set(dataset.X.columns)
        if unknown:
            name = sorted(unknown)[0]
            raise DataError(f"keep_ids names column {name!r}, which is not among the features"
                            f"{did_you_mean(name, dataset.X.columns)}")
    dropped = [s.column for s in ids if s.column not in kept]
    for s in ids:
        if s.column in kept:
            notes.append(f"column {s.column!r} looks like a row identifier ({s.reason}); kept "
                         "as a feature as asked (--keep-ids)")
        else:
            notes.append(f"column {s.column!r} looks like a row identifier ({s.reason}) and is "
                         f"left out of the features; keep it with --keep-ids {s.column}")
    leaks = [s for s in suspects if s.kind == "leak"]
    for s in leaks:
        notes.append(f"column {s.column!r} {s.reason}: check that it is not derived from the "
                     f"label (leakage), or drop it with --drop {s.column}; scores that rely on "
                     "it will not hold on new data")
    for column in dataset.X.columns:
        if dataset.feature_types[column] != "categorical" or column in dropped:
            continue
        counts = dataset.X[column].value_counts()
        once = int(counts[counts == 1].sum())
        if once >= _UNSEEN_SHARE * dataset.n_samples:
            notes.append(f"column {column!r}: {once:,} of {dataset.n_samples:,} rows hold a "
                         "category seen only once, so most test rows meet a category their "
                         "model never saw; if it is free text, read it as text (--text "
                         f"{column})")
    screened = {
        "id_columns": [{"column": s.column, "reason": s.reason, "kept": s.column in kept}
                       for s in ids],
        "leakage": [{"column": s.column, "score": s.score, "metric": "balanced_accuracy",
                     "note": s.reason} for s in leaks],
    }
    if dropped:
        if len(dropped) == dataset.n_features:
            raise DataError(
                "every feature column looks like a row identifier ("
                + ", ".join(repr(c) for c in dropped) + "); keep them with --keep-ids if they "
                "are real features")
        dataset = dataset.subset(columns=[c for c in dataset.X.columns if c not in dropped])
    return dataset, screened


def _for_text(strategies: list, dataset: Dataset, preset: str | None, notes: list) -> list:
    """On a table of text columns only, a preset runs the strategies made for text."""
    from .strategies import TEXT_PRESETS, lookup

    if preset not in TEXT_PRESETS or set(dataset.feature_types.values()) != {"text"}:
        return strategies
    chosen = [lookup(name) for name in TEXT_PRESETS[preset]]
    notes.append(f"every feature is text, so the {preset} preset runs the strategies made for "
                 "text (sparse word and character n-grams): "
                 + ", ".join(s.name for s in chosen))
    return [s for s in chosen if s.available]


def _unfit(strategy, dataset: Dataset) -> str | None:
    """Why ``strategy`` does not apply to ``dataset`` (its target or its column types)."""
    if strategy.binary_only and dataset.n_classes > 2:
        return f"it only applies to binary targets, and this one has {dataset.n_classes} classes"
    return strategy.unfit_for(dataset.feature_types)
