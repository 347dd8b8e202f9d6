"""A candidate repair of a run of tokens, and the log-odds helpers that score it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .lexicon import Entry

__all__ = ["Decision", "logit", "sigmoid"]


@dataclass(slots=True)
class Decision:
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
    """A thesaurus guess through a frequent sense: applied like a lexicon entry."""

    @property
    def evidence(self) -> str:
        """Why: the source, the context and the two terms of the score (formatted on demand)."""
        what, left, right, gain, prior = self.detail
        if isinstance(what, Entry):
            what = f"lexicon {what.source} (attested {what.count}x)"
        return f"{what}; context '{left} _ {right}': fluency {gain:+.1f}, prior {prior:+.1f}"


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
