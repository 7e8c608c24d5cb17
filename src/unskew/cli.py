"""The ``unskew`` command line: parse arguments, call the library, print.

``main(argv=None) -> int`` is testable in-process; subcommands come from one registry
(:mod:`unskew._cli._registry`). Only the standard library is imported until a command runs, so
``unskew --help`` answers at once.
"""

from __future__ import annotations

import argparse
import sys

from ._cli._registry import commands
from ._version import __version__

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-parser per registered command.

    Examples
    --------
    >>> parser = build_parser()
    >>> parser.parse_args(["diagnose", "binary:yeast4"]).command
    'diagnose'
    """
    parser = argparse.ArgumentParser(
        prog="unskew",
        description="Learn from class-imbalanced data: diagnose it, compare strategies, "
        "keep the best model.",
    )
    parser.add_argument("--version", action="version", version=f"unskew {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in commands().values():
        child = sub.add_parser(command.name, help=command.help,
                               description=command.description or command.help)
        command.add_arguments(child)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``unskew`` command line and return its exit status.

    Exit status: 0 on success, 1 when a command fails on bad input (the message says why and how
    to fix it), 2 for a usage error, 130 when interrupted.

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    unskew 0.1.0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from .exceptions import UnskewError

    try:
        return commands()[args.command].run(args)
    except UnskewError as exc:
        print(f"unskew {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"unskew {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
