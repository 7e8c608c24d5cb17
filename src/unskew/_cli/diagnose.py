"""``unskew diagnose``: profile a dataset's imbalance, overlap, outliers and label issues."""

from __future__ import annotations

import argparse

from ._common import add_data_arguments, load_data
from ._registry import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_arguments(parser)
    parser.add_argument("--json", metavar="PATH", default=None,
                        help="also write the profile as JSON to PATH ('-' for stdout only)")
    parser.add_argument("--head-min", type=int, default=100, metavar="N",
                        help="a class with more than N rows is 'head' (default: 100)")
    parser.add_argument("--tail-max", type=int, default=20, metavar="N",
                        help="a class with fewer than N rows is 'tail' (default: 20)")
    parser.add_argument("--folds", type=int, default=5, metavar="K",
                        help="cross-validation folds the data is meant for (default: 5)")
    parser.add_argument("--max-rows", type=int, default=100_000, metavar="N",
                        help="neighbour and label checks use a stratified sample of at most N "
                        "rows (default: 100000; the profile says when it sampled)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")


def _run(args: argparse.Namespace) -> int:
    import sys

    from rich.console import Console
    from rich.markup import escape

    dataset = load_data(args)  # data errors first: they need no model code

    from ..diagnosis import diagnose

    profile = diagnose(dataset, head_min=args.head_min, tail_max=args.tail_max, cv=args.folds,
                       max_rows=args.max_rows, random_state=args.seed)
    if args.json == "-":
        sys.stdout.write(profile.to_json() + "\n")
        return 0
    for note in dataset.notes:
        Console(stderr=True).print(f"[yellow]note:[/] {escape(note)}")
    Console().print(profile.to_rich())
    if args.json:
        profile.to_json(args.json)
        Console(stderr=True).print(f"profile written to {args.json}")
    return 0


COMMAND = Command(
    name="diagnose",
    help="profile a dataset: class counts, imbalance, overlap, outliers, label issues",
    description="Profile a labelled table or bundled benchmark and warn about what will hurt "
    "imbalanced learning (tiny classes, overlap, outliers, suspected label errors).",
    add_arguments=_add_arguments,
    run=_run,
)
