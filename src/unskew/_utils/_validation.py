"""Input checks shared by rooms that do not depend on each other."""

from __future__ import annotations

import numpy as np

from ..exceptions import DataError


def check_sample_weight(sample_weight, n_samples: int, owner: str) -> np.ndarray | None:
    """Validate ``sample_weight`` for ``n_samples`` rows; None stays None.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative finite weights.
    n_samples : int
        Rows of X.
    owner : str
        The estimator's class name, for the message.

    Returns
    -------
    ndarray of float64 or None

    Examples
    --------
    >>> from unskew._utils._validation import check_sample_weight
    >>> check_sample_weight([1, 2], 2, "SMOTE").tolist()
    [1.0, 2.0]
    >>> check_sample_weight([1, -2], 2, "SMOTE")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: SMOTE: sample_weight must be finite and >= 0; row 1 has -2.0
    """
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim != 1 or w.shape[0] != n_samples:
        raise DataError(f"{owner}: sample_weight must have shape ({n_samples},) like y, "
                        f"got {w.shape}")
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        raise DataError(f"{owner}: sample_weight must be finite and >= 0; row {bad[0]} has "
                        f"{w[bad[0]]}")
    return w
