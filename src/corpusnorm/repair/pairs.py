"""Word-level spinner thesaurus learnt from the lexicon's phrase pairs.

A spinner rewrites phrases word by word from its thesaurus, so every phrase pair of the lexicon
with as many words on both sides ("huge information" -> "big data", "analysis staff" ->
"research team") teaches word pairs (information -> data, analysis -> research) that the
spinner will use elsewhere, in other phrases and other inflections ("informations",
"analysing"). The reviewed and learnt news-spinner entries teach them (a user's learnt
lexicon adds its own); the scientific tortured phrases do not (see ``_EXCLUDED_SOURCES``).

Pairs are stored by lemma (lemminflect) and re-inflected to the form of the word being
repaired, so "mannequin" -> "model" also restores "mannequins" -> "models". They are
candidates only: the repair still needs the language model to prefer them in context.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from ..backends.thesaurus import analyses
from .lexicon import Entry, Lexicon

__all__ = ["PairIndex", "built_pair_index", "pair_index"]

_MIN_LENGTH = 3
"""Shorter words (function words, abbreviations) teach nothing general."""

_EXCLUDED_SOURCES = ("pps", "news-spinners")
"""Sources whose phrases teach no pairs: the tortured phrases of scientific papers taught
about 2,500 lemma pairs, but applied to news they were wrong more often than right (measured
on the development spins: 9 right, 23 wrong on words the spinner had left alone; see
docs/repair.md); the hand-written news-spinner phrases are idioms whose words do not swap
alone ("press launch" -> "press release" taught launched -> released, wrong 2 of 2 times on
the development spins), so only the reviewed issue-4 entries and learnt pairs teach pairs."""

_CACHE: weakref.WeakKeyDictionary[Lexicon, PairIndex] = weakref.WeakKeyDictionary()


class PairIndex:
    """(spun lemma, part of speech) -> {original lemma: how many lexicon entries teach the pair}.

    A pair is only learnt where both words have a reading with the same Penn tag ("prompt" ->
    "suggested" teaches nothing: a spinner's irregular pair does not generalise), and is only
    used for a word read in the same part of speech."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        pairs: dict[tuple[str, str], dict[str, int]] = {}
        seen: set[tuple[str, str]] = set()
        for entry in entries:
            if entry.left or entry.right or any(entry.source.startswith(prefix) for prefix in _EXCLUDED_SOURCES):
                continue  # a context condition marks a pair as ambiguous out of its context
            original = entry.original_words
            if len(original) != len(entry.spun):
                continue
            for spun, orig in zip(entry.spun, original, strict=True):
                if spun == orig or (spun, orig) in seen:
                    continue
                if len(spun) < _MIN_LENGTH or len(orig) < _MIN_LENGTH or not spun.isalpha() or not orig.isalpha():
                    continue
                seen.add((spun, orig))
                tags_orig = {tag: lemma for lemma, tag in analyses(orig)}
                for lemma, tag in analyses(spun):
                    target = tags_orig.get(tag)  # same part of speech and inflection only
                    if not tag or target is None or target == lemma:  # no tag: a function word
                        continue
                    bucket = pairs.setdefault((lemma, tag[:2]), {})
                    bucket[target] = bucket.get(target, 0) + 1
        self.pairs = pairs
        self._candidates: dict[str, tuple[tuple[str, int], ...]] = {}

    def candidates(self, word: str) -> tuple[tuple[str, int], ...]:
        """(original form inflected like ``word``, support) for a spun ``word``, best supported first
        (kept per word: the index does not change)."""
        found = self._candidates.get(word)
        if found is None:
            found = self._candidates[word] = self._inflected(word)
        return found

    def known(self, word: str) -> tuple[tuple[str, int], ...] | None:
        """``candidates(word)`` if it was asked before, else None."""
        return self._candidates.get(word)

    def _inflected(self, word: str) -> tuple[tuple[str, int], ...]:
        from lemminflect import getInflection

        found: dict[str, int] = {}
        readings = analyses(word)
        if not all((lemma, tag[:2]) in self.pairs for lemma, tag in readings):
            return ()  # another reading of the word ("pressures" the noun, not the verb) has no pair
        for lemma, tag in readings:
            for target, support in self.pairs.get((lemma, tag[:2]), {}).items():
                if tag:
                    forms = getInflection(target, tag=tag)
                    form = forms[0] if forms else target
                else:
                    form = target
                if form != word and found.get(form, 0) < support:
                    found[form] = support
        return tuple(sorted(found.items(), key=lambda item: (-item[1], item[0])))


def pair_index(lexicon: Lexicon) -> PairIndex:
    """The word pairs taught by ``lexicon`` (built once per lexicon object, lazily)."""
    index = _CACHE.get(lexicon)
    if index is None:
        index = _CACHE[lexicon] = PairIndex(lexicon.entries())
    return index


def built_pair_index(lexicon: Lexicon) -> PairIndex | None:
    """The word pairs of ``lexicon`` if some repair has built them already, else None."""
    return _CACHE.get(lexicon)
