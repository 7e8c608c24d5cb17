"""``unskew compare``: cross-validate imbalance strategies and keep the best model."""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from ._common import add_data_arguments, add_options
from ._registry import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..comparison import DATA_OPTIONS, OPTIONS

    add_data_arguments(parser)
    add_options(parser, [o for o in OPTIONS if o not in DATA_OPTIONS])
    parser.add_argument("--out", "-o", default="unskew-out", metavar="DIR",
                        help="output folder (default: unskew-out)")


def _run(args: argparse.Namespace) -> int:
    from ..comparison import OPTIONS, compare
    from ._common import cli_wording, from_arguments
    from ._render import leaderboard_table

    command = "unskew " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv else None
    with cli_wording():
        result = compare(args.data, **from_arguments(args, OPTIONS), out=args.out, command=command)
    from rich.console import Console
    from rich.markup import escape

    # a pipe or CI log has no width; 120 columns keep the leaderboard readable there
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(leaderboard_table(result))
    for note in result.warnings:
        console.print(f"[yellow]note:[/] {escape(note)}")
    for leak in result.dataset.get("leakage", []):
        console.print(f"[bold red]warning:[/] column {escape(repr(leak['column']))} alone "
                      f"predicts the label (balanced accuracy {leak['score']:.3f} out of fold): "
                      "scores that rely on it will not hold on new data unless it is known "
                      "before the outcome")
    honest = result.honest
    if honest["method"] == "holdout":
        console.print(
            f"winner [bold]{escape(result.best_)}[/]: {honest['metric']} = {honest['mean']:.3f} "
            f"[{honest['low']:.3f}, {honest['high']:.3f}] on {honest['n_rows']} held-out rows")
    report = os.path.abspath(os.path.join(args.out, "report.html"))
    console.print(f"model:  {escape(os.path.abspath(os.path.join(args.out, 'model.skops')))}")
    console.print(f"report: {escape(report)}")
    return 0


COMMAND = Command(
    name="compare",
    help="cross-validate imbalance strategies, rank them, save the best model and a report",
    description="Cross-validate many imbalance strategies on a table or benchmark (resampling "
    "only inside training folds), rank them with confidence intervals, write an HTML report "
    "and save the winner with skops.",
    add_arguments=_add_arguments,
    run=_run,
)
