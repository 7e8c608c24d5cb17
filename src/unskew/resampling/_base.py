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

from .._utils._validation import check_sample_weight

__all__ = ["check_sample_weight"]
