"""Small text helpers for error messages."""

import difflib
from collections.abc import Iterable


def close_matches(name: str, choices: Iterable[str], *, n: int = 3) -> list[str]:
    """The choices closest to ``name``, ignoring case and separators (``"Yeast-4"`` ~ ``"yeast4"``).

    Examples
    --------
    >>> close_matches("Yeast-4", ["yeast4", "ecoli", "yeast5"])
    ['yeast4', 'yeast5']
    """

    def norm(s: str) -> str:
        return "".join(ch for ch in str(s).lower() if ch.isalnum())

    by_norm: dict[str, str] = {}
    for c in choices:
        by_norm.setdefault(norm(c), str(c))
    key = norm(name)
    hits = difflib.get_close_matches(key, list(by_norm), n=n, cutoff=0.6)
    if not hits and key:
        # a prefix match helps with long names ("abalone" -> "abalone19", ...)
        hits = [k for k in by_norm if k.startswith(key)][:n]
    return [by_norm[h] for h in hits]


def did_you_mean(name: str, choices: Iterable[str], *, n: int = 3) -> str:
    """Return a ``"; did you mean 'x'?"`` suffix for an unknown ``name``, or ``""``.

    Examples
    --------
    >>> did_you_mean("labl", ["label", "age"])
    "; did you mean 'label'?"
    >>> did_you_mean("zzz", ["label", "age"])
    ''
    """
    return format_suggestions(close_matches(name, choices, n=n))


def format_suggestions(names: list[str]) -> str:
    """Format names as a ``"; did you mean ..."`` suffix (``""`` for none).

    Examples
    --------
    >>> format_suggestions(["a", "b"])
    "; did you mean one of 'a', 'b'?"
    """
    if not names:
        return ""
    if len(names) == 1:
        return f"; did you mean {names[0]!r}?"
    return "; did you mean one of " + ", ".join(repr(s) for s in names) + "?"


def preview(items: Iterable[object], limit: int = 10) -> str:
    """Join the first ``limit`` items for a message, saying how many were left out.

    Examples
    --------
    >>> preview(range(12), limit=3)
    '0, 1, 2 (and 9 more)'
    """
    items = list(items)
    head = ", ".join(str(i) for i in items[:limit])
    if len(items) > limit:
        head += f" (and {len(items) - limit} more)"
    return head
