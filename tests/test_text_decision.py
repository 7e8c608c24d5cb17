"""Tests of the post-hoc decisions of unskew.text: fitted on eval logits, saved into the model
directory (shifts folded into the head's bias), reloaded through the stock pipeline; and the
Trainer compute_metrics."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from transformers import AutoConfig, AutoModelForSequenceClassification, pipeline  # noqa: E402

from tiny_bert import WORDS, tiny_model, tiny_tokenizer  # noqa: E402
from unskew.metrics import balanced_accuracy, macro_f1  # noqa: E402
from unskew.text import (  # noqa: E402
    DecisionRule,
    ThresholdClassifier,
    fit_class_offsets,
    fit_decision,
    fit_label_thresholds,
    fit_logit_adjustment,
    fold_offsets,
    load_classifier,
    load_decision,
    make_compute_metrics,
    save_with_decision,
)


def _texts(n, seed=0):
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(WORDS, size=rng.integers(2, 7))) for _ in range(n)]


def _logits(model, tokenizer, texts):
    with torch.no_grad():
        enc = tokenizer(texts, padding=True, return_tensors="pt")
        return model.eval()(**enc).logits.numpy()


def _labelled(model_labels=3):
    model = tiny_model(model_labels, vocab_size=64, seed=3)
    model.config.id2label = {i: f"c{i}" for i in range(model_labels)}
    model.config.label2id = {f"c{i}": i for i in range(model_labels)}
    return model


@pytest.mark.parametrize("rule_name", ["logit-adjustment", "offsets"])
def test_shift_rule_survives_save_and_stock_pipeline(tmp_path, rule_name):
    """Check that a shift rule saved into the model directory is applied by the stock
    transformers.pipeline: 100% agreement with unskew's adjusted predictions on fresh texts,
    which differ from the raw argmax, and the config field survives a reload."""
    tokenizer = tiny_tokenizer()
    model = _labelled()
    eval_texts, test_texts = _texts(60, seed=1), _texts(80, seed=2)
    logits = _logits(model, tokenizer, eval_texts)
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=len(eval_texts))  # balanced truth: argmax is skewed
    rule = fit_decision(logits, labels, rule_name, class_counts=[700, 250, 50],
                        metric="balanced_accuracy")
    if rule_name == "logit-adjustment":
        rule = DecisionRule("logit-adjustment", offsets=(-1.0 * np.log([0.7, 0.25, 0.05]))
                            .tolist(), tau=1.0)  # a strong shift, so predictions do move
    path = save_with_decision(model, rule, tmp_path / "model", tokenizer=tokenizer,
                              extra={"labels": ["c0", "c1", "c2"]})
    assert (path / "model.safetensors").is_file()
    # the model passed in is untouched
    np.testing.assert_allclose(_logits(model, tokenizer, test_texts[:5]),
                               _logits(model, tokenizer, test_texts[:5]))
    raw = _logits(model, tokenizer, test_texts)
    expected = rule.predict(raw)
    assert (expected != raw.argmax(1)).any()

    pipe = pipeline("text-classification", model=str(path), tokenizer=str(path))
    got = [int(out["label"][1:]) for out in pipe(test_texts)]
    assert got == expected.tolist()

    config = AutoConfig.from_pretrained(path)
    assert config.unskew_decision["rule"] == rule_name
    assert config.unskew_decision["folded"] is True
    assert config.unskew_decision["offsets"] == pytest.approx(rule.offsets)
    loaded = load_decision(path)
    assert loaded.folded
    reloaded = AutoModelForSequenceClassification.from_pretrained(path)
    assert loaded.predict(_logits(reloaded, tokenizer, test_texts)).tolist() == expected.tolist()
    assert load_classifier(path)(test_texts[0])[0]["label"] == f"c{expected[0]}"


def test_fold_offsets_shifts_logits_exactly():
    """Check that folding offsets into the bias adds them to the logits, and that a head of
    another size is refused."""
    tokenizer = tiny_tokenizer()
    model = _labelled()
    texts = _texts(10)
    before = _logits(model, tokenizer, texts)
    fold_offsets(model, [0.5, -1.0, 2.0])
    np.testing.assert_allclose(_logits(model, tokenizer, texts) - before,
                               np.tile([0.5, -1.0, 2.0], (10, 1)), atol=1e-5)
    with pytest.raises(ValueError, match="2 offsets for a head with 3 outputs"):
        fold_offsets(model, [0.0, 1.0])


def test_thresholds_rule_through_the_loader(tmp_path):
    """Check that per-label thresholds are stored in config.json and applied by the loader's
    pipeline-compatible object, agreeing with the rule on every text."""
    tokenizer = tiny_tokenizer()
    model = _labelled(3)
    with torch.no_grad():  # spread the random model's probabilities away from 0.5
        model.classifier.weight.mul_(200.0)
    texts = _texts(50, seed=4)
    logits = _logits(model, tokenizer, texts)
    truth = (logits > np.median(logits, axis=0)).astype(int)
    truth[:, 2] = 1  # label 2 is always on: a threshold below 0.5 is best
    rule = fit_label_thresholds(logits, truth)
    assert rule.score_after >= rule.score_before
    path = save_with_decision(model, rule, tmp_path / "ml", tokenizer=tokenizer)
    stored = json.loads((path / "config.json").read_text())
    assert stored["problem_type"] == "multi_label_classification"
    assert stored["unskew_decision"]["thresholds"] == pytest.approx(rule.thresholds)
    classify = load_classifier(path)
    assert isinstance(classify, ThresholdClassifier)
    expected = rule.predict(logits)
    got = classify(texts)
    for row, out in zip(expected, got, strict=True):
        assert sorted(int(d["label"][1:]) for d in out) == np.flatnonzero(row).tolist()


def test_fit_logit_adjustment_known_tau_and_never_worse():
    """Check tau on a hand-made case, and that the chosen tau never scores below tau = 0."""
    logits = np.array([[2.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.0, 1.0]])
    rule = fit_logit_adjustment(logits, [0, 1, 0, 1], class_counts=[90, 10])
    assert rule.tau == 0.5
    assert rule.score_after == 1.0
    rng = np.random.default_rng(0)
    z = rng.normal(size=(200, 4)) + np.array([2.0, 1.0, 0.0, -1.0])
    y = rng.integers(0, 4, size=200)
    fitted = fit_logit_adjustment(z, y, class_counts=[600, 250, 100, 50])
    assert fitted.score_after >= balanced_accuracy(y, z.argmax(1))
    assert fitted.score_after == pytest.approx(balanced_accuracy(y, fitted.predict(z)))


def test_fit_class_offsets_improves_macro_f1():
    """Check that learned offsets never lower macro-F1 on the fitted logits and improve it on
    a prior-skewed problem."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, size=300)
    z = np.eye(3)[y] * 1.0 + rng.normal(scale=1.0, size=(300, 3)) + np.array([1.5, 0.0, -1.5])
    rule = fit_class_offsets(z, y)
    assert rule.score_before == pytest.approx(macro_f1(y, z.argmax(1)))
    assert rule.score_after > rule.score_before + 0.05
    assert rule.score_after == pytest.approx(macro_f1(y, rule.predict(z)))


def test_decision_errors_name_the_fix():
    """Check the messages for an unknown rule, a missing count and bad logits."""
    with pytest.raises(ValueError, match="did you mean 'offsets'"):
        fit_decision([[0.0, 1.0]], [0], "ofsets")
    with pytest.raises(ValueError, match="needs class_counts"):
        fit_decision([[0.0, 1.0]], [0], "logit-adjustment")
    with pytest.raises(ValueError, match="one label per row"):
        fit_class_offsets([[0.0, 1.0]], [0, 1])
    with pytest.raises(FileNotFoundError, match="not a saved model directory"):
        load_decision("/no/such/dir")


def test_compute_metrics_matches_unskew_metrics():
    """Check that compute_metrics reports the unskew metrics of the argmax, per class and per
    bucket, skipping rows labelled -100."""
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(40, 3))
    labels = rng.integers(0, 3, size=40)
    labels[:3] = -100
    metrics = make_compute_metrics(label_names=["pos itive", "neg", "neu"],
                                   train_counts=[500, 60, 8])
    out = metrics((logits, labels))
    keep = labels != -100
    pred = logits[keep].argmax(1)
    assert out["macro_f1"] == pytest.approx(macro_f1(labels[keep], pred, labels=[0, 1, 2]))
    assert out["balanced_accuracy"] == pytest.approx(balanced_accuracy(labels[keep], pred))
    recall_neu = float(np.mean(pred[labels[keep] == 2] == 2))
    assert out["recall_neu"] == pytest.approx(recall_neu)
    assert out["tail_accuracy"] == pytest.approx(recall_neu)
    assert out["medium_accuracy"] == pytest.approx(out["recall_neg"])
    assert "f1_pos_itive" in out
    assert all(isinstance(v, float) for v in out.values())
    shifted = make_compute_metrics(decision=DecisionRule("offsets", offsets=[0, 0, 9.0]))
    assert shifted((logits, labels))["recall_2"] == 1.0
