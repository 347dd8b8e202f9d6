"""Frames of the languages added in December 2026 (branch langs; corpusnorm.align.paraphrase): verbs of saying and
their complementisers, head-final Turkish forms, attributions, negated frames, inverted V2 subjects, the first-person
shift of the comparison. Engineer-written sentences, one or more per language."""

from __future__ import annotations

import pytest

from corpusnorm.align.paraphrase import (
    ANY_FRAMES,
    FIRST_PERSON_WORDS,
    MID_ATTRIBUTIONS,
    THAT_WORDS,
    _shown,
    first_person_in,
    frame_candidates,
)


def clauses(text: str, language: str) -> list[str]:
    return [text[a:b] for a, b in frame_candidates(text, language)]


@pytest.mark.parametrize(
    ("language", "text", "clause"),
    [
        (
            "sv",
            "I brevet skriver han att hans sista arbetsdag blir den 9 februari.",
            "hans sista arbetsdag blir den 9 februari",
        ),
        ("da", "Forskeren fortæller, at han vil tage en uddannelse i poesi.", "han vil tage en uddannelse i poesi"),
        ("no", "Forskeren skriver at verden er i fare.", "verden er i fare"),
        ("nl", "De onderzoeker zegt dat de wereld in gevaar is.", "de wereld in gevaar is"),
        ("pl", "Naukowiec napisał, że świat jest w niebezpieczeństwie.", "świat jest w niebezpieczeństwie"),
        ("cs", "Vědkyně uvedla, že svět je v ohrožení.", "svět je v ohrožení"),
        ("hr", "Istraživač je naveo da mu je posljednji radni dan u petak.", "mu je posljednji radni dan u petak"),
        ("uk", "Дослідник зазначив, що світ перебуває в небезпеці.", "світ перебуває в небезпеці"),
        ("ro", "Cercetătorul a explicat că lumea este în pericol.", "lumea este în pericol"),
        ("fi", "Tutkija kertoo, että maailma on vaarassa.", "maailma on vaarassa"),
        ("hu", "A kutató hozzátette, hogy a világ veszélyben van.", "a világ veszélyben van"),
        ("el", "Ο ερευνητής έγραψε ότι ο κόσμος βρίσκεται σε κίνδυνο.", "ο κόσμος βρίσκεται σε κίνδυνο"),
        ("id", "Peneliti itu menulis bahwa dunia sedang dalam bahaya.", "dunia sedang dalam bahaya"),
        ("vi", "Nhà nghiên cứu cho biết thế giới đang gặp nguy hiểm.", "thế giới đang gặp nguy hiểm"),
        ("tr", "Araştırmacı, dünyanın tehlikede olduğunu söyledi.", "dünyanın tehlikede olduğunu"),
        ("ar", "وأوضح الباحث أن العالم في خطر.", "العالم في خطر"),
    ],
)
def test_a_verb_of_saying_and_its_complementiser_open_the_reported_clause(
    language: str, text: str, clause: str
) -> None:
    assert clauses(text, language) == [clause]


def test_turkish_head_final_intent_and_the_channel_of_the_report_are_no_part_of_the_content() -> None:
    text = "Araştırmacı, mektubunda İngiltere'ye dönmek istediğini de ekledi."
    assert clauses(text, "tr") == ["İngiltere'ye dönmek istediğini"]  # not "mektubunda …", "de ekledi" closes it


@pytest.mark.parametrize(
    ("language", "text", "clause"),
    [
        ("hr", "Prema Sharmi, svijet je u opasnosti.", "svijet je u opasnosti"),  # a named source and a comma
        ("sv", "Enligt Sharma har han sett hur svårt det är att leva efter sina värderingar.", None),  # V2, no comma
        ("nl", "De wereld is volgens hem in gevaar.", "De wereld is volgens hem in gevaar"),  # mid-sentence: whole
        ("fi", "Hänen mukaansa maailma on vaarassa juuri nyt.", "maailma on vaarassa juuri nyt"),
    ],
)
def test_attributions_open_the_content(language: str, text: str, clause: str | None) -> None:
    expected = clause or text.split("Sharma ", 1)[1].rstrip(".")
    assert clauses(text, language) == [expected]


def test_croatian_detected_as_bosnian_uses_the_croatian_lists() -> None:
    text = "Prema Sharmi, svijet je u opasnosti."
    assert clauses(text, "bs") == clauses(text, "hr") == ["svijet je u opasnosti"]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pl", "Ekspert nie twierdzi, że świat jest w niebezpieczeństwie."),
        ("da", "Analytikeren mener ikke, at verden er i fare."),
        ("fi", "Tutkija ei usko, että maailma on vaarassa."),
        ("sv", "Analytikern säger inte att världen är i fara."),
    ],
)
def test_a_negated_verb_of_saying_opens_no_clause(language: str, text: str) -> None:
    assert clauses(text, language) == []


def test_an_inverted_subject_pronoun_is_part_of_the_frame() -> None:
    # "hij in een brief aan zijn collega's" was a clause, and in the first person it came close to X02
    assert clauses("Dat schrijft hij in een brief aan zijn collega's.", "nl") == []
    assert clauses("Dan schrijft hij dat de wereld in gevaar is.", "nl") == ["de wereld in gevaar is"]


def test_a_for_him_phrase_inside_an_english_sentence_is_no_attribution() -> None:
    text = "In his letter, the researcher says the time has come for him to move on."
    assert clauses(text, "en") == ["the time has come for him to move on"]
    assert "en" not in MID_ATTRIBUTIONS


def test_a_short_quoted_fragment_keeps_its_frame_clause_a_quoted_sentence_does_not() -> None:
    fragment = "Teraz chce studiować poezję i poświęcić się praktyce „odważnej mowy”."
    assert clauses(fragment, "pl") == ["chce studiować poezję i poświęcić się praktyce „odważnej mowy"]
    assert clauses("Powiedział: „Jest dla mnie jasne, że nadszedł czas, by pójść dalej”.", "pl") == []


def test_the_compared_text_is_in_the_first_person_where_the_verb_does_not_agree() -> None:
    assert (
        first_person_in("han vill flytta tillbaka till Storbritannien", "sv")
        == "jag vill flytta tillbaka till Storbritannien"
    )
    assert first_person_in("Han skriver om sig själv", "sv") == "Jag skriver om mig själv"
    assert first_person_in("anh ấy muốn học thơ", "vi") == "tôi muốn học thơ"
    assert first_person_in("hanskar och handskar", "sv") == "hanskar och handskar"  # whole words only
    polish = "on chce studiować poezję"
    assert first_person_in(polish, "pl") == polish  # the verb agrees with the person: left as written
    assert "pl" not in FIRST_PERSON_WORDS
    # what is embedded: first person, and no quote marks
    assert _shown(["han vill ägna sig åt ”modigt tal"], [False], "en", "sv") == ["jag vill ägna mig åt modigt tal"]


def test_the_added_languages_frame_no_sentence_of_unknown_language() -> None:
    # "at" (Danish) or "vil" would open frames in English sentences: the lists serve their own languages only
    said = ANY_FRAMES.reported.search("He said at noon that he would stay.")
    assert said is not None and said.group().endswith("that ")  # "at" is no complementiser here
    assert "at" not in THAT_WORDS.get("en", "")
    assert ANY_FRAMES.intent.search("Hun vil studere poesi") is None
    assert clauses("Pētnieks saka, ka vēlas studēt dzeju un atgriezties Apvienotajā Karalistē.", "lv") == []
