"""Run the cross-validation: every (strategy x fold) task, cached, aggregated into a ranking."""

from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ..metrics import METRICS
from ._cache import TaskCache
from ._engine import Task, TaskRecord, aggregate, plan_tasks, run_tasks
from ._executors import make_executor
from ._prepare import Prepared
from ._racing import Racing
from ._settings import CompareSettings


@dataclass(frozen=True)
class CVRun:
    """The cross-validation of one run: its tasks, what each left, and the ranking.

    Attributes
    ----------
    tasks : list of Task
        One per (strategy, split), in plan order.
    records : dict of str to TaskRecord
        What each task left, by ``Task.key``.
    leaderboard, fold_scores : pandas.DataFrame
        See :class:`~unskew.comparison.CompareResult`.
    tune : str or None
        The metric inner searches were tuned on (None: no tuning).
    text_encoder, embed_cache : str
        How text columns were encoded, and where embeddings are cached.
    seconds : float
        Wall time of the tasks.
    """

    tasks: list[Task]
    records: dict[str, TaskRecord]
    leaderboard: pd.DataFrame
    fold_scores: pd.DataFrame
    tune: str | None
    seconds: float
    text_encoder: str = "tfidf"
    embed_cache: str | None = None

    @property
    def ranked(self) -> pd.DataFrame:
        """The leaderboard rows that have a rank (complete strategies), best first."""
        return self.leaderboard[self.leaderboard["rank"].notna()]

    @property
    def best(self) -> str:
        """The winner: the top-ranked strategy (degenerate ones rank last)."""
        return str(self.ranked.iloc[0]["strategy"])

    def out_of_fold(self, names, n_rows: int, n_classes: int) -> dict:
        """``{strategy: (n_rows, n_classes) probabilities}`` of the first repeat's test folds.

        A strategy is left out unless every row got a probability (a fold failed).
        """
        oof = {}
        for name in names:
            proba = np.full((n_rows, n_classes), np.nan)
            for task in self.tasks:
                record = self.records.get(task.key)
                if task.strategy == name and task.split.repeat == 0 and record is not None \
                        and record.proba is not None:
                    proba[task.split.test] = record.proba
            if not np.isnan(proba).any():
                oof[name] = proba
        return oof


def task_settings(settings: CompareSettings, tune: str | None) -> dict:
    """The settings that key each task in the cache (a changed one means a new task)."""
    return {"metric": settings.metric, "folds": settings.folds, "repeats": settings.repeats,
            "holdout": settings.holdout, "groups": settings.groups,
            "time": settings.time_column, "min_class_size": settings.min_class_size,
            "tune": tune is not None,
            # only when not the default, so runs from before the option still resume
            **({} if settings.text_encoder == "tfidf"
               else {"text_encoder": settings.text_encoder})}


@contextmanager
def shared_text_fits(feature_types: dict, settings: CompareSettings):
    """A private folder where the tasks' TF-IDF encoders cache their fits, removed on exit.

    Every strategy of a fold fits the same TF-IDF on the same training texts, and on a large
    text table that fit costs as much as the model's; cached, it runs once per fold. The
    folder is new and readable by this user only (the cache holds pickles), and it lives only
    as long as the run. Yields None, and caches nothing, for a table without text, for
    embeddings, and for Dask workers (which may not share this machine's disk).
    """
    if settings.text_encoder != "tfidf" or settings.executor != "local" \
            or "text" not in feature_types.values():
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="unskew-tfidf-") as folder:
        yield folder


def tuned_metric(settings: CompareSettings) -> str | None:
    """The metric inner searches tune on: by default only for ``preset="thorough"`` (its
    ``preset`` is None when the strategies were named)."""
    tune = settings.preset == "thorough" if settings.tune is None else settings.tune
    return settings.metric if tune else None


def run_cv(prepared: Prepared, settings: CompareSettings, *, cache: TaskCache,
           progress: bool | None) -> CVRun:
    """Fit and score every strategy on every fold (resuming from ``cache``) and rank them."""
    tune = tuned_metric(settings)
    dataset, sel = prepared.dataset, prepared.selection
    embed_cache = None
    if settings.text_encoder != "tfidf" and cache.folder is not None:
        embed_cache = str(cache.folder / "embeddings")  # once per distinct text, across tasks
    y = prepared.y
    greater = {name: spec.greater_is_better for name, spec in METRICS.items()}
    ratio = 1.0 / (settings.folds - 1)
    racing = (Racing(metric=settings.metric, greater_is_better=greater[settings.metric],
                     test_train_ratio=ratio) if settings.racing_on else None)
    started = time.perf_counter()
    with shared_text_fits(dataset.feature_types, settings) as text_memory:
        tasks = plan_tasks([s.name for s in prepared.strategies], prepared.splits,
                           data_hash=dataset.source_hash, seed=settings.random_state,
                           settings=task_settings(settings, tune), tune=tune,
                           text_encoder=settings.text_encoder, embed_cache=embed_cache,
                           text_memory=text_memory)
        records = run_tasks(tasks, dataset.X.iloc[sel].reset_index(drop=True), y[sel],
                            prepared.labels, dataset.feature_types,
                            random_state=settings.random_state, n_jobs=settings.n_jobs,
                            cache=cache, progress=progress, time_budget=settings.time_budget,
                            task_timeout=settings.task_timeout,
                            executor=make_executor(settings.executor, n_jobs=settings.n_jobs,
                                                   scheduler=settings.scheduler),
                            racing=racing)
    seconds = time.perf_counter() - started
    board, fold_scores = aggregate(tasks, records, metric=settings.metric, metrics=list(METRICS),
                                   greater_is_better=greater, test_train_ratio=ratio,
                                   labels=prepared.labels, rare=prepared.rare)
    if board["rank"].isna().all():
        errors = "; ".join(f"{r.strategy}: {r.error}" for r in board.itertuples())
        raise DataError(f"every strategy failed or was skipped: {errors}")
    return CVRun(tasks, records, board, fold_scores, tune, seconds, settings.text_encoder,
                 embed_cache)
