"""Writing systems: which script a language is written in, and which scripts a text uses.

Used to decide by script before any statistical model (a Devanagari text among the candidates
en/it/hi can only be hi) and as a feature of the combination (share of the text's letters in the
script of each candidate). Hot path: a text whose characters are all below U+0250 can only hold
Latin letters, which is checked with one ``max()``; other texts use character classes built once
per script (from the ``regex`` module's script property) for the standard ``re`` engine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import regex

__all__ = [
    "SCRIPT_OF",
    "has_letters",
    "script_counts",
    "script_of",
    "script_re",
    "scripts_of",
    "scripts_present",
    "words",
]

_SCRIPT_LANGUAGES: dict[str, str] = {
    "Cyrillic": "ru uk bg mk be kk ky mn tg tt ba cv ce os sah kv myv mhr mrj krc av lez bxr xal rue tyv",
    "Greek": "el",
    "Arabic": "ar fa ur ps ug ckb sd arz azb pnb mzn lrc",
    "Hebrew": "he yi",
    "Devanagari": "hi mr ne sa mai bh new gom bpy dty",
    "Bengali": "bn as",
    "Gurmukhi": "pa",
    "Gujarati": "gu",
    "Oriya": "or",
    "Tamil": "ta",
    "Telugu": "te",
    "Kannada": "kn",
    "Malayalam": "ml",
    "Sinhala": "si",
    "Thai": "th",
    "Lao": "lo",
    "Khmer": "km",
    "Myanmar": "my",
    "Georgian": "ka xmf",
    "Armenian": "hy",
    "Ethiopic": "am ti",
    "Tibetan": "bo",
    "Thaana": "dv",
    "Han": "zh wuu yue",
}
SCRIPT_OF: dict[str, tuple[str, ...]] = {
    lang: (script,) for script, langs in _SCRIPT_LANGUAGES.items() for lang in langs.split()
}
SCRIPT_OF["ja"] = ("Han", "Hiragana", "Katakana")
SCRIPT_OF["ko"] = ("Hangul", "Han")
SCRIPT_OF["sr"] = ("Cyrillic", "Latin")
"""Language -> the scripts it is written in; any language not listed is written in Latin."""

LATIN_ONLY_BELOW = "\u0250"
"""Every letter below U+0250 (ASCII, Latin-1, Latin Extended-A/B) is a Latin letter."""
LATIN_WORD_RE = re.compile(r"[^\W\d_]+")
WORD_RE = regex.compile(r"[\p{L}\p{M}]+")


def script_of(language: str) -> tuple[str, ...]:
    return SCRIPT_OF.get(language, ("Latin",))


def scripts_of(languages: Sequence[str]) -> tuple[str, ...]:
    """The scripts used by the candidates, sorted."""
    return tuple(sorted({s for lang in languages for s in script_of(lang)}))


@lru_cache(maxsize=256)
def script_re(script: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(one character, a run) of letters and marks of ``script`` (Basic Multilingual Plane)."""
    prop = regex.compile(rf"(?V1)[\p{{{script}}}&&[\p{{L}}\p{{M}}]]")
    ranges: list[tuple[int, int]] = []
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF or not prop.match(chr(cp)):
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    cls = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{cls}]"), re.compile(f"[{cls}]+")


def has_letters(text: str) -> bool:
    return any(map(str.isalpha, text))


def scripts_present(text: str, scripts: Sequence[str]) -> list[str]:
    """Which of ``scripts`` have letters in ``text``."""
    if not text:
        return []
    if max(text) < LATIN_ONLY_BELOW:
        return ["Latin"] if "Latin" in scripts and has_letters(text) else []
    return [s for s in scripts if script_re(s)[0].search(text)]


def script_counts(text: str, scripts: Sequence[str]) -> dict[str, int]:
    """Letters (and marks) of each script in ``text``."""
    return {s: sum(map(len, script_re(s)[1].findall(text))) for s in scripts}


def words(text: str) -> list[str]:
    """Lower-cased words (runs of letters and marks)."""
    low = text.lower()
    if not low or max(low) < LATIN_ONLY_BELOW:
        return LATIN_WORD_RE.findall(low)
    return WORD_RE.findall(low)
