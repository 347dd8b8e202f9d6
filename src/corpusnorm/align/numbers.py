"""Dates and numbers a passage names, for the consistency check of the paraphrase matcher.

A summary that names a month or a number the quote set never names states another fact: a colleague's "her last day
would be in March", "il suo ultimo giorno sarà a fine marzo" or "3月末で退任する" is not the letter's "My last day
will be February 9th", however close e5 puts it. :func:`numbers_outside` tells such a passage, as
:func:`.passages._names_outside` tells one that names someone the set never names.

What counts: months (per-language name lists, and "N月" / "N월" in Chinese, Japanese and Korean, as ``"m2"``),
digits of any script (``"9"``; the digits of a month or a year are not counted again), and in English the number
words one-twelve and first-twelfth ("two years ago", "the ninth of February"). Years (1900-2099) are context, not a
contradiction, and are never counted. A language without a month list still counts digits."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence

import regex

from ..quotes import Quote
from .prepared import quote_texts

__all__ = ["date_marks", "numbers_outside"]

# Month names by language, each a pattern for the start of a word (inflected forms: "февраля", "Şubat'ta");
# English "may" and Portuguese/Spanish "mar" are left out (a modal verb, the sea).
MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "january",
        "february",
        "march",
        "april",
        "(?!)",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    "it": (
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "de": (
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ),
    "pt": (
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ),
    "ru": (
        "январ",
        "феврал",
        "март",
        "апрел",
        "ма[йя]",
        "июн",
        "июл",
        "август",
        "сентябр",
        "октябр",
        "ноябр",
        "декабр",
    ),
    "tr": (
        "ocak",
        "şubat",
        "mart",
        "nisan",
        "mayıs",
        "haziran",
        "temmuz",
        "ağustos",
        "eylül",
        "ekim",
        "kasım",
        "aralık",
    ),
    "hi": (
        "जनवरी",
        "फरवरी|फ़रवरी",
        "मार्च",
        "अप्रैल",
        "मई",
        "जून",
        "जुलाई",
        "अगस्त",
        "सितंबर|सितम्बर",
        "अक्टूबर",
        "नवंबर|नवम्बर",
        "दिसंबर|दिसम्बर",
    ),
    "ar": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل|ابريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
}
# English number words (the canonical set writes "two years ago"; a summary may write "the ninth of February")
NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {
        w: i % 12 + 1
        for i, w in enumerate(
            "one two three four five six seven eight nine ten eleven twelve first second third fourth fifth sixth"
            " seventh eighth ninth tenth eleventh twelfth".split()
        )
    }
}
_CJK_MONTH_RE = regex.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})[^\S\n]*[月월]")
_CJK_NUMERALS = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}
_YEAR_RE = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DIGITS_RE = regex.compile(r"\d+")
_WORD_RE = regex.compile(r"[\p{L}\p{M}]+")


@functools.lru_cache(maxsize=64)
def _month_re(language: str) -> regex.Pattern[str] | None:
    names = MONTHS.get(language)
    if names is None:
        return None
    groups = "|".join(f"(?P<m{i + 1}>{name})" for i, name in enumerate(names))
    return regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{groups})", regex.IGNORECASE)


def _cjk_month(token: str) -> int:
    if token.isdigit():
        return int(unicodedata.normalize("NFKC", token))
    if token == "十":
        return 10
    return _CJK_NUMERALS.get(token[-1], 0) + (10 if token.startswith("十") and len(token) > 1 else 0)


def _number(digits: str) -> str:
    """A run of decimal digits of any script as ASCII without leading zeros ("٠٩" -> "9"); not through int(),
    which refuses runs of more than 4,300 digits (a crafted document would fail)."""
    return "".join(str(unicodedata.decimal(c)) for c in digits).lstrip("0") or "0"


def date_marks(text: str, language: str | None) -> frozenset[str]:
    """The months (``"m2"``) and numbers (``"9"``) ``text`` names, read in ``language``; years are left out."""
    marks: set[str] = set()
    text = _YEAR_RE.sub(" ", unicodedata.normalize("NFKC", text))

    def month(m: regex.Match[str]) -> str:
        marks.add(f"m{_cjk_month(m.group(1))}")
        return " "

    text = _CJK_MONTH_RE.sub(month, text)
    pattern = _month_re(language or "")
    if pattern is not None:
        marks.update(f"m{int(k[1:])}" for m in pattern.finditer(text) for k, v in m.groupdict().items() if v)
    marks.update(_number(d) for d in _DIGITS_RE.findall(text))
    words = NUMBER_WORDS.get(language or "", {})
    marks.update(str(words[w]) for w in _WORD_RE.findall(text.lower()) if w in words)
    return frozenset(marks)


@functools.lru_cache(maxsize=16)
def _set_marks(texts: tuple[str, ...], language: str) -> frozenset[str]:
    return frozenset().union(*(date_marks(t, language) for t in texts))


def numbers_outside(text: str, quotes: Sequence[Quote], quote_language: str, language: str | None) -> bool:
    """Does ``text`` (in ``language``) name a month or a number that no quote of the set (in ``quote_language``)
    names? Such a passage states another fact ("her last day would be in March" against "February 9th")."""
    marks = date_marks(text, language)
    return bool(marks) and not marks <= _set_marks(quote_texts(quotes), quote_language)
