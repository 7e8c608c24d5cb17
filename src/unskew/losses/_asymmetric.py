"""Asymmetric loss for multi-label classification: Ridnik et al., ICCV 2021."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .._utils._validation import check_number
from ._base import _ImbalanceLoss
from ._validation import (
    check_binary_target,
    check_logits,
    check_reduction,
    modulating_factor,
)


def asymmetric_loss(logits, targets, *, gamma_pos=1.0, gamma_neg=4.0, clip=0.05, eps=1e-8,
                    reduction="mean"):
    r"""Asymmetric loss (ASL) of Ridnik et al., "Asymmetric Loss For Multi-Label Classification", ICCV 2021.

    With :math:`p = \sigma(z)` and the shifted probability :math:`p_m = \max(p - m, 0)`:

    .. math::

        L = -y\, (1 - p)^{\gamma_+} \log p \;-\; (1 - y)\, p_m^{\gamma_-} \log (1 - p_m)

    Negatives are focused harder (``gamma_neg > gamma_pos``) and the easiest ones, with
    :math:`p < m`, are discarded entirely by the probability shift (``clip`` = m), which also
    rejects likely mislabelled negatives. :math:`\log p` comes from ``logsigmoid``; with
    ``clip=0``, :math:`\log(1 - p)` does too.

    Parameters
    ----------
    logits : Tensor of shape (N, C) (or (N,))
        One logit per label.
    targets : Tensor of the shape of ``logits``
        The {0, 1} label indicator matrix.
    gamma_pos : float >= 0, default=1.0
        Focusing of the positive terms (the paper's 1 in the reference code's defaults).
    gamma_neg : float >= 0, default=4.0
        Focusing of the negative terms.
    clip : float in [0, 1), default=0.05
        Probability margin m of the negatives; ``0`` turns the shift off.
    eps : float in [0, 1), default=1e-8
        Floor of the probabilities inside the logs, as in the reference code (a positive
        with :math:`p < \epsilon` then contributes :math:`-\log \epsilon` and no gradient);
        ``eps=0`` keeps the exact log-space loss and its gradient for any logit.
    reduction : {"none", "mean", "sum"}, default="mean"
        ``"mean"`` averages over all N x C entries, like
        :func:`torch.nn.functional.binary_cross_entropy_with_logits` (so ``gamma_pos =
        gamma_neg = clip = eps = 0`` gives exactly that); the authors' code returns the
        ``"sum"``.

    Returns
    -------
    Tensor
        A scalar, or the shape of ``logits`` for ``reduction="none"``.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import asymmetric_loss
    >>> logits = torch.tensor([[2.0, -3.0, -1.0]])
    >>> targets = torch.tensor([[1, 0, 0]])
    >>> asymmetric_loss(logits, targets, reduction="none")  # the 2nd has p < clip: ignored
    tensor([[0.0151, 0.0000, 0.0006]])
    """
    func = "asymmetric_loss"
    check_reduction(reduction, func)
    gamma_pos = check_number(gamma_pos, "gamma_pos", func, low=0)
    gamma_neg = check_number(gamma_neg, "gamma_neg", func, low=0)
    clip = check_number(clip, "clip", func, low=0, high=1, high_open=True)
    eps = check_number(eps, "eps", func, low=0, high=1, high_open=True)
    check_logits(logits, func, ndim=(1, 2))
    y = check_binary_target(logits, targets, func)

    log_p = F.logsigmoid(logits)
    if clip > 0:
        # 1 - p_m = min(1 - p + m, 1) >= m, so its log is finite
        log_q = torch.log((torch.sigmoid(-logits) + clip).clamp(max=1.0))
        neg_focus = modulating_factor((torch.sigmoid(logits) - clip).clamp(min=0.0), gamma_neg)
    else:
        log_q = F.logsigmoid(-logits)
        neg_focus = torch.exp(gamma_neg * log_p)  # p ** gamma_neg
    if eps > 0:
        floor = math.log(eps)
        log_p, log_q = log_p.clamp(min=floor), log_q.clamp(min=floor)
    pos_focus = torch.exp(gamma_pos * F.logsigmoid(-logits))  # (1 - p) ** gamma_pos
    loss = -(y * pos_focus * log_p) - (1.0 - y) * neg_focus * log_q
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


class AsymmetricLoss(_ImbalanceLoss):
    """Asymmetric multi-label loss as a module; see :func:`asymmetric_loss`.

    Parameters
    ----------
    gamma_pos : float, default=1.0
    gamma_neg : float, default=4.0
    clip : float, default=0.05
    eps : float, default=1e-8
    reduction : {"none", "mean", "sum"}, default="mean"

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import AsymmetricLoss
    >>> criterion = AsymmetricLoss()
    >>> round(criterion(torch.tensor([[2.0, -3.0, -1.0]]), torch.tensor([[1, 0, 0]])).item(), 5)
    0.00523
    """

    def __init__(self, gamma_pos: float = 1.0, gamma_neg: float = 4.0, clip: float = 0.05,
                 eps: float = 1e-8, reduction: str = "mean"):
        super().__init__()
        func = "AsymmetricLoss"
        self.gamma_pos = check_number(gamma_pos, "gamma_pos", func, low=0)
        self.gamma_neg = check_number(gamma_neg, "gamma_neg", func, low=0)
        self.clip = check_number(clip, "clip", func, low=0, high=1, high_open=True)
        self.eps = check_number(eps, "eps", func, low=0, high=1, high_open=True)
        self.reduction = check_reduction(reduction, func)

    def forward(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return asymmetric_loss(logits, targets, gamma_pos=self.gamma_pos,
                               gamma_neg=self.gamma_neg, clip=self.clip, eps=self.eps,
                               reduction=self.reduction)
