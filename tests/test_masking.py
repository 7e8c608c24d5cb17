"""Tests of MaskingOverSampler: masked copies of rare-class rows, labels untouched."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.linear_model import LogisticRegression

from unskew.exceptions import DataError
from unskew.resampling import MaskingOverSampler


def _data(counts=(40, 12, 6), n_features=6, seed=0):
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    X = rng.normal(size=(y.size, n_features)) + 3 * y[:, None]
    return X, y


@settings(max_examples=25, deadline=None)
@given(counts=st.lists(st.integers(1, 30), min_size=2, max_size=4),
       fraction=st.floats(0.0, 1.0), seed=st.integers(0, 2**16))
def test_masking_copies_differ_only_in_masked_features(counts, fraction, seed):
    """Check that a copy differs from its source in <= n_masked features, values taken from its class."""
    X, y = _data(tuple(counts), seed=seed)
    sampler = MaskingOverSampler(mask_fraction=fraction, random_state=seed)
    X_res, y_res = sampler.fit_resample(X, y)
    n = y.size
    src = sampler.source_indices_[n:]
    expected_masked = 0 if fraction == 0 else max(1, round(fraction * X.shape[1]))
    assert sampler.n_masked_features_ == expected_masked
    np.testing.assert_array_equal(X_res[:n], X)  # originals first, unchanged
    np.testing.assert_array_equal(y_res[n:], y[src])  # labels never touched
    changed = X_res[n:] != X[src]
    assert (changed.sum(axis=1) <= expected_masked).all()
    for i, j in zip(*np.nonzero(changed), strict=True):
        assert X_res[n + i, j] in X[y == y[src[i]], j]


@pytest.mark.parametrize(
    "strategy",
    ["auto", "all", "not majority", {1: 30, 2: 25}, 0.5],
    ids=["auto", "all", "not-majority", "dict", "float"],
)
def test_masking_counts_equal_random_over_sampler(strategy):
    """Check that the class counts equal imbalanced-learn's RandomOverSampler's for the same strategy."""
    X, y = _data((40, 12)) if strategy == 0.5 else _data()
    _, y_res = MaskingOverSampler(sampling_strategy=strategy, random_state=0).fit_resample(X, y)
    _, y_ref = RandomOverSampler(sampling_strategy=strategy, random_state=0).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == np.bincount(y_ref).tolist()


def test_masking_zero_fraction_gives_exact_copies():
    """Check that mask_fraction=0 copies rows exactly, each at most ceil(n_new / n_c) times."""
    X, y = _data()
    sampler = MaskingOverSampler(mask_fraction=0.0, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    src = sampler.source_indices_
    np.testing.assert_array_equal(X_res, X[src])
    copies = np.bincount(src[y.size:], minlength=y.size)
    assert copies[y == 2].max() == -(-(40 - 6) // 6)


def test_masking_noise_is_scaled_by_class_std():
    """Check that fill='noise' adds N(0, (noise_scale * class std)^2) to the masked features only."""
    rng = np.random.RandomState(1)
    y = np.array([0] * 1000 + [1] * 200)
    X = np.where(y[:, None] == 1, rng.normal(0, [1.0, 4.0], (1200, 2)), rng.normal(size=(1200, 2)))
    sampler = MaskingOverSampler(fill="noise", noise_scale=0.5, mask_fraction=0.5, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    src = sampler.source_indices_[1200:]
    diff = X_res[1200:] - X[src]
    assert ((diff != 0).sum(axis=1) == 1).all()
    for j in range(2):
        moved = diff[:, j][diff[:, j] != 0]
        scale = 0.5 * X[y == 1, j].std()
        z = moved / scale
        assert abs(z.mean()) < 4 / np.sqrt(z.size)
        assert abs(z.std() - 1) < 0.15


def test_masking_class_median_fill():
    """Check that fill='class-median' writes the class median (most frequent value for text)."""
    X, y = _data()
    sampler = MaskingOverSampler(fill="class-median", random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    changed = X_res[y.size:] != X[sampler.source_indices_[y.size:]]
    for i, j in zip(*np.nonzero(changed), strict=True):
        assert X_res[y.size + i, j] == np.median(X[y == y_res[y.size + i], j])
    X_obj = np.array([["a", "p"], ["b", "q"], ["b", "q"], ["c", "r"]] + [["x", "z"]] * 4,
                     dtype=object)
    labels = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    sampler = MaskingOverSampler(sampling_strategy={1: 12}, fill="class-median", random_state=0)
    out, _ = sampler.fit_resample(X_obj, labels)
    source = X_obj[sampler.source_indices_[8:]]
    changed = out[8:] != source
    assert changed.any()
    # the most frequent value of class 1 is "b" in column 0 and "q" in column 1
    assert set(out[8:][changed[:, 0], 0]) <= {"b"}
    assert set(out[8:][changed[:, 1], 1]) <= {"q"}


def test_masking_dataframe_keeps_dtypes_and_valid_categories():
    """Check that a DataFrame comes back with its columns, dtypes and only seen category values."""
    rng = np.random.RandomState(0)
    n = 60
    y = pd.Series(np.r_[np.zeros(50, int), np.ones(10, int)], name="target")
    df = pd.DataFrame({
        "amount": rng.normal(size=n),
        "count": rng.randint(0, 9, n).astype(np.int32),
        "city": pd.Categorical(rng.choice(["a", "b", "c", "d"], n)),
        "flag": rng.rand(n) > 0.5,
    })
    df.loc[y == 1, "city"] = "d"
    out, out_y = MaskingOverSampler(mask_fraction=0.5, random_state=0).fit_resample(df, y)
    assert out.columns.tolist() == df.columns.tolist()
    assert out.dtypes.tolist() == df.dtypes.tolist()
    assert out_y.name == "target"
    assert out_y.value_counts().tolist() == [50, 50]
    assert (out.loc[out_y == 1, "city"] == "d").all()  # values drawn from the same class
    assert out.iloc[n:]["count"].isin(df.loc[y == 1, "count"]).all()


@pytest.mark.parametrize(("token_mask", "fraction"), [("[MASK]", 0.5), (None, 0.5), ("<m>", 0.0)],
                         ids=["replace", "drop", "none-masked"])
def test_masking_text_columns_mask_tokens(token_mask, fraction):
    """Check that text columns get whitespace tokens replaced (or dropped), other tokens kept in order."""
    texts = ["the card was stolen abroad", "unknown charge on my card", "card lost",
             "refund please", "all fine", "thanks", "ok", "great service"]
    df = pd.DataFrame({"text": texts, "x": np.arange(8.0)})
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    sampler = MaskingOverSampler(text_columns=["text"], token_mask=token_mask,
                                 token_mask_fraction=fraction, mask_fraction=0.0, random_state=3)
    out, _ = sampler.fit_resample(df, y)
    src = sampler.source_indices_[8:]
    for new, old in zip(out["text"].iloc[8:], df["text"].iloc[src], strict=True):
        old_tokens, new_tokens = old.split(), new.split()
        if token_mask is None:  # a subsequence of the original tokens
            it = iter(old_tokens)
            assert all(t in it for t in new_tokens)
        else:
            assert len(new_tokens) == len(old_tokens)
            assert all(n in (o, token_mask) for n, o in zip(new_tokens, old_tokens, strict=True))
            if fraction == 0:
                assert new == old
    np.testing.assert_array_equal(out["x"].iloc[8:], df["x"].iloc[src])


@pytest.mark.parametrize("fill", ["class-values", "noise", "class-median"])
def test_masking_sparse_equals_dense(fill):
    """Check that CSR input gives the same rows as dense input, still sparse."""
    X, y = _data()
    X[np.abs(X) < 0.8] = 0.0
    dense, y_dense = MaskingOverSampler(fill=fill, random_state=0).fit_resample(X, y)
    sparse, y_sparse = MaskingOverSampler(fill=fill, random_state=0).fit_resample(
        sp.csr_matrix(X), y)
    assert sp.issparse(sparse)
    np.testing.assert_allclose(sparse.toarray(), dense)
    np.testing.assert_array_equal(y_sparse, y_dense)


def test_masking_sample_weight_follows_the_copied_row():
    """Check that every copy carries the sample_weight of its source row."""
    X, y = _data()
    w = np.arange(y.size, dtype=float) + 1
    sampler = MaskingOverSampler(random_state=0)
    _, _, w_res = sampler.fit_resample(X, y, sample_weight=w)
    np.testing.assert_array_equal(w_res, w[sampler.source_indices_])


def test_masking_in_pipeline_runs_on_fit_only():
    """Check that inside an imbalanced-learn pipeline predict keeps the test rows."""
    X, y = _data()
    model = make_pipeline(MaskingOverSampler(random_state=0), LogisticRegression()).fit(X, y)
    assert model.predict(X[:7]).shape == (7,)


@pytest.mark.parametrize(
    ("params", "X_kind", "error", "match"),
    [
        ({"sampling_strategy": {7: 50}}, "array", DataError, "names class 7, which is not in y"),
        ({"sampling_strategy": {0: 10}}, "array", DataError,
         "asks for 10 rows of class 0, which has 40; .* at least 40"),
        ({}, "1d", DataError, "must be 2-D .* got a 1-D array of 58 values"),
        ({}, "nan-frame", DataError, "column 'income' has 1 \\(first at row 3\\)"),
        ({}, "inf-array", DataError, "0 NaN and 1 infinite values; column 2"),
        ({"fill": "nosie"}, "array", ValueError, "must be one of .*; got 'nosie'; did you mean 'noise'"),
        ({"mask_fraction": 1.5}, "array", ValueError, "'mask_fraction' .* \\[0, 1\\]; got 1.5"),
        ({"noise_scale": -1.0}, "array", ValueError, "'noise_scale' .* >= 0; got -1.0"),
        ({"text_columns": ["txt"]}, "frame", DataError, "'txt' is not a column of X; did you mean 'text'"),
        ({"text_columns": ["income"]}, "frame", DataError, "'income' has numeric dtype"),
        ({"text_columns": ["text"]}, "array", ValueError, "needs X as a pandas DataFrame"),
    ],
    ids=["unknown-class", "shrink", "1d-X", "nan-column", "inf", "fill", "fraction", "noise-scale",
         "text-unknown", "text-numeric", "text-array"],
)
def test_masking_bad_input_errors(params, X_kind, error, match):
    """Check that bad data and parameters raise clear errors with the user's numbers."""
    X, y = _data()
    frame = pd.DataFrame({"income": X[:, 0], "text": ["a b"] * y.size})
    inputs = {"array": X, "1d": X[:, 0], "frame": frame,
              "nan-frame": frame.assign(income=np.where(np.arange(y.size) == 3, np.nan, X[:, 0])),
              "inf-array": np.where(np.arange(X.size).reshape(X.shape) == 8, np.inf, X)}
    with pytest.raises(error, match=match):
        MaskingOverSampler(**params).fit_resample(inputs[X_kind], y)
