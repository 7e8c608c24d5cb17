"""Does the approximate neighbour search change what a model learns after cleaning?

Pipelines ``StandardScaler -> resampler -> LogisticRegression`` where the resampler is
SMOTE-ENN, SMOTE-Tomek or ENN alone, once with the exact search and once with hnsw forced;
on the largest binary KEEL sets of ``unskew.datasets`` and a synthetic set
(``make_classification``, 20 features, 1:99). Per seed: a stratified 70/30 split, the same
seed for SMOTE and the index; macro-F1 and G-mean on the test part; the difference
approximate - exact, and its largest absolute value over the seeds. For scale, the same
difference between two exact runs whose SMOTE seeds differ (same split): the noise that SMOTE's
own randomness already puts on these metrics.

    python benchmarks/bench_approximate_quality.py                 # 4 KEEL sets + 50k synthetic
    python benchmarks/bench_approximate_quality.py --synthetic-rows 200000
    python benchmarks/bench_approximate_quality.py --quick         # 1 KEEL set, 5k synthetic

Results go to ``benchmarks/results/approximate_quality.md`` (``_quick.md``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
TARGET = 0.01  # the tolerance on macro-F1 and G-mean


def _resampler(kind: str, algorithm: str, seed: int):
    from unskew._neighbors import NeighborIndex
    from unskew.resampling import SMOTEENN, EditedNearestNeighbours, SMOTETomek
    if kind == "SMOTE-ENN":
        return SMOTEENN(random_state=seed, algorithm=algorithm)
    if kind == "SMOTE-Tomek":
        return SMOTETomek(random_state=seed, algorithm=algorithm)
    if algorithm == "exact":
        return EditedNearestNeighbours()
    return EditedNearestNeighbours(n_neighbors=NeighborIndex(4, algorithm=algorithm,
                                                             random_state=seed))


def load_sets(n_keel: int, synthetic_rows: int):
    """``[(name, X, y)]``: the largest numeric binary KEEL sets, then the synthetic set."""
    from sklearn.datasets import make_classification

    from unskew.datasets import list_benchmarks, load_benchmark
    table = list_benchmarks()
    table = table[table["name"].str.startswith("binary:")].sort_values("n_samples",
                                                                       ascending=False)
    sets = []
    for name in table["name"]:
        if len(sets) == n_keel:
            break
        data = load_benchmark(name)
        if set(data.feature_types.values()) != {"numeric"}:
            continue
        sets.append((name, data.X.to_numpy(dtype=np.float64), np.asarray(data.y)))
    X, y = make_classification(n_samples=synthetic_rows, n_features=20, weights=[0.99],
                               random_state=0)
    sets.append((f"synthetic {synthetic_rows:,} x 20, 1:99", X, y))
    return sets


def evaluate(X, y, kind: str, algorithm: str, seed: int, resampler_seed: int) -> dict:
    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from unskew.metrics import geometric_mean, macro_f1
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y,
                                              random_state=seed)
    model = make_pipeline(StandardScaler(), _resampler(kind, algorithm, resampler_seed),
                          LogisticRegression(max_iter=1000))
    start = time.perf_counter()
    model.fit(X_tr, y_tr)
    seconds = time.perf_counter() - start
    pred = model.predict(X_te)
    return {"macro_f1": macro_f1(y_te, pred), "g_mean": geometric_mean(y_te, pred),
            "seconds": seconds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 KEEL set, 5k synthetic rows")
    parser.add_argument("--keel-sets", type=int, default=4, help="largest KEEL sets used")
    parser.add_argument("--synthetic-rows", type=int, default=50_000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--kinds", default="SMOTE-ENN,SMOTE-Tomek,ENN",
                        help="comma-separated subset of %(default)s")
    parser.add_argument("--stem", default=None, help="result file name")
    args = parser.parse_args(argv)
    if args.quick:
        args.keel_sets, args.synthetic_rows, args.seeds = 1, 5_000, 2
    rows = []
    for name, X, y in load_sets(args.keel_sets, args.synthetic_rows):
        for kind in args.kinds.split(","):
            per_seed = [{"exact": evaluate(X, y, kind, "exact", seed, seed),
                         "hnsw": evaluate(X, y, kind, "hnsw", seed, seed),
                         # ENN alone has no randomness: its reseeded run is the exact one
                         "reseeded": evaluate(X, y, kind, "exact", seed, seed + 1000)
                         if kind != "ENN" else None}
                        for seed in range(args.seeds)]
            row = {"dataset": name, "rows": len(y), "resampler": kind}
            for metric in ("macro_f1", "g_mean"):
                exact = np.array([s["exact"][metric] for s in per_seed])
                diff = np.array([s["hnsw"][metric] for s in per_seed]) - exact
                noise = (np.zeros_like(exact) if kind == "ENN" else
                         np.array([s["reseeded"][metric] for s in per_seed]) - exact)
                row[metric] = (exact.mean(), diff.mean(), np.abs(diff).max(),
                               np.abs(noise).max())
            row["seconds"] = tuple(np.mean([s[a]["seconds"] for s in per_seed])
                                   for a in ("exact", "hnsw"))
            rows.append(row)
            print(row, flush=True)
            write_results(rows, args)
    return 0


def write_results(rows, args) -> None:
    RESULTS.mkdir(exist_ok=True)
    stem = args.stem or ("approximate_quality_quick" if args.quick else "approximate_quality")
    worst = max((max(r["macro_f1"][2], r["g_mean"][2]) for r in rows), default=0.0)
    cmd = "python benchmarks/bench_approximate_quality.py" + (
        " --quick" if args.quick else f" --synthetic-rows {args.synthetic_rows}") + (
        f" --keel-sets {args.keel_sets} --kinds {args.kinds}"
        if args.kinds != "SMOTE-ENN,SMOTE-Tomek,ENN" else "")
    lines = [
        "# Approximate (hnsw) vs exact neighbour search: downstream quality",
        "",
        f"`{cmd}`; pipelines StandardScaler -> resampler -> LogisticRegression(max_iter=1000); "
        f"{args.seeds} seeds, each a stratified 70/30 split and the seed of SMOTE and of the "
        "hnsw index; metrics on the test part (unskew.metrics.macro_f1, geometric_mean). "
        "*diff* = hnsw - exact: mean over the seeds, and the largest absolute value. "
        "*SMOTE noise*: largest |exact with SMOTE seed + 1000 - exact| over the seeds (same "
        "split; 0 for ENN alone, which has no randomness).",
        "",
        "| dataset | rows | resampler | macro-F1 exact | diff mean | diff max abs | "
        "SMOTE noise | G-mean exact | diff mean | diff max abs | SMOTE noise | fit s exact | "
        "fit s hnsw |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        f1, gm = r["macro_f1"], r["g_mean"]
        lines.append(f"| {r['dataset']} | {r['rows']:,} | {r['resampler']} | {f1[0]:.4f} | "
                     f"{f1[1]:+.4f} | {f1[2]:.4f} | {f1[3]:.4f} | {gm[0]:.4f} | {gm[1]:+.4f} | "
                     f"{gm[2]:.4f} | {gm[3]:.4f} | {r['seconds'][0]:.2f} | "
                     f"{r['seconds'][1]:.2f} |")
    verdict = "within" if worst <= TARGET else "NOT within"
    lines += ["", f"Largest |hnsw - exact| over every set, resampler, metric and seed: "
              f"{worst:.4f} ({verdict} the issue's {TARGET}).", ""]
    (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
