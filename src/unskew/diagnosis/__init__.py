"""Profile a labelled dataset before learning from it: imbalance, overlap, outliers, label noise.

:func:`diagnose` returns a :class:`Profile`: class counts and head / medium / tail buckets,
per-class overlap, outliers, suspected label errors and conflicting duplicates, for each text
column a :class:`TextReport` (per-class length and vocabulary, identical and nearly identical
texts with different labels), plus concrete :class:`DiagnosisWarning` records (a class too
small for SMOTE or for the folds, constant columns, missing values, ...). The package is named ``diagnosis`` so that importing it never
shadows the function ``unskew.diagnose``.

Examples
--------
>>> from unskew.diagnosis import diagnose
>>> profile = diagnose("binary:yeast4", random_state=0)
>>> profile.n_samples, profile.n_classes
(1484, 2)
"""

from ._columns import SuspectColumn, suspect_columns
from ._diagnose import diagnose
from ._duplicates import DuplicateReport
from ._label_issues import LabelIssue, LabelIssueReport
from ._outliers import OutlierReport
from ._profile import CHECKS, Profile
from ._text import TextClassStats, TextConflict, TextReport
from ._warnings import WARNING_CODES, DiagnosisWarning

__all__ = [
    "CHECKS",
    "WARNING_CODES",
    "DiagnosisWarning",
    "DuplicateReport",
    "LabelIssue",
    "LabelIssueReport",
    "OutlierReport",
    "Profile",
    "SuspectColumn",
    "TextClassStats",
    "TextConflict",
    "TextReport",
    "diagnose",
    "suspect_columns",
]
