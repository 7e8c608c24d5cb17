"""Multi-label resamplers of Charte et al. (2015): MLROS (random cloning) and MLSMOTE (synthesis).

``Y`` is an ``(n_samples, n_labels)`` 0/1 indicator matrix. Imbalance is measured per label:
``IRLbl(l) = max_k n_k / n_l`` (``n_l`` rows carry label ``l``) and ``MeanIR`` is the mean IRLbl
over the labels; a label is a *minority* label when its IRLbl exceeds MeanIR (Charte, Rivera,
del Jesus & Herrera, "Addressing imbalance in multilabel classification: measures and random
resampling algorithms", Neurocomputing 163, 2015).
"""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_consistent_length, check_random_state
from sklearn.utils.validation import validate_data

from .._neighbors import NeighborIndex
from .._utils._validation import (
    Described,
    HasMethods,
    Interval,
    ParamsValidationMixin,
    StrOptions,
    check_2d,
    check_finite,
    check_multilabel,
)
from ..exceptions import DataError
from ._base import check_sample_weight

__all__ = ["MLROS", "MLSMOTE", "label_imbalance_ratios", "mean_imbalance_ratio"]

LABEL_STRATEGIES = ("ranking", "union", "intersection")


def label_imbalance_ratios(Y) -> np.ndarray:
    """IRLbl of every label: rows of the most frequent label over rows of this label.

    A label that no row carries gets ``inf``.

    Parameters
    ----------
    Y : array-like of shape (n_samples, n_labels)
        0/1 indicator matrix.

    Returns
    -------
    ndarray of shape (n_labels,)
        ``>= 1``; 1 for the most frequent label(s).

    Examples
    --------
    >>> from unskew.resampling._multilabel import label_imbalance_ratios
    >>> label_imbalance_ratios([[1, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0]]).tolist()
    [1.0, 2.0, 4.0]
    """
    counts = check_multilabel(Y, "Y").sum(axis=0).astype(np.float64)
    return _irlbl(counts)


def mean_imbalance_ratio(Y) -> float:
    """MeanIR: the mean IRLbl over the labels that at least one row carries.

    Examples
    --------
    >>> from unskew.resampling._multilabel import mean_imbalance_ratio
    >>> mean_imbalance_ratio([[1, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0]])
    2.3333333333333335
    """
    irlbl = label_imbalance_ratios(Y)
    return float(irlbl[np.isfinite(irlbl)].mean())


def _irlbl(counts: np.ndarray) -> np.ndarray:
    return np.divide(counts.max(), counts, out=np.full(counts.shape, np.inf), where=counts > 0)


class _MultiLabelResampler(ParamsValidationMixin, BaseEstimator):
    """Input checks and pandas round-trips shared by the multi-label resamplers."""

    _numeric_X = True

    def fit(self, X, Y):
        """Measure the label imbalance of ``(X, Y)`` without resampling.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Features.
        Y : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_labels)
            0/1 label indicator matrix.

        Returns
        -------
        self : object
        """
        self._validate(X, Y)
        return self

    def fit_resample(self, X, Y, sample_weight=None):
        """Add rows for the minority labels.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Features.
        Y : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_labels)
            0/1 label indicator matrix.
        sample_weight : array-like of shape (n_samples,), optional
            Carried through (see the class docstring).

        Returns
        -------
        X_resampled, Y_resampled : the input types, original rows first
        sample_weight_resampled : ndarray
            Only when ``sample_weight`` is given.
        """
        X_in, Y_in = X, Y
        X, Y = self._validate(X, Y)
        sample_weight = check_sample_weight(sample_weight, Y.shape[0], type(self).__name__)
        X_new, Y_new, w_new = self._resample(X, Y, sample_weight)
        self.n_synthetic_ = Y_new.shape[0]
        X_res = _stack_like(X_in, X, X_new)
        Y_res = _stack_like(Y_in, Y.astype(_dtype_of(Y_in)), Y_new.astype(_dtype_of(Y_in)))
        if sample_weight is None:
            return X_res, Y_res
        return X_res, Y_res, np.concatenate([sample_weight, w_new])

    def _validate(self, X, Y):
        self._validate_params()
        owner = type(self).__name__
        check_2d(X, owner)
        if len(np.shape(Y)) != 2:
            raise DataError(f"{owner}: Y must be an (n_samples, n_labels) 0/1 indicator matrix; "
                            f"got shape {np.shape(Y)}. For one label per row use an "
                            "imbalanced-learn style resampler such as SMOTE")
        columns = X.columns if isinstance(X, pd.DataFrame) else None
        Y = check_multilabel(Y, "Y").astype(np.int8)
        check_consistent_length(X, Y)
        if isinstance(X, pd.DataFrame) and not self._numeric_X:
            # rows are only copied: keep the frame, so every column keeps its dtype
            validate_data(self, X=X, reset=True, skip_check_array=True)
        else:
            X = validate_data(self, X=X, reset=True, accept_sparse=["csr", "csc"],
                              dtype="numeric" if self._numeric_X else None,
                              ensure_all_finite=False)
        if sp.issparse(X):
            X = X.tocsr()
        if self._numeric_X:
            check_finite(X, owner, columns=columns)
        counts = Y.sum(axis=0).astype(np.float64)
        if not counts.any():
            raise DataError(f"{owner}: no row of Y carries any of its {Y.shape[1]} labels; "
                            "there is nothing to balance")
        self.label_counts_ = counts.astype(np.int64)
        self.imbalance_ratios_ = _irlbl(counts)
        self.mean_imbalance_ratio_ = float(
            self.imbalance_ratios_[np.isfinite(self.imbalance_ratios_)].mean())
        self.minority_labels_ = np.flatnonzero(
            np.isfinite(self.imbalance_ratios_)
            & (self.imbalance_ratios_ > self.mean_imbalance_ratio_))
        return X, Y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        tags.input_tags.sparse = True
        # scikit-learn's and imbalanced-learn's common checks feed 1-D class labels and expect
        # a 2-D Y to be rejected: the opposite of this contract. The API checks that do apply
        # run in tests/test_multilabel_resampling.py.
        tags._skip_test = True
        return tags


class MLROS(_MultiLabelResampler):
    """Multi-label random over-sampling by cloning rows of minority labels (Charte et al., 2015).

    The minority labels are those whose IRLbl exceeds MeanIR. Rows are cloned in turn from
    each minority label's bag (the rows carrying that label, one random row per turn), and a
    label leaves the rotation once its IRLbl, recomputed on the growing data, falls to MeanIR
    or below (MeanIR is fixed at the start, as in the paper). Cloning stops when
    ``percentage`` times the number of rows have been added or no minority label is left. A
    clone copies all of its row's labels, so frequent labels that co-occur grow too.

    Original rows come first, then the clones; a clone carries its row's ``sample_weight``.
    ``X`` may hold anything a DataFrame holds: rows are only copied.

    Parameters
    ----------
    percentage : float > 0, default=0.1
        Rows to add, as a fraction of the rows of ``X`` (the paper's P / 100).
    random_state : int, RandomState instance or None, default=None
        Controls which rows are cloned.

    Attributes
    ----------
    label_counts_ : ndarray of shape (n_labels,)
        Rows carrying each label, before resampling.
    imbalance_ratios_ : ndarray of shape (n_labels,)
        IRLbl of each label before resampling (``inf`` for a label no row carries).
    mean_imbalance_ratio_ : float
        MeanIR before resampling.
    minority_labels_ : ndarray of int
        Column positions of the labels with IRLbl > MeanIR.
    source_indices_ : ndarray of shape (n_synthetic_,)
        The row each clone copies.
    n_synthetic_ : int
        Rows added.
    n_features_in_ : int
        Number of features seen.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.resampling import MLROS
    >>> from unskew.resampling._multilabel import label_imbalance_ratios
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(100, 3))
    >>> Y = np.zeros((100, 3), dtype=int)
    >>> Y[:, 0] = 1; Y[:20, 1] = 1; Y[:5, 2] = 1
    >>> sampler = MLROS(percentage=0.2, random_state=0)
    >>> X_res, Y_res = sampler.fit_resample(X, Y)
    >>> label_imbalance_ratios(Y).tolist(), round(sampler.mean_imbalance_ratio_, 2)
    ([1.0, 5.0, 20.0], 8.67)

    Only label 2 is a minority label; after 8 clones its IRLbl, 108 / 13, is below MeanIR:

    >>> X_res.shape, round(float(label_imbalance_ratios(Y_res)[2]), 2)
    ((108, 3), 8.31)
    """

    _numeric_X = False

    _parameter_constraints: ClassVar[dict] = {
        "percentage": [Interval(numbers.Real, 0, None, closed="neither",
                                description="a float > 0 (the fraction of rows to add)")],
        "random_state": ["random_state"],
    }

    def __init__(self, *, percentage=0.1, random_state=None):
        self.percentage = percentage
        self.random_state = random_state

    def _resample(self, X, Y, sample_weight):
        rng = check_random_state(self.random_state)
        budget = round(self.percentage * Y.shape[0])
        counts = Y.sum(axis=0).astype(np.float64)
        mean_ir = self.mean_imbalance_ratio_
        bags = {int(label): np.flatnonzero(Y[:, label]) for label in self.minority_labels_}
        clones = []
        while budget > 0 and bags:
            for label in list(bags):
                row = bags[label][rng.randint(bags[label].size)]
                clones.append(row)
                counts += Y[row]
                budget -= 1
                if counts.max() / counts[label] <= mean_ir:
                    del bags[label]
                if budget == 0:
                    break
        self.source_indices_ = np.asarray(clones, dtype=np.intp)
        X_new = X[self.source_indices_] if not isinstance(X, pd.DataFrame) else \
            X.iloc[self.source_indices_]
        w_new = None if sample_weight is None else sample_weight[self.source_indices_]
        return X_new, Y[self.source_indices_], w_new


class MLSMOTE(_MultiLabelResampler):
    """Multi-label SMOTE: synthetic rows for every minority label (Charte et al., 2015).

    For each minority label (IRLbl > MeanIR, both measured once before resampling), every row
    carrying it is a seed: its ``k_neighbors`` nearest rows *among the rows carrying that label*
    are found, one of them is picked at random, and a synthetic row is placed on the segment
    between seed and neighbour, ``x = x_seed + gap * (x_nbr - x_seed)`` with ``gap ~ U(0, 1)``
    (one gap per row as in SMOTE, so each synthetic row lies on that segment; the paper's
    pseudo-code draws a gap per feature, which leaves the segment). Its label set is built
    from the seed and its ``k`` neighbours:

    - ``"ranking"``: the labels carried by more than half of those ``k + 1`` rows (the paper's
      default);
    - ``"union"``: the labels carried by any of them;
    - ``"intersection"``: the labels carried by all of them.

    The minority label itself is always kept (every row of the bag carries it). Each minority
    label thus adds as many rows as it has; the output has the original rows first. A synthetic
    row's ``sample_weight`` is ``w_seed + gap * (w_nbr - w_seed)``.

    Parameters
    ----------
    k_neighbors : int or NearestNeighbors-like object, default=5
        Neighbours per seed, or an object with ``n_neighbors`` and ``kneighbors`` (such as
        :class:`sklearn.neighbors.NearestNeighbors`) to search with.
    label_strategy : {"ranking", "union", "intersection"}, default="ranking"
        How the synthetic label set is built.
    random_state : int, RandomState instance or None, default=None
        Controls the neighbour choice and the gaps.

    Attributes
    ----------
    label_counts_, imbalance_ratios_, mean_imbalance_ratio_, minority_labels_
        As in :class:`MLROS`, measured before resampling.
    seed_indices_, neighbor_indices_ : ndarray of shape (n_synthetic_,)
        The two rows each synthetic row interpolates.
    gaps_ : ndarray of shape (n_synthetic_,)
        The interpolation factor of each synthetic row.
    n_synthetic_ : int
        Rows added.
    n_features_in_ : int
        Number of features seen.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.resampling import MLSMOTE
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(100, 3))
    >>> Y = np.zeros((100, 3), dtype=int)
    >>> Y[:, 0] = 1; Y[:20, 1] = 1; Y[:10, 2] = 1
    >>> sampler = MLSMOTE(k_neighbors=3, random_state=0)
    >>> X_res, Y_res = sampler.fit_resample(X, Y)

    IRLbl is (1, 5, 10) and MeanIR 5.33, so label 2 is the only minority label; each of its 10
    rows seeds one synthetic row, whose neighbours all carry labels 0, 1 and 2:

    >>> sampler.minority_labels_.tolist(), X_res.shape, Y_res.sum(axis=0).tolist()
    ([2], (110, 3), [110, 30, 20])
    """

    _parameter_constraints: ClassVar[dict] = {
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left"),
                        Described(HasMethods(["kneighbors"]), "an object with n_neighbors and "
                                  "kneighbors (e.g. NearestNeighbors)")],
        "label_strategy": [StrOptions(LABEL_STRATEGIES,
                                      description=f"one of {', '.join(LABEL_STRATEGIES)}")],
        "random_state": ["random_state"],
    }

    def __init__(self, *, k_neighbors=5, label_strategy="ranking", random_state=None):
        self.k_neighbors = k_neighbors
        self.label_strategy = label_strategy
        self.random_state = random_state

    def _neighbors(self):
        if isinstance(self.k_neighbors, numbers.Integral):
            return NeighborIndex(n_neighbors=int(self.k_neighbors))
        return clone(self.k_neighbors)

    def _resample(self, X, Y, sample_weight):
        owner = type(self).__name__
        rng = check_random_state(self.random_state)
        index = self._neighbors()
        k = int(index.n_neighbors)
        for label in self.minority_labels_:
            if self.label_counts_[label] <= k:
                raise DataError(
                    f"{owner}: minority label {int(label)} is carried by "
                    f"{self.label_counts_[label]} rows, but k_neighbors={k} needs at least "
                    f"{k + 1}; lower k_neighbors to {max(1, self.label_counts_[label] - 1)} or "
                    "drop that label")
        seeds, nbrs, label_sets = [], [], []
        for label in self.minority_labels_:
            bag = np.flatnonzero(Y[:, label])
            knn = np.asarray(index.fit(X[bag]).kneighbors(return_distance=False))
            bag_knn = bag[knn]
            pick = bag_knn[np.arange(bag.size), rng.randint(k, size=bag.size)]
            # votes of the seed and its k neighbours for every label
            votes = Y[bag].astype(np.int64) + Y[bag_knn].sum(axis=1)
            if self.label_strategy == "ranking":
                chosen = votes > (k + 1) / 2
            elif self.label_strategy == "union":
                chosen = votes > 0
            else:
                chosen = votes == k + 1
            seeds.append(bag)
            nbrs.append(pick)
            label_sets.append(chosen)
        n_features = X.shape[1]
        if not seeds:
            self.seed_indices_ = self.neighbor_indices_ = np.empty(0, dtype=np.intp)
            self.gaps_ = np.empty(0)
            empty = sp.csr_matrix((0, n_features), dtype=X.dtype) if sp.issparse(X) else \
                np.empty((0, n_features), dtype=X.dtype)
            return empty, np.empty((0, Y.shape[1]), dtype=Y.dtype), \
                None if sample_weight is None else np.empty(0)
        self.seed_indices_ = np.concatenate(seeds)
        self.neighbor_indices_ = np.concatenate(nbrs)
        self.gaps_ = rng.uniform(size=self.seed_indices_.size)
        gaps = self.gaps_
        a, b = X[self.seed_indices_], X[self.neighbor_indices_]
        if sp.issparse(X):
            X_new = (a + sp.diags(gaps) @ (b - a)).astype(X.dtype).tocsr()
        else:
            X_new = (a + gaps[:, None] * (b - a)).astype(X.dtype, copy=False)
        Y_new = np.concatenate(label_sets).astype(Y.dtype)
        w_new = None
        if sample_weight is not None:
            ws, wn = sample_weight[self.seed_indices_], sample_weight[self.neighbor_indices_]
            w_new = ws + gaps * (wn - ws)
        return X_new, Y_new, w_new


def _dtype_of(Y_in):
    if isinstance(Y_in, pd.DataFrame):
        return np.int64
    dtype = getattr(Y_in, "dtype", None)
    return dtype if dtype is not None and dtype.kind in "biuf" else np.int64


def _stack_like(original, validated, new):
    """Original rows then new rows, in the type (and DataFrame columns/dtypes) of ``original``."""
    if isinstance(original, pd.DataFrame):
        if not isinstance(new, pd.DataFrame):
            new = pd.DataFrame(sp.csr_matrix(new).toarray() if sp.issparse(new) else new,
                               columns=original.columns)
            new = new.astype(original.dtypes.to_dict())
        return pd.concat([original, new], ignore_index=True)
    if sp.issparse(original) or sp.issparse(validated):
        return sp.vstack([sp.csr_matrix(validated), sp.csr_matrix(new)], format="csr")
    return np.concatenate([validated, new], axis=0)
