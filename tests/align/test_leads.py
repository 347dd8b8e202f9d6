"""Document-level evidence (corpusnorm.align.leads): frameless summaries in an article that carries the quote set."""

from __future__ import annotations

import pytest

from corpusnorm.align import align, second
from corpusnorm.align.leads import (
    EVIDENCE_SCORE,
    LEAD_MAX_CANDIDATES,
    LEADS_ENV,
    _unnamed,
    author_names,
    carries_quote_set,
    lead_candidates,
)
from corpusnorm.document import Alignment

SET_WORDS = frozenset({"anthropic", "francisco", "san"})

# written for these tests: two quoted sentences of the letter, then frameless sentences with the author as subject
CARRIES = (
    "Safety researcher says goodbye to his lab\n\n"
    "The researcher Mrinank Sharma is leaving after two years of work on AI safety. "
    "In his note, Sharma wrote: “The world is in peril.” "
    "He closed with: “We shall see what unfolds.” "
    "Sharma reached San Francisco in his late twenties, fresh from a doctorate, hoping to work on safe AI. "
    "The company thanked him in a short statement."
)
ONE_QUOTE = CARRIES.replace("He closed with: “We shall see what unfolds.” ", "")
SOMEONE_ELSE = (
    "Orchestra conductor steps down\n\n"
    "The conductor Ilse Varga is leaving the city orchestra after eleven seasons. "
    "In her note, Varga wrote: “The orchestra is in good hands.” "
    "Varga had come to Vienna eleven years ago, having just finished her studies, to lead the ensemble. "
    "The city council thanked her in a short statement."
)


def _alignment(quote_id: str, text: str, passage: str, score: float = 0.99) -> Alignment:
    start = text.index(passage)
    return Alignment(quote_id, "verbatim", score, start, start + len(passage), passage, 1.0)


def test_two_sure_alignments_of_distinct_quotes_are_the_evidence() -> None:
    sure = [
        _alignment("L11", CARRIES, "The world is in peril."),
        _alignment("L26", CARRIES, "We shall see what unfolds."),
    ]
    assert carries_quote_set(sure) == sure
    assert carries_quote_set(sure[:1]) == []
    assert carries_quote_set([sure[0], _alignment("L11", CARRIES, "The world is in peril.")]) == []
    unsure = [sure[0], _alignment("L26", CARRIES, "We shall see what unfolds.", EVIDENCE_SCORE - 0.01)]
    assert carries_quote_set(unsure) == []


def test_the_author_is_the_recurring_name_in_the_evidence_sentences() -> None:
    evidence = [_alignment("L11", CARRIES, "The world is in peril.")]
    assert author_names(CARRIES, evidence, SET_WORDS) == frozenset({"Sharma"})  # "Mrinank" occurs once
    # a name of the quote set ("San Francisco") and sentence-initial capitals are no author
    assert "San" not in author_names(CARRIES, evidence, SET_WORDS)
    # attributed by a pronoun only: the article's most frequent name
    evidence = [_alignment("L26", CARRIES, "We shall see what unfolds.")]
    assert author_names(CARRIES, evidence, SET_WORDS) == frozenset({"Sharma"})


def test_candidates_are_the_lead_and_sentences_with_the_author_as_subject() -> None:
    taken = [(CARRIES.index("“The"), CARRIES.index("peril.”") + 7)]
    spans = [CARRIES[a:b] for a, b in lead_candidates(CARRIES, taken, frozenset({"Sharma"}))]
    assert spans == [
        "The researcher Mrinank Sharma is leaving after two years of work on AI safety",
        "Sharma reached San Francisco in his late twenties, fresh from a doctorate, hoping to work on safe AI",
    ]  # not the headline, the quoted sentences, nor "The company thanked him …"
    many = "Lead sentence of the article here. " + "Sharma did one more thing today. " * 6
    assert len(lead_candidates(many, [], frozenset({"Sharma"}))) == LEAD_MAX_CANDIDATES


def test_the_author_is_taken_out_of_what_is_compared() -> None:
    names = frozenset({"Sharma"})
    assert (
        _unnamed("Mrinank Sharma leaves Anthropic for poetry", names, SET_WORDS, True)
        == "I leaves Anthropic for poetry"
    )
    assert _unnamed("Sharma's last day is near", names, SET_WORDS, True) == "my last day is near"
    assert _unnamed("Il ricercatore Mrinank Sharma lascia Anthropic", names, SET_WORDS, False) == (
        "Il ricercatore lascia Anthropic"
    )
    assert _unnamed("Laura Benning joined in 2023", names, SET_WORDS, True) == "Laura Benning joined in 2023"


@pytest.fixture
def leads_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LEADS_ENV, "1")


def _l06(text: str) -> list[Alignment]:
    return [a for a in align(text, language="en") if a.quote_id == "L06"]


def test_the_step_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LEADS_ENV, raising=False)
    assert _l06(CARRIES) == []


@pytest.mark.usefixtures("leads_on")
def test_a_frameless_summary_is_aligned_in_an_article_carrying_the_set() -> None:
    found = _l06(CARRIES)
    assert [a.text for a in found] == [
        "Sharma reached San Francisco in his late twenties, fresh from a doctorate, hoping to work on safe AI"
    ]
    assert found[0].kind == "paraphrase" and "document-level evidence" in found[0].evidence


@pytest.mark.usefixtures("leads_on")
def test_without_the_evidence_or_the_second_model_it_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from corpusnorm.align import paraphrase

    # (frames2) in ONE_QUOTE the sentence after "Sharma wrote: “…”" continues his report: a frame clause of the
    # paraphrase matcher, which finds it without the lead step; the lead step alone is tested here
    monkeypatch.setattr(paraphrase, "CONTINUATIONS", False)
    assert _l06(ONE_QUOTE) == []  # one quote aligned: not enough evidence
    assert [a for a in align(SOMEONE_ELSE, language="en") if a.kind == "paraphrase"] == []
    monkeypatch.setattr(second, "second_opinion_embedder", lambda: None)
    assert _l06(CARRIES) == []


@pytest.mark.usefixtures("leads_on")
def test_no_candidates_allowed_turns_the_step_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from corpusnorm.align import leads

    monkeypatch.setattr(leads, "LEAD_MAX_CANDIDATES", 0)
    assert _l06(CARRIES) == []


def test_the_argument_and_the_stage_option_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from corpusnorm import Document
    from corpusnorm.align.stage import AlignStage

    monkeypatch.delenv(LEADS_ENV, raising=False)
    on = [a.text for a in align(CARRIES, language="en", leads=True) if a.quote_id == "L06"]
    assert on == [
        "Sharma reached San Francisco in his late twenties, fresh from a doctorate, hoping to work on safe AI"
    ]
    doc = Document.new(CARRIES, doc_id="lead")
    doc.language = "en"
    doc = AlignStage(leads=True)(doc)
    assert [a.text for a in doc.alignments if a.quote_id == "L06"] == on
    monkeypatch.setenv(LEADS_ENV, "1")
    assert [a for a in align(CARRIES, language="en", leads=False) if a.quote_id == "L06"] == []
    assert AlignStage().config.leads is True  # read when the config is made: stored as what runs
    monkeypatch.delenv(LEADS_ENV)
    assert AlignStage().config.leads is False
