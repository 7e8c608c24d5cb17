"""Tests of ``unskew.report``: plot data, SVG drawing, page assembly, and a real browser.

The browser tests drive headless Chromium through the DevTools protocol over
``--remote-debugging-pipe`` (file descriptors 3 and 4, NUL-separated JSON): no websocket
library and no network port are needed. Under CI (``CI=true``) a missing Chromium fails them.
"""

from __future__ import annotations

import dataclasses
import html as html_lib
import json
import os
import re
import select
import shlex
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    precision_recall_fscore_support,
)
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from threadpoolctl import threadpool_limits

import unskew
from report_example import (  # tests/report_example.py (pythonpath)
    DANGEROUS_TEXT,
    EXAMPLE_TEXTS,
    tiny_result,
)
from unskew.cli import main as cli_main
from unskew.exceptions import DataError
from unskew.report import (
    ci_bars,
    class_distribution,
    confused_pairs,
    confusion,
    expected_calibration_error,
    fit_times,
    minority_class,
    per_class_scores,
    pr_curve_points,
    predicted_labels,
    reliability_bins,
    render_html,
    threshold_curve,
    write_report,
)
from unskew.report._plotdata import forest_span, metric_bounds, threshold_for_recall
from unskew.report._render import (
    _oof_items,
    _rare_class_card,
    build_command,
    fmt,
    fmt_p,
    fmt_seconds,
    python_call,
    shorten,
)
from unskew.report._svg import (
    Line,
    bar_chart,
    forest_plot,
    grouped_bar_chart,
    heatmap,
    line_chart,
    nice_ticks,
    place_labels,
)

NASTY = "<script>alert('x')</script> & \"quoted\""
GENERATED = "2024-05-01 12:00 UTC"
SVG_BLOCK = re.compile(r"<svg\b.*?</svg>", re.S)
EXTERNAL_REF = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|@import""",
    re.I,
)


# ----------------------------------------------------------------------------- fixtures


# One thread per native pool: on a busy machine OpenMP/BLAS oversubscription makes these tiny
# fits (the diagnosis's gradient boosting above all) several times slower, not faster.


@pytest.fixture(scope="module")
def yeast4_result():
    """A real binary comparison with a diagnosis (a few seconds)."""
    with threadpool_limits(1):
        return unskew.compare("binary:yeast4",
                              strategies=["none+lr", "weighted+lr", "smote+lr"], folds=3,
                              repeats=1, progress=False, diagnose=True)


@pytest.fixture(scope="module")
def three_class_result():
    """A real three-class comparison on a generated table, without a diagnosis."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=300, n_features=5, n_informative=3, n_redundant=0,
                               n_classes=3, weights=[0.7, 0.2, 0.1], random_state=0)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    frame["label"] = pd.Series(y).map({0: "common", 1: "middle", 2: "rare"})
    with threadpool_limits(1):
        return unskew.compare(frame, "label", strategies=["none+lr", "weighted+lr"], folds=3,
                              repeats=1, progress=False, diagnose=False)


def _with_failed(result, error=NASTY):
    """The result with one more leaderboard row: a strategy that failed with ``error``."""
    row = {"strategy": "broken+lr", "status": "failed", "error": error, "rank": np.nan,
           "n_ok": 0, "n_tasks": 3}
    board = pd.concat([result.leaderboard, pd.DataFrame([row])], ignore_index=True)
    return dataclasses.replace(result, leaderboard=board)


@pytest.fixture(scope="module")
def yeast4_html(yeast4_result):
    return render_html(_with_failed(yeast4_result), generated=GENERATED)


@pytest.fixture(scope="module")
def three_class_html(three_class_result):
    return render_html(three_class_result, generated=GENERATED)


def _svgs(html):
    return SVG_BLOCK.findall(html)


def _check_page(html, result):
    """Structural checks shared by every rendered page."""
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<html") == 1
    assert html.count("</html>") == 1
    assert html.count("<body") == 1
    assert html.count("<head>") == 1
    assert EXTERNAL_REF.search(html) is None
    assert "http://" not in html
    assert "https://" not in html
    assert result.best_ in html
    for strategy in result.leaderboard["strategy"]:
        assert f">{strategy}<" in html
    svgs = _svgs(html)
    assert len(svgs) >= 4
    for svg in svgs:
        root = ET.fromstring(svg)  # raises on malformed markup
        assert root.tag == "svg"
        assert root.find("title") is not None
        assert root.find("title").text
        assert root.get("role") == "img"
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate element ids"


# ----------------------------------------------------------------------------- plot data


def test_pr_curve_points_hand_computed():
    """Check that a four-row precision-recall curve matches the values worked out by hand."""
    # ranked by score: 0.8 positive, 0.4 positive, 0.35 negative, 0.1 negative
    curve = pr_curve_points([0, 1, 0, 1], [0.1, 0.4, 0.35, 0.8])
    # threshold 0.1: 2 TP / 4 predicted; 0.35: 2/3; 0.4: 2/2; 0.8: 1/1 (recall 1/2)
    np.testing.assert_allclose(curve.precision, [0.5, 2 / 3, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(curve.recall, [1.0, 1.0, 1.0, 0.5, 0.0])
    np.testing.assert_allclose(curve.thresholds, [0.1, 0.35, 0.4, 0.8])
    assert curve.average_precision == pytest.approx(1.0)


def test_pr_curve_points_ties_share_one_threshold():
    """Check that tied scores form one threshold, with all tied rows predicted together."""
    curve = pr_curve_points(["n", "p", "p", "n"], [0.5, 0.5, 0.9, 0.1], pos_label="p")
    np.testing.assert_allclose(curve.thresholds, [0.1, 0.5, 0.9])
    np.testing.assert_allclose(curve.precision, [0.5, 2 / 3, 1.0, 1.0])
    np.testing.assert_allclose(curve.recall, [1.0, 1.0, 0.5, 0.0])


@pytest.mark.parametrize("seed", [0, 1, 2], ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("rounding", [None, 1], ids=["continuous", "ties"])
def test_pr_curve_points_matches_sklearn(seed, rounding):
    """Check that the curve and its AP equal scikit-learn's on random (and tied) scores."""
    rng = np.random.default_rng(seed)
    y = rng.choice(["neg", "pos"], size=200, p=[0.85, 0.15])
    scores = rng.uniform(size=200) + (y == "pos") * 0.3
    if rounding is not None:
        scores = np.round(scores, rounding)
    ours = pr_curve_points(y, scores, pos_label="pos")
    precision, recall, thresholds = precision_recall_curve(y, scores, pos_label="pos")
    np.testing.assert_allclose(ours.precision, precision)
    np.testing.assert_allclose(ours.recall, recall)
    np.testing.assert_allclose(ours.thresholds, thresholds)
    assert ours.average_precision == pytest.approx(
        average_precision_score(y == "pos", scores))


def test_pr_curve_points_errors():
    """Check that a curve without positives or with mismatched inputs raises DataError."""
    with pytest.raises(DataError, match="no row of y_true is positive"):
        pr_curve_points([0, 0, 0], [0.1, 0.2, 0.3])
    with pytest.raises(DataError, match="differ in length: 3 and 2"):
        pr_curve_points([0, 1, 1], [0.1, 0.2])
    with pytest.raises(DataError, match="NaN or infinite"):
        pr_curve_points([0, 1], [0.1, np.nan])
    with pytest.raises(DataError, match="0/1 outcomes"):
        pr_curve_points(["a", "b"], [0.1, 0.2])


def test_threshold_curve_hand_computed():
    """Check precision, recall, F1 and positive rate at each threshold of a tiny example."""
    curve = threshold_curve([0, 1, 0, 1], [0.1, 0.4, 0.35, 0.8])
    np.testing.assert_allclose(curve["threshold"], [0.1, 0.35, 0.4, 0.8])
    np.testing.assert_allclose(curve["precision"], [0.5, 2 / 3, 1.0, 1.0])
    np.testing.assert_allclose(curve["recall"], [1.0, 1.0, 1.0, 0.5])
    np.testing.assert_allclose(curve["f1"], [2 / 3, 0.8, 1.0, 2 / 3])
    np.testing.assert_allclose(curve["positive_rate"], [1.0, 0.75, 0.5, 0.25])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 20)), min_size=1, max_size=40)
       .filter(lambda rows: any(r[0] for r in rows)))
def test_threshold_curve_monotone(rows):
    """Check that recall and the positive rate never increase as the threshold rises."""
    y = np.array([r[0] for r in rows], dtype=int)
    scores = np.array([r[1] for r in rows], dtype=float) / 20
    curve = threshold_curve(y, scores)
    assert np.all(np.diff(curve["threshold"]) > 0)
    assert np.all(np.diff(curve["recall"]) <= 1e-12)
    assert np.all(np.diff(curve["positive_rate"]) < 0)
    assert curve["recall"].iloc[0] == 1.0
    pr = pr_curve_points(y, scores)
    np.testing.assert_allclose(curve["precision"], pr.precision[:-1])


def test_reliability_bins_hand_computed():
    """Check bin counts, means and observed rates; a value on an inner edge goes below it."""
    bins = reliability_bins([0, 0, 1, 1, 1, 0], [0.1, 0.2, 0.3, 0.8, 0.9, 0.5], n_bins=2)
    assert bins["count"].tolist() == [4, 2]
    np.testing.assert_allclose(bins["mean_predicted"], [(0.1 + 0.2 + 0.3 + 0.5) / 4, 0.85])
    np.testing.assert_allclose(bins["observed"], [0.25, 1.0])
    np.testing.assert_allclose(bins[["bin_low", "bin_high"]].to_numpy(), [[0, 0.5], [0.5, 1]])


def test_reliability_bins_leaves_out_empty_bins():
    """Check that empty bins are dropped and the counts add up to the rows."""
    bins = reliability_bins(["a", "b", "b"], [0.05, 0.95, 0.92], n_bins=10, pos_label="b")
    assert bins["count"].tolist() == [1, 2]
    np.testing.assert_allclose(bins["bin_low"], [0.0, 0.9])
    np.testing.assert_allclose(bins["observed"], [0.0, 1.0])


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [5, 10])
def test_reliability_bins_matches_sklearn(strategy, n_bins):
    """Check observed and mean predicted per bin against scikit-learn's calibration_curve."""
    rng = np.random.default_rng(7)
    prob = rng.beta(0.7, 2.5, size=500)
    y = (rng.uniform(size=500) < prob).astype(int)
    bins = reliability_bins(y, prob, n_bins=n_bins, strategy=strategy)
    prob_true, prob_pred = calibration_curve(y, prob, n_bins=n_bins, strategy=strategy)
    np.testing.assert_allclose(bins["observed"], prob_true)
    np.testing.assert_allclose(bins["mean_predicted"], prob_pred)
    assert bins["count"].sum() == 500


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_bins": 0}, ValueError, "'n_bins' parameter of reliability_bins"),
        ({"n_bins": 2.5}, ValueError, "'n_bins' parameter"),
        ({"strategy": "kmeans"}, ValueError, "'strategy' parameter .* got 'kmeans'"),
    ],
    ids=["zero-bins", "float-bins", "bad-strategy"],
)
def test_reliability_bins_invalid_parameters(kwargs, error, match):
    """Check that bad parameters raise a ValueError naming the parameter and the value."""
    with pytest.raises(error, match=match):
        reliability_bins([0, 1], [0.2, 0.8], **kwargs)


def test_reliability_bins_rejects_non_probabilities():
    """Check that scores outside [0, 1] are refused with the range found."""
    with pytest.raises(DataError, match=r"from -0\.5 to 0\.8"):
        reliability_bins([0, 1], [-0.5, 0.8])


def test_expected_calibration_error_hand_computed():
    """Check the count-weighted gap: (3 * |1/3 - 0.2| + 2 * |1 - 0.85|) / 5."""
    bins = reliability_bins([0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9], n_bins=2)
    assert expected_calibration_error(bins) == pytest.approx((3 * (1 / 3 - 0.2) + 2 * 0.15) / 5)


def test_confusion_hand_computed_and_ordered():
    """Check counts of a tiny confusion matrix and that rows/columns follow ``classes``."""
    frame = confusion(["a", "a", "b", "c", "c", "c"], ["a", "b", "b", "c", "a", "c"],
                      ["c", "a", "b"])
    assert frame.index.tolist() == ["c", "a", "b"]
    assert frame.to_numpy().tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert frame.loc["c", "a"] == 1


def test_confusion_matches_sklearn():
    """Check the matrix against scikit-learn on random labels."""
    rng = np.random.default_rng(3)
    y = rng.choice(["x", "y", "z"], size=300, p=[0.6, 0.3, 0.1])
    pred = rng.choice(["x", "y", "z"], size=300)
    labels = ["z", "x", "y"]
    np.testing.assert_array_equal(confusion(y, pred, labels).to_numpy(),
                                  sk_confusion_matrix(y, pred, labels=labels))


def test_confused_pairs_hand_computed():
    """Check the off-diagonal cells, by count then share of the true class, ties in matrix
    order, empty pairs left out, and ``top``."""
    y = ["a"] * 5 + ["b"] * 3 + ["c"] * 2
    pred = ["a", "a", "b", "b", "c", "a", "a", "b", "b", "b"]
    # a->b 2 of 5 (0.4), a->c 1 of 5, b->a 2 of 3, c->b 2 of 2; b->c and c->a never happen
    pairs = confused_pairs(confusion(y, pred, ["a", "b", "c"]))
    assert pairs[["true", "predicted", "count"]].values.tolist() == [
        ["c", "b", 2], ["b", "a", 2], ["a", "b", 2], ["a", "c", 1]]
    np.testing.assert_allclose(pairs["share"], [1.0, 2 / 3, 0.4, 0.2])
    assert confused_pairs(confusion(y, pred, ["a", "b", "c"]), top=2)["true"].tolist() == [
        "c", "b"]
    tied = confused_pairs(confusion(["a", "b"], ["b", "a"], ["b", "a"]))
    assert tied[["true", "predicted"]].values.tolist() == [["b", "a"], ["a", "b"]]
    assert confused_pairs(confusion(["a", "b"], ["a", "b"], ["a", "b"])).empty
    with pytest.raises(DataError, match=r"must be square; got shape \(2, 3\)"):
        confused_pairs(pd.DataFrame(np.ones((2, 3), dtype=int)))


def test_predicted_labels_ties_go_to_first_column():
    """Check the argmax decision, ties to the first class, like scikit-learn's predict."""
    assert predicted_labels([[0.5, 0.5], [0.2, 0.8]], [3, 7]).tolist() == [3, 7]
    with pytest.raises(DataError, match="one column per class"):
        predicted_labels([[0.5, 0.5]], ["a", "b", "c"])


def test_minority_class():
    """Check that the least frequent class wins, ties going to the later class."""
    assert minority_class(["a", "a", "b"], ["a", "b"]) == "b"
    assert minority_class([0, 1, 1, 0], [0, 1]) == 1
    assert minority_class(["a", "b", "b"], ["a", "b", "c"]) == "c"  # absent class has 0 rows


def test_per_class_scores_matches_sklearn():
    """Check per-class precision, recall, F1 and support of argmax predictions."""
    rng = np.random.default_rng(11)
    classes = ["p", "q", "r"]
    y = rng.choice(classes, size=150, p=[0.6, 0.3, 0.1])
    proba = rng.dirichlet([1, 1, 1], size=150)
    scores = per_class_scores(y, {"s1": proba, "s2": proba[:, ::-1]}, classes)
    assert scores["strategy"].tolist() == ["s1"] * 3 + ["s2"] * 3
    pred = np.asarray(classes)[proba.argmax(axis=1)]
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=classes, zero_division=0)
    first = scores[scores["strategy"] == "s1"]
    np.testing.assert_allclose(first["precision"], p)
    np.testing.assert_allclose(first["recall"], r)
    np.testing.assert_allclose(first["f1"], f)
    assert first["support"].tolist() == s.tolist()


def test_ci_bars_keeps_order_and_marks_best():
    """Check that the forest-plot data follows the leaderboard and keeps failed rows as NaN."""
    board = _with_failed(tiny_result()).leaderboard
    bars = ci_bars(board, "macro_f1")
    assert bars["strategy"].tolist() == board["strategy"].tolist()
    assert bars["best"].tolist() == [True, False, False, False]
    assert np.isnan(bars["mean"].iloc[-1])
    assert bars["status"].iloc[-1] == "failed"
    with pytest.raises(DataError, match="lacks the column"):
        ci_bars(board.drop(columns=["macro_f1_low"]), "macro_f1")


@pytest.mark.parametrize(
    ("metric", "lows", "highs", "expected"),
    [
        ("macro_f1", [0.91, 0.8], [1.03, 0.99], (0.8 - 0.05 * 0.23, 1.0)),
        ("mcc", [-1.3, 0.2], [0.4, 0.5], (-1.0, 0.5 + 0.05 * 1.8)),
        ("log_loss", [0.01, 0.3], [0.5, 4.0], (0.0, 4.0 + 0.05 * 3.99)),
    ],
    ids=["f1-past-one", "mcc-past-minus-one", "log-loss-unbounded"],
)
def test_forest_span_stays_in_the_metric_range(metric, lows, highs, expected):
    """Check that the forest axis span is padded but clipped to the metric's range."""
    bars = pd.DataFrame({"mean": np.mean([lows, highs], axis=0), "low": lows, "high": highs,
                         "status": "ok"})
    np.testing.assert_allclose(forest_span(bars, metric_bounds(metric)), expected)


def test_forest_span_ignores_degenerate_and_failed_strategies():
    """Check that degenerate and failed rows do not widen the span, unless nothing else has
    a score."""
    bars = pd.DataFrame({"mean": [0.7, 0.05, np.nan], "low": [0.65, -0.2, np.nan],
                         "high": [0.75, 0.3, np.nan],
                         "status": ["ok", "degenerate", "failed"]})
    np.testing.assert_allclose(forest_span(bars), (0.645, 0.755))
    only_degenerate = bars.iloc[1:]
    np.testing.assert_allclose(forest_span(only_degenerate), (0.0, 0.325))


def test_threshold_for_recall_matches_sklearn():
    """Check that the threshold is the highest one reaching the recall, as read off
    scikit-learn's precision-recall curve."""
    rng = np.random.default_rng(5)
    y = rng.choice([0, 1], size=300, p=[0.85, 0.15])
    scores = np.round(rng.uniform(size=300) * 0.7 + y * 0.3, 2)
    precision, recall, thresholds = precision_recall_curve(y, scores)
    for target in (0.5, 0.8, 1.0):
        i = np.flatnonzero(recall[:-1] >= target)[-1]
        row = threshold_for_recall(threshold_curve(y, scores), target)
        assert row["threshold"] == pytest.approx(thresholds[i])
        assert row["precision"] == pytest.approx(precision[i])
        assert row["recall"] == pytest.approx(recall[i])
    assert threshold_for_recall(threshold_curve(y, scores).iloc[-1:], 1.0) is None


def test_fit_times_ignores_failed_tasks():
    """Check mean / min / max over successful tasks, in the given order, NaN when none ran."""
    folds = pd.DataFrame({"strategy": ["a", "a", "b", "c"], "fit_time": [1.0, 2.0, 4.0, 9.0],
                          "status": ["ok", "ok", "ok", "failed"]})
    times = fit_times(folds, order=["c", "b", "a"])
    assert times["strategy"].tolist() == ["c", "b", "a"]
    assert np.isnan(times["mean"].iloc[0])
    assert times["n_ok"].tolist() == [0, 1, 2]
    assert times["mean"].tolist()[1:] == [4.0, 1.5]


def test_class_distribution_sorted_with_buckets():
    """Check counts sorted most common first, shares and buckets (None when unknown)."""
    dist = class_distribution({"b": 5, "a": 15, "c": 30}, {"c": "head"})
    assert dist["class"].tolist() == ["c", "a", "b"]
    np.testing.assert_allclose(dist["share"], [0.6, 0.3, 0.1])
    assert dist["bucket"].tolist() == ["head", None, None]


# ----------------------------------------------------------------------------- svg


def _parse(svg):
    root = ET.fromstring(str(svg))
    assert root.tag == "svg"
    assert root.get("role") == "img"
    return root


@pytest.mark.parametrize(
    "draw",
    [
        lambda label: bar_chart([label, "b"], [3, float("nan")], uid="t", title=label,
                                value_label=label, legend=[(label, "#000000")]),
        lambda label: grouped_bar_chart([label], {label: [0.5], "s": [None]}, uid="t",
                                        title=label, value_label=label),
        lambda label: line_chart([Line(label, [0, 1], [0, 1], markers=True,
                                       point_titles=[label, label], point_labels=[label, "2"])],
                                 uid="t", title=label, x_label=label, y_label=label,
                                 vlines=[(0.5, label, "#000000")], diagonal=True),
        lambda label: forest_plot([label, "x"], [0.5, float("nan")], [0.4, float("nan")],
                                  [0.6, float("nan")], uid="t", title=label, x_label=label,
                                  highlight=label, notes={"x": label}),
        lambda label: heatmap([label, "b"], [label, "b"], [[1, 0], [0, 0]], uid="t",
                              title=label, x_label=label, y_label=label),
    ],
    ids=["bar", "grouped", "line", "forest", "heatmap"],
)
def test_svg_charts_are_wellformed_and_escape_labels(draw):
    """Check that every chart is one well-formed <svg> with a title and escaped user text."""
    svg = draw(NASTY)
    root = _parse(svg)
    assert root.find("title").text == NASTY
    assert root.find("desc") is not None
    assert "<script>" not in svg
    texts = "".join(root.itertext())
    assert NASTY in texts


def test_nice_ticks_cover_the_range():
    """Check that ticks start at or below low, end at or above high, with a round step."""
    for low, high in [(0, 1), (0.37, 0.81), (0, 1433), (-0.3, 1.6), (5, 5)]:
        ticks = nice_ticks(low, high)
        assert ticks[0] <= low
        assert ticks[-1] >= high
        assert 2 <= len(ticks) <= 12


def _ticks(svg):
    """The numeric tick labels of a chart's x axis."""
    axis = next(g for g in _parse(svg).iter("g") if g.get("class") == "axis x")
    return [float(t.text.replace(",", "")) for t in axis.findall("text")
            if re.fullmatch(r"-?[\d,.]+", t.text or "")]


@pytest.mark.parametrize(
    ("limits", "lows", "highs", "edge"),
    [((0.0, 1.0), [0.62, 0.9], [0.8, 1.04], 1.0), ((-1.0, 1.0), [-1.2, 0.1], [-0.5, 0.6], -1.0)],
    ids=["f1", "mcc"],
)
def test_forest_plot_axis_never_passes_the_metric_range(limits, lows, highs, edge):
    """Check that the axis stops at the metric's limit and marks the intervals cut there."""
    means = np.mean([lows, highs], axis=0).tolist()
    svg = forest_plot(["a", "b"], means, lows, highs, uid="ci", title="t", x_label="x",
                      limits=limits)
    ticks = _ticks(svg)
    assert limits[0] <= min(ticks)
    assert max(ticks) <= limits[1]
    assert edge in (min(ticks), max(ticks))
    assert 'class="off-axis"' in svg


def test_forest_plot_muted_rows_outside_the_domain():
    """Check that a muted (degenerate) row far off the domain is grey, arrowed at the edge,
    and keeps its values and reason in its text and tooltip."""
    svg = forest_plot(["good", "one-class"], [0.72, 0.05], [0.68, -0.1], [0.76, 0.2],
                      uid="ci", title="t", x_label="x", domain=(0.66, 0.78), limits=(0, 1),
                      muted={"one-class": "degenerate: predicts only 'neg'"})
    assert min(_ticks(svg)) >= 0.6
    rows = [g for g in _parse(svg).iter("g") if (g.get("class") or "").startswith("row")]
    assert rows[1].get("class") == "row muted"
    assert any(p.get("class") == "off-axis" for p in rows[1].iter("path"))
    assert "one-class: 0.050 [-0.100, 0.200] (degenerate: predicts only &#39;neg&#39;)" in svg


def _text_extent(text):
    """A generous box (x0, y0, x1, y1) of a 10 px label, from its SVG attributes."""
    x, y, width = float(text.get("x")), float(text.get("y")), 0.6 * 10 * len(text.text)
    anchor = text.get("text-anchor", "start")
    x0 = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return x0, y - 8, x0 + width, y + 3


def _apart(a, b):
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_line_chart_point_labels_inside_the_plot_and_off_the_markers():
    """Check that reliability labels stay in the plot area (none cut at 1.0) and cover no
    marker, with crowded points at 0 and one at the top edge."""
    svg = line_chart([Line("m", [0.02, 0.06, 0.11, 0.5, 0.97], [0.0, 0.04, 0.12, 0.45, 1.0],
                           markers=True, point_labels=["1,204", "388", "96", "51", "19"])],
                     uid="rel", title="t", x_label="x", y_label="y", diagonal=True)
    root = _parse(svg)
    clip = root.find(".//clipPath/rect")
    x0, y0 = float(clip.get("x")), float(clip.get("y"))
    area = (x0, y0, x0 + float(clip.get("width")), y0 + float(clip.get("height")))
    markers = [(float(c.get("cx")) - 5, float(c.get("cy")) - 5, float(c.get("cx")) + 5,
                float(c.get("cy")) + 5) for c in root.iter("circle")]
    labels = [t for t in root.iter("text") if t.get("fill") == "#444444"]
    assert [t.text for t in labels] == ["1,204", "388", "96", "51", "19"]
    for text in labels:
        box = _text_extent(text)
        assert area[0] <= box[0], text.text
        assert box[2] <= area[2], text.text
        assert area[1] <= box[1], text.text
        assert box[3] <= area[3], text.text
        assert all(_apart(box, m) for m in markers), text.text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(40, 560), st.floats(20, 380), st.integers(1, 99_999)),
                min_size=1, max_size=12))
def test_place_labels_inside_the_box_and_off_their_marker(points):
    """Check that every label lies inside the box and never on its own marker."""
    box = (40.0, 20.0, 560.0, 380.0)
    labels = [f"{n:,}" for *_, n in points]
    spots = place_labels([(x, y) for x, y, _ in points], labels, box)
    for (x, y, _), label, (sx, sy, anchor) in zip(points, labels, spots, strict=True):
        text = ET.fromstring(f'<text x="{sx}" y="{sy}" text-anchor="{anchor}">{label}</text>')
        left, top, right, bottom = _text_extent(text)
        assert box[0] <= left
        assert right <= box[2]
        assert box[1] <= top
        assert bottom <= box[3]
        # 0.58 em is the layout's estimate; the 0.6 em box above may graze the marker's edge
        assert _apart((left + 1, top + 1, right - 1, bottom - 1),
                      (x - 5, y - 5, x + 5, y + 5))


# ----------------------------------------------------------------------------- formatting


def test_formatters():
    """Check number, p-value and duration formatting, with a dash for missing values."""
    assert (fmt(0.12345), fmt(None), fmt(np.nan), fmt("x")) == ("0.123", "–", "–", "–")
    assert (fmt_p(0.5), fmt_p(0.0001), fmt_p(np.nan)) == ("0.500", "<0.001", "–")
    assert (fmt_seconds(0.5), fmt_seconds(75)) == ("0.500 s", "1 min 15 s")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("short\n\ttext  here", ("short text here", False)),
     ("x" * 300, ("x" * 300, False)),
     ("word " * 70, (" ".join(["word"] * 60) + "…", True)),
     ("y" * 400, ("y" * 300 + "…", True)),
     ("Возврат " * 50, (" ".join(["Возврат"] * 37) + "…", True))],
    ids=["whitespace", "at-the-limit", "at-a-space", "no-space", "cyrillic"],
)
def test_shorten_cuts_long_texts(text, expected):
    """Check that a text becomes one line, cut near 300 characters at a space (mid-word when
    there is none) with an ellipsis."""
    assert shorten(text) == expected
    assert len(shorten(text)[0]) <= 301


def test_build_command_quotes_and_uses_flags():
    """Check that the rebuilt command uses the CLI's flags and quotes odd names."""
    command = build_command({"metric": "mcc", "strategies": ["a+lr"], "folds": 4, "seed": 3,
                             "groups": "patient id", "n_jobs": 2}, "my data.csv")
    assert command == ("unskew compare 'my data.csv' --metric mcc --strategies a+lr --folds 4 "
                       "--groups 'patient id' --jobs 2 --seed 3")


def test_reproduce_lines_pass_the_data_and_reading_options():
    """Check that both reproduce lines carry the data path, target, reading options, id
    columns and the task timeout, with the CLI's flags and compare's keywords."""
    recorded = {"data": "data/my loans.csv", "target": "default", "drop": ["id", "ssn"],
                "text": ["notes"], "sep": ";", "decimal": ",", "keep_ids": ["branch"],
                "metric": "mcc", "preset": "fast", "strategies": ["none+lr"], "folds": 3,
                "repeats": 1, "groups": None, "time": "month", "holdout": 0.2,
                "task_timeout": 30.0, "n_jobs": 2, "seed": 7, "tune": False}
    assert build_command(recorded) == (
        "unskew compare 'data/my loans.csv' --target default --drop id ssn --text notes "
        "--sep ';' --decimal , --keep-ids branch --metric mcc --preset fast --folds 3 "
        "--repeats 1 --time month --holdout 0.2 --task-timeout 30.0 --jobs 2 --seed 7")
    assert python_call(recorded) == (
        "import unskew\nresult = unskew.compare('data/my loans.csv', target='default', "
        "drop=['id', 'ssn'], text=['notes'], sep=';', decimal=',', keep_ids=['branch'], "
        "metric='mcc', preset='fast', folds=3, repeats=1, time_column='month', holdout=0.2, "
        "task_timeout=30.0, n_jobs=2, random_state=7)")
    every_id = {"data": "t.csv", "target": "y", "keep_ids": True, "sep": "\t"}
    assert build_command(every_id) == "unskew compare t.csv --target y --sep '\\t' --keep-ids"
    assert python_call(every_id).endswith("target='y', sep='\\t', keep_ids=True)")


def test_reproduce_placeholder_for_a_frame_in_memory():
    """Check that a run on an in-memory frame gets placeholders and a note saying so."""
    base = tiny_result()
    result = dataclasses.replace(base, settings={**base.settings, "data": None})
    assert build_command(result.settings).startswith("unskew compare YOUR_DATA.csv --target "
                                                     "label ")
    assert "result = unskew.compare(frame, target='label'" in python_call(result.settings)
    html = render_html(result, generated=GENERATED)
    assert "placeholders you must replace" in html
    assert 'frame.to_csv("YOUR_DATA.csv", index=False)' in html


# ----------------------------------------------------------------------------- page, hand-made


def test_render_tiny_binary_page_structure():
    """Check every section of a hand-made binary result, without fitting anything."""
    result = tiny_result(failed_error=NASTY)
    html = render_html(result, generated=GENERATED)
    _check_page(html, result)
    for anchor in ("summary", "data", "leaderboard", "per-class", "winner", "time", "reproduce"):
        assert f'<section id="{anchor}"' in html
    assert GENERATED in html
    assert result.honest["note"] in html
    assert "Honest estimate" in html
    assert "optimistic" in html
    assert "0.700 [0.610, 0.780]" in html  # the honest score, with its interval
    assert "0.740 [0.690, 0.790]" in html  # the selection score
    assert "Precision, recall and F1 of positive by threshold" in html
    assert "unskew compare tiny.csv --target label --metric macro_f1" in html
    assert "0123456789abcdef" in html
    assert "was not diagnosed" in html  # profile is None


def test_render_escapes_strategy_errors():
    """Check that autoescaping turns a <script> in a strategy's error into text."""
    html = render_html(tiny_result(failed_error=NASTY), generated=GENERATED)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34;" in html
    assert html.count("<script>") == 1  # only the report's own sorting script


def test_render_multiclass_tiny_uses_one_vs_rest():
    """Check that a five-class result gets one-vs-rest PR curves and no threshold plot."""
    result = tiny_result(n_classes=5)
    html = render_html(result, generated=GENERATED)
    _check_page(html, result)
    assert "One-vs-rest precision-recall" in html
    assert "by threshold" not in html
    assert "top-label confidence" in html


def test_render_without_holdout_or_predictions():
    """Check the fallbacks: no honest estimate and no out-of-fold predictions kept."""
    base = tiny_result()
    result = dataclasses.replace(
        base, oof={}, honest={"method": "unavailable", "metric": "macro_f1", "mean": None,
                              "low": None, "high": None, "n_rows": 0,
                              "note": "no hold-out was possible; the leaderboard score is "
                                      "optimistic"})
    html = render_html(result, generated=GENERATED)
    assert "unavailable" in html
    assert "no hold-out was possible" in html
    assert "No out-of-fold predictions were kept" in html
    assert "out-of-fold predictions were not kept" in html
    for svg in _svgs(html):
        _parse(svg)


class _BrokenProfile:
    def to_dict(self):
        raise RuntimeError("half-written profile")


class _DictProfile:
    def __init__(self, data):
        self._data = data

    def to_dict(self):
        return self._data


def test_render_tolerates_a_broken_or_partial_profile():
    """Check that a profile whose to_dict fails, or that lacks keys, still renders."""
    html = render_html(tiny_result(profile=_BrokenProfile()), generated=GENERATED)
    assert "RuntimeError: half-written profile" in html
    partial = _DictProfile({"class_counts": {"negative": 9, "positive": 1},
                            "warnings": [{"code": "high_imbalance", "message": NASTY}]})
    html = render_html(tiny_result(profile=partial), generated=GENERATED)
    assert "high_imbalance" in html
    assert "&lt;script&gt;" in html


def test_render_is_deterministic_given_the_timestamp():
    """Check that the same result and timestamp give byte-identical pages."""
    result = tiny_result()
    assert render_html(result, generated=GENERATED) == render_html(result, generated=GENERATED)


def test_write_report_and_to_html(tmp_path):
    """Check that write_report and CompareResult.to_html write the same self-contained page."""
    result = tiny_result()
    path = write_report(result, tmp_path / "report.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    html = result.to_html(tmp_path / "again.html")
    assert (tmp_path / "again.html").read_text(encoding="utf-8") == html


def _leaderboard_headers(html):
    """(label, folded) of each leaderboard column header; folded ones wait behind the toggle."""
    table = re.search(r'<table class="data sortable leaderboard".*?</thead>', html, re.S)
    return [(re.sub(r"\s*[↑↓]$", "", html_lib.unescape(re.sub(r"<[^>]+>", "", body)).strip()),
             " more" in attrs)
            for attrs, body in re.findall(r"<th([^>]*)>(.*?)</th>", table.group(0), re.S)]


@pytest.mark.parametrize(
    ("n_classes", "compact"),
    [(2, ["rare-class recall", "balanced accuracy", "PR-AUC", "ROC-AUC"]),
     (4, ["rare-class recall", "balanced accuracy", "G-mean", "MCC"])],
    ids=["binary", "multiclass"],
)
def test_leaderboard_shows_a_compact_set_of_metrics(n_classes, compact):
    """Check the default columns per task, the rest folded, and micro F1 never shown."""
    html = render_html(tiny_result(n_classes=n_classes), generated=GENERATED)
    headers = _leaderboard_headers(html)
    labels = [label for label, _ in headers]
    shown = [label for label, folded in headers if not folded]
    assert shown == ["rank", "strategy", "macro F1", "p vs best", *compact, "fit time",
                     "status"]
    assert "micro F1" not in labels
    assert {"accuracy", "weighted F1", "Brier score", "log loss"} <= set(labels) - set(shown)
    assert "micro F1 is not shown: on single-label data it always equals accuracy." in html
    assert 'class="more-toggle"' in html


def test_leaderboard_drops_accuracy_when_micro_f1_is_selected():
    """Check that selecting on micro F1 hides accuracy, its twin, instead."""
    base = tiny_result()
    html = render_html(dataclasses.replace(base, settings={**base.settings, "metric":
                                                           "micro_f1"}), generated=GENERATED)
    labels = [label for label, _ in _leaderboard_headers(html)]
    assert labels[2] == "micro F1"
    assert "accuracy" not in labels


def test_render_degenerate_strategy_does_not_widen_the_forest_axis():
    """Check that a degenerate strategy is listed with its reason, drawn grey, and left out of
    the forest plot's axis range."""
    reason = "predicts only class 'negative' in 3 of 3 folds"
    html = render_html(tiny_result(degenerate_error=reason), generated=GENERATED)
    forest = next(svg for svg in _svgs(html) if 'id="forest-title"' in svg)
    ticks = _ticks(forest)
    assert min(ticks) >= 0.5  # the three others span 0.57-0.79; the degenerate one 0.1
    assert max(ticks) <= 1.0
    assert 'class="row muted"' in forest
    assert "majority+lr</code> degenerate: predicts only class &#39;negative&#39;" in html
    assert ">degenerate</span>" in html  # its leaderboard status


def test_header_shows_the_total_time():
    """Check that the header and the time section show how long the run took, and that a
    result without the total falls back to the sum of its stages."""
    html = render_html(tiny_result(), generated=GENERATED)
    assert 'run took <strong class="total-time">1.5 s</strong>' in html
    assert "The whole run took 1.5 s." in html
    base = tiny_result()
    staged = dataclasses.replace(base, timings={"prepare_s": 0.5, "tasks_s": 2.0})
    html = render_html(staged, generated=GENERATED)
    assert 'run took <strong class="total-time">2.5 s</strong>' in html
    assert "The whole run took 2.5 s." in html


LEAKY = {"id_columns": [{"column": "customer_id", "reason": "unique on every row",
                         "kept": False},
                        {"column": "branch", "reason": "one value per 3 rows", "kept": True}],
         "leakage": [{"column": NASTY, "score": 0.991, "metric": "macro_f1",
                      "note": "recorded after the outcome?"}]}


def test_render_warns_about_leakage_and_id_columns_at_the_top():
    """Check that suspected leakage is a warning box before the summary and the leaderboard,
    with the id-like columns left out and kept, all escaped."""
    html = render_html(tiny_result(dataset=LEAKY), generated=GENERATED)
    alert = html.index('class="alert leakage-alert" role="alert"')
    assert alert < html.index('<section id="summary"') < html.index('<section id="leaderboard"')
    box = html[alert:html.index("</div>", alert)]
    assert "Possible target leakage" in box
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in box
    assert "alone reaches macro F1 0.991 (recorded after the outcome?)" in box
    assert "<script>alert" not in html
    note = html[html.index('class="callout info id-note"'):]
    note = note[:note.index("</div>")]
    assert "left out of the features: <code class=\"column\">customer_id</code> (unique on " in note
    assert "kept as features, as asked: <code class=\"column\">branch</code>" in note
    assert note.index("customer_id") < html.index('<section id="leaderboard"')


@pytest.mark.parametrize(
    "dataset",
    [{}, {"id_columns": None, "leakage": []}, {"id_columns": ["row_id"], "leakage": ["x"]}],
    ids=["absent", "empty", "bare-names"],
)
def test_render_tolerates_missing_or_odd_data_checks(dataset):
    """Check that results without the checks (or with bare column names) render."""
    html = render_html(tiny_result(dataset=dataset), generated=GENERATED)
    assert ("Possible target leakage" in html) == bool(dataset.get("leakage"))
    assert ("row_id" in html) == ("id_columns" in dataset and bool(dataset["id_columns"]))


def _rare_result():
    """A binary result whose winner recalls 13% of the rare class: a runner-up recalls 59%,
    the third has the best balanced accuracy, and the winner ranks the rare rows well."""
    base = tiny_result(degenerate_error="predicts only class 'positive' in 3 of 3 folds")
    y = np.asarray(base.y)
    rng = np.random.default_rng(3)
    # rare rows get P(positive) in [0.25, 0.6): argmax (0.5) finds few, a lower threshold most
    p = np.where(y == "positive", rng.uniform(0.25, 0.6, y.size), rng.uniform(0.0, 0.35, y.size))
    board = base.leaderboard.copy()
    board["rare_recall"] = [0.13, 0.59, 0.40, 1.0]  # the degenerate one must not count
    board["rare_recall_low"] = board["rare_recall"] - 0.1
    board["rare_recall_high"] = board["rare_recall"] + 0.1
    board["balanced_accuracy"] = [0.55, 0.70, 0.76, 0.5]
    return dataclasses.replace(base, leaderboard=board,
                               oof={**base.oof, "smote+lr": np.c_[1 - p, p]})


def test_rare_class_card_names_the_better_strategies_and_the_threshold():
    """Check the card: the best by rare-class recall and by balanced accuracy next to the
    winner, and the winner's threshold on P(rare) for 80% recall (scikit-learn's curve)."""
    result = _rare_result()
    card = _rare_class_card(result, _oof_items(result))
    assert card["rare"] == "positive"
    assert [(r["strategy"], r["role"], r["rare"], r["bacc"], r["score"]) for r in card["rows"]] == [
        ("smote+lr", "winner", "0.130", "0.550", "0.740"),
        ("weighted+lr", "highest rare-class recall", "0.590", "0.700", "0.710"),
        ("none+lr", "highest balanced accuracy", "0.400", "0.760", "0.620")]
    y, p = np.asarray(result.y) == "positive", result.oof["smote+lr"][:, 1]
    precision, recall, thresholds = precision_recall_curve(y, p)
    i = np.flatnonzero(recall[:-1] >= 0.8)[-1]
    threshold = card["threshold"]
    assert threshold["threshold"] == f"{thresholds[i]:.3f}"
    assert threshold["precision"] == f"{precision[i]:.3f}"
    assert threshold["recall"] == f"{recall[i]:.3f}"
    assert threshold["argmax_recall"] == f"{np.mean(p[y] >= 0.5):.3f}"
    html = render_html(result, generated=GENERATED)
    box = html[html.index('class="card rare-card"'):html.index('<section id="data"')]
    assert "If you care about the rare class <code>positive</code>" in box
    assert f"P(positive) ≥ <strong>{thresholds[i]:.3f}</strong>" in box
    assert box.index("weighted+lr") < box.index("none+lr")
    assert "majority+lr" not in box


def test_rare_class_card_hidden_when_the_winner_already_serves_the_rare_class():
    """Check that no card appears when no strategy clearly beats the winner on the rare class
    and its argmax already reaches 80% recall."""
    result = _rare_result()
    board = result.leaderboard.copy()
    board["rare_recall"] = [0.90, 0.93, 0.80, 1.0]  # +0.03: not clearly higher
    board["balanced_accuracy"] = [0.80, 0.82, 0.70, 0.5]
    y = np.asarray(result.y) == "positive"
    confident = np.where(y, 0.9, 0.1)
    result = dataclasses.replace(result, leaderboard=board,
                                 oof={**result.oof, "smote+lr": np.c_[1 - confident, confident]})
    assert _rare_class_card(result, _oof_items(result)) is None
    assert 'class="card rare-card"' not in render_html(result, generated=GENERATED)


def _text_section(html):
    """The text section of a page ('' when there is none)."""
    start = html.find('<section id="text"')
    return "" if start < 0 else html[start:html.index("</section>", start)]


def _table_rows(section, table_id):
    """The cells' text of each body row of a table, unescaped."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', section, re.S).group(0)
    body = table[table.index("<tbody>"):]
    return [[html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [({}, None),
     ({"n_classes": 5}, None),
     ({"n_classes": 5, "text": True}, "Every feature of this table is text"),
     ({"text": True, "dataset": {"feature_types": {"x0": "numeric", "note": "text",
                                                   "city": "categorical"}}},
      "This table has text"),
     ({"dataset": {"feature_types": {"city": "categorical", "x0": "numeric"}}}, None)],
    ids=["numeric", "numeric-multiclass", "text-only", "mixed", "categorical"],
)
def test_render_text_section_only_for_text_tables(kwargs, expected):
    """Check that the section on text (and its link) appears exactly when a feature is text,
    naming the text columns."""
    result = tiny_result(**kwargs)
    html = render_html(result, generated=GENERATED)
    _check_page(html, result)
    section = _text_section(html)
    assert bool(section) == (expected is not None)
    assert ('<a href="#text">' in html) == (expected is not None)
    if expected is not None:
        assert expected in section
        column = "note" if "dataset" in kwargs else "message"
        assert f'(<code class="column">{column}</code>)' in section
        assert 'id="text-pairs"' in section
        assert 'id="text-examples"' in section
        assert html.index('<section id="winner"') < html.index('<section id="text"') < (
            html.index('<section id="time"'))


def test_render_text_pairs_match_a_hand_count():
    """Check the winner's most confused pairs against a count over the rows: each shown pair's
    rows and share of its true class, the eight largest, most rows first."""
    result = tiny_result(n_classes=5, text=True)
    y = np.asarray(result.y)
    pred = np.asarray(result.classes)[result.oof[result.best_].argmax(axis=1)]
    counts = {}
    for true, guess in zip(y, pred, strict=True):
        if true != guess:
            counts[true, guess] = counts.get((true, guess), 0) + 1
    section = _text_section(render_html(result, generated=GENERATED))
    rows = _table_rows(section, "text-pairs")
    assert len(rows) == 8 < len(counts)
    shown = [(true, guess, int(n)) for true, guess, n, _, _ in rows]
    for (true, guess, n), (_, _, _, share, support) in zip(shown, rows, strict=True):
        assert counts[true, guess] == n
        assert share == f"{n / np.sum(y == true):.1%}"
        assert support == f"{np.sum(y == true):,}"
    assert [n for *_, n in shown] == sorted((n for *_, n in shown), reverse=True)
    left_out = [n for pair, n in counts.items() if pair not in {(t, g) for t, g, _ in shown}]
    assert max(left_out) <= min(n for *_, n in shown)
    assert (f"{sum(counts.values())} of {y.size} rows are misclassified, in {len(counts)} "
            "(true, predicted) pairs; the 8 most frequent are shown") in section


def test_render_text_examples_are_escaped_and_cut():
    """Check the table of misclassified texts: markup stays text (also in the title of a cut
    text), other scripts pass unchanged, long texts are cut with the whole text kept, and the
    advice on label errors is given."""
    base = tiny_result(n_classes=5, text=True)
    long_markup = {**base.examples[0], "text": (DANGEROUS_TEXT + " ") * 20}
    result = dataclasses.replace(base, examples=[*base.examples, long_markup])
    html = render_html(result, generated=GENERATED)
    section = _text_section(html)
    assert "<script>alert(1)" not in html
    assert html.count("<script>") == 1  # only the report's own script
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;"
    assert f'<td class="text" dir="auto">{escaped}</td>' in section
    assert f'<span title="{escaped} {escaped}' in section  # the whole text of a cut one
    for text in EXAMPLE_TEXTS[1:4]:
        assert text in section
    rows = _table_rows(section, "text-examples")
    assert len(rows) == len(result.examples)
    for row, example in zip(rows, result.examples, strict=True):
        short, cut = shorten(example["text"])
        assert row[0].startswith(short)
        confidence = f"{example['confidence']:.3f}"
        assert row[1:] == [example["true"], example["predicted"], confidence]
        if cut:
            assert len(short) <= 301
            assert short.endswith("…")
            assert f"whole text ({len(example['text']):,} characters)" in row[0]
            assert row[0].endswith(example["text"].strip())  # in the <details>
    assert sum(shorten(e["text"])[1] for e in result.examples) >= 3
    assert "The most confident mistakes are often label errors worth checking" in section


def test_render_text_section_tolerates_older_and_partial_results():
    """Check a text table whose result predates ``examples`` (and kept no predictions), and one
    whose examples lack fields."""
    base = tiny_result(text=True)
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)
              if f.name != "examples"}
    older = type("OlderResult", (), {**fields, "oof": {}})()
    section = _text_section(render_html(older, generated=GENERATED))
    assert "confusions are not shown" in section
    assert "made before compare kept example texts" in section
    partial = dataclasses.replace(base, examples=[{"text": None, "true": "positive"}, "odd"])
    rows = _table_rows(_text_section(render_html(partial, generated=GENERATED)),
                       "text-examples")
    assert rows == [["", "positive", "–", "–"]]
    empty = dataclasses.replace(base, examples=[])
    assert "No misclassified text" in _text_section(render_html(empty, generated=GENERATED))


# ----------------------------------------------------------------------------- page, real runs


def test_render_real_binary_result(yeast4_result, yeast4_html):
    """Check the page of a real yeast4 comparison: content, profile, honest note, charts."""
    html = yeast4_html
    _check_page(html, _with_failed(yeast4_result))
    assert yeast4_result.honest["note"] in html
    assert "Honest estimate" in html
    assert "hold-out" in html
    assert "yeast4" in html
    # the diagnosis: buckets with their cut-offs, and its warnings
    assert "head (&gt; 100 rows)" in html
    for warning in yeast4_result.profile.to_dict()["warnings"]:
        assert warning["code"] in html
    # binary curves use the minority class as positive
    assert "positive class positive" in html or "minority class <strong>positive" in html
    assert 'id="threshold-title"' in html
    assert 'id="reliability-title"' in html
    for name, value in yeast4_result.versions.items():
        assert name in html
        assert str(value) in html
    assert yeast4_result.dataset["source_hash"] in html


def test_render_real_failed_strategy_row(yeast4_html):
    """Check that a failed strategy's row shows its status and its (escaped) error."""
    row = re.search(r"<tr[^>]*row-failed[^>]*>.*?</tr>", yeast4_html, re.S)
    assert row is not None
    assert "broken+lr" in row.group(0)
    assert ">failed<" in row.group(0)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in row.group(0)
    assert "<script>alert" not in yeast4_html


def test_render_real_three_class_result(three_class_result, three_class_html):
    """Check the page of a real three-class comparison without a diagnosis."""
    html = three_class_html
    _check_page(html, three_class_result)
    assert three_class_result.honest["note"] in html
    assert "One-vs-rest precision-recall" in html
    for label in ("common", "middle", "rare"):
        assert f">{label}<" in html
    assert "was not diagnosed" in html


def _reproduce_lines(page):
    """The shell command and the Python lines printed in a report's Reproduce section."""
    command, python = re.findall(r'<pre class="command"[^>]*><code>(.*?)</code></pre>', page,
                                 re.S)
    return html_lib.unescape(command), html_lib.unescape(python)


def test_reproduce_lines_of_a_csv_run_both_run(tmp_path, capsys):
    """Check that the printed command (through the CLI) and the printed Python line both rerun
    a comparison on a CSV file and find the same winner with the same scores."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=120)
    color = rng.choice(["red", "green", "blue"], size=120)
    label = np.where(x + (color == "red") + rng.normal(scale=0.5, size=120) > 1.0, "yes", "no")
    csv = tmp_path / "small table.csv"
    pd.DataFrame({"x": x, "color": color, "label": label}).to_csv(csv, index=False)
    options = {"strategies": ["none+lr", "weighted+lr"], "folds": 2, "repeats": 1}
    with threadpool_limits(1):
        first = unskew.compare(str(csv), target="label", diagnose=False, progress=False,
                               out=tmp_path / "a", **options)
        page = (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
        command, python = _reproduce_lines(page)
        assert command.startswith(f"unskew compare {shlex.quote(str(csv))} --target label ")
        assert cli_main([*shlex.split(command)[1:], "--out", str(tmp_path / "b")]) == 0
        namespace = {}
        exec(python, namespace)  # the lines the report prints, run as a user would
    capsys.readouterr()
    again = json.loads((tmp_path / "b" / "result.json").read_text(encoding="utf-8"))
    assert again["best"] == first.best_
    assert namespace["result"].best_ == first.best_
    metric = first.settings["metric"]
    scores = first.leaderboard.set_index("strategy")[metric]
    for board in (pd.DataFrame(again["leaderboard"]), namespace["result"].leaderboard):
        np.testing.assert_allclose(board.set_index("strategy")[metric].loc[scores.index],
                                   scores)
    # the report written by compare(out=...) knows how long the run took
    took = re.search(r'run took <strong class="total-time">([^<]*)</strong>', page).group(1)
    assert re.fullmatch(r"\d[\d.]* s|\d+ min \d\d s", took)


# ----------------------------------------------------------------------------- browser


def _find_chromium():
    """Path of a Chromium/Chrome binary; skip locally, fail under CI, when there is none."""
    for name in (os.environ.get("CHROMIUM"), os.environ.get("CHROME_BIN"), "chromium",
                 "chromium-browser", "google-chrome", "google-chrome-stable"):
        if name and (path := shutil.which(name)):
            return path
    message = ("no Chromium found (looked for $CHROMIUM, $CHROME_BIN, chromium, "
               "chromium-browser, google-chrome); install it, e.g. `apt-get install chromium`")
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def _chromium_flags(profile_dir):
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
            "--mute-audio", f"--user-data-dir={profile_dir}"]


class _DevTools:
    """A minimal DevTools-protocol client over ``--remote-debugging-pipe`` (stdlib only)."""

    def __init__(self, chromium, profile_dir, timeout=30.0):
        self.timeout = timeout
        self.events = []
        self._buffer = b""
        self._next_id = 0
        import fcntl  # POSIX only, like the pipe plumbing below

        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def plumb():  # in the child: the pipe ends become fds 3 (read) and 4 (write)
            read = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            write = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.proc = subprocess.Popen(
            [chromium, *_chromium_flags(profile_dir), "--remote-debugging-pipe",
             "about:blank"],
            pass_fds=(3, 4), preexec_fn=plumb, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

    def send(self, method, params=None, session=None):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        return self._next_id

    def wait_for(self, predicate):
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if predicate(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            if select.select([self._from_chrome], [], [], min(left, 0.5))[0]:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk

    def call(self, method, params=None, session=None):
        sent = self.send(method, params, session)
        reply = self.wait_for(lambda m: m.get("id") == sent)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def close(self):
        try:
            if self.proc.poll() is None:
                self.send("Browser.close")
                self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._to_chrome)
            os.close(self._from_chrome)


def _load_in_chromium(path, tmp_path, script=None, *, widths=()):
    """Open ``path`` in headless Chromium; return (events, value of ``script``).

    With ``widths``, the script runs once per viewport width (pixels, desktop, height 900) and
    the value is the list of its results, in that order.
    """
    browser = _DevTools(_find_chromium(), tmp_path / "chromium-profile")
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget",
                               {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            browser.call(f"{domain}.enable", session=session)
        browser.send("Page.navigate", {"url": Path(path).resolve().as_uri()}, session=session)
        browser.wait_for(lambda m: m.get("method") == "Page.loadEventFired")

        def evaluate():
            reply = browser.call("Runtime.evaluate", {"expression": script,
                                                      "returnByValue": True}, session=session)
            assert "exceptionDetails" not in reply, reply
            return reply["result"].get("value")

        value = None
        if script is not None and widths:
            value = []
            for width in widths:
                browser.call("Emulation.setDeviceMetricsOverride",
                             {"width": width, "height": 900, "deviceScaleFactor": 1,
                              "mobile": False}, session=session)
                value.append(evaluate())
        elif script is not None:
            value = evaluate()
        # let late console messages and requests arrive
        browser.call("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 200))",
                                          "awaitPromise": True}, session=session)
        return browser.events, value
    finally:
        browser.close()


def _problems(events, page_url):
    """Console errors, uncaught exceptions and every request other than the page itself."""
    errors, requests = [], []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                   for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            errors.append(details.get("exception", {}).get("description") or details.get("text"))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(params["entry"].get("text"))
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url != page_url:
                requests.append(url)
    return errors, requests


def test_chromium_checker_catches_errors_and_requests(tmp_path):
    """Check that the browser check itself sees a console error and an outside request."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><head><title>bad</title></head><body>"
                    '<img src="https://example.invalid/pixel.png" alt="">'
                    "<script>console.error('boom'); undefinedFunction();</script>"
                    "</body></html>", encoding="utf-8")
    events, _ = _load_in_chromium(page, tmp_path)
    errors, requests = _problems(events, page.resolve().as_uri())
    assert any("boom" in str(e) for e in errors)
    assert any("undefinedFunction" in str(e) for e in errors)
    assert "https://example.invalid/pixel.png" in requests


def test_report_opens_in_chromium_without_errors_or_requests(yeast4_html, tmp_path):
    """Check in headless Chromium: no console error, no network request, the page renders,
    and the sorting script works."""
    path = tmp_path / "report.html"
    path.write_text(yeast4_html, encoding="utf-8")
    script = """(() => {
        const board = document.querySelectorAll('#leaderboard table tbody tr');
        const header = document.querySelector('#leaderboard thead th:nth-child(2)');
        header.click();
        const charts = Array.from(document.querySelectorAll('svg.chart'));
        return JSON.stringify({
            rows: board.length,
            first: document.querySelector('#leaderboard tbody th').textContent.trim(),
            sorted: header.getAttribute('aria-sort'),
            charts: charts.length,
            drawn: charts.filter(c => c.getBoundingClientRect().width > 100).length,
            title: document.title,
        });
    })()"""
    events, value = _load_in_chromium(path, tmp_path, script)
    errors, requests = _problems(events, path.resolve().as_uri())
    assert errors == []
    assert requests == []
    state = json.loads(value)
    assert state["rows"] == 4  # three strategies and the failed one
    assert state["sorted"] == "ascending"
    assert state["first"].startswith("broken+lr")  # sorted by name
    assert state["charts"] >= 6
    assert state["drawn"] == state["charts"]
    assert "yeast4" in state["title"]


LAYOUT_SCRIPT = """(() => {
    const doc = document.documentElement;
    const table = document.querySelector('#leaderboard table');
    const frame = table.closest('.table-wrap');
    const columns = () => Array.from(table.tHead.rows[0].cells)
        .filter(c => c.offsetWidth > 0).length;
    const state = () => ({page: doc.scrollWidth - doc.clientWidth,
                          table: table.scrollWidth - frame.clientWidth, columns: columns()});
    const folded = state();
    const button = document.querySelector('#leaderboard button.more-toggle');
    button?.click();
    const open = Object.assign(state(), {expanded: button?.getAttribute('aria-expanded')});
    button?.click();
    const forest = document.querySelector('svg[aria-labelledby^="forest-"]');
    const ticks = Array.from(forest.querySelectorAll('g.axis.x > text'))
        .map(t => Number(t.textContent)).filter(v => !Number.isNaN(v));
    const reliability = document.querySelector('svg[aria-labelledby^="reliability-"]');
    const area = reliability.querySelector('clipPath rect').getBBox();
    const dots = Array.from(reliability.querySelectorAll('circle')).map(c => c.getBBox());
    const apart = (a, b) => a.x + a.width <= b.x || b.x + b.width <= a.x
        || a.y + a.height <= b.y || b.y + b.height <= a.y;
    const labels = Array.from(reliability.querySelectorAll('text.point-label'))
        .map(t => t.getBBox()).map(b => ({
            inside: b.x >= area.x && b.y >= area.y && b.x + b.width <= area.x + area.width
                && b.y + b.height <= area.y + area.height,
            clear: dots.every(d => apart(b, d))}));
    return JSON.stringify({folded, open, ticks, labels,
        total: document.querySelector('.total-time')?.textContent.trim() ?? '',
        took: document.querySelector('#time figcaption').textContent});
})()"""


@pytest.fixture(scope="module")
def tiny_issue_html():
    """A hand-made page with a failed and a degenerate strategy and leakage warnings."""
    result = tiny_result(failed_error=NASTY, dataset=LEAKY,
                         degenerate_error="predicts only class 'negative' in 3 of 3 folds")
    return render_html(result, generated=GENERATED)


@pytest.mark.parametrize("page", ["yeast4_html", "tiny_issue_html"])
def test_report_layout_in_chromium(page, request, tmp_path):
    """Check at 1400 and 1000 px: the compact leaderboard fits its frame and the page never
    scrolls sideways (also with every metric shown), the forest axis stays in [0, 1],
    reliability labels sit inside the plot off the points, and the run's time is shown."""
    path = tmp_path / "report.html"
    path.write_text(request.getfixturevalue(page), encoding="utf-8")
    events, values = _load_in_chromium(path, tmp_path, LAYOUT_SCRIPT, widths=(1400, 1000))
    assert _problems(events, path.resolve().as_uri()) == ([], [])
    for width, value in zip((1400, 1000), values, strict=True):
        state = json.loads(value)
        assert state["folded"]["table"] <= 0, (width, state)
        assert state["folded"]["page"] <= 0, (width, state)
        assert state["open"]["expanded"] == "true"
        assert state["open"]["columns"] > state["folded"]["columns"]
        assert state["open"]["page"] <= 0, (width, state)  # the wide table scrolls in its frame
        assert 0.0 <= min(state["ticks"]) < max(state["ticks"]) <= 1.0
        assert state["labels"]
        assert all(label["inside"] and label["clear"] for label in state["labels"]), state
        assert state["total"] not in ("", "–", "-")
        assert f"The whole run took {state['total']}." in state["took"]
    if page == "tiny_issue_html":  # the degenerate strategy (0.1) stays off the axis
        assert min(json.loads(values[0])["ticks"]) >= 0.5


TEXT_SCRIPT = """(() => {
    const doc = document.documentElement;
    const fits = (id) => {
        const table = document.getElementById(id);
        const frame = table.closest('.table-wrap');
        return {table: table.scrollWidth - frame.clientWidth,
                right: table.getBoundingClientRect().right - doc.clientWidth};
    };
    const cells = Array.from(document.querySelectorAll('#text-examples td.text'));
    const cut = document.querySelector('#text-examples td.text details');
    cut.open = true;
    const state = () => ({page: doc.scrollWidth - doc.clientWidth,
                          examples: fits('text-examples'), pairs: fits('text-pairs')});
    const opened = state();
    cut.open = false;
    return JSON.stringify({closed: state(), opened, first: cells[0].textContent,
        scripts: document.scripts.length, shown: cells.map(c => c.offsetWidth > 100),
        link: document.querySelector('a[href="#text"]') !== null});
})()"""


def test_text_report_in_chromium(tmp_path):
    """Check a text table's page in headless Chromium at 1400 and 1000 px: no console error or
    request, the markup in an example shows as text, and the example and pair tables fit the
    page (also with a long text opened) without sideways scrolling."""
    path = tmp_path / "report.html"
    path.write_text(render_html(tiny_result(n_classes=5, text=True), generated=GENERATED),
                    encoding="utf-8")
    events, values = _load_in_chromium(path, tmp_path, TEXT_SCRIPT, widths=(1400, 1000))
    assert _problems(events, path.resolve().as_uri()) == ([], [])
    for width, value in zip((1400, 1000), values, strict=True):
        state = json.loads(value)
        assert state["first"] == DANGEROUS_TEXT
        assert state["scripts"] == 1
        assert state["link"]
        assert all(state["shown"]), (width, state)
        for layout in (state["closed"], state["opened"]):
            assert layout["page"] <= 0, (width, state)
            for table in ("examples", "pairs"):
                assert layout[table]["table"] <= 0, (width, table, state)
                assert layout[table]["right"] <= 0, (width, table, state)


def test_report_dump_dom_in_chromium(three_class_html, tmp_path):
    """Check with plain ``--dump-dom`` that Chromium renders the leaderboard of the page."""
    path = tmp_path / "report.html"
    path.write_text(three_class_html, encoding="utf-8")
    run = subprocess.run([_find_chromium(), *_chromium_flags(tmp_path / "profile"),
                          "--dump-dom", path.resolve().as_uri()],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert 'id="leaderboard"' in run.stdout
    assert "none+lr" in run.stdout
    assert "Uncaught" not in run.stderr


@pytest.mark.slow
def test_report_screenshot(yeast4_html, tmp_path):
    """Check that Chromium paints a full-page screenshot of the report."""
    path = tmp_path / "report.html"
    path.write_text(yeast4_html, encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run([_find_chromium(), *_chromium_flags(tmp_path / "profile"),
                    f"--screenshot={shot}", "--window-size=1280,2000",
                    path.resolve().as_uri()],
                   capture_output=True, timeout=60, check=False)
    assert shot.exists()
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000  # a blank 1280x2000 page compresses to a few kB
