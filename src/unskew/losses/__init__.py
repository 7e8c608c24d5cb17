"""Losses for imbalanced and long-tailed classification in PyTorch.

Each loss is a function that holds the maths and the checks, and an ``nn.Module`` whose
``forward`` calls it. Inputs are logits (never probabilities) and every loss works in log space.
Constructor arguments are plain Python values (so ``criterion__gamma=2`` routing works); the
per-class vectors become float32 buffers that move with ``.to(device)``.

=====================  ==============================================  =========================
name (``get_loss``)    loss                                            needs ``class_counts``
=====================  ==============================================  =========================
``"ce"``               cross-entropy, optional per-class weight        no
``"focal"``            focal loss (Lin et al., ICCV 2017)              no
``"class-balanced"``   effective-number weights (Cui et al., 2019)     yes
``"ldam"``             label-distribution-aware margin (Cao et al.)    yes
``"logit-adjusted"``   logit adjustment (Menon et al., ICLR 2021)      yes
``"balanced-softmax"`` balanced softmax (Ren et al., NeurIPS 2020)     yes
``"asymmetric"``       multi-label ASL (Ridnik et al., ICCV 2021)      no
``"adaptive-focal"``   sample-dependent gamma (Mukhoti et al., 2020)   no
=====================  ==============================================  =========================

Also: :func:`binary_focal_loss_with_logits` / :class:`BinaryFocalLoss` for sigmoid outputs, the
DRW schedule :func:`drw_weights`, :func:`ldam_margins` and the cosine classifier
:class:`NormedLinear`. Needs the ``torch`` extra: ``pip install "unskew[torch]"``.

Examples
--------
>>> import torch
>>> from unskew.losses import get_loss
>>> criterion = get_loss("logit-adjusted", class_counts=[900, 100])
>>> logits = torch.zeros(4, 2, requires_grad=True)
>>> criterion(logits, torch.tensor([0, 0, 0, 1])).backward()
>>> logits.grad.shape
torch.Size([4, 2])
"""

from .._utils._optional import require

require("torch", "unskew.losses")

from ._asymmetric import AsymmetricLoss, asymmetric_loss  # noqa: E402
from ._class_balanced import (  # noqa: E402
    ClassBalancedLoss,
    class_balanced_loss,
    class_balanced_weights,
)
from ._cross_entropy import CrossEntropyLoss  # noqa: E402
from ._focal import (  # noqa: E402
    AdaptiveFocalLoss,
    BinaryFocalLoss,
    FocalLoss,
    adaptive_focal_loss,
    binary_focal_loss_with_logits,
    focal_loss,
)
from ._ldam import LDAMLoss, NormedLinear, drw_weights, ldam_loss, ldam_margins  # noqa: E402
from ._logit_adjusted import (  # noqa: E402
    BalancedSoftmaxLoss,
    LogitAdjustedLoss,
    balanced_softmax_loss,
    logit_adjusted_loss,
)
from ._registry import LOSSES, get_loss  # noqa: E402

__all__ = [
    "LOSSES",
    "AdaptiveFocalLoss",
    "AsymmetricLoss",
    "BalancedSoftmaxLoss",
    "BinaryFocalLoss",
    "ClassBalancedLoss",
    "CrossEntropyLoss",
    "FocalLoss",
    "LDAMLoss",
    "LogitAdjustedLoss",
    "NormedLinear",
    "adaptive_focal_loss",
    "asymmetric_loss",
    "balanced_softmax_loss",
    "binary_focal_loss_with_logits",
    "class_balanced_loss",
    "class_balanced_weights",
    "drw_weights",
    "focal_loss",
    "get_loss",
    "ldam_loss",
    "ldam_margins",
    "logit_adjusted_loss",
]
