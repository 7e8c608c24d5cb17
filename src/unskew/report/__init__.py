"""The HTML report of a comparison: one self-contained file that needs no network to open.

:func:`render_html` turns a :class:`~unskew.comparison.CompareResult` into a page with the
winner and its honest score, the data profile, the leaderboard with confidence intervals,
per-class recall and F1, the winner's confusion matrix, precision-recall, threshold and
reliability plots, fit times and how to reproduce the run; on a table with text, also the
winner's most confused class pairs and its misclassified texts of the rare classes. The
numbers behind every plot come from the small functions re-exported here (pure numpy /
pandas, testable without a browser); the charts are inline SVG drawn by unskew itself, and
the page comes from Jinja2 templates shipped in the package.

Examples
--------
>>> from unskew.report import pr_curve_points
>>> pr_curve_points([0, 1, 1], [0.2, 0.9, 0.6]).average_precision
1.0
"""

from ._finetune import render_finetune_html, write_finetune_report
from ._plotdata import (
    PRCurve,
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
    threshold_curve,
)
from ._render import render_html, write_report

__all__ = [
    "PRCurve",
    "ci_bars",
    "class_distribution",
    "confused_pairs",
    "confusion",
    "expected_calibration_error",
    "fit_times",
    "minority_class",
    "per_class_scores",
    "pr_curve_points",
    "predicted_labels",
    "reliability_bins",
    "render_finetune_html",
    "render_html",
    "threshold_curve",
    "write_finetune_report",
    "write_report",
]
