"""A quote set's side of the cross-lingual matcher, computed once per set: its vectors (cached on disk in
the user cache dir, keyed by the embedder and a hash of the set; ``$CORPUSNORM_QUOTE_CACHE=0`` turns
that off), each quote's margin term (the mean cosine of its k nearest other quotes) and word counts.
A set of any size costs its embedding once (5,000 quotes: ~90 s of CPU), then a disk read (< 0.5 s)."""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from pathlib import Path

import numpy as np

from ..backends.embed import Embedder
from ..diskcache import cache_dir, prune, touch
from .passages import _word_count
from .runs import QuoteSide

__all__ = ["MARGIN_K", "QUOTE_CACHE_ENV", "quote_side"]


MARGIN_K = 4  # neighbours on each side of the margin
Y_BLOCK = 1024  # quotes per block when computing margin terms (bounded memory at any size of set)


def _y_neighbours(q_vec: np.ndarray) -> np.ndarray:
    """Each quote's margin term: the mean cosine of its k nearest other quotes (once per quote set)."""
    n = len(q_vec)
    ky = min(MARGIN_K, max(1, n - 1))
    out = np.empty(n, dtype=np.float64)
    for lo in range(0, n, Y_BLOCK):
        block = q_vec[lo : lo + Y_BLOCK] @ q_vec.T
        block[np.arange(len(block)), np.arange(lo, lo + len(block))] = -2.0
        out[lo : lo + len(block)] = np.partition(block, -ky, axis=1)[:, -ky:].mean(axis=1) if n > 1 else 0.0
    return out


def _x_neighbours(cos: np.ndarray) -> np.ndarray:
    """Each passage's margin term: the mean cosine of its k nearest quotes (rows of ``cos``)."""
    k = min(MARGIN_K, cos.shape[1])
    return np.partition(cos, -k, axis=1)[:, -k:].mean(axis=1)


def _cosines(x: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Cosines of the unit rows ``x`` (passages) to the unit rows ``vectors`` (a quote set): ``x @ vectors.T``,
    computed as ``(vectors @ x.T).T``, the same products (bit for bit on the benchmark sets) for ~1/2 of the CPU
    with a few passages and 5,000 quotes (OpenBLAS copied the whole quote matrix for every product)."""
    return np.ascontiguousarray((vectors @ x.T).T)


def _margins(cos: np.ndarray, y_nn: np.ndarray, x_nn: np.ndarray | float | None = None) -> np.ndarray:
    """Ratio margin: cos(x, y) over the mean of x's and y's k nearest neighbours.

    x's neighbours are the quotes (``x_nn``, from ``cos`` when not given); y's neighbours are the other
    quotes of the set (the set is one text on one topic, so a generic quote that is near everything is
    discounted); ``y_nn`` is computed once per quote set (:func:`.quoteset.quote_side`). ``cos`` may be one
    passage's row with its ``x_nn`` a number.
    """
    if x_nn is None:
        x_nn = _x_neighbours(cos)
    return cos / ((np.asarray(x_nn)[..., None] + y_nn) / 2.0)


QUOTE_SIDE_CACHE_SIZE = 8  # quote sets kept per process
QUOTE_CACHE_ENV = "CORPUSNORM_QUOTE_CACHE"  # "0": never read or write quote vectors on disk
_SIDES: OrderedDict[tuple[str, tuple[str, ...]], QuoteSide] = OrderedDict()


def _quote_cache_path(embedder: Embedder, texts: tuple[str, ...]) -> Path | None:
    """Where a quote set's vectors are kept on disk: the user cache dir, keyed by model and set hash."""
    base = cache_dir()  # $CORPUSNORM_CACHE=off turns this one off too
    if base is None or os.environ.get(QUOTE_CACHE_ENV, "").strip() == "0":
        return None
    digest = hashlib.sha256("\x1e".join((embedder.key, *texts)).encode("utf-8")).hexdigest()[:32]
    return base / "quote-vectors" / f"{digest}.npy"


def _load_quote_vectors(texts: tuple[str, ...], embedder: Embedder) -> np.ndarray:
    path = _quote_cache_path(embedder, texts)
    if path is not None and path.is_file():
        try:
            vectors = np.load(path, allow_pickle=False)
            if vectors.shape[0] == len(texts):
                touch(path)
                return vectors
        except (OSError, ValueError):  # a damaged file is recomputed
            pass
    vectors = embedder.embed(list(texts)).astype(np.float32)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, vectors, allow_pickle=False)
            os.replace(tmp, path)
            prune(keep=path)  # the whole cache folder stays within its bound
        except OSError:  # a read-only cache dir: keep going without it
            pass
    return vectors


def quote_side(texts: tuple[str, ...], embedder: Embedder) -> QuoteSide:
    """A quote set's vectors (disk-cached), margin terms and word counts, computed once per process."""
    key = (embedder.key, texts)
    side = _SIDES.get(key)
    if side is None:
        vectors = _load_quote_vectors(texts, embedder)
        words = np.array([max(1, _word_count(t)) for t in texts], dtype=np.float32)
        side = QuoteSide(vectors, _y_neighbours(vectors), words, MARGIN_K)
        _SIDES[key] = side
        while len(_SIDES) > QUOTE_SIDE_CACHE_SIZE:
            _SIDES.popitem(last=False)
    _SIDES.move_to_end(key)
    return side


def _quote_vectors(texts: tuple[str, ...], embedder: Embedder) -> np.ndarray:
    """Embeddings of a quote set, computed once per process and embedder (and cached on disk)."""
    return quote_side(texts, embedder).vectors
