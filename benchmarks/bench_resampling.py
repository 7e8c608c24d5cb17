"""Benchmark unskew's resamplers against imbalanced-learn's, in the same environment.

Each measurement runs in its own subprocess (fresh memory, a wall-clock cap), which reports the
wall time of ``fit_resample``, the growth of its peak RSS over the data already in memory, and
a hash of ``sample_indices_`` so that "same rows" is checked, not assumed.

    python benchmarks/bench_resampling.py            # 50k and 200k rows, ours also at 1M
    python benchmarks/bench_resampling.py --quick    # smoke run on 5k rows

Results go to ``benchmarks/results/bench_resampling.md`` and ``.csv``. Add a resampler by adding
a row to ``ROWS``: ``(name, ours_factory, peer_factory)``; a factory takes no argument and
returns an unfitted resampler.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import resource
import time
from pathlib import Path

import numpy as np

from _subprocess import cell, command_line, rss_mb, run_measurement

RESULTS = Path(__file__).resolve().parent / "results"


def _ours(name, **params):
    def factory():
        import unskew.resampling as ours
        return getattr(ours, name)(**params)
    return factory


def _peer(name, **params):
    def factory():
        import imblearn.under_sampling as peer
        return getattr(peer, name)(**params)
    return factory


# (name, ours_factory, peer_factory)
ROWS = [
    ("TomekLinks", _ours("TomekLinks"), _peer("TomekLinks")),
    ("EditedNearestNeighbours", _ours("EditedNearestNeighbours"),
     _peer("EditedNearestNeighbours")),
    ("OneSidedSelection", _ours("OneSidedSelection", random_state=0),
     _peer("OneSidedSelection", random_state=0)),
    ("NeighbourhoodCleaningRule", _ours("NeighbourhoodCleaningRule"),
     _peer("NeighbourhoodCleaningRule")),
]

DATASETS = {
    "binary 1:99": {"weights": [0.99]},
    "5-class long tail": {"n_classes": 5, "n_informative": 5,
                          "weights": [0.6, 0.2, 0.1, 0.07, 0.03]},
}


def make_data(dataset: str, n_samples: int):
    from sklearn.datasets import make_classification
    return make_classification(n_samples=n_samples, n_features=20, random_state=0,
                               **DATASETS[dataset])


def _measure(spec: dict) -> dict:
    """Run one measurement in this process (the subprocess side)."""
    X, y = make_data(spec["dataset"], spec["n"])
    if spec["kind"] == "search":
        from unskew._neighbors import NeighborIndex
        index = NeighborIndex(6, algorithm=spec["side"], random_state=0)
        base = rss_mb()
        start = time.perf_counter()
        found = index.fit(X).kneighbors(return_distance=False)
        seconds = time.perf_counter() - start
        np.save(spec["save"], found)
        return {"seconds": seconds, "peak_mb": resource.getrusage(
            resource.RUSAGE_SELF).ru_maxrss / 1024 - base, "rows_hash": ""}
    row = {name: (ours, peer) for name, ours, peer in ROWS}[spec["name"]]
    resampler = row[0 if spec["side"] == "ours" else 1]().set_params(n_jobs=spec.get("n_jobs"))
    base = rss_mb()
    start = time.perf_counter()
    resampler.fit_resample(X, y)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base
    kept = np.asarray(resampler.sample_indices_)
    return {"seconds": seconds, "peak_mb": peak, "kept": int(kept.size),
            "rows_hash": hashlib.sha1(kept.astype(np.int64).tobytes()).hexdigest()}


def run_one(spec: dict, cap_s: float) -> dict:
    """Measure ``spec`` in a subprocess of this script, capped at ``cap_s`` seconds."""
    return run_measurement(__file__, spec, cap_s)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run on 5k rows")
    parser.add_argument("--cap-s", type=float, default=600, help="wall-clock cap per run")
    parser.add_argument("--peer-max-rows", type=int, default=200_000,
                        help="largest size imbalanced-learn is run at (it is O(n^2))")
    parser.add_argument("--peer-capped", default="TomekLinks",
                        help="comma-separated rows also run for imbalanced-learn at the largest "
                             "size, under the cap (to show whether it finishes)")
    parser.add_argument("--datasets", default=",".join(DATASETS),
                        help="comma-separated data sets (default: %(default)s)")
    parser.add_argument("--sizes", default=None,
                        help="comma-separated row counts (default: 50000,200000,1000000)")
    parser.add_argument("--resamplers", default=",".join(name for name, _, _ in ROWS),
                        help="comma-separated resamplers (default: %(default)s)")
    parser.add_argument("--multiclass-max-rows", type=int, default=200_000,
                        help="largest size the multi-class data sets are run at")
    parser.add_argument("--skip-search", action="store_true",
                        help="leave out the all-rows search table")
    parser.add_argument("--n-jobs", type=int, default=None,
                        help="n_jobs of both sides (default: None, one thread); with -1 also "
                             "export OMP_NUM_THREADS/OPENBLAS_NUM_THREADS to the core count")
    parser.add_argument("--stem", default=None,
                        help="result file name (default: bench_resampling[_quick]); a subset "
                             "run can go to its own file")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.command = command_line(__file__, argv)
    if args.n_jobs == -1:
        # every core for BLAS / OpenMP too, as both sides would get in normal use
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, str(os.cpu_count()))
    if args.measure:
        print(json.dumps(_measure(json.loads(args.measure))))
        return 0

    sizes = ([5_000] if args.quick else
             [int(v) for v in args.sizes.split(",")] if args.sizes else
             [50_000, 200_000, 1_000_000])
    datasets = [d for d in args.datasets.split(",") if d]
    unknown = sorted(set(datasets) - set(DATASETS))
    if unknown:
        parser.error(f"unknown data sets {unknown}; choose from {list(DATASETS)}")
    capped = set(filter(None, args.peer_capped.split(",")))
    chosen = set(filter(None, args.resamplers.split(",")))
    unknown = sorted(chosen - {name for name, _, _ in ROWS})
    if unknown:
        parser.error(f"unknown resamplers {unknown}; choose from {[r[0] for r in ROWS]}")
    records = []
    for dataset in datasets:
        for n in sizes:
            if n > args.multiclass_max_rows and dataset != "binary 1:99":
                continue  # multi-class cleaning stays O(n^2) in its impure rows (see the notes)
            for name in (name for name, _, _ in ROWS if name in chosen):
                rec = {"dataset": dataset, "n": n, "resampler": name}
                for side in ("ours", "peer"):
                    largest = n == max(sizes)
                    if side == "peer" and n > args.peer_max_rows and not (
                            largest and name in capped):
                        rec[side] = {}
                        continue
                    spec = {"kind": "resample", "dataset": dataset, "n": n, "name": name,
                            "side": side, "n_jobs": args.n_jobs}
                    rec[side] = run_one(spec, args.cap_s)
                    print(dataset, n, name, side, rec[side], flush=True)
                records.append(rec)

    search = []
    n_search = 5_000 if args.quick else 200_000
    tmp = RESULTS / "_search_{}.npy"
    for backend in () if args.skip_search else ("exact", "hnsw"):
        spec = {"kind": "search", "dataset": "binary 1:99", "n": n_search, "side": backend,
                "save": str(tmp).format(backend)}
        search.append((backend, run_one(spec, args.cap_s)))
        print("search", backend, search[-1][1], flush=True)
    recall = None
    if search and all(not r.get("timeout") and "error" not in r for _, r in search):
        exact, approx = (np.load(str(tmp).format(b)) for b in ("exact", "hnsw"))
        recall = float(np.mean([len(set(a) & set(e)) / e.size
                                for a, e in zip(approx, exact, strict=True)]))
    for backend in ("exact", "hnsw"):
        Path(str(tmp).format(backend)).unlink(missing_ok=True)

    write_results(records, search, recall, n_search, args)
    return 0


def write_results(records, search, recall, n_search, args) -> None:
    RESULTS.mkdir(exist_ok=True)
    stem = args.stem or ("bench_resampling_quick" if args.quick else "bench_resampling")
    with open(RESULTS / f"{stem}.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["dataset", "n", "resampler", "ours_s", "peer_s", "ratio", "ours_peak_mb",
                    "peer_peak_mb", "same_rows"])
        for r in records:
            o, p = r["ours"], r["peer"]
            ratio = p["seconds"] / o["seconds"] if "seconds" in o and "seconds" in p else ""
            same = (o.get("rows_hash") == p.get("rows_hash")) if "rows_hash" in p else ""
            w.writerow([r["dataset"], r["n"], r["resampler"], o.get("seconds", ""),
                        p.get("seconds", "timeout" if p.get("timeout") else ""), ratio,
                        o.get("peak_mb", ""), p.get("peak_mb", ""), same])
    lines = [
        "# Resampling benchmark: unskew vs imbalanced-learn 0.14.2",
        "",
        f"`{args.command}`; "
        "make_classification, 20 features, random_state=0; "
        + ("one thread (OMP/OpenBLAS=1)" if args.n_jobs is None else
           f"n_jobs={args.n_jobs} on both sides, OMP/OpenBLAS threads "
           f"{os.environ.get('OMP_NUM_THREADS', '1')}") + "; each "
        "measurement in its own subprocess, capped at "
        f"{args.cap_s:.0f} s. Peak memory: growth of the peak RSS over the data already "
        "loaded. The machine was shared with other jobs, so compare ratios within a run, "
        "not absolute times.",
        "",
        "| dataset | rows | resampler | unskew s | imblearn s | speed-up | unskew MB | "
        "imblearn MB | same rows |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in records:
        o, p = r["ours"], r["peer"]
        ratio = (f"{p['seconds'] / o['seconds']:.1f}x"
                 if "seconds" in o and "seconds" in p else "")
        same = ("yes" if o.get("rows_hash") == p.get("rows_hash") else "NO") \
            if "rows_hash" in p else ""
        lines.append(f"| {r['dataset']} | {r['n']:,} | {r['resampler']} | "
                     f"{cell(o, 'seconds', '{:.2f}')} | {cell(p, 'seconds', '{:.2f}')} | {ratio} "
                     f"| {cell(o, 'peak_mb', '{:.0f}')} | {cell(p, 'peak_mb', '{:.0f}')} | "
                     f"{same} |")
    if not search:
        (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")
        return
    lines += ["", f"## All-rows 6-NN search, {n_search:,} x 20 (what SMOTE-Tomek / SMOTE-ENN "
              "need after balancing)", "", "| backend | seconds | peak MB |", "|---|---:|---:|"]
    for backend, res in search:
        lines.append(f"| {backend} | {cell(res, 'seconds', '{:.2f}')} | "
                     f"{cell(res, 'peak_mb', '{:.0f}')} |")
    if recall is not None:
        lines += ["", f"hnsw recall@6 against exact: {recall:.4f}"]
    (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
