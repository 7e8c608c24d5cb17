"""``compare`` over data read lazily: a directory of Parquet files or a Dask DataFrame.

Such data is cut into ``folds + 1`` exact stratified parts (the last one held out for the
winner's honest score) by a keyed draw on each row's position. Each fold trains every strategy
on a stratified sample that fits a worker, every row of the classes other than the largest
kept and the largest sampled by a keyed draw, and scores it on every row of its test part,
partition by partition, with the fitted model broadcast. Only the sample, the models and one
test part's predictions (for its scores) are ever held in one place; the table never is.

One fold is one round: the fits of every strategy on it run in parallel, then the predictions
of every partition. Each (strategy, fold) result goes to the same task cache as the in-memory
run's, so an interrupted run resumes; racing decides after each complete fold, so the
leaderboard is the same on any number of workers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import dask
import numpy as np

from ..datasets import load_table
from ..distributed import FoldPlan, parquet_files, read_parquet_dir, rows_for_memory, split_target
from ..exceptions import DataError
from ..metrics import METRICS
from ._cache import TaskCache, task_key
from ._engine import (
    Task,
    TaskRecord,
    aggregate,
    build_estimator,
    deadline,
    failure_record,
    scored_record,
)
from ._executors import make_executor
from ._outputs import versions, write_outputs
from ._prepare import screen
from ._progress import Progress
from ._racing import Racing
from ._result import CompareResult
from ._run import task_settings, tuned_metric
from ._select import holdout_score
from ._splits import Split

# rows of one partition of a Parquet directory: every fold reads each partition twice (its
# sample, its predictions), so a partition's copies must leave room for the training sample
PARTITION_ROWS = 250_000
# rows of the stratified sample that diagnose, the column screening and the report see
PROFILE_ROWS = 100_000
# every class keeps at least this many rows in that sample (all of them when it has fewer)
PROFILE_CLASS_ROWS = 2_000
# hold-out rows the bootstrap resamples; a larger hold-out's interval is scaled from them
BOOTSTRAP_ROWS = 100_000
# hold-out predictions kept for the report's curves and per-class tables
REPORT_ROWS = 200_000


def compare_sampled(data, settings, strategies: list, notes: list, *, out: Path | None,
                    progress, diagnose: bool, started: float) -> CompareResult:
    """:func:`unskew.compare` on a Parquet directory or a Dask DataFrame (see the module)."""
    notes = list(notes)
    frame, name, source, data_hash = _read(data)
    _refuse_unsupported(settings)
    if settings.target is None:
        raise DataError("compare needs target= (--target COL) to read a Parquet directory or a "
                        f"Dask DataFrame; its columns are {list(frame.columns)}")
    if settings.drop:
        _check_columns(frame, settings.drop, "drop")
        frame = frame.drop(columns=list(settings.drop))
    X, y = split_target(frame, settings.target)
    holdout = settings.holdout > 0
    n_parts = settings.folds + int(holdout)
    stage = {}
    with _scheduler(settings) as (executor, memory):
        plan = FoldPlan(X, y, n_parts, random_state=settings.random_state)
        _check_labels(plan, settings.target)
        dataset, profile_rows = _profile_sample(plan, settings, name, source, data_hash, notes)
        dataset, screened, strategies, considered = screen(dataset, settings, strategies, notes)
        columns, types = list(dataset.X.columns), dict(dataset.feature_types)
        plan.transform_features(_schema(dataset).conform)
        max_rows = settings.sample_rows or rows_for_memory(len(columns), memory)
        stage["prepare_s"] = time.perf_counter() - started
        run = _Run(plan, settings, strategies, types, max_rows, executor,
                   TaskCache(None if out is None else out / "cache"), data_hash)
        mark = time.perf_counter()
        board, fold_scores = run.folds(progress)
        stage["tasks_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        best = str(board[board["rank"].notna()].iloc[0]["strategy"])
        honest, y_report, proba_report = run.honest(best) if holdout else (_no_holdout(
            settings.metric), np.zeros(0), None)
        final, final_info = run.fit_final(best)
        stage["honest_and_refit_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    profile = None
    if diagnose:
        from ..diagnosis import diagnose as run_diagnose

        profile = run_diagnose(dataset, cv=min(settings.folds, 5),
                               random_state=settings.random_state)
    stage["diagnose_s"] = time.perf_counter() - mark
    notes += run.sample_notes(profile_rows, holdout)
    if board.iloc[0]["status"] == "degenerate":
        notes.append(f"every strategy that ran predicts a single class on most folds; the "
                     f"winner {best} {board.iloc[0]['error']}, so it is no better than a "
                     "constant guess")
    counts = dict(sorted(plan.counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    effective = dataclasses.replace(settings, tune=run.tune is not None,
                                    racing=settings.racing_on,
                                    strategies=considered or settings.strategies)
    n_hold = sum(plan.fold_counts.get((settings.folds, c), 0) for c in plan.labels) \
        if holdout else 0
    result = CompareResult(
        leaderboard=board, fold_scores=fold_scores, best_=best, best_estimator_=final,
        honest=honest,
        settings={**effective.to_dict(), "n_selection_rows": plan.n_rows - n_hold,
                  "n_holdout_rows": n_hold, "repeats": 1,
                  "sampled": {"max_rows": int(max_rows), "partitions": plan.parts.n_partitions,
                              "final_rows": final_info["rows"],
                              "largest_class_rate": final_info["rate"]}},
        dataset={"name": name, "source_hash": data_hash, "n_samples": plan.n_rows,
                 "n_features": len(columns), "class_counts": counts, "feature_types": types,
                 "imbalance_ratio": max(counts.values()) / min(counts.values()),
                 "rare_class": next(reversed(counts)), **screened},
        classes=list(plan.labels), y=y_report,
        oof={} if proba_report is None else {best: proba_report}, profile=profile,
        warnings=notes, versions=versions(), timings=stage)
    stage["total_s"] = time.perf_counter() - started
    if out is not None:
        mark = time.perf_counter()
        write_outputs(result, dataset, out)
        stage["outputs_s"] = time.perf_counter() - mark
    return result


def _read(data):
    """``(frame, name, source, hash)`` of a Parquet directory or a Dask DataFrame."""
    if isinstance(data, str | os.PathLike):
        path = Path(data)
        files = parquet_files(path)
        h = hashlib.sha256()
        for file in files:  # names, sizes and times: a changed file is new data
            stat = file.stat()
            h.update(f"{file.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        return read_parquet_dir(path, partition_rows=PARTITION_ROWS), path.name or str(path), str(path), h.hexdigest()[:16]
    from dask.base import tokenize

    return data, "data", None, tokenize(data)[:16]


def _refuse_unsupported(settings) -> None:
    for option, value, flag in (("groups", settings.groups, "--groups"),
                                ("time_column", settings.time_column, "--time"),
                                ("min_class_size", settings.min_class_size, "--min-class-size")):
        if value is not None:
            raise DataError(f"{flag} ({option}=) is not supported on data read lazily (a "
                            "Parquet directory or a Dask DataFrame): filter or split the data "
                            "first, or load a table that fits in memory")


def _check_columns(frame, names, option: str) -> None:
    missing = [c for c in names if c not in frame.columns]
    if missing:
        from .._utils._text import did_you_mean

        raise DataError(f"{option}= names column {missing[0]!r}, which the data does not have"
                        f"{did_you_mean(missing[0], [str(c) for c in frame.columns])}")


def _check_labels(plan, target: str) -> None:
    """Missing labels, counted over every row (the sample would only show some)."""
    missing = [c for c in plan.labels if c is None or (isinstance(c, float) and np.isnan(c))
               or (isinstance(c, str) and not c.strip())]
    if missing:
        n = sum(plan.counts[c] for c in missing)
        raise DataError(f"the target {target!r} has {n:,} missing or empty labels (of "
                        f"{plan.n_rows:,} rows). Drop those rows or fill in their labels; "
                        "unskew does not guess labels.")


def _schema(dataset):
    """The sample's columns and types without its rows (one row of each class), for the
    graph: every partition's task carries it."""
    y = dataset.y.to_numpy()
    return dataset.subset(rows=np.sort([np.flatnonzero(y == c)[0] for c in np.unique(y)]))


def _profile_sample(plan, settings, name, source, data_hash, notes):
    """A stratified sample of the table (about PROFILE_ROWS rows, each class at least
    PROFILE_CLASS_ROWS) as a Dataset: the feature types are inferred on it, and it is what
    the column screening, diagnose and the report see."""
    share_all = min(1.0, PROFILE_ROWS / plan.n_rows)
    rates = {c: min(1.0, max(share_all, PROFILE_CLASS_ROWS / n)) for c, n in
             plan.counts.items()}
    X_s, y_s = plan.lazy_sample((), rates=rates).compute()
    table = X_s.reset_index(drop=True).assign(**{settings.target: np.asarray(y_s)})
    dataset = load_table(table, settings.target, text=settings.text,
                         categorical=settings.categorical, name=name)
    notes += dataset.notes
    return dataclasses.replace(dataset, source_hash=data_hash, source=source), len(y_s)


@contextmanager
def _scheduler(settings):
    """Where the graphs run, and each worker's memory: a Dask cluster (``executor="dask"``)
    or ``n_jobs`` threads of this process."""
    if settings.executor == "dask":
        with make_executor("dask", n_jobs=settings.n_jobs,
                           scheduler=settings.scheduler) as executor, \
                executor.client.as_current():  # every dask.compute below runs on it
            limits = executor.memory_limits()
            yield executor, min(limits) if limits else _available() // settings.n_jobs
        return
    with dask.config.set(scheduler="threads", num_workers=settings.n_jobs):
        yield None, _available() // max(settings.n_jobs, 1)


def _available() -> int:
    import psutil

    return int(psutil.virtual_memory().available)


def _fit(name: str, sample, types: dict, seed, tune, text_encoder, embed_cache, threads,
         timeout):
    """``(estimator or None, fit seconds, failure record or None)``: one strategy fitted on a
    training sample."""
    from threadpoolctl import threadpool_limits

    X_train, y_train = sample
    start = time.perf_counter()
    try:
        with threadpool_limits(limits=threads), deadline(timeout), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimator = build_estimator(name, types, seed, tune=tune, text_encoder=text_encoder,
                                        embed_cache=embed_cache)
            estimator.fit(X_train, np.asarray(y_train))
        return estimator, time.perf_counter() - start, None
    except Exception as exc:  # one strategy failing must never stop the run
        return None, time.perf_counter() - start, failure_record(exc, start)


def _score(fit_time: float, failed, labels, j: int, *pieces) -> TaskRecord:
    """The record of the ``j``-th model of a fold from its partitions' test predictions
    (``failed``: the record of a fit that raised, returned as it is)."""
    if failed is not None:
        return failed
    start = time.perf_counter() - fit_time
    y_true, y_pred, proba = _gather(pieces, j)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return scored_record(y_true, y_pred, proba, np.asarray(labels), fit_time=fit_time,
                             start=start, keep_proba=False)


def _gather(pieces, j: int):
    """``(y_true, y_pred, proba)`` of model ``j`` over the partitions' predictions."""
    return (np.concatenate([p[0] for p in pieces]),
            np.concatenate([p[1][j][0] for p in pieces]),
            np.concatenate([p[1][j][1] for p in pieces]))


class _Run:
    """The folds, the hold-out and the final fit of one out-of-core compare."""

    def __init__(self, plan, settings, strategies, types, max_rows, executor,
                 cache: TaskCache, data_hash: str):
        self.plan, self.settings, self.types = plan, settings, types
        self.names = [s.name for s in strategies]
        self.max_rows, self.executor, self.cache = int(max_rows), executor, cache
        self.tune = tuned_metric(settings)
        self.embed_cache = None
        if settings.text_encoder != "tfidf" and cache.folder is not None:
            self.embed_cache = str(cache.folder / "embeddings")
        self.hold = (settings.folds,) if settings.holdout > 0 else ()
        self.threads = 1 if settings.n_jobs > 1 or executor is not None else None
        self.fold_info: dict[int, dict] = {}
        # one keep-rate per class for every fit, sized so the largest (the final model, on
        # every row) fits max_rows: the folds, the hold-out fit and the saved model all see
        # the classes in the same proportions, so the winner is refitted as it was scored
        self.rates = plan.rates((), max_rows=self.max_rows)
        keyed = task_settings(settings, self.tune)
        empty = np.zeros(0, dtype=np.int64)
        self.tasks = [Task(name, Split(0, fold, empty, empty), task_key(
            data=data_hash, strategy=name, repeat=0, fold=fold, seed=settings.random_state,
            tuned_on=self.tune, sampled=self.max_rows, **keyed), self.tune,
            settings.text_encoder, self.embed_cache)
            for fold in range(settings.folds) for name in self.names]

    # -- running graphs --------------------------------------------------------------------
    def compute(self, *graphs):
        """``dask.compute`` on the run's scheduler (a dead worker said in words)."""
        return dask.compute(*graphs) if self.executor is None else \
            self.executor.compute(*graphs)

    def fit_args(self):
        return (self.types, self.settings.random_state, self.tune, self.settings.text_encoder,
                self.embed_cache, self.threads, self.settings.task_timeout)

    def fit_on(self, names: list[str], exclude) -> tuple[list, dict]:
        """Every strategy of ``names`` fitted on one sample of the rows outside ``exclude``."""
        rates = self.rates
        sample = self.plan.lazy_sample(exclude, rates=rates)
        y_of = dask.delayed(lambda s: np.asarray(s[1]))(sample)
        fitted = self.compute(*[dask.delayed(_fit)(n, sample, *self.fit_args()) for n in names],
                              y_of)
        return list(fitted[:-1]), self.plan.info(fitted[-1], exclude, rates)

    def score(self, fitted: list, fold: int) -> list[TaskRecord]:
        """Each fitted strategy scored on every row of ``fold``: every partition is read once
        and predicted by every model, then each model's predictions are scored together."""
        models = [None if failed is not None else self.plan.broadcast(estimator)
                  for estimator, _, failed in fitted]
        pieces = self.plan.predictions(models, fold)
        graphs = [dask.delayed(_score)(fit_time, failed, self.plan.labels, j, *pieces)
                  for j, (_, fit_time, failed) in enumerate(fitted)]
        return list(self.compute(*graphs))

    # -- the folds -------------------------------------------------------------------------
    def folds(self, progress):
        """Every (strategy, fold) task, cached, raced; the leaderboard and the fold scores."""
        settings = self.settings
        greater = {name: spec.greater_is_better for name, spec in METRICS.items()}
        ratio = 1.0 / (settings.folds - 1)
        racing = (Racing(metric=settings.metric, greater_is_better=greater[settings.metric],
                         test_train_ratio=ratio) if settings.racing_on else None)
        bar = Progress(len(self.tasks), progress)
        records: dict[str, TaskRecord] = {}
        stopped: dict[str, str] = {}
        budget_start = time.perf_counter()
        try:
            for fold in range(settings.folds):
                batch = [t for t in self.tasks if t.split.fold == fold]
                todo = []
                for task in batch:
                    cached = self.cache.get(task.key)
                    if task.strategy in stopped:
                        records[task.key] = TaskRecord("stopped", stopped[task.strategy])
                        bar.advance(f"{task.strategy} fold {fold} stopped")
                    elif cached is not None:
                        records[task.key] = TaskRecord.from_dict(cached)
                        bar.advance(f"{task.strategy} fold {fold} (cached)")
                    else:
                        todo.append(task)
                if todo and settings.time_budget is not None and \
                        time.perf_counter() - budget_start > settings.time_budget:
                    for task in todo:
                        records[task.key] = TaskRecord(
                            "skipped", f"time budget of {settings.time_budget:g}s spent")
                        bar.advance(f"{task.strategy} fold {fold} skipped")
                    todo = []
                if todo:
                    exclude = (fold, *self.hold)
                    fitted, info = self.fit_on([t.strategy for t in todo], exclude)
                    self.fold_info[fold] = info
                    for task, record in zip(todo, self.score(fitted, fold), strict=True):
                        records[task.key] = record
                        if record.ok:
                            self.cache.put(task.key, record.to_dict())
                        bar.advance(f"{task.strategy} fold {fold}")
                if racing is not None:
                    self._race(racing, records, stopped, fold)
        finally:
            bar.close()
        board, fold_scores = aggregate(
            self.tasks, records, metric=settings.metric, metrics=list(METRICS),
            greater_is_better=greater, test_train_ratio=ratio,
            labels=np.asarray(self.plan.labels), rare=self._rare())
        if board["rank"].isna().all():
            errors = "; ".join(f"{r.strategy}: {r.error}" for r in board.itertuples())
            raise DataError(f"every strategy failed or was skipped: {errors}")
        return board, fold_scores

    def _rare(self) -> int:
        counts = self.plan.counts
        rare = min(self.plan.labels, key=lambda c: (counts[c], str(c)))
        return self.plan.labels.index(rare)

    def _race(self, racing: Racing, records: dict, stopped: dict, fold: int) -> None:
        """After a complete fold, stop the strategies the rule says are beaten."""
        alive = [n for n in self.names if n not in stopped]
        history = {n: [records[t.key] for t in self.tasks
                       if t.strategy == n and t.split.fold <= fold] for n in alive}
        scores = {n: [r.scores.get(racing.metric, np.nan) if r.ok else np.nan for r in rs]
                  for n, rs in history.items()}
        contenders = [n for n, rs in history.items()
                      if 2 * sum(r.only_class >= 0 for r in rs if r.ok) < sum(r.ok for r in rs)]
        stopped.update(racing.stopped(scores, n_rounds=self.settings.folds,
                                      contenders=contenders))

    # -- after the folds -------------------------------------------------------------------
    def honest(self, best: str):
        """The winner fitted on a sample of the selection rows, scored on the hold-out part:
        ``(honest dict, y for the report, proba for the report)``."""
        fitted, info = self.fit_on([best], self.hold)
        estimator, _, failed = fitted[0]
        if failed is not None:
            raise DataError(f"the winner {best} failed on the hold-out's training sample: "
                            f"{failed.error}")
        model = self.plan.broadcast(estimator)
        pieces = self.compute(*self.plan.predictions([model], self.hold[0]))
        y_true, y_pred, proba = _gather(pieces, 0)
        self.fold_info["holdout"] = info
        pred = y_pred if METRICS[self.settings.metric].kind == "label" else proba
        honest = _large_holdout_score(best, y_true, pred, self.settings.metric,
                                      self.settings.random_state,
                                      n_selection=sum(n for _, n in info["rows"].values()))
        honest["note"] += (f"; trained on a stratified sample of {_kept(info):,} of the "
                           f"{sum(n for _, n in info['rows'].values()):,} selection rows")
        keep = _report_rows(y_true, self.settings.random_state)
        return honest, y_true[keep], proba[keep]

    def fit_final(self, best: str):
        """The winner fitted on a stratified sample of every row (the saved model)."""
        fitted, info = self.fit_on([best], ())
        estimator, _, failed = fitted[0]
        if failed is not None:
            raise DataError(f"the winner {best} failed on the final training sample: "
                            f"{failed.error}")
        return estimator, info

    def sample_notes(self, profile_rows: int, holdout: bool) -> list[str]:
        """What the report must say about how the folds were sampled."""
        info = next(iter(self.fold_info.values()), None)
        settings = self.settings
        parts = f"{settings.folds} folds" + (" plus one part held out" if holdout else "")
        lines = [f"the data was read lazily ({self.plan.parts.n_partitions} partitions, "
                 f"{self.plan.n_rows:,} rows) and cut into {parts} by exact stratified "
                 "keyed draws, one repeat"
                 + (f" (not the {settings.repeats} asked: a repeat would read every row "
                    "again)" if (settings.repeats or 0) > 2 else "")]
        if info is not None:
            rate = info["rate"]
            kept = "; ".join(f"class {c!r} {k:,} of {n:,}" for c, (k, n) in
                             info["rows"].items())
            lines.append(f"each fold trained on a stratified sample (every row of the classes "
                         f"but the largest, {rate:.1%} of the largest; fold 0: {kept}) and was "
                         "scored on every row of its test part; the hold-out fit and the saved "
                         f"model keep the same shares, the saved model on at most "
                         f"{self.max_rows:,} rows. The sample holds the classes nearer balance "
                         "than the table, as random under-sampling would: every strategy is "
                         "compared on the same sample, and scored as trained on it")
        lines.append(f"the data profile (diagnose, column screening) is of a stratified sample "
                     f"of {profile_rows:,} rows; the report's curves and per-class tables are "
                     "the winner's predictions on the hold-out part" if holdout else
                     f"the data profile (diagnose, column screening) is of a stratified sample "
                     f"of {profile_rows:,} rows")
        return lines


def _kept(info: dict) -> int:
    return sum(k for k, _ in info["rows"].values())


def _no_holdout(metric: str) -> dict:
    return {"method": "unavailable", "metric": metric, "mean": None, "low": None, "high": None,
            "n_rows": 0, "note": "no hold-out (holdout=0); the leaderboard score is optimistic"}


def _large_holdout_score(best, y_true, pred, metric, seed, *, n_selection) -> dict:
    """:func:`holdout_score`, its bootstrap on at most BOOTSTRAP_ROWS rows.

    A larger hold-out gets the metric on every row and the interval of a stratified sample
    of BOOTSTRAP_ROWS rows, narrowed by sqrt(sample / rows) (the width of a bootstrap
    interval shrinks as one over the square root of the rows).
    """
    n = y_true.size
    if n <= BOOTSTRAP_ROWS:
        return holdout_score(best, y_true, pred, metric, seed, n_selection=n_selection)
    rows = _stratified_rows(y_true, BOOTSTRAP_ROWS, seed)
    sub = holdout_score(best, y_true[rows], pred[rows], metric, seed, n_selection=n_selection)
    spec = METRICS[metric]
    scored = pred[:, 1] if spec.kind != "label" and pred.ndim == 2 and pred.shape[1] == 2 \
        else pred
    mean = float(spec.function(y_true, scored))
    scale = np.sqrt(rows.size / n)
    lo, hi = (-1.0, 1.0) if metric == "mcc" else (0.0, 1.0)
    low = max(lo, mean - (sub["mean"] - sub["low"]) * scale)
    high = min(hi, mean + (sub["high"] - sub["mean"]) * scale)
    return {**sub, "mean": mean, "low": low, "high": high, "n_rows": int(n),
            "note": f"{best} refitted on the {n_selection:,} selection rows and scored once on "
                    f"{n:,} held-out rows the selection never saw (95% stratified bootstrap "
                    f"interval of {rows.size:,} of them, narrowed by sqrt({rows.size:,}/{n:,}))"}


def _report_rows(y: np.ndarray, seed) -> np.ndarray:
    """At most REPORT_ROWS positions of ``y``, stratified (every row when there are fewer)."""
    return np.arange(y.size) if y.size <= REPORT_ROWS else _stratified_rows(y, REPORT_ROWS, seed)


def _stratified_rows(y: np.ndarray, n: int, seed) -> np.ndarray:
    """About ``n`` sorted positions of ``y``, each class in its share (at least one row)."""
    rng = np.random.default_rng(seed)
    return np.sort(np.concatenate([
        rng.choice(g, size=max(1, round(g.size * n / y.size)), replace=False)
        for g in (np.flatnonzero(y == c) for c in np.unique(y))]))
