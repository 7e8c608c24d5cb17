"""What every unskew resampler shares: validated parameters, ``sample_weight`` carried through.

Resamplers subclass imbalanced-learn's public bases (``BaseOverSampler``, ``BaseUnderSampler``,
``BaseCleaningSampler``), whose ``fit_resample(X, y, **params)`` validates the parameters
(``_validate_params``), X and y, resolves ``sampling_strategy_`` and passes ``params`` to
``_fit_resample``. :class:`ResamplerParamsMixin` makes that validation unskew's. Ours accept
``sample_weight=None``: without it they return ``(X_res, y_res)``; with it
``(X_res, y_res, sample_weight_res)``. The weight rule, documented in each class:

- original rows keep their weight (a kept row, or a copy of a row, carries the row's weight);
- a synthetic row interpolated as ``x_i + gap * (x_j - x_i)`` gets
  ``w_i + gap * (w_j - w_i)``, the same interpolation of its parents' weights.
"""

from __future__ import annotations

from .._utils._validation import ParamsValidationMixin, check_sample_weight

__all__ = ["ResamplerParamsMixin", "check_sample_weight"]


class ResamplerParamsMixin(ParamsValidationMixin):
    """Parameter validation of the resamplers: declared constraints, unskew's template.

    imbalanced-learn's ``fit_resample`` validates the parameters unless it runs inside another
    resampler's ``fit_resample`` (SMOTE-ENN's SMOTE, :class:`AdaptiveNeighbors`' wrapped
    resampler), where scikit-learn skips nested validation; ours are validated there too, as
    their hand-written checks were before they became constraints.
    """

    def fit_resample(self, X, y, **params):
        """Validate the parameters, then resample ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            The rows to resample.
        y : array-like of shape (n_samples,)
            Their labels.
        **params : dict
            ``sample_weight=w`` to have the weights resampled too.

        Returns
        -------
        X_resampled, y_resampled : the input types
            The resampled rows and labels.
        sample_weight_resampled : ndarray of shape (n_samples_new,)
            Only when ``sample_weight`` is given.
        """
        self._validate_params()
        return super().fit_resample(X, y, **params)
