"""Argument helpers shared by subcommands."""

from __future__ import annotations

import argparse
import contextlib


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """DATA positional plus the table-reading flags, the same in every data-reading command.

    The flags come from the one settings table (:data:`unskew.comparison.OPTIONS`).
    """
    from ..comparison import DATA_OPTIONS

    parser.add_argument(
        "data",
        metavar="DATA",
        help="a CSV/Parquet file, or a bundled benchmark such as binary:yeast4 "
        "(list them with `unskew benchmarks`)",
    )
    add_options(parser, DATA_OPTIONS)


def data_options(args: argparse.Namespace) -> dict:
    """The table-reading keywords of :func:`unskew.datasets.as_dataset` from the flags."""
    from ..comparison import DATA_OPTIONS

    return from_arguments(args, DATA_OPTIONS)


def add_option(parser, option) -> None:
    """Add one setting's flag (a row of :data:`unskew.comparison.OPTIONS`) to ``parser``."""
    flags = [option.flag] + ([option.short] if option.short else [])
    kwargs = {"dest": option.name, "default": option.default, "help": option.help}
    if option.kind == "bool":
        parser.add_argument(*flags, action=argparse.BooleanOptionalAction, **kwargs)
        return
    if option.kind == "list":
        kwargs["nargs"] = "+"
    elif option.kind == "flag_or_list":
        kwargs["nargs"] = "*"
    if option.choices:
        kwargs["choices"] = option.choices
    else:
        kwargs["metavar"] = option.metavar or option.flag.lstrip("-").upper().replace("-", "_")
        if option.kind in ("value", "names"):
            kwargs["type"] = option.type
    parser.add_argument(*flags, **kwargs)


def add_options(parser, options) -> None:
    """Add the flags of ``options``; those of one ``group`` exclude each other."""
    groups: dict = {}
    for option in options:
        target = parser
        if option.group is not None:
            if option.group not in groups:
                groups[option.group] = parser.add_mutually_exclusive_group()
            target = groups[option.group]
        add_option(target, option)


def from_arguments(args, options) -> dict:
    r"""``compare`` keywords from parsed flags: a bare ``--keep-ids`` means True, and
    ``--sep '\t'`` (as typed in a shell) a tab.

    Examples
    --------
    >>> import argparse
    >>> from unskew.comparison import OPTIONS
    >>> parser = argparse.ArgumentParser()
    >>> add_options(parser, OPTIONS)
    >>> kw = from_arguments(parser.parse_args(["--keep-ids", "--time", "day", "--sep", "\\t"]),
    ...                     OPTIONS)
    >>> kw["keep_ids"], kw["time_column"], kw["sep"], kw["folds"]
    (True, 'day', '\t', 5)
    """
    values = {}
    for option in options:
        value = getattr(args, option.name)
        if option.kind == "flag_or_list" and isinstance(value, list):
            value = value or True
        if option.name == "sep" and value in ("\\t", "tab"):
            value = "\t"
        values[option.name] = value
    return values


def cli_spelling(message: str, options) -> str:
    """A library message with each ``keyword=`` of ``options`` spelled as its flag.

    The library names a setting by its Python keyword (``target=``); on the command line the
    same setting is a flag, and the one settings table says which. A keyword with its value
    becomes the flag and the value; a bare one the flag, with its argument's placeholder where
    the message says it is required.

    Examples
    --------
    >>> from unskew.comparison import OPTIONS
    >>> cli_spelling("target= is required for a table; time_column='day' is not a column",
    ...              OPTIONS)
    "--target COL is required for a table; --time 'day' is not a column"
    """
    import re

    by_name = {o.name: o for o in options}
    pattern = r"\b(" + "|".join(map(re.escape, sorted(by_name, key=len, reverse=True))) + r")="

    def flag(match):
        option = by_name[match.group(1)]
        rest = message[match.end():]
        if rest[:1] not in ("", " ", ",", ";", ")", ":"):
            return option.flag + " "  # a value follows
        if rest.startswith(" is required") and option.metavar:
            return f"{option.flag} {option.metavar}"
        return option.flag

    return re.sub(pattern, flag, message)


@contextlib.contextmanager
def cli_wording():
    """Re-raise data errors with the command line's spelling of the settings they name."""
    from ..comparison import OPTIONS
    from ..exceptions import DataError

    try:
        yield
    except DataError as exc:
        message = cli_spelling(str(exc), OPTIONS)
        if message == str(exc):
            raise
        raise type(exc)(message) from exc


def load_data(args: argparse.Namespace):
    """Load DATA as a benchmark name or a table (see :func:`unskew.datasets.as_dataset`)."""
    from ..datasets import as_dataset

    with cli_wording():
        return as_dataset(args.data, **data_options(args))
