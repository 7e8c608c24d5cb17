"""The frozen result of :func:`unskew.compare`; the report and the CLI only read it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


@dataclass(frozen=True, eq=False)
class CompareResult:
    """What ``compare`` found: the leaderboard, the winner and how sure we are.

    Attributes
    ----------
    leaderboard : pandas.DataFrame
        One row per strategy, best first: ``rank``, ``strategy``, the selection metric's mean
        with its 95% corrected-t interval (``<metric>_low``, ``<metric>_high``), ``p_vs_best``
        (corrected resampled t-test against the winner), every other metric with its interval,
        ``status`` ("ok", "partial", "failed") and the first ``error``.
    fold_scores : pandas.DataFrame
        Every (strategy, repeat, fold) task with its scores, status and times.
    best_ : str
        Name of the winning strategy.
    best_estimator_ : estimator
        The winner refitted on all rows.
    honest : dict
        The winner's score measured on data the selection never saw: ``method``
        ("holdout" or "unavailable"), ``metric``, ``mean``, ``low``, ``high``, ``n_rows`` and a
        sentence ``note``. The leaderboard's top score is optimistic (it is the maximum of many
        noisy estimates); this one is not.
    settings : dict
        Metric, folds, repeats, seed, preset, strategies, groups/time columns, command.
    dataset : dict
        Name, hash, size, class counts, feature types.
    profile : object
        The :class:`~unskew.diagnosis.Profile` of the data (or None).
    oof : dict
        ``{strategy: (n_samples, n_classes) probabilities}`` out of fold (first repeat) for the
        top strategies, with ``y`` and ``classes`` to evaluate them (report curves).
    examples : list of dict
        On a table with text: misclassified rows of the rarest classes, out of fold for the
        winner, each ``{"row", "column", "text", "true", "predicted", "confidence"}``
        (``row`` counts selection rows from 0), at most a few per class.

    Examples
    --------
    >>> import unskew
    >>> result = unskew.compare("binary:yeast4", strategies=["none+lr", "weighted+lr"],
    ...                         folds=3, repeats=1, diagnose=False, progress=False)
    >>> list(result.leaderboard.columns[:5])
    ['rank', 'strategy', 'macro_f1', 'macro_f1_low', 'macro_f1_high']
    >>> result.to_dict()["best"] == result.best_
    True
    """

    leaderboard: pd.DataFrame
    fold_scores: pd.DataFrame
    best_: str
    best_estimator_: object
    honest: dict
    settings: dict
    dataset: dict
    classes: list
    y: np.ndarray = field(repr=False)
    oof: dict = field(default_factory=dict, repr=False)
    profile: object = field(default=None, repr=False)
    warnings: list = field(default_factory=list)
    versions: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    examples: list = field(default_factory=list)

    def __repr__(self) -> str:
        metric = self.settings["metric"]
        top = self.leaderboard.iloc[0]
        return (f"CompareResult(dataset={self.dataset['name']!r}, strategies="
                f"{len(self.leaderboard)}, best={self.best_!r}, {metric}={top[metric]:.3f} "
                f"[{top[metric + '_low']:.3f}, {top[metric + '_high']:.3f}])")

    def to_dict(self) -> dict:
        """A JSON-ready dict of everything but the fitted estimator and the raw predictions."""
        return _jsonable({
            "best": self.best_,
            "honest": self.honest,
            "settings": self.settings,
            "dataset": self.dataset,
            "classes": [c if isinstance(c, int | str) else str(c) for c in self.classes],
            "leaderboard": self.leaderboard.to_dict(orient="records"),
            "fold_scores": self.fold_scores.to_dict(orient="records"),
            "warnings": list(self.warnings),
            "versions": self.versions,
            "timings": self.timings,
            "examples": list(self.examples),
            "profile": self.profile.to_dict() if hasattr(self.profile, "to_dict") else None,
        })

    def to_json(self, path=None, *, indent: int = 2) -> str:
        """Serialise :meth:`to_dict`; also write it to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent, default=str)
        if path is not None:
            Path(path).write_text(text)
        return text

    def to_html(self, path=None) -> str:
        """Render the self-contained HTML report; also write it to ``path`` when given."""
        from ..report import render_html

        html = render_html(self)
        if path is not None:
            Path(path).write_text(html, encoding="utf-8")
        return html
