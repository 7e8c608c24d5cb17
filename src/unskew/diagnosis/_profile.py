"""The :class:`Profile` that :func:`~unskew.diagnosis.diagnose` returns."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._duplicates import DuplicateReport
from ._label_issues import LabelIssueReport
from ._outliers import OutlierReport
from ._text import TextReport

CHECKS = ("overlap", "outliers", "label_issues", "duplicates")


@dataclass(frozen=True, repr=False)
class Profile:
    """What :func:`~unskew.diagnosis.diagnose` found about a labelled dataset.

    A plain result object: every number is an attribute, :meth:`to_dict` / :meth:`to_json` save
    it, and :meth:`summary` (also ``str(profile)``) and :meth:`to_rich` render it. Per-class
    attributes are dicts keyed by the original labels, most common class first. The attributes
    of a check that was not run (see ``checks``) are ``None``.

    Attributes
    ----------
    name : str
        The dataset's name.
    n_samples, n_features : int
        Rows and feature columns (before encoding).
    feature_types : dict
        ``{column: "numeric" | "categorical" | "text" | "datetime"}``.
    class_counts : dict
        ``{class: rows}``, most common first.
    imbalance_ratio : float
        Rows of the largest class divided by rows of the smallest.
    buckets : dict
        ``{class: "head" | "medium" | "tail"}``: head has more than ``head_min`` rows, tail fewer
        than ``tail_max``.
    head_min, tail_max : int
        The bucket cut-offs used.
    n_rows_checked : int
        Rows the neighbour and model checks (overlap, label issues) ran on: all rows, or a
        stratified sample of at most ``max_rows`` in which small classes are kept whole. Every
        other check uses all rows.
    overlap : dict or None
        ``{class: mean share of a row's n_neighbors nearest neighbours that belong to other
        classes}`` in the preprocessed, scaled feature space (0: separated, near 1: buried).
    overlap_mean : float or None
        The same share averaged over all rows.
    outliers : OutlierReport or None
        Per-class IsolationForest and centre-distance outliers (on all rows).
    label_issues : LabelIssueReport or None
        Suspected label errors (confident learning on out-of-fold probabilities).
    duplicates : DuplicateReport or None
        Repeated feature rows and those with conflicting labels (on all rows).
    text : dict or None
        ``{column: TextReport}`` for each text column (the first five): per-class length and
        vocabulary, and identical or nearly identical texts with conflicting labels. None when
        the table has no text column.
    warnings : tuple of DiagnosisWarning
        Concrete problems and what to do about them.
    timings : dict
        ``{step: seconds}``.
    settings : dict
        The parameters :func:`~unskew.diagnosis.diagnose` ran with.

    Examples
    --------
    >>> from unskew.diagnosis import diagnose
    >>> profile = diagnose("binary:yeast4", random_state=0)
    >>> profile.class_counts
    {'negative': 1433, 'positive': 51}
    >>> profile.buckets
    {'negative': 'head', 'positive': 'medium'}
    >>> profile
    Profile(name='yeast4', n_samples=1484, n_classes=2, imbalance_ratio=28.1, n_warnings=...)
    >>> profile.overlap["positive"] > profile.overlap["negative"]
    True
    """

    name: str
    n_samples: int
    n_features: int
    feature_types: dict
    class_counts: dict
    imbalance_ratio: float
    buckets: dict
    head_min: int
    tail_max: int
    n_rows_checked: int
    overlap: dict | None = None
    overlap_mean: float | None = None
    outliers: OutlierReport | None = None
    label_issues: LabelIssueReport | None = None
    duplicates: DuplicateReport | None = None
    text: dict[str, TextReport] | None = None
    warnings: tuple = ()
    timings: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"Profile(name={self.name!r}, n_samples={self.n_samples}, "
                f"n_classes={self.n_classes}, imbalance_ratio={self.imbalance_ratio:.3g}, "
                f"n_warnings={len(self.warnings)})")

    @property
    def n_classes(self) -> int:
        """Number of classes.

        Examples
        --------
        >>> from unskew.diagnosis import diagnose
        >>> diagnose("multiclass:ecoli", checks=()).n_classes
        8
        """
        return len(self.class_counts)

    @property
    def subsampled(self) -> bool:
        """Whether the neighbour and model checks ran on a sample of the rows.

        Examples
        --------
        >>> from unskew.diagnosis import diagnose
        >>> diagnose("binary:yeast4", checks=("overlap",), max_rows=500).subsampled
        True
        >>> diagnose("binary:yeast4", checks=("overlap",)).subsampled
        False
        """
        return self.n_rows_checked < self.n_samples

    def to_frame(self) -> pd.DataFrame:
        """One row per class: count, share, bucket and what each check found.

        Returns
        -------
        pandas.DataFrame
            Indexed by class, most common first. Columns of checks that did not run are left
            out.

        Examples
        --------
        >>> from unskew.diagnosis import diagnose
        >>> table = diagnose("binary:yeast4", checks=("overlap",), random_state=0).to_frame()
        >>> list(table.columns)
        ['count', 'share', 'bucket', 'overlap']
        >>> int(table.loc["positive", "count"])
        51
        """
        records = self._class_records()
        index = pd.Index([r.pop("class") for r in records], name="class", tupleize_cols=False)
        return pd.DataFrame.from_records(records, index=index)

    def _class_records(self) -> list[dict]:
        records = []
        for c, count in self.class_counts.items():
            record = {"class": c, "count": count, "share": count / self.n_samples,
                      "bucket": self.buckets[c]}
            if self.overlap is not None:
                record["overlap"] = self.overlap[c]
            if self.outliers is not None:
                for key in ("isolation_forest", "centroid", "both"):
                    record[f"outliers_{key}"] = getattr(self.outliers, key)[c]
            if self.label_issues is not None:
                record["label_issues"] = self.label_issues.by_class[c]
            records.append(record)
        return records

    def to_dict(self) -> dict:
        """Everything in the profile as JSON-ready Python values.

        Labels keep their value when they are ``str``, ``int``, ``float`` or ``bool`` (numpy
        scalars become Python ones) and become ``str`` otherwise. ``class_counts`` maps labels to
        counts (JSON turns its keys into strings); ``classes`` holds one record per class whose
        ``"label"`` keeps the label's own type.

        Returns
        -------
        dict

        Examples
        --------
        >>> import json
        >>> from unskew.diagnosis import diagnose
        >>> d = diagnose("binary:yeast4", random_state=0).to_dict()
        >>> d["classes"][1]["label"], d["classes"][1]["count"], d["classes"][1]["bucket"]
        ('positive', 51, 'medium')
        >>> json.loads(json.dumps(d))["class_counts"]
        {'negative': 1433, 'positive': 51}
        """
        records = [
            {"label": _label(r.pop("class")), **{k: _plain(v) for k, v in r.items()}}
            for r in self._class_records()
        ]
        out = {
            "name": self.name,
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "n_classes": self.n_classes,
            "feature_types": dict(self.feature_types),
            "class_counts": {_label(c): int(n) for c, n in self.class_counts.items()},
            "imbalance_ratio": _plain(self.imbalance_ratio),
            "head_min": self.head_min,
            "tail_max": self.tail_max,
            "n_rows_checked": self.n_rows_checked,
            "classes": records,
            "overlap_mean": _plain(self.overlap_mean),
            "outliers": None,
            "label_issues": None,
            "duplicates": None,
            "text": None,
            "warnings": [
                {"code": w.code, "message": w.message, "classes": [_label(c) for c in w.classes],
                 "columns": list(w.columns)}
                for w in self.warnings
            ],
            "timings": {k: round(float(v), 4) for k, v in self.timings.items()},
            "settings": {k: _plain(v) for k, v in self.settings.items()},
        }
        if self.outliers is not None:
            out["outliers"] = {
                "z_threshold": self.outliers.z_threshold,
                "max_listed": self.outliers.max_listed,
                "rows": [{"label": _label(c), "rows": [int(r) for r in rows]}
                         for c, rows in self.outliers.rows.items()],
            }
        if self.label_issues is not None:
            report = self.label_issues
            out["label_issues"] = {
                "n_issues": report.n_issues,
                "rate": report.rate,
                "n_folds": report.n_folds,
                "model": report.model,
                "max_listed": report.max_listed,
                "thresholds": [{"label": _label(c), "threshold": _plain(t)}
                               for c, t in report.thresholds.items()],
                "issues": [
                    {"row": i.row, "label": _label(i.label), "suggested": _label(i.suggested),
                     "confidence": _plain(i.confidence),
                     "label_probability": _plain(i.label_probability)}
                    for i in report.issues
                ],
            }
        if self.duplicates is not None:
            dup = self.duplicates
            out["duplicates"] = {
                "n_duplicate_rows": dup.n_duplicate_rows,
                "n_conflict_groups": dup.n_conflict_groups,
                "n_conflict_rows": dup.n_conflict_rows,
                "examples": [list(group) for group in dup.examples],
            }
        if self.text is not None:
            out["text"] = [_text_dict(report) for report in self.text.values()]
        return out

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        """Serialise :meth:`to_dict` as JSON, and write it to ``path`` when given.

        Parameters
        ----------
        path : str or path-like, optional
            File to write (UTF-8). The JSON is returned either way.
        indent : int or None, default=2
            Passed to :func:`json.dumps`.

        Returns
        -------
        str

        Examples
        --------
        >>> import json
        >>> from unskew.diagnosis import diagnose
        >>> text = diagnose("binary:yeast4", checks=(), random_state=0).to_json()
        >>> json.loads(text)["n_samples"]
        1484
        """
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def summary(self) -> str:
        """A plain-text report: header, class table, warnings and timings.

        Examples
        --------
        >>> from unskew.diagnosis import diagnose
        >>> text = diagnose("binary:yeast4", random_state=0).summary()
        >>> print(text.splitlines()[0])
        yeast4: 1,484 rows, 8 features (8 numeric), 2 classes, imbalance ratio 28.1:1
        """
        from ._render import render_text

        return render_text(self)

    def __str__(self) -> str:
        return self.summary()

    def to_rich(self):
        """Rich renderables for a terminal: a header, the class table, then the warnings.

        Returns
        -------
        rich.console.Group
            Print it with ``rich.console.Console().print(profile.to_rich())``.

        Examples
        --------
        >>> import io
        >>> from rich.console import Console
        >>> from unskew.diagnosis import diagnose
        >>> console = Console(width=120, record=True, file=io.StringIO())
        >>> console.print(diagnose("binary:yeast4", random_state=0).to_rich())
        >>> "positive" in console.export_text()
        True
        """
        from ._render import render_rich

        return render_rich(self)


def _text_dict(report: TextReport) -> dict:
    """One text column's section: a record per class, then the conflict groups."""
    conflict_keys = ("n_exact_groups", "n_exact_rows", "n_near_groups", "n_near_rows")
    return {
        "column": report.column,
        "n_empty": report.n_empty,
        "empty_share": _plain(report.empty_share),
        "classes": [{"label": _label(c), **{k: _plain(v) for k, v in vars(stats).items()}}
                    for c, stats in report.by_class.items()],
        **{k: getattr(report, k) for k in conflict_keys},
        "exact": [_conflict_dict(g) for g in report.exact],
        "near": [_conflict_dict(g) for g in report.near],
        "near_threshold": report.near_threshold,
        "near_texts": report.near_texts,
        "near_pairs_checked": report.near_pairs_checked,
        "near_truncated": report.near_truncated,
        "max_listed": report.max_listed,
    }


def _conflict_dict(group) -> dict:
    return {"kind": group.kind, "n_rows": group.n_rows,
            "classes": [_label(c) for c in group.classes], "rows": list(group.rows),
            "labels": [_label(c) for c in group.labels], "texts": list(group.texts),
            "similarity": _plain(group.similarity)}


def _label(value):
    """A label as a JSON-ready value that keeps its type when JSON has one."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return str(value)


def _plain(value):
    """Numbers and containers as JSON-ready Python values (NaN -> None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
