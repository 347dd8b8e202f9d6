"""A small offline English language model for ranking repair candidates in context.

Word-pair counts: symspellpy's ``frequency_bigramdictionary_en_243_342.txt`` (Google n-gram
counts: SymSpell names Google Books, but they are 64 x the Google Web 1T pair counts that
wordsegment ships; pairs seen at least 6.4 million times); single-word counts: symspellpy's
``frequency_dictionary_en_82_765.txt``; single-word probabilities for words those lists lack:
wordfreq. Everything is loaded once, lazily, on first use.

The model is an interpolated bigram model::

    P(b | a) = (c(a, b) + K * P(b)) / (c(a) + K)

where the bigram list is truncated at :data:`BIGRAM_FLOOR`, so an absent pair is *rarer* than the
floor, never impossible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache, cached_property
from importlib import resources

from ..diskcache import disk_cached
from . import wordfreq

__all__ = ["BIGRAM_FLOOR", "LanguageModel", "language_model"]

BIGRAM_FLOOR = 6_400_000
"""The smallest count in symspellpy's word-pair list: absent pairs were seen fewer times."""

_SMOOTHING = 2_000_000_000.0
"""K, the Dirichlet prior mass: pairs after rare words lean on the single-word probability."""

_UNKNOWN_PROBABILITY = 1e-9

_NO_PAIRS: dict[str, int] = {}


WORD_CACHE_SIZE = 262_144
"""Words (and previous words) whose values each per-word cache of :class:`LanguageModel` keeps;
a full cache is emptied and refilled (the values are pure functions of the counts, so output is the
same and memory plateaus on a long run)."""


class LanguageModel:
    """Interpolated bigram log-probabilities over lower-case words.

    Hot path: ``logprob`` and ``window`` read per-word values built once per word and kept
    (the counts of the words after it with ``c(a) + K``; ``K * P(b)``), so a term costs three
    dictionary look-ups and no tuple; the arithmetic is the formula's, in the same order."""

    def __init__(self, unigrams: dict[str, int], bigrams: dict[tuple[str, str], int]) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.total = float(sum(unigrams.values()))
        self._uni_cache: dict[str, float] = {}
        self._contexts: dict[str, tuple[dict[str, int], float]] = {}
        self._masses: dict[str, float] = {}

    def unigram(self, word: str) -> float:
        """P(word), from the counts, else wordfreq, else a small floor."""
        cached = self._uni_cache.get(word)
        if cached is not None:
            return cached
        count = self.unigrams.get(word)
        if count is not None:
            probability = count / self.total
        else:
            probability = wordfreq.frequency(word) or _UNKNOWN_PROBABILITY
        if len(self._uni_cache) >= WORD_CACHE_SIZE:
            self._uni_cache.clear()
        self._uni_cache[word] = probability
        return probability

    @cached_property
    def _rows(self) -> dict[str, dict[str, int]]:
        """a -> {b: c(a, b)}: the pair list indexed by its first word (built on first use)."""
        rows: dict[str, dict[str, int]] = {}
        for (a, b), count in self.bigrams.items():
            row = rows.get(a)
            if row is None:
                row = rows[a] = {}
            row[b] = count
        return rows

    def _context(self, previous: str) -> tuple[dict[str, int], float]:
        """(c(previous, .), c(previous) + K) for a non-empty ``previous``, kept."""
        context = (self._rows.get(previous, _NO_PAIRS), self.unigrams.get(previous, 0) + _SMOOTHING)
        if len(self._contexts) >= WORD_CACHE_SIZE:
            self._contexts.clear()
        self._contexts[previous] = context
        return context

    def _mass(self, word: str) -> float:
        """K * P(word), kept."""
        if len(self._masses) >= WORD_CACHE_SIZE:
            self._masses.clear()
        mass = self._masses[word] = _SMOOTHING * self.unigram(word)
        return mass

    def logprob(self, previous: str, word: str) -> float:
        """log P(word | previous); ``previous`` may be '' (sentence start: unigram)."""
        if not previous:
            return math.log(self.unigram(word))
        pairs, mass_previous = self._contexts.get(previous) or self._context(previous)
        mass = self._masses.get(word)
        if mass is None:
            mass = self._mass(word)
        return math.log((pairs.get(word, 0) + mass) / mass_previous)

    def window(self, left: str, words: Sequence[str], right: str) -> float:
        """log P of ``words`` between ``left`` and ``right`` (both may be '').

        (``logprob`` inlined: the same terms added in the same order.)"""
        contexts, masses, log = self._contexts, self._masses, math.log
        total = 0.0
        previous = left
        for word in words:
            if previous:
                pairs, mass_previous = contexts.get(previous) or self._context(previous)
                mass = masses.get(word)
                if mass is None:
                    mass = self._mass(word)
                total += log((pairs.get(word, 0) + mass) / mass_previous)
            else:
                total += log(self.unigram(word))
            previous = word
        if right:
            total += self.logprob(previous, right) - log(self.unigram(right))
        return total

    def windows(self, left: str, first: Sequence[str], second: Sequence[str], right: str) -> tuple[float, float]:
        """``(window(left, first, right), window(left, second, right))``: the repair compares an
        original with its spun phrase in the same context."""
        return self.window(left, first, right), self.window(left, second, right)

    def pair_seen(self, a: str, b: str) -> bool:
        return (a, b) in self.bigrams


def _data_path(name: str) -> str:
    return str(resources.files("symspellpy").joinpath(name))


@cache
def language_model() -> LanguageModel:
    """The shared model, loaded on first call (about a second; 0.2 s from the disk cache)."""
    return LanguageModel(*_ngram_counts())


@disk_cached("symspell-ngrams", "symspellpy")
def _ngram_counts() -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """symspellpy's English unigram and bigram counts."""
    unigrams: dict[str, int] = {}
    with open(_data_path("frequency_dictionary_en_82_765.txt"), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 2:
                unigrams[parts[0]] = int(parts[1])
    bigrams: dict[tuple[str, str], int] = {}
    with open(_data_path("frequency_bigramdictionary_en_243_342.txt"), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                bigrams[(parts[0], parts[1])] = int(parts[2])
    return unigrams, bigrams
