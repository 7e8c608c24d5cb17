"""``WeightedSelection``: draw training rows with probability proportional to their class weight."""

from __future__ import annotations

import numbers
from collections import OrderedDict
from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pandas as pd
from imblearn.base import BaseSampler
from imblearn.utils import check_target_type
from sklearn.utils import check_consistent_length, check_random_state
from sklearn.utils.validation import validate_data

from .._utils._text import preview
from .._utils._validation import Hidden, Interval, ParameterError, StrOptions, check_2d
from ..exceptions import DataError
from ..weights import WEIGHTING_METHODS, class_weights
from ._base import ResamplerParamsMixin, check_sample_weight

__all__ = ["WeightedSelection"]


class WeightedSelection(ResamplerParamsMixin, BaseSampler):
    """Draw rows at random, each with probability proportional to its class's weight.

    The class weights ``w_c`` come from :func:`unskew.weights.class_weights` (or a dict), so a
    weighting means the same here as in ``class_weight=`` and the torch losses. A draw picks
    row ``i`` with probability ``w_{y_i} / sum_j w_{y_j}``; with ``n_c`` rows in class ``c``
    and ``n_samples`` draws, the expected count of class ``c`` is therefore

        ``E[count_c] = n_samples * n_c * w_c / sum_k n_k * w_k``.

    Since unskew's weightings are normalised to ``sum_k n_k * w_k = N``:

    - ``"balanced"`` (``w_c ~ 1 / n_c``): every class is expected ``n_samples / C`` times;
    - ``"inverse_sqrt"`` (``w_c ~ 1 / sqrt(n_c)``): class shares ``~ sqrt(n_c)``, half-way (in
      log scale) between the data's shares and balance;
    - ``"effective_number"`` (Cui et al., 2019): shares ``~ n_c * (1 - beta) / (1 - beta^n_c)``,
      with unskew's default ``beta=0.999``, near balance for small classes and near the data's
      shares for large ones;
    - ``"capped"``: ``"balanced"`` with weights at most 10 times apart;
    - a dict ``{class: weight}``: shares ``~ n_c * w_c`` (a weight of 0 leaves the class out).

    Rare rows are drawn many times and common rows are left out, so this both over- and
    under-samples. ``expected_counts_`` holds the formula's values and ``sampling_strategy_``
    the counts drawn. Without replacement a row is drawn at most once and a class cannot give
    more rows than it has, so the shares then follow the weights only while ``n_samples`` is
    small next to the weighted classes.

    Output rows are the drawn input rows in their original order (repeats side by side); each
    keeps its ``sample_weight``.

    Parameters
    ----------
    weights : {"balanced", "effective_number", "inverse_sqrt", "capped"} or dict, \
default="balanced"
        The weighting (see :func:`unskew.weights.class_weights`), or ``{class: weight >= 0}``
        naming every class.
    n_samples : int >= 1, optional
        Rows to draw; by default as many as ``X`` has.
    replacement : bool, default=True
        Draw with replacement (a row can appear several times).
    random_state : int, RandomState instance or None, default=None
        Controls the draw.

    Attributes
    ----------
    class_weights_ : dict
        ``{class: weight}`` used.
    expected_counts_ : dict
        ``{class: expected rows}`` with replacement (the formula above).
    sampling_strategy_ : dict
        ``{class: rows drawn}``.
    sample_indices_ : ndarray of shape (n_samples,)
        Input rows drawn, sorted.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.

    See Also
    --------
    unskew.weights.class_weights : The weightings.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.resampling import WeightedSelection
    >>> X = np.arange(200).reshape(-1, 1)
    >>> y = np.array([0] * 180 + [1] * 20)
    >>> selection = WeightedSelection(random_state=0)
    >>> X_res, y_res = selection.fit_resample(X, y)
    >>> selection.expected_counts_
    {0: 100.0, 1: 100.0}
    >>> len(y_res), bool(abs(int((y_res == 1).sum()) - 100) < 25)
    (200, True)
    """

    # imbalanced-learn's base reads ``sampling_strategy``; for a "bypass" sampler it only checks
    # that y has two classes. The draw decides the counts, stored in ``sampling_strategy_``.
    _sampling_type = "bypass"
    sampling_strategy = "all"

    _parameter_constraints: ClassVar[dict] = {
        # a dict's classes and weights are checked against y in fit
        "weights": [StrOptions(WEIGHTING_METHODS,
                               description=f"one of {', '.join(WEIGHTING_METHODS)} or a dict"),
                    Hidden(Mapping)],
        "n_samples": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "replacement": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, *, weights="balanced", n_samples=None, replacement=True,
                 random_state=None):
        self.weights = weights
        self.n_samples = n_samples
        self.replacement = replacement
        self.random_state = random_state

    def _check_X_y(self, X, y, accept_sparse=None):
        # rows are only copied, so like imbalanced-learn's random samplers X may hold strings
        # and missing values
        check_2d(X, type(self).__name__)
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if isinstance(X, pd.DataFrame):
            check_consistent_length(X, y)
            validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        else:
            X, y = validate_data(self, X=X, y=y, reset=True, accept_sparse=["csr", "csc"],
                                 dtype=None, ensure_all_finite=False)
        return X, y, binarize_y

    def _class_weights(self, y) -> dict:
        owner = type(self).__name__
        if isinstance(self.weights, str):
            return class_weights(y, self.weights)
        labels = np.unique(y).tolist()
        unknown = [c for c in self.weights if c not in labels]
        missing = [c for c in labels if c not in self.weights]
        if unknown or missing:
            raise DataError(
                f"{owner}: weights must name exactly the classes of y ({preview(labels, 20)}); "
                + (f"not in y: {preview(unknown, 5)}" if unknown else "")
                + ("; " if unknown and missing else "")
                + (f"missing: {preview(missing, 5)} (give 0 to leave a class out)"
                   if missing else ""))
        weights = {c: float(self.weights[c]) for c in labels}
        bad = {c: w for c, w in weights.items() if not (np.isfinite(w) and w >= 0)}
        if bad:
            raise ParameterError(f"The 'weights' parameter of {owner} must map every class to a "
                                 f"finite weight >= 0; got {bad}.")
        if not any(weights.values()):
            raise ParameterError(f"The 'weights' parameter of {owner} gives every class weight 0; "
                                 "at least one class needs a positive weight.")
        return weights

    def _fit_resample(self, X, y, sample_weight=None):
        owner = type(self).__name__
        sample_weight = check_sample_weight(sample_weight, y.shape[0], owner)
        n_rows = y.shape[0]
        n_samples = n_rows if self.n_samples is None else int(self.n_samples)
        weights = self._class_weights(y)
        labels, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
        per_class = np.array([weights[c] for c in labels.tolist()])
        p = per_class[codes.reshape(-1)]
        p /= p.sum()
        if not self.replacement and n_samples > np.count_nonzero(p):
            raise DataError(f"{owner}: n_samples={n_samples} rows cannot be drawn without "
                            f"replacement from {np.count_nonzero(p)} rows of positive weight; "
                            "lower n_samples or set replacement=True")
        rng = check_random_state(self.random_state)
        drawn = np.sort(rng.choice(n_rows, size=n_samples, replace=self.replacement, p=p))
        self.class_weights_ = weights
        shares = counts * per_class / (counts * per_class).sum()
        self.expected_counts_ = dict(zip(labels.tolist(), (n_samples * shares).tolist(),
                                         strict=True))
        self.sampling_strategy_ = OrderedDict(zip(
            labels.tolist(), np.bincount(codes[drawn], minlength=labels.size).tolist(),
            strict=True))
        self.sample_indices_ = drawn
        X_res = X.iloc[drawn] if isinstance(X, pd.DataFrame) else X[drawn]
        if sample_weight is None:
            return X_res, y[drawn]
        return X_res, y[drawn], sample_weight[drawn]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.sampler_tags.sample_indices = True
        return tags
