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
from functools import cache, cached_property
from importlib import resources

__all__ = ["BIGRAM_FLOOR", "LanguageModel", "language_model"]

BIGRAM_FLOOR = 6_400_000
"""The smallest count in symspellpy's word-pair list: absent pairs were seen fewer times."""

_SMOOTHING = 2_000_000_000.0
"""K, the Dirichlet prior mass: pairs after rare words lean on the single-word probability."""

_UNKNOWN_PROBABILITY = 1e-9


class LanguageModel:
    """Interpolated bigram log-probabilities over lower-case words."""

    def __init__(self, unigrams: dict[str, int], bigrams: dict[tuple[str, str], int]) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.total = float(sum(unigrams.values()))
        self._uni_cache: dict[str, float] = {}

    def unigram(self, word: str) -> float:
        """P(word), from the counts, else wordfreq, else a small floor."""
        cached = self._uni_cache.get(word)
        if cached is not None:
            return cached
        count = self.unigrams.get(word)
        if count is not None:
            probability = count / self.total
        else:
            probability = _wordfreq(word) or _UNKNOWN_PROBABILITY
        self._uni_cache[word] = probability
        return probability

    def logprob(self, previous: str, word: str) -> float:
        """log P(word | previous); ``previous`` may be '' (sentence start: unigram)."""
        p_word = self.unigram(word)
        if not previous:
            return math.log(p_word)
        c_prev = self.unigrams.get(previous, 0)
        c_pair = self.bigrams.get((previous, word), 0)
        return math.log((c_pair + _SMOOTHING * p_word) / (c_prev + _SMOOTHING))

    def window(self, left: str, words: list[str], right: str) -> float:
        """log P of ``words`` between ``left`` and ``right`` (both may be '')."""
        total = 0.0
        previous = left
        for word in words:
            total += self.logprob(previous, word)
            previous = word
        if right:
            total += self.logprob(previous, right) - math.log(self.unigram(right))
        return total

    def pair_seen(self, a: str, b: str) -> bool:
        return (a, b) in self.bigrams

    @cached_property
    def followers(self) -> dict[str, frozenset[str]]:
        """word -> the words seen after it in the pair list."""
        found: dict[str, set[str]] = {}
        for a, b in self.bigrams:
            found.setdefault(a, set()).add(b)
        return {a: frozenset(b) for a, b in found.items()}

    @cached_property
    def preceders(self) -> dict[str, frozenset[str]]:
        """word -> the words seen before it in the pair list."""
        found: dict[str, set[str]] = {}
        for a, b in self.bigrams:
            found.setdefault(b, set()).add(a)
        return {b: frozenset(a) for b, a in found.items()}


def _wordfreq(word: str) -> float:
    try:
        from wordfreq import word_frequency
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        return 0.0
    return float(word_frequency(word, "en"))


def _data_path(name: str) -> str:
    return str(resources.files("symspellpy").joinpath(name))


@cache
def language_model() -> LanguageModel:
    """The shared model, loaded on first call (about a second)."""
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
    return LanguageModel(unigrams, bigrams)
