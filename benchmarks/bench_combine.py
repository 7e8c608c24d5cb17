"""Benchmark SMOTE-Tomek and SMOTE-ENN: unskew (exact and hnsw) against imbalanced-learn.

After SMOTE the classes are balanced, so the cleaning half is an all-rows neighbour search.
Each measurement runs in its own subprocess (fresh memory, a wall-clock cap) and reports the
wall time of ``fit_resample``, the growth of its peak RSS over the data already in memory,
and the resampled rows, which the parent compares with imbalanced-learn's (rows present in one
output and not the other; SMOTE's rows are the same for the same seed, so the difference is the
cleaning half's).

    python benchmarks/bench_combine.py            # 50k and 200k rows, binary 1:99
    python benchmarks/bench_combine.py --quick    # smoke run on 5k rows

Results go to ``benchmarks/results/bench_combine.md`` (``bench_combine_quick.md``), rewritten
after every measurement so an interrupted run keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from _subprocess import cell, command_line, rss_mb, run_measurement

RESULTS = Path(__file__).resolve().parent / "results"
RESAMPLERS = ("SMOTETomek", "SMOTEENN")
# (side, label): our forced hnsw, our exact search, imbalanced-learn
SIDES = (("hnsw", "unskew hnsw"), ("exact", "unskew exact"), ("peer", "imblearn"))


def make_data(n_samples: int):
    from sklearn.datasets import make_classification
    return make_classification(n_samples=n_samples, n_features=20, weights=[0.99],
                               random_state=0)


def _resampler(name: str, side: str):
    if side == "peer":
        import imblearn.combine as peer
        return getattr(peer, name)(random_state=0)
    import unskew.resampling as ours
    return getattr(ours, name)(random_state=0, algorithm=side)


def _measure(spec: dict) -> dict:
    """Run one measurement in this process (the subprocess side)."""
    X, y = make_data(spec["n"])
    resampler = _resampler(spec["name"], spec["side"]).set_params(n_jobs=spec.get("n_jobs"))
    base = rss_mb()
    start = time.perf_counter()
    X_res, y_res = resampler.fit_resample(X, y)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base
    np.save(spec["save"], np.column_stack([X_res, y_res]))
    return {"seconds": seconds, "peak_mb": peak, "rows": int(y_res.size)}


def run_one(spec: dict, cap_s: float) -> dict:
    """Measure ``spec`` in a subprocess of this script, capped at ``cap_s`` seconds."""
    return run_measurement(__file__, spec, cap_s)


def rows_differing(a: np.ndarray, b: np.ndarray) -> int:
    """Rows (features and label) in one output and not the other, counted both ways."""
    def keys(m):
        m = np.ascontiguousarray(m, dtype=np.float64)
        return m.view(np.dtype((np.void, m.dtype.itemsize * m.shape[1]))).ravel()
    ka, kb = keys(a), keys(b)
    return int((~np.isin(ka, kb)).sum() + (~np.isin(kb, ka)).sum())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run on 5k rows")
    parser.add_argument("--sizes", default="50000,200000", help="comma-separated row counts")
    parser.add_argument("--cap-s", type=float, default=600, help="wall-clock cap per run")
    parser.add_argument("--resamplers", default=",".join(RESAMPLERS),
                        help="comma-separated subset of %(default)s")
    parser.add_argument("--n-jobs", type=int, default=None,
                        help="n_jobs of both sides (default: None, one thread); with -1 also "
                             "export OMP_NUM_THREADS/OPENBLAS_NUM_THREADS to the core count")
    parser.add_argument("--stem", default=None,
                        help="result file name (default: bench_combine[_quick])")
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

    sizes = [5_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for name in args.resamplers.split(","):
                rec = {"n": n, "name": name}
                records.append(rec)
                for side, _ in SIDES:
                    spec = {"n": n, "name": name, "side": side, "n_jobs": args.n_jobs,
                            "save": str(Path(tmp) / f"{side}.npy")}
                    rec[side] = run_one(spec, args.cap_s)
                    print(n, name, side, rec[side], flush=True)
                if "seconds" in rec["peer"]:
                    peer = np.load(Path(tmp) / "peer.npy")
                    for side in ("exact", "hnsw"):
                        if "seconds" in rec[side]:
                            rec[side]["differ"] = rows_differing(
                                np.load(Path(tmp) / f"{side}.npy"), peer)
                write_results(records, args)
    return 0


def write_results(records, args) -> None:
    RESULTS.mkdir(exist_ok=True)
    stem = args.stem or ("bench_combine_quick" if args.quick else "bench_combine")
    lines = [
        "# SMOTE-Tomek / SMOTE-ENN: unskew (exact, hnsw) vs imbalanced-learn 0.14.2",
        "",
        f"`{args.command}`; "
        "make_classification, 20 features, binary 1:99, random_state=0 (data and resamplers); "
        + ("one thread (OMP/OpenBLAS=1)" if args.n_jobs is None else
           f"n_jobs={args.n_jobs} on both sides, OMP/OpenBLAS threads "
           f"{os.environ.get('OMP_NUM_THREADS', '1')}")
        + "; each measurement in its own subprocess, capped at "
        f"{args.cap_s:.0f} s. Peak memory: growth of the peak RSS over the data already "
        "loaded. *Rows differing*: rows in our output and not imblearn's plus the reverse "
        "(SMOTE's synthetic rows are the same, so these are the cleaning half's decisions). "
        "The machine was shared with other jobs, so compare ratios within a run, not absolute "
        "times.",
        "",
        "| rows | resampler | search | seconds | speed-up vs imblearn | peak MB | rows out | "
        "rows differing from imblearn |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in records:
        peer = r.get("peer", {})
        for side, label in SIDES:
            res = r.get(side, {})
            ratio = (f"{peer['seconds'] / res['seconds']:.1f}x"
                     if side != "peer" and "seconds" in res and "seconds" in peer else "")
            lines.append(f"| {r['n']:,} | {r['name']} | {label} | "
                         f"{cell(res, 'seconds', '{:.2f}')} | {ratio} | "
                         f"{cell(res, 'peak_mb', '{:.0f}')} | {cell(res, 'rows', '{:,}')} | "
                         f"{res.get('differ', '') if side != 'peer' else ''} |")
    (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
