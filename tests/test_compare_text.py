"""Tests of text columns in the main job: type inference, the text encoders, text strategies."""

import os
import tempfile

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import unskew
from unskew.comparison._engine import Task, run_task
from unskew.comparison._splits import Split
from unskew.comparison.strategies import REGISTRY, TEXT_PRESETS
from unskew.comparison.strategies._models import TEXT_COMPONENTS, preprocessor_for
from unskew.datasets import load_table
from unskew.datasets._table import read_string_column

_INTENTS = {
    "refund": ["i want my money back", "refund please", "give me a refund for order",
               "money back now", "return and refund"],
    "delivery": ["where is my parcel", "package not arrived", "tracking shows nothing",
                 "late delivery again", "courier lost it"],
    "praise": ["love this shop :)", "great service <3", "thanks a lot :D", "you are the best",
               "super happy"],
}


def _short_text_table(counts=None, seed=0) -> pd.DataFrame:
    """Short, mostly distinct strings with a long tail of classes (a typical intent table)."""
    rng = np.random.default_rng(seed)
    counts = counts or {"delivery": 150, "refund": 40, "praise": 12}
    rows = []
    for label, n in counts.items():
        for i in range(n):
            base = _INTENTS[label][rng.integers(len(_INTENTS[label]))]
            rows.append((f"{base} #{i}" if rng.random() < 0.7 else f"{base} {rng.integers(99)}",
                         label))
    frame = pd.DataFrame(rows, columns=["message", "intent"])
    return frame.sample(frac=1, random_state=seed).reset_index(drop=True)


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([f"order {i} late" for i in range(60)], "text"),                 # short, distinct
        ([":)", ":(", "<3", ";-)", "xD", ":D"] * 3 + [f"\u263a x{i}" for i in range(40)], "text"),
        ([f"доставка заказ {i}" for i in range(60)], "text"),            # Cyrillic
        ([f"配送 遅い {i}" for i in range(60)], "text"),                 # CJK
        ([f"C{i:05d}" for i in range(60)], "categorical"),               # codes: identifiers
        (["red", "green", "blue"] * 20, "categorical"),                   # a real category
    ],
    ids=["queries", "emoticons", "cyrillic", "cjk", "codes", "colours"],
)
def test_string_columns_read_as_text_or_category(values, kind):
    """Check that mostly distinct short strings are text, codes and repeated levels are not."""
    assert read_string_column(pd.Series(values), n_classes=3)[0] == kind


def test_ambiguous_string_column_gets_a_note_and_overrides_work():
    """Check that a close call is said in the dataset notes, and --text/--categorical win."""
    rng = np.random.default_rng(0)
    # about 40 one-word levels (letters, not codes) in 120 rows: a close call
    words = sorted({"".join(rng.choice(list("abcdefgh"), 5)) for _ in range(40)})
    df = pd.DataFrame({"tag": rng.choice(words, 120), "y": rng.choice(["a", "b"], 120)})
    ds = load_table(df, target="y")
    assert ds.feature_types["tag"] == "categorical"
    assert any("'tag' read as a category" in n and "--text" in n for n in ds.notes)
    assert load_table(df, target="y", text=["tag"]).feature_types["tag"] == "text"
    texty = _short_text_table()
    assert load_table(texty, target="intent").feature_types["message"] == "text"
    forced = load_table(texty, target="intent", categorical=["message"])
    assert forced.feature_types["message"] == "categorical"
    with pytest.raises(unskew.exceptions.DataError, match="both text= and categorical="):
        load_table(texty, target="intent", text=["message"], categorical=["message"])


def test_text_encoders_by_model():
    """Check that linear models get sparse word + character n-grams and trees a dense view."""
    df = _short_text_table()
    types = {"message": "text"}
    sparse = preprocessor_for("lr", types).fit_transform(df[["message"]])
    assert sp.issparse(sparse)
    names = preprocessor_for("lr", types).fit(df[["message"]]).get_feature_names_out()
    assert any("word__" in n for n in names)
    assert any("char__" in n for n in names)
    dense = preprocessor_for("hgb", types).fit_transform(df[["message"]])
    assert not sp.issparse(dense)
    assert dense.shape == (len(df), TEXT_COMPONENTS)
    # SMOTE interpolates the dense view, never raw TF-IDF
    smote = REGISTRY["smote+lr"].build(types, 0)
    assert not sp.issparse(smote.named_steps["preprocess"].fit_transform(df[["message"]]))


def test_compare_on_a_text_table_runs_the_text_strategies(tmp_path):
    """Check that a text-only table gets the text preset, with a note, and every one runs."""
    df = _short_text_table()
    path = tmp_path / "intents.csv"
    df.to_csv(path, index=False)
    result = unskew.compare(path, target="intent", preset="fast", folds=3, repeats=1,
                            progress=False, diagnose=False)
    assert list(result.dataset["feature_types"].values()) == ["text"]
    assert sorted(result.leaderboard["strategy"]) == sorted(TEXT_PRESETS["fast"])
    assert any("every feature is text" in n for n in result.warnings)
    assert (result.leaderboard["status"] == "ok").all()
    # the phrases separate the intents: a text model must find them, the rare one included
    top = result.leaderboard.iloc[0]
    assert top["macro_f1"] > 0.9
    assert top["rare_recall"] > 0.8
    assert result.settings["strategies"] == list(TEXT_PRESETS["fast"])


def test_strategies_of_one_fold_share_one_tfidf_fit(tmp_path):
    """Check that tasks with a text memory give the scores of tasks without, and that the
    strategies of one fold (weighting, resampling, a decision wrapper) fit TF-IDF once and
    encode the test texts once."""
    df = _short_text_table()
    types = {"message": "text"}
    y = df["intent"].to_numpy()
    labels = np.unique(y)
    train, test = np.arange(0, 150), np.arange(150, len(df))
    split = Split(0, 0, train, test)
    names = ["none+lr", "weighted+lr", "ros+lr", "logit-adjusted+lr", "none+cnb"]
    for name in names:
        shared = run_task(Task(name, split, name, text_memory=str(tmp_path)),
                          df[["message"]], y, labels, types, 0)
        alone = run_task(Task(name, split, name), df[["message"]], y, labels, types, 0)
        assert shared.ok, shared.error
        assert alone.ok, alone.error
        assert shared.scores == pytest.approx(alone.scores, abs=1e-12)
        np.testing.assert_allclose(shared.proba, alone.proba, atol=1e-12)
    # one fit of the training texts and one encoding of the test texts, for all of them
    assert len(list(tmp_path.rglob("output.pkl"))) == 2


def test_compare_removes_its_text_memory(tmp_path, monkeypatch):
    """Check that compare's shared TF-IDF fits live in a private folder that is gone after."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen = []
    real = tempfile.TemporaryDirectory

    def recording(*args, **kwargs):
        folder = real(*args, **kwargs)
        seen.append((folder.name, oct(os.stat(folder.name).st_mode & 0o777)))
        return folder

    monkeypatch.setattr(tempfile, "TemporaryDirectory", recording)
    unskew.compare(_short_text_table(), target="intent", strategies="none+lr,weighted+lr",
                   folds=2, repeats=1, progress=False, diagnose=False)
    assert [mode for _, mode in seen] == ["0o700"]
    assert seen[0][0].startswith(str(tmp_path / "unskew-tfidf-"))
    assert not os.path.exists(seen[0][0])


def test_text_augmentation_strategy_grows_only_rare_texts():
    """Check that augment+lr over-samples the rare classes' texts inside fit only."""
    df = _short_text_table()
    pipe = REGISTRY["augment+lr"].build({"message": "text"}, 0)
    augmenter = pipe.named_steps["resample"]
    X_res, y_res = augmenter.fit_resample(df[["message"]], df["intent"])
    counts = pd.Series(y_res).value_counts()
    assert counts.nunique() == 1
    assert counts.iloc[0] == 150
    assert X_res.iloc[:len(df)].equals(df[["message"]])
    pipe.fit(df[["message"]], df["intent"])
    assert len(pipe.predict(df[["message"]])) == len(df)


def test_cnb_and_augmentation_say_why_they_skip_numeric_tables():
    """Check the reasons compare gives for skipping the text-only strategies."""
    numeric = {"amount": "numeric"}
    assert "non-negative" in REGISTRY["none+cnb"].unfit_for(numeric)
    assert "no text column" in REGISTRY["augment+lr"].unfit_for(numeric)
    assert REGISTRY["none+cnb"].unfit_for({"message": "text"}) is None


def test_compare_warns_when_categories_are_mostly_unseen():
    """Check that a category column whose levels mostly occur once is warned about."""
    rng = np.random.default_rng(0)
    n = 200
    df = pd.DataFrame({"x": rng.normal(size=n), "y": np.where(rng.random(n) < 0.2, "b", "a"),
                       "note": [f"n{i % 150}" for i in range(n)]})
    result = unskew.compare(df, target="y", strategies="none+lr", folds=2, repeats=1,
                            categorical=["note"], progress=False, diagnose=False)
    assert any("'note'" in n and "seen only once" in n and "--text note" in n
               for n in result.warnings)


def test_compare_keeps_misclassified_rare_texts_for_the_report():
    """Check that the result carries the winner's out-of-fold mistakes on the rare classes."""
    df = _short_text_table(seed=3)
    df.loc[df.index[:6], "intent"] = "praise"  # label noise: delivery texts called praise
    result = unskew.compare(df, target="intent", strategies="none+lr", folds=3, repeats=1,
                            progress=False, diagnose=False, holdout=0)
    assert result.examples
    proba, classes = result.oof["none+lr"], result.classes
    for example in result.examples:
        row = example["row"]
        assert result.y[row] == example["true"] != example["predicted"]
        assert classes[int(proba[row].argmax())] == example["predicted"]
        assert example["text"] == df["message"].iloc[row]
    assert {e["true"] for e in result.examples} <= {"praise", "refund", "delivery"}
    confidences = [e["confidence"] for e in result.examples if e["true"] == "praise"]
    assert confidences == sorted(confidences, reverse=True)


def test_compare_with_minilm_embeddings(tmp_path):
    """Check --text-encoder minilm: local embeddings in every strategy, cached in the output."""
    df = _short_text_table()
    result = unskew.compare(df, target="intent", strategies="weighted+lr,smote+lr", folds=2,
                            repeats=1, text_encoder="minilm", progress=False, diagnose=False,
                            out=tmp_path)
    assert result.settings["text_encoder"] == "minilm"
    assert (result.leaderboard["status"] == "ok").all()
    assert result.leaderboard.iloc[0]["macro_f1"] > 0.8
    assert any((tmp_path / "cache" / "embeddings").iterdir())
    step = result.best_estimator_.named_steps["preprocess"].transformers_[0][1]
    assert type(step).__name__ == "SentenceEmbedder"
    model = unskew.load_model(tmp_path / "model.skops")
    assert list(model.predict(df[["message"]].head(5))) == list(
        result.best_estimator_.predict(df[["message"]].head(5)))


def test_minilm_without_the_text_extra_says_what_to_install(monkeypatch):
    """Check that a missing sentence-transformers is an error naming the extra, up front."""
    import sys

    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ImportError, match=r"unskew\[text\]"):
        unskew.compare(_short_text_table(), target="intent", text_encoder="minilm",
                       progress=False)
    with pytest.raises(unskew.exceptions.DataError, match="unknown text_encoder 'bert'"):
        unskew.compare(_short_text_table(), target="intent", text_encoder="bert",
                       progress=False)
