"""Chunked brute-force nearest neighbours on BLAS, never holding an ``n x n`` matrix.

These helpers serve the pruned cleaners: they are exact up to floating-point rounding (the
``|a|^2 - 2 a.b + |b|^2`` form on BLAS), but they do not promise scikit-learn's order among
tied neighbours. :func:`rounding_bound` says how far a squared distance computed here can be
from the true one, so callers can decide only what rounding cannot flip and ask scikit-learn
(``NeighborIndex(algorithm="exact")``) about the rest.
"""

from __future__ import annotations

import numpy as np

__all__ = ["min_sq_distances", "rounding_bound"]

# entries of one (queries x references) block of squared distances: 4M entries = 16 MB in
# float32, small enough for the cache-friendly GEMM sizes and far from an n x n matrix
_BLOCK_ENTRIES = 4_000_000


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


def min_sq_distances(Q, R, *, dtype=np.float32, block_entries: int = _BLOCK_ENTRIES):
    """Squared distance from each row of ``Q`` to its nearest row of ``R``, in blocks.

    Parameters
    ----------
    Q, R : ndarray of shape (n_queries, d) and (n_references, d)
        Dense rows; centre them first (it shrinks the norms and so the rounding).
    dtype : {np.float32, np.float64}, default=np.float32
        Precision of the GEMM; see :func:`rounding_bound` for the error it allows.
    block_entries : int
        Size of the largest block of distances held at once.

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
    # one GEMM gives |r|^2 - 2 q.r directly: [q, 1] . [-2 r, |r|^2]; the min is the only
    # other pass over the block (the blocks, not the GEMM, are what costs here)
    Qa = np.hstack([Q, np.ones((Q.shape[0], 1), dtype=dtype)])
    Ra = np.hstack([-2 * R, np.einsum("ij,ij->i", R, R)[:, None]])
    r_step = max(1, min(R.shape[0], 4096))
    q_step = max(1, block_entries // r_step)
    for q0 in range(0, Q.shape[0], q_step):
        q = Qa[q0:q0 + q_step]
        best = np.full(q.shape[0], np.inf, dtype=dtype)
        for r0 in range(0, R.shape[0], r_step):
            np.minimum(best, (q @ Ra[r0:r0 + r_step].T).min(axis=1), out=best)
        out[q0:q0 + q_step] = np.maximum(best.astype(np.float64) + q_sq[q0:q0 + q_step], 0.0)
    return out
