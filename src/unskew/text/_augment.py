"""``TextAugmenter``: over-sample rare classes with edited copies of their texts."""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from sklearn.utils import check_consistent_length, check_random_state
from sklearn.utils.validation import validate_data

from .._utils._sampling import draw_sources
from .._utils._text import did_you_mean, preview
from .._utils._validation import (
    Interval,
    ParamsValidationMixin,
    check_sample_weight,
    parameter_error,
)
from ..exceptions import DataError
from ._column import column_of

__all__ = ["OPERATIONS", "TextAugmenter"]

#: The edits a synthetic text is made with, one drawn per copy.
OPERATIONS = ("mask", "delete", "swap", "span")


class TextAugmenter(ParamsValidationMixin, BaseOverSampler):
    """Over-sample rare classes with copies of their texts edited token by token.

    Each synthetic row copies a row of a class that must grow and edits its text with one
    operation drawn at random from ``operations``. The text is split on whitespace; with
    ``k = max(1, Binomial(n_tokens, p))`` the operations are

    - ``"mask"``: ``k`` random tokens become ``mask_token``;
    - ``"delete"``: ``k`` random tokens are dropped;
    - ``"swap"``: ``k`` times, two random tokens change places;
    - ``"span"``: one random run of ``k`` consecutive tokens is cut out.

    Every edit keeps at least one token of the source, and the tokens are re-joined with single
    spaces, so a synthetic text holds a sub-multiset of its source's tokens plus mask tokens.
    A text of fewer than two tokens, and a missing one, is copied unchanged. The label is never
    changed: a synthetic row has its source's label, and its ``sample_weight``; the other
    columns of a DataFrame are copied from the source row. Original rows come first,
    unchanged and in their order, then the synthetic rows class by class; the rows of a class
    are copied in whole shuffled passes, so no row is copied twice before every row once.

    Inside an imbalanced-learn Pipeline it runs in ``fit`` only: predictions see the texts as
    given.

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        Rows wanted per class after resampling, as in imbalanced-learn's over-samplers:
        ``"auto"`` / ``"not majority"`` grow every class but the majority to the majority's
        size; a float is the wanted minority / majority ratio (binary); a dict
        ``{class: n_samples}`` names the sizes.
    operations : tuple of str, default=("mask", "delete", "swap", "span")
        The operations drawn from (uniformly; list one twice to draw it twice as often).
    p : float in (0, 1], default=0.1
        Per-token rate of the edit.
    mask_token : str, default="[MASK]"
        The token written by ``"mask"`` (no whitespace).
    text_column : str or int, optional
        The column holding the text when ``X`` has several: a DataFrame's column name or a 2-D
        array's column position. A 1-D ``X`` (list, Series, array) is the text itself.
    random_state : int, RandomState instance or None, default=None
        Controls the copied rows, the operations and the edits.

    Attributes
    ----------
    sampling_strategy_ : dict
        ``{class: rows to add}``.
    source_indices_ : ndarray of shape (n_samples_resampled,)
        For each output row, the input row it comes from (an original row maps to itself).
    synthetic_operations_ : ndarray of str, shape (n_synthetic,)
        The operation that made each synthetic row, ``"copy"`` for a text too short to edit.
    n_features_in_ : int
        Columns of a 2-D ``X``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` is a DataFrame with string column names.

    See Also
    --------
    unskew.resampling.MaskingOverSampler : Masking of tabular features (and text tokens).
    imblearn.over_sampling.RandomOverSampler : Exact copies, the same counts.

    Notes
    -----
    These are the edits of "easy data augmentation" (Wei and Zou, EMNLP 2019) without the
    synonym dictionaries, plus span cut-out (as in SpanBERT's masking): edited copies of
    rare-class texts regularise a linear model on n-grams better than exact copies, which only
    re-weight them.

    Examples
    --------
    >>> from unskew.text import TextAugmenter
    >>> texts = ["card was charged twice", "refund never arrived", "love the app",
    ...          "works fine", "great service", "nice and fast"]
    >>> labels = ["complaint", "complaint", "praise", "praise", "praise", "praise"]
    >>> aug = TextAugmenter(p=0.3, random_state=0)
    >>> X_res, y_res = aug.fit_resample(texts, labels)
    >>> len(X_res), y_res.count("complaint")
    (8, 4)
    >>> X_res[:6] == texts, aug.source_indices_[6:].tolist()
    (True, [1, 0])
    >>> aug.synthetic_operations_.tolist(), X_res[6:]
    (['span', 'delete'], ['refund', 'card was twice'])

    A DataFrame keeps its other columns, copied from the source row:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": texts, "channel": ["app", "web", "app", "app", "web", "app"]})
    >>> out, _ = TextAugmenter(text_column="text", random_state=0).fit_resample(df, labels)
    >>> out["channel"].tolist()[6:]
    ['web', 'app']
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseOverSampler._parameter_constraints,
        "operations": [tuple, list, str],
        "p": [Interval(numbers.Real, 0, 1, closed="right")],
        "mask_token": [str],
        "text_column": [str, numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(self, *, sampling_strategy="auto", operations=OPERATIONS, p=0.1,
                 mask_token="[MASK]", text_column=None, random_state=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.operations = operations
        self.p = p
        self.mask_token = mask_token
        self.text_column = text_column
        self.random_state = random_state

    # -- validation ------------------------------------------------------------------------------

    def _operations(self) -> tuple[str, ...]:
        owner = type(self).__name__
        ops = (self.operations,) if isinstance(self.operations, str) else tuple(self.operations)
        allowed = f"a non-empty tuple of {', '.join(map(repr, OPERATIONS))}"
        if not ops:
            raise parameter_error(owner, "operations", allowed, self.operations)
        for op in ops:
            if op not in OPERATIONS:
                raise parameter_error(owner, "operations", allowed, self.operations,
                                      hint=f" ({op!r} is not one)"
                                      f"{did_you_mean(str(op), OPERATIONS) or '.'}")
        if not self.mask_token or any(c.isspace() for c in self.mask_token):
            raise parameter_error(owner, "mask_token", "a non-empty token without whitespace",
                                  self.mask_token)
        return ops

    def _check_X_y(self, X, y, accept_sparse=None):
        owner = type(self).__name__
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if isinstance(X, list | tuple):
            X = np.asarray(X, dtype=object)
            if X.ndim == 2 and X.shape[1] == 1 and self.text_column is None:
                X = X[:, 0]
        if isinstance(X, pd.Series):
            X = X.to_numpy(dtype=object)
        ndim = X.ndim if hasattr(X, "ndim") else np.ndim(X)
        if ndim == 2:
            check_consistent_length(X, y)
            validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
        else:
            for name in ("n_features_in_", "feature_names_in_"):
                self.__dict__.pop(name, None)
            check_consistent_length(X, y)
        self._column = self._find_column(X, owner)
        column_of(X, owner, column=self._column)  # the shape and column checks
        if isinstance(X, pd.DataFrame) and isinstance(X[self._column].dtype, pd.CategoricalDtype):
            raise DataError(f"{owner}: text column {self._column!r} is categorical, so edited "
                            "texts would not be valid categories; convert it with "
                            ".astype(str) (or object) first.")
        return X, y, binarize_y

    def _find_column(self, X, owner):
        if self.text_column is not None:
            if getattr(X, "ndim", 2) == 1:
                raise DataError(f"{owner}: text_column={self.text_column!r} needs a 2-D X "
                                "(a DataFrame or array of several columns); X is 1-D, the "
                                "texts themselves, so leave text_column=None.")
            return self.text_column
        if isinstance(X, pd.DataFrame) and X.shape[1] != 1:
            raise DataError(f"{owner}: X has {X.shape[1]} columns "
                            f"({preview(list(X.columns), 10)}); name the one holding the text "
                            "with text_column=.")
        if isinstance(X, pd.DataFrame):
            return X.columns[0]
        if getattr(X, "ndim", 1) == 2:
            if X.shape[1] != 1:
                raise DataError(f"{owner}: X has {X.shape[1]} columns; give the position of "
                                "the one holding the text with text_column=.")
            return 0
        return None

    # -- resampling ------------------------------------------------------------------------------

    def _fit_resample(self, X, y, sample_weight=None):
        owner = type(self).__name__
        sample_weight = check_sample_weight(sample_weight, y.shape[0], owner)
        ops = self._operations()
        rng = check_random_state(self.random_state)
        texts = column_of(X, owner, column=self._column)

        # the same draw as masking augmentation: whole shuffled passes over each rare class
        sources = [drawn for _, _, drawn in draw_sources(y, self.sampling_strategy_, rng)]
        src = np.concatenate(sources) if sources else np.empty(0, dtype=np.intp)
        chosen = rng.randint(len(ops), size=src.size)
        new_texts = np.empty(src.size, dtype=object)
        done = np.empty(src.size, dtype=object)
        for i, (s, o) in enumerate(zip(src, chosen, strict=True)):
            new_texts[i], done[i] = self._edit(texts[s], ops[o], rng)
        self.synthetic_operations_ = done.astype(str)
        self.source_indices_ = np.concatenate([np.arange(y.shape[0]), src])

        X_res = self._stack(X, src, new_texts)
        y_res = y[self.source_indices_]
        if sample_weight is None:
            return X_res, y_res
        return X_res, y_res, sample_weight[self.source_indices_]

    def _edit(self, text, operation: str, rng):
        """``(edited text, operation done)`` for one copy of ``text``."""
        if not isinstance(text, str):
            return text, "copy"  # missing stays missing
        tokens = text.split()
        n = len(tokens)
        if n < 2:
            return text, "copy"
        k = max(1, int(rng.binomial(n, self.p)))
        if operation == "mask":
            k = min(k, n - 1)
            where = rng.choice(n, size=k, replace=False)
            for j in where:
                tokens[j] = self.mask_token
        elif operation == "delete":
            where = set(rng.choice(n, size=min(k, n - 1), replace=False).tolist())
            tokens = [t for j, t in enumerate(tokens) if j not in where]
        elif operation == "swap":
            for _ in range(k):
                a, b = rng.choice(n, size=2, replace=False)
                tokens[a], tokens[b] = tokens[b], tokens[a]
        else:  # span
            length = min(k, n - 1)
            start = rng.randint(n - length + 1)
            del tokens[start:start + length]
        return " ".join(tokens), operation

    def _stack(self, X, src, new_texts):
        if isinstance(X, pd.DataFrame):
            new = X.iloc[src].reset_index(drop=True)
            new[self._column] = pd.Series(new_texts, dtype=X[self._column].dtype)
            return pd.concat([X, new], ignore_index=True)
        X = np.asarray(X, dtype=object) if not isinstance(X, np.ndarray) else X
        if X.ndim == 1:
            return np.concatenate([X.astype(object, copy=False), new_texts])
        new = X[src].astype(object)
        new[:, self._column] = new_texts
        return np.concatenate([X.astype(object, copy=False), new], axis=0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.sparse = False
        # scikit-learn's and imbalanced-learn's common checks feed numeric matrices of several
        # columns, where no column is text; tests/test_text.py checks the sampler contract
        # (counts as RandomOverSampler, order, labels, list / Series / DataFrame, weights) on texts
        tags._skip_test = True
        return tags
