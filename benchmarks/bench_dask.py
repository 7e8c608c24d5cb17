"""Out-of-core resampling and compare on Dask (issue 19).

    python benchmarks/bench_dask.py make --rows 30000000 --folder /tmp/bench_dask
    python benchmarks/bench_dask.py resample --folder /tmp/bench_dask --workers 2
    python benchmarks/bench_dask.py resample --folder /tmp/bench_dask --workers 1
    python benchmarks/bench_dask.py compare --rows 200000
    python benchmarks/bench_dask.py compare-lazy --folder /tmp/bench_dask --workers 2
    python benchmarks/bench_dask.py report          # benchmarks/results/bench_dask.md

``make`` writes a Parquet directory (20 float64 features, binary 1:99, 1M-row files of 250k-row
row groups). ``resample`` reads it lazily (``unskew.distributed.read_parquet_dir``), under-samples
the majority to 10x the minority, SMOTEs the minority up to the majority and writes the result
to Parquet, on a ``LocalCluster`` of ``--workers`` single-threaded worker processes limited to
``--memory-limit`` each, sampling every worker's process memory and spilled bytes as the
scheduler reports them. ``compare`` runs ``unskew.compare`` on a ``make_classification`` table
with the local and the Dask executor; ``compare-lazy`` runs ``unskew.compare`` over the Parquet
directory itself (sampled folds). Each command appends one JSON record to ``--log``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import threading
import time
from pathlib import Path

import numpy as np

LOG = Path("/tmp/bench_dask.jsonl")
RESULTS = Path(__file__).parent / "results" / "bench_dask.md"


def make(folder: Path, rows: int, features: int = 20, minority: float = 0.01,
         file_rows: int = 1_000_000, seed: int = 0) -> dict:
    """Write ``rows`` rows in ``file_rows``-row Parquet files; the minority is shifted by 0.5."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    names = [f"f{i:02d}" for i in range(features)]
    for part, first in enumerate(range(0, rows, file_rows)):
        n = min(file_rows, rows - first)
        rng = np.random.default_rng([seed, part])
        y = (rng.random(n) < minority).astype(np.int64)
        X = rng.standard_normal((n, features)) + 0.5 * y[:, None]
        table = pa.table({**{c: X[:, j] for j, c in enumerate(names)}, "y": y})
        pq.write_table(table, folder / f"part-{part:05d}.parquet", row_group_size=250_000,
                       compression="snappy")
    size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
    return {"rows": rows, "features": features, "bytes_on_disk": size,
            "bytes_in_memory": rows * (features + 1) * 8, "seconds": time.perf_counter() - start}


class _Sampler(threading.Thread):
    """Poll the scheduler's view of each worker: process memory and spilled bytes."""

    def __init__(self, client, every: float = 0.25):
        super().__init__(daemon=True)
        self.client, self.every = client, every
        self.peak_memory, self.spilled_disk, self.workers_seen = 0, 0, set()
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            try:
                workers = self.client.scheduler_info(n_workers=-1)["workers"]
            except Exception:
                workers = {}
            for address, info in workers.items():
                self.workers_seen.add(address)
                metrics = info.get("metrics", {})
                self.peak_memory = max(self.peak_memory, metrics.get("memory", 0))
                spilled = metrics.get("spilled_bytes", {}) or {}
                self.spilled_disk = max(self.spilled_disk, spilled.get("disk", 0))
            self._halt.wait(self.every)

    def stop(self):
        self._halt.set()
        self.join()


@contextlib.contextmanager
def _measured_cluster(workers: int, memory_limit: str, out: Path):
    """A LocalCluster of ``workers`` single-threaded processes limited to ``memory_limit``,
    a client as the default scheduler and a started :class:`_Sampler` (``out`` emptied)."""
    from distributed import Client, LocalCluster

    if out.exists():
        shutil.rmtree(out)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      memory_limit=memory_limit, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        sampler = _Sampler(client)
        sampler.start()
        yield cluster, sampler


def _run_record(workers: int, memory_limit: str, seconds: float, sampler: _Sampler) -> dict:
    """What every cluster run records: its workers, time and the sampled worker memory."""
    from dask.utils import parse_bytes

    return {"workers": workers, "memory_limit": memory_limit,
            "memory_limit_bytes": parse_bytes(memory_limit), "seconds": seconds,
            "peak_worker_memory": sampler.peak_memory, "spilled_to_disk": sampler.spilled_disk,
            "workers_seen": len(sampler.workers_seen)}


def resample(folder: Path, workers: int, memory_limit: str, out: Path) -> dict:
    """Under-sample to 1:10, SMOTE to 1:1, write Parquet; time and peak worker memory."""
    import dask
    import dask.dataframe as dd

    from unskew.distributed import SMOTE, RandomUnderSampler, read_parquet_dir, split_target

    with _measured_cluster(workers, memory_limit, out) as (_, sampler):
        start = time.perf_counter()
        X, y = split_target(read_parquet_dir(folder), "y")
        steps = {}
        X_u, y_u = RandomUnderSampler(sampling_strategy=0.1, random_state=0).fit_resample(X, y)
        steps["under-sampling plan (2 passes over y)"] = time.perf_counter() - start
        smote = SMOTE(random_state=0)
        X_s, y_s = smote.fit_resample(X_u, y_u)
        steps["SMOTE plan (counts + minority gather)"] = time.perf_counter() - start
        frame = X_s.assign(y=y_s)
        dd.to_parquet(frame, out, write_index=True, compute=True)
        steps["write of the result"] = time.perf_counter() - start
        seconds = time.perf_counter() - start
        sampler.stop()
        counts = dask.compute(read_parquet_dir(out, columns=["y"])["y"].value_counts())[0]
    return {**_run_record(workers, memory_limit, seconds, sampler), "steps": steps,
            "rows_out": int(counts.sum()), "counts_out": {int(k): int(v) for k, v in
                                                          counts.items()},
            "minority_gathered": int(smote.class_counts_.get(1, 0))}


def compare(rows: int, n_jobs: int) -> dict:
    """compare on a make_classification table with the local and the Dask executor."""
    import pandas as pd
    from sklearn.datasets import make_classification

    import unskew

    X, y = make_classification(n_samples=rows, n_features=20, weights=[0.99], random_state=0)
    table = pd.DataFrame(X, columns=[f"f{i:02d}" for i in range(20)]).assign(y=y)
    settings = dict(target="y", strategies=["none+lr", "weighted+lr", "smote+lr"], folds=3,
                    repeats=1, diagnose=False, progress=False, n_jobs=n_jobs, random_state=0)
    out = {"rows": rows, "n_jobs": n_jobs}
    boards = {}
    for executor in ("local", "dask"):
        start = time.perf_counter()
        result = unskew.compare(table, executor=executor, **settings)
        out[f"{executor}_seconds"] = time.perf_counter() - start
        boards[executor] = result.leaderboard
    keep = [c for c in boards["local"].columns if c not in ("fit_time", "time")]
    out["same_leaderboard"] = bool(boards["local"][keep].equals(boards["dask"][keep]))
    out["overhead_percent"] = 100 * (out["dask_seconds"] / out["local_seconds"] - 1)
    return out


def compare_lazy(folder: Path, workers: int, memory_limit: str, out: Path) -> dict:
    """compare over the Parquet directory itself (sampled folds) on a LocalCluster."""
    import unskew

    with _measured_cluster(workers, memory_limit, out) as (cluster, sampler):
        start = time.perf_counter()
        result = unskew.compare(str(folder), target="y", strategies=["none+lr", "weighted+lr"],
                                folds=5, executor="dask", scheduler=cluster.scheduler_address,
                                n_jobs=workers, progress=True, out=out, random_state=0)
        seconds = time.perf_counter() - start
        sampler.stop()
    board = result.leaderboard
    return {**_run_record(workers, memory_limit, seconds, sampler),
            "rows": result.dataset["n_samples"], "timings": result.timings,
            "sampled": result.settings["sampled"], "best": result.best_,
            "honest": {k: result.honest[k] for k in ("mean", "low", "high", "n_rows")},
            "leaderboard": board[["strategy", "macro_f1", "macro_f1_low", "macro_f1_high",
                                  "status"]].to_dict(orient="records")}


def report(log: Path) -> str:
    """The Markdown results from the log's records (the last of each kind)."""
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    last = {}
    for r in records:
        key = (r["command"], r.get("workers"), r.get("rows"))
        last[key] = r
    made = [r for r in records if r["command"] == "make"]
    lines = ["# Dask: out-of-core under-sampling + SMOTE, and compare on the Dask executor", "",
             "`python benchmarks/bench_dask.py make|resample|compare|report` (see the script's "
             "docstring). Measured on the shared 2-core, 23 GiB machine (other jobs ran beside "
             "it: compare ratios within a run, not absolute times).", ""]
    if made:
        m = made[-1]
        lines += [f"Data: {m['rows']:,} rows x {m['features']} float64 features + int64 label, "
                  f"binary 1:99, {m['bytes_in_memory'] / 1e9:.2f} GB in memory, "
                  f"{m['bytes_on_disk'] / 1e9:.2f} GB of Parquet on disk "
                  f"(written in {m['seconds']:.0f} s).", ""]
    runs = sorted((r for r in last.values() if r["command"] == "resample"),
                  key=lambda r: r["workers"])
    if runs:
        lines += ["## Under-sampling (majority to 10x the minority) + SMOTE (to 1:1), "
                  "Parquet in, Parquet out", "",
                  "| workers | memory limit each | seconds | peak worker memory | "
                  "spilled to disk | rows out | minority rows gathered |",
                  "|---:|---:|---:|---:|---:|---:|---:|"]
        for r in runs:
            lines.append(
                f"| {r['workers']} | {r['memory_limit']} | {r['seconds']:.1f} | "
                f"{r['peak_worker_memory'] / 2**20:,.0f} MiB | "
                f"{r['spilled_to_disk'] / 2**20:,.0f} MiB | {r['rows_out']:,} | "
                f"{r['minority_gathered']:,} |")
        lines += ["", "Time to each step's end (s): " + "; ".join(
            f"{r['workers']} worker(s): " + ", ".join(f"{k} {v:.1f}" for k, v in
                                                      r["steps"].items()) for r in runs), ""]
    lazy = [r for r in last.values() if r["command"] == "compare-lazy"]
    if lazy:
        lines += ["## compare over the Parquet directory itself (sampled folds)", "",
                  "`unskew.compare(folder, target='y', strategies=['none+lr', 'weighted+lr'], "
                  "folds=5, executor='dask')` on a LocalCluster: each fold trains on a "
                  "stratified sample sized to a worker's memory and is scored on every row of "
                  "its test part (a sixth of the table); the winner is scored on the held-out "
                  "sixth and refitted on a sample of every row.", "",
                  "| workers | memory limit each | rows | seconds | peak worker memory | "
                  "spilled to disk | training rows, final fit (folds: 4/6 of it) | winner | hold-out macro-F1 |",
                  "|---:|---:|---:|---:|---:|---:|---:|---|---|"]
        for r in lazy:
            h = r["honest"]
            lines.append(
                f"| {r['workers']} | {r['memory_limit']} | {r['rows']:,} | {r['seconds']:.0f} | "
                f"{r['peak_worker_memory'] / 2**20:,.0f} MiB | "
                f"{r['spilled_to_disk'] / 2**20:,.0f} MiB | "
                f"{sum(k for k, _ in r['sampled']['final_rows'].values()):,} | "
                f"{r['best']} | {h['mean']:.3f} [{h['low']:.3f}, {h['high']:.3f}] on "
                f"{h['n_rows']:,} rows |")
        lines += ["", "Stages (s): " + "; ".join(
            f"{r['workers']} worker(s): " + ", ".join(f"{k} {v:.0f}" for k, v in
                                                      r["timings"].items()) for r in lazy), ""]
    comps = [r for r in last.values() if r["command"] == "compare"]
    if comps:
        lines += ["## compare: local processes vs the Dask executor", "",
                  "| rows | jobs / workers | local s | dask s | overhead | same leaderboard |",
                  "|---:|---:|---:|---:|---:|---|"]
        for r in comps:
            lines.append(f"| {r['rows']:,} | {r['n_jobs']} | {r['local_seconds']:.1f} | "
                         f"{r['dask_seconds']:.1f} | {r['overhead_percent']:+.0f}% | "
                         f"{'yes' if r['same_leaderboard'] else 'NO'} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["make", "resample", "compare", "compare-lazy",
                                                     "report"])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench_dask"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_dask_out"))
    parser.add_argument("--rows", type=int, default=30_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="1.5GiB")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--log", type=Path, default=LOG)
    args = parser.parse_args(argv)
    if args.command == "report":
        RESULTS.write_text(report(args.log))
        print(RESULTS.read_text())
        return 0
    if args.command == "make":
        record = make(args.folder, args.rows)
    elif args.command == "resample":
        record = resample(args.folder, args.workers, args.memory_limit, args.out)
    elif args.command == "compare-lazy":
        record = compare_lazy(args.folder, args.workers, args.memory_limit,
                              Path("/tmp/bench_dask_compare"))
    else:
        record = compare(args.rows, args.jobs)
    record = {"command": args.command, **record}
    with args.log.open("a") as log:
        log.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
