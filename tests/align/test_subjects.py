"""align/subjects: who is speaking? Engineer-written press sentences (invented people and companies)."""

from __future__ import annotations

import time

import pytest

from corpusnorm.align.subjects import (
    Attribution,
    Speaker,
    attribution,
    attributions,
    author_names,
    name_runs,
    others_dropped,
)

AUTHOR, OTHER, UNKNOWN = Speaker.AUTHOR, Speaker.OTHER, Speaker.UNKNOWN
EMPLOYER = frozenset({"halden", "labs"})  # a quote set naming the author's employer

EN = (
    "Researcher quits Halden Labs over safety\n\n"
    "Ada Okafor, a researcher at Halden Labs, has resigned. She said she had decided to leave the lab. "
    "A company spokesperson, Tom Reyes, said the team had achieved its goals. He added that hiring would continue. "
    "The researcher wrote that the world is in danger. Okafor also said she hopes to study poetry."
)
IT = (
    "Il ricercatore Marco Bellini lascia l'istituto\n\n"
    "Il ricercatore Marco Bellini ha lasciato l'istituto Vescovi. Ha spiegato di aver raggiunto i suoi obiettivi. "
    "La portavoce, Anna Ricci, ha detto che il gruppo resta al completo. Ha aggiunto che le assunzioni continueranno. "
    "Secondo Bellini il mondo è in pericolo."
)
DE = (
    "Forscher Jonas Weber verlässt das Labor\n\n"
    "Der Forscher Jonas Weber hat das Labor verlassen. Er betonte, die Welt sei in Gefahr. "
    "Eine Sprecherin des Unternehmens sagte, man habe viel erreicht. Weber erklärte, er wolle Gedichte schreiben."
)
JA = (
    "研究者が退社\n\nAI安全性の研究者、田中一郎氏が退社した。同氏は、世界は危機にあると述べた。"
    "また、研究によると、市場は拡大しているという。"
)
ZH = (
    "研究员辞职\n\n人工智能安全研究员李明已经辞职。这位研究员指出，世界正处于危险之中。"
    "该公司发言人表示，团队已经实现了目标。"
)
KO = (
    "연구원 퇴사\n\n인공지능 연구원 박민수가 회사를 떠났다. 그는 세상이 위험에 처해 있다고 밝혔다. "
    "회사 대변인은 채용이 계속된다고 말했다."
)
HI = (
    "शोधकर्ता ने इस्तीफा दिया\n\nसुरक्षा शोधकर्ता ने कंपनी छोड़ दी है। उन्होंने कहा कि दुनिया खतरे में है। "
    "कंपनी की प्रवक्ता ने कहा कि टीम ने सभी लक्ष्य हासिल कर लिए हैं। उन्होंने कहा कि भर्ती जारी रहेगी।"
)


def _span(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def _who(text: str, language: str, fragment: str, set_words: frozenset[str] = EMPLOYER) -> Attribution:
    return attribution(text, language, _span(text, fragment), set_words)


@pytest.mark.parametrize(
    ("text", "language", "fragment", "expected"),
    [
        (EN, "en", "she had decided to leave the lab", Attribution(AUTHOR, False)),  # a pronoun continuing him
        (EN, "en", "the team had achieved its goals", Attribution(OTHER, True)),  # a spokesperson, named
        (EN, "en", "hiring would continue", Attribution(OTHER, False)),  # a pronoun continuing the spokesperson
        (EN, "en", "the world is in danger", Attribution(AUTHOR, True)),  # the role noun of the lead
        (EN, "en", "she hopes to study poetry", Attribution(AUTHOR, True)),  # her surname
        (IT, "it", "di aver raggiunto i suoi obiettivi", Attribution(AUTHOR, False)),  # a dropped subject
        (IT, "it", "il gruppo resta al completo", Attribution(OTHER, True)),
        (IT, "it", "le assunzioni continueranno", Attribution(OTHER, False)),  # dropped, continuing the spokeswoman
        (IT, "it", "il mondo è in pericolo", Attribution(AUTHOR, True)),  # "Secondo Bellini"
        (DE, "de", "die Welt sei in Gefahr", Attribution(AUTHOR, False)),
        (DE, "de", "man habe viel erreicht", Attribution(OTHER, True)),
        (DE, "de", "er wolle Gedichte schreiben", Attribution(AUTHOR, True)),  # a name, not a capitalised noun
        (JA, "ja", "世界は危機にある", Attribution(AUTHOR, False)),  # 同氏: the said person
        (JA, "ja", "市場は拡大している", Attribution(OTHER, True)),  # 研究によると
        (ZH, "zh", "世界正处于危险之中", Attribution(AUTHOR, True)),  # 这位研究员
        (ZH, "zh", "团队已经实现了目标", Attribution(OTHER, True)),  # 该公司发言人
        (KO, "ko", "세상이 위험에 처해 있다", Attribution(AUTHOR, False)),  # 그는
        (KO, "ko", "채용이 계속된다", Attribution(OTHER, True)),  # 회사 대변인은
        (HI, "hi", "दुनिया खतरे में है", Attribution(AUTHOR, False)),
        (HI, "hi", "टीम ने सभी लक्ष्य हासिल कर लिए हैं", Attribution(OTHER, True)),
        (HI, "hi", "भर्ती जारी रहेगी", Attribution(OTHER, False)),  # उन्होंने after the spokeswoman
    ],
)
def test_who_is_speaking(text: str, language: str, fragment: str, expected: Attribution) -> None:
    assert _who(text, language, fragment) == expected


@pytest.mark.parametrize(
    ("language", "text", "fragment"),
    [
        (
            "en",
            "Ada Okafor, a researcher at Halden Labs, has resigned. Another researcher said she would stay on.",
            "she would stay on",
        ),
        (
            "it",
            "Il ricercatore Marco Bellini si è dimesso. Un altro ricercatore ha detto di voler restare.",
            "di voler restare",
        ),
        ("ja", "研究者の田中一郎氏が退社した。同社の別の研究者は、会社に残ると語った。", "会社に残る"),
        ("zh", "研究员李明已经辞职。该公司另一位研究员表示，她会留在公司。", "她会留在公司"),
    ],
)
def test_a_role_noun_qualified_as_another_persons_is_another_speaker(language: str, text: str, fragment: str) -> None:
    assert _who(text, language, fragment) == Attribution(OTHER, True)
    # the same noun with the article's determiner is the author
    author = (
        text.replace("Another", "The")
        .replace("Un altro", "Il")
        .replace("同社の別の", "")
        .replace("该公司另一位", "这位")
    )
    assert _who(author, language, fragment).speaker is AUTHOR


def test_a_pronoun_with_nobody_before_it_is_unknown() -> None:
    text = "The world is in danger, he said."
    assert attribution(text, "en", _span(text, "The world is in danger")) == Attribution(UNKNOWN, False)


def test_a_company_in_passing_is_no_speaker_but_a_company_as_subject_is() -> None:
    text = "Ada Okafor quits.\n\nAda Okafor, who joined the company in 2020, said she had decided to leave."
    assert _who(text, "en", "she had decided to leave") == Attribution(AUTHOR, True)
    text = "Ada Okafor quits.\n\nThe company said the team had achieved its goals."
    assert _who(text, "en", "the team had achieved its goals") == Attribution(OTHER, True)


def test_a_possessive_name_is_not_its_owner_speaking() -> None:
    text = "Ada Okafor quits.\n\nAda Okafor has resigned. Okafor's manager said the lab would hire again."
    assert _who(text, "en", "the lab would hire again") == Attribution(OTHER, True)


def test_a_role_noun_the_article_never_uses_of_the_author_only_continues() -> None:
    text = "Ada Okafor quits Halden Labs.\n\nAda Okafor has resigned. The engineer said the world is in danger."
    # "engineer" is no word of the lead: the sentence continues the author's (not marked as hers)
    assert _who(text, "en", "the world is in danger") == Attribution(AUTHOR, False)


def test_the_author_is_found_by_the_evidence_and_by_how_often_she_is_named() -> None:
    text = (
        "Okafor leaves Halden Labs.\n\nTom Reyes, her manager, quoted the letter: “I resigned.” "
        "In a statement, Okafor said she had decided to leave. Friends say Okafor wants to write. Reyes declined."
    )
    quoted = _span(text, "I resigned.")
    assert author_names(text, [quoted], EMPLOYER, "en") == frozenset({"Reyes"})  # the evidence's sentence ("Tom": once)
    # the resolver keeps the most named (Okafor, 3 times, over Reyes, twice)
    found = attributions(text, [_span(text, "she had decided to leave")], "en", EMPLOYER, [quoted])
    assert found == [Attribution(AUTHOR, True)]


def test_name_runs_are_capitalised_rare_words_one_space_apart() -> None:
    assert name_runs(EN, EMPLOYER, "en") == [["Ada", "Okafor"], ["Tom", "Reyes"]]
    runs = name_runs(DE, frozenset(), "de")  # German capitalises its nouns: a rare one may join a name's run
    assert runs[0][-2:] == ["Jonas", "Weber"] and not any("Der" in run or "Labor" in run for run in runs)


def test_attributions_take_linear_time() -> None:
    unit = "Ada Okafor has resigned. She said she had decided to leave. A spokesperson said the team was happy. "

    def cost(n: int) -> float:
        text = unit * n
        spans = [_span(text, "she had decided to leave")]
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            attributions(text, spans * 10, "en", EMPLOYER)
            best = min(best, time.process_time() - start)
        return best

    small, large = cost(200), cost(800)
    assert large < 10 * max(small, 0.005)  # linear is 4x


def test_others_summaries_are_dropped_whichever_matcher_made_them() -> None:
    from corpusnorm.document import Alignment

    def made(fragment: str, kind: str) -> Alignment:
        start, end = _span(EN, fragment)
        return Alignment(quote_id="L05", kind=kind, score=0.9, start=start, end=end, text=EN[start:end], coverage=1.0)

    hers = made("she had decided to leave the lab", "paraphrase")
    theirs = made("the team had achieved its goals", "paraphrase")
    quoted = made("the team had achieved its goals", "translated")  # a rendering is not judged by its speaker
    assert others_dropped(EN, [hers, theirs, quoted], "en", EMPLOYER) == [hers, quoted]
    assert others_dropped(EN, [quoted], "en", EMPLOYER) == [quoted]


@pytest.mark.parametrize(
    ("language", "text", "fragment"),
    [
        (
            "en",
            "Ada Okafor quits Halden Labs.\n\nAda Okafor has resigned. A professor of ethics said the world is in "
            "danger.",
            "the world is in danger",
        ),
        ("en", "Ada Okafor quits.\n\nAda Okafor has resigned. A commentator wrote that values rarely win.", "values"),
        (
            "de",
            "Jonas Weber geht.\n\nJonas Weber hat gekündigt. Die Professorin sagte, die Welt sei in Gefahr.",
            "die Welt sei in Gefahr",
        ),
        ("fr", "Ada Okafor démissionne.\n\nUne chroniqueuse juge que le monde est en péril.", "le monde est en péril"),
        ("es", "Ada Okafor dimite.\n\nSegún la profesora, el mundo está en peligro.", "el mundo está en peligro"),
        ("ja", "研究者の田中一郎氏が退社した。東和大学の教授は、世界は危機にあると指摘した。", "世界は危機にある"),
        ("ja", "研究者の田中一郎氏が退社した。ある評論家は、価値観は大切だと書いた。", "価値観は大切だ"),
        ("zh", "研究员李明已经辞职。一位教授表示，世界正处于危险之中。", "世界正处于危险之中"),
        ("ru", "Исследователь Ли Мин уволился. Профессор считает, что мир в опасности.", "мир в опасности"),
        ("sv", "Ada Okafor slutar.\n\nProfessorn säger att världen är i fara.", "världen är i fara"),
    ],
)
def test_other_peoples_role_nouns_are_other_speakers(language: str, text: str, fragment: str) -> None:
    assert _who(text, language, fragment) == Attribution(OTHER, True)


def test_the_authors_speech_goes_on_across_a_paragraph_only_with_a_pronoun() -> None:
    text = (
        "Ada Okafor quits Halden Labs\n\nAda Okafor has resigned. She said she had decided to leave.\n\n"
        "She added that the world is in danger.\n\n"
        "Ethics lecturer at Marlow College Lin Ashdown reads it differently. She said the lab would hire again."
    )
    assert _who(text, "en", "the world is in danger") == Attribution(AUTHOR, False)  # a pronoun opens the paragraph
    # a new paragraph opening with nothing the lists know: not carried over as the author's
    no_name = text.replace("Ethics lecturer at Marlow College Lin Ashdown", "An ethics lecturer")
    assert _who(no_name, "en", "the lab would hire again") == Attribution(UNKNOWN, False)
    joined = no_name.replace(".\n\nAn ethics", ". An ethics")  # the same sentences in one paragraph: carried
    assert _who(joined, "en", "the lab would hire again") == Attribution(AUTHOR, False)


def test_an_article_naming_no_author_takes_no_commentator_for_him() -> None:
    text = (
        "Critics question a farewell letter\n\nThe farewell letter of a safety researcher drew mixed reactions. "
        "Columnist Petra Lindqvist says she has decided to read the letter again. Lindqvist thinks the world is "
        "in danger. Lindqvist will write again next week."
    )
    assert _who(text, "en", "she has decided to read the letter again") == Attribution(OTHER, True)
    assert _who(text, "en", "the world is in danger") == Attribution(OTHER, True)
    # not introduced by another person's role noun, the most named person is taken for the author
    plain = text.replace("Columnist Petra Lindqvist", "Petra Lindqvist")
    assert _who(plain, "en", "the world is in danger") == Attribution(AUTHOR, True)
    # nor is another person's name, introduced so, taken for the author when the evidence names nobody
    evidence = attributions(text, [_span(text, "the world is in danger")], "en", EMPLOYER, [(0, 10)])
    assert evidence == [Attribution(OTHER, True)]
