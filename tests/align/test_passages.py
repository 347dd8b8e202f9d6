"""Candidate passages of corpusnorm.align.passages."""

from __future__ import annotations

from corpusnorm.align.passages import _names_outside, _reported, _set_words
from corpusnorm.quotes import canonical_quotes


def test_a_latin_word_running_on_into_japanese_is_judged_by_its_latin_part() -> None:
    words = _set_words(canonical_quotes())
    # "AI" is a word of the quote set: the token "AIの安全性に貢献したいと考えて…" names nobody
    assert not _names_outside("2年前に博士号を取得した後、AIの安全性に貢献したいと考えて移った", words, "ja")
    # a name that is no word of the quote set still is one, alone or running on into Japanese
    assert _names_outside("研究者は、Restelliの会社に移った", words, "ja")
    assert _names_outside("उन्होंने Paolo Restelli से बात की", words, "hi")


def test_a_turkish_place_name_with_a_dotted_capital_i_is_a_common_word() -> None:
    words = _set_words(canonical_quotes())
    assert not _names_outside("Araştırmacı İngiltere'ye dönüp bir süre görünmez olmak istiyor", words, "tr")
    assert _names_outside("Araştırmacı Restelli ile görüştü", words, "tr")


def test_sub_spans_are_runs_of_one_or_two_clauses_of_a_long_candidate() -> None:
    from corpusnorm.align.passages import _subspans

    text = "英国に戻ってしばらくの間、人目につかない存在になろうと思っており、家族もそれを支えてくれている"
    spans = [text[a:b] for a, b in _subspans(text, 0, len(text))]
    assert "英国に戻ってしばらくの間、人目につかない存在になろうと思っており" in spans
    assert "家族もそれを支えてくれている" in spans and text not in spans
    assert _subspans("世界は危機にある、と", 0, 10) == []  # too short to have sub-spans
    assert _subspans("Die Welt ist in Gefahr und alles wird anders sein", 0, 49) == []  # one clause


def test_a_colon_opens_reported_speech_but_not_a_time_of_day() -> None:
    text = "10 फरवरी 2026, 11:20 AM IST\nUpdated 9：45 today\nशर्मा ने लिखा: दुनिया संकट में है।\nHe adds: 11 days"
    reported = [text[a:b] for a, b in _reported(text)]
    assert reported == ["दुनिया संकट में है", "11 days"]  # after a colon, also before a number; never "20 AM IST"
