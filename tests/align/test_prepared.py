"""A quote set prepared once per set and process (corpusnorm.align.prepared): the cache (identity, value, bound) and
an article's work not growing with the set (issue 15)."""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from corpusnorm.align import align, prepared
from corpusnorm.align.passages import _quote_words, _set_words
from corpusnorm.align.prepared import PREPARED_CACHE_SIZE, PreparedQuotes, prepare_quotes, quote_ids, quote_texts
from corpusnorm.backends.embed import Embedder
from corpusnorm.quotes import Quote, canonical_quotes


@pytest.fixture(autouse=True)
def _empty_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepared, "_PREPARED", [])


def _fillers(n: int, tag: str = "") -> list[Quote]:
    """Quotes of made-up words that no article carries (a large set's quotes that match nothing)."""
    return [Quote(id=f"F{tag}{i}", text=f"vorl{i}{tag} quenx brimsel dravit {i} plome taskur wendri") for i in range(n)]


def test_the_same_quotes_give_the_same_prepared_set() -> None:
    quotes = _fillers(50)
    first = prepare_quotes(quotes)
    assert isinstance(first, PreparedQuotes) and list(first) == quotes and len(first) == 50
    assert prepare_quotes(quotes) is first
    assert prepare_quotes(list(quotes)) is first  # another list of the same quotes
    assert prepare_quotes(tuple(quotes)) is first
    assert prepare_quotes(first) is first
    assert prepare_quotes(None) is prepare_quotes(canonical_quotes())  # canonical_quotes() is a fresh list
    assert prepare_quotes(_fillers(50, "b")) is not first


def test_equal_quotes_read_again_share_the_prepared_set(tmp_path: Path) -> None:
    path = tmp_path / "set.txt"
    path.write_text("The river will be closed to boats.\nWe shall see what unfolds.\n", encoding="utf-8")
    first = prepare_quotes(path)
    again = prepare_quotes(str(path))  # new Quote objects, equal values
    assert again is first and first.texts == ("The river will be closed to boats.", "We shall see what unfolds.")


def test_changing_the_callers_list_or_dicts_never_reaches_the_cache() -> None:
    quotes = _fillers(5)
    first = prepare_quotes(quotes)
    quotes.append(Quote(id="X", text="something else entirely here"))
    assert prepare_quotes(quotes) is not first and len(prepare_quotes(quotes)) == 6
    assert len(first) == 5 and prepare_quotes(_fillers(5)) is first
    items = [{"id": "D1", "text": "a quote given as a dict"}]
    one = prepare_quotes(items)
    items[0]["text"] = "the dict changed afterwards"
    assert [q.text for q in prepare_quotes(items)] == ["the dict changed afterwards"]
    assert [q.text for q in one] == ["a quote given as a dict"]


def test_the_cache_is_bounded_and_keeps_the_recent_sets() -> None:
    sets = [_fillers(3, str(k)) for k in range(PREPARED_CACHE_SIZE + 5)]
    prepared_sets = [prepare_quotes(s) for s in sets]
    assert len(prepared._PREPARED) == PREPARED_CACHE_SIZE
    assert prepare_quotes(sets[-1]) is prepared_sets[-1]  # recent: kept
    assert prepare_quotes(sets[0]) is not prepared_sets[0]  # the oldest went out: prepared anew
    assert len(prepared._PREPARED) == PREPARED_CACHE_SIZE


def test_what_is_kept_with_a_set_is_what_was_computed_per_article() -> None:
    quotes = [*canonical_quotes(), Quote(id="V", text="First text here.", variants=("A variant wording",))]
    ready = prepare_quotes(quotes)
    assert quote_texts(ready) == quote_texts(quotes) == tuple(q.text for q in quotes)
    assert quote_ids(ready) == quote_ids(quotes) == {q.id: j for j, q in enumerate(quotes)}
    every_text = tuple(t for q in quotes for t in (q.text, *q.variants))
    assert _set_words(ready) == _set_words(quotes) == _quote_words(every_text)
    assert "variant" in _set_words(ready)
    assert ready.index("en") is ready.index("en") and ready.index("und") is not ready.index("en")
    for k in range(prepared.INDEX_CACHE_SIZE + 3):
        ready.index(f"x{k}")
    assert len(ready._indexes) == prepared.INDEX_CACHE_SIZE  # one index per quote language asked for, bounded


def test_align_gives_the_same_with_a_prepared_set() -> None:
    text = "“We shall see what unfolds,” he wrote. Il mondo è in pericolo, ha scritto."
    quotes = canonical_quotes()
    assert align(text, prepare_quotes(quotes), crosslingual=False) == align(text, quotes, crosslingual=False)


class _HashedWords(Embedder):
    """A cheap deterministic embedder: words hashed into 64 dimensions (no model)."""

    name = "hashed-words"

    def version(self) -> str:
        return "64"

    def embed(self, texts):  # type: ignore[no-untyped-def]
        out = np.full((len(texts), 64), 0.01, dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode("utf-8")) % 64] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)


ARTICLE = (
    "Sharma ha scritto che «il mondo è in pericolo» e che «nulla sarà più come prima». "
    "He says he has decided to leave the company and move back to England. "
    "«Nada será igual otra vez», escribió el investigador. “We shall see what unfolds,” he wrote."
)


def _lines_of_one_article(quotes: list[Quote]) -> int:
    """Lines of corpusnorm's code run by one align() of ARTICLE with ``quotes`` prepared already (sys.settrace)."""
    embedder = _HashedWords()
    for _ in range(2):  # the set's side (vectors, index, words, clause targets) and the passages: once
        align(ARTICLE, quotes, embedder=embedder, language="it")
    count = 0

    def trace(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if event == "line" and "corpusnorm" in frame.f_code.co_filename:
            count += 1
        return trace

    previous = sys.gettrace()  # a coverage tool's tracer, if any: put back after
    sys.settrace(trace)
    try:
        align(ARTICLE, quotes, embedder=embedder, language="it")
    finally:
        sys.settrace(previous)
    return count


def test_an_articles_work_does_not_grow_with_the_quote_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: per article, no Python loop over the quote set (its texts, words, ids, index are kept with it);
    only vectorised products with its vectors remain. 2,000 more quotes that match nothing add (almost) no line
    of Python run; one line per quote would add 2,000."""
    monkeypatch.setenv("CORPUSNORM_QUOTE_CACHE", "0")
    small = _lines_of_one_article([*canonical_quotes(), *_fillers(20)])
    large = _lines_of_one_article([*canonical_quotes(), *_fillers(2020)])
    assert small > 1000  # the article's own work is counted
    assert large - small < 100, (small, large)
