"""Cheap, valid upper bounds on each row's k-th neighbour distance from a k-means partition.

The rows are cut into clusters of about ``_ROWS_PER_CLUSTER`` by a few Lloyd iterations; a row is
then compared only with the rows of the ``nprobe`` clusters nearest to its own cluster. The
``k`` nearest rows found that way are real rows, so the largest of their exact distances is an
upper bound on the true distance to the ``k``-th nearest row (counting the row itself): never
too small, whatever the partition. Callers refine only the rows whose bound is not yet good
enough, with a larger ``nprobe``.
"""

from __future__ import annotations

import numpy as np

from ._threads import map_in_threads

__all__ = ["KMeansPartition"]

_ROWS_PER_CLUSTER = 512
_LLOYD_ITERATIONS = 2
# distances held at once while comparing one group of queries with its candidates
_BLOCK_ENTRIES = 8_000_000


class KMeansPartition:
    """A partition of the rows of ``Z`` into k-means clusters (internal helper).

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_features)
        Centred dense rows.
    seed : int, default=0
        Seed of the initial centres (the bounds stay valid for any seed).
    n_jobs : int or None, default=None
        Threads for the assignments and the bounds (the answers do not depend on it).

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors._partition import KMeansPartition
    >>> Z = np.array([[0.0], [1.0], [10.0], [12.0]])
    >>> part = KMeansPartition(Z)
    >>> part.kth_upper_bound(np.arange(4), k=2, nprobe=1).tolist()
    [1.0, 1.0, 2.0, 2.0]
    """

    def __init__(self, Z, seed: int = 0, n_jobs=None):
        self.Z64 = np.asarray(Z, dtype=np.float64)
        self.Z = self.Z64.astype(np.float32)
        self.sq = np.einsum("ij,ij->i", self.Z, self.Z)
        self.n_jobs = n_jobs
        n = self.Z.shape[0]
        n_clusters = max(1, n // _ROWS_PER_CLUSTER)
        rng = np.random.default_rng(seed)
        centres = self.Z[rng.choice(n, n_clusters, replace=False)].copy()
        for it in range(_LLOYD_ITERATIONS + 1):
            labels = self._assign(centres)
            if it == _LLOYD_ITERATIONS:
                break
            counts = np.bincount(labels, minlength=n_clusters)
            filled = counts > 0
            for j in range(self.Z.shape[1]):
                sums = np.bincount(labels, weights=self.Z[:, j], minlength=n_clusters)
                centres[filled, j] = sums[filled] / counts[filled]
        self.labels = labels
        self.order = np.argsort(labels, kind="stable")
        self.bounds = np.searchsorted(labels[self.order], np.arange(n_clusters + 1))
        c_sq = np.einsum("ij,ij->i", centres, centres)
        between = c_sq[:, None] + c_sq[None, :] - 2 * centres @ centres.T
        # clusters by distance from each cluster's centre; each cluster comes first in its row
        np.fill_diagonal(between, -np.inf)
        self.probe_order = np.argsort(between, axis=1, kind="stable")

    def _assign(self, centres):
        c_sq = np.einsum("ij,ij->i", centres, centres)
        labels = np.empty(self.Z.shape[0], dtype=np.int64)
        step = max(1, _BLOCK_ENTRIES // max(1, centres.shape[0]))

        def block(s):
            labels[s:s + step] = (c_sq[None, :] - 2 * self.Z[s:s + step] @ centres.T).argmin(1)

        map_in_threads(block, range(0, self.Z.shape[0], step), self.n_jobs)
        return labels

    def members(self, cluster: int) -> np.ndarray:
        """Rows of one cluster."""
        return self.order[self.bounds[cluster]:self.bounds[cluster + 1]]

    def kth_upper_bound(self, rows, k: int, nprobe: int, codes=None, foreign: bool = False):
        """Upper bound on the distance from each of ``rows`` to its ``k``-th nearest row.

        The row itself counts (at distance 0), as in ``kneighbors(X[rows], k)``. ``inf`` where
        fewer than ``k`` candidates were seen. With ``codes`` (class codes of all rows), also
        return whether the ``k`` rows found all share the row's class; with ``foreign`` too,
        an upper bound on the distance to the nearest row of another class (the exact distance
        of the nearest such candidate; ``inf`` where none was seen).
        """
        rows = np.asarray(rows, dtype=np.int64)
        out = np.full(rows.shape[0], np.inf)
        same = np.zeros(rows.shape[0], dtype=bool)
        other = np.full(rows.shape[0], np.inf) if foreign else None
        if rows.size:
            self._search(rows, k, nprobe, codes, out, same, other)
        if codes is None:
            return out
        return (out, same, other) if foreign else (out, same)

    def _exact(self, a, b):
        """Exact float64 distances between the row pairs ``(a, b)``."""
        diff = self.Z64[a] - self.Z64[b]
        return np.sqrt(np.einsum("ij,ij->i", diff, diff))

    def _search(self, rows, k, nprobe, codes, out, same, other):
        by_cluster = np.argsort(self.labels[rows], kind="stable")
        cuts = np.searchsorted(self.labels[rows][by_cluster],
                               np.arange(self.probe_order.shape[0] + 1))

        def one_cluster(cluster):
            pos = by_cluster[cuts[cluster]:cuts[cluster + 1]]
            cand = np.concatenate([self.members(c) for c in self.probe_order[cluster, :nprobe]])
            if cand.size < k:
                return
            # [-2 z, |z|^2] so that one GEMM gives |z|^2 - 2 q.z (the query's norm is constant)
            Za = np.hstack([-2 * self.Z[cand], self.sq[cand, None]])
            step = max(1, _BLOCK_ENTRIES // cand.size)
            for s in range(0, pos.size, step):
                p = pos[s:s + step]
                q = rows[p]
                block = np.hstack([self.Z[q], np.ones((q.size, 1), np.float32)]) @ Za.T
                # the k nearest candidates (the float32 choice only picks candidates; the bound
                # below is their exact float64 distance, so it is valid whatever the rounding)
                nearest = cand[np.argpartition(block, k - 1, axis=1)[:, :k]]
                diff = self.Z64[nearest] - self.Z64[q][:, None, :]
                out[p] = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff).max(axis=1))
                if codes is not None:
                    same[p] = (codes[nearest] == codes[q][:, None]).all(axis=1)
                if other is not None:
                    # float32 picks the nearest candidate of another class, float64 measures it
                    away = codes[cand][None, :] != codes[q][:, None]
                    pick = np.where(away, block, np.inf).argmin(axis=1)
                    seen = away[np.arange(q.size), pick]
                    other[p[seen]] = self._exact(q[seen], cand[pick[seen]])

        # clusters hold disjoint rows, so threads write disjoint slots of out / same
        map_in_threads(one_cluster, np.flatnonzero(np.diff(cuts)), self.n_jobs)
