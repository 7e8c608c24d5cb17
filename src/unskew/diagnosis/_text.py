"""The text section of a :class:`Profile`: per-class length and vocabulary of a text column, and
identical or nearly identical texts that carry different labels.

Conflicting (near-)duplicates are the commonest label error in intent and support-ticket data:
the same request typed twice, once filed under each of two intents. Exact duplicates are found
on every row by hashing normalised texts; near duplicates among the distinct texts of the
checked rows (at most ``max_rows``) by MinHash locality-sensitive hashing, so the search stays
sub-quadratic, then confirmed one pair at a time with :class:`difflib.SequenceMatcher`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..text import WORD_TOKEN_PATTERN
from ._subsample import rows_by_class

__all__ = ["NEAR_THRESHOLD", "TextClassStats", "TextConflict", "TextReport", "normalise_text",
           "text_report"]

#: Two texts are near duplicates when difflib's ratio of their normalised forms reaches this.
NEAR_THRESHOLD = 0.9
MAX_TEXT_COLUMNS = 5  # a wide table gets a text section for its first five text columns
_MAX_LISTED = 20  # conflict groups listed per kind (all are counted)
_MAX_EXAMPLES = 5  # example rows per group
_EXAMPLE_CHARS = 200
_CHUNK = 4096  # texts per vectorised block (bounds the memory of the n-gram arrays)

# MinHash LSH. A text of L characters padded at both ends has L 3-grams; one edit changes at
# most three of them, so a pair at ratio >= 0.9 keeps a 3-gram Jaccard similarity of about 0.5
# or more. With 24 bands of 4 of 96 hashes a pair becomes a candidate with probability
# 1 - (1 - J^4)^24: 0.79 at Jaccard 0.5, 0.995 at 0.67 (one typo in 15 characters), 0.04 at
# 0.2. Against comparing every pair, the search found 99% of the near pairs of 30,000 short
# texts with planted typos; the ones missed were under eight characters long.
_N_BANDS, _BAND_ROWS = 24, 4
_N_HASHES = _N_BANDS * _BAND_ROWS
_SIGNATURE_CHARS = 256  # signatures of long texts read their first 256 characters
_WINDOW = 20  # in a crowded bucket, each text meets its next 20 (alphabetical) bucket mates
_MIN_ESTIMATE = 0.35  # candidates whose signatures agree less are dropped before difflib
# difflib's cost grows like len(a) * len(b) (about 10-30 ns a unit); this caps the
# verification at a few seconds, best candidates first
_PAIR_BUDGET = 200_000_000
_A = (np.random.default_rng(20_240_516).integers(0, 2**63, _N_HASHES, dtype=np.uint64)
      * np.uint64(2) + np.uint64(1))  # odd multipliers: multiply-shift hashing
_B = np.random.default_rng(20_240_517).integers(0, 2**63, _N_HASHES, dtype=np.uint64)

_TOKENS = re.compile(WORD_TOKEN_PATTERN)
_PUNCTUATION: dict[int, None] = {}  # code points of category P*, filled as characters are met
_SEEN: set[str] = set()


@dataclass(frozen=True)
class TextClassStats:
    """Length and vocabulary of one class's texts in one text column.

    Lengths count every row of the class, an empty or missing text as 0. Tokens are those of
    :data:`unskew.text.WORD_TOKEN_PATTERN` on the lowercased text, the words the TF-IDF sees.

    Attributes
    ----------
    rows : int
        Rows of the class.
    empty : int
        Rows whose text is missing or only whitespace.
    mean_chars, median_chars : float
        Length in characters.
    mean_tokens, median_tokens : float
        Length in tokens.
    vocabulary : int
        Distinct tokens.
    exclusive_token_share : float
        Share of the class's tokens (occurrences) whose token appears in no other class; NaN
        for a class without tokens. Near 1: keywords give the class away; near 0: its texts
        use the other classes' words.

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.datasets import load_table
    >>> from unskew.diagnosis import diagnose
    >>> frame = pd.DataFrame({"msg": ["reset my password", "password reset please",
    ...                                "where is my parcel", "parcel late again"] * 5,
    ...                       "intent": ["account", "account", "delivery", "delivery"] * 5})
    >>> profile = diagnose(load_table(frame, target="intent", text=["msg"]), checks=())
    >>> stats = profile.text["msg"].by_class["account"]
    >>> stats.rows, stats.mean_tokens, stats.vocabulary
    (10, 3.0, 4)
    >>> stats.exclusive_token_share  # 'my' is also a delivery word: 5 of 30 tokens
    0.8333333333333334
    """

    rows: int
    empty: int
    mean_chars: float
    median_chars: float
    mean_tokens: float
    median_tokens: float
    vocabulary: int
    exclusive_token_share: float


@dataclass(frozen=True)
class TextConflict:
    """A group of identical or nearly identical texts that carry different labels.

    Attributes
    ----------
    kind : {"exact", "near"}
        ``"exact"``: one text after normalising (see :func:`normalise_text`); ``"near"``:
        several texts linked by pairs at difflib ratio >= ``NEAR_THRESHOLD``.
    n_rows : int
        Rows in the group.
    classes : tuple
        The labels the group carries, most rows first.
    rows : tuple of int
        Example row positions (``Dataset.X.iloc[rows]``): one of each label first.
    labels : tuple
        The label of each example row.
    texts : tuple of str
        The text of each example row as given (cut to 200 characters).
    similarity : float
        1.0 for an exact group; for a near group the lowest ratio among the pairs linking it.

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.datasets import load_table
    >>> from unskew.diagnosis import diagnose
    >>> frame = pd.DataFrame({"msg": ["Cancel my order!", "cancel my  order", "CANCEL my order.",
    ...                                "track my order"] * 3,
    ...                       "intent": ["cancel", "track", "cancel", "track"] * 3})
    >>> report = diagnose(load_table(frame, target="intent", text=["msg"]),
    ...                   checks=("duplicates",)).text["msg"]
    >>> group = report.exact[0]
    >>> group.kind, group.n_rows, group.classes
    ('exact', 9, ('cancel', 'track'))
    >>> group.rows, group.labels
    ((0, 1, 2, 4, 5), ('cancel', 'track', 'cancel', 'cancel', 'track'))
    """

    kind: str
    n_rows: int
    classes: tuple
    rows: tuple
    labels: tuple
    texts: tuple = field(repr=False)
    similarity: float = 1.0


@dataclass(frozen=True)
class TextReport:
    """What :func:`~unskew.diagnosis.diagnose` found in one text column.

    The conflict counts are ``None`` when the ``"duplicates"`` check did not run.

    Attributes
    ----------
    column : str
        The text column.
    n_empty : int
        Rows whose text is missing or only whitespace.
    empty_share : float
        ``n_empty`` divided by the rows.
    by_class : dict
        ``{class: TextClassStats}``, most common class first.
    n_exact_groups, n_exact_rows : int or None
        Groups of rows with the same normalised text and more than one label, and their rows
        (every row is compared; empty texts are left out).
    n_near_groups, n_near_rows : int or None
        Groups of different texts at difflib ratio >= ``near_threshold`` whose labels
        differ, and their rows (counting every row with one of those texts).
    exact, near : tuple of TextConflict
        The largest groups of each kind, at most ``max_listed``.
    near_threshold : float
        The similarity a near duplicate reaches.
    near_texts : int
        Distinct normalised texts the near-duplicate search compared: those of the rows the
        model checks ran on (all rows, or the stratified sample of at most ``max_rows``).
    near_pairs_checked : int
        Candidate pairs with different labels that difflib compared.
    near_truncated : bool
        Whether the comparison budget ran out before every candidate pair was compared (the
        most similar candidates come first).
    max_listed : int
        The cap on ``exact`` and ``near``.

    Examples
    --------
    >>> import pandas as pd
    >>> from unskew.datasets import load_table
    >>> from unskew.diagnosis import diagnose
    >>> frame = pd.DataFrame({"msg": ["reset my password", "reset my pasword", "parcel late",
    ...                                "where is my parcel"] * 5,
    ...                       "intent": ["account", "delivery", "delivery", "delivery"] * 5})
    >>> report = diagnose(load_table(frame, target="intent", text=["msg"]),
    ...                   checks=("duplicates",)).text["msg"]
    >>> report.n_exact_groups, report.n_near_groups, report.n_near_rows
    (0, 1, 10)
    >>> group = report.near[0]
    >>> group.texts[:2], group.labels[:2], round(group.similarity, 2)
    (('reset my password', 'reset my pasword'), ('account', 'delivery'), 0.97)
    """

    column: str
    n_empty: int
    empty_share: float
    by_class: dict
    n_exact_groups: int | None = None
    n_exact_rows: int | None = None
    n_near_groups: int | None = None
    n_near_rows: int | None = None
    exact: tuple = field(default=(), repr=False)
    near: tuple = field(default=(), repr=False)
    near_threshold: float = NEAR_THRESHOLD
    near_texts: int = 0
    near_pairs_checked: int = 0
    near_truncated: bool = False
    max_listed: int = _MAX_LISTED

    @property
    def n_conflict_rows(self) -> int:
        """Rows in a conflicting group of either kind (a row in both counts twice).

        Examples
        --------
        >>> from unskew.diagnosis import TextReport
        >>> TextReport("msg", 0, 0.0, {}, n_exact_groups=1, n_exact_rows=2, n_near_groups=1,
        ...            n_near_rows=3).n_conflict_rows
        5
        """
        return (self.n_exact_rows or 0) + (self.n_near_rows or 0)


def normalise_text(text: str) -> str:
    """The form two texts must share to count as the same text.

    Unicode NFKC (full-width and compatibility characters folded), case-folded, punctuation
    (Unicode category P) removed and whitespace collapsed. A text of punctuation only keeps
    its punctuation, so ``":)"`` and ``":("`` stay apart; symbols and emoji are kept.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> from unskew.diagnosis._text import normalise_text
    >>> normalise_text("  Where's my   ORDER?! ")
    'wheres my order'
    >>> normalise_text("Ｗｈｅｒｅ　ｉｓ　ｉｔ？"), normalise_text(":-)")
    ('where is it', ':-)')
    """
    return _normalise([text])[0]


def _normalise(texts: list[str]) -> list[str]:
    folded = [unicodedata.normalize("NFKC", t).casefold() for t in texts]
    _learn_punctuation(folded)
    return [" ".join(f.translate(_PUNCTUATION).split()) or " ".join(f.split()) for f in folded]


def _learn_punctuation(texts: list[str]) -> None:
    """Add the punctuation among the characters of ``texts`` to the translation table.

    Categorising only the characters met keeps this cheap (a table over all of Unicode takes
    half a second to build).
    """
    new = set("".join(texts)) - _SEEN
    _SEEN.update(new)
    _PUNCTUATION.update({ord(ch): None for ch in new
                         if unicodedata.category(ch).startswith("P")})


def _as_texts(values) -> list[str]:
    """Cells as strings: missing values (None, NaN, ``pd.NA``) are empty texts."""
    missing = pd.isna(np.asarray(values, dtype=object))
    return ["" if m else (v if isinstance(v, str) else str(v))
            for v, m in zip(values, missing, strict=True)]


def text_report(values, codes: np.ndarray, classes: list, searched_rows: np.ndarray, *,
                column: str, conflicts: bool = True) -> TextReport:
    """Statistics and conflicting duplicates of one text column.

    Parameters
    ----------
    values : array-like of shape (n_rows,)
        The column as given.
    codes : ndarray of int, shape (n_rows,)
        Label codes (indices into ``classes``).
    classes : list
        The labels, most common first.
    searched_rows : ndarray of int
        Rows whose texts the near-duplicate search compares.
    column : str
        The column's name.
    conflicts : bool, default=True
        Look for conflicting duplicates (the ``"duplicates"`` check).

    Returns
    -------
    TextReport

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.diagnosis._text import text_report
    >>> report = text_report(["hello", "Hello!", None, "bye"], np.array([0, 1, 0, 0]),
    ...                      ["greet", "other"], np.arange(4), column="msg")
    >>> report.n_empty, report.n_exact_groups, report.exact[0].rows
    (1, 1, (0, 1))
    """
    texts = _as_texts(values)
    n = len(texts)
    empty = np.fromiter((not t.strip() for t in texts), dtype=bool, count=n)
    by_class = _class_stats(texts, empty, codes, classes)
    n_empty = int(empty.sum())
    report = {"column": column, "n_empty": n_empty, "empty_share": n_empty / n if n else 0.0,
              "by_class": by_class}
    if conflicts:
        report.update(_conflicts(texts, empty, codes, classes, searched_rows))
    return TextReport(**report)


def _class_stats(texts, empty, codes, classes) -> dict:
    chars = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    tokens = np.zeros(len(texts), dtype=np.int64)
    counters = [Counter() for _ in classes]
    for i in np.flatnonzero(~empty):
        found = _TOKENS.findall(texts[i].lower())
        tokens[i] = len(found)
        counters[codes[i]].update(found)
    owners = Counter()  # token -> number of classes using it
    for counter in counters:
        owners.update(counter.keys())
    stats = {}
    for c, rows, counter in zip(classes, rows_by_class(codes, len(classes)), counters,
                                strict=True):
        total = sum(counter.values())
        exclusive = sum(n for token, n in counter.items() if owners[token] == 1)
        stats[c] = TextClassStats(
            rows=int(rows.size),
            empty=int(empty[rows].sum()),
            mean_chars=_mean(chars[rows]), median_chars=_median(chars[rows]),
            mean_tokens=_mean(tokens[rows]), median_tokens=_median(tokens[rows]),
            vocabulary=len(counter),
            exclusive_token_share=exclusive / total if total else float("nan"),
        )
    return stats


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if values.size else float("nan")


def _conflicts(texts, empty, codes, classes, searched_rows) -> dict:
    normalised = _normalise(texts)
    keys, uniques = pd.factorize(pd.Series(normalised, dtype=object))
    keys = np.where(empty, -1, keys)
    valid = np.flatnonzero(keys >= 0)
    # one label per key, or a marker beyond the class codes for a key of several labels
    n_keys = len(uniques)
    first = np.full(n_keys, -1, dtype=np.int64)
    n_labels = np.zeros(n_keys, dtype=np.int64)
    if valid.size:
        frame = pd.DataFrame({"key": keys[valid], "code": codes[valid]})
        per_key = frame.groupby("key", sort=True)["code"].agg(["first", "nunique"])
        first[per_key.index.to_numpy()] = per_key["first"].to_numpy()
        n_labels[per_key.index.to_numpy()] = per_key["nunique"].to_numpy()
    signature = np.where(n_labels > 1, len(classes) + np.arange(n_keys), first)

    conflicting = valid[n_labels[keys[valid]] > 1]
    exact_groups = _groups(conflicting, keys[conflicting])
    exact = tuple(_conflict("exact", rows, codes, classes, texts, 1.0)
                  for rows in exact_groups[:_MAX_LISTED])

    nodes = np.unique(keys[searched_rows])
    nodes = nodes[nodes >= 0]
    edges, checked, truncated = _near_pairs(uniques.to_numpy()[nodes].tolist(),
                                            signature[nodes])
    near_groups, near_similarity = [], []
    if edges[0].size:
        n_nodes = nodes.size
        graph = coo_matrix((np.ones(edges[0].size), (edges[0], edges[1])),
                           shape=(n_nodes, n_nodes))
        _, component = connected_components(graph, directed=False)
        linked = np.zeros(n_nodes, dtype=bool)
        linked[edges[0]] = linked[edges[1]] = True
        group_of_key = np.full(n_keys, -1, dtype=np.int64)
        group_of_key[nodes[linked]] = component[linked]
        lowest = np.ones(n_nodes)
        np.minimum.at(lowest, component[edges[0]], edges[2])
        member = valid[group_of_key[keys[valid]] >= 0]
        groups = group_of_key[keys[member]]
        near_groups = _groups(member, groups)
        near_similarity = [float(lowest[groups[np.searchsorted(member, rows[0])]])
                           for rows in near_groups[:_MAX_LISTED]]
    near = tuple(_conflict("near", rows, codes, classes, texts, similarity)
                 for rows, similarity in zip(near_groups[:_MAX_LISTED], near_similarity,
                                             strict=True))
    return {
        "n_exact_groups": len(exact_groups),
        "n_exact_rows": int(sum(g.size for g in exact_groups)),
        "n_near_groups": len(near_groups),
        "n_near_rows": int(sum(g.size for g in near_groups)),
        "exact": exact,
        "near": near,
        "near_texts": int(nodes.size),
        "near_pairs_checked": checked,
        "near_truncated": truncated,
    }


def _groups(rows: np.ndarray, group: np.ndarray) -> list[np.ndarray]:
    """Rows split by group id, largest group first (then by first row)."""
    if not rows.size:
        return []
    order = np.lexsort((rows, group))
    rows, group = rows[order], group[order]
    cuts = np.flatnonzero(np.diff(group)) + 1
    parts = np.split(rows, cuts)
    parts.sort(key=lambda g: (-g.size, g[0]))
    return parts


def _conflict(kind, rows, codes, classes, texts, similarity) -> TextConflict:
    group_codes = codes[rows]
    counts = np.bincount(group_codes, minlength=len(classes))
    order = np.argsort(-counts, kind="stable")
    variants = pd.factorize(pd.Series([texts[r] for r in rows], dtype=object))[0]
    shown = _examples(rows, group_codes, variants)
    return TextConflict(
        kind=kind,
        n_rows=int(rows.size),
        classes=tuple(classes[c] for c in order if counts[c]),
        rows=tuple(int(r) for r in shown),
        labels=tuple(classes[codes[r]] for r in shown),
        texts=tuple(texts[r][:_EXAMPLE_CHARS] for r in shown),
        similarity=float(similarity),
    )


def _examples(rows, labels, variants) -> np.ndarray:
    """At most ``_MAX_EXAMPLES`` rows in row order: the first of each label, then the first of
    each text as written, then the rest, so the conflict and its spellings show first."""
    rank = np.full(rows.size, 2)
    rank[np.unique(variants, return_index=True)[1]] = 1
    rank[np.unique(labels, return_index=True)[1]] = 0
    picked = rows[np.argsort(rank, kind="stable")[:_MAX_EXAMPLES]]
    return np.sort(picked)


def _near_pairs(texts: list[str], signature: np.ndarray):
    """Pairs of texts with different label signatures at ratio >= ``NEAR_THRESHOLD``.

    Returns ``((i, j, ratio) arrays, pairs compared, budget ran out)``.
    """
    none = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    if len(texts) < 2 or np.unique(signature).size < 2:
        return none, 0, False
    sig = _signatures(texts)
    lo, hi = _candidates(sig, texts, signature)
    if lo.size:  # signatures that agree little belong to dissimilar texts
        agree = np.concatenate([(sig[lo[s:s + 100_000]] == sig[hi[s:s + 100_000]]).mean(axis=1)
                                for s in range(0, lo.size, 100_000)])
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        # difflib's ratio is at most 2 * min(len) / (len_a + len_b)
        bound = 2 * np.minimum(lengths[lo], lengths[hi]) / (lengths[lo] + lengths[hi])
        keep = (agree >= _MIN_ESTIMATE) & (bound >= NEAR_THRESHOLD)
        order = np.argsort(-agree[keep], kind="stable")
        lo, hi = lo[keep][order], hi[keep][order]
    found, spent, checked = [], 0, 0
    truncated = False
    for i, j in zip(lo.tolist(), hi.tolist(), strict=True):
        a, b = texts[i], texts[j]
        spent += len(a) * len(b)
        if spent > _PAIR_BUDGET:
            truncated = True
            break
        checked += 1
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        if matcher.quick_ratio() >= NEAR_THRESHOLD:
            ratio = matcher.ratio()
            if ratio >= NEAR_THRESHOLD:
                found.append((i, j, ratio))
    if not found:
        return none, checked, truncated
    i, j, ratio = zip(*found, strict=True)
    return (np.array(i, np.int64), np.array(j, np.int64), np.array(ratio)), checked, truncated


def _mix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a well-mixed 64-bit hash of each uint64 (wrapping arithmetic)."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _signatures(texts: list[str]) -> np.ndarray:
    """MinHash signatures (``_N_HASHES`` uint32 each) of the character 3-gram sets.

    Each text is padded with a start and an end mark (so a one-letter text has a 3-gram and
    the ends count) and read up to ``_SIGNATURE_CHARS`` characters. A 3-gram is packed
    exactly into 63 bits (three 21-bit code points), mixed once, then hashed ``_N_HASHES``
    ways by multiply-shift; the fixed seeds make signatures the same in every run.
    """
    sig = np.empty((len(texts), _N_HASHES), dtype=np.uint32)
    for lo in range(0, len(texts), _CHUNK):
        padded = [f"\x02{t[:_SIGNATURE_CHARS]}\x03" for t in texts[lo:lo + _CHUNK]]
        lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
        points = np.frombuffer("".join(padded).encode("utf-32-le", "surrogatepass"),
                               dtype=np.uint32).astype(np.uint64)
        grams = (points[:-2] << np.uint64(42)) | (points[1:-1] << np.uint64(21)) | points[2:]
        ends = np.cumsum(lengths)
        inside = np.ones(grams.size, dtype=bool)
        crossing = np.concatenate([ends - 2, ends - 1])  # 3-grams running into the next text
        inside[crossing[crossing < grams.size]] = False
        base = _mix64(grams[inside])
        starts = np.concatenate([[0], np.cumsum(lengths - 2)[:-1]])
        for k in range(_N_HASHES):
            hashed = ((base * _A[k] + _B[k]) >> np.uint64(32)).astype(np.uint32)
            sig[lo:lo + len(padded), k] = np.minimum.reduceat(hashed, starts)
    return sig


def _candidates(sig: np.ndarray, texts: list[str], signature: np.ndarray):
    """Pairs ``(lo, hi)`` that share a whole band of their signatures and whose labels differ.

    Within a band's bucket, texts are ordered alphabetically and each meets its next
    ``_WINDOW`` bucket mates: a bucket of up to 21 texts gives all its pairs, a crowded one
    (a template repeated a thousand times) at most ``_WINDOW`` per text, so the work is at
    most ``_N_BANDS * _WINDOW`` pairs a text.
    """
    n = len(texts)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(np.asarray(texts, dtype=object), kind="stable")] = np.arange(n)
    bands = sig.astype(np.uint64).reshape(n, _N_BANDS, _BAND_ROWS)
    found = []
    for band in range(_N_BANDS):
        key = np.zeros(n, dtype=np.uint64)
        for j in range(_BAND_ROWS):
            key = _mix64(key ^ bands[:, band, j])
        order = np.lexsort((rank, key))
        sorted_key = key[order]
        for step in range(1, _WINDOW + 1):
            same = sorted_key[step:] == sorted_key[:-step]
            if not same.any():  # every bucket has at most `step` texts
                break
            a, b = order[:-step][same], order[step:][same]
            differ = signature[a] != signature[b]
            found.append(np.minimum(a[differ], b[differ]) * n + np.maximum(a[differ], b[differ]))
    if not found:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pairs = np.unique(np.concatenate(found))
    return pairs // n, pairs % n
