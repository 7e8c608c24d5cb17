"""Keep k-NN resamplers working on the small classes that cross-validation folds produce.

SMOTE and its relatives look for ``k`` neighbours *within* a class, so they fail with a
``ValueError`` ("Expected n_neighbors <= n_samples_fit") as soon as a training fold holds
``k`` or fewer rows of some class, which is common for the tail classes ``unskew compare`` is
meant for. :class:`AdaptiveNeighbors` wraps such a resampler and, on each ``fit_resample``:

1. over-samples at random any class with a single row to two rows (one exact copy): a lone row
   has no neighbour to interpolate towards, so random over-sampling is the only honest choice;
2. caps the within-class neighbour count(s) at ``smallest class count - 1``;
3. when ADASYN finds no row of a class with a neighbour from another class (its weights are
   then 0/0), or K-means SMOTE no cluster where a class is dense enough, they raise; this
   falls back to plain SMOTE with the same ``k``, and warns.

Each change is recorded in ``adjustments_`` so a report can say what happened in which fold.
The wrapped resampler itself is never modified; an unfitted clone with the adapted parameters
is stored in ``resampler_``.
"""

from __future__ import annotations

import warnings
from collections import Counter
from numbers import Integral
from typing import ClassVar

import numpy as np
import pandas as pd
from imblearn.base import BaseSampler
from imblearn.utils import check_target_type
from sklearn.base import clone
from sklearn.utils.validation import validate_data

from ..exceptions import StructureError
from ._smote import ADASYN, SMOTE, KMeansSMOTE

__all__ = ["AdaptiveNeighbors"]


class AdaptiveNeighbors(BaseSampler):
    """Wrap a k-NN resampler so that small classes lower ``k`` instead of failing.

    Parameters
    ----------
    resampler : object with ``fit_resample``, default=None
        The resampler to run (``SMOTE``, ``BorderlineSMOTE``, ``ADASYN``, ``SMOTETomek``,
        ``SMOTEENN``, ...). ``None`` means ``SMOTE()``.
    neighbor_params : tuple of str, default=("k_neighbors",)
        Names in ``resampler.get_params(deep=True)`` of the *within-class* neighbour counts to
        cap: ``"k_neighbors"`` for the SMOTE family, ``"n_neighbors"`` for ADASYN,
        ``"smote__k_neighbors"`` for ``SMOTETomek`` / ``SMOTEENN``. Parameters holding a
        ``NearestNeighbors`` object instead of an int are left alone.

    Attributes
    ----------
    resampler_ : object
        An unfitted clone of the resampler that ran, with the adapted parameters (a fitted
        k-NN resampler would carry the training rows into saved models).
    adjustments_ : list of str
        One sentence per change made for this call (empty when none was needed).
    sampling_strategy_ : str
        ``"auto"``; the wrapped resampler holds the real target counts.

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.over_sampling import SMOTE
    >>> X = np.arange(24, dtype=float).reshape(12, 2)
    >>> y = np.array(["common"] * 9 + ["rare"] * 3)
    >>> sampler = AdaptiveNeighbors(SMOTE(k_neighbors=5, random_state=0))
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(np.unique(y_res, return_counts=True)[1].tolist())
    [9, 9]
    >>> sampler.adjustments_
    ["k_neighbors lowered from 5 to 2: the smallest class ('rare') has 3 rows"]
    """

    _sampling_type = "bypass"
    # read by BaseSampler.fit_resample; deliberately not a constructor parameter, since the
    # wrapped resampler owns the sampling strategy
    sampling_strategy = "auto"
    # checked by hand in _fit_resample (no dependency on scikit-learn's private validators)
    _parameter_constraints: ClassVar[dict] = {}

    def __init__(self, resampler=None, *, neighbor_params=("k_neighbors",)):
        self.resampler = resampler
        self.neighbor_params = neighbor_params

    def _check_X_y(self, X, y, accept_sparse=None):
        if not isinstance(X, pd.DataFrame):
            return super()._check_X_y(X, y, accept_sparse=accept_sparse)
        # a mixed table (strings, categories) goes to the wrapped resampler as it is: SMOTE-NC
        # validates its own columns
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        return X, np.asarray(y), binarize_y

    def _fit_resample(self, X, y):
        if self.resampler is not None and not hasattr(self.resampler, "fit_resample"):
            raise TypeError(
                f"The 'resampler' parameter of {type(self).__name__} must have fit_resample; "
                f"got {type(self.resampler).__name__}."
            )
        if isinstance(self.neighbor_params, str):
            raise TypeError(
                f"The 'neighbor_params' parameter of {type(self).__name__} must be a tuple of "
                f"parameter names, got the string {self.neighbor_params!r}; write "
                f"({self.neighbor_params!r},)."
            )
        resampler = clone(self.resampler) if self.resampler is not None else SMOTE()
        params = resampler.get_params(deep=True)
        for name in self.neighbor_params:
            if name not in params:
                raise ValueError(
                    f"neighbor_params names {name!r}, which {type(resampler).__name__} does not "
                    f"have; its neighbour parameters are "
                    f"{sorted(p for p in params if p.endswith('neighbors')) or 'none'}"
                )
        adjustments = []

        counts = Counter(y.tolist())
        lone = sorted((c for c, n in counts.items() if n == 1), key=str)
        if lone and len(counts) > 1:
            rows = np.flatnonzero(np.isin(y, lone))
            keep = np.concatenate([np.arange(y.shape[0]), rows])
            X, y = (X.iloc[keep] if isinstance(X, pd.DataFrame) else X[keep]), y[keep]
            adjustments.append(
                f"class(es) {', '.join(map(repr, lone))} with 1 row over-sampled at random "
                "(copied once): a single row has no neighbour to interpolate towards"
            )
            counts = Counter(y.tolist())

        smallest_class, smallest = min(counts.items(), key=lambda item: (item[1], str(item[0])))
        cap = max(smallest - 1, 1)
        for name in self.neighbor_params:
            value = params[name]
            if isinstance(value, Integral) and not isinstance(value, bool) and value > cap:
                resampler.set_params(**{name: cap})
                adjustments.append(
                    f"{name} lowered from {value} to {cap}: the smallest class "
                    f"({smallest_class!r}) has {smallest} rows"
                )

        try:
            X_res, y_res = resampler.fit_resample(X, y)
        except StructureError:
            note = _fallback_note(resampler)
            if note is None:
                raise
            warnings.warn(note, UserWarning, stacklevel=2)
            adjustments.append(note)
            k = resampler.n_neighbors if isinstance(resampler, ADASYN) else resampler.k_neighbors
            resampler = SMOTE(sampling_strategy=resampler.sampling_strategy, k_neighbors=k,
                              random_state=resampler.random_state)
            X_res, y_res = resampler.fit_resample(X, y)

        # keep the adapted parameters but not the fitted state: a fitted k-NN resampler holds
        # the training rows (in its neighbour index), which saved models must not carry
        self.resampler_ = clone(resampler)
        self.adjustments_ = adjustments
        return X_res, y_res

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _fallback_note(resampler) -> str | None:
    """Why plain SMOTE replaces ``resampler`` after a StructureError, or None to re-raise."""
    # ADASYN's density weights are 0/0 when no row of a class has a neighbour of another class
    if isinstance(resampler, ADASYN):
        return ("ADASYN could not weigh the rows of a class (no row has a neighbour from "
                "another class), so rows were generated uniformly (SMOTE with the same k)")
    # K-means SMOTE needs a cluster where the class is dense enough; small folds often have none
    if isinstance(resampler, KMeansSMOTE):
        return ("K-means SMOTE found no cluster dense enough in a class, so rows were "
                "generated by plain SMOTE with the same k")
    return None
