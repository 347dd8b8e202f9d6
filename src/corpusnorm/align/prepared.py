"""A quote set prepared for matching: what depends on the set alone (its texts, ids, words, the word-bigram
index per quote language) computed once per set and process, so that an article's work grows with the article,
not with the set (issue 15: a 5,000-quote set cost ~10-20 ms more per article when each call rebuilt these).

:func:`prepare_quotes` finds a set it has seen by the identity of its quotes (the same :class:`Quote` objects in
the same order: a tuple of ``id()``, no hash of 5,000 dataclasses per article), else by value (a set read again
from its file), and keeps :data:`PREPARED_CACHE_SIZE` sets per process. A cached set holds its quotes, so their
``id()`` cannot be reused by other objects while it is cached."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from os import PathLike
from typing import overload

from ..quotes import Quote, canonical_quotes, load_quotes
from .index import _build_index, _QuoteIndex

__all__ = ["PREPARED_CACHE_SIZE", "PreparedQuotes", "prepare_quotes", "quote_ids", "quote_texts", "resolve_quotes"]

PREPARED_CACHE_SIZE = 16  # quote sets kept per process (each key kind: by identity, by value)
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


# id() of each quote -> (the prepared set, those very quotes: held, so that no other object takes their id())
_BY_IDENTITY: OrderedDict[tuple[int, ...], tuple[PreparedQuotes, tuple[Quote, ...]]] = OrderedDict()
_BY_VALUE: OrderedDict[tuple[Quote, ...], PreparedQuotes] = OrderedDict()


def _remember(cache: OrderedDict, key: object, value: object) -> None:  # type: ignore[type-arg]
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > PREPARED_CACHE_SIZE:
        cache.popitem(last=False)


def prepare_quotes(quotes: Sequence[Quote] | str | PathLike[str] | None) -> PreparedQuotes:
    """The prepared form of a quote set given as :func:`resolve_quotes` takes it, from the per-process cache when
    the same quotes were prepared before (by identity: O(1) Python work per quote, no hashing of their fields)."""
    if isinstance(quotes, PreparedQuotes):
        return quotes
    if quotes is None:
        quotes = canonical_quotes()
    key = tuple(map(id, quotes)) if isinstance(quotes, list | tuple) else None
    if key is not None and (hit := _BY_IDENTITY.get(key)) is not None:
        _BY_IDENTITY.move_to_end(key)
        return hit[0]
    resolved = tuple(resolve_quotes(quotes))
    prepared = _BY_VALUE.get(resolved)
    if prepared is None:
        prepared = PreparedQuotes(resolved)
    _remember(_BY_VALUE, resolved, prepared)
    # by identity only when the items are the (frozen) quotes themselves, not dicts that could change
    if key is not None and all(a is b for a, b in zip(resolved, quotes, strict=True)):
        _remember(_BY_IDENTITY, key, (prepared, resolved))
    return prepared


def quote_texts(quotes: Sequence[Quote]) -> tuple[str, ...]:
    """The texts of a quote set (kept with a prepared set; built for any other sequence)."""
    return quotes.texts if isinstance(quotes, PreparedQuotes) else tuple(q.text for q in quotes)


def quote_ids(quotes: Sequence[Quote]) -> dict[str, int]:
    """Quote id -> position in the set (kept with a prepared set; built for any other sequence)."""
    return quotes.ids if isinstance(quotes, PreparedQuotes) else {q.id: j for j, q in enumerate(quotes)}
