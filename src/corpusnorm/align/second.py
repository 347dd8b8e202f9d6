"""A second opinion on e5's near misses (issue 15, December 2026).

multilingual-e5-small puts short renderings in Chinese and Japanese ("世界正处于危险之中", "我们拭目以待") at
margins and cosines just under the floors, among on-topic sentences by others. A candidate that lands in a
band just under its floors, renders no clause target, and is written in a language of Google's
universal-sentence-encoder-multilingual v3 (a DAN/CNN model trained on translation pairs, cheap per text;
:class:`corpusnorm.backends.embed.UseEmbedder`) is embedded by that model too, and compared with the quote set
the same way (ratio margin, k nearest quotes on each side; the quote vectors once per quote set and process,
and on disk). It is a rendering of e5's best quote when that model's best quote is the same one, with cosine
>= :data:`SECOND_MIN_COSINE` and margin >= :data:`SECOND_MIN_MARGIN`. The model is loaded (~1.1 s of CPU,
once per process) only when a candidate lands in the band.

Floors set on the candidates of the development sets (benchmarks/data/dev_xling incl. sentences.json,
dev_recall, dev_partial, dev_passages: cosine 0.45, margin 1.9, 13 renderings for 0 false), then checked on a set
written afterwards (dev_second: 3 more, 1 false at cosine 0.475), after which the cosine floor went to 0.50 on all
of them (14 for 0 false); figures in docs/align.md, "Second opinion", from ``python benchmarks/align.py --dev-only``
(table "second opinion").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..backends.embed import USE_LANGUAGES, second_opinion_embedder
from .quoteset import _cosines, _margins, quote_side

__all__ = [
    "SECOND_BAND_COSINE",
    "SECOND_BAND_MARGIN",
    "SECOND_MIN_COSINE",
    "SECOND_MIN_MARGIN",
    "second_best",
    "second_opinions",
]

SECOND_BAND_MARGIN = 0.99  # e5 margin a candidate needs to be asked about (the family floors are 1.005-1.02)
SECOND_BAND_COSINE = 0.03  # and e5 cosine at most this far under its family floor
SECOND_MIN_COSINE = 0.50  # the second model's cosine to e5's best quote
SECOND_MIN_MARGIN = 1.9  # and its ratio margin (its cosines spread far wider than e5's: renderings 2.0-2.4)
SECOND_EVIDENCE = "second opinion"


def in_band(margin: float, cosine: float, floors: tuple[float, float]) -> bool:
    """Whether e5's (margin, cosine) for a passage is a near miss worth a second opinion."""
    under = margin < floors[0] or cosine < floors[1]
    return under and margin >= SECOND_BAND_MARGIN and cosine >= floors[1] - SECOND_BAND_COSINE


def covered(passage_language: str | None, family: str) -> bool:
    """Whether the second model knows a passage's language (a Chinese/Japanese/Korean passage of unknown
    language counts as known: the model covers all three)."""
    if passage_language is not None:
        return passage_language in USE_LANGUAGES
    return family == "cjk"


def second_opinions(
    texts: Sequence[str],
    quote_index: Sequence[int],
    quote_texts: tuple[str, ...],
    quote_language: str,
    floors: tuple[float, float] = (SECOND_MIN_MARGIN, SECOND_MIN_COSINE),
) -> list[tuple[float, float] | None]:
    """For each passage, (margin, cosine) of the second model to ``quote_texts[quote_index[i]]`` when it
    confirms that quote (its own best quote, over both ``floors``: margin, cosine), else None. All None when the
    model's package is missing or it does not know the quote set's language."""
    best = second_best(texts, quote_texts, quote_language, floors)
    return [(b[1], b[2]) if b is not None and b[0] == qi else None for b, qi in zip(best, quote_index, strict=True)]


def second_best(
    texts: Sequence[str],
    quote_texts: tuple[str, ...],
    quote_language: str,
    floors: tuple[float, float] = (SECOND_MIN_MARGIN, SECOND_MIN_COSINE),
) -> list[tuple[int, float, float] | None]:
    """For each passage, the second model's best quote as (quote index, margin, cosine) when it is over both
    ``floors`` (margin, cosine), else None. All None when the model's package is missing or it does not know the
    quote set's language."""
    embedder = second_opinion_embedder()
    if not texts or embedder is None or quote_language not in USE_LANGUAGES:
        return [None] * len(texts)
    side = quote_side(quote_texts, embedder)
    cos = _cosines(embedder.embed(list(texts)), side.vectors)
    margin = _margins(cos, side.y_nn)
    out: list[tuple[int, float, float] | None] = []
    for i in range(len(texts)):
        qi = int(np.argmax(margin[i]))
        m, c = float(margin[i, qi]), float(cos[i, qi])
        out.append((qi, m, c) if m >= floors[0] and c >= floors[1] else None)
    return out
