"""Word tokens with offsets, case transfer and word alignment for spun-text repair."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import regex

__all__ = [
    "WORD_RE",
    "Token",
    "align_words",
    "match_case",
    "normalise_word",
    "sentence_initial",
    "tokenize",
]

WORD_RE = regex.compile(r"\p{L}[\p{L}\p{M}\p{N}]*(?:['’][\p{L}]+)*|\p{N}+(?:[.,]\p{N}+)*")
"""A word: letters (with inner apostrophes, straight or curly) or a number."""

GAP_RE = regex.compile(r"[ \t]+|[ \t]*-[ \t]*")
"""What may stand between the words of one phrase: spaces or a hyphen."""

SENTENCE_END_RE = regex.compile(r"[.!?:\n][\"'”’)\]]*\s*$|^\s*[\"“‘(\[]*\s*$")
"""Text before a word that makes it sentence-initial (also the start of a line or quote)."""


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    lower: str


def normalise_word(word: str) -> str:
    return word.replace("’", "'").lower()


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.start(), m.end(), m.group(), normalise_word(m.group())) for m in WORD_RE.finditer(text)
    ]


def sentence_initial(text: str, start: int) -> bool:
    """True when the word at ``start`` opens a sentence, a line or a quotation."""
    before = text[max(0, start - 12) : start]
    if start <= 12 and not before.strip():
        return True
    return bool(SENTENCE_END_RE.search(before))


def match_case(spun: str, replacement: str, *, initial: bool = False) -> str:
    """Give ``replacement`` the case pattern of ``spun`` ("Supply hyperlink" -> "Source link")."""
    letters = [c for c in spun if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    words = spun.split()
    if len(words) > 1 and all(w[:1].isupper() for w in words if w[:1].isalpha()):
        return " ".join(w[:1].upper() + w[1:] for w in replacement.split(" "))
    if spun[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    if initial:
        return replacement
    return replacement


def align_words(spun: list[str], original: list[str]) -> list[tuple[int, int, int, int]]:
    """Replace blocks ``(i1, i2, j1, j2)``: spun[i1:i2] stands where original[j1:j2] stood."""
    matcher = difflib.SequenceMatcher(a=spun, b=original, autojunk=False)
    blocks: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            blocks.append((i1, i2, j1, j2))
    return blocks
