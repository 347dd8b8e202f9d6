"""Model guesses: where the lexicon has nothing, a word may still be a spinner's synonym. Two
guessers propose an original for it, both ranked by the bigram model in context: the word pairs
the lexicon's phrases teach (:mod:`.pairs`), then the reverse thesaurus (Moby confirmed by a shared
WordNet synset, :mod:`corpusnorm.backends.thesaurus`)."""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

from ..backends import wordfreq
from ..backends.ngram import LanguageModel
from ..backends.thesaurus import candidates, wordnet_rank
from ..memo import BoundedMemo
from .decision import Decision
from .lexicon import Lexicon
from .pairs import built_pair_index, pair_index
from .tokens import sentence_initial

__all__ = ["STOP_WORDS", "Guesser"]

THESAURUS_PRIOR = -4.0
"""Log-odds offset of a thesaurus guess linked only through a rare sense: with the minimum gain
its confidence is about 0.27 (below the suggestion floor); measured on the development spins,
4 of 10 such guesses were right, so they are suggestions unless ``apply_thesaurus``."""

THESAURUS_SURE_SENSES = 2
"""A guess linked to the word through one of the candidate's two most frequent WordNet senses
is 'sure' (measured: 13 of 15 applied right on the development spins, none on a word the
spinner had left alone; thresholds chosen on the same texts, see docs/repair.md)."""

THESAURUS_SURE_PRIOR = -2.0
"""Log-odds offset of a sure guess: confidence 0.73 at the minimum gain."""

THESAURUS_MIN_GAIN = 3.0
"""Smallest total bigram log-probability gain (left + right) of a thesaurus guess."""

THESAURUS_MIN_SIDE_GAIN = 0.5
"""Smallest gain on each side: a candidate must read better before *and* after."""

THESAURUS_TOPIC_COUNT = 3
"""A word the text uses this often gets sure guesses only (topic words: "exchanges" in a market report)."""

THESAURUS_MIN_ZIPF_GAIN = 1.0
"""A candidate must be this much more frequent than the word on wordfreq's Zipf scale (1.0 = ten
times): spinners pick rarer words. wordfreq (web, news, subtitles) rather than Google Books."""

PAIR_PRIOR = -1.0
"""Log-odds offset of a candidate from the spinner word pairs (see :meth:`Guesser._paired`)."""

PAIR_SUPPORT_WEIGHT = 0.5
"""Weight of log(number of lexicon phrases teaching the pair) in its score."""

PAIR_MIN_GAIN = 1.0
"""Smallest total bigram log-probability gain (left + right) of a word-pair candidate."""

PAIR_MAX_SIDE_LOSS = 0.5
"""A word-pair candidate may read at most this much worse on one side."""

STOP_WORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    have has had do does did this that these those it its he she they we you i me him her them us
    my your his our their not no so than then there here what which who whom whose when where why
    how all any some such only own same too very can will just should would could may might must
    shall one also into over under about after before up down out off again further once""".split()
)
"""Words the thesaurus mechanism never touches (the lexicon may, with context)."""

MEMO_SIZE = 1 << 16
"""Words whose frequent candidates are kept per process (bounded; see docs/robustness.md)."""

_FREQUENT_CANDIDATES: BoundedMemo[str, tuple[str, ...]] = BoundedMemo(MEMO_SIZE)
"""word -> its frequent thesaurus candidates, kept per process as words are met; a word known to
have none is not visited by the model sweep."""


@lru_cache(maxsize=MEMO_SIZE)
def guessable(word: str) -> bool:
    """A word the model mechanisms may replace: no stop word, at least four letters."""
    return not (word in STOP_WORDS or len(word) < 4 or not word.isalpha())


def frequent_candidates(word: str) -> tuple[str, ...]:
    """The thesaurus candidates for ``word`` at least :data:`THESAURUS_MIN_ZIPF_GAIN` more frequent
    (Zipf), in order (the frequency test of :meth:`Guesser._thesaurus`, done once per word)."""
    found = _FREQUENT_CANDIDATES.get(word)
    if found is None:
        least = wordfreq.zipf(word) + THESAURUS_MIN_ZIPF_GAIN
        found = tuple(cand for cand in candidates(word, linked=True) if not wordfreq.zipf(cand) < least)
        _FREQUENT_CANDIDATES[word] = found
    return found


class Guesser:
    """Model guesses for the words of one text (memoised per position and context)."""

    def __init__(self, text: str, words: list[str], lexicon: Lexicon, lm: LanguageModel, *, word_pairs: bool) -> None:
        self.text = text
        self.words = words
        self.lexicon = lexicon
        self.lm = lm
        self.word_pairs = word_pairs
        self._guessed: dict[tuple[int, str, str], Decision | None] = {}
        self._counts: Counter[str] | None = None

    def frequency(self, word: str) -> int:
        """How often ``word`` occurs in the text (counted once, on first use)."""
        if self._counts is None:
            self._counts = Counter(self.words)
        return self._counts.get(word, 0)

    def capitalised_inside(self, start: int) -> bool:
        """The word at ``start`` is capitalised mid-sentence (a name or a heading)."""
        return self.text[start].isupper() and not sentence_initial(self.text, start)

    def visitable(self) -> set[str]:
        """The text's words that may get a guess: no stop words, and none known (from an earlier
        visit in this process) to have no candidate of either kind."""
        pairs = built_pair_index(self.lexicon) if self.word_pairs else None
        found = set()
        for word in set(self.words):
            if not guessable(word):
                continue
            if _FREQUENT_CANDIDATES.get(word) == () and (
                not self.word_pairs or (pairs is not None and pairs.known(word) == ())
            ):
                continue
            found.add(word)
        return found

    def at(self, i: int, left: str, right: str) -> Decision | None:
        """The best guess for word ``i`` between ``left`` and ``right`` (memoised)."""
        key = (i, left, right)
        guessed = self._guessed
        if key not in guessed:
            guessed[key] = self._between(i, self.words[i], left, right)
        return guessed[key]

    def _between(self, i: int, word: str, left: str, right: str) -> Decision | None:
        """A word-pair candidate, else a reverse-thesaurus guess (the language model is only
        asked when the word has candidates)."""
        lm = self.lm
        if lm.pair_seen(left, word) and lm.pair_seen(word, right):
            return None  # the word reads fine where it is
        base: tuple[float, float] | None = None
        if self.word_pairs:
            pairs = pair_index(self.lexicon).candidates(word)
            if pairs:
                base = (lm.logprob(left, word), lm.logprob(word, right))
                paired = self._paired(i, left, right, *base, pairs)
                if paired is not None:
                    return paired
        frequent = frequent_candidates(word)
        if not frequent:
            return None
        if base is None:
            base = (lm.logprob(left, word), lm.logprob(word, right))
        return self._thesaurus(i, word, left, right, *base, frequent)

    def _paired(
        self, i: int, left: str, right: str, base_left: float, base_right: float, found: tuple[tuple[str, int], ...]
    ) -> Decision | None:
        """Best candidate from the spinner's word pairs that the lexicon's phrases teach, or None.

        The pair itself is evidence that a spinner makes this substitution, so the candidate
        needs less from the language model than a thesaurus guess: it must read better in
        total by :data:`PAIR_MIN_GAIN` and not worse on either side by more than
        :data:`PAIR_MAX_SIDE_LOSS` (``base_*``: the word's own log-probabilities; ``found``: the
        word's candidates from the pairs)."""
        lm = self.lm
        best: tuple[float, str, int, float] | None = None
        for cand, support in found:
            left_gain = lm.logprob(left, cand) - base_left
            right_gain = lm.logprob(cand, right) - base_right
            gain = left_gain + right_gain
            if min(left_gain, right_gain) < -PAIR_MAX_SIDE_LOSS or gain < PAIR_MIN_GAIN:
                continue
            score = gain + PAIR_PRIOR + PAIR_SUPPORT_WEIGHT * math.log(support)
            if best is None or score > best[0]:
                best = (score, cand, support, gain)
        if best is None:
            return None
        score, cand, support, gain = best
        detail = (f"spinner word pair taught by {support} lexicon phrase(s)", left, right, gain, score - gain)
        return Decision(i, i, (cand,), "model:pairs+bigram", score, detail, False, True)

    def _thesaurus(
        self, i: int, word: str, left: str, right: str, base_left: float, base_right: float, frequent: tuple[str, ...]
    ) -> Decision | None:
        """Best reverse-thesaurus candidate for a word in its context, or None.

        A spinner swaps a common word for a rarer synonym that reads worse in context, so a
        candidate must (1) share a WordNet synset with the word as well as being linked by Moby,
        (2) be at least ten times (:data:`THESAURUS_MIN_ZIPF_GAIN`) more frequent in English,
        (3) read better under the bigram model on *both* sides, by at least
        :data:`THESAURUS_MIN_SIDE_GAIN` each and :data:`THESAURUS_MIN_GAIN` together; and the
        word itself must not be attested in the word-pair list with both its neighbours
        (:meth:`_between` checks that). A candidate linked through one of its
        :data:`THESAURUS_SURE_SENSES` most frequent senses is preferred and marked sure.
        ``frequent``: the word's candidates that pass (1) and (2)."""
        lm = self.lm
        # a word the text keeps using is likely its subject ("exchanges" in a market report):
        # only a link through a frequent sense may replace it
        topic = self.frequency(word) >= THESAURUS_TOPIC_COUNT
        best: tuple[bool, float, str, int] | None = None
        for cand in frequent:
            left_gain = lm.logprob(left, cand) - base_left
            right_gain = lm.logprob(cand, right) - base_right
            gain = left_gain + right_gain
            if min(left_gain, right_gain) < THESAURUS_MIN_SIDE_GAIN or gain < THESAURUS_MIN_GAIN:
                continue
            if best is not None and (best[0], best[1]) >= (True, gain):
                continue
            rank = wordnet_rank(cand, word)
            if rank is None or (rank >= THESAURUS_SURE_SENSES and topic):
                continue
            key = (rank < THESAURUS_SURE_SENSES, gain, cand, rank)
            if best is None or key[:2] > best[:2]:
                best = key
        if best is None:
            return None
        sure, gain, cand, rank = best
        prior = THESAURUS_SURE_PRIOR if sure else THESAURUS_PRIOR
        what = f"thesaurus (Moby+WordNet sense {rank + 1}, reverse)"
        detail = (what, left, right, gain, prior)
        return Decision(i, i, (cand,), "model:moby+wordnet+bigram", gain + prior, detail, False, sure)
