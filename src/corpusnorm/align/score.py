"""Calibrated 0-1 scores for alignments: an estimate of the probability that an alignment is right.

Cross-lingual (kind ``translated``, and ``paraphrase`` found by embedding): a logistic function of the
ratio margin and the raw cosine, fitted on the candidates of the engineer-written development sets
(benchmarks/data/dev_xling and dev_passages: 358 candidate passages, 166 of them true renderings;
``python benchmarks/align.py --calibration`` refits and prints the reliability table). The raw
margin and cosine stay in ``evidence``.

Monolingual (verbatim, near, spun, paraphrase): a logistic function of the frequency-weighted Dice
similarity, anchored on the measured precision of those kinds (1.000 on the seeds' gold and the
held-out English articles): Dice 1.0 -> 0.99, 0.8 -> 0.95, 0.5 -> 0.80. The raw Dice is in ``evidence``.
"""

from __future__ import annotations

import math

__all__ = ["monolingual_score", "paraphrase_score", "translated_score"]

# logit = a + b * 100 * (margin - 1.02) + c * 100 * (cosine - 0.86)
CROSS_LOGIT = (-0.210, 0.3076, 0.3072)
# logit = a + b * (dice - 0.5)
MONO_LOGIT = (1.386, 6.43)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, x))))


def translated_score(margin: float, cosine: float) -> float:
    """Probability that a cross-lingual rendering with this margin and cosine is right."""
    a, b, c = CROSS_LOGIT
    return round(_sigmoid(a + b * 100.0 * (margin - 1.02) + c * 100.0 * (cosine - 0.86)), 4)


def monolingual_score(dice: float) -> float:
    """Probability that a monolingual match of this weighted Dice similarity is right."""
    a, b = MONO_LOGIT
    return round(_sigmoid(a + b * (dice - 0.5)), 4)


# Paraphrase matcher (unquoted reported summaries, .paraphrase): logit = a + b * 100 * (margin - 1.04)
# + c * 100 * (cosine - 0.91) + d * same_language; fitted on the frame clauses of benchmarks/data/dev_paraphrase
# (`python benchmarks/align.py --paraphrase` refits it and prints the reliability table)
PARAPHRASE_LOGIT = (2.483, 0.4703, 0.3074, -2.028)


def paraphrase_score(margin: float, cosine: float, same_language: bool) -> float:
    """Probability that a reported clause with this margin and cosine (to a quote in its own language or
    not) is a summary of that quote."""
    a, b, c, d = PARAPHRASE_LOGIT
    logit = a + b * 100.0 * (margin - 1.04) + c * 100.0 * (cosine - 0.91) + d * float(same_language)
    return round(_sigmoid(logit), 4)
