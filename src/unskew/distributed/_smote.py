"""SMOTE on a Dask collection: gather the classes it grows, never the majority.

The rows of each class to grow (small by definition; refused above ``max_minority_rows``)
are gathered once, in table order, with their selection keys; the client builds their
neighbour table once and broadcasts it with the rows. Each partition then makes the synthetic
rows of its own minority rows (in proportion to them: every row ``m // n`` times, ``m % n`` of
them once more), reading nothing but the broadcast, so the majority is read only where the
caller's graph reads it.
"""

from __future__ import annotations

import dask
import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from .._utils._keyed import (
    SYNTHETIC,
    below_threshold,
    bottom_k_threshold,
    row_words,
    selection_keys,
)
from ..exceptions import DataError
from ._collection import append_rows, first_new_index, share, starts_of
from ._random import _DaskSampler

_UNIT = 2.0**-53


def _gather(x_part, y_part, start: int, seed: int, classes: list) -> dict:
    """Each grown class's rows of one partition: global positions, keys, float64 values."""
    y = np.asarray(y_part)
    if len(x_part) != y.size:
        raise ValueError(f"a partition of X has {len(x_part)} rows and y's {y.size}")
    index = np.arange(start, start + y.size, dtype=np.int64)
    values = x_part.to_numpy(dtype=np.float64) if hasattr(x_part, "to_numpy") else \
        np.asarray(x_part, dtype=np.float64)
    out = {}
    for cls in classes:
        members = y == cls
        out[cls] = (index[members], selection_keys(seed, index[members]), values[members])
    return out


def _synthesize(shared: dict, ranges: dict, seed: int, first: int, template):
    """One partition's synthetic rows, ordered by source row then copy, numbered from first.

    ``shared[cls]`` is ``(position of the class, rows, neighbour index, copies per row,
    global positions)``: the neighbours of the partition's rows are searched here;
    ``ranges[cls]`` the partition's rows of the class ``(a, b)`` and its first synthetic
    row's number ``s`` within the class.
    """
    blocks, labels, order_source, order_copy = [], [], [], []
    for cls, (a, b, s) in ranges.items():
        position, rows, search, copies, index = shared[cls]
        count = copies[a:b]
        source = np.repeat(np.arange(a, b), count)
        if source.size == 0:
            continue
        neighbours = _neighbours(search, rows, a, b)
        copy = np.arange(source.size) - np.repeat(np.cumsum(count) - count, count)
        words = row_words(seed, SYNTHETIC + position, s, source.size)
        choice = (words[:, 0] % np.uint64(neighbours.shape[1])).astype(np.int64)
        pick = neighbours[source - a, choice]
        gap = (words[:, 1] >> np.uint64(11)).astype(np.float64) * _UNIT
        blocks.append(rows[source] + gap[:, None] * (rows[pick] - rows[source]))
        labels.append(np.full(source.size, cls, dtype=object))
        order_source.append(index[source])
        order_copy.append(copy)
    if not blocks:
        values, y = np.zeros((0, template[0]), dtype=np.float64), np.zeros(0, dtype=object)
    else:
        order = np.lexsort((np.concatenate(order_copy), np.concatenate(order_source)))
        values, y = np.concatenate(blocks)[order], np.concatenate(labels)[order]
    kind, meta_x, meta_y = template[1:]
    if kind == "array":
        return values.astype(meta_x), y.astype(meta_y)
    new_index = pd.RangeIndex(first, first + len(y))
    frame = pd.DataFrame(values, columns=meta_x.columns, index=new_index)
    return (frame.astype(meta_x.dtypes.to_dict()),
            pd.Series(y, index=new_index, name=meta_y.name).astype(meta_y.dtype))


def _neighbours(search, rows, a: int, b: int) -> np.ndarray:
    """The k neighbours (positions in ``rows``) of rows ``a .. b - 1``, themselves excluded.

    Exact: scikit-learn's search with the first column dropped, as imbalanced-learn does;
    approximate: the row itself dropped where found, else the farthest.
    """
    from sklearn import config_context

    k = search.n_neighbors - 1
    with config_context(working_memory=64):  # MiB of distances at a time, in a worker
        found = np.asarray(search.kneighbors(rows[a:b], return_distance=False))
    if isinstance(search, NearestNeighbors):
        return found[:, 1:]
    own = found == np.arange(a, b)[:, None]
    drop = np.where(own.any(axis=1), own.argmax(axis=1), k)
    keep = np.ones(found.shape, dtype=bool)
    keep[np.arange(found.shape[0]), drop] = False
    return found[keep].reshape(found.shape[0], k)


class SMOTE(_DaskSampler):
    """SMOTE on a Dask DataFrame or Array: synthetic minority rows, majority never gathered.

    Every class that grows (imbalanced-learn's ``sampling_strategy``, so the counts equal
    imbalanced-learn's ``SMOTE``) is gathered to the client once, its ``k_neighbors``
    neighbour table built once and broadcast to the workers with its rows; each partition
    then makes the synthetic rows of its own minority rows, each on the segment from a
    minority row to one of its neighbours. Synthetic rows follow the input in new partitions
    with index values after the input's (divisions stay known); every draw is keyed on
    ``random_state`` and row positions, so any partitioning and any number of workers give the
    same rows.

    Parameters
    ----------
    sampling_strategy : str, float or dict, default="auto"
        As in imbalanced-learn (``"auto"``: grow every class to the largest one's size).
    k_neighbors : int, default=5
        Neighbours of a minority row among its class that synthetic rows lie towards.
    random_state : int, RandomState or None, default=None
        Seed of the draws.
    max_minority_rows : int, default=2_000_000
        The most rows (all grown classes together) gathered to the client; above it the
        minority is not small and a clear error says what to do.
    algorithm : {"exact", "hnsw"}, default="exact"
        The neighbour index: scikit-learn's exact search (imbalanced-learn's neighbours), or
        an approximate hnsw graph (the ``fast`` extra), much faster on a large minority with
        many features. Built once on the client, broadcast, and queried by each partition
        for its own minority rows.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows added}``.
    class_counts_ : dict
        ``{class: rows}`` of the input.

    Examples
    --------
    >>> import dask.dataframe as dd, numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200),
    ...                       "y": [0] * 180 + [1] * 20})
    >>> df = dd.from_pandas(frame, npartitions=4)
    >>> X, y = SMOTE(random_state=0).fit_resample(df[["a", "b"]], df["y"])
    >>> y.value_counts().compute().sort_index().tolist()
    [180, 180]
    >>> X.known_divisions
    True
    """

    _who = "SMOTE"

    def __init__(self, *, sampling_strategy="auto", k_neighbors: int = 5, random_state=None,
                 max_minority_rows: int = 2_000_000, algorithm: str = "exact"):
        super().__init__(sampling_strategy=sampling_strategy, random_state=random_state)
        self.k_neighbors = k_neighbors
        self.max_minority_rows = max_minority_rows
        self.algorithm = algorithm

    def fit_resample(self, X, y):
        """Lazy ``(X, y)`` followed by the synthetic rows."""
        if not isinstance(self.k_neighbors, (int, np.integer)) or self.k_neighbors < 1:
            raise DataError(f"k_neighbors must be a positive int; got {self.k_neighbors!r}")
        if self.algorithm not in ("exact", "hnsw"):
            raise DataError(f"algorithm must be 'exact' or 'hnsw'; got {self.algorithm!r}")
        parts, lengths, _counts, n_of, seed = self._start(X, y, "over-sampling")
        _check_numeric(parts)
        first = first_new_index(parts, self._who)
        grow = {c: m for c, m in self.sampling_strategy_.items() if m > 0}
        gathered_rows = sum(n_of[c] for c in grow)
        if gathered_rows > self.max_minority_rows:
            raise DataError(
                f"SMOTE gathers the classes it grows to the client: {gathered_rows:,} rows "
                f"({', '.join(f'{c!r}: {n_of[c]:,}' for c in grow)}) are more than "
                f"max_minority_rows={self.max_minority_rows:,}. Raise max_minority_rows if the "
                f"client holds {gathered_rows:,} x {_width(parts)} float64 values, or "
                "under-sample those classes first (RandomUnderSampler(sampling_strategy={...}))")
        for cls in grow:
            if n_of[cls] <= self.k_neighbors:
                raise DataError(f"SMOTE needs more than k_neighbors={self.k_neighbors} rows of "
                                f"each class it grows; class {cls!r} has {n_of[cls]}: lower "
                                "k_neighbors")
        starts = starts_of(lengths)
        pieces = dask.compute(*[dask.delayed(_gather)(x, v, int(s), seed, list(grow))
                                for x, v, s in zip(parts.x_parts, parts.y_parts, starts, strict=True)])
        classes = sorted(n_of)
        shared, ranges = {}, [dict() for _ in starts]
        sizes = np.zeros(len(starts), dtype=np.int64)
        for cls, m in grow.items():
            index = np.concatenate([p[cls][0] for p in pieces])
            keys = np.concatenate([p[cls][1] for p in pieces])
            rows = np.concatenate([p[cls][2] for p in pieces])
            if self.algorithm == "exact":
                search = NearestNeighbors(n_neighbors=self.k_neighbors + 1).fit(rows)
            else:
                from .._neighbors import NeighborIndex

                search = NeighborIndex(self.k_neighbors + 1, algorithm="hnsw",
                                       random_state=seed % 2**31).fit(rows)
            threshold = bottom_k_threshold(keys, index, m % rows.shape[0])
            copies = m // rows.shape[0] + below_threshold(keys, index, threshold).astype(np.int64)
            handle = share((classes.index(cls), rows, search, copies, index), f"smote-{cls}")
            shared[cls] = handle
            bounds = np.searchsorted(index, np.append(starts, starts[-1] + lengths[-1]))
            made = np.concatenate([[0], np.cumsum(copies)])
            for p in range(len(starts)):
                a, b = int(bounds[p]), int(bounds[p + 1])
                ranges[p][cls] = (a, b, int(made[a]))
                sizes[p] += made[b] - made[a]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) + first
        if parts.kind == "array":
            template = (_width(parts), "array", parts.X.dtype, parts.y.dtype)
        else:
            template = (_width(parts), "frame", parts.X._meta, parts.y._meta)
        made = [dask.delayed(_synthesize, nout=2)(shared, r, seed, int(o), template)
                for r, o in zip(ranges, offsets, strict=True)]
        return append_rows(parts, [m[0] for m in made], [m[1] for m in made],
                           sizes.tolist(), first, getattr(parts.X, "_meta", None),
                           getattr(parts.y, "_meta", None))


def _width(parts) -> int:
    return int(parts.X.shape[1]) if parts.kind == "array" else len(parts.X.columns)


def _check_numeric(parts) -> None:
    if parts.kind == "array":
        if not np.issubdtype(parts.X.dtype, np.number):
            raise DataError(f"SMOTE interpolates numbers; X's dtype is {parts.X.dtype}")
        return
    other = [c for c, t in parts.X.dtypes.items()
             if not (pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t))]
    if other:
        raise DataError(f"SMOTE interpolates numbers; X has non-numeric columns {other}: "
                        "encode them first, or use RandomOverSampler")
