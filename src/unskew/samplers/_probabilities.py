"""Class sampling probabilities of Kang et al. (ICLR 2020) and the label checks the samplers share."""

from __future__ import annotations

import numpy as np
import torch

from .._utils._text import did_you_mean
from ..exceptions import DataError
from ..weights import weights_from_counts

SAMPLING_MODES = ("instance", "class-balanced", "sqrt", "progressive")

# mode -> unskew.weights method whose per-row weight w_j gives p_j ∝ n_j * w_j ∝ n_j ** q
_WEIGHTING_OF_MODE = {"class-balanced": "balanced", "sqrt": "inverse_sqrt"}


def check_mode(mode: str, owner: str) -> str:
    """Return ``mode`` or raise a ValueError listing the options."""
    if mode not in SAMPLING_MODES:
        raise ValueError(
            f"unknown mode={mode!r} for {owner}; expected one of "
            f"{', '.join(repr(m) for m in SAMPLING_MODES)}{did_you_mean(str(mode), SAMPLING_MODES)}"
        )
    return mode


def encode_labels(labels, num_classes: int | None, owner: str) -> tuple[np.ndarray, np.ndarray]:
    """Check 1-D integer labels; return ``(codes, counts)`` with codes in ``0 .. C-1``.

    Without ``num_classes`` the classes are the distinct labels in sorted order; with it they are
    ``0 .. num_classes-1`` and a class may have no rows.
    """
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise DataError(
            f"labels for {owner} must be a 1-D sequence of integer class ids, got shape {arr.shape}"
        )
    if arr.size == 0:
        raise DataError(f"labels for {owner} is empty; the sampler needs at least one row")
    if arr.dtype.kind not in "iu":
        raise DataError(
            f"labels for {owner} must be integer class ids, got dtype {arr.dtype}; encode them "
            "first, e.g. codes = numpy.unique(y, return_inverse=True)[1]"
        )
    if num_classes is None:
        _, codes, counts = np.unique(arr, return_inverse=True, return_counts=True)
        return codes.reshape(-1).astype(np.int64), counts.astype(np.int64)
    if isinstance(num_classes, bool) or not isinstance(num_classes, int | np.integer) or num_classes < 1:
        raise ValueError(f"num_classes for {owner} must be a positive int, got {num_classes!r}")
    outside = (arr < 0) | (arr >= num_classes)
    if outside.any():
        raise DataError(
            f"labels for {owner} must lie in 0 .. {num_classes - 1} (num_classes={num_classes}); "
            f"found {np.unique(arr[outside])[:5].tolist()}"
        )
    return arr.astype(np.int64), np.bincount(arr, minlength=num_classes).astype(np.int64)


def sampling_probabilities(class_counts, mode: str = "class-balanced", *, epoch: int = 0,
                           n_epochs: int | None = None) -> np.ndarray:
    """Probability of drawing each class, ``p_j ∝ n_j ** q`` (Kang et al., ICLR 2020).

    ========================  ===========================================================
    ``mode``                  ``p_j``
    ========================  ===========================================================
    ``"instance"``            ``n_j / N`` (q = 1: every row equally likely)
    ``"class-balanced"``      ``1 / C`` (q = 0)
    ``"sqrt"``                ``sqrt(n_j) / sum_k sqrt(n_k)`` (q = 1/2)
    ``"progressive"``         ``(1 - t/T) * p_j^instance + (t/T) * p_j^class-balanced``
                              with ``t = min(epoch, T)``, ``T = n_epochs``
    ========================  ===========================================================

    Rows within a class are equally likely, so a row of class ``j`` is drawn with probability
    ``p_j / n_j``. A class without rows gets ``p_j = 0`` in ``"instance"`` and ``"sqrt"`` mode;
    in the modes that need it (``"class-balanced"``, ``"progressive"``) it is an error.

    Parameters
    ----------
    class_counts : array-like of shape (n_classes,)
        Rows per class.
    mode : {"instance", "class-balanced", "sqrt", "progressive"}, default="class-balanced"
        The sampling scheme.
    epoch : int, default=0
        The current epoch ``t`` (only for ``"progressive"``).
    n_epochs : int, optional
        The length ``T`` of the progressive schedule; required for ``"progressive"``.

    Returns
    -------
    ndarray of shape (n_classes,)
        Float64 probabilities summing to 1.

    Examples
    --------
    >>> from unskew.samplers import sampling_probabilities
    >>> sampling_probabilities([90, 10], "instance").tolist()
    [0.9, 0.1]
    >>> sampling_probabilities([90, 10], "class-balanced").tolist()
    [0.5, 0.5]
    >>> sampling_probabilities([90, 10], "sqrt").round(3).tolist()
    [0.75, 0.25]
    >>> sampling_probabilities([90, 10], "progressive", epoch=5, n_epochs=10).tolist()
    [0.7, 0.3]
    """
    check_mode(mode, "sampling_probabilities")
    counts = np.asarray(class_counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise DataError(f"class_counts must be a non-empty 1-D array, got shape {counts.shape}")
    if not np.all(np.isfinite(counts)) or (counts < 0).any() or counts.sum() == 0:
        raise DataError(
            f"class_counts must be finite, >= 0 and not all 0, got {counts.tolist()[:10]}"
        )
    if mode == "progressive":
        n_epochs = _check_n_epochs(n_epochs)
        epoch = check_epoch(epoch)
    empty = np.flatnonzero(counts == 0)
    if empty.size and mode in ("class-balanced", "progressive"):
        raise DataError(
            f"classes {empty[:5].tolist()} have no rows, so mode={mode!r} cannot give them their "
            "share of the draws; drop them from num_classes, or use mode='instance' or 'sqrt'"
        )
    present = counts > 0

    def of(q_mode: str) -> np.ndarray:
        probs = np.zeros_like(counts)
        if q_mode == "instance":
            probs[present] = counts[present]
        else:
            n = counts[present]
            probs[present] = n * weights_from_counts(n, _WEIGHTING_OF_MODE[q_mode])
        return probs / probs.sum()

    if mode != "progressive":
        return of(mode)
    share = min(epoch, n_epochs) / n_epochs
    return (1.0 - share) * of("instance") + share * of("class-balanced")


def _check_n_epochs(n_epochs) -> int:
    if n_epochs is None:
        raise ValueError(
            "mode='progressive' needs n_epochs, the number of epochs T over which sampling moves "
            "from instance-balanced to class-balanced; e.g. n_epochs=max_epochs"
        )
    if isinstance(n_epochs, bool) or not isinstance(n_epochs, int | np.integer) or n_epochs < 1:
        raise ValueError(f"n_epochs must be a positive int, got {n_epochs!r}")
    return int(n_epochs)


def check_epoch(epoch) -> int:
    """Return ``epoch`` as an int, or raise a ValueError."""
    if isinstance(epoch, bool) or not isinstance(epoch, int | np.integer) or epoch < 0:
        raise ValueError(f"epoch must be an int >= 0, got {epoch!r}")
    return int(epoch)


def draw_indices(codes: np.ndarray, class_probs: np.ndarray, n: int, replacement: bool,
                 generator: torch.Generator) -> torch.Tensor:
    """Draw ``n`` row indices: class ``j`` with probability ``p_j``, then a row of it uniformly.

    With replacement this is the two-stage draw of Kang et al. (a class, then one of its rows),
    which also avoids ``torch.multinomial``'s limit of 2**24 categories on large datasets. Without
    replacement it is successive weighted draws (exponential keys, Efraimidis and Spirakis 2006):
    the first draw follows ``p`` exactly, later ones as far as the remaining rows allow.
    """
    counts = np.bincount(codes, minlength=class_probs.size)
    row_weight = torch.from_numpy(
        np.divide(class_probs, counts, out=np.zeros_like(class_probs), where=counts > 0)[codes]
    )
    if not replacement:
        keys = torch.empty(codes.size, dtype=torch.float64).exponential_(generator=generator)
        keys = keys / row_weight  # rows of weight 0 get +inf and come last
        return torch.argsort(keys, stable=True)[:n]
    classes = torch.multinomial(torch.from_numpy(class_probs), n, replacement=True,
                                generator=generator)
    order = torch.from_numpy(np.argsort(codes, kind="stable"))
    starts = torch.from_numpy(np.concatenate([[0], np.cumsum(counts)[:-1]]))
    sizes = torch.from_numpy(counts)[classes]
    u = torch.rand(n, dtype=torch.float64, generator=generator)
    within = torch.minimum((u * sizes).long(), sizes - 1)
    return order[starts[classes] + within]
