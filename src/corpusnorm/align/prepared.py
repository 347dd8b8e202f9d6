"""A quote set prepared for matching: what depends on the set alone (its texts, ids, words, the word-bigram
index per quote language) computed once per set and process, so that an article's work grows with the article,
not with the set (issue 15: a 5,000-quote set cost ~10-20 ms more per article when each call rebuilt these).

:func:`prepare_quotes` finds a set it has seen by comparing lists of quotes: the same :class:`Quote` objects (frozen)
in the same order compare by reference, at C speed (~20 us for 5,000; no hash of 5,000 dataclasses per article); a
set read again from its file compares by value. It keeps :data:`PREPARED_CACHE_SIZE` sets per process (a copy of
each set's list: changing the caller's list afterwards changes nothing cached)."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from os import PathLike
from typing import Any, overload

from ..quotes import Quote, canonical_quotes, load_quotes
from .index import _build_index, _QuoteIndex

__all__ = ["PREPARED_CACHE_SIZE", "PreparedQuotes", "prepare_quotes", "quote_ids", "quote_texts", "resolve_quotes"]

PREPARED_CACHE_SIZE = 16  # quote sets kept per process
INDEX_CACHE_SIZE = 8  # word-bigram indexes kept per set (one per quote language asked for)


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


class PreparedQuotes(Sequence[Quote]):
    """A quote set (a read-only sequence of :class:`Quote`) with what depends on it alone, computed once."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.quotes: tuple[Quote, ...] = tuple(quotes)
        self.texts: tuple[str, ...] = tuple(q.text for q in self.quotes)
        self._indexes: OrderedDict[str, _QuoteIndex] = OrderedDict()

    def __len__(self) -> int:
        return len(self.quotes)

    @overload
    def __getitem__(self, i: int) -> Quote: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[Quote, ...]: ...

    def __getitem__(self, i: int | slice) -> Quote | tuple[Quote, ...]:
        return self.quotes[i]

    def __iter__(self) -> Iterator[Quote]:
        return iter(self.quotes)

    def __repr__(self) -> str:
        return f"PreparedQuotes({len(self.quotes)} quotes)"

    @functools.cached_property
    def ids(self) -> dict[str, int]:
        """Quote id -> position (the last one for an id given twice)."""
        return {q.id: j for j, q in enumerate(self.quotes)}

    @functools.cached_property
    def words(self) -> frozenset[str]:
        """Every word of the set's texts and variants, normalised (:func:`.passages._quote_words`)."""
        from .passages import _quote_words

        return _quote_words(tuple(t for q in self.quotes for t in (q.text, *q.variants)))

    def index(self, language: str) -> _QuoteIndex:
        """The set's word-bigram index for quote language ``language`` (built once, :func:`.index._build_index`)."""
        found = self._indexes.get(language)
        if found is None:
            found = self._indexes[language] = _build_index(self.quotes, language)
            while len(self._indexes) > INDEX_CACHE_SIZE:
                self._indexes.popitem(last=False)
        self._indexes.move_to_end(language)
        return found


# the sets prepared so far, most recently used first: (its quotes, as a list, and the prepared set)
_PREPARED: list[tuple[list[Quote], PreparedQuotes]] = []


def _lookup(items: list[Any]) -> PreparedQuotes | None:
    """The prepared set of quotes equal to ``items`` (a list comparison: C speed, each quote's identity first)."""
    for k, (quotes, prepared) in enumerate(_PREPARED):
        if len(quotes) == len(items) and quotes == items:
            if k:
                _PREPARED.insert(0, _PREPARED.pop(k))
            return prepared
    return None


def prepare_quotes(quotes: Sequence[Quote] | str | PathLike[str] | None) -> PreparedQuotes:
    """The prepared form of a quote set given as :func:`resolve_quotes` takes it, from the per-process cache when
    equal quotes were prepared before (the same objects: a comparison of references, no hash of 5,000 dataclasses;
    a set read again from its file: compared by value)."""
    if isinstance(quotes, PreparedQuotes):
        return quotes
    items = resolve_quotes(quotes) if quotes is None or isinstance(quotes, str | PathLike) else list(quotes)
    prepared = _lookup(items)
    if prepared is None:
        resolved = resolve_quotes(items)  # dicts -> quotes; a list of quotes as it is
        prepared = _lookup(resolved)
        if prepared is None:
            prepared = PreparedQuotes(resolved)
            _PREPARED.insert(0, (resolved, prepared))
            del _PREPARED[PREPARED_CACHE_SIZE:]
    return prepared


def quote_texts(quotes: Sequence[Quote]) -> tuple[str, ...]:
    """The texts of a quote set (kept with a prepared set; built for any other sequence)."""
    return quotes.texts if isinstance(quotes, PreparedQuotes) else tuple(q.text for q in quotes)


def quote_ids(quotes: Sequence[Quote]) -> dict[str, int]:
    """Quote id -> position in the set (kept with a prepared set; built for any other sequence)."""
    return quotes.ids if isinstance(quotes, PreparedQuotes) else {q.id: j for j, q in enumerate(quotes)}
