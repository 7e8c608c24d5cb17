"""What the SMOTE family shares: input checks, neighbour look-ups and chunked generation.

Template method, as in imbalanced-learn: :class:`BaseSMOTE` runs ``_fit_resample`` once for every
resampler of the family. A subclass only *plans* each class (``_plan_class``): it chooses the
seed rows and their neighbours and returns :class:`_Job` objects. The base then draws every
(seed, neighbour, gap) triple and writes the synthetic rows in chunks into one preallocated
output, so memory stays at the output plus a few bytes per synthetic row, and float32 stays
float32.
"""

from __future__ import annotations

import warnings
from abc import abstractmethod
from dataclasses import dataclass
from numbers import Integral
from typing import ClassVar

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from scipy import sparse
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state

from .._neighbors import NeighborIndex, Segments
from .._utils._validation import (
    SHORT_TEMPLATE,
    Described,
    HasMethods,
    Interval,
    as_python,
    check_2d,
    find_nonfinite,
)
from ..exceptions import DataError
from ._base import ResamplerParamsMixin, check_sample_weight

__all__ = ["NEIGHBORS", "BaseSMOTE"]

# elements of one generation chunk (8 MiB of float64): bounds every temporary array
_CHUNK_ELEMENTS = 1 << 20

DOC_PARAMS = {
    "sampling_strategy": BaseOverSampler._sampling_strategy_docstring,
    "random_state": """random_state : int, RandomState instance or None, default=None
        Seed of the draws (seed rows, neighbours, gaps). An int gives the same output on every
        call.""",
    "k_neighbors": """k_neighbors : int or object, default=5
        Same-class neighbours to interpolate towards. An int ``k`` builds a
        ``unskew._neighbors.NeighborIndex(k + 1)`` (exact, like scikit-learn's
        ``NearestNeighbors``, unless its ``"auto"`` mode picks an approximate backend for large
        data). An object with ``fit`` and ``kneighbors`` (e.g. ``NearestNeighbors(n_neighbors=6)``)
        is cloned and used; as in imbalanced-learn its ``n_neighbors`` counts the row itself.""",
    "sample_weight": """sample_weight : array-like of shape (n_samples,), default=None
        Passed as ``fit_resample(X, y, sample_weight=w)``. Original rows keep their weight; a
        synthetic row ``x_i + gap * (x_j - x_i)`` gets ``w_i + gap * (w_j - w_i)`` (clipped at 0
        for extrapolated rows), and ``fit_resample`` then returns ``(X_res, y_res, w_res)``.""",
}


def doc(cls):
    """Fill the shared parameter descriptions (``{name}`` fields) of a class docstring."""
    if cls.__doc__:
        text = cls.__doc__
        for key, value in DOC_PARAMS.items():
            text = text.replace("{" + key + "}", value)
        cls.__doc__ = text
    return cls


@dataclass
class _Job:
    """Synthetic rows to make for one class from one set of seed rows.

    ``base`` are rows of X; ``neighbors[i]`` the rows of X that ``base[i]`` may move towards.
    A sample is ``X[base[i]] + gap * (X[neighbors[i, j]] - X[base[i]])`` with
    ``gap = step_size * U(0, 1) * scale[i, j]``.
    """

    label: object
    base: np.ndarray
    neighbors: np.ndarray
    n_samples: int
    step_size: float = 1.0
    counts: np.ndarray | None = None  # rows per seed (ADASYN); None: seed/neighbour pairs uniform
    scale: np.ndarray | None = None  # per pair gap factor (Borderline-2: 0.5 towards other classes)


def _segments(X, y, jobs, draws) -> Segments:
    """Where the synthetic rows lie: those drawn between two rows of their own class."""
    empty = Segments(*(np.empty(0, dtype=dt) for dt in (np.int64,) * 3 + (np.float64,)))
    if X.dtype.kind != "f":
        return empty  # rows cast back to an integer dtype are off their segments
    parts, start = [], X.shape[0]
    for job, (pairs, gaps) in zip(jobs, draws, strict=True):
        seed, col = np.divmod(pairs, job.neighbors.shape[1])
        base, toward = job.base[seed], job.neighbors[seed, col]
        # the gap the row was computed with (step_size is in the draws already; rounded to X's
        # dtype); extrapolations (SVM-SMOTE) and moves towards another class (Borderline-2)
        # leave the same-class segment, so they are not listed
        gap = gaps if job.scale is None else gaps * job.scale[seed, col]
        gap = gap.astype(X.dtype).astype(np.float64)
        on = (y[base] == job.label) & (y[toward] == job.label) & (gap >= 0) & (gap <= 1)
        parts.append((start + np.flatnonzero(on), base[on], toward[on], gap[on]))
        start += pairs.size
    if not parts:
        return empty
    return Segments(*(np.concatenate(column) for column in zip(*parts, strict=True)))


# the constraint of a neighbours parameter (k_neighbors, m_neighbors, n_neighbors)
NEIGHBORS = [Interval(Integral, 1, None, closed="left"),
             Described(HasMethods(["fit", "kneighbors"]), "an object with fit and kneighbors "
                       "(e.g. sklearn.neighbors.NearestNeighbors)")]


def check_neighbors(value, *, extra: int = 1):
    """A neighbours object from an int (``NeighborIndex(value + extra)``) or a cloned object.

    ``value`` satisfies :data:`NEIGHBORS` (the parameter validation checked it).
    """
    if isinstance(value, Integral):
        return NeighborIndex(n_neighbors=int(value) + extra)
    return clone(value)


def self_neighbors(nn, X, k: int) -> np.ndarray:
    """Indices into X of the k nearest other rows of each row of X.

    scikit-learn's and unskew's indexes answer ``kneighbors(None)`` (each row's neighbours but
    itself); any other object only needs ``fit(X)`` and ``kneighbors(X, n_neighbors,
    return_distance)``, as in imbalanced-learn: it is queried with X and each row's own index is
    dropped (:func:`query_neighbors`).
    """
    nn.fit(X)
    if isinstance(nn, NeighborIndex | NearestNeighbors):
        return np.asarray(nn.kneighbors(None, n_neighbors=k, return_distance=False))
    return query_neighbors(nn, X, np.arange(X.shape[0]), k)


def query_neighbors(nn, query, query_rows: np.ndarray, k: int) -> np.ndarray:
    """k nearest indexed rows of each query row, leaving out the query's own row.

    ``nn`` is fitted on X and ``query = X[query_rows]``. A row's own index is dropped; when a
    duplicate hides it (not among the k + 1 found), the farthest of them is dropped instead,
    as scikit-learn does for ``kneighbors(None)``.
    """
    found = np.asarray(nn.kneighbors(query, n_neighbors=k + 1, return_distance=False))
    drop = found == np.asarray(query_rows)[:, None]
    drop[~drop.any(axis=1), -1] = True
    return found[~drop].reshape(found.shape[0], k)


def split_counts(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that sum to ``total`` (largest remainder).

    Examples
    --------
    >>> split_counts(np.array([0.5, 0.3, 0.2]), 7).tolist()
    [4, 2, 1]
    """
    weights = np.asarray(weights, dtype=np.float64)
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    short = total - int(counts.sum())
    if short > 0:
        counts[np.argsort(counts - exact, kind="stable")[:short]] += 1
    return counts


def _frame_columns(X):
    return list(X.columns) if hasattr(X, "columns") and hasattr(X, "dtypes") else None


class BaseSMOTE(ResamplerParamsMixin, BaseOverSampler):
    """Shared template of the SMOTE family (not for direct use)."""

    _parameter_constraints: ClassVar[dict] = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": NEIGHBORS,
    }
    # the family's tests pin the short wording ("SMOTE: k_neighbors must be an int >= 1, ...")
    _parameter_template = SHORT_TEMPLATE
    # numeric-only resamplers point users with categorical columns here
    _accepts_categorical = False

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k_neighbors = k_neighbors

    # ----------------------------------------------------------------------------- input checks
    def _check_X_y(self, X, y, accept_sparse=None):
        owner = type(self).__name__
        check_2d(X, owner)
        columns = _frame_columns(X)
        if columns is not None and not self._accepts_categorical:
            bad = [c for c, t in zip(columns, X.dtypes, strict=True)
                   if t == np.dtype(object) or str(t) in ("category", "string", "str")]
            if bad:
                raise DataError(
                    f"{owner}: columns {bad[:5]} are categorical ({X[bad[0]].dtype}); {owner} "
                    "interpolates numbers only. Use SMOTENC(categorical_features=[...]) for mixed "
                    "columns, SMOTEN for all-categorical data, or encode them first.")
        try:
            X_checked, y_checked, binarize_y = super()._check_X_y(X, y, accept_sparse)
        except ValueError as exc:
            raise self._explain_bad_values(X, exc) from exc
        self._check_strategy_classes(y_checked)
        return X_checked, y_checked, binarize_y

    def _explain_bad_values(self, X, exc: ValueError) -> Exception:
        owner = type(self).__name__
        text = str(exc)
        if "could not convert" in text:
            return DataError(f"{owner}: X has non-numeric values ({text}); use SMOTENC for mixed "
                             "numeric/categorical columns or SMOTEN for categorical ones.")
        if "NaN" not in text and "infinity" not in text:
            return exc
        # the family's wording, which its tests pin: "column 'age' has 3 NaN/inf values"
        if _frame_columns(X) is not None:
            found = find_nonfinite(X)
            if found is not None:
                return DataError(f"{owner}: column {found.label} has {found.in_column} NaN/inf "
                                 "values; impute or drop them first (e.g. sklearn SimpleImputer "
                                 "in the pipeline before the resampler).")
        elif not sparse.issparse(X):
            found = find_nonfinite(np.asarray(X, dtype=np.float64))
            if found is not None:
                return DataError(f"{owner}: column {found.label} of X has {found.in_column} "
                                 "NaN/inf values; impute or drop them first.")
        return DataError(f"{owner}: X has NaN/inf values ({text}); impute or drop them first.")

    def _check_strategy_classes(self, y):
        """Turn imbalanced-learn's sampling_strategy errors into DataErrors with the numbers."""
        owner = type(self).__name__
        strategy = self.sampling_strategy
        if callable(strategy):
            strategy = strategy(y)
        if not isinstance(strategy, dict):
            return
        labels, counts = np.unique(y, return_counts=True)
        present = dict(zip(labels.tolist(), counts.tolist(), strict=True))
        unknown = [c for c in strategy if c not in present]
        if unknown:
            raise DataError(f"{owner}: sampling_strategy names classes {unknown} that are not in y; "
                            f"y has {sorted(present, key=str)}.")
        for label, wanted in strategy.items():
            if wanted < present[label]:
                raise DataError(
                    f"{owner}: sampling_strategy asks for {wanted} rows of class {as_python(label)!r}, which "
                    f"has {present[label]}; an over-sampler only adds rows. Ask for at least "
                    f"{present[label]}, or use an under-sampler to shrink it.")

    def _check_class_size(self, label, n_rows: int, k: int, param: str = "k_neighbors"):
        if n_rows > k:
            return
        owner = type(self).__name__
        hint = (f"set {param}={n_rows - 1} (or lower)" if n_rows > 1
                else "use RandomOverSampler to duplicate it, or collect more rows")
        raise DataError(f"{owner}: class {as_python(label)!r} has {n_rows} rows, but {param}={k} needs at "
                        f"least {k + 1} (a row and {k} neighbours of its class); {hint}.")

    # -------------------------------------------------------------------------------- template
    def _validate_estimator(self):
        self.nn_k_ = check_neighbors(self.k_neighbors)

    def _n_k(self) -> int:
        return int(self.nn_k_.n_neighbors) - 1

    def _fit_resample(self, X, y, sample_weight=None, _trace=None):
        # _trace (internal, SMOTE-ENN): a list that receives the Segments the new rows lie on
        weights = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        self._validate_estimator()
        rng = check_random_state(self.random_state)
        self._prepare(X, y, rng)
        jobs, draws = [], []
        for label, n_samples in self.sampling_strategy_.items():
            if n_samples > 0:
                planned = self._plan_class(X, y, label, n_samples, rng)
                draws.extend(self._draw(job, self._job_rng(rng)) for job in planned)
                jobs.extend(planned)
        if _trace is not None and not sparse.issparse(X):
            _trace.append(_segments(X, y, jobs, draws))
        return self._assemble(X, y, weights, jobs, draws)

    # True where the algorithm is imbalanced-learn's: its draws are then made in its order
    _draws_like_imblearn = False

    def _job_rng(self, rng):
        """The generator of one job's draws (seed rows, neighbours, gaps).

        imbalanced-learn's ``_make_samples`` calls ``check_random_state(random_state)`` for
        every batch it makes: with an int seed each batch (each class, and SVM-SMOTE's two
        halves) restarts from that seed, while a ``RandomState`` instance is one stream. Where
        the algorithm is the same (``_draws_like_imblearn``) the draws follow that rule so the
        rows are the same seed for seed; the others draw everything from one stream.
        """
        return check_random_state(self.random_state) if self._draws_like_imblearn else rng

    def _prepare(self, X, y, rng):
        """Work shared by every class (a full-data index, a clustering, an SVM)."""

    @abstractmethod
    def _plan_class(self, X, y, label, n_samples, rng) -> list[_Job]:
        """The seed rows and neighbours of ``label``'s ``n_samples`` new rows."""

    def _warn_nothing(self, label, why: str):
        warnings.warn(f"{type(self).__name__}: no synthetic rows for class {as_python(label)!r}: {why}",
                      UserWarning, stacklevel=4)

    # ------------------------------------------------------------------------------ generation
    @staticmethod
    def _draw(job: _Job, rng):
        """Flat (seed, neighbour) pair ids and gaps, drawn like imbalanced-learn's SMOTE."""
        k = job.neighbors.shape[1]
        if job.counts is None:
            pairs = rng.randint(low=0, high=job.neighbors.size, size=job.n_samples)
        else:
            seeds = np.repeat(np.arange(job.base.size), job.counts)
            pairs = seeds * k + rng.randint(low=0, high=k, size=seeds.size)
        gaps = rng.uniform(size=pairs.size)
        if job.step_size != 1.0:
            gaps *= job.step_size
        return pairs, gaps

    def _assemble(self, X, y, weights, jobs, draws, order="C"):
        """Original rows, then each job's synthetic rows; ``order="F"`` makes every column
        contiguous so a DataFrame can wrap them without a copy."""
        n_new = sum(pairs.size for pairs, _ in draws)
        n = X.shape[0]
        y_out = np.empty(n + n_new, dtype=y.dtype)
        y_out[:n] = y
        w_out = None if weights is None else np.empty(n + n_new, dtype=np.float64)
        if w_out is not None:
            w_out[:n] = weights
        start = n
        for job, (pairs, _) in zip(jobs, draws, strict=True):
            y_out[start:start + pairs.size] = job.label
            start += pairs.size

        if sparse.issparse(X):
            X_out = self._assemble_sparse(X, jobs, draws)
        else:
            X_out = np.empty((n + n_new, X.shape[1]), dtype=X.dtype, order=order)
            X_out[:n] = X
        start = n
        for job, (pairs, gaps) in zip(jobs, draws, strict=True):
            self._write(X, X_out, w_out, weights, job, pairs, gaps, start)
            start += pairs.size
        if w_out is not None and any(job.step_size < 0 for job in jobs):
            np.maximum(w_out, 0.0, out=w_out)
        return (X_out, y_out) if w_out is None else (X_out, y_out, w_out)

    def _write(self, X, X_out, w_out, weights, job, pairs, gaps, start):
        k = job.neighbors.shape[1]
        dense = not sparse.issparse(X)
        work = X.dtype if X.dtype.kind == "f" else np.dtype(np.float64)
        step = max(1, _CHUNK_ELEMENTS // max(X.shape[1], 1))
        for lo in range(0, pairs.size, step):
            seed, col = np.divmod(pairs[lo:lo + step], k)
            gap = gaps[lo:lo + step]
            if job.scale is not None:
                gap = gap * job.scale[seed, col]
            rows = job.base[seed]
            nbrs = job.neighbors[seed, col]
            hi = lo + gap.size
            if dense:
                self._interpolate_dense(X, rows, nbrs, gap.astype(work, copy=False),
                                        X_out[start + lo:start + hi], job)
            if w_out is not None:
                w_out[start + lo:start + hi] = weights[rows] + gap * (weights[nbrs] - weights[rows])

    def _interpolate_dense(self, X, rows, nbrs, gap, out, job):
        """``out = X[rows] + gap * (X[nbrs] - X[rows])`` in the working dtype."""
        base = X[rows]
        diff = X[nbrs]
        if diff.dtype != gap.dtype:
            base = base.astype(gap.dtype)
            diff = diff.astype(gap.dtype)
        diff -= base
        diff *= gap[:, None]
        base += diff
        out[...] = base

    def _assemble_sparse(self, X, jobs, draws):
        blocks = [X]
        for job, (pairs, gaps) in zip(jobs, draws, strict=True):
            k = job.neighbors.shape[1]
            seed, col = np.divmod(pairs, k)
            gap = gaps if job.scale is None else gaps * job.scale[seed, col]
            base = X[job.base[seed]]
            diff = X[job.neighbors[seed, col]] - base
            blocks.append((base + sparse.diags(gap) @ diff).astype(X.dtype))
        return sparse.vstack(blocks, format=X.format)
