"""Class-balanced loss: Cui et al., "Class-Balanced Loss Based on Effective Number of Samples", CVPR 2019."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .._utils._validation import check_number, parameter_error
from ..weights import weights_from_counts
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

BASES = ("ce", "sigmoid", "focal")


def class_balanced_weights(class_counts, beta: float = 0.999, *,
                           func: str = "class_balanced_weights") -> torch.Tensor:
    """Effective-number class weights ``(1 - beta) / (1 - beta ** n_c)``, rescaled to sum to C.

    Cui et al. normalise the weights so that they sum to the number of classes, which keeps the
    loss on the scale of the unweighted one; :func:`unskew.weights.weights_from_counts` computes
    the shape and this function rescales it.

    Parameters
    ----------
    class_counts : sequence of int
        Training rows per class, in label order; every count > 0.
    beta : float in [0, 1), default=0.999
        ``0`` gives equal weights, ``beta -> 1`` inverse-frequency weights.

    Returns
    -------
    Tensor of shape (C,)
        float32 weights summing to C.

    Examples
    --------
    >>> from unskew.losses import class_balanced_weights
    >>> class_balanced_weights([900, 100], beta=0.99)
    tensor([0.7760, 1.2240])
    >>> class_balanced_weights([900, 100], beta=0.9999).sum()
    tensor(2.)
    """
    counts = counts_array(class_counts, func)
    beta = check_number(beta, "beta", func, low=0, high=1, high_open=True)
    w = weights_from_counts(counts, "effective_number", beta=beta)
    return torch.as_tensor(w * (w.size / w.sum()), dtype=torch.float32)


def _class_balanced_from_weight(logits, target, weight, *, base, gamma, reduction, ignore_index,
                                func):
    """The class-balanced loss given the per-class weight vector (the maths of this module)."""
    check_reduction(reduction, func)
    ignore_index = check_ignore_index(ignore_index, func)
    if base not in BASES:
        raise parameter_error(func, "base", "one of 'ce', 'sigmoid', 'focal'", base)
    gamma = check_number(gamma, "gamma", func, low=0)
    logits, target, valid = check_class_target(logits, target, func, ignore_index)
    weight_t = class_vector(weight, "weight", func, logits)[target]
    if base == "ce":
        loss = -target_log_prob(logits, target)
    else:
        # one binary problem per class; the row's loss sums them, as in the authors' code
        onehot = F.one_hot(target, logits.shape[1]).to(logits.dtype)
        sign = 2.0 * onehot - 1.0
        log_pt = F.logsigmoid(sign * logits)
        if base == "sigmoid":
            loss = -log_pt.sum(1)
        else:  # sigmoid focal: (1 - p_t)^gamma = exp(gamma * log(1 - p_t))
            loss = -(torch.exp(gamma * F.logsigmoid(-sign * logits)) * log_pt).sum(1)
    loss = (weight_t * loss).masked_fill(~valid, 0.0)
    # the paper's mean: sum_i w_{y_i} l_i / N (weights sum to C, so no division by them)
    return reduce_rows(loss, valid, reduction)


def class_balanced_loss(logits, target, class_counts, *, beta=0.999, base="ce", gamma=2.0,
                        reduction="mean", ignore_index=-100):
    r"""Class-balanced loss of Cui et al., CVPR 2019.

    Each row's loss is multiplied by the weight of its class,

    .. math:: \mathrm{CB}_i = \frac{1 - \beta}{1 - \beta^{n_{y_i}}} \, L(z_i, y_i),

    the inverse of the class's *effective number of samples*, with the weights rescaled to sum
    to the number of classes C as in the paper (see :func:`class_balanced_weights`).

    Parameters
    ----------
    logits : Tensor of shape (N, C)
        Raw scores.
    target : Tensor of shape (N,)
        Integer class indices in ``[0, C)``, or ``ignore_index``.
    class_counts : sequence of int of length C
        Training rows per class, in label order.
    beta : float in [0, 1), default=0.999
        The paper tries 0.9, 0.99, 0.999 and 0.9999; ``0`` gives the unweighted base loss.
    base : {"ce", "sigmoid", "focal"}, default="ce"
        The loss L: softmax cross-entropy; the sum over classes of the one-vs-rest sigmoid
        cross-entropy; or the sum of the sigmoid focal terms :math:`(1 - p_t)^\gamma (-\log p_t)`
        (the paper's best setting on long-tailed CIFAR).
    gamma : float >= 0, default=2.0
        Focusing parameter of ``base="focal"``; unused otherwise.
    reduction : {"none", "mean", "sum"}, default="mean"
        ``"mean"`` averages :math:`\mathrm{CB}_i` over the rows that are not ignored. Unlike
        torch's weighted cross-entropy it does not divide by the sum of the weights (the
        authors' convention; the weights already sum to C).
    ignore_index : int, default=-100
        Rows with this target contribute nothing.

    Returns
    -------
    Tensor
        A scalar, or shape (N,) for ``reduction="none"``.

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import class_balanced_loss
    >>> logits = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    >>> target = torch.tensor([0, 1])
    >>> class_balanced_loss(logits, target, [900, 100], beta=0.999, reduction="none")
    tensor([0.0866, 2.2635])
    """
    func = "class_balanced_loss"
    weight = class_balanced_weights(class_counts, beta, func=func)
    if isinstance(logits, torch.Tensor):
        weight = weight.to(logits.device)
    return _class_balanced_from_weight(logits, target, weight, base=base, gamma=gamma,
                                       reduction=reduction, ignore_index=ignore_index, func=func)


class ClassBalancedLoss(_ImbalanceLoss):
    """Class-balanced loss as a module; see :func:`class_balanced_loss`.

    The class weights are computed once from ``class_counts`` and held in the ``weight`` buffer.

    Parameters
    ----------
    class_counts : sequence of int
    beta : float, default=0.999
    base : {"ce", "sigmoid", "focal"}, default="ce"
    gamma : float, default=2.0
    reduction : {"none", "mean", "sum"}, default="mean"
    ignore_index : int, default=-100

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import ClassBalancedLoss
    >>> criterion = ClassBalancedLoss([900, 100], beta=0.999, base="focal")
    >>> criterion.weight
    tensor([0.2764, 1.7236])
    >>> round(criterion(torch.tensor([[1.0, 0.0]]), torch.tensor([1])).item(), 4)
    1.5084
    """

    def __init__(self, class_counts, beta: float = 0.999, base: str = "ce", gamma: float = 2.0,
                 reduction: str = "mean", ignore_index: int = -100):
        super().__init__()
        func = "ClassBalancedLoss"
        if base not in BASES:
            raise parameter_error(func, "base", "one of 'ce', 'sigmoid', 'focal'", base)
        self.beta = check_number(beta, "beta", func, low=0, high=1, high_open=True)
        self.base = base
        self.gamma = check_number(gamma, "gamma", func, low=0)
        self.reduction = check_reduction(reduction, func)
        self.ignore_index = check_ignore_index(ignore_index, func)
        self.register_buffer("weight", class_balanced_weights(class_counts, beta, func=func),
                             persistent=False)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return _class_balanced_from_weight(logits, target, self.weight, base=self.base,
                                           gamma=self.gamma, reduction=self.reduction,
                                           ignore_index=self.ignore_index,
                                           func="ClassBalancedLoss")
