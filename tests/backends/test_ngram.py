"""The language models' per-word caches stay bounded on a long run, and forgetting changes no value."""

from __future__ import annotations

import itertools

import pytest

from corpusnorm.backends import ngram, trigram


def test_bigram_caches_plateau_and_values_survive_a_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ngram, "WORD_CACHE_SIZE", 50)
    model = ngram.LanguageModel({"the": 50, "market": 5, "fell": 3}, {("the", "market"): 4, ("market", "fell"): 2})
    first = model.window("the", ["market", "fell"], "")
    words = [f"zq{i}x" for i in range(1_000)]  # new words, as a long corpus brings them
    for previous, word in itertools.pairwise(words):
        model.logprob(previous, word)
    caches = (model._uni_cache, model._contexts, model._masses)
    assert all(0 < len(c) <= 50 for c in caches)
    assert model.window("the", ["market", "fell"], "") == first


def test_trigram_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    model = trigram.trigram_model()
    if model is None:
        pytest.skip("pocketsphinx is not installed")
    assert isinstance(model._memo, trigram.BoundedMemo) and model._memo.size == trigram.MEMO_SIZE
    monkeypatch.setattr(model, "_memo", trigram.BoundedMemo(20))
    before = model.gain(["he", "will"], ["read"], ["learn"], ["the", "letter"])
    for i in range(200):
        model.window(["the", f"zq{i}x", "letter"], 0)
    assert len(model._memo) == 20
    assert model.gain(["he", "will"], ["read"], ["learn"], ["the", "letter"]) == before
