"""SMOTEBagging (Wang and Yao, CIDM 2009): bags that mix bootstrap copies and SMOTE rows."""

from __future__ import annotations

from numbers import Integral
from typing import ClassVar

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from .._utils._validation import HasMethods, Interval, as_python
from ..exceptions import DataError
from ..resampling import SMOTE
from ._base import (
    EnsembleParamsMixin,
    MemberAveragingMixin,
    check_classifier,
    check_smote_classes,
    seed_estimator,
)

__all__ = ["SMOTEBaggingClassifier"]


def bag_resampling_rate(bag: int) -> int:
    """The resampling rate ``b`` (a percentage) of bag number ``bag`` (0-based).

    ``b`` starts at 10 and grows by 10 with every bag up to 100, then starts again at 10
    (Wang and Yao 2009), so consecutive bags mix copies and SMOTE rows differently.

    Examples
    --------
    >>> [bag_resampling_rate(i) for i in (0, 1, 9, 10)]
    [10, 20, 100, 10]
    """
    return 10 * (bag % 10 + 1)


def bag_class_counts(counts, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of each class in a bag: ``(bootstrap copies, SMOTE rows)``.

    Every class is brought to ``N``, the size of the largest class. The largest class is a
    bootstrap of ``N`` rows; any other class gets ``round(rate% * N)`` bootstrap copies of
    its own rows and ``N - round(rate% * N)`` SMOTE rows.

    Parameters
    ----------
    counts : array-like of int, shape (n_classes,)
        Rows per class in the training data.
    rate : int in [10, 100]
        The bag's resampling rate ``b``, in percent.

    Returns
    -------
    copies, synthetic : ndarray of int, shape (n_classes,)

    Examples
    --------
    >>> copies, synthetic = bag_class_counts([100, 20, 7], rate=30)
    >>> copies.tolist(), synthetic.tolist()
    ([100, 30, 30], [0, 70, 70])
    """
    counts = np.asarray(counts, dtype=np.int64)
    n_max = int(counts.max())
    # round half up: 25% of 10 rows gives 3, not numpy's banker's 2
    n_copies = int(np.floor(rate * n_max / 100 + 0.5))
    copies = np.where(counts == n_max, n_max, n_copies)
    return copies, n_max - copies


class SMOTEBaggingClassifier(EnsembleParamsMixin, MemberAveragingMixin, ClassifierMixin, BaseEstimator):
    """Bagging in which every bag brings each class to the size of the largest one.

    Bag ``t`` (0-based) has a resampling rate ``b = 10 * (t mod 10 + 1)`` percent. Let ``N``
    be the size of the largest class. The largest class enters the bag as a bootstrap sample
    of ``N`` rows; every other class as ``b% * N`` rows drawn with replacement from its own
    rows plus ``(100 - b)% * N`` SMOTE rows built from its rows (Wang and Yao 2009). Low rates
    give bags rich in synthetic rows, high rates bags of copies: varying ``b`` makes the
    members diverse. The members' probabilities are averaged.

    Works for binary and multi-class problems (the paper defines the bags for any number of
    minority classes).

    Parameters
    ----------
    estimator : classifier, default=None
        The member; None means ``DecisionTreeClassifier()`` (the paper bags C4.5 trees).
    n_estimators : int, default=10
        Number of bags; 10 covers every rate from 10% to 100% once.
    k_neighbors : int >= 1, default=5
        Neighbours of SMOTE; every class smaller than the largest needs ``k_neighbors + 1``
        rows.
    random_state : int, RandomState instance or None, default=None
        Seeds the bootstraps, SMOTE and the members.
    n_jobs : int or None, default=None
        Bags fitted in parallel by joblib (None means 1 unless in a joblib context).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    estimators_ : list of classifiers
        The fitted members, trained on labels encoded as ``0 .. n_classes_ - 1``.
    resampling_rates_ : ndarray of shape (n_estimators,)
        The rate ``b`` (percent) of each bag.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features, when ``X`` has string column names.

    See Also
    --------
    imblearn.ensemble.BalancedBaggingClassifier : bags balanced by a resampler (under-sampling
        by default).

    Notes
    -----
    ``fit`` takes no ``sample_weight``: each bag is already a weighted draw (copies and
    interpolations) chosen by the method, and repeating a row would change SMOTE's
    neighbourhoods, so weights would not mean "this row counts twice".

    References
    ----------
    S. Wang, X. Yao, "Diversity analysis on imbalanced data sets by using ensemble models",
    IEEE Symposium on Computational Intelligence and Data Mining (CIDM), 2009, pp. 324-331.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from unskew.ensemble import SMOTEBaggingClassifier
    >>> from unskew.metrics import balanced_accuracy
    >>> X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
    >>> clf = SMOTEBaggingClassifier(random_state=0).fit(X, y)
    >>> clf.resampling_rates_.tolist()
    [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    >>> balanced_accuracy(y, clf.predict(X)) > 0.9
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": [None, HasMethods(["fit", "predict"])],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [None, Integral],
    }

    def __init__(self, estimator=None, *, n_estimators=10, k_neighbors=5, random_state=None,
                 n_jobs=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.k_neighbors = k_neighbors
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Fit one member per bag.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows (dense, numeric).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : SMOTEBaggingClassifier
            Fitted.
        """
        self._validate_params()
        owner = type(self).__name__
        n_bags, k = int(self.n_estimators), int(self.k_neighbors)
        base = check_classifier(owner, self.estimator, DecisionTreeClassifier())
        X, y = validate_data(self, X, y, dtype="numeric")
        check_classification_targets(y)
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        if self.n_classes_ < 2:
            raise DataError(f"{owner}: y has only one class, {as_python(self.classes_[0])!r}; bagging "
                            "for imbalance needs samples of at least 2 classes.")
        counts = np.bincount(y_enc)
        rates = np.array([bag_resampling_rate(t) for t in range(n_bags)])
        needs_smote = (counts < counts.max()) & bool((rates < 100).any())
        check_smote_classes(owner, self.classes_, counts, k, needs_smote)

        rng = check_random_state(self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=n_bags)
        self.estimators_ = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_bag)(clone(base), X, y_enc, counts, int(rate), k, int(seed))
            for rate, seed in zip(rates, seeds, strict=True)
        )
        self.resampling_rates_ = rates
        return self


def make_bag(X, y, counts, rate, k_neighbors, rng):
    """Draw one SMOTEBagging bag; returns ``(X_bag, y_bag)`` (labels encoded 0..K-1)."""
    copies, synthetic = bag_class_counts(counts, rate)
    parts = [rng.choice(np.flatnonzero(y == c), size=copies[c], replace=True)
             for c in range(len(counts))]
    X_bag, y_bag = X[np.concatenate(parts)], y[np.concatenate(parts)]
    if synthetic.any():
        # SMOTE grows each class by its share of synthetic rows; keep only the new rows
        strategy = {c: int(counts[c] + synthetic[c]) for c in range(len(counts)) if synthetic[c]}
        smote = SMOTE(sampling_strategy=strategy, k_neighbors=k_neighbors,
                      random_state=rng.randint(np.iinfo(np.int32).max))
        X_res, y_res = smote.fit_resample(X, y)
        X_bag = np.vstack([X_bag, X_res[X.shape[0]:]])
        y_bag = np.concatenate([y_bag, y_res[X.shape[0]:]])
    return X_bag, y_bag


def _fit_bag(estimator, X, y, counts, rate, k_neighbors, seed):
    rng = np.random.RandomState(seed)
    X_bag, y_bag = make_bag(X, y, counts, rate, k_neighbors, rng)
    return seed_estimator(estimator, rng).fit(X_bag, y_bag)
