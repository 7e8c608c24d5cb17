"""Drop-in tests (issue 18): each behaviour checked against imbalanced-learn in the same run.

A user who swaps ``from imblearn.over_sampling import X`` for ``from unskew.resampling import X``
gets the same output, attributes and accepted inputs, or a documented difference (the classes'
"Differences from imbalanced-learn" notes, ``benchmarks/results/imblearn_suite.md``).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn import combine as ref_combine
from imblearn import over_sampling as ref
from imblearn.utils.testing import _CustomNearestNeighbors
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.exceptions import DataConversionWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
from sklearn.svm import LinearSVC

import unskew.resampling as ours
from unskew.exceptions import DataError, ParameterError, StructureError


def _numeric(n_classes=2, seed=0, n=400):
    weights = [0.8] if n_classes == 2 else [0.6, 0.3]
    return make_classification(n_samples=n, n_classes=n_classes, weights=weights,
                               n_informative=3, class_sep=0.7, random_state=seed)


def _fit(resampler, X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return resampler.fit_resample(X, y, **params)


def _seed(kind):
    return 0 if kind == "int" else np.random.RandomState(3)


def _mixed(n=60, n_classes=3, seed=0):
    rng = np.random.RandomState(seed)
    X = np.empty((n, 4), dtype=object)
    X[:, :2] = rng.randn(n, 2)
    X[:, 2] = rng.choice(["a", "b", "c"], size=n).astype(object)
    X[:, 3] = rng.randint(3, size=n)
    sizes = [10, 20, 30] if n_classes == 3 else [20, 40]
    y = np.repeat(np.arange(n_classes), sizes)
    return X, y


def _categorical(seed=0):
    rng = np.random.RandomState(seed)
    X = np.array([["A"] * 10 + ["B"] * 20 + ["C"] * 30, ["A"] * 40 + ["B"] * 20,
                  ["A"] * 20 + ["B"] * 20 + ["C"] * 10 + ["D"] * 10], dtype=object).T
    rng.shuffle(X)
    return X, np.array(["not apple"] * 20 + ["apple"] * 40, dtype=object)


# ------------------------------------------------------------------------------ Borderline


def test_borderline_in_danger_indices_alias():
    """Check that in_danger_indices is imbalanced-learn's, {} when no row is in DANGER."""
    X, y = make_classification(n_samples=500, n_features=2, n_informative=2, n_redundant=0,
                               n_clusters_per_class=1, n_classes=3, weights=[0.1, 0.2, 0.7],
                               class_sep=1.5, random_state=1)
    params = {"m_neighbors": 3, "k_neighbors": 5, "random_state": 0}
    mine = ours.BorderlineSMOTE(**params)
    _fit(mine, X, y)
    theirs = ref.BorderlineSMOTE(**params)
    theirs.fit_resample(X, y)
    assert mine.in_danger_indices == theirs.in_danger_indices == {}
    assert {k: v.size for k, v in mine.in_danger_indices_.items()} == {0: 0, 1: 0}  # ours kept

    X, y = _numeric(n_classes=3)
    mine, theirs = ours.BorderlineSMOTE(random_state=0), ref.BorderlineSMOTE(random_state=0)
    _fit(mine, X, y)
    theirs.fit_resample(X, y)
    assert mine.in_danger_indices.keys() == theirs.in_danger_indices.keys()
    for label, rows in theirs.in_danger_indices.items():
        np.testing.assert_array_equal(mine.in_danger_indices[label], rows)


@pytest.mark.parametrize("seed", ["int", "RandomState"])
@pytest.mark.parametrize(
    ("name", "params", "n_classes"),
    # multi-class SVM-SMOTE: imblearn leaves a class whose support vectors are all of one kind
    # short of the request (documented), so only the binary case can match
    [("SMOTE", {}, 2), ("SMOTE", {}, 3), ("BorderlineSMOTE", {}, 2),
     ("BorderlineSMOTE", {}, 3), ("SVMSMOTE", {}, 2)],
    ids=["smote", "smote-multiclass", "borderline-1", "borderline-1-multiclass", "svm"])
def test_rows_match_imblearn_seed_for_seed(name, params, n_classes, seed):
    """Check that the same random_state gives imbalanced-learn's rows exactly."""
    X, y = _numeric(n_classes)
    mine = _fit(getattr(ours, name)(random_state=_seed(seed), **params), X, y)
    theirs = getattr(ref, name)(random_state=_seed(seed), **params).fit_resample(X, y)
    np.testing.assert_array_equal(mine[1], theirs[1])
    np.testing.assert_allclose(mine[0], theirs[0], rtol=0, atol=1e-12)


def test_borderline2_differs_only_in_the_move_towards_other_classes():
    """Check that Borderline-2 draws imbalanced-learn's rows, except the documented gap rule."""
    X, y = _numeric()
    mine = _fit(ours.BorderlineSMOTE(kind="borderline-2", random_state=0), X, y)[0]
    theirs = ref.BorderlineSMOTE(kind="borderline-2", random_state=0).fit_resample(X, y)[0]
    assert mine.shape == theirs.shape
    same = np.isclose(mine, theirs, rtol=0, atol=1e-12).all(axis=1)
    # the rows towards a neighbour of the same class are the same; the others move less far
    # with imblearn's U(0, 1) * U(0, 0.5) than with the paper's U(0, 0.5)
    assert same[:X.shape[0]].all()
    assert 0 < same[X.shape[0]:].mean() < 1


# ----------------------------------------------------------------------- k_neighbors objects


@pytest.mark.parametrize(
    ("name", "param", "params"),
    [("SMOTE", "k_neighbors", {}), ("ADASYN", "n_neighbors", {}),
     ("KMeansSMOTE", "k_neighbors", {"kmeans_estimator": 3, "cluster_balance_threshold": 0.0})],
    ids=["smote", "adasyn", "kmeans"])
def test_neighbors_object_with_only_fit_and_kneighbors(name, param, params):
    """Check that an object with only fit(X) and kneighbors(X, ...) works like the int."""
    X, y = _numeric()
    custom = _CustomNearestNeighbors(n_neighbors=6)  # counts the row itself, as imblearn's
    with_object = _fit(getattr(ours, name)(random_state=0, **{param: custom}, **params), X, y)
    with_int = _fit(getattr(ours, name)(random_state=0, **{param: 5}, **params), X, y)
    np.testing.assert_allclose(with_object[0], with_int[0])
    theirs = getattr(ref, name)(random_state=0, **{param: custom}, **params).fit_resample(X, y)
    assert theirs[0].shape[1] == with_object[0].shape[1]  # imblearn accepts it too
    if name == "SMOTE":
        np.testing.assert_allclose(with_object[0], theirs[0])


# ------------------------------------------------------------------------------- SMOTE-NC


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_smotenc_sparse_gives_sparse(fmt):
    """Check that SMOTENC on a sparse matrix returns one, with imbalanced-learn's values."""
    rng = np.random.RandomState(42)
    X = np.empty((30, 4))
    X[:, [1, 2]] = rng.randn(30, 2)
    X[:, 0] = rng.randint(3, size=30)
    X[:, 3] = rng.randint(3, size=30)
    y = np.array([0] * 10 + [1] * 20)
    X_sparse = sparse.csr_matrix(X) if fmt == "csr" else sparse.csc_matrix(X)
    mine = ours.SMOTENC(categorical_features=[0, 3], random_state=0).fit_resample(X_sparse, y)
    theirs = ref.SMOTENC(categorical_features=[0, 3], random_state=0).fit_resample(X_sparse, y)
    assert sparse.issparse(mine[0])
    assert mine[0].format == fmt
    assert mine[0].dtype == X.dtype
    np.testing.assert_allclose(mine[0].toarray(), theirs[0].toarray(), atol=1e-12)
    dense = ours.SMOTENC(categorical_features=[0, 3], random_state=0).fit_resample(X, y)
    np.testing.assert_allclose(mine[0].toarray(), dense[0], atol=1e-12)


@pytest.mark.parametrize("n_classes", [2, 3], ids=["binary", "multiclass"])
@pytest.mark.parametrize("features", [[2, 3], [3, 2]], ids=["in-order", "reversed"])
def test_smotenc_rows_match_imblearn(n_classes, features):
    """Check that SMOTENC gives imbalanced-learn's rows, categorical votes and ties included."""
    X, y = _mixed(n_classes=n_classes)
    mine = ours.SMOTENC(categorical_features=features, random_state=0).fit_resample(X, y)
    theirs = ref.SMOTENC(categorical_features=features, random_state=0).fit_resample(X, y)
    np.testing.assert_allclose(mine[0][:, :2].astype(float), theirs[0][:, :2].astype(float))
    np.testing.assert_array_equal(mine[0][:, 2:], theirs[0][:, 2:])


def test_smotenc_categorical_encoder_and_n_features():
    """Check categorical_encoder_ and n_features_ against imbalanced-learn's."""
    X, y = _mixed()
    mine = ours.SMOTENC(categorical_features=[2, 3], random_state=0)
    theirs = ref.SMOTENC(categorical_features=[2, 3], random_state=0)
    out_default = mine.fit_resample(X, y)
    theirs.fit_resample(X, y)
    assert isinstance(mine.categorical_encoder_, OneHotEncoder)
    assert mine.categorical_encoder_.sparse_output is theirs.categorical_encoder_.sparse_output
    assert mine.n_features_ == theirs.n_features_ == 4
    for a, b in zip(mine.categorical_encoder_.categories_, theirs.categorical_encoder_.categories_,
                    strict=True):
        np.testing.assert_array_equal(a, b)

    encoder = OneHotEncoder(sparse_output=False)
    out = mine.set_params(categorical_encoder=encoder).fit_resample(X, y)
    assert mine.categorical_encoder is encoder
    assert mine.categorical_encoder_ is not encoder
    assert mine.categorical_encoder_.sparse_output is False
    np.testing.assert_array_equal(out[0], out_default[0])  # a full one-hot changes no row


@pytest.mark.parametrize(
    "encoder",
    [OneHotEncoder(drop="first"), OneHotEncoder(drop="if_binary"), OrdinalEncoder(),
     OneHotEncoder(max_categories=2)],
    ids=["drop-first", "drop-if-binary", "ordinal", "infrequent"])
def test_smotenc_categorical_encoder_not_honoured(encoder):
    """Check that an encoder that is not a full one-hot raises, naming what is honoured."""
    X, y = _mixed()
    X[:, 3] = X[:, 3] % 2  # a binary column, which drop="if_binary" encodes in one column
    with pytest.raises(ValueError, match="one column per category"):
        ref.SMOTENC(categorical_features=[2, 3], categorical_encoder=encoder).fit_resample(X, y)
    with pytest.raises(ParameterError, match=r"one column per category.*Honoured: None, or a "
                                             r"OneHotEncoder without drop"):
        ours.SMOTENC(categorical_features=[2, 3], categorical_encoder=encoder).fit_resample(X, y)


@pytest.mark.parametrize(
    ("frame", "match", "theirs_match"),
    [(pd.DataFrame({"a": np.arange(100.0), "b": np.arange(100.0) % 7}),
      r"no categorical column found.*use SMOTE for all-numeric data", "only with numerical"),
     (pd.DataFrame({"a": pd.Categorical(np.arange(100) % 3),
                    "b": pd.Categorical(np.arange(100) % 2)}),
      r"all 2 columns are categorical.*Use SMOTEN", "only with categorical")],
    ids=["all-numeric", "all-categorical"])
def test_smotenc_auto_refuses_one_kind(frame, match, theirs_match):
    """Check that categorical_features='auto' on one kind of column names SMOTE / SMOTEN."""
    y = np.r_[np.zeros(70, int), np.ones(30, int)]
    with pytest.raises(ValueError, match=theirs_match):
        ref.SMOTENC(categorical_features="auto").fit_resample(frame, y)
    with pytest.raises(DataError, match=match):
        ours.SMOTENC(categorical_features="auto").fit_resample(frame, y)


def test_smotenc_auto_takes_object_columns():
    """Check the documented difference: 'auto' takes object columns (imblearn: numeric)."""
    X = pd.DataFrame({"A": np.tile(np.arange(10.0), 10), "B": ["a", "b"] * 50})
    y = np.r_[np.zeros(70, int), np.ones(30, int)]
    with pytest.raises(ValueError, match="only with numerical"):
        ref.SMOTENC(categorical_features="auto").fit_resample(X, y)
    sampler = ours.SMOTENC(categorical_features="auto", random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler.categorical_features_.tolist() == [1]
    assert set(X_res["B"]) == {"a", "b"}


# --------------------------------------------------------------------------------- SMOTE-N


@pytest.mark.parametrize("seed", [0, 5])
def test_smoten_rows_match_imblearn(seed):
    """Check that SMOTEN gives imbalanced-learn's rows for the same seed (multi-class too)."""
    X, y = _categorical(seed)
    np.testing.assert_array_equal(ours.SMOTEN(random_state=seed).fit_resample(X, y)[0],
                                  ref.SMOTEN(random_state=seed).fit_resample(X, y)[0])
    X3, y3 = _mixed(seed=seed)
    X3 = X3[:, 2:].astype(str)
    np.testing.assert_array_equal(ours.SMOTEN(random_state=seed).fit_resample(X3, y3)[0],
                                  ref.SMOTEN(random_state=seed).fit_resample(X3, y3)[0])


def test_smoten_categorical_encoder():
    """Check categorical_encoder_ (OrdinalEncoder, cloned) and n_features_ as imbalanced-learn."""
    X, y = _categorical()
    mine, theirs = ours.SMOTEN(random_state=0), ref.SMOTEN(random_state=0)
    mine.fit_resample(X, y)
    theirs.fit_resample(X, y)
    assert isinstance(mine.categorical_encoder_, OrdinalEncoder)
    assert mine.categorical_encoder_.dtype == theirs.categorical_encoder_.dtype == np.int32
    for a, b in zip(mine.categorical_encoder_.categories_, theirs.categorical_encoder_.categories_,
                    strict=True):
        np.testing.assert_array_equal(a, b)
    assert mine.n_features_ == 3

    encoder = OrdinalEncoder(dtype=np.int64)
    out = mine.set_params(categorical_encoder=encoder).fit_resample(X, y)
    ref_out = theirs.set_params(categorical_encoder=encoder).fit_resample(X, y)
    assert mine.categorical_encoder_ is not encoder
    assert mine.categorical_encoder_.dtype == np.int64
    np.testing.assert_array_equal(out[0], ref_out[0])


def test_smoten_encoder_merging_rare_values():
    """Check that an OrdinalEncoder merging rare values defines the categories compared."""
    X, y = _categorical()
    encoder = OrdinalEncoder(max_categories=2)  # feature 3's C and D become one category
    out = ours.SMOTEN(categorical_encoder=encoder, random_state=0).fit_resample(X, y)[0]
    np.testing.assert_array_equal(out[:60], X)  # the original rows as they were
    assert set(out[60:, 2]) <= {"A", "infrequent_sklearn"} | set(X[:, 2])


def test_smoten_rejects_a_one_hot_encoder():
    """Check that an encoder giving several columns per feature raises, saying what works."""
    X, y = _categorical()
    with pytest.raises(ParameterError, match=r"one integer code per column.*9 columns for 3"):
        ours.SMOTEN(categorical_encoder=OneHotEncoder(sparse_output=False)).fit_resample(X, y)


def test_smoten_sparse_warns_as_imblearn():
    """Check that sparse X warns (DataConversionWarning) and comes back in its format."""
    X, y = _categorical()
    X = sparse.csr_matrix(OneHotEncoder().fit_transform(X).toarray())
    with pytest.warns(DataConversionWarning, match="is not really efficient"):
        mine = ours.SMOTEN(random_state=0).fit_resample(X, y)
    with pytest.warns(DataConversionWarning, match="is not really efficient"):
        theirs = ref.SMOTEN(random_state=0).fit_resample(X, y)
    assert mine[0].format == theirs[0].format == "csr"
    np.testing.assert_array_equal(mine[0].toarray(), theirs[0].toarray())


# -------------------------------------------------------------------------------- SVM-SMOTE


def test_svmsmote_without_support_warns_once():
    """Check that an estimator without support_ warns once (imbalanced-learn raises)."""
    X, y = _numeric(n_classes=3)
    with pytest.raises(RuntimeError, match="support_"):
        ref.SVMSMOTE(svm_estimator=LogisticRegression()).fit_resample(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _X_res, y_res = ours.SVMSMOTE(svm_estimator=LogisticRegression(),
                                     random_state=0).fit_resample(X, y)
    about = [w for w in caught if "is not an SVM" in str(w.message)]
    assert len(about) == 1
    assert issubclass(about[0].category, UserWarning)
    assert len(set(np.bincount(y_res))) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a linear SVM's margin rows are its support vectors
        ours.SVMSMOTE(svm_estimator=LinearSVC(), random_state=0).fit_resample(*_numeric())


# ---------------------------------------------------------------------------- RuntimeError


def _all_noise():
    return make_classification(n_classes=3, class_sep=0.001, weights=[0.004, 0.451, 0.545],
                               n_informative=3, n_redundant=0, flip_y=0, n_features=3,
                               n_clusters_per_class=2, n_samples=1000, random_state=10)


@pytest.mark.parametrize(
    ("name", "params", "data", "theirs"),
    [("KMeansSMOTE", {"cluster_balance_threshold": 10}, _numeric, RuntimeError),
     ("ADASYN", {}, None, RuntimeError),
     ("SVMSMOTE", {"k_neighbors": 4}, _all_noise, ValueError)],
    ids=["kmeans-no-cluster", "adasyn-no-hard-row", "svm-all-noise"])
def test_structure_errors_catchable_as_imblearns(name, params, data, theirs):
    """Check that where imbalanced-learn raises RuntimeError (or ValueError), ours is caught."""
    if data is None:  # two far-apart classes: no row has a neighbour of the other class
        X = np.r_[np.random.RandomState(0).randn(40, 2), np.random.RandomState(1).randn(10, 2) + 50]
        y = np.r_[np.zeros(40, int), np.ones(10, int)]
    else:
        X, y = data()
    with pytest.raises(theirs):
        getattr(ref, name)(random_state=42, **params).fit_resample(X, y)
    with pytest.raises(StructureError) as info:
        getattr(ours, name)(random_state=42, **params).fit_resample(X, y)
    assert isinstance(info.value, RuntimeError)
    assert isinstance(info.value, ValueError)
    assert name in str(info.value)


# ------------------------------------------------------------------------ SMOTE-ENN / Tomek


@pytest.mark.parametrize(("name", "step"), [("SMOTEENN", "enn_"), ("SMOTETomek", "tomek_")])
def test_combine_validate_estimator_as_imblearn(name, step):
    """Check that _validate_estimator builds smote_ and the cleaner with n_jobs, as there."""
    for n_jobs in (None, 8):
        mine = getattr(ours, name)(random_state=0, n_jobs=n_jobs)
        theirs = getattr(ref_combine, name)(random_state=0, n_jobs=n_jobs)
        mine._validate_estimator()
        theirs._validate_estimator()
        assert getattr(mine, step).n_jobs == getattr(theirs, step).n_jobs == n_jobs
        assert type(mine.smote_).__name__ == "SMOTE"
