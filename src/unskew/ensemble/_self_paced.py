"""Self-paced ensemble (Liu et al., ICDE 2020): hardness-harmonised under-sampling."""

from __future__ import annotations

from numbers import Integral
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from .._utils._validation import Described, HasMethods, Interval, as_python
from ..exceptions import DataError
from ._base import (
    EnsembleParamsMixin,
    MemberAveragingMixin,
    average_member_proba,
    check_classifier,
    seed_estimator,
)

__all__ = ["SelfPacedEnsembleClassifier"]


def self_paced_factor(i: int, n: int) -> float:
    """The self-paced factor ``alpha = tan(i * pi / (2 n))`` of round ``i`` of ``n``.

    It grows from near 0 (bins weighted by ``1 / hardness``: hard rows dominate, the
    trivially easy ones are dropped) to infinity in the last round (every bin weighted
    equally); ``i == n`` returns ``inf`` exactly rather than ``tan``'s 1.6e16.

    Examples
    --------
    >>> round(self_paced_factor(5, 10), 12), self_paced_factor(10, 10)
    (1.0, inf)
    """
    if i >= n:
        return float("inf")
    return float(np.tan(i * np.pi / (2 * n)))


def hardness_bins(hardness, k_bins: int) -> np.ndarray:
    """Bin index (0 .. k_bins - 1) of each row: ``k_bins`` equal-width bins over [min, max].

    Examples
    --------
    >>> hardness_bins([0.0, 0.1, 0.5, 1.0], 4).tolist()
    [0, 0, 2, 3]
    """
    h = np.asarray(hardness, dtype=np.float64)
    low, high = h.min(), h.max()
    if high <= low:
        return np.zeros(h.shape[0], dtype=np.intp)
    width = (high - low) / k_bins
    return np.minimum(((h - low) / width).astype(np.intp), k_bins - 1)


def bin_weights(bin_hardness, bin_sizes, alpha: float) -> np.ndarray:
    """Unnormalised sampling weight ``p_l = 1 / (h_l + alpha)`` of each bin; 0 for empty bins.

    Examples
    --------
    >>> bin_weights([0.0, 0.5, 1.0], [3, 0, 2], 1.0).tolist()
    [1.0, 0.0, 0.5]
    """
    h = np.asarray(bin_hardness, dtype=np.float64)
    filled = np.asarray(bin_sizes) > 0
    if np.isinf(alpha):
        return filled.astype(np.float64)
    weight = np.zeros(h.shape[0], dtype=np.float64)
    weight[filled] = 1.0 / (h[filled] + alpha)
    return weight


def _largest_remainder(share, total):
    """Integers summing to ``total``, each the floor or ceiling of ``share``."""
    base = np.floor(share).astype(np.int64)
    short = int(total - base.sum())
    if short > 0:
        base[np.argsort(-(share - base), kind="stable")[:short]] += 1
    return base


def bin_sample_counts(bin_sizes, weights, n_samples: int) -> np.ndarray:
    """Rows to draw from each bin: ``n_samples * p_l / sum(p)``, rounded, capped by the bin.

    Counts are rounded by largest remainder, so they add up to ``n_samples``. When a bin holds
    fewer rows than its share, it gives all it has and the rest is shared among the other
    bins in proportion to their weights (the paper does not say; this keeps the draw balanced).

    Examples
    --------
    >>> bin_sample_counts([10, 10, 10], [2.0, 1.0, 1.0], 8).tolist()
    [4, 2, 2]
    >>> bin_sample_counts([1, 10, 10], [2.0, 1.0, 1.0], 8).tolist()
    [1, 4, 3]
    """
    sizes = np.asarray(bin_sizes, dtype=np.int64)
    p = np.asarray(weights, dtype=np.float64)
    counts = np.zeros_like(sizes)
    active = (sizes > 0) & (p > 0)
    remaining = min(int(n_samples), int(sizes[active].sum()))
    while remaining > 0 and active.any():
        share = remaining * p[active] / p[active].sum()
        alloc = np.minimum(_largest_remainder(share, remaining), sizes[active] - counts[active])
        counts[active] += alloc
        remaining -= int(alloc.sum())
        active &= counts < sizes
    return counts


def self_paced_under_sample(hardness, n_samples: int, k_bins: int, alpha: float, rng,
                            *, soft: bool = False) -> np.ndarray:
    """Indices of ``n_samples`` rows drawn by self-paced, hardness-harmonised under-sampling.

    Rows are cut into ``k_bins`` equal-width hardness bins; bin ``l`` with mean hardness
    ``h_l`` gets the weight ``p_l = 1 / (h_l + alpha)``. Hard sampling draws
    :func:`bin_sample_counts` rows from each bin without replacement; soft sampling draws
    ``n_samples`` rows without replacement, each row with probability proportional to
    ``p_l / |B_l|`` of its bin (so each bin's expected share is still ``p_l / sum(p)``).

    Examples
    --------
    >>> import numpy as np
    >>> hardness = np.r_[np.zeros(50), np.full(5, 0.9)]
    >>> idx = self_paced_under_sample(hardness, 10, 10, 0.1, np.random.RandomState(0))
    >>> int((hardness[idx] > 0.5).sum())  # the hard bin weighs 1/1.0 vs 1/0.1 for the easy one
    1
    """
    h = np.asarray(hardness, dtype=np.float64)
    bins = hardness_bins(h, k_bins)
    sizes = np.bincount(bins, minlength=k_bins)
    mean_h = np.bincount(bins, weights=h, minlength=k_bins) / np.maximum(sizes, 1)
    weights = bin_weights(mean_h, sizes, alpha)
    if soft:
        row_p = (weights / np.maximum(sizes, 1))[bins]
        n = min(int(n_samples), int((row_p > 0).sum()))
        return np.sort(rng.choice(h.shape[0], size=n, replace=False, p=row_p / row_p.sum()))
    counts = bin_sample_counts(sizes, weights, n_samples)
    picked = [rng.choice(np.flatnonzero(bins == b), size=counts[b], replace=False)
              for b in range(k_bins) if counts[b]]
    return np.sort(np.concatenate(picked)) if picked else np.zeros(0, dtype=np.intp)


class SelfPacedEnsembleClassifier(EnsembleParamsMixin, MemberAveragingMixin, ClassifierMixin, BaseEstimator):
    """Ensemble of members trained on self-paced, hardness-harmonised under-samples.

    A first member ``f_0`` is fitted on a random under-sample (every class cut to the size
    of the smallest). Then, for ``i = 1 .. n_estimators``, the current ensemble
    ``F_i = mean(f_0 .. f_{i-1})`` gives each row of a larger class its hardness
    ``1 - F_i(x)[y]`` (the absolute error of the predicted probability of its true class);
    the rows are cut into ``k_bins`` hardness bins and the class is under-sampled to the
    size of the smallest class, bin ``l`` receiving the share ``p_l / sum(p)`` with
    ``p_l = 1 / (h_l + alpha)``, ``h_l`` the bin's mean hardness and
    ``alpha = tan(i * pi / (2 n))`` the self-paced factor. Early rounds concentrate on hard
    rows and drop the many trivially easy ones; as ``alpha`` grows, the draw moves towards
    equal bins, keeping hard rows from dominating once they are the noise. The smallest
    class is kept whole in every round. The prediction is the mean probability of
    ``f_1 .. f_n`` (Algorithm 1 of Liu et al. 2020).

    Binary as in the paper; multi-class by treating each class larger than the smallest as
    the paper's majority class (its rows' hardness uses the true class's probability).

    Parameters
    ----------
    estimator : classifier with predict_proba, default=None
        The member; None means ``DecisionTreeClassifier()``.
    n_estimators : int, default=10
        Number of members in the ensemble (``n_estimators + 1`` fits, counting ``f_0``).
    k_bins : int >= 1, default=10
        Number of hardness bins.
    soft_resample : bool, default=False
        False draws exactly the rounded per-bin counts; True draws rows with probability
        ``p_l / |B_l|`` instead (the same per-bin shares in expectation).
    random_state : int, RandomState instance or None, default=None
        Seeds the under-samples and the members.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    estimators_ : list of classifiers
        ``f_1 .. f_n``, fitted on labels encoded as ``0 .. n_classes_ - 1``.
    alphas_ : ndarray of shape (n_estimators,)
        The self-paced factor used for each member (the last is ``inf``).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features, when ``X`` has string column names.

    See Also
    --------
    imblearn.ensemble.EasyEnsembleClassifier : members on random balanced under-samples.
    imblearn.ensemble.BalancedRandomForestClassifier : trees on balanced bootstraps.

    Notes
    -----
    ``fit`` takes no ``sample_weight``: the method decides which rows to keep from their
    hardness, and a weight would have no defined role in that draw.

    References
    ----------
    Z. Liu, W. Cao, Z. Gao, J. Bian, H. Chen, Y. Chang, T.-Y. Liu, "Self-paced Ensemble for
    Highly Imbalanced Massive Data Classification", ICDE 2020, pp. 841-852.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from unskew.ensemble import SelfPacedEnsembleClassifier
    >>> from unskew.metrics import balanced_accuracy
    >>> X, y = make_classification(n_samples=1000, weights=[0.95], random_state=0)
    >>> clf = SelfPacedEnsembleClassifier(random_state=0).fit(X, y)
    >>> len(clf.estimators_), float(clf.alphas_[-1])
    (10, inf)
    >>> balanced_accuracy(y, clf.predict(X)) > 0.9
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [None, HasMethods(["fit", "predict"])],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "k_bins": [Interval(Integral, 1, None, closed="left")],
        "soft_resample": [Described("boolean", "True or False")],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, n_estimators=10, k_bins=10, soft_resample=False,
                 random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.k_bins = k_bins
        self.soft_resample = soft_resample
        self.random_state = random_state

    def fit(self, X, y):
        """Fit ``f_0`` and then the ``n_estimators`` self-paced members.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows (numeric).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : SelfPacedEnsembleClassifier
            Fitted.
        """
        self._validate_params()
        owner = type(self).__name__
        n, k_bins = int(self.n_estimators), int(self.k_bins)
        base = check_classifier(owner, self.estimator, DecisionTreeClassifier(),
                                need_proba=True)
        X, y = validate_data(self, X, y, dtype="numeric")
        check_classification_targets(y)
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        self.n_classes_ = n_classes = len(self.classes_)
        if n_classes < 2:
            raise DataError(f"{owner}: y has only one class, {as_python(self.classes_[0])!r}; the "
                            "ensemble needs samples of at least 2 classes.")
        rows = [np.flatnonzero(y_enc == c) for c in range(n_classes)]
        n_min = min(len(r) for r in rows)
        rng = check_random_state(self.random_state)

        def fit_member(subset):
            member = seed_estimator(clone(base), rng)
            return member.fit(X[subset], y_enc[subset])

        # f_0 only seeds the hardness; it is not part of the final ensemble (Algorithm 1)
        first = fit_member(np.concatenate(
            [r if len(r) == n_min else rng.choice(r, n_min, replace=False) for r in rows]))
        proba_sum = average_member_proba([first], X, n_classes)
        self.estimators_, alphas = [], []
        for i in range(1, n + 1):
            alpha = self_paced_factor(i, n)
            current = proba_sum / i
            parts = []
            for c, r in enumerate(rows):
                if len(r) == n_min:
                    parts.append(r)
                    continue
                hardness = 1.0 - current[r, c]
                parts.append(r[self_paced_under_sample(hardness, n_min, k_bins, alpha, rng,
                                                       soft=self.soft_resample)])
            member = fit_member(np.concatenate(parts))
            self.estimators_.append(member)
            alphas.append(alpha)
            proba_sum += average_member_proba([member], X, n_classes)
        self.alphas_ = np.asarray(alphas, dtype=np.float64)
        return self
