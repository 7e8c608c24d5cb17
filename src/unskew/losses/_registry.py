"""The table of losses by name, and :func:`get_loss` that builds one (what the MLP and the CLI read)."""

from __future__ import annotations

import inspect

from torch import nn

from .._utils._text import did_you_mean
from ..weights import WEIGHTING_METHODS, weights_from_counts
from ._asymmetric import AsymmetricLoss
from ._class_balanced import ClassBalancedLoss
from ._cross_entropy import CrossEntropyLoss
from ._focal import AdaptiveFocalLoss, FocalLoss
from ._ldam import LDAMLoss
from ._logit_adjusted import BalancedSoftmaxLoss, LogitAdjustedLoss
from ._validation import counts_array

# name -> Module class; the one table that get_loss, error messages and listings read
LOSSES: dict[str, type[nn.Module]] = {
    "ce": CrossEntropyLoss,
    "focal": FocalLoss,
    "class-balanced": ClassBalancedLoss,
    "ldam": LDAMLoss,
    "logit-adjusted": LogitAdjustedLoss,
    "balanced-softmax": BalancedSoftmaxLoss,
    "asymmetric": AsymmetricLoss,
    "adaptive-focal": AdaptiveFocalLoss,
}


def _needs_counts(cls: type[nn.Module]) -> bool:
    return "class_counts" in inspect.signature(cls.__init__).parameters


def _accepted(cls: type[nn.Module]) -> list[str]:
    return [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "class_counts")]


def get_loss(name: str, *, class_counts=None, **params) -> nn.Module:
    """Build the loss module registered under ``name``.

    Parameters
    ----------
    name : str
        One of ``"ce"``, ``"focal"``, ``"class-balanced"``, ``"ldam"``, ``"logit-adjusted"``,
        ``"balanced-softmax"``, ``"asymmetric"``, ``"adaptive-focal"`` (the keys of
        :data:`LOSSES`).
    class_counts : sequence of int, optional
        Training rows per class in label order (e.g. ``list(unskew.weights.class_counts(y)
        .values())``). Required by the losses built from the class distribution
        (class-balanced, LDAM, logit-adjusted, balanced softmax); the others ignore it, so a
        caller can always pass it.
    **params
        Constructor arguments of the loss (plain Python values). A ``weight`` given as a
        method name of :func:`unskew.weights.weights_from_counts` (``"balanced"``,
        ``"effective_number"``, ``"inverse_sqrt"``, ``"capped"``) is computed from
        ``class_counts``.

    Returns
    -------
    torch.nn.Module

    Raises
    ------
    ValueError
        For an unknown name (listing the names), or when ``class_counts`` is needed but missing.
    TypeError
        For a parameter the loss does not take (listing those it takes).

    Examples
    --------
    >>> from unskew.losses import get_loss
    >>> get_loss("focal", gamma=1.0)
    FocalLoss(alpha=None, gamma=1.0, reduction='mean', ignore_index=-100)
    >>> get_loss("ce", class_counts=[90, 10], weight="balanced").weight
    tensor([0.5556, 5.0000])
    >>> get_loss("focla")
    Traceback (most recent call last):
    ...
    ValueError: unknown loss 'focla'; expected one of ce, focal, class-balanced, ldam, logit-adjusted, balanced-softmax, asymmetric, adaptive-focal; did you mean 'focal'?
    """
    if not isinstance(name, str) or name not in LOSSES:
        raise ValueError(
            f"unknown loss {name!r}; expected one of {', '.join(LOSSES)}"
            f"{did_you_mean(str(name), LOSSES)}"
        )
    cls = LOSSES[name]
    accepted = _accepted(cls)
    unknown = [p for p in params if p not in accepted]
    if unknown:
        hint = did_you_mean(unknown[0], accepted)
        raise TypeError(
            f"loss {name!r} ({cls.__name__}) got unexpected parameters {unknown}; it accepts "
            f"{', '.join(accepted)}{hint}"
        )
    needs = _needs_counts(cls)
    weight = params.get("weight")
    if isinstance(weight, str):
        if "weight" not in accepted:
            raise TypeError(f"loss {name!r} takes no weight")
        if class_counts is None:
            raise ValueError(
                f"loss {name!r} with weight={weight!r} needs class_counts to compute the weights; "
                f"pass class_counts=[rows of class 0, rows of class 1, ...]"
            )
        if weight not in WEIGHTING_METHODS:
            raise ValueError(
                f"unknown weight method {weight!r} for loss {name!r}; expected a sequence of "
                f"per-class weights or one of {', '.join(WEIGHTING_METHODS)}"
                f"{did_you_mean(weight, WEIGHTING_METHODS)}"
            )
        params["weight"] = weights_from_counts(counts_array(class_counts, "get_loss"), weight)
    if needs:
        if class_counts is None:
            raise ValueError(
                f"loss {name!r} is built from the class distribution and needs class_counts "
                f"(training rows per class, in label order), e.g. get_loss({name!r}, "
                "class_counts=[900, 100]); unskew.weights.class_counts(y) computes them"
            )
        return cls(class_counts, **params)
    return cls(**params)
