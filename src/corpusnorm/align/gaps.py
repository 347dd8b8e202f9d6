"""Short renderings in a gap of an in-order run of aligned quotes.

A quoted passage of one or two words ("Nous verrons", "Ya veremos") carries too little meaning to be compared on
its own (:data:`.passages.CROSS_MIN_WORDS`): others say the same ("On verra", says a coach about his future).
Inside an article that renders the quote set in order, though, such a passage standing between the renderings of
two quotes of the set, with the quotes between those two aligned nowhere in the article, is likely one of them
(the monotone-run idea of :mod:`.runs`). Only there is it embedded, and it is a rendering when its best quote
over the whole set is one of the gap's quotes, at the ordinary floors of a short passage.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

import numpy as np

from ..backends.embed import Embedder
from ..document import Alignment
from ..quotes import Quote
from .passages import CROSS_MIN_WORDS, QUOTED_RE, _looks_like, _word_count
from .prepared import quote_ids
from .score import translated_score

MAX_GAP_QUOTES = 2  # quotes of the set a gap may hold between its two aligned neighbours
GAP_EVIDENCE = "short passage in the gap between"


def _gaps(quotes: Sequence[Quote], found: Sequence[Alignment]) -> list[tuple[int, int, int, int]]:
    """(text start, text end, first quote index, last quote index) of each gap: two alignments next to each other
    in the text, of quotes a < b of the set with 1 to :data:`MAX_GAP_QUOTES` quotes between them, none of which
    is aligned anywhere in the article."""
    ids = quote_ids(quotes)
    placed = sorted((a.start, a.end, ids[a.quote_id]) for a in found if a.quote_id in ids)
    aligned = {qi for _, _, qi in placed}
    out: list[tuple[int, int, int, int]] = []
    for (_, end_a, qa), (start_b, _, qb) in itertools.pairwise(placed):
        between = range(qa + 1, qb)
        if 1 <= len(between) <= MAX_GAP_QUOTES and end_a < start_b and not aligned.intersection(between):
            out.append((end_a, start_b, qa + 1, qb - 1))
    return out


def _short_quoted(
    text: str, gaps: list[tuple[int, int, int, int]], language: str, text_language: str | None
) -> list[tuple[int, int, int, int]]:
    """(start, end, first gap quote, last gap quote) of each quoted passage of fewer than :data:`CROSS_MIN_WORDS`
    words inside a gap, not in ``language``. The quoted passages are matched once, from the text's start (from a
    gap's start, a closing mark could be read as an opening one)."""
    matches = list(QUOTED_RE.finditer(text))
    starts = [m.start() for m in matches]
    out: list[tuple[int, int, int, int]] = []
    for lo, hi, first, last in gaps:
        for m in itertools.islice(matches, bisect.bisect_left(starts, lo), None):
            if m.end() > hi:
                break
            q = m.group("q").strip(" .!?。！？…,")
            if not q or _word_count(q) >= CROSS_MIN_WORDS or _looks_like(q, language, text_language):
                continue
            start = m.start("q") + m.group("q").index(q)
            out.append((start, start + len(q), first, last))
    return out


def gap_renderings(
    text: str,
    quotes: Sequence[Quote],
    found: Sequence[Alignment],
    language: str,
    embedder: Embedder,
    text_language: str | None,
    memo: dict[str, np.ndarray] | None = None,
) -> list[Alignment]:
    """Short quoted passages rendering a quote of a gap (:func:`_gaps`); kind ``translated``."""
    from .crosslingual import _best_quotes, _floors, _negation_unchecked, _passage_negated

    gaps = _gaps(quotes, found)
    spans = _short_quoted(text, gaps, language, text_language) if gaps else []
    if not spans:
        return []
    best = _best_quotes([text[s:e] for s, e, _, _ in spans], quotes, embedder, memo)
    out: list[Alignment] = []
    for (s, e, lo, hi), (qi, m, c) in zip(spans, best, strict=True):
        passage, floors = text[s:e], _floors(text[s:e])
        if not lo <= qi <= hi or m < floors[0] or c < floors[1]:
            continue
        if not _negation_unchecked(quotes[qi].text, language) and _passage_negated(passage, text_language):
            continue
        out.append(
            _gap_alignment(
                text, s, e, quotes, qi, translated_score(m, c), f"{embedder.name}: margin {m:.3f}, cosine {c:.3f}"
            )
        )
    return out


def _gap_alignment(
    text: str, s: int, e: int, quotes: Sequence[Quote], qi: int, score: float, evidence: str
) -> Alignment:
    """A short passage text[s:e] rendering quote ``qi`` of a gap."""
    q_words = _word_count(quotes[qi].text)
    return Alignment(
        quote_id=quotes[qi].id,
        kind="translated",
        score=score,
        start=s,
        end=e,
        text=text[s:e],
        coverage=round(min(1.0, _word_count(text[s:e]) / q_words), 4) if q_words else 0.0,
        evidence=f"{evidence}; {GAP_EVIDENCE} two aligned quotes",
    )
