"""``TorchMLPClassifier``: a scikit-learn classifier whose training uses the long-tail toolbox."""

from __future__ import annotations

import copy
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
from torch import nn

from .._utils._validation import (
    Described,
    Hidden,
    Interval,
    ParamsValidationMixin,
    StrOptions,
    check_sample_weight,
    parameter_error,
)
from ..exceptions import DataError
from ..losses import LOSSES, NormedLinear, drw_weights, get_loss
from ..samplers import SAMPLING_MODES, ClassBalancedSampler
from ._posthoc import logit_adjust

# loss name -> (registry loss, deferred re-weighting, cosine last layer) for recipes with a name
_LOSS_RECIPES = {"ldam-drw": ("ldam", True, True)}
_TOL = 1e-4  # smallest drop of the validation loss that counts as an improvement
_DEVICE = "a torch device such as 'cpu' or 'cuda'"


def _build_network(n_features: int, hidden: tuple[int, ...], n_classes: int,
                   normed_head: bool) -> nn.Sequential:
    layers: list[nn.Module] = []
    width = n_features
    for size in hidden:
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    layers.append(NormedLinear(width, n_classes) if normed_head else nn.Linear(width, n_classes))
    return nn.Sequential(*layers)


def _stratified_holdout(codes: np.ndarray, fraction: float, rng: np.random.RandomState):
    """Split row positions into (train, validation), each class keeping >= 1 training row."""
    train, val = [], []
    for c in np.unique(codes):
        rows = rng.permutation(np.flatnonzero(codes == c))
        n_val = min(round(fraction * rows.size), rows.size - 1)
        val.append(rows[:n_val])
        train.append(rows[n_val:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


class TorchMLPClassifier(ParamsValidationMixin, ClassifierMixin, BaseEstimator):
    """Multi-layer perceptron in PyTorch, trained with an imbalance-aware loss and sampler.

    A scikit-learn classifier (it goes into pipelines, grid searches and ``compare``) whose
    training can use the long-tail recipes: any loss of :mod:`unskew.losses`, a class-balanced
    sampler, deferred re-weighting (DRW), LDAM-DRW with a cosine last layer, and post-hoc logit
    adjustment. Like scikit-learn's ``MLPClassifier`` it does not scale its input: put a
    ``StandardScaler`` in front of it.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Width of each hidden ReLU layer.
    loss : str, default="ce"
        A name of :data:`unskew.losses.LOSSES` (``"ce"``, ``"focal"``, ``"class-balanced"``,
        ``"ldam"``, ``"logit-adjusted"``, ``"balanced-softmax"``, ...) or ``"ldam-drw"``: LDAM with
        deferred re-weighting and a cosine-similarity last layer (Cao et al., NeurIPS 2019),
        whose cosines are multiplied by the loss's scale ``s`` (default 30) to give the logits,
        so its probabilities are sharp. Losses get the training class counts.
    loss_params : dict, optional
        Extra keyword arguments of the loss (e.g. ``{"gamma": 1.0}`` for focal).
    sampler : {"instance", "class-balanced", "sqrt", "progressive"}, optional
        Draw the rows of each epoch with :class:`unskew.samplers.ClassBalancedSampler` (the
        progressive schedule spans ``max_epochs``). By default rows are shuffled.
    drw : bool, default=False
        Deferred re-weighting: from 80% of ``max_epochs`` on, weight the loss with
        :func:`unskew.losses.drw_weights` (the loss must accept a per-class weight). Early
        stopping then only starts counting in the re-weighted phase.
    posthoc_tau : float, default=0.0
        Subtract ``posthoc_tau * log(prior)`` from the logits at prediction time (Menon et al.,
        2021); ``1.0`` is the usual choice after plain cross-entropy. Applies to
        ``decision_function``, ``predict_proba`` and ``predict`` alike.
    batch_size : int, default=256
        Rows per gradient step (the whole training set when it is smaller).
    max_epochs : int, default=100
        Passes over the training rows.
    lr : float, default=1e-3
        Adam learning rate.
    weight_decay : float, default=1e-4
        Adam (L2) weight decay.
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the rows (stratified; a class keeps at least one
        training row), stop when the training loss measured on them has not improved for
        ``n_iter_no_change`` epochs, and keep the best epoch's weights. Each recipe is thus
        stopped by its own objective, never by a metric that favours one of them.
    validation_fraction : float, default=0.1
        Share of the rows held out for early stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    device : str, default="cpu"
        Torch device to train and predict on.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the validation split and the batch order. Seeding is scoped:
        torch's global generator is restored after ``fit``.
    verbose : int, default=0
        Print the losses of each epoch when > 0.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    class_prior_ : ndarray of shape (n_classes,)
        Share of the training rows in each class (the prior removed by ``posthoc_tau``).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of ``X`` in ``fit``, when it had string column names.
    network_ : torch.nn.Sequential
        The trained network (the weights of ``best_epoch_``).
    loss_curve_ : list of float
        Mean training loss of each epoch.
    validation_loss_curve_ : list of float
        The training loss on the held-out rows, each epoch (empty without early stopping).
    best_epoch_ : int
        Epoch (0-based) whose weights were kept.
    n_iter_ : int
        Epochs run.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.metrics import balanced_accuracy_score
    >>> from unskew.nn import TorchMLPClassifier
    >>> X, y = make_classification(600, n_classes=3, n_informative=4, weights=[0.8, 0.15, 0.05],
    ...                            random_state=0)
    >>> clf = TorchMLPClassifier((32,), loss="balanced-softmax", random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).sum(axis=1).round(6).tolist()
    [1.0, 1.0]
    >>> balanced_accuracy_score(y, clf.predict(X)) > 0.6
    True
    """

    def __init__(self, hidden_layer_sizes=(100,), *, loss="ce", loss_params=None, sampler=None,
                 drw=False, posthoc_tau=0.0, batch_size=256, max_epochs=100, lr=1e-3,
                 weight_decay=1e-4, early_stopping=True, validation_fraction=0.1,
                 n_iter_no_change=10, device="cpu", random_state=None, verbose=0):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.loss = loss
        self.loss_params = loss_params
        self.sampler = sampler
        self.drw = drw
        self.posthoc_tau = posthoc_tau
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.lr = lr
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ parameters
    _parameter_constraints: ClassVar[dict] = {
        # an int is one hidden layer; each width >= 1 is checked in fit
        "hidden_layer_sizes": [Described("array-like", "a tuple of ints >= 1"),
                               Hidden(Interval(Integral, 1, None, closed="left"))],
        "loss": [StrOptions((*LOSSES, *_LOSS_RECIPES))],
        "loss_params": [None, dict],
        "sampler": [None, StrOptions(SAMPLING_MODES)],
        "drw": ["boolean"],
        "posthoc_tau": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        # whatever torch.device takes; a string it cannot parse is refused in fit
        "device": [Described(str, _DEVICE), Hidden(torch.device),
                   Hidden(Interval(Integral, 0, None, closed="left"))],
        "random_state": ["random_state"],
        "verbose": [Interval(Integral, 0, None, closed="left")],
    }

    def _validated_params(self) -> dict:
        """Validate the parameters; return the values ``_fit`` works with."""
        self._validate_params()
        owner = type(self).__name__
        hidden = self.hidden_layer_sizes
        hidden = (hidden,) if isinstance(hidden, Integral) else tuple(hidden)
        if any(isinstance(h, bool) or not isinstance(h, Integral) or h < 1 for h in hidden):
            raise parameter_error(owner, "hidden_layer_sizes", "a tuple of ints >= 1",
                                  self.hidden_layer_sizes)
        try:
            device = torch.device(self.device)
        except (RuntimeError, TypeError):
            raise parameter_error(owner, "device", _DEVICE, self.device) from None
        loss, drw, normed = _LOSS_RECIPES.get(self.loss, (self.loss, bool(self.drw), False))
        return {
            "hidden": tuple(int(h) for h in hidden),
            "loss": loss,
            "drw": drw or bool(self.drw),
            "normed_head": normed,
            "posthoc_tau": float(self.posthoc_tau),
            "batch_size": int(self.batch_size),
            "max_epochs": int(self.max_epochs),
            "lr": float(self.lr),
            "weight_decay": float(self.weight_decay),
            "validation_fraction": float(self.validation_fraction),
            "n_iter_no_change": int(self.n_iter_no_change),
            "verbose": int(self.verbose),
            "device": device,
        }

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y, sample_weight=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (numeric; scale it first).
        y : array-like of shape (n_samples,)
            Class labels (any hashable type: strings, ints, ...).
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative row weights. Each batch's loss is then ``sum(w_i * l_i) / sum(w_i)``
            over the loss's per-row values ``l_i`` (class weights of the loss included); equal
            weights train exactly as no weights.

        Returns
        -------
        self : TorchMLPClassifier
            The fitted classifier.
        """
        params = self._validated_params()
        X, y = validate_data(self, X, y, dtype=[np.float32, np.float64], reset=True)
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        codes = codes.reshape(-1)
        if self.classes_.size < 2:
            raise DataError(
                f"{type(self).__name__} needs at least 2 classes in y, got one class: "
                f"{self.classes_[0]!r}"
            )
        weights = self._check_sample_weight(sample_weight, codes.size)
        counts = np.bincount(codes, minlength=self.classes_.size)
        self.class_prior_ = counts / counts.sum()
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        # fork_rng scopes any use of torch's global generator (weight init) to this fit
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self._fit(X.astype(np.float32, copy=False), codes, weights, params, rng, seed)
        return self

    def _check_sample_weight(self, sample_weight, n_rows: int) -> np.ndarray | None:
        if sample_weight is None:
            return None
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.ndim == 0:  # one weight for every row
            w = np.full(n_rows, float(w))
        w = check_sample_weight(w, n_rows, type(self).__name__)
        if w.sum() <= 0:
            raise DataError(f"{type(self).__name__}: all sample_weight values are zero; give "
                            "some rows a positive weight")
        # equal weights change nothing: train exactly as without them
        return None if np.all(w == w[0]) else w

    def _fit(self, X, codes, weights, params, rng, seed) -> None:
        n_classes = self.classes_.size
        device = params["device"]
        use_val = self.early_stopping
        train_idx, val_idx = (_stratified_holdout(codes, params["validation_fraction"], rng)
                              if use_val else (np.arange(codes.size), np.array([], dtype=int)))
        use_val = use_val and val_idx.size > 0
        train_counts = np.bincount(codes[train_idx], minlength=n_classes)

        self._architecture = (params["hidden"], params["normed_head"])
        self.network_ = _build_network(X.shape[1], params["hidden"],
                                       n_classes, params["normed_head"]).to(device)
        # without row weights the loss reduces itself (each paper's own mean); with them it
        # gives per-row values and the batch loss is their sample_weight-weighted mean
        reduction = "mean" if weights is None else "none"
        criterion = get_loss(params["loss"], class_counts=train_counts,
                             **{**(self.loss_params or {}), "reduction": reduction}).to(device)
        # a cosine head's outputs lie in [-1, 1]; the loss's scale s is their softmax temperature
        self._logit_scale = float(getattr(criterion, "s", 1.0)) if params["normed_head"] else 1.0
        optimizer = torch.optim.Adam(self.network_.parameters(), lr=params["lr"],
                                     weight_decay=params["weight_decay"])

        X_train = torch.from_numpy(X[train_idx]).to(device)
        y_train = torch.from_numpy(codes[train_idx]).to(device)
        w_train = None if weights is None else \
            torch.from_numpy(weights[train_idx].astype(np.float32)).to(device)
        w_val = None if weights is None else \
            torch.from_numpy(weights[val_idx].astype(np.float32)).to(device)
        X_val = torch.from_numpy(X[val_idx]).to(device)
        y_val = torch.from_numpy(codes[val_idx]).to(device)

        generator = torch.Generator().manual_seed(seed)
        n_train = train_idx.size
        sampler = None
        if self.sampler is not None:
            # every class keeps a training row, so the sampler's classes are 0 .. C-1
            sampler = ClassBalancedSampler(codes[train_idx], mode=self.sampler,
                                           n_epochs=params["max_epochs"], seed=seed)
        batch_size = min(params["batch_size"], n_train)

        self.loss_curve_, self.validation_loss_curve_ = [], []
        best_loss, best_state, self.best_epoch_, stale = np.inf, None, 0, 0
        for epoch in range(params["max_epochs"]):
            counting = True
            if params["drw"]:
                drw = drw_weights(train_counts, epoch, params["max_epochs"])
                criterion.set_weight(drw)
                counting = drw is not None  # early stopping waits for the re-weighted phase
            if sampler is not None:
                sampler.set_epoch(epoch)
                order = torch.tensor(list(sampler), dtype=torch.int64)
            else:
                order = torch.randperm(n_train, generator=generator)
            self.network_.train()
            total, seen = 0.0, 0
            for start in range(0, n_train, batch_size):
                batch = order[start:start + batch_size].to(device)
                loss = criterion(self.network_(X_train[batch]), y_train[batch])
                if w_train is not None:
                    w = w_train[batch]
                    loss = (loss * w).sum() / w.sum().clamp_min(1e-12)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                total += float(loss.detach()) * batch.numel()
                seen += batch.numel()
            self.loss_curve_.append(total / seen)
            self.n_iter_ = epoch + 1
            if not use_val:
                self.best_epoch_ = epoch
                if params["verbose"]:
                    print(f"epoch {epoch}: training loss {self.loss_curve_[-1]:.4f}")
                continue
            with torch.no_grad():
                self.network_.eval()
                val_loss = criterion(self.network_(X_val), y_val)
                if w_val is not None:
                    val_loss = (val_loss * w_val).sum() / w_val.sum().clamp_min(1e-12)
                val_loss = float(val_loss)
            self.validation_loss_curve_.append(val_loss)
            if params["verbose"]:
                print(f"epoch {epoch}: training loss {self.loss_curve_[-1]:.4f}, "
                      f"validation loss {val_loss:.4f}")
            if not counting:
                continue
            if val_loss < best_loss - _TOL or best_state is None:
                best_loss, self.best_epoch_, stale = val_loss, epoch, 0
                best_state = copy.deepcopy(self.network_.state_dict())
            else:
                stale += 1
                if stale >= params["n_iter_no_change"]:
                    break
        if best_state is not None:
            self.network_.load_state_dict(best_state)
        self.network_.eval()

    # ------------------------------------------------------------------ prediction
    def _adjust(self, logits: torch.Tensor) -> torch.Tensor:
        if self.posthoc_tau:
            return logit_adjust(logits, self.class_prior_, tau=float(self.posthoc_tau))
        return logits

    def _logits(self, X) -> torch.Tensor:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float32, np.float64], reset=False)
        device = next(self.network_.parameters()).device
        # predict in float64, so a row's scores do not depend on the batch it comes in
        params = {k: v.detach().double() for k, v in self.network_.named_parameters()}
        with torch.no_grad():
            self.network_.eval()
            logits = torch.func.functional_call(
                self.network_, params, (torch.from_numpy(X.astype(np.float64)).to(device),))
        return self._adjust(self._logit_scale * logits).cpu()

    def decision_function(self, X):
        """Class scores (logits after post-hoc adjustment).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, the score of ``classes_[1]`` minus that of ``classes_[0]``.
        """
        logits = self._logits(X).numpy()
        if self.classes_.size == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict_proba(self, X):
        """Class probabilities (softmax of the adjusted logits).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Rows sum to 1; columns follow ``classes_``.
        """
        return torch.softmax(self._logits(X), dim=1).numpy()

    def predict(self, X):
        """Most probable class of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        best = self._logits(X).argmax(dim=1).numpy()
        return self.classes_[best]

    # ------------------------------------------------------------------ persistence
    def __getstate__(self):
        # skops cannot store torch objects: keep the weights as numpy arrays and rebuild on load
        state = dict(super().__getstate__())  # a copy: popping must not touch self
        network = state.pop("network_", None)
        if network is not None:
            state["_network_weights"] = {k: v.detach().cpu().numpy().copy()
                                         for k, v in network.state_dict().items()}
        return state

    def __setstate__(self, state):
        state = dict(state)
        weights = state.pop("_network_weights", None)
        super().__setstate__(state)
        if weights is not None:
            hidden, normed_head = self._architecture
            network = _build_network(self.n_features_in_, tuple(hidden), self.classes_.size,
                                     normed_head)
            network.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in weights.items()})
            self.network_ = network.to(torch.device(self.device)).eval()
