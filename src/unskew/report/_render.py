"""Assemble the report page: read a :class:`~unskew.comparison.CompareResult`, compute the plot
data (:mod:`._plotdata`), draw it (:mod:`._svg`) and fill the Jinja2 template shipped in
``templates/``.

The page is one self-contained HTML file: CSS, the small table-sorting script and every chart
are inline, and a Content-Security-Policy forbids the browser from fetching anything, so it
opens offline and leaks nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import math
from pathlib import Path

import numpy as np

from .._version import __version__
from ..metrics import METRICS, precision_recall_curve
from . import _plotdata as pd_
from . import _svg

_METRIC_LABELS = {
    "accuracy": "accuracy", "balanced_accuracy": "balanced accuracy", "macro_f1": "macro F1",
    "weighted_f1": "weighted F1", "micro_f1": "micro F1", "g_mean": "G-mean", "mcc": "MCC",
    "pr_auc": "PR-AUC", "roc_auc": "ROC-AUC", "brier": "Brier score", "log_loss": "log loss",
}
_MAX_CURVE_POINTS = 400  # points drawn per curve; the data behind them is exact
_MAX_CLASS_BARS = 60
_MAX_OVR_CLASSES = 6  # one-vs-rest precision-recall curves of a multi-class winner
_N_TOP = 5  # strategies compared per class
_MAX_GROUPED_CLASSES = 15  # classes drawn in the per-class recall chart
_WIDE_CONFUSION = 8  # more classes than this: the confusion matrix takes the full width
# Leaderboard columns shown beside the selection metric; the others wait behind a toggle.
_COMPACT_METRICS = {"binary": ("rare_recall", "balanced_accuracy", "pr_auc", "roc_auc"),
                    "multiclass": ("rare_recall", "balanced_accuracy", "g_mean", "mcc")}
_RARE_TARGET_RECALL = 0.8  # the rare-class recall the threshold advice aims at
_CLEAR_GAIN = 0.05  # another strategy is "clearly" better for the rare class by this much
_N_PAIRS = 8  # most confused class pairs shown for a text table
_TEXT_CHARS = 300  # characters of an example text shown before the ellipsis


@functools.lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("unskew.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


def metric_label(name: str) -> str:
    """Readable name of a metric key.

    Examples
    --------
    >>> from unskew.report._render import metric_label
    >>> metric_label("macro_f1"), metric_label("my_metric")
    ('macro F1', 'my metric')
    """
    return _METRIC_LABELS.get(name, str(name).replace("_", " "))


def _isnum(x) -> bool:
    try:
        return x is not None and not isinstance(x, bool) and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def fmt(x, digits: int = 3, missing: str = "–") -> str:
    """A number with fixed decimals, or ``missing`` for None / NaN.

    Examples
    --------
    >>> from unskew.report._render import fmt
    >>> fmt(0.71234), fmt(None), fmt(float("nan")), fmt(12, 1)
    ('0.712', '–', '–', '12.0')
    """
    return f"{float(x):.{digits}f}" if _isnum(x) else missing


def fmt_p(p) -> str:
    """A p-value: three decimals, ``<0.001`` below that.

    Examples
    --------
    >>> from unskew.report._render import fmt_p
    >>> fmt_p(0.04321), fmt_p(1e-6), fmt_p(None)
    ('0.043', '<0.001', '–')
    """
    if not _isnum(p):
        return "–"
    return "<0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def fmt_seconds(s) -> str:
    """Seconds as ``0.042 s``, ``3.4 s`` or ``2 min 05 s``.

    Examples
    --------
    >>> from unskew.report._render import fmt_seconds
    >>> fmt_seconds(0.0421), fmt_seconds(3.44), fmt_seconds(125), fmt_seconds(None)
    ('0.042 s', '3.4 s', '2 min 05 s', '–')
    """
    if not _isnum(s):
        return "–"
    s = float(s)
    if s < 1:
        return f"{s:.3f} s"
    if s < 60:
        return f"{s:.1f} s"
    minutes, rest = divmod(round(s), 60)
    return f"{minutes} min {rest:02d} s"


def _interval(mean, low, high, digits: int = 3) -> str:
    if not _isnum(mean):
        return "–"
    text = fmt(mean, digits)
    if _isnum(low) and _isnum(high):
        text += f" [{fmt(low, digits)}, {fmt(high, digits)}]"
    return text


def _thin(n: int, limit: int = _MAX_CURVE_POINTS) -> np.ndarray:
    """Indices of at most ``limit`` evenly spread points out of ``n``, ends included."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))


def _profile_dict(profile):
    """``profile.to_dict()``, or (None, reason) when there is none or it cannot be read."""
    if profile is None:
        return None, None
    if isinstance(profile, dict):
        return profile, None
    to_dict = getattr(profile, "to_dict", None)
    if to_dict is None:
        return None, f"the profile ({type(profile).__name__}) has no to_dict()"
    try:
        return to_dict(), None
    except Exception as exc:  # a report must render even if the profile is broken
        return None, f"the profile could not be read: {type(exc).__name__}: {exc}"


# ----------------------------------------------------------------------------- sections


def _header(result, generated) -> dict:
    data = result.dataset
    metric = result.settings.get("metric", "")
    board = result.leaderboard
    top = board[board["strategy"] == result.best_]
    top = top.iloc[0] if len(top) else board.iloc[0]
    honest = dict(result.honest or {})
    available = honest.get("method") == "holdout" and _isnum(honest.get("mean"))
    spec = METRICS.get(metric)
    counts = data.get("class_counts") or {}
    return {
        "dataset": data.get("name", "dataset"),
        "n_samples": data.get("n_samples"),
        "n_features": data.get("n_features"),
        "n_classes": len(counts) or len(result.classes),
        "imbalance_ratio": fmt(data.get("imbalance_ratio"), 1),
        "generated": generated,
        "metric": metric,
        "metric_label": metric_label(metric),
        "metric_description": spec.description if spec else "",
        "lower_is_better": bool(spec and not spec.greater_is_better),
        "winner": result.best_,
        "cv_score": _interval(top.get(metric), top.get(f"{metric}_low"),
                              top.get(f"{metric}_high")),
        "n_strategies": len(board),
        "n_ok": int((board["status"] == "ok").sum()) if "status" in board else len(board),
        "honest_available": available,
        "honest_method": honest.get("method", "unavailable"),
        "honest_score": _interval(honest.get("mean"), honest.get("low"), honest.get("high")),
        "honest_rows": honest.get("n_rows"),
        "honest_note": honest.get("note", ""),
        "total_time": fmt_seconds(_total_seconds(result.timings)),
    }


def _total_seconds(timings):
    """The run's total seconds; when a result lacks it, the sum of its recorded stages."""
    timings = timings or {}
    if _isnum(timings.get("total_s")):
        return float(timings["total_s"])
    stages = [float(v) for k, v in timings.items() if str(k).endswith("_s") and _isnum(v)]
    return sum(stages) if stages else None


def _profile_section(result) -> dict:
    profile, problem = _profile_dict(result.profile)
    data = result.dataset
    buckets, head_min, tail_max, records = {}, None, None, []
    if profile:
        records = [r for r in profile.get("classes") or [] if isinstance(r, dict)]
        buckets = {r.get("label"): r.get("bucket") for r in records}
        head_min, tail_max = profile.get("head_min"), profile.get("tail_max")
        counts = profile.get("class_counts") or {r.get("label"): r.get("count") for r in records}
    else:
        counts = data.get("class_counts") or {}
    section = {"has_profile": profile is not None, "problem": problem, "chart": None,
               "rows": [], "columns": [], "facts": [], "warnings": [], "cutoffs": None,
               "capped": None}
    if counts:
        dist = pd_.class_distribution(counts, buckets)
        shown = dist
        if len(dist) > _MAX_CLASS_BARS:
            half = _MAX_CLASS_BARS // 2
            shown = dist.iloc[np.r_[0:half, len(dist) - half:len(dist)]]
            section["capped"] = (f"showing the {half} most and {half} least common of "
                                 f"{len(dist)} classes")
        colors = [_svg.BUCKET_COLORS.get(b, _svg.PALETTE[0] if not buckets else _svg.NEUTRAL)
                  for b in shown["bucket"]]
        legend = None
        if buckets and head_min is not None and tail_max is not None:
            legend = [(f"head (> {head_min} rows)", _svg.BUCKET_COLORS["head"]),
                      (f"medium ({tail_max}–{head_min} rows)", _svg.BUCKET_COLORS["medium"]),
                      (f"tail (< {tail_max} rows)", _svg.BUCKET_COLORS["tail"])]
            section["cutoffs"] = {"head_min": head_min, "tail_max": tail_max}
        tips = [f"{s:.1%} of rows" + (f", {b}" if b else "")
                for s, b in zip(shown["share"], shown["bucket"], strict=True)]
        section["chart"] = _svg.bar_chart(
            [str(c) for c in shown["class"]], shown["count"].tolist(), uid="class-counts",
            title="Rows per class", value_label="rows", colors=colors, legend=legend,
            tooltips=tips, width=560,
            desc="Horizontal bars: the number of rows of each class, most common first"
                 + (", coloured by head / medium / tail bucket." if legend else "."))
    if records:
        optional = [("overlap", "overlap", lambda v: fmt(v, 2)),
                    ("outliers_both", "outliers", lambda v: "–" if v is None else f"{v:,}"),
                    ("label_issues", "suspected label errors",
                     lambda v: "–" if v is None else f"{v:,}")]
        present = [(k, title, f) for k, title, f in optional if any(k in r for r in records)]
        section["columns"] = [title for _, title, _ in present]
        for r in sorted(records, key=lambda r: -(r.get("count") or 0)):
            section["rows"].append({
                "label": r.get("label"), "count": r.get("count"),
                "share": f"{r['share']:.1%}" if _isnum(r.get("share")) else "–",
                "bucket": r.get("bucket") or "",
                "extra": [f(r.get(k)) for k, _, f in present]})
    if profile:
        facts = section["facts"]
        if _isnum(profile.get("overlap_mean")):
            facts.append(("mean class overlap",
                          f"{profile['overlap_mean']:.2f} (share of a row's nearest neighbours "
                          "from other classes)"))
        issues = profile.get("label_issues")
        if isinstance(issues, dict) and _isnum(issues.get("n_issues")):
            rate = f" ({issues['rate']:.1%} of rows)" if _isnum(issues.get("rate")) else ""
            facts.append(("suspected label errors", f"{issues['n_issues']:,}{rate}"))
        dups = profile.get("duplicates")
        if isinstance(dups, dict) and _isnum(dups.get("n_duplicate_rows")):
            facts.append(("duplicate rows", f"{dups['n_duplicate_rows']:,} "
                          f"({dups.get('n_conflict_rows', 0):,} with conflicting labels)"))
        checked, total = profile.get("n_rows_checked"), profile.get("n_samples")
        if _isnum(checked) and _isnum(total) and checked < total:
            facts.append(("rows checked", f"{checked:,} of {total:,} (stratified sample)"))
        for w in profile.get("warnings") or []:
            if isinstance(w, dict):
                section["warnings"].append({"code": w.get("code", ""),
                                            "message": w.get("message", "")})
            else:
                section["warnings"].append({"code": "", "message": str(w)})
    return section


def _rare_label(result):
    """The least frequent class: as recorded by compare, else counted from the labels."""
    data = result.dataset or {}
    if data.get("rare_class") is not None:
        return data["rare_class"]
    if result.y is not None and len(result.y) and len(result.classes):
        return pd_.minority_class(result.y, result.classes)
    counts = data.get("class_counts") or {}
    return min(counts, key=counts.get) if counts else None


def _twins(metric):
    """(hidden, shown): micro F1 equals accuracy on single-label data, so one of them goes."""
    return ("accuracy", "micro_f1") if metric == "micro_f1" else ("micro_f1", "accuracy")


def _metric_columns(board, metric, binary):
    """(compact, more): the leaderboard's metric columns shown by default and on demand."""
    twin, _ = _twins(metric)
    known = [m for m in (*METRICS, "rare_recall") if m in board.columns
             and m not in (metric, twin)]
    if "rare_recall" in known and not board["rare_recall"].map(_isnum).any():
        known.remove("rare_recall")  # an older result: the column is there but empty
    extra = [c[:-4] for c in board.columns if c.endswith("_low")
             and c[:-4] not in (*METRICS, "rare_recall", metric) and c[:-4] in board.columns
             and f"{c[:-4]}_high" in board.columns]
    compact = [m for m in _COMPACT_METRICS["binary" if binary else "multiclass"] if m in known]
    return compact, [m for m in known + extra if m not in compact]


def _column(key, more, rare):
    """Header of one leaderboard metric column (``more``: folded away by default)."""
    if key == "rare_recall":
        return {"key": key, "label": "rare-class recall", "arrow": "↑", "more": more,
                "description": "mean out-of-fold recall of the least frequent class"
                               + (f" ({rare})" if rare is not None else "")}
    spec = METRICS.get(key)
    return {"key": key, "label": metric_label(key), "more": more,
            "arrow": "↓" if spec and not spec.greater_is_better else "↑",
            "description": spec.description if spec else ""}


def _leaderboard_section(result) -> dict:
    board = result.leaderboard
    metric = result.settings.get("metric", "")
    binary = len(result.classes) == 2
    rare = _rare_label(result)
    compact, more = _metric_columns(board, metric, binary)
    columns = ([_column(m, False, rare) for m in compact]
               + [_column(m, True, rare) for m in more])
    rows, degenerate = [], []
    for r in board.to_dict(orient="records"):
        status = str(r.get("status") or "ok")
        best = r.get("strategy") == result.best_
        error = str(r.get("error") or "") if status != "ok" else ""
        if status == "degenerate":
            degenerate.append({"strategy": str(r.get("strategy")), "reason": error})
        full = _isnum(r.get("n_ok")) and _isnum(r.get("n_tasks"))
        rows.append({
            "rank": int(r["rank"]) if _isnum(r.get("rank")) else None,
            "strategy": str(r.get("strategy")),
            "best": best,
            "score": fmt(r.get(metric)),
            "score_value": float(r[metric]) if _isnum(r.get(metric)) else "",
            "ci": (f"[{fmt(r.get(f'{metric}_low'))}, {fmt(r.get(f'{metric}_high'))}]"
                   if _isnum(r.get(f"{metric}_low")) else ""),
            "p": "–" if best else fmt_p(r.get("p_vs_best")),
            "p_value": float(r["p_vs_best"]) if _isnum(r.get("p_vs_best")) else "",
            "within_noise": (not best and _isnum(r.get("p_vs_best"))
                             and float(r["p_vs_best"]) >= 0.05),
            "others": [{"text": fmt(r.get(c["key"])), "more": c["more"],
                        "value": float(r[c["key"]]) if _isnum(r.get(c["key"])) else "",
                        "title": _interval(r.get(c["key"]), r.get(f"{c['key']}_low"),
                                           r.get(f"{c['key']}_high"))} for c in columns],
            "fit_time": fmt_seconds(r.get("fit_time")),
            "fit_value": float(r["fit_time"]) if _isnum(r.get("fit_time")) else "",
            "status": status,
            "error": error,
            # tasks are shown beside the status only when some did not complete
            "tasks": (f"{int(r['n_ok'])}/{int(r['n_tasks'])}" if full
                      and int(r["n_ok"]) != int(r["n_tasks"]) else ""),
        })
    bars = pd_.ci_bars(board, metric) if metric in board.columns else None
    forest = None
    if bars is not None and len(bars):
        notes = {s: st for s, st in zip(bars["strategy"], bars["status"], strict=True)}
        bounds = pd_.metric_bounds(metric)
        forest = _svg.forest_plot(
            bars["strategy"].tolist(), bars["mean"].tolist(), bars["low"].tolist(),
            bars["high"].tolist(), uid="forest", title=f"{metric_label(metric)} per strategy",
            x_label=f"{metric_label(metric)} (mean over folds, 95% interval)",
            highlight=result.best_, notes=notes,
            muted={d["strategy"]: f"degenerate: {d['reason']}" if d["reason"] else
                   "degenerate" for d in degenerate},
            domain=pd_.forest_span(bars, bounds), limits=bounds,
            desc=f"Forest plot: the cross-validated {metric_label(metric)} of each strategy "
                 "with its 95% corrected-t confidence interval; the winner is highlighted, "
                 "degenerate strategies are grey and do not set the axis.")
    twin, kept = _twins(metric)
    n_stopped = int((board["status"] == "stopped").sum()) if "status" in board else 0
    racing_note = (
        f"Racing stopped {n_stopped} of {len(board)} strategies early: after the first "
        "folds, each was clearly behind the leader (one-sided corrected t-test of the paired "
        "fold differences, Bonferroni over the looks; a strategy as good as the leader is "
        "stopped with probability at most 5%). Their scores are over the folds they ran; the "
        "remaining folds went to the contenders. Rerun with --no-racing for every fold."
        if n_stopped else "")
    return {"columns": columns, "rows": rows, "forest": forest, "degenerate": degenerate,
            "racing_note": racing_note,
            "n_more": len(more),
            "twin_note": (f"{metric_label(twin)} is not shown: on single-label data it always "
                          f"equals {metric_label(kept)}." if twin in board.columns else "")}


def _data_alerts(result) -> dict:
    """Leakage suspects and id-like columns found by compare, for the top of the page."""
    data = result.dataset or {}

    def records(key):  # tolerate older results, None, and plain column names
        return [r if isinstance(r, dict) else {"column": r} for r in data.get(key) or []]

    leakage = [{"column": str(r.get("column", "?")),
                "score": fmt(r.get("score")),
                "metric": metric_label(str(r["metric"])) if r.get("metric") else "score",
                "note": str(r.get("note") or "")} for r in records("leakage")]
    ids = [{"column": str(r.get("column", "?")), "reason": str(r.get("reason") or ""),
            "kept": bool(r.get("kept"))} for r in records("id_columns")]
    return {"leakage": leakage, "ids_left_out": [r for r in ids if not r["kept"]],
            "ids_kept": [r for r in ids if r["kept"]]}


def _rare_recalls(result, items, rare) -> dict:
    """Rare-class recall per strategy: the leaderboard's column, else from kept predictions."""
    board = result.leaderboard
    recalls = {}
    if "rare_recall" in board.columns:
        recalls = {str(s): float(v) for s, v in zip(board["strategy"], board["rare_recall"],
                                                     strict=True) if _isnum(v)}
    y = np.asarray(result.y) if result.y is not None else None
    if rare in result.classes and y is not None and np.any(y == rare):
        for name, proba in items:
            if name not in recalls:
                pred = pd_.predicted_labels(proba, result.classes)
                recalls[name] = float(np.mean(pred[y == rare] == rare))
    return recalls


def _rare_class_card(result, items) -> dict | None:
    """What to pick if the rare class matters most; None when that changes nothing.

    The card names the strategy with the best rare-class recall and the one with the best
    balanced accuracy when either beats the winner by at least ``_CLEAR_GAIN``, and, for a
    binary winner with out-of-fold probabilities that misses more of the rare class than
    ``_RARE_TARGET_RECALL`` allows, the threshold on P(rare) that reaches it.
    """
    rare = _rare_label(result)
    if rare is None:
        return None
    board = result.leaderboard
    metric = result.settings.get("metric", "")
    recalls = _rare_recalls(result, items, rare)
    status = board["status"] if "status" in board else ["ok"] * len(board)
    rows = {str(r["strategy"]): r for r, st in zip(board.to_dict(orient="records"), status,
                                                   strict=True)
            if (st if isinstance(st, str) and st else "ok") in ("ok", "partial")}
    # failed rows have no scores, and a degenerate one's perfect recall of one class misleads
    winner = result.best_

    def value(name, key):
        v = recalls.get(name) if key == "rare_recall" else rows.get(name, {}).get(key)
        return float(v) if _isnum(v) else None

    picks = {}
    for key, why in (("rare_recall", "highest rare-class recall"),
                     ("balanced_accuracy", "highest balanced accuracy")):
        scored = [(value(n, key), n) for n in rows if value(n, key) is not None]
        if not scored or value(winner, key) is None:
            continue
        top, name = max(scored, key=lambda t: t[0])  # ties: the better ranked
        if name != winner and top - value(winner, key) >= _CLEAR_GAIN:
            picks.setdefault(name, []).append(why)

    def line(name, role):
        r = rows.get(name, {})
        return {"strategy": name, "role": role,
                "rare": fmt(value(name, "rare_recall")),
                "rare_ci": _interval(value(name, "rare_recall"), r.get("rare_recall_low"),
                                     r.get("rare_recall_high")),
                "bacc": fmt(value(name, "balanced_accuracy")), "score": fmt(r.get(metric))}

    threshold = _rare_threshold(result, dict(items).get(winner), rare)
    if not picks and threshold is None:
        return None
    return {"rare": rare, "metric_label": metric_label(metric),
            "target": f"{_RARE_TARGET_RECALL:.2f}",
            "rows": [line(winner, "winner")] + [line(n, " and ".join(w))
                                                 for n, w in picks.items()],
            "threshold": threshold}


def _rare_threshold(result, proba, rare) -> dict | None:
    """The winner's threshold on P(rare) reaching the target recall, when argmax falls short."""
    classes = list(result.classes)
    if proba is None or len(classes) != 2 or rare not in classes:
        return None
    y = np.asarray(result.y)
    outcome = y == rare
    if not outcome.any():
        return None
    pred = pd_.predicted_labels(proba, classes) == rare
    recall = float(np.mean(pred[outcome]))
    if recall >= _RARE_TARGET_RECALL:
        return None
    curve = pd_.threshold_curve(y, proba[:, classes.index(rare)], pos_label=rare)
    row = pd_.threshold_for_recall(curve, _RARE_TARGET_RECALL)
    if row is None:
        return None
    return {"threshold": fmt(row["threshold"]), "recall": fmt(row["recall"]),
            "precision": fmt(row["precision"]), "flagged": f"{row['positive_rate']:.1%}",
            "argmax_recall": fmt(recall),
            "argmax_precision": fmt(np.mean(outcome[pred])) if pred.any() else "–"}


def _oof_items(result) -> list[tuple[str, np.ndarray]]:
    """Out-of-fold probabilities usable here, in leaderboard order."""
    n = len(result.y) if result.y is not None else 0
    k = len(result.classes)
    order = [str(s) for s in result.leaderboard["strategy"]]
    items = []
    for name in sorted(result.oof or {}, key=lambda s: order.index(s) if s in order else 1e9):
        proba = np.asarray(result.oof[name], dtype=np.float64)
        if proba.shape == (n, k) and np.isfinite(proba).all():
            items.append((name, proba))
    return items


def _per_class_section(result, items, buckets) -> dict:
    if not items:
        return {"available": False}
    items = items[:_N_TOP]
    scores = pd_.per_class_scores(result.y, dict(items), result.classes)
    support = scores.drop_duplicates("class").set_index("class")["support"]
    classes = sorted(result.classes, key=lambda c: -int(support.get(c, 0)))
    names = [n for n, _ in items]
    table = scores.set_index(["class", "strategy"])
    rows = []
    for c in classes:
        cells = []
        for name in names:
            for key in ("recall", "f1"):
                v = float(table.loc[(c, name), key])
                cells.append({"text": f"{v:.2f}", "value": v,
                              "bg": _svg.sequential_color(v), "fg": _svg.text_color_on(v)})
        rows.append({"label": c, "support": int(support.get(c, 0)),
                     "bucket": buckets.get(c, "") or "", "cells": cells})
    chart = None
    if len(classes) <= _MAX_GROUPED_CLASSES:  # beyond that the table reads better
        chart = _svg.grouped_bar_chart(
            [str(c) for c in classes],
            {name: [float(table.loc[(c, name), "recall"]) for c in classes] for name in names},
            uid="per-class-recall", title="Recall per class", value_label="recall",
            desc="Grouped bars: for each class (most common first), the out-of-fold recall of "
                 "each of the top strategies.")
    return {"available": True, "strategies": names, "rows": rows, "chart": chart,
            "has_buckets": any(r["bucket"] for r in rows)}


def _winner_section(result, items) -> dict:
    proba = dict(items).get(result.best_)
    if proba is None:
        return {"available": False}
    classes = list(result.classes)
    y = np.asarray(result.y)
    pred = pd_.predicted_labels(proba, classes)
    support = {c: int(np.sum(y == c)) for c in classes}
    by_size = sorted(classes, key=lambda c: -support[c])  # most common first
    cm = pd_.confusion(y, pred, by_size)
    section = {"available": True, "binary": len(classes) == 2,
               "wide": len(classes) > _WIDE_CONFUSION}
    section["confusion"] = _svg.heatmap(
        [str(c) for c in by_size], [str(c) for c in by_size], cm.to_numpy(), uid="confusion",
        title=f"Confusion matrix of {result.best_}", x_label="predicted", y_label="true",
        desc="Heatmap: rows are true classes, columns predicted classes; each cell shows the "
             "count and its share of the row (the diagonal share is the recall).")
    if section["binary"]:
        positive = pd_.minority_class(y, classes)
        col = classes.index(positive)
        section["positive"] = positive
        lines = []
        for i, (name, p) in enumerate(items[:_N_TOP]):
            curve = precision_recall_curve(y, p[:, col], pos_label=positive)
            keep = _thin(curve.recall.size)
            lines.append(_svg.Line(f"{name} (AP {curve.average_precision:.3f})",
                                   curve.recall[keep], curve.precision[keep],
                                   color=_svg.HIGHLIGHT if name == result.best_
                                   else _svg.PALETTE[i % 5], step=True,
                                   dash=name != result.best_))
        prevalence = float(np.mean(y == positive))
        section["pr"] = _svg.line_chart(
            lines, uid="pr", title=f"Precision-recall, positive class {positive}",
            x_label=f"recall of {positive}", y_label=f"precision of {positive}",
            hlines=[(prevalence, f"chance (prevalence {prevalence:.3f})", _svg.NEUTRAL)],
            desc=f"Precision-recall curves of the top strategies for the minority class "
                 f"{positive}, from out-of-fold probabilities; the winner is the solid line.")
        tc = pd_.threshold_curve(y, proba[:, col], pos_label=positive)
        keep = _thin(len(tc))
        tcs = tc.iloc[keep]
        best_row = tc.iloc[int(np.argmax(tc["f1"].to_numpy()))]
        section["best_threshold"] = {"threshold": fmt(best_row["threshold"]),
                                     "f1": fmt(best_row["f1"]),
                                     "precision": fmt(best_row["precision"]),
                                     "recall": fmt(best_row["recall"])}
        section["threshold"] = _svg.line_chart(
            [_svg.Line("precision", tcs["threshold"], tcs["precision"], color=_svg.PALETTE[0]),
             _svg.Line("recall", tcs["threshold"], tcs["recall"], color=_svg.PALETTE[1],
                       dash=True),
             _svg.Line("F1", tcs["threshold"], tcs["f1"], color=_svg.PALETTE[2])],
            uid="threshold", title=f"Precision, recall and F1 of {positive} by threshold",
            x_label=f"threshold on P({positive})", y_label="score",
            vlines=[(0.5, "argmax decision (0.5)", _svg.NEUTRAL),
                    (float(best_row["threshold"]),
                     f"best F1 at {best_row['threshold']:.3f}", "#000000")],
            desc="Line chart: precision, recall and F1 of the minority class when a row is "
                 "called positive at or above each threshold of its out-of-fold probability.")
        outcome, prob = y == positive, proba[:, col]
        section["reliability_what"] = f"P({positive})"
    else:
        rare = sorted(classes, key=lambda c: support[c])[:_MAX_OVR_CLASSES]
        lines = []
        for i, c in enumerate(sorted(rare, key=lambda c: -support[c])):
            if support[c] == 0:
                continue
            curve = precision_recall_curve(y, proba[:, classes.index(c)], pos_label=c)
            keep = _thin(curve.recall.size)
            lines.append(_svg.Line(f"{c} (n={support[c]}, AP {curve.average_precision:.3f})",
                                   curve.recall[keep], curve.precision[keep],
                                   color=_svg.PALETTE[i % len(_svg.PALETTE)], step=True))
        section["ovr_classes"] = len(lines)
        section["ovr_all"] = len(rare) == len(classes)
        section["pr"] = _svg.line_chart(
            lines, uid="pr", title=f"One-vs-rest precision-recall of {result.best_}",
            x_label="recall", y_label="precision",
            desc="One-vs-rest precision-recall curves of the winner for the least frequent "
                 "classes, from out-of-fold probabilities.")
        outcome = pred == y
        prob = proba.max(axis=1)
        section["reliability_what"] = "top-label confidence"
    bins = pd_.reliability_bins(outcome.astype(int), np.clip(prob, 0.0, 1.0), n_bins=10)
    section["ece"] = fmt(pd_.expected_calibration_error(bins))
    section["bins"] = [{"range": f"{lo:.1f}–{hi:.1f}", "count": int(n),
                        "predicted": fmt(m), "observed": fmt(o)}
                       for lo, hi, n, m, o in bins.itertuples(index=False)]
    what = section["reliability_what"]
    section["reliability"] = _svg.line_chart(
        [_svg.Line(result.best_, bins["mean_predicted"], bins["observed"], color=_svg.HIGHLIGHT,
                   markers=True,
                   point_titles=[f"{n:,} rows: mean predicted {m:.3f}, observed {o:.3f}"
                                 for n, m, o in zip(bins["count"], bins["mean_predicted"],
                                                    bins["observed"], strict=True)],
                   point_labels=[f"{n:,}" for n in bins["count"]])],
        uid="reliability", title=f"Reliability of {result.best_} ({what})",
        x_label=f"mean predicted {what}",
        y_label="observed frequency" if section["binary"] else "observed accuracy",
        diagonal=True,
        desc="Reliability diagram: for ten probability bins, the mean predicted probability "
             "against the observed frequency, labelled with the number of rows; the dotted "
             "diagonal is perfect calibration.")
    return section


def shorten(text, limit: int = _TEXT_CHARS) -> tuple[str, bool]:
    """A text on one line, cut to about ``limit`` characters with an ellipsis.

    Runs of white space (new lines included) become one space. A longer text is cut at the
    last space within its final fifth of ``limit`` (else mid-word) and ends in "…".

    Parameters
    ----------
    text : str
        The text.
    limit : int, default=300
        The most characters kept, before the ellipsis.

    Returns
    -------
    (str, bool)
        The shown text, and whether it was cut.

    Examples
    --------
    >>> from unskew.report._render import shorten
    >>> shorten("the parcel\\nnever came", 12)
    ('the parcel…', True)
    >>> shorten("refund please", 20)
    ('refund please', False)
    """
    flat = " ".join(str(text).split())
    if len(flat) <= limit:
        return flat, False
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space >= 0.8 * limit:
        cut = cut[:space]
    return cut.rstrip() + "…", True


def _text_columns(result) -> list[str]:
    types = (result.dataset or {}).get("feature_types") or {}
    return [str(c) for c, t in types.items() if str(t) == "text"]


def _example_rows(examples) -> list[dict]:
    """The recorded misclassified texts as table rows (tolerating partial records)."""
    rows = []
    for e in examples or []:
        if not isinstance(e, dict):
            continue
        full = "" if e.get("text") is None else str(e["text"])
        short, cut = shorten(full)
        rows.append({"text": short, "cut": cut, "full": full if cut else "",
                     "length": f"{len(full):,}", "column": str(e.get("column") or ""),
                     "true": e.get("true", "–"), "predicted": e.get("predicted", "–"),
                     "confidence": fmt(e.get("confidence")),
                     "confidence_value": (float(e["confidence"]) if _isnum(e.get("confidence"))
                                          else "")})
    return rows


def _text_section(result, items) -> dict | None:
    """What the winner confuses on a table with text, and its rare-class mistakes; None for
    a table without a text column."""
    columns = _text_columns(result)
    if not columns:
        return None
    types = (result.dataset or {}).get("feature_types") or {}
    section = {"columns": columns, "text_only": len(columns) == len(types),
               "pairs_available": False, "pairs": [], "n_pairs": 0, "n_wrong": 0,
               "limit": _TEXT_CHARS}
    proba = dict(items).get(result.best_)
    if proba is not None:
        classes = list(result.classes)
        y = np.asarray(result.y)
        support = {c: int(np.sum(y == c)) for c in classes}
        by_size = sorted(classes, key=lambda c: -support[c])  # the confusion matrix's order
        matrix = pd_.confusion(y, pd_.predicted_labels(proba, classes), by_size)
        pairs = pd_.confused_pairs(matrix)
        section.update(pairs_available=True, n_pairs=len(pairs),
                       n_wrong=int(pairs["count"].sum()), n_rows=int(y.size))
        section["pairs"] = [{"true": t, "predicted": p, "count": f"{int(n):,}",
                             "support": f"{support[t]:,}", "share": f"{s:.1%}",
                             "share_value": float(s)}
                            for t, p, n, s in pairs.head(_N_PAIRS).itertuples(index=False)]
    recorded = getattr(result, "examples", None)
    rows = _example_rows(recorded)
    section["examples"] = rows
    section["examples_recorded"] = recorded is not None
    section["example_columns"] = list(dict.fromkeys(r["column"] for r in rows if r["column"]))
    return section


def _times_section(result) -> dict:
    order = [str(s) for s in result.leaderboard["strategy"]]
    folds = result.fold_scores
    if folds is not None and {"strategy", "fit_time"} <= set(folds.columns):
        times = pd_.fit_times(folds, order=order)
    else:
        board = result.leaderboard
        fit = board["fit_time"] if "fit_time" in board else np.full(len(board), np.nan)
        times = pd_.fit_times(board.assign(fit_time=fit, status="ok"), order=order)
    tips = [f"min {fmt_seconds(a)}, max {fmt_seconds(b)} over {n} fold(s)" if n else "no "
            "successful fit" for a, b, n in zip(times["min"], times["max"], times["n_ok"],
                                                strict=True)]
    chart = _svg.bar_chart(
        times["strategy"].tolist(), times["mean"].tolist(), uid="fit-times",
        title="Mean fit time per fold", value_label="seconds per fit", tooltips=tips,
        colors=[_svg.HIGHLIGHT if s == result.best_ else _svg.PALETTE[0]
                for s in times["strategy"]],
        value_format="{:,.3f} s",
        desc="Horizontal bars: the mean time to fit each strategy on one training fold.")
    return {"chart": chart, "total": fmt_seconds(_total_seconds(result.timings))}


def _settings_of(settings: dict, dataset_name: str | None):
    """The recorded settings as a CompareSettings; older results (no ``data`` key) stand in
    the dataset's name for the data they did not record."""
    from ..comparison import CompareSettings

    recorded = CompareSettings.from_dict(settings)
    if "data" not in settings and dataset_name is not None:
        recorded = dataclasses.replace(recorded, data=str(dataset_name))
    return recorded


def _recorded(settings: dict) -> set:
    """Only what a result recorded is passed on (a partial dict stays partial)."""
    from ..comparison import CompareSettings

    return CompareSettings.recorded(settings)


def build_command(settings: dict, dataset_name: str | None = None) -> str:
    """An ``unskew compare`` command line equivalent to the recorded settings.

    Rendered by :meth:`unskew.comparison.CompareSettings.command_line` from the one table of
    flags the command line itself is built from.

    Parameters
    ----------
    settings : dict
        ``CompareResult.settings``: ``data`` (the path or benchmark the user passed, None for
        a data frame in memory), ``target``, ``drop``, ``text``, ``sep``, ``decimal``,
        ``keep_ids`` and the comparison's own settings.
    dataset_name : str, optional
        The data argument of a result that did not record ``data`` (an older one).

    Returns
    -------
    str
        A shell-quoted command; a data frame passed in memory becomes ``YOUR_DATA.csv``.

    Examples
    --------
    >>> from unskew.report._render import build_command
    >>> build_command({"data": "loans.csv", "target": "default", "drop": ["id"],
    ...                "keep_ids": False, "metric": "macro_f1", "strategies": ["none+lr"],
    ...                "folds": 3, "repeats": 1, "holdout": 0.2, "seed": 0})
    'unskew compare loans.csv --target default --drop id --metric macro_f1 --strategies none+lr --folds 3 --repeats 1 --holdout 0.2 --seed 0'
    >>> build_command({"data": None, "target": "y", "sep": ";", "keep_ids": True})
    "unskew compare YOUR_DATA.csv --target y --sep ';' --keep-ids"
    """
    return _settings_of(settings, dataset_name).command_line(_recorded(settings))


def python_call(settings: dict, dataset_name: str | None = None) -> str:
    """The ``unskew.compare(...)`` call equivalent to the recorded settings.

    Parameters
    ----------
    settings : dict
        ``CompareResult.settings`` (see :func:`build_command`).
    dataset_name : str, optional
        The data argument of a result that did not record ``data``.

    Returns
    -------
    str
        Python source: the import and the call; a data frame passed in memory is written
        as the name ``frame``, with a comment saying so.

    Examples
    --------
    >>> from unskew.report._render import python_call
    >>> print(python_call({"data": "loans.csv", "target": "default", "drop": ["id"],
    ...                    "metric": "mcc", "folds": 3, "seed": 0}))
    import unskew
    result = unskew.compare('loans.csv', target='default', drop=['id'], metric='mcc', folds=3, random_state=0)
    """
    return _settings_of(settings, dataset_name).python_call(_recorded(settings))


def _reproduce_section(result) -> dict:
    from ..comparison import CompareSettings

    settings = dict(result.settings or {})
    name = str(result.dataset.get("name", "DATA"))
    data = _settings_of(settings, name).data
    recorded = settings.get("command")
    hidden = {"command", "strategies"}
    return {
        "command": recorded or build_command(settings, name),
        "recorded": bool(recorded),
        "source": "frame" if data is None else "given" if "data" in settings else "name",
        "placeholder": CompareSettings.DATA_PLACEHOLDER,
        "frame": CompareSettings.FRAME_PLACEHOLDER,
        "python": python_call(settings, name),
        "seed": _settings_of(settings, name).random_state,
        "data_hash": result.dataset.get("source_hash") or "–",
        "versions": [(k, str(v)) for k, v in (result.versions or {}).items()],
        "settings": [(k, "–" if v is None else str(v)) for k, v in settings.items()
                     if k not in hidden],
        "strategies": [str(s) for s in settings.get("strategies") or []],
        "feature_types": _type_summary(result.dataset.get("feature_types") or {}),
    }


def _type_summary(types: dict) -> str:
    counts: dict[str, int] = {}
    for t in types.values():
        counts[str(t)] = counts.get(str(t), 0) + 1
    return ", ".join(f"{n} {t}" for t, n in sorted(counts.items(), key=lambda kv: -kv[1]))


def _context(result, generated) -> dict:
    profile_section = _profile_section(result)
    profile, _ = _profile_dict(result.profile)
    buckets = {}
    if profile:
        buckets = {r.get("label"): r.get("bucket") for r in profile.get("classes") or []
                   if isinstance(r, dict)}
    items = _oof_items(result)
    return {
        "version": __version__,
        "header": _header(result, generated),
        "profile": profile_section,
        "notes": [str(n) for n in result.warnings or []],
        "alerts": _data_alerts(result),
        "rare_card": _rare_class_card(result, items),
        "board": _leaderboard_section(result),
        "per_class": _per_class_section(result, items, buckets),
        "winner": _winner_section(result, items),
        "text": _text_section(result, items),
        "times": _times_section(result),
        "reproduce": _reproduce_section(result),
        "feature_summary": _type_summary(result.dataset.get("feature_types") or {}),
    }


def render_html(result, *, generated=None) -> str:
    """Render a comparison result as one self-contained HTML page.

    The page holds a summary (winner, its honest hold-out score next to the optimistic
    selection score), the dataset profile and warnings, the leaderboard with a confidence
    interval plot, per-class recall and F1 of the top strategies, the winner's confusion
    matrix, precision-recall, threshold and reliability plots, fit times, and what is needed to
    reproduce the run. On a table with a text column it also shows the winner's most confused
    class pairs and its misclassified texts of the rare classes (``result.examples``, escaped).
    CSS, script and charts (inline SVG) are embedded and a Content-Security-Policy forbids any
    network access, so the file opens offline.

    Parameters
    ----------
    result : CompareResult
        What :func:`unskew.compare` returned.
    generated : datetime.datetime or str, optional
        Timestamp printed in the header; by default now (UTC). Pass a fixed value for
        byte-identical reports.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> import unskew
    >>> from unskew.report import render_html
    >>> result = unskew.compare("binary:yeast4", strategies="none+lr,weighted+lr", folds=2,
    ...                         repeats=1, diagnose=False, progress=False)
    >>> html = render_html(result, generated="2024-05-01 12:00 UTC")
    >>> html.startswith("<!DOCTYPE html>"), "weighted+lr" in html, "http://" in html
    (True, True, False)
    """
    if generated is None:
        generated = _dt.datetime.now(_dt.UTC)
    if isinstance(generated, _dt.datetime):
        generated = generated.strftime("%Y-%m-%d %H:%M %Z").strip()
    template = _environment().get_template("report.html.j2")
    return template.render(**_context(result, str(generated)))


def write_report(result, path) -> Path:
    """Write :func:`render_html` of ``result`` to ``path`` (UTF-8) and return the path.

    Parameters
    ----------
    result : CompareResult
        What :func:`unskew.compare` returned.
    path : str or path-like
        The file to write; its folder must exist.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import unskew
    >>> from unskew.report import write_report
    >>> result = unskew.compare("binary:yeast4", strategies="none+lr", folds=2, repeats=1,
    ...                         diagnose=False, progress=False)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_report(result, Path(folder) / "report.html")
    ...     path.name, path.stat().st_size > 10_000
    ('report.html', True)
    """
    path = Path(path)
    path.write_text(render_html(result), encoding="utf-8")
    return path
