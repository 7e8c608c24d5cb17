"""Compare unskew's imbalance ensembles with their imbalanced-learn peers: quality and time.

Usage::

    PYTHONPATH=src python benchmarks/bench_ensembles.py            # 8 KEEL sets + 50k synthetic
    PYTHONPATH=src python benchmarks/bench_ensembles.py --quick    # 3 KEEL sets + 10k synthetic

Pairs, each run in the same process on the same folds (stratified 5-fold CV):

- ``SMOTEBoostClassifier`` vs ``RUSBoostClassifier`` (same depth-3 trees, 50 rounds, rate 0.5);
- ``SMOTEBaggingClassifier`` vs ``BalancedBaggingClassifier`` (10 fully grown trees each);
- ``SelfPacedEnsembleClassifier`` vs ``EasyEnsembleClassifier`` (10 members each) and vs
  ``BalancedRandomForestClassifier`` (100 trees).

Quality: balanced accuracy, macro-F1 and G-mean (``unskew.metrics``), mean over folds.
Time: fit + predict seconds, reported as the ratio ours / peer measured in this run (the
machine may be shared, so absolute seconds are not comparable across runs). Everything runs
single-threaded. The reference implementations of the ``imbalanced-ensemble`` package cannot be
installed beside scikit-learn 1.9, so they are not compared. Writes a Markdown report.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

FULL_SETS = ("vehicle0", "segment0", "yeast3", "page_blocks0", "vowel0", "pc1", "yeast4",
             "yeast6")
QUICK_SETS = ("yeast3", "vowel0", "yeast4")
METRIC_NAMES = ("balanced_accuracy", "macro_f1", "g_mean")


def _pairs(seed):
    from imblearn.ensemble import (
        BalancedBaggingClassifier,
        BalancedRandomForestClassifier,
        EasyEnsembleClassifier,
        RUSBoostClassifier,
    )
    from sklearn.tree import DecisionTreeClassifier

    from unskew.ensemble import (
        SelfPacedEnsembleClassifier,
        SMOTEBaggingClassifier,
        SMOTEBoostClassifier,
    )

    stump3 = DecisionTreeClassifier(max_depth=3)
    return [
        ("SMOTEBoost", SMOTEBoostClassifier(stump3, n_estimators=50, learning_rate=0.5,
                                            random_state=seed),
         "RUSBoost", RUSBoostClassifier(stump3, n_estimators=50, learning_rate=0.5,
                                        random_state=seed)),
        ("SMOTEBagging", SMOTEBaggingClassifier(n_estimators=10, random_state=seed),
         "BalancedBagging", BalancedBaggingClassifier(DecisionTreeClassifier(), n_estimators=10,
                                                      random_state=seed)),
        ("SelfPacedEnsemble", SelfPacedEnsembleClassifier(n_estimators=10, random_state=seed),
         "EasyEnsemble", EasyEnsembleClassifier(n_estimators=10, random_state=seed)),
        ("SelfPacedEnsemble", SelfPacedEnsembleClassifier(n_estimators=10, random_state=seed),
         "BalancedRandomForest", BalancedRandomForestClassifier(
             n_estimators=100, sampling_strategy="all", replacement=True, bootstrap=False,
             random_state=seed)),
    ]


def _evaluate(model, X, y, folds):
    """Mean metrics over folds and the total fit + predict seconds."""
    from sklearn.base import clone

    from unskew.metrics import METRICS

    scores = {m: [] for m in METRIC_NAMES}
    seconds = 0.0
    for train, test in folds:
        est = clone(model)
        tick = time.perf_counter()
        pred = est.fit(X[train], y[train]).predict(X[test])
        seconds += time.perf_counter() - tick
        for m in METRIC_NAMES:
            scores[m].append(METRICS[m].function(y[test], pred))
    return {m: float(np.mean(v)) for m, v in scores.items()}, seconds


def _datasets(quick, seed):
    from sklearn.datasets import make_classification

    from unskew.datasets import load_benchmark

    for name in QUICK_SETS if quick else FULL_SETS:
        ds = load_benchmark(f"binary:{name}")
        X = ds.X.to_numpy(dtype=np.float64)
        y = (np.asarray(ds.y) == ds.classes[-1]).astype(int)  # minority = 1
        yield name, X, y
    n = 10_000 if quick else 50_000
    X, y = make_classification(n_samples=n, n_features=20, n_informative=8, weights=[0.99],
                               flip_y=0.001, random_state=seed)
    yield f"synthetic {n // 1000}k 1:99", X, y


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 KEEL sets and a 10k synthetic set")
    parser.add_argument("--folds", type=int, default=5, help="CV folds (default: 5)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "bench_ensembles.md",
                        help="Markdown report to write")
    args = parser.parse_args(argv)

    from sklearn.model_selection import StratifiedKFold

    rows = []  # (dataset, ours, peer, our scores, peer scores, our s, peer s)
    for name, X, y in _datasets(args.quick, args.seed):
        folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=args.seed).split(X, y))
        cache = {}
        for ours_name, ours, peer_name, peer in _pairs(args.seed):
            if ours_name not in cache:
                cache[ours_name] = _evaluate(ours, X, y, folds)
            ours_scores, ours_s = cache[ours_name]
            peer_scores, peer_s = _evaluate(peer, X, y, folds)
            rows.append((name, ours_name, peer_name, ours_scores, peer_scores, ours_s, peer_s))
            print(f"{name:28s} {ours_name:18s} vs {peer_name:20s} "
                  f"bal.acc {ours_scores['balanced_accuracy']:.3f} vs "
                  f"{peer_scores['balanced_accuracy']:.3f}  time x{ours_s / peer_s:.2f}",
                  flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(_report(rows, args), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _report(rows, args) -> str:
    lines = [
        "# unskew imbalance ensembles vs imbalanced-learn",
        "",
        f"`python benchmarks/bench_ensembles.py{' --quick' if args.quick else ''}`: "
        f"{args.folds}-fold stratified CV, seed {args.seed}, single-threaded, on "
        f"{platform.processor() or platform.machine()} ({os.cpu_count()} CPUs, shared with "
        "other jobs: compare the ratios, not the seconds).",
        "Scores are fold means; `time` is fit + predict over all folds, as ours / peer from "
        "the same run. imbalanced-ensemble (the SPE authors' package) cannot be installed "
        "beside scikit-learn 1.9, so it is not compared.",
        "",
    ]
    for ours_name, peer_name in dict.fromkeys((r[1], r[2]) for r in rows):
        lines += [f"## {ours_name} vs {peer_name}", "",
                  "| data set | bal. acc. | macro-F1 | G-mean | time ratio |",
                  "|---|---|---|---|---|"]
        sel = [r for r in rows if (r[1], r[2]) == (ours_name, peer_name)]
        for name, _, _, ours, peer, ours_s, peer_s in sel:
            cells = [f"{ours[m]:.3f} vs {peer[m]:.3f}" for m in METRIC_NAMES]
            lines.append(f"| {name} | {' | '.join(cells)} | {ours_s / peer_s:.2f} |")
        diffs = {m: np.mean([r[3][m] - r[4][m] for r in sel]) for m in METRIC_NAMES}
        wins = sum(r[3]["balanced_accuracy"] > r[4]["balanced_accuracy"] for r in sel)
        ratio = float(np.exp(np.mean([np.log(r[5] / r[6]) for r in sel])))
        lines += ["", f"Mean difference (ours - peer): balanced accuracy "
                  f"{diffs['balanced_accuracy']:+.3f}, macro-F1 {diffs['macro_f1']:+.3f}, "
                  f"G-mean {diffs['g_mean']:+.3f}; ours wins balanced accuracy on {wins} of "
                  f"{len(sel)} sets; geometric-mean time ratio {ratio:.2f}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
