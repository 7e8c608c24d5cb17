"""Nested benchmark of ``unskew.compare`` on KEEL data sets against an honest peer and an oracle.

Usage::

    .venv/bin/python benchmarks/compare_keel.py --preset fast --folds 5 --max-rows 3000 --jobs 2

For every data set the same outer stratified K-fold splits (``--repeats`` times) are scored by:

(a) **unskew**: ``unskew.compare`` run on the outer-training rows only (``--preset``, inner 3-fold
    CV, 1 repeat, no hold-out, no diagnosis); its ``best_estimator_`` (refitted on the
    outer-training rows) is scored by macro-F1 on the outer-test fold.
(b) **honest peer**: the best of eleven standard pipelines picked by inner 3-fold CV macro-F1 on
    the outer-training rows (done with ``unskew.compare(strategies=ELEVEN)``, i.e. exactly what
    a careful user would do by hand; same inner folds), refitted on the outer-training rows and
    scored on the outer-test fold. ``tuned-threshold+hgb`` only enters on binary targets.
(c) **optimistic oracle**: each of the eleven fitted on outer-train and scored on outer-test of
    every fold; the best mean over folds is chosen after the fact (optimistically biased).

Per data set: means with 95% Nadeau-Bengio corrected t intervals over the outer folds
(``test_train_ratio = 1/(K-1)``), corrected paired t-test p-values of (a) vs (b) and (a) vs (c),
and a verdict (above / tied / below at alpha 0.05). Results go to a Markdown file and a CSV
next to it, rewritten after every data set so a cut-off run keeps what finished.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ELEVEN = ["none+lr", "weighted+lr", "ros+lr", "rus+lr", "smote+lr", "none+hgb", "weighted+hgb",
          "smote+hgb", "balanced-rf+trees", "easy-ensemble+ada", "tuned-threshold+hgb"]
BINARY_ONLY = {"tuned-threshold+hgb"}
INNER_FOLDS = 3
ALPHA = 0.05

# Roughly smallest first, binary and multi-class mixed; includes the large sets of the issue.
DEFAULT_DATASETS = [
    "binary:glass4", "multiclass:newthyroid", "multiclass:glass", "binary:ecoli3",
    "multiclass:ecoli", "multiclass:dermatology", "binary:yeast_2_vs_4", "multiclass:balance",
    "binary:abalone9_18", "binary:pima", "binary:vowel0", "multiclass:contraceptive",
    "binary:yeast4", "multiclass:yeast", "binary:winequality_red_4", "binary:car_good",
    "multiclass:car", "binary:kc1", "binary:segment0", "multiclass:segment", "binary:abalone19",
    "binary:page_blocks0", "multiclass:page_blocks", "binary:satimage", "multiclass:satimage",
    "binary:sylva", "multiclass:kr_vs_k",
]


# --------------------------------------------------------------------------------------------
# data preparation


def _drop_small(X: pd.DataFrame, y: pd.Series, min_rows: int):
    counts = y.value_counts()
    small = {str(c): int(n) for c, n in counts.items() if n < min_rows}
    if small:
        keep = ~y.isin(counts.index[counts < min_rows]).to_numpy()
        X, y = X.loc[keep].reset_index(drop=True), y.loc[keep].reset_index(drop=True)
    return X, y, small


def prepare(name: str, *, folds: int, max_rows: int | None, seed: int):
    """Load a benchmark, drop classes too small for nested folds, subsample big ones."""
    from sklearn.model_selection import train_test_split

    from unskew.datasets import load_benchmark

    ds = load_benchmark(name)
    X, y = ds.X.reset_index(drop=True), ds.y.reset_index(drop=True)
    n_orig = len(y)
    notes = []
    min_rows = 2 * folds
    X, y, small = _drop_small(X, y, min_rows)
    dropped = dict(small)
    if max_rows is not None and len(y) > max_rows:
        idx, _ = train_test_split(np.arange(len(y)), train_size=max_rows, stratify=y,
                                  random_state=seed)
        idx = np.sort(idx)
        X, y = X.iloc[idx].reset_index(drop=True), y.iloc[idx].reset_index(drop=True)
        notes.append(f"subsampled {n_orig}->{len(y)} rows (stratified)")
        X, y, small = _drop_small(X, y, min_rows)
        dropped.update({f"{c} (after subsampling)": n for c, n in small.items()})
    if dropped:
        listed = ", ".join(f"{c}={n}" for c, n in dropped.items())
        notes.append(f"dropped classes with < {min_rows} rows: {listed}")
    return X, y, dict(ds.feature_types), n_orig, notes


# --------------------------------------------------------------------------------------------
# work units (run in worker processes)


def _sub_dataset(X, y, feature_types, idx, name):
    from unskew.datasets._table import make_dataset

    return make_dataset(X.iloc[idx].reset_index(drop=True), y.iloc[idx].reset_index(drop=True),
                        feature_types, name=name)


def _score(estimator, X, y, test, labels):
    from unskew.metrics import macro_f1

    y_pred = np.asarray(estimator.predict(X.iloc[test]))
    return float(macro_f1(y.iloc[test].to_numpy(), y_pred, labels=labels))


def run_unit(kind: str, arg, X, y, feature_types, train, test, labels, preset, seed):
    """One unit: ("a"|"b", None) runs a nested selection; ("oracle", strategy) one plain fit."""
    from threadpoolctl import threadpool_limits

    import unskew
    from unskew.comparison._engine import build_estimator

    start = time.perf_counter()
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if kind == "oracle":
                est = build_estimator(arg, feature_types, seed)
                est.fit(X.iloc[train], y.iloc[train].to_numpy())
                return {"score": _score(est, X, y, test, labels), "pick": arg,
                        "time": time.perf_counter() - start}
            data = _sub_dataset(X, y, feature_types, train, "outer-train")
            kwargs = {"preset": preset} if kind == "a" else {"strategies": arg}
            res = unskew.compare(data, folds=INNER_FOLDS, repeats=1, holdout=0.0, n_jobs=1,
                                 random_state=seed, diagnose=False, progress=False, **kwargs)
            return {"score": _score(res.best_estimator_, X, y, test, labels), "pick": res.best_,
                    "time": time.perf_counter() - start}
        except Exception as exc:  # report, do not stop the benchmark
            return {"score": float("nan"), "pick": f"ERROR {type(exc).__name__}: {exc}"[:200],
                    "time": time.perf_counter() - start}


def _run_and_store(cache, key, *unit):
    out = run_unit(*unit)
    if not str(out["pick"]).startswith("ERROR"):  # errors are tried again on resume
        cache.put(key, out)
    return out


# --------------------------------------------------------------------------------------------
# one data set


def _verdict(a, b, p, mean_a, mean_b):
    if not np.isfinite(p) or p >= ALPHA:
        return "tied"
    return "above" if mean_a > mean_b else "below"


def run_dataset(name, args, pool):
    from joblib import delayed
    from sklearn.model_selection import RepeatedStratifiedKFold

    from unskew.comparison._cache import TaskCache, task_key
    from unskew.comparison._stats import corrected_interval, corrected_paired_ttest

    t0 = time.perf_counter()
    X, y, ftypes, n_orig, notes = prepare(name, folds=args.folds, max_rows=args.max_rows,
                                          seed=args.seed)
    labels = np.array(sorted(pd.unique(y), key=str), dtype=object)
    n_classes = len(labels)
    eleven = [s for s in ELEVEN if n_classes == 2 or s not in BINARY_ONLY]
    outer = RepeatedStratifiedKFold(n_splits=args.folds, n_repeats=args.repeats,
                                    random_state=args.seed)
    splits = list(outer.split(np.zeros(len(y)), y))
    units = []
    for j, (train, test) in enumerate(splits):
        units.append((j, "a", None, train, test))
        units.append((j, "b", eleven, train, test))
        units += [(j, "oracle", s, train, test) for s in eleven]
    print(f"[{name}] {len(y)} rows, {n_classes} classes, {len(splits)} outer folds, "
          f"{len(units)} units" + (f"; {'; '.join(notes)}" if notes else ""), flush=True)
    # every finished unit is kept on disk (compare's own task cache: atomic writes, keys that
    # include the unskew version), so an interrupted data set resumes unit by unit
    cache = TaskCache(None if args.no_unit_cache else Path(args.out).with_suffix(".units"))
    keys = [task_key(dataset=name, fold=j, unit=kind, arg=arg, preset=args.preset,
                     folds=args.folds, repeats=args.repeats, seed=args.seed,
                     max_rows=args.max_rows) for j, kind, arg, _, _ in units]
    outs = [cache.get(key) for key in keys]
    todo = [i for i, out in enumerate(outs) if out is None]
    fresh = pool(delayed(_run_and_store)(cache, keys[i], units[i][1], units[i][2], X, y, ftypes,
                                         units[i][3], units[i][4], labels, args.preset,
                                         args.seed) for i in todo)
    for i, out in zip(todo, fresh, strict=True):
        outs[i] = out
    J = len(splits)
    a, b = np.full(J, np.nan), np.full(J, np.nan)
    picks_a, picks_b = [""] * J, [""] * J
    oracle = {s: np.full(J, np.nan) for s in eleven}
    errors = []
    for (j, kind, arg, _, _), out in zip(units, outs, strict=True):
        if str(out["pick"]).startswith("ERROR"):
            errors.append(f"fold {j} {kind}{'' if arg is None or kind == 'b' else ' ' + arg}: "
                          f"{out['pick']}")
        if kind == "a":
            a[j], picks_a[j] = out["score"], out["pick"]
        elif kind == "b":
            b[j], picks_b[j] = out["score"], out["pick"]
        else:
            oracle[arg][j] = out["score"]
    oracle_means = {s: float(np.nanmean(v)) if np.isfinite(v).any() else -np.inf
                    for s, v in oracle.items()}
    best_c = max(oracle_means, key=oracle_means.get)
    c = oracle[best_c]
    ratio = 1.0 / (args.folds - 1)
    ci = {k: corrected_interval(v, test_train_ratio=ratio) for k, v in (("a", a), ("b", b),
                                                                         ("c", c))}
    p_ab = corrected_paired_ttest(a, b, test_train_ratio=ratio)
    p_ac = corrected_paired_ttest(a, c, test_train_ratio=ratio)
    row = {"dataset": name, "n_rows_used": len(y), "n_rows_orig": n_orig, "n_classes": n_classes}
    for k in ("a", "b", "c"):
        # macro-F1 lives in [0, 1]; a t-interval of fold scores can pass either end
        row |= {f"{k}_mean": ci[k].mean, f"{k}_low": max(ci[k].low, 0.0),
                f"{k}_high": min(ci[k].high, 1.0)}
    row |= {
        "p_a_vs_b": p_ab, "p_a_vs_c": p_ac,
        "verdict_vs_b": _verdict(a, b, p_ab, ci["a"].mean, ci["b"].mean),
        "verdict_vs_c": _verdict(a, c, p_ac, ci["a"].mean, ci["c"].mean),
        "a_picks": "|".join(picks_a), "b_picks": "|".join(picks_b), "c_pick": best_c,
        "a_folds": "|".join(f"{v:.4f}" for v in a), "b_folds": "|".join(f"{v:.4f}" for v in b),
        "c_folds": "|".join(f"{v:.4f}" for v in c),
        "notes": "; ".join(notes + errors), "seconds": time.perf_counter() - t0,
    }
    print(f"[{name}] a={row['a_mean']:.3f} b={row['b_mean']:.3f} c={row['c_mean']:.3f} "
          f"({best_c}) p_ab={p_ab:.3f} p_ac={p_ac:.3f} -> vs b {row['verdict_vs_b']}, "
          f"vs c {row['verdict_vs_c']}  [{row['seconds']:.0f}s]"
          + (f"  errors: {len(errors)}" if errors else ""), flush=True)
    return row


# --------------------------------------------------------------------------------------------
# output


def _fmt(r, k):
    return f"{r[k + '_mean']:.3f} [{r[k + '_low']:.3f}, {r[k + '_high']:.3f}]"


def write_outputs(rows, failed, pending, args, started_at, wall):
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows)
    frame.to_csv(out.with_suffix(".csv"), index=False, float_format="%.4f")
    lines = [
        "# unskew.compare vs. honest peer vs. oracle on KEEL data sets",
        "",
        f"- Date: {started_at:%Y-%m-%d %H:%M UTC}; all numbers below were measured by this "
        f"script (wall time of this sitting {wall / 60:.1f} min; the finished data sets took "
        f"{sum(r['seconds'] for r in rows) / 60:.1f} min in all"
        + (", some in earlier sittings resumed with `--resume`" if args.resume else "") + ").",
        f"- Machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}; workers (--jobs): {args.jobs}, one BLAS/OpenMP "
        "thread each.",
        f"- Settings: outer stratified {args.folds}-fold x {args.repeats} repeat(s), seed "
        f"{args.seed}; (a) `unskew.compare(preset=\"{args.preset}\")`, inner {INNER_FOLDS}-fold "
        "x 1, holdout=0, diagnose=False; max rows per data set: "
        f"{args.max_rows if args.max_rows else 'no limit'} (stratified subsample, noted per "
        f"set); classes with < {2 * args.folds} rows dropped (noted per set).",
        "- (b) honest peer: best of the eleven standard pipelines (" + ", ".join(ELEVEN)
        + "; tuned-threshold+hgb on binary targets only) by inner "
        f"{INNER_FOLDS}-fold CV macro-F1, selected with `unskew.compare(strategies=eleven)` on "
        "the outer-training rows (same inner folds as (a)), refitted there, scored on the "
        "outer-test fold.",
        "- (c) optimistic oracle: all eleven fitted on each outer-training fold and scored on "
        "its test fold; the best mean is picked after seeing the test scores.",
        "- Metric: macro-F1 on the outer-test folds. Intervals: 95% Nadeau-Bengio corrected t "
        f"over the outer folds (test/train = 1/{args.folds - 1}). p: corrected paired t-test; "
        f"verdict above/below when p < {ALPHA}, else tied.",
    ]
    if args.preset == "fast":
        lines.append("- Note: the `fast` preset's six strategies are a subset of the eleven, "
                     "and both selections use the same inner folds, so (a) picks from a subset of "
                     "(b)'s candidates; the issue's target setting is `--preset default`.")
    lines += ["", "| data set | rows used | classes | (a) unskew | (b) peer | (c) oracle "
              "| p a-b | p a-c | vs (b) | vs (c) | (c) pick | notes |",
              "|---|---:|---:|---|---|---|---:|---:|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['dataset']} | {r['n_rows_used']} | {r['n_classes']} | "
                     f"{_fmt(r, 'a')} | {_fmt(r, 'b')} | {_fmt(r, 'c')} | {r['p_a_vs_b']:.3f} | "
                     f"{r['p_a_vs_c']:.3f} | {r['verdict_vs_b']} | {r['verdict_vs_c']} | "
                     f"{r['c_pick']} | {r['notes']} |")
    lines += ["", "## Summary", ""]
    if rows:
        for ref in ("b", "c"):
            counts = frame[f"verdict_vs_{ref}"].value_counts()
            lines.append(f"- (a) vs ({ref}) on {len(rows)} data sets: "
                         + ", ".join(f"{k} {int(counts.get(k, 0))}"
                                     for k in ("above", "tied", "below")))
        lines.append(f"- mean macro-F1 over data sets: (a) {frame['a_mean'].mean():.3f}, "
                     f"(b) {frame['b_mean'].mean():.3f}, (c) {frame['c_mean'].mean():.3f}")
    else:
        lines.append("- no data set completed")
    if failed:
        lines += ["", "## Failed", ""] + [f"- {n}: {e}" for n, e in failed]
    if pending:
        lines += ["", "## Not run", "", "- " + ", ".join(pending)]
    lines += ["", "Per-fold scores and the picks of (a) and (b) per fold are in "
              f"`{out.with_suffix('.csv').name}`.", ""]
    # hand-written analysis lives beside the results and is carried into every rewrite
    notes = out.with_name(out.stem + "_notes.md")
    if notes.exists():
        lines += [notes.read_text()]
    out.write_text("\n".join(lines))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS),
                        help="comma-separated benchmark names (default: %(default)s)")
    parser.add_argument("--folds", type=int, default=5, help="outer folds (default: 5)")
    parser.add_argument("--repeats", type=int, default=1, help="outer repeats (default: 1)")
    parser.add_argument("--preset", choices=["fast", "default", "thorough"], default="fast",
                        help="unskew.compare preset for (a) (default: fast; the issue's target "
                        "is default)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default: 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--max-rows", type=int, default=None,
                        help="stratified subsample of larger data sets to this many rows")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="minutes after which no new data set is started")
    parser.add_argument("--out", default="benchmarks/results/compare_keel.md",
                        help="Markdown output; a CSV is written next to it")
    parser.add_argument("--no-unit-cache", action="store_true",
                        help="do not keep finished units in <out>.units/ (kept by default, so "
                        "a killed run loses at most the units under way)")
    parser.add_argument("--resume", action="store_true",
                        help="keep the data sets already in the output CSV and run the rest "
                        "(a long run can be spread over several sittings)")
    args = parser.parse_args(argv)
    if args.folds < 3:
        parser.error("--folds must be at least 3")

    from joblib import Parallel

    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    started_at = _dt.datetime.now(_dt.UTC)
    t0 = time.perf_counter()
    rows, failed = [], []
    csv = Path(args.out).with_suffix(".csv")
    if args.resume and csv.exists():
        done = pd.read_csv(csv)
        text = ["a_picks", "b_picks", "c_pick", "notes"]
        done[text] = done[text].fillna("").astype(str)
        rows = [r for r in done.to_dict("records") if r["dataset"] in names]
        finished = {r["dataset"] for r in rows}
        names = [n for n in names if n not in finished]
        print(f"resuming: {len(rows)} data sets kept from {csv}", flush=True)
    print(f"compare_keel: {len(names)} data sets, preset={args.preset}, folds={args.folds}, "
          f"repeats={args.repeats}, jobs={args.jobs}, max_rows={args.max_rows}", flush=True)
    with Parallel(n_jobs=args.jobs) as pool:
        for i, name in enumerate(names):
            if args.time_limit and time.perf_counter() - t0 > args.time_limit * 60:
                print(f"time limit reached; not started: {', '.join(names[i:])}", flush=True)
                write_outputs(rows, failed, names[i:], args, started_at,
                              time.perf_counter() - t0)
                break
            try:
                rows.append(run_dataset(name, args, pool))
            except Exception as exc:
                failed.append((name, f"{type(exc).__name__}: {exc}"))
                print(f"[{name}] FAILED {type(exc).__name__}: {exc}", flush=True)
            write_outputs(rows, failed, names[i + 1:], args, started_at,
                          time.perf_counter() - t0)
    print(f"done in {(time.perf_counter() - t0) / 60:.1f} min; results in {args.out}",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
