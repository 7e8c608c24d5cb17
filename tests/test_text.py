"""Tests of unskew.text's core side: TF-IDF features, their reduced view, token augmentation."""

import pickle
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from unskew.exceptions import DataError, ParameterError
from unskew.text import (
    OPERATIONS,
    WORD_TOKEN_PATTERN,
    TextAugmenter,
    TextSVD,
    TextVectorizer,
    text_features,
)

REVIEWS = ["Great product, works well :)", "terrible, broke after a day", "ok I guess",
           "love it <3", "would not buy again!!!", "fast delivery and good price",
           "the battery died", "Отличный товар, рекомендую", "很好用的产品", "منتج رائع جدا"]


# -- TextVectorizer ------------------------------------------------------------------------------

def test_text_vectorizer_returns_csr_of_word_and_char_blocks():
    """Check that the output is one CSR matrix: the word block's columns, then the char block's."""
    vec = TextVectorizer()
    Xt = vec.fit_transform(REVIEWS)
    assert sp.issparse(Xt)
    assert Xt.format == "csr"
    assert Xt.dtype == np.float64
    n_word = len(vec.word_vectorizer_.vocabulary_)
    n_char = len(vec.char_vectorizer_.vocabulary_)
    assert Xt.shape == (len(REVIEWS), n_word + n_char)
    names = vec.get_feature_names_out()
    assert names.shape == (Xt.shape[1],)
    assert all(n.startswith("word__") for n in names[:n_word])
    assert all(n.startswith("char__") for n in names[n_word:])
    assert vec.char_vectorizer_.analyzer == "char_wb"
    assert vec.word_vectorizer_.ngram_range == (1, 2)
    assert vec.char_vectorizer_.ngram_range == (2, 5)


def test_text_vectorizer_equals_two_stacked_sklearn_tfidf_blocks():
    """Check that the features equal scikit-learn's TfidfVectorizer blocks (sublinear tf) stacked."""
    common = {"sublinear_tf": True, "min_df": 1}
    word = TfidfVectorizer(token_pattern=WORD_TOKEN_PATTERN, ngram_range=(1, 2),
                           max_features=50_000, **common).fit_transform(REVIEWS)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), max_features=100_000,
                           **common).fit_transform(REVIEWS)
    expected = sp.hstack([word, char]).toarray()
    np.testing.assert_allclose(TextVectorizer().fit_transform(REVIEWS).toarray(), expected)


@pytest.mark.parametrize("text", [":)", "<3", ":-D", ";(", "!!!", "^_^", ":P"],
                         ids=["smile", "heart", "grin", "wink-sad", "bangs", "kaomoji", "tongue"])
def test_text_vectorizer_symbol_only_texts_give_nonempty_word_rows(text):
    """Check that emoticons and other symbol-only strings are word tokens, not empty rows."""
    corpus = [text, "plain words here", ":( sad", "<3 <3"]
    vec = TextVectorizer(max_char_features=0).fit(corpus)
    row = vec.transform([text])
    assert row.nnz > 0
    assert text.lower() in vec.word_vectorizer_.vocabulary_ or text == "^_^"


def test_text_vectorizer_keeps_emoticons_whole():
    """Check that ':)' and '<3' are single tokens, and one-letter words are kept."""
    analyzer = TextVectorizer().fit(REVIEWS).word_vectorizer_.build_analyzer()
    tokens = analyzer("love it <3 :) I a [MASK]")
    assert {"<3", ":)", "i", "a", "[mask]"} <= set(tokens)


@pytest.mark.parametrize(("script", "text", "token"), [
    ("cyrillic", "Отличный товар, рекомендую", "отличный"),
    ("cjk", "很好用的产品", "很好用的产品"),
    ("arabic", "منتج رائع جدا", "رائع"),
    ("greek", "πολύ καλό", "καλό"),
], ids=["cyrillic", "cjk", "arabic", "greek"])
def test_text_vectorizer_non_latin_scripts_give_nonempty_rows(script, text, token):
    """Check that non-Latin texts get word and character features of their own script."""
    vec = TextVectorizer().fit([*REVIEWS, text])
    row = vec.transform([text])
    n_word = len(vec.word_vectorizer_.vocabulary_)
    assert row[:, :n_word].nnz > 0
    assert row[:, n_word:].nnz > 0
    assert token in vec.word_vectorizer_.vocabulary_


@pytest.mark.parametrize("wrap", [
    list, np.asarray, pd.Series, lambda t: pd.DataFrame({"review": t}),
    lambda t: np.asarray(t, dtype=object).reshape(-1, 1),
], ids=["list", "array", "series", "one-column-frame", "column-array"])
def test_text_vectorizer_accepts_every_form_of_one_column(wrap):
    """Check that a list, array, Series, one-column DataFrame and (n, 1) array give one result."""
    expected = TextVectorizer().fit_transform(REVIEWS).toarray()
    got = TextVectorizer().fit(wrap(REVIEWS)).transform(wrap(REVIEWS)).toarray()
    np.testing.assert_allclose(got, expected)


def test_text_vectorizer_missing_values_read_as_empty():
    """Check that None / NaN / pd.NA texts are empty rows, in fit and in transform."""
    texts = pd.Series(["good", None, "bad", np.nan, pd.NA], dtype=object)
    vec = TextVectorizer().fit(texts)
    Xt = vec.transform(texts)
    assert Xt.getnnz(axis=1).tolist()[1:] == [0, Xt[2].nnz, 0, 0]
    assert Xt[0].nnz > 0


def test_text_vectorizer_vocabulary_is_bounded():
    """Check that max_word_features / max_char_features cap each block, 0 switching it off."""
    many = [f"word{i} other{i} text" for i in range(200)]
    vec = TextVectorizer(max_word_features=30, max_char_features=40).fit(many)
    assert vec.transform(many).shape[1] == 70
    char_only = TextVectorizer(max_word_features=0).fit(many)
    assert char_only.word_vectorizer_ is None
    assert all(n.startswith("char__") for n in char_only.get_feature_names_out())
    assert TextVectorizer().max_word_features == 50_000
    assert TextVectorizer().max_char_features == 100_000


def test_text_vectorizer_fit_returns_self_clones_and_pickles():
    """Check scikit-learn basics: fit returns self, clone is unfitted, pickling keeps the output."""
    vec = TextVectorizer(max_word_features=100)
    assert vec.fit(REVIEWS) is vec
    fresh = clone(vec)
    assert fresh.get_params() == vec.get_params()
    assert not hasattr(fresh, "word_vectorizer_")
    with pytest.raises(NotFittedError):
        fresh.transform(REVIEWS)
    with pytest.raises(NotFittedError):
        fresh.get_feature_names_out()
    again = pickle.loads(pickle.dumps(vec))
    assert (again.transform(REVIEWS) != vec.transform(REVIEWS)).nnz == 0


def _memo_entries(folder):
    return sorted(folder.rglob("output.pkl"))


@pytest.mark.parametrize("n_components", [None, 3], ids=["sparse", "dense"])
def test_text_vectorizer_memory_gives_the_same_fit_once_per_texts(tmp_path, n_components):
    """Check that a cached fit equals an uncached one, and that clones in different pipelines
    fitting the same texts share one cache entry (other texts make another)."""
    plain = TextVectorizer(n_components=n_components, random_state=0)
    expected = plain.fit_transform(REVIEWS)
    cached = TextVectorizer(n_components=n_components, random_state=0, memory=str(tmp_path))
    first = cached.fit_transform(REVIEWS)
    as_array = (lambda m: m.toarray()) if n_components is None else np.asarray
    np.testing.assert_allclose(as_array(first), as_array(expected), atol=1e-12)
    assert len(_memo_entries(tmp_path)) == 1
    # a clone inside another estimator, fitted (not fit_transform) on the same texts
    pipe = make_pipeline(clone(cached), LogisticRegression()).fit(REVIEWS, [0, 1] * 5)
    np.testing.assert_allclose(as_array(pipe[0].transform(REVIEWS)), as_array(expected),
                               atol=1e-12)
    assert pipe[0].get_feature_names_out().tolist() == plain.get_feature_names_out().tolist()
    # the fit, and one transform per set of texts: the same texts again, by the other clone
    assert len(_memo_entries(tmp_path)) == 2
    np.testing.assert_allclose(as_array(cached.transform(REVIEWS)), as_array(expected),
                               atol=1e-12)
    assert len(_memo_entries(tmp_path)) == 2
    np.testing.assert_allclose(as_array(cached.transform(REVIEWS[:3])),
                               as_array(plain.transform(REVIEWS[:3])), atol=1e-12)
    assert len(_memo_entries(tmp_path)) == 3
    clone(cached).fit(REVIEWS[:-1])
    assert len(_memo_entries(tmp_path)) == 4
    # another parameter is another fit
    clone(cached).set_params(max_word_features=5).fit(REVIEWS)
    assert len(_memo_entries(tmp_path)) == 5


def test_text_vectorizer_bad_memory_raises():
    """Check that memory must be a folder or a joblib.Memory-like object."""
    with pytest.raises(ParameterError, match="'memory' parameter of TextVectorizer"):
        TextVectorizer(memory=3).fit(REVIEWS)


def test_text_vectorizer_records_the_column_of_a_frame():
    """Check that a one-column DataFrame sets n_features_in_ and feature_names_in_."""
    vec = TextVectorizer().fit(pd.DataFrame({"review": REVIEWS}))
    assert vec.n_features_in_ == 1
    assert vec.feature_names_in_.tolist() == ["review"]
    assert not hasattr(TextVectorizer().fit(REVIEWS), "n_features_in_")


@pytest.mark.parametrize(("X", "match"), [
    (pd.DataFrame({"a": ["x"], "b": ["y"]}), "encodes one text column; X has 2 columns"),
    ("a single review", "got a single string"),
    (sp.csr_matrix(np.ones((2, 2))), "got a sparse matrix"),
    (["", "  ", None], "every one of the 3 texts is empty or missing"),
], ids=["two-columns", "string", "sparse", "all-empty"])
def test_text_vectorizer_bad_input_raises(X, match):
    """Check that input that is not one column of texts raises a DataError saying so."""
    with pytest.raises(DataError, match=match):
        TextVectorizer().fit(X)


@pytest.mark.parametrize(("params", "match"), [
    ({"max_word_features": -1}, "'max_word_features' parameter of TextVectorizer must be"),
    ({"min_df": 0}, "'min_df' parameter of TextVectorizer"),
    ({"char_ngram_range": (3, 2)}, "'char_ngram_range' parameter of TextVectorizer must be a "
                                   "tuple"),
    ({"max_word_features": 0, "max_char_features": 0}, "one block at least"),
], ids=["negative-cap", "min-df", "ngram-order", "both-off"])
def test_text_vectorizer_bad_parameter_raises(params, match):
    """Check that bad parameters raise a ParameterError in fit, naming the parameter."""
    vec = TextVectorizer(**params)  # __init__ only stores
    with pytest.raises(ParameterError, match=match):
        vec.fit(REVIEWS)


def test_text_vectorizer_in_column_transformer_feeds_a_linear_model():
    """Check that it drops into a ColumnTransformer by column name and stays sparse."""
    frame = pd.DataFrame({"review": REVIEWS * 3, "stars": np.arange(30) % 5})
    y = (frame["stars"] > 2).to_numpy()
    pre = ColumnTransformer([("text", TextVectorizer(), "review")], sparse_threshold=1.0)
    assert sp.issparse(pre.fit_transform(frame))
    model = Pipeline([("pre", pre), ("lr", LogisticRegression())]).fit(frame, y)
    assert model.predict(frame).shape == (30,)


# -- TextSVD and text_features ---------------------------------------------------------------

def test_text_svd_caps_components_by_vocabulary_and_rows():
    """Check that n_components is capped by the features and rows, not an error."""
    small = TextVectorizer(max_word_features=3, max_char_features=0).fit_transform(
        ["a b c", "a b", "b c", "c a", "a", "b"])
    svd = TextSVD(random_state=0).fit(small)
    assert svd.n_components_ == 3
    assert svd.transform(small).shape == (6, 3)
    few_rows = TextVectorizer().fit_transform(REVIEWS[:4])
    assert TextSVD(random_state=0).fit_transform(few_rows).shape == (4, 4)
    assert TextSVD().n_components == 256


def test_text_svd_matches_truncated_svd_when_not_capped():
    """Check that, uncapped, it equals scikit-learn's TruncatedSVD with the same seed."""
    from sklearn.decomposition import TruncatedSVD

    Xt = TextVectorizer().fit_transform(REVIEWS * 2)
    ours = TextSVD(5, random_state=0).fit_transform(Xt)
    theirs = TruncatedSVD(5, random_state=0).fit_transform(Xt)
    np.testing.assert_allclose(ours, theirs)
    assert TextSVD(5).fit(Xt).get_feature_names_out()[0] == "textsvd0"


def test_text_features_sparse_and_dense_views():
    """Check that kind='sparse' gives the CSR TF-IDF and kind='dense' a reduced dense array."""
    sparse = text_features("sparse", max_char_features=500)
    assert isinstance(sparse, TextVectorizer)
    assert sparse.max_char_features == 500
    assert sparse.fit_transform(REVIEWS).format == "csr"
    dense = text_features("dense", n_components=4, random_state=0)
    out = dense.fit_transform(REVIEWS)
    assert isinstance(out, np.ndarray)
    assert out.shape == (10, 4)
    np.testing.assert_allclose(dense.transform(REVIEWS), out, atol=1e-10)
    assert dense.get_feature_names_out().tolist() == ["svd0", "svd1", "svd2", "svd3"]
    assert text_features("dense").n_components == 256


def test_text_vectorizer_dense_view_is_the_svd_of_the_sparse_matrix():
    """Check that n_components gives TextSVD of the sparse TF-IDF, in the vectorizer's dtype."""
    sparse = TextVectorizer().fit_transform(REVIEWS)
    expected = TextSVD(5, random_state=0).fit_transform(sparse)
    dense = TextVectorizer(n_components=5, random_state=0)
    out = dense.fit_transform(REVIEWS)
    np.testing.assert_allclose(out, expected, atol=1e-10)
    np.testing.assert_allclose(dense.fit(REVIEWS).transform(REVIEWS), out, atol=1e-10)
    small = TextVectorizer(n_components=5, random_state=0, dtype=np.float32)
    assert small.fit_transform(REVIEWS).dtype == np.float32
    assert small.transform(REVIEWS).dtype == np.float32


def test_text_features_dense_feeds_gradient_boosting_after_augmentation():
    """Check that HGB trains on the dense view inside an imblearn pipeline with the augmenter
    (an imblearn Pipeline refuses nested Pipelines, so each encoder is one estimator)."""
    texts = ["refund my money", "love this shop", "great quality"] * 10
    y = [1, 0, 0] * 10
    hgb = HistGradientBoostingClassifier(max_iter=20, min_samples_leaf=2)
    model = make_pipeline(TextAugmenter(random_state=0),
                          text_features("dense", n_components=8, random_state=0), hgb)
    model.fit(texts, y)
    assert model.predict(texts).tolist() == y


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"kind": "dens"}, "'kind' parameter of text_features must be one of 'sparse', 'dense'; "
                       "got 'dens'; did you mean 'dense'"),
    ({"encoder": "bert"}, "'encoder' parameter of text_features"),
], ids=["kind", "encoder"])
def test_text_features_bad_choice_raises(kwargs, match):
    """Check that an unknown kind or encoder raises a ParameterError listing the options."""
    with pytest.raises(ParameterError, match=match):
        text_features(**kwargs)


# -- TextAugmenter ---------------------------------------------------------------------------

WORDS = ["refund", "late", "card", "great", "app", "slow", "fast", "why", "ok", ":)"]


def _corpus(counts, seed=0):
    """Texts of 0-7 tokens (some missing) and labels with the given class counts."""
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    texts = [" ".join(rng.choice(WORDS, size=rng.randint(0, 8))) for _ in y]
    if len(texts) > 3:
        texts[3] = None
    return texts, y


@st.composite
def _imbalanced(draw):
    counts = draw(st.lists(st.integers(1, 12), min_size=2, max_size=4))
    strategy = draw(st.sampled_from(["auto", "not majority", "minority", "all", "dict"]))
    if strategy == "dict":
        strategy = {c: n + draw(st.integers(0, 5)) for c, n in enumerate(counts)}
    return counts, strategy, draw(st.integers(0, 2**16))


@settings(max_examples=40, deadline=None)
@given(_imbalanced())
def test_text_augmenter_counts_equal_random_over_sampler(case):
    """Check that the resampled class counts are RandomOverSampler's for the same strategy."""
    counts, strategy, seed = case
    texts, y = _corpus(counts, seed)
    _, y_res = TextAugmenter(sampling_strategy=strategy, random_state=seed).fit_resample(texts, y)
    _, y_ros = RandomOverSampler(sampling_strategy=strategy, random_state=seed).fit_resample(
        np.arange(len(y)).reshape(-1, 1), y)
    assert Counter(y_res.tolist()) == Counter(y_ros.tolist())


@settings(max_examples=40, deadline=None)
@given(_imbalanced(), st.floats(0.05, 1.0))
def test_text_augmenter_synthetic_rows_derive_from_their_class(case, p):
    """Check that originals come first unchanged, only classes below target grow, and every
    synthetic text is a sub-multiset of a same-class source's tokens plus mask tokens."""
    counts, strategy, seed = case
    texts, y = _corpus(counts, seed)
    aug = TextAugmenter(sampling_strategy=strategy, p=p, random_state=seed)
    X_res, y_res = aug.fit_resample(texts, y)
    n = len(texts)
    assert list(X_res[:n]) == texts
    assert y_res[:n].tolist() == y.tolist()
    src = aug.source_indices_[n:]
    assert y_res[n:].tolist() == y[src].tolist()  # labels are the sources' labels
    grown = {c for c, k in aug.sampling_strategy_.items() if k > 0}
    assert set(y_res[n:].tolist()) <= grown
    for text, s, op in zip(X_res[n:], src, aug.synthetic_operations_, strict=True):
        source = texts[s]
        if op == "copy":
            assert text == source
            continue
        extra = Counter(text.split()) - Counter(source.split())
        assert set(extra) <= {"[MASK]"}
        assert Counter(text.split()) & Counter(source.split()), "keeps a source token"


def test_text_augmenter_only_classes_below_target_grow():
    """Check that with 'not majority' the majority is untouched and the others reach it."""
    texts, y = _corpus([20, 5, 2])
    _, y_res = TextAugmenter(random_state=0).fit_resample(texts, y)
    assert np.bincount(y_res).tolist() == [20, 20, 20]
    _, y_res = TextAugmenter(sampling_strategy={0: 20, 1: 5, 2: 9},
                             random_state=0).fit_resample(texts, y)
    assert np.bincount(y_res).tolist() == [20, 5, 9]


@pytest.mark.parametrize("strategy", [0.5, 1.0, "minority", {0: 20, 1: 12}],
                         ids=["ratio-half", "ratio-one", "minority", "dict"])
def test_text_augmenter_binary_strategies_match_random_over_sampler(strategy):
    """Check the binary forms of sampling_strategy (a float ratio) against RandomOverSampler."""
    texts, y = _corpus([20, 4])
    _, y_res = TextAugmenter(sampling_strategy=strategy, random_state=0).fit_resample(texts, y)
    _, y_ros = RandomOverSampler(sampling_strategy=strategy, random_state=0).fit_resample(
        np.zeros((24, 1)), y)
    assert np.bincount(y_res).tolist() == np.bincount(y_ros).tolist()


def test_text_augmenter_array_column_by_position():
    """Check that a 2-D array takes text_column as a position and copies the other columns."""
    texts, y = _corpus([9, 3])
    X = np.array([[i, t, i % 2] for i, t in enumerate(texts)], dtype=object)
    aug = TextAugmenter(text_column=1, random_state=0)
    X_res, _ = aug.fit_resample(X, y)
    assert X_res.shape == (18, 3)
    np.testing.assert_array_equal(X_res[:12], X)
    src = aug.source_indices_[12:]
    assert X_res[12:, 0].tolist() == src.tolist()
    assert X_res[12:, 2].tolist() == X[src, 2].tolist()
    assert aug.n_features_in_ == 3


def test_text_augmenter_is_reproducible_by_random_state():
    """Check that one seed gives one output and another seed another."""
    texts, y = _corpus([30, 6])
    first = TextAugmenter(p=0.3, random_state=1).fit_resample(texts, y)[0]
    again = TextAugmenter(p=0.3, random_state=1).fit_resample(texts, y)[0]
    other = TextAugmenter(p=0.3, random_state=2).fit_resample(texts, y)[0]
    assert first == again
    assert first != other


def test_text_augmenter_carries_sample_weight_from_the_source():
    """Check that a synthetic row's sample_weight is its source row's."""
    texts, y = _corpus([12, 4])
    w = np.linspace(0.5, 2.0, len(y))
    aug = TextAugmenter(random_state=0)
    X_res, y_res, w_res = aug.fit_resample(texts, y, sample_weight=w)
    np.testing.assert_array_equal(w_res, w[aug.source_indices_])
    assert len(X_res) == len(y_res) == len(w_res) == 24
    with pytest.raises(DataError, match="sample_weight must be finite and >= 0"):
        aug.fit_resample(texts, y, sample_weight=-w)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_text_augmenter_each_operation_edits_as_documented(operation):
    """Check mask (same length, masks), delete (an ordered subsequence), swap (same tokens),
    span (one contiguous run cut out)."""
    source = "one two three four five six seven eight nine ten"
    tokens = source.split()
    texts, y = [source] * 2 + ["x y"] * 8, [1, 1] + [0] * 8
    aug = TextAugmenter(operations=(operation,), p=0.3, random_state=0)
    X_res, _ = aug.fit_resample(texts, y)
    assert set(aug.synthetic_operations_) == {operation}
    for text in X_res[10:]:
        out = text.split()
        assert out != tokens
        if operation == "mask":
            assert len(out) == len(tokens)
            assert "[MASK]" in out
            assert all(o in (t, "[MASK]") for o, t in zip(out, tokens, strict=True))
        elif operation == "delete":
            it = iter(tokens)
            assert len(out) < len(tokens)
            assert all(o in it for o in out)
        elif operation == "swap":
            assert sorted(out) == sorted(tokens)
        else:
            cut = len(tokens) - len(out)
            assert any(tokens[:i] + tokens[i + cut:] == out for i in range(len(tokens)))


def test_text_augmenter_copies_short_and_missing_texts_unchanged():
    """Check that one-token and missing texts are copied as they are, marked 'copy'."""
    texts, y = ["fine", None, "a b c d", "x y", "x y", "x y"], [1, 1, 0, 0, 0, 0]
    aug = TextAugmenter(sampling_strategy={1: 4, 0: 4}, random_state=0)
    X_res, _ = aug.fit_resample(texts, y)
    assert sorted(X_res[6:], key=str) == sorted(["fine", None], key=str)
    assert set(aug.synthetic_operations_) == {"copy"}


def test_text_augmenter_frame_copies_other_columns_and_keeps_dtypes():
    """Check that a DataFrame's other columns come from the source row, with their dtypes."""
    texts, y = _corpus([10, 3])
    frame = pd.DataFrame({"id": np.arange(13), "text": texts,
                          "channel": pd.Categorical(["app", "web"] * 6 + ["app"])})
    aug = TextAugmenter(text_column="text", random_state=0)
    out, y_res = aug.fit_resample(frame, pd.Series(y, name="label"))
    assert out.dtypes.tolist() == frame.dtypes.tolist()
    assert y_res.name == "label"
    pd.testing.assert_frame_equal(out.iloc[:13], frame)
    src = aug.source_indices_[13:]
    assert out["id"].iloc[13:].tolist() == src.tolist()
    assert out["channel"].iloc[13:].tolist() == frame["channel"].iloc[src].tolist()
    assert aug.feature_names_in_.tolist() == ["id", "text", "channel"]


def test_text_augmenter_series_in_series_out():
    """Check that a Series of texts comes back as a Series of the same name."""
    texts, y = _corpus([8, 2])
    out, _ = TextAugmenter(random_state=0).fit_resample(pd.Series(texts, name="review"), y)
    assert isinstance(out, pd.Series)
    assert out.name == "review"
    assert len(out) == 16


@pytest.mark.parametrize(("X", "params", "match"), [
    (pd.DataFrame({"a": ["x y"] * 3, "b": ["z w"] * 3}), {}, "name the one holding the text "
                                                             "with text_column="),
    (pd.DataFrame({"text": ["x y"] * 3}), {"text_column": "txt"},
     "text column 'txt' is not a column of X; did you mean 'text'"),
    (["x y"] * 3, {"text_column": "text"}, "X is 1-D, the texts themselves"),
    (pd.DataFrame({"text": pd.Categorical(["x y"] * 3)}), {}, "is categorical"),
], ids=["which-column", "unknown-column", "column-of-1d", "categorical"])
def test_text_augmenter_bad_input_raises(X, params, match):
    """Check that an unusable X raises a DataError saying what to change."""
    with pytest.raises(DataError, match=match):
        TextAugmenter(**params).fit_resample(X, [0, 0, 1])


@pytest.mark.parametrize(("params", "match"), [
    ({"operations": ("mask", "shuffle")}, "'operations' parameter of TextAugmenter must be a "
                                          "non-empty tuple of 'mask', 'delete', 'swap', 'span'"),
    ({"operations": ("delet",)}, "did you mean 'delete'"),
    ({"operations": ()}, "'operations' parameter of TextAugmenter"),
    ({"p": 0.0}, "'p' parameter of TextAugmenter must be"),
    ({"mask_token": "[ MASK ]"}, "'mask_token' parameter of TextAugmenter must be a non-empty "
                                 "token without whitespace"),
], ids=["unknown-op", "misspelt-op", "no-op", "zero-rate", "spaced-mask"])
def test_text_augmenter_bad_parameter_raises(params, match):
    """Check that bad parameters raise a ParameterError naming the parameter."""
    with pytest.raises(ParameterError, match=match):
        TextAugmenter(**params).fit_resample(["a b", "c d", "e f"], [0, 0, 1])


def test_text_augmenter_runs_only_in_fit_of_an_imblearn_pipeline():
    """Check that inside make_pipeline the vectorizer learns from augmented texts (masks seen)
    while predict sees the texts as given, one prediction per row."""
    texts, y = _corpus([40, 6])
    texts = [t or "" for t in texts]
    model = make_pipeline(TextAugmenter(operations=("mask",), p=0.5, random_state=0),
                          TextVectorizer(max_char_features=0), LogisticRegression())
    model.fit(texts, y)
    assert "[mask]" in model[1].word_vectorizer_.vocabulary_  # fitted on the augmented rows
    assert model.predict(texts).shape == (46,)
    assert not hasattr(model[0], "transform")
