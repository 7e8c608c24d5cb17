"""Three oversamplers ranked highest by Kovacs (2019): polynomial-fit SMOTE, ProWSyn, SMOTE-IPF.

Kovacs compared 85 oversamplers on 104 imbalanced data sets ("An empirical comparison and
evaluation of minority oversampling techniques on a large number of imbalanced datasets", Applied
Soft Computing 83, 2019); these three ranked at the top. They reuse the input checks of
:class:`~unskew.resampling._smote_base.BaseSMOTE`. ProWSyn and SMOTE-IPF also reuse its chunked
generator; polynomial-fit SMOTE places points on its own geometry (class mean, chain, curve), so
it writes its rows itself, in the same chunked way.
"""

from __future__ import annotations

import numbers
import re
import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from scipy import sparse
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state

from .._utils._validation import (
    SHORT_TEMPLATE,
    Described,
    Interval,
    StrOptions,
    as_python,
    parameter_error,
)
from ..exceptions import DataError
from ._base import check_sample_weight
from ._smote import SMOTE
from ._smote_base import (
    _CHUNK_ELEMENTS,
    NEIGHBORS,
    BaseSMOTE,
    _Job,
    check_neighbors,
    doc,
    split_counts,
)

__all__ = ["SMOTEIPF", "PolynomialFitSMOTE", "ProWSyn"]

_TOPOLOGY = re.compile(r"^(star|bus|mesh|poly_([1-9][0-9]*))$")
_TOPOLOGIES = "'star', 'bus', 'mesh' or 'poly_<degree>' with a degree >= 1 (e.g. 'poly_2')"


def _distinct(rng, n_items: int, n_draws: int) -> np.ndarray:
    """``n_draws`` distinct integers of ``[0, n_items)`` drawn uniformly, without an
    ``n_items``-sized array when ``n_items`` is much larger than ``n_draws``."""
    if n_items <= 4 * n_draws or n_items <= 1 << 20:
        return rng.permutation(n_items)[:n_draws]
    found = np.empty(0, dtype=np.int64)
    while found.size < n_draws:
        # at most a quarter of the items is wanted, so a round finds most of what is missing
        more = rng.randint(0, n_items, size=2 * (n_draws - found.size) + 16, dtype=np.int64)
        found = np.union1d(found, more)
    return rng.permutation(found)[:n_draws]


def _pair_from_index(e: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Pair ``(i, j)``, ``i < j < n``, of the ``e``-th entry of the row-major upper triangle."""
    e = np.asarray(e, dtype=np.int64)
    b = 2 * n - 1
    i = np.floor((b - np.sqrt(np.maximum(b * b - 8.0 * e, 0.0))) / 2).astype(np.int64)
    # the float square root can land one row off: move to the row whose range holds e
    first = i * n - i * (i + 1) // 2
    i = np.where(first > e, i - 1, i)
    first = i * n - i * (i + 1) // 2
    nxt = (i + 1) * n - (i + 1) * (i + 2) // 2
    i = np.where(e >= nxt, i + 1, i)
    first = i * n - i * (i + 1) // 2
    return i, e - first + i + 1


def _dense(block) -> np.ndarray:
    return block.toarray() if sparse.issparse(block) else np.asarray(block)


@dataclass
class _Placement:
    """Where one class's new rows of PolynomialFitSMOTE go.

    Segments: row ``i`` is ``a + gaps[i] * (b - a)`` with ``a, b`` the anchors ``start[i]``,
    ``end[i]`` (positions in ``rows``; position ``rows.size`` is the class mean). Curve: row ``i``
    is the class's polynomial curve at ``t[i]``.
    """

    label: object
    rows: np.ndarray
    n_samples: int
    start: np.ndarray | None = None
    end: np.ndarray | None = None
    gaps: np.ndarray | None = None
    t: np.ndarray | None = None


@doc
class PolynomialFitSMOTE(BaseSMOTE):
    """Polynomial-fit SMOTE: new rows on a topology laid over the class (Gazzah & Amara, 2008).

    For a class with rows ``x_1 .. x_n`` (in their order in X) and ``G`` rows to add:

    - ``"star"``: the segments from each row to the class mean ``m = (1/n) sum_i x_i``;
    - ``"bus"``: the chain ``x_1 - x_2 - ... - x_n`` (segments between consecutive rows);
    - ``"mesh"``: the segments between every pair of rows;
    - ``"poly_k"``: per feature ``f``, the least-squares polynomial ``p_f`` of degree ``k`` through
      ``(t_i, x_i[f])``, with the rows evenly spaced along ``t_i = -1 + 2 (i - 1) / (n - 1)``; a
      new row is the point ``(p_1(t), ..., p_d(t))`` of that curve at ``t ~ U(-1, 1)``.

    On the segment topologies the ``G`` rows are split evenly over the ``E`` segments (each gets
    ``floor(G / E)``, and ``G mod E`` segments drawn at random get one more), and a segment that
    gets ``c`` rows carries them at the evenly spaced positions ``a + j / (c + 1) * (b - a)``,
    ``j = 1 .. c``, as in the paper's construction. Requested counts are exact.

    Parameters
    ----------
    {sampling_strategy}

    topology : str, default="star"
        ``"star"``, ``"bus"``, ``"mesh"`` or ``"poly_k"`` for a degree ``k >= 1`` (e.g.
        ``"poly_2"``). A class needs at least 2 rows (``k + 1`` for ``"poly_k"``).

    random_state : int, RandomState instance or None, default=None
        Seed of the draws: which segments carry the ``G mod E`` extra rows, and the positions
        ``t`` on the curve. An int gives the same output on every call.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    coefficients_ : dict of ndarray
        For ``"poly_k"`` only: ``{class: (k + 1, n_features) array}``, the power-series
        coefficients in ``t`` of each feature's polynomial.
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    Sample weights: original rows keep their weight. A row on the segment ``a -> b`` at position
    ``g`` gets ``w_a + g (w_b - w_a)``, where the class mean carries the mean weight of the class.
    A row on the curve at ``t`` between the positions of ``x_i`` and ``x_(i+1)`` gets the same
    linear interpolation of ``w_i`` and ``w_(i+1)``. ``fit_resample(X, y, sample_weight=w)`` then
    returns ``(X_res, y_res, w_res)``.

    "bus" and "poly_k" follow the order of the rows in X (the paper's chain); shuffle X first if
    that order carries meaning you do not want in the synthetic rows. Sparse X is accepted (the
    output is sparse; the mean and the curve are dense rows).

    References
    ----------
    .. [1] S. Gazzah, N. E. B. Amara, "New oversampling approaches based on polynomial fitting
       for imbalanced data sets", 8th IAPR Workshop on Document Analysis Systems, 677-684, 2008.
    .. [2] G. Kovacs, "An empirical comparison and evaluation of minority oversampling techniques
       on a large number of imbalanced datasets", Applied Soft Computing 83, 105662, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import PolynomialFitSMOTE
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> X_res, y_res = PolynomialFitSMOTE(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [450, 450]
    >>> X_res, y_res = PolynomialFitSMOTE(topology="poly_2", random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [450, 450]
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseOverSampler._parameter_constraints,
        "topology": [Described(str, _TOPOLOGIES)],  # the degree of "poly_<k>" is parsed in fit
    }

    def __init__(self, *, sampling_strategy="auto", topology="star", random_state=None):
        super(BaseSMOTE, self).__init__(sampling_strategy=sampling_strategy)
        self.topology = topology
        self.random_state = random_state

    def _parse_topology(self) -> tuple[str, int]:
        match = _TOPOLOGY.match(self.topology)
        if match is None:
            raise parameter_error(type(self).__name__, "topology", _TOPOLOGIES, self.topology,
                                  template=SHORT_TEMPLATE)
        if match.group(2) is not None:
            return "poly", int(match.group(2))
        return match.group(1), 0

    def _fit_resample(self, X, y, sample_weight=None):
        # BaseSMOTE's generator interpolates between two rows of X; the star's centre and the
        # curve are not rows, so the plans (_Placement) are written here instead
        weights = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        self._kind, self._degree = self._parse_topology()
        rng = check_random_state(self.random_state)
        self.coefficients_ = {}
        plans = [self._plan_class(X, y, label, n_samples, rng)
                 for label, n_samples in self.sampling_strategy_.items() if n_samples > 0]
        blocks = [self._write_placement(X, weights, plan) for plan in plans]
        new_rows = [rows for rows, _ in blocks]
        if sparse.issparse(X):
            X_out = sparse.vstack([X, *new_rows], format=X.format).astype(X.dtype)
        else:
            X_out = np.concatenate([X, *new_rows])
        y_out = np.concatenate([y, *(np.full(plan.n_samples, plan.label, dtype=y.dtype)
                                     for plan in plans)])
        if weights is None:
            return X_out, y_out
        return X_out, y_out, np.concatenate([weights, *(w for _, w in blocks)])

    def _plan_class(self, X, y, label, n_samples, rng):
        rows = np.flatnonzero(y == label)
        kind, degree = self._kind, self._degree
        need = degree + 1 if kind == "poly" else 2
        if rows.size < need:
            what = (f"a degree-{degree} polynomial needs at least {need} rows; use a lower degree "
                    f"(topology='poly_{max(rows.size - 1, 1)}') or 'star'" if kind == "poly"
                    else f"topology={self.topology!r} needs at least 2 rows to draw segments")
            raise DataError(f"PolynomialFitSMOTE: class {as_python(label)!r} has {rows.size} rows, but "
                            f"{what}; use RandomOverSampler for a single-row class.")
        if kind == "poly":
            return self._plan_curve(X, rows, label, n_samples, rng)
        return self._plan_segments(rows, label, n_samples, rng)

    def _plan_segments(self, rows, label, n_samples, rng):
        """Rows on the star / bus / mesh segments, split evenly, evenly spaced on each."""
        n, kind = rows.size, self._kind
        n_edges = {"star": n, "bus": n - 1, "mesh": n * (n - 1) // 2}[kind]
        per_edge, extra = divmod(n_samples, n_edges)
        lucky = _distinct(rng, n_edges, extra)
        if per_edge:
            edges = np.arange(n_edges)
            counts = np.full(n_edges, per_edge, dtype=np.int64)
            counts[lucky] += 1
        else:  # fewer rows than segments: only the drawn segments get one (the midpoint)
            edges = np.sort(lucky)
            counts = np.ones(edges.size, dtype=np.int64)
        if kind == "star":  # anchor n is the class mean
            start, end = edges, np.full(edges.size, n)
        elif kind == "bus":
            start, end = edges, edges + 1
        else:
            start, end = _pair_from_index(edges, n)
        # positions j / (c + 1), j = 1..c, on a segment that carries c rows
        c = np.repeat(counts, counts)
        j = np.arange(c.size) - np.repeat(np.cumsum(counts) - counts, counts) + 1
        return _Placement(label, rows, n_samples, start=np.repeat(start, counts),
                          end=np.repeat(end, counts), gaps=j / (c + 1.0))

    def _plan_curve(self, X, rows, label, n_samples, rng):
        """Rows on the per-feature polynomials along the chain of rows."""
        t_rows = np.linspace(-1.0, 1.0, rows.size)
        vander = np.polynomial.polynomial.polyvander(t_rows, self._degree)
        # least squares through the pseudo-inverse: the small (degree + 1, n) factor also
        # multiplies a sparse class block without densifying it
        solve = np.linalg.pinv(vander)
        block = X[rows]
        coef = (block.T @ solve.T).T if sparse.issparse(block) else solve @ block
        self.coefficients_[label] = np.asarray(coef, dtype=np.float64)
        return _Placement(label, rows, n_samples, t=rng.uniform(-1.0, 1.0, size=n_samples))

    def _write_placement(self, X, weights, plan):
        """The synthetic rows of one plan (in chunks, X's dtype and format) and their weights."""
        rows, n = plan.rows, plan.rows.size
        if plan.t is None:
            mean = np.asarray(X[rows].mean(axis=0), dtype=np.float64).ravel()

            def anchors(idx):
                out = np.empty((idx.size, X.shape[1]), dtype=np.float64)
                is_row = idx < n
                out[is_row] = _dense(X[rows[idx[is_row]]])
                out[~is_row] = mean
                return out

            def make(lo, hi):
                a, b = anchors(plan.start[lo:hi]), anchors(plan.end[lo:hi])
                return a + plan.gaps[lo:hi, None] * (b - a)

            w_new = None
            if weights is not None:
                w_anchor = np.append(weights[rows], weights[rows].mean())
                w_a, w_b = w_anchor[plan.start], w_anchor[plan.end]
                w_new = w_a + plan.gaps * (w_b - w_a)
        else:
            coef = self.coefficients_[plan.label]

            def make(lo, hi):
                return np.polynomial.polynomial.polyvander(plan.t[lo:hi], self._degree) @ coef

            w_new = None
            if weights is not None:  # interpolate the two rows the curve point falls between
                pos = (plan.t + 1.0) / 2.0 * (n - 1)
                left = np.minimum(np.floor(pos).astype(np.int64), n - 2)
                w = weights[rows]
                w_new = w[left] + (pos - left) * (w[left + 1] - w[left])
        return self._chunked(X, plan.n_samples, make), w_new

    @staticmethod
    def _chunked(X, n_samples, make):
        """Fill ``n_samples`` rows in chunks of ``make(lo, hi)``, in X's dtype and format."""
        step = max(1, _CHUNK_ELEMENTS // max(X.shape[1], 1))
        if sparse.issparse(X):
            out_dtype = X.dtype if X.dtype.kind == "f" else np.dtype(np.float64)
            parts = [sparse.csr_matrix(make(lo, min(lo + step, n_samples)).astype(out_dtype))
                     for lo in range(0, n_samples, step)]
            return sparse.vstack(parts, format="csr")
        out = np.empty((n_samples, X.shape[1]), dtype=X.dtype)
        for lo in range(0, n_samples, step):
            hi = min(lo + step, n_samples)
            out[lo:hi] = make(lo, hi)
        return out


@doc
class ProWSyn(BaseSMOTE):
    """ProWSyn: proximity-weighted synthetic oversampling (Barua, Islam & Murase, 2013).

    The rows of class ``c`` are split into proximity levels ``P_1 .. P_L`` by their distance to
    the other classes. With ``P`` the rows not yet placed (all rows of ``c`` at first), for
    ``i = 1 .. L - 1``: every row of the other classes finds its ``K`` nearest rows in ``P``;
    their union is ``P_i`` and leaves ``P``. What is left is ``P_L``. Level ``i`` gets the weight
    ``w_i = exp(-theta (i - 1)) / sum_l exp(-theta (l - 1))`` (over the non-empty levels), and
    ``g_i = w_i G`` of the ``G`` new rows (rounded so that they sum to ``G`` exactly). Each new
    row of level ``i`` is ``x + u (z - x)``: ``x`` a row of ``P_i`` drawn uniformly, ``z`` another
    row of ``P_i`` drawn uniformly, ``u ~ U(0, 1)``. Rows near the border (low levels) thus get the
    most synthetic rows, and interpolation never leaves a proximity level.

    Parameters
    ----------
    {sampling_strategy}

    n_neighbors : int or object, default=5
        ``K``: rows of ``P`` taken by each row of another class per level. An int builds a
        ``unskew._neighbors.NeighborIndex(K)``; an object with ``fit`` and ``kneighbors`` (e.g.
        ``NearestNeighbors(n_neighbors=5)``) is cloned and its ``n_neighbors`` is ``K`` (the
        queries are rows of other classes, so no row finds itself).

    L : int, default=5
        Number of proximity levels, ``>= 1``.

    theta : float, default=1.0
        Decay of the level weights, ``>= 0`` (0: every level the same share).

    {random_state}

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    nn_ : estimator object
        The neighbours object built from ``n_neighbors``.
    proximity_levels_ : dict of ndarray
        ``{class: level (1..L) of each row of the class, in their order in X}``.
    level_weights_ : dict of ndarray
        ``{class: (L,) array of w_i}``, 0 for empty levels (before a single-row level's share
        is handed to the others).
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    {sample_weight}

    A level with a single row cannot interpolate within itself; its share goes to the other
    levels (weights renormalised). Multi-class targets are treated one class against the rest:
    the "majority" rows of the paper are all rows of the other classes.

    References
    ----------
    .. [1] S. Barua, M. M. Islam, K. Murase, "ProWSyn: proximity weighted synthetic oversampling
       technique for imbalanced data set learning", PAKDD 2013, LNCS 7819, 317-328.
    .. [2] G. Kovacs, "An empirical comparison and evaluation of minority oversampling techniques
       on a large number of imbalanced datasets", Applied Soft Computing 83, 105662, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import ProWSyn
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> sampler = ProWSyn(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [450, 450]
    >>> np.bincount(sampler.proximity_levels_[1], minlength=6)[1:].tolist()  # rows per level
    [43, 7, 0, 0, 0]
    >>> sampler.level_weights_[1].round(3).tolist()  # exp(-(i - 1)) over the non-empty levels
    [0.731, 0.269, 0.0, 0.0, 0.0]
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseOverSampler._parameter_constraints,
        "n_neighbors": NEIGHBORS,
        "L": [Interval(numbers.Integral, 1, None, closed="left",
                       description="an int >= 1 (the number of proximity levels)")],
        "theta": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(self, *, sampling_strategy="auto", n_neighbors=5, L=5, theta=1.0,
                 random_state=None):
        super(BaseSMOTE, self).__init__(sampling_strategy=sampling_strategy)
        self.n_neighbors = n_neighbors
        self.L = L
        self.theta = theta
        self.random_state = random_state

    def _validate_estimator(self):
        self.nn_ = check_neighbors(self.n_neighbors, extra=0)

    def _prepare(self, X, y, rng):
        self.proximity_levels_ = {}
        self.level_weights_ = {}

    def _levels(self, X, y, label, rows):
        """Proximity level (1..L) of each row of ``rows`` (the rows of ``label``)."""
        others = X[np.flatnonzero(y != label)]
        K = int(self.nn_.n_neighbors)
        levels = np.full(rows.size, int(self.L), dtype=np.int64)
        free = np.arange(rows.size)  # positions in rows of P, the unplaced rows
        for level in range(1, int(self.L)):
            if free.size == 0:
                break
            self.nn_.fit(X[rows[free]])
            found = self.nn_.kneighbors(others, n_neighbors=min(K, free.size),
                                        return_distance=False)
            taken = np.unique(np.asarray(found))
            levels[free[taken]] = level
            free = np.delete(free, taken)
        return levels

    def _plan_class(self, X, y, label, n_samples, rng):
        rows = np.flatnonzero(y == label)
        if rows.size < 2:
            raise DataError(f"ProWSyn: class {as_python(label)!r} has {rows.size} row, but ProWSyn "
                            "interpolates between two rows of a class; use RandomOverSampler "
                            "for it, or collect more rows.")
        levels = self._levels(X, y, label, rows)
        self.proximity_levels_[label] = levels
        sizes = np.bincount(levels, minlength=int(self.L) + 1)[1:]
        decay = np.exp(-float(self.theta) * np.arange(int(self.L)))
        weights = np.where(sizes > 0, decay, 0.0)
        self.level_weights_[label] = weights / weights.sum()
        usable = np.where(sizes > 1, weights, 0.0)
        if not usable.any():
            raise DataError(
                f"ProWSyn: every proximity level of class {as_python(label)!r} holds a single row "
                f"(levels of sizes {sizes.tolist()}), so no level can interpolate; lower L or "
                "raise n_neighbors so that levels hold more rows.")
        jobs = []
        for level, n_level in enumerate(split_counts(usable, n_samples), start=1):
            if n_level == 0:
                continue
            members = rows[levels == level]
            first = rng.randint(0, members.size, size=n_level)
            # a different row of the same level, uniformly: shift by 1..size-1 positions
            second = (first + rng.randint(1, members.size, size=n_level)) % members.size
            # one job row per synthetic row: counts of 1 make the base draw exactly these pairs
            jobs.append(_Job(label, members[first], members[second][:, None], int(n_level),
                             counts=np.ones(n_level, dtype=np.int64)))
        return jobs


@doc
class SMOTEIPF(SMOTE):
    """SMOTE-IPF: SMOTE, then the Iterative-Partitioning Filter (Saez et al., 2015).

    First SMOTE (same parameters and draws as :class:`SMOTE`) balances the classes. Then the
    Iterative-Partitioning Filter (Khoshgoftaar & Rebours, 2007) cleans the balanced set ``E``
    (original and synthetic rows, every class):

    1. split the current ``E`` at random into ``n_folds`` parts of equal size (stratified by class);
    2. fit a decision tree (C4.5-like: entropy, at least 2 rows per leaf) on *each part* and let
       the ``n_folds`` trees classify all of ``E``;
    3. a row is noisy when more than half of the trees (``voting="majority"``) or all of them
       (``"consensus"``) misclassify it, the tree of its own part among them (IPF's extra
       condition); remove the noisy rows from ``E``;
    4. stop when, for ``k`` consecutive iterations, fewer than ``p * |E_0|`` rows were removed
       (``E_0``: the balanced set after SMOTE), or after ``max_iter`` iterations.

    The class counts of the output are therefore *at most* what ``sampling_strategy`` asks: the
    filter also removes original rows. ``kept_indices_`` says which rows remain.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {k_neighbors}

    n_folds : int, default=9
        Parts of each filtering iteration (one tree per part), ``>= 2``.

    k : int, default=3
        Consecutive quiet iterations that stop the filter, ``>= 1``.

    p : float, default=0.01
        Fraction of ``|E_0|``: an iteration that removes fewer rows is quiet, in ``[0, 1]``.

    voting : {"majority", "consensus"}, default="majority"
        How many trees must misclassify a row to call it noisy.

    max_iter : int, default=100
        Cap on the filtering iterations, ``>= 1``.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows SMOTE adds}`` (before filtering).
    nn_k_ : estimator object
        The neighbours object built from ``k_neighbors``.
    kept_indices_ : ndarray of int
        The output rows as indices into the SMOTE-balanced set (X, then SMOTE's synthetic rows in
        their order): ``kept_indices_ < n_samples`` are original rows of X (they come first in the
        output, in their order), the others synthetic rows that survived.
    n_synthetic_ : int
        Synthetic rows made by SMOTE, before filtering.
    n_removed_ : list of int
        Rows removed by each filtering iteration.
    n_iter_ : int
        Filtering iterations run.
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    {sample_weight} Removed rows leave with their weight; the trees are fitted unweighted, as in
    the paper.

    With an int ``random_state`` the SMOTE step is the same as ``SMOTE(random_state=...)``; the
    filter draws its folds and tree seeds from its own ``RandomState`` made from the same seed.
    An iteration whose noisy rows would empty a class is not applied and ends the filter (a
    ``UserWarning`` says so).

    References
    ----------
    .. [1] J. A. Saez, J. Luengo, J. Stefanowski, F. Herrera, "SMOTE-IPF: addressing the noisy
       and borderline examples problem in imbalanced classification by a re-sampling method
       with filtering", Information Sciences 291, 184-203, 2015.
    .. [2] T. M. Khoshgoftaar, P. Rebours, "Improving software quality prediction by noise
       filtering techniques", Journal of Computer Science and Technology 22, 387-396, 2007.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import SMOTEIPF
    >>> X, y = make_classification(n_samples=500, weights=[0.9], flip_y=0.05, random_state=0)
    >>> sampler = SMOTEIPF(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y).tolist(), sampler.n_synthetic_  # SMOTE adds 441 - 59 rows
    ([441, 59], 382)
    >>> np.bincount(y_res).tolist()  # then the filter removes rows of both classes
    [439, 372]
    >>> kept = sampler.kept_indices_[sampler.kept_indices_ < len(y)]
    >>> bool((X_res[:kept.size] == X[kept]).all())  # kept originals first, unchanged
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        **SMOTE._parameter_constraints,
        "n_folds": [Interval(numbers.Integral, 2, None, closed="left")],
        "k": [Interval(numbers.Integral, 1, None, closed="left")],
        "p": [Interval(numbers.Real, 0, 1, closed="both", description="in [0, 1]")],
        "voting": [StrOptions(("majority", "consensus"),
                              description="'majority' or 'consensus'")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(self, *, sampling_strategy="auto", k_neighbors=5, n_folds=9, k=3, p=0.01,
                 voting="majority", max_iter=100, random_state=None):
        super().__init__(sampling_strategy=sampling_strategy, random_state=random_state,
                         k_neighbors=k_neighbors)
        self.n_folds = n_folds
        self.k = k
        self.p = p
        self.voting = voting
        self.max_iter = max_iter

    def _fit_resample(self, X, y, sample_weight=None):
        out = super()._fit_resample(X, y, sample_weight=sample_weight)
        X_all, y_all = out[0], out[1]
        self.n_synthetic_ = int(y_all.size - y.size)
        keep = self._filter(X_all, y_all, check_random_state(self.random_state))
        self.kept_indices_ = keep
        return tuple(part[keep] for part in out)

    @staticmethod
    def _folds(y, n_folds, rng) -> np.ndarray:
        """Fold of each row: classes shuffled and dealt round-robin, so folds are stratified
        and their sizes differ by at most one."""
        order = rng.permutation(y.size)
        order = order[np.argsort(y[order], kind="stable")]
        folds = np.empty(y.size, dtype=np.int64)
        folds[order] = np.arange(y.size) % n_folds
        return folds

    def _filter(self, X, y, rng) -> np.ndarray:
        """Indices of the rows of (X, y) that survive the Iterative-Partitioning Filter."""
        n_folds, n_start = int(self.n_folds), y.size
        alive = np.arange(n_start)
        quiet = 0
        self.n_removed_ = []
        self.n_iter_ = 0
        while self.n_iter_ < self.max_iter and alive.size >= n_folds:
            X_cur, y_cur = X[alive], y[alive]
            folds = self._folds(y_cur, n_folds, rng)
            wrong = np.zeros(alive.size, dtype=np.int64)
            own_wrong = np.zeros(alive.size, dtype=bool)
            for fold in range(n_folds):
                part = folds == fold
                tree = DecisionTreeClassifier(criterion="entropy", min_samples_leaf=2,
                                              random_state=rng.randint(np.iinfo(np.int32).max))
                tree.fit(X_cur[part], y_cur[part])
                missed = tree.predict(X_cur) != y_cur
                wrong += missed
                own_wrong[part] = missed[part]
            voted = wrong > n_folds / 2 if self.voting == "majority" else wrong == n_folds
            noisy = voted & own_wrong
            emptied = np.setdiff1d(np.unique(y_cur), np.unique(y_cur[~noisy]))
            if emptied.size:
                warnings.warn(f"SMOTEIPF: the filter would remove every row of class "
                              f"{as_python(emptied[0])!r}; it stops after {self.n_iter_} iterations.",
                              UserWarning, stacklevel=4)
                break
            self.n_iter_ += 1
            self.n_removed_.append(int(noisy.sum()))
            alive = alive[~noisy]
            quiet = quiet + 1 if noisy.sum() < self.p * n_start else 0
            if quiet >= self.k:
                break
        return alive
