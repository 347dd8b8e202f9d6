"""Polarity: a negation on one side only flips the meaning of a near-identical passage."""

from __future__ import annotations

import functools

import regex

from ..text.patterns import RE_WORD
from .index import _IndexedQuote
from .tokens import _norm, _Tokens

# "The world isn't in peril" is not a quote of "The world is in peril": a negation on one side only
# flips the meaning while keeping nearly every word (and most of the embedding). Word lists per
# language (casefolded tokens), plus patterns for scripts written without spaces.
NEGATION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("not no never nor neither nobody nothing none nowhere cannot lest".split()),
    "it": frozenset("non mai nessuno nessuna nessun niente nulla né".split()),
    "es": frozenset("no nunca jamás ningún ninguno ninguna nada nadie ni tampoco".split()),
    "fr": frozenset("ne pas jamais aucun aucune rien guère".split()),
    "de": frozenset("nicht kein keine keinen keinem keiner keines nie niemals nichts niemand weder".split()),
    "pt": frozenset("não nunca jamais nenhum nenhuma nada ninguém nem".split()),
    "ru": frozenset("не нет ни никогда ничего никто ничто нисколько вовсе".split()),
    "hi": frozenset("नहीं न मत ना".split()),
    "ar": frozenset("لا ليس ليست لم لن".split()),
}
NEGATION_SUFFIXES: dict[str, tuple[str, ...]] = {"en": ("n't",)}  # isn't, don't
NEGATION_PREFIXES: dict[str, tuple[str, ...]] = {"fr": ("n'",)}  # n'est
# Scripts without spaces: negation morphemes (not the compounds that only look like one: 不断 'continuously',
# 危ない 'dangerous').
NEGATION_UNSPACED_RE = regex.compile(
    r"不是|不会|不會|不在|不再|并不|並不|并非|並非|从不|從不|从未|從未|未曾|决不|絕不|绝不|没有|沒有|没|沒"
    r"|(?<![危少切幼汚])ない|ません|なかった|ではなく"
    r"|않|없|아니|못"
)
NEGATION_LOOKBEHIND = 2  # words before a span, in its clause, whose negation counts ("never said the ...")
CLAUSE_BREAK_RE = regex.compile(r"[.!?;:।。！？；：]")
# Words of these scripts are checked against their language's list whatever the text's language.
NEGATION_SCRIPTS: tuple[tuple[regex.Pattern[str], str], ...] = (
    (regex.compile(r"\p{Cyrillic}"), "ru"),
    (regex.compile(r"\p{Devanagari}"), "hi"),
    (regex.compile(r"\p{Arabic}"), "ar"),
)


@functools.lru_cache(maxsize=1 << 16)
def _is_negation(token: str, language: str) -> bool:
    """Is this (casefolded, apostrophes folded) token a negation in ``language`` ("": in any listed language)?"""
    if language not in NEGATION_WORDS:
        return any(_is_negation(token, lang) for lang in sorted(NEGATION_WORDS))
    return (
        token in NEGATION_WORDS[language]
        or token.endswith(NEGATION_SUFFIXES.get(language, ()))
        or token.startswith(NEGATION_PREFIXES.get(language, ()))
    )


def _negated(text: str, language: str | None = None) -> bool:
    """Does ``text`` carry a negation? ``language``: the text's language if known (else every list)."""
    if NEGATION_UNSPACED_RE.search(text):
        return True
    for m in RE_WORD.finditer(text):
        word = _norm(m.group())
        lang = next((code for pattern, code in NEGATION_SCRIPTS if pattern.match(word)), language or "")
        if _is_negation(word, lang):
            return True
    return False


def _polarity_differs(q: _IndexedQuote, text: _Tokens, j0: int, j1: int, i0: int, i1: int, language: str) -> bool:
    """A negation on one side only: the span (with up to two words before it in the same clause) and
    the quote part it renders (with as many words before it) carry different numbers of negations."""

    def count(tokens: _Tokens, a: int, b: int) -> int:
        lo = a
        while lo > max(0, a - NEGATION_LOOKBEHIND) and not CLAUSE_BREAK_RE.search(
            tokens.source, tokens.ends[lo - 1], tokens.starts[lo]
        ):
            lo -= 1
        return sum(_is_negation(t, language) for t in tokens.norms[lo : b + 1])

    return count(text, i0, i1) != count(q.tokens, j0, j1)
