"""LDAM loss and the DRW schedule: Cao et al., "Learning Imbalanced Datasets with
Label-Distribution-Aware Margin Loss", NeurIPS 2019; and the cosine classifier it is used with."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .._utils._validation import check_number
from ._base import _ImbalanceLoss
from ._class_balanced import class_balanced_weights
from ._validation import (
    check_class_target,
    check_ignore_index,
    check_reduction,
    class_vector,
    counts_array,
    reduce_rows,
    target_log_prob,
)


def ldam_margins(class_counts, max_margin: float = 0.5) -> torch.Tensor:
    r"""Per-class LDAM margins :math:`\Delta_j \propto n_j^{-1/4}`, the largest equal to ``max_margin``.

    Parameters
    ----------
    class_counts : sequence of int
        Training rows per class, in label order; every count > 0.
    max_margin : float > 0, default=0.5
        The margin of the rarest class (the paper's and reference code's 0.5).

    Returns
    -------
    Tensor of shape (C,)
        float32 margins.

    Examples
    --------
    >>> from unskew.losses import ldam_margins
    >>> ldam_margins([10000, 10])  # ratio (10000 / 10) ** 0.25
    tensor([0.0889, 0.5000])
    """
    func = "ldam_margins"
    counts = counts_array(class_counts, func)
    max_margin = check_number(max_margin, "max_margin", func, low=0, low_open=True)
    raw = counts**-0.25
    return torch.as_tensor(raw * (max_margin / raw.max()), dtype=torch.float32)


def ldam_loss(logits, target, margins, *, s=30.0, weight=None, reduction="mean", ignore_index=-100):
    r"""Label-distribution-aware margin (LDAM) loss of Cao et al., NeurIPS 2019.

    The true class's logit is lowered by its margin before a scaled softmax cross-entropy:

    .. math:: L_i = -\log \frac{e^{s (z_{i, y} - \Delta_y)}}
                              {e^{s (z_{i, y} - \Delta_y)} + \sum_{j \ne y} e^{s z_{i, j}}}

    As in the reference implementation, ``s`` multiplies the logits *after* the margin is
    subtracted, and the logits are meant to be cosine similarities in [-1, 1]: end the network
    with :class:`NormedLinear` (a margin of 0.5 is meaningless next to unbounded logits).

    Parameters
    ----------
    logits : Tensor of shape (N, C)
        Raw scores, ideally from :class:`NormedLinear`.
    target : Tensor of shape (N,)
        Integer class indices in ``[0, C)``, or ``ignore_index``.
    margins : sequence / Tensor of shape (C,)
        Per-class margins >= 0, usually :func:`ldam_margins`.
    s : float > 0, default=30.0
        Scale of the logits (the reference's 30).
    weight : sequence / Tensor of shape (C,), optional
        Per-class weight as in torch's cross-entropy (for DRW: :func:`drw_weights`).
    reduction : {"none", "mean", "sum"}, default="mean"
        ``"mean"`` is torch's (weighted) mean over the rows that are not ignored.
    ignore_index : int, default=-100

    Returns
    -------
    Tensor
        A scalar, or shape (N,) for ``reduction="none"``.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import ldam_loss
    >>> cosines = torch.tensor([[0.6, 0.2], [0.1, 0.3]])
    >>> target = torch.tensor([0, 1])
    >>> ldam_loss(cosines, target, [0.1, 0.5], reduction="none")
    tensor([1.2337e-04, 9.0001e+00])
    """
    func = "ldam_loss"
    check_reduction(reduction, func)
    ignore_index = check_ignore_index(ignore_index, func)
    s = check_number(s, "s", func, low=0, low_open=True)
    logits, target, valid = check_class_target(logits, target, func, ignore_index)
    margin_t = class_vector(margins, "margins", func, logits)[target]
    weight_t = None if weight is None else class_vector(weight, "weight", func, logits)[target]
    shifted = logits.scatter_add(1, target.unsqueeze(1), -margin_t.unsqueeze(1))
    loss = -target_log_prob(s * shifted, target)
    if weight_t is not None:
        loss = loss * weight_t
    return reduce_rows(loss.masked_fill(~valid, 0.0), valid, reduction, weight_t)


def drw_weights(class_counts, epoch: int, n_epochs: int, *, start: float = 0.8,
                beta: float = 0.9999) -> torch.Tensor | None:
    """Deferred re-weighting (DRW) of Cao et al.: no class weights first, then class-balanced ones.

    Returns ``None`` (train unweighted) for ``epoch < start * n_epochs`` and, from there on, the
    effective-number weights of :func:`class_balanced_weights` with ``beta``, normalised to sum
    to the number of classes, as in the reference code (200 epochs, switch at 160, beta 0.9999).

    Parameters
    ----------
    class_counts : sequence of int
        Training rows per class, in label order.
    epoch : int
        The current epoch, counted from 0.
    n_epochs : int
        Total number of epochs.
    start : float in [0, 1], default=0.8
        Fraction of the training after which the weights switch on.
    beta : float in [0, 1), default=0.9999

    Returns
    -------
    Tensor of shape (C,) or None

    Examples
    --------
    A DRW training loop sets the weight of the loss at the start of each epoch:

    >>> import torch
    >>> from unskew.losses import LDAMLoss, NormedLinear, drw_weights
    >>> counts = [500, 50, 5]
    >>> model, criterion = NormedLinear(4, 3), LDAMLoss(counts)
    >>> for epoch in range(10):
    ...     criterion.set_weight(drw_weights(counts, epoch, n_epochs=10))
    ...     # for x, y in loader: criterion(model(x), y).backward(); ...
    >>> criterion.weight.sum()
    tensor(3.)
    >>> drw_weights(counts, 7, 10) is None, drw_weights(counts, 8, 10) is None
    (True, False)
    """
    func = "drw_weights"
    epoch = check_number(epoch, "epoch", func, kind="int", low=0)
    n_epochs = check_number(n_epochs, "n_epochs", func, kind="int", low=1)
    start = check_number(start, "start", func, low=0, high=1)
    if epoch < math.ceil(start * n_epochs - 1e-9):  # the float 0.8 * 200 is 160.00000000000003
        counts_array(class_counts, func)  # still report bad counts early
        return None
    return class_balanced_weights(class_counts, beta, func=func)


class LDAMLoss(_ImbalanceLoss):
    """LDAM loss as a module; see :func:`ldam_loss`.

    Holds the margins of :func:`ldam_margins` and an optional ``weight`` buffer that a DRW
    loop replaces with :meth:`set_weight` (see :func:`drw_weights`).

    Parameters
    ----------
    class_counts : sequence of int
    max_margin : float, default=0.5
    s : float, default=30.0
    weight : sequence of float, optional
    reduction : {"none", "mean", "sum"}, default="mean"
    ignore_index : int, default=-100

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import LDAMLoss
    >>> criterion = LDAMLoss([1000, 10])
    >>> criterion.margins
    tensor([0.1581, 0.5000])
    >>> criterion(torch.tensor([[0.9, -0.2]]), torch.tensor([0])) < 1e-12
    tensor(True)
    """

    def __init__(self, class_counts, max_margin: float = 0.5, s: float = 30.0, weight=None,
                 reduction: str = "mean", ignore_index: int = -100):
        super().__init__()
        func = "LDAMLoss"
        self.max_margin = check_number(max_margin, "max_margin", func, low=0, low_open=True)
        self.s = check_number(s, "s", func, low=0, low_open=True)
        self.reduction = check_reduction(reduction, func)
        self.ignore_index = check_ignore_index(ignore_index, func)
        counts = counts_array(class_counts, func)
        self.register_buffer("margins", ldam_margins(counts, max_margin), persistent=False)
        self._vector_buffer("weight", weight)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return ldam_loss(logits, target, self.margins, s=self.s, weight=self.weight,
                         reduction=self.reduction, ignore_index=self.ignore_index)


class NormedLinear(nn.Module):
    """Cosine classifier: the cosine between each input and each class's weight vector.

    The last layer that LDAM is designed for (the reference code's ``NormedLinear``): both the
    features and the class weight vectors are L2-normalised, so the outputs lie in [-1, 1] and
    :func:`ldam_loss`'s scale ``s`` sets the softmax temperature.

    Parameters
    ----------
    in_features : int
        Size of each input.
    out_features : int
        Number of classes.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import NormedLinear
    >>> _ = torch.manual_seed(0)
    >>> layer = NormedLinear(8, 3)
    >>> out = layer(torch.randn(5, 8) * 100)
    >>> out.shape, bool(out.abs().max() <= 1)
    (torch.Size([5, 3]), True)
    """

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.in_features = check_number(in_features, "in_features", "NormedLinear", kind="int",
                                        low=1)
        self.out_features = check_number(out_features, "out_features", "NormedLinear",
                                         kind="int", low=1)
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # the default initialisation of nn.Linear (only the direction matters here)
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(F.normalize(x, dim=-1), F.normalize(self.weight, dim=1))

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}"
