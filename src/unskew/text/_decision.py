"""Post-hoc decisions of a fine-tuned classifier, fitted on evaluation logits and carried in the
saved model directory.

* logit adjustment (``logits - tau * log prior``, tau chosen on the evaluation set) and learned
  per-class offsets are a per-class shift of the logits: :func:`save_with_decision` adds the
  shift to the classification head's bias, so the stock ``transformers.pipeline`` applies it
  with nothing from unskew installed;
* per-label thresholds of a multi-label model are not a shift of a softmax: they are written
  to ``config.json`` and :func:`load_classifier` returns a pipeline-like object applying them.

Every rule is recorded in ``config.json`` under ``unskew_decision`` (a plain dict that survives
``from_pretrained``); :func:`load_decision` reads it back without importing transformers.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .._utils._text import did_you_mean

__all__ = [
    "DECISION_RULES",
    "DecisionRule",
    "fit_class_offsets",
    "fit_decision",
    "fit_label_thresholds",
    "fit_logit_adjustment",
    "fold_offsets",
    "load_classifier",
    "load_decision",
    "save_with_decision",
]

DECISION_RULES = ("argmax", "logit-adjustment", "offsets", "thresholds")
CONFIG_KEY = "unskew_decision"
_TAUS = tuple(np.round(np.arange(0.0, 2.01, 0.1), 2).tolist())


@dataclass
class DecisionRule:
    """A decision on a classifier's logits: argmax, a per-class shift, or per-label thresholds.

    Attributes
    ----------
    rule : {"argmax", "logit-adjustment", "offsets", "thresholds"}
    offsets : list of float or None
        The per-class shift added to the logits (logit adjustment: ``-tau * log prior``).
    tau : float or None
        Strength of the logit adjustment.
    thresholds : list of float or None
        Per-label probability thresholds (multi-label).
    metric : str or None
        What the rule was fitted to maximise on the evaluation set.
    score_before, score_after : float or None
        That metric on the evaluation set with plain argmax (0.5 thresholds) and with the rule.
    folded : bool
        Whether the shift is already inside the saved head's bias (the saved model's raw
        argmax is then the decision).

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.text import DecisionRule
    >>> rule = DecisionRule("offsets", offsets=[0.0, 1.5])
    >>> rule.predict(np.array([[1.0, 0.0], [2.0, 0.0]])).tolist()
    [1, 0]
    """

    rule: str = "argmax"
    offsets: list | None = None
    tau: float | None = None
    thresholds: list | None = None
    metric: str | None = None
    score_before: float | None = None
    score_after: float | None = None
    folded: bool = False
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.rule not in DECISION_RULES:
            raise ValueError(f"unknown decision rule {self.rule!r}; expected one of "
                             f"{', '.join(DECISION_RULES)}{did_you_mean(str(self.rule), DECISION_RULES)}")

    @property
    def is_shift(self) -> bool:
        """True for the rules that are a per-class shift of the logits."""
        return self.rule in ("logit-adjustment", "offsets")

    def predict(self, logits) -> np.ndarray:
        """Class indices (single-label) or a 0/1 matrix (thresholds) for raw ``logits``.

        A folded rule is already in the logits of the saved model: its raw argmax is returned.
        """
        z = np.asarray(logits, dtype=np.float64)
        if self.rule == "thresholds":
            proba = 1.0 / (1.0 + np.exp(-z))
            return (proba >= np.asarray(self.thresholds)).astype(int)
        if self.is_shift and not self.folded:
            z = z + np.asarray(self.offsets)
        return np.argmax(z, axis=1)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None and v != {}}

    @classmethod
    def from_dict(cls, data: dict) -> DecisionRule:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data and k != "extra"}
        extra = {**data.get("extra", {}),
                 **{k: v for k, v in data.items() if k not in cls.__dataclass_fields__}}
        return cls(**known, extra=extra)


def _metric(name: str):
    from ..metrics import METRICS

    if name not in METRICS:
        raise ValueError(f"unknown metric {name!r}; expected one of {', '.join(METRICS)}"
                         f"{did_you_mean(name, METRICS)}")
    return METRICS[name].function


def _check_logits(logits, labels, who):
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels)
    if z.ndim != 2 or len(z) != len(y) or len(z) == 0:
        raise ValueError(f"{who}: logits must be (n_rows, n_classes) with one label per row; got "
                         f"logits of shape {z.shape} and {len(y)} labels")
    if not np.isfinite(z).all():
        raise ValueError(f"{who}: logits hold NaN or infinite values")
    return z, y


def fit_logit_adjustment(logits, labels, class_counts, *, taus=_TAUS,
                         metric: str = "balanced_accuracy") -> DecisionRule:
    """Choose the logit adjustment strength ``tau`` that maximises ``metric`` on eval logits.

    The shift is ``-tau * log(prior)`` with the training prior from ``class_counts`` (Menon et
    al., ICLR 2021); ties go to the smallest ``tau`` (the least change).

    Parameters
    ----------
    logits : array-like of shape (n_rows, n_classes)
        Evaluation logits of the fine-tuned model.
    labels : array-like of shape (n_rows,)
        Their encoded classes ``0..n_classes-1``.
    class_counts : sequence of int
        Training rows per class.
    taus : sequence of float, default=0, 0.1, ..., 2
    metric : str, default="balanced_accuracy"
        A label metric of :data:`unskew.metrics.METRICS`.

    Returns
    -------
    DecisionRule

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.text import fit_logit_adjustment
    >>> logits = np.array([[2.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.0, 1.0]])
    >>> rule = fit_logit_adjustment(logits, [0, 1, 0, 1], class_counts=[90, 10])
    >>> rule.tau, rule.score_before, rule.score_after
    (0.5, 0.75, 1.0)
    """
    z, y = _check_logits(logits, labels, "fit_logit_adjustment")
    counts = np.asarray(class_counts, dtype=np.float64)
    if counts.shape != (z.shape[1],) or (counts <= 0).any():
        raise ValueError(f"fit_logit_adjustment: class_counts needs one positive count per class "
                         f"({z.shape[1]}); got {counts.tolist()}")
    log_prior = np.log(counts / counts.sum())
    score = _metric(metric)
    results = [(float(score(y, np.argmax(z - t * log_prior, axis=1))), -t, t) for t in taus]
    best = max(results)
    tau = best[2]
    offsets = (-tau * log_prior)
    offsets = offsets - offsets.mean()
    return DecisionRule("logit-adjustment", offsets=offsets.tolist(), tau=tau, metric=metric,
                        score_before=float(score(y, np.argmax(z, axis=1))),
                        score_after=best[0])


def _candidates(margin: np.ndarray) -> np.ndarray:
    """One offset inside every gap between distinct margins, and one beyond each end."""
    m = np.unique(margin)
    points = np.r_[m[0] - 1.0, (m[:-1] + m[1:]) / 2.0, m[-1] + 1.0]
    if len(points) > 256:
        points = np.quantile(points, np.linspace(0, 1, 256))
    return points


def fit_class_offsets(logits, labels, *, objective: str = "macro_f1",
                      n_rounds: int = 3) -> DecisionRule:
    """Learn per-class offsets on eval logits by coordinate ascent on ``objective``.

    Each pass tries every class in turn: a 1-D search over the offsets at which that class's
    decisions change (as :class:`unskew.threshold.ClassOffsetClassifier` does on out-of-fold
    scores). A move is kept only if it strictly improves ``objective``, so the result never
    scores below plain argmax on these logits (and is fitted on them: judge it on other data).

    Parameters
    ----------
    logits : array-like of shape (n_rows, n_classes)
    labels : array-like of shape (n_rows,)
    objective : str, default="macro_f1"
        A label metric of :data:`unskew.metrics.METRICS`.
    n_rounds : int, default=3
        Passes over the classes (stops after a pass without improvement).

    Returns
    -------
    DecisionRule

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.text import fit_class_offsets
    >>> logits = np.array([[2.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.0, 1.0]])
    >>> rule = fit_class_offsets(logits, [0, 1, 0, 1])
    >>> rule.score_before < rule.score_after == 1.0
    True
    """
    z, y = _check_logits(logits, labels, "fit_class_offsets")
    score = _metric(objective)
    y = y.astype(int)
    n_classes = z.shape[1]
    offsets = np.zeros(n_classes)
    start = best = float(score(y, np.argmax(z, axis=1)))
    rows = np.arange(len(z))
    for _ in range(n_rounds):
        improved = False
        for k in range(n_classes):
            moved = z + offsets
            moved[:, k] = -np.inf
            other = np.argmax(moved, axis=1)
            margin = moved[rows, other] - z[:, k]  # the row goes to k when offset_k > margin
            for cand in _candidates(margin):
                trial = offsets.copy()
                trial[k] = cand
                value = float(score(y, np.argmax(z + trial, axis=1)))
                if value > best + 1e-12:
                    offsets, best, improved = trial, value, True
        if not improved:
            break
    return DecisionRule("offsets", offsets=offsets.tolist(), metric=objective,
                        score_before=start, score_after=best)


def _binary_f1(truth, pred) -> float:
    tp = float(np.sum((truth == 1) & (pred == 1)))
    den = float(np.sum(truth == 1) + np.sum(pred == 1))
    return 2 * tp / den if den else 0.0


def fit_label_thresholds(logits, labels) -> DecisionRule:
    """Per-label probability thresholds maximising each label's F1 (multi-label models).

    Each label keeps 0.5 unless another threshold scores strictly better on the evaluation
    set (the search of :class:`unskew.threshold.MultiLabelThresholdClassifier`, on the
    sigmoid probabilities); among equally good thresholds the one nearest 0.5 wins.

    Examples
    --------
    >>> import numpy as np
    >>> from unskew.text import fit_label_thresholds
    >>> logits = np.array([[2.0, -1.0], [-2.0, -0.5], [1.0, -0.8], [-1.0, -2.0]])
    >>> rule = fit_label_thresholds(logits, [[1, 1], [0, 1], [1, 1], [0, 0]])
    >>> rule.thresholds[0], rule.thresholds[1] < 0.5
    (0.5, True)
    """
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels).astype(int)
    if z.shape != y.shape or z.ndim != 2:
        raise ValueError(f"fit_label_thresholds: logits and labels must both be (n_rows, "
                         f"n_labels); got {z.shape} and {y.shape}")
    proba = 1.0 / (1.0 + np.exp(-z))
    thresholds, before, after = [], [], []
    for j in range(z.shape[1]):
        truth = y[:, j]
        base = best = _binary_f1(truth, (proba[:, j] >= 0.5).astype(int))
        t = 0.5
        for cand in _candidates(proba[:, j]):
            value = _binary_f1(truth, (proba[:, j] >= cand).astype(int))
            if value > best + 1e-12 or (value == best > base and abs(cand - 0.5) < abs(t - 0.5)):
                t, best = float(cand), value
        thresholds.append(float(t))
        before.append(base)
        after.append(best)
    return DecisionRule("thresholds", thresholds=thresholds, metric="f1 per label",
                        score_before=float(np.mean(before)), score_after=float(np.mean(after)))


def fit_decision(logits, labels, rule: str = "logit-adjustment", *, class_counts=None,
                 metric: str = "balanced_accuracy") -> DecisionRule:
    """Fit the named decision ``rule`` on evaluation logits (see the ``fit_*`` functions).

    Examples
    --------
    >>> from unskew.text import fit_decision
    >>> fit_decision([[1.0, 0.0]], [0], "argmax").rule
    'argmax'
    """
    if rule not in DECISION_RULES:
        raise ValueError(f"unknown decision rule {rule!r}; expected one of "
                         f"{', '.join(DECISION_RULES)}{did_you_mean(str(rule), DECISION_RULES)}")
    if rule == "argmax":
        return DecisionRule("argmax")
    if rule == "logit-adjustment":
        if class_counts is None:
            raise ValueError("rule='logit-adjustment' needs class_counts (training rows per class)")
        return fit_logit_adjustment(logits, labels, class_counts, metric=metric)
    if rule == "offsets":
        return fit_class_offsets(logits, labels, objective=metric)
    return fit_label_thresholds(logits, labels)


# -- the saved model ----------------------------------------------------------------------------

def _head(model):
    """The classification head's last ``nn.Linear`` (its outputs are the logits)."""
    from torch import nn

    n = int(model.config.num_labels)
    last = None
    for _, module in model.named_modules():
        if isinstance(module, nn.Linear) and module.out_features == n:
            last = module
    if last is None:
        raise ValueError(f"found no linear layer with {n} outputs (num_labels) in "
                         f"{type(model).__name__}: cannot fold the decision into its bias")
    return last


def fold_offsets(model, offsets) -> None:
    """Add per-class ``offsets`` to the bias of the model's classification head, in place.

    Afterwards ``model(...).logits`` equals the old logits plus ``offsets``, so any consumer of
    the logits (``transformers.pipeline`` included) applies the shift.

    Examples
    --------
    >>> import torch
    >>> from transformers import BertConfig, BertForSequenceClassification
    >>> config = BertConfig(vocab_size=20, hidden_size=8, num_hidden_layers=1,
    ...                     num_attention_heads=2, intermediate_size=8, num_labels=3)
    >>> model = BertForSequenceClassification(config).eval()
    >>> ids = torch.tensor([[1, 2, 3]])
    >>> before = model(input_ids=ids).logits
    >>> fold_offsets(model, [0.0, 1.0, -2.0])
    >>> (model(input_ids=ids).logits - before).round(decimals=4).tolist()
    [[0.0, 1.0, -2.0]]
    """
    import torch

    head = _head(model)
    shift = torch.as_tensor(np.asarray(offsets, dtype=np.float64), dtype=head.weight.dtype,
                            device=head.weight.device)
    if shift.shape != (head.out_features,):
        raise ValueError(f"fold_offsets: {shift.shape[0]} offsets for a head with "
                         f"{head.out_features} outputs")
    with torch.no_grad():
        if head.bias is None:
            head.bias = torch.nn.Parameter(torch.zeros_like(shift))
        head.bias.add_(shift)


def save_with_decision(model, rule: DecisionRule, path, *, tokenizer=None,
                       extra: dict | None = None) -> Path:
    """Save ``model`` (safetensors) with its decision rule in ``config.json``.

    A shift rule (logit adjustment, offsets) is folded into a copy of the head's bias first,
    so the stock ``transformers.pipeline("text-classification", model=path)`` predicts with
    it; a thresholds rule marks the config as multi-label and is applied by
    :func:`load_classifier`. ``extra`` (e.g. the label names, the training counts) joins the
    record. The model passed in is left unchanged.

    Returns
    -------
    pathlib.Path
    """
    import copy

    path = Path(path)
    target = model
    record = rule.to_dict()
    if rule.is_shift:
        target = copy.deepcopy(model)
        fold_offsets(target, rule.offsets)
        record["folded"] = True
    if rule.rule == "thresholds":
        target.config.problem_type = "multi_label_classification"
    record.update(extra or {})
    old = getattr(model.config, CONFIG_KEY, None)
    setattr(target.config, CONFIG_KEY, record)
    try:
        target.save_pretrained(path, safe_serialization=True)
    finally:
        if target is model:
            if old is None and hasattr(model.config, CONFIG_KEY):
                delattr(model.config, CONFIG_KEY)
            elif old is not None:
                setattr(model.config, CONFIG_KEY, old)
    if tokenizer is not None:
        tokenizer.save_pretrained(path)
    return path


def load_decision(path) -> DecisionRule | None:
    """The decision rule recorded in a saved model directory's ``config.json`` (None if none).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> from unskew.text import load_decision
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "config.json").write_text(json.dumps(
    ...     {"unskew_decision": {"rule": "offsets", "offsets": [0.0, 1.0], "folded": True}}))
    >>> load_decision(folder).folded
    True
    """
    config = Path(path) / "config.json"
    if not config.is_file():
        raise FileNotFoundError(f"no config.json in '{path}': not a saved model directory")
    data = json.loads(config.read_text())
    record = data.get(CONFIG_KEY)
    return None if record is None else DecisionRule.from_dict(record)


class ThresholdClassifier:
    """A ``text-classification`` pipeline that applies per-label thresholds (multi-label).

    Called like the pipeline on a string or a list of strings; returns, for each text, the
    labels whose probability reaches its threshold as ``[{"label": ..., "score": ...}]``.

    Attributes
    ----------
    pipeline : transformers.Pipeline
    thresholds : ndarray of shape (n_labels,)
    """

    def __init__(self, pipeline, thresholds):
        self.pipeline = pipeline
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.model = pipeline.model
        self.tokenizer = pipeline.tokenizer

    def __call__(self, inputs, **kwargs):
        single = isinstance(inputs, str)
        texts = [inputs] if single else list(inputs)
        rows = self.pipeline(texts, top_k=None, function_to_apply="sigmoid", **kwargs)
        id_of = {v: int(k) for k, v in self.model.config.id2label.items()}
        out = []
        for row in rows:
            out.append([d for d in row if d["score"] >= self.thresholds[id_of[d["label"]]]])
        return out[0] if single else out


def load_classifier(path, **pipeline_kwargs):
    """A pipeline-compatible classifier of a saved model directory, with its decision rule.

    For argmax and shift rules (folded into the bias) this is the stock
    ``transformers.pipeline("text-classification", model=path)``; for per-label thresholds a
    :class:`ThresholdClassifier` around it. Loads from disk only (``HF_HUB_OFFLINE=1``).

    Examples
    --------
    >>> from unskew.text import load_classifier
    >>> classify = load_classifier("out/model")  # doctest: +SKIP
    >>> classify("works great")  # doctest: +SKIP
    [{'label': 'positive', 'score': 0.93}]
    """
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import pipeline

    rule = load_decision(path)
    pipe = pipeline("text-classification", model=str(path), tokenizer=str(path),
                    **pipeline_kwargs)
    if rule is not None and rule.rule == "thresholds":
        return ThresholdClassifier(pipe, rule.thresholds)
    return pipe
