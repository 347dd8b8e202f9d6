"""BLAS threads: limited while corpusnorm multiplies matrices (embedding, comparing passages with a quote set).

OpenBLAS threads spin while they wait for work: a product of a few passages with a large quote set (5,000 x 384)
split over two threads cost several times the CPU of one thread for little wall time (issue 15: with two threads
the 5,000-quote set cost ~50 ms more CPU per article than with one). The limit is set through one
:class:`threadpoolctl.ThreadpoolController`, made on first use (~0.3 ms: it lists the loaded libraries), then
~10 us per use; libraries loaded after it (a BLAS another package brings later) are not limited."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

import numpy as np  # noqa: F401  (its BLAS is loaded before the controller lists the libraries)

__all__ = ["blas_threads"]


@functools.lru_cache(maxsize=1)
def _controller() -> Any:
    """The process's thread-pool controller, or None without threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return None
    return ThreadpoolController()


@contextlib.contextmanager
def blas_threads(n: int | None) -> Iterator[None]:
    """At most ``n`` BLAS threads inside the block (None: no limit); the previous limits come back after it."""
    controller = _controller() if n is not None else None
    if controller is None:
        yield
        return
    with controller.limit(limits=n, user_api="blas"):
        yield
