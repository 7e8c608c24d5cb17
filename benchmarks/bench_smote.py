"""Our SMOTE family against imbalanced-learn's, in the same process (time and peak memory).

    python benchmarks/bench_smote.py --quick     # 50k rows, a minute or two
    python benchmarks/bench_smote.py             # 50k / 200k / 1M, 10M SMOTE, 3M SMOTE-NC

Peak memory is tracemalloc's peak of the call (numpy reports its buffers to it). Ratios are
imblearn / ours measured in the same run; absolute times depend on the (shared) machine.
Writes benchmarks/results/bench_smote.md.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from imblearn import over_sampling as ref
from sklearn.datasets import make_classification

from unskew import resampling as ours

RESULT = Path(__file__).parent / "results" / "bench_smote.md"
MiB = 2**20


def measure(fn):
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del out
    return seconds, peak / MiB


def data(n, n_features=20):
    X, y = make_classification(n_samples=n, n_features=n_features, weights=[0.99], flip_y=0,
                               random_state=0)
    return X, y


def compare(rows, sizes, names):
    for n in sizes:
        X, y = data(n)
        for name in names:
            if name == "SVMSMOTE" and n > 200_000:
                continue
            ref_cls, our_cls = getattr(ref, name), getattr(ours, name)  # imports outside timing
            t_ref, m_ref = measure(lambda c=ref_cls, X=X, y=y: c(random_state=0).fit_resample(X, y))
            t_us, m_us = measure(lambda c=our_cls, X=X, y=y: c(random_state=0).fit_resample(X, y))
            rows.append((name, f"{n:,}", f"{t_ref:.2f}", f"{t_us:.2f}", f"{t_ref / t_us:.2f}x",
                         f"{m_ref:.0f}", f"{m_us:.0f}", f"{m_ref / m_us:.2f}x"))
            print(rows[-1], flush=True)


def smote_10m(lines):
    X, y = data(10_000_000)
    n_new = int(np.bincount(y).max() - np.bincount(y).min())
    t, peak = measure(lambda: ours.SMOTE(random_state=0).fit_resample(X, y))
    out_mib = (X.shape[0] + n_new) * X.shape[1] * 8 / MiB
    lines.append(f"- SMOTE 10M x 20 (ours): {t:.1f} s, peak {peak:.0f} MiB on top of the "
                 f"{X.nbytes / MiB:.0f} MiB input; output {out_mib:.0f} MiB; "
                 f"peak / output = {peak / out_mib:.2f} (budget 1.5)")


NC_SCRIPT = """
import resource, sys, time, numpy as np, pandas as pd
resource.setrlimit(resource.RLIMIT_AS, (16 * 2**30, 16 * 2**30))
from imblearn.over_sampling import SMOTENC
X = pd.read_pickle(sys.argv[1]); y = np.load(sys.argv[2])
t = time.perf_counter()
try:
    SMOTENC(categorical_features=list(range(15, 20)), random_state=0).fit_resample(X, y)
    print(f"ok {time.perf_counter() - t:.1f}")
except MemoryError:
    print(f"MemoryError after {time.perf_counter() - t:.1f}")
"""


def smotenc(lines, n):
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(n, 15)), columns=[f"x{i}" for i in range(15)])
    for j in range(5):
        X[f"c{j}"] = pd.Categorical(rng.randint(0, 1000, n))
    y = (rng.uniform(size=n) < 0.01).astype(int)
    size = {}

    def run():
        out = ours.SMOTENC(random_state=0).fit_resample(X, y)
        size["out"] = out[0].memory_usage(deep=True).sum() / MiB
        return out

    t, peak = measure(run)
    lines.append(f"- SMOTE-NC {n:,} rows (15 numeric + 5 x 1000 levels), ours: {t:.1f} s, "
                 f"peak {peak:.0f} MiB on top of the {X.memory_usage().sum() / MiB:.0f} MiB "
                 f"input; output {size['out']:.0f} MiB; peak / output = "
                 f"{peak / size['out']:.2f} (budget 2)")
    X.to_pickle("/tmp/_bench_nc_X.pkl")
    np.save("/tmp/_bench_nc_y.npy", y)
    try:
        res = subprocess.run([sys.executable, "-c", NC_SCRIPT, "/tmp/_bench_nc_X.pkl",
                              "/tmp/_bench_nc_y.npy"], capture_output=True, text=True, timeout=600)
        lines.append(f"  imbalanced-learn (16 GiB cap): {res.stdout.strip() or res.stderr[-200:]}")
    except subprocess.TimeoutExpired:
        lines.append("  imbalanced-learn (16 GiB cap): did not finish in 10 minutes")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    sizes = [50_000] if args.quick else [50_000, 200_000, 1_000_000]
    rows = []
    compare(rows, sizes, ["SMOTE", "BorderlineSMOTE", "ADASYN", "SVMSMOTE"])
    lines = []
    if args.quick:
        smotenc(lines, 100_000)
    else:
        smote_10m(lines)
        smotenc(lines, 3_000_000)
    table = ["| resampler | rows | imblearn s | ours s | speed-up | imblearn MiB | ours MiB | "
             "memory ratio |", "|---|---|---|---|---|---|---|---|"]
    table += ["| " + " | ".join(r) + " |" for r in rows]
    mode = "--quick" if args.quick else "full"
    RESULT.write_text("# SMOTE family vs imbalanced-learn 0.14.2\n\n"
                      f"make_classification, 20 features, 1:99, one thread, mode {mode}. "
                      "Ratios are imblearn / ours in the same run (shared machine: compare ratios, "
                      "not seconds).\n\n" + "\n".join(table) + "\n\n" + "\n".join(lines) + "\n")
    print(RESULT.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
