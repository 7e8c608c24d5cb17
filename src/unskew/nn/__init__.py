"""Neural-network side of unskew: a scikit-learn compatible MLP and post-hoc corrections.

:class:`TorchMLPClassifier` trains a PyTorch MLP with the losses of :mod:`unskew.losses` and the
samplers of :mod:`unskew.samplers`. The post-hoc functions correct a trained classifier for the
class prior: :func:`logit_adjust` (Menon et al., ICLR 2021) and :func:`tau_normalize` /
:func:`tau_normalize_linear_` (Kang et al., ICLR 2020). Needs the ``torch`` extra:
``pip install "unskew[torch]"``.

Examples
--------
>>> import torch
>>> from unskew.nn import logit_adjust
>>> logit_adjust(torch.zeros(1, 2), torch.tensor([0.5, 0.5]), tau=0.0)
tensor([[0., 0.]])
"""

from .._utils._optional import require

require("torch", "unskew.nn")

from ._mlp import TorchMLPClassifier  # noqa: E402
from ._posthoc import logit_adjust, tau_normalize, tau_normalize_linear_  # noqa: E402

__all__ = ["TorchMLPClassifier", "logit_adjust", "tau_normalize", "tau_normalize_linear_"]
