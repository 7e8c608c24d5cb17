"""The strategy registry: one table that the engine, the CLI, errors and the report all read.

A strategy is a named candidate for ``unskew compare``, ``<method>+<model>`` (``smote+hgb``),
built by a factory from the dataset's feature types. :data:`REGISTRY` holds the rows of the
table in ``_table.py`` (the family modules know how to build each method); :func:`lookup` also
builds composites such as ``stack[smote+lr|weighted+hgb]`` from their members' rows. The engine
never changes when a strategy is added.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..._utils._text import did_you_mean
from ._composite import COMBINERS, composite_strategy, parse_composite
from ._strategy import PRESETS, Strategy
from ._table import table_strategies

REGISTRY: dict[str, Strategy] = {}


def register(strategy: Strategy) -> Strategy:
    """Add a strategy to the registry (names are unique).

    Examples
    --------
    >>> from unskew.comparison.strategies import REGISTRY, register
    >>> register(REGISTRY["none+lr"])
    Traceback (most recent call last):
    ...
    ValueError: strategy 'none+lr' is already registered
    """
    if strategy.name in REGISTRY:
        raise ValueError(f"strategy {strategy.name!r} is already registered")
    REGISTRY[strategy.name] = strategy
    return strategy


def resolve(names: Iterable[str] | str | None = None, *,
            preset: str = "default") -> list[Strategy]:
    """Return the strategies named, or those of a preset, in registry order.

    ``names`` is a list of names or one comma-separated string, as ``--strategies`` takes.

    Examples
    --------
    >>> from unskew.comparison.strategies import resolve
    >>> [s.name for s in resolve(["smote+lr", "weighted+hgb"])]
    ['smote+lr', 'weighted+hgb']
    >>> [s.name for s in resolve("none+lr, weighted+lr")]
    ['none+lr', 'weighted+lr']
    >>> len(resolve(preset="fast"))
    6
    """
    from ...exceptions import DataError

    if names is None:
        if preset not in PRESETS:
            raise DataError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
        return [s for s in REGISTRY.values() if preset in s.presets]
    if isinstance(names, str):
        names = split_names(names)
    names = list(names)
    if not names:
        raise DataError("no strategy named; give at least one (see `unskew strategies`)")
    return [lookup(name) for name in names]


def split_names(text: str) -> list[str]:
    """Split a comma-separated strategy list, keeping composites whole.

    Commas inside brackets belong to a composite (``stack[a|b]`` uses ``|``, but a stray
    comma there must not cut it in two).

    Examples
    --------
    >>> split_names("smote+lr, stack[smote+lr|weighted+hgb],")
    ['smote+lr', 'stack[smote+lr|weighted+hgb]']
    """
    names, depth, current = [], 0, []
    for ch in text:
        depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0:
            names.append("".join(current))
            current = []
        else:
            current.append(ch)
    names.append("".join(current))
    return [n.strip() for n in names if n.strip()]


def lookup(name: str) -> Strategy:
    """Return the strategy called ``name``: a registered one or a composite such as
    ``stack[smote+lr|weighted+hgb]`` (built from its members' entries).

    Examples
    --------
    >>> from unskew.comparison.strategies import lookup
    >>> lookup("smote+lr").family
    'data'
    >>> lookup("stack[smote+lr|weighted+hgb]").description.startswith("Stacking")
    True
    """
    from ...exceptions import DataError

    name = name.strip()
    if name in REGISTRY:
        return REGISTRY[name]
    parsed = parse_composite(name)
    if parsed is not None:
        combiner, member_names = parsed
        if combiner not in COMBINERS:
            raise DataError(f"unknown combiner {combiner!r} in {name!r}; expected one of "
                            f"{', '.join(COMBINERS)}{did_you_mean(combiner, COMBINERS)}")
        if len(member_names) < 2:
            raise DataError(f"{name!r} needs at least two members separated by '|', "
                            f"e.g. {combiner}[smote+lr|weighted+hgb]")
        members = [lookup(m) for m in member_names]
        nested = [m.name for m in members if parse_composite(m.name)]
        if nested:
            raise DataError(f"{name!r}: members cannot themselves be composites ({nested})")
        return composite_strategy(name, combiner, members)
    raise DataError(
        f"unknown strategy {name!r}{did_you_mean(name, REGISTRY)} (available: "
        + ", ".join(REGISTRY) + "; or combine them: stack[a|b], vote[a|b])"
    )


# the one place strategies enter the registry, in the table's order (the order of every preset,
# of `unskew strategies` and of the report)
for _row in table_strategies():
    register(_row)
del _row
