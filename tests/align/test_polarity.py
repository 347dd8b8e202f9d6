"""Negation lists (corpusnorm.align.polarity): the languages added in December 2026 (branch langs)."""

from __future__ import annotations

import pytest

from corpusnorm.align.polarity import _negated


@pytest.mark.parametrize(
    ("language", "negated", "plain"),
    [
        ("fi", "maailma ei ole vaarassa", "maailma on vaarassa"),
        ("hu", "a világ nincs veszélyben", "a világ veszélyben van"),
        ("el", "ο κόσμος δεν κινδυνεύει", "ο κόσμος κινδυνεύει"),
        ("vi", "thế giới không gặp nguy hiểm", "thế giới đang gặp nguy hiểm"),
        ("uk", "світ не перебуває в небезпеці", "світ перебуває в небезпеці"),
        ("tr", "dünyanın tehlikede olmadığını", "dünyanın tehlikede olduğunu"),
        ("tr", "tehlikenin yalnızca yapay zekâdan kaynaklanmadığını", "tehlikenin yapay zekâdan kaynaklandığını"),
    ],
)
def test_a_negation_is_found_in_the_added_languages(language: str, negated: str, plain: str) -> None:
    assert _negated(negated, language)
    assert not _negated(plain, language)


def test_greek_script_is_checked_with_the_greek_list_when_the_language_is_unknown() -> None:
    assert _negated("ο κόσμος δεν κινδυνεύει", None)
    assert not _negated("ο κόσμος κινδυνεύει", None)
