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
    "ro": frozenset("nu nici niciodată nimeni nimic niciun nicio niciunul deloc".split()),
    "hr": frozenset("ne nije nisu nisam nismo niste nisi nema nikad nikada ništa nitko nijedan nijedna ni".split()),
    "sv": frozenset("inte icke ej aldrig ingen inget inga ingenting ingenstans varken".split()),
    "pl": frozenset("nie nigdy nic nikt żaden żadna żadne ani wcale".split()),
    "nl": frozenset("niet geen nooit niets niemand nergens noch".split()),
    "tr": frozenset("değil yok hiç asla hiçbir hiçbiri hiçkimse".split()),
    "id": frozenset("tidak tak bukan belum jangan tanpa tiada".split()),
    "da": frozenset("ikke aldrig ingen intet ingenting".split()),
    "no": frozenset("ikke aldri ingen ingenting intet".split()),
    "cs": frozenset("ne není nejsou nikdy nic nikdo žádný ani".split()),
    "sk": frozenset("nie nikdy nič nikto žiadny ani".split()),  # (frames2)
    "ca": frozenset("no mai cap res ningú ni".split()),
    # (langs)
    "fi": frozenset("ei eikä en et emme ette eivät ilman koskaan mitään kukaan".split()),
    "hu": frozenset("nem sem nincs nincsenek soha semmi senki sehol".split()),
    "el": frozenset("δεν μην μη ποτέ τίποτα κανείς κανένας ούτε όχι".split()),
    "vi": frozenset("không chưa chẳng đừng chả".split()),
    "uk": frozenset("не ні ніколи нічого ніхто немає жоден жодна жодного".split()),
}
NEGATION_SUFFIXES: dict[str, tuple[str, ...]] = {"en": ("n't",)}  # isn't, don't
NEGATION_PREFIXES: dict[str, tuple[str, ...]] = {"fr": ("n'",)}  # n'est
# Languages that negate inside the word: Turkish verbs (present -miyor, aorist -mez)
NEGATION_INFIX_RE: dict[str, regex.Pattern[str]] = {
    "tr": regex.compile(
        r"\p{L}m[ıiuü]yor|^\p{L}{2,8}m[ae]z(?:s[ıi]n|[ıi]z|l[ae]r)?$"  # gelmiyor; olmaz, bilmezsin
        # (langs) the negated participle of indirect speech: "olmadığını", "kaynaklanmadığını", "gelmeyeceğini"
        r"|\p{L}m[ae]d[ıiuü][kğ]|\p{L}m[ae]y[ae]c[ae][kğ]"
    ),
}
UNSPACED_NEGATION_LANGUAGES = frozenset({"zh", "ja", "ko"})
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
    (regex.compile(r"\p{Greek}"), "el"),
)


@functools.lru_cache(maxsize=1 << 16)
def _is_negation(token: str, language: str) -> bool:
    """Is this (casefolded, apostrophes folded) token a negation in ``language`` ("": in any listed language)?"""
    if language not in NEGATION_WORDS:
        return any(_is_negation(token, lang) for lang in sorted(NEGATION_WORDS))
    infix = NEGATION_INFIX_RE.get(language)
    return (
        token in NEGATION_WORDS[language]
        or token.endswith(NEGATION_SUFFIXES.get(language, ()))
        or token.startswith(NEGATION_PREFIXES.get(language, ()))
        or (infix is not None and infix.search(token) is not None)
    )


def _negated(text: str, language: str | None = None) -> bool:
    """Does ``text`` carry a negation? ``language``: the passage's language if known: only its list is
    used (Romanian "mai" is not Italian "mai"); unknown: every list, and each script's language."""
    known = language in NEGATION_WORDS or language in UNSPACED_NEGATION_LANGUAGES
    if (not known or language in UNSPACED_NEGATION_LANGUAGES) and NEGATION_UNSPACED_RE.search(text):
        return True
    if known and language in UNSPACED_NEGATION_LANGUAGES:
        return False
    for m in RE_WORD.finditer(text):
        word = _norm(m.group())
        lang = language if known else next((c for pattern, c in NEGATION_SCRIPTS if pattern.match(word)), "")
        if _is_negation(word, lang or ""):
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
