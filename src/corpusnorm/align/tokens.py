"""Word tokens of texts and quotes: normalised, spelling-folded, weighted by rarity."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from ..backends.wordfreq import zipf as _zipf
from ..text.patterns import RE_QUOTE_MARK, RE_WORD

WORD_CACHE_SIZE = 1 << 18  # per-word results kept per process (bounded: corpora have large vocabularies)
APOSTROPHES_RE = regex.compile(r"[’‘ʼ`´]")
# British -> one shared form (applied to both sides, so over-folding only merges rare pairs).
SPELLING_RULES: tuple[tuple[regex.Pattern[str], str], ...] = (
    (regex.compile(r"^(\w{2,})is(e|es|ed|ing|ation|ations|er|ers)$"), r"\1iz\2"),
    (regex.compile(r"^(\w{2,})ys(e|es|ed|ing)$"), r"\1yz\2"),
    (regex.compile(r"^(\w{2,})our(s|ed|ing|ite|ites|able|er|ers)?$"), r"\1or\2"),
    (regex.compile(r"fence(s?)$"), r"fense\1"),
    (regex.compile(r"^(\w{2,})tre(s?)$"), r"\1ter\2"),
    (regex.compile(r"^(\w{2,}[aeiou])ll(ed|ing|er|ers)$"), r"\1l\2"),
    (regex.compile(r"ogue(s?)$"), r"og\1"),
)


UNKNOWN_ZIPF = 4.0  # word frequency assumed when the quote language is unknown ("und")


@functools.lru_cache(maxsize=WORD_CACHE_SIZE)
def _canon(norm: str) -> str:
    for pattern, repl in SPELLING_RULES:
        norm = pattern.sub(repl, norm)
    return norm


def _norm(word: str) -> str:
    return APOSTROPHES_RE.sub("'", word).casefold()


@dataclass(frozen=True)
class _Tokens:
    norms: tuple[str, ...]
    canons: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    source: str = ""

    def quote_mark_before(self, i: int) -> bool:
        """Is there a quotation mark between token i-1 and token i?"""
        return bool(RE_QUOTE_MARK.search(self.source, self.ends[i - 1], self.starts[i]))

    def __len__(self) -> int:
        return len(self.norms)


def _tokenize(text: str) -> _Tokens:
    matches = list(RE_WORD.finditer(text))
    norms = tuple(_norm(m.group()) for m in matches)
    return _Tokens(
        norms=norms,
        canons=tuple(_canon(n) for n in norms),
        starts=tuple(m.start() for m in matches),
        ends=tuple(m.end() for m in matches),
        source=text,
    )


@functools.lru_cache(maxsize=WORD_CACHE_SIZE)
def _weight(token: str, language: str) -> float:
    """Rare words carry the evidence: 1.0 for rare, down to 0.2 for the most frequent words."""
    zipf = _zipf(token, language) if language != "und" else UNKNOWN_ZIPF
    return min(1.0, max(0.2, (7.0 - zipf) / 3.0))
