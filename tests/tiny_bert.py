"""Tiny random-weight BERT classifiers and tokenizers for the fast Trainer tests (no network)."""

from __future__ import annotations

import inspect
from pathlib import Path

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = ["good", "great", "love", "fine", "ok", "meh", "bad", "awful", "hate", "refund", "broken", "slow", "fast", "cheap", "nice", "works", "fails", "again", "never", "always", "pain", "relief", "side", "effects", "sleep", "headache"]


def tiny_tokenizer(words=WORDS, folder=None):
    """A lower-casing WordPiece tokenizer over ``words`` (plus the BERT special tokens)."""
    from transformers import BertTokenizerFast

    vocab = [*SPECIAL, *dict.fromkeys(w.lower() for w in words)]
    if "vocab" in inspect.signature(BertTokenizerFast.__init__).parameters:  # transformers 5
        return BertTokenizerFast(vocab={w: i for i, w in enumerate(vocab)})
    folder = Path(folder or __import__("tempfile").mkdtemp())
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    return BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))


def tiny_config(num_labels=3, vocab_size=64, **kw):
    from transformers import BertConfig

    params = dict(vocab_size=vocab_size, hidden_size=16, num_hidden_layers=1,
                  num_attention_heads=2, intermediate_size=16, max_position_embeddings=64,
                  num_labels=num_labels, hidden_dropout_prob=0.0,
                  attention_probs_dropout_prob=0.0, classifier_dropout=0.0)
    params.update(kw)
    return BertConfig(**params)


def tiny_model(num_labels=3, seed=0, **kw):
    """A BertForSequenceClassification with random weights and dropout off."""
    import torch
    from transformers import BertForSequenceClassification

    torch.manual_seed(seed)
    return BertForSequenceClassification(tiny_config(num_labels, **kw))


def token_rows(labels, *, length=6, vocab_size=64, seed=0):
    """One dict per label: random token ids of a fixed length, full attention, the label."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    rows = []
    for label in labels:
        ids = torch.randint(5, vocab_size, (length,), generator=gen)
        value = torch.as_tensor(label, dtype=torch.float32) if isinstance(label, list | tuple) \
            else int(label)
        rows.append({"input_ids": ids, "attention_mask": torch.ones(length, dtype=torch.long),
                     "labels": value})
    return rows


def training_args(folder, **kw):
    """TrainingArguments for a quiet CPU run that saves nothing."""
    from transformers import TrainingArguments

    params = dict(output_dir=str(folder), report_to="none", use_cpu=True, save_strategy="no",
                  disable_tqdm=True, logging_steps=1, seed=0, learning_rate=1e-3,
                  lr_scheduler_type="constant", warmup_steps=0, dataloader_num_workers=0)
    params.update(kw)
    return TrainingArguments(**params)
