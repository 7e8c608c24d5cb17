"""compare at scale: `--preset fast` on a 1,000,000-row table, time and peak memory by stage (issue 18).

The table: ``--rows`` rows of 20 numeric columns (``make_classification``, 8 informative) and 2
categorical ones (12 and 40 levels, carrying some signal), binary 1:99. ``unskew.compare`` runs
with the fast preset on ``--jobs`` processes, writing its outputs (report, model) to a temporary
folder, from an empty task cache. A thread samples the resident memory of this process and of
its children (joblib's workers) every 0.2 s; samples are assigned to compare's stages from the
result's stage timings. Memory is summed over the process tree twice: resident sets (RSS, an
upper bound: pages the workers share through joblib's memmapping count once per process) and
proportional sets (PSS: a page shared by n processes counts 1/n in each, so the sum counts it
once).

``--profile`` adds one task per strategy of the preset, timed alone in this process on the
first training fold, so the benchmark says where the task time goes.

Usage::

    python benchmarks/bench_compare_scale.py                    # 1M rows
    python benchmarks/bench_compare_scale.py --rows 200000 --profile
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import json
import os
import platform
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

RESULTS = Path(__file__).resolve().parent / "results"
STAGES = ("prepare_s", "tasks_s", "honest_and_refit_s", "diagnose_s", "outputs_s")


def scale_table(rows: int, seed: int = 0) -> pd.DataFrame:
    """20 numeric + 2 categorical columns, binary target with 1% positives."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=rows, n_features=20, n_informative=8, n_redundant=4,
                               weights=[0.99], flip_y=0.005, class_sep=0.8,
                               random_state=seed)
    frame = pd.DataFrame(X.astype(np.float64), columns=[f"x{i:02d}" for i in range(20)])
    rng = np.random.default_rng(seed)
    for name, levels, col in (("shop", 12, 0), ("region", 40, 1)):
        bins = np.digitize(X[:, col], np.quantile(X[:, col], np.linspace(0, 1, levels + 1)[1:-1]))
        noisy = np.where(rng.random(rows) < 0.6, bins, rng.integers(0, levels, rows))
        frame[name] = pd.Categorical.from_codes(noisy, [f"{name}{k}" for k in range(levels)])
    frame["fraud"] = y
    return frame


class _Memory(threading.Thread):
    """Resident memory of this process and its children, sampled until stopped."""

    def __init__(self, every: float = 0.2):
        super().__init__(daemon=True)
        self.every, self.samples = every, []
        self._halt = threading.Event()
        self._me = psutil.Process()

    def run(self):
        while not self._halt.is_set():
            total = shared = 0
            for proc in [self._me, *self._me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    info = proc.memory_full_info()
                    total += info.rss
                    # PSS splits each page shared by n processes (joblib's memmapped table)
                    # into n parts, so the sum over the tree counts it once
                    shared += getattr(info, "pss", info.rss)
            self.samples.append((time.perf_counter(), total, shared))
            self._halt.wait(self.every)

    def stop(self):
        self._halt.set()
        self.join()


def peak_by_stage(samples, start: float, timings: dict, column: int = 1) -> dict:
    """Peak of the samples that fall in each stage, from the stages' cumulative durations."""
    bounds, t = {}, start
    for stage in STAGES:
        bounds[stage] = (t, t + timings.get(stage, 0.0))
        t += timings.get(stage, 0.0)
    peaks = {}
    for stage, (lo, hi) in bounds.items():
        inside = [sample[column] for sample in samples if lo <= sample[0] < hi]
        peaks[stage] = max(inside) if inside else None
    return peaks


def profile_tasks(frame: pd.DataFrame, target: str, seed: int) -> list[dict]:
    """One task per fast-preset strategy, alone in this process, on the first training fold."""
    from sklearn.model_selection import StratifiedKFold

    from unskew.comparison.strategies import resolve
    from unskew.datasets import load_table
    from unskew.metrics import macro_f1

    dataset = load_table(frame, target=target)
    X, y = dataset.X, np.asarray(dataset.y)
    train, test = next(StratifiedKFold(5, shuffle=True, random_state=seed).split(X, y))
    rows = []
    for strategy in resolve(preset="fast"):
        model = strategy.build(dataset.feature_types, seed)
        t0 = time.perf_counter()
        model.fit(X.iloc[train], y[train])
        fit_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        pred = model.predict(X.iloc[test])
        rows.append({"strategy": strategy.name, "fit_s": fit_s,
                     "predict_s": time.perf_counter() - t0,
                     "macro_f1": float(macro_f1(y[test], pred))})
        print(f"   {strategy.name}: fit {fit_s:.1f}s", flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true",
                        help="also time one task per strategy alone")
    parser.add_argument("--log", default=str(RESULTS / "bench_compare_scale.jsonl"))
    args = parser.parse_args(argv)

    import unskew

    started = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()
    frame = scale_table(args.rows, args.seed)
    print(f"table: {frame.shape[0]:,} rows x {frame.shape[1] - 1} columns, "
          f"{frame['fraud'].mean():.4f} positive, "
          f"{frame.memory_usage(deep=True).sum() / 2**20:.0f} MiB", flush=True)
    record = {"started": started, "rows": args.rows, "jobs": args.jobs, "seed": args.seed,
              "load_at_start": load, "cores": os.cpu_count(), "machine": platform.machine(),
              "version": unskew.__version__}
    if args.profile:
        record["profile"] = profile_tasks(frame, "fraud", args.seed)
    memory = _Memory()
    with tempfile.TemporaryDirectory() as out:
        memory.start()
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = unskew.compare(frame, target="fraud", preset="fast", n_jobs=args.jobs,
                                    out=out, random_state=args.seed, progress=True)
        wall = time.perf_counter() - t0
        memory.stop()
    timings = dict(result.timings)
    peaks = peak_by_stage(memory.samples, t0, timings)
    pss_peaks = peak_by_stage(memory.samples, t0, timings, column=2)
    record.update(wall_s=wall, timings=timings, peak_rss_by_stage=peaks,
                  peak_rss=max(sample[1] for sample in memory.samples),
                  peak_pss_by_stage=pss_peaks,
                  peak_pss=max(sample[2] for sample in memory.samples), winner=result.best_,
                  repeats=result.settings["repeats"],
                  leaderboard=result.leaderboard[["strategy", "status", "macro_f1",
                                                  "macro_f1_low", "macro_f1_high", "fit_time"]]
                  .to_dict("records"))
    print(f"wall {wall:.0f} s, peak {record['peak_rss'] / 2**30:.2f} GiB RSS, "
          f"{record['peak_pss'] / 2**30:.2f} GiB PSS, winner {result.best_}")
    for stage in STAGES:
        peak = peaks.get(stage)
        print(f"  {stage:<20} {timings.get(stage, 0.0):7.1f} s   peak "
              f"{'-' if peak is None else f'{peak / 2**30:.2f} GiB'}")
    Path(args.log).parent.mkdir(parents=True, exist_ok=True)
    with open(args.log, "a") as fh:
        fh.write(json.dumps(record, default=str) + "\n")
    Path(args.log).with_suffix(".md").write_text(report(Path(args.log)))
    return 0


def report(log: Path) -> str:
    """Markdown of every run in ``log``: time and peak memory by stage, the task profile."""
    runs = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    lines = ["# compare --preset fast at scale (issue 18)", "",
             "`python benchmarks/bench_compare_scale.py --rows N [--profile]`: 20 numeric + 2 "
             "categorical columns, binary 1:99, `unskew.compare(frame, preset='fast', "
             "n_jobs=2)` from an empty cache, report and model written. Memory: resident sets "
             "summed over the process tree (an upper bound). Target: 1,000,000 rows in at most "
             "10 minutes and 4 GiB on 2 cores.", ""]
    for r in runs:
        lines += [f"## {r['rows']:,} rows, {r['jobs']} jobs (started {r['started']}, load "
                  f"{r['load_at_start'][0]:.1f}, unskew {r['version']}, repeats "
                  f"{r.get('repeats', '?')})", "",
                  f"Wall {r['wall_s']:.0f} s, peak {r['peak_rss'] / 2**30:.2f} GiB (RSS summed)"
                  + (f", {r['peak_pss'] / 2**30:.2f} GiB (PSS summed: shared pages once)"
                     if "peak_pss" in r else "") + f", winner {r['winner']}.", "",
                  "| stage | seconds | peak RSS, summed | peak PSS, summed |",
                  "|---|---:|---:|---:|"]

        def gib(value):
            return "-" if value is None else f"{value / 2**30:.2f} GiB"

        for stage in STAGES:
            lines.append(f"| {stage} | {r['timings'].get(stage, 0.0):.1f} | "
                         f"{gib(r['peak_rss_by_stage'].get(stage))} | "
                         f"{gib(r.get('peak_pss_by_stage', {}).get(stage))} |")
        if r.get("profile"):
            lines += ["", "One task per strategy alone in this process (first training fold, "
                      "all cores):", "", "| strategy | fit s | predict s | macro-F1 |",
                      "|---|---:|---:|---:|"]
            lines += [f"| {p['strategy']} | {p['fit_s']:.1f} | {p['predict_s']:.1f} | "
                      f"{p['macro_f1']:.3f} |" for p in r["profile"]]
        if r.get("leaderboard"):
            lines += ["", "| strategy | status | macro-F1 [95% CI] | fit s |",
                      "|---|---|---|---:|"]
            lines += [f"| {b['strategy']} | {b['status']} | {b['macro_f1']:.3f} "
                      f"[{b['macro_f1_low']:.3f}, {b['macro_f1_high']:.3f}] | "
                      f"{b['fit_time']:.1f} |" for b in r["leaderboard"]]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
