"""Process-level settings for running corpusnorm inside other engines (datatrove, Dask, Spark, …).

- :func:`set_threads`: how many threads the embedding model may use in this process. Engines start
  one worker per core; a worker whose model also starts one thread per core oversubscribes the
  machine (two workers of two threads on two cores ran up to 2x slower). Integrations call
  ``set_threads(1)`` in each worker; ``CORPUSNORM_THREADS`` sets it from the environment.
- :class:`ForkedAfterEmbeddingError`: the embedding model runs OpenMP threads, which do not survive
  ``fork()``; a process forked after its parent embedded would hang on its first embedding. It
  raises this error instead, naming the fix.
- :func:`worker_pipeline`: one pipeline per worker process and configuration, built on first use.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pipeline import Pipeline

__all__ = ["ForkedAfterEmbeddingError", "get_threads", "set_threads", "worker_pipeline"]

_THREADS: int | None = None


class ForkedAfterEmbeddingError(RuntimeError):
    """This process was forked after its parent ran the embedding model (OpenMP would hang)."""


def set_threads(threads: int | None) -> None:
    """Threads of the embedding model in this process (``None``: the default). Takes effect when the
    model is first loaded in the process, so call it before the first document."""
    global _THREADS
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    _THREADS = threads


def get_threads() -> int | None:
    """The thread setting: :func:`set_threads`, else ``CORPUSNORM_THREADS``, else ``OMP_NUM_THREADS``
    (``None``: let OpenMP decide), else one in a worker process of a pool, else ``None`` (all cores)."""
    if _THREADS is not None:
        return _THREADS
    for variable in ("CORPUSNORM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(variable, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value) if variable == "CORPUSNORM_THREADS" else None
    return 1 if multiprocessing.parent_process() is not None else None


def fork_message(parent_pid: int) -> str:
    return (
        f"this process (pid {os.getpid()}) was forked from pid {parent_pid} after that process ran the "
        "embedding model; its OpenMP threads do not survive fork() and the embedding would hang. "
        "Start workers with 'spawn' or 'forkserver' instead of 'fork' (multiprocessing.set_start_method"
        "('spawn'), datasets' map(num_proc=...) after multiprocess.set_start_method('spawn'), or "
        "ProcessPoolExecutor(mp_context=multiprocessing.get_context('spawn'))), or embed nothing in the "
        "parent before forking."
    )


@functools.lru_cache(maxsize=8)
def worker_pipeline(skip: tuple[str, ...] = (), quotes: str | tuple[Any, ...] | None = None) -> Pipeline:
    """The default pipeline without ``skip`` and with ``quotes`` (a path, or a tuple of
    :class:`~corpusnorm.quotes.Quote`) for align, built once per process and configuration."""
    from .pipeline import Pipeline

    pipeline = Pipeline.default(**dict.fromkeys(skip, False))
    if quotes is not None:
        pipeline = pipeline.configure("align", quotes=list(quotes) if isinstance(quotes, tuple) else quotes)
    return pipeline
