"""The one table of subcommands that the parser, ``--help`` and error messages read."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, one-line help, argument declarations and the function to run."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    description: str = ""


# Subcommand modules, in the order ``unskew --help`` lists them. Adding a command means adding a
# module under unskew/_cli/ that defines COMMAND, and its name here.
COMMAND_MODULES = ("compare", "predict", "show", "diagnose", "strategies", "benchmarks",
                   "_finetune")


def commands() -> dict[str, Command]:
    """Import every subcommand module (cheap: standard library only) and return their table."""
    table = {}
    for module_name in COMMAND_MODULES:
        command = import_module(f"unskew._cli.{module_name}").COMMAND
        table[command.name] = command
    return table
