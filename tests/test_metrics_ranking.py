"""Tests of the score and probability metrics of unskew.metrics: average precision (PR-AUC),
ROC-AUC, Brier score and log loss."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

from unskew.exceptions import DataError
from unskew.metrics import average_precision, brier_score, log_loss, roc_auc

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def binary_problems(draw):
    """Draw ``(y_true, score, pos_label)``: both classes present, scores with or without ties."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(2, 60))
    classes = draw(st.sampled_from([np.array([0, 1]), np.array([3, 7]), np.array(["neg", "pos"])]))
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    rng.shuffle(y)
    score = rng.random(n)
    if draw(st.booleans()):
        score = np.round(score * 4) / 4  # many ties
    return classes[y], score, classes[1]


@st.composite
def multiclass_problems(draw):
    """Draw ``(y_true, proba, classes)`` with 3..6 classes, every class present."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    k = draw(st.integers(3, 6))
    n = draw(st.integers(k, 60))
    y = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
    rng.shuffle(y)
    classes = np.array([f"c{i}" for i in range(k)]) if draw(st.booleans()) else np.arange(k) * 5
    proba = rng.dirichlet(np.full(k, 0.5), size=n)
    if draw(st.booleans()):  # coarse probabilities: ties within each column
        proba = np.round(proba * 4) + 0.01
        proba /= proba.sum(axis=1, keepdims=True)
    return classes[y], proba, classes


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# equality with scikit-learn


@SETTINGS
@given(binary_problems())
def test_average_precision_binary_matches_sklearn(problem):
    """Check binary AP against scikit-learn's average_precision_score, ties included."""
    y_true, score, pos = problem
    expected = skm.average_precision_score(y_true == pos, score)
    assert average_precision(y_true, score) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@SETTINGS
@given(binary_problems())
def test_roc_auc_binary_matches_sklearn(problem):
    """Check binary ROC-AUC against scikit-learn's roc_auc_score, ties included."""
    y_true, score, pos = problem
    expected = skm.roc_auc_score(y_true == pos, score)
    assert roc_auc(y_true, score) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@SETTINGS
@given(multiclass_problems())
def test_average_precision_multiclass_matches_sklearn(problem):
    """Check macro one-vs-rest AP against average_precision_score on binarized y."""
    y_true, proba, classes = problem
    expected = skm.average_precision_score(
        label_binarize(y_true, classes=classes), proba, average="macro"
    )
    assert average_precision(y_true, proba) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@SETTINGS
@given(multiclass_problems())
def test_roc_auc_multiclass_matches_sklearn(problem):
    """Check macro one-vs-rest ROC-AUC against roc_auc_score(multi_class='ovr')."""
    y_true, proba, _ = problem
    expected = skm.roc_auc_score(y_true, proba, multi_class="ovr", average="macro")
    assert roc_auc(y_true, proba) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@SETTINGS
@given(binary_problems(), st.booleans())
def test_log_loss_binary_matches_sklearn(problem, extreme):
    """Check binary log loss (1-D positive-class probability) against scikit-learn's, clipping included."""
    y_true, proba, _ = problem
    if extreme:
        proba = np.round(proba)  # exact 0 and 1: clipped to [eps, 1 - eps]
    expected = skm.log_loss(y_true, proba)
    assert log_loss(y_true, proba) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@SETTINGS
@given(multiclass_problems())
def test_log_loss_multiclass_matches_sklearn(problem):
    """Check multi-class log loss against scikit-learn's."""
    y_true, proba, classes = problem
    expected = skm.log_loss(y_true, proba, labels=classes)
    assert log_loss(y_true, proba) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@SETTINGS
@given(binary_problems())
def test_brier_score_binary_matches_sklearn(problem):
    """Check binary Brier score, 1-D and 2-column forms, against brier_score_loss."""
    y_true, proba, pos = problem
    expected = skm.brier_score_loss(y_true, proba, pos_label=pos)
    assert brier_score(y_true, proba) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    matrix = np.column_stack([1 - proba, proba])
    assert brier_score(y_true, matrix) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@SETTINGS
@given(multiclass_problems())
def test_brier_score_multiclass_matches_sklearn(problem):
    """Check multi-class Brier score (sum over classes, not halved) against brier_score_loss."""
    y_true, proba, classes = problem
    expected = skm.brier_score_loss(y_true, proba, labels=classes)
    assert brier_score(y_true, proba) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_probability_metrics_with_labels_match_sklearn_when_a_class_is_absent():
    """Check log loss and Brier with labels= naming a class absent from y_true."""
    rng = np.random.default_rng(3)
    proba = rng.dirichlet(np.ones(3), size=20)
    y_true = rng.choice(["a", "b"], size=20)  # "c" never occurs
    labels = ["a", "b", "c"]
    assert log_loss(y_true, proba, labels=labels) == pytest.approx(
        skm.log_loss(y_true, proba, labels=labels)
    )
    assert brier_score(y_true, proba, labels=labels) == pytest.approx(
        skm.brier_score_loss(y_true, proba, labels=labels)
    )


# ---------------------------------------------------------------------------------------------
# hand-computed values


def test_average_precision_hand_computed():
    """Check AP = sum (R_n - R_{n-1}) P_n on a ranking written out by hand.

    Scores descending: pos, neg, pos, neg, pos. Thresholds at each positive:
    recall 1/3 at precision 1/1, recall 2/3 at precision 2/3, recall 1 at precision 3/5.
    """
    y_true = [1, 0, 1, 0, 1]
    score = [0.9, 0.8, 0.7, 0.6, 0.5]
    expected = (1 / 3) * 1 + (1 / 3) * (2 / 3) + (1 / 3) * (3 / 5)
    assert average_precision(y_true, score) == pytest.approx(expected)


def test_average_precision_ties_form_one_threshold():
    """Check that tied scores form one threshold: pos and neg tied at the top give P=1/2, R=1."""
    assert average_precision([1, 0], [0.5, 0.5]) == pytest.approx(0.5)


def test_roc_auc_hand_computed():
    """Check ROC-AUC as the fraction of (positive, negative) pairs ranked right, ties 1/2.

    Positives 0.9, 0.4; negatives 0.4, 0.1: pairs (0.9>0.4) 1, (0.9>0.1) 1, (0.4=0.4) 1/2,
    (0.4>0.1) 1 -> 3.5 / 4.
    """
    assert roc_auc([1, 1, 0, 0], [0.9, 0.4, 0.4, 0.1]) == pytest.approx(3.5 / 4)


def test_brier_score_multiclass_hand_computed():
    """Check the multi-class Brier score: mean over rows of the summed squared errors.

    Row 1 (true a): (0.2 - 1)^2 + 0.8^2 + 0 = 1.28; row 2 (true b): 0 + 0 + 0 = 0.
    """
    proba = [[0.2, 0.8, 0.0], [0.0, 1.0, 0.0]]
    assert brier_score(["a", "b"], proba, labels=["a", "b", "c"]) == pytest.approx(1.28 / 2)


def test_log_loss_hand_computed():
    """Check log loss = -mean log p(true class) on a 3-class example."""
    proba = [[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]
    expected = -(np.log(0.5) + np.log(0.8)) / 2
    assert log_loss([0, 2], proba, labels=[0, 1, 2]) == pytest.approx(expected)


def test_log_loss_confident_mistake_is_finite():
    """Check that a probability of 0 for the true class costs -log(eps), not infinity."""
    loss = log_loss([0, 1], [1.0, 1.0])  # class 0 given probability 0
    assert loss == pytest.approx(-np.log(np.finfo(np.float64).eps) / 2)
    expected = -(np.log(1e-3) + np.log(1 - 1e-3)) / 2  # 0 -> 1e-3 and 1 -> 1 - 1e-3
    assert log_loss([0, 1], [1.0, 1.0], eps=1e-3) == pytest.approx(expected)


# ---------------------------------------------------------------------------------------------
# column order, positive class, input types


def test_score_metrics_follow_labels_column_order():
    """Check that columns follow labels= in any order: permuting both changes nothing."""
    rng = np.random.default_rng(0)
    y_true = rng.choice(["x", "y", "z"], size=40)
    proba = rng.dirichlet(np.ones(3), size=40)
    perm = [2, 0, 1]
    permuted_labels = np.array(["x", "y", "z"])[perm]
    for metric in (average_precision, roc_auc, brier_score, log_loss):
        assert metric(y_true, proba[:, perm], labels=permuted_labels) == pytest.approx(
            metric(y_true, proba)
        )


def test_two_column_scores_use_the_positive_column():
    """Check that a 2-column matrix is scored on the column of pos_label (default: greater)."""
    rng = np.random.default_rng(1)
    y_true = rng.choice(["neg", "pos"], size=30)
    proba = rng.dirichlet(np.ones(2), size=30)
    assert average_precision(y_true, proba) == pytest.approx(
        skm.average_precision_score(y_true == "pos", proba[:, 1])
    )
    assert average_precision(y_true, proba, pos_label="neg") == pytest.approx(
        skm.average_precision_score(y_true == "neg", proba[:, 0])
    )
    assert roc_auc(y_true, proba, pos_label="neg") == pytest.approx(
        skm.roc_auc_score(y_true == "neg", proba[:, 0])
    )


def test_pos_label_selects_the_positive_class_of_1d_scores():
    """Check that pos_label flips which class a 1-D score refers to."""
    y_true = np.array([0, 0, 1, 1, 1])
    proba_of_0 = np.array([0.8, 0.6, 0.3, 0.4, 0.1])
    assert roc_auc(y_true, proba_of_0, pos_label=0) == pytest.approx(1.0)
    assert brier_score(y_true, proba_of_0, pos_label=0) == pytest.approx(
        skm.brier_score_loss(y_true, proba_of_0, pos_label=0)
    )


def test_one_class_y_true_with_pos_label_or_labels():
    """Check that a one-class y_true is scored when pos_label or labels says what 1-D means."""
    assert brier_score([0, 0], [0.1, 0.2], pos_label=1) == pytest.approx((0.01 + 0.04) / 2)
    assert brier_score([1, 1], [0.9, 0.8], labels=[0, 1]) == pytest.approx((0.01 + 0.04) / 2)
    assert log_loss([1, 1], [0.9, 0.8], labels=[0, 1]) == pytest.approx(
        -(np.log(0.9) + np.log(0.8)) / 2
    )


def test_score_metrics_accept_series_and_frames():
    """Check that pandas inputs (Series of labels, DataFrame of scores) work like arrays."""
    rng = np.random.default_rng(2)
    y_true = rng.choice(["a", "b", "c"], size=30)
    y_true[:3] = ["a", "b", "c"]
    proba = rng.dirichlet(np.ones(3), size=30)
    frame = pd.DataFrame(proba, columns=["a", "b", "c"])
    assert roc_auc(pd.Series(y_true), frame) == pytest.approx(roc_auc(y_true, proba))
    assert log_loss(pd.Series(y_true, dtype="category"), frame) == pytest.approx(
        log_loss(y_true, proba)
    )


def test_average_precision_all_positive_is_one():
    """Check that AP is 1.0 when every sample is positive (precision is 1 at every threshold)."""
    assert average_precision([1, 1, 1], [0.2, 0.5, 0.1], labels=[0, 1]) == 1.0


def test_roc_auc_multiclass_does_not_need_probabilities():
    """Check that multi-class ROC-AUC ranks raw scores: any monotone map per column is equal."""
    rng = np.random.default_rng(4)
    y_true = np.repeat([0, 1, 2], 10)
    scores = rng.normal(size=(30, 3))
    assert roc_auc(y_true, scores) == pytest.approx(roc_auc(y_true, np.exp(scores) * 7))


# ---------------------------------------------------------------------------------------------
# degenerate cases and errors


@pytest.mark.parametrize("metric", [average_precision, roc_auc], ids=lambda f: f.__name__)
def test_ranking_metrics_reject_no_positives(metric):
    """Check that a binary problem with no positive sample raises, naming the class."""
    with pytest.raises(DataError, match="no samples of the positive class 1"):
        metric([0, 0, 0], [0.1, 0.2, 0.3], labels=[0, 1])


def test_roc_auc_rejects_no_negatives():
    """Check that ROC-AUC with only positives raises (scikit-learn warns and returns NaN)."""
    with pytest.raises(DataError, match="no negatives to rank against"):
        roc_auc([1, 1], [0.1, 0.2], labels=[0, 1])


@pytest.mark.parametrize("metric", [average_precision, roc_auc], ids=lambda f: f.__name__)
def test_ranking_metrics_reject_multiclass_class_without_samples(metric):
    """Check that a one-vs-rest class with no samples in y_true raises, naming it."""
    proba = np.full((4, 3), 1 / 3)
    with pytest.raises(DataError, match=r"no samples in y_true: \['c'\]"):
        metric(["a", "b", "a", "b"], proba, labels=["a", "b", "c"])


@pytest.mark.parametrize(
    "metric", [average_precision, roc_auc, brier_score, log_loss], ids=lambda f: f.__name__
)
@pytest.mark.parametrize(
    ("y_true", "y_score", "match"),
    [
        ([0, 1, 1], [0.1, 0.9], "y_true has 3 samples, y_score has 2"),
        ([0, 1], [0.1, np.nan], "NaN or infinite values at 1 position"),
        ([0, 1], [0.1, np.inf], "NaN or infinite"),
        ([0, 1, 2], [0.1, 0.2, 0.3], "there are 3 classes"),
        ([1, 1], [0.1, 0.2], "only one class"),
        ([0, 1, 2], [[0.5, 0.5]] * 3, r"has 2 columns but there are 3 classes"),
        ([0, 1], np.zeros((2, 2, 2)), r"1-D or 2-D"),
        ([0, 1], ["a", "b"], "must hold numbers"),
        ([], [], "y_true is empty"),
    ],
    ids=[
        "length",
        "nan",
        "inf",
        "1d-multiclass",
        "1d-one-class",
        "columns",
        "3d",
        "strings",
        "empty",
    ],
)
def test_score_metrics_reject_bad_input(metric, y_true, y_score, match):
    """Check that every score metric raises a DataError saying what is wrong."""
    name = "y_proba" if metric in (brier_score, log_loss) else "y_score"
    with pytest.raises(DataError, match=match.replace("y_score", name)):
        metric(y_true, y_score)


@pytest.mark.parametrize("metric", [brier_score, log_loss], ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("y_proba", "match"),
    [
        ([0.2, 1.3], r"probabilities in \[0, 1\]"),
        ([-0.1, 0.5], r"probabilities in \[0, 1\]"),
        ([[0.2, 0.7], [0.5, 0.5]], "row 0 sums to 0.9"),
    ],
    ids=["above-one", "negative", "row-sum"],
)
def test_probability_metrics_reject_non_probabilities(metric, y_proba, match):
    """Check that scores that are not probabilities raise instead of a meaningless loss."""
    with pytest.raises(DataError, match=match):
        metric([0, 1], y_proba)


def test_probability_rows_within_float32_tolerance_pass():
    """Check that rows off by float32 rounding (1e-7) are accepted."""
    proba = np.array([[0.3, 0.7 + 1e-7], [0.5, 0.5]])
    assert np.isfinite(log_loss([0, 1], proba))


@pytest.mark.parametrize(
    "metric", [average_precision, roc_auc, brier_score, log_loss], ids=lambda f: f.__name__
)
def test_score_metrics_reject_labels_missing_a_class_of_y_true(metric):
    """Check that y_true values outside labels= raise, naming them."""
    with pytest.raises(DataError, match=r"not in labels=\[0, 1\]: \[2\]"):
        metric([0, 1, 2], [[0.5, 0.5]] * 3, labels=[0, 1])


@pytest.mark.parametrize(
    "metric", [average_precision, roc_auc, brier_score, log_loss], ids=lambda f: f.__name__
)
@pytest.mark.parametrize(
    ("kwargs", "y_score", "match"),
    [
        ({"pos_label": 5}, [0.1, 0.9], "pos_label=5 is not one of the classes"),
        ({"pos_label": "1"}, [0.1, 0.9], "pos_label='1' is a string but y_true holds numbers"),
        ({"pos_label": 5}, [[0.4, 0.6], [0.3, 0.7]], "pos_label=5 is not one of the classes"),
    ],
    ids=["unknown", "wrong-type", "unknown-2col"],
)
def test_score_metrics_reject_bad_pos_label(metric, kwargs, y_score, match):
    """Check that a pos_label that is not a class raises a ValueError."""
    with pytest.raises(ValueError, match=match):
        metric([0, 1], y_score, **kwargs)


@pytest.mark.parametrize(
    "metric", [average_precision, roc_auc, brier_score, log_loss], ids=lambda f: f.__name__
)
def test_score_metrics_reject_pos_label_for_multiclass(metric):
    """Check that pos_label with a multi-class matrix raises a ValueError."""
    with pytest.raises(ValueError, match="pos_label applies to binary problems only"):
        metric([0, 1, 2], np.full((3, 3), 1 / 3), pos_label=1)


@pytest.mark.parametrize("eps", [0, 0.5, -1, "small", True], ids=str)
def test_log_loss_rejects_bad_eps(eps):
    """Check that eps must be "auto" or a number in (0, 0.5)."""
    with pytest.raises(
        ValueError,
        match=r"The 'eps' parameter of log_loss must be \"auto\" or a number in \(0, 0.5\)",
    ):
        log_loss([0, 1], [0.2, 0.8], eps=eps)
