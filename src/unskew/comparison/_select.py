"""Select: score the winner once on the hold-out the selection never saw, then refit it.

The leaderboard's top score is the maximum of many noisy estimates, so it is optimistic; the
hold-out score is not. The refitted winner carries its decision rule (threshold, offsets)
inside itself; :func:`describe_decision` only puts it into words for the model file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ..metrics import METRICS
from ._engine import aligned_proba, build_estimator
from ._executors import make_executor
from ._prepare import Prepared
from ._run import CVRun
from ._settings import CompareSettings
from ._stats import bootstrap_interval, perfect_score_interval


@dataclass(frozen=True)
class Selection:
    """The winner, its honest score and the winner refitted on every row."""

    best: str
    honest: dict
    estimator: object
    notes: tuple = ()


def select(cv: CVRun, prepared: Prepared, settings: CompareSettings) -> Selection:
    """Take the top-ranked strategy, score it on the hold-out, refit it on all rows."""
    best = cv.best
    top = cv.ranked.iloc[0]
    notes = ()
    if top["status"] == "degenerate":
        notes = (f"every strategy that ran predicts a single class on most folds; the winner "
                 f"{best} {top['error']}, so it is no better than a constant guess",)
    fits = _Fits(best, prepared, settings, cv.tune, cv.text_encoder, cv.embed_cache)
    if settings.n_jobs == 1:
        done = dict(fits(job) for job in ("honest", "final"))
    else:  # the two fits are independent: side by side they take the time of the longer
        with make_executor(settings.executor, n_jobs=2, scheduler=settings.scheduler) as pool:
            done = dict(pool.map_unordered(fits, ["honest", "final"]))
    return Selection(best, done["honest"], done["final"], notes)


@dataclass(frozen=True)
class _Fits:
    """The winner's two last fits, by name: ``"honest"`` (on the selection rows, scored on
    the hold-out) and ``"final"`` (on every row). Called in a worker, so it is a picklable
    object rather than a closure."""

    best: str
    prepared: Prepared
    settings: CompareSettings
    tune: str | None
    text_encoder: str
    embed_cache: str | None

    def __call__(self, job: str) -> tuple[str, object]:
        text = {"text_encoder": self.text_encoder, "embed_cache": self.embed_cache}
        seed = self.settings.random_state
        # After a parallel run, OpenMP models (HGB) fitted with several threads can slow down
        # a hundredfold on a busy machine (measured: 0.6 s -> 190 s); one thread is predictable.
        with threadpool_limits(limits=None if self.settings.n_jobs == 1 else 1):
            if job == "honest":
                return job, honest_estimate(self.best, self.prepared, self.settings.metric,
                                            seed, self.tune, **text)
            dataset = self.prepared.dataset
            final = build_estimator(self.best, dataset.feature_types, seed, tune=self.tune,
                                    **text)
            return job, final.fit(dataset.X, self.prepared.y)


def honest_estimate(best: str, prepared: Prepared, metric: str, seed, tune, *,
                    text_encoder: str = "tfidf", embed_cache: str | None = None) -> dict:
    """The winner refitted on the selection rows and scored once on the hold-out rows."""
    sel, hold = prepared.selection, prepared.holdout
    if hold.size == 0:
        return {"method": "unavailable", "metric": metric, "mean": None, "low": None,
                "high": None, "n_rows": 0,
                "note": "no hold-out was possible; the leaderboard score is optimistic"}
    X, y, labels = prepared.dataset.X, prepared.y, prepared.labels
    estimator = build_estimator(best, prepared.dataset.feature_types, seed, tune=tune,
                                text_encoder=text_encoder, embed_cache=embed_cache)
    estimator.fit(X.iloc[sel], y[sel])
    if METRICS[metric].kind == "label":
        pred = np.asarray(estimator.predict(X.iloc[hold]))
    else:
        pred = aligned_proba(estimator, X.iloc[hold], labels)
    return holdout_score(best, y[hold], pred, metric, seed, n_selection=sel.size)


def holdout_score(best: str, y_hold, pred, metric: str, seed, *, n_selection: int) -> dict:
    """The honest-score dict of ``best`` from its predictions on the hold-out rows.

    ``pred`` holds predicted labels for a label metric, else the aligned probabilities.
    """
    spec = METRICS[metric]
    y_hold, pred = np.asarray(y_hold), np.asarray(pred)
    if spec.kind != "label" and pred.ndim == 2 and pred.shape[1] == 2:
        pred = pred[:, 1]
    n_hold = y_hold.size
    ci = bootstrap_interval(y_hold, pred, spec.function, random_state=seed)
    how = "95% stratified bootstrap interval"
    exact = perfect_score_interval(y_hold, pred, spec.function) if spec.kind == "label" \
        else None
    if exact is not None:
        # a bootstrap of a perfect hold-out has zero width: bound each class's recall instead
        ci, bound, label = exact
        how = (f"all {n_hold} held-out rows correct, yet the recall of class {label!r} "
               f"({int(np.sum(y_hold == label))} rows) is only known to be at least "
               f"{bound:.3f} (exact binomial, 95% over all classes); the low end is the "
               f"{metric} of that worst case")
    elif ci.low == ci.high:
        how += ("; every resample scored the same, so the interval does not show the "
                f"uncertainty of {n_hold} rows")
    return {"method": "holdout", "metric": metric, "mean": ci.mean, "low": ci.low,
            "high": ci.high, "n_rows": int(n_hold),
            "note": f"{best} refitted on the {n_selection} selection rows and scored once on "
                    f"{n_hold} held-out rows the selection never saw ({how})"}


def describe_decision(estimator) -> str:
    """How the fitted winner turns scores into a class, in words (for ``unskew show``).

    The decision itself lives in the estimator; this only describes it.
    """
    offsets = getattr(estimator, "offsets_", None)
    if offsets is not None:
        pairs = ", ".join(f"{c}: {o:+.3f}" for c, o in zip(estimator.classes_.tolist(),
                                                           np.ravel(offsets), strict=True))
        return f"argmax of log-probabilities plus per-class offsets ({pairs})"
    threshold = threshold_of(estimator)
    if threshold is not None:
        positive = getattr(estimator, "pos_label_", None)
        named = "positive class" if positive is None else f"class {positive!r}"
        return f"{named} when its probability >= {threshold:.4f}"
    return "argmax of probabilities"


def threshold_of(estimator):
    """The decision threshold a fitted meta-estimator carries, if any (for the metadata)."""
    for attr in ("best_threshold_", "threshold_"):
        value = getattr(estimator, attr, None)
        if value is not None:
            return float(value)
    inner = getattr(estimator, "estimator_", None)
    return None if inner is None or inner is estimator else threshold_of(inner)
