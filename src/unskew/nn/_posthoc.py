"""Post-hoc corrections of a trained classifier: logit adjustment and tau-normalisation."""

from __future__ import annotations

import numbers

import numpy as np
import torch
from torch import nn

from ..exceptions import DataError


def _check_tau(tau) -> float:
    if isinstance(tau, bool) or not isinstance(tau, numbers.Real) or not np.isfinite(tau):
        raise ValueError(f"tau must be a finite real number, got {tau!r}")
    return float(tau)


def logit_adjust(logits, class_priors, tau: float = 1.0):
    """Subtract ``tau * log(prior)`` from each class's logit (Menon et al., ICLR 2021).

    A model trained on skewed data learns ``log p(y | x)``, which carries the training prior
    ``pi_y``; subtracting ``tau * log(pi_y)`` at prediction time approximately targets the
    balanced error (``tau = 1`` is the Bayes-optimal correction for a calibrated model).

    Parameters
    ----------
    logits : Tensor or ndarray of shape (n_samples, n_classes)
        Raw scores (not probabilities).
    class_priors : Tensor or array-like of shape (n_classes,)
        Training class priors (or counts: they are normalised to sum to 1), every one > 0.
    tau : float, default=1.0
        Strength of the adjustment; ``0`` returns the logits unchanged.

    Returns
    -------
    Tensor or ndarray
        ``logits - tau * log(class_priors / class_priors.sum())``, of the type of ``logits``.

    Raises
    ------
    DataError
        If a prior is not positive and finite, or the shapes do not match.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.nn import logit_adjust
    >>> logit_adjust(np.array([[2.0, 1.0]]), [0.9, 0.1]).round(3)
    array([[2.105, 3.303]])
    """
    tau = _check_tau(tau)
    is_tensor = isinstance(logits, torch.Tensor)
    priors = class_priors.detach().cpu().numpy() if isinstance(class_priors, torch.Tensor) \
        else np.asarray(class_priors)
    priors = priors.astype(np.float64)
    n_classes = logits.shape[-1] if logits.ndim else 0
    if priors.ndim != 1 or logits.ndim != 2 or priors.shape[0] != n_classes:
        raise DataError(
            f"logit_adjust needs logits of shape (n_samples, n_classes) and class_priors of shape "
            f"(n_classes,); got logits {tuple(logits.shape)} and class_priors {priors.shape}"
        )
    if not np.all(np.isfinite(priors)) or (priors <= 0).any():
        raise DataError(
            f"class_priors must be finite and > 0 (a class without training rows has no prior to "
            f"remove), got {priors.tolist()[:10]}"
        )
    shift = tau * np.log(priors / priors.sum())
    if is_tensor:
        return logits - torch.as_tensor(shift, dtype=logits.dtype, device=logits.device)
    logits = np.asarray(logits)
    return logits - shift.astype(np.result_type(logits.dtype, np.float32), copy=False)


def tau_normalize(weight: torch.Tensor, tau: float = 1.0) -> torch.Tensor:
    """Rescale each class's weight vector to ``W_j / ||W_j|| ** tau`` (Kang et al., ICLR 2020).

    Classifier weights of frequent classes grow larger norms under skewed training;
    tau-normalisation shrinks that bias after training. ``tau = 0`` leaves ``W`` unchanged and
    ``tau = 1`` gives unit-norm rows. Rows of norm 0 are left at 0.

    Parameters
    ----------
    weight : Tensor of shape (n_classes, n_features)
        The last layer's weight, one row per class (``nn.Linear.weight``).
    tau : float, default=1.0
        The normalisation strength, usually tuned in ``[0, 1]`` on validation data.

    Returns
    -------
    Tensor
        A new tensor of the same shape.

    Examples
    --------
    >>> import torch
    >>> from unskew.nn import tau_normalize
    >>> tau_normalize(torch.tensor([[3.0, 4.0], [0.0, 2.0]]))
    tensor([[0.6000, 0.8000],
            [0.0000, 1.0000]])
    """
    tau = _check_tau(tau)
    if not isinstance(weight, torch.Tensor) or weight.ndim != 2:
        shape = tuple(weight.shape) if hasattr(weight, "shape") else type(weight).__name__
        raise DataError(
            f"tau_normalize needs a 2-D weight tensor (n_classes, n_features), got {shape}"
        )
    norms = torch.linalg.vector_norm(weight, dim=1, keepdim=True)
    scale = torch.where(norms > 0, norms, torch.ones_like(norms)).pow(tau)
    return weight / scale


def tau_normalize_linear_(layer: nn.Linear, tau: float = 1.0) -> nn.Linear:
    """Tau-normalise an ``nn.Linear`` layer's weight in place; its bias is left as it is.

    Parameters
    ----------
    layer : nn.Linear
        The classifier layer (``out_features`` = number of classes).
    tau : float, default=1.0
        See :func:`tau_normalize`.

    Returns
    -------
    nn.Linear
        ``layer``, for chaining.

    Examples
    --------
    >>> import torch
    >>> from unskew.nn import tau_normalize_linear_
    >>> layer = torch.nn.Linear(4, 3)
    >>> _ = tau_normalize_linear_(layer, tau=1.0)
    >>> torch.linalg.vector_norm(layer.weight, dim=1).detach().round(decimals=4).tolist()
    [1.0, 1.0, 1.0]
    """
    if not isinstance(layer, nn.Linear):
        raise TypeError(
            f"tau_normalize_linear_ needs a torch.nn.Linear layer, got {type(layer).__name__}; "
            "for a plain weight tensor use tau_normalize"
        )
    with torch.no_grad():
        layer.weight.copy_(tau_normalize(layer.weight, tau))
    return layer
