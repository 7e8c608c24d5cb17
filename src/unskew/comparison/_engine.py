"""Plan (strategy x split) tasks, run them, cache each one, and aggregate the scores.

Resampling happens only inside each strategy's pipeline ``fit`` on a training fold; every
strategy is scored on the same splits so the comparison is paired.
"""

from __future__ import annotations

import signal
import threading
import time
import traceback
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from ..metrics import classification_summary
from ._cache import TaskCache, task_key
from ._executors import LocalExecutor
from ._progress import Progress as _Progress
from ._splits import Split
from ._stats import corrected_interval, corrected_paired_ttest


class TaskTimeout(Exception):
    """A task ran past ``task_timeout``."""


@contextmanager
def deadline(seconds: float | None):
    """Raise :class:`TaskTimeout` in this block after ``seconds`` (SIGALRM; None: no limit).

    The alarm interrupts Python code; a long call inside a C extension is interrupted when it
    returns to Python. Only the main thread of a process can receive it (joblib workers and a
    plain script are), elsewhere the limit is not enforced.
    """
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _expire(signum, frame):
        raise TaskTimeout(f"timed out after {seconds:g}s (task_timeout)")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# range of each metric whose range is not [0, 1]
_BOUNDS = {"mcc": (-1.0, 1.0), "brier": (0.0, 2.0), "log_loss": (0.0, np.inf)}


@dataclass(frozen=True)
class TaskRecord:
    """What one task left: its status, scores and out-of-fold probabilities.

    ``status`` is "ok", "error", "timeout" or "skipped" (``error`` says why);
    ``class_recall`` holds each label's recall on the test fold (None where the fold has no
    row of it) and ``only_class`` the position of the single class it predicted (-1 when it
    predicted several). The cache stores :meth:`to_dict`.
    """

    status: str
    error: str = ""
    scores: dict = field(default_factory=dict)
    fit_time: float = float("nan")
    time: float = float("nan")
    proba: np.ndarray | None = None
    class_recall: list | None = None
    only_class: int = -1

    @property
    def ok(self) -> bool:
        """Whether the task was fitted and scored."""
        return self.status == "ok"

    def to_dict(self) -> dict:
        """The record as a dict (``proba`` stays an array; the cache stores it apart)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, record: dict) -> TaskRecord:
        """Read a cached record back (keys it does not know are left out)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in record.items() if k in names})


@dataclass(frozen=True)
class Task:
    """One unit of work: fit one strategy on one split's training rows, score its test rows."""

    strategy: str
    split: Split
    key: str
    tune: str | None = None
    text_encoder: str = "tfidf"
    embed_cache: str | None = None


def build_estimator(strategy_name: str, feature_types: dict, random_state, *,
                    tune: str | None = None, text_encoder: str = "tfidf",
                    embed_cache: str | None = None):
    """Build a strategy's unfitted estimator by name (workers look it up themselves).

    With ``tune`` (a metric name) and a strategy that declares a search space, the estimator
    is wrapped in successive halving over that space, scored by ``tune`` with 3-fold inner CV;
    fitted on an outer training fold, the search is nested inside it. With
    ``text_encoder="minilm"`` every text column is embedded by a local sentence model instead
    of TF-IDF (see :func:`use_text_encoder`), the embeddings cached in ``embed_cache``.
    """
    from .strategies import lookup

    strategy = lookup(strategy_name)
    estimator = strategy.build(feature_types, random_state)
    if text_encoder != "tfidf":
        use_text_encoder(estimator, text_encoder, cache_dir=embed_cache)
    if tune is None or not strategy.search_space:
        return estimator
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV, StratifiedKFold

    from ..metrics import get_scorer

    return HalvingGridSearchCV(
        estimator, strategy.search_space, factor=3, resource="n_samples",
        cv=StratifiedKFold(3, shuffle=True, random_state=random_state),
        scoring=get_scorer(tune), refit=True, random_state=random_state, error_score="raise",
    )


def use_text_encoder(estimator, encoder: str, *, cache_dir=None):
    """Swap every TF-IDF text encoder inside ``estimator`` for ``encoder`` (in place).

    The strategies build their text features at one seam (``unskew.text.text_features``), so
    the swap finds each :class:`~unskew.text.TextVectorizer` among the nested parameters and
    replaces it with the same seam's encoder of that name; the rest of the pipeline (the
    resampler, the model) is untouched, so SMOTE then interpolates embeddings.

    Examples
    --------
    >>> from unskew.comparison.strategies import REGISTRY
    >>> pipe = REGISTRY["weighted+lr"].build({"review": "text"}, 0)
    >>> swapped = use_text_encoder(pipe, "minilm")
    >>> type(pipe.named_steps["preprocess"].transformers[0][1]).__name__
    'SentenceEmbedder'
    """
    from ..text import TextVectorizer, text_features

    found = [key for key, value in estimator.get_params(deep=True).items()
             if isinstance(value, TextVectorizer)]
    for key in found:
        estimator.set_params(**{key: text_features("dense", encoder=encoder,
                                                   cache_dir=cache_dir, progress=False)})
    return estimator


def aligned_proba(estimator, X, labels: np.ndarray) -> np.ndarray:
    """``predict_proba`` with columns in the order of ``labels`` (zeros for unseen classes)."""
    proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
    out = np.zeros((proba.shape[0], labels.size))
    position = {c: i for i, c in enumerate(labels.tolist())}
    for j, c in enumerate(np.asarray(estimator.classes_).tolist()):
        out[:, position[c]] = proba[:, j]
    return out


def run_task(task: Task, X: pd.DataFrame, y: np.ndarray, labels: np.ndarray,
             feature_types: dict, random_state, timeout: float | None = None) -> TaskRecord:
    """Fit and score one task; errors and timeouts are caught and returned, never raised."""
    start = time.perf_counter()
    try:
        with deadline(timeout):
            return _fit_and_score(task, X, y, labels, feature_types, random_state, start)
    except TaskTimeout as exc:
        return TaskRecord("timeout", str(exc), time=time.perf_counter() - start)
    except Exception as exc:  # one strategy failing must never stop the run
        last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
        where = f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
        return TaskRecord("error", f"{type(exc).__name__}: {exc}{where}",
                          time=time.perf_counter() - start)


def _fit_and_score(task, X, y, labels, feature_types, random_state, start) -> TaskRecord:
    """Build the strategy, fit it on the training rows, score the test rows."""
    estimator = build_estimator(task.strategy, feature_types, random_state, tune=task.tune,
                                text_encoder=task.text_encoder, embed_cache=task.embed_cache)
    train, test = task.split.train, task.split.test
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter from 100s of fits
        estimator.fit(X.iloc[train], y[train])
        fit_time = time.perf_counter() - start
        y_pred = np.asarray(estimator.predict(X.iloc[test]))
        proba = aligned_proba(estimator, X.iloc[test], labels)
        scores = classification_summary(y[test], y_pred, y_proba=proba, labels=labels)
    predicted = np.unique(y_pred)
    return TaskRecord(
        "ok", scores={k: float(v) for k, v in scores.items()},
        class_recall=_class_recall(y[test], y_pred, labels),
        # a model that predicts one class everywhere has failed, whatever it scores
        only_class=(int(np.flatnonzero(labels == predicted[0])[0])
                    if predicted.size == 1 and np.isin(predicted, labels).all() else -1),
        fit_time=fit_time, time=time.perf_counter() - start, proba=proba)


def _class_recall(y_true: np.ndarray, y_pred: np.ndarray, labels: np.ndarray) -> list:
    """Recall of each label (None where the fold has no row of it), JSON-ready."""
    out = []
    for label in labels.tolist():
        mask = y_true == label
        out.append(float(np.mean(y_pred[mask] == label)) if mask.any() else None)
    return out


def run_tasks(tasks: list[Task], X, y, labels, feature_types, *, random_state, n_jobs: int,
              cache: TaskCache, progress: bool | None, time_budget: float | None,
              task_timeout: float | None = None, executor=None) -> dict[str, TaskRecord]:
    """Run every task not already cached; return ``{task.key: TaskRecord}``.

    Tasks are submitted one strategy at a time, so a time budget stops between strategies
    (those not started are recorded as skipped). ``task_timeout`` bounds each task (see
    :func:`deadline`); a task past it is recorded as ``"timeout"`` and not cached.
    ``executor`` (see :mod:`._executors`; default: ``n_jobs`` local processes) runs them.
    """
    results: dict[str, TaskRecord] = {}
    bar = _Progress(len(tasks), progress)
    start = time.perf_counter()
    by_strategy: dict[str, list[Task]] = {}
    for task in tasks:
        by_strategy.setdefault(task.strategy, []).append(task)
    executor = LocalExecutor(n_jobs) if executor is None else executor
    try:
        with executor:
            for name, group in by_strategy.items():
                todo = []
                for task in group:
                    cached = cache.get(task.key)
                    if cached is not None:
                        results[task.key] = TaskRecord.from_dict(cached)
                        bar.advance(f"{name} (cached)")
                    else:
                        todo.append(task)
                if not todo:
                    continue
                if time_budget is not None and time.perf_counter() - start > time_budget:
                    for task in todo:
                        results[task.key] = TaskRecord(
                            "skipped", f"time budget of {time_budget:g}s spent")
                        bar.advance(f"{name} skipped")
                    continue
                for key, record in executor.map_unordered(
                        keyed_task, todo, X, y, labels, feature_types, random_state,
                        executor.threads_per_task, task_timeout):
                    results[key] = record
                    if record.ok:
                        cache.put(key, record.to_dict())
                    bar.advance(f"{name}")
    finally:
        bar.close()
    return results


def keyed_task(task, X, y, labels, feature_types, random_state, threads, timeout):
    """``(task.key, run_task(...))`` under a BLAS/OpenMP thread limit (what executors run)."""
    from threadpoolctl import threadpool_limits

    # parallel tasks already use every core; nested BLAS/OpenMP threads would oversubscribe
    with threadpool_limits(limits=threads):
        return task.key, run_task(task, X, y, labels, feature_types, random_state, timeout)


def plan_tasks(strategies: list[str], splits: list[Split], *, data_hash: str, seed,
               settings: dict, tune: str | None = None, text_encoder: str = "tfidf",
               embed_cache: str | None = None) -> list[Task]:
    """One task per (strategy, split), keyed for the cache."""
    return [
        Task(name, split, task_key(data=data_hash, strategy=name, repeat=split.repeat,
                                   fold=split.fold, seed=seed, tuned_on=tune, **settings), tune,
             text_encoder, embed_cache)
        for name in strategies
        for split in splits
    ]


def aggregate(tasks: list[Task], results: dict, *, metric: str, metrics: list[str],
              greater_is_better: dict, test_train_ratio: float,
              labels: np.ndarray | None = None,
              rare: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fold scores -> leaderboard with corrected CIs, p-values against the best, and ranks.

    With ``labels`` and ``rare`` (the position of the least frequent class in ``labels``), the
    leaderboard also gets ``rare_recall`` (that class's recall) with its interval, and a
    strategy that predicts a single class on at least half of its folds is marked
    ``"degenerate"``: it is ranked after every other complete strategy, and the reason is in
    ``error``.
    """
    rows = []
    for task in tasks:
        record = results.get(task.key, TaskRecord("skipped", "not run"))
        row = {"strategy": task.strategy, "repeat": task.split.repeat, "fold": task.split.fold,
               "status": record.status, "error": record.error, "fit_time": record.fit_time,
               "time": record.time, "only_class": record.only_class}
        row.update(record.scores)
        recalls = record.class_recall
        if rare is not None and recalls is not None:
            row["rare_recall"] = np.nan if recalls[rare] is None else recalls[rare]
        rows.append(row)
    folds = pd.DataFrame(rows)
    if rare is not None:
        metrics = [*metrics, "rare_recall"]
    board = []
    for name, group in folds.groupby("strategy", sort=False):
        entry = {"strategy": name, "n_ok": int((group["status"] == "ok").sum()),
                 "n_tasks": len(group)}
        failed = group[group["status"] != "ok"]
        entry["status"] = "ok" if failed.empty else (
            "failed" if entry["n_ok"] == 0 else "partial")
        entry["error"] = failed["error"].iloc[0] if not failed.empty else ""
        ok = group[group["status"] == "ok"]
        single = ok["only_class"][ok["only_class"] >= 0]
        if entry["status"] == "ok" and len(single) and 2 * len(single) >= len(ok):
            only = single.mode().iloc[0]
            named = repr(labels[only].item() if isinstance(labels[only], np.generic)
                         else labels[only]) if labels is not None else "one class"
            entry["status"] = "degenerate"
            entry["error"] = (f"predicts only class {named} in {int((single == only).sum())} "
                              f"of {len(ok)} folds" + (
                                  f" (a single class in {len(single)})"
                                  if (single != only).any() else ""))
        for m in metrics:
            if entry["status"] in ("ok", "degenerate") and m in ok:
                ci = corrected_interval(ok[m].to_numpy(), test_train_ratio=test_train_ratio)
            else:
                ci = None
            # the t-interval is symmetric but the metric is bounded: clip to its range
            lo, hi = _BOUNDS.get(m, (0.0, 1.0))
            entry[m] = ci.mean if ci else np.nan
            entry[f"{m}_low"] = max(ci.low, lo) if ci else np.nan
            entry[f"{m}_high"] = min(ci.high, hi) if ci else np.nan
        entry["fit_time"] = float(ok["fit_time"].mean()) if not ok.empty else np.nan
        board.append(entry)
    board = pd.DataFrame(board)
    complete = board[board["status"].isin(["ok", "degenerate"])]
    sign = 1 if greater_is_better[metric] else -1
    board["rank"] = np.nan
    board["p_vs_best"] = np.nan
    if not complete.empty:
        # degenerate strategies rank after all others, whatever they score
        key = pd.DataFrame({"degenerate": complete["status"] == "degenerate",
                            "score": -sign * complete[metric]})
        order = key.sort_values(["degenerate", "score"], kind="stable").index
        board.loc[order, "rank"] = np.arange(1, len(order) + 1)
        best = board.loc[order[0], "strategy"]
        best_scores = folds[folds["strategy"] == best].sort_values(["repeat", "fold"])[metric]
        for idx in order:
            other = folds[folds["strategy"] == board.loc[idx, "strategy"]]
            other = other.sort_values(["repeat", "fold"])[metric]
            board.loc[idx, "p_vs_best"] = corrected_paired_ttest(
                best_scores.to_numpy(), other.to_numpy(), test_train_ratio=test_train_ratio)
    board = board.sort_values(["rank", "strategy"], na_position="last").reset_index(drop=True)
    lead = ["rank", "strategy", metric, f"{metric}_low", f"{metric}_high", "p_vs_best"]
    rest = [c for c in board.columns if c not in lead]
    return board[lead + rest], folds.drop(columns="only_class")
