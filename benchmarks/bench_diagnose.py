"""Time ``unskew.diagnose`` on a large synthetic imbalanced table and print each check's time.

Usage::

    PYTHONPATH=src python benchmarks/bench_diagnose.py --rows 1000000 --features 50

The table comes from :func:`sklearn.datasets.make_classification` with a 99 : 1 class split.
Building it and wrapping it in a ``Dataset`` are timed separately from ``diagnose`` itself.
"""

from __future__ import annotations

import argparse
import os
import platform
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows (default: 1,000,000)")
    parser.add_argument("--features", type=int, default=50, help="numeric features (default: 50)")
    parser.add_argument("--classes", type=int, default=2,
                        help="classes; the first holds 99%% of the rows (default: 2)")
    parser.add_argument("--max-rows", type=int, default=None,
                        help="diagnose's max_rows (default: the library default)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    args = parser.parse_args(argv)

    import pandas as pd
    from sklearn.datasets import make_classification

    from unskew.datasets import load_table
    from unskew.diagnosis import diagnose

    tick = time.perf_counter()
    rest = 0.01 / (args.classes - 1)
    X, y = make_classification(
        n_samples=args.rows, n_features=args.features, n_informative=min(10, args.features),
        n_redundant=0, n_classes=args.classes, n_clusters_per_class=1,
        weights=[0.99] + [rest] * (args.classes - 2), flip_y=0.001, random_state=args.seed,
    )
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(args.features)])
    frame["label"] = y
    made = time.perf_counter() - tick

    tick = time.perf_counter()
    dataset = load_table(frame, target="label", name="synthetic")
    loaded = time.perf_counter() - tick

    kwargs = {} if args.max_rows is None else {"max_rows": args.max_rows}
    tick = time.perf_counter()
    profile = diagnose(dataset, random_state=args.seed, **kwargs)
    elapsed = time.perf_counter() - tick

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    print(f"data: {args.rows:,} rows x {args.features} features, {args.classes} classes "
          f"{profile.class_counts}")
    print(f"make_classification {made:.1f}s, load_table {loaded:.1f}s")
    print(f"diagnose: {elapsed:.1f}s (n_rows_checked={profile.n_rows_checked:,})")
    for step, seconds in profile.timings.items():
        print(f"  {step:<14}{seconds:8.2f}s")
    print(f"warnings: {[w.code for w in profile.warnings]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
