"""The outlier section of a :class:`Profile`: what the per-class detectors found, as a report.

The detectors themselves live in :mod:`unskew._detect`, shared with
:class:`unskew.resampling.OutlierRemoval`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["OutlierReport"]


@dataclass(frozen=True)
class OutlierReport:
    """Rows that look unlike the rest of their own class.

    Two detectors run on each class separately, in the preprocessed (scaled, one-hot) feature
    space: an :class:`~sklearn.ensemble.IsolationForest` fitted on the class (256 rows per tree,
    the original paper's threshold ``contamination="auto"``), and the distance to the class's
    median point (the mean point for sparse features) turned into a robust z-score with the
    median and the median absolute deviation. Classes with fewer than 10 rows are not judged
    (their counts are ``None``).

    Attributes
    ----------
    isolation_forest : dict
        ``{class: rows flagged by the IsolationForest}``.
    centroid : dict
        ``{class: rows whose distance z-score exceeds z_threshold}``.
    both : dict
        ``{class: rows flagged by both detectors}``: the ones worth a look first.
    rows : dict
        ``{class: tuple of row positions flagged by both}``, farthest from the centre first, at
        most ``max_listed`` per class. Positions index ``Dataset.X`` (``X.iloc[rows]``).
    z_threshold : float
        The distance z-score above which a row is flagged.
    max_listed : int
        The cap on ``rows`` per class.

    Examples
    --------
    >>> from unskew.diagnosis import diagnose
    >>> report = diagnose("binary:yeast4", checks=("outliers",), random_state=0).outliers
    >>> list(report.both) == ["negative", "positive"]
    True
    >>> report.both["negative"] <= report.centroid["negative"]
    True
    """

    isolation_forest: dict
    centroid: dict
    both: dict
    rows: dict = field(repr=False)
    z_threshold: float = 3.0
    max_listed: int = 100

    @property
    def n_rows(self) -> int:
        """Rows flagged by both detectors, over all classes.

        Examples
        --------
        >>> from unskew.diagnosis import diagnose
        >>> profile = diagnose("binary:yeast4", checks=("outliers",), random_state=0)
        >>> profile.outliers.n_rows == sum(profile.outliers.both.values())
        True
        """
        return int(sum(v for v in self.both.values() if v is not None))
