"""Fast neighbour cleaners: drop-in replacements for imbalanced-learn's, with the same rows kept.

imbalanced-learn searches the neighbours of every row; most of that work cannot change the
answer. Ours search only the rows whose fate is open, with the exact search of
:class:`unskew._neighbors.NeighborIndex` over all rows (blocked float32 GEMM that proves its
order, scikit-learn for near-ties; so every neighbour list we use is the one imbalanced-learn
sees):

- ``TomekLinks``: a link joins two rows of different classes, so one end is outside the largest
  class. We search the rows of the other classes, then the largest-class rows they point to.
- ``EditedNearestNeighbours``: only rows of the classes in ``sampling_strategy`` can go; a row
  whose neighbourhood is proven pure stays, and one with a row of another class proven among
  its neighbours goes, without a search over all rows
  (:func:`unskew._neighbors.edited_neighbourhoods`: bounds, then a search among the row's own
  class only).
- ``OneSidedSelection``: its 1-NN step is already small; its Tomek step is ours.
- ``NeighbourhoodCleaningRule``: its ENN step is ours; the rest searches minority rows only,
  with the engine's exact search when its k-NN rule is the plain one.

``sample_indices_`` (the kept rows, in imbalanced-learn's order) and the outputs are identical
to imbalanced-learn 0.14.2's.
"""

from __future__ import annotations

import numbers
from collections import Counter
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from imblearn import under_sampling as _imblearn
from imblearn.under_sampling.base import BaseCleaningSampler
from imblearn.utils import check_neighbors_object
from sklearn.base import clone
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
from sklearn.utils import check_random_state

from .._neighbors import NeighborIndex, agrees, edited_neighbourhoods, pure_neighbourhoods
from .._utils._validation import find_nonfinite
from ..exceptions import DataError
from ._base import ResamplerParamsMixin, check_sample_weight

__all__ = ["EditedNearestNeighbours", "NeighbourhoodCleaningRule", "OneSidedSelection",
           "TomekLinks"]

# below this many rows a plain search of the candidate rows is as fast as proving purity
_PRUNE_MIN_ROWS = 20_000

_SAMPLING_STRATEGY_DOC = """sampling_strategy : str, list or callable, default="auto"
        Classes whose rows may be removed, as in imbalanced-learn's cleaners: ``"auto"`` (all
        but the minority), ``"majority"``, ``"not minority"``, ``"not majority"``, ``"all"``,
        a list of class labels, or a callable ``y -> {class: n}`` whose keys are used."""

_SAMPLE_WEIGHT_NOTE = """Pass ``sample_weight=`` to ``fit_resample`` to get
    ``(X_res, y_res, sample_weight_res)``: kept rows keep their weight."""


def _check_finite(X, owner: str) -> None:
    """Raise a DataError naming the first column with NaN or infinity (imblearn's check is vaguer).

    Runs before validation, on X as given: only numbers are looked at, the rest is left to it.
    """
    found = find_nonfinite(X)
    if found is None:
        return
    if sp.issparse(X):
        raise DataError(f"{owner}: sparse X has {found.n_nan + found.n_inf} NaN or infinite "
                        "stored values; impute or drop them before resampling")
    raise DataError(f"{owner}: column {found.label} of X has {found.in_column} NaN or infinite "
                    f"values (first at row {found.row}); impute or drop them before resampling "
                    "(neighbour distances need finite numbers)")


class _NeighbourCleaner(ResamplerParamsMixin, BaseCleaningSampler):
    """What the four cleaners share: input checks, kept-row bookkeeping, tags."""

    def _check_X_y(self, X, y, accept_sparse=None):
        _check_finite(X, type(self).__name__)
        return super()._check_X_y(X, y, accept_sparse=accept_sparse)

    def _check_rows(self, n_samples: int, needed: int, param: str, value) -> None:
        if n_samples < needed:
            raise DataError(f"{type(self).__name__}: {param}={value} needs at least {needed} "
                            f"rows (each row's neighbours besides itself), got {n_samples}; "
                            f"lower {param} or pass more rows")

    def _keep(self, X, y, sample_weight, kept):
        self.sample_indices_ = np.asarray(kept, dtype=np.intp)
        X_res, y_res = X[self.sample_indices_], y[self.sample_indices_]
        if sample_weight is None:
            return X_res, y_res
        return X_res, y_res, sample_weight[self.sample_indices_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags


def _encode(y):
    classes, codes = np.unique(y, return_inverse=True)
    return classes, codes.ravel()


def _target_mask(classes, targets) -> np.ndarray:
    """Per class code: is the class among ``targets`` (the keys of ``sampling_strategy_``)?"""
    return np.array([c in targets for c in classes], dtype=bool)


def _is_exact_euclidean(nn) -> bool:
    """True for searches whose neighbours are the exact Euclidean ones (pruning is then valid)."""
    if isinstance(nn, NeighborIndex):
        # "auto" on large data may still turn approximate at its first large query
        return (getattr(nn, "backend_", None) == "exact"
                and not getattr(nn, "_approximate_later", False))
    if type(nn) is NearestNeighbors:
        metric, p = nn.effective_metric_, nn.effective_metric_params_.get("p", 2)
        no_weights = nn.effective_metric_params_.get("w") is None
        return no_weights and (metric == "euclidean" or (metric == "minkowski" and p == 2))
    return False


def tomek_links(X, codes, target_codes, *, n_jobs=None, index=None,
                segments=None) -> np.ndarray:
    """Boolean mask of rows that end a Tomek link and belong to a target class.

    Rows ``i`` and ``j`` form a link when each is the other's nearest row (scikit-learn's
    ``NearestNeighbors(n_neighbors=2).kneighbors(X)[:, 1]``, as imbalanced-learn reads it) and
    their classes differ. One end of a link is outside the largest class, so only those rows
    and the rows they point to across classes are searched. ``index`` is the unfitted
    :class:`NeighborIndex` (``n_neighbors=2``) to search with; by default the engine's exact
    search, which answers as scikit-learn does (near-ties are asked of it). ``segments``
    (SMOTE-Tomek: where SMOTE drew the synthetic rows) lets rows proven to have a nearest row
    of their own class skip the search: neither end of a link can be such a row.
    """
    n = codes.shape[0]
    largest = np.argmax(np.bincount(codes))
    if index is None:
        index = NeighborIndex(n_neighbors=2, algorithm="exact", n_jobs=n_jobs)
    nn = index.fit(X)
    nearest = np.full(n, -1, dtype=np.intp)
    outside = np.flatnonzero(codes != largest)
    first = outside
    if segments is not None and not sp.issparse(X) and _is_exact_euclidean(nn):
        first = first[~pure_neighbourhoods(X, codes, first, 2, segments=segments,
                                           n_jobs=n_jobs)]
    nearest[first] = _nearest_other(nn, X, first)
    crossing = first[codes[nearest[first]] != codes[first]]
    # a partner never searched keeps -1, so it is not mutual: it was proven pure (its nearest
    # row is of its own class), or it is in `first` and was searched
    second = np.setdiff1d(nearest[crossing], outside)
    nearest[second] = _nearest_other(nn, X, second)
    searched = np.flatnonzero(nearest >= 0)
    partner = nearest[searched]
    is_link = (target_codes[codes[searched]] & (codes[partner] != codes[searched])
               & (nearest[partner] == searched))
    links = np.zeros(n, dtype=bool)
    links[searched[is_link]] = True
    return links


def _nearest_other(nn, X, rows):
    """Nearest indexed row to each of ``rows`` other than the row itself."""
    if rows.size == 0:
        return rows
    ind = nn.kneighbors(X[rows], return_distance=False)
    if nn.backend_ == "exact":
        return ind[:, 1]  # imbalanced-learn's reading, duplicates included
    # an approximate search may miss the row itself (then column 0 is its nearest other)
    return np.where(ind[:, 0] == rows, ind[:, 1], ind[:, 0])


class TomekLinks(_NeighbourCleaner):
    """Under-sample by removing Tomek links, fast; keeps exactly imbalanced-learn's rows.

    Two rows form a Tomek link when each is the other's nearest neighbour and their classes
    differ; the end that belongs to a class in ``sampling_strategy`` is removed. Only the rows
    outside the largest class and their cross-class nearest rows are searched (one end of a
    link is always outside the largest class), instead of every row.

    Parameters
    ----------
    {sampling_strategy}
    n_jobs : int or None, default=None
        Threads of the neighbour search.

    Attributes
    ----------
    sampling_strategy_ : dict
        Classes cleaned (keys).
    sample_indices_ : ndarray of shape (n_kept,)
        Rows kept, in increasing order (imbalanced-learn's ``sample_indices_``).
    n_features_in_ : int
        Columns of X.
    feature_names_in_ : ndarray of str
        Column names of X, when it had string column names.

    See Also
    --------
    imblearn.under_sampling.TomekLinks : the reference; same parameters and rows kept.

    Notes
    -----
    {sample_weight}

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.under_sampling import TomekLinks as ImblearnTomekLinks
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import TomekLinks
    >>> X, y = make_classification(n_samples=2000, weights=[0.9], flip_y=0.05, random_state=0)
    >>> ours, peer = TomekLinks(), ImblearnTomekLinks()
    >>> X_res, y_res = ours.fit_resample(X, y)
    >>> _ = peer.fit_resample(X, y)
    >>> bool(len(y_res) < len(y)), np.array_equal(ours.sample_indices_, peer.sample_indices_)
    (True, True)
    """

    # imbalanced-learn's own table: the same parameters take the same values
    _parameter_constraints: ClassVar[dict] = dict(_imblearn.TomekLinks._parameter_constraints)

    def __init__(self, *, sampling_strategy="auto", n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y, sample_weight=None, _segments=None):
        # _segments (internal, SMOTE-Tomek): where SMOTE drew the synthetic rows of X
        sample_weight = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        classes, codes = _encode(y)
        links = tomek_links(X, codes, _target_mask(classes, self.sampling_strategy_),
                            n_jobs=self.n_jobs, segments=_segments)
        return self._keep(X, y, sample_weight, np.flatnonzero(~links))


class EditedNearestNeighbours(_NeighbourCleaner):
    """Under-sample by edited nearest neighbours, fast; keeps exactly imbalanced-learn's rows.

    A row of a class in ``sampling_strategy`` is removed when any (``kind_sel="all"``) or the
    majority (``kind_sel="mode"``) of its ``n_neighbors`` nearest rows belong to another class.
    Rows of other classes are never searched, and (from 20,000 rows, dense X, exact Euclidean
    neighbours) rows proven to sit in a neighbourhood of their own class (or, for ``"mode"``,
    in a majority of it) are kept, and with ``"all"`` rows proven to have another class among
    their neighbours are removed, without a search over all rows
    (:func:`unskew._neighbors.edited_neighbourhoods`).

    Parameters
    ----------
    {sampling_strategy}
    n_neighbors : int or estimator, default=3
        Neighbours examined per row; or a ``NearestNeighbors``-like object (such as
        ``unskew._neighbors.NeighborIndex``) asked for its ``n_neighbors`` rows, the row
        itself included (pass a 4-NN to examine 3 neighbours), as in imbalanced-learn.
        An approximate ``NeighborIndex`` is used as it is, without the pruning.
    kind_sel : {{"all", "mode"}}, default="all"
        ``"all"``: a row stays only when all its neighbours share its class. ``"mode"``: when
        the most common class among them is its own (ties go to the smallest label).
    n_jobs : int or None, default=None
        Threads of the neighbour search.

    Attributes
    ----------
    sampling_strategy_ : dict
        Classes cleaned (keys).
    nn_ : estimator
        The fitted neighbour search.
    sample_indices_ : ndarray of shape (n_kept,)
        Rows kept, grouped by class in sorted label order (imbalanced-learn's order).
    n_features_in_ : int
        Columns of X.
    feature_names_in_ : ndarray of str
        Column names of X, when it had string column names.

    See Also
    --------
    imblearn.under_sampling.EditedNearestNeighbours : the reference; same parameters and rows.

    Notes
    -----
    {sample_weight}

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.under_sampling import EditedNearestNeighbours as ImblearnENN
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import EditedNearestNeighbours
    >>> X, y = make_classification(n_samples=2000, weights=[0.9], flip_y=0.05, random_state=0)
    >>> ours, peer = EditedNearestNeighbours(), ImblearnENN()
    >>> X_res, y_res = ours.fit_resample(X, y)
    >>> _ = peer.fit_resample(X, y)
    >>> bool(len(y_res) < len(y)), np.array_equal(ours.sample_indices_, peer.sample_indices_)
    (True, True)
    """

    # imbalanced-learn's own table: the same parameters take the same values
    _parameter_constraints: ClassVar[dict] = dict(
        _imblearn.EditedNearestNeighbours._parameter_constraints)

    def __init__(self, *, sampling_strategy="auto", n_neighbors=3, kind_sel="all", n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_neighbors = n_neighbors
        self.kind_sel = kind_sel
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y, sample_weight=None, _segments=None):
        # _segments (internal, SMOTE-ENN): where SMOTE drew the synthetic rows of X
        sample_weight = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        if isinstance(self.n_neighbors, numbers.Integral):
            # the engine's exact backend: scikit-learn's neighbours, found by the blocked
            # float32 search when the problem is large (ENN at 200k rows: 12x -> 17x imblearn)
            self.nn_ = NeighborIndex(n_neighbors=self.n_neighbors + 1, algorithm="exact")
        else:
            self.nn_ = check_neighbors_object("n_neighbors", self.n_neighbors,
                                              additional_neighbor=1)
        self.nn_.set_params(n_jobs=self.n_jobs)
        k = self.nn_.n_neighbors
        self._check_rows(X.shape[0], k, "n_neighbors", self.n_neighbors)
        self.nn_.fit(X)
        classes, codes = _encode(y)
        targets = _target_mask(classes, self.sampling_strategy_)
        candidates = np.flatnonzero(targets[codes])
        stays = np.ones(codes.shape[0], dtype=bool)
        search = candidates
        if (not sp.issparse(X) and X.shape[0] >= _PRUNE_MIN_ROWS
                and _is_exact_euclidean(self.nn_)):
            # decided without a search over all rows where possible (bounds, then searches
            # among the row's own class and among the others)
            verdict = edited_neighbourhoods(X, codes, candidates, k, kind_sel=self.kind_sel,
                                            segments=_segments, n_jobs=self.n_jobs)
            stays[candidates[verdict == 0]] = False
            search = candidates[verdict < 0]
        if search.size:
            neigh = self.nn_.kneighbors(X[search], return_distance=False)[:, 1:]
            stays[search] = agrees(codes[neigh], codes[search], classes.size, self.kind_sel)
        # imbalanced-learn appends the kept rows class by class, in sorted label order
        kept = np.concatenate([np.flatnonzero((codes == c) & stays)
                               for c in range(classes.size)])
        return self._keep(X, y, sample_weight, kept)


def _classifier(n_neighbors, n_jobs, *, default: int, offset: int = 0):
    """The k-NN classifier imbalanced-learn builds from an int, classifier or neighbours object."""
    if n_neighbors is None:
        return KNeighborsClassifier(n_neighbors=default, n_jobs=n_jobs)
    if isinstance(n_neighbors, numbers.Integral):
        return KNeighborsClassifier(n_neighbors=n_neighbors, n_jobs=n_jobs)
    if hasattr(n_neighbors, "predict"):
        return clone(n_neighbors)
    # a NearestNeighbors-like object counts the row itself; a classifier does not
    return KNeighborsClassifier(n_neighbors=n_neighbors.n_neighbors - offset, n_jobs=n_jobs)


class OneSidedSelection(_NeighbourCleaner):
    """Under-sample by one-sided selection, fast; keeps exactly imbalanced-learn's rows.

    For each class in ``sampling_strategy``: draw ``n_seeds_S`` of its rows, keep the rows of
    the class that a 1-NN (or ``n_neighbors``-NN) classifier fitted on those seeds and the
    minority class misclassifies, then remove the Tomek links of the cleaned classes
    (:class:`TomekLinks`, fast). The random draws are imbalanced-learn's, so a seed gives the
    same rows.

    Parameters
    ----------
    {sampling_strategy}
    random_state : int, RandomState instance or None, default=None
        Seeds the choice of the seed rows.
    n_neighbors : int, estimator or None, default=None
        Neighbours of the classifier (None: 1); or a ``KNeighborsClassifier``-like estimator,
        used as it is; a ``NearestNeighbors``-like object gives its ``n_neighbors``.
    n_seeds_S : int, default=1
        Rows drawn from each cleaned class to start the set S.
    n_jobs : int or None, default=None
        Threads of the neighbour search.

    Attributes
    ----------
    sampling_strategy_ : dict
        Classes cleaned (keys).
    estimators_ : list of estimators
        The fitted classifier of each cleaned class.
    sample_indices_ : ndarray of shape (n_kept,)
        Rows kept, in imbalanced-learn's order.
    n_features_in_ : int
        Columns of X.
    feature_names_in_ : ndarray of str
        Column names of X, when it had string column names.

    See Also
    --------
    imblearn.under_sampling.OneSidedSelection : the reference; same parameters and rows.

    Notes
    -----
    {sample_weight}

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.under_sampling import OneSidedSelection as ImblearnOSS
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import OneSidedSelection
    >>> X, y = make_classification(n_samples=2000, weights=[0.9], flip_y=0.05, random_state=0)
    >>> ours, peer = OneSidedSelection(random_state=0), ImblearnOSS(random_state=0)
    >>> X_res, y_res = ours.fit_resample(X, y)
    >>> _ = peer.fit_resample(X, y)
    >>> bool(len(y_res) < len(y)), np.array_equal(ours.sample_indices_, peer.sample_indices_)
    (True, True)
    """

    # imbalanced-learn's own table: the same parameters take the same values
    _parameter_constraints: ClassVar[dict] = dict(
        _imblearn.OneSidedSelection._parameter_constraints)

    def __init__(self, *, sampling_strategy="auto", random_state=None, n_neighbors=None,
                 n_seeds_S=1, n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.n_neighbors = n_neighbors
        self.n_seeds_S = n_seeds_S
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y, sample_weight=None):
        sample_weight = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        estimator = _classifier(self.n_neighbors, self.n_jobs, default=1)
        random_state = check_random_state(self.random_state)
        target_stats = Counter(y)
        # Counter keeps first-seen order, so ties go to the class seen first, as in imblearn
        minority = min(target_stats, key=target_stats.get)
        minority_rows = np.flatnonzero(y == minority)
        selected = []
        self.estimators_ = []
        for target_class in np.unique(y):
            rows = np.flatnonzero(y == target_class)
            if target_class not in self.sampling_strategy_:
                selected.append(rows)
                continue
            # same draw as imbalanced-learn (with replacement, one call per class)
            drawn = random_state.randint(low=0, high=target_stats[target_class],
                                         size=self.n_seeds_S)
            seeds = rows[drawn]
            train = np.append(minority_rows, seeds)
            self.estimators_.append(clone(estimator).fit(X[train], y[train]))
            rest = np.delete(rows, drawn)
            predicted = self.estimators_[-1].predict(X[rest]) if rest.size else rest
            selected.extend([seeds, rest[predicted != y[rest]]])
        selected = np.concatenate(selected).astype(np.intp)
        classes, codes = _encode(y[selected])
        links = tomek_links(X[selected], codes, _target_mask(classes, self.sampling_strategy_),
                            n_jobs=self.n_jobs)
        return self._keep(X, y, sample_weight, selected[~links])


class NeighbourhoodCleaningRule(_NeighbourCleaner):
    """Under-sample by the neighbourhood cleaning rule, fast, keeping imbalanced-learn's rows.

    Removes the rows that edited nearest neighbours removes (``kind_sel="mode"``, the fast
    :class:`EditedNearestNeighbours`), plus the rows of large-enough cleaned classes that sit
    among the ``n_neighbors`` nearest rows of a misclassified minority row.

    Parameters
    ----------
    {sampling_strategy}
    edited_nearest_neighbours : resampler or None, default=None
        The ENN step (cloned). None: ``EditedNearestNeighbours(kind_sel="mode")`` with the same
        ``sampling_strategy``, ``n_neighbors`` and ``n_jobs``.
    n_neighbors : int or estimator, default=3
        Neighbours of the k-NN rule; a ``NearestNeighbors``-like object counts the row itself
        (its ``n_neighbors - 1`` are used), a classifier is used as it is.
    threshold_cleaning : float, default=0.5
        A cleaned class takes part in the second step when it has more than
        ``threshold_cleaning`` times the minority class's rows.
    n_jobs : int or None, default=None
        Threads of the neighbour search.

    Attributes
    ----------
    sampling_strategy_ : dict
        Classes cleaned (keys).
    edited_nearest_neighbours_ : resampler
        The fitted ENN step.
    nn_ : estimator
        The fitted k-NN classifier.
    classes_to_clean_ : list
        Classes cleaned in the second step.
    sample_indices_ : ndarray of shape (n_kept,)
        Rows kept, in increasing order.
    n_features_in_ : int
        Columns of X.
    feature_names_in_ : ndarray of str
        Column names of X, when it had string column names.

    See Also
    --------
    imblearn.under_sampling.NeighbourhoodCleaningRule : the reference; same parameters and rows.

    Notes
    -----
    {sample_weight}

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.under_sampling import NeighbourhoodCleaningRule as ImblearnNCR
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import NeighbourhoodCleaningRule
    >>> X, y = make_classification(n_samples=2000, weights=[0.9], flip_y=0.05, random_state=0)
    >>> ours, peer = NeighbourhoodCleaningRule(), ImblearnNCR()
    >>> X_res, y_res = ours.fit_resample(X, y)
    >>> _ = peer.fit_resample(X, y)
    >>> bool(len(y_res) < len(y)), np.array_equal(ours.sample_indices_, peer.sample_indices_)
    (True, True)
    """

    _parameter_constraints: ClassVar[dict] = dict(
        _imblearn.NeighbourhoodCleaningRule._parameter_constraints)

    def __init__(self, *, sampling_strategy="auto", edited_nearest_neighbours=None,
                 n_neighbors=3, threshold_cleaning=0.5, n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.edited_nearest_neighbours = edited_nearest_neighbours
        self.n_neighbors = n_neighbors
        self.threshold_cleaning = threshold_cleaning
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y, sample_weight=None):
        sample_weight = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        self.nn_ = _classifier(self.n_neighbors, self.n_jobs, default=3, offset=1)
        if self.edited_nearest_neighbours is None:
            self.edited_nearest_neighbours_ = EditedNearestNeighbours(
                sampling_strategy=self.sampling_strategy, n_neighbors=self.n_neighbors,
                kind_sel="mode", n_jobs=self.n_jobs)
        else:
            self.edited_nearest_neighbours_ = clone(self.edited_nearest_neighbours)
        k = self.nn_.n_neighbors
        self._check_rows(X.shape[0], k + 1, "n_neighbors", self.n_neighbors)
        self.edited_nearest_neighbours_.fit_resample(X, y)
        removed = np.ones(y.shape[0], dtype=bool)
        removed[self.edited_nearest_neighbours_.sample_indices_] = False

        target_stats = Counter(y)
        minority = min(target_stats, key=target_stats.get)
        self.classes_to_clean_ = [
            c for c, n in target_stats.items()
            if c in self.sampling_strategy_ and n > target_stats[minority] * self.threshold_cleaning
        ]
        self.nn_.fit(X, y)
        minority_rows = np.flatnonzero(y == minority)
        X_min = X[minority_rows]
        if _is_plain_knn_rule(self.nn_, X):
            # the rule through the engine's exact search: scikit-learn's neighbours (near-ties
            # asked of it), voted as its predict votes
            index = NeighborIndex(n_neighbors=k, algorithm="exact", n_jobs=self.n_jobs).fit(X)
            classes, codes = _encode(y)
            neigh = index.kneighbors(X_min, return_distance=False)
            misclassified = ~agrees(codes[neigh], codes[minority_rows], classes.size, "mode")
        else:
            index = self.nn_
            misclassified = self.nn_.predict(X_min) != y[minority_rows]
        if misclassified.any():
            neigh = index.kneighbors(X_min[misclassified], n_neighbors=k + 1,
                                     return_distance=False)[:, 1:]
            near = np.unique(neigh)
            removed[near[np.isin(y[near], self.classes_to_clean_)]] = True
        return self._keep(X, y, sample_weight, np.flatnonzero(~removed))


def _is_plain_knn_rule(knn, X) -> bool:
    """True when ``knn`` is the k-NN rule imbalanced-learn builds from an int (default
    parameters but ``n_neighbors`` and ``n_jobs``) and X is dense: its predict is then the most
    common class among scikit-learn's ``kneighbors``, ties to the smallest label, which the
    engine's exact search gives as well."""
    if type(knn) is not KNeighborsClassifier or sp.issparse(X):
        return False
    plain = KNeighborsClassifier(n_neighbors=knn.n_neighbors, n_jobs=knn.n_jobs)
    return knn.get_params() == plain.get_params()


for _cls in (TomekLinks, EditedNearestNeighbours, OneSidedSelection, NeighbourhoodCleaningRule):
    if _cls.__doc__:  # None under python -OO
        _cls.__doc__ = _cls.__doc__.format(sampling_strategy=_SAMPLING_STRATEGY_DOC,
                                           sample_weight=_SAMPLE_WEIGHT_NOTE)
