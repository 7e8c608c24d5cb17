"""SMOTE followed by a cleaner: SMOTE-Tomek and SMOTE-ENN (Batista et al. 2004).

The same composition as imbalanced-learn's ``SMOTETomek`` / ``SMOTEENN``, built from unskew's
SMOTE and cleaners, so the cleaning half runs on the pruned neighbour search and
``sample_weight`` is carried through both halves.

After SMOTE the classes are balanced, so the cleaners' pruning (which skips rows of the largest
class, or rows proven to sit in a pure neighbourhood) would save little by itself: SMOTE
therefore passes where it drew each synthetic row (:class:`unskew._neighbors.Segments`), and the
purity proofs of ENN and of the Tomek-link search use that geometry instead of a search over
every synthetic row (exact, same rows; at 200k rows SMOTE-ENN 10.7x and SMOTE-Tomek 91x
imbalanced-learn's speed). ``algorithm`` lets the search run on an approximate backend
(:class:`unskew._neighbors.NeighborIndex`): faster on large wide data, at the price of a few
rows kept or dropped differently from imbalanced-learn's.
"""

from __future__ import annotations

from inspect import signature
from numbers import Integral
from typing import ClassVar

import numpy as np
from imblearn.base import BaseSampler
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.base import clone

from .._neighbors import ALGORITHMS, NeighborIndex
from .._utils._validation import SHORT_TEMPLATE, ParameterError, StrOptions
from ._base import ResamplerParamsMixin, check_sample_weight
from ._cleaning import (
    EditedNearestNeighbours,
    TomekLinks,
    _encode,
    _target_mask,
    tomek_links,
)
from ._smote import SMOTE

__all__ = ["SMOTEENN", "SMOTETomek"]


class _SMOTEThenClean(ResamplerParamsMixin, BaseSampler):
    """Over-sample with ``smote``, then clean every class with ``cleaner``.

    Like imbalanced-learn's combinations it is a plain sampler that over-samples (not an
    over-sampler): the cleaning half shrinks classes, so counts end at or below the request.
    """

    _sampling_type = "over-sampling"
    _parameter_constraints: ClassVar[dict] = {
        # what the default SMOTE takes
        "sampling_strategy": BaseOverSampler._parameter_constraints["sampling_strategy"],
        "random_state": ["random_state"],
        # None or a resampler (with fit_resample): checked in fit, naming the step
        "smote": "no_validation",
        "algorithm": [StrOptions(ALGORITHMS, description=f"one of {ALGORITHMS}")],
        "n_jobs": [None, Integral],
    }
    # the tests of this room pin the short wording ("SMOTEENN: algorithm must be one of ...")
    _parameter_template = SHORT_TEMPLATE
    _cleaner_param: str
    _cleaner_class: type

    def _default_cleaner(self):
        return self._cleaner_class(sampling_strategy="all")

    def _check_algorithm(self, user_cleaner) -> None:
        # a cross-parameter rule, beyond what the constraints say
        name = type(self).__name__
        if self.algorithm != "exact" and user_cleaner is not None:
            raise ParameterError(f"{name}: algorithm={self.algorithm!r} configures the default "
                                 f"cleaner, but {self._cleaner_param}= was given too; set the "
                                 f"neighbour search on your {type(user_cleaner).__name__} instead, "
                                 "or leave algorithm='exact'.")

    def _validate_estimator(self):
        """Build the two steps: ``smote_`` and ``enn_`` / ``tomek_`` (unfitted), as
        imbalanced-learn's method of that name does."""
        user_cleaner = getattr(self, self._cleaner_param)
        for step, role in ((self.smote, "smote"), (user_cleaner, self._cleaner_param)):
            if step is not None and not hasattr(step, "fit_resample"):
                raise ParameterError(f"{type(self).__name__}: {role} must have fit_resample, got "
                                     f"{type(step).__name__}.")
        self._check_algorithm(user_cleaner)
        self.smote_ = (clone(self.smote) if self.smote is not None
                       else SMOTE(sampling_strategy=self.sampling_strategy,
                                  random_state=self.random_state))
        setattr(self, f"{self._cleaner_param}_",
                clone(user_cleaner) if user_cleaner is not None else self._default_cleaner())

    def _fit_resample(self, X, y, sample_weight=None):
        weights = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        self._validate_estimator()
        smote, cleaner = self.smote_, getattr(self, f"{self._cleaner_param}_")
        extra = {} if weights is None else {"sample_weight": weights}
        # unskew's exact ENN and Tomek links prove most rows pure from where SMOTE put the
        # synthetic ones, when both halves are unskew's
        trace = ([] if "_segments" in signature(cleaner._fit_resample).parameters
                 and "_trace" in signature(smote._fit_resample).parameters else None)
        out = smote.fit_resample(X, y, **extra, **({} if trace is None else {"_trace": trace}))
        extra = {} if weights is None else {"sample_weight": out[2]}
        if trace:
            extra["_segments"] = trace[0]
        return cleaner.fit_resample(out[0], out[1], **extra)


_ALGORITHM_DOC = """algorithm : {"exact", "auto", "hnsw", "pynndescent"}, default="exact"
        Neighbour search of the default cleaner. ``"exact"``: exact (proven equal to
        scikit-learn's), so the rows equal imbalanced-learn's, and pruned with SMOTE's geometry
        (usually the fastest too). ``"hnsw"`` / ``"pynndescent"``: approximate
        (:class:`unskew._neighbors.NeighborIndex`, ``pip install "unskew[fast]"``), for large
        data with many features where classes overlap everywhere; a few rows are kept or
        removed differently (see Notes).
        ``"auto"``: exact below 100,000 rows (after SMOTE) or up to 15 features, else hnsw
        when installed. Only with the default cleaner: configure a cleaner you pass yourself."""

_APPROXIMATE_NOTE = """After SMOTE the classes are balanced, so the cleaning half searches
    about every row. With unskew's SMOTE and the default cleaner, the exact search is pruned with
    SMOTE's own geometry (a synthetic row's distance to another class follows from its
    segment's two ends), which makes ``"exact"`` the faster choice on the benchmark as well as
    the exact one: one thread, 200,000 rows x 20 features at 1:99, about 394,000 after SMOTE,
    against imbalanced-learn in the same run: SMOTE-ENN exact 37.2 s vs 399.4 s (10.7x, the same
    rows), hnsw 51.1 s (7.8x, 0.16% of rows differing); SMOTE-Tomek exact 4.2 s vs 384.1 s (91x,
    the same rows), hnsw 37.1 s (10.3x). The approximate search helps only where the proofs fail
    (classes overlapping everywhere) and costs more than it saves on small data (building the
    graph). Its price: a row whose true
    nearest neighbour is missed is judged on a slightly farther one, so a small fraction of
    rows differs from imbalanced-learn's (0.08-0.16% with SMOTE-ENN, none with SMOTE-Tomek in
    the benchmarks), reproducibly for a fixed ``random_state`` on one thread (with
    ``n_jobs > 1`` the graph depends on thread timing: a few rows may differ between runs). Downstream, hnsw moved macro-F1 and
    G-mean of a logistic regression by at most 0.011 on the largest KEEL sets
    (benchmarks/results/approximate_quality.md; timings in bench_combine_smoteenn.md and
    bench_combine_smotetomek.md)."""


class SMOTETomek(_SMOTEThenClean):
    """SMOTE, then removal of the Tomek links of every class (Batista et al. 2004).

    Drop-in for :class:`imblearn.combine.SMOTETomek`: same parameters and defaults, same rows
    for the same seed, with unskew's SMOTE and :class:`TomekLinks` (``sampling_strategy="all"``)
    by default. ``fit_resample(X, y, sample_weight=w)`` returns the weights too: SMOTE's rule
    for synthetic rows, then the kept rows' weights.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        SMOTE's target counts, as in imbalanced-learn.
    random_state : int, RandomState or None, default=None
        Seed of the default SMOTE.
    smote : resampler, default=None
        The over-sampler; default ``SMOTE(sampling_strategy, random_state)``.
    tomek : resampler, default=None
        The cleaner; default ``TomekLinks(sampling_strategy="all", n_jobs=n_jobs)``.
    n_jobs : int, default=None
        Threads of the default cleaner's neighbour search (``-1``: all cores), as in
        imbalanced-learn; a cleaner you pass keeps its own.
    {algorithm}

    Attributes
    ----------
    smote_, tomek_ : resampler
        The fitted halves. With an approximate ``algorithm``, ``tomek_`` is a
        :class:`TomekLinks` whose links come from that search.

    Notes
    -----
    {approximate}

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import SMOTETomek
    >>> X, y = make_classification(n_samples=500, n_features=4, weights=[0.9], class_sep=0.5,
    ...                            random_state=0)
    >>> X_res, y_res = SMOTETomek(random_state=0).fit_resample(X, y)
    >>> dict(Counter(y.tolist())), dict(Counter(y_res.tolist()))  # 15 links removed
    ({{0: 450, 1: 50}}, {{0: 435, 1: 435}})
    """

    _parameter_constraints: ClassVar[dict] = {
        **_SMOTEThenClean._parameter_constraints, "tomek": "no_validation"}  # as smote
    _cleaner_param = "tomek"
    _cleaner_class = TomekLinks

    def __init__(self, *, sampling_strategy="auto", random_state=None, smote=None, tomek=None,
                 n_jobs=None, algorithm="exact"):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.smote = smote
        self.tomek = tomek
        self.n_jobs = n_jobs
        self.algorithm = algorithm

    def _default_cleaner(self):
        if self.algorithm == "exact":
            return TomekLinks(sampling_strategy="all", n_jobs=self.n_jobs)
        return _IndexedTomekLinks(sampling_strategy="all", n_jobs=self.n_jobs,
                                  algorithm=self.algorithm, random_state=self.random_state)


class SMOTEENN(_SMOTEThenClean):
    """SMOTE, then Edited Nearest Neighbours cleaning of every class (Batista et al. 2004).

    Drop-in for :class:`imblearn.combine.SMOTEENN`: same parameters and defaults, same rows for
    the same seed, with unskew's SMOTE and :class:`EditedNearestNeighbours`
    (``sampling_strategy="all"``) by default. ``sample_weight`` is carried as in
    :class:`SMOTETomek`.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        SMOTE's target counts, as in imbalanced-learn.
    random_state : int, RandomState or None, default=None
        Seed of the default SMOTE.
    smote : resampler, default=None
        The over-sampler; default ``SMOTE(sampling_strategy, random_state)``.
    enn : resampler, default=None
        The cleaner; default ``EditedNearestNeighbours(sampling_strategy="all", n_jobs=n_jobs)``.
    n_jobs : int, default=None
        Threads of the default cleaner's neighbour search (``-1``: all cores), as in
        imbalanced-learn; a cleaner you pass keeps its own.
    {algorithm}

    Attributes
    ----------
    smote_, enn_ : resampler
        The fitted halves. With an approximate ``algorithm``, ``enn_.nn_`` is the
        :class:`~unskew._neighbors.NeighborIndex` used.

    Notes
    -----
    {approximate}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import SMOTEENN
    >>> X, y = make_classification(n_samples=500, weights=[0.9], flip_y=0.05, random_state=0)
    >>> X_res, y_res = SMOTEENN(random_state=0).fit_resample(X, y)
    >>> bool(len(y_res) < 2 * (y == 0).sum())  # SMOTE balanced, then ENN removed noisy rows
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        **_SMOTEThenClean._parameter_constraints, "enn": "no_validation"}  # as smote
    _cleaner_param = "enn"
    _cleaner_class = EditedNearestNeighbours

    def __init__(self, *, sampling_strategy="auto", random_state=None, smote=None, enn=None,
                 n_jobs=None, algorithm="exact"):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.smote = smote
        self.enn = enn
        self.n_jobs = n_jobs
        self.algorithm = algorithm

    def _default_cleaner(self):
        if self.algorithm == "exact":
            return EditedNearestNeighbours(sampling_strategy="all", n_jobs=self.n_jobs)
        # ENN's default 3 neighbours; the index counts the row itself (ENN gives it n_jobs)
        index = NeighborIndex(4, algorithm=self.algorithm, random_state=self.random_state)
        return EditedNearestNeighbours(sampling_strategy="all", n_neighbors=index,
                                       n_jobs=self.n_jobs)


class _IndexedTomekLinks(TomekLinks):
    """``TomekLinks`` whose nearest-row search is a :class:`NeighborIndex` (any backend).

    :class:`TomekLinks` always searches exactly; this is the combination's approximate cleaning
    half: the same :func:`tomek_links` search, given an index of the chosen backend.
    """

    _parameter_constraints: ClassVar[dict] = {
        **TomekLinks._parameter_constraints, "algorithm": [StrOptions(ALGORITHMS)],
        "random_state": ["random_state"]}

    def __init__(self, *, sampling_strategy="auto", n_jobs=None, algorithm="auto",
                 random_state=None):
        super().__init__(sampling_strategy=sampling_strategy, n_jobs=n_jobs)
        self.algorithm = algorithm
        self.random_state = random_state

    def _fit_resample(self, X, y, sample_weight=None):
        sample_weight = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        classes, codes = _encode(y)
        self.nn_ = NeighborIndex(2, algorithm=self.algorithm, n_jobs=self.n_jobs,
                                 random_state=self.random_state)
        links = tomek_links(X, codes, _target_mask(classes, self.sampling_strategy_),
                            index=self.nn_)
        return self._keep(X, y, sample_weight, np.flatnonzero(~links))


for _cls in (SMOTETomek, SMOTEENN):
    if _cls.__doc__:  # None under python -OO
        _cls.__doc__ = _cls.__doc__.format(algorithm=_ALGORITHM_DOC, approximate=_APPROXIMATE_NOTE)
