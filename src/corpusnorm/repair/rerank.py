"""SmolLM2 re-ranking of close calls (``RepairConfig.model="smollm2"``).

The n-gram decision (:class:`~.matches.LexicalScorer`) scores each lexicon candidate as
``prior + LM_WEIGHT x bigram gain``. Where the best candidate's score lies within
:data:`CLOSE_MARGIN` of the application threshold (``logit(min_confidence)``), the top
:data:`TOP_K` candidates and the present words are re-scored on their whole sentence by SmolLM2
(:mod:`corpusnorm.backends.smollm`): ``prior + NEURAL_WEIGHT x (log P(sentence with the
candidate) - log P(sentence as written))``. Only the final sweep is re-ranked: the spin score and
the gate are the n-gram ones, so clean text stays unchanged. A text spends at most
:data:`TOKENS_PER_KB` model tokens per KB, on its closest calls first (:meth:`Reranker.plan`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..backends.smollm import SmolLM
from .decision import Decision
from .matches import LM_WEIGHT, Match, Scored
from .tokens import match_case

__all__ = ["CLOSE_MARGIN", "NEURAL_WEIGHT", "TOKENS_PER_KB", "TOP_K", "Reranker"]

CLOSE_MARGIN = 1.0
"""A decision is close when its n-gram score is within this many log-odds of the threshold.
Measured leave-one-original-out with the token budget (docs/repair.md): 1.0 and 1.5 undo the
same share within 0.2 points, 1.5 spends more CPU on calls the budget then drops."""

TOP_K = 2
"""Lexicon candidates re-scored at a close call (by n-gram score), besides the present words."""

NEURAL_WEIGHT = 0.5
"""Weight of SmolLM2's sentence log-probability gain (nats) against the entry's prior."""

RIGHT_WORDS = 6
"""Words of the sentence scored after the candidate (each candidate evaluates them: the cost)."""

ADDITIVE = False
"""SmolLM2's gain is added to the n-gram score (True) rather than replacing the n-gram gain.
Measured at margin 2.5: replacing (weight 0.5) 52.6%, adding (weight 0.3) 51.9%."""

TOKENS_PER_KB = 100
"""Model tokens a text may spend on close calls per KB (UTF-8) of text: the CPU bound (about
0.7 CPU-s per 2 KB at the slowest llama.cpp kernels used here; docs/repair.md)."""

SENTENCE_REACH = 400
"""Characters searched on each side for the sentence boundary (the scored context)."""

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s|\n")


class Reranker:
    """Re-scores the close lexicon decisions of one text with SmolLM2.

    With :attr:`allowed` set (see :meth:`plan`), only the close calls at those positions are
    re-scored: the per-text budget."""

    def __init__(self, text: str, spans: list[tuple[int, int]], model: SmolLM, threshold: float) -> None:
        self.text = text
        self.spans = spans
        self.model = model
        self.threshold = threshold
        self.reranked = 0
        """Close calls re-scored in this text."""
        self.allowed: frozenset[int] | None = None
        """Positions whose close call may be re-scored (None: all)."""
        self.seen: dict[int, tuple[float, int]] = {}
        """While planning: position -> (distance to the threshold, model tokens) of each close call."""
        self.planning = False

    def close(self, score: float) -> bool:
        return abs(score - self.threshold) < CLOSE_MARGIN

    def wants(self, i: int, score: float, candidates: Callable[[], list[Scored]]) -> bool:
        """Whether the call at ``i`` (best n-gram score ``score``) is re-scored; while planning it
        is recorded with its cost instead, and the n-gram decision stands."""
        if not self.close(score):
            return False
        if self.planning:
            left, texts, _ = self._call(i, candidates())
            self.seen[i] = (abs(score - self.threshold), self.model.cost(left, texts, ""))
            return False
        return self.allowed is None or i in self.allowed

    def plan(self) -> None:
        """Allow the closest calls seen while planning, closest first, while their model tokens
        fit :data:`TOKENS_PER_KB` per KB of text: a bound on the CPU per KB counted in tokens (not
        time), so the same text gets the same calls anywhere."""
        budget = TOKENS_PER_KB * len(self.text.encode("utf-8")) / 1024
        allowed, spent = [], 0
        for i, (_distance, cost) in sorted(self.seen.items(), key=lambda item: (item[1][0], item[0])):
            if spent + cost > budget:
                continue
            allowed.append(i)
            spent += cost
        self.allowed = frozenset(allowed)
        self.planning = False

    def _sentence(self, start: int, end: int) -> tuple[int, int]:
        """Start and end offsets of the sentence around ``text[start:end]``."""
        text = self.text
        low = max(0, start - SENTENCE_REACH)
        begin = low
        for found in _SENTENCE_END.finditer(text, low, start):
            begin = found.end()
        found = _SENTENCE_END.search(text, end, min(len(text), end + SENTENCE_REACH))
        finish = found.start() + 1 if found else min(len(text), end + SENTENCE_REACH)
        return begin, finish

    def _call(self, i: int, candidates: list[Scored]) -> tuple[str, list[str], list[Scored]]:
        """The left context and the texts (as written, then each top candidate) SmolLM2 scores, and
        the top :data:`TOP_K` candidates by n-gram score."""
        top = sorted(candidates, key=lambda s: -s[0])[:TOP_K]
        start = self.spans[i][0]
        ends = [self.spans[s[2] - 1][1] for s in top]
        begin, finish = self._sentence(start, max(ends))
        text = self.text
        after_end = [m.end() for m in re.finditer(r"\S+", text[max(ends) : finish])][:RIGHT_WORDS]
        finish = max(ends) + after_end[-1] if after_end else max(ends)
        texts = [text[start:finish]]
        for scored, end in zip(top, ends, strict=True):
            entry = scored[1]
            after = match_case(text[start:end], " ".join(entry.original_split))
            texts.append(after + text[end:finish])
        return text[begin:start], texts, top

    def rerank(self, i: int, candidates: list[Scored]) -> Scored:
        """The best of the present words and the top :data:`TOP_K` ``candidates`` (n-gram scored,
        starting at token ``i``) under SmolLM2; returned as a :class:`Scored` whose score and gain
        are the neural ones."""
        left, texts, top = self._call(i, candidates)
        logps = self.model.score(left, texts, "")
        self.reranked += 1
        keep = logps[0]
        best: Scored | None = None
        for scored, logp in zip(top, logps[1:], strict=True):
            gain = NEURAL_WEIGHT * (logp - keep)
            score = scored[0] + gain if ADDITIVE else scored[1].prior + gain
            if best is None or score > best[0]:
                best = (score, scored[1], scored[2], scored[3], scored[4], gain)
        assert best is not None
        return best

    @staticmethod
    def decision(i: int, scored: Scored) -> Decision:
        """The decision for a re-ranked candidate (evidence names SmolLM2)."""
        score, entry, j, left, right, gain = scored
        what = f"lexicon {entry.source} (attested {entry.count}x), re-ranked by SmolLM2"
        detail = (what, left, right, gain, entry.prior)
        return Decision(i, j - 1, entry.original_split, entry.id, score, detail, True)


def scored_all(
    lm_windows: Callable[..., tuple[float, float]], left: str, right_of: Callable[[int], str], found: list[Match]
) -> list[Scored]:
    """Every lexicon match at a position with its n-gram score (as :meth:`LexicalScorer.best`)."""
    out: list[Scored] = []
    for entry, j, _size in found:
        right = right_of(j)
        original, spun = lm_windows(left, entry.original_words, entry.spun, right)
        gain = LM_WEIGHT * (original - spun)
        out.append((gain + entry.prior, entry, j, left, right, gain))
    return out
