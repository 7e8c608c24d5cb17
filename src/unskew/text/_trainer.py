"""Hugging Face ``Trainer`` integration: unskew losses through ``compute_loss_func``, unskew
samplers through ``_get_train_sampler``, and :class:`ImbalancedTrainer` holding both.

Two ways in, the same maths:

* keep your own ``Trainer`` and pass ``compute_loss_func=TrainerLoss("focal")``, then
  ``use_sampler(trainer, "class-balanced")``;
* or build one :class:`ImbalancedTrainer` with ``loss=`` and ``sampler=``.

Gradient accumulation. When ``compute_loss_func`` is set, ``Trainer`` passes
``num_items_in_batch`` (the labels that are not ``-100`` over the whole accumulated batch) and
no longer divides the loss by the accumulation steps. :class:`TrainerLoss` therefore returns
the *sum* of the per-item (weighted) losses divided by that count, never a batch mean, so
8 rows x 2 accumulation steps give the gradient of 16 rows x 1. For class-weighted losses this
differs from torch's weighted mean (which divides by the batch's sum of weights) by a factor
that is constant within a batch: the optimum is the same, the gradient scale follows the
weights. transformers 4.46 passes no count for models without loss keyword arguments (and does
not divide either); :class:`ImbalancedTrainer` counts the labels itself there.
"""

from __future__ import annotations

import inspect
import re
import types
import warnings
from collections.abc import Mapping

import numpy as np
import torch
import transformers
from torch import nn
from torch.utils.data import Sampler
from transformers import Trainer

from .._utils._text import did_you_mean
from ..losses import LOSSES, BalancedSoftmaxLoss, LogitAdjustedLoss, get_loss
from ..samplers import SAMPLING_MODES, ClassBalancedSampler

__all__ = [
    "DoubleCorrectionWarning",
    "ImbalancedTrainer",
    "TrainerLoss",
    "check_double_correction",
    "dataset_labels",
    "make_train_sampler",
    "use_sampler",
]

# does this transformers' Trainer take compute_loss_func (4.46 and later)?
HAS_COMPUTE_LOSS_FUNC = "compute_loss_func" in inspect.signature(Trainer.__init__).parameters
TRANSFORMERS_VERSION = tuple(int(p) for p in re.findall(r"\d+", transformers.__version__)[:2])


def trainer_divides_by_accumulation(trainer) -> bool:
    """Whether this transformers divides a loss computed by an overridden ``compute_loss``
    (without ``compute_loss_func``) by the accumulation steps.

    Before 4.46 accelerate divides; 4.46 and 4.47 never divide; from 4.48 on the Trainer
    divides unless the model takes loss keyword arguments (then it passes the item count).
    """
    if TRANSFORMERS_VERSION < (4, 46):
        return True
    if TRANSFORMERS_VERSION < (4, 48):
        return False
    return not getattr(trainer, "model_accepts_loss_kwargs", False)

# losses that already divide out the training prior: a balanced sampler on top corrects twice
PRIOR_CORRECTING = ("logit-adjusted", "balanced-softmax")
# sampler modes that balance the classes (progressive ends there)
BALANCING_MODES = ("class-balanced", "progressive")

# HF defaults for losses whose reference settings assume cosine logits: a sequence-classification
# head emits unbounded logits, so LDAM's scale s=30 would make its margins meaningless
_HEAD_DEFAULTS = {"ldam": {"s": 1.0}}


class DoubleCorrectionWarning(UserWarning):
    """A balanced sampler combined with a loss that already corrects for the class prior."""


def _loss_name(loss) -> str | None:
    if isinstance(loss, str):
        return loss
    if isinstance(loss, TrainerLoss):
        return loss.name
    if isinstance(loss, LogitAdjustedLoss):
        return "logit-adjusted"
    if isinstance(loss, BalancedSoftmaxLoss):
        return "balanced-softmax"
    return None


def _sampler_mode(sampler) -> str | None:
    if isinstance(sampler, str):
        return sampler
    return getattr(sampler, "mode", None)


def check_double_correction(loss, sampler) -> bool:
    """Warn when a balanced sampler meets a prior-correcting loss; return whether it warned.

    Logit-adjusted and balanced-softmax losses add ``log prior`` to the logits during training,
    which already trains for the balanced error. A class-balanced (or progressive) sampler
    also removes the prior, so the correction is applied twice and the model flips towards
    the rarest class. Use one of the two, or plain cross-entropy with the sampler.

    Parameters
    ----------
    loss : str, TrainerLoss or torch.nn.Module
    sampler : str or torch.utils.data.Sampler

    Returns
    -------
    bool

    Examples
    --------
    >>> import warnings
    >>> from unskew.text import check_double_correction
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     check_double_correction("balanced-softmax", "class-balanced")
    True
    >>> caught[0].category.__name__
    'DoubleCorrectionWarning'
    >>> check_double_correction("ce", "class-balanced")
    False
    """
    name, mode = _loss_name(loss), _sampler_mode(sampler)
    if name in PRIOR_CORRECTING and mode in BALANCING_MODES:
        warnings.warn(
            f"loss {name!r} already corrects for the class prior, and the {mode!r} sampler "
            "corrects for it again: the model will lean towards the rarest class. Use "
            f"sampler=None with loss={name!r}, or loss='ce' (or 'focal') with the sampler.",
            DoubleCorrectionWarning, stacklevel=3)
        return True
    return False


# -- the loss ------------------------------------------------------------------------------------

def _logits_of(outputs) -> torch.Tensor:
    if isinstance(outputs, torch.Tensor):
        return outputs
    if isinstance(outputs, Mapping):
        if "logits" not in outputs:
            raise KeyError(f"TrainerLoss: the model outputs have no 'logits' (keys: "
                           f"{', '.join(map(str, outputs))})")
        return outputs["logits"]
    if hasattr(outputs, "logits"):
        return outputs.logits
    return outputs[0]


def _as_count(num_items_in_batch) -> torch.Tensor | float | None:
    if num_items_in_batch is None:
        return None
    if isinstance(num_items_in_batch, torch.Tensor):
        return num_items_in_batch.detach().to(torch.float32).reshape(-1)[0]
    return float(num_items_in_batch)


class TrainerLoss:
    """Any unskew loss as a ``compute_loss_func`` for Hugging Face ``Trainer``.

    Called as ``f(outputs, labels, num_items_in_batch=N)``; returns the sum of the per-item
    losses divided by ``N`` (the labels that are not ``-100`` over the whole accumulated
    batch), or by the batch's own count when ``N`` is not given (evaluation). See the module
    docstring for why this is not a batch mean.

    Parameters
    ----------
    loss : str or torch.nn.Module, default="ce"
        A name of :data:`unskew.losses.LOSSES` or a loss module (any module with a
        ``reduction`` attribute that returns one loss per row for ``reduction="none"``).
    class_counts : sequence of int, optional
        Training rows per class in label order, for the losses built from the class
        distribution (class-balanced, LDAM, logit-adjusted, balanced softmax).
    **params
        Constructor arguments of the loss, as for :func:`unskew.losses.get_loss`. For
        ``"ldam"`` the scale ``s`` defaults to 1.0 here (a classification head's logits are
        not cosines).

    Attributes
    ----------
    criterion : torch.nn.Module
        The loss module (its ``set_weight`` is what :class:`~unskew.text.DRWCallback` calls).
    name : str or None
        The registry name, when built from one.

    Examples
    --------
    >>> import torch
    >>> from unskew.text import TrainerLoss
    >>> loss = TrainerLoss("ce", class_counts=[3, 1], weight="balanced")
    >>> logits, labels = torch.zeros(4, 2), torch.tensor([0, 0, 0, 1])
    >>> loss({"logits": logits}, labels, num_items_in_batch=8)  # half of an accumulated batch
    tensor(0.3466)
    """

    def __init__(self, loss="ce", *, class_counts=None, **params):
        if isinstance(loss, TrainerLoss):
            raise TypeError("TrainerLoss got a TrainerLoss; pass it as it is")
        if isinstance(loss, str):
            if loss not in LOSSES:
                raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(LOSSES)}"
                                 f"{did_you_mean(loss, LOSSES)}")
            params = {**_HEAD_DEFAULTS.get(loss, {}), **params}
            self.criterion = get_loss(loss, class_counts=class_counts, **params)
            self.name = loss
        elif isinstance(loss, nn.Module):
            if params:
                raise TypeError(f"TrainerLoss got a loss module and parameters {sorted(params)}; "
                                "set them on the module")
            if not hasattr(loss, "reduction"):
                raise TypeError(f"TrainerLoss needs a loss module with a 'reduction' attribute "
                                f"(one loss per row for 'none'); {type(loss).__name__} has none")
            self.criterion = loss
            self.name = _loss_name(loss)
        else:
            raise TypeError(f"TrainerLoss: loss must be a name ({', '.join(LOSSES)}) or a "
                            f"torch.nn.Module, got {type(loss).__name__}")
        self.class_counts = None if class_counts is None else [float(c) for c in class_counts]

    def per_item(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """The unreduced loss: one value per row (0 for ignored rows), or per label entry."""
        crit = self.criterion
        anchor = next((b for b in crit.buffers() if b is not None), None)
        if anchor is not None and anchor.device != logits.device:
            crit.to(logits.device)
        old = crit.reduction
        crit.reduction = "none"
        try:
            return crit(logits, labels)
        finally:
            crit.reduction = old

    def __call__(self, outputs, labels, num_items_in_batch=None) -> torch.Tensor:
        if labels is None:
            raise ValueError("TrainerLoss got labels=None: the batches need a 'labels' field "
                             "(rename the dataset's label column to 'labels')")
        logits = _logits_of(outputs)
        if not labels.is_floating_point() and labels.dim() == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        loss = self.per_item(logits.float() if logits.dtype == torch.float16 else logits, labels)
        count = _as_count(num_items_in_batch)
        if count is None:
            count = labels.ne(-100).sum().to(loss.dtype)
        total = loss.sum()
        return total / count if isinstance(count, float) else total / count.to(total.device)

    def __repr__(self) -> str:
        return f"TrainerLoss({self.criterion!r})"


# -- the sampler ---------------------------------------------------------------------------------

def dataset_labels(dataset) -> np.ndarray:
    """The integer class of every row of a training dataset, for the samplers and the counts.

    Reads a ``labels`` (or ``label``) column of a ``datasets.Dataset`` or a mapping of
    columns, a ``labels`` attribute, or the ``labels`` / ``label`` field of each item.

    Examples
    --------
    >>> from unskew.text import dataset_labels
    >>> dataset_labels([{"input_ids": [1], "labels": 2}, {"input_ids": [3], "labels": 0}])
    array([2, 0])
    """
    names = getattr(dataset, "column_names", None)
    if isinstance(names, list | tuple):
        for col in ("labels", "label"):
            if col in names:
                return np.asarray(dataset[col]).astype(np.int64)
    if isinstance(dataset, Mapping):
        for col in ("labels", "label"):
            if col in dataset:
                return np.asarray(dataset[col]).astype(np.int64)
    if hasattr(dataset, "labels") and not callable(dataset.labels):
        return np.asarray(dataset.labels).astype(np.int64)
    out = []
    for i in range(len(dataset)):
        item = dataset[i]
        key = "labels" if "labels" in item else "label" if "label" in item else None
        if key is None:
            raise KeyError(f"row {i} of the training dataset has no 'labels' field (fields: "
                           f"{', '.join(map(str, item))}); a class-aware sampler or loss needs "
                           "the encoded class of each row")
        value = item[key]
        out.append(int(value.item() if isinstance(value, torch.Tensor) else value))
    return np.asarray(out, dtype=np.int64)


def make_train_sampler(sampler, labels, *, n_epochs=None, seed=0, **params) -> Sampler | None:
    """Build the training sampler of a ``Trainer`` from a name, a sampler or a factory.

    Parameters
    ----------
    sampler : None, str, Sampler or callable
        A mode of :class:`unskew.samplers.ClassBalancedSampler` (``"class-balanced"``,
        ``"sqrt"``, ``"progressive"``, ``"instance"``), a ready sampler (returned as it is),
        or ``labels -> Sampler``.
    labels : array-like of int
        The class of each training row.
    n_epochs : int, optional
        The training's epochs (the length of the progressive schedule).
    seed : int, default=0
        Seed of the draws. Under multi-process training every process builds the same sampler
        with the same seed and accelerate hands each process its share of the batches, so the
        draw stays one class-balanced stream (a per-rank
        :class:`~unskew.samplers.DistributedClassBalancedSampler` would be sharded twice there;
        it is for plain ``torch.distributed`` loops).
    **params
        More arguments of :class:`~unskew.samplers.ClassBalancedSampler`.

    Examples
    --------
    >>> from unskew.text import make_train_sampler
    >>> make_train_sampler("sqrt", [0, 0, 0, 1]).class_probabilities().round(3).tolist()
    [0.634, 0.366]
    """
    if sampler is None:
        return None
    if isinstance(sampler, Sampler):
        return sampler
    if isinstance(sampler, str):
        if sampler not in SAMPLING_MODES:
            raise ValueError(f"unknown sampler {sampler!r}; expected one of "
                             f"{', '.join(SAMPLING_MODES)}{did_you_mean(sampler, SAMPLING_MODES)}")
        if sampler == "progressive":
            params.setdefault("n_epochs", n_epochs)
        return ClassBalancedSampler(np.asarray(labels), mode=sampler, seed=int(seed), **params)
    if callable(sampler):
        return sampler(np.asarray(labels))
    raise TypeError(f"sampler must be None, a mode ({', '.join(SAMPLING_MODES)}), a "
                    f"torch Sampler or a callable, got {type(sampler).__name__}")


def _n_epochs(args) -> int:
    return max(1, int(np.ceil(float(args.num_train_epochs))))


def _train_sampler_hook(self, train_dataset=None, *args, **kwargs):
    """``_get_train_sampler`` for both signatures: ``(self)`` up to transformers 4.51 and
    ``(self, train_dataset=None)`` from 4.52 on (called there as ``sampler_fn(dataset)``)."""
    dataset = self.train_dataset if train_dataset is None else train_dataset
    spec, params = self._unskew_sampler
    if spec is None:
        return self._unskew_stock_sampler(dataset)
    labels = dataset_labels(dataset)
    params = dict(params)
    n_epochs = params.pop("n_epochs", _n_epochs(self.args))
    seed = params.pop("seed", self.args.seed)
    sampler = make_train_sampler(spec, labels, n_epochs=n_epochs, seed=seed, **params)
    self.train_sampler_ = sampler
    return sampler


def _stock_sampler(trainer, dataset):
    stock = type(trainer)._get_train_sampler
    if stock is _train_sampler_hook:  # ImbalancedTrainer without a sampler: Trainer's own
        stock = Trainer._get_train_sampler
    params = inspect.signature(stock).parameters
    return stock(trainer, dataset) if len(params) > 1 else stock(trainer)


def use_sampler(trainer, sampler, **params):
    """Make an existing ``Trainer`` draw its training batches with an unskew sampler.

    Replaces the trainer's ``_get_train_sampler`` on the instance (no subclass needed) with one
    that serves both of its signatures across transformers versions; warns when the trainer's
    loss already corrects for the prior (see :func:`check_double_correction`).

    Parameters
    ----------
    trainer : transformers.Trainer
    sampler : str, Sampler or callable
        As in :func:`make_train_sampler`.
    **params
        More arguments of :class:`~unskew.samplers.ClassBalancedSampler`.

    Returns
    -------
    transformers.Trainer
        The same trainer. After training starts, ``trainer.train_sampler_`` is the sampler.

    Examples
    --------
    >>> from unskew.text import use_sampler
    >>> use_sampler(trainer, "class-balanced")  # doctest: +SKIP
    """
    if isinstance(sampler, str) and sampler not in SAMPLING_MODES:
        raise ValueError(f"unknown sampler {sampler!r}; expected one of "
                         f"{', '.join(SAMPLING_MODES)}{did_you_mean(sampler, SAMPLING_MODES)}")
    check_double_correction(getattr(trainer, "compute_loss_func", None), sampler)
    trainer._unskew_sampler = (sampler, params)
    trainer._unskew_stock_sampler = types.MethodType(_stock_sampler, trainer)
    trainer._get_train_sampler = types.MethodType(_train_sampler_hook, trainer)
    return trainer


# -- the trainer ---------------------------------------------------------------------------------

def _needs_counts(loss) -> bool:
    if not isinstance(loss, str) or loss not in LOSSES:
        return False
    return "class_counts" in inspect.signature(LOSSES[loss].__init__).parameters


def _counts_from_labels(labels: np.ndarray, n_classes: int) -> list[int]:
    counts = np.bincount(labels[labels >= 0], minlength=n_classes)
    if counts.size > n_classes:
        raise ValueError(f"the training labels go up to {counts.size - 1} but the model has "
                         f"num_labels={n_classes}; encode the labels as 0..{n_classes - 1}")
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        raise ValueError(f"class {int(empty[0])} has no training row; a loss built from the "
                         "class counts needs every class present: drop it from the label set or "
                         "pass class_counts=")
    return counts.tolist()


def _numpy_safe_globals():
    import contextlib

    serialization = torch.serialization
    if not hasattr(serialization, "safe_globals"):
        return contextlib.nullcontext()
    core = getattr(np, "_core", None) or np.core
    return serialization.safe_globals([core.multiarray._reconstruct, np.ndarray, np.dtype,
                                       type(np.dtype(np.uint32))])


class ImbalancedTrainer(Trainer):
    """A ``transformers.Trainer`` with an unskew loss, sampler and DRW schedule.

    Takes every argument of ``Trainer`` plus the keywords below. The loss goes in through
    ``compute_loss_func`` (summed over the items and divided by the accumulated batch's item
    count, see :class:`TrainerLoss`), or through an overridden ``compute_loss`` where this
    transformers has no ``compute_loss_func``; the sampler through ``_get_train_sampler``
    (both of its signatures).

    Parameters
    ----------
    *args, **kwargs
        Those of ``transformers.Trainer``.
    loss : str, torch.nn.Module or TrainerLoss, optional
        An unskew loss (a name of :data:`unskew.losses.LOSSES`); None keeps the model's own.
    loss_params : dict, optional
        Constructor arguments of the loss.
    sampler : str, Sampler or callable, optional
        As in :func:`make_train_sampler`; None keeps ``Trainer``'s shuffling.
    sampler_params : dict, optional
        More arguments of :class:`~unskew.samplers.ClassBalancedSampler`.
    class_counts : sequence of int, optional
        Training rows per class; by default counted from ``train_dataset``'s labels.
    drw : bool or float, default=False
        Deferred re-weighting: from this fraction of the epochs on (``True``: 0.8), the loss
        uses class-balanced weights (:class:`~unskew.text.DRWCallback`).

    Attributes
    ----------
    loss_ : TrainerLoss or None
    train_sampler_ : Sampler or None
        The sampler, once training has built its data loader.

    Examples
    --------
    >>> from unskew.text import ImbalancedTrainer
    >>> trainer = ImbalancedTrainer(model=model, args=args, train_dataset=train,
    ...                             loss="logit-adjusted")  # doctest: +SKIP
    >>> trainer.train()  # doctest: +SKIP
    """

    def __init__(self, *args, loss=None, loss_params=None, sampler=None, sampler_params=None,
                 class_counts=None, drw=False, **kwargs):
        if loss is not None and kwargs.get("compute_loss_func") is not None:
            raise TypeError("ImbalancedTrainer got both loss= and compute_loss_func=; pass one")
        super().__init__(*args, **kwargs)
        self._unskew_sampler = (sampler, dict(sampler_params or {}))
        self._unskew_stock_sampler = types.MethodType(_stock_sampler, self)
        self.train_sampler_ = None
        if class_counts is None and (_needs_counts(loss) or drw) and self.train_dataset is not None:
            class_counts = _counts_from_labels(dataset_labels(self.train_dataset),
                                               int(self.model.config.num_labels))
        self.class_counts_ = None if class_counts is None else list(class_counts)
        if loss is None:
            self.loss_ = None
        elif isinstance(loss, TrainerLoss):
            self.loss_ = loss
        else:
            self.loss_ = TrainerLoss(loss, class_counts=class_counts, **dict(loss_params or {}))
        check_double_correction(self.loss_ if self.loss_ is not None else loss, sampler)
        self._unskew_uses_loss_func = self.loss_ is not None and HAS_COMPUTE_LOSS_FUNC
        if self._unskew_uses_loss_func:
            self.compute_loss_func = self.loss_
        if drw:
            if self.loss_ is None:
                raise ValueError("drw=True re-weights an unskew loss: pass loss= as well")
            from ._callbacks import DRWCallback

            start = 0.8 if drw is True else float(drw)
            self.add_callback(DRWCallback(self.loss_, class_counts=self.class_counts_,
                                          start=start))

    _get_train_sampler = _train_sampler_hook

    def _load_rng_state(self, *args, **kwargs):
        # transformers before 4.49 load the checkpoint's numpy RNG state with torch.load, whose
        # weights_only default (torch >= 2.6) refuses numpy arrays: allow exactly those types,
        # as newer transformers do, so a run resumes under torch 2.13
        with _numpy_safe_globals():
            return super()._load_rng_state(*args, **kwargs)

    def get_batch_samples(self, *args, **kwargs):
        # transformers 4.46 counts no items for models without loss kwargs and then does not
        # divide the loss by the accumulation steps either: count them for the loss here
        batch_samples, num_items = super().get_batch_samples(*args, **kwargs)
        own = None
        if batch_samples and isinstance(batch_samples[0], Mapping) and "labels" in batch_samples[0]:
            own = sum(int(b["labels"].ne(-100).sum()) for b in batch_samples)
        self._unskew_num_items = own
        if num_items is None and self._unskew_uses_loss_func:
            num_items = own
        return batch_samples, num_items

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None,
                     **kwargs):
        if self.loss_ is None or self._unskew_uses_loss_func:
            extra = {} if num_items_in_batch is None else {"num_items_in_batch": num_items_in_batch}
            return super().compute_loss(model, inputs, return_outputs=return_outputs, **extra,
                                        **kwargs)
        # fallback for a Trainer without compute_loss_func: the same loss, computed here; a
        # batch mean where the Trainer divides by the accumulation steps, else sum / items
        inputs = dict(inputs)
        labels = inputs.pop("labels", None)
        outputs = model(**inputs)
        if not model.training or trainer_divides_by_accumulation(self):
            count = None
        else:
            count = num_items_in_batch if num_items_in_batch is not None \
                else getattr(self, "_unskew_num_items", None)
        loss = self.loss_(outputs, labels, num_items_in_batch=count)
        return (loss, outputs) if return_outputs else loss
