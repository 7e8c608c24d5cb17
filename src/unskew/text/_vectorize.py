"""TF-IDF of one text column (word and character n-grams), and its reduced dense view."""

from __future__ import annotations

import numbers
from typing import ClassVar

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted, check_memory, validate_data

from .._utils._validation import (
    HasMethods,
    Interval,
    ParamsValidationMixin,
    StrOptions,
    parameter_error,
    validate_params,
)
from ..exceptions import DataError
from ._column import text_column

__all__ = ["WORD_TOKEN_PATTERN", "TextSVD", "TextVectorizer", "text_features"]

#: Word tokens: special tokens in brackets (``[MASK]``, written by :class:`TextAugmenter`), a
#: symbol-only chunk with at most one trailing letter or digit standing alone (emoticons
#: ``:)``, ``<3``, ``:-D``), runs of letters and digits of any script with inner apostrophes
#: (``don't``), and the other runs of punctuation and symbols (``!!!``, ``?``). scikit-learn's
#: default ``(?u)\b\w\w+\b`` drops one-letter words and every symbol, so a column of emoticons
#: would be empty.
WORD_TOKEN_PATTERN = r"(?u)\[\w+\]|(?<!\S)[^\w\s]+\w(?!\S)|\w+(?:['’]\w+)*|[^\w\s]+"

_NGRAM = [tuple]


class TextVectorizer(ParamsValidationMixin, TransformerMixin, BaseEstimator):
    """TF-IDF features of one text column: word 1-2-grams beside character 2-5-grams.

    Two TF-IDF blocks are fitted side by side and stacked column-wise into one sparse CSR
    matrix (never densified, so it goes straight into linear models):

    - words: :data:`WORD_TOKEN_PATTERN` keeps one-letter words, symbol-only tokens such as
      emoticons (``":)"``, ``"<3"``) and letters of every script (Cyrillic, Arabic, CJK);
    - characters: ``analyzer="char_wb"`` n-grams inside word boundaries, robust to typos,
      inflections and scripts written without spaces.

    Both use sublinear term frequency (``1 + log(tf)``) and smooth idf; each block's rows have
    unit L2 norm, so a row of the stacked matrix has norm :math:`\\sqrt{2}` (1 when a block is
    switched off). The vocabulary of each block keeps its most frequent terms, up to
    ``max_word_features`` and ``max_char_features``. Missing texts (None, NaN) read as ``""``
    and give an all-zero row.

    With ``n_components`` the output is instead a dense low-rank view of that matrix
    (:class:`TextSVD`, latent semantic analysis) for models that need dense input, such as
    gradient boosting: the 150,000-column matrix is never densified. One estimator either way,
    so it nests anywhere (an imbalanced-learn Pipeline refuses a Pipeline as a step).

    Parameters
    ----------
    word_ngram_range : tuple (min_n, max_n), default=(1, 2)
        Word n-gram lengths.
    char_ngram_range : tuple (min_n, max_n), default=(2, 5)
        Character n-gram lengths (``char_wb``).
    max_word_features : int >= 0 or None, default=50_000
        Size cap of the word vocabulary; 0 switches the word block off, None leaves it unbounded.
    max_char_features : int >= 0 or None, default=100_000
        Size cap of the character vocabulary; 0 switches the character block off.
    min_df : int >= 1 or float in (0, 1], default=1
        Ignore terms found in fewer documents (a count) or a smaller share of them.
    max_df : int >= 1 or float in (0, 1], default=1.0
        Ignore terms found in more documents (a count) or a larger share of them.
    lowercase : bool, default=True
        Lowercase the texts first.
    sublinear_tf : bool, default=True
        Use ``1 + log(tf)`` instead of the raw count.
    dtype : {np.float64, np.float32}, default=np.float64
        Dtype of the output.
    n_components : int >= 1 or None, default=None
        None: the sparse TF-IDF matrix. An int: a dense matrix of that many SVD components
        (fewer when the vocabulary or the rows are fewer).
    random_state : int, RandomState instance or None, default=None
        Seed of the randomized SVD (``n_components`` only).
    memory : str, joblib.Memory or None, default=None
        Cache the fit (vocabularies, idf, SVD and the training texts' matrix) in this
        folder, keyed by the texts and the parameters, as scikit-learn's ``Pipeline(memory=)``
        caches its transformers: a second fit on the same texts, by a clone in another
        pipeline or process, reads the result back instead of counting n-grams again. A
        vectorizer fitted that way caches its ``transform`` of each set of texts too.
        ``compare`` sets it, to a private folder it removes afterwards, so the strategies of
        one fold share one fit and one encoding of the test texts. The cache holds pickles:
        point it only at a folder that no one else writes to.

    Attributes
    ----------
    word_vectorizer_ : TfidfVectorizer or None
        The fitted word block (None when switched off).
    char_vectorizer_ : TfidfVectorizer or None
        The fitted character block (None when switched off).
    svd_ : TextSVD or None
        The fitted reduction (None without ``n_components``).
    n_features_in_ : int
        1, when ``X`` was 2-D (a one-column DataFrame or array).
    feature_names_in_ : ndarray of shape (1,)
        The column's name, when ``X`` was a DataFrame with a string column name.

    See Also
    --------
    TextSVD : The capped SVD behind ``n_components``, for any sparse matrix.
    text_features : The encoder for a kind of model, TF-IDF or embeddings.

    Examples
    --------
    >>> from unskew.text import TextVectorizer
    >>> texts = ["great product :)", "awful, broke in a day <3", "Отличный товар", "很好"]
    >>> vec = TextVectorizer()
    >>> Xt = vec.fit_transform(texts)
    >>> Xt.format, Xt.shape[0], bool((Xt.getnnz(axis=1) > 0).all())
    ('csr', 4, True)
    >>> names = vec.get_feature_names_out()
    >>> ":)" in vec.word_vectorizer_.vocabulary_, str(names[0]).startswith("word__")
    (True, True)
    >>> TextVectorizer(max_char_features=0).fit(texts).transform([":)"]).nnz
    1

    The dense view for tree models:

    >>> TextVectorizer(n_components=256, random_state=0).fit_transform(texts).shape
    (4, 4)
    """

    _parameter_constraints: ClassVar[dict] = {
        "word_ngram_range": _NGRAM,
        "char_ngram_range": _NGRAM,
        "max_word_features": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "max_char_features": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "min_df": [Interval(numbers.Integral, 1, None, closed="left"),
                   Interval(numbers.Real, 0, 1, closed="right")],
        "max_df": [Interval(numbers.Integral, 1, None, closed="left"),
                   Interval(numbers.Real, 0, 1, closed="right")],
        "lowercase": ["boolean"],
        "sublinear_tf": ["boolean"],
        "dtype": "no_validation",  # TfidfVectorizer checks it
        "n_components": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "memory": [None, str, HasMethods(["cache"])],
    }

    def __init__(self, *, word_ngram_range=(1, 2), char_ngram_range=(2, 5),
                 max_word_features=50_000, max_char_features=100_000, min_df=1, max_df=1.0,
                 lowercase=True, sublinear_tf=True, dtype=np.float64, n_components=None,
                 random_state=None, memory=None):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.min_df = min_df
        self.max_df = max_df
        self.lowercase = lowercase
        self.sublinear_tf = sublinear_tf
        self.dtype = dtype
        self.n_components = n_components
        self.random_state = random_state
        self.memory = memory

    def _check_params(self):
        self._validate_params()
        owner = type(self).__name__
        for name in ("word_ngram_range", "char_ngram_range"):
            value = getattr(self, name)
            if not (len(value) == 2 and all(isinstance(n, numbers.Integral)
                                            and not isinstance(n, bool) for n in value)
                    and 1 <= value[0] <= value[1]):
                raise parameter_error(owner, name, "a tuple (min_n, max_n) of ints with "
                                      "1 <= min_n <= max_n", value)
        if self.max_word_features == 0 and self.max_char_features == 0:
            raise parameter_error(owner, "max_char_features", "> 0 when max_word_features=0 "
                                  "(one block at least)", 0)

    def _blocks(self):
        common = {"min_df": self.min_df, "max_df": self.max_df, "lowercase": self.lowercase,
                  "sublinear_tf": self.sublinear_tf, "dtype": self.dtype}
        word = char = None
        if self.max_word_features != 0:
            word = TfidfVectorizer(analyzer="word", token_pattern=WORD_TOKEN_PATTERN,
                                   ngram_range=tuple(self.word_ngram_range),
                                   max_features=self.max_word_features, **common)
        if self.max_char_features != 0:
            char = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngram_range),
                                   max_features=self.max_char_features, **common)
        return word, char

    def fit(self, X, y=None):
        """Learn the word and character vocabularies and their idf from the texts ``X``.

        Parameters
        ----------
        X : 1-D array-like of str, Series, or one-column DataFrame / array
            The texts; missing values read as ``""``.
        y : None
            Ignored.

        Returns
        -------
        self : TextVectorizer
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit on ``X`` and return its TF-IDF matrix (one pass over the texts).

        Parameters
        ----------
        X : 1-D array-like of str, Series, or one-column DataFrame / array
            The texts.
        y : None
            Ignored.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_samples, n_features_out), or ndarray of shape \
(n_samples, n_components) with ``n_components``
        """
        return self._fit(X, transform=True)

    def _fit(self, X, transform=False):
        self._check_params()
        owner = type(self).__name__
        self._record_input(X)
        texts = text_column(X, owner)
        if not any(t.strip() for t in texts):
            raise DataError(f"{owner}: every one of the {len(texts)} texts is empty or missing; "
                            "there is nothing to learn a vocabulary from.")
        word, char = self._blocks()
        svd = (None if self.n_components is None
               else TextSVD(self.n_components, random_state=self.random_state))
        self._fit_key = None
        if self.memory is None:
            fitted = _fit_blocks(word, char, svd, self.dtype, texts, transform)
        else:
            # what the fitted state depends on (taken before the fit changes the blocks), so
            # a transform is keyed without hashing the vocabularies
            self._fit_key = joblib.hash((word, char, svd, self.dtype, texts))
            # cached with the matrix, whatever is asked: fit costs what fit_transform does
            fitted = check_memory(self.memory).cache(_fit_blocks)(word, char, svd, self.dtype,
                                                                  texts, True)
        self.word_vectorizer_, self.char_vectorizer_, self.svd_, out = fitted
        return out if transform else None

    def _record_input(self, X):
        for name in ("n_features_in_", "feature_names_in_"):
            self.__dict__.pop(name, None)
        if (X.ndim if hasattr(X, "ndim") else np.ndim(X)) == 2:
            self.n_features_in_ = 1
        columns = getattr(X, "columns", None)
        if columns is not None and isinstance(columns[0], str):
            self.feature_names_in_ = np.asarray(columns, dtype=object)

    def transform(self, X):
        """Encode the texts ``X`` with the fitted vocabularies.

        Parameters
        ----------
        X : 1-D array-like of str, Series, or one-column DataFrame / array
            The texts; missing values and texts of unseen terms give all-zero rows.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_samples, n_features_out), or ndarray of shape \
(n_samples, n_components) with ``n_components``
        """
        check_is_fitted(self, ("word_vectorizer_", "char_vectorizer_"))
        texts = text_column(X, type(self).__name__)
        if self.memory is not None and getattr(self, "_fit_key", None) is not None:
            encode = check_memory(self.memory).cache(_transform_blocks, ignore=["fitted"])
            return encode(self._fit_key, texts, fitted=self)
        return _transform_blocks(None, texts, fitted=self)

    def _fitted_blocks(self):
        return [b for b in (self.word_vectorizer_, self.char_vectorizer_) if b is not None]

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: ``word__<n-gram>`` then ``char__<n-gram>`` (``svd0``,
        ``svd1``, ... with ``n_components``).

        Parameters
        ----------
        input_features : None
            Ignored (the names come from the vocabularies).

        Returns
        -------
        ndarray of str objects
        """
        check_is_fitted(self, ("word_vectorizer_", "char_vectorizer_"))
        if self.svd_ is not None:
            return np.asarray([f"svd{i}" for i in range(self.svd_.n_components_)], dtype=object)
        names = []
        for prefix, block in (("word", self.word_vectorizer_), ("char", self.char_vectorizer_)):
            if block is not None:
                names.extend(f"{prefix}__{t}" for t in block.get_feature_names_out())
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.input_tags.one_d_array = True
        return tags


def _fit_blocks(word, char, svd, dtype, texts, transform):
    """Fit the blocks (and the SVD) on ``texts``: ``(word, char, svd, matrix or None)``.

    A module-level function of its inputs only, so ``joblib.Memory`` can key it by them.
    """
    parts = [block.fit_transform(texts) if transform or svd is not None else block.fit(texts)
             for block in (word, char) if block is not None]
    if svd is not None:
        out = svd.fit_transform(_stack(parts, dtype))
        return word, char, svd, out.astype(dtype, copy=False) if transform else None
    return word, char, None, _stack(parts, dtype) if transform else None


def _transform_blocks(fit_key, texts, *, fitted):
    """``fitted.transform(texts)``; ``fit_key`` names the fitted state in a cache key."""
    parts = [block.transform(texts) for block in fitted._fitted_blocks()]
    if fitted.svd_ is not None:
        return fitted.svd_.transform(_stack(parts, fitted.dtype)).astype(fitted.dtype,
                                                                          copy=False)
    return _stack(parts, fitted.dtype)


def _stack(parts, dtype):
    out = parts[0] if len(parts) == 1 else sp.hstack(parts, format="csr")
    return sp.csr_matrix(out, dtype=dtype)


class TextSVD(ParamsValidationMixin, TransformerMixin, BaseEstimator):
    """A dense low-rank view of a sparse matrix (TF-IDF), for models that need dense input.

    A :class:`~sklearn.decomposition.TruncatedSVD` (latent semantic analysis) whose number of
    components is capped by the data: ``min(n_components, n_features, n_samples)``, so a small
    vocabulary or a small training fold never fails. Gradient boosting then sees a few hundred
    dense columns instead of densifying a 100,000-column matrix.

    Parameters
    ----------
    n_components : int >= 1, default=256
        Components wanted; fewer when the data have fewer features or rows.
    n_iter : int >= 0, default=5
        Power iterations of the randomized solver.
    random_state : int, RandomState instance or None, default=None
        Seed of the randomized solver.

    Attributes
    ----------
    svd_ : TruncatedSVD
        The fitted decomposition.
    n_components_ : int
        Components used.
    n_features_in_ : int
        Columns seen in ``fit``.

    Examples
    --------
    >>> from unskew.text import TextSVD, TextVectorizer
    >>> Xt = TextVectorizer().fit_transform(["red apple", "green apple", "blue sky", "grey sky"])
    >>> svd = TextSVD(n_components=256, random_state=0).fit(Xt)
    >>> svd.n_components_, svd.transform(Xt).shape
    (4, (4, 4))
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_components": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_iter": [Interval(numbers.Integral, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, n_components=256, *, n_iter=5, random_state=None):
        self.n_components = n_components
        self.n_iter = n_iter
        self.random_state = random_state

    def fit(self, X, y=None):
        """Fit the decomposition on ``X`` (sparse or dense, 2-D).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Features, e.g. the output of :class:`TextVectorizer`.
        y : None
            Ignored.

        Returns
        -------
        self : TextSVD
        """
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit on ``X`` and return its reduced view.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Features.
        y : None
            Ignored.

        Returns
        -------
        ndarray of shape (n_samples, n_components_)
        """
        self._validate_params()
        X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32],
                          reset=True)
        n_samples, n_features = X.shape
        self.n_components_ = int(min(self.n_components, n_features, n_samples))
        self.svd_ = TruncatedSVD(self.n_components_, algorithm="randomized", n_iter=self.n_iter,
                                 random_state=self.random_state)
        return self.svd_.fit_transform(X)

    def transform(self, X):
        """Project ``X`` onto the fitted components.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features_in_)
            Features.

        Returns
        -------
        ndarray of shape (n_samples, n_components_)
        """
        check_is_fitted(self, "svd_")
        X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32],
                          reset=False)
        return self.svd_.transform(X)

    def get_feature_names_out(self, input_features=None):
        """Names ``textsvd0``, ``textsvd1``, ... of the components.

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        ndarray of str objects
        """
        check_is_fitted(self, "svd_")
        return np.asarray([f"textsvd{i}" for i in range(self.n_components_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


KINDS = ("sparse", "dense")
ENCODERS = ("tfidf", "minilm")


def text_features(kind="sparse", *, encoder="tfidf", n_components=256, random_state=None,
                  **params):
    """The encoder of one text column for a kind of model: sparse TF-IDF, dense view, embeddings.

    ============  ===========================================  ================================
    encoder       ``kind="sparse"`` (linear models, NB, SVM)   ``kind="dense"`` (trees, k-NN)
    ============  ===========================================  ================================
    ``"tfidf"``   :class:`TextVectorizer`                      :class:`TextVectorizer` with
                                                               ``n_components`` (SVD)
    ``"minilm"``  :class:`SentenceEmbedder` (dense already)    :class:`SentenceEmbedder`
    ============  ===========================================  ================================

    Each is one unfitted transformer (not a Pipeline), so it drops into a ColumnTransformer or
    an imbalanced-learn Pipeline alike.

    Parameters
    ----------
    kind : {"sparse", "dense"}, default="sparse"
        What the model after it accepts.
    encoder : {"tfidf", "minilm"}, default="tfidf"
        TF-IDF n-grams, or sentence embeddings from a local model (needs ``unskew[text]``;
        nothing is imported before ``fit``).
    n_components : int, default=256
        SVD components of the dense TF-IDF view (``encoder="tfidf"``, ``kind="dense"`` only).
    random_state : int or None, default=None
        Seed of that SVD.
    **params
        Parameters of :class:`TextVectorizer` (``max_char_features=...``) or of
        :class:`SentenceEmbedder` (``cache_dir=...``).

    Returns
    -------
    TextVectorizer or SentenceEmbedder

    Examples
    --------
    >>> from unskew.text import text_features
    >>> texts = ["fast delivery", "slow delivery", "great price", "bad price"] * 3
    >>> text_features("sparse").fit_transform(texts).format
    'csr'
    >>> text_features("dense", n_components=3, random_state=0).fit_transform(texts).shape
    (12, 3)
    >>> text_features("dense", encoder="glove")
    Traceback (most recent call last):
    ...
    unskew.exceptions.ParameterError: The 'encoder' parameter of text_features must be one of 'tfidf', 'minilm'; got 'glove'.
    """
    validate_params("text_features", {"kind": kind, "encoder": encoder},
                    {"kind": [StrOptions(KINDS)], "encoder": [StrOptions(ENCODERS)]})
    if encoder == "minilm":
        from ._embed import SentenceEmbedder

        return SentenceEmbedder(**params)
    if kind == "dense":
        params = {"n_components": n_components, "random_state": random_state, **params}
    return TextVectorizer(**params)
