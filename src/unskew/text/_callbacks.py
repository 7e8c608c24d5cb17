"""``TrainerCallback`` schedules driven by the epoch: deferred re-weighting (DRW) and
progressive sampling, plus the one-line-per-epoch progress printer of ``unskew finetune``."""

from __future__ import annotations

import math
import time

from transformers import TrainerCallback

from ..losses import drw_weights

__all__ = ["DRWCallback", "EpochProgressCallback", "ProgressiveSamplingCallback"]


def _epoch(state) -> int:
    return round(float(state.epoch or 0.0))


def _n_epochs(args, state) -> int:
    n = getattr(state, "num_train_epochs", None) or args.num_train_epochs
    return max(1, math.ceil(float(n)))


class DRWCallback(TrainerCallback):
    """Deferred re-weighting (Cao et al., NeurIPS 2019) as a ``TrainerCallback``.

    At the start of each epoch sets the loss's class weights to
    :func:`unskew.losses.drw_weights`: none before ``start * num_train_epochs`` epochs, the
    effective-number weights after.

    Parameters
    ----------
    loss : TrainerLoss or torch.nn.Module
        The loss whose weight is scheduled (a module with ``set_weight``, such as every unskew
        loss; a :class:`~unskew.text.TrainerLoss` is unwrapped).
    class_counts : sequence of int, optional
        Training rows per class; by default the loss's own.
    start : float in [0, 1], default=0.8
    beta : float in [0, 1), default=0.9999

    Attributes
    ----------
    history_ : list of (epoch, weights or None)
        The weights set at each epoch.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from unskew.text import DRWCallback, TrainerLoss
    >>> loss = TrainerLoss("ldam", class_counts=[90, 10])
    >>> callback = DRWCallback(loss, start=0.5)
    >>> args = SimpleNamespace(num_train_epochs=4)
    >>> for epoch in range(4):
    ...     callback.on_epoch_begin(args, SimpleNamespace(epoch=float(epoch)), None)
    >>> [w is None for _, w in callback.history_]
    [True, True, False, False]
    """

    def __init__(self, loss, *, class_counts=None, start: float = 0.8, beta: float = 0.9999):
        criterion = getattr(loss, "criterion", loss)
        if not hasattr(criterion, "set_weight"):
            raise TypeError(f"DRWCallback needs a loss with set_weight (every unskew loss); "
                            f"{type(criterion).__name__} has none")
        counts = class_counts if class_counts is not None else getattr(loss, "class_counts", None)
        if counts is None:
            raise ValueError("DRWCallback needs class_counts (training rows per class)")
        self.criterion = criterion
        self.class_counts = list(counts)
        self.start = start
        self.beta = beta
        self.history_ = []

    def on_epoch_begin(self, args, state, control, **kwargs):
        epoch = _epoch(state)
        weight = drw_weights(self.class_counts, epoch, _n_epochs(args, state), start=self.start,
                             beta=self.beta)
        self.criterion.set_weight(weight)
        self.history_.append((epoch, None if weight is None else weight.tolist()))
        return control


def _find_sampler(loader):
    seen = 0
    node = loader
    while node is not None and seen < 6:
        if hasattr(node, "set_epoch") and hasattr(node, "class_probabilities"):
            return node
        for attr in ("sampler", "batch_sampler", "base_dataloader"):
            inner = getattr(node, attr, None)
            if inner is not None and hasattr(inner, "set_epoch") \
                    and hasattr(inner, "class_probabilities"):
                return inner
        node = getattr(node, "batch_sampler", None) or getattr(node, "base_dataloader", None)
        seen += 1
    return None


class ProgressiveSamplingCallback(TrainerCallback):
    """Set the training sampler's epoch at the start of each epoch (progressive sampling).

    A progressive :class:`~unskew.samplers.ClassBalancedSampler` moves from instance- to
    class-balanced over its ``n_epochs``; this callback tells it the epoch the ``Trainer`` is
    in (newer transformers also call ``set_epoch`` themselves; older ones do not reach a
    sampler wrapped by accelerate, and a resumed run would start from 0).

    Parameters
    ----------
    sampler : Sampler, optional
        The sampler; by default found through the trainer's training data loader (or
        ``trainer.train_sampler_`` of :class:`~unskew.text.ImbalancedTrainer`).

    Attributes
    ----------
    history_ : list of (epoch, class probabilities)

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from unskew.samplers import ClassBalancedSampler
    >>> from unskew.text import ProgressiveSamplingCallback
    >>> sampler = ClassBalancedSampler([0, 0, 0, 1], mode="progressive", n_epochs=3, seed=0)
    >>> callback = ProgressiveSamplingCallback(sampler)
    >>> for epoch in range(3):
    ...     callback.on_epoch_begin(None, SimpleNamespace(epoch=float(epoch)), None)
    >>> [round(p[1], 3) for _, p in callback.history_]
    [0.25, 0.333, 0.417]
    """

    def __init__(self, sampler=None):
        self.sampler = sampler
        self.history_ = []

    def on_epoch_begin(self, args, state, control, train_dataloader=None, **kwargs):
        sampler = self.sampler or _find_sampler(train_dataloader)
        if sampler is None:
            return control
        epoch = _epoch(state)
        sampler.set_epoch(epoch)
        self.history_.append((epoch, sampler.class_probabilities().tolist()))
        return control


class EpochProgressCallback(TrainerCallback):
    """Print one line per epoch: training loss, the evaluation metrics, seconds."""

    def __init__(self, printer=print, metrics=("eval_macro_f1", "eval_balanced_accuracy")):
        self.printer = printer
        self.metrics = metrics
        self._start = None
        self._train_loss = None

    def on_epoch_begin(self, args, state, control, **kwargs):
        self._start = time.perf_counter()
        return control

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            self._train_loss = logs["loss"]
        return control

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        metrics = metrics or {}
        parts = [f"epoch {_epoch(state)}/{_n_epochs(args, state)}"]
        if self._train_loss is not None:
            parts.append(f"train loss {self._train_loss:.4f}")
        if "eval_loss" in metrics:
            parts.append(f"eval loss {metrics['eval_loss']:.4f}")
        for name in self.metrics:
            if name in metrics:
                parts.append(f"{name.removeprefix('eval_').replace('_', '-')} {metrics[name]:.3f}")
        if self._start is not None:
            parts.append(f"{time.perf_counter() - self._start:.1f} s")
        self.printer("  ".join(parts))
        return control
