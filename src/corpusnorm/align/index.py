"""The word-bigram index of a quote set (built once per process and quote set: :mod:`.prepared`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..quotes import Quote
from .tokens import _tokenize, _Tokens, _weight

SEED_WORD_WEIGHT = 0.6  # quote words this rare seed a match on their own (besides word bigrams)


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
