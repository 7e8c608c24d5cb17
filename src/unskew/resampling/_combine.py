"""SMOTE followed by a cleaner: SMOTE-Tomek and SMOTE-ENN (Batista et al. 2004).

The same composition as imbalanced-learn's ``SMOTETomek`` / ``SMOTEENN``, built from unskew's
SMOTE and cleaners, so the cleaning half runs on the pruned neighbour search and
``sample_weight`` is carried through both halves.
"""

from __future__ import annotations

from typing import ClassVar

from imblearn.base import BaseSampler
from sklearn.base import clone

from ._base import check_sample_weight
from ._cleaning import EditedNearestNeighbours, TomekLinks
from ._smote import SMOTE

__all__ = ["SMOTEENN", "SMOTETomek"]


class _SMOTEThenClean(BaseSampler):
    """Over-sample with ``smote``, then clean every class with ``cleaner``.

    Like imbalanced-learn's combinations it is a plain sampler that over-samples (not an
    over-sampler): the cleaning half shrinks classes, so counts end at or below the request.
    """

    _sampling_type = "over-sampling"
    _parameter_constraints: ClassVar[dict] = {
        # SMOTE's sampling_strategy is validated by SMOTE itself
        "sampling_strategy": "no_validation",
        "random_state": ["random_state"],
        "smote": "no_validation",
    }
    _cleaner_param: str
    _cleaner_class: type

    def _default_cleaner(self):
        return self._cleaner_class(sampling_strategy="all")

    def _fit_resample(self, X, y, sample_weight=None):
        weights = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        user_cleaner = getattr(self, self._cleaner_param)
        for step, role in ((self.smote, "smote"), (user_cleaner, self._cleaner_param)):
            if step is not None and not hasattr(step, "fit_resample"):
                raise TypeError(f"{type(self).__name__}: {role} must have fit_resample, got "
                                f"{type(step).__name__}.")
        smote = (clone(self.smote) if self.smote is not None
                 else SMOTE(sampling_strategy=self.sampling_strategy,
                            random_state=self.random_state))
        cleaner = clone(user_cleaner) if user_cleaner is not None else self._default_cleaner()
        extra = {} if weights is None else {"sample_weight": weights}
        out = smote.fit_resample(X, y, **extra)
        out = cleaner.fit_resample(out[0], out[1], **({} if weights is None
                                                       else {"sample_weight": out[2]}))
        self.smote_ = smote
        setattr(self, f"{self._cleaner_param}_", cleaner)
        return out


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
        The cleaner; default ``TomekLinks(sampling_strategy="all")``.

    Attributes
    ----------
    smote_, tomek_ : resampler
        The fitted halves.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from unskew.resampling import SMOTETomek
    >>> X, y = make_classification(n_samples=500, n_features=4, weights=[0.9], class_sep=0.5,
    ...                            random_state=0)
    >>> X_res, y_res = SMOTETomek(random_state=0).fit_resample(X, y)
    >>> dict(Counter(y.tolist())), dict(Counter(y_res.tolist()))  # 15 links removed
    ({0: 450, 1: 50}, {0: 435, 1: 435})
    """

    _parameter_constraints: ClassVar[dict] = {
        **_SMOTEThenClean._parameter_constraints, "tomek": "no_validation"}
    _cleaner_param = "tomek"
    _cleaner_class = TomekLinks

    def __init__(self, *, sampling_strategy="auto", random_state=None, smote=None, tomek=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.smote = smote
        self.tomek = tomek


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
        The cleaner; default ``EditedNearestNeighbours(sampling_strategy="all")``.

    Attributes
    ----------
    smote_, enn_ : resampler
        The fitted halves.

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
        **_SMOTEThenClean._parameter_constraints, "enn": "no_validation"}
    _cleaner_param = "enn"
    _cleaner_class = EditedNearestNeighbours

    def __init__(self, *, sampling_strategy="auto", random_state=None, smote=None, enn=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.smote = smote
        self.enn = enn
