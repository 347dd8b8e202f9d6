"""The date and number consistency check of the paraphrase matcher (align/numbers.py)."""

from __future__ import annotations

import pytest

import corpusnorm.align.core as core
import corpusnorm.align.paraphrase as paraphrase
from corpusnorm.align import align
from corpusnorm.align.numbers import date_marks, numbers_outside
from corpusnorm.quotes import canonical_quotes


@pytest.mark.parametrize(
    ("text", "language", "marks"),
    [
        ("her last day would be in March", "en", {"m3"}),
        ("his final working day is the ninth of February", "en", {"9", "m2"}),
        ("il suo ultimo giorno sarà a fine marzo", "it", {"m3"}),
        ("2月9日が最後の出社日となる", "ja", {"9", "m2"}),
        ("他的最后一天是十二月", "zh", {"m12"}),
        ("마지막 근무일은 2월 9일", "ko", {"9", "m2"}),
        ("Девятое февраля станет его последним рабочим днём", "ru", {"m2"}),
        ("son iş gününün 9 Şubat olacağını", "tr", {"9", "m2"}),
        ("९ फरवरी", "hi", {"9", "m2"}),  # Devanagari digits
        ("On 9 February 2026 he may leave", "en", {"9", "m2"}),  # a year is context; 'may' is no month
        ("she left three years ago", "en", {"3"}),
    ],
)
def test_date_marks_read_months_digits_and_english_number_words(text: str, language: str, marks: set[str]) -> None:
    assert date_marks(text, language) == marks


def test_a_month_or_number_the_quote_set_never_names_is_outside_it() -> None:
    quotes = canonical_quotes()  # names February, 9th, two, one/first
    assert numbers_outside("her last day would be in March", quotes, "en", "en")
    assert numbers_outside("3月末で退任する", quotes, "en", "ja")
    assert numbers_outside("the company has 1,000 staff", quotes, "en", "en")
    assert not numbers_outside("他的最后一天是二月九日", quotes, "en", "zh")
    assert not numbers_outside("2年前に博士号を取得した後", quotes, "en", "ja")  # "two years ago"
    assert not numbers_outside("he has decided to leave", quotes, "en", "en")


COLLEAGUE = "A colleague announced that her last day would be in March."


def test_a_colleagues_other_date_is_not_the_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    assert paraphrase.frame_candidates(COLLEAGUE, "en")  # a frame clause, dropped by the check
    assert align(COLLEAGUE, passages="reported") == []
    monkeypatch.setattr(paraphrase, "numbers_outside", lambda *args: False)
    assert align(COLLEAGUE, passages="reported") == []  # a colleague speaks: another speaker (align/subjects)
    monkeypatch.setattr(paraphrase, "REJECT_OTHER", False)
    monkeypatch.setattr(core, "others_dropped", lambda text, found, *args: found)
    assert [a.quote_id for a in align(COLLEAGUE, passages="reported")] == ["L02"]  # what e5 alone would say


def test_a_number_of_any_length_or_script_is_read_without_int() -> None:
    # int() refuses more than 4,300 digits: a crafted article must not fail the align stage
    assert date_marks("His badge number was " + "7" * 5000 + ".", "en") == {"7" * 5000}
    assert date_marks("آخر يوم له هو ٠٩ فبراير", "ar") >= {"9"}  # Arabic-Indic digits, a leading zero
