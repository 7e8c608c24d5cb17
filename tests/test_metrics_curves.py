"""Tests of the curves of unskew.metrics: precision-recall and threshold curves, reliability
bins and the expected calibration error, against scikit-learn and hand-computed values."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

import unskew.report
from unskew.exceptions import DataError
from unskew.metrics import (
    PrecisionRecallCurve,
    ReliabilityBins,
    ThresholdCurve,
    average_precision,
    expected_calibration_error,
    precision_recall_curve,
    reliability_bins,
    threshold_curve,
)

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def scored_outcomes(draw):
    """Draw ``(y, score)``: 0/1 outcomes with at least one positive, scores often tied."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 80))
    y = (rng.random(n) < draw(st.floats(0.05, 0.9))).astype(int)
    y[rng.integers(n)] = 1
    score = rng.random(n) * 0.7 + 0.3 * y
    if draw(st.booleans()):
        score = np.round(score * draw(st.integers(1, 10))) / 10  # many ties
    return y, score


def _imbalanced(seed, n=300, rounding=None):
    rng = np.random.default_rng(seed)
    y = rng.choice(["neg", "pos"], size=n, p=[0.85, 0.15])
    score = rng.uniform(size=n) + (y == "pos") * 0.3
    return y, (score if rounding is None else np.round(score, rounding))


# ---------------------------------------------------------------------------------------------
# precision-recall curve


@pytest.mark.parametrize("seed", [0, 1, 2], ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("rounding", [None, 1], ids=["continuous", "ties"])
def test_precision_recall_curve_matches_sklearn(seed, rounding):
    """Check that precision, recall and thresholds equal scikit-learn's on random scores."""
    y, score = _imbalanced(seed, rounding=rounding)
    curve = precision_recall_curve(y, score, pos_label="pos")
    precision, recall, thresholds = skm.precision_recall_curve(y, score, pos_label="pos",
                                                               drop_intermediate=False)
    assert isinstance(curve, PrecisionRecallCurve)
    np.testing.assert_allclose(curve.precision, precision, rtol=0, atol=1e-15)
    np.testing.assert_allclose(curve.recall, recall, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(curve.thresholds, thresholds)


@SETTINGS
@given(scored_outcomes())
def test_precision_recall_curve_average_precision_is_the_one_average_precision(problem):
    """Check that the curve's AP is bit for bit average_precision, ties included."""
    y, score = problem
    curve = precision_recall_curve(y, score)
    assert curve.average_precision == average_precision(y, score, labels=[0, 1])
    assert curve.average_precision == pytest.approx(
        skm.average_precision_score(y, score), rel=1e-12, abs=1e-12)


def test_precision_recall_curve_unpacks_like_sklearn():
    """Check that the named tuple unpacks into (precision, recall, thresholds)."""
    precision, recall, thresholds = precision_recall_curve([0, 1, 1], [0.3, 0.6, 0.9])
    np.testing.assert_allclose(precision, [2 / 3, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(recall, [1.0, 1.0, 0.5, 0.0])
    np.testing.assert_allclose(thresholds, [0.3, 0.6, 0.9])


def test_precision_recall_curve_all_positive():
    """Check that a sample of positives only has precision 1 throughout and AP 1."""
    curve = precision_recall_curve([1, 1, 1], [0.2, 0.2, 0.7])
    np.testing.assert_allclose(curve.precision, [1.0, 1.0, 1.0])
    assert curve.average_precision == 1.0


@pytest.mark.parametrize(
    ("y", "score", "match"),
    [
        pytest.param([0, 0, 0], [0.1, 0.2, 0.3], "no row of y_true is positive", id="no-positive"),
        pytest.param([0, 1, 1], [0.1, 0.2], r"differ in length: 3 and 2", id="length"),
        pytest.param([0, 1], [0.1, np.nan], "1 NaN or infinite", id="nan"),
        pytest.param(["a", "b"], [0.1, 0.2], "0/1 outcomes", id="no-pos-label"),
        pytest.param([], [], "empty", id="empty"),
        pytest.param([[0, 1]], [[0.2, 0.4]], "must be 1-D", id="2d"),
    ],
)
@pytest.mark.parametrize("curve", [precision_recall_curve, threshold_curve],
                         ids=lambda f: f.__name__)
def test_curves_bad_input_errors(curve, y, score, match):
    """Check that bad labels or scores raise a DataError that quotes the problem."""
    with pytest.raises(DataError, match=match):
        curve(y, score)


# ---------------------------------------------------------------------------------------------
# threshold curve


def test_threshold_curve_hand_computed():
    """Check precision, recall, F1 and positive rate at each threshold of a tiny example."""
    curve = threshold_curve(["n", "p", "n", "p"], [0.1, 0.4, 0.35, 0.8], pos_label="p")
    assert isinstance(curve, ThresholdCurve)
    np.testing.assert_allclose(curve.thresholds, [0.1, 0.35, 0.4, 0.8])
    np.testing.assert_allclose(curve.precision, [0.5, 2 / 3, 1.0, 1.0])
    np.testing.assert_allclose(curve.recall, [1.0, 1.0, 1.0, 0.5])
    np.testing.assert_allclose(curve.f1, [2 / 3, 0.8, 1.0, 2 / 3])
    np.testing.assert_allclose(curve.positive_rate, [1.0, 0.75, 0.5, 0.25])


@pytest.mark.parametrize("rounding", [None, 1], ids=["continuous", "ties"])
def test_threshold_curve_matches_sklearn_at_each_threshold(rounding):
    """Check each row against scikit-learn's scores of the decisions ``score >= threshold``."""
    y, score = _imbalanced(3, n=120, rounding=rounding)
    curve = threshold_curve(y, score, pos_label="pos")
    for t, p, r, f, rate in zip(*curve, strict=True):
        pred = np.where(score >= t, "pos", "neg")
        sk_p, sk_r, sk_f, _ = skm.precision_recall_fscore_support(
            y, pred, labels=["pos"], zero_division=0)
        assert (p, r, f) == pytest.approx((sk_p[0], sk_r[0], sk_f[0]), abs=1e-12)
        assert rate == pytest.approx(np.mean(pred == "pos"))


@SETTINGS
@given(scored_outcomes())
def test_threshold_curve_is_the_precision_recall_curve(problem):
    """Check that precision and recall equal the PR curve's without its closing point, and that
    recall and the positive rate never rise with the threshold."""
    y, score = problem
    curve = threshold_curve(y, score)
    pr = precision_recall_curve(y, score)
    np.testing.assert_array_equal(curve.thresholds, pr.thresholds)
    np.testing.assert_array_equal(curve.precision, pr.precision[:-1])
    np.testing.assert_array_equal(curve.recall, pr.recall[:-1])
    assert np.all(np.diff(curve.recall) <= 0)
    assert np.all(np.diff(curve.positive_rate) < 0)
    assert curve.positive_rate[0] == 1.0


def test_threshold_curve_f1_zero_without_true_positives():
    """Check that F1 is 0, not NaN, at a threshold that finds no positive."""
    curve = threshold_curve([1, 0], [0.2, 0.9])
    np.testing.assert_allclose(curve.f1, [2 / 3, 0.0])


# ---------------------------------------------------------------------------------------------
# reliability bins and expected calibration error


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [3, 10])
def test_reliability_bins_matches_sklearn(strategy, n_bins):
    """Check observed and mean predicted per bin against scikit-learn's calibration_curve."""
    rng = np.random.default_rng(11)
    prob = rng.beta(0.6, 3.0, size=400)
    y = np.where(rng.uniform(size=400) < prob, "fraud", "ok")
    bins = reliability_bins(y, prob, n_bins=n_bins, strategy=strategy, pos_label="fraud")
    prob_true, prob_pred = calibration_curve(y, prob, n_bins=n_bins, strategy=strategy,
                                             pos_label="fraud")
    assert isinstance(bins, ReliabilityBins)
    np.testing.assert_allclose(bins.observed, prob_true)
    np.testing.assert_allclose(bins.mean_predicted, prob_pred)
    assert bins.count.sum() == 400
    assert np.all(bins.bin_low < bins.bin_high)


def test_expected_calibration_error_hand_computed():
    """Check the count-weighted gap: (3 * |1/3 - 0.2| + 2 * |1 - 0.85|) / 5."""
    y, prob = [0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9]
    expected = (3 * (1 / 3 - 0.2) + 2 * 0.15) / 5
    assert expected_calibration_error(y, prob, n_bins=2) == pytest.approx(expected)
    assert reliability_bins(y, prob, n_bins=2).expected_calibration_error == pytest.approx(
        expected)


def test_expected_calibration_error_of_calibrated_probabilities_is_small():
    """Check that outcomes drawn from the probabilities themselves give a small ECE, and that
    systematically overconfident probabilities give a large one."""
    rng = np.random.default_rng(0)
    prob = rng.uniform(size=20_000)
    y = (rng.uniform(size=prob.size) < prob).astype(int)
    assert expected_calibration_error(y, prob) < 0.02
    assert expected_calibration_error(y, np.clip(prob * 2 - 0.5, 0, 1)) > 0.1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        pytest.param({"n_bins": 0}, ValueError,
                     r"The 'n_bins' parameter of reliability_bins must be an int >= 1; got 0\.",
                     id="zero-bins"),
        pytest.param({"n_bins": True}, ValueError, "'n_bins' parameter", id="bool-bins"),
        pytest.param({"strategy": "kmeans"}, ValueError,
                     "'strategy' parameter of reliability_bins must be 'uniform' or 'quantile'; "
                     "got 'kmeans'", id="bad-strategy"),
    ],
)
@pytest.mark.parametrize("func", [reliability_bins, expected_calibration_error],
                         ids=lambda f: f.__name__)
def test_reliability_bad_parameters(func, kwargs, error, match):
    """Check that bad binning parameters raise a ValueError naming the parameter and value."""
    with pytest.raises(error, match=match):
        func([0, 1], [0.2, 0.8], **kwargs)


def test_reliability_bins_rejects_non_probabilities():
    """Check that probabilities outside [0, 1] are refused with the range found."""
    with pytest.raises(DataError, match=r"from 0\.2 to 1\.5"):
        reliability_bins([0, 1], [0.2, 1.5])


# ---------------------------------------------------------------------------------------------
# one implementation behind the old names


def test_report_names_are_the_metrics_curves():
    """Check that the report's curve names are the metrics' objects, not copies, and that its
    tables hold the same numbers."""
    assert unskew.report.pr_curve_points is precision_recall_curve
    assert unskew.report.PRCurve is PrecisionRecallCurve
    y, score = _imbalanced(4, rounding=2)
    table = unskew.report.threshold_curve(y, score, pos_label="pos")
    curve = threshold_curve(y, score, pos_label="pos")
    np.testing.assert_array_equal(table["threshold"], curve.thresholds)
    np.testing.assert_array_equal(table["f1"], curve.f1)
    prob = np.clip(score / 1.3, 0, 1)
    frame = unskew.report.reliability_bins(y, prob, pos_label="pos")
    assert unskew.report.expected_calibration_error(frame) == expected_calibration_error(
        y, prob, pos_label="pos")
