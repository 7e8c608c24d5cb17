"""Argument helpers shared by subcommands."""

from __future__ import annotations

import argparse


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
    """Load DATA as a benchmark name or a table (see :func:`unskew.datasets.as_dataset`)."""
    from ..datasets import as_dataset
    from ..exceptions import DataError

    try:
        return as_dataset(args.data, args.target, drop=args.drop, text=args.text)
    except DataError as exc:
        # the Python API says "target="; the command line spells it --target COL
        message = str(exc).replace("target= is only", "--target is only")
        raise DataError(message.replace("target= is", "--target COL is")) from exc
