"""Tests of the label metrics of unskew.metrics: confusion matrix, P/R/F1, balanced accuracy,
G-mean, MCC, and the shared input validation."""

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.metrics import geometric_mean_score
from sklearn import metrics as skm

from unskew.exceptions import DataError
from unskew.metrics import (
    accuracy,
    balanced_accuracy,
    classification_summary,
    confusion_matrix,
    geometric_mean,
    macro_f1,
    matthews_corrcoef,
    micro_f1,
    per_class_report,
    precision_recall_f1_support,
    weighted_f1,
)

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def label_pairs(draw, min_classes=2, max_classes=6, pred_within_true=False):
    """Draw ``(y_true, y_pred)`` over 2..6 classes, as non-contiguous ints or as strings."""
    n_classes = draw(st.integers(min_classes, max_classes))
    if draw(st.booleans()):
        classes = [f"class_{chr(ord('a') + i)}" for i in range(n_classes)]
    else:
        classes = [-3, 0, 2, 7, 11, 40][:n_classes]
    n = draw(st.integers(1, 60))
    y_true = draw(st.lists(st.sampled_from(classes), min_size=n, max_size=n))
    pool = sorted(set(y_true)) if pred_within_true else classes
    y_pred = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    return np.array(y_true), np.array(y_pred)


def _quiet(func, *args, **kwargs):
    """Call ``func`` with warnings silenced (sklearn's UndefinedMetricWarning, ours)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# equality with scikit-learn and imbalanced-learn on random inputs


@SETTINGS
@given(label_pairs())
def test_confusion_matrix_matches_sklearn(pair):
    """Check that confusion_matrix equals scikit-learn's on random labels."""
    y_true, y_pred = pair
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred), _quiet(skm.confusion_matrix, y_true, y_pred)
    )


@SETTINGS
@given(label_pairs())
def test_precision_recall_f1_support_matches_sklearn(pair):
    """Check that per-class P/R/F1/support equal scikit-learn's with zero_division=0."""
    y_true, y_pred = pair
    ours = precision_recall_f1_support(y_true, y_pred)
    ref = _quiet(skm.precision_recall_fscore_support, y_true, y_pred, zero_division=0)
    for got, expected in zip(ours, ref, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@SETTINGS
@given(label_pairs(), st.sampled_from(["macro", "weighted", "micro"]))
def test_f1_averages_match_sklearn(pair, average):
    """Check that macro, weighted and micro F1 equal scikit-learn's f1_score."""
    y_true, y_pred = pair
    ours = {"macro": macro_f1, "weighted": weighted_f1, "micro": micro_f1}[average]
    expected = _quiet(skm.f1_score, y_true, y_pred, average=average, zero_division=0)
    assert ours(y_true, y_pred) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@SETTINGS
@given(label_pairs(), st.booleans())
def test_balanced_accuracy_matches_sklearn(pair, adjusted):
    """Check that balanced_accuracy equals scikit-learn's, classes absent from y_true included."""
    y_true, y_pred = pair
    if adjusted and np.unique(y_true).size < 2:
        return  # undefined; ours raises (tested below), sklearn divides by zero
    expected = _quiet(skm.balanced_accuracy_score, y_true, y_pred, adjusted=adjusted)
    got = _quiet(balanced_accuracy, y_true, y_pred, adjusted=adjusted)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@SETTINGS
@given(label_pairs(pred_within_true=True), st.sampled_from([0.0, 0.001, 0.1]))
def test_geometric_mean_matches_imblearn(pair, correction):
    """Check that geometric_mean equals imbalanced-learn's multiclass G-mean with correction."""
    y_true, y_pred = pair
    expected = _quiet(
        geometric_mean_score, y_true, y_pred, average="multiclass", correction=correction
    )
    got = geometric_mean(y_true, y_pred, correction=correction)
    assert got == pytest.approx(expected, rel=1e-10, abs=1e-12)


@SETTINGS
@given(label_pairs(min_classes=1))
def test_matthews_corrcoef_matches_sklearn(pair):
    """Check that matthews_corrcoef equals scikit-learn's, constant inputs included."""
    y_true, y_pred = pair
    expected = _quiet(skm.matthews_corrcoef, y_true, y_pred)
    assert matthews_corrcoef(y_true, y_pred) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@SETTINGS
@given(label_pairs())
def test_accuracy_matches_sklearn(pair):
    """Check that accuracy equals scikit-learn's accuracy_score."""
    y_true, y_pred = pair
    assert accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))


@pytest.mark.parametrize(
    "labels", [[2, 0], [0, 1, 2, 5], [1]], ids=["subset-reordered", "with-unseen", "single"]
)
def test_precision_recall_f1_support_labels_match_sklearn(labels):
    """Check that labels= selects and orders classes as scikit-learn does, counting all rows."""
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 4, 50)
    y_pred = rng.integers(0, 4, 50)
    ours = precision_recall_f1_support(y_true, y_pred, labels=labels)
    ref = _quiet(
        skm.precision_recall_fscore_support, y_true, y_pred, labels=labels, zero_division=0
    )
    for got, expected in zip(ours, ref, strict=True):
        np.testing.assert_allclose(got, expected)
    for ours_avg, average in [(macro_f1, "macro"), (weighted_f1, "weighted"), (micro_f1, "micro")]:
        expected = _quiet(
            skm.f1_score, y_true, y_pred, labels=labels, average=average, zero_division=0
        )
        assert ours_avg(y_true, y_pred, labels=labels) == pytest.approx(expected)
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred, labels=labels),
        _quiet(skm.confusion_matrix, y_true, y_pred, labels=labels),
    )


# ---------------------------------------------------------------------------------------------
# hand-computed values


# 10 samples, positive class 1: TP=2, FN=1, FP=1, TN=6
HAND_TRUE = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
HAND_PRED = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0]


def test_confusion_matrix_hand_computed():
    """Check the 2x2 confusion matrix of the hand example: rows true, columns predicted."""
    np.testing.assert_array_equal(confusion_matrix(HAND_TRUE, HAND_PRED), [[6, 1], [1, 2]])


def test_per_class_report_hand_computed():
    """Check P/R/F1 of the hand example against the formulas.

    Class 1: precision = TP/(TP+FP) = 2/3, recall = TP/(TP+FN) = 2/3, F1 = 2/3.
    Class 0: precision = TN/(TN+FN) = 6/7, recall = TN/(TN+FP) = 6/7, F1 = 6/7.
    """
    r = per_class_report(HAND_TRUE, HAND_PRED)
    np.testing.assert_array_equal(r.labels, [0, 1])
    np.testing.assert_allclose(r.precision, [6 / 7, 2 / 3])
    np.testing.assert_allclose(r.recall, [6 / 7, 2 / 3])
    np.testing.assert_allclose(r.f1, [6 / 7, 2 / 3])
    np.testing.assert_array_equal(r.support, [7, 3])
    np.testing.assert_array_equal(r.predicted, [7, 3])


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        (macro_f1, (6 / 7 + 2 / 3) / 2),
        (weighted_f1, (7 * 6 / 7 + 3 * 2 / 3) / 10),  # = 8/10
        (micro_f1, 8 / 10),  # = accuracy
        (accuracy, 8 / 10),
        (balanced_accuracy, (6 / 7 + 2 / 3) / 2),
        (geometric_mean, np.sqrt(6 / 7 * 2 / 3)),  # sqrt(specificity * sensitivity)
        # (TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = (12 - 1) / sqrt(3*3*7*7)
        (matthews_corrcoef, 11 / 21),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_label_metric_hand_computed(metric, expected):
    """Check each headline metric on the 2x2 hand example against its formula."""
    assert metric(HAND_TRUE, HAND_PRED) == pytest.approx(expected, rel=1e-12)


def test_matthews_corrcoef_multiclass_hand_computed():
    """Check multi-class MCC against Gorodkin's formula computed by hand.

    y_true counts t = (2, 2, 2), y_pred counts p = (3, 2, 1), correct c = 4, s = 6:
    (c s - t.p) / sqrt((s^2 - p.p)(s^2 - t.t)) = (24 - 12) / sqrt((36 - 14)(36 - 12)).
    """
    y_true = ["a", "a", "b", "b", "c", "c"]
    y_pred = ["a", "a", "b", "a", "c", "b"]
    assert matthews_corrcoef(y_true, y_pred) == pytest.approx(12 / np.sqrt(22 * 24))


def test_balanced_accuracy_adjusted_hand_computed():
    """Check that adjusted balanced accuracy maps chance (1/C) to 0: (0.5 - 1/3) / (1 - 1/3)."""
    y_true = [0, 0, 1, 1, 2, 2]
    y_pred = [0, 0, 1, 0, 0, 0]  # recalls 1, 1/2, 0 -> mean 1/2
    assert balanced_accuracy(y_true, y_pred, adjusted=True) == pytest.approx(0.25)


def test_geometric_mean_correction_hand_computed():
    """Check that correction replaces a zero recall: (1 * 1/2 * 0.01) ** (1/3)."""
    y_true = [0, 0, 1, 1, 2, 2]
    y_pred = [0, 0, 1, 0, 0, 0]
    assert geometric_mean(y_true, y_pred) == 0.0
    assert geometric_mean(y_true, y_pred, correction=0.01) == pytest.approx(0.005 ** (1 / 3))


# ---------------------------------------------------------------------------------------------
# degenerate cases: documented values, never NaN


def test_per_class_report_never_predicted_class_has_zero_precision():
    """Check that a class never predicted gets precision 0.0 and F1 0.0, not NaN."""
    r = per_class_report(["a", "a", "b"], ["a", "a", "a"])
    assert r.precision.tolist() == [2 / 3, 0.0]
    assert r.f1[1] == 0.0
    assert r.predicted.tolist() == [3, 0]


def test_per_class_report_class_absent_from_y_true_has_zero_recall():
    """Check that a class only predicted gets recall 0.0, support 0 and F1 0.0."""
    r = per_class_report([0, 0, 1], [0, 2, 1])
    assert r.labels.tolist() == [0, 1, 2]
    assert (r.recall[2], r.support[2], r.f1[2], r.precision[2]) == (0.0, 0, 0.0, 0.0)


def test_per_class_report_label_neither_present_nor_predicted_is_zero():
    """Check that a requested label with no samples and no predictions scores 0.0 everywhere."""
    r = per_class_report([0, 1], [0, 1], labels=[0, 1, 9])
    assert r.precision[2] == r.recall[2] == r.f1[2] == 0.0
    assert not np.isnan(r.f1).any()


@pytest.mark.parametrize("metric", [balanced_accuracy, geometric_mean], ids=lambda f: f.__name__)
def test_recall_means_leave_out_classes_absent_from_y_true(metric):
    """Check that a predicted class absent from y_true is left out with a warning naming it."""
    y_true = [0, 0, 1, 1]
    y_pred = [0, 2, 1, 1]  # recalls: class 0 -> 1/2, class 1 -> 1; class 2 undefined
    with pytest.warns(UserWarning, match=r"not in y_true: \[2\].*leaves them out"):
        score = metric(y_true, y_pred)
    expected = 0.75 if metric is balanced_accuracy else np.sqrt(0.5)
    assert score == pytest.approx(expected)


def test_geometric_mean_differs_from_imblearn_for_class_absent_from_y_true():
    """Check the documented divergence: imblearn zeroes G-mean, ours leaves the class out."""
    y_true = [0, 0, 1, 1]
    y_pred = [0, 2, 1, 1]
    assert _quiet(geometric_mean_score, y_true, y_pred) == 0.0
    assert _quiet(geometric_mean, y_true, y_pred) == pytest.approx(np.sqrt(0.5))


def test_balanced_accuracy_adjusted_single_class_raises():
    """Check that adjusted balanced accuracy on a one-class y_true raises instead of dividing by 0."""
    with pytest.raises(DataError, match=r"at least two classes in y_true.*\['a'\]"):
        balanced_accuracy(["a", "a"], ["a", "a"], adjusted=True)


def test_balanced_accuracy_single_class_unadjusted_is_its_recall():
    """Check that unadjusted balanced accuracy of a one-class y_true is that class's recall."""
    with pytest.warns(UserWarning, match=r"not in y_true: \[0\]"):
        assert balanced_accuracy([1, 1, 1, 1], [1, 0, 1, 1]) == 0.75


@pytest.mark.parametrize(
    ("y_true", "y_pred"),
    [([0, 0, 1, 1], [1, 1, 1, 1]), ([1, 1, 1, 1], [0, 1, 0, 1]), ([2, 2], [2, 2])],
    ids=["constant-pred", "constant-true", "both-constant"],
)
def test_matthews_corrcoef_constant_is_zero(y_true, y_pred):
    """Check that MCC is 0.0 (scikit-learn's convention) when either side is constant."""
    assert matthews_corrcoef(y_true, y_pred) == 0.0


def test_weighted_f1_no_support_is_zero():
    """Check that weighted F1 over labels absent from y_true is 0.0, not NaN."""
    assert weighted_f1([0, 0], [0, 1], labels=[1]) == 0.0


def test_micro_f1_nothing_to_pool_is_zero():
    """Check that micro F1 over a label neither present nor predicted is 0.0."""
    assert micro_f1([0, 0], [0, 0], labels=[5]) == 0.0


def test_perfect_predictions_score_one():
    """Check that perfect predictions give 1.0 on every label score."""
    y = ["x", "y", "z", "z"]
    for metric in (accuracy, macro_f1, weighted_f1, micro_f1, balanced_accuracy, geometric_mean):
        assert metric(y, y) == 1.0
    assert matthews_corrcoef(y, y) == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------
# input types


def test_label_metrics_accept_lists_arrays_and_series():
    """Check that lists, numpy arrays, pandas Series (object, category, string) agree."""
    y_true = ["b", "a", "a", "c", "b", "a"]
    y_pred = ["b", "a", "c", "c", "a", "a"]
    expected = macro_f1(y_true, y_pred)
    variants = [
        (np.array(y_true), np.array(y_pred)),
        (pd.Series(y_true), pd.Series(y_pred)),
        (pd.Series(y_true, dtype="category"), pd.Series(y_pred, dtype="string")),
        (np.array(y_true, dtype=object), y_pred),
        (np.array(y_true)[:, None], y_pred),
    ]
    for t, p in variants:
        assert macro_f1(t, p) == expected


def test_label_metrics_accept_bool_and_float_labels():
    """Check that boolean and float class labels work like any others."""
    assert balanced_accuracy([True, False, True], [True, True, True]) == 0.5
    assert macro_f1([0.5, 1.5], [0.5, 1.5]) == 1.0


def test_confusion_matrix_labels_order_and_dropped_rows():
    """Check that labels= orders rows and columns and drops rows outside the labels."""
    cm = confusion_matrix(["a", "b", "c", "c"], ["a", "c", "c", "b"], labels=["c", "a"])
    np.testing.assert_array_equal(cm, [[1, 0], [0, 1]])


# ---------------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize(
    "metric",
    [
        confusion_matrix,
        per_class_report,
        accuracy,
        macro_f1,
        weighted_f1,
        micro_f1,
        balanced_accuracy,
        geometric_mean,
        matthews_corrcoef,
    ],
    ids=lambda f: f.__name__,
)
def test_label_metrics_reject_length_mismatch(metric):
    """Check that every label metric names both lengths when they differ."""
    with pytest.raises(DataError, match="y_true has 3 samples, y_pred has 2"):
        metric([0, 1, 1], [0, 1])


@pytest.mark.parametrize(
    ("y_true", "y_pred", "match"),
    [
        ([], [], "y_true is empty"),
        ([0, 1], [], "y_pred is empty"),
        ([[0, 1], [1, 0]], [0, 1], r"must be 1-D.*shape \(2, 2\)"),
        ([0, 1], ["a", "b"], "y_true holds numbers but y_pred holds strings"),
        (["a", 1], ["a", "a"], "mixes strings and numbers"),
        ([0.0, np.nan], [0, 1], "NaN or infinite"),
        (["a", None], ["a", "a"], "missing value"),
        (np.array([0, np.inf]), [0, 1], "NaN or infinite"),
        (np.array([object(), object()]), [0, 1], "class labels must be numbers or strings"),
    ],
    ids=[
        "empty",
        "empty-pred",
        "2d",
        "type-mismatch",
        "mixed-types",
        "nan",
        "none",
        "inf",
        "odd-objects",
    ],
)
def test_label_metrics_reject_bad_targets(y_true, y_pred, match):
    """Check that bad label inputs raise a DataError that says what is wrong."""
    with pytest.raises(DataError, match=match):
        macro_f1(y_true, y_pred)


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        ([0, 0], r"labels must be unique; repeated: \[0\]"),
        (["a"], "labels holds strings but y_true holds numbers"),
        ([], "non-empty 1-D"),
        ([[0, 1]], "non-empty 1-D"),
        ([0, "a"], "mixes strings and numbers"),
    ],
    ids=["duplicate", "wrong-type", "empty", "2d", "mixed"],
)
def test_label_metrics_reject_bad_labels(labels, match):
    """Check that a bad labels= argument raises a ValueError naming the problem."""
    with pytest.raises(ValueError, match=match):
        per_class_report([0, 1], [0, 1], labels=labels)


def test_confusion_matrix_rejects_labels_absent_from_y_true():
    """Check that labels none of which occur in y_true raise, as in scikit-learn."""
    with pytest.raises(DataError, match=r"none of labels=\[7\] occurs in y_true"):
        confusion_matrix([0, 1], [0, 7], labels=[7])


@pytest.mark.parametrize(
    "correction",
    [-0.1, 1.5, "0.1", None, True],
    ids=["negative", "above-one", "str", "none", "bool"],
)
def test_geometric_mean_rejects_bad_correction(correction):
    """Check that correction outside [0, 1] or not a number raises a ValueError."""
    with pytest.raises(
        ValueError,
        match=r"The 'correction' parameter of geometric_mean must be a number in \[0, 1\]; got",
    ):
        geometric_mean([0, 1], [0, 1], correction=correction)


def test_balanced_accuracy_rejects_non_bool_adjusted():
    """Check that adjusted must be a boolean."""
    with pytest.raises(
        ValueError,
        match="The 'adjusted' parameter of balanced_accuracy must be True or False; got 'yes'",
    ):
        balanced_accuracy([0, 1], [0, 1], adjusted="yes")


# ---------------------------------------------------------------------------------------------
# report object, summary, import hygiene


def test_per_class_report_to_frame():
    """Check that to_frame returns one row per class with the report's columns."""
    frame = per_class_report(["a", "b", "b"], ["a", "b", "a"]).to_frame()
    assert list(frame.index) == ["a", "b"]
    assert list(frame.columns) == ["precision", "recall", "f1", "support", "predicted"]
    assert frame.loc["b", "recall"] == 0.5


def test_per_class_report_is_frozen():
    """Check that the report cannot be modified after creation."""
    r = per_class_report([0, 1], [0, 1])
    with pytest.raises(AttributeError):
        r.f1 = None


def test_classification_summary_labels_only():
    """Check that without scores the summary holds the label metrics, equal to the functions."""
    y_true, y_pred = HAND_TRUE, HAND_PRED
    summary = classification_summary(y_true, y_pred)
    assert list(summary) == [
        "accuracy",
        "balanced_accuracy",
        "macro_f1",
        "weighted_f1",
        "micro_f1",
        "g_mean",
        "mcc",
    ]
    assert summary["g_mean"] == geometric_mean(y_true, y_pred)
    assert summary["mcc"] == matthews_corrcoef(y_true, y_pred)
    assert all(isinstance(v, float) and np.isfinite(v) for v in summary.values())


def test_classification_summary_with_scores_and_proba():
    """Check that y_score feeds the ranking metrics and y_proba the probability metrics."""
    rng = np.random.default_rng(1)
    y_true = np.array(["a", "b", "c"] * 10)
    proba = rng.dirichlet(np.ones(3), size=30)
    y_pred = np.array(["a", "b", "c"])[proba.argmax(axis=1)]
    score = rng.normal(size=(30, 3))
    summary = classification_summary(y_true, y_pred, score, y_proba=proba)
    assert summary["roc_auc"] == pytest.approx(
        skm.roc_auc_score(
            np.eye(3)[np.searchsorted(["a", "b", "c"], y_true)], score, average="macro"
        )
    )
    assert summary["log_loss"] == pytest.approx(skm.log_loss(y_true, proba))
    only_proba = classification_summary(y_true, y_pred, y_proba=proba)
    assert only_proba["roc_auc"] == pytest.approx(
        skm.roc_auc_score(y_true, proba, multi_class="ovr")
    )


def test_metrics_import_is_numpy_only():
    """Check that importing unskew.metrics pulls in neither scikit-learn, scipy nor pandas."""
    code = (
        "import sys, unskew.metrics\n"
        "print(sorted(m for m in ('sklearn', 'scipy', 'pandas', 'imblearn') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
