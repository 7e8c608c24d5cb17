"""Filters that drop (or relabel) suspicious training rows: per-class outliers and label errors.

Both reuse the detectors of :func:`unskew.diagnose` (``diagnosis/_outliers.py``,
``diagnosis/_label_issues.py``), so a filter removes what the diagnosis reports.
"""

from __future__ import annotations

import numbers
import warnings
from collections import OrderedDict
from typing import ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp
from imblearn.base import BaseSampler
from imblearn.utils import check_target_type
from sklearn.ensemble import IsolationForest
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from .._detect import (
    MIN_CLASS_ROWS,
    centre_distances,
    confident_issues,
    find_outliers,
    out_of_fold_probabilities,
    robust_z,
)
from .._utils._text import preview
from .._utils._validation import (
    Hidden,
    Interval,
    ParameterError,
    StrOptions,
    check_2d,
    check_finite,
)
from ..exceptions import DataError
from ._base import ResamplerParamsMixin, check_sample_weight

__all__ = ["LabelIssueFilter", "OutlierRemoval"]

OUTLIER_METHODS = ("both", "isolation-forest", "centroid")
LABEL_ACTIONS = ("drop", "relabel")
CLASS_CHOICES = ("all", "minority", "not minority", "majority", "not majority")
# diagnose's cut-off on the robust z-score of the distance to the class centre
Z_THRESHOLD = 3.0
# sparse input up to this many cells is densified, so sparse and dense X give the same rows
_MAX_DENSE_CELLS = 20_000_000


def _one_of(options) -> str:
    return f"one of {', '.join(options)}"


# the constraints both filters share
_CLASSES = [StrOptions(CLASS_CHOICES, description=f"{_one_of(CLASS_CHOICES)} or a list of labels"),
            Hidden(list)]
_MIN_CLASS_SIZE = [Interval(numbers.Integral, 1, None, closed="left")]


def resolve_classes(classes, y, owner: str) -> OrderedDict:
    """``{class: rows}`` for the classes a filter may act on (``"minority"``, ``"all"``, ...)."""
    labels, counts = np.unique(y, return_counts=True)
    found = OrderedDict(zip(labels.tolist(), counts.tolist(), strict=True))
    if isinstance(classes, str):  # one of CLASS_CHOICES (the constraint checked it)
        low, high = counts.min(), counts.max()
        keep = {"all": counts > 0, "minority": counts == low, "not minority": counts != low,
                "majority": counts == high, "not majority": counts != high}[classes]
        return OrderedDict((c, n) for (c, n), k in zip(found.items(), keep, strict=True) if k)
    unknown = [c for c in classes if c not in found]
    if unknown:
        raise DataError(f"{owner}: classes names {preview(unknown, 5)}, not in y; the classes "
                        f"are {preview(found, 20)}")
    return OrderedDict((c, found[c]) for c in found if c in set(classes))


def _scaled(X) -> np.ndarray:
    """Features scaled to unit variance (not centred: both detectors ignore shifts)."""
    Z = StandardScaler(with_mean=False).fit_transform(X.astype(np.float64))
    if sp.issparse(Z) and Z.shape[0] * Z.shape[1] <= _MAX_DENSE_CELLS:
        Z = Z.toarray()
    return sp.csr_matrix(Z) if sp.issparse(Z) else Z


def _guard(flagged: np.ndarray, order_key: np.ndarray, y, targets: OrderedDict,
           min_class_size: int, owner: str, verb: str) -> np.ndarray:
    """Unflag rows so that no class loses more than ``rows - min_class_size``; warn when it bites.

    ``order_key`` ranks flagged rows, most certain first; the least certain are spared.
    """
    flagged = flagged.copy()
    spared = []
    for cls, n_rows in targets.items():
        rows = np.flatnonzero(flagged & (y == cls))
        allowed = max(0, n_rows - min_class_size)
        if rows.size > allowed:
            keep = rows[np.argsort(order_key[rows], kind="stable")][allowed:]
            flagged[keep] = False
            spared.append(f"class {cls!r} ({rows.size} flagged of {n_rows}, {allowed} {verb})")
    if spared:
        warnings.warn(f"{owner}: kept the least certain flagged rows so that every class keeps at "
                      f"least min_class_size={min_class_size} rows: {'; '.join(spared)}",
                      UserWarning, stacklevel=4)
    return flagged


class _RowFilter(ResamplerParamsMixin, BaseSampler):
    """What the filters share: input checks, ``classes`` and the ``sample_indices_`` tag."""

    # imbalanced-learn's base reads ``sampling_strategy``; for a "bypass" sampler it only checks
    # that y has two classes. ``_fit_resample`` resolves ``classes`` into ``sampling_strategy_``.
    _sampling_type = "bypass"

    @property
    def sampling_strategy(self):
        """The ``classes`` parameter, under the name imbalanced-learn's base reads."""
        return self.classes

    def _check_X_y(self, X, y, accept_sparse=None):
        owner = type(self).__name__
        check_2d(X, owner)
        columns = X.columns if isinstance(X, pd.DataFrame) else None
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        # finiteness is checked here, so that the message names the column
        X, y = validate_data(self, X=X, y=y, reset=True, accept_sparse=["csr", "csc"],
                             ensure_all_finite=False)
        check_finite(X, owner, columns=columns)
        return X, y, binarize_y

    def _check_common(self, y):
        owner = type(self).__name__
        self.sampling_strategy_ = resolve_classes(self.classes, y, owner)
        return self.sampling_strategy_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags


class OutlierRemoval(_RowFilter):
    """Drop rows that look unlike the rest of their own class.

    The detectors are those of :func:`unskew.diagnose`, run on each targeted class separately
    after scaling every feature to unit variance: an :class:`~sklearn.ensemble.IsolationForest`
    fitted on the class (256 rows per tree) and the robust z-score of the distance to the
    class's median point (mean point for large sparse X). With ``contamination="auto"`` a row
    is an outlier when the forest's own threshold flags it (``"isolation-forest"``), when its
    z-score exceeds 3 (``"centroid"``), or when both hold (``"both"``, what the diagnosis
    lists); with a float, the given share of each class with the highest scores is flagged.
    The forest alone at ``"auto"`` is loose (on Gaussian classes it flags about one row in ten);
    requiring both detectors keeps clear outliers and spares ordinary tail rows.

    Guards: a class with fewer than 10 rows is not judged ("unusual" needs a notion of usual),
    and no class drops below ``min_class_size`` rows (the least outlying flagged rows are kept,
    with a ``UserWarning``), so a class is never emptied and SMOTE's default 5 neighbours
    still fit after filtering.

    Parameters
    ----------
    method : {"both", "isolation-forest", "centroid"}, default="both"
        Which detector decides; ``"both"`` flags the rows both detectors agree on.
    contamination : "auto" or float in (0, 0.5], default="auto"
        ``"auto"``: each detector's own threshold; a float: the share of each judged class to
        flag (for ``"both"``, each detector flags that share and the rows both flag are
        dropped).
    classes : {"all", "minority", "not minority", "majority", "not majority"} or list, \
default="all"
        The classes whose outliers are dropped (``"minority"``: the smallest class).
    min_class_size : int >= 1, default=6
        No class is left with fewer rows than this (or than it had, if fewer).
    random_state : int, RandomState instance or None, default=None
        Seeds the forests.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows before filtering}`` for the targeted classes.
    outlier_mask_ : ndarray of bool, shape (n_samples,)
        Rows the detector flagged, including any the guard kept.
    sample_indices_ : ndarray of shape (n_samples_kept,)
        Kept rows, in their original order.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.

    See Also
    --------
    unskew.diagnose : Reports the same outliers without dropping them.
    LabelIssueFilter : Drops or relabels suspected label errors.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.resampling import OutlierRemoval
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(0, 1, (80, 2)), rng.normal(5, 1, (20, 2)), [[30.0, 30.0]]])
    >>> y = np.array([0] * 80 + [1] * 21)
    >>> filt = OutlierRemoval(random_state=0)
    >>> X_res, y_res = filt.fit_resample(X, y)
    >>> bool(filt.outlier_mask_[100]), 100 in filt.sample_indices_
    (True, False)
    """

    _parameter_constraints: ClassVar[dict] = {
        "method": [StrOptions(OUTLIER_METHODS, description=_one_of(OUTLIER_METHODS))],
        "contamination": [StrOptions(("auto",)),
                          Interval(numbers.Real, 0, 0.5, closed="right",
                                   description="a float in (0, 0.5]")],
        "classes": _CLASSES,
        "min_class_size": _MIN_CLASS_SIZE,
        "random_state": ["random_state"],
    }

    def __init__(self, *, method="both", contamination="auto", classes="all", min_class_size=6,
                 random_state=None):
        self.method = method
        self.contamination = contamination
        self.classes = classes
        self.min_class_size = min_class_size
        self.random_state = random_state

    def _fit_resample(self, X, y, sample_weight=None):
        owner = type(self).__name__
        sample_weight = check_sample_weight(sample_weight, y.shape[0], owner)
        targets = self._check_common(y)
        rng = check_random_state(self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=len(targets))
        Z = _scaled(X)
        flagged = np.zeros(y.shape[0], dtype=bool)
        # larger = more outlying; only compared within a class
        score = np.zeros(y.shape[0])
        for (cls, _), seed in zip(targets.items(), seeds, strict=True):
            members = np.flatnonzero(y == cls)
            if members.size < MIN_CLASS_ROWS:
                continue
            hits, member_score = self._detect(Z, members, int(seed))
            flagged[members[hits]] = True
            score[members] = member_score
        self.outlier_mask_ = flagged
        dropped = _guard(flagged, -score, y, targets, self.min_class_size, owner, "dropped")
        self.sample_indices_ = np.flatnonzero(~dropped)
        X_res = X[self.sample_indices_]
        if sample_weight is None:
            return X_res, y[self.sample_indices_]
        return X_res, y[self.sample_indices_], sample_weight[self.sample_indices_]

    def _detect(self, Z, members, seed):
        """Flags and an outlyingness score for the rows of one class."""
        if self.method == "both" and self.contamination == "auto":
            # exactly the diagnosis' rule; it lists flagged rows farthest from the centre first
            (_, _, _, listed), = find_outliers(Z, [members], z_threshold=Z_THRESHOLD,
                                               max_listed=members.size, seeds=np.array([seed]))
            hits = np.isin(members, listed)
            rank = np.zeros(members.size)
            rank[np.searchsorted(members, listed)] = np.arange(listed.size, 0, -1)
            return hits, rank
        Zc = Z[members]
        z = robust_z(centre_distances(Zc))
        if self.method != "centroid":
            forest = IsolationForest(max_samples=min(256, members.size),
                                     contamination=self.contamination, random_state=seed)
            by_forest = forest.fit(Zc).predict(Zc) == -1
            if self.method == "isolation-forest":
                return by_forest, -forest.score_samples(Zc)
        if self.contamination == "auto":
            by_distance = z > Z_THRESHOLD
        else:
            n_flag = int(np.floor(self.contamination * members.size))
            by_distance = np.zeros(members.size, dtype=bool)
            by_distance[np.argsort(-z, kind="stable")[:n_flag]] = True
        if self.method == "centroid":
            return by_distance, z
        return by_forest & by_distance, z


class LabelIssueFilter(_RowFilter):
    """Drop or relabel rows whose label an out-of-fold model confidently contradicts.

    Confident learning (Northcutt, Jiang & Chuang, JAIR 2021), exactly as
    :func:`unskew.diagnose` reports it: a model is cross-validated on the training rows
    (``cv`` stratified folds), so every row gets class probabilities from a model that never
    saw it. Class ``j``'s threshold is the mean probability of ``j`` over the rows labelled
    ``j``; a row labelled ``i`` is flagged when another class reaches its threshold and is more
    probable than ``i``, and its suggested label is the most probable class at or above its
    threshold. Flagged rows are dropped (``action="drop"``) or given the suggested label
    (``action="relabel"``). This corrects labels by evidence; it never relabels rare rows as
    common ones wholesale.

    Guard: no class loses rows below ``min_class_size`` (relabelled rows count as lost by their
    old class); the most confidently flagged rows are acted on first, the others kept as they
    are, with a ``UserWarning``. A rare class is therefore never wiped out.

    Inside an imbalanced-learn :class:`~imblearn.pipeline.Pipeline` the filter runs only in
    ``fit``, on the training fold: its cross-validation happens inside that fold, and test rows
    are never dropped or relabelled.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, optional
        The out-of-fold model. By default the diagnosis' choice: regularised gradient-boosted
        trees on dense data with at most 10 classes, a logistic regression otherwise.
    cv : int >= 2, default=5
        Stratified folds.
    action : {"drop", "relabel"}, default="drop"
        What happens to a flagged row.
    threshold : float in [0, 1] or None, default=None
        If given, a flagged row is acted on only when the out-of-fold probability of its
        suggested label is at least this (a stricter filter); None acts on every flagged row.
    classes : {"all", "minority", "not minority", "majority", "not majority"} or list, \
default="all"
        Only rows *labelled* with these classes are dropped or relabelled.
    min_class_size : int >= 1, default=6
        No class is left with fewer rows than this (or than it had, if fewer).
    random_state : int, RandomState instance or None, default=None
        Seeds the folds and the default model.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows before filtering}`` for the targeted classes.
    issue_mask_ : ndarray of bool, shape (n_samples,)
        Rows dropped or relabelled.
    suggested_labels_ : ndarray of shape (n_samples,)
        The confidently suggested label of each row the confident-joint rule flags (before
        ``threshold``, ``classes`` and the guard); the given label elsewhere.
    thresholds_ : dict
        ``{class: per-class confidence threshold}``.
    sample_indices_ : ndarray of shape (n_samples_kept,)
        Kept rows in their original order (all rows for ``"relabel"``).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.

    See Also
    --------
    unskew.diagnose : Reports the same suspected label errors without acting on them.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from unskew.resampling import LabelIssueFilter
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(-2, 1, (60, 2)), rng.normal(2, 1, (40, 2))])
    >>> y = np.array([0] * 60 + [1] * 40)
    >>> flipped = np.argsort(X[:60].sum(axis=1))[:3]  # three rows deep inside class 0 ...
    >>> y[flipped] = 1  # ... labelled 1
    >>> filt = LabelIssueFilter(estimator=LogisticRegression(), action="relabel", random_state=0)
    >>> X_res, y_res = filt.fit_resample(X, y)
    >>> y_res[flipped].tolist(), bool(filt.issue_mask_[flipped].all())
    ([0, 0, 0], True)
    """

    _parameter_constraints: ClassVar[dict] = {
        # None or a classifier with predict_proba: checked in fit, naming its class
        "estimator": "no_validation",
        "cv": [Interval(numbers.Integral, 2, None, closed="left")],
        "action": [StrOptions(LABEL_ACTIONS, description=_one_of(LABEL_ACTIONS))],
        "threshold": [Interval(numbers.Real, 0, 1, closed="both",
                               description="a float in [0, 1]"), None],
        "classes": _CLASSES,
        "min_class_size": _MIN_CLASS_SIZE,
        "random_state": ["random_state"],
    }

    def __init__(self, *, estimator=None, cv=5, action="drop", threshold=None, classes="all",
                 min_class_size=6, random_state=None):
        self.estimator = estimator
        self.cv = cv
        self.action = action
        self.threshold = threshold
        self.classes = classes
        self.min_class_size = min_class_size
        self.random_state = random_state

    def _check_params(self, y):
        owner = type(self).__name__
        if self.estimator is not None and not hasattr(self.estimator, "predict_proba"):
            raise ParameterError(f"{owner}: estimator {type(self.estimator).__name__} has no "
                                 "predict_proba; pass a probabilistic classifier (or None for the "
                                 "default model)")
        largest = np.unique(y, return_counts=True)[1].max()
        if largest < self.cv:
            raise DataError(f"{owner}: cv={self.cv} folds need a class with at least {self.cv} "
                            f"rows, but the largest class has {largest}; lower cv")

    def _fit_resample(self, X, y, sample_weight=None):
        owner = type(self).__name__
        sample_weight = check_sample_weight(sample_weight, y.shape[0], owner)
        self._check_params(y)
        targets = self._check_common(y)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        classes, codes = np.unique(y, return_inverse=True)
        Z = _scaled(X)
        proba, _ = out_of_fold_probabilities(Z, codes, classes.size, cv=self.cv, seed=seed,
                                             model=self.estimator)
        flagged, suggested, thresholds = confident_issues(proba, codes)
        self.suggested_labels_ = np.where(flagged, classes[suggested], y)
        rows = np.arange(y.shape[0])
        confidence = proba[rows, suggested]
        if self.threshold is not None:
            flagged &= confidence >= self.threshold
        flagged &= np.isin(y, list(targets))
        verb = "dropped" if self.action == "drop" else "relabelled"
        flagged = _guard(flagged, -confidence, y, targets, self.min_class_size, owner, verb)
        self.issue_mask_ = flagged
        self.thresholds_ = dict(zip(classes.tolist(), thresholds.tolist(), strict=True))
        if self.action == "relabel":
            self.sample_indices_ = rows
            y_res = y.copy()
            y_res[flagged] = classes[suggested[flagged]]
            X_res = X
        else:
            self.sample_indices_ = np.flatnonzero(~flagged)
            X_res, y_res = X[self.sample_indices_], y[self.sample_indices_]
        if sample_weight is None:
            return X_res, y_res
        return X_res, y_res, sample_weight[self.sample_indices_]
