"""Argument helpers shared by subcommands."""

from __future__ import annotations

import argparse
import contextlib


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
    parser.add_argument("--sep", metavar="CHAR", default=None,
                        help="CSV field separator (default: detected among , ; tab |)")
    parser.add_argument("--decimal", metavar="CHAR", default=None,
                        help="CSV decimal mark (default: '.', or ',' when detected)")


def data_options(args: argparse.Namespace) -> dict:
    """The table-reading keywords of :func:`unskew.datasets.as_dataset` from the flags."""
    return {"target": args.target, "drop": args.drop, "text": args.text,
            "sep": _unescape(args.sep), "decimal": args.decimal}


@contextlib.contextmanager
def cli_wording():
    """Re-raise data errors with the command line's spelling of the options."""
    from ..exceptions import DataError

    try:
        yield
    except DataError as exc:
        # the Python API says "target="; the command line spells it --target COL
        message = str(exc).replace("target= is only", "--target is only")
        message = message.replace("target= is", "--target COL is")
        if message == str(exc):
            raise
        raise DataError(message) from exc


def load_data(args: argparse.Namespace):
    """Load DATA as a benchmark name or a table (see :func:`unskew.datasets.as_dataset`)."""
    from ..datasets import as_dataset

    with cli_wording():
        return as_dataset(args.data, **data_options(args))


def _unescape(sep: str | None) -> str | None:
    """``--sep '\\t'`` (as typed in a shell) means a tab."""
    return "\t" if sep in ("\\t", "tab") else sep
