"""SMOTE for categorical columns: SMOTE-NC (mixed) and SMOTE-N (all categorical).

Neither one-hot encodes the table (imbalanced-learn's SMOTENC does, which needs memory per
category level). Categories become integer codes once; the distances are computed directly, in
row blocks, on the class being over-sampled only.
"""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np
import pandas as pd
from imblearn.utils import check_sampling_strategy, check_target_type
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, label_binarize
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.sparsefuncs import mean_variance_axis
from sklearn.utils.validation import validate_data

from .._utils._validation import (
    Described,
    HasMethods,
    ParameterError,
    StrOptions,
    as_python,
    check_2d,
    check_finite,
)
from ..exceptions import DataError
from ._base import check_sample_weight
from ._smote_base import BaseSMOTE, _Job, doc

__all__ = ["SMOTEN", "SMOTENC"]

# float64 entries of one block of the distance computation (32 MiB)
_BLOCK_ELEMENTS = 1 << 22


def _is_frame(X) -> bool:
    return isinstance(X, pd.DataFrame)


def _is_categorical_dtype(dtype) -> bool:
    return dtype == np.dtype(object) or isinstance(dtype, pd.CategoricalDtype) or str(dtype) in ("string", "str")


def _column(X, j):
    return X.iloc[:, j] if _is_frame(X) else X[:, j]


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """Rows that hold every category of every column at least once (first occurrences)."""
    return np.unique(np.concatenate(
        [np.unique(codes[:, j], return_index=True)[1] for j in range(codes.shape[1])]))


def _encode(X, columns) -> tuple[np.ndarray, list]:
    """Integer codes (n, len(columns)) and each column's sorted categories."""
    codes = np.empty((X.shape[0], len(columns)), dtype=np.int32)
    categories = []
    for out, j in enumerate(columns):
        codes[:, out], uniques = pd.factorize(_column(X, j), sort=True, use_na_sentinel=False)
        categories.append(uniques)
    return codes, categories


def _in_encoder_order(codes, categories, encoder):
    """Codes renumbered so that they follow the fitted one-hot encoder's categories.

    Categories the encoder does not list (an encoder ignoring unknown values) come last.
    """
    listed = getattr(encoder, "categories_", None)
    if listed is None:
        return codes, categories
    codes = codes.copy()
    ordered = []
    for j, (ours, theirs) in enumerate(zip(categories, listed, strict=True)):
        position = pd.Index(theirs).get_indexer(pd.Index(ours)).astype(np.float64)
        position[position < 0] = len(theirs) + np.flatnonzero(position < 0)
        rank = np.argsort(np.argsort(position, kind="stable"), kind="stable")
        codes[:, j] = rank[codes[:, j]]
        ordered.append(ours.take(np.argsort(rank)) if hasattr(ours, "take")
                       else np.asarray(ours)[np.argsort(rank)])
    return codes, ordered


def _smallest_distances(dist_block: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the k smallest entries of each row, nearest first (ties: lower index)."""
    part = np.argpartition(dist_block, k - 1, axis=1)[:, :k] if k < dist_block.shape[1] else \
        np.tile(np.arange(dist_block.shape[1]), (dist_block.shape[0], 1))
    picked = np.take_along_axis(dist_block, part, axis=1)
    order = np.lexsort((part, picked), axis=1)
    return np.take_along_axis(part, order, axis=1)


def _check_common(self, X, y):
    """Input checks shared by SMOTENC and SMOTEN (they keep X's dtypes: strings are fine)."""
    owner = type(self).__name__
    check_2d(X, owner)
    y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
    if _is_frame(X) and any(isinstance(t, pd.SparseDtype) for t in X.dtypes):
        X = X.apply(lambda c: c.sparse.to_dense() if isinstance(c.dtype, pd.SparseDtype) else c)
    if not _is_frame(X) and not sparse.issparse(X):
        X = np.asarray(X)
    if X.shape[0] != y.shape[0]:
        raise DataError(f"{owner}: X has {X.shape[0]} rows but y has {y.shape[0]}.")
    if X.shape[0] == 0 or X.shape[1] == 0:
        # the wording scikit-learn's check_array uses, which its estimator checks expect
        raise DataError(f"{owner}: found array with {X.shape[0]} sample(s) and {X.shape[1]} "
                        f"feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    check_finite(X, owner)  # the numeric columns; categories are read as they are
    self._check_strategy_classes(y)
    return X, y, binarize_y


@doc
class SMOTENC(BaseSMOTE):
    """SMOTE for mixed numeric and categorical columns, without one-hot encoding.

    As in Chawla et al. (2002), section 6.1: with ``Med`` the median of the standard
    deviations of the numeric columns within class ``c``, the distance between two rows is

    ``d(a, b)^2 = sum_numeric (a_f - b_f)^2 + Med^2 * #{categorical f : a_f != b_f}``.

    It is computed directly, in row blocks, on the rows of ``c`` only (imbalanced-learn one-hot
    encodes the whole table to get the same distance). A new row interpolates the numeric
    columns like SMOTE; each categorical column takes the value held by most of the seed row's
    ``k`` nearest neighbours (ties broken at random).

    Parameters
    ----------
    categorical_features : "auto" or array-like, default="auto"
        Indices, column names, or a boolean mask of the categorical columns. ``"auto"`` (X a
        DataFrame) takes the columns of category, object or string dtype. imbalanced-learn
        requires this argument; here it may be left out for DataFrames.

    categorical_encoder : None or OneHotEncoder, default=None
        As in imbalanced-learn, the one-hot encoder of the categorical columns, fitted and
        exposed as ``categorical_encoder_`` (``None``: ``OneHotEncoder(handle_unknown="ignore")``
        of the numeric columns' float dtype). SMOTENC compares categories directly, which gives
        the distance a full one-hot encoding gives, so an encoder changes no row: its fit only
        checks the data (explicit ``categories=`` must hold every value). Honoured: an encoder
        with ``categories_`` that keeps one output column per category (``OneHotEncoder``
        without ``drop``, ``min_frequency`` or ``max_categories``; any ``categories``,
        ``dtype``, ``sparse_output``, ``handle_unknown``). Others (``OneHotEncoder(drop=...)``,
        ``OrdinalEncoder``) raise a ``ValueError`` saying so, as in imbalanced-learn.

    {sampling_strategy}

    {random_state}

    k_neighbors : int or object, default=5
        Neighbours within the class. An object's ``n_neighbors - 1`` is used as ``k`` (its search
        cannot be used: the distance above is not Euclidean on X).

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    categorical_features_ : ndarray of int
        Positions of the categorical columns.
    continuous_features_ : ndarray of int
        Positions of the numeric columns.
    categorical_encoder_ : estimator object
        The fitted encoder of the categorical columns (see ``categorical_encoder``).
    median_std_ : dict
        ``{class: Med}``.
    n_features_ : int
        Columns of X (imbalanced-learn's name; the same as ``n_features_in_``).
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    {sample_weight}

    Sparse (CSR/CSC) X is accepted, its categorical columns holding numeric codes; the result
    is sparse in X's format.

    Differences from imbalanced-learn:

    - ``categorical_features="auto"`` takes the columns of category, object and string dtype
      (imbalanced-learn only category dtype: an object column there counts as numeric), and may
      be left out for a DataFrame (imbalanced-learn requires it);
    - the categories are never one-hot encoded (imbalanced-learn encodes the whole table).
      The distance, the neighbours and the draws are imbalanced-learn's, ties of the vote
      included (an int seed restarts for each class, as there), so the rows are the same for
      the same seed, except where neighbours are tied in distance, and where the median
      standard deviation is below about ``1e-8`` (imbalanced-learn's vote then compares sums
      of that tiny number with ``isclose`` and calls every category tied);
    - a sparse result keeps X's format (imbalanced-learn returns CSR).

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE: synthetic minority
       over-sampling technique", JAIR 16, 321-357, 2002 (section 6.1, SMOTE-NC).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from unskew.resampling import SMOTENC
    >>> rng = np.random.RandomState(0)
    >>> X = pd.DataFrame({"amount": rng.normal(size=60),
    ...                   "country": pd.Categorical(rng.choice(["fr", "de", "it"], 60))})
    >>> y = np.array([0] * 50 + [1] * 10)
    >>> X_res, y_res = SMOTENC(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist(), X_res["country"].dtype.name
    ([50, 50], 'category')
    """

    _accepts_categorical = True
    _draws_like_imblearn = True
    _parameter_constraints: ClassVar[dict] = {
        **BaseSMOTE._parameter_constraints,
        # indices, names or a boolean mask, resolved against X in fit
        "categorical_features": [StrOptions(("auto",)), "array-like"],
        "categorical_encoder": [None, Described(HasMethods(["fit", "transform"]),
                                                "a OneHotEncoder keeping one column per category")],
    }

    def __init__(self, categorical_features="auto", *, categorical_encoder=None,
                 sampling_strategy="auto", random_state=None, k_neighbors=5):
        super().__init__(sampling_strategy=sampling_strategy, random_state=random_state,
                         k_neighbors=k_neighbors)
        self.categorical_features = categorical_features
        self.categorical_encoder = categorical_encoder

    def fit_resample(self, X, y, **params):
        """Resample ``X`` and ``y``; pass ``sample_weight=w`` to get it resampled too.

        A DataFrame comes back as a DataFrame with ``X``'s columns and dtypes, and a Series ``y``
        as a Series on the same index.
        """
        if not _is_frame(X):
            return super().fit_resample(X, y, **params)
        # imbalanced-learn ends by re-casting a DataFrame result with ``astype``, which copies
        # every column: on millions of rows that doubles the peak memory. ``_rebuild`` already
        # gives X's columns and dtypes, so only y is put back in its own type here.
        self._validate_params()
        check_classification_targets(y)
        X_checked, y_checked, binarize_y = self._check_X_y(X, y)
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y_checked, self._sampling_type)
        X_res, y_res, *rest = self._fit_resample(X_checked, y_checked, **params)
        # back to X's dtypes, only where they differ (ints carried as floats, sparse columns
        # densified by validation); by position, as column names may repeat
        for j, (got, want) in enumerate(zip(X_res.dtypes, X.dtypes, strict=True)):
            if got != want:
                X_res.isetitem(j, X_res.iloc[:, j].astype(want))
        if binarize_y:
            y_res = label_binarize(y_res, classes=np.unique(y_checked))
        if isinstance(y, pd.Series):
            y_res = pd.Series(y_res, dtype=y.dtype, name=y.name, index=X_res.index)
        elif isinstance(y, pd.DataFrame):  # a one-column frame (validation rejects wider)
            y_res = pd.DataFrame(y_res, columns=y.columns, index=X_res.index).astype(y.dtypes)
        elif isinstance(y, list):
            y_res = y_res.tolist()
        return (X_res, y_res, *rest)

    def _check_X_y(self, X, y, accept_sparse=None):
        spec = self.categorical_features
        if isinstance(spec, str) and spec == "auto" and not _is_frame(X):
            # before the other checks, as imbalanced-learn does
            raise DataError(f"{type(self).__name__}: categorical_features='auto' needs X as a "
                            "DataFrame: the input data should be a pandas.DataFrame (its dtypes "
                            f"say which columns are categorical); got {type(X).__name__}. For an "
                            "array pass the categorical columns' indices or a boolean mask.")
        return _check_common(self, X, y)

    def _resolve_columns(self, X):
        owner = type(self).__name__
        n_features = X.shape[1]
        spec = self.categorical_features
        auto = isinstance(spec, str) and spec == "auto"
        order = None  # the order of a list of columns, kept as imbalanced-learn keeps it
        if auto:
            mask = np.array([_is_categorical_dtype(t) for t in X.dtypes], dtype=bool)
        else:
            spec = np.asarray(spec)
            if spec.dtype == bool:
                if spec.size != n_features:
                    raise DataError(f"{owner}: the categorical_features mask has {spec.size} "
                                    f"entries but X has {n_features} columns.")
                mask = spec
            else:
                mask = np.zeros(n_features, dtype=bool)
                names = list(X.columns) if _is_frame(X) else None
                order = []
                for item in spec.tolist():
                    if isinstance(item, str):
                        if names is None or item not in names:
                            raise DataError(f"{owner}: categorical feature {item!r} is not a "
                                            f"column of X (columns: {names}).")
                        position = names.index(item)
                    elif -n_features <= int(item) < n_features:
                        position = int(item) % n_features
                    else:
                        raise DataError(
                            f"{owner}: categorical feature index {item} is out of range: all "
                            f"features must be in [0, {n_features - 1}] or [-{n_features}, -1] "
                            f"(X has {n_features} columns).")
                    if not mask[position]:
                        order.append(position)
                    mask[position] = True
        if mask.all():
            raise DataError(f"{owner}: all {n_features} columns are categorical; SMOTE-NC is not "
                            "designed to work only with categorical features (it interpolates "
                            "numeric ones). Use SMOTEN for all-categorical data.")
        if not mask.any():
            found = (" (categorical_features='auto' takes the category, object and string "
                     "columns)" if auto else "")
            raise DataError(f"{owner}: no categorical column found{found}; use SMOTE for "
                            "all-numeric data (SMOTE-NC is not designed to work only with "
                            "numerical features), or name the categorical columns in "
                            "categorical_features.")
        self.categorical_features_ = (np.flatnonzero(mask) if order is None
                                      else np.asarray(order, dtype=np.int64))
        self.continuous_features_ = np.flatnonzero(~mask)

    def _numeric_block(self, X) -> np.ndarray:
        cols = self.continuous_features_
        if _is_frame(X):
            dtypes = X.dtypes.iloc[cols]
            float32 = all(t == np.float32 for t in dtypes)
            try:
                block = X.iloc[:, cols].to_numpy(dtype=np.float32 if float32 else np.float64)
            except (TypeError, ValueError) as exc:
                raise DataError(f"SMOTENC: numeric columns must hold numbers ({exc}); list the "
                                "others in categorical_features.") from exc
        elif sparse.issparse(X):
            dtype = X.dtype if X.dtype.kind == "f" else np.float64
            block = X.tocsc()[:, cols].tocsr().astype(dtype, copy=False)
        else:
            kind = X.dtype
            dtype = kind if kind.kind == "f" else np.float64
            try:
                block = np.ascontiguousarray(X[:, cols], dtype=dtype)
            except (TypeError, ValueError) as exc:
                raise DataError(f"SMOTENC: numeric columns must hold numbers ({exc}); list the "
                                "others in categorical_features.") from exc
        check_finite(block, type(self).__name__,
                     columns=list(X.columns[cols]) if _is_frame(X) else cols.tolist())
        return block

    def _neighbors(self, num, codes, med, k):
        """k nearest other rows of each row under the SMOTE-NC distance."""
        n = num.shape[0]
        if sparse.issparse(num):
            sq = np.asarray(num.multiply(num).sum(axis=1), dtype=np.float64).ravel()
        else:
            sq = np.einsum("ij,ij->i", num, num, dtype=np.float64)
        out = np.empty((n, k), dtype=np.int64)
        step = max(1, _BLOCK_ELEMENTS // max(n, 1))
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            dot = num[lo:hi] @ num.T
            dot = dot.toarray() if sparse.issparse(dot) else dot
            d2 = sq[lo:hi, None] + sq[None, :] - 2.0 * dot.astype(np.float64)
            mismatches = np.zeros_like(d2)
            for j in range(codes.shape[1]):
                mismatches += codes[lo:hi, j][:, None] != codes[None, :, j]
            d2 += med * med * mismatches
            d2[np.arange(hi - lo), np.arange(lo, hi)] = np.inf
            out[lo:hi] = _smallest_distances(d2, k)
        return out

    def _fit_resample(self, X, y, sample_weight=None):
        owner = type(self).__name__
        weights = check_sample_weight(sample_weight, X.shape[0], owner)
        self._validate_estimator()
        self.n_features_ = X.shape[1]
        self._resolve_columns(X)
        num = self._numeric_block(X)
        if sparse.issparse(X):  # the categorical columns are few: read them densely
            codes, categories = _encode(self._categorical_block(X, None),
                                        range(self.categorical_features_.size))
        else:
            codes, categories = _encode(X, self.categorical_features_)
        self._fit_encoder(X, codes, num.dtype)
        codes, categories = _in_encoder_order(codes, categories, self.categorical_encoder_)
        rng = check_random_state(self.random_state)
        self.median_std_ = {}
        jobs, draws, new_codes = [], [], [codes]
        for label, n_samples in self.sampling_strategy_.items():
            if n_samples > 0:
                for job in self._plan_class((num, codes), y, label, n_samples, rng):
                    # imbalanced-learn's order: the rows, then the vote, class by class
                    draws.append(self._draw(job, self._job_rng(rng)))
                    new_codes.append(self._vote(codes, job, draws[-1][0], len(categories),
                                                [len(c) for c in categories],
                                                self._job_rng(rng)))
                    jobs.append(job)
        # column-major for a DataFrame, which then wraps each column as is (no second copy)
        out = self._assemble(num, y, weights, jobs, draws, order="F" if _is_frame(X) else "C")
        del num  # the output holds the original rows now; keep the peak near input + output
        new_codes = np.concatenate(new_codes)
        del codes
        X_res = self._rebuild(X, out[0], new_codes, categories)
        return (X_res, *out[1:])

    def _categorical_block(self, X, rows):
        """The categorical columns of ``rows`` (None: all), as they are (a DataFrame, or a
        dense array)."""
        cols = self.categorical_features_
        if _is_frame(X):
            return X.iloc[:, cols] if rows is None else X.iloc[rows, cols]
        if sparse.issparse(X):
            return (X if rows is None else X[rows]).tocsc()[:, cols].toarray()
        return X[:, cols] if rows is None else X[np.ix_(rows, cols)]

    def _fit_encoder(self, X, codes, dtype):
        """Fit ``categorical_encoder_`` and check that it is a full one-hot encoding."""
        # rows holding every category: fitting on them gives the categories of all rows
        few = self._categorical_block(X, _first_rows(codes))
        if self.categorical_encoder is None:
            self.categorical_encoder_ = OneHotEncoder(handle_unknown="ignore", dtype=dtype).fit(few)
            return
        # a given encoder sees every row (min_frequency and the like count them)
        encoder = clone(self.categorical_encoder).fit(self._categorical_block(X, None))
        self.categorical_encoder_ = encoder
        categories = getattr(encoder, "categories_", None)
        n_columns = np.shape(encoder.transform(few))[1]
        n_categories = None if categories is None else sum(len(c) for c in categories)
        if n_categories != n_columns:
            got = ("no categories_" if categories is None
                   else f"{n_columns} columns for {n_categories} categories")
            raise ParameterError(
                f"{type(self).__name__}: SMOTENC requires a one-hot encoding with one column per "
                f"category for the categorical features; categorical_encoder={encoder!r} gave "
                f"{got}. Honoured: None, or a OneHotEncoder without drop, min_frequency or "
                "max_categories (its categories, dtype, sparse_output and handle_unknown are "
                "fine). SMOTENC compares the categories themselves, so such an encoder changes "
                "no row.")

    def _plan_class(self, X, y, label, n_samples, rng):
        num, codes = X  # the numeric block and the categorical codes
        rows = np.flatnonzero(y == label)
        k = self._n_k()
        self._check_class_size(label, rows.size, k)
        block = num[rows]
        if sparse.issparse(block):
            std = np.sqrt(mean_variance_axis(block.astype(np.float64), axis=0)[1])
        else:
            std = np.std(block, axis=0, dtype=np.float64)
        med = float(np.median(std))
        self.median_std_[as_python(label)] = med
        nns = self._neighbors(num[rows], codes[rows], med, k)
        return [_Job(label, rows, rows[nns], n_samples)]

    @staticmethod
    def _vote(codes, job, pairs, n_columns, n_categories, rng):
        """Codes of one job's new rows: per column, the value most of the seed's ``k``
        neighbours hold.

        Ties are broken as imbalanced-learn does: the tied (row, category) cells of a column,
        in row-major order, are shuffled with ``rng.permutation`` and each row takes its
        first cell; the columns are taken in ``categorical_features_`` order and the categories
        in the encoder's order, so the draws are its draws.
        """
        k = job.neighbors.shape[1]
        seeds = pairs // k
        out = np.empty((seeds.size, n_columns), dtype=codes.dtype)
        for j in range(n_columns):
            step = max(1, _BLOCK_ELEMENTS // max(n_categories[j], k))
            tied_rows, tied_cats = [], []
            for lo in range(0, seeds.size, step):
                held = codes[job.neighbors[seeds[lo:lo + step]], j]  # (chunk, k)
                n_cat = n_categories[j]
                cells = np.arange(held.shape[0])[:, None] * n_cat + held
                counts = np.bincount(cells.ravel(), minlength=held.shape[0] * n_cat)
                counts = counts.reshape(held.shape[0], n_cat)
                r, c = np.nonzero(counts == counts.max(axis=1, keepdims=True))
                tied_rows.append(r + lo)
                tied_cats.append(c)
            tied_rows = np.concatenate(tied_rows)
            tied_cats = np.concatenate(tied_cats)
            # rank of each tied cell in the shuffled list; each row takes its lowest
            rank = np.empty(tied_rows.size, dtype=np.int64)
            rank[rng.permutation(tied_rows.size)] = np.arange(tied_rows.size)
            best = np.full(seeds.size, np.iinfo(np.int64).max)
            np.minimum.at(best, tied_rows, rank)
            chosen = rank == best[tied_rows]
            out[tied_rows[chosen], j] = tied_cats[chosen]
        return out

    def _rebuild(self, X, num, codes, categories):
        if _is_frame(X):
            data = {}
            cat_pos = {j: i for i, j in enumerate(self.categorical_features_)}
            num_pos = {j: i for i, j in enumerate(self.continuous_features_)}
            for j, name in enumerate(X.columns):
                if j in cat_pos:
                    values = categories[cat_pos[j]].take(codes[:, cat_pos[j]])
                else:
                    values = num[:, num_pos[j]]
                # wrapped, not copied; fit_resample casts the columns whose dtype differs
                data[name] = pd.Series(values, copy=False)
            return pd.DataFrame(data, columns=X.columns, copy=False)
        if sparse.issparse(X):
            values = np.empty(codes.shape, dtype=np.float64)
            for i, cats in enumerate(categories):
                values[:, i] = np.asarray(cats, dtype=np.float64)[codes[:, i]]
            stacked = sparse.hstack([num, sparse.csr_matrix(values)], format="csc")
            order = np.argsort(np.concatenate([self.continuous_features_,
                                               self.categorical_features_]))
            out = stacked[:, order].asformat(X.format).astype(X.dtype, copy=False)
            out.eliminate_zeros()
            return out
        out = np.empty((num.shape[0], X.shape[1]), dtype=X.dtype)
        out[:, self.continuous_features_] = num
        for i, j in enumerate(self.categorical_features_):
            out[:, j] = np.asarray(categories[i])[codes[:, i]]
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # sparse X in, sparse out (as imbalanced-learn 0.14)
        tags.input_tags.string = True
        return tags


@doc
class SMOTEN(BaseSMOTE):
    """SMOTE for all-categorical data (SMOTE-N, Chawla et al., 2002, section 6.2).

    Rows are compared with the Value Difference Metric (Stanfill & Waltz, 1986, as in
    imbalanced-learn with ``k=1, r=2``): ``delta_f(a, b) = sum_c |P(c | a) - P(c | b)|`` for the
    values of feature ``f``, and ``D(x, z) = sum_f delta_f(x_f, z_f) ** 2``. A seed row drawn
    uniformly from class ``c`` gives a new row whose every feature is the most common value
    among the seed and its ``k`` nearest rows of ``c`` (ties: the smallest category). Distances
    are computed in row blocks (imbalanced-learn builds the full ``n_c x n_c`` matrix).

    Parameters
    ----------
    categorical_encoder : None or OrdinalEncoder, default=None
        As in imbalanced-learn, the encoder whose integer codes say which values are the same
        category, fitted and exposed as ``categorical_encoder_`` (``None``:
        ``OrdinalEncoder(dtype=np.int32)``, the sorted values of each column). Honoured: an
        encoder with ``fit_transform`` and ``inverse_transform`` giving one integer code per
        column (``OrdinalEncoder`` with any settings). What it changes: values sharing a code
        are one category for the Value Difference Metric and the vote (``min_frequency`` /
        ``max_categories`` merge rare values, which new rows then hold as the encoder's
        ``inverse_transform`` gives them, e.g. ``"infrequent_sklearn"``), and ties of the vote
        go to the smallest code (``categories=`` sets that order). Other encoders (e.g.
        ``OneHotEncoder``, several columns per feature) raise a ``ValueError`` saying so.

    {sampling_strategy}

    {random_state}

    k_neighbors : int or object, default=5
        Neighbours within the class (an object's ``n_neighbors - 1``).

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    categorical_encoder_ : estimator object
        The fitted encoder (see ``categorical_encoder``).
    n_features_ : int
        Columns of X (the same as ``n_features_in_``).
    n_features_in_ : int
        Columns seen in ``fit_resample``.

    Notes
    -----
    {sample_weight}
    With SMOTE-N the parents are the seed's neighbourhood: a new row gets its seed's weight.

    Sparse X is densified (a ``DataConversionWarning`` says so, as in imbalanced-learn) and the
    result has X's sparse format.

    Differences from imbalanced-learn: the distances are computed in row blocks rather than as
    one ``n_c x n_c`` matrix. The seed rows are drawn as there (an int seed restarts for each
    class), so the rows are the same for the same seed, except where neighbours are tied in
    distance: unskew takes them in row order, imbalanced-learn in its search's order.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE: synthetic minority
       over-sampling technique", JAIR 16, 321-357, 2002 (section 6.2).

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.resampling import SMOTEN
    >>> X = np.array(["A"] * 10 + ["B"] * 20 + ["C"] * 30, dtype=object).reshape(-1, 1)
    >>> y = np.array([0] * 20 + [1] * 40)
    >>> X_res, y_res = SMOTEN(random_state=0).fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [40, 40]
    """

    _accepts_categorical = True
    _draws_like_imblearn = True
    _parameter_constraints: ClassVar[dict] = {
        **BaseSMOTE._parameter_constraints,
        "categorical_encoder": [None, Described(
            HasMethods(["fit_transform", "inverse_transform"]),
            "an encoder with fit_transform and inverse_transform (an OrdinalEncoder)")],
    }

    def __init__(self, categorical_encoder=None, *, sampling_strategy="auto", random_state=None,
                 k_neighbors=5):
        super().__init__(sampling_strategy=sampling_strategy, random_state=random_state,
                         k_neighbors=k_neighbors)
        self.categorical_encoder = categorical_encoder

    def _check_X_y(self, X, y, accept_sparse=None):
        X, y, binarize_y = _check_common(self, X, y)
        return (X.to_numpy() if _is_frame(X) else X), y, binarize_y

    def _fit_resample(self, X, y, sample_weight=None):
        weights = check_sample_weight(sample_weight, X.shape[0], type(self).__name__)
        self._validate_estimator()
        rng = check_random_state(self.random_state)
        self.n_features_ = X.shape[1]
        sparse_format = X.format if sparse.issparse(X) else None
        if sparse_format:
            warnings.warn("SMOTEN: passing a sparse matrix to SMOTEN is not really efficient "
                          "since it is converted to a dense array internally (categories are "
                          "compared value by value).", DataConversionWarning, stacklevel=4)
            X = X.toarray()  # categorical codes: the vote needs the dense values anyway
        codes, categories = self._codes(X)
        classes = np.unique(y)
        # P(class | value) per feature: (n_categories_f, n_classes)
        y_idx = np.searchsorted(classes, y)
        probas = []
        for j, cats in enumerate(categories):
            table = np.zeros((len(cats), classes.size))
            np.add.at(table, (codes[:, j], y_idx), 1.0)
            probas.append(table / table.sum(axis=1, keepdims=True))
        blocks_X, blocks_y, blocks_w = [], [y], [weights]
        for label, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            for job in self._plan_class((codes, probas), y, label, n_samples, rng):
                held = codes[job.neighbors]  # (n_c, k + 1, n_features): the row, its k nearest
                mode = np.empty((job.base.size, codes.shape[1]), dtype=codes.dtype)
                for j in range(codes.shape[1]):
                    counts = (held[:, :, j][:, :, None] == np.arange(len(categories[j]))).sum(1)
                    mode[:, j] = counts.argmax(axis=1)  # ties: the smallest category, like scipy
                seeds = self._job_rng(rng).choice(job.base.size, size=job.n_samples,
                                                  replace=True)
                blocks_X.append(mode[seeds])
                blocks_y.append(np.full(job.n_samples, label, dtype=y.dtype))
                if weights is not None:
                    blocks_w.append(weights[job.base[seeds]])
        new = np.vstack(blocks_X) if blocks_X else codes[:0]
        values = [np.asarray(cats)[new[:, j]] for j, cats in enumerate(categories)]
        dtype = X.dtype
        if not all(np.can_cast(v.dtype, dtype) or v.dtype == object for v in values):
            dtype = np.dtype(object)  # e.g. the encoder's "infrequent_sklearn" in a number X
        X_res = np.empty((X.shape[0] + new.shape[0], X.shape[1]), dtype=dtype)
        X_res[:X.shape[0]] = X  # the original rows as they were
        for j, v in enumerate(values):
            X_res[X.shape[0]:, j] = v
        y_res = np.concatenate(blocks_y)
        if sparse_format:
            X_res = sparse.csr_matrix(X_res) if sparse_format == "csr" else sparse.csc_matrix(X_res)
        if weights is None:
            return X_res, y_res
        return X_res, y_res, np.concatenate(blocks_w)

    def _codes(self, X):
        """Integer codes 0..n_f - 1 of each column and the value of each code.

        ``None`` codes the sorted values itself (what ``OrdinalEncoder`` does) and fits
        ``categorical_encoder_`` on the rows holding every value; a given encoder codes them.
        """
        if self.categorical_encoder is None:
            codes, categories = _encode(X, range(X.shape[1]))
            encoder = OrdinalEncoder(dtype=np.int32)
            self.categorical_encoder_ = encoder.fit(X[_first_rows(codes)])
            return codes, categories
        encoder = clone(self.categorical_encoder)
        encoded = encoder.fit_transform(X)
        self.categorical_encoder_ = encoder
        encoded = encoded.toarray() if sparse.issparse(encoded) else np.asarray(encoded)
        numeric = encoded.dtype.kind in "iuf"
        if encoded.shape != X.shape or not numeric or (
                encoded.dtype.kind == "f"
                and not np.array_equal(encoded[np.isfinite(encoded)],
                                       np.round(encoded[np.isfinite(encoded)]))):
            got = (f"{encoded.shape[1]} columns for {X.shape[1]} features"
                   if encoded.ndim == 2 and encoded.shape[1] != X.shape[1]
                   else f"values of dtype {encoded.dtype}")
            raise ParameterError(
                f"SMOTEN: categorical_encoder must give one integer code per column (an "
                f"OrdinalEncoder, with any settings); {encoder!r} gave {got}. Honoured: None, or "
                "an encoder with fit_transform and inverse_transform coding each column as "
                "integers (e.g. OrdinalEncoder(min_frequency=5) to merge rare values).")
        codes = np.empty(X.shape, dtype=np.int32)
        uniques = []
        for j in range(X.shape[1]):
            # the encoder's codes (NaN for missing values, negatives) become 0..n_f - 1
            uniq, codes[:, j] = np.unique(encoded[:, j], return_inverse=True)
            uniques.append(uniq)
        # each code's value: the encoder's inverse_transform of a small table of the codes
        table = np.stack([np.resize(u, max(u.size for u in uniques)) for u in uniques], axis=1)
        decoded = np.asarray(encoder.inverse_transform(table.astype(encoded.dtype)))
        categories = [decoded[:u.size, j] for j, u in enumerate(uniques)]
        return codes, categories

    def _plan_class(self, X, y, label, n_samples, rng):
        codes, probas = X  # the codes and P(class | value) per feature
        rows = np.flatnonzero(y == label)
        k = self._n_k()
        self._check_class_size(label, rows.size, k)
        nns = self._neighbors(codes[rows], probas, k + 1)  # the row itself comes first
        return [_Job(label, rows, rows[nns], n_samples)]

    @staticmethod
    def _neighbors(codes, probas, k):
        n = codes.shape[0]
        tables = [np.abs(p[:, None, :] - p[None, :, :]).sum(axis=2) ** 2
                  if p.shape[0] <= 64 else None for p in probas]
        out = np.empty((n, k), dtype=np.int64)
        step = max(1, _BLOCK_ELEMENTS // max(n, 1))
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            dist = np.zeros((hi - lo, n))
            for j, table in enumerate(tables):
                if table is not None:  # delta_f ** 2 for every pair of values, looked up
                    dist += table[codes[lo:hi, j][:, None], codes[None, :, j]]
                    continue
                # many values: delta_f(a, b) = L1 distance of the class-probability rows
                pa, pb = probas[j][codes[lo:hi, j]], probas[j][codes[:, j]]
                dist += np.abs(pa[:, None, :] - pb[None, :, :]).sum(axis=2) ** 2
            dist[np.arange(hi - lo), np.arange(lo, hi)] = -1.0  # the row itself first
            out[lo:hi] = _smallest_distances(dist, min(k, n))
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags
