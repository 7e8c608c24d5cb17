"""The strategy registry: one table that the engine, the CLI, errors and the report all read.

A strategy is a named candidate for ``unskew compare``, ``<method>+<model>`` (``smote+hgb``),
built by a factory from the dataset's feature types. Families register their entries from their
own module (``data``, ``weights``, ``decisions``, ``ensembles``, ``torch``); the engine never
changes when a strategy is added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..._utils._text import did_you_mean

PRESETS = ("fast", "default", "thorough")
FAMILIES = ("baseline", "data", "weights", "decisions", "ensembles", "torch")


@dataclass(frozen=True)
class Strategy:
    """One named candidate: how to build its pipeline and where it belongs.

    Parameters
    ----------
    name : str
        ``<method>+<model>``, lower-case, no commas (``"smote+lr"``).
    family : str
        One of ``FAMILIES``; the module that registered it.
    build : callable
        ``build(feature_types, random_state) -> estimator``: an unfitted imbalanced-learn
        Pipeline (preprocessing, optional resampler, model) or meta-estimator around one.
    description : str
        One sentence for ``--help``, errors and the report.
    presets : frozenset of str
        Which of ``PRESETS`` include it.
    search_space : dict, optional
        Small grid ``{param: [values]}`` tuned by successive halving inside the outer training
        folds under the ``thorough`` preset.
    requires : str, optional
        The extra it needs (``"torch"``); listed but skipped when that extra is missing.
    binary_only : bool, default=False
        Whether it only applies to two-class targets (binary threshold tuning); ``compare``
        skips it on multi-class data and says so.
    applies : callable, optional
        ``applies(feature_types) -> str | None``: why the strategy does not fit a table with
        these column types (``compare`` skips it and says so), or None when it does.

    Examples
    --------
    >>> from unskew.comparison.strategies import REGISTRY
    >>> s = REGISTRY["smote+lr"]
    >>> s.family, "fast" in s.presets, s.available
    ('data', True, True)
    """

    name: str
    family: str
    build: Callable
    description: str
    presets: frozenset = field(default_factory=lambda: frozenset(PRESETS))
    search_space: dict | None = None
    requires: str | None = None
    binary_only: bool = False
    applies: Callable | None = None

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"strategy {self.name!r}: family must be one of {FAMILIES}")
        if self.name != self.name.lower() or "," in self.name or "+" not in self.name:
            raise ValueError(f"strategy name {self.name!r} must be '<method>+<model>', lower-case")
        unknown = set(self.presets) - set(PRESETS)
        if unknown:
            raise ValueError(f"strategy {self.name!r}: unknown presets {sorted(unknown)}")

    def unfit_for(self, feature_types: dict[str, str]) -> str | None:
        """Why this strategy does not apply to a table with ``feature_types`` (None: it does)."""
        return None if self.applies is None else self.applies(feature_types)

    @property
    def available(self) -> bool:
        """Whether the extra it needs is installed."""
        if self.requires is None:
            return True
        from importlib.util import find_spec

        return find_spec(self.requires) is not None


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
    from ._composite import COMBINERS, composite_strategy, parse_composite

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
