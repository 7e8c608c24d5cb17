"""``NeighborIndex``: a scikit-learn ``NearestNeighbors``-compatible front over the backends.

Backends and how ``algorithm="auto"`` picks one (Euclidean distance throughout):

- ``"exact"``: :class:`sklearn.neighbors.NearestNeighbors` with its own ``algorithm="auto"``
  (a KD-tree up to 15 features, else chunked brute force on BLAS through ``ArgKmin``, which
  never holds an ``n x n`` matrix). Neighbours, their order and tie handling are therefore
  exactly scikit-learn's, and so exactly what imbalanced-learn's resamplers see. Measured
  (one thread, ``make_classification``, 20 features, all rows queried, k=4): 50k rows 5 s,
  200k rows 83 s; brute force on BLAS beat the KD- and ball trees from 16 features up, the
  KD-tree won below, which is the rule scikit-learn applies. Where scikit-learn would go brute
  force on a large dense search, :func:`~unskew._neighbors._brute.exact_kneighbors` (float32
  GEMM, float64 re-ranking, a proof per query) answers instead and scikit-learn only gets the
  near-ties: the same result, faster (see ``_BLOCKED_MIN_ENTRIES``).
- ``"hnsw"`` (hnswlib) and ``"pynndescent"``: approximate, from the ``fast`` extra
  (``pip install "unskew[fast]"``); faiss is not available in this environment, so it is not
  a backend.
  hnswlib with ef_construction=200, one thread: 1.6 s at 5k x 20 (exact: 0.2 s) and 37 s at
  200k x 20 (exact: 95 s), recall@6 0.997 (benchmarks/results/bench_resampling.md); the
  current setting (100, below) builds in about half the time.
- ``"auto"``: exact below ``AUTO_APPROXIMATE_MIN_ROWS`` rows or up to 15 features (where the
  KD-tree is fast), else hnsw when hnswlib is installed, else exact. ``"auto"`` assumes every
  row will be queried, the resampler case; pass ``"exact"`` when results must match
  scikit-learn.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, check_is_fitted

from .._utils._optional import require
from ._brute import exact_kneighbors_in_threads, prepare_reference

__all__ = ["ALGORITHMS", "AUTO_APPROXIMATE_MIN_ROWS", "NeighborIndex", "kneighbors"]

ALGORITHMS = ("auto", "exact", "hnsw", "pynndescent")
APPROXIMATE = ("hnsw", "pynndescent")

# rows from which "auto" goes approximate (with more than 15 features): querying every row
# took 0.2 s exact vs 1.6 s hnsw at 5k x 20 and 95 s vs 37 s at 200k (one thread); exact grows
# as n^2 and hnsw about as n log n, so they cross near 50k and hnsw is clearly ahead by 100k
AUTO_APPROXIMATE_MIN_ROWS = 100_000
# above this many features a KD-tree stops pruning and scikit-learn itself goes brute force
_TREE_MAX_FEATURES = 15
# building an hnsw graph costs about as much as ~25% of the rows querying exactly, so "auto"
# waits for the first query and goes approximate only when at least this share of the indexed
# rows asks (all rows, as after SMOTE); a few thousand minority rows against 200k rows stay
# exact (Borderline-SMOTE's danger set: 1 s exact vs 28 s building the graph)
_AUTO_MIN_QUERY_SHARE = 0.25

# hnswlib settings: M=16, ef_construction=100 and a query ef of max(64, 2k) give recall@4
# 0.998 at 100k x 20 (0.999 with ef_construction=200, for 1.8x the build time); SMOTE-Tomek at
# 200k rows took 30 s with 100 and 57 s with 200 (imblearn: 367 s, the same rows kept)
_HNSW_M = 16
_HNSW_EF_CONSTRUCTION = 100
_HNSW_MIN_EF = 64
# in many dimensions the graph needs more links for the same recall: on sylva (216 features,
# 24,562 rows after SMOTE) recall@4 is 0.960 with the settings above, 0.972 with M=32 and
# 0.987 with M=32 and ef_construction=200 (build 5.2 s -> 11.4 s), while a query ef of 128
# instead of 64 only reaches 0.967 for twice the query time
_HNSW_HIGH_DIM = 64
_HNSW_HIGH_DIM_M = 32
_HNSW_HIGH_DIM_EF_CONSTRUCTION = 200

# queries x indexed rows from which the exact backend answers through the blocked float32
# search of ``_brute.exact_kneighbors`` instead of scikit-learn (dense, more than 15 features).
# Measured against scikit-learn, one thread, 20 features, k=4: 2k x 20k 0.5x (its sample
# costs as much as the search), 2k x 50k 1.2x, 2k x 100k 1.8x, 2k x 200k 2.1x; BorderlineSMOTE
# and ADASYN at 1M rows (10k queries) 2.4x faster end to end
_BLOCKED_MIN_ENTRIES = 100_000_000
# fewest queries worth a thread of their own in the blocked search

class NeighborIndex(BaseEstimator):
    """Euclidean k-nearest neighbours through one interface, exact or approximate.

    It has the public surface of :class:`sklearn.neighbors.NearestNeighbors` that resamplers use
    (``n_neighbors``, ``fit``, ``kneighbors``, ``kneighbors_graph``), so it can be passed wherever
    imbalanced-learn accepts a neighbours object.

    Parameters
    ----------
    n_neighbors : int, default=5
        Neighbours returned by ``kneighbors`` when it is not told otherwise.
    algorithm : {"auto", "exact", "hnsw", "pynndescent"}, default="auto"
        Backend. ``"exact"`` gives the same neighbours, in the same order (ties included), as
        scikit-learn's ``NearestNeighbors``. ``"hnsw"`` and ``"pynndescent"`` are approximate
        and need the ``fast`` extra. ``"auto"`` is exact below 100,000 rows or up to 15
        features, else hnsw when installed (see the module notes for the measurements).
    n_jobs : int or None, default=None
        Threads for the search, as joblib reads it (None: one; -1: every core). The exact
        search gives the same answer on any number; an hnsw graph built on several threads
        depends on their timing, so a few neighbours may differ between runs.
    random_state : int, RandomState instance or None, default=None
        Seeds the approximate index construction (hnswlib with one thread is then
        reproducible).

    Attributes
    ----------
    n_samples_fit_ : int
        Rows indexed.
    n_features_in_ : int
        Columns of the indexed rows.
    backend_ : str
        The backend in use (``"exact"``, ``"hnsw"`` or ``"pynndescent"``). With
        ``algorithm="auto"`` on large data it starts ``"exact"`` and becomes ``"hnsw"`` at the
        first query by at least a quarter as many rows as were indexed.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors import NeighborIndex
    >>> X = np.array([[0.0], [1.0], [3.0]])
    >>> NeighborIndex(n_neighbors=1).fit(X).kneighbors(return_distance=False).ravel().tolist()
    [1, 0, 1]
    """

    def __init__(self, n_neighbors=5, *, algorithm="auto", n_jobs=None, random_state=None):
        self.n_neighbors = n_neighbors
        self.algorithm = algorithm
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _choose_backend(self, X) -> str:
        if self.algorithm != "auto":
            return self.algorithm
        if (sp.issparse(X) or X.shape[0] < AUTO_APPROXIMATE_MIN_ROWS
                or X.shape[1] <= _TREE_MAX_FEATURES):
            return "exact"
        try:
            require("hnswlib", "NeighborIndex(algorithm='hnsw')")
        except ImportError:
            return "exact"
        return "hnsw"

    def fit(self, X, y=None):
        """Index the rows of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to index (sparse only for the exact backend).
        y : ignored

        Returns
        -------
        self : NeighborIndex
        """
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"NeighborIndex: algorithm must be one of {ALGORITHMS}, "
                             f"got {self.algorithm!r}.")
        if (isinstance(self.n_neighbors, bool)
                or not isinstance(self.n_neighbors, numbers.Integral) or self.n_neighbors < 1):
            raise ValueError(f"NeighborIndex: n_neighbors must be an int >= 1, "
                             f"got {self.n_neighbors!r}.")
        X = check_array(X, accept_sparse="csr")
        backend = self._choose_backend(X)
        if backend in APPROXIMATE and sp.issparse(X):
            raise ValueError(f"NeighborIndex: algorithm={backend!r} needs dense X, got a sparse "
                             "matrix; use algorithm='exact' or densify X (X.toarray()).")
        self.n_samples_fit_, self.n_features_in_ = X.shape
        # "auto" on large data: exact until a query is big enough to pay for the graph
        self._approximate_later = self.algorithm == "auto" and backend == "hnsw"
        if self._approximate_later:
            backend = "exact"
        if backend == "exact":
            self._nn = NearestNeighbors(n_neighbors=self.n_neighbors, n_jobs=self.n_jobs).fit(X)
        elif backend == "hnsw":
            self._nn = self._fit_hnsw(X)
        else:
            self._nn = self._fit_pynndescent(X)
        self._X = X
        self._reference = None
        self.backend_ = backend
        return self

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_reference", None)  # a cache of the indexed rows; rebuilt when needed
        return state

    def _threads(self) -> int:
        # joblib's reading of n_jobs (-1: every core, -2: all but one); hnswlib's own -1 runs
        # one thread (measured: 2 cores build 100k rows in 7.4 s with -1, 3.9 s with 2)
        return effective_n_jobs(self.n_jobs)

    def _fit_hnsw(self, X):
        hnswlib = require("hnswlib", "NeighborIndex(algorithm='hnsw')")
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        index = hnswlib.Index(space="l2", dim=X.shape[1])
        high = X.shape[1] > _HNSW_HIGH_DIM
        index.init_index(max_elements=X.shape[0], M=_HNSW_HIGH_DIM_M if high else _HNSW_M,
                         ef_construction=(_HNSW_HIGH_DIM_EF_CONSTRUCTION if high
                                          else _HNSW_EF_CONSTRUCTION), random_seed=seed)
        index.set_num_threads(self._threads())
        index.add_items(np.ascontiguousarray(X, dtype=np.float32),
                        np.arange(X.shape[0]))
        return index

    def _fit_pynndescent(self, X):
        pynndescent = require("pynndescent", "NeighborIndex(algorithm='pynndescent')")
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        return pynndescent.NNDescent(np.asarray(X, dtype=np.float32), metric="euclidean",
                                     n_neighbors=max(30, 2 * self.n_neighbors),
                                     random_state=seed, n_jobs=self._threads())

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Neighbours of ``X``, or of the indexed rows themselves (each excluded) when None.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_queries, n_features) or None
            Query rows; a query equal to an indexed row finds that row at distance 0.
        n_neighbors : int or None
            Neighbours per query (default: ``self.n_neighbors``).
        return_distance : bool, default=True
            Also return the distances.

        Returns
        -------
        distances : ndarray of shape (n_queries, n_neighbors), if ``return_distance``
        indices : ndarray of shape (n_queries, n_neighbors)
        """
        check_is_fitted(self, "backend_")
        n_queries = self.n_samples_fit_ if X is None else X.shape[0]
        if (getattr(self, "_approximate_later", False)
                and n_queries >= _AUTO_MIN_QUERY_SHARE * self.n_samples_fit_):
            self._nn, self.backend_ = self._fit_hnsw(self._X), "hnsw"
            self._approximate_later = False
        if self.backend_ == "exact":
            k = self.n_neighbors if n_neighbors is None else n_neighbors
            if self._use_blocked(X, k, n_queries):
                return self._blocked_kneighbors(X, k, return_distance)
            return self._nn.kneighbors(X, n_neighbors=n_neighbors,
                                       return_distance=return_distance)
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        exclude_self = X is None
        Q = self._X if exclude_self else check_array(X, dtype=np.float32)
        if Q.shape[1] != self.n_features_in_:
            raise ValueError(f"NeighborIndex: X has {Q.shape[1]} features, but the index was "
                             f"fitted with {self.n_features_in_}.")
        k_search = k + 1 if exclude_self else k
        if k_search > self.n_samples_fit_:
            raise ValueError(f"Expected n_neighbors <= n_samples_fit, but n_neighbors = "
                             f"{k_search}, n_samples_fit = {self.n_samples_fit_}")
        ind, dist = self._approximate_search(np.asarray(Q, dtype=np.float32), k_search)
        if exclude_self:
            ind, dist = _drop_self(ind, dist)
        return (dist, ind) if return_distance else ind

    def _use_blocked(self, X, k, n_queries) -> bool:
        """Whether the blocked float32 search (with its float64 proof) beats scikit-learn here."""
        X_fit = self._X
        return (not sp.issparse(X_fit) and (X is None or not sp.issparse(X))
                and X_fit.shape[1] > _TREE_MAX_FEATURES
                and isinstance(k, numbers.Integral) and not isinstance(k, bool)
                and 1 <= k < self.n_samples_fit_
                and n_queries * self.n_samples_fit_ >= _BLOCKED_MIN_ENTRIES)

    def _blocked_kneighbors(self, X, k, return_distance):
        """scikit-learn's answer through :func:`exact_kneighbors`, near-ties asked of scikit-learn."""
        exclude_self = X is None
        Q = self._X if exclude_self else check_array(X)
        if Q.shape[1] != self.n_features_in_:
            raise ValueError(f"NeighborIndex: X has {Q.shape[1]} features, but the index was "
                             f"fitted with {self.n_features_in_}.")
        k_search = k + 1 if exclude_self else k
        if getattr(self, "_reference", None) is None:
            # centred float32 copy of the indexed rows: made once, at the first blocked query
            self._reference = prepare_reference(self._X)
        dist, ind, solved = self._exact_in_threads(Q, k_search)
        if exclude_self:
            # a solved row is strictly nearest to itself (distance 0, no duplicate)
            dist, ind = dist[:, 1:], ind[:, 1:]
        rest = np.flatnonzero(~solved)
        if rest.size:
            d_rest, i_rest = self._nn.kneighbors(Q[rest], n_neighbors=k_search)
            if exclude_self:
                # scikit-learn's kneighbors(None): drop the row itself, else the first column
                is_other = i_rest != rest[:, None]
                is_other[~(~is_other).any(axis=1), 0] = False
                d_rest = d_rest[is_other].reshape(rest.size, k)
                i_rest = i_rest[is_other].reshape(rest.size, k)
            dist[rest], ind[rest] = d_rest, i_rest
        return (dist, ind) if return_distance else ind

    def _exact_in_threads(self, Q, k):
        """:func:`exact_kneighbors` on ``n_jobs`` threads, each on its share of the queries."""
        return exact_kneighbors_in_threads(Q, self._reference, k, self.n_jobs)

    def _approximate_search(self, Q, k):
        if self.backend_ == "hnsw":
            self._nn.set_ef(max(_HNSW_MIN_EF, 2 * k))
            ind, sq = self._nn.knn_query(Q, k=k, num_threads=self._threads())
            dist = np.sqrt(np.maximum(sq, 0).astype(np.float64))
        else:
            ind, dist = self._nn.query(Q, k=k)
            dist = dist.astype(np.float64)
        return ind.astype(np.intp), dist

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """Sparse graph of the neighbours (``mode="connectivity"`` or ``"distance"``).

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_queries, n_samples_fit_)
        """
        if mode not in ("connectivity", "distance"):
            raise ValueError(f"NeighborIndex: mode must be 'connectivity' or 'distance', "
                             f"got {mode!r}.")
        dist, ind = self.kneighbors(X, n_neighbors=n_neighbors, return_distance=True)
        n_queries, k = ind.shape
        data = np.ones(ind.size) if mode == "connectivity" else dist.ravel()
        return sp.csr_matrix((data, ind.ravel(), np.arange(0, n_queries * k + 1, k)),
                             shape=(n_queries, self.n_samples_fit_))


def _drop_self(ind, dist):
    """Remove each row from its own neighbours (the last column where it was not found)."""
    n, k = ind.shape
    is_self = ind == np.arange(n)[:, None]
    # rows that did not find themselves (duplicates, or an approximate miss) drop the last column
    missing = ~is_self.any(axis=1)
    is_self[missing, -1] = True
    # keep only the first hit per row when a row appears more than once
    first = np.cumsum(is_self, axis=1) == 1
    keep = ~(is_self & first)
    return ind[keep].reshape(n, k - 1), dist[keep].reshape(n, k - 1)


def kneighbors(X, n_neighbors, *, query=None, algorithm="auto", n_jobs=None,
               random_state=None, return_distance=False):
    """Indices (and distances) of the ``n_neighbors`` nearest rows of ``X``.

    With ``query=None`` each row of ``X`` is its own query and is excluded from its neighbours.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Rows searched.
    n_neighbors : int
        Neighbours per query.
    query : array-like of shape (n_queries, n_features) or None
        Query rows (default: the rows of ``X``, each excluding itself).
    algorithm, n_jobs, random_state
        As in :class:`NeighborIndex`.
    return_distance : bool, default=False
        Return ``(distances, indices)`` instead of the indices.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors import kneighbors
    >>> kneighbors(np.array([[0.0], [1.0], [3.0]]), 1).ravel().tolist()
    [1, 0, 1]
    """
    index = NeighborIndex(n_neighbors, algorithm=algorithm, n_jobs=n_jobs,
                          random_state=random_state).fit(X)
    result = index.kneighbors(query, return_distance=return_distance)
    return result if return_distance else np.asarray(result)
