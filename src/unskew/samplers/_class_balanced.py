"""Class-balanced samplers for ``torch.utils.data.DataLoader``."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import Sampler

from .._utils._docstrings import fill_doc
from ._probabilities import (
    check_epoch,
    check_mode,
    draw_indices,
    encode_labels,
    sampling_probabilities,
)

_SHARED_PARAMS = """labels : array-like or Tensor of shape (n_samples,)
        Integer class id of each row of the dataset (encode string labels first).
    mode : {"instance", "class-balanced", "sqrt", "progressive"}, default="class-balanced"
        Class sampling probabilities ``p_j ∝ n_j ** q`` of Kang et al. (ICLR 2020): ``q = 1``
        (``"instance"``, plain shuffling), ``q = 0`` (``"class-balanced"``), ``q = 1/2``
        (``"sqrt"``), or ``"progressive"``, which moves linearly from instance- to
        class-balanced over ``n_epochs`` epochs. See :func:`sampling_probabilities`.
    replacement : bool, default=True
        Draw with replacement (the paper's scheme; a rare row can appear several times in an
        epoch). Without replacement the class shares only follow ``p`` while enough rows of
        each class remain.
    n_epochs : int, optional
        Length ``T`` of the progressive schedule; required for ``mode="progressive"``.
    num_classes : int, optional
        Declare the classes as ``0 .. num_classes-1`` (a class may then have no rows; allowed
        only in ``"instance"`` and ``"sqrt"`` mode). By default the classes are the distinct
        labels."""


def _check_seed(seed, owner: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed for {owner} must be an int, got {seed!r}")
    return int(seed)


def _check_enough_rows(counts: np.ndarray, probs: np.ndarray, n: int, owner: str) -> None:
    available = int(counts[probs > 0].sum())
    if n > available:
        raise ValueError(
            f"{owner} cannot draw {n} distinct rows: only {available} rows belong to classes "
            "with a positive sampling probability; pass replacement=True"
        )


class _ClassSampler(Sampler[int]):
    """What both samplers share: the classes, the mode, its probabilities at each epoch and the
    seeded draw of an epoch."""

    def _set_classes(self, labels, mode: str, replacement: bool, n_epochs: int | None,
                     num_classes: int | None) -> None:
        owner = type(self).__name__
        self.mode = check_mode(mode, owner)
        self._codes, self.class_counts = encode_labels(labels, num_classes, owner)
        self.n_epochs = n_epochs
        self.replacement = bool(replacement)
        # fail now, not in the first pass: checks n_epochs and classes without rows
        sampling_probabilities(self.class_counts, mode, epoch=0, n_epochs=n_epochs)
        self.epoch = 0

    def class_probabilities(self, epoch: int | None = None) -> np.ndarray:
        """Probability of drawing each class at ``epoch`` (by default the next draw's)."""
        epoch = self.epoch if epoch is None else check_epoch(epoch)
        return sampling_probabilities(self.class_counts, self.mode, epoch=epoch,
                                      n_epochs=self.n_epochs)

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch of the next draw (its seed and, in progressive mode, its
        probabilities); a distributed sampler needs it on every rank before each epoch."""
        self.epoch = check_epoch(epoch)

    def _draw(self, n: int, epoch: int) -> torch.Tensor:
        """``n`` row indices for ``epoch``, from a generator seeded with ``seed + epoch``."""
        generator = torch.Generator().manual_seed(self.seed + epoch)
        probs = self.class_probabilities(epoch)
        if not self.replacement:
            _check_enough_rows(self.class_counts, probs, n, type(self).__name__)
        return draw_indices(self._codes, probs, n, self.replacement, generator)


@fill_doc(shared=_SHARED_PARAMS)
class ClassBalancedSampler(_ClassSampler):
    """Draw row indices so that classes appear with the probabilities of Kang et al. (ICLR 2020).

    The sampler yields ``num_samples`` indices per pass; pass it as ``DataLoader(sampler=...)``.
    Each pass draws a class ``j`` with probability ``p_j`` and then one of its rows uniformly.
    The indices of a pass depend only on ``seed`` and the epoch: a pass uses the current epoch
    and then advances it by one, and :meth:`set_epoch` sets it explicitly (as with
    ``DistributedSampler``), so a resumed run replays the same order.

    Parameters
    ----------
    {shared}
    num_samples : int, optional
        Indices per pass; by default the number of rows.
    seed : int, optional
        Base seed; pass ``e`` uses ``torch.Generator().manual_seed(seed + e)``. By default one is
        drawn from torch's global generator when the sampler is created (so
        ``torch.manual_seed`` makes it reproducible).

    Attributes
    ----------
    class_counts : ndarray of shape (n_classes,)
        Rows per class.
    epoch : int
        The epoch the next pass will use.

    See Also
    --------
    DistributedClassBalancedSampler : The same draws, sharded over processes.
    sampling_probabilities : The class probabilities of each mode.

    Examples
    --------
    >>> import torch
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> from unskew.samplers import ClassBalancedSampler
    >>> y = torch.tensor([0] * 90 + [1] * 10)
    >>> sampler = ClassBalancedSampler(y, seed=0)
    >>> sampler.class_probabilities().tolist()
    [0.5, 0.5]
    >>> loader = DataLoader(TensorDataset(torch.randn(100, 3), y), batch_size=50, sampler=sampler)
    >>> labels = torch.cat([yb for _, yb in loader])
    >>> len(labels), 30 < int(labels.sum()) < 70
    (100, True)
    """

    def __init__(self, labels, *, mode: str = "class-balanced", num_samples: int | None = None,
                 replacement: bool = True, n_epochs: int | None = None,
                 num_classes: int | None = None, seed: int | None = None):
        owner = type(self).__name__
        self._set_classes(labels, mode, replacement, n_epochs, num_classes)
        n_rows = int(self._codes.size)
        if num_samples is None:
            num_samples = n_rows
        if isinstance(num_samples, bool) or not isinstance(num_samples, int | np.integer) \
                or num_samples < 1:
            raise ValueError(f"num_samples for {owner} must be a positive int, got {num_samples!r}")
        if not self.replacement and num_samples > n_rows:
            raise ValueError(
                f"num_samples={num_samples} exceeds the {n_rows} rows, which is impossible "
                "without replacement; pass replacement=True or num_samples <= the number of rows"
            )
        self.num_samples = int(num_samples)
        if seed is None:
            seed = int(torch.randint(0, 2**62, (), dtype=torch.int64).item())
        self.seed = _check_seed(seed, owner)

    def __iter__(self) -> Iterator[int]:
        epoch = self.epoch
        self.epoch += 1  # a pass advances the epoch, even one that fails
        return iter(self._draw(self.num_samples, epoch).tolist())

    def __len__(self) -> int:
        return self.num_samples


@fill_doc(shared=_SHARED_PARAMS)
class DistributedClassBalancedSampler(_ClassSampler):
    """Class-balanced draws sharded over processes like ``torch.utils.data.DistributedSampler``.

    Every rank draws the same global index list for an epoch, with the scheme of
    :class:`ClassBalancedSampler` and a generator seeded with ``seed + epoch``, and keeps every
    ``num_replicas``-th index starting at ``rank``. The list has as many indices as the dataset
    has rows; it is padded with its own first indices to be evenly divisible, or truncated with
    ``drop_last=True``. Call :meth:`set_epoch` at the start of every epoch on every rank, or all
    epochs repeat the same draws.

    Parameters
    ----------
    {shared}
    num_replicas : int, optional
        Number of processes; by default the world size of the initialised process group.
    rank : int, optional
        This process's rank in ``0 .. num_replicas-1``; by default taken from the process group.
    seed : int, default=0
        Base seed, the same on every rank.
    drop_last : bool, default=False
        Drop the tail of the epoch list instead of padding it.

    Attributes
    ----------
    num_samples : int
        Indices this rank yields per epoch (the same on every rank).
    total_size : int
        ``num_samples * num_replicas``.

    Examples
    --------
    >>> from unskew.samplers import DistributedClassBalancedSampler
    >>> y = [0] * 8 + [1] * 2
    >>> shards = [list(DistributedClassBalancedSampler(y, num_replicas=3, rank=r, seed=1))
    ...           for r in range(3)]
    >>> [len(s) for s in shards]
    [4, 4, 4]
    """

    def __init__(self, labels, *, num_replicas: int | None = None, rank: int | None = None,
                 mode: str = "class-balanced", replacement: bool = True,
                 n_epochs: int | None = None, num_classes: int | None = None, seed: int = 0,
                 drop_last: bool = False):
        owner = type(self).__name__
        if num_replicas is None or rank is None:
            group_ready = torch.distributed.is_available() and torch.distributed.is_initialized()
            if not group_ready:
                raise RuntimeError(
                    f"{owner} needs num_replicas and rank when no torch.distributed process "
                    "group is initialised; pass both, or call init_process_group first"
                )
            num_replicas = torch.distributed.get_world_size() if num_replicas is None \
                else num_replicas
            rank = torch.distributed.get_rank() if rank is None else rank
        for name, value in (("num_replicas", num_replicas), ("rank", rank)):
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise TypeError(f"{name} for {owner} must be an int, got {value!r}")
        if num_replicas < 1:
            raise ValueError(f"num_replicas for {owner} must be >= 1, got {num_replicas}")
        if not 0 <= rank < num_replicas:
            raise ValueError(
                f"rank for {owner} must be in 0 .. {num_replicas - 1} "
                f"(num_replicas={num_replicas}), got {rank}"
            )
        self.num_replicas, self.rank = int(num_replicas), int(rank)
        self._set_classes(labels, mode, replacement, n_epochs, num_classes)
        self.seed = _check_seed(seed, owner)
        self.drop_last = bool(drop_last)
        n_rows = int(self._codes.size)
        if self.drop_last and n_rows % self.num_replicas:
            self.num_samples = n_rows // self.num_replicas
            if self.num_samples == 0:
                raise ValueError(
                    f"drop_last=True leaves no rows: {n_rows} rows over {self.num_replicas} "
                    "replicas; pass drop_last=False"
                )
        else:
            self.num_samples = -(-n_rows // self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas

    def epoch_indices(self) -> list[int]:
        """The global index list of the current epoch, padded or truncated (before sharding)."""
        indices = self._draw(int(self._codes.size), self.epoch).tolist()
        if len(indices) < self.total_size:
            pad = self.total_size - len(indices)
            indices += (indices * (pad // len(indices) + 1))[:pad]
        return indices[: self.total_size]

    def __iter__(self) -> Iterator[int]:
        return iter(self.epoch_indices()[self.rank : self.total_size : self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

