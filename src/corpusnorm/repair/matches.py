"""Lexicon candidates: where the substitution lexicon matches a text, and how well each match reads."""

from __future__ import annotations

from collections.abc import Callable

from ..backends.ngram import LanguageModel
from .decision import Decision
from .flags import TokenFlags
from .lexicon import Entry, Lexicon

__all__ = ["LM_WEIGHT", "LexicalScorer", "Match", "Scored", "lexicon_matches"]

LM_WEIGHT = 0.6
"""Weight of the bigram model's log-probability gain against the lexicon prior."""

Match = tuple[Entry, int, int]
"""A lexicon entry matching at a position: (entry, end token, size in tokens)."""

Scored = tuple[float, Entry, int, str, str, float]
"""A scored lexicon candidate: (score, entry, end token, left word, right word, bigram gain)."""


def _entries_at(words: list[str], i: int, lexicon: Lexicon) -> list[Entry] | None:
    """The entries starting with ``words[i]`` that may match there, longest first."""
    word = words[i]
    seconds = lexicon.following.get(word)
    phrases = seconds.get(words[i + 1]) if seconds is not None and i + 1 < len(words) else None
    ones = lexicon.single.get(word)
    if phrases:
        return phrases + ones if ones else phrases  # longest first, as ``Lexicon.lookup_at``
    return ones


def _matches_at(words: list[str], i: int, entries: list[Entry], flags: TokenFlags) -> list[Match]:
    """The entries whose phrase is there, joined by spaces, on free words, meeting their conditions."""
    n = len(words)
    found: list[Match] = []
    for entry in entries:
        size = len(entry.spun)
        j = i + size
        if size > 1:  # a one-word entry is indexed under words[i]: it matches
            if j > n or tuple(words[i:j]) != entry.spun:
                continue
            if not all(flags.joined(k) and flags.free(k) for k in range(i + 1, j)):
                continue
        if (entry.left or entry.right) and not entry.context_ok(words[i - 1] if i else "", words[j] if j < n else ""):
            continue
        found.append((entry, j, size))
    return found


def lexicon_matches(words: list[str], lexicon: Lexicon, flags: TokenFlags) -> dict[int, list[Match]]:
    """Position -> the lexicon entries matching there, longest first (the word sequence, the joins
    and the neighbours' conditions do not change between sweeps: computed once per text)."""
    matched: dict[int, list[Match]] = {}
    starts = lexicon.starts.intersection(words)
    for i in [i for i, word in enumerate(words) if word in starts]:
        entries = _entries_at(words, i, lexicon)
        if not entries or not flags.free(i):
            continue
        found = _matches_at(words, i, entries, flags)
        if found:
            matched[i] = found
            flags.joined(i)  # the flags the sweeps read around a match
            for _entry, j, _size in found:
                if j < len(words):
                    flags.joined(j)
    return matched


class LexicalScorer:
    """Scores lexicon matches in context: bigram gain of the original over the spun phrase, plus the
    entry's prior. The gain is kept per (entry, left, right) for the text, so the final sweep only
    rescores where a neighbour was repaired; a :class:`Decision` is only built for a kept candidate."""

    def __init__(self, lm: LanguageModel) -> None:
        self.lm = lm
        self._gains: dict[tuple[int, str, str], float] = {}
        self._decisions: dict[tuple[int, int, str, str], Decision] = {}

    def best(self, left: str, right_of: Callable[[int], str], floor: float, found: list[Match]) -> Scored | None:
        """Best candidate after ``left`` (``right_of(j)``: the word after token ``j - 1``); longest
        match first: a shorter entry is only considered when no longer one clears the floor
        ("put up" -> "post" before "put" -> "set")."""
        best: Scored | None = None
        best_size = 0
        gains = self._gains
        for entry, j, size in found:
            if best is not None and best[0] >= floor and best_size > size:
                break
            right = right_of(j)
            key = (id(entry), left, right)  # two user files may reuse an id: key on the entry itself
            gain = gains.get(key)
            if gain is None:
                original, spun = self.lm.windows(left, entry.original_words, entry.spun, right)
                gain = gains[key] = LM_WEIGHT * (original - spun)
            score = gain + entry.prior
            if best is None or score > best[0]:
                best = (score, entry, j, left, right, gain)
                best_size = size
        return best

    def decision(self, i: int, scored: Scored) -> Decision:
        """The decision for a scored candidate at ``i`` (the same object when a later sweep finds the
        same entry in the same context)."""
        score, entry, j, left, right, gain = scored
        key = (i, id(entry), left, right)
        decision = self._decisions.get(key)
        if decision is None:
            detail = (entry, left, right, gain, entry.prior)  # evidence formats the entry
            decision = self._decisions[key] = Decision(i, j - 1, entry.original_split, entry.id, score, detail, True)
        return decision
