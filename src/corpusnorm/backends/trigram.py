"""The CMU en-us trigram model that ships in the ``pocketsphinx`` wheel, as a second opinion for
repair decisions the bigram model (:mod:`.ngram`) cannot settle.

``NGramModel.prob([w, w1, w2])`` is log P(w | w2 w1) in pocketsphinx's log base (1.0001);
unknown words return :data:`UNKNOWN`, floored here at :data:`FLOOR`. Loaded once, lazily
(~0.05 s, memory-mapped); :func:`trigram_model` is ``None`` when pocketsphinx is not installed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from functools import cache

from ..memo import BoundedMemo

__all__ = ["FLOOR", "UNKNOWN", "TrigramModel", "trigram_model"]

UNKNOWN = -536870912
"""What pocketsphinx returns for a word the model does not know."""

FLOOR = -120_000
"""Log-probability (pocketsphinx units) given to unknown words: about ln 6e-6, a rare word."""

MEMO_SIZE = 262_144
"""Word windows whose log-probability is kept (LRU)."""

LN_UNIT = math.log(1.0001)
"""One pocketsphinx log unit in nats."""


class TrigramModel:
    """log-probabilities (nats) of word windows under the en-us trigram model."""

    def __init__(self, model: object) -> None:
        self._model = model
        self._memo: BoundedMemo[tuple[str, ...], float] = BoundedMemo(MEMO_SIZE)

    def _prob(self, key: tuple[str, ...]) -> float:
        found = self._memo.get(key)
        if found is None:
            value = self._model.prob(list(key))  # type: ignore[attr-defined]
            found = max(value, FLOOR) * LN_UNIT
            self._memo[key] = found
        return found

    def window(self, words: Sequence[str], start: int) -> float:
        """Sum of log P(w_k | w_k-2 w_k-1) for ``k >= start`` (earlier words are context only)."""
        total = 0.0
        for k in range(start, len(words)):
            total += self._prob(tuple(words[max(0, k - 2) : k + 1][::-1]))
        return total

    def gain(self, left: Sequence[str], original: Sequence[str], spun: Sequence[str], right: Sequence[str]) -> float:
        """How much better (nats) ``original`` reads than ``spun`` between ``left`` and ``right``."""
        a = [*left, *original, *right]
        b = [*left, *spun, *right]
        return self.window(a, len(left)) - self.window(b, len(left))


@cache
def trigram_model() -> TrigramModel | None:
    """The shared model, or None without pocketsphinx."""
    try:
        from pocketsphinx import Config, LogMath, NGramModel, get_model_path
    except ImportError:
        return None
    path = os.path.join(get_model_path(), "en-us", "en-us.lm.bin")
    if not os.path.exists(path):
        return None
    config = Config()
    return TrigramModel(NGramModel(config, LogMath(), path))
