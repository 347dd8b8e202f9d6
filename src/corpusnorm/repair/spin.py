"""The spin score: how likely a text was produced by an article spinner (0..1), with the evidence.

The statistic is the number of confident fingerprints per 100 words: lexicon repairs that the
language model also prefers in context, except one-word repairs of everyday words (Zipf >=
:data:`SPIN_COMMON_ZIPF`). A logistic maps :data:`SPIN_RATE_MIDPOINT` per 100 to 0.5; fewer than
:data:`SPIN_MIN_HITS` distinct fingerprints cap the score at 0.25, and texts under
:data:`SPIN_MIN_WORDS` words are scaled down (a sentence is too little evidence).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..backends import wordfreq
from .config import SPIN_THRESHOLD
from .decision import Decision, sigmoid
from .lexicon import Entry

__all__ = ["SPIN_THRESHOLD", "SpinReport", "spin_report"]

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


def is_fingerprint(words: list[str], decision: Decision) -> bool:
    """A confident lexicon repair that is evidence of spinning (not an everyday word)."""
    if not decision.lexical:
        return False
    entry = decision.detail[0]
    if isinstance(entry, Entry) and entry.common:
        return False
    return decision.last > decision.first or wordfreq.zipf(words[decision.first]) < SPIN_COMMON_ZIPF


def spin_report(texts: Iterable[tuple[list[str], list[Decision]]]) -> SpinReport:
    """The spin score of texts given as (words, confident lexicon decisions) pairs, taken together."""
    words = 0
    hits: list[Decision] = []
    for text_words, decisions in texts:
        words += len(text_words)
        hits.extend(d for d in decisions if is_fingerprint(text_words, d))
    distinct = sorted({d.rule for d in hits})
    rate = 100.0 * len(hits) / words if words else 0.0
    score = sigmoid((rate - SPIN_RATE_MIDPOINT) / SPIN_RATE_SCALE)
    if len(distinct) < SPIN_MIN_HITS:
        score = min(score, 0.25 * len(distinct) / SPIN_MIN_HITS)
    score *= min(1.0, words / SPIN_MIN_WORDS)
    counts: dict[str, int] = {}
    for d in hits:
        counts[d.rule] = counts.get(d.rule, 0) + 1
    evidence = [f"{rule} x{counts[rule]}" for rule in sorted(counts, key=lambda r: (-counts[r], r))[:20]]
    evidence.insert(0, f"{len(hits)} confident fingerprints in {words} words ({rate:.1f} per 100)")
    return SpinReport(round(score, 4), evidence, words, len(hits), round(rate, 3))
