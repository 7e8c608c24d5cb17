"""What a strategy is: the :class:`Strategy` record, the presets and the families.

A leaf module: the table, the composites and the lookup all import it, and it imports none of
them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["FAMILIES", "PRESETS", "Strategy", "presets_from"]

# smallest first: each preset runs every strategy of the ones before it
PRESETS = ("fast", "default", "thorough")
FAMILIES = ("baseline", "data", "weights", "decisions", "ensembles", "torch")


def presets_from(preset: str | None) -> frozenset:
    """The presets that run a strategy whose smallest preset is ``preset``.

    Presets nest (``fast`` within ``default`` within ``thorough``), so a strategy names the
    smallest one that runs it; ``None`` means none (a strategy run only when named).

    Parameters
    ----------
    preset : {"fast", "default", "thorough"} or None
        The smallest preset that runs the strategy.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> sorted(presets_from("default"))
    ['default', 'thorough']
    >>> presets_from(None)
    frozenset()
    """
    if preset is None:
        return frozenset()
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
    return frozenset(PRESETS[PRESETS.index(preset):])


@dataclass(frozen=True)
class Strategy:
    """One named candidate: how to build its pipeline and where it belongs.

    Parameters
    ----------
    name : str
        ``<method>+<model>``, lower-case, no commas (``"smote+lr"``).
    family : str
        One of ``FAMILIES``; the module that knows how to build it.
    build : callable
        ``build(feature_types, random_state) -> estimator``: an unfitted imbalanced-learn
        Pipeline (preprocessing, optional resampler, model) or meta-estimator around one.
    description : str
        One sentence for ``--help``, errors and the report.
    presets : frozenset of str
        Which of ``PRESETS`` include it (see :func:`presets_from`).
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
