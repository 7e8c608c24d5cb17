"""Cross-validation over a Dask DataFrame: exact stratified folds, sampled training folds.

When the table does not fit one machine, each fold trains on a stratified sample that fits a
worker (every row of the classes that are not the largest kept, the largest class sampled by a
keyed draw) and is scored on every row of its test fold, partition by partition, with the
fitted model broadcast to the workers. The pieces here are what ``compare`` needs to plan and
run such folds; they return plain arrays and dicts, never compare's own records.
"""

from __future__ import annotations

import time

import dask
import numpy as np

from .._utils._keyed import row_words, selection_keys
from ..exceptions import DataError
from ._collection import count_classes, part_counts, partitioned, share, starts_of, totals

_FOLDS = 2 << 32  # stream of the fold draws (after _keyed.SELECT and SYNTHETIC + c)
_TOP = 2.0**64


def _fold_ids(y_part, offsets: dict, classes: list, n_folds: int, seed: int) -> np.ndarray:
    """Folds of one partition's rows: each run of ``n_folds`` rows of a class (in table
    order) is dealt to the folds by a keyed permutation, so every fold gets ``n // k`` or
    ``n // k + 1`` rows of each class and the draw depends only on row positions."""
    y = np.asarray(y_part)
    out = np.empty(y.size, dtype=np.int8 if n_folds < 128 else np.int32)
    per_block = -(-n_folds // 4)  # Philox blocks per run of n_folds rows (4 words each)
    for cls in np.unique(y).tolist():
        members = np.flatnonzero(y == cls)
        ordinal = offsets.get(cls, 0) + np.arange(members.size)
        runs = ordinal // n_folds
        first, last = int(runs[0]), int(runs[-1])
        words = row_words(seed, _FOLDS + classes.index(cls), first * per_block,
                          (last - first + 1) * per_block).reshape(last - first + 1, -1)
        deal = np.argsort(words[:, :n_folds], axis=1, kind="stable")
        out[members] = deal[runs - first, ordinal % n_folds]
    return out


def stratified_folds(y, n_folds: int = 5, *, random_state=None):
    """A lazy fold number (0..n_folds-1) per row of a Dask Series, stratified exactly.

    Every fold holds ``n // n_folds`` or one more rows of each class; the folds of a row
    depend only on ``random_state`` and its position, whatever the partitioning. One pass
    over ``y`` counts the classes per partition.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> y = dd.from_pandas(pd.Series([0] * 90 + [1] * 10), npartitions=3)
    >>> folds = stratified_folds(y, 5, random_state=0).compute()
    >>> pd.crosstab(folds, y.compute()).to_numpy().tolist()
    [[18, 2], [18, 2], [18, 2], [18, 2], [18, 2]]
    """
    from .._utils._keyed import seed_of

    if not isinstance(n_folds, (int, np.integer)) or n_folds < 2:
        raise DataError(f"n_folds must be an int of at least 2; got {n_folds!r}")
    parts = partitioned(y.to_frame(), y, "stratified_folds")
    _, counts = count_classes(parts)
    n_of = totals(counts)
    small = {c: n for c, n in n_of.items() if n < n_folds}
    if small:
        raise DataError(f"stratified folds need at least n_folds={n_folds} rows of each class; "
                        f"{small} have fewer: lower the folds or drop those classes")
    classes = sorted(n_of)
    seed = seed_of(random_state)
    offsets, running = [], dict.fromkeys(classes, 0)
    for part in counts:
        offsets.append(dict(running))
        for cls, n in part.items():
            running[cls] += n
    return y.map_partitions(
        lambda part, partition_info=None: part.__class__(
            _fold_ids(part, offsets[partition_info["number"]], classes, n_folds, seed),
            index=part.index, name="fold"),
        meta=(("fold"), np.int8 if n_folds < 128 else np.int32))


def rows_for_memory(n_columns: int, memory_limit: int, *, share_of_memory: float = 0.25,
                    copies: float = 4.0) -> int:
    """Training rows of ``n_columns`` float64 features that fit ``share_of_memory`` of a
    worker's ``memory_limit`` bytes, allowing ``copies`` copies of the data while fitting.

    Examples
    --------
    >>> rows_for_memory(20, 1.5 * 2**30)
    599186
    """
    if memory_limit <= 0:
        raise DataError("rows_for_memory needs the workers' memory_limit in bytes (> 0)")
    return int(share_of_memory * memory_limit // (8 * (n_columns + 1) * copies))


def _sample_part(x_part, y_part, fold_part, start, exclude, seed, rates):
    """This partition's rows outside the folds ``exclude``, each class kept at its keyed rate
    (``fold_part`` None: no folds, every row is a candidate)."""
    y = np.asarray(y_part)
    keep = np.ones(y.size, dtype=bool) if fold_part is None else \
        ~np.isin(np.asarray(fold_part), list(exclude))
    sampled = {cls: rate for cls, rate in rates.items() if rate < 1.0}
    if sampled:
        keys = selection_keys(seed, np.arange(start, start + y.size, dtype=np.int64))
        for cls, rate in sampled.items():
            keep &= (y != cls) | (keys < np.uint64(min(rate * _TOP, _TOP - 1)))
    return x_part[keep], y_part[keep]


def _concat(pieces):
    """One pandas (or numpy) ``(X, y)`` from the partitions' ``(X, y)`` pieces."""
    import pandas as pd

    if isinstance(pieces[0][0], pd.DataFrame):
        return pd.concat([p[0] for p in pieces]), pd.concat([p[1] for p in pieces])
    return np.concatenate([p[0] for p in pieces]), np.concatenate([p[1] for p in pieces])


def _fold_class_counts(fold_part, y_part) -> dict:
    """``{(fold, class): rows}`` of one partition."""
    pairs, counts = np.unique(np.rec.fromarrays([np.asarray(fold_part), np.asarray(y_part)]),
                              return_counts=True)
    return {(int(f), c.item() if hasattr(c, "item") else c): int(n)
            for (f, c), n in zip(pairs.tolist(), counts.tolist(), strict=True)}


class FoldPlan:
    """Exact stratified folds of a Dask ``(X, y)`` and the class counts of every fold.

    Counting is one pass over ``y`` (and its folds); training samples and test predictions
    are then lazy graphs over the partitions, so a caller computes as many of them together
    as it likes (compare computes every strategy of a fold in one go).

    Parameters
    ----------
    X, y : Dask DataFrame and Series (or Array and 1-D Array), aligned
    n_folds : int, optional
        Folds of the rows (compare adds one for its hold-out); not needed with ``folds``.
    random_state : int, optional
        Seed of the folds and of the sampled rows.
    folds : Dask Series, optional
        Fold numbers already drawn (:func:`stratified_folds` of ``y``); by default they are
        drawn here.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> frame = pd.DataFrame({"x": range(100), "y": [0] * 90 + [1] * 10})
    >>> df = dd.from_pandas(frame, npartitions=4)
    >>> plan = FoldPlan(df[["x"]], df["y"], 5, random_state=0)
    >>> plan.train_counts(exclude=(0,))
    {0: 72, 1: 8}
    >>> X_train, y_train, info = plan.sample(exclude=(0,), max_rows=44)
    >>> info["rows"]
    {0: (36, 72), 1: (8, 8)}
    """

    def __init__(self, X, y, n_folds: int | None = None, *, random_state=None, folds=None):
        from .._utils._keyed import seed_of

        if (n_folds is None) == (folds is None):
            raise DataError("FoldPlan needs either n_folds (to draw the folds) or folds")
        self.parts = partitioned(X, y, "FoldPlan")
        self.seed = seed_of(random_state)
        self.folds = stratified_folds(y, n_folds, random_state=random_state) \
            if folds is None else folds
        self.fold_parts = list(self.folds.to_delayed())
        results = dask.compute(*[dask.delayed(part_counts)(p) for p in self.parts.y_parts],
                               *[dask.delayed(_fold_class_counts)(f, v) for f, v in
                                 zip(self.fold_parts, self.parts.y_parts, strict=True)])
        n = self.parts.n_partitions
        self.lengths = np.array([r[0] for r in results[:n]], dtype=np.int64)
        self.starts = starts_of(self.lengths)
        self.counts = totals([r[1] for r in results[:n]])
        self.fold_counts = totals(list(results[n:]))  # {(fold, class): rows}
        self.labels = sorted(self.counts)

    def transform_features(self, func, *args) -> None:
        """Apply ``func(X_part, *args)`` to every partition of ``X`` (lazily, in place)."""
        self.parts.x_parts = [dask.delayed(func)(x, *args) for x in self.parts.x_parts]

    @property
    def n_rows(self) -> int:
        """Rows of the whole table."""
        return int(self.lengths.sum())

    def train_counts(self, exclude=()) -> dict:
        """``{class: rows}`` outside the folds ``exclude``."""
        out = dict(self.counts)
        for (fold, cls), n in self.fold_counts.items():
            if fold in exclude:
                out[cls] -= n
        return out

    def rates(self, exclude=(), *, max_rows: int) -> dict:
        """Share of each class's rows kept so that about ``max_rows`` rows come back: 1 for
        every class but the largest, which fills what is left."""
        train_of = self.train_counts(exclude)
        largest = max(train_of, key=train_of.get)
        others = sum(n for c, n in train_of.items() if c != largest)
        if others >= max_rows:
            raise DataError(f"the classes other than the largest have {others:,} training "
                            f"rows, more than the {max_rows:,} that fit a worker: give the "
                            "workers more memory (or a larger sample_rows) or sample those "
                            "classes too")
        rate = min(1.0, (max_rows - others) / max(train_of[largest], 1))
        return {c: (rate if c == largest else 1.0) for c in train_of}

    def lazy_sample(self, exclude=(), *, rates: dict):
        """A delayed ``(X, y)`` of the rows outside ``exclude`` kept at ``rates`` (it stays on
        the workers until something needs it)."""
        pieces = [dask.delayed(_sample_part)(x, v, f, int(s), tuple(exclude), self.seed, rates)
                  for x, v, f, s in zip(self.parts.x_parts, self.parts.y_parts,
                                        self.fold_parts, self.starts, strict=True)]
        return dask.delayed(_concat)(pieces)

    def sample(self, exclude=(), *, max_rows: int):
        """The rows outside ``exclude`` as pandas, sampled to about ``max_rows``; with the
        ``info`` dict ``{"rows": {class: (kept, of)}, "rate": share of the largest kept}``."""
        rates = self.rates(exclude, max_rows=max_rows)
        X_train, y_train = self.lazy_sample(exclude, rates=rates).compute()
        return X_train, y_train, self.info(y_train, exclude, rates)

    def info(self, y_sample, exclude, rates) -> dict:
        """What a sample kept of each class (for the report)."""
        kept = dict(zip(*np.unique(np.asarray(y_sample), return_counts=True), strict=True))
        train_of = self.train_counts(exclude)
        return {"rows": {c: (int(kept.get(c, 0)), int(train_of[c])) for c in train_of},
                "rate": float(min(rates.values()))}

    @staticmethod
    def broadcast(value):
        """``value`` for every partition's task: scattered to every worker of the current
        ``distributed`` client (sent once), or a delayed constant without one."""
        return share(value, "model")

    def predictions(self, models: list, fold: int) -> list:
        """Per partition, a delayed ``(y_true, [(y_pred, proba) per model])`` over the rows of
        ``fold``: each partition is read once for every model. ``y_pred`` comes from
        ``model.predict`` (which carries any decision rule), ``proba`` has its columns in the
        order of ``labels``; a model that is None (its fit failed) gets empty arrays. The
        models may be delayed or scattered (:meth:`broadcast`)."""
        return [dask.delayed(_predict_models)(list(models), x, v, f, fold, self.labels)
                for x, v, f in zip(self.parts.x_parts, self.parts.y_parts, self.fold_parts,
                                   strict=True)]


def training_sample(X, y, folds, fold: int, *, max_rows: int, random_state=None):
    """The training rows of ``fold`` as pandas: every row of the smaller classes, the largest
    class sampled so that about ``max_rows`` rows come back.

    ``folds`` is :func:`stratified_folds` of ``y`` with the same ``random_state``.

    Returns
    -------
    X_train, y_train : pandas objects
    info : dict
        ``{"rows": {class: (kept, of)}, "rate": share of the largest class kept}``, for the
        report ("trained on a stratified sample: ...").
    """
    plan = FoldPlan(X, y, folds=folds, random_state=random_state)
    return plan.sample((fold,), max_rows=max_rows)


def _aligned(model, X, labels) -> np.ndarray:
    proba = np.asarray(model.predict_proba(X), dtype=np.float64)
    out = np.zeros((proba.shape[0], len(labels)))
    position = {c: i for i, c in enumerate(labels)}
    for j, c in enumerate(np.asarray(model.classes_).tolist()):
        out[:, position[c]] = proba[:, j]
    return out


def _predict_part(model, x_part, y_part, fold_part, fold, labels):
    """``(y_true, proba)`` of one partition's rows of ``fold``."""
    test = np.asarray(fold_part) == fold
    return np.asarray(y_part)[test], _aligned(model, x_part[test], labels) if test.any() \
        else np.zeros((0, len(labels)))


def _predict_models(models, x_part, y_part, fold_part, fold, labels):
    """``(y_true, [(y_pred, proba) per model])`` of one partition's rows of ``fold``."""
    y_true = np.asarray(y_part)
    test = np.asarray(fold_part) == fold
    X = x_part[test]
    out = []
    for model in models:
        if model is None or not test.any():  # no model: its fit failed, the caller knows why
            out.append((y_true[:0], np.zeros((0, len(labels)))))
        else:
            out.append((np.asarray(model.predict(X)), _aligned(model, X, labels)))
    return y_true[test], out


def fold_predictions(model, X, y, folds, fold: int, labels):
    """``(y_true, proba)`` over every row of ``fold``: the model broadcast, each partition
    predicting its own test rows (columns of ``proba`` in the order of ``labels``)."""
    parts = partitioned(X, y, "test_predictions")
    handle = share(model, "model")
    labels = list(labels)
    pieces = dask.compute(*[dask.delayed(_predict_part)(handle, x, v, f, fold, labels)
                            for x, v, f in zip(parts.x_parts, parts.y_parts,
                                               list(folds.to_delayed()), strict=True)])
    return np.concatenate([p[0] for p in pieces]), np.concatenate([p[1] for p in pieces])


def sampled_fold_scores(make_estimator, X, y, *, n_folds: int = 5, max_rows: int,
                        random_state=None) -> list[dict]:
    """Fit on each fold's stratified training sample, score on all of its test rows.

    ``make_estimator()`` builds a fresh unfitted estimator. Returns one dict per fold:
    ``fold``, ``scores`` (``unskew.metrics.classification_summary``), ``fit_time``, ``time``
    and the sample's ``info`` (see :func:`training_sample`).

    Examples
    --------
    >>> import dask.dataframe as dd, numpy as np, pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=600), "y": [0] * 540 + [1] * 60})
    >>> frame.loc[frame.y == 1, "x"] += 2
    >>> df = dd.from_pandas(frame, npartitions=3)
    >>> records = sampled_fold_scores(LogisticRegression, df[["x"]], df["y"], n_folds=3,
    ...                               max_rows=200, random_state=0)
    >>> [r["info"]["rows"][1] for r in records]
    [(40, 40), (40, 40), (40, 40)]
    """
    from ..metrics import classification_summary

    plan = FoldPlan(X, y, n_folds, random_state=random_state)
    labels = plan.labels
    records = []
    for fold in range(n_folds):
        start = time.perf_counter()
        X_train, y_train, info = plan.sample((fold,), max_rows=max_rows)
        model = make_estimator().fit(X_train, y_train)
        fit_time = time.perf_counter() - start
        handle = share(model, "model")
        pieces = dask.compute(*plan.predictions([handle], fold))
        y_true = np.concatenate([p[0] for p in pieces])
        proba = np.concatenate([p[1][0][1] for p in pieces])
        y_pred = np.asarray(labels, dtype=object)[proba.argmax(axis=1)]
        y_pred = y_pred.astype(y_true.dtype)
        scores = classification_summary(y_true, y_pred, y_proba=proba,
                                        labels=np.asarray(labels))
        records.append({"fold": fold, "scores": {k: float(v) for k, v in scores.items()},
                        "fit_time": fit_time, "time": time.perf_counter() - start,
                        "info": info, "test_rows": int(y_true.size)})
    return records
