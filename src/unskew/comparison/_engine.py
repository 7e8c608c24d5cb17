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


# statuses that get a rank, and their tier in the ranking
_RANKED = {"ok": 0, "stopped": 1, "degenerate": 2}
# range of each metric whose range is not [0, 1]
_BOUNDS = {"mcc": (-1.0, 1.0), "brier": (0.0, 2.0), "log_loss": (0.0, np.inf)}


@dataclass(frozen=True)
class TaskRecord:
    """What one task left: its status, scores and out-of-fold probabilities.

    ``status`` is "ok", "error", "timeout", "skipped" or "stopped" (racing stopped its
    strategy before this task ran); ``error`` says why. ``class_recall`` holds each label's
    recall on the test fold (None where the fold has no row of it) and ``only_class`` the
    position of the single class it predicted (-1 when it predicted several). The cache
    stores :meth:`to_dict`.
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
    text_memory: str | None = None


def build_estimator(strategy_name: str, feature_types: dict, random_state, *,
                    tune: str | None = None, text_encoder: str = "tfidf",
                    embed_cache: str | None = None, text_memory: str | None = None):
    """Build a strategy's unfitted estimator by name (workers look it up themselves).

    With ``tune`` (a metric name) and a strategy that declares a search space, the estimator
    is wrapped in successive halving over that space, scored by ``tune`` with 3-fold inner CV;
    fitted on an outer training fold, the search is nested inside it. With
    ``text_encoder="minilm"`` every text column is embedded by a local sentence model instead
    of TF-IDF (see :func:`use_text_encoder`), the embeddings cached in ``embed_cache``. With
    ``text_memory`` (a private folder) every TF-IDF encoder caches its fit there, so the
    strategies of one fold count the n-grams of its training texts once.
    """
    from .strategies import lookup

    strategy = lookup(strategy_name)
    estimator = strategy.build(feature_types, random_state)
    if text_encoder != "tfidf":
        use_text_encoder(estimator, text_encoder, cache_dir=embed_cache)
    elif text_memory is not None:
        for key in _text_vectorizers(estimator):
            estimator.set_params(**{f"{key}__memory": text_memory})
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
    from ..text import text_features

    for key in _text_vectorizers(estimator):
        estimator.set_params(**{key: text_features("dense", encoder=encoder,
                                                   cache_dir=cache_dir, progress=False)})
    return estimator


def _text_vectorizers(estimator) -> list[str]:
    """The parameter names of every :class:`~unskew.text.TextVectorizer` in ``estimator``."""
    from ..text import TextVectorizer

    return [key for key, value in estimator.get_params(deep=True).items()
            if isinstance(value, TextVectorizer)]


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
    except Exception as exc:  # one strategy failing must never stop the run
        return failure_record(exc, start)


def failure_record(exc: Exception, start: float) -> TaskRecord:
    """The record of a task that raised ``exc`` (a timeout, or an error and where it was)."""
    if isinstance(exc, TaskTimeout):
        return TaskRecord("timeout", str(exc), time=time.perf_counter() - start)
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
    return TaskRecord("error", f"{type(exc).__name__}: {exc}{where}",
                      time=time.perf_counter() - start)


def _fit_and_score(task, X, y, labels, feature_types, random_state, start) -> TaskRecord:
    """Build the strategy, fit it on the training rows, score the test rows."""
    estimator = build_estimator(task.strategy, feature_types, random_state, tune=task.tune,
                                text_encoder=task.text_encoder, embed_cache=task.embed_cache,
                                text_memory=task.text_memory)
    train, test = task.split.train, task.split.test
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter from 100s of fits
        estimator.fit(X.iloc[train], y[train])
        fit_time = time.perf_counter() - start
        y_pred = np.asarray(estimator.predict(X.iloc[test]))
        proba = aligned_proba(estimator, X.iloc[test], labels)
        return scored_record(y[test], y_pred, proba, labels, fit_time=fit_time, start=start)


def scored_record(y_true, y_pred, proba, labels: np.ndarray, *, fit_time: float,
                  start: float, keep_proba: bool = True) -> TaskRecord:
    """The ok record of a task from its test rows' labels, predictions and probabilities."""
    scores = classification_summary(y_true, y_pred, y_proba=proba, labels=labels)
    predicted = np.unique(y_pred)
    return TaskRecord(
        "ok", scores={k: float(v) for k, v in scores.items()},
        class_recall=_class_recall(y_true, y_pred, labels),
        # a model that predicts one class everywhere has failed, whatever it scores
        only_class=(int(np.flatnonzero(labels == predicted[0])[0])
                    if predicted.size == 1 and np.isin(predicted, labels).all() else -1),
        fit_time=fit_time, time=time.perf_counter() - start,
        proba=proba if keep_proba else None)


def _class_recall(y_true: np.ndarray, y_pred: np.ndarray, labels: np.ndarray) -> list:
    """Recall of each label (None where the fold has no row of it), JSON-ready."""
    out = []
    for label in labels.tolist():
        mask = y_true == label
        out.append(float(np.mean(y_pred[mask] == label)) if mask.any() else None)
    return out


def run_tasks(tasks: list[Task], X, y, labels, feature_types, *, random_state, n_jobs: int,
              cache: TaskCache, progress: bool | None, time_budget: float | None,
              task_timeout: float | None = None, executor=None,
              racing=None) -> dict[str, TaskRecord]:
    """Run every task not already cached; return ``{task.key: TaskRecord}``.

    Without ``racing``, tasks are submitted one strategy at a time, so a time budget stops
    between strategies (those not started are recorded as skipped). With a
    :class:`~._racing.Racing` rule they run in rounds of one split for every strategy still
    racing; after each round the rule may stop strategies, whose remaining tasks are recorded
    as ``"stopped"`` with the reason, and a time budget stops between rounds. ``task_timeout``
    bounds each task (see :func:`deadline`); a task past it is recorded as ``"timeout"`` and
    not cached. ``executor`` (see :mod:`._executors`; default: ``n_jobs`` local processes)
    runs them.
    """
    bar = _Progress(len(tasks), progress)
    executor = LocalExecutor(n_jobs) if executor is None else executor
    run = _Batches(executor, bar, cache, (X, y, labels, feature_types, random_state),
                   task_timeout, time_budget)
    try:
        with executor:
            if racing is None:
                by_strategy: dict[str, list[Task]] = {}
                for task in tasks:
                    by_strategy.setdefault(task.strategy, []).append(task)
                for name, group in by_strategy.items():
                    run(group, name)
            else:
                _race(tasks, run, racing, bar)
    finally:
        bar.close()
    return run.results


class _Batches:
    """Runs tasks through an executor: cached ones are read back, the others run (or are
    skipped once the time budget is spent) and, when ok, cached."""

    def __init__(self, executor, bar, cache, shared, task_timeout, time_budget):
        self.executor, self.bar, self.cache = executor, bar, cache
        self.shared, self.task_timeout, self.time_budget = shared, task_timeout, time_budget
        self.start = time.perf_counter()
        self.results: dict[str, TaskRecord] = {}

    def spent(self) -> bool:
        """Whether the time budget is spent."""
        return self.time_budget is not None and \
            time.perf_counter() - self.start > self.time_budget

    def stream(self, tasks):
        """Run ``tasks`` (an iterable, read as workers free up) and yield ``(key, record)``
        as each finishes; ok records are cached."""
        for key, record in self.executor.map_unordered(
                keyed_task, tasks, *self.shared, self.executor.threads_per_task,
                self.task_timeout):
            if record.ok:
                self.cache.put(key, record.to_dict())
            yield key, record

    def __call__(self, batch: list[Task], label: str) -> None:
        """Run one strategy's tasks (all skipped when the budget is spent before it starts)."""
        todo = []
        for task in batch:
            cached = self.cache.get(task.key)
            if cached is not None:
                self.results[task.key] = TaskRecord.from_dict(cached)
                self.bar.advance(f"{label} (cached)")
            else:
                todo.append(task)
        if todo and self.spent():
            for task in todo:
                self.results[task.key] = TaskRecord(
                    "skipped", f"time budget of {self.time_budget:g}s spent")
                self.bar.advance(f"{label} skipped")
            return
        for key, record in self.stream(todo):
            self.results[key] = record
            self.bar.advance(label)


def _race(tasks: list[Task], run: _Batches, racing, bar) -> None:
    """Run ``tasks`` round by round, stopping the strategies ``racing`` says are beaten.

    Tasks stream to the executor in plan order, so workers never wait for a round to end;
    the decision after round ``r`` is taken once every task of that round is in, and rounds
    are decided in order. A task of a stopped strategy that was already under way when the
    decision came is recorded as stopped all the same (its result stays in the cache), so the
    leaderboard depends only on the scores, never on timing.
    """
    rounds: dict = {}
    for task in tasks:  # plan order: each split's tasks form one round
        rounds.setdefault((task.split.repeat, task.split.fold), []).append(task)
    rounds = list(rounds.values())
    strategy_of = {task.key: task.strategy for task in tasks}
    stopped: dict[str, tuple[int, str]] = {}  # strategy -> (rounds it ran, reason)
    done = run.results
    for task in tasks:
        cached = run.cache.get(task.key)
        if cached is not None:
            done[task.key] = TaskRecord.from_dict(cached)
    counted: set[str] = set()  # tasks the progress has counted

    def tick(key: str, what: str = "") -> None:
        if key not in counted:
            counted.add(key)
            bar.advance(f"{strategy_of[key]}{what}")

    history: dict[str, list[TaskRecord]] = {}
    decided = 0  # rounds decided so far

    def decide() -> None:
        nonlocal decided
        while decided < len(rounds):
            batch = [t for t in rounds[decided] if t.strategy not in stopped]
            if any(t.key not in done for t in batch):
                return
            for task in batch:
                history.setdefault(task.strategy, []).append(done[task.key])
            decided += 1
            alive = {n: r for n, r in history.items() if n not in stopped}
            scores = {n: [r.scores.get(racing.metric, np.nan) if r.ok else np.nan for r in rs]
                      for n, rs in alive.items()}
            # a strategy that predicts one class on most folds cannot lead the race
            contenders = [n for n, rs in alive.items()
                          if 2 * sum(r.only_class >= 0 for r in rs if r.ok) < sum(r.ok for r in rs)]
            for name, reason in racing.stopped(scores, n_rounds=len(rounds),
                                               contenders=contenders).items():
                stopped[name] = (decided, reason)

    def feed():
        for batch in rounds:
            for task in batch:
                if task.key in done:
                    tick(task.key, " (cached)")
                elif task.strategy not in stopped:
                    if run.spent():
                        return
                    yield task

    decide()  # a resumed run replays the decisions of its cached rounds
    for key, record in run.stream(feed()):
        done[key] = record
        tick(key)
        decide()
    for number, batch in enumerate(rounds, start=1):
        for task in batch:
            ran, reason = stopped.get(task.strategy, (len(rounds), ""))
            if number > ran:
                done[task.key] = TaskRecord("stopped", reason)
                tick(task.key, " stopped")
            elif task.key not in done:
                done[task.key] = TaskRecord("skipped",
                                            f"time budget of {run.time_budget:g}s spent")
                tick(task.key, " skipped")
            tick(task.key)


def keyed_task(task, X, y, labels, feature_types, random_state, threads, timeout):
    """``(task.key, run_task(...))`` under a BLAS/OpenMP thread limit (what executors run)."""
    from threadpoolctl import threadpool_limits

    # parallel tasks already use every core; nested BLAS/OpenMP threads would oversubscribe
    with threadpool_limits(limits=threads):
        return task.key, run_task(task, X, y, labels, feature_types, random_state, timeout)


def plan_tasks(strategies: list[str], splits: list[Split], *, data_hash: str, seed,
               settings: dict, tune: str | None = None, text_encoder: str = "tfidf",
               embed_cache: str | None = None, text_memory: str | None = None) -> list[Task]:
    """One task per (strategy, split), keyed for the cache (``text_memory`` is not part of
    the key: it changes how fast a task runs, never its result)."""
    return [
        Task(name, split, task_key(data=data_hash, strategy=name, repeat=split.repeat,
                                   fold=split.fold, seed=seed, tuned_on=tune, **settings), tune,
             text_encoder, embed_cache, text_memory)
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
    ``error``. A strategy that racing stopped is ``"stopped"``: scored over the folds it ran
    and ranked after the complete ones.
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
        stopped = group[group["status"] == "stopped"]
        failed = group[~group["status"].isin(["ok", "stopped"])]
        entry["status"] = "ok" if failed.empty else (
            "failed" if entry["n_ok"] == 0 else "partial")
        entry["error"] = failed["error"].iloc[0] if not failed.empty else ""
        if failed.empty and not stopped.empty:
            entry["status"], entry["error"] = "stopped", stopped["error"].iloc[0]
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
            if entry["status"] in _RANKED and m in ok:
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
    complete = board[board["status"].isin(_RANKED)]
    sign = 1 if greater_is_better[metric] else -1
    board["rank"] = np.nan
    board["p_vs_best"] = np.nan
    if not complete.empty:
        # those stopped by racing rank after the complete ones (they were shown to be worse
        # than the leader), degenerate ones after all others, whatever they score
        key = pd.DataFrame({"tier": complete["status"].map(_RANKED),
                            "score": -sign * complete[metric]})
        order = key.sort_values(["tier", "score"], kind="stable").index
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
