"""Tests of OutlierRemoval and LabelIssueFilter on seeded toy sets with planted problems."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.pipeline import make_pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from unskew.exceptions import DataError
from unskew.resampling import LabelIssueFilter, OutlierRemoval


def _blobs(counts=(150, 60), seed=0, spread=6.0):
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    X = rng.normal(size=(y.size, 3)) + spread * y[:, None]
    return X, y


# -- OutlierRemoval ------------------------------------------------------------------------------

def _with_outliers(seed=0):
    """Two classes with 3 planted far-away rows each; returns X, y and the planted positions."""
    X, y = _blobs(seed=seed)
    planted = np.r_[np.flatnonzero(y == 0)[:3], np.flatnonzero(y == 1)[:3]]
    X[planted] += np.array([[25.0, -25.0, 25.0]])
    return X, y, planted


@pytest.mark.parametrize(("method", "max_clean_share"),
                         [("both", 0.05), ("isolation-forest", 0.2), ("centroid", 0.05)],
                         ids=["both", "isolation-forest", "centroid"])
def test_outlier_removal_drops_planted_outliers(method, max_clean_share):
    """Check that every planted outlier is dropped and few clean rows go (the forest alone is loose)."""
    X, y, planted = _with_outliers()
    filt = OutlierRemoval(method=method, random_state=0)
    X_res, y_res = filt.fit_resample(X, y)
    assert not np.isin(planted, filt.sample_indices_).any()
    assert filt.outlier_mask_[planted].all()
    clean_dropped = np.setdiff1d(np.flatnonzero(~np.isin(np.arange(y.size), filt.sample_indices_)),
                                 planted)
    assert clean_dropped.size <= max_clean_share * y.size
    np.testing.assert_array_equal(X_res, X[filt.sample_indices_])
    np.testing.assert_array_equal(y_res, y[filt.sample_indices_])


def test_outlier_removal_contamination_flags_that_share():
    """Check that a float contamination flags floor(share * n_c) rows of each class by distance."""
    X, y, planted = _with_outliers()
    filt = OutlierRemoval(method="centroid", contamination=0.1, random_state=0)
    filt.fit_resample(X, y)
    assert [int(filt.outlier_mask_[y == c].sum()) for c in (0, 1)] == [15, 6]
    assert filt.outlier_mask_[planted].all()


@pytest.mark.parametrize(("classes", "touched"), [("minority", {1}), ([0], {0}), ("all", {0, 1})],
                         ids=["minority", "list", "all"])
def test_outlier_removal_only_touches_the_named_classes(classes, touched):
    """Check that rows of classes outside ``classes`` are all kept."""
    X, y, _ = _with_outliers()
    filt = OutlierRemoval(classes=classes, random_state=0)
    filt.fit_resample(X, y)
    dropped = np.setdiff1d(np.arange(y.size), filt.sample_indices_)
    assert set(np.unique(y[dropped]).tolist()) == touched
    assert set(filt.sampling_strategy_) == touched


@settings(max_examples=15, deadline=None)
@given(n_small=st.integers(2, 30), min_size=st.integers(1, 30), share=st.floats(0.05, 0.5),
       seed=st.integers(0, 1000))
def test_outlier_removal_never_empties_a_class(n_small, min_size, share, seed):
    """Check that each class keeps min(n_c, min_class_size) rows at least, whatever is flagged."""
    X, y = _blobs((40, n_small), seed=seed, spread=0.0)
    filt = OutlierRemoval(method="centroid", contamination=share, min_class_size=min_size,
                          random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _, y_res = filt.fit_resample(X, y)
    for c, n_c in ((0, 40), (1, n_small)):
        assert (y_res == c).sum() >= min(n_c, min_size)


def test_outlier_removal_guard_warns_and_keeps_least_outlying():
    """Check that the guard warns, names the class, and keeps the flagged rows nearest the centre."""
    X, y = _blobs((40, 12), spread=0.0)
    filt = OutlierRemoval(method="centroid", contamination=0.5, min_class_size=11, classes=[1],
                          random_state=0)
    with pytest.warns(UserWarning, match="min_class_size=11 rows: class 1 \\(6 flagged of 12, 1 dropped\\)"):
        filt.fit_resample(X, y)
    members = np.flatnonzero(y == 1)
    centre = np.median(X[members] / X.std(axis=0), axis=0)
    distance = np.linalg.norm(X[members] / X.std(axis=0) - centre, axis=1)
    dropped = np.setdiff1d(members, filt.sample_indices_)
    assert dropped.tolist() == [members[np.argmax(distance)]]


def test_outlier_removal_small_classes_are_not_judged():
    """Check that a class under 10 rows keeps every row, as in diagnose."""
    X, y = _blobs((80, 9))
    X[-1] += 50
    filt = OutlierRemoval(random_state=0)
    _, y_res = filt.fit_resample(X, y)
    assert (y_res == 1).sum() == 9


def test_outlier_removal_pandas_and_sample_weight():
    """Check pandas in/out and that kept rows keep their sample_weight."""
    X, y, _ = _with_outliers()
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    w = np.arange(y.size, dtype=float)
    filt = OutlierRemoval(random_state=0)
    X_res, y_res, w_res = filt.fit_resample(df, pd.Series(y, name="t"), sample_weight=w)
    assert X_res.columns.tolist() == ["a", "b", "c"]
    assert y_res.name == "t"
    np.testing.assert_array_equal(w_res, w[filt.sample_indices_])


@pytest.mark.parametrize(
    ("params", "kind", "error", "match"),
    [
        ({"method": "centriod"}, "ok", ValueError, "got 'centriod'; did you mean 'centroid'"),
        ({"contamination": 0.7}, "ok", ValueError, "'auto' or a float in \\(0, 0.5\\]; got 0.7"),
        ({"classes": [0, 5]}, "ok", DataError, "classes names 5, not in y; the classes are 0, 1"),
        ({"classes": "minorty"}, "ok", ValueError, "got 'minorty'; did you mean one of 'minority'"),
        ({"min_class_size": 0}, "ok", ValueError, "'min_class_size' .* int >= 1; got 0"),
        ({}, "nan", DataError, "column 'b' has 2 \\(first at row 4\\)"),
        ({}, "1d", DataError, "must be 2-D"),
    ],
    ids=["method", "contamination", "unknown-class", "classes-string", "min-size", "nan", "1d"],
)
def test_outlier_removal_bad_input_errors(params, kind, error, match):
    """Check that bad parameters and data raise clear errors naming the value."""
    X, y = _blobs()
    df = pd.DataFrame(X.copy(), columns=["a", "b", "c"])
    df.loc[[4, 9], "b"] = np.nan
    inputs = {"ok": X, "nan": df, "1d": X[:, 0]}
    with pytest.raises(error, match=match):
        OutlierRemoval(**params).fit_resample(inputs[kind], y)


# -- LabelIssueFilter ----------------------------------------------------------------------------

def _with_flips(seed=0):
    """Three separated classes; 12 rows deep inside their class get another class's label."""
    X, y = _blobs((120, 60, 40), seed=seed, spread=4.0)
    rng = np.random.RandomState(seed)
    flipped = []
    for c in (0, 1, 2):
        members = np.flatnonzero(y == c)
        centre = X[members].mean(axis=0)
        deep = members[np.argsort(np.linalg.norm(X[members] - centre, axis=1))[:4]]
        flipped.extend(deep.tolist())
    flipped = np.array(flipped)
    y_noisy = y.copy()
    y_noisy[flipped] = (y[flipped] + rng.randint(1, 3, flipped.size)) % 3
    return X, y, y_noisy, flipped


@pytest.mark.parametrize("estimator", [None, LogisticRegression()], ids=["default", "logistic"])
def test_label_issue_filter_drops_planted_flips(estimator):
    """Check recall >= 0.8 and precision >= 0.7 on planted flipped labels."""
    X, _, y_noisy, flipped = _with_flips()
    filt = LabelIssueFilter(estimator=estimator, random_state=0)
    filt.fit_resample(X, y_noisy)
    found = np.flatnonzero(filt.issue_mask_)
    hits = np.isin(found, flipped).sum()
    assert hits / flipped.size >= 0.8
    assert hits / max(found.size, 1) >= 0.7
    np.testing.assert_array_equal(filt.sample_indices_, np.flatnonzero(~filt.issue_mask_))


def test_label_issue_filter_relabel_restores_labels():
    """Check that relabel gives most planted rows their true label and leaves X and row count alone."""
    X, y, y_noisy, flipped = _with_flips()
    filt = LabelIssueFilter(estimator=LogisticRegression(), action="relabel", random_state=0)
    X_res, y_res = filt.fit_resample(X, y_noisy)
    np.testing.assert_array_equal(X_res, X)
    assert np.mean(y_res[flipped] == y[flipped]) >= 0.9
    untouched = ~filt.issue_mask_
    np.testing.assert_array_equal(y_res[untouched], y_noisy[untouched])
    np.testing.assert_array_equal(y_res[filt.issue_mask_], filt.suggested_labels_[filt.issue_mask_])


def test_label_issue_filter_threshold_and_classes_restrict():
    """Check that a threshold acts on a subset, threshold=1 on none, and classes limits the labels."""
    X, _, y_noisy, _ = _with_flips()
    base = LabelIssueFilter(estimator=LogisticRegression(), random_state=0)
    base.fit_resample(X, y_noisy)
    strict = LabelIssueFilter(estimator=LogisticRegression(), threshold=0.9, random_state=0)
    strict.fit_resample(X, y_noisy)
    assert not (strict.issue_mask_ & ~base.issue_mask_).any()
    none = LabelIssueFilter(estimator=LogisticRegression(), threshold=1.0, random_state=0)
    _, y_res = none.fit_resample(X, y_noisy)
    assert y_res.size == y_noisy.size
    only = LabelIssueFilter(estimator=LogisticRegression(), classes=[2], random_state=0)
    only.fit_resample(X, y_noisy)
    assert set(y_noisy[only.issue_mask_].tolist()) <= {2}
    assert only.issue_mask_.any()


def test_label_issue_filter_guard_keeps_a_rare_class():
    """Check that a rare class lying inside another is not wiped out, with a warning saying so."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(108, 2))
    y = np.array([0] * 100 + [1] * 8)  # class 1 is indistinguishable from class 0
    filt = LabelIssueFilter(estimator=LogisticRegression(), cv=4, random_state=0)
    with pytest.warns(UserWarning, match="class 1 \\(\\d flagged of 8, 2 dropped\\)"):
        _, y_res = filt.fit_resample(X, y)
    assert (y_res == 1).sum() == 6


def test_label_issue_filter_in_pipeline_keeps_test_rows():
    """Check that inside an imbalanced-learn pipeline predict sees every test row."""
    X, _, y_noisy, _ = _with_flips()
    model = make_pipeline(LabelIssueFilter(estimator=LogisticRegression(), random_state=0),
                          LogisticRegression()).fit(X, y_noisy)
    assert model.predict(X[:11]).shape == (11,)


def test_label_issue_filter_sample_weight_and_pandas():
    """Check pandas in/out and that kept rows keep their sample_weight."""
    X, _, y_noisy, _ = _with_flips()
    w = np.arange(y_noisy.size, dtype=float)
    filt = LabelIssueFilter(estimator=LogisticRegression(), random_state=0)
    X_res, y_res, w_res = filt.fit_resample(pd.DataFrame(X, columns=list("abc")),
                                            pd.Series(y_noisy, name="t"), sample_weight=w)
    assert X_res.columns.tolist() == list("abc")
    assert y_res.name == "t"
    np.testing.assert_array_equal(w_res, w[filt.sample_indices_])


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"action": "fix"}, ValueError, "must be one of drop, relabel; got 'fix'"),
        ({"cv": 1}, ValueError, "'cv' .* int >= 2; got 1"),
        ({"cv": 200}, DataError, "cv=200 folds need a class with at least 200 rows, but the "
                                 "largest class has 121; lower cv"),
        ({"threshold": 1.5}, ValueError, "'threshold' .* \\[0, 1\\] or None; got 1.5"),
        ({"estimator": DecisionTreeClassifier().fit([[0], [1]], [0, 1]).tree_}, TypeError,
         "has no predict_proba"),
        ({"classes": ["x"]}, DataError, "classes names x, not in y"),
    ],
    ids=["action", "cv-low", "cv-high", "threshold", "no-proba", "unknown-class"],
)
def test_label_issue_filter_bad_input_errors(params, error, match):
    """Check that bad parameters raise clear errors naming the value."""
    X, _, y_noisy, _ = _with_flips()
    with pytest.raises(error, match=match):
        LabelIssueFilter(**params).fit_resample(X, y_noisy)
