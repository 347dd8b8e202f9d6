"""A lexical second opinion on e5's near misses in languages the second model does not know (branch cognate).

The second model (:mod:`.second`, USE-multilingual) covers 16 languages; a near miss of e5 in Swedish, Croatian,
Romanian, Indonesian, Finnish, Czech, Hungarian, Greek, Danish, Vietnamese … has nothing to confirm it. Many content
words of a quote survive translation as cognates, loanwords, names and numbers ("bioterrorism" / "bioterorismului",
"sycophancy" / "sikofanciju", "poly-crisis" / "polykris", "San Francisco", "9"). For a near miss, the passage's words
are folded (accents dropped, Greek and Cyrillic transliterated, a few spellings merged: ph/f, y/i, c/k or s, z/s,
w/v, double letters) and each content word of each quote counts as present when a passage word shares a long prefix
with it or is close to it (rapidfuzz ratio); a quote word weighs its rarity across the quote set (IDF: words many
quotes share weigh little). e5's best quote is confirmed when its matched weight is over a floor and over every other
quote's by a margin (:func:`lexical_opinion`).
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import regex
from rapidfuzz.distance import Indel

from ..backends.wordfreq import zipf
from ..text.patterns import RE_WORD

__all__ = ["LEXICAL_EVIDENCE", "LexicalOpinion", "fold", "lexical_opinion", "quote_words"]

LEXICAL_EVIDENCE = "lexical opinion"
# Floors chosen on the choosing half of the dev sets (benchmarks/lexical_floors.py; docs/align.md, "A lexical second
# opinion"): e5's best quote carries matched words weighing at least as much as one word no other quote carries (in a
# set of 29 quotes such a word weighs ln 29 = 3.37; a word two quotes share 2.67, "AI" (four quotes) 1.98), and no
# other quote matches more (a tie leaves the choice to e5: "poesi" matches L24's "poetry" and L23's "poetic")
LEXICAL_MIN_WEIGHT = 3.3
LEXICAL_MIN_MARGIN = 0.0
PREFIX_CHARS = 5  # a shared folded prefix this long is a match ("bioterror…", "sikofan…", "polikris…")
PREFIX_SHARE = 0.7  # and at least this share of the shorter word ("intel…" is not "inteligensia" ~ "intelektual")
FUZZY_RATIO = 0.8  # or a rapidfuzz normalised Indel similarity this high (words of 5+ letters)
STEM_PREFIX, STEM_RATIO = 3, 0.6  # or a shared 3-letter start and similarity 0.6 ("poetri" ~ "poesi", "poesiju")
COMMON_ZIPF = 5.5  # English words this frequent are not content words (what, have, there …)
MAX_PASSAGE_WORDS = 80  # bounded work per passage

_GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψω", "abgdezitiklmnxoprsstifhpo", strict=True))
_GREEK.update({"θ": "th", "χ": "ch", "ψ": "ps", "ξ": "x"})
_CYRILLIC = dict(zip("абвгдезийклмнопрстуфхцыэіїґ", "abvgdezijklmnoprstufhcyeiig", strict=True))
_CYRILLIC.update({"ж": "zh", "ч": "ch", "ш": "sh", "щ": "sh", "ю": "ju", "я": "ja", "є": "je", "ё": "jo"})
_LETTERS = str.maketrans({**_GREEK, **_CYRILLIC, "đ": "d", "ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "ь": "", "ъ": ""})
_SPELLINGS: tuple[tuple[regex.Pattern[str], str], ...] = (
    (regex.compile(r"ph"), "f"),
    (regex.compile(r"th"), "t"),
    (regex.compile(r"y"), "i"),
    (regex.compile(r"c(?=[eiy])"), "s"),
    (regex.compile(r"[cq]"), "k"),
    (regex.compile(r"z"), "s"),
    (regex.compile(r"w"), "v"),
    (regex.compile(r"x"), "ks"),
    (regex.compile(r"(.)\1+"), r"\1"),
)
_DIGITS_RE = regex.compile(r"\d+")
# "poly-crisis" is also "polycrisis" (polykris, policriză); from a word's start only (linear on long words)
_COMPOUND_RE = regex.compile(r"(?<!\p{L})\p{L}+(?:[-‐]\p{L}+)+")


@functools.lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """A word lowercased, without accents, in Latin letters, with a few spellings merged."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    out = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LETTERS)
    for pattern, repl in _SPELLINGS:
        out = pattern.sub(repl, out)
    return out


def _keys(text: str, quote_side: bool) -> set[str]:
    """The words compared: folded words of 4+ letters (on the quote side: not common English words), digit runs
    ("9th" -> "9"), and upper-case acronyms as written ("AI", "UK")."""
    out: set[str] = set()
    for m in RE_WORD.finditer(text):
        word = m.group()
        out.update(_DIGITS_RE.findall(word))
        if len(word) >= 2 and word.isupper() and word.isalpha():
            out.add("#" + word)
        elif len(word) >= 4 and not word.isdigit() and not (quote_side and zipf(word.casefold(), "en") >= COMMON_ZIPF):
            out.add(fold(word))
    out.update(fold(regex.sub(r"[-‐]", "", m.group())) for m in _COMPOUND_RE.finditer(text))
    return out


@dataclass(frozen=True)
class _QuoteWords:
    words: tuple[tuple[str, ...], ...]  # per quote, its keys (sorted: sums in a fixed order, in every process)
    idf: dict[str, float]


@functools.lru_cache(maxsize=16)
def quote_words(quote_texts: tuple[str, ...]) -> _QuoteWords:
    """Each quote's compared words and each word's IDF over the quote set (ln(n / quotes carrying it))."""
    words = tuple(tuple(sorted(_keys(t, quote_side=True))) for t in quote_texts)
    df: dict[str, int] = {}
    for ws in words:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    n = len(quote_texts)
    return _QuoteWords(words, {w: math.log(n / d) for w, d in df.items()})


def _prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _matches(word: str, passage: Sequence[str]) -> bool:
    if word[0] == "#" or word.isdigit():
        return word in passage
    for p in passage:
        if p == word:
            return True
        if p[0] == "#" or p.isdigit() or len(word) < 5 or len(p) < 5:
            continue
        if _prefix(p, word) >= max(PREFIX_CHARS, PREFIX_SHARE * min(len(p), len(word))):
            return True
        similarity = Indel.normalized_similarity(p, word)
        if similarity >= FUZZY_RATIO or (similarity >= STEM_RATIO and _prefix(p, word) >= STEM_PREFIX):
            return True
    return False


def matched_weights(passage: str, quote_texts: tuple[str, ...]) -> list[float]:
    """Per quote, the IDF weight of its words that the passage carries (folded, by prefix or fuzzy ratio)."""
    qw = quote_words(quote_texts)
    keys = sorted(_keys(passage, quote_side=False))[:MAX_PASSAGE_WORDS]
    hit = {w: _matches(w, keys) for w in qw.idf}
    return [round(sum(qw.idf[w] for w in ws if hit[w]), 6) for ws in qw.words]  # rounded: ties are ties


@dataclass(frozen=True)
class LexicalOpinion:
    weight: float  # matched weight of the quote asked about
    margin: float  # over the best other quote's matched weight
    confirmed: bool


def lexical_opinion(
    passage: str,
    qi: int,
    quote_texts: tuple[str, ...],
    floors: tuple[float, float] = (LEXICAL_MIN_WEIGHT, LEXICAL_MIN_MARGIN),
) -> LexicalOpinion:
    """Whether the passage's words confirm quote ``qi`` (e5's best quote for it): matched weight >= ``floors[0]``
    and over every other quote's by >= ``floors[1]``."""
    weights = matched_weights(passage, quote_texts)
    other = max((w for k, w in enumerate(weights) if k != qi), default=0.0)
    weight, margin = weights[qi], weights[qi] - other
    return LexicalOpinion(weight, margin, weight >= floors[0] and margin >= floors[1])
