"""Which rows surely have a neighbourhood of their own class, decided without an exact search.

Row ``i`` of class ``c`` has a *pure* neighbourhood of size ``k`` when its ``k`` nearest rows
(itself included, as ``kneighbors(X[[i]], k)`` counts) all belong to ``c``. Cleaners only
remove rows whose neighbourhood is not pure, so a row proven pure needs no exact search.

The proof compares two numbers, both cheap:

- ``U``: an upper bound on the distance to the ``k``-th nearest row, from a k-means partition
  (:class:`~unskew._neighbors._partition.KMeansPartition`): the exact distances of ``k`` real
  rows, refined with more clusters only for rows not yet proven;
- ``L``: a lower bound on the distance to the nearest row of another class, from a blocked
  float32 GEMM minus its rounding bound.

If ``U < L`` with room for scikit-learn's own rounding, then at least ``k`` rows (the row and
``k - 1`` others) are closer than any row of another class, so the ``k`` neighbours any exact
search returns, ties and duplicates included, are all of class ``c``. On 200k x 20 rows at 1:99
this proves about 96% of the majority rows pure in a few seconds; the rest go to the exact
search.

After SMOTE (SMOTE-ENN) half the rows are synthetic and ``L`` by GEMM would meet every row. The
caller can then say where the synthetic rows lie (:class:`Segments`), and ``L`` comes from
geometry instead:

- a synthetic row ``s = p + t (q - p)`` is at squared distance
  ``(1 - t) |p - m|^2 + t |q - m|^2 - t (1 - t) |p - q|^2`` from any point ``m`` (exact), so the
  lower bounds of its two ends give its own;
- a row of another class is no closer to the synthetic rows of segment ``(p, q)`` than to the
  segment itself, whose distance follows from ``|x - p|^2`` and ``<x - p, u>`` (``u`` the unit
  direction): one GEMM over the distinct segments (about five per seed row) instead of one
  over every synthetic row.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._brute import exact_kneighbors_in_threads, min_sq_distances, rounding_bound
from ._partition import KMeansPartition
from ._threads import map_in_threads

__all__ = ["Segments", "agrees", "edited_neighbourhoods", "pure_neighbourhoods"]

# clusters probed per refinement round; each round only sees the rows still unproven
_NPROBE_ROUNDS = (1, 8, 32)
# stop refining when a round proves fewer than this share of the rows it looked at
_MIN_ROUND_GAIN = 0.1
# (query x seed row) entries per block of the segment bound
_SEGMENT_BLOCK_ENTRIES = 500_000


class Segments(NamedTuple):
    """Rows of ``X`` drawn on segments between two original rows of their own class (SMOTE's).

    Row ``rows[i]`` was made as ``X[base[i]] + gap[i] * (X[toward[i]] - X[base[i]])`` with
    ``0 <= gap[i] <= 1``; ``base[i]`` and ``toward[i]`` are rows of the same class as
    ``rows[i]`` and are not themselves in ``rows``. How far rounding moved a row off its
    segment is measured, so the bounds stay valid whatever X's dtype.
    """

    rows: np.ndarray
    base: np.ndarray
    toward: np.ndarray
    gap: np.ndarray


def pure_neighbourhoods(X, codes, rows, k: int, *, seed: int = 0,
                        segments: Segments | None = None, n_jobs=None) -> np.ndarray:
    """Mask over ``rows``: True where the ``k`` nearest rows of ``X`` surely share its class.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Dense rows, searched with the Euclidean distance.
    codes : ndarray of int of shape (n_samples,)
        Class codes.
    rows : ndarray of int
        Rows to decide.
    k : int
        Neighbourhood size, the row itself included.
    seed : int, default=0
        Seed of the partition (the answer is a proof for any seed; only its strength varies).
    segments : Segments, optional
        Where synthetic rows of X lie; their bounds then come from their segments instead of a
        search over all rows (same proof, far cheaper when they are many).
    n_jobs : int or None, default=None
        Threads for the partition's bounds and the segment bounds (joblib's reading); the
        answer does not depend on it.

    Returns
    -------
    ndarray of bool of shape (len(rows),)
        True: proven pure. False: unknown (ask an exact search).

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors._pruning import pure_neighbourhoods
    >>> X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1]])
    >>> codes = np.array([0, 0, 0, 1, 0])
    >>> pure_neighbourhoods(X, codes, np.arange(5), k=2).tolist()
    [True, True, True, False, False]
    """
    return _prove(X, codes, rows, k, seed, segments, n_jobs)[0]


def edited_neighbourhoods(X, codes, rows, k: int, *, kind_sel: str = "all", seed: int = 0,
                          segments: Segments | None = None, n_jobs=None) -> np.ndarray:
    """Edited nearest neighbours' verdict on each row, where it can be had without a search
    over all rows: does the row's neighbourhood agree with its class?

    The neighbourhood is imbalanced-learn's reading: ``kneighbors(X[rows], k)`` without its
    first column (the row itself, when nothing else is within rounding of it). It agrees when
    all its rows share the row's class (``kind_sel="all"``), or when that class is the most
    common among them, ties to the smallest code (``"mode"``).

    Rows that :func:`pure_neighbourhoods` cannot prove pure get an exact search among the rows
    of their own class only (a fraction of all rows), whose distances are set against bounds on
    the distance to another class: the ``j`` nearest rows of the own class surely come first
    when the ``j``-th is closer than any row of another class can be; a row of another class
    surely comes among the ``k - 1`` when it is closer than the ``(k - 1)``-th of the own class.
    Rows still open get an exact search among the other classes, merged with their own-class
    neighbours where the order across the two lists is beyond rounding. With ``"mode"``, rows
    that the partition found beside another class skip these steps (they rarely end them
    decided). Every step allows for scikit-learn's rounding; rows left open need the exact
    search over all rows.

    Parameters
    ----------
    X, codes, rows, k, seed, segments, n_jobs
        As in :func:`pure_neighbourhoods`.
    kind_sel : {"all", "mode"}, default="all"
        The rule, as in ``EditedNearestNeighbours``.

    Returns
    -------
    ndarray of int8 of shape (len(rows),)
        1: agrees (the row stays), 0: does not (it goes), -1: not decided.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors._pruning import edited_neighbourhoods
    >>> X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [5.3]])
    >>> codes = np.array([0, 0, 0, 1, 0, 1])
    >>> edited_neighbourhoods(X, codes, np.arange(6), k=2).tolist()
    [1, 1, 1, 0, 0, 0]
    """
    proven, lower, foreign, slack = _prove(X, codes, rows, k, seed, segments, n_jobs,
                                           foreign=True)
    rows = np.asarray(rows, dtype=np.int64)
    m = k - 1
    verdict = np.where(proven, 1, -1).astype(np.int8)
    todo = np.flatnonzero(~proven)
    if kind_sel == "mode":
        # rows the partition found beside another class (no lower bound) rarely have a
        # majority of their own class proven, and deciding the rest takes the other classes'
        # labels: one search over all rows costs less than the own-class search, the bound and
        # the other-class search together (200k rows, 5-class long tail: 72 s -> 62 s)
        todo = todo[~np.isneginf(lower[todo])]
    if todo.size == 0 or m < 1:
        return verdict
    X = np.asarray(X)
    x64 = X.astype(np.float64, copy=False)
    # the row comes first in scikit-learn's answer when nothing is within twice its rounding:
    # known from the lower bound, else asked of a cheap check
    alone = lower > 2 * slack
    doubt = todo[~alone[todo]]
    alone[doubt] = ~_foreign_twins(x64, codes, rows[doubt], 4 * slack[doubt], seed)
    Z = (x64 - x64.mean(axis=0)).astype(np.float32)
    z_sq = np.einsum("ij,ij->i", Z, Z, dtype=np.float64)
    n_classes = int(codes.max()) + 1

    def decide(at, sq):
        # sq: exact squared distances to the m nearest other rows of the own class
        s = slack[at, None]
        own = (sq + 2 * s < lower[at, None]).sum(axis=1)  # own rows surely first
        keep = own == m if kind_sel == "all" else 2 * own > m
        verdict[at[keep]] = 1
        if kind_sel == "all":
            gone = alone[at] & (foreign[at] + 2 * s[:, 0] < sq[:, -1])
            verdict[at[gone & ~keep]] = 0

    for c in np.unique(codes[rows[todo]]):
        here = todo[codes[rows[todo]] == c]
        members, others = np.flatnonzero(codes == c), np.flatnonzero(codes != c)
        if members.size < k:
            continue
        # in X's dtype: the search allows for scikit-learn's float32 rounding on float32 rows
        dist, _, solved = exact_kneighbors_in_threads(X[rows[here]], X[members], k, n_jobs)
        # column 0 is the row itself (solved: nothing else of its class within rounding)
        sq = dist[:, 1:] ** 2
        decide(here[solved], sq[solved])
        # rows the partition sent here without a lower bound (another class in their cluster):
        # the bounds over the other classes settle most of them, at less than a full search
        open_ = solved & (verdict[here] < 0) & np.isneginf(lower[here])
        if open_.any():
            at = here[open_]
            found = min_sq_distances(Z[rows[at]], Z[others], n_jobs=n_jobs)
            err = rounding_bound(Z.shape[1], np.float32) * (z_sq[rows[at]] + _max(z_sq[others]))
            lower[at] = found - err
            foreign[at] = np.minimum(foreign[at], found + err)
            decide(at, sq[open_])
        # still open ("mode" needs the other classes' labels): the m nearest of the other
        # classes, merged with the own ones where the merged order is beyond rounding
        open_ = solved & (verdict[here] < 0) & alone[here]
        if not open_.any() or others.size < m:
            continue
        at = here[open_]
        d_other, i_other, ok = exact_kneighbors_in_threads(X[rows[at]], X[others], m, n_jobs)
        merged = np.concatenate([sq[open_], d_other ** 2], axis=1)
        labels = np.concatenate([np.full((at.size, m), c), codes[others[i_other]]], axis=1)
        order = np.argsort(merged, axis=1, kind="stable")
        merged = np.take_along_axis(merged, order, axis=1)[:, :m + 1]
        labels = np.take_along_axis(labels, order, axis=1)[:, :m]
        ok &= (np.diff(merged, axis=1) > 2 * slack[at, None]).all(axis=1)
        verdict[at[ok]] = agrees(labels[ok], np.full(ok.sum(), c), n_classes, kind_sel)
    return verdict


def agrees(neighbour_codes, own_codes, n_classes: int, kind_sel: str) -> np.ndarray:
    """Does each row's neighbourhood vote for its own class (``"all"`` or ``"mode"`` rule)?

    Examples
    --------
    >>> import numpy as np
    >>> from unskew._neighbors._pruning import agrees
    >>> agrees(np.array([[0, 1, 1], [0, 1, 2]]), np.array([0, 0]), 3, "mode").tolist()
    [False, True]
    """
    if kind_sel == "all":
        return (neighbour_codes == own_codes[:, None]).all(axis=1)
    counts = np.zeros((neighbour_codes.shape[0], n_classes), dtype=np.int64)
    np.add.at(counts, (np.arange(neighbour_codes.shape[0])[:, None], neighbour_codes), 1)
    # argmax takes the smallest code among tied counts: scipy.stats.mode's smallest value
    return counts.argmax(axis=1) == own_codes


def _prove(X, codes, rows, k, seed, segments, n_jobs, foreign=False):
    """:func:`pure_neighbourhoods`'s proof; also its bounds on the squared distance to another
    class (lower; upper, with ``foreign``) and scikit-learn's rounding slack, per row."""
    X = np.asarray(X)
    # scikit-learn computes the distances of float32 rows in float32
    sk_dtype = np.float32 if X.dtype == np.float32 else np.float64
    X = X.astype(np.float64, copy=False)
    rows = np.asarray(rows, dtype=np.int64)
    proven = np.zeros(rows.shape[0], dtype=bool)
    lower = np.full(rows.shape[0], -np.inf)
    upper_foreign = np.full(rows.shape[0], np.inf)
    if rows.size == 0 or k > X.shape[0]:
        return proven, lower, upper_foreign, np.zeros(rows.shape[0])
    n_features = X.shape[1]
    Z = X - X.mean(axis=0)
    z_sq = np.einsum("ij,ij->i", Z, Z)
    # scikit-learn computes on the raw X; its rounding is bounded through the raw norms
    x_sq = np.einsum("ij,ij->i", X, X)
    slack = rounding_bound(n_features, sk_dtype) * (x_sq[rows] + x_sq.max())

    # round one, on every row: a cheap bound, and a hint: a row whose nearest rows in its own
    # cluster include another class is very likely impure, so it goes straight to the exact
    # search instead of paying for the lower bound and more rounds
    partition = KMeansPartition(Z, seed=seed, n_jobs=n_jobs)
    upper, hopeful, *near = partition.kth_upper_bound(rows, k, _NPROBE_ROUNDS[0], codes=codes,
                                                      foreign=foreign)
    if foreign:
        # an exact distance (on the centred rows) to a real row of another class, rounding added
        upper_foreign = near[0] ** 2 + slack
    todo = np.flatnonzero(hopeful)

    drift = None
    if segments is not None:
        # a row that is off its segment by more than float32 rounding (moved, or cast to
        # integers) is treated as an original row: it would weaken every bound near it
        drift, scale = _drift(X, segments)
        on = drift <= 64 * float(np.finfo(np.float32).eps) * scale
        segments, drift = Segments(*(column[on] for column in segments)), drift[on]
    lower[todo], found = _other_class_lower(Z, z_sq, codes, rows[todo], segments, drift, n_jobs)
    upper_foreign[todo] = np.minimum(upper_foreign[todo], found)
    for nprobe in (*_NPROBE_ROUNDS[1:], None):
        ok = upper[todo] ** 2 + slack[todo] < lower[todo] - slack[todo]
        proven[todo[ok]] = True
        todo = todo[~ok]
        if nprobe is None or todo.size == 0 or ok.mean() < _MIN_ROUND_GAIN:
            break
        bound, hopeful = partition.kth_upper_bound(rows[todo], k, nprobe, codes=codes)
        upper[todo] = np.minimum(upper[todo], bound)
        todo = todo[hopeful]
    return proven, lower, upper_foreign, slack


def _foreign_twins(X, codes, rows, radius_sq, seed: int, max_pairs_per_row: int = 8):
    """Mask over ``rows``: True where a row of another class may lie within
    ``sqrt(radius_sq)`` (tiny: rounding) of it, found through one random projection, which
    never shrinks a distance; True everywhere when the projection leaves too many pairs."""
    u = np.random.default_rng(seed).standard_normal(X.shape[1])
    u /= np.linalg.norm(u)
    p = X @ u
    order = np.argsort(p, kind="stable")
    ps = p[order]
    # the projection's own rounding (at most d eps |x| per row), allowed for on both sides
    tol = 4 * X.shape[1] * float(np.finfo(np.float64).eps) * float(
        np.sqrt(np.einsum("ij,ij->i", X, X).max()))
    reach = np.sqrt(radius_sq) + tol
    start = np.searchsorted(ps, p[rows] - reach, side="left")
    stop = np.searchsorted(ps, p[rows] + reach, side="right")
    count = stop - start
    if count.sum() > max_pairs_per_row * rows.size + 100_000:
        return np.ones(rows.shape[0], dtype=bool)
    which = np.repeat(np.arange(rows.size), count)
    other = order[np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
                  + np.repeat(start, count)]
    mine = rows[which]
    away = codes[other] != codes[mine]
    diff = X[mine[away]] - X[other[away]]
    close = np.einsum("ij,ij->i", diff, diff) <= radius_sq[which[away]]
    twins = np.zeros(rows.shape[0], dtype=bool)
    twins[which[away][close]] = True
    return twins


def _other_class_lower(Z, z_sq, codes, targets, segments, drift, n_jobs=None):
    """Lower bounds on the squared distance from each of ``targets`` to another class, and
    upper bounds (``inf`` where the segments set the lower one)."""
    n_features = Z.shape[1]
    out = np.empty(targets.shape[0])
    above = np.full(targets.shape[0], np.inf)
    synthetic = np.zeros(Z.shape[0], dtype=bool)
    if segments is not None:
        synthetic[segments.rows] = True
        slot = np.full(Z.shape[0], -1)
        slot[segments.rows] = np.arange(segments.rows.size)
    for c in np.unique(codes[targets]):
        here = np.flatnonzero(codes[targets] == c)
        rows = targets[here]
        on_segment = synthetic[rows]
        seg = slot[rows[on_segment]] if on_segment.any() else np.empty(0, dtype=np.int64)
        # rows searched directly: the original targets, and the ends of the synthetic ones
        ends = [segments.base[seg], segments.toward[seg]] if seg.size else []
        direct = np.unique(np.concatenate([rows[~on_segment], *ends]))
        others = np.flatnonzero((codes != c) & ~synthetic)
        found = min_sq_distances(Z[direct], Z[others], dtype=np.float32, n_jobs=n_jobs)
        err = rounding_bound(n_features, np.float32) * (z_sq[direct] + _max(z_sq[others]))
        if segments is None:
            top = np.empty(Z.shape[0])
            top[direct] = found + err
            above[here] = top[rows]
        found -= err
        if segments is not None:
            away = codes[segments.rows] != c
            if away.any():
                line = _segment_lower(Z, z_sq, direct, segments.base[away],
                                      segments.toward[away], segments.gap[away], n_jobs)
                reach = np.sqrt(np.maximum(line, 0.0)) - drift[away].max()
                found = np.minimum(found, np.where(reach > 0, reach, 0.0) ** 2)
        bound = np.empty(Z.shape[0])
        bound[direct] = found
        out[here[~on_segment]] = bound[rows[~on_segment]]
        if seg.size:
            p, q, t = segments.base[seg], segments.toward[seg], segments.gap[seg]
            span = np.einsum("ij,ij->i", Z[p] - Z[q], Z[p] - Z[q])
            err = rounding_bound(n_features, np.float64) * (z_sq[p] + z_sq[q])
            own = (1 - t) * bound[p] + t * bound[q] - t * (1 - t) * (span + err)
            reach = np.sqrt(np.maximum(own, 0.0)) - drift[seg]
            out[here[on_segment]] = np.where(reach > 0, reach, 0.0) ** 2
    return out, above


def _drift(X, segments, chunk: int = 1_000_000):
    """How far each synthetic row is from its segment point (plus float64 rounding), and the
    size of its ends' norms.

    Measured, not assumed: rounding in X's dtype, or any later change to a row, can then only
    weaken the bounds, never break them.
    """
    drift = np.empty(segments.rows.size)
    scale = np.empty(segments.rows.size)
    eps = float(np.finfo(np.float64).eps)
    for lo in range(0, drift.size, chunk):
        part = slice(lo, lo + chunk)
        b, t = X[segments.base[part]], X[segments.toward[part]]
        off = X[segments.rows[part]] - (b + segments.gap[part, None] * (t - b))
        scale[part] = np.sqrt(np.einsum("ij,ij->i", b, b)) + np.sqrt(np.einsum("ij,ij->i", t, t))
        drift[part] = np.sqrt(np.einsum("ij,ij->i", off, off)) + 8 * eps * scale[part]
    return drift, scale


def _max(values) -> float:
    return float(values.max()) if values.size else 0.0


def _segment_lower(Z, z_sq, queries, base, toward, gap, n_jobs=None):
    """Squared distance from each query row to the nearest of the segments the rows lie on.

    Row ``i`` lies on ``p + s u`` with ``p = Z[base[i]]``, ``u`` the unit direction towards
    ``Z[toward[i]]`` and ``s = gap[i] |q - p|``; each distinct segment is taken over the range of
    ``s`` its rows span, and ``|x - p - s u|^2 = |x - p|^2 - s (2 a - s)`` with ``a = <x - p, u>``
    is smallest at ``s = clip(a)``. The segments are laid out in columns, one segment of each
    ``base`` per column (a base with fewer repeats its first), so a column costs one float32
    GEMM for every ``a`` and each base one ``|x - p|^2`` for all its segments.
    """
    pairs, which = np.unique(np.stack([base, toward], axis=1), axis=0, return_inverse=True)
    which = which.ravel()
    t_lo = np.full(pairs.shape[0], np.inf)
    t_hi = np.full(pairs.shape[0], -np.inf)
    np.minimum.at(t_lo, which, gap)
    np.maximum.at(t_hi, which, gap)
    V = Z[pairs[:, 1]] - Z[pairs[:, 0]]
    length = np.sqrt(np.einsum("ij,ij->i", V, V))
    keep = length > 0  # a zero-length segment's rows are its end, an original row
    pairs, V, length = pairs[keep], V[keep], length[keep]
    out = np.full(queries.shape[0], np.inf)
    if pairs.size == 0:
        return out
    U = V / length[:, None]
    # [x, 1] . [u, -p.u] = <x - p, u>
    Ua = np.hstack([U, -np.einsum("ij,ij->i", Z[pairs[:, 0]], U)[:, None]]).astype(np.float32)
    lo = (t_lo[keep] * length).astype(np.float32)
    hi = (t_hi[keep] * length).astype(np.float32)
    bases, first, per_base = np.unique(pairs[:, 0], return_index=True, return_counts=True)
    columns = []
    for j in range(per_base.max()):
        col = np.where(per_base > j, first + j, first)
        columns.append((np.ascontiguousarray(Ua[col].T), lo[col], hi[col]))
    Pb = Z[bases].astype(np.float32)
    pb_sq = z_sq[bases].astype(np.float32)
    # float32 rounding of |x - p|^2 and of s (2 a - s) (|u| = 1), both below this
    rb = 4 * rounding_bound(Z.shape[1], np.float32)
    step = max(1, _SEGMENT_BLOCK_ENTRIES // bases.size)
    p_max = z_sq[bases].max()

    def block(start):
        q = queries[start:start + step]
        Zq = Z[q].astype(np.float32)
        Zq1 = np.hstack([Zq, np.ones((q.size, 1), np.float32)])
        gain, s = None, np.empty((q.size, bases.size), dtype=np.float32)
        for Ucol, lo_col, hi_col in columns:
            a = Zq1 @ Ucol
            # two in-place passes: np.clip with per-column bounds is several times slower
            np.maximum(a, lo_col, out=s)
            np.minimum(s, hi_col, out=s)
            a *= 2
            a -= s
            a *= s
            gain = a if gain is None else np.maximum(gain, a, out=gain)
        dist = Zq @ Pb.T
        dist *= -2
        dist += z_sq[q][:, None].astype(np.float32)
        dist += pb_sq
        dist -= gain
        out[start:start + step] = dist.min(axis=1) - rb * (z_sq[q] + p_max)

    map_in_threads(block, range(0, queries.shape[0], step), n_jobs)
    return out
