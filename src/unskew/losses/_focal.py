"""Focal losses: softmax (multi-class), sigmoid (binary / multi-label) and adaptive-gamma.

Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017; Mukhoti et al., "Calibrating
Deep Neural Networks using Focal Loss", NeurIPS 2020.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import torch
import torch.nn.functional as F

from .._utils._validation import check_number, parameter_error
from ._base import _ImbalanceLoss, as_module_scalar_or_vector
from ._validation import (
    check_binary_target,
    check_class_target,
    check_ignore_index,
    check_logits,
    check_reduction,
    class_vector,
    is_scalar,
    modulating_factor,
    reduce_rows,
    target_log_prob,
)


def _per_class_or_scalar(value, name, func, logits, target, *, low=0.0):
    """A float (checked) or a per-class vector gathered at ``target``; None stays None."""
    if value is None:
        return None
    if is_scalar(value):
        return check_number(value, name, func, low=low)
    return class_vector(value, name, func, logits)[target]


def _focal_from_log_prob(logpt, valid, gamma, alpha_t, weight_t, reduction):
    """Focal loss of rows with target log-probability ``logpt``: -a_t w_t (1 - p_t)^g log p_t."""
    # 1 - p_t as -expm1(log p_t): exact where p_t is close to 1, unlike 1 - exp(log p_t)
    loss = -modulating_factor(-torch.expm1(logpt), gamma) * logpt
    if alpha_t is not None:
        loss = loss * alpha_t
    if weight_t is not None:
        loss = loss * weight_t
    loss = loss.masked_fill(~valid, 0.0)
    return reduce_rows(loss, valid, reduction, weight_t)


def focal_loss(logits, target, *, alpha=None, gamma=2.0, reduction="mean",
               ignore_index=-100, weight=None):
    r"""Multi-class (softmax) focal loss of Lin et al., ICCV 2017.

    .. math:: \mathrm{FL}_i = -\alpha_{y_i} w_{y_i} (1 - p_{i, y_i})^{\gamma} \log p_{i, y_i}

    with :math:`p_i = \mathrm{softmax}(z_i)`, computed in log space (log-sum-exp, never ``log(softmax)``).

    Parameters
    ----------
    logits : Tensor of shape (N, C)
        Raw scores, never probabilities.
    target : Tensor of shape (N,)
        Integer class indices in ``[0, C)``, or ``ignore_index``.
    alpha : None, float or sequence / Tensor of shape (C,), default=None
        Balancing factor. A float multiplies every term (the scalar alpha of many
        implementations); a vector gives class ``c`` the factor ``alpha[c]``. Unlike ``weight``,
        alpha does not enter the ``"mean"`` denominator. kornia's ``focal_loss(alpha=a)`` weights
        class 0 by ``1 - a`` and every other class by ``a``: pass ``[1 - a, a, ..., a]`` for that.
    gamma : float >= 0 or sequence / Tensor of shape (C,), default=2.0
        Focusing parameter; ``gamma=0`` gives cross-entropy. A vector sets one gamma per class
        (e.g. larger for the rare classes).
    reduction : {"none", "mean", "sum"}, default="mean"
        ``"none"`` returns one loss per row (0 for ignored rows); ``"mean"`` averages over the
        rows that are not ignored, like :func:`torch.nn.functional.cross_entropy`.
    ignore_index : int, default=-100
        Rows with this target contribute nothing and leave the mean's denominator.
    weight : sequence / Tensor of shape (C,), optional
        Per-class weight as in torch's cross-entropy: with ``"mean"`` the weighted sum is
        divided by the sum of the weights of the rows' classes, so ``gamma=0`` equals
        ``F.cross_entropy(logits, target, weight=weight)``.

    Returns
    -------
    Tensor
        A scalar, or shape (N,) for ``reduction="none"``.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import focal_loss
    >>> logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.0]])
    >>> target = torch.tensor([0, 2])
    >>> focal_loss(logits, target, gamma=0.0) == torch.nn.functional.cross_entropy(logits, target)
    tensor(True)
    >>> focal_loss(logits, target, gamma=2.0, reduction="none")
    tensor([0.0041, 0.8584])
    """
    func = "focal_loss"
    check_reduction(reduction, func)
    ignore_index = check_ignore_index(ignore_index, func)
    logits, target, valid = check_class_target(logits, target, func, ignore_index)
    gamma_t = _per_class_or_scalar(gamma, "gamma", func, logits, target)
    alpha_t = _per_class_or_scalar(alpha, "alpha", func, logits, target)
    weight_t = None if weight is None else class_vector(weight, "weight", func, logits)[target]
    logpt = target_log_prob(logits, target)
    return _focal_from_log_prob(logpt, valid, gamma_t, alpha_t, weight_t, reduction)


def _check_schedule(thresholds, gammas, func):
    """Validate the adaptive-gamma schedule; return two plain tuples."""
    try:
        thr = tuple(thresholds)
        gam = tuple(gammas)
    except TypeError:
        raise TypeError(
            f"{func}: thresholds and gammas must be sequences, got {thresholds!r} and {gammas!r}"
        ) from None
    thr = tuple(check_number(t, "thresholds", func, low=0, high=1, low_open=True, high_open=True)
                for t in thr)
    gam = tuple(check_number(g, "gammas", func, low=0) for g in gam)
    if any(b <= a for a, b in pairwise(thr)):
        raise parameter_error(func, "thresholds", "strictly increasing", thresholds)
    if len(gam) != len(thr) + 1:
        raise ValueError(
            f"{func}: gammas needs one value per probability band, len(thresholds) + 1 = "
            f"{len(thr) + 1}, got {len(gam)} (thresholds={thr}, gammas={gam})"
        )
    return thr, gam


def adaptive_focal_loss(logits, target, *, thresholds=(0.2,), gammas=(5.0, 3.0), alpha=None,
                        weight=None, reduction="mean", ignore_index=-100):
    r"""Focal loss whose gamma is chosen per sample from its current confidence (FLSD).

    Mukhoti et al., "Calibrating Deep Neural Networks using Focal Loss", NeurIPS 2020: the
    sample-dependent focal loss FLSD-53 uses :math:`\gamma = 5` while :math:`p_{i, y_i} < 0.2`
    and :math:`\gamma = 3` above, so badly classified (often rare-class) rows are focused on
    harder while confident ones keep a calibrated loss. Gamma is picked from the detached
    probability, as in the paper, so it is a constant for the gradient.

    Parameters
    ----------
    logits, target
        As in :func:`focal_loss`.
    thresholds : sequence of float in (0, 1), default=(0.2,)
        Increasing probability cut-offs between the bands.
    gammas : sequence of float >= 0, default=(5.0, 3.0)
        One gamma per band: ``gammas[k]`` applies where
        ``thresholds[k-1] <= p_true < thresholds[k]``.
    alpha, weight, reduction, ignore_index
        As in :func:`focal_loss`.

    Returns
    -------
    Tensor
        A scalar, or shape (N,) for ``reduction="none"``.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import adaptive_focal_loss, focal_loss
    >>> logits = torch.tensor([[3.0, 0.0], [0.0, 3.0]])
    >>> target = torch.tensor([0, 0])  # p_true is 0.95, then 0.05
    >>> adaptive_focal_loss(logits, target, reduction="none")
    tensor([5.1828e-06, 2.3911e+00])
    >>> focal_loss(logits[1:], target[1:], gamma=5.0)
    tensor(2.3911)
    """
    func = "adaptive_focal_loss"
    check_reduction(reduction, func)
    ignore_index = check_ignore_index(ignore_index, func)
    thr, gam = _check_schedule(thresholds, gammas, func)
    logits, target, valid = check_class_target(logits, target, func, ignore_index)
    alpha_t = _per_class_or_scalar(alpha, "alpha", func, logits, target)
    weight_t = None if weight is None else class_vector(weight, "weight", func, logits)[target]
    logpt = target_log_prob(logits, target)
    band = torch.bucketize(logpt.detach().exp(), logits.new_tensor(thr), right=True)
    gamma_t = logits.new_tensor(gam)[band]
    return _focal_from_log_prob(logpt, valid, gamma_t, alpha_t, weight_t, reduction)


def binary_focal_loss_with_logits(logits, target, *, alpha=0.25, gamma=2.0, reduction="mean",
                                  pos_weight=None):
    r"""Sigmoid focal loss for binary or multi-label targets (RetinaNet convention).

    .. math::

        \mathrm{FL} = -\alpha\, t\, (1 - p)^{\gamma} \log p
                      - (1 - \alpha) (1 - t)\, p^{\gamma} \log (1 - p),
        \quad p = \sigma(z)

    computed with ``logsigmoid`` so that logits of any size stay finite.

    ``alpha`` weights the *positive* term and ``1 - alpha`` the negative one, as in Lin et al.
    and torchvision's ``sigmoid_focal_loss`` (``alpha=0.25`` down-weights the positives, which
    the paper found best together with ``gamma=2`` because the focusing term already
    suppresses the many easy negatives). kornia's ``binary_focal_loss_with_logits`` uses the
    same convention, but kornia's *multi-class* ``focal_loss`` applies ``1 - alpha`` to class 0
    and ``alpha`` to the others.

    Parameters
    ----------
    logits : Tensor of shape (N,) or (N, C)
        Raw scores: one binary problem per entry (multi-label for (N, C)).
    target : Tensor of the shape of ``logits``
        Values in [0, 1] (bool and integer tensors are accepted).
    alpha : float in [0, 1] or None, default=0.25
        Weight of the positive term; ``None`` weights both terms by 1.
    gamma : float >= 0, default=2.0
        Focusing parameter; with ``alpha=None``, ``gamma=0`` gives binary cross-entropy.
    reduction : {"none", "mean", "sum"}, default="mean"
        ``"mean"`` averages over every entry, like
        :func:`torch.nn.functional.binary_cross_entropy_with_logits`.
    pos_weight : float or sequence / Tensor of shape (C,), optional
        Extra factor on the positive term of each column, as torch's ``pos_weight``.

    Returns
    -------
    Tensor
        A scalar, or the shape of ``logits`` for ``reduction="none"``.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import binary_focal_loss_with_logits
    >>> logits, target = torch.tensor([2.0, -1.0, 0.0]), torch.tensor([1.0, 1.0, 0.0])
    >>> binary_focal_loss_with_logits(logits, target, reduction="none")
    tensor([0.0005, 0.1755, 0.1300])
    """
    func = "binary_focal_loss_with_logits"
    check_reduction(reduction, func)
    check_logits(logits, func, ndim=(1, 2))
    target = check_binary_target(logits, target, func)
    gamma = check_number(gamma, "gamma", func, low=0)
    if alpha is not None:
        alpha = check_number(alpha, "alpha", func, low=0, high=1)
    log_p = F.logsigmoid(logits)
    log_q = F.logsigmoid(-logits)  # log(1 - p)
    # (1 - p)^gamma as exp(gamma * log(1 - p)): finite gradient even where p rounds to 1
    pos = -target * torch.exp(gamma * log_q) * log_p
    neg = -(1.0 - target) * torch.exp(gamma * log_p) * log_q
    if pos_weight is not None:
        if is_scalar(pos_weight):
            pos = pos * check_number(pos_weight, "pos_weight", func, low=0)
        else:
            pos = pos * class_vector(pos_weight, "pos_weight", func, logits)
    if alpha is not None:
        pos, neg = alpha * pos, (1.0 - alpha) * neg
    loss = pos + neg
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


class FocalLoss(_ImbalanceLoss):
    """Multi-class focal loss as a module; see :func:`focal_loss`.

    Parameters
    ----------
    alpha : None, float or sequence of float, default=None
    gamma : float or sequence of float, default=2.0
    reduction : {"none", "mean", "sum"}, default="mean"
    ignore_index : int, default=-100
    weight : sequence of float, optional
        Per-class weight (a buffer, replaceable with :meth:`set_weight`).

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import FocalLoss
    >>> criterion = FocalLoss(gamma=2.0, weight=[1.0, 3.0])
    >>> logits = torch.tensor([[1.0, -1.0], [0.0, 2.0]], requires_grad=True)
    >>> loss = criterion(logits, torch.tensor([0, 1]))
    >>> loss.backward()
    >>> round(loss.item(), 4)
    0.0018
    """

    def __init__(self, alpha=None, gamma: float | Sequence[float] = 2.0, reduction: str = "mean",
                 ignore_index: int = -100, weight=None):
        super().__init__()
        as_module_scalar_or_vector(self, "alpha", alpha)
        as_module_scalar_or_vector(self, "gamma", gamma)
        self.reduction = check_reduction(reduction, "FocalLoss")
        self.ignore_index = check_ignore_index(ignore_index, "FocalLoss")
        self._vector_buffer("weight", weight)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return focal_loss(logits, target, alpha=self.alpha, gamma=self.gamma,
                          reduction=self.reduction, ignore_index=self.ignore_index,
                          weight=self.weight)


class AdaptiveFocalLoss(_ImbalanceLoss):
    """Focal loss with a per-sample gamma (FLSD-53 by default); see :func:`adaptive_focal_loss`.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import AdaptiveFocalLoss
    >>> criterion = AdaptiveFocalLoss(thresholds=[0.2, 0.5], gammas=[5.0, 3.0, 2.0])
    >>> loss = criterion(torch.tensor([[3.0, 0.0], [0.0, 3.0]]), torch.tensor([0, 0]))
    >>> round(loss.item(), 4)
    1.1956
    """

    def __init__(self, thresholds: Sequence[float] = (0.2,), gammas: Sequence[float] = (5.0, 3.0),
                 alpha=None, weight=None, reduction: str = "mean", ignore_index: int = -100):
        super().__init__()
        self.thresholds, self.gammas = _check_schedule(thresholds, gammas, "AdaptiveFocalLoss")
        as_module_scalar_or_vector(self, "alpha", alpha)
        self.reduction = check_reduction(reduction, "AdaptiveFocalLoss")
        self.ignore_index = check_ignore_index(ignore_index, "AdaptiveFocalLoss")
        self._vector_buffer("weight", weight)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return adaptive_focal_loss(logits, target, thresholds=self.thresholds, gammas=self.gammas,
                                   alpha=self.alpha, weight=self.weight,
                                   reduction=self.reduction, ignore_index=self.ignore_index)


class BinaryFocalLoss(_ImbalanceLoss):
    """Sigmoid focal loss as a module; see :func:`binary_focal_loss_with_logits`.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import BinaryFocalLoss
    >>> criterion = BinaryFocalLoss(alpha=0.25, gamma=2.0)
    >>> round(criterion(torch.tensor([2.0, -1.0]), torch.tensor([1, 0])).item(), 4)
    0.0087
    """

    def __init__(self, alpha: float | None = 0.25, gamma: float = 2.0, reduction: str = "mean",
                 pos_weight=None):
        super().__init__()
        func = "BinaryFocalLoss"
        self.alpha = None if alpha is None else check_number(alpha, "alpha", func, low=0, high=1)
        self.gamma = check_number(gamma, "gamma", func, low=0)
        self.reduction = check_reduction(reduction, func)
        as_module_scalar_or_vector(self, "pos_weight", pos_weight)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return binary_focal_loss_with_logits(logits, target, alpha=self.alpha, gamma=self.gamma,
                                             reduction=self.reduction, pos_weight=self.pos_weight)
