"""Random over- and under-sampling: imbalanced-learn's resamplers, carrying ``sample_weight``.

The draws are two small functions of ``(y, quotas, random_state)``, :func:`over_sample_rows`
and :func:`under_sample_rows`, which know nothing of X: a partition of a larger data set can
apply them to its own labels. They make exactly the draws of imbalanced-learn 0.14's
``RandomOverSampler`` and ``RandomUnderSampler``, in the same order, so the rows are the same
seed for seed (the smoothed bootstrap's noise included).
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

import numpy as np
from imblearn.over_sampling import RandomOverSampler as _ImbRandomOverSampler
from imblearn.under_sampling import RandomUnderSampler as _ImbRandomUnderSampler
from scipy import sparse
from sklearn.utils import _safe_indexing, check_array, check_random_state
from sklearn.utils.sparsefuncs import mean_variance_axis

from .._utils._validation import ParameterError, as_python
from ..exceptions import DataError
from ._base import ResamplerParamsMixin, check_sample_weight

__all__ = ["RandomOverSampler", "RandomUnderSampler", "over_sample_rows", "under_sample_rows"]


def over_sample_rows(y, quotas, random_state=None, *, noise_features=None):
    """Rows to copy for each class, drawn uniformly with replacement.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        The labels (of all the data, or of one partition).
    quotas : dict
        ``{class: rows to add}``, in the order the classes are drawn.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.
    noise_features : dict or None, default=None
        ``{class: n_features}`` for the classes that also get standard normal noise (the
        smoothed bootstrap), drawn right after that class's rows as imbalanced-learn does.

    Returns
    -------
    draws : list of (label, rows, noise)
        ``rows`` indexes ``y``; ``noise`` is ``(rows.size, n_features)`` or None.

    Examples
    --------
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> [(int(c), rows.tolist()) for c, rows, _ in over_sample_rows(y, {1: 2}, 0)]
    [(1, [4, 5])]
    """
    y = np.asarray(y)
    rng = check_random_state(random_state)
    noise_features = noise_features or {}
    draws = []
    for label, n_new in quotas.items():
        rows = rng.choice(np.flatnonzero(y == label), size=int(n_new), replace=True)
        noise = None
        if label in noise_features:
            noise = rng.randn(int(n_new), int(noise_features[label]))
        draws.append((label, rows, noise))
    return draws


def under_sample_rows(y, quotas, random_state=None, *, replacement=False):
    """Rows to keep: ``quotas[c]`` rows of each class ``c`` in ``quotas``, all rows of the others.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        The labels (of all the data, or of one partition).
    quotas : dict
        ``{class: rows to keep}``.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.
    replacement : bool, default=False
        Draw with replacement (a row may be kept more than once).

    Returns
    -------
    rows : ndarray of int
        Indices into ``y``, class by class in sorted class order.

    Examples
    --------
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> under_sample_rows(y, {0: 2}, 0).tolist()
    [2, 3, 4, 5]
    """
    y = np.asarray(y)
    rng = check_random_state(random_state)
    parts = [np.empty(0, dtype=np.int64)]
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        if label in quotas:
            rows = rows[rng.choice(range(rows.size), size=int(quotas[label]),
                                   replace=bool(replacement))]
        parts.append(rows)
    return np.concatenate(parts)


class RandomOverSampler(ResamplerParamsMixin, _ImbRandomOverSampler):
    """Over-sample by copying rows drawn at random, or by a smoothed bootstrap.

    imbalanced-learn's ``RandomOverSampler`` (same parameters, defaults, attributes and rows
    for the same ``random_state``), with ``sample_weight`` carried through and unskew's
    parameter messages. Each class ``c`` gets ``n_c`` rows drawn uniformly with replacement
    from its rows. With ``shrinkage`` a copy of ``x`` becomes ``x + h * s * z``, ``z`` standard
    normal, ``s`` the per-feature standard deviation of ``c`` and
    ``h = shrinkage * (4 / ((d + 2) n)) ** (1 / (d + 4))`` (a smoothed bootstrap, ROSE).

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        As in imbalanced-learn: the rows each class should end with.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.
    shrinkage : float, dict or None, default=None
        ``None``: plain copies. A float ``>= 0``: the smoothed bootstrap for every class; a
        dict ``{class: shrinkage}`` for each over-sampled class. X must then be numeric.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    sample_indices_ : ndarray of int
        The row of X each output row comes from (X's rows first).
    shrinkage_ : dict or None
        ``{class: shrinkage}`` in use.
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    ``fit_resample(X, y, sample_weight=w)`` returns ``(X_res, y_res, w_res)``: every output row
    carries the weight of the row it copies (``w[sample_indices_]``), also when it is
    smoothed. Without ``sample_weight`` the output is imbalanced-learn's. The draws are
    :func:`over_sample_rows`, a function of the labels only, which the distributed resamplers
    apply per partition.

    Differences from imbalanced-learn: none, besides ``sample_weight`` and the wording of the
    errors.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.resampling import RandomOverSampler
    >>> X = np.arange(12, dtype=float).reshape(6, 2)
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> X_res, y_res, w_res = RandomOverSampler(random_state=0).fit_resample(
    ...     X, y, sample_weight=np.array([1, 1, 1, 1, 2, 3.0]))
    >>> y_res.tolist(), w_res.tolist()
    ([0, 0, 0, 0, 1, 1, 1, 1], [1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 2.0, 3.0])
    """

    def _fit_resample(self, X, y, sample_weight=None):
        owner = type(self).__name__
        weights = check_sample_weight(sample_weight, X.shape[0], owner)
        self.shrinkage_ = self._check_shrinkage()
        if self.shrinkage_ is not None:
            try:  # the smoothed bootstrap adds noise: numbers only
                X = check_array(X, accept_sparse=["csr", "csc"], dtype="numeric")
            except ValueError as exc:
                raise DataError(f"{owner}: When shrinkage is not None, X needs to contain "
                                f"only numerical data (shrinkage={self.shrinkage!r}: the "
                                "smoothed bootstrap adds noise to it). Encode the categories "
                                "first, or use shrinkage=None.") from exc
        n_samples, n_features = X.shape
        noise = None if self.shrinkage_ is None else dict.fromkeys(self.shrinkage_, n_features)
        draws = over_sample_rows(y, self.sampling_strategy_, self.random_state,
                                 noise_features=noise)
        blocks_X, blocks_y = [X], [y]
        for label, rows, z in draws:
            if z is None:
                blocks_X.append(_safe_indexing(X, rows))
            else:
                blocks_X.append(self._smooth(X, y, label, rows, z))
            blocks_y.append(_safe_indexing(y, rows))
        self.sample_indices_ = np.concatenate(
            [np.arange(n_samples)] + [rows for _, rows, _ in draws]).astype(np.int64)
        if sparse.issparse(X):
            X_res = sparse.vstack(blocks_X, format=X.format)
        else:  # a DataFrame too: imbalanced-learn's fit_resample wraps the result again
            X_res = np.vstack(blocks_X)
        y_res = np.hstack(blocks_y)
        if weights is None:
            return X_res, y_res
        return X_res, y_res, weights[self.sample_indices_]

    def _check_shrinkage(self):
        owner = type(self).__name__
        shrinkage = self.shrinkage
        if shrinkage is None:
            return None
        if isinstance(shrinkage, Real):
            return dict.fromkeys(self.sampling_strategy_, shrinkage)
        if not isinstance(shrinkage, Mapping):  # the constraints allow no other type
            raise ParameterError(f"{owner}: shrinkage must be None, a float or a dict.")
        missing = [c for c in self.sampling_strategy_ if c not in shrinkage]
        if missing:
            raise ParameterError(
                f"{owner}: `shrinkage` should contain a shrinkage factor for each class that "
                f"will be resampled; the missing classes are: {[as_python(c) for c in missing]} "
                f"(it has {[as_python(c) for c in shrinkage]}).")
        for label, factor in shrinkage.items():
            if factor < 0:
                raise ParameterError(f"{owner}: The shrinkage factor needs to be >= 0; got "
                                     f"{factor} for class {as_python(label)!r}.")
        return dict(shrinkage)

    def _smooth(self, X, y, label, rows, noise):
        """imbalanced-learn's smoothed bootstrap of ``label``: copies of ``rows`` plus noise."""
        n_samples, n_features = X.shape
        constant = (4 / ((n_features + 2) * n_samples)) ** (1 / (n_features + 4))
        members = np.flatnonzero(y == label)
        if sparse.issparse(X):
            scale = np.sqrt(mean_variance_axis(X[members, :], axis=0)[1])
        else:
            scale = np.std(X[members, :], axis=0)
        # noise @ diag(h * s), column by column (the same numbers, without the d x d matrix)
        new = noise * (self.shrinkage_[label] * constant * scale) + X[rows, :]
        if sparse.issparse(X):
            return sparse.csr_matrix(np.asarray(new), dtype=X.dtype)
        return new


class RandomUnderSampler(ResamplerParamsMixin, _ImbRandomUnderSampler):
    """Under-sample by keeping rows drawn at random.

    imbalanced-learn's ``RandomUnderSampler`` (same parameters, defaults, attributes and rows
    for the same ``random_state``), with ``sample_weight`` carried through and unskew's
    parameter messages. Each class ``c`` to shrink keeps ``n_c`` of its rows drawn uniformly
    (without replacement unless ``replacement=True``); the output is class by class, in sorted
    class order.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        As in imbalanced-learn: the rows each class should end with.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.
    replacement : bool, default=False
        Draw with replacement.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to keep}``.
    sample_indices_ : ndarray of int
        The row of X each output row is.
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    ``fit_resample(X, y, sample_weight=w)`` returns ``(X_res, y_res, w_res)`` with
    ``w_res = w[sample_indices_]``: kept rows keep their weight. The draws are
    :func:`under_sample_rows`, a function of the labels only, which the distributed resamplers
    apply per partition.

    Differences from imbalanced-learn: none, besides ``sample_weight`` and the wording of the
    errors.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.resampling import RandomUnderSampler
    >>> X = np.arange(12, dtype=float).reshape(6, 2)
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> sampler = RandomUnderSampler(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> y_res.tolist(), sampler.sample_indices_.tolist()
    ([0, 0, 1, 1], [2, 3, 4, 5])
    """

    def _fit_resample(self, X, y, sample_weight=None):
        weights = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        self.sample_indices_ = under_sample_rows(y, self.sampling_strategy_, self.random_state,
                                                 replacement=self.replacement)
        X_res = _safe_indexing(X, self.sample_indices_)
        y_res = _safe_indexing(y, self.sample_indices_)
        if weights is None:
            return X_res, y_res
        return X_res, y_res, weights[self.sample_indices_]
