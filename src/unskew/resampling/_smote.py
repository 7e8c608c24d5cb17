"""SMOTE and its classic variants: Borderline-SMOTE, SVM-SMOTE, ADASYN, K-means SMOTE.

Drop-in for imbalanced-learn 0.14 (same parameters, defaults and ``sampling_strategy``), written
as small planning hooks over :class:`~unskew.resampling._smote_base.BaseSMOTE`, which generates
the rows in chunks into one preallocated output.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import ClassVar

import numpy as np
from sklearn.base import clone
from sklearn.cluster import MiniBatchKMeans
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import pairwise_distances_chunked
from sklearn.svm import SVC, LinearSVC

from .._utils._validation import (
    SHORT_TEMPLATE,
    Described,
    HasMethods,
    Interval,
    StrOptions,
    as_python,
    parameter_error,
)
from ..exceptions import StructureError
from ._smote_base import (
    NEIGHBORS,
    BaseSMOTE,
    _Job,
    check_neighbors,
    doc,
    query_neighbors,
    self_neighbors,
    split_counts,
)

__all__ = ["ADASYN", "SMOTE", "SVMSMOTE", "BorderlineSMOTE", "KMeansSMOTE"]


@doc
class SMOTE(BaseSMOTE):
    """Synthetic Minority Over-sampling Technique (Chawla et al., 2002).

    Each new row of class ``c`` is ``x_i + u * (x_j - x_i)``: ``x_i`` a row of ``c`` drawn
    uniformly, ``x_j`` one of its ``k`` nearest neighbours within ``c`` drawn uniformly,
    ``u ~ U(0, 1)``. Same parameters, defaults and draws as ``imblearn.over_sampling.SMOTE``
    (with the exact neighbour backend and a binary target, the output is the same for the
    same ``random_state``), but the output is allocated once and filled in chunks: memory is
    the input plus the output plus ~16 bytes per new row, and float32 stays float32.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {k_neighbors}

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    nn_k_ : estimator object
        The neighbours object built from ``k_neighbors``.
    n_features_in_ : int
        Columns seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when X is a DataFrame with string column names.

    Notes
    -----
    {sample_weight}

    Multi-class targets are resampled one class against the rest. Sparse (CSR/CSC) X is
    accepted.

    Differences from imbalanced-learn: none in the output. With the exact neighbour backend the
    rows are imbalanced-learn's for the same ``random_state``, binary or multi-class: like its
    ``_make_samples``, an int seed restarts the draws for each class and a ``RandomState`` is
    one stream. (Rows that are exact duplicates may pick their neighbours in another order:
    imbalanced-learn drops the first neighbour found, unskew the row itself, as scikit-learn's
    ``kneighbors(None)`` does.) ``k_neighbors`` may be any object with ``fit(X)`` and
    ``kneighbors(X, n_neighbors=None, return_distance=True)``.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE: synthetic minority
       over-sampling technique", JAIR 16, 321-357, 2002.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import SMOTE
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> np.bincount(y).tolist()
    [450, 50]
    >>> X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [450, 450]
    >>> bool((X_res[:500] == X).all())  # original rows first, unchanged
    True
    """

    _draws_like_imblearn = True

    def _plan_class(self, X, y, label, n_samples, rng):
        rows = np.flatnonzero(y == label)
        k = self._n_k()
        self._check_class_size(label, rows.size, k)
        nns = self_neighbors(self.nn_k_, X[rows], k)
        return [_Job(label, rows, rows[nns], n_samples)]


@doc
class BorderlineSMOTE(BaseSMOTE):
    """Borderline-SMOTE: SMOTE from the minority rows on the class border (Han et al., 2005).

    A row ``x_i`` of class ``c`` is in DANGER when ``m/2 <= m' < m``, where ``m'`` is the number
    of rows of other classes among its ``m`` nearest neighbours in the whole data (``m' = m``
    is noise, ``m' < m/2`` is safe). Only DANGER rows seed new rows:

    - ``"borderline-1"``: ``x_i + u * (x_j - x_i)``, ``x_j`` among its ``k`` neighbours in ``c``;
    - ``"borderline-2"``: ``x_j`` among its ``k`` neighbours of *any* class, and
      ``u ~ U(0, 0.5)`` when ``x_j`` belongs to another class, so that the new row stays closer
      to ``c`` (the paper's rule; imbalanced-learn multiplies ``U(0, 1)`` by ``U(0, 0.5)``).

    With integer ``k_neighbors <= m_neighbors`` the ``k`` neighbours of borderline-2 are read
    from the ``m``-neighbour search instead of a second search.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {k_neighbors}

    m_neighbors : int or object, default=10
        Neighbours (in the whole data) that decide whether a row is in DANGER; an int or a
        neighbours object as for ``k_neighbors``.

    kind : {"borderline-1", "borderline-2"}, default="borderline-1"
        Where the neighbours to interpolate towards come from.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    nn_k_, nn_m_ : estimator object
        The neighbours objects built from ``k_neighbors`` and ``m_neighbors``.
    in_danger_indices_ : dict of ndarray
        ``{class: rows of X in DANGER}`` for every over-sampled class (an empty array when none
        is).
    in_danger_indices : dict of ndarray
        imbalanced-learn's name, read-only: the same without the classes that have no row in
        DANGER (``{}`` when no row is).
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    {sample_weight}

    A class with no row in DANGER gets no new rows (a ``UserWarning`` says so).

    Differences from imbalanced-learn. ``"borderline-1"``: none; the rows are the same for the
    same ``random_state`` (an int seed restarts the draws for each class, as there).
    ``"borderline-2"``: the seed rows, neighbours and draw order are the same, but a move
    towards a neighbour of another class is ``u ~ U(0, 0.5)`` of the way (Han et al.'s rule),
    where imbalanced-learn multiplies ``U(0, 1)`` by a second draw ``U(0, 0.5)`` (taken from a
    generator restarted at the seed): its rows sit closer to the seed, and no seed reproduces
    them. The warning for a class without DANGER rows is unskew's (imbalanced-learn is silent).

    References
    ----------
    .. [1] H. Han, W.-Y. Wang, B.-H. Mao, "Borderline-SMOTE: a new over-sampling method in
       imbalanced data sets learning", ICIC 2005, LNCS 3644, 878-887.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import BorderlineSMOTE
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> X_res, y_res = BorderlineSMOTE(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [450, 450]
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseSMOTE._parameter_constraints,
        "m_neighbors": NEIGHBORS,
        "kind": [StrOptions(("borderline-1", "borderline-2"))],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5,
                 m_neighbors=10, kind="borderline-1"):
        super().__init__(sampling_strategy=sampling_strategy, random_state=random_state,
                         k_neighbors=k_neighbors)
        self.m_neighbors = m_neighbors
        self.kind = kind

    _draws_like_imblearn = True

    @property
    def in_danger_indices(self):
        """``{class: rows of X in DANGER}`` as imbalanced-learn gives it: classes with none left
        out."""
        return {label: rows for label, rows in self.in_danger_indices_.items() if rows.size}

    def _validate_estimator(self):
        super()._validate_estimator()
        self.nn_m_ = check_neighbors(self.m_neighbors)

    def _prepare(self, X, y, rng):
        self.nn_m_.fit(X)
        self.in_danger_indices_ = {}
        k, m = self._n_k(), int(self.nn_m_.n_neighbors) - 1
        # one search serves both when both are plain ints (the same exact index on X)
        self._reuse_m = (self.kind == "borderline-2" and k <= m
                         and isinstance(self.k_neighbors, numbers.Integral)
                         and isinstance(self.m_neighbors, numbers.Integral))
        if self.kind == "borderline-2" and not self._reuse_m:
            self.nn_k_.fit(X)

    def _plan_class(self, X, y, label, n_samples, rng):
        rows = np.flatnonzero(y == label)
        k, m = self._n_k(), int(self.nn_m_.n_neighbors) - 1
        nbr_m = query_neighbors(self.nn_m_, X[rows], rows, m)
        n_other = np.count_nonzero(y[nbr_m] != label, axis=1)
        danger = (n_other >= m / 2) & (n_other < m)
        self.in_danger_indices_[label] = rows[danger]
        if not danger.any():
            self._warn_nothing(label, f"none of its {rows.size} rows is in DANGER (m={m}); "
                               "its border is clean, so plain SMOTE may suit it better")
            return []
        seeds = rows[danger]
        if self.kind == "borderline-1":
            self._check_class_size(label, rows.size, k)
            self.nn_k_.fit(X[rows])
            nbrs = rows[query_neighbors(self.nn_k_, X[seeds], np.flatnonzero(danger), k)]
            return [_Job(label, seeds, nbrs, n_samples)]
        if self._reuse_m:
            nbrs = nbr_m[danger, :k]
        else:
            nbrs = query_neighbors(self.nn_k_, X[seeds], seeds, k)
        scale = np.where(y[nbrs] == label, 1.0, 0.5)
        return [_Job(label, seeds, nbrs, n_samples, scale=scale)]


def _is_hinge_svm(estimator) -> bool:
    """A linear SVM without ``support_`` whose margin rows are its support vectors."""
    return isinstance(estimator, LinearSVC) or (
        isinstance(estimator, SGDClassifier) and estimator.loss in ("hinge", "squared_hinge"))


@doc
class SVMSMOTE(BaseSMOTE):
    """SVM-SMOTE: SMOTE from the support vectors of the class (Nguyen et al., 2009).

    An SVM is fitted once on the data. Its support vectors of class ``c`` that are not noise
    (not all ``m`` nearest neighbours from other classes) seed the new rows. A support vector
    in DANGER (``m' >= m/2`` other-class neighbours) *interpolates*, ``x_i + u (x_j - x_i)``; a
    safe one *extrapolates* away from its neighbour, ``x_i - out_step * u (x_j - x_i)``, to
    widen the class region. The share of interpolated rows is ``Beta(10, 10)``, as in
    imbalanced-learn. When only one kind of seed exists it makes all the requested rows.

    Speed. Most of the time is the SVM fit. It is fitted once per ``fit_resample`` (not once per
    class) and one neighbour search gives both the noise and the DANGER test. For large data
    pass a linear SVM: ``svm_estimator=LinearSVC()`` or ``SGDClassifier(loss="hinge")``.
    Estimators without ``support_`` are handled through ``decision_function``: the support
    vectors of class ``c`` are its rows on or inside the margin (``f_c(x) <= 1``), which are
    exactly the rows with a non-zero dual coefficient in a hinge-loss SVM. For an estimator
    that is no SVM (no ``support_``, and not ``LinearSVC`` or ``SGDClassifier`` with a hinge
    loss, e.g. ``LogisticRegression``) the same rule is applied, and a ``UserWarning`` says so
    once per ``fit_resample``.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {k_neighbors}

    m_neighbors : int or object, default=10
        Neighbours (in the whole data) for the noise and DANGER tests.

    svm_estimator : estimator object, default=None
        The SVM. ``None`` is ``SVC(gamma="scale", random_state=random_state)`` like
        imbalanced-learn. Any classifier exposing ``support_`` or ``decision_function``.

    out_step : float, default=0.5
        Extrapolation step for safe support vectors, in [0, 1].

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    nn_k_, nn_m_ : estimator object
        The neighbours objects.
    svm_estimator_ : estimator object
        The fitted SVM.
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    {sample_weight}

    Differences from imbalanced-learn:

    - an estimator without ``support_`` (``LinearSVC``, ``LogisticRegression``, ...) is used
      through its margins (with a warning when it is no hinge-loss SVM); imbalanced-learn
      raises a ``RuntimeError``;
    - when a class's support vectors are all in DANGER (or all safe), that kind makes all the
      requested rows; imbalanced-learn makes only its ``Beta(10, 10)`` share of them, so the
      class stays short of ``sampling_strategy``;
    - the SVM is fitted once, not once per class (the same SVM on the same data);
    - when every support vector of a class is noise the error is a :class:`StructureError`,
      both the ``ValueError`` imbalanced-learn raises and a ``RuntimeError``.

    Otherwise the rows are imbalanced-learn's for the same ``random_state`` (an int seed
    restarts the draws for each batch, as there).

    References
    ----------
    .. [1] H. M. Nguyen, E. W. Cooper, K. Kamei, "Borderline over-sampling for imbalanced data
       classification", Int. J. Knowledge Engineering and Soft Data Paradigms 3(1), 4-21, 2009.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.svm import LinearSVC
    >>> from unskew.resampling import SVMSMOTE
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> X_res, y_res = SVMSMOTE(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [450, 450]
    >>> fast = SVMSMOTE(svm_estimator=LinearSVC(), random_state=0)
    >>> np.bincount(fast.fit_resample(X, y)[1]).tolist()
    [450, 450]
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseSMOTE._parameter_constraints,
        "m_neighbors": NEIGHBORS,
        "svm_estimator": [None, Described(HasMethods(["fit", "decision_function"]),
                                          "a classifier with fit and decision_function (an SVM, "
                                          "LinearSVC, SGDClassifier(loss='hinge'))")],
        "out_step": [Interval(numbers.Real, 0, 1, closed="both", description="in [0, 1]")],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5,
                 m_neighbors=10, svm_estimator=None, out_step=0.5):
        super().__init__(sampling_strategy=sampling_strategy, random_state=random_state,
                         k_neighbors=k_neighbors)
        self.m_neighbors = m_neighbors
        self.svm_estimator = svm_estimator
        self.out_step = out_step

    def _validate_estimator(self):
        super()._validate_estimator()
        self.nn_m_ = check_neighbors(self.m_neighbors)
        self.svm_estimator_ = (SVC(gamma="scale", random_state=self.random_state)
                               if self.svm_estimator is None else clone(self.svm_estimator))

    _draws_like_imblearn = True

    def _prepare(self, X, y, rng):
        self.svm_estimator_.fit(X, y)
        self.nn_m_.fit(X)
        if not hasattr(self.svm_estimator_, "support_") and not _is_hinge_svm(self.svm_estimator_):
            warnings.warn(
                f"SVMSMOTE: {type(self.svm_estimator_).__name__} is not an SVM (no support_, no "
                "hinge loss), so the support vectors of each class are taken as its rows on or "
                "inside the margin (decision_function <= 1); imbalanced-learn raises a "
                "RuntimeError here. Pass an SVC, LinearSVC or SGDClassifier(loss='hinge') for "
                "true support vectors.", UserWarning, stacklevel=5)

    def _support_rows(self, X, y, label, rows):
        svm = self.svm_estimator_
        if hasattr(svm, "support_"):
            support = np.asarray(svm.support_)
            return np.sort(support[y[support] == label])
        scores = np.asarray(svm.decision_function(X[rows]))
        classes = list(svm.classes_)
        if scores.ndim == 1:
            margin = scores if label == classes[1] else -scores
        else:
            margin = scores[:, classes.index(label)]
        return rows[margin <= 1]

    def _plan_class(self, X, y, label, n_samples, rng):
        rows = np.flatnonzero(y == label)
        k, m = self._n_k(), int(self.nn_m_.n_neighbors) - 1
        support = self._support_rows(X, y, label, rows)
        if support.size == 0:
            self._warn_nothing(label, "the SVM has no support vector of this class")
            return []
        n_other = np.count_nonzero(y[query_neighbors(self.nn_m_, X[support], support, m)] != label,
                                   axis=1)
        keep = n_other < m
        if not keep.any():
            raise StructureError(
                f"SVMSMOTE: all {support.size} support vectors of class {as_python(label)!r} are "
                f"noise (their {m} nearest neighbours all belong to other classes); SVM-SMOTE is "
                "not adapted to your dataset for this class: try BorderlineSMOTE or SMOTE.")
        support, danger = support[keep], n_other[keep] >= m / 2
        self._check_class_size(label, rows.size, k)
        self.nn_k_.fit(X[rows])
        nbrs = rows[query_neighbors(self.nn_k_, X[support], np.searchsorted(rows, support), k)]
        n_interp = int(rng.beta(10, 10) * (n_samples + 1))
        if danger.all():
            n_interp = n_samples
        elif not danger.any():
            n_interp = 0
        jobs = []
        if n_interp:
            jobs.append(_Job(label, support[danger], nbrs[danger], n_interp))
        if n_samples - n_interp:
            jobs.append(_Job(label, support[~danger], nbrs[~danger], n_samples - n_interp,
                             step_size=-float(self.out_step)))
        return jobs


@doc
class ADASYN(BaseSMOTE):
    """ADASYN: adaptive synthetic sampling (He et al., 2008).

    Each row ``x_i`` of class ``c`` gets a share of the ``G`` new rows proportional to
    ``r_i = Delta_i / K``, the fraction of other-class rows among its ``K`` nearest neighbours
    in the whole data: ``g_i = G * r_i / sum_j r_j`` (rounded so that the ``g_i`` sum to exactly
    ``G``; imbalanced-learn rounds each one and may miss ``G`` by a few rows). Row ``x_i`` then
    makes ``g_i`` rows ``x_i + u (x_j - x_i)`` towards its ``K`` nearest neighbours in ``c``.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    n_neighbors : int or object, default=5
        ``K``, for both searches; an int or a neighbours object as ``k_neighbors`` in SMOTE.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    nn_ : estimator object
        The neighbours object built from ``n_neighbors``.
    ratios_ : dict of ndarray
        ``{class: r_i / sum_j r_j}`` for the rows of the class, in their order in X.
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    {sample_weight}

    Differences from imbalanced-learn: the ``g_i`` sum to exactly ``G`` (imbalanced-learn
    rounds each one, so a class may end a few rows off ``sampling_strategy``), so the rows
    differ for the same seed; the draws of all classes come from one stream. No hard row in a
    class raises a :class:`StructureError`, a ``ValueError`` and the ``RuntimeError``
    imbalanced-learn raises. ``n_neighbors`` may be any object with ``fit(X)`` and
    ``kneighbors(X, n_neighbors=None, return_distance=True)``.

    References
    ----------
    .. [1] H. He, Y. Bai, E. A. Garcia, S. Li, "ADASYN: adaptive synthetic sampling approach
       for imbalanced learning", IJCNN 2008, 1322-1328.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import ADASYN
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> X_res, y_res = ADASYN(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [450, 450]
    """

    _parameter_constraints: ClassVar[dict] = {
        **{k: v for k, v in BaseSMOTE._parameter_constraints.items() if k != "k_neighbors"},
        "n_neighbors": NEIGHBORS,
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, n_neighbors=5):
        super(BaseSMOTE, self).__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.n_neighbors = n_neighbors

    def _validate_estimator(self):
        self.nn_ = check_neighbors(self.n_neighbors)

    def _prepare(self, X, y, rng):
        self.nn_.fit(X)
        self.ratios_ = {}

    def _plan_class(self, X, y, label, n_samples, rng):
        rows = np.flatnonzero(y == label)
        K = int(self.nn_.n_neighbors) - 1
        nbrs = query_neighbors(self.nn_, X[rows], rows, K)
        ratio = np.count_nonzero(y[nbrs] != label, axis=1) / K
        if not ratio.any():
            raise StructureError(
                f"ADASYN: no row of class {as_python(label)!r} has a neighbour of another class among its "
                f"{K} nearest, so ADASYN has no hard rows to focus on; use SMOTE for this data.")
        self.ratios_[label] = ratio / ratio.sum()
        self._check_class_size(label, rows.size, K, param="n_neighbors")
        nns = self_neighbors(clone(self.nn_), X[rows], K)
        return [_Job(label, rows, rows[nns], n_samples,
                     counts=split_counts(ratio, n_samples))]


def _mean_distance(X) -> float:
    """Mean Euclidean distance between distinct rows, computed in row blocks."""
    n = X.shape[0]
    total, start = 0.0, 0
    for block in pairwise_distances_chunked(X, metric="euclidean"):
        rows = np.arange(block.shape[0])
        block[rows, start + rows] = 0.0  # rounding leaves tiny non-zero self-distances
        total += float(block.sum())
        start += block.shape[0]
    return total / (n * n - n)


@doc
class KMeansSMOTE(BaseSMOTE):
    """K-means SMOTE: SMOTE inside the sparse, class-rich clusters (Douzas et al., 2018).

    The data are clustered once (k-means). For class ``c``, a cluster qualifies when the share of
    ``c`` in it is at least ``cluster_balance_threshold`` and it holds more than ``k_neighbors``
    rows of ``c``. Its sparsity is ``mean_distance ** density_exponent / n_c`` (``n_c``: rows of
    ``c`` in it, ``mean_distance``: their mean pairwise Euclidean distance); the new rows are
    split between qualifying clusters in proportion to sparsity (exactly, by largest remainder)
    and made by SMOTE within each cluster.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    k_neighbors : int or object, default=2
        Same-class neighbours within a cluster; an int or a neighbours object.

    n_jobs : int, default=None
        Workers of the pairwise-distance computation.

    kmeans_estimator : int or object, default=None
        ``None``: ``MiniBatchKMeans(random_state=random_state)``; an int: that many clusters; or a
        clusterer with ``fit_predict`` and ``n_clusters``.

    cluster_balance_threshold : "auto" or float, default="auto"
        Minimum share of ``c`` in a cluster. ``"auto"`` is ``n_samples / sum(new rows) / 2`` as in
        imbalanced-learn (no threshold when there is a single cluster).

    density_exponent : "auto" or float, default="auto"
        ``"auto"`` is ``0.16 * log_1.6(n_c) ** 1.8`` as in imbalanced-learn (the paper uses the
        number of features).

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    nn_k_ : estimator object
        The neighbours object.
    kmeans_estimator_ : estimator object
        The fitted clusterer.
    cluster_balance_threshold_ : float or "auto"
        The threshold in use.
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    {sample_weight}

    Differences from imbalanced-learn: the clustering is fitted once per ``fit_resample``
    (imbalanced-learn refits the same clusterer for every class); the rows are split between
    clusters so that the class gets exactly the requested count (imbalanced-learn rounds each
    cluster's share down, so a class may end a row or two short); so the rows differ for the
    same seed. No qualifying cluster raises a :class:`StructureError`, both a ``ValueError``
    and the ``RuntimeError`` imbalanced-learn raises. ``k_neighbors`` may be any object with
    ``fit(X)`` and ``kneighbors(X, n_neighbors=None, return_distance=True)``.

    References
    ----------
    .. [1] G. Douzas, F. Bacao, F. Last, "Improving imbalanced learning through a heuristic
       oversampling method based on k-means and SMOTE", Information Sciences 465, 1-20, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_blobs
    >>> from unskew.resampling import KMeansSMOTE
    >>> X, y = make_blobs(n_samples=[300, 60], centers=[[0, 0], [4, 4]], random_state=0)
    >>> X_res, y_res = KMeansSMOTE(kmeans_estimator=4, random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [300, 300]
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseSMOTE._parameter_constraints,
        # an int must also be >= 1 and an object have n_clusters: checked in fit
        "kmeans_estimator": [None, Described(numbers.Integral, "an int >= 1"),
                             Described(HasMethods(["fit_predict"]),
                                       "a clusterer with fit_predict and n_clusters")],
        "cluster_balance_threshold": [StrOptions(("auto",)), Described(numbers.Real, "a number")],
        "density_exponent": [StrOptions(("auto",)), Described(numbers.Real, "a number")],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=2,
                 n_jobs=None, kmeans_estimator=None, cluster_balance_threshold="auto",
                 density_exponent="auto"):
        super().__init__(sampling_strategy=sampling_strategy, random_state=random_state,
                         k_neighbors=k_neighbors)
        self.kmeans_estimator = kmeans_estimator
        self.cluster_balance_threshold = cluster_balance_threshold
        self.density_exponent = density_exponent
        self.n_jobs = n_jobs

    def _validate_estimator(self):
        super()._validate_estimator()
        owner = type(self).__name__
        km = self.kmeans_estimator
        if km is None:
            self.kmeans_estimator_ = MiniBatchKMeans(random_state=self.random_state)
        elif isinstance(km, numbers.Integral) and not isinstance(km, bool):
            if km < 1:
                raise parameter_error(owner, "kmeans_estimator as an int", ">= 1", km,
                                      template=SHORT_TEMPLATE)
            self.kmeans_estimator_ = MiniBatchKMeans(n_clusters=int(km),
                                                     random_state=self.random_state)
        elif hasattr(km, "fit_predict") and hasattr(km, "n_clusters"):
            self.kmeans_estimator_ = clone(km)
        else:  # a bool, or no n_clusters
            raise parameter_error(owner, "kmeans_estimator", "None, an int >= 1 or a clusterer "
                                  "with fit_predict and n_clusters", km, template=SHORT_TEMPLATE,
                                  type_error=True)
        self.cluster_balance_threshold_ = (self.cluster_balance_threshold
                                           if self.kmeans_estimator_.n_clusters != 1 else -np.inf)

    def _prepare(self, X, y, rng):
        self._clusters = np.asarray(self.kmeans_estimator_.fit_predict(X))
        self._total_new = sum(self.sampling_strategy_.values())

    def _plan_class(self, X, y, label, n_samples, rng):
        k = self._n_k()
        threshold = self.cluster_balance_threshold_
        if threshold == "auto":
            threshold = n_samples / self._total_new / 2
        in_class = y == label
        members, sparsities = [], []
        for cluster in np.unique(self._clusters):
            in_cluster = self._clusters == cluster
            rows = np.flatnonzero(in_cluster & in_class)
            if rows.size / np.count_nonzero(in_cluster) < threshold or rows.size < k + 1:
                continue
            exponent = (math.log(rows.size, 1.6) ** 1.8 * 0.16
                        if self.density_exponent == "auto" else self.density_exponent)
            members.append(rows)
            sparsities.append(_mean_distance(X[rows]) ** exponent / rows.size)
        if not members:
            raise StructureError(
                f"KMeansSMOTE: no cluster holds at least {k + 1} rows of class {as_python(label)!r} with a "
                f"class share >= {threshold:.3g}; lower cluster_balance_threshold, change the "
                "number of clusters (kmeans_estimator) or lower k_neighbors.")
        weights = np.asarray(sparsities, dtype=np.float64)
        if not np.isfinite(weights).all() or weights.sum() <= 0:
            weights = np.ones(len(members))  # all-duplicate clusters: share evenly
        jobs = []
        for rows, n_cluster in zip(members, split_counts(weights, n_samples), strict=True):
            if n_cluster:
                nns = self_neighbors(self.nn_k_, X[rows], k)
                jobs.append(_Job(label, rows, rows[nns], int(n_cluster)))
        return jobs
