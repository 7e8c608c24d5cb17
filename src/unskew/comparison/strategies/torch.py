"""Torch strategies: an MLP trained with the long-tail losses of :mod:`unskew.losses`.

Each is ``preprocess (scaled, one-hot, dense) -> TorchMLPClassifier``. They need the ``torch``
extra; without it they stay listed (``needs unskew[torch]``) and ``compare`` skips them. Nothing
here imports torch until a strategy is built. MLP training is slow on a CPU, so they run in the
``thorough`` preset or when named.
"""

from __future__ import annotations

from functools import partial

from ._models import build_pipeline, preprocessor

__all__ = ["MLP_STRATEGIES", "build_mlp", "entry"]

# strategy -> (TorchMLPClassifier parameters, description)
MLP_STRATEGIES = {
    "none+mlp": ({"loss": "ce"}, "MLP (one hidden layer of 100) trained with plain "
                 "cross-entropy."),
    "focal+mlp": ({"loss": "focal"}, "MLP trained with the focal loss (gamma=2; Lin et al. "
                  "2017)."),
    "cb-focal+mlp": ({"loss": "class-balanced", "loss_params": {"base": "focal", "beta": 0.999}},
                     "MLP trained with the class-balanced focal loss (effective number of "
                     "samples, beta=0.999; Cui et al. 2019)."),
    "ldam-drw+mlp": ({"loss": "ldam", "drw": True}, "MLP trained with the LDAM loss and "
                     "deferred re-weighting from 80% of training (Cao et al. 2019)."),
    "la-loss+mlp": ({"loss": "logit-adjusted"}, "MLP trained with the logit-adjusted "
                    "cross-entropy loss (tau=1; Menon et al. 2021)."),
    "balanced-softmax+mlp": ({"loss": "balanced-softmax"}, "MLP trained with the balanced "
                             "softmax loss (Ren et al. 2020)."),
    # named like logit-adjusted+lr: the post-hoc decision, whatever the model
    "logit-adjusted+mlp": ({"loss": "ce", "posthoc_tau": 1.0}, "MLP trained with "
                           "cross-entropy, then post-hoc logit adjustment by the training "
                           "priors (tau=1; Menon et al. 2021)."),
}


def build_mlp(params: dict, feature_types: dict[str, str], random_state: int | None = None):
    """Build ``preprocess -> TorchMLPClassifier(**params)``.

    Parameters
    ----------
    params : dict
        :class:`unskew.nn.TorchMLPClassifier` parameters (loss, sampler, ...).
    feature_types : dict of str to str
        ``Dataset.feature_types``.
    random_state : int or None, default=None
        Seed of the network's initialisation, batches and validation split.

    Returns
    -------
    imblearn.pipeline.Pipeline
        Unfitted.

    Examples
    --------
    >>> pipe = build_mlp({"loss": "focal"}, {"x": "numeric"}, 0)
    >>> pipe.named_steps["model"].loss
    'focal'
    """
    from ...nn import TorchMLPClassifier

    pre = preprocessor(feature_types, encoding="onehot", dense=True)
    return build_pipeline(pre, TorchMLPClassifier(**params, random_state=random_state))


def entry(method: str, model: str) -> dict:
    """The :class:`Strategy` fields of ``<method>+mlp`` (a row of the strategy table).

    Examples
    --------
    >>> entry("focal", "mlp")["requires"]
    'torch'
    """
    params, description = MLP_STRATEGIES[f"{method}+{model}"]
    return {"build": partial(build_mlp, params), "description": description,
            "search_space": {"model__lr": [1e-3, 3e-3],
                             "model__hidden_layer_sizes": [(100,), (64, 64)]},
            "requires": "torch"}
