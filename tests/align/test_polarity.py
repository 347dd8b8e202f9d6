"""Leaving and staying (align/polarity.py: departure) and the paraphrase matcher's departure check."""

from __future__ import annotations

import pytest

import corpusnorm.align.paraphrase as paraphrase
from corpusnorm.align import align
from corpusnorm.align.polarity import departure


@pytest.mark.parametrize(
    ("text", "language", "leaves"),
    [
        ("he has decided to leave the company", "en", True),
        ("he has decided to stay at the company", "en", False),
        ("he has not resigned", "en", False),  # negated
        ("会社を辞めることを決めた", "ja", True),
        ("会社に残ることを決めた", "ja", False),
        ("ha decidido dejar la empresa", "es", True),
        ("решил уйти из компании", "ru", True),
        ("решил остаться в компании", "ru", False),
        ("उन्होंने कंपनी छोड़ने का फैसला किया है", "hi", True),
        ("şirketten ayrılmaya karar verdi", "tr", True),
        ("他决定留在旧金山继续工作", "zh", False),
        ("he has decided to leave the company", "xx", False),  # a language without lists
    ],
)
def test_departure_tells_leaving_from_staying(text: str, language: str, leaves: bool) -> None:
    assert departure(text, language) is leaves


LEAVES = (
    "Ricercatore lascia\n\nIl ricercatore ha spiegato ai colleghi di aver deciso di lasciare l'azienda. "
    "Nella lettera scrive: «Il mondo è in pericolo»."
)


def test_a_departure_summary_under_the_floors_is_aligned_in_an_article_reporting_the_letter() -> None:
    found = {a.quote_id: a for a in align(LEAVES)}
    assert set(found) == {"L01", "L11"}
    assert found["L01"].kind == "paraphrase"
    assert found["L01"].evidence.endswith(paraphrase.DEPARTURE_EVIDENCE)
    assert found["L01"].text == "aver deciso di lasciare l'azienda"


def test_staying_another_departure_and_the_check_switched_off_give_no_departure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stays = LEAVES.replace("lasciare l'azienda", "restare in azienda")
    assert [a.quote_id for a in align(stays)] == ["L11"]
    # another person's departure, in an article that renders no quote: no context, no alignment
    assert (
        align("Allenatore lascia\n\nL'allenatore ha spiegato ai giocatori di aver deciso di lasciare la squadra.") == []
    )
    monkeypatch.setattr(paraphrase, "DEPARTURE_MIN_MARGIN", 9.0)
    monkeypatch.setenv("CORPUSNORM_PASSAGE_CACHE", "0")
    assert [a.quote_id for a in align(LEAVES)] == ["L11"]  # e5's floors alone miss it


def test_the_headline_is_the_first_line_without_a_sentence_end() -> None:
    text = "Il ricercatore lascia il laboratorio\n\nHa deciso di lasciare l'azienda."
    assert paraphrase._in_headline(text, text.index("lascia il"))
    assert not paraphrase._in_headline(text, text.index("Ha deciso"))
    assert not paraphrase._in_headline("Ha deciso di lasciare l'azienda.\nAltro.", 3)  # a sentence, not a headline
    assert not paraphrase._in_headline("Ha deciso di lasciare l'azienda", 3)  # one line: no headline
