"""Prior-corrected softmax losses: logit adjustment (Menon et al., ICLR 2021) and balanced
softmax (Ren et al., NeurIPS 2020)."""

from __future__ import annotations

import torch

from .._utils._validation import check_number
from ._base import _ImbalanceLoss
from ._validation import (
    check_class_target,
    check_ignore_index,
    check_reduction,
    class_vector,
    counts_array,
    reduce_rows,
    target_log_prob,
)


def _shifted_ce(logits, target, offsets_of, *, weight, reduction, ignore_index, func):
    """Cross-entropy of ``logits + offsets`` (``offsets_of(logits)`` gives the (C,) offsets)."""
    check_reduction(reduction, func)
    ignore_index = check_ignore_index(ignore_index, func)
    logits, target, valid = check_class_target(logits, target, func, ignore_index)
    offsets = offsets_of(logits)
    weight_t = None if weight is None else class_vector(weight, "weight", func, logits)[target]
    loss = -target_log_prob(logits + offsets, target)
    if weight_t is not None:
        loss = loss * weight_t
    return reduce_rows(loss.masked_fill(~valid, 0.0), valid, reduction, weight_t)


def logit_adjusted_loss(logits, target, class_priors, *, tau=1.0, weight=None, reduction="mean",
                        ignore_index=-100):
    r"""Logit-adjusted cross-entropy of Menon et al., "Long-tail learning via logit adjustment", ICLR 2021.

    .. math:: L_i = -\log \frac{e^{z_{i, y} + \tau \log \pi_y}}{\sum_j e^{z_{i, j} + \tau \log \pi_j}}

    Training with the prior added makes the raw logits ``z`` estimate the balanced
    (prior-free) posterior, so predict with ``z.argmax(1)`` unchanged. ``tau=0`` is plain
    cross-entropy and ``tau=1`` is the paper's default. Scaling the priors by a constant
    changes nothing.

    Parameters
    ----------
    logits : Tensor of shape (N, C)
    target : Tensor of shape (N,)
        Integer class indices in ``[0, C)``, or ``ignore_index``.
    class_priors : sequence / Tensor of shape (C,)
        Training class frequencies :math:`\pi` (``counts / counts.sum()``), every one > 0.
    tau : float >= 0, default=1.0
        Strength of the adjustment.
    weight : sequence / Tensor of shape (C,), optional
        Per-class weight as in torch's cross-entropy.
    reduction : {"none", "mean", "sum"}, default="mean"
    ignore_index : int, default=-100

    Returns
    -------
    Tensor
        A scalar, or shape (N,) for ``reduction="none"``.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import logit_adjusted_loss
    >>> logits, target = torch.tensor([[1.0, 1.0]]), torch.tensor([1])
    >>> logit_adjusted_loss(logits, target, [0.9, 0.1])  # log(1 + 0.9 / 0.1)
    tensor(2.3026)
    """
    func = "logit_adjusted_loss"
    tau = check_number(tau, "tau", func, low=0)

    def offsets(z):
        return tau * torch.log(class_vector(class_priors, "class_priors", func, z, positive=True))

    return _shifted_ce(logits, target, offsets, weight=weight, reduction=reduction,
                       ignore_index=ignore_index, func=func)


def balanced_softmax_loss(logits, target, class_counts, *, weight=None, reduction="mean",
                          ignore_index=-100):
    r"""Balanced softmax cross-entropy of Ren et al., "Balanced Meta-Softmax", NeurIPS 2020.

    .. math:: L_i = -\log \frac{n_y e^{z_{i, y}}}{\sum_j n_j e^{z_{i, j}}}

    the softmax re-weighted by the class counts, equal to :func:`logit_adjusted_loss` with
    ``tau=1`` (the counts are the priors up to a constant). Predict with the raw logits.

    Parameters
    ----------
    logits : Tensor of shape (N, C)
    target : Tensor of shape (N,)
        Integer class indices in ``[0, C)``, or ``ignore_index``.
    class_counts : sequence / Tensor of shape (C,)
        Training rows per class, every one > 0.
    weight, reduction, ignore_index
        As in :func:`logit_adjusted_loss`.

    Returns
    -------
    Tensor
        A scalar, or shape (N,) for ``reduction="none"``.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import balanced_softmax_loss
    >>> balanced_softmax_loss(torch.tensor([[1.0, 1.0]]), torch.tensor([1]), [90, 10])
    tensor(2.3026)
    """
    func = "balanced_softmax_loss"

    def offsets(z):
        return torch.log(class_vector(class_counts, "class_counts", func, z, positive=True))

    return _shifted_ce(logits, target, offsets, weight=weight, reduction=reduction,
                       ignore_index=ignore_index, func=func)


class LogitAdjustedLoss(_ImbalanceLoss):
    """Logit-adjusted cross-entropy as a module; see :func:`logit_adjusted_loss`.

    Parameters
    ----------
    class_counts : sequence of int
        Training rows per class; the priors ``counts / counts.sum()`` are held as a buffer.
    tau : float, default=1.0
    weight : sequence of float, optional
    reduction : {"none", "mean", "sum"}, default="mean"
    ignore_index : int, default=-100

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import LogitAdjustedLoss
    >>> criterion = LogitAdjustedLoss([900, 100], tau=1.0)
    >>> criterion.class_priors
    tensor([0.9000, 0.1000])
    >>> criterion(torch.tensor([[1.0, 1.0]]), torch.tensor([1]))
    tensor(2.3026)
    """

    def __init__(self, class_counts, tau: float = 1.0, weight=None, reduction: str = "mean",
                 ignore_index: int = -100):
        super().__init__()
        func = "LogitAdjustedLoss"
        counts = counts_array(class_counts, func)
        self.tau = check_number(tau, "tau", func, low=0)
        self.reduction = check_reduction(reduction, func)
        self.ignore_index = check_ignore_index(ignore_index, func)
        self._vector_buffer("class_priors", counts / counts.sum())
        self._vector_buffer("weight", weight)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return logit_adjusted_loss(logits, target, self.class_priors, tau=self.tau,
                                   weight=self.weight, reduction=self.reduction,
                                   ignore_index=self.ignore_index)


class BalancedSoftmaxLoss(_ImbalanceLoss):
    """Balanced softmax cross-entropy as a module; see :func:`balanced_softmax_loss`.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import BalancedSoftmaxLoss
    >>> criterion = BalancedSoftmaxLoss([900, 100])
    >>> criterion(torch.tensor([[1.0, 1.0]]), torch.tensor([1]))
    tensor(2.3026)
    """

    def __init__(self, class_counts, weight=None, reduction: str = "mean",
                 ignore_index: int = -100):
        super().__init__()
        func = "BalancedSoftmaxLoss"
        counts = counts_array(class_counts, func)
        self.reduction = check_reduction(reduction, func)
        self.ignore_index = check_ignore_index(ignore_index, func)
        self._vector_buffer("class_counts", counts)
        self._vector_buffer("weight", weight)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return balanced_softmax_loss(logits, target, self.class_counts, weight=self.weight,
                                     reduction=self.reduction, ignore_index=self.ignore_index)
