"""Chunked brute-force nearest neighbours on BLAS, never holding an ``n x n`` matrix.

The float32 GEMM (the ``|a|^2 - 2 a.b + |b|^2`` form on BLAS) is exact only up to rounding;
:func:`rounding_bound` says how far a squared distance computed here can be from the true one,
so callers decide only what rounding cannot flip. :func:`min_sq_distances` serves the pruned
cleaners; :func:`exact_kneighbors` serves ``NeighborIndex``'s exact backend: it proves, query by
query, that its answer is scikit-learn's (neighbours and their order) and leaves the near-ties
to scikit-learn.
"""

from __future__ import annotations

from itertools import pairwise
from typing import NamedTuple

import numpy as np
from joblib import effective_n_jobs

from ._threads import map_in_threads

__all__ = ["Reference", "exact_kneighbors", "exact_kneighbors_in_threads", "min_sq_distances",
           "prepare_reference", "rounding_bound"]

# entries of squared distances (and of candidates kept) held at once: 4M entries = 16 MB in
# float32, far from an n x n matrix
_BLOCK_ENTRIES = 4_000_000
# queries x references per GEMM block: 256 x 1024 float32 is 1 MB, so the passes that follow
# the GEMM read its output from the core's 2 MB cache (0.53 ns per distance with the minimum
# on one thread of this machine's Xeon, against 0.73 for 4096 references per block)
_QUERY_BLOCK = 256
_REF_BLOCK = 1_024
# references whose minimum is compared with a query's filter first: one cheap elementwise pass
# over the block instead of a compare and a nonzero over every value; a group is looked at
# value by value only when its minimum passes, which few do once the filter is tight
_GROUP = 16
_TIGHTEN_HITS = 2


def rounding_bound(n_features: int, dtype) -> float:
    """Relative factor bounding the rounding of one squared distance computed by GEMM.

    The error of ``|a|^2 - 2 a.b + |b|^2`` is below ``rounding_bound(d, dtype) * (|a|^2 + |b|^2)``
    (a generous multiple of ``d * eps``, the textbook bound of a length-``d`` dot product).

    Examples
    --------
    >>> from unskew._neighbors._brute import rounding_bound
    >>> rounding_bound(20, "float32") > rounding_bound(20, "float64")
    True
    """
    return 8.0 * (n_features + 2) * float(np.finfo(dtype).eps)


def min_sq_distances(Q, R, *, dtype=np.float32, block_entries: int = _BLOCK_ENTRIES,
                     n_jobs=None):
    """Squared distance from each row of ``Q`` to its nearest row of ``R``, in blocks.

    Parameters
    ----------
    Q, R : ndarray of shape (n_queries, d) and (n_references, d)
        Dense rows; centre them first (it shrinks the norms and so the rounding).
    dtype : {np.float32, np.float64}, default=np.float32
        Precision of the GEMM; see :func:`rounding_bound` for the error it allows.
    block_entries : int
        Size of the largest block of distances held at once (per thread).
    n_jobs : int or None, default=None
        Threads, each on its share of the queries (joblib's reading); same answer.

    Returns
    -------
    ndarray of shape (n_queries,)
        Squared distances, clipped at 0 (``inf`` when ``R`` is empty).

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors._brute import min_sq_distances
    >>> min_sq_distances(np.array([[0.0], [3.0]]), np.array([[1.0], [5.0]])).tolist()
    [1.0, 4.0]
    """
    Q = np.asarray(Q, dtype=dtype)
    R = np.asarray(R, dtype=dtype)
    out = np.full(Q.shape[0], np.inf, dtype=np.float64)
    if Q.shape[0] == 0 or R.shape[0] == 0:
        return out
    q_sq = np.einsum("ij,ij->i", Q, Q)
    # one GEMM gives |r|^2 - 2 q.r directly: [-2 r, |r|^2] . [q, 1]; a (references x queries)
    # block of cache size lets the minimum (an elementwise one down its rows) read the GEMM's
    # output from cache: the passes over the blocks, not the GEMM, are what costs here
    Qa = np.hstack([Q, np.ones((Q.shape[0], 1), dtype=dtype)])
    Ra = np.hstack([-2 * R, np.einsum("ij,ij->i", R, R)[:, None]])
    q_step = max(1, min(Q.shape[0], _QUERY_BLOCK, block_entries))
    r_step = max(1, min(R.shape[0], _REF_BLOCK, block_entries // q_step))

    def share(span):
        gram = np.empty((r_step, q_step), dtype=dtype)
        for q0 in range(span[0], span[1], q_step):
            q = Qa[q0:min(q0 + q_step, span[1])]
            best = np.full(q.shape[0], np.inf, dtype=dtype)
            for r0 in range(0, R.shape[0], r_step):
                g = gram[:min(r_step, R.shape[0] - r0), :q.shape[0]]
                np.matmul(Ra[r0:r0 + r_step], q.T, out=g)
                np.minimum(best, np.minimum.reduce(g, axis=0), out=best)
            out[q0:q0 + q.shape[0]] = np.maximum(best.astype(np.float64)
                                                 + q_sq[q0:q0 + q.shape[0]], 0.0)

    # whole query blocks per thread; threads write disjoint slices of out
    threads = min(effective_n_jobs(n_jobs), -(-Q.shape[0] // q_step))
    cuts = np.unique(np.linspace(0, -(-Q.shape[0] // q_step), threads + 1).astype(int) * q_step)
    map_in_threads(share, pairwise(np.minimum(cuts, Q.shape[0])), threads)
    return out


# candidates kept per query beyond the k asked: they give the re-ranking room to prove a gap
# after the k-th neighbour (the filter threshold is the (k + extra)-th distance in a sample)
_EXTRA_CANDIDATES = 8
# reference rows in the sample that sets each query's filter threshold (4096 measured fastest of
# 1k-8k at 50k and 200k rows x 20): a larger sample means a
# tighter threshold (fewer candidates re-ranked in float64) but a costlier argpartition
_SAMPLE_ROWS = 4_096


class Reference(NamedTuple):
    """The indexed rows as :func:`exact_kneighbors` uses them, prepared once per index."""

    rows: np.ndarray  # float64 (n, d)
    centre: np.ndarray  # float64 (d,)
    augmented: np.ndarray  # float32 (n, d + 1): [-2 (r - centre), |r - centre|^2]
    max_sq: float  # largest |r|^2 (rounding of scikit-learn's GEMM)
    max_centred_sq: float  # largest |r - centre|^2 (rounding of ours)
    rounding_dtype: type  # float32 when scikit-learn would compute in float32


def prepare_reference(R) -> Reference:
    """Centre and augment the rows of ``R`` once (float32 on centred rows: smaller norms, so a
    tighter rounding bound), for repeated :func:`exact_kneighbors` queries.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors._brute import prepare_reference
    >>> prepare_reference(np.array([[0.0], [2.0]])).augmented.tolist()
    [[2.0, 1.0], [-2.0, 1.0]]
    """
    R = np.asarray(R)
    rounding_dtype = np.float32 if R.dtype == np.float32 else np.float64
    R = R.astype(np.float64, copy=False)
    centre = R.mean(axis=0)
    Z_r = (R - centre).astype(np.float32)
    zr_sq = np.einsum("ij,ij->i", Z_r, Z_r)
    # one GEMM gives |r|^2 - 2 q.r: [q, 1] . [-2 r, |r|^2]
    augmented = np.hstack([-2 * Z_r, zr_sq[:, None]])
    return Reference(R, centre, augmented, float(np.einsum("ij,ij->i", R, R).max()),
                     float(zr_sq.max()), rounding_dtype)


def exact_kneighbors(Q, R, k: int, *, block_entries: int = _BLOCK_ENTRIES, seed: int = 0):
    """The ``k`` nearest rows of ``R`` for each row of ``Q``, with a flag where proven.

    A blocked float32 GEMM keeps, per query, every reference row that may lie within the
    ``(k + 8)``-th distance found in a sample of ``R`` (the filter allows for the float32 rounding,
    see :func:`rounding_bound`), tightened to the ``(k + 8)``-th among the rows kept; those
    candidates are re-ranked with float64 differences. A query is solved only when every gap
    among its ``k + 1`` nearest distances (the ``(k + 1)``-th bounded by the filter) exceeds twice
    the rounding of scikit-learn's own GEMM, so that scikit-learn's brute force returns the same
    neighbours in the same order; the others (near-ties, duplicates, a query tied with a large
    share of ``R``) are left unsolved for the caller.

    Parameters
    ----------
    Q, R : ndarray of shape (n_queries, d) and (n_references, d)
        Dense float rows (any float dtype; computed from their float64 values). ``R`` may be
        a :class:`Reference` from :func:`prepare_reference`, to prepare it once for many calls.
    k : int
        Neighbours per query, ``1 <= k <= n_references``.
    block_entries : int
        Size of the largest block of float32 distances held at once.
    seed : int, default=0
        Seed of the sample of ``R`` that sets the filter thresholds (the answer does not depend
        on it, only the speed).

    Returns
    -------
    distances : ndarray of float64 of shape (n_queries, k)
        Euclidean distances, ascending.
    indices : ndarray of intp of shape (n_queries, k)
    solved : ndarray of bool of shape (n_queries,)
        False where the rows of ``distances`` and ``indices`` are meaningless (near-ties).

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors._brute import exact_kneighbors
    >>> dist, ind, solved = exact_kneighbors(np.array([[0.0], [2.9]]),
    ...                                      np.array([[1.0], [3.0], [7.0]]), 2)
    >>> ind.tolist(), solved.tolist()
    ([[0, 1], [1, 0]], [True, True])
    """
    ref = R if isinstance(R, Reference) else prepare_reference(R)
    Q, R = np.asarray(Q), ref.rows
    # scikit-learn's distances between float32 rows carry float32 rounding (measured 8e-8)
    sk_dtype = np.float32 if np.float32 in (Q.dtype, ref.rounding_dtype) else np.float64
    Q = Q.astype(np.float64, copy=False)
    n_q, n_r, n_features = Q.shape[0], R.shape[0], Q.shape[1]
    dist = np.zeros((n_q, k), dtype=np.float64)
    ind = np.zeros((n_q, k), dtype=np.intp)
    solved = np.zeros(n_q, dtype=bool)
    if n_q == 0:
        return dist, ind, solved
    # scikit-learn rounds |q|^2 - 2 q.r + |r|^2 on the raw rows: a gap below twice this can flip
    slack64 = rounding_bound(n_features, sk_dtype) * (np.einsum("ij,ij->i", Q, Q) + ref.max_sq)
    Z_q = (Q - ref.centre).astype(np.float32)
    zq_sq = np.einsum("ij,ij->i", Z_q, Z_q, dtype=np.float64)
    err32 = rounding_bound(n_features, np.float32) * (zq_sq + ref.max_centred_sq)
    Ra = ref.augmented
    c = min(k + _EXTRA_CANDIDATES, n_r)
    given_up = np.zeros(n_q, dtype=bool)
    sample = (np.sort(np.random.default_rng(seed).choice(n_r, _SAMPLE_ROWS, replace=False))
              if n_r > _SAMPLE_ROWS else np.arange(n_r))
    q_step = max(1, min(_QUERY_BLOCK, block_entries // max(1, sample.size)))
    r_step = max(1, min(n_r, _REF_BLOCK, block_entries // q_step))
    for q0 in range(0, n_q, q_step):
        rows = np.arange(q0, min(n_q, q0 + q_step))
        Qa = np.hstack([Z_q[rows], np.ones((rows.size, 1), dtype=np.float32)])
        err = err32[rows]
        # every row with true squared distance <= (c-th approximate one in the sample) + err
        # has its approximate value <= that + 2 err: at least c rows pass the float32 filter
        first = np.partition(Qa @ Ra[sample].T, c - 1, axis=1)[:, c - 1]
        limit = _up32(first + 2 * err)
        hit_q, hit_r, hit_a, n_hits = [], [], [], 0
        # tighten the filter whenever the hits pass this many (cheap: it sorts hits, not blocks)
        budget = min(block_entries, _TIGHTEN_HITS * c * rows.size)
        gram = np.empty((r_step, rows.size), dtype=np.float32)
        for r0 in range(0, n_r, r_step):
            g = gram[:min(r_step, n_r - r0)]
            np.matmul(Ra[r0:r0 + g.shape[0]], Qa.T, out=g)
            qi, rj, values = _at_or_below(g, limit)
            hit_q.append(qi)
            hit_r.append(rj + r0)
            hit_a.append(values)
            n_hits += qi.size
            if n_hits > budget:
                # a loose sample threshold: tighten now; a query still holding many rows
                # (massive ties) is given up and left to the caller
                hit_q, hit_r, hit_a, cut = _tighten(hit_q, hit_r, hit_a, rows.size, c, err,
                                                      block_entries)
                np.minimum(limit, _up32(cut), out=limit)
                counts = np.bincount(hit_q[0], minlength=rows.size)
                heavy = counts > max(8 * c, block_entries // (4 * rows.size))
                if heavy.any():
                    given_up[rows[heavy]] = True
                    limit[heavy] = -np.inf
                    light = ~heavy[hit_q[0]]
                    hit_q, hit_r, hit_a = [hit_q[0][light]], [hit_r[0][light]], [hit_a[0][light]]
                n_hits = hit_q[0].size
                # ties that survive tightening would make every later block tighten again
                budget = max(budget, 2 * n_hits)
        hit_q, hit_r, _, cut = _tighten(hit_q, hit_r, hit_a, rows.size, c, err,
                                        block_entries)
        hit_q, hit_r = hit_q[0], hit_r[0]
        # every row not kept had its approximate value above a threshold used on the way
        bound = np.minimum(cut, limit) - err + zq_sq[rows]
        if hit_q.size == 0:
            continue  # every query of the block given up
        sq = _sq_dist(Q, R, rows[hit_q], hit_r)
        order = np.lexsort((hit_r, sq, hit_q))
        hit_q, hit_r, sq = hit_q[order], hit_r[order], sq[order]
        start = np.searchsorted(hit_q, np.arange(rows.size))
        count = np.diff(np.append(start, hit_q.size))
        # the (k+1)-th distance: the next candidate, or the threshold when none is left
        take = np.minimum(start[:, None] + np.arange(k), sq.size - 1)
        after = np.where(count > k, sq[np.minimum(start + k, sq.size - 1)], bound)
        after = np.minimum(after, bound)
        near = np.concatenate([sq[take], after[:, None]], axis=1)
        ok = (np.diff(near, axis=1) > 2 * slack64[rows, None]).all(axis=1)
        ok &= count >= k
        dist[rows] = np.sqrt(near[:, :k])
        ind[rows] = hit_r[take]
        solved[rows] = ok
    if k == n_r:
        # no (k+1)-th row: only the gaps inside the k matter; recheck without the sentinel
        gaps = np.diff(dist ** 2, axis=1) > 2 * slack64[:, None]
        solved = gaps.all(axis=1)
    solved &= ~given_up
    return dist, ind, solved


# fewer queries than this per thread do not pay for the thread
_QUERIES_PER_THREAD = 1_024


def exact_kneighbors_in_threads(Q, R, k: int, n_jobs=None):
    """:func:`exact_kneighbors` on up to ``n_jobs`` threads, each on its share of the queries.

    (See :mod:`unskew._neighbors._threads` for why threads scale here.) ``R`` may be a
    :class:`Reference`; the answer does not depend on the number of threads.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors._brute import exact_kneighbors_in_threads
    >>> _, ind, _ = exact_kneighbors_in_threads(np.array([[0.0], [2.9]]),
    ...                                         np.array([[1.0], [3.0], [7.0]]), 1, n_jobs=2)
    >>> ind.tolist()
    [[0], [1]]
    """
    ref = R if isinstance(R, Reference) else prepare_reference(R)
    threads = min(effective_n_jobs(n_jobs), max(1, len(Q) // _QUERIES_PER_THREAD))
    if threads <= 1:
        return exact_kneighbors(Q, ref, k)
    bounds = np.linspace(0, len(Q), threads + 1).astype(int)
    parts = map_in_threads(lambda span: exact_kneighbors(Q[span[0]:span[1]], ref, k),
                           pairwise(bounds), threads)
    return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))


def _at_or_below(g, limit):
    """``(query, reference, value)`` of each entry of the references x queries block ``g`` at
    or below its query's ``limit``; a group of :data:`_GROUP` references is read value by value
    only where its minimum is at or below."""
    width, n_q = g.shape
    full = width - width % _GROUP
    lows = np.minimum.reduce(g[:full].reshape(-1, _GROUP, n_q), axis=1)
    group, qi = np.divmod(np.flatnonzero(lows <= limit), n_q)
    rj = (group[:, None] * _GROUP + np.arange(_GROUP)).ravel()
    qi = np.repeat(qi, _GROUP)
    if full < width:  # the last rows of the last block, fewer than a group
        tail_r, tail_q = np.nonzero(g[full:] <= limit)
        rj, qi = np.concatenate([rj, tail_r + full]), np.concatenate([qi, tail_q])
    values = g[rj, qi]
    keep = values <= limit[qi]
    return qi[keep], rj[keep], values[keep]


def _tighten(hit_q, hit_r, hit_a, n_groups: int, c: int, err, max_entries: int):
    """Keep the hits within the c-th approximate value of their query plus twice its error.

    A row dropped here (or never collected under a higher threshold) has an approximate value
    above the returned ``cut``, so a true one above ``cut - err``; at least ``c`` rows per query
    with ``c`` hits stay. Returns one-element lists (for appending) and ``cut``.
    """
    hit_q, hit_r = np.concatenate(hit_q), np.concatenate(hit_r)
    hit_a = np.concatenate(hit_a).astype(np.float64)
    cut = _kth_per_group(hit_q, hit_a, n_groups, c, max_entries) + 2 * err
    keep = hit_a <= cut[hit_q]
    return [hit_q[keep]], [hit_r[keep]], [hit_a[keep].astype(np.float32)], cut


def _up32(values):
    """float32 values rounded up from float64 ones (a filter threshold must never shrink)."""
    out = values.astype(np.float32)
    return np.where(out < values, np.nextafter(out, np.float32(np.inf)), out)


def _kth_per_group(group, values, n_groups: int, kth: int, max_entries: int):
    """The ``kth``-smallest of ``values`` within each group ``0 .. n_groups - 1`` (inf if fewer)."""
    if group.size == 0:
        return np.full(n_groups, np.inf)
    order = np.argsort(group.astype(np.int32), kind="stable")
    counts = np.bincount(group, minlength=n_groups)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    if counts.max() * n_groups <= max_entries:
        # one dense (groups x largest group) table, padded with inf, and one partition
        table = np.full((n_groups, counts.max()), np.inf)
        pos = np.arange(group.size) - np.repeat(start, counts)
        table[group[order], pos] = values[order]
        return np.partition(table, kth - 1, axis=1)[:, kth - 1]
    ranked = values[order]
    return np.array([np.partition(ranked[s:s + n], kth - 1)[kth - 1] if n >= kth else np.inf
                     for s, n in zip(start, counts, strict=True)])


def _sq_dist(Q, R, qi, rj, chunk: int = 262_144):
    """Squared float64 distances between the row pairs ``(Q[qi], R[rj])``, in chunks."""
    out = np.empty(qi.size, dtype=np.float64)
    for s in range(0, qi.size, chunk):
        diff = Q[qi[s:s + chunk]] - R[rj[s:s + chunk]]
        out[s:s + chunk] = np.einsum("ij,ij->i", diff, diff)
    return out
