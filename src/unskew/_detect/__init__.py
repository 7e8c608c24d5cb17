"""Shared detectors: per-class outliers and suspected label errors (private).

A room below both :mod:`unskew.diagnosis`, which reports what they find, and
:mod:`unskew.resampling`, whose filters drop it: a building block must not depend on a
user-facing feature, and a filter must remove exactly the rows the diagnosis names.
"""

from ._label_issues import confident_issues, out_of_fold_probabilities
from ._outliers import MIN_CLASS_ROWS, centre_distances, find_outliers, robust_z

__all__ = [
    "MIN_CLASS_ROWS",
    "centre_distances",
    "confident_issues",
    "find_outliers",
    "out_of_fold_probabilities",
    "robust_z",
]
