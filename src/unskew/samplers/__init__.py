"""Class-balanced samplers: ``torch.utils.data.Sampler`` objects that yield row indices.

The sampling schemes of Kang et al. (ICLR 2020, "Decoupling representation and classifier for
long-tailed recognition"): class ``j`` is drawn with probability ``p_j ∝ n_j ** q``, with
``q = 1`` (instance-balanced, plain shuffling), ``q = 0`` (class-balanced), ``q = 1/2``
(square-root) or a progressive move from instance- to class-balanced over the epochs. The
per-class shares come from :mod:`unskew.weights`, so a "balanced" sampler and a "balanced" loss
weight mean the same thing.

Examples
--------
>>> from unskew.samplers import ClassBalancedSampler
>>> sampler = ClassBalancedSampler([0, 0, 0, 1], mode="sqrt", seed=0)
>>> sampler.class_probabilities().round(3).tolist()
[0.634, 0.366]
"""

from .._utils._optional import require

require("torch", "unskew.samplers")

from ._class_balanced import ClassBalancedSampler, DistributedClassBalancedSampler  # noqa: E402
from ._probabilities import SAMPLING_MODES, sampling_probabilities  # noqa: E402

__all__ = [
    "SAMPLING_MODES",
    "ClassBalancedSampler",
    "DistributedClassBalancedSampler",
    "sampling_probabilities",
]
