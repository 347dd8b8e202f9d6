"""Short quoted fragments that render part of one quote: phrase targets.

A quoted fragment of two to six words ("modigt tal", "görünmez olmak", "przyczynić się do bezpieczeństwa AI")
renders a phrase of one quote ("courageous speech", "become invisible", "contribute to AI safety"), not the whole
sentence: compared with whole quotes, e5-small ranks it near the wrong quote or under the floors, and a quote under
ten words has no clause targets. Each quote is cut once per quote set into phrases (:func:`quote_phrases`: its
clauses of 2-6 words, and runs of 2-4 words inside a clause that neither open nor close on a very common word),
embedded once (the disk cache of the quote vectors, keyed by the model and the phrases of the set).

A fragment is a rendering of quote q when its nearest phrase belongs to q, at a cosine of at least
:data:`PHRASE_MIN_COSINE` (:data:`PHRASE_MIN_COSINE_CJK` in Chinese, Japanese, Korean), and the nearest phrase of
every other quote is at least :data:`PHRASE_MIN_GAP` further away (a fragment as near to two quotes tells
neither). A phrase standing in two quotes ("AI safety") belongs to none: a fragment nearest to it ("AI safety
research", a company's) tells no quote. A fragment attributed to another speaker (:mod:`.subjects`: "the analyst
called it «des mots courageux»") is not compared, nor is any fragment of an article that carries no other
alignment of the set (:data:`MIN_EVIDENCE`).

Bounded cost: at most :data:`MAX_PHRASES_PER_QUOTE` phrases a quote, and no phrase targets at all for a set of more
than :data:`MAX_PHRASE_QUOTES` quotes (a 5,000-quote set aligns exactly as without this module, at no cost). Runs
after the other matchers (:func:`.core._embedded`), only on quoted fragments no alignment covers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import regex

from ..backends.embed import Embedder
from ..backends.wordfreq import zipf
from ..document import Alignment
from ..quotes import Quote
from .passages import QUOTED_RE, _looks_like, _word_count
from .prepared import quote_texts
from .score import translated_score
from .subjects import Speaker, attributions

__all__ = [
    "MAX_PHRASES_PER_QUOTE",
    "MAX_PHRASE_QUOTES",
    "PHRASE_MIN_COSINE",
    "PHRASE_MIN_GAP",
    "phrase_renderings",
    "quote_phrases",
]

PHRASE_WORDS = (2, 4)  # words of a phrase target
FRAGMENT_WORDS = (2, 6)  # words of a quoted fragment compared with the phrases (:func:`.passages._word_count`)
MAX_PHRASES_PER_QUOTE = 48  # a long quote keeps its first phrases (in order of length, then position)
MAX_PHRASE_QUOTES = 500  # larger sets get no phrase targets (documented in docs/align.md)
EDGE_ZIPF = 6.0  # a phrase neither opens nor closes on a word this common ("the", "of", "my", "to")
PHRASE_MIN_COSINE = 0.87  # e5 cosine of a fragment to its nearest phrase
# a Chinese/Japanese/Korean fragment: others' short statements reach 0.875 ("我也决定离开这个行业" -> "decided
# to leave Anthropic", dev_second), renderings 0.888 and 0.907 ("서로 연결된 위기들", dev_frag; "我已经决定离开",
# dev_xling)
PHRASE_MIN_COSINE_CJK = 0.88
PHRASE_MIN_GAP = 0.02  # over the nearest phrase of any other quote
PHRASE_EVIDENCE = "phrase target"
MIN_EVIDENCE = 1  # alignments the article must already carry: a stray short quote ('Bottegaio per un giorno' ->
# "day at Anthropic", an unrelated web sentence of shared/lid_testdata) is not compared
SHARED = -1  # the quote index of a phrase that stands in two quotes or more
CLAUSE_CUT_RE = regex.compile(r"[,;:.!?()\[\]\"“”‘’«»—–]+")
PHRASE_WORD_RE = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}'’\-]*")


def _clause_phrases(clause: str, language: str) -> list[str]:
    """The phrase targets of one clause: itself when it has 2-6 words, not all very common ("The world is in
    peril"; not "For me"), and its runs of 2-4 words that neither open nor close on a very common word."""
    words = PHRASE_WORD_RE.findall(clause)
    common = [zipf(w.lower(), language) >= EDGE_ZIPF for w in words]
    whole = FRAGMENT_WORDS[0] <= len(words) <= FRAGMENT_WORDS[1] and not all(common)
    out = [" ".join(words)] if whole else []
    for n in range(PHRASE_WORDS[0], PHRASE_WORDS[1] + 1):
        for i in range(len(words) - n + 1):
            if not common[i] and not common[i + n - 1]:
                out.append(" ".join(words[i : i + n]))
    return out


def quote_phrases(texts: Sequence[str], language: str = "en") -> list[tuple[int, str]]:
    """(quote index, phrase) for each phrase target of the set: the clauses of 2-6 words of a quote and its runs of
    2-4 words inside a clause, not opening or closing on a very common word, at most :data:`MAX_PHRASES_PER_QUOTE`
    a quote. A phrase standing in two quotes or more (compared lowercased: "AI safety") is kept once with quote
    index -1 (:data:`SHARED`): a fragment nearest to it tells no quote."""
    per_quote = [
        list(dict.fromkeys(p for c in CLAUSE_CUT_RE.split(t) for p in _clause_phrases(c, language))) for t in texts
    ]
    owners = Counter(p for ps in per_quote for p in {q.lower() for q in ps})
    out: list[tuple[int, str]] = []
    shared: dict[str, str] = {}
    for qi, ps in enumerate(per_quote):
        kept = [p for p in ps if owners[p.lower()] == 1]
        kept.sort(key=lambda p: len(p.split()))  # stable: shortest first, then in order
        out.extend((qi, p) for p in kept[:MAX_PHRASES_PER_QUOTE])
        shared.update((p.lower(), p) for p in ps if owners[p.lower()] > 1 and p.lower() not in shared)
    return out + [(SHARED, p) for p in shared.values()]


@dataclass(frozen=True)
class PhraseSide:
    """A quote set's phrase targets: their vectors (unit rows), owning quote indices and texts."""

    vectors: np.ndarray
    owner: np.ndarray
    texts: tuple[str, ...]


_SIDES: dict[tuple[str, tuple[str, ...], str], PhraseSide | None] = {}
PHRASE_SIDE_CACHE_SIZE = 4


def phrase_side(texts: tuple[str, ...], embedder: Embedder, language: str = "en") -> PhraseSide | None:
    """The phrase targets of a quote set, embedded once per set and process (on disk like the quote vectors);
    None for a set of more than :data:`MAX_PHRASE_QUOTES` quotes or without phrases."""
    from .quoteset import _load_quote_vectors

    key = (embedder.key, texts, language)
    if key not in _SIDES:
        phrases = quote_phrases(texts, language) if len(texts) <= MAX_PHRASE_QUOTES else []
        side = None
        if phrases:
            ptexts = tuple(p for _, p in phrases)
            vectors = _load_quote_vectors(ptexts, embedder)
            owner = np.array([len(texts) if qi == SHARED else qi for qi, _ in phrases])  # shared: one more bucket
            side = PhraseSide(vectors, owner, ptexts)
        while len(_SIDES) >= PHRASE_SIDE_CACHE_SIZE:
            _SIDES.pop(next(iter(_SIDES)))
        _SIDES[key] = side
    return _SIDES[key]


def _fragments(
    text: str, taken: Sequence[tuple[int, int]], language: str, text_language: str | None
) -> list[tuple[int, int]]:
    """(start, end) of each quoted passage of 2-6 words, not in the quote language, that no alignment overlaps."""
    out: list[tuple[int, int]] = []
    for m in QUOTED_RE.finditer(text):
        q = m.group("q").strip(" .!?。！？…,")
        if not q or not FRAGMENT_WORDS[0] <= _word_count(q) <= FRAGMENT_WORDS[1]:
            continue
        start = m.start("q") + m.group("q").index(q)
        end = start + len(q)
        if any(a < end and start < b for a, b in taken) or _looks_like(q, language, text_language):
            continue
        out.append((start, end))
    return out


def _nearest(cos: np.ndarray, owner: np.ndarray, n_quotes: int) -> tuple[int, int, float, float]:
    """For one fragment's cosines to the phrases: (best quote, its phrase index, cosine, gap to the next quote or
    the shared phrases); the best quote is ``n_quotes`` when a shared phrase is nearest."""
    best = np.full(n_quotes + 1, -2.0)
    np.maximum.at(best, owner, cos)
    order = np.argsort(-best, kind="stable")
    qi = int(order[0])
    mine = np.flatnonzero(owner == qi)
    pi = int(mine[np.argmax(cos[mine])])
    runner = float(best[order[1]])
    return qi, pi, float(best[qi]), float(best[qi]) - runner


def phrase_renderings(
    text: str,
    quotes: Sequence[Quote],
    found: Sequence[Alignment],
    language: str,
    embedder: Embedder,
    text_language: str | None,
    memo: dict[str, np.ndarray] | None = None,
    set_words: frozenset[str] = frozenset(),
) -> list[Alignment]:
    """Quoted fragments of 2-6 words rendering a phrase of one quote (see the module's docstring); kind
    ``translated``, offsets on the fragment."""
    from .crosslingual import _family, _passage_vectors

    if len(quotes) > MAX_PHRASE_QUOTES or len(found) < MIN_EVIDENCE:
        return []
    taken = [(a.start, a.end) for a in found]
    spans = _fragments(text, taken, language, text_language)
    side = phrase_side(quote_texts(quotes), embedder, language) if spans else None
    if side is None:
        return []
    heard = attributions(text, spans, text_language, set_words, taken)
    spans = [s for s, h in zip(spans, heard, strict=True) if h.speaker is not Speaker.OTHER]
    if not spans:
        return []
    cos = _passage_vectors([text[s:e] for s, e in spans], embedder, memo) @ side.vectors.T
    out: list[Alignment] = []
    for (s, e), row in zip(spans, cos, strict=True):
        qi, pi, c, gap = _nearest(row, side.owner, len(quotes))
        if qi == len(quotes):  # a phrase of several quotes is nearest
            continue
        floor = PHRASE_MIN_COSINE_CJK if _family(text[s:e]) == "cjk" else PHRASE_MIN_COSINE
        if c < floor or gap < PHRASE_MIN_GAP:
            continue
        out.append(_alignment(text, s, e, quotes[qi], side.texts[pi], c, gap))
    return out


def _alignment(text: str, s: int, e: int, quote: Quote, phrase: str, cosine: float, gap: float) -> Alignment:
    """A fragment text[s:e] rendering ``phrase`` of ``quote``; score from the cosine ratio over the next quote."""
    ratio = cosine / max(1e-6, cosine - gap)
    q_words = _word_count(quote.text)
    return Alignment(
        quote_id=quote.id,
        kind="translated",
        score=translated_score(ratio, cosine),
        start=s,
        end=e,
        text=text[s:e],
        coverage=round(min(1.0, _word_count(text[s:e]) / q_words), 4) if q_words else 0.0,
        evidence=f"{PHRASE_EVIDENCE} {phrase!r}: cosine {cosine:.3f}, {gap:.3f} over the next quote",
    )
