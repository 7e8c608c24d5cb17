"""Tests of ``unskew.report``: plot data, SVG drawing, page assembly, and a real browser.

The browser tests drive headless Chromium through the DevTools protocol over
``--remote-debugging-pipe`` (file descriptors 3 and 4, NUL-separated JSON): no websocket
library and no network port are needed. Under CI (``CI=true``) a missing Chromium fails them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import select
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
from unskew.exceptions import DataError
from unskew.report import (
    ci_bars,
    class_distribution,
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
from unskew.report._example import tiny_result
from unskew.report._render import build_command, fmt, fmt_p, fmt_seconds
from unskew.report._svg import (
    Line,
    bar_chart,
    forest_plot,
    grouped_bar_chart,
    heatmap,
    line_chart,
    nice_ticks,
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


# ----------------------------------------------------------------------------- formatting


def test_formatters():
    """Check number, p-value and duration formatting, with a dash for missing values."""
    assert (fmt(0.12345), fmt(None), fmt(np.nan), fmt("x")) == ("0.123", "–", "–", "–")
    assert (fmt_p(0.5), fmt_p(0.0001), fmt_p(np.nan)) == ("0.500", "<0.001", "–")
    assert (fmt_seconds(0.5), fmt_seconds(75)) == ("0.500 s", "1 min 15 s")


def test_build_command_quotes_and_uses_flags():
    """Check that the rebuilt command uses the CLI's flags and quotes odd names."""
    command = build_command({"metric": "mcc", "strategies": ["a+lr"], "folds": 4, "seed": 3,
                             "groups": "patient id", "n_jobs": 2}, "my data.csv")
    assert command == ("unskew compare 'my data.csv' --metric mcc --strategies a+lr --folds 4 "
                       "--groups 'patient id' --jobs 2 --seed 3")


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
    assert "unskew compare tiny --metric macro_f1" in html
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


def _load_in_chromium(path, tmp_path, script=None):
    """Open ``path`` in headless Chromium; return (events, value of ``script``)."""
    browser = _DevTools(_find_chromium(), tmp_path / "chromium-profile")
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget",
                               {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            browser.call(f"{domain}.enable", session=session)
        browser.send("Page.navigate", {"url": Path(path).resolve().as_uri()}, session=session)
        browser.wait_for(lambda m: m.get("method") == "Page.loadEventFired")
        value = None
        if script is not None:
            reply = browser.call("Runtime.evaluate", {"expression": script,
                                                      "returnByValue": True}, session=session)
            assert "exceptionDetails" not in reply, reply
            value = reply["result"].get("value")
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
