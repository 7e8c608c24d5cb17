"""``unskew.compare``: cross-validate many strategies on a user's data, honestly."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from .._version import __version__
from ..datasets import Dataset, as_dataset
from ..datasets._table import make_dataset
from ..exceptions import DataError
from ..metrics import METRICS
from ._cache import TaskCache
from ._engine import aggregate, aligned_proba, build_estimator, plan_tasks, run_tasks
from ._model import save_model
from ._result import CompareResult
from ._splits import class_size_hint, list_classes, make_splits
from ._stats import bootstrap_interval, perfect_score_interval
from .strategies import resolve

_N_OOF = 5  # strategies whose out-of-fold predictions the report plots


def compare(data, target: str | None = None, *, metric: str = "macro_f1",
            strategies=None, preset: str = "default", folds: int = 5, repeats: int = 2,
            groups: str | None = None, time_column: str | None = None,
            min_class_size: int | None = None, holdout: float = 0.2,
            time_budget: float | None = None, task_timeout: float | None = None,
            n_jobs: int = 1, out=None,
            random_state: int = 0, diagnose: bool = True, progress: bool | None = None,
            drop=None, text=None, sep: str | None = None, decimal: str | None = None,
            keep_ids=False, tune: bool | None = None,
            command: str | None = None) -> CompareResult:
    """Cross-validate imbalance strategies on a dataset, rank them, and refit the winner.

    Every strategy is scored on the same repeated stratified folds (resampling only inside
    training folds), with a 95% confidence interval from the Nadeau-Bengio corrected variance
    and a corrected resampled t-test against the best. The winner's score is then measured on a
    stratified hold-out that the selection never saw, and the winner is refitted on all rows.

    Parameters
    ----------
    data : Dataset, str, path-like or DataFrame
        A :class:`~unskew.datasets.Dataset`, a CSV/Parquet path or data frame (give
        ``target``), or a benchmark name such as ``"binary:yeast4"``.
    target : str, optional
        The label column of a table.
    metric : str, default="macro_f1"
        Selection metric, a key of :data:`unskew.metrics.METRICS`; all others are reported.
    strategies : list of str or str, optional
        Strategy names (``["smote+lr", "weighted+hgb"]``, or ``"smote+lr,weighted+hgb"`` as
        on the command line); by default those of ``preset``.
    preset : {"fast", "default", "thorough"}, default="default"
        Which strategies to run when ``strategies`` is not given.
    folds, repeats : int, default=5, 2
        Repeated stratified K-fold of the selection data.
    groups : str, optional
        Column whose values (patients, customers) must stay within one fold; it is not used as
        a feature.
    time_column : str, optional
        Column to split forward in time (train on the past); not used as a feature.
    min_class_size : int, optional
        Drop classes with fewer rows than this (recorded in ``warnings``).
    holdout : float, default=0.2
        Share of rows kept out of the selection for the honest estimate (0 to skip it).
    time_budget : float, optional
        Seconds after which strategies not yet started are skipped (recorded).
    task_timeout : float, optional
        Seconds one (strategy, fold) fit-and-score may take; a task past it is recorded in
        the leaderboard as timed out and the run goes on. The limit interrupts Python code,
        so a single long call into compiled code is stopped when it returns.
    n_jobs : int, default=1
        Parallel worker processes.
    out : path-like, optional
        Folder for ``report.html``, ``leaderboard.csv``, ``result.json``, ``model.skops`` and
        the task cache (a rerun with the same settings resumes from it).
    random_state : int, default=0
        Seed of the splits and of every strategy.
    diagnose : bool, default=True
        Profile the data with :func:`unskew.diagnose` for the report.
    progress : bool, optional
        A progress bar on a terminal or in a notebook, a few log lines otherwise (every 10%
        of the tasks or 30 s); ``False`` is silent.
    drop : list of str, optional
        Columns of a table to leave out.
    text : list of str, optional
        Columns of a table to read as free text.
    sep, decimal : str, optional
        Field separator and decimal mark of a CSV file (detected by default; see
        :func:`~unskew.datasets.load_table`).
    keep_ids : bool or list of str, default=False
        Columns that look like row identifiers (distinct on almost every row, or counting up
        row by row) are left out of the features, with a note, because a model can memorise
        them and score well only on this table. ``True`` keeps them all; a list keeps those
        named. Columns that alone predict the label almost perfectly (out of fold) are kept
        but warned about: they are often derived from the label.
    tune : bool, optional
        Tune each strategy's small search space by successive halving inside every outer
        training fold (nested, so scores stay honest). Default: only for ``preset="thorough"``.
    command : str, optional
        The command line to record in the report.

    Returns
    -------
    CompareResult

    Examples
    --------
    >>> import unskew
    >>> result = unskew.compare("binary:yeast4", strategies=["none+lr", "weighted+lr"],
    ...                         folds=3, repeats=1, diagnose=False, progress=False)
    >>> result.best_ in {"none+lr", "weighted+lr"}, list(result.leaderboard["rank"])
    (True, [1.0, 2.0])
    >>> result.honest["method"]
    'holdout'
    """
    started = time.perf_counter()
    if metric not in METRICS:
        raise DataError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    if folds < 2:
        raise DataError(f"folds must be at least 2, got {folds}")
    if repeats < 1:
        raise DataError(f"repeats must be at least 1, got {repeats}")
    if not 0.0 <= holdout < 0.5:
        raise DataError(f"holdout must be in [0, 0.5), got {holdout}")
    chosen = resolve(strategies, preset=preset)
    runnable = [s for s in chosen if s.available]
    notes = [f"strategy {s.name} skipped: needs pip install \"unskew[{s.requires}]\""
             for s in chosen if not s.available]
    if not runnable:
        raise DataError("no strategy can run: " + "; ".join(notes))
    out = _prepare_out(out)

    dataset = as_dataset(data, target, drop=drop, text=text, sep=sep, decimal=decimal)
    source = str(data) if isinstance(data, str | os.PathLike) else dataset.source
    notes += list(dataset.notes)
    dataset, split_on, notes = _prepare(dataset, groups, time_column, min_class_size, notes)
    y = dataset.y.to_numpy()
    labels = np.unique(y)
    rare = int(np.flatnonzero(labels == dataset.classes[-1])[0])

    sel, hold = _holdout_split(y, holdout, folds, split_on, random_state, notes)
    splits = make_splits(y[sel], folds=folds, repeats=repeats,
                         groups=None if groups is None else split_on[sel],
                         time=None if time_column is None else split_on[sel],
                         random_state=random_state)
    # after the checks on the target, so its errors come first; rows stay as they are
    dataset, screened = _screen_columns(dataset, keep_ids, random_state, notes)
    X = dataset.X
    unfit = {s.name: why for s in runnable if (why := _unfit(s, dataset)) is not None}
    if unfit:
        notes += [f"strategy {name} skipped: {why}" for name, why in unfit.items()]
        runnable = [s for s in runnable if s.name not in unfit]
        if not runnable:
            raise DataError("no chosen strategy applies to this data: "
                            + "; ".join(f"{n}: {w}" for n, w in unfit.items()))
    settings = {"metric": metric, "folds": folds, "repeats": repeats, "holdout": holdout,
                "groups": groups, "time": time_column, "min_class_size": min_class_size}
    tuned = metric if (preset == "thorough" and strategies is None if tune is None
                       else tune) else None
    settings["tune"] = tuned is not None
    tasks = plan_tasks([s.name for s in runnable], splits, data_hash=dataset.source_hash,
                       seed=random_state, settings=settings, tune=tuned)
    cache = TaskCache(None if out is None else out / "cache")
    X_sel = X.iloc[sel].reset_index(drop=True)
    stage = {"prepare_s": time.perf_counter() - started}
    mark = time.perf_counter()
    results = run_tasks(tasks, X_sel, y[sel], labels, dataset.feature_types,
                        random_state=random_state, n_jobs=n_jobs, cache=cache,
                        progress=progress, time_budget=time_budget,
                        task_timeout=task_timeout)
    stage["tasks_s"] = time.perf_counter() - mark
    greater = {name: spec.greater_is_better for name, spec in METRICS.items()}
    test_train = 1.0 / (folds - 1)
    board, fold_scores = aggregate(tasks, results, metric=metric, metrics=list(METRICS),
                                   greater_is_better=greater, test_train_ratio=test_train,
                                   labels=labels, rare=rare)
    ranked = board[board["rank"].notna()]
    if ranked.empty:
        errors = "; ".join(f"{r.strategy}: {r.error}" for r in board.itertuples())
        raise DataError(f"every strategy failed or was skipped: {errors}")
    best = str(ranked.iloc[0]["strategy"])
    if ranked.iloc[0]["status"] == "degenerate":
        notes.append(f"every strategy that ran predicts a single class on most folds; the "
                     f"winner {best} {ranked.iloc[0]['error']}, so it is no better than a "
                     "constant guess")
    oof = _out_of_fold(tasks, results, ranked["strategy"].head(_N_OOF).tolist(), len(sel),
                       labels)

    mark = time.perf_counter()
    # After a parallel run, OpenMP models (HGB) fitted here with several threads can slow down
    # a hundredfold on a busy machine (measured: 0.6 s -> 190 s); one thread is predictable.
    with threadpool_limits(limits=None if n_jobs == 1 else 1):
        honest = _honest_estimate(best, X, y, labels, sel, hold, dataset.feature_types, metric,
                                  random_state, tuned)
        final = build_estimator(best, dataset.feature_types, random_state, tune=tuned)
        final.fit(X, y)
    stage["honest_and_refit_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    profile = None
    if diagnose:
        from ..diagnosis import diagnose as run_diagnose

        profile = run_diagnose(dataset, cv=folds, random_state=random_state)
    stage["diagnose_s"] = time.perf_counter() - mark
    versions = _versions()
    given = {"data": source,
             "target": None if source is not None and _is_benchmark(source)
             else str(dataset.y.name),
             "drop": None if drop is None else _names(drop),
             "text": None if text is None else _names(text), "sep": sep, "decimal": decimal,
             "keep_ids": keep_ids if isinstance(keep_ids, bool) else _names(keep_ids)}
    result = CompareResult(
        leaderboard=board, fold_scores=fold_scores, best_=best, best_estimator_=final,
        honest=honest,
        settings={**settings, "seed": random_state, "preset": preset if strategies is None
                  else None, "strategies": [s.name for s in chosen], "n_jobs": n_jobs,
                  "time_budget": time_budget, "task_timeout": task_timeout,
                  "command": command, **given,
                  "n_selection_rows": int(sel.size), "n_holdout_rows": int(hold.size)},
        dataset={"name": dataset.name, "source_hash": dataset.source_hash,
                 "n_samples": dataset.n_samples, "n_features": dataset.n_features,
                 "class_counts": dataset.class_counts, "feature_types": dataset.feature_types,
                 "imbalance_ratio": dataset.imbalance_ratio, "rare_class": dataset.classes[-1],
                 **screened},
        classes=labels.tolist(), y=y[sel], oof=oof, profile=profile, warnings=notes,
        versions=versions, timings=stage,
    )
    # measured before the outputs are written, so the report can state it
    stage["total_s"] = time.perf_counter() - started
    if out is not None:
        mark = time.perf_counter()
        _write_outputs(result, dataset, out)
        stage["outputs_s"] = time.perf_counter() - mark
    return result


def _prepare_out(out) -> Path | None:
    if out is None:
        return None
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".unskew-write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise DataError(f"cannot write to the output folder {str(out)!r}: {exc.strerror}; "
                        "choose another with --out") from exc
    return out


def _prepare(dataset: Dataset, groups, time_column, min_class_size, notes):
    X = dataset.X
    split_on = None
    for param, column in (("groups", groups), ("time", time_column)):
        if column is None:
            continue
        if column not in X.columns:
            from .._utils._text import did_you_mean

            raise DataError(f"--{param} column {column!r} is not among the features"
                            f"{did_you_mean(column, X.columns)}")
        split_on = X[column].to_numpy()
        X = X.drop(columns=[column])
        notes.append(f"column {column!r} is used for splitting ({param}) and not as a feature")
    if groups is not None and time_column is not None:
        raise DataError("use either groups or time, not both")
    empty = [c for c in X.columns if X[c].isna().all()]
    if empty:
        raise DataError(f"column(s) {', '.join(map(repr, empty))} are entirely missing; drop "
                        f"them (--drop {' '.join(empty)})")
    y = dataset.y
    if min_class_size is not None:
        counts = y.value_counts()
        small = counts[counts < min_class_size]
        left = counts[counts >= min_class_size]
        if len(left) < 2:
            kept = ("no class has" if left.empty else f"only class {left.index[0]!r} has")
            raise DataError(
                f"--min-class-size {min_class_size} leaves fewer than two classes: {kept} at "
                f"least {min_class_size} rows (the largest has {int(counts.max())}). "
                + class_size_hint(counts))
        if len(small):
            keep = ~y.isin(small.index).to_numpy()
            notes.append("dropped classes smaller than --min-class-size "
                         f"{min_class_size}: " + list_classes(small))
            X, y = X[keep].reset_index(drop=True), y[keep].reset_index(drop=True)
            split_on = None if split_on is None else split_on[keep]
    types = {c: t for c, t in dataset.feature_types.items() if c in X.columns}
    if X is not dataset.X:
        dataset = make_dataset(X, y, types, name=dataset.name, description=dataset.description,
                               notes=dataset.notes, source=dataset.source)
    return dataset, split_on, notes


def _screen_columns(dataset: Dataset, keep_ids, seed, notes) -> tuple[Dataset, dict]:
    """Leave out identifier columns (unless kept) and warn about columns that leak the label.

    Returns the dataset to run on and what the report says about its columns.
    """
    from ..diagnosis._columns import suspect_columns

    suspects = suspect_columns(dataset.X, dataset.y.to_numpy(), dataset.feature_types,
                               random_state=seed)
    ids = [s for s in suspects if s.kind == "id"]
    if keep_ids is True:
        kept = {s.column for s in ids}
    else:
        kept = set(_names(keep_ids or []))
        unknown = kept - set(dataset.X.columns)
        if unknown:
            from .._utils._text import did_you_mean

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
        X = dataset.X.drop(columns=dropped)
        types = {c: t for c, t in dataset.feature_types.items() if c in X.columns}
        dataset = make_dataset(X, dataset.y, types, name=dataset.name,
                               description=dataset.description, notes=dataset.notes,
                               source=dataset.source)
    return dataset, screened


def _names(columns) -> list[str]:
    return [columns] if isinstance(columns, str) else [str(c) for c in columns]


def _is_benchmark(source: str) -> bool:
    """A benchmark name (``binary:yeast4``) rather than a file path."""
    return ":" in source and not os.path.exists(source) and not os.path.splitext(source)[1]


def _holdout_split(y, holdout, folds, split_on, seed, notes):
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


def _out_of_fold(tasks, results, names, n_rows, labels) -> dict:
    oof = {}
    for name in names:
        proba = np.full((n_rows, labels.size), np.nan)
        for task in tasks:
            record = results.get(task.key, {})
            if task.strategy == name and task.split.repeat == 0 and "proba" in record:
                proba[task.split.test] = record["proba"]
        if not np.isnan(proba).any():
            oof[name] = proba
    return oof


def _honest_estimate(best, X, y, labels, sel, hold, feature_types, metric, seed, tuned) -> dict:
    if hold.size == 0:
        return {"method": "unavailable", "metric": metric, "mean": None, "low": None,
                "high": None, "n_rows": 0,
                "note": "no hold-out was possible; the leaderboard score is optimistic"}
    estimator = build_estimator(best, feature_types, seed, tune=tuned)
    estimator.fit(X.iloc[sel], y[sel])
    spec = METRICS[metric]
    if spec.kind == "label":
        pred = np.asarray(estimator.predict(X.iloc[hold]))
    else:
        pred = aligned_proba(estimator, X.iloc[hold], labels)
        if labels.size == 2:
            pred = pred[:, 1]
    ci = bootstrap_interval(y[hold], pred, spec.function, random_state=seed)
    how = "95% stratified bootstrap interval"
    exact = perfect_score_interval(y[hold], pred, spec.function) if spec.kind == "label" \
        else None
    if exact is not None:
        # a bootstrap of a perfect hold-out has zero width: bound each class's recall instead
        ci, bound, label = exact
        how = (f"all {hold.size} held-out rows correct, yet the recall of class {label!r} "
               f"({int(np.sum(y[hold] == label))} rows) is only known to be at least "
               f"{bound:.3f} (exact binomial, 95% over all classes); the low end is the "
               f"{metric} of that worst case")
    elif ci.low == ci.high:
        how += ("; every resample scored the same, so the interval does not show the "
                f"uncertainty of {hold.size} rows")
    return {"method": "holdout", "metric": metric, "mean": ci.mean, "low": ci.low,
            "high": ci.high, "n_rows": int(hold.size),
            "note": f"{best} refitted on the {sel.size} selection rows and scored once on "
                    f"{hold.size} held-out rows the selection never saw ({how})"}


def _versions() -> dict:
    import imblearn
    import sklearn

    return {"unskew": __version__, "scikit-learn": sklearn.__version__,
            "imbalanced-learn": imblearn.__version__, "numpy": np.__version__,
            "pandas": pd.__version__, "python": platform.python_version()}


def _write_outputs(result: CompareResult, dataset: Dataset, out: Path) -> None:
    board = result.leaderboard
    top = board.iloc[0]
    metric = result.settings["metric"]
    metadata = {
        "strategy": result.best_, "classes": result.classes,
        # the prepared dataset: group / time columns are already out of the features
        "feature_names": list(dataset.X.columns),
        "feature_types": dict(dataset.feature_types),
        "target": str(dataset.y.name), "metric": metric,
        "cv_score": {"mean": float(top[metric]), "low": float(top[f"{metric}_low"]),
                     "high": float(top[f"{metric}_high"])},
        "honest": result.honest, "threshold": _threshold_of(result.best_estimator_),
        "decision": _decision_of(result.best_estimator_),
        "data_hash": dataset.source_hash, "dataset": dataset.name,
        "versions": result.versions, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    save_model(result.best_estimator_, out / "model.skops", metadata)
    board.to_csv(out / "leaderboard.csv", index=False)
    result.to_json(out / "result.json")
    result.to_html(out / "report.html")


def _unfit(strategy, dataset) -> str | None:
    """Why ``strategy`` does not apply to ``dataset`` (its target or its column types)."""
    if strategy.binary_only and dataset.n_classes > 2:
        return f"it only applies to binary targets, and this one has {dataset.n_classes} classes"
    return strategy.unfit_for(dataset.feature_types)


def _decision_of(estimator) -> str:
    """How the fitted winner turns scores into a class, in words (for ``unskew show``).

    The decision itself lives in the estimator; this only describes it.
    """
    offsets = getattr(estimator, "offsets_", None)
    if offsets is not None:
        pairs = ", ".join(f"{c}: {o:+.3f}" for c, o in zip(estimator.classes_.tolist(),
                                                           np.ravel(offsets), strict=True))
        return f"argmax of log-probabilities plus per-class offsets ({pairs})"
    threshold = _threshold_of(estimator)
    if threshold is not None:
        positive = getattr(estimator, "pos_label_", None)
        named = "positive class" if positive is None else f"class {positive!r}"
        return f"{named} when its probability >= {threshold:.4f}"
    return "argmax of probabilities"


def _threshold_of(estimator):
    """The decision threshold a fitted meta-estimator carries, if any (for the metadata)."""
    for attr in ("best_threshold_", "threshold_"):
        value = getattr(estimator, attr, None)
        if value is not None:
            return float(value)
    inner = getattr(estimator, "estimator_", None)
    return None if inner is None or inner is estimator else _threshold_of(inner)


__all__ = ["compare"]
