"""The analysis of one text: left-to-right sweeps that keep the best candidate at each position
(lexicon match or model guess) with the repairs already kept as context, document agreement, and
the decisions turned into edits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..backends import wordfreq
from ..backends.ngram import LanguageModel
from ..backends.trigram import trigram_model
from ..document import Edit
from ..text.patterns import RE_APOSTROPHE
from .decision import Decision, sigmoid
from .flags import TokenFlags
from .guesses import Guesser, guessable
from .lexicon import Entry, Lexicon
from .matches import LexicalScorer, Match, Scored, lexicon_matches
from .tokens import match_case, spans_and_words

if TYPE_CHECKING:
    from .rerank import Reranker

__all__ = ["AGREE_MIN_GAIN", "AGREE_PENALTY", "Analyser"]

AGREE_MIN_GAIN = 0.0
"""Document agreement: the repeated repair must not read worse on either side."""

TRIGRAM_VETO = 0.8
"""A learnt pair of a very common spun word is not applied where the trigram model prefers the present word by this
many nats (see :meth:`Analyser._vetoed`)."""

VETO_ZIPF = 5.4
"""Only pairs whose spun word is at least this common (wordfreq Zipf: "full", "might", "said") are
checked by the trigram model: measured on leave-one-original-out, a wider check (Zipf 5.0, or
every :attr:`~.lexicon.Entry.common` pair) or a smaller margin vetoed more right repairs than wrong."""

VETO_MAX_BIGRAM_GAIN = 0.0
"""The trigram check only runs where the bigram model does not prefer the original either (weighted
gain at most this): two models must agree that the present word reads right. Measured: seed 001
in-sample 89.9% -> 90.3% (the checks on "really", "important", "always", "said" were wrong), and
leave-one-original-out 51.1% -> 51.3%; "full" (for "total") is still kept."""

AGREE_PENALTY = 0.5
"""Document agreement: log-odds taken off the first repair's score for each copy."""


class Analyser:
    """Candidate generation and ranking over one text.

    The parts: :class:`~.flags.TokenFlags` (which tokens may change), :func:`~.matches.lexicon_matches`
    and :class:`~.matches.LexicalScorer` (lexicon candidates), :class:`~.guesses.Guesser` (model
    guesses). The analyser keeps the context: the first and last word at each position (``''`` once
    absorbed by a phrase repair that starts before it)."""

    def __init__(self, text: str, lexicon: Lexicon, lm: LanguageModel, *, word_pairs: bool = True) -> None:
        self.text = text
        self.lexicon = lexicon
        self.lm = lm
        self.spans, self.words = spans_and_words(text)
        self.n = len(self.words)
        self.flags = TokenFlags(text, self.spans)
        self.scorer = LexicalScorer(lm)
        self.guesser = Guesser(text, self.words, lexicon, lm, word_pairs=word_pairs)
        self._matched: dict[int, list[Match]] | None = None
        self._vetoes: dict[tuple[int, int], bool] = {}
        self.reranker: Reranker | None = None
        """Set (``model="smollm2"``) for the final sweep: SmolLM2 re-ranks the close lexicon calls."""
        self.firsts: list[str] = list(self.words)
        self.lasts: list[str] = list(self.words)

    # -- context -------------------------------------------------------------------------
    def left(self, i: int) -> str:
        if not i or not self.flags.joined(i):
            return ""
        k = i - 1
        lasts = self.lasts
        while k > 0 and not lasts[k]:
            k -= 1
        return lasts[k]

    def right(self, j: int) -> str:
        if j >= self.n or not self.flags.joined(j):
            return ""
        k = j
        firsts = self.firsts
        while k + 1 < self.n and not firsts[k]:
            k += 1
        return firsts[k]

    def matches(self) -> dict[int, list[Match]]:
        """Position -> lexicon matches (computed once per text)."""
        if self._matched is None:
            self._matched = lexicon_matches(self.words, self.lexicon, self.flags)
        return self._matched

    def _guess_at(self, i: int, left: str) -> Decision | None:
        """The best model guess for word ``i`` after ``left``: needs a neighbour on each side, and
        not a capitalised word mid-sentence (names and headings: the model has no evidence)."""
        if not left or not guessable(self.words[i]):
            return None
        if self.guesser.capitalised_inside(self.spans[i][0]):
            return None
        right = self.right(i + 1)
        if not right:
            return None
        return self.guesser.at(i, left, right)

    # -- sweeps --------------------------------------------------------------------------
    def _positions(self, matched: dict[int, list[Match]], thesaurus: bool) -> Iterable[int]:
        """Where the sweep looks: lexicon matches, and with ``thesaurus`` every free guessable word."""
        if not thesaurus:
            return matched  # in text order; free
        free = self.flags.fill()[1]
        visitable = self.guesser.visitable()
        return [i for i, word in enumerate(self.words) if free[i] and (word in visitable or i in matched)]

    def _context_left(self, i: int) -> str:
        """``left(i)`` for a sweep (the flags are set for every position it visits)."""
        if i and self.flags.joins[i]:
            k = i - 1
            lasts = self.lasts
            while k > 0 and not lasts[k]:
                k -= 1
            return lasts[k]
        return ""

    def _decide(self, i: int, matched: dict[int, list[Match]], thesaurus: bool, floor: float) -> Decision | None:
        """The kept candidate at ``i`` (lexicon first; a model guess where no entry clears the floor).
        With a :attr:`reranker`, a close lexicon call is re-ranked by SmolLM2 (see :mod:`.rerank`)."""
        left = self._context_left(i)
        found = matched.get(i)
        best = self.scorer.best(left, self.right, floor, found) if found else None
        maker: LexicalScorer | Reranker = self.scorer
        reranker = self.reranker
        if reranker is not None and best is not None and found:
            from .rerank import scored_all

            def candidates() -> list[Scored]:
                return scored_all(self.lm.windows, left, self.right, found)

            if reranker.wants(i, best[0], candidates):
                best = reranker.rerank(i, candidates())
                maker = reranker
        if thesaurus and (best is None or best[0] < floor):
            guess = self._guess_at(i, left)
            if guess is not None and (best is None or guess.score > best[0]):
                return guess if guess.score >= floor else None
        if best is None or best[0] < floor:
            return None
        if best[1].learnt and best[5] <= VETO_MAX_BIGRAM_GAIN and self._vetoed(i, best[1]):
            return None
        return maker.decision(i, best)

    def _vetoed(self, i: int, entry: Entry) -> bool:
        """The trigram model says the spun word of a learnt pair, a very common word
        (:data:`VETO_ZIPF`), reads better than the
        original in its sentence (by :data:`TRIGRAM_VETO` nats): "read the full report"
        is not spun "total", though spinners do write "full" for "total"."""
        model = trigram_model()
        if model is None or len(entry.original_words) != 1 or wordfreq.zipf(entry.spun[0]) < VETO_ZIPF:
            return False
        key = (i, id(entry))
        found = self._vetoes.get(key)
        if found is None:
            words, joined = self.words, self.flags.joined
            left = [words[k] for k in (i - 2, i - 1) if k >= 0 and all(joined(m) for m in range(k + 1, i + 1))]
            right = [words[k] for k in (i + 1, i + 2) if k < self.n and all(joined(m) for m in range(i + 1, k + 1))]
            gain = model.gain(left, entry.original_words, entry.spun, right)
            found = self._vetoes[key] = gain < -TRIGRAM_VETO
        return found

    def _absorb(self, decision: Decision) -> None:
        """Make a kept decision the context of later words."""
        i, words = decision.first, decision.words
        self.firsts[i] = words[0].lower()
        self.lasts[i] = words[-1].lower()
        for k in range(i + 1, decision.last + 1):
            self.firsts[k] = self.lasts[k] = ""

    def sweep(
        self,
        *,
        lexicon: bool,
        thesaurus: bool,
        floor: float,
        context_floor: float | None = None,
        guesses_in_context: bool = True,
        sure_in_context: bool = True,
    ) -> list[Decision]:
        """One left-to-right pass; decisions at or above ``context_floor`` (default ``floor``)
        become the context of later words (thesaurus guesses only if ``guesses_in_context``)."""
        if context_floor is None:
            context_floor = floor
        matched = self.matches() if lexicon else {}
        decisions: list[Decision] = []
        done = 0  # positions before this are covered by a kept decision
        for i in self._positions(matched, thesaurus):
            if i < done:
                continue
            decision = self._decide(i, matched, thesaurus, floor)
            if decision is None:
                continue
            decisions.append(decision)
            if decision.score >= context_floor and (
                decision.lexical or guesses_in_context or (decision.sure and sure_in_context)
            ):
                self._absorb(decision)
            done = decision.last + 1
        return decisions

    def reset(self) -> None:
        self.firsts = list(self.words)
        self.lasts = list(self.words)

    # -- document agreement --------------------------------------------------------------
    def _agreement_sources(self, decisions: list[Decision], confident: float) -> dict[str, Decision]:
        """Word -> its best confident one-word model repair (a sure guess or a word-pair repair)."""
        sources: dict[str, Decision] = {}
        for d in decisions:
            if not d.lexical and d.sure and d.score >= confident and d.first == d.last:
                word = self.words[d.first]
                if word not in sources or d.score > sources[word].score:
                    sources[word] = d
        return sources

    def _agreeing(self, i: int, word: str, source: Decision) -> Decision | None:
        """The copy of ``source`` at ``i``, if the candidate reads at least as well as the word on the
        left and, if there is one, on the right neighbour."""
        if self.guesser.capitalised_inside(self.spans[i][0]):
            return None
        cand = source.words[0]
        left, right = self.left(i), self.right(i + 1)
        if not left:
            return None  # one-sided evidence; headings and link text ("Discover more") are often left unspun
        lm = self.lm
        gains = [lm.logprob(left, cand) - lm.logprob(left, word)]
        if right:
            gains.append(lm.logprob(cand, right) - lm.logprob(word, right))
        if min(gains) < AGREE_MIN_GAIN:
            return None
        score = source.score - AGREE_PENALTY
        what = f"document agreement with '{word}' -> '{cand}' at word {source.first}"
        detail = (what, left, right, sum(gains), score - sum(gains))
        return Decision(i, i, source.words, "model:document-agreement", score, detail, False, True)

    def agree(self, decisions: list[Decision], confident: float) -> list[Decision]:
        """Document agreement: a spinner rewrites a word the same way wherever its thesaurus has it,
        so a confident model repair of a word is extended to the word's other occurrences that no
        decision covers, where it reads no worse (:meth:`_agreeing`). The copies carry the first
        repair's score minus :data:`AGREE_PENALTY`; the lexicon's decisions are never overridden."""
        sources = self._agreement_sources(decisions, confident)
        if not sources:
            return decisions
        covered = [False] * self.n
        for d in decisions:
            for k in range(d.first, d.last + 1):
                covered[k] = True
        added: list[Decision] = []
        for i, word in enumerate(self.words):
            source = sources.get(word)
            if source is None or covered[i] or not self.flags.free(i):
                continue
            copy = self._agreeing(i, word, source)
            if copy is not None:
                added.append(copy)
        if not added:
            return decisions
        return sorted([*decisions, *added], key=lambda d: d.first)

    # -- edits ---------------------------------------------------------------------------
    def edits(
        self, decisions: Iterable[Decision], *, min_confidence: float, apply_thesaurus: bool, apply_sure_guesses: bool
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
                after = RE_APOSTROPHE.sub("’", after)
            after = match_case(before, after)
            if before == after:
                continue
            confidence = round(sigmoid(decision.score), 4)
            edit = Edit(start, end, before, after, "repair", decision.rule, confidence, decision.evidence)
            trusted = decision.lexical or apply_thesaurus or (decision.sure and apply_sure_guesses)
            (edits if confidence >= min_confidence and trusted else suggestions).append(edit)
        return edits, suggestions
