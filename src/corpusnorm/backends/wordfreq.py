"""wordfreq, the one wrapper: word frequencies of 40 languages, offline (the lists ship in the wheel).

Every stage asks here: :func:`zipf` (Zipf scale, 0 for unknown words and languages),
:func:`frequency` (a probability) and :func:`log_frequencies` (a language's whole list as
log10 frequencies, for language identification). Results are memoised in bounded caches
(:data:`CACHE_SIZE` words); nothing is loaded before the first call.
"""

from __future__ import annotations

import math
import threading
from functools import cache, lru_cache

import regex

from ..diskcache import disk_cached

__all__ = ["CACHE_SIZE", "LOG_FLOOR", "frequency", "log_frequencies", "zipf"]

CACHE_SIZE = 1 << 18
"""Words kept per cache (bounded: corpora have large vocabularies)."""

FLOOR = 1e-9
"""Frequency of a word missing from a language's list (log10 = -9)."""
LOG_FLOOR = math.log10(FLOOR)

PLAIN_WORD_RE = regex.compile(r"[a-z]+")
"""An English word wordfreq's tokeniser leaves whole (see :func:`_plain_zipf`)."""

_UNAVAILABLE: set[str] = set()
"""Languages whose wordfreq tokeniser cannot be imported here (zh/ja/ko need jieba or MeCab)."""

_LOCK = threading.Lock()


@lru_cache(maxsize=CACHE_SIZE)
def zipf(word: str, language: str = "en") -> float:
    """``wordfreq.zipf_frequency(word, language)``; 0.0 for a language wordfreq cannot handle here."""
    if language in _UNAVAILABLE:
        return 0.0
    if language == "en" and PLAIN_WORD_RE.fullmatch(word):
        return _plain_zipf(word)
    from wordfreq import zipf_frequency

    try:
        return float(zipf_frequency(word, language))
    except (LookupError, ValueError):  # a language wordfreq does not know
        return 0.0
    except ImportError:  # zh/ja/ko need an optional tokenizer (jieba, MeCab) that is not installed
        _UNAVAILABLE.add(language)
        return 0.0


def _plain_zipf(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")`` for a plain lower-case ASCII word, without the
    tokeniser (the word is its own single token): the same look-up and the same rounding."""
    from wordfreq import freq_to_zipf, get_frequency_dict, zipf_to_freq

    minimum = zipf_to_freq(0.0)
    freq = get_frequency_dict("en").get(word)
    unrounded = minimum if freq is None else max(freq, minimum)
    leading_zeroes = math.floor(-math.log(unrounded, 10))
    return float(round(freq_to_zipf(round(unrounded, leading_zeroes + 3)), 2))


def frequency(word: str, language: str = "en") -> float:
    """``wordfreq.word_frequency(word, language)`` (0.0 when unknown)."""
    from wordfreq import word_frequency

    return float(word_frequency(word, language))


@lru_cache(maxsize=16)
@disk_cached("wordfreq-log", "wordfreq")
def log_frequencies(language: str) -> dict[str, float]:
    """word -> log10 frequency in the language's ``best`` list (words above :data:`FLOOR`)."""
    import wordfreq

    with _LOCK:
        freq = wordfreq.get_frequency_dict(language, wordlist="best")
    log10 = math.log10
    return {w: log10(f) for w, f in freq.items() if f > FLOOR}


@cache
def languages() -> frozenset[str]:
    """Languages with a ``best`` wordfreq list."""
    import wordfreq

    return frozenset(wordfreq.available_languages(wordlist="best"))
