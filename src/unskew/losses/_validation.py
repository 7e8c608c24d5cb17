"""Checks and small helpers shared by the losses: one place that turns user input into clean tensors.

Tensor problems (shapes, dtypes, devices, labels out of range) raise
:class:`~unskew.exceptions.DataError` naming both shapes or the offending value; bad
hyper-parameters raise :class:`~unskew.exceptions.ParameterError` (a ``ValueError`` and a
``TypeError``) naming the parameter, the loss, what is allowed and what was given, through the
template and :func:`~unskew._utils._validation.check_number` every room shares.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .._utils._validation import ParameterError, parameter_error
from ..exceptions import DataError

__all__ = [
    "REDUCTIONS",
    "as_float_vector",
    "check_binary_target",
    "check_class_target",
    "check_ignore_index",
    "check_logits",
    "check_reduction",
    "check_same_device",
    "class_vector",
    "counts_array",
    "is_scalar",
    "modulating_factor",
    "reduce_rows",
    "target_log_prob",
]

REDUCTIONS = ("none", "mean", "sum")


def _shape(t: torch.Tensor) -> str:
    return "(" + ", ".join(str(s) for s in t.shape) + ("," if t.dim() == 1 else "") + ")"


def check_reduction(reduction, func: str) -> str:
    """Return ``reduction`` if it is ``"none"``, ``"mean"`` or ``"sum"``, else raise ``ParameterError``.

    Examples
    --------
    >>> check_reduction("sum", "focal_loss")
    'sum'
    """
    if reduction not in REDUCTIONS:
        raise parameter_error(func, "reduction", "one of 'none', 'mean', 'sum'", reduction)
    return reduction


def is_scalar(value) -> bool:
    """True for a real number (Python, numpy or a 0-d tensor), False for bools and vectors.

    Examples
    --------
    >>> is_scalar(2.0), is_scalar(np.float32(1)), is_scalar(torch.tensor(1.0)), is_scalar([1.0])
    (True, True, True, False)
    """
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, torch.Tensor):
        return value.dim() == 0 and value.dtype != torch.bool
    return isinstance(value, (int, float, np.integer, np.floating))


def check_ignore_index(ignore_index, func: str) -> int:
    """Return ``ignore_index`` if it is an int (the label whose rows are skipped)."""
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise parameter_error(func, "ignore_index", "an int (a label whose rows are skipped)",
                              ignore_index)
    return int(ignore_index)


def check_logits(logits, func: str, *, ndim: tuple[int, ...] = (2,)) -> torch.Tensor:
    """Raise unless ``logits`` is a floating tensor with one of the allowed numbers of dimensions."""
    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"{func} expects logits as a torch.Tensor, got {type(logits).__name__}")
    if not logits.is_floating_point():
        raise TypeError(
            f"{func} expects floating-point logits, got {logits.dtype}; use logits.float()"
        )
    if logits.dim() not in ndim:
        want = " or ".join({1: "(N,)", 2: "(N, C)"}[d] for d in ndim)
        raise DataError(
            f"{func} expects logits of shape {want}, but logits has shape {_shape(logits)}"
        )
    return logits


def check_same_device(a: torch.Tensor, b: torch.Tensor, name_a: str, name_b: str, func: str):
    """Raise a :class:`DataError` naming both devices when ``a`` and ``b`` live apart."""
    if a.device != b.device:
        raise DataError(
            f"{func}: {name_a} is on {a.device} but {name_b} is on {b.device}; move both to one "
            f"device, e.g. {name_b}.to({name_a}.device)"
        )


def check_class_target(logits, target, func: str, ignore_index: int = -100):
    """Validate softmax-loss inputs; return ``(logits, target, valid)``.

    ``logits`` is ``(N, C)``; ``target`` holds ``N`` integer class indices in ``[0, C)`` or
    ``ignore_index``. The returned target is int64 with ignored rows set to class 0 (so that
    gathers stay in range) and ``valid`` is the boolean mask of rows that count.

    Examples
    --------
    >>> logits = torch.zeros(3, 2)
    >>> _, t, valid = check_class_target(logits, torch.tensor([1, -100, 0]), "f")
    >>> t.tolist(), valid.tolist()
    ([1, 0, 0], [True, False, True])
    >>> check_class_target(logits, torch.tensor([1, 0]), "f")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: f: logits has shape (3, 2) but target has shape (2,); target needs one class index per row of logits
    """
    check_logits(logits, func)
    if not isinstance(target, torch.Tensor):
        raise TypeError(f"{func} expects target as a torch.Tensor, got {type(target).__name__}")
    if target.is_floating_point() or target.is_complex() or target.dtype == torch.bool:
        raise TypeError(
            f"{func} expects target to hold integer class indices (torch.int64), got {target.dtype}; "
            "use target.long()"
        )
    if target.dim() != 1 or target.shape[0] != logits.shape[0]:
        raise DataError(
            f"{func}: logits has shape {_shape(logits)} but target has shape {_shape(target)}; "
            "target needs one class index per row of logits"
        )
    check_same_device(logits, target, "logits", "target", func)
    target = target.long()
    n_classes = logits.shape[1]
    valid = target != ignore_index
    bad = valid & ((target < 0) | (target >= n_classes))
    if bool(bad.any()):
        values = torch.unique(target[bad]).tolist()
        raise DataError(
            f"{func}: target holds class indices {values[:5]} outside [0, {n_classes}) for logits "
            f"with {n_classes} classes; labels must be encoded as 0..{n_classes - 1} "
            f"(or be ignore_index={ignore_index})"
        )
    return logits, target.masked_fill(~valid, 0), valid


def check_binary_target(logits, target, func: str) -> torch.Tensor:
    """Validate a sigmoid-loss target of the shape of ``logits`` with values in [0, 1].

    Returns the target as a tensor of the logits' dtype.
    """
    if not isinstance(target, torch.Tensor):
        raise TypeError(f"{func} expects target as a torch.Tensor, got {type(target).__name__}")
    if target.shape != logits.shape:
        raise DataError(
            f"{func}: logits has shape {_shape(logits)} but target has shape {_shape(target)}; "
            "a sigmoid loss needs one 0/1 target per logit"
        )
    check_same_device(logits, target, "logits", "target", func)
    target = target.to(logits.dtype)
    bad = (target < 0) | (target > 1) | torch.isnan(target)
    if bool(bad.any()):
        values = torch.unique(target[bad]).tolist()
        raise DataError(f"{func}: target must hold values in [0, 1], found {values[:5]}")
    return target


def as_float_vector(values, name: str, func: str) -> torch.Tensor:
    """Convert a sequence, array or tensor of per-class numbers into a finite 1-D float32 tensor.

    A tensor keeps its device; anything else is created on the CPU.

    Examples
    --------
    >>> as_float_vector([1, 2], "weight", "FocalLoss")
    tensor([1., 2.])
    """
    if isinstance(values, torch.Tensor):
        vec = values.detach().to(torch.float32)
    else:
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
            raise ParameterError(
                f"The {name!r} parameter of {func} must be a sequence of per-class numbers or a "
                f"tensor; got {values!r}."
            )
        try:
            vec = torch.as_tensor(np.asarray(values, dtype=np.float64), dtype=torch.float32)
        except (TypeError, ValueError):
            raise ParameterError(
                f"The {name!r} parameter of {func} must be a sequence of per-class numbers; "
                f"got {values!r}."
            ) from None
    if vec.dim() != 1 or vec.numel() == 0:
        raise ParameterError(
            f"The {name!r} parameter of {func} must be a non-empty 1-D sequence (one value per "
            f"class); got shape {tuple(vec.shape)}."
        )
    if not bool(torch.isfinite(vec).all()):
        raise ParameterError(f"The {name!r} parameter of {func} must be finite; got "
                             f"{vec.tolist()}.")
    return vec


def class_vector(values, name: str, func: str, logits: torch.Tensor, *,
                 nonnegative: bool = True, positive: bool = False) -> torch.Tensor:
    """Per-class vector (sequence or tensor) as a tensor of the logits' dtype and device.

    Raises if it does not hold exactly one value per class of ``logits`` (``logits.shape[-1]``).
    """
    if isinstance(values, torch.Tensor):
        check_same_device(logits, values, "logits", name, func)
        if not values.is_floating_point():
            values = values.to(torch.float32)
        vec = values
        if vec.dim() != 1 or not bool(torch.isfinite(vec).all()):
            vec = as_float_vector(values, name, func)  # raises the specific message
    else:
        vec = as_float_vector(values, name, func).to(logits.device)
    n_classes = logits.shape[-1] if logits.dim() > 1 else 1
    if vec.shape[0] != n_classes:
        raise DataError(
            f"{func}: {name} has shape {_shape(vec)} but logits has shape {_shape(logits)}; "
            f"{name} needs one value per class ({n_classes})"
        )
    if positive and bool((vec <= 0).any()):
        raise parameter_error(func, name, "> 0 for every class", vec.tolist())
    if nonnegative and bool((vec < 0).any()):
        raise parameter_error(func, name, ">= 0 for every class", vec.tolist())
    return vec.to(logits.dtype)


def counts_array(class_counts, func: str) -> np.ndarray:
    """Validate class counts (sequence, array or tensor) into a float64 numpy array, all > 0.

    Examples
    --------
    >>> counts_array([90, 10], "LDAMLoss").tolist()
    [90.0, 10.0]
    >>> counts_array([90, 0], "LDAMLoss")
    Traceback (most recent call last):
    ...
    unskew.exceptions.DataError: LDAMLoss: class_counts must be finite and > 0, but class 1 has 0.0; ...
    """
    if class_counts is None:
        raise ValueError(f"{func} needs class_counts (rows per class, in label order); got None")
    if isinstance(class_counts, torch.Tensor):
        class_counts = class_counts.detach().cpu().numpy()
    if isinstance(class_counts, dict):
        raise TypeError(
            f"{func}: class_counts must be a sequence in label order, got a dict; pass "
            "list(counts.values()) with the keys sorted as the encoded labels"
        )
    try:
        n = np.asarray(class_counts, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: class_counts must be a sequence of numbers, got {class_counts!r}"
        ) from None
    if n.ndim != 1 or n.size == 0:
        raise DataError(f"{func}: class_counts must be a non-empty 1-D sequence, got shape {n.shape}")
    bad = ~np.isfinite(n) | (n <= 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{func}: class_counts must be finite and > 0, but class {first} has {n[first]}; "
            "a class without training rows cannot be weighted: drop it from the label set"
        )
    return n


# Up to this many classes ``logsumexp`` runs forward + backward 1.3-10x faster on the CPU than
# ``log_softmax`` (whose kernel is slow for short rows); from 17 classes on, log_softmax wins by
# 1.3-3x (torch 2.13, one thread, N = 4096 to 65536).
_LOGSUMEXP_MAX_CLASSES = 16


def target_log_prob(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``log softmax(logits)[i, target_i]`` for each row, in log space."""
    index = target.unsqueeze(1)
    if logits.shape[1] <= _LOGSUMEXP_MAX_CLASSES:
        # shift by the (constant) row maximum first, as log_softmax does: z_y - max is exactly 0
        # for a confident row, so its tiny loss keeps full relative precision
        top = logits.detach().amax(1, keepdim=True)
        return (logits.gather(1, index) - top).squeeze(1) - torch.logsumexp(logits - top, dim=1)
    return F.log_softmax(logits, dim=1).gather(1, index).squeeze(1)


def modulating_factor(base: torch.Tensor, gamma) -> torch.Tensor:
    """``base ** gamma`` for ``base`` in [0, 1] with a finite gradient where ``base`` is 0.

    For ``0 < gamma < 1`` the derivative of ``x ** gamma`` at 0 is infinite and would turn the
    loss's zero gradient into NaN; the saturated entries take their value without a gradient.
    """
    zero = base <= 0
    safe = base.masked_fill(zero, 1.0).pow(gamma)
    return torch.where(zero, base.detach().clamp_min(0).pow(gamma), safe)


def reduce_rows(loss: torch.Tensor, valid: torch.Tensor, reduction: str,
                row_weight: torch.Tensor | None = None) -> torch.Tensor:
    """Reduce per-row losses (ignored rows already 0) like :func:`torch.nn.functional.cross_entropy`.

    ``"mean"`` divides by the number of valid rows, or by the sum of ``row_weight`` over them when
    a per-class weight was given (torch's weighted mean).
    """
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if row_weight is None:
        return loss.sum() / valid.sum().to(loss.dtype)
    return loss.sum() / (row_weight * valid).sum()
