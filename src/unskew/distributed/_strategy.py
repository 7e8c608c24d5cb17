"""imbalanced-learn's ``sampling_strategy`` resolved from class counts alone.

imbalanced-learn resolves a strategy from the label array; a partitioned table has only its
class counts on the client, so the same rules are written here over ``{class: count}``
(``tests/test_distributed_resampling.py`` checks them against imbalanced-learn's).
"""

from __future__ import annotations

from numbers import Real

from ..exceptions import DataError

_SELECT = {
    "over-sampling": {
        "auto": "not majority", "not majority": "not majority", "not minority": "not minority",
        "minority": "minority", "all": "all"},
    "under-sampling": {
        "auto": "not minority", "not minority": "not minority", "not majority": "not majority",
        "majority": "majority", "all": "all"},
}


def resolve_strategy(sampling_strategy, counts: dict, sampling_type: str) -> dict:
    """``{class: n}``: rows to add (over-sampling) or to keep (under-sampling) per class.

    Parameters
    ----------
    sampling_strategy : str, float or dict
        As in imbalanced-learn (a callable needs the labels in memory: refused).
    counts : dict
        ``{class: rows}`` of the whole table.
    sampling_type : {"over-sampling", "under-sampling"}

    Examples
    --------
    >>> resolve_strategy("auto", {"a": 90, "b": 10}, "under-sampling")
    {'a': 10}
    >>> resolve_strategy(0.5, {"a": 90, "b": 10}, "over-sampling")
    {'b': 35}
    """
    stats = dict(sorted(counts.items()))
    if len(stats) < 2:
        raise DataError(f"resampling needs at least 2 classes; the target has {len(stats)}")
    majority = max(stats, key=stats.get)
    minority = min(stats, key=stats.get)
    n_major, n_minor = stats[majority], stats[minority]
    over = sampling_type == "over-sampling"
    if isinstance(sampling_strategy, str):
        named = _SELECT[sampling_type].get(sampling_strategy)
        if named is None:
            raise DataError(f"sampling_strategy={sampling_strategy!r} cannot be used for "
                            f"{sampling_type}; expected one of "
                            f"{', '.join(map(repr, _SELECT[sampling_type]))}")
        chosen = [c for c in stats if {
            "all": True, "not majority": c != majority, "not minority": c != minority,
            "minority": c == minority, "majority": c == majority}[named]]
        return {c: (n_major - stats[c]) if over else n_minor for c in chosen}
    if isinstance(sampling_strategy, dict):
        unknown = set(sampling_strategy) - set(stats)
        if unknown:
            raise DataError(f"sampling_strategy names classes not in the data: {sorted(unknown)}")
        out = {}
        for cls, n in sorted(sampling_strategy.items()):
            if n < 0 or (over and n < stats[cls]) or (not over and n > stats[cls]):
                raise DataError(
                    f"sampling_strategy asks {n} rows of class {cls!r}, which has "
                    f"{stats[cls]}: {sampling_type} needs "
                    f"{'at least' if over else 'at most'} as many as there are")
            out[cls] = n - stats[cls] if over else n
        return out
    if isinstance(sampling_strategy, Real) and not isinstance(sampling_strategy, bool):
        if len(stats) != 2:
            raise DataError("sampling_strategy can be a float only for a binary target; "
                            "for more classes give a dict {class: rows}")
        if not 0 < sampling_strategy <= 1:
            raise DataError(f"sampling_strategy={sampling_strategy} must be in (0, 1]")
        if over:
            out = {c: int(n_major * sampling_strategy - v) for c, v in stats.items()
                   if c != majority}
            if any(n <= 0 for n in out.values()):
                raise DataError(f"sampling_strategy={sampling_strategy} asks fewer minority "
                                "rows than there are: increase it")
            return out
        out = {c: int(n_minor / sampling_strategy) for c in stats if c != minority}
        if any(n > stats[c] for c, n in out.items()):
            raise DataError(f"sampling_strategy={sampling_strategy} asks more majority rows "
                            "than there are: increase it")
        return out
    raise DataError(f"sampling_strategy must be a str, a float or a dict on a Dask collection; "
                    f"got {sampling_strategy!r}")
