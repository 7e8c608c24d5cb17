"""Random draws keyed on (seed, global row index): the same rows whatever the partitioning.

Each row ``i`` owns one block of a counter-based generator (numpy's Philox, counter ``i``,
key ``(seed, stream)``): four 64-bit words that depend on nothing but the seed, the stream and
the row's position in the whole table. A chunk of rows ``[start, start + n)`` reads its blocks
in one vectorised call, so a table cut into 1 or 100 partitions draws the same numbers for the
same rows.

A random subset of exactly ``k`` rows of a class is the ``k`` rows with the smallest
``(key, index)`` pairs: a uniform draw without replacement that is decided row by row once the
``k``-th pair (the *threshold*) is known. In memory the threshold is a sort away
(:func:`bottom_k_threshold`); on a partitioned table it is found from a narrow window of keys
around its expected value (``unskew.distributed``). Either way the rows are picked by the same
:func:`below_threshold`, which is what makes the two the same sampler.
"""

from __future__ import annotations

import numpy as np

# streams: which of a row's independent draws is read
SELECT = 0  # the key deciding whether a row is kept (under-sampling) or copied once more
SYNTHETIC = 1 << 32  # + copy number: a SMOTE row's neighbour and gap


def seed_of(random_state) -> int:
    """A 64-bit seed from ``random_state`` (int, None or a ``RandomState`` / ``Generator``).

    Examples
    --------
    >>> seed_of(7)
    7
    >>> seed_of(np.random.RandomState(0)) == seed_of(np.random.RandomState(0))
    True
    """
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return int(random_state) % 2**64
    if random_state is None:
        return int(np.random.default_rng().integers(2**63))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(2**31 - 1)) * 2**32 + int(random_state.randint(2**31 - 1))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**63))
    raise TypeError(f"random_state must be an int, None, a RandomState or a Generator; "
                    f"got {random_state!r}")


def row_words(seed: int, stream: int, start: int, n: int) -> np.ndarray:
    """The ``(n, 4)`` uint64 words of rows ``start .. start + n - 1`` in ``stream``.

    Examples
    --------
    >>> whole = row_words(3, SELECT, 0, 10)
    >>> bool((row_words(3, SELECT, 4, 6) == whole[4:]).all())
    True
    """
    if n == 0:
        return np.zeros((0, 4), dtype=np.uint64)
    generator = np.random.Philox(key=[seed % 2**64, stream % 2**64], counter=int(start))
    return generator.random_raw(4 * int(n)).reshape(int(n), 4)


def selection_keys(seed: int, index: np.ndarray) -> np.ndarray:
    """Each row's selection key, for rows at the global positions ``index`` (sorted or not).

    Contiguous runs are read in one call each, so a partition's ``arange`` costs one call.
    """
    index = np.asarray(index, dtype=np.int64)
    keys = np.empty(index.size, dtype=np.uint64)
    if index.size == 0:
        return keys
    breaks = np.flatnonzero(np.diff(index) != 1) + 1
    for run in np.split(np.arange(index.size), breaks):
        keys[run] = row_words(seed, SELECT, int(index[run[0]]), run.size)[:, 0]
    return keys


def bottom_k_threshold(keys: np.ndarray, index: np.ndarray, k: int):
    """The ``k``-th smallest ``(key, index)`` pair (None when ``k`` is 0).

    Examples
    --------
    >>> keys = np.array([5, 1, 9, 3], dtype=np.uint64)
    >>> bottom_k_threshold(keys, np.arange(4), 2)
    (3, 3)
    """
    if k <= 0:
        return None
    order = np.lexsort((index, keys))[k - 1]
    return int(keys[order]), int(index[order])


def below_threshold(keys: np.ndarray, index: np.ndarray, threshold) -> np.ndarray:
    """Whether each ``(key, index)`` pair is at most ``threshold`` (all False for None)."""
    if threshold is None:
        return np.zeros(keys.size, dtype=bool)
    key, at = np.uint64(threshold[0]), threshold[1]
    return (keys < key) | ((keys == key) & (np.asarray(index) <= at))


def keyed_mask(y: np.ndarray, index: np.ndarray, thresholds: dict, seed: int) -> np.ndarray:
    """Rows picked by ``thresholds`` (``{class: pair}``); classes not named: every row.

    This is the per-partition core of random under-sampling (and of the rows an
    over-sampler copies once more): in memory ``index`` is ``arange(n)``, on a partition the
    rows' global positions.

    Examples
    --------
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> keys = selection_keys(0, np.arange(6))
    >>> pair = bottom_k_threshold(keys[:4], np.arange(4), 2)
    >>> int(keyed_mask(y, np.arange(6), {0: pair}, 0).sum())
    4
    """
    keys = selection_keys(seed, index)
    keep = np.ones(len(y), dtype=bool)
    for cls, threshold in thresholds.items():
        members = np.asarray(y) == cls
        keep[members] = below_threshold(keys[members], np.asarray(index)[members], threshold)
    return keep


def keyed_under_sample(y: np.ndarray, n_keep: dict, seed: int,
                       index: np.ndarray | None = None) -> np.ndarray:
    """Positions of the rows kept when each class in ``n_keep`` keeps exactly that many.

    The in-memory form of the partitioned under-sampler: a table and any partitioning of it
    keep the same rows for the same ``seed``.

    Examples
    --------
    >>> y = np.array([0] * 8 + [1] * 2)
    >>> kept = keyed_under_sample(y, {0: 2}, seed=0)
    >>> np.bincount(y[kept]).tolist()
    [2, 2]
    """
    y = np.asarray(y)
    index = np.arange(y.size) if index is None else np.asarray(index, dtype=np.int64)
    keys = selection_keys(seed, index)
    thresholds = {}
    for cls, k in n_keep.items():
        members = y == cls
        thresholds[cls] = bottom_k_threshold(keys[members], index[members], k)
    return np.flatnonzero(keyed_mask(y, index, thresholds, seed))
