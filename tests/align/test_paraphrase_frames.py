"""Frame forms added by branch frames2 (corpusnorm.align.paraphrase): Slovak lists, Slavic reportive particles, a
Russian attribution to a named source, frames closing their sentence, sentences continuing a report.
Engineer-written sentences about invented people."""

from __future__ import annotations

import pytest

from corpusnorm.align import paraphrase
from corpusnorm.align.paraphrase import REPORTIVE, frame_candidates
from corpusnorm.align.polarity import _negated


def clauses(text: str, language: str) -> list[str]:
    return [text[a:b] for a, b in frame_candidates(text, language)]


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        (
            "V liste kolegom uviedol, že jeho posledným pracovným dňom bude piatok.",
            "jeho posledným pracovným dňom bude piatok",
        ),
        ("Podľa neho je svet v ohrození a nielen pre vojnu.", "je svet v ohrození a nielen pre vojnu"),
        ("Teraz chce študovať hudbu a venovať sa záhradníctvu.", "chce študovať hudbu a venovať sa záhradníctvu"),
    ],
)
def test_slovak_frames_open_the_reported_clause(text: str, clause: str) -> None:
    assert clause in clauses(text, "sk")


def test_a_slovak_sentence_detected_as_czech_is_read_with_both_lists() -> None:
    text = "V liste kolegom uviedol, že jeho posledným pracovným dňom bude piatok."
    assert paraphrase._passage_language(text) == "cs"
    assert clauses(text, "sk") == ["jeho posledným pracovným dňom bude piatok"]


def test_a_slovak_indefinite_source_and_a_slovak_negation() -> None:
    assert clauses("Podľa jedného analytika je trh s dátami v ohrození.", "sk") == []
    assert _negated("svet nie je v ohrození", "sk")
    assert not _negated("svet je v ohrození", "sk")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("cs", "Tlak na rychlé výsledky prý cítil v celé laboratoři."),
        ("ru", "Давление на команду якобы росло с каждым месяцем."),
        ("uk", "Тиск на команду нібито зростав щомісяця."),
    ],
)
def test_a_reportive_particle_makes_a_frameless_sentence_a_candidate(language: str, text: str) -> None:
    assert clauses(text, language) == [text.rstrip(".")]
    assert paraphrase.FRAMES[language].reportive.search(text)
    assert language in REPORTIVE


def test_a_sentence_without_a_reportive_particle_stays_no_candidate() -> None:
    assert clauses("Tlak na rychlé výsledky cítil v celé laboratoři.", "cs") == []


def test_a_russian_attribution_to_a_named_source_inside_the_sentence() -> None:
    text = "Человечество, по мнению Петрова, приближается к опасному порогу."
    assert clauses(text, "ru") == ["приближается к опасному порогу"]
    assert clauses("Рынок, по мнению одного аналитика, приближается к опасному порогу.", "ru") == []


def test_a_frame_closing_the_sentence_leaves_it_to_a_reportive_mood() -> None:
    # "wollte" (an intent verb) leaves one word after it: no clause of its own, the subjunctive marks the sentence
    text = "Er habe erreicht, was er dort erreichen wollte."
    assert clauses(text, "de") == ["Er habe erreicht, was er dort erreichen wollte"]
    # an intent verb with content of its own still opens its clause
    assert clauses("Künftig wolle er Musik studieren und reisen.", "de") == ["wolle er Musik studieren und reisen"]


def test_the_sentence_after_a_framed_one_continues_the_report_in_its_paragraph_only() -> None:
    text = (
        "Podle něj je trh v ohrožení. Lidé se bojí budoucnosti víc než dřív. Třetí věta už nic nepokračuje.\n\n"
        "Firma se chystá otevřít novou pobočku v Brně."
    )
    found = clauses(text, "cs")
    assert "je trh v ohrožení" in found
    assert "Lidé se bojí budoucnosti víc než dřív" in found
    assert "Třetí věta už nic nepokračuje" not in found  # one sentence only
    assert "Firma se chystá otevřít novou pobočku v Brně" not in found  # a new paragraph


def test_a_sentence_after_an_unframed_one_is_no_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Il mercato è cresciuto molto. Gli analisti guardano al prossimo anno con fiducia."
    assert clauses(text, "it") == []
    framed = "Secondo lui, il mercato è cresciuto molto. Gli analisti guardano al prossimo anno con fiducia."
    assert "Gli analisti guardano al prossimo anno con fiducia" in clauses(framed, "it")
    monkeypatch.setattr(paraphrase, "CONTINUATIONS", False)
    assert "Gli analisti guardano al prossimo anno con fiducia" not in clauses(framed, "it")


@pytest.mark.parametrize(
    ("language", "text", "clause"),
    [
        (
            "de",
            "Die Forscherin beschreibt in ihrem Brief, dass sie oft an ihre Heimat denke.",
            "sie oft an ihre Heimat denke",
        ),
        ("es", "La entrenadora dimite y alerta de que el club está en crisis.", "el club está en crisis"),
        ("pt", "O país, na visão dele, vive um momento difícil.", "O país, na visão dele, vive um momento difícil"),
    ],
)
def test_added_frame_forms(language: str, text: str, clause: str) -> None:
    assert clause in clauses(text, language)
