"""Argument helpers shared by subcommands."""

from __future__ import annotations

import argparse
import os


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """DATA positional plus --target/--drop/--text, the same in every data-reading command."""
    parser.add_argument(
        "data",
        metavar="DATA",
        help="a CSV/Parquet file, or a bundled benchmark such as binary:yeast4 "
        "(list them with `unskew benchmarks`)",
    )
    parser.add_argument("--target", "-t", metavar="COL", help="the label column (for a table)")
    parser.add_argument("--drop", metavar="COL", nargs="+", default=None,
                        help="columns to leave out of the features (e.g. ids)")
    parser.add_argument("--text", metavar="COL", nargs="+", default=None,
                        help="columns to treat as free text")


def load_data(args: argparse.Namespace):
    """Load DATA as a benchmark name or a table, with errors that say which one was meant."""
    from ..datasets import load_benchmark, load_table
    from ..exceptions import DataError

    looks_like_file = os.path.exists(args.data) or os.sep in args.data or "." in args.data
    if not looks_like_file:
        if args.target is not None:
            raise DataError(
                f"--target is only for tables; {args.data!r} is read as a bundled benchmark, whose "
                "target is known. Pass a file path to read a table."
            )
        return load_benchmark(args.data)
    if args.target is None:
        raise DataError(
            f"--target COL is required for the table {args.data!r}: name the label column"
        )
    return load_table(args.data, args.target, drop=args.drop, text=args.text)
