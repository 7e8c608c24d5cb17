"""``MaskingOverSampler``: over-sample rare classes with copies whose features are partly masked."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from sklearn.utils import check_consistent_length, check_random_state
from sklearn.utils.validation import validate_data

from .._utils._sampling import draw_sources
from .._utils._text import did_you_mean, preview
from .._utils._validation import Interval, ParameterError, StrOptions, check_2d, check_finite
from ..exceptions import DataError
from ._base import ResamplerParamsMixin, check_sample_weight

__all__ = ["MaskingOverSampler"]

FILLS = ("class-values", "noise", "class-median")
# rows x columns of random keys drawn at once when choosing the masked features
_KEYS_PER_CHUNK = 4_000_000


class MaskingOverSampler(ResamplerParamsMixin, BaseOverSampler):
    """Over-sample rare classes with copies of their rows in which a few features are masked.

    Each synthetic row copies a row of its class and replaces a random subset of its features
    (``round(mask_fraction * n_features)`` of them, at least one when ``mask_fraction > 0``),
    a fresh subset for every copy. The label is never changed. A masked value is replaced by

    - ``fill="class-values"``: the value of that feature in a random row of the same class,
      column by column, so categorical values stay valid and every filled value was seen in
      the class;
    - ``fill="noise"``: for numeric features, the copied value plus Gaussian noise with standard
      deviation ``noise_scale`` times the class's standard deviation of that feature (rounded
      for integer columns); non-numeric features fall back to ``"class-values"``;
    - ``fill="class-median"``: the class's median of the feature (its most frequent value for
      non-numeric features).

    Text columns (object columns of a DataFrame named in ``text_columns``) are not masked as a
    whole: in every copy each whitespace-separated token is replaced by ``token_mask`` with
    probability ``token_mask_fraction`` (or dropped when ``token_mask`` is None). Tokens of a
    masked text are re-joined with single spaces; missing texts stay missing.

    Original rows come first, unchanged and in their order, then the synthetic rows class by
    class. A synthetic row carries the ``sample_weight`` of the row it copies.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Rows wanted per class after resampling, as in imbalanced-learn's over-samplers
        (``"auto"``: every class but the majority grows to the majority's size).
    mask_fraction : float in [0, 1], default=0.15
        Share of the (non-text) features masked in each copy. 0 gives plain random
        over-sampling (exact copies, apart from token masking).
    fill : {"class-values", "noise", "class-median"}, default="class-values"
        How a masked value is replaced; see above.
    noise_scale : float >= 0, default=0.1
        Only for ``fill="noise"``: the noise's standard deviation in units of the class's
        per-feature standard deviation.
    text_columns : list of str, optional
        Object columns of a DataFrame ``X`` that hold free text, masked token by token.
    token_mask : str or None, default="[MASK]"
        The token written in place of a masked token; None drops masked tokens instead.
    token_mask_fraction : float in [0, 1], default=0.15
        Probability that a token of a text column is masked.
    random_state : int, RandomState instance or None, default=None
        Controls the copied rows, the masked features and the fill values.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    source_indices_ : ndarray of shape (n_samples_resampled,)
        For each output row, the input row it was copied from (an original row maps to itself).
    n_masked_features_ : int
        Features masked in each synthetic row.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` is a DataFrame with string column names.

    See Also
    --------
    imblearn.over_sampling.RandomOverSampler : Exact copies (``mask_fraction=0``).

    Notes
    -----
    Masking augments in the spirit of feature dropout / masked-token training: the copies stay
    near their source rows and inside the class's observed values, so, unlike interpolation, it
    works unchanged on categorical and text columns.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.resampling import MaskingOverSampler
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(30, 4))
    >>> y = np.array([0] * 25 + [1] * 5)
    >>> X_res, y_res = MaskingOverSampler(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [25, 25]

    Each copy differs from its source row in at most ``n_masked_features_`` features:

    >>> sampler = MaskingOverSampler(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> changed = X_res[30:] != X[sampler.source_indices_[30:]]
    >>> changed.sum(axis=1).max() <= sampler.n_masked_features_ == 1
    True

    Categorical and text columns keep their dtypes:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"amount": [10.0, 12.0, 11.0, 99.0, 95.0, 97.0, 98.0, 96.0],
    ...                    "country": pd.Categorical(["fr", "de", "fr", "us", "us", "ca",
    ...                                               "us", "ca"]),
    ...                    "note": ["late fee", "card lost abroad", "late fee again",
    ...                             "ok", "ok", "ok", "ok", "ok"]})
    >>> labels = pd.Series([1, 1, 1, 0, 0, 0, 0, 0], name="fraud")
    >>> out, out_y = MaskingOverSampler(text_columns=["note"], token_mask_fraction=0.5,
    ...                                 random_state=1).fit_resample(df, labels)
    >>> out.dtypes.astype(str).tolist(), out_y.value_counts().tolist()
    (['float64', 'category', 'object'], [5, 5])
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseOverSampler._parameter_constraints,
        "mask_fraction": [Interval(numbers.Real, 0, 1, closed="both",
                                   description="a float in [0, 1]")],
        "fill": [StrOptions(FILLS, description=f"one of {', '.join(FILLS)}")],
        "noise_scale": [Interval(numbers.Real, 0, None, closed="left",
                                 description="a finite float >= 0")],
        "text_columns": [list, tuple, None],
        "token_mask": [str, None],
        "token_mask_fraction": [Interval(numbers.Real, 0, 1, closed="both",
                                         description="a float in [0, 1]")],
    }

    def __init__(self, *, sampling_strategy="auto", mask_fraction=0.15, fill="class-values",
                 noise_scale=0.1, text_columns=None, token_mask="[MASK]",
                 token_mask_fraction=0.15, random_state=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.mask_fraction = mask_fraction
        self.fill = fill
        self.noise_scale = noise_scale
        self.text_columns = text_columns
        self.token_mask = token_mask
        self.token_mask_fraction = token_mask_fraction
        self.random_state = random_state

    # -- validation ------------------------------------------------------------------------------

    def _check_X_y(self, X, y, accept_sparse=None):
        # like imbalanced-learn's RandomOverSampler: X is not forced to numbers, so categorical
        # and text columns survive; only numeric features must be finite
        owner = type(self).__name__
        check_2d(X, owner)
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if isinstance(X, pd.DataFrame):
            check_consistent_length(X, y)
            validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
            numeric = _numeric_columns(X)
            check_finite(X.loc[:, numeric] if numeric.any() else None, owner,
                         columns=X.columns[numeric])
        else:
            X, y = validate_data(self, X=X, y=y, reset=True, accept_sparse=["csr", "csc"],
                                 dtype=None, ensure_all_finite=False)
            if sp.issparse(X):
                X = X.tocsr()
            elif X.dtype.kind in "US":
                X = X.astype(object)
            if sp.issparse(X) or X.dtype.kind in "fiu":
                check_finite(X, owner)
        _check_over_sampling_dict(self.sampling_strategy, y, owner)
        return X, y, binarize_y

    def _check_params(self, X):
        """What the constraints cannot say: that ``text_columns`` are text columns of ``X``."""
        owner = type(self).__name__
        text = list(self.text_columns or ())
        if text and not isinstance(X, pd.DataFrame):
            raise ParameterError(f"{owner}: text_columns={text!r} needs X as a pandas DataFrame "
                                 f"with those columns; got {type(X).__name__}.")
        columns = [str(c) for c in X.columns] if text else []
        for name in text:
            if str(name) not in columns:
                raise DataError(f"{owner}: text column {name!r} is not a column of X"
                                f"{did_you_mean(str(name), columns)}; X has "
                                f"{preview(columns, 10)}")
            if _numeric_columns(X[[name]]).any():
                raise DataError(f"{owner}: text column {name!r} has numeric dtype "
                                f"{X[name].dtype}; list only columns that hold free text")

    # -- resampling ------------------------------------------------------------------------------

    def _fit_resample(self, X, y, sample_weight=None):
        owner = type(self).__name__
        sample_weight = check_sample_weight(sample_weight, y.shape[0], owner)
        self._check_params(X)
        rng = check_random_state(self.random_state)
        n_features = X.shape[1]
        text = np.zeros(n_features, dtype=bool)
        if self.text_columns:
            text = np.isin(np.asarray(X.columns, dtype=object).astype(str),
                           [str(c) for c in self.text_columns])
        maskable = np.flatnonzero(~text)
        n_masked = 0
        if self.mask_fraction > 0 and maskable.size:
            n_masked = max(1, round(self.mask_fraction * maskable.size))
        self.n_masked_features_ = n_masked

        sources, groups, offset = [], [], 0
        for _, members, drawn in draw_sources(y, self.sampling_strategy_, rng):
            sources.append(drawn)
            groups.append((members, slice(offset, offset + drawn.size)))
            offset += drawn.size
        src = np.concatenate(sources) if sources else np.empty(0, dtype=np.intp)
        plan = _Plan(src, groups, *_choose_masked(src.size, maskable, n_masked, rng))
        # every random draw happens here, so dense, sparse and DataFrame X give the same rows
        for g, (members, _) in enumerate(groups):
            at = plan.entry_group == g
            plan.donor[at] = members[rng.randint(members.size, size=int(at.sum()))]
        if self.fill == "noise":
            plan.noise = rng.standard_normal(plan.rows.size)

        if isinstance(X, pd.DataFrame):
            new = self._fill_frame(X, plan, text, rng)
            X_res = pd.concat([X, new], ignore_index=True)
        elif sp.issparse(X):
            X_res = sp.vstack([X, self._fill_sparse(X, plan)], format=X.format)
        else:
            new = X[src].copy()
            for j in np.unique(plan.cols):
                at = plan.cols == j
                new[plan.rows[at], j] = self._fill_column(X[:, j], plan, at)
            X_res = np.concatenate([X, new], axis=0)
        self.source_indices_ = np.concatenate([np.arange(y.shape[0]), src])
        y_res = y[self.source_indices_]
        if sample_weight is None:
            return X_res, y_res
        return X_res, y_res, sample_weight[self.source_indices_]

    def _fill_column(self, values, plan, at):
        """New values for the masked entries ``at`` (all in one column) of the column ``values``."""
        numeric = values.dtype.kind in "fiu"
        if self.fill == "class-values" or (self.fill == "noise" and not numeric):
            return values[plan.donor[at]]
        out = np.empty(int(at.sum()), dtype=np.float64 if numeric else object)
        entry_group = plan.entry_group[at]
        for g, (members, _) in enumerate(plan.groups):
            hit = entry_group == g
            if not hit.any():
                continue
            if self.fill == "noise":
                scale = self.noise_scale * np.std(values[members].astype(np.float64))
                out[hit] = values[plan.src[plan.rows[at][hit]]] + plan.noise[at][hit] * scale
            elif numeric:
                out[hit] = np.median(values[members].astype(np.float64))
            else:
                out[hit] = pd.Series(values[members]).value_counts(dropna=False).index[0]
        return _cast(out, values.dtype) if numeric else out

    def _fill_frame(self, X, plan, text, rng):
        new = X.iloc[plan.src].reset_index(drop=True)
        numeric = _numeric_columns(X)
        for j in np.unique(plan.cols):
            at = plan.cols == j
            column = X.iloc[:, j]
            values = column.to_numpy(dtype=np.float64 if numeric[j] else object)
            filled = new.iloc[:, j].to_numpy(dtype=values.dtype, copy=True)
            filled[plan.rows[at]] = self._fill_column(values, plan, at)
            if numeric[j] and column.dtype.kind in "iu":
                filled = np.round(filled)
            new.isetitem(j, pd.Series(filled, dtype=column.dtype))
        for j in np.flatnonzero(text):
            masked = [self._mask_tokens(v, rng) for v in new.iloc[:, j].tolist()]
            new.isetitem(j, pd.Series(masked, dtype=X.dtypes.iloc[j]))
        return new

    def _fill_sparse(self, X, plan):
        """The synthetic rows of a CSR ``X``, built as coordinates without densifying."""
        rows, cols = plan.rows, plan.cols
        new = X[plan.src].tocoo()
        n_cols = X.shape[1]
        if self.fill == "class-values":
            values = np.asarray(X[plan.donor, cols], dtype=np.float64).ravel()
        else:
            values = np.empty(rows.size, dtype=np.float64)
            for g, (members, _) in enumerate(plan.groups):
                at = plan.entry_group == g
                if self.fill == "class-median":
                    values[at] = _sparse_column_medians(X[members])[cols[at]]
                else:
                    scale = self.noise_scale * _sparse_column_std(X[members])[cols[at]]
                    copied = np.asarray(X[plan.src[rows[at]], cols[at]]).ravel()
                    values[at] = copied + plan.noise[at] * scale
        # drop the copied entries that were masked, then add the filled ones
        # the masked keys are sorted (rows in order, columns sorted within a row), so a binary
        # search finds them: np.isin on tens of millions of masked cells is 40x slower
        masked_keys = rows.astype(np.int64) * n_cols + cols
        stored_keys = new.row.astype(np.int64) * n_cols + new.col
        keep = np.ones(stored_keys.size, dtype=bool)
        if masked_keys.size:
            at = np.minimum(np.searchsorted(masked_keys, stored_keys), masked_keys.size - 1)
            keep = masked_keys[at] != stored_keys
        nonzero = values != 0
        data = np.concatenate([new.data[keep], _cast(values[nonzero], X.dtype)])
        coords = (np.concatenate([new.row[keep], rows[nonzero]]),
                  np.concatenate([new.col[keep], cols[nonzero]]))
        return sp.csr_matrix((data, coords), shape=new.shape, dtype=X.dtype)

    def _mask_tokens(self, text, rng):
        if not isinstance(text, str):
            return text  # missing stays missing
        tokens = text.split()
        hit = rng.random_sample(len(tokens)) < self.token_mask_fraction
        if self.token_mask is None:
            return " ".join(t for t, h in zip(tokens, hit, strict=True) if not h)
        return " ".join(self.token_mask if h else t for t, h in zip(tokens, hit, strict=True))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags


class _Plan:
    """The random choices behind the synthetic rows, shared by every representation of X.

    ``src[i]`` is the row copied into synthetic row ``i``; entry ``e`` masks column
    ``cols[e]`` of synthetic row ``rows[e]``, whose class is ``groups[entry_group[e]]``;
    ``donor[e]`` is the same-class row lending its value, ``noise[e]`` a standard normal draw.
    """

    def __init__(self, src, groups, rows, cols):
        self.src, self.groups, self.rows, self.cols = src, groups, rows, cols
        row_group = np.empty(src.size, dtype=np.intp)
        for g, (_, positions) in enumerate(groups):
            row_group[positions] = g
        self.entry_group = row_group[rows]
        self.donor = np.empty(rows.size, dtype=np.intp)
        self.noise = None


def _numeric_columns(frame: pd.DataFrame) -> np.ndarray:
    """Which columns are numbers to compute with (bool and categorical columns are not)."""
    return np.array([pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
                     and not isinstance(t, pd.CategoricalDtype) for t in frame.dtypes],
                    dtype=bool)


def _choose_masked(n_rows: int, maskable: np.ndarray, n_masked: int, rng):
    """Row and column positions of ``n_masked`` distinct random columns per row."""
    if n_rows == 0 or n_masked == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    chunk = max(1, _KEYS_PER_CHUNK // maskable.size)
    picked = []
    for start in range(0, n_rows, chunk):
        keys = rng.random_sample((min(chunk, n_rows - start), maskable.size))
        picked.append(np.argpartition(keys, n_masked - 1, axis=1)[:, :n_masked]
                      if n_masked < maskable.size else np.argsort(keys, axis=1))
    # sorted within each row: the sparse path relies on sorted (row, column) keys
    picked = np.sort(np.concatenate(picked), axis=1)
    rows = np.repeat(np.arange(n_rows), n_masked)
    return rows, maskable[picked.ravel()]


def _cast(values: np.ndarray, dtype) -> np.ndarray:
    if np.dtype(dtype).kind in "iu":
        return np.round(values).astype(dtype)
    return values.astype(dtype)


def _sparse_column_std(Xc) -> np.ndarray:
    mean = np.asarray(Xc.mean(axis=0)).ravel()
    mean_sq = np.asarray(Xc.multiply(Xc).mean(axis=0)).ravel()
    return np.sqrt(np.maximum(mean_sq - mean**2, 0.0))


def _sparse_column_medians(Xc) -> np.ndarray:
    """Medians of the columns of a sparse matrix, implicit zeros included."""
    Xc = sp.csc_matrix(Xc)
    n_rows = Xc.shape[0]
    medians = np.zeros(Xc.shape[1])
    for j in np.flatnonzero(np.diff(Xc.indptr)):
        stored = Xc.data[Xc.indptr[j]:Xc.indptr[j + 1]]
        medians[j] = np.median(np.concatenate([stored, np.zeros(n_rows - stored.size)]))
    return medians


def _check_over_sampling_dict(strategy, y, owner: str) -> None:
    """Our message for a dict naming an unknown class or asking an over-sampler to shrink one."""
    if not isinstance(strategy, Mapping):
        return
    labels, counts = np.unique(y, return_counts=True)
    found = dict(zip(labels.tolist(), counts.tolist(), strict=True))
    for cls, wanted in strategy.items():
        if cls not in found:
            raise DataError(f"{owner}: sampling_strategy names class {cls!r}, which is not in y; "
                            f"the classes are {preview(found, 20)}")
        if wanted < found[cls]:
            raise DataError(
                f"{owner}: sampling_strategy asks for {wanted} rows of class {cls!r}, which has "
                f"{found[cls]}; an over-sampler only adds rows, so ask for at least "
                f"{found[cls]} (an under-sampler shrinks a class)")
