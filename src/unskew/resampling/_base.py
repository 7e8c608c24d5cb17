"""What every unskew resampler shares: carrying ``sample_weight`` through ``fit_resample``.

Resamplers subclass imbalanced-learn's public bases (``BaseOverSampler``, ``BaseUnderSampler``,
``BaseCleaningSampler``), whose ``fit_resample(X, y, **params)`` validates X and y, resolves
``sampling_strategy_`` and passes ``params`` to ``_fit_resample``. Ours accept
``sample_weight=None``: without it they return ``(X_res, y_res)``; with it
``(X_res, y_res, sample_weight_res)``. The weight rule, documented in each class:

- original rows keep their weight (a kept row, or a copy of a row, carries the row's weight);
- a synthetic row interpolated as ``x_i + gap * (x_j - x_i)`` gets
  ``w_i + gap * (w_j - w_i)``, the same interpolation of its parents' weights.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import DataError

__all__ = ["check_sample_weight"]


def check_sample_weight(sample_weight, n_samples: int, owner: str) -> np.ndarray | None:
    """Validate ``sample_weight`` for ``n_samples`` rows; None stays None.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative finite weights.
    n_samples : int
        Rows of X.
    owner : str
        The resampler's class name, for the message.

    Returns
    -------
    ndarray of float64 or None

    Examples
    --------
    >>> from unskew.resampling._base import check_sample_weight
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
