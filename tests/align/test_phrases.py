"""Short quoted fragments rendering a phrase of one quote (corpusnorm.align.phrases)."""

from __future__ import annotations

import pytest

from corpusnorm.align import align
from corpusnorm.align import phrases as phrases_module
from corpusnorm.align.phrases import PHRASE_EVIDENCE, quote_phrases
from corpusnorm.quotes import canonical_quotes

# engineer-written; every person in them is invented. Each article renders another quote of the set first (L01):
# fragments are compared only in an article that carries the set
HEAD = "Investigador de segurança deixa a Anthropic\n\n«Decidi deixar a Anthropic», escreveu aos colegas. "
# (merge of frag with speak/frames2) "… fala de «discurso corajoso» e de poesia" is now a reported summary of L24 as a
# whole, which covers the fragment; the fragment alone is what the phrase targets are for
RESEARCHER = HEAD + "Na carta, o investigador fala de «discurso corajoso». A empresa não comentou."
ANALYST = (
    HEAD + "O analista Rui Tavares Moniz chamou-lhe «palavras corajosas» e lembrou que a empresa continua a contratar."
)


def _phrase_alignments(text: str, language: str) -> list[tuple[str, str]]:
    return [(a.quote_id, a.text) for a in align(text, language=language) if PHRASE_EVIDENCE in a.evidence]


def test_each_quote_is_cut_into_distinct_phrases_at_clause_and_word_edges() -> None:
    texts = tuple(q.text for q in canonical_quotes())
    ids = [q.id for q in canonical_quotes()]
    phrases = quote_phrases(texts)
    by_quote: dict[str, list[str]] = {}
    for qi, p in phrases:
        by_quote.setdefault(ids[qi] if qi != phrases_module.SHARED else "shared", []).append(p)
    assert "courageous speech" in by_quote["L24"]
    assert "poetry degree" in by_quote["L24"]
    assert "The world is in peril" in by_quote["L11"]  # a short clause is a target as a whole
    assert "For me" not in by_quote["L20"]  # a clause of very common words is not
    # a phrase of two quotes belongs to neither
    assert (phrases_module.SHARED, "AI safety") in phrases
    assert not [qi for qi, p in phrases if p == "AI safety" and qi != phrases_module.SHARED]
    counts = [len(v) for v in by_quote.values()]
    assert max(counts) <= phrases_module.MAX_PHRASES_PER_QUOTE


def test_runs_neither_open_nor_close_on_a_very_common_word() -> None:
    got = phrases_module._clause_phrases("the practice of courageous speech", "en")
    assert got[0] == "the practice of courageous speech"  # the clause itself
    assert {"courageous speech", "practice of courageous speech"} <= set(got)
    assert not {"the practice", "practice of", "of courageous speech"} & set(got)


def test_the_authors_short_fragment_aligns_to_the_quote_of_its_phrase() -> None:
    found = [a for a in align(RESEARCHER, language="pt") if a.quote_id == "L24"]
    assert [a.text for a in found] == ["discurso corajoso"]
    a = found[0]
    assert a.kind == "translated" and RESEARCHER[a.start : a.end] == a.text
    assert "courageous speech" in a.evidence and 0.0 < a.score < 1.0


def test_the_same_words_by_another_speaker_are_not_aligned() -> None:
    assert _phrase_alignments(ANALYST, "pt") == []
    assert not [a for a in align(ANALYST, language="pt") if a.text == "palavras corajosas"]


def test_a_fragment_as_near_to_two_quotes_tells_neither() -> None:
    text = HEAD + "Na carta, o investigador lembra os anos dedicados à «segurança da IA»."
    assert _phrase_alignments(text, "pt") == []


def test_an_article_that_carries_no_other_quote_of_the_set_is_not_compared() -> None:
    assert [a.quote_id for a in align(RESEARCHER, language="pt")] == ["L01", "L24"]
    alone = RESEARCHER.replace("«Decidi deixar a Anthropic», escreveu aos colegas. ", "")
    assert align(alone, language="pt") == []


def test_a_set_over_the_bound_gets_no_phrase_targets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phrases_module, "MAX_PHRASE_QUOTES", 10)
    assert len(canonical_quotes()) > 10
    assert _phrase_alignments(RESEARCHER, "pt") == []
