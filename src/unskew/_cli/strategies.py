"""``unskew strategies``: the catalogue of strategies ``compare`` can run."""

from __future__ import annotations

import argparse

from ._registry import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preset", choices=("fast", "default", "thorough"), default=None,
                        help="only the strategies of one preset")


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ..comparison.strategies import REGISTRY

    chosen = [s for s in REGISTRY.values() if args.preset is None or args.preset in s.presets]
    table = Table(title=f"{len(chosen)} strategies")
    for column in ("name", "family", "presets", "description"):
        table.add_column(column, no_wrap=column == "name")
    for s in chosen:
        presets = ",".join(p for p in ("fast", "default", "thorough") if p in s.presets)
        notes = [f"needs unskew[{s.requires}]"] if not s.available else []
        notes += ["binary targets only"] if s.binary_only else []
        table.add_row(escape(s.name), s.family, presets,
                      escape(s.description + (f" ({'; '.join(notes)})" if notes else "")))
    Console().print(table)
    return 0


COMMAND = Command(
    name="strategies",
    help="list the strategies compare can run",
    add_arguments=_add_arguments,
    run=_run,
)
