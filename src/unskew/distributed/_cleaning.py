"""Tomek links and edited nearest neighbours on a Dask collection (binary), nothing n^2.

Both clean the majority class near the minority, so only the minority rows' neighbourhoods
matter: the minority is gathered once (refused above ``max_minority_rows``) and broadcast;
each partition queries its majority rows against it and names the majority rows that might be
removed (candidates); a second map resolves the candidates against every partition's majority
rows (a few distances per candidate, never a pairwise matrix); the result is a lazy filter
that keeps the input's divisions.
"""

from __future__ import annotations

import dask
import numpy as np

from ..exceptions import DataError
from ._collection import count_classes, partitioned, rebuild, share, starts_of, totals


def _values(x_part) -> np.ndarray:
    if hasattr(x_part, "to_numpy"):
        return x_part.to_numpy(dtype=np.float64)
    return np.asarray(x_part, dtype=np.float64)


def _majority(x_part, y_part, start, majority):
    y = np.asarray(y_part)
    if len(x_part) != y.size:
        raise ValueError(f"a partition of X has {len(x_part)} rows and y's {y.size}")
    members = np.flatnonzero(y == majority)
    return _values(x_part)[members], members + start


def _gather_class(x_part, y_part, start, cls):
    members = np.flatnonzero(np.asarray(y_part) == cls)
    return _values(x_part)[members], members + start


def _tree(points):
    from sklearn.neighbors import NearestNeighbors

    return NearestNeighbors().fit(points) if len(points) else None


# -- Tomek links ----------------------------------------------------------------------------
def _nearest_majority(x_part, y_part, start, majority, minority_rows):
    """For each minority row: its nearest majority row of this partition (distance, index)."""
    rows, index = _majority(x_part, y_part, start, majority)
    if len(rows) == 0:
        return np.full(len(minority_rows), np.inf), np.full(len(minority_rows), -1)
    dist, at = _tree(rows).kneighbors(minority_rows, n_neighbors=1)
    return dist[:, 0], index[at[:, 0]]


def _rows_at(x_part, y_part, start, wanted):
    """The rows of this partition at the global positions ``wanted`` (those it holds)."""
    n = len(y_part)
    mine = wanted[(wanted >= start) & (wanted < start + n)]
    return _values(x_part)[mine - start], mine


def _nearest_other_majority(x_part, y_part, start, majority, points, index):
    """For each point: the nearest majority row of this partition that is not itself."""
    rows, own = _majority(x_part, y_part, start, majority)
    out = np.full(len(points), np.inf)
    if len(rows) == 0 or len(points) == 0:
        return out
    k = min(2, len(rows))
    dist, at = _tree(rows).kneighbors(points, n_neighbors=k)
    itself = own[at] == index[:, None]
    dist = np.where(itself, np.inf, dist)
    return dist.min(axis=1)


def _drop(x_part, y_part, start, dropped):
    index = np.arange(start, start + len(y_part))
    keep = ~np.isin(index, dropped)
    return x_part[keep], y_part[keep]


class _DaskCleaner:
    """What the Dask cleaners share: the binary check and the minority gather."""

    _who = ""

    def _begin(self, X, y):
        parts = partitioned(X, y, self._who)
        lengths, counts = count_classes(parts)
        n_of = totals(counts)
        if len(n_of) != 2:
            raise DataError(f"{self._who} on a Dask collection cleans a binary target; this one "
                            f"has {len(n_of)} classes ({list(n_of)}). Clean in memory with "
                            "unskew.resampling, or one class pair at a time")
        minority = min(n_of, key=n_of.get)
        majority = max(n_of, key=n_of.get)
        if minority == majority or n_of[minority] == n_of[majority]:
            minority, majority = sorted(n_of)
        if n_of[minority] > self.max_minority_rows:
            raise DataError(
                f"{self._who} gathers the minority class to the client: class {minority!r} has "
                f"{n_of[minority]:,} rows, more than max_minority_rows="
                f"{self.max_minority_rows:,}. Raise max_minority_rows if the client holds them")
        starts = starts_of(lengths)
        pieces = dask.compute(*[dask.delayed(_gather_class)(x, v, int(s), minority)
                                for x, v, s in zip(parts.x_parts, parts.y_parts, starts,
                                                   strict=True)])
        rows = np.concatenate([p[0] for p in pieces])
        self.class_counts_ = n_of
        return parts, lengths, starts, majority, rows

    def _finish(self, parts, lengths, starts, dropped):
        self.removed_ = np.sort(dropped)
        handle = share(self.removed_, "dropped")
        made = [dask.delayed(_drop, nout=2)(x, v, int(s), handle)
                for x, v, s in zip(parts.x_parts, parts.y_parts, starts, strict=True)]
        sizes = [int(n - np.isin(self.removed_, np.arange(s, s + n)).sum())
                 for n, s in zip(lengths, starts, strict=True)]
        return rebuild(parts, [m[0] for m in made], [m[1] for m in made], sizes)


class TomekLinks(_DaskCleaner):
    """Remove the majority row of every Tomek link of a binary Dask DataFrame or Array.

    A Tomek link is a minority row and a majority row that are each other's nearest
    neighbour. The minority is gathered and broadcast; each partition returns, for every
    minority row, its nearest majority row there (a distance and a position per minority
    row); the majority rows that win are fetched and checked against every partition's
    majority rows (one distance each); the rows whose nearest neighbour is their minority
    partner are dropped by a lazy filter that keeps ``X``'s divisions. The rows removed are
    imbalanced-learn's ``TomekLinks`` ones (exact distances; ties aside).

    Parameters
    ----------
    max_minority_rows : int, default=2_000_000
        The most minority rows gathered to the client.

    Attributes
    ----------
    removed_ : ndarray
        Global positions of the rows removed.
    class_counts_ : dict
        ``{class: rows}`` of the input.

    Examples
    --------
    >>> import dask.dataframe as dd, numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"x": [0.0, 1.0, 1.1, 3.0, 5.0, 7.0], "y": [0, 0, 1, 0, 0, 0]})
    >>> df = dd.from_pandas(frame, npartitions=2)
    >>> X, y = TomekLinks().fit_resample(df[["x"]], df["y"])
    >>> X.compute().index.tolist()
    [0, 2, 3, 4, 5]
    """

    _who = "TomekLinks"

    def __init__(self, *, max_minority_rows: int = 2_000_000):
        self.max_minority_rows = max_minority_rows

    def fit_resample(self, X, y):
        """Lazy ``(X, y)`` without the majority rows of the Tomek links."""
        parts, lengths, starts, majority, rows = self._begin(X, y)
        shared = share(rows, "minority")
        found = dask.compute(*[dask.delayed(_nearest_majority)(x, v, int(s), majority, shared)
                               for x, v, s in zip(parts.x_parts, parts.y_parts, starts,
                                                  strict=True)])
        dist = np.stack([f[0] for f in found])
        best = dist.argmin(axis=0)
        near = dist[best, np.arange(len(rows))]
        partner = np.stack([f[1] for f in found])[best, np.arange(len(rows))]
        # a minority row's own nearest minority neighbour (itself excluded)
        if len(rows) > 1:
            other = _tree(rows).kneighbors(rows, n_neighbors=2)[0][:, 1]
        else:
            other = np.full(len(rows), np.inf)
        linked = near < other  # the minority rows whose nearest row is a majority row
        candidates = np.unique(partner[linked])
        dropped = candidates
        if candidates.size:
            fetched = dask.compute(*[dask.delayed(_rows_at)(x, v, int(s), candidates)
                                     for x, v, s in zip(parts.x_parts, parts.y_parts, starts,
                                                        strict=True)])
            points = np.concatenate([f[0] for f in fetched])
            points = points[np.argsort(np.concatenate([f[1] for f in fetched]))]
            shared_points, shared_index = share(points, "points"), share(candidates, "index")
            others = dask.compute(*[
                dask.delayed(_nearest_other_majority)(x, v, int(s), majority, shared_points,
                                                      shared_index)
                for x, v, s in zip(parts.x_parts, parts.y_parts, starts, strict=True)])
            nearest_majority = np.min(np.stack(others), axis=0)
            # a link: b's nearest minority row a has b as its nearest row, and no majority
            # row is nearer to b than a
            dist_b, at_b = _tree(rows).kneighbors(points, n_neighbors=1)
            a = at_b[:, 0]
            mutual = linked[a] & (partner[a] == candidates)
            dropped = candidates[mutual & (nearest_majority > dist_b[:, 0])]
        return self._finish(parts, lengths, starts, dropped.astype(np.int64))


# -- edited nearest neighbours --------------------------------------------------------------
def _enn_candidates(x_part, y_part, start, majority, minority_tree, k):
    """Majority rows whose nearest minority row is not beaten by k majority rows here."""
    rows, index = _majority(x_part, y_part, start, majority)
    if len(rows) == 0:
        return rows, index, np.zeros(0)
    d_min = minority_tree.kneighbors(rows, n_neighbors=1)[0][:, 0]
    if len(rows) > k:
        local = _tree(rows).kneighbors(rows, n_neighbors=k + 1)[0][:, k]
    else:
        local = np.full(len(rows), np.inf)
    maybe = d_min <= local
    return rows[maybe], index[maybe], d_min[maybe]


def _enn_closer(x_part, y_part, start, majority, shared):
    """For each candidate: this partition's majority rows (not itself) nearer than d_min."""
    points, index, d_min = shared
    rows, own = _majority(x_part, y_part, start, majority)
    if len(rows) == 0 or len(points) == 0:
        return np.zeros(len(points), dtype=np.int64)
    from sklearn.neighbors import KDTree

    radius = np.nextafter(d_min, 0)  # strictly nearer
    count = KDTree(rows).query_radius(points, r=np.maximum(radius, 0), count_only=True)
    count = count - np.isin(index, own)  # each candidate of this partition finds itself
    return np.where(radius > 0, count, 0).astype(np.int64)


class EditedNearestNeighbours(_DaskCleaner):
    """Remove majority rows with a minority row among their k neighbours (binary Dask data).

    imbalanced-learn's ``EditedNearestNeighbours`` with ``kind_sel="all"``: a majority row is
    kept only if its ``n_neighbors`` nearest rows are all majority. The minority is gathered,
    its neighbour index built once and broadcast; each partition finds its majority rows whose
    nearest minority row is no farther than their ``n_neighbors``-th majority neighbour there
    (the only ones that can go); a second map counts, for those candidates, the majority rows
    of every partition nearer than their nearest minority row; those with fewer than
    ``n_neighbors`` are removed by a lazy filter that keeps ``X``'s divisions.

    Parameters
    ----------
    n_neighbors : int, default=3
        Neighbours looked at (the row itself excluded).
    max_minority_rows : int, default=2_000_000
        The most minority rows gathered to the client.

    Attributes
    ----------
    removed_ : ndarray
        Global positions of the rows removed.
    class_counts_ : dict
        ``{class: rows}`` of the input.

    Examples
    --------
    >>> import dask.dataframe as dd, numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"x": [0.0, 0.5, 1.0, 1.1, 3.0, 5.0, 5.5, 6.0],
    ...                       "y": [0, 0, 0, 1, 1, 0, 0, 0]})
    >>> df = dd.from_pandas(frame, npartitions=2)
    >>> X, y = EditedNearestNeighbours(n_neighbors=2).fit_resample(df[["x"]], df["y"])
    >>> X.compute().index.tolist()
    [0, 1, 3, 4, 5, 6, 7]
    """

    _who = "EditedNearestNeighbours"

    def __init__(self, *, n_neighbors: int = 3, max_minority_rows: int = 2_000_000):
        self.n_neighbors = n_neighbors
        self.max_minority_rows = max_minority_rows

    def fit_resample(self, X, y):
        """Lazy ``(X, y)`` without the edited majority rows."""
        if not isinstance(self.n_neighbors, (int, np.integer)) or self.n_neighbors < 1:
            raise DataError(f"n_neighbors must be a positive int; got {self.n_neighbors!r}")
        parts, lengths, starts, majority, rows = self._begin(X, y)
        k = self.n_neighbors
        tree = share(_tree(rows), "minority-index")
        found = dask.compute(*[dask.delayed(_enn_candidates)(x, v, int(s), majority, tree, k)
                               for x, v, s in zip(parts.x_parts, parts.y_parts, starts,
                                                  strict=True)])
        points = np.concatenate([f[0] for f in found]) if found else np.zeros((0, 0))
        cand = np.concatenate([f[1] for f in found]).astype(np.int64)
        d_min = np.concatenate([f[2] for f in found])
        if cand.size:
            shared = share((points, cand, d_min), "candidates")
            closer = dask.compute(*[dask.delayed(_enn_closer)(x, v, int(s), majority, shared)
                                    for x, v, s in zip(parts.x_parts, parts.y_parts, starts,
                                                       strict=True)])
            dropped = cand[np.sum(np.stack(closer), axis=0) < k]
        else:
            dropped = cand
        self.candidates_ = int(cand.size)
        return self._finish(parts, lengths, starts, dropped)
