"""Quote sets: the canonical English quote set shipped as package data, and user sets.

A quote set is data. :func:`canonical_quotes` reads ``data/quotes.json``; :func:`load_quotes`
reads any user set, either in the same JSON shape (``{"quotes": [{"id", "text", ...}]}``, or a
bare list of such objects or of strings) or as plain text with one quote per line (blank lines
and lines starting with ``#`` are skipped; ids ``Q001``, ``Q002``, ... are generated).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from .backends.data import read_data

__all__ = ["Quote", "QuoteSetError", "canonical_quotes", "load_quotes", "parse_quotes"]

CANONICAL_RESOURCE = "quotes.json"
GENERATED_ID_FORMAT = "Q{:03d}"


class QuoteSetError(ValueError):
    """A quote set that cannot be read: bad JSON shape, missing text, duplicate ids."""


@dataclass(frozen=True)
class Quote:
    """One quotable sentence or fragment of a source text."""

    id: str
    text: str
    attested: str = ""
    variants: tuple[str, ...] = ()
    part: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "attested": self.attested,
            "variants": list(self.variants),
            "part": self.part,
        }


def _quote_from_item(item: Any, index: int) -> Quote:
    if isinstance(item, str):
        return Quote(id=GENERATED_ID_FORMAT.format(index + 1), text=item)
    if not isinstance(item, dict):
        raise QuoteSetError(f"quote #{index + 1}: expected an object or a string, got {type(item).__name__}")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise QuoteSetError(f"quote #{index + 1}: missing or empty 'text'")
    variants = item.get("variants") or ()
    if isinstance(variants, str) or not all(isinstance(v, str) for v in variants):
        raise QuoteSetError(f"quote #{index + 1}: 'variants' must be a list of strings")
    return Quote(
        id=str(item.get("id") or GENERATED_ID_FORMAT.format(index + 1)),
        text=text,
        attested=str(item.get("attested") or ""),
        variants=tuple(variants),
        part=str(item.get("part") or ""),
    )


def _checked(quotes: list[Quote]) -> list[Quote]:
    seen: set[str] = set()
    for quote in quotes:
        if quote.id in seen:
            raise QuoteSetError(f"duplicate quote id {quote.id!r}")
        seen.add(quote.id)
    if not quotes:
        raise QuoteSetError("the quote set is empty")
    return quotes


def parse_quotes(content: str, *, format: str = "auto") -> list[Quote]:
    """Parse a quote set from a string: ``format`` is ``"json"``, ``"text"`` or ``"auto"``.

    ``auto`` reads JSON when the content starts with ``{`` or ``[``, plain text otherwise.
    """
    if format not in {"auto", "json", "text"}:
        raise ValueError(f"unknown quote set format {format!r}")
    stripped = content.lstrip("\ufeff").strip()
    if format == "json" or (format == "auto" and stripped[:1] in {"{", "["}):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise QuoteSetError(f"invalid JSON quote set: {exc}") from exc
        items = data.get("quotes") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise QuoteSetError("a JSON quote set needs a 'quotes' list (or is a list itself)")
        return _checked([_quote_from_item(item, i) for i, item in enumerate(items)])
    lines = [line.strip() for line in stripped.splitlines()]
    texts = [line for line in lines if line and not line.startswith("#")]
    return _checked([Quote(id=GENERATED_ID_FORMAT.format(i + 1), text=t) for i, t in enumerate(texts)])


def load_quotes(path: str | PathLike[str]) -> list[Quote]:
    """Read a quote set from a file (JSON shape of the canonical set, or one quote per line). The file is read at
    every call, its parse kept for the last :data:`PARSED_CACHE_SIZE` contents: ``align(text, quotes="set.json")``
    over a corpus parses it once, and gets the same (frozen) quotes, which the prepared set is found by."""
    file = Path(path)
    fmt = "json" if file.suffix.lower() == ".json" else "auto"
    return list(_parsed(file.read_text(encoding="utf-8"), fmt))


PARSED_CACHE_SIZE = 16


@functools.lru_cache(maxsize=PARSED_CACHE_SIZE)
def _parsed(text: str, fmt: str) -> tuple[Quote, ...]:
    return tuple(parse_quotes(text, format=fmt))


@functools.cache
def _canonical() -> tuple[Quote, ...]:
    return tuple(parse_quotes(read_data(CANONICAL_RESOURCE), format="json"))


def canonical_quotes() -> list[Quote]:
    """The canonical quote set shipped with the package (a fresh list; the quotes are frozen)."""
    return list(_canonical())
