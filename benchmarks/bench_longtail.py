"""Long-tail quality table for TorchMLPClassifier's training recipes (issue 7).

Each task is made long-tailed with an exponential profile (class ``c`` of ``C`` keeps
``n_max * ratio ** (-c / (C - 1))`` training rows) and scored on a test set with the same number
of rows per class, the protocol of the long-tail literature (CIFAR-LT, ImageNet-LT):

- ``digits-r10`` / ``digits-r20``: scikit-learn's digits, 25 test rows per class, head 150
  training rows, tail 15 (ratio 10) or 7-8 (ratio 20);
- ``synth20-r100``: ``make_classification`` with 20 classes, head 5,000 training rows, tail 50,
  200 test rows per class.

Every recipe trains the same MLP (inputs standardised, Adam, early stopping on a stratified 10%
hold-out) with: cross-entropy, focal, class-balanced focal, LDAM-DRW, logit-adjusted loss,
balanced softmax, and cross-entropy followed by post-hoc logit adjustment (tau = 1). Seeds vary
the split, the initial weights and the batch order. The table gives balanced accuracy and the
mean accuracy of the tail classes (fewer than ``tail_max`` training rows), mean and 95%
t-interval over the seeds.

Run ``python benchmarks/bench_longtail.py`` (full: 5 seeds) or ``--quick`` (1 seed, fewer epochs,
a smoke run). Writes ``benchmarks/results/bench_longtail.md`` and ``.csv`` (``--quick`` writes
``bench_longtail_quick.*``).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from scipy import stats
from sklearn.datasets import load_digits, make_classification
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from torch.utils.data import WeightedRandomSampler

from unskew.metrics import balanced_accuracy, head_medium_tail_accuracy
from unskew.nn import TorchMLPClassifier
from unskew.samplers import ClassBalancedSampler

RESULTS = Path(__file__).parent / "results"

# recipe name -> TorchMLPClassifier parameters (the MLP itself is the task's)
RECIPES = {
    "CE": {"loss": "ce"},
    "focal (gamma=2)": {"loss": "focal", "loss_params": {"gamma": 2.0}},
    "CB-focal (beta=0.9999)": {"loss": "class-balanced",
                               "loss_params": {"base": "focal", "beta": 0.9999, "gamma": 2.0}},
    "LDAM-DRW": {"loss": "ldam-drw"},
    "logit-adjusted loss": {"loss": "logit-adjusted"},
    "balanced softmax": {"loss": "balanced-softmax"},
    "CE + post-hoc LA": {"loss": "ce", "posthoc_tau": 1.0},
    "CE + class-balanced sampler": {"loss": "ce", "sampler": "class-balanced"},
    "CE + progressive sampler": {"loss": "ce", "sampler": "progressive"},
    # the peer: scikit-learn's MLP with the same layers, batch size and epoch budget
    "sklearn MLPClassifier (peer)": None,
}


@dataclass(frozen=True)
class Task:
    name: str
    n_classes: int
    ratio: float
    n_max: int
    test_per_class: int
    tail_max: int
    mlp: dict


def exponential_profile(n_classes: int, n_max: int, ratio: float) -> np.ndarray:
    """Training rows per class: ``n_max * ratio ** (-c / (C - 1))``, at least 1."""
    c = np.arange(n_classes)
    return np.maximum(1, np.round(n_max * ratio ** (-c / (n_classes - 1)))).astype(int)


def long_tailed_split(X, y, task: Task, seed: int):
    """A long-tailed training set and a class-balanced test set, drawn per class."""
    rng = np.random.default_rng(seed)
    classes = np.unique(y)
    sizes = exponential_profile(classes.size, task.n_max, task.ratio)
    train, test = [], []
    for c, n_train in zip(classes, sizes, strict=True):
        rows = rng.permutation(np.flatnonzero(y == c))
        if rows.size < n_train + task.test_per_class:
            raise ValueError(f"{task.name}: class {c} has {rows.size} rows, needs "
                             f"{n_train + task.test_per_class}")
        test.append(rows[: task.test_per_class])
        train.append(rows[task.test_per_class: task.test_per_class + n_train])
    train, test = np.concatenate(train), np.concatenate(test)
    return X[train], y[train], X[test], y[test]


def load_task(name: str):
    if name.startswith("digits"):
        X, y = load_digits(return_X_y=True)
        return X.astype(np.float32), y
    # a fixed pool (seed 0); the benchmark's seeds vary the draw from it
    X, y = make_classification(n_samples=20 * 5300, n_features=32, n_informative=12,
                               n_redundant=4, n_classes=20, n_clusters_per_class=2,
                               class_sep=1.5, flip_y=0.0, random_state=0)
    return X.astype(np.float32), y


def tasks(quick: bool) -> list[Task]:
    epochs = 30 if quick else 100
    digits_mlp = {"hidden_layer_sizes": (128,), "batch_size": 64, "max_epochs": epochs}
    synth_mlp = {"hidden_layer_sizes": (128, 64), "batch_size": 256,
                 "max_epochs": 15 if quick else 60}
    return [
        Task("digits-r10", 10, 10, 150, 25, 20, digits_mlp),
        Task("digits-r20", 10, 20, 150, 25, 20, digits_mlp),
        # n_max / tail_max as for digits would leave the tail empty: classes under 100 rows
        Task("synth20-r100", 20, 100, 5000, 200, 100, synth_mlp),
    ]


def make_model(task: Task, params: dict | None, seed: int):
    if params is not None:
        return TorchMLPClassifier(**task.mlp, **params, random_state=seed)
    return MLPClassifier(task.mlp["hidden_layer_sizes"], batch_size=task.mlp["batch_size"],
                         max_iter=task.mlp["max_epochs"], early_stopping=True,
                         n_iter_no_change=10, random_state=seed)


def sampler_timing(n_rows: int = 1_000_000, n_classes: int = 100, repeats: int = 3) -> dict:
    """Seconds per epoch of indices: ClassBalancedSampler vs torch's WeightedRandomSampler.

    Both draw ``n_rows`` indices with replacement and the same class-balanced probabilities.
    """
    rng = np.random.default_rng(0)
    probs = 0.97 ** np.arange(n_classes)
    labels = rng.choice(n_classes, size=n_rows, p=probs / probs.sum())
    counts = np.bincount(labels, minlength=n_classes)
    ours = ClassBalancedSampler(labels, seed=0)
    row_weights = torch.from_numpy(1.0 / counts[labels])
    peer = WeightedRandomSampler(row_weights, n_rows, replacement=True,
                                 generator=torch.Generator().manual_seed(0))
    out = {"n_rows": n_rows}
    for name, sampler in (("unskew ClassBalancedSampler", ours),
                          ("torch WeightedRandomSampler", peer)):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in sampler:
                pass
            times.append(time.perf_counter() - start)
        out[name] = min(times)
    return out


def fmt(values) -> str:
    """``mean ± half-width`` of the 95% t-interval, or the value alone for one seed."""
    mean, half = t_interval(values)
    return f"{mean:.3f}" if len(values) < 2 else f"{mean:.3f} ± {half:.3f}"


def t_interval(values) -> tuple[float, float]:
    """Mean and half-width of the 95% t-interval (0 for a single value)."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        return float(values.mean()), 0.0
    half = stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return float(values.mean()), float(half)


def run(quick: bool, seeds: list[int], only: list[str] | None = None) -> pd.DataFrame:
    rows = []
    for task in tasks(quick):
        if only and task.name not in only:
            continue
        X, y = load_task(task.name)
        for seed in seeds:
            X_tr, y_tr, X_te, y_te = long_tailed_split(X, y, task, seed)
            counts = dict(zip(*np.unique(y_tr, return_counts=True), strict=True))
            for recipe, params in RECIPES.items():
                start = time.perf_counter()
                model = make_pipeline(StandardScaler(), make_model(task, params, seed))
                model.fit(X_tr, y_tr)
                pred = model.predict(X_te)
                buckets = head_medium_tail_accuracy(y_te, pred, train_counts=counts,
                                                    tail_max=task.tail_max)
                rows.append({
                    "task": task.name, "recipe": recipe, "seed": seed,
                    "balanced_accuracy": balanced_accuracy(y_te, pred),
                    "tail_accuracy": buckets.tail,
                    "n_tail_classes": len(buckets.tail_classes),
                    "n_train": len(y_tr), "epochs": model[-1].n_iter_,
                    "threads": torch.get_num_threads(),
                    "seconds": time.perf_counter() - start,
                })
                print(f"{task.name:13s} seed {seed} {recipe:24s} "
                      f"bacc {rows[-1]['balanced_accuracy']:.3f} tail {buckets.tail:.3f} "
                      f"({rows[-1]['seconds']:.1f}s, {rows[-1]['epochs']} epochs)", flush=True)
    return pd.DataFrame(rows)


def to_markdown(df: pd.DataFrame, quick: bool, seeds: list[int], wall: float,
                timing: dict | None = None) -> str:
    lines = [
        "# Long-tail benchmark: TorchMLPClassifier recipes",
        "",
        f"Generated by `benchmarks/bench_longtail.py{' --quick' if quick else ''}` "
        f"({len(seeds)} seed{'s' if len(seeds) > 1 else ''}, torch {torch.__version__}, "
        f"1 CPU thread, {wall / 60:.1f} min). Balanced test sets; mean and 95% t-interval over "
        "seeds. Tail = classes with fewer than `tail_max` training rows.",
        "",
    ]
    for task in tasks(quick):
        part = df[df.task == task.name]
        if part.empty:
            continue
        first = part.iloc[0]
        lines += [
            f"## {task.name}: ratio {task.ratio:g}, head {task.n_max} / tail "
            f"{exponential_profile(task.n_classes, task.n_max, task.ratio)[-1]} "
            f"training rows, {first.n_train} training rows in all, tail_max {task.tail_max} "
            f"({first.n_tail_classes} tail classes)",
            "",
            "| recipe | balanced accuracy | tail accuracy | epochs | s / fit |",
            "|---|---|---|---|---|",
        ]
        for recipe in RECIPES:
            r = part[part.recipe == recipe]
            lines.append(f"| {recipe} | {fmt(r.balanced_accuracy)} | {fmt(r.tail_accuracy)} | "
                         f"{r.epochs.mean():.0f} | {r.seconds.mean():.1f} |")
        lines.append("")
    if timing:
        timing = dict(timing)
        timing_rows = timing.pop("n_rows")
        ours, peer = timing.values()
        lines += [
            f"## Sampler speed: one epoch of {timing_rows:,} class-balanced indices (100 classes)",
            "",
            "| sampler | seconds (best of 3) |",
            "|---|---|",
            *(f"| {name} | {sec:.2f} |" for name, sec in timing.items()),
            "",
            f"Ratio unskew / torch: {ours / peer:.2f} (measured in the same run).",
            "",
        ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 seed, fewer epochs (smoke run)")
    parser.add_argument("--seeds", type=int, default=None, help="number of seeds (default 5)")
    parser.add_argument("--tasks", nargs="*", default=None, help="only these task names")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # the machine is shared; timings are per single thread
    n_seeds = args.seeds or (1 if args.quick else 5)
    seeds = list(range(n_seeds))
    start = time.perf_counter()
    df = run(args.quick, seeds, args.tasks)
    wall = time.perf_counter() - start
    timing = sampler_timing(n_rows=100_000 if args.quick else 1_000_000)
    RESULTS.mkdir(exist_ok=True)
    stem = "bench_longtail_quick" if args.quick else "bench_longtail"
    df.to_csv(RESULTS / f"{stem}.csv", index=False)
    report = to_markdown(df, args.quick, seeds, wall, timing)
    (RESULTS / f"{stem}.md").write_text(report + "\n")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
