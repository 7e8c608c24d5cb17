"""Time forward + backward of unskew's focal loss against a naive one and kornia's, same run.

Usage::

    PYTHONPATH=src python benchmarks/bench_losses.py            # writes benchmarks/results/bench_losses.md

CPU, float32 logits of shape (N, C) for N in {4096, 65536} and C in {10, 100, 1000}, gamma=2,
alpha=None, reduction="mean". The contenders run round-robin (one call each, repeated), so a busy
machine slows them alike; the table reports the median time of each and the ratios to ours, which
are what carries over to another machine. ``F.cross_entropy`` is the floor: a focal loss cannot
be cheaper than the cross-entropy it modulates.

- ``naive``: ``softmax`` then ``log``, a one-hot mask and ``(1 - p) ** gamma`` over the full matrix,
  the way focal loss is often written by hand (and it overflows to NaN for large logits).
- ``kornia``: ``kornia.losses.focal_loss`` (its mean divides by N * C; the scale does not matter
  for the timing).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path


def _naive_focal(logits, target, gamma=2.0):
    import torch.nn.functional as F

    p = F.softmax(logits, dim=1)
    onehot = F.one_hot(target, logits.shape[1]).to(logits.dtype)
    return -(onehot * (1 - p) ** gamma * p.log()).sum(1).mean()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[4096, 65536])
    parser.add_argument("--classes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default: 1)")
    parser.add_argument("--min-time", type=float, default=1.0,
                        help="seconds of timing per contender and shape (default: 1.0)")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "bench_losses.md")
    args = parser.parse_args(argv)

    import kornia
    import torch
    import torch.nn.functional as F

    from unskew.losses import focal_loss

    torch.set_num_threads(args.threads)
    contenders = {
        "unskew": lambda z, t: focal_loss(z, t, gamma=2.0),
        "naive": _naive_focal,
        "kornia": lambda z, t: kornia.losses.focal_loss(z, t, alpha=None, gamma=2.0,
                                                        reduction="mean"),
        "F.cross_entropy": F.cross_entropy,
    }

    def step(fn, base, target):
        z = base.detach().requires_grad_(True)
        tick = time.perf_counter()
        fn(z, target).backward()
        return time.perf_counter() - tick

    rows = []
    for n in args.rows:
        for c in args.classes:
            gen = torch.Generator().manual_seed(0)
            logits = torch.randn(n, c, generator=gen) * 3
            target = torch.randint(c, (n,), generator=gen)
            # the three focal losses agree (kornia's mean is ours / C)
            ours = focal_loss(logits, target).item()
            naive = _naive_focal(logits, target).item()
            korn = contenders["kornia"](logits, target).item() * c
            agree = abs(ours - naive) <= 1e-4 * abs(ours) and abs(ours - korn) <= 1e-4 * abs(ours)
            for fn in contenders.values():  # warm-up
                step(fn, logits, target)
            once = max(step(contenders["naive"], logits, target), 1e-4)
            repeats = max(3, min(50, int(args.min_time / once)))
            times = {name: [] for name in contenders}
            for _ in range(repeats):
                for name, fn in contenders.items():
                    times[name].append(step(fn, logits, target))
            med = {name: statistics.median(ts) * 1e3 for name, ts in times.items()}
            rows.append((n, c, med, repeats, agree))
            print(f"N={n:>6} C={c:>5}  " + "  ".join(f"{k} {v:8.2f} ms" for k, v in med.items())
                  + f"  (x{repeats}, agree={agree})", flush=True)

    lines = [
        "# Focal loss: forward + backward time, CPU float32",
        "",
        f"`python benchmarks/bench_losses.py`, torch {torch.__version__}, kornia "
        f"{kornia.__version__}, torch.set_num_threads({args.threads}), "
        f"{platform.processor() or platform.machine()} ({os.cpu_count()} CPUs, shared with other "
        "jobs: read the ratios, not the milliseconds). Median of round-robin repeats; gamma=2, "
        "alpha=None, mean reduction.",
        "",
        "| N | C | unskew (ms) | naive (ms) | kornia (ms) | F.cross_entropy (ms) | naive / unskew "
        "| kornia / unskew | unskew / CE | values agree |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for n, c, med, _, agree in rows:
        u = med["unskew"]
        lines.append(
            f"| {n} | {c} | {u:.2f} | {med['naive']:.2f} | {med['kornia']:.2f} | "
            f"{med['F.cross_entropy']:.2f} | {med['naive'] / u:.2f} | {med['kornia'] / u:.2f} | "
            f"{u / med['F.cross_entropy']:.2f} | {'yes' if agree else 'NO'} |"
        )
    lines += [
        "",
        "Ratios above 1 mean unskew is faster. `naive` is softmax -> log -> one-hot over the full "
        "matrix; kornia switches to a chunked custom autograd function from 2**19 logits.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
