"""Word tokens with offsets, case transfer and word alignment for spun-text repair."""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

from ..text.patterns import RE_BEFORE_SENTENCE_START

__all__ = [
    "WORD_RE",
    "Token",
    "align_words",
    "match_case",
    "normalise_word",
    "sentence_initial",
    "spans_and_words",
    "tokenize",
]

WORD_RE = re.compile(r"[^\W\d_]\w*+(?:['’][^\W\d_]++)*+|\d++(?:[.,]\d++)*+")
"""A word: a letter then letters/digits (with inner apostrophes, straight or curly), or a number.
(The standard ``re`` engine: three times faster than ``regex`` here, and the gate must be cheap.
The quantifiers are possessive: nothing follows them that could make a shorter run match, so
the tokens are those of the greedy pattern, found without keeping backtracking state.)"""


class Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str


def normalise_word(word: str) -> str:
    return word.replace("’", "'").lower()


def spans_and_words(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Word spans and their normalised (lower-case, straight-apostrophe) forms, fast."""
    spans = [m.span() for m in WORD_RE.finditer(text)]
    lower = text.lower()
    if len(lower) != len(text):  # a few characters change length when lower-cased
        words = [normalise_word(text[s:e]) for s, e in spans]
    else:
        if "’" in lower:
            lower = lower.replace("’", "'")
        words = [lower[s:e] for s, e in spans]
    return spans, words


def tokenize(text: str) -> list[Token]:
    spans, words = spans_and_words(text)
    return [Token(s, e, text[s:e], w) for (s, e), w in zip(spans, words, strict=True)]


def sentence_initial(text: str, start: int) -> bool:
    """True when the word at ``start`` opens a sentence, a line or a quotation."""
    before = text[max(0, start - 12) : start]
    if before[-1:] == " " and before[-2:-1].isalnum():
        return False  # the common case, "word word": neither alternative of the pattern can match
    if start <= 12 and not before.strip():
        return True
    return bool(RE_BEFORE_SENTENCE_START.search(before))


def match_case(spun: str, replacement: str) -> str:
    """Give ``replacement`` the case pattern of ``spun`` ("Supply hyperlink" -> "Source link")."""
    first = spun[:1]
    if first.isalpha() and first.islower():
        return replacement  # the common case: none of the patterns below applies
    letters = [c for c in spun if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    words = spun.split()
    if len(words) > 1 and all(w[:1].isupper() for w in words if w[:1].isalpha()):
        return " ".join(w[:1].upper() + w[1:] for w in replacement.split(" "))
    if spun[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def align_words(spun: list[str], original: list[str]) -> list[tuple[int, int, int, int]]:
    """Replace blocks ``(i1, i2, j1, j2)``: spun[i1:i2] stands where original[j1:j2] stood."""
    matcher = difflib.SequenceMatcher(a=spun, b=original, autojunk=False)
    blocks: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            blocks.append((i1, i2, j1, j2))
    return blocks
