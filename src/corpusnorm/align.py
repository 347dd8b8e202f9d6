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
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any, ClassVar

import numpy as np
import regex
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from .document import Alignment, Document
from .embed import Embedder, get_embedder
from .quotes import Quote, canonical_quotes, load_quotes
from .resources import RE_WORD

__all__ = ["AlignConfig", "AlignStage", "align", "resolve_quotes"]

# --- tokens -------------------------------------------------------------------------------------

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


@functools.cache
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

    def __len__(self) -> int:
        return len(self.norms)


def _tokenize(text: str, offset: int = 0) -> _Tokens:
    matches = list(RE_WORD.finditer(text))
    norms = tuple(_norm(m.group()) for m in matches)
    return _Tokens(
        norms=norms,
        canons=tuple(_canon(n) for n in norms),
        starts=tuple(m.start() + offset for m in matches),
        ends=tuple(m.end() + offset for m in matches),
    )


@functools.cache
def _weight(token: str, language: str) -> float:
    """Rare words carry the evidence: 1.0 for rare, down to 0.2 for the most frequent words."""
    from wordfreq import zipf_frequency

    zipf = zipf_frequency(token, language) if language != "und" else 4.0
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
    indexed: list[_IndexedQuote] = []
    grams: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for qi, quote in enumerate(quotes):
        tokens = _tokenize(quote.text)
        weights = tuple(_weight(c, language) for c in tokens.canons)
        indexed.append(_IndexedQuote(quote, tokens, weights, sum(weights)))
        canons = tokens.canons
        if len(canons) == 1:
            grams[(canons[0], "")].append((qi, 0))
        for j in range(len(canons) - 1):
            grams[(canons[j], canons[j + 1])].append((qi, j))
    return _QuoteIndex(tuple(indexed), {k: tuple(v) for k, v in grams.items()}, language)


# --- monolingual matching -----------------------------------------------------------------------

CLUSTER_GAP = 6  # text tokens between bigram hits of one cluster (beyond the quote's own gaps)
WINDOW_PAD = 4  # extra text tokens searched on each side of a cluster
MAX_SPLIT_GAP = 6  # unmatched text tokens inside a span (beyond the quote's gap) that split it
TYPO_RATIO = 75.0  # rapidfuzz ratio for two words to count as a typo of each other
TYPO_MIN_LEN = 4
MIN_MATCHED_TOKENS = 3  # fewer matched words than this is never a quote (unless the quote is shorter)
MIN_MATCHED_WEIGHT = 1.6  # frequency-weighted matched words (about two rare words)
MIN_PARTIAL_WEIGHT = 2.4  # for a span carrying only part of a quote
NEAR_MIN_SIM = 0.8  # weighted Dice for an edited quote
SPUN_MIN_SIM = 0.5  # weighted Dice for a spinner's rewrite (with the structure checks below)
SPUN_MIN_CONTENT = 4  # matched content words (weight >= CONTENT_WEIGHT) for a spun or paraphrased span
SPUN_LENGTH_RATIO = (0.6, 1.7)  # span words / quote words for a spun span
CONTENT_WEIGHT = 0.5
PRONOUN_SHIFTS = frozenset(
    {
        frozenset(p)
        for p in (
            ("i", "he"), ("i", "she"), ("me", "him"), ("me", "her"), ("my", "his"), ("my", "her"),
            ("myself", "himself"), ("myself", "herself"), ("we", "they"), ("our", "their"),
            ("us", "them"), ("i'm", "he's"), ("i've", "he's"), ("i've", "he"), ("is", "was"),
            ("am", "is"), ("am", "was"), ("have", "has"), ("have", "had"), ("i", "him"),
        )
    }
)


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
    if min(len(a), len(b)) < TYPO_MIN_LEN:
        return False
    return fuzz.ratio(a, b) >= TYPO_RATIO


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


def _recover_typos(q: _IndexedQuote, text: _Tokens, pairs: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for n, pair in enumerate(pairs):
        out.append(pair)
        if n + 1 == len(pairs):
            break
        qa, ta, _ = pair
        qb, tb, _ = pairs[n + 1]
        tpos = ta + 1
        for qj in range(qa + 1, qb):
            for ti in range(tpos, tb):
                if _is_typo(q.tokens.canons[qj], text.canons[ti]):
                    out.append((qj, ti, "typo"))
                    tpos = ti + 1
                    break
    return out


def _split(pairs: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    parts: list[list[tuple[int, int, str]]] = [[pairs[0]]]
    for prev, cur in zip(pairs, pairs[1:], strict=False):
        if (cur[1] - prev[1]) - (cur[0] - prev[0]) > MAX_SPLIT_GAP or (cur[0] - prev[0]) - (cur[1] - prev[1]) > MAX_SPLIT_GAP:
            parts.append([cur])
        else:
            parts[-1].append(cur)
    return parts


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
    matched_w = sum(q.weights[qj] * (0.9 if how == "typo" else 1.0) for qj, _, how in pairs)
    range_w = sum(q.weights[j0 : j1 + 1])
    span_w = sum(_weight(c, language) for c in text.canons[i0 : i1 + 1])
    sim = 2 * matched_w / (range_w + span_w) if range_w + span_w else 0.0
    n_range, n_span, n_q = j1 - j0 + 1, i1 - i0 + 1, len(q.tokens)
    coverage = n_range / n_q
    content = sum(1 for qj, _, _ in pairs if q.weights[qj] >= CONTENT_WEIGHT)
    if len(pairs) < min(MIN_MATCHED_TOKENS, n_q) or matched_w < min(MIN_MATCHED_WEIGHT, 0.99 * q.total_weight):
        return None
    if coverage < 1.0 and matched_w < min(MIN_PARTIAL_WEIGHT, 0.99 * q.total_weight):
        return None
    hows = [how for _, _, how in pairs]
    matched_q = {qj for qj, _, _ in pairs}
    matched_t = {ti for _, ti, _ in pairs}
    unmatched_q = [q.tokens.norms[j] for j in range(j0, j1 + 1) if j not in matched_q]
    unmatched_t = [text.norms[i] for i in range(i0, i1 + 1) if i not in matched_t]
    shifts = sum(
        1 for a, b in zip(unmatched_q, unmatched_t, strict=False) if frozenset((a, b)) in PRONOUN_SHIFTS
    )
    if not unmatched_q and not unmatched_t and all(h == "exact" for h in hows):
        kind = "verbatim"
    elif sim >= NEAR_MIN_SIM and shifts == 0:
        kind = "near"
    else:
        ratio = n_span / n_range
        if sim < SPUN_MIN_SIM or content < SPUN_MIN_CONTENT:
            return None
        if not SPUN_LENGTH_RATIO[0] <= ratio <= SPUN_LENGTH_RATIO[1]:
            return None
        kind = "paraphrase" if shifts else "spun"
    evidence = (
        f"monolingual: {len(pairs)}/{n_range} quote words matched ({hows.count('spelling')} spelling, "
        f"{hows.count('typo')} typo), weighted dice {sim:.2f}"
    )
    return _Match(-1, kind, round(sim, 4), round(coverage, 4), i0, i1, evidence)


def _monolingual(text: _Tokens, index: _QuoteIndex) -> list[_Match]:
    hits: dict[int, list[tuple[int, int]]] = defaultdict(list)
    canons = text.canons
    for i in range(len(canons)):
        nxt = canons[i + 1] if i + 1 < len(canons) else ""
        for qi, j in index.bigrams.get((canons[i], nxt), ()):
            hits[qi].append((i, j))
        if nxt:
            for qi, j in index.bigrams.get((canons[i], ""), ()):
                hits[qi].append((i, j))
    found: list[_Match] = []
    for qi in sorted(hits):
        q = index.quotes[qi]
        n_q = len(q.tokens)
        for cluster in _clusters(hits[qi], n_q):
            first_i, first_j = cluster[0]
            last_i, last_j = cluster[-1]
            slack = WINDOW_PAD + n_q // 4
            lo = max(0, first_i - first_j - slack)
            hi = min(len(text), last_i + (n_q - last_j) + slack)
            pairs = _pairs(q, text, lo, hi)
            if not pairs:
                continue
            for part in _split(pairs):
                part = _trim(q, _recover_typos(q, text, part))
                part.sort(key=lambda p: p[1])
                match = _score(q, text, part, index.language)
                if match is not None:
                    match.qi = qi
                    found.append(match)
    return found
