"""Plain cross-entropy with the conventions of the other losses (the registry's "ce")."""

from __future__ import annotations

from torch import nn

from .._utils._validation import check_number
from ._base import _ImbalanceLoss
from ._validation import as_float_vector, check_ignore_index, check_reduction


class CrossEntropyLoss(nn.CrossEntropyLoss):
    """:class:`torch.nn.CrossEntropyLoss` that takes ``weight`` as a plain sequence.

    Identical maths; only the constructor accepts lists (for ``criterion__weight=`` routing and
    :func:`unskew.losses.get_loss`), checks its arguments at once, and the module gains
    :meth:`set_weight` like the other losses (for deferred re-weighting).

    Parameters
    ----------
    weight : sequence of float, optional
        Per-class weight (torch's weighted mean).
    reduction : {"none", "mean", "sum"}, default="mean"
    ignore_index : int, default=-100
    label_smoothing : float in [0, 1], default=0.0

    Examples
    --------
    >>> import torch
    >>> from unskew.losses import CrossEntropyLoss
    >>> criterion = CrossEntropyLoss(weight=[1.0, 4.0])
    >>> logits, target = torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 1])
    >>> criterion(logits, target) == torch.nn.functional.cross_entropy(
    ...     logits, target, weight=torch.tensor([1.0, 4.0]))
    tensor(True)
    """

    def __init__(self, weight=None, reduction: str = "mean", ignore_index: int = -100,
                 label_smoothing: float = 0.0):
        func = "CrossEntropyLoss"
        super().__init__(
            weight=None if weight is None else as_float_vector(weight, "weight", func),
            reduction=check_reduction(reduction, func),
            ignore_index=check_ignore_index(ignore_index, func),
            label_smoothing=check_number(label_smoothing, "label_smoothing", func, low=0, high=1),
        )

    set_weight = _ImbalanceLoss.set_weight
