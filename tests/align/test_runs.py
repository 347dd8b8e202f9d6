"""Monotone passage alignment (align.runs): unquoted runs of sentences next to a rendering."""

from __future__ import annotations

import numpy as np
import pytest

from corpusnorm.align import align
from corpusnorm.align.runs import QuoteSide, Sentence, _reporting_sentences, extend_runs, split_sentences


def _side(n: int, dim: int = 64) -> QuoteSide:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return QuoteSide(vectors, np.full(n, 0.1), np.full(n, 10.0, dtype=np.float32))


def _sentences(n: int) -> list[Sentence]:
    return [Sentence(10 * i, 10 * i + 9, f"s{i}", 10) for i in range(n)]


def test_split_sentences_keeps_word_edges() -> None:
    text = "Erste Zeile. Zweiter Satz!\n„Dritter“ Satz? Ende"
    sents = split_sentences(text)
    assert [s.text for s in sents] == ["Erste Zeile", "Zweiter Satz", "Dritter“ Satz", "Ende"]
    assert all(text[s.start : s.end] == s.text for s in sents)


def test_run_follows_the_quotes_in_order_with_a_merge_and_a_skip() -> None:
    side = _side(12)
    v = side.vectors
    # sentence 0 renders quote 2 (the anchor); 1 and 2 together -> 3 (a 2-1 merge); 3 -> 4; 4 -> 6 (5 left out)
    half = (v[3] + 0.15 * v[0]) / np.linalg.norm(v[3] + 0.15 * v[0])
    article = {1: half, 2: half, 3: v[4], 4: v[6]}
    steps = extend_runs(
        _sentences(5), [(0, 2)], lambda i: True, lambda texts: np.stack([article[int(t[1:])] for t in texts]), side
    )
    pairs = {(s.sentences, s.quotes) for s in steps}
    assert pairs == {((1, 2), (3,)), ((3,), (4,)), ((4,), (6,))}


def test_a_run_bridges_one_sentence_that_renders_nothing() -> None:
    side = _side(12)
    v = side.vectors
    rng = np.random.default_rng(2)
    noise = rng.normal(size=v.shape[1]).astype(np.float32)
    noise /= np.linalg.norm(noise)
    article = {1: v[3], 2: v[4], 3: noise, 4: v[5]}  # "he went on:" between two rendering sentences
    steps = extend_runs(
        _sentences(5), [(0, 2)], lambda i: True, lambda texts: np.stack([article[int(t[1:])] for t in texts]), side
    )
    assert {(s.sentences, s.quotes) for s in steps} == {((1,), (3,)), ((2,), (4,)), ((4,), (5,))}


def test_an_isolated_sentence_is_not_a_run() -> None:
    side = _side(12)
    v = side.vectors
    rng = np.random.default_rng(1)
    noise = rng.normal(size=(5, v.shape[1])).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    article = {1: v[3], 2: noise[2], 3: noise[3], 4: noise[4]}  # one rendering next to the anchor, then narration
    steps = extend_runs(
        _sentences(5), [(0, 2)], lambda i: True, lambda texts: np.stack([article[int(t[1:])] for t in texts]), side
    )
    assert steps == []


def test_nothing_is_embedded_without_an_anchor() -> None:
    calls: list[list[str]] = []
    side = _side(4)
    assert extend_runs(_sentences(3), [], lambda i: True, lambda t: calls.append(t) or np.zeros((0, 64)), side) == []
    assert calls == []


def test_no_sentence_is_embedded_towards_a_side_without_quotes() -> None:
    """An anchor on the set's last quote has nothing after it: the sentences after it are never embedded."""
    side = _side(4)
    v = side.vectors
    embedded: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return np.stack([v[0] for _ in texts])

    extend_runs(_sentences(7), [(3, 3)], lambda i: True, embed, side)
    assert embedded and all(int(t[1:]) < 3 for t in embedded)  # only the side before the anchor


def test_a_reporting_sentence_is_bridged_but_never_embedded() -> None:
    side = _side(12)
    v = side.vectors
    article = {1: v[3], 2: v[4], 3: v[5]}
    embedded: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return np.stack([article[int(t[1:])] for t in texts])

    steps = extend_runs(_sentences(4), [(0, 2)], lambda i: True, embed, side, frozenset({1}))
    assert "s1" not in embedded
    assert {(s.sentences, s.quotes) for s in steps} == {((2,), (4,)), ((3,), (5,))}


def test_reporting_sentences_are_those_with_a_quote_or_reported_speech() -> None:
    text = (
        "Il a écrit une lettre. Il cite « la sycophancy » de ses assistants. Le monde change vite. "
        "Elle explique que tout va bien. Nous verrons."
    )
    sents = split_sentences(text)
    assert [sents[i].text for i in sorted(_reporting_sentences(text, sents))] == [
        "Il cite « la sycophancy » de ses assistants",
        "Elle explique que tout va bien",
    ]


SV_REPRINT = (
    "Säkerhetsforskare lämnar Anthropic\n\n"
    "Forskaren skrev i ett brev till sina kollegor att han slutar. ”Jag har bestämt mig för att lämna Anthropic.” "
    "Jag hoppas kunna läsa poesi och ägna mig åt att öva ett modigt tal. "
    "Jag ser också fram emot att fördjupa mitt arbete med facilitering, coachning, gemenskapsbyggande och "
    "grupparbete. Vi får se vad som händer.\n\nEn talesperson för företaget sa att man tackar honom."
)


def test_unquoted_translated_reprint_is_found_after_a_quoted_rendering() -> None:
    found = {a.quote_id: a for a in align(SV_REPRINT, language="sv")}
    assert "L01" in found
    assert {"L24", "L25", "L26"} <= set(found)
    assert found["L25"].kind == "translated" and "passage run" in found["L25"].evidence
    assert "talesperson" not in " ".join(a.text for a in found.values())


def test_a_quote_inside_a_reporting_frame_starts_no_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The anchor must be a quoted sentence on its own: one quoted inside a long reporting frame is the
    journalist quoting, so the sentences after it are narration (nothing is embedded for them). (frames2: the
    paraphrase matcher reads the sentence after the intent sentence "Jag hoppas …" as continuing it, and finds
    L25 there as a summary; the passage run is what is tested, so its continuations are off.)"""
    from corpusnorm.align import paraphrase

    monkeypatch.setattr(paraphrase, "CONTINUATIONS", False)
    framed = SV_REPRINT.replace(
        "”Jag har bestämt mig för att lämna Anthropic.”",
        "I sitt långa brev till kollegorna på företaget skriver han: ”Jag har bestämt mig för att lämna Anthropic.”",
    )
    found = {a.quote_id for a in align(framed, language="sv")}
    assert "L01" in found and not found & {"L24", "L25", "L26"}


def test_article_that_only_discusses_the_letter_gets_nothing() -> None:
    text = (
        "Därför lämnar forskarna AI-bolagen\n\nUnder det senaste året har flera forskare lämnat de stora "
        "AI-laboratorierna. Många pekar på samma sak: trycket att släppa produkter snabbt. Företaget själv "
        "säger att det står fast vid sina principer. Hur det går för forskaren återstår att se."
    )
    assert align(text, language="sv") == []
