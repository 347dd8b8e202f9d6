"""BLAS threads limited while corpusnorm multiplies matrices (corpusnorm.backends.blas; issue 15)."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from corpusnorm.align import align
from corpusnorm.backends.blas import _controller, blas_threads
from corpusnorm.backends.embed import Embedder


def _blas_threads_now() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


@pytest.fixture
def two_threads() -> object:
    if not _blas_threads_now():
        pytest.skip("numpy has no BLAS threadpoolctl can see here")
    with threadpool_limits(limits=2, user_api="blas") as limits:
        yield limits


def test_the_limit_holds_inside_the_block_and_is_undone_after(two_threads: object) -> None:
    assert set(_blas_threads_now()) == {2}
    with blas_threads(1):
        assert set(_blas_threads_now()) == {1}
    assert set(_blas_threads_now()) == {2}
    with blas_threads(None):  # no limit asked: nothing changes
        assert set(_blas_threads_now()) == {2}
    assert _controller() is _controller()  # the libraries are listed once per process


def test_align_compares_with_the_quote_vectors_on_one_blas_thread(
    two_threads: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORPUSNORM_QUOTE_CACHE", "0")  # a test embedder's vectors: not on disk
    seen: list[list[int]] = []

    class Recording(Embedder):
        name = "recording-threads"

        def embed(self, texts):  # type: ignore[no-untyped-def]
            seen.append(_blas_threads_now())
            out = np.ones((len(texts), 8), dtype=np.float32)
            return out / np.linalg.norm(out, axis=1, keepdims=True)

    align("Sharma ha scritto che «il mondo è in pericolo» per tutti.", embedder=Recording(), language="it")
    assert seen and all(threads == [1] * len(threads) for threads in seen)
    assert set(_blas_threads_now()) == {2}  # and the caller's limit is back
