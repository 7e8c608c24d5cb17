"""``unskew compare``: cross-validate imbalance strategies and keep the best model."""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from ._common import add_data_arguments
from ._registry import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_arguments(parser)
    parser.add_argument("--metric", "-m", default="macro_f1",
                        help="selection metric (default: macro_f1; all others are reported)")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--strategies", "-s", default=None, metavar="A,B,...",
                        help="comma-separated strategy names (list them with `unskew strategies`)")
    choice.add_argument("--preset", choices=("fast", "default", "thorough"), default="default",
                        help="which catalogue of strategies to run (default: default)")
    parser.add_argument("--folds", "-k", type=int, default=5, help="folds (default: 5)")
    parser.add_argument("--repeats", "-r", type=int, default=2,
                        help="repeats of the K-fold (default: 2)")
    split = parser.add_mutually_exclusive_group()
    split.add_argument("--groups", metavar="COL", default=None,
                       help="keep each value of COL (a patient, a customer) in one fold")
    split.add_argument("--time", metavar="COL", default=None,
                       help="split forward in time along COL (train on the past)")
    parser.add_argument("--min-class-size", type=int, default=None, metavar="N",
                        help="drop classes with fewer than N rows")
    parser.add_argument("--holdout", type=float, default=0.2,
                        help="share of rows held out for the winner's honest score (default 0.2)")
    parser.add_argument("--time-budget", type=float, default=None, metavar="S",
                        help="skip strategies not started after S seconds")
    parser.add_argument("--task-timeout", type=float, default=None, metavar="S",
                        help="stop one strategy's fit on one fold after S seconds (recorded "
                             "as timed out; the run goes on)")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--out", "-o", default="unskew-out", metavar="DIR",
                        help="output folder (default: unskew-out)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--keep-ids", nargs="*", default=None, metavar="COL",
                        help="keep columns that look like row identifiers as features (all of "
                             "them, or those named); by default they are left out")


def _run(args: argparse.Namespace) -> int:
    from ..comparison import compare
    from ._common import cli_wording, data_options
    from ._render import leaderboard_table

    keep_ids = False if args.keep_ids is None else (args.keep_ids or True)
    command = "unskew " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv else None
    with cli_wording():
        result = compare(args.data, **data_options(args), metric=args.metric,
                         strategies=args.strategies, preset=args.preset, folds=args.folds,
                         repeats=args.repeats, groups=args.groups, time_column=args.time,
                         min_class_size=args.min_class_size, holdout=args.holdout,
                         time_budget=args.time_budget, task_timeout=args.task_timeout,
                         n_jobs=args.jobs, out=args.out, random_state=args.seed,
                         keep_ids=keep_ids, command=command)
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
