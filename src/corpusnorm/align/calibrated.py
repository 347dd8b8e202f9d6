"""A calibrated acceptance rule for paraphrase candidates (December 2026, branch calib).

The paraphrase matcher (:mod:`.paraphrase`) scores each frame clause against the quote set with e5 (ratio margin
and cosine of its best whole quote, the runner-up's margin, its best clause target). Until this module the clause
was accepted by hand-set floors (per language family and clause type) and, in a band under them, by the second
model's floors. Here a logistic regression of a few features decides instead, and its probability is the
alignment's score: the e5 margin and cosine *over* the clause's hand floors (:func:`.paraphrase._floors`: the
floors carry what is known of each family and length), the margin gap to the runner-up quote, whether the clause
is in the quote language, whether it is in Devanagari, the second model's margin to its own best quote and whether
that is e5's (:mod:`.second`), whether the clause names a date or number (:mod:`.numbers`),
and how many distinct quotes the article already carries at score >= :data:`EVIDENCE_MIN_SCORE` from the
verbatim, near, spun and translated matchers.

Coefficients, standardisation and threshold are in ``data/paraphrase_calibration.json``, fitted by
``python benchmarks/paraphrase_candidates.py fit`` on every paraphrase candidate of the development sets; the
threshold is the lowest keeping the pooled precision of the fitted candidates >= its ``target_precision``. The
rule was adopted because it beat the floors leave-one-dev-set-out (docs/align.md, "Calibrated paraphrase
acceptance"). The second model is asked only about the clauses whose decision it can change
(:func:`Calibration.undecided`), and about the accepted ones (their score needs it). Without the second model
(``second_opinion=False``, its package missing, another embedder) the hand floors decide, as before.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..backends.data import read_data
from ..document import Alignment

__all__ = ["EVIDENCE_MIN_SCORE", "FEATURES", "Calibration", "Clause", "calibration", "carried", "values"]

CALIBRATION_FILE = "paraphrase_calibration.json"
EVIDENCE_MIN_SCORE = 0.85
EVIDENCE_KINDS = frozenset({"verbatim", "near", "spun", "translated"})
EVIDENCE_CAP = 4  # distinct quotes counted at most
# The model's features, in the order of the data file's coefficients (benchmarks/paraphrase_candidates.py computes
# the same values from its records; tests/align/test_calibrated.py checks both)
FEATURES = (
    "margin_over",
    "cosine_over",
    "gap",
    "same",
    "devanagari",
    "second_margin",
    "second_agrees",
    "dates",
    "evidence",
)
_SECOND = (FEATURES.index("second_margin"), FEATURES.index("second_agrees"))


@dataclass(frozen=True)
class Clause:
    """What the model needs of a scored clause besides the second model: its best quote's e5 margin and cosine, the
    runner-up quote's margin, its hand floors (margin, cosine), whether it is in the quote language, in
    Devanagari, names a date or number; the article's evidence (:func:`carried`)."""

    margin: float
    cosine: float
    runner_up: float
    floors: tuple[float, float]
    same: bool
    devanagari: bool
    dates: bool
    evidence: int


def carried(alignments: Sequence[Alignment]) -> int:
    """Distinct quotes ``alignments`` show the article carries: verbatim, near, spun or translated, score >=
    :data:`EVIDENCE_MIN_SCORE`."""
    return len({a.quote_id for a in alignments if a.kind in EVIDENCE_KINDS and a.score >= EVIDENCE_MIN_SCORE})


def values(clause: Clause, quote: int, second: tuple[int, float, float] | None) -> list[float]:
    """The :data:`FEATURES` of ``clause`` aligned to quote index ``quote``; ``second``: the second model's best quote
    (index, margin, cosine) over the whole set, None when it was not asked (its features are then 0)."""
    agrees = second is not None and second[0] == quote
    return [
        clause.margin - clause.floors[0],
        clause.cosine - clause.floors[1],
        clause.margin - clause.runner_up,
        float(clause.same),
        float(clause.devanagari),
        second[1] if second is not None else 0.0,
        float(agrees),
        float(clause.dates),
        float(min(clause.evidence, EVIDENCE_CAP)),
    ]


@dataclass(frozen=True)
class Calibration:
    """The fitted model: standardisation (``mean``, ``scale``), ``coef`` (intercept first), ``threshold``, and the
    range of the second model's margin seen in fitting (``second_range``: what :meth:`undecided` bounds with)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    threshold: float
    second_range: tuple[float, float]

    def logit(self, row: Sequence[float]) -> float:
        x = np.asarray(row, dtype=np.float64)
        x[_SECOND[0]] = min(max(x[_SECOND[0]], self.second_range[0]), self.second_range[1])  # as in fitting
        z = (x - self.mean) / self.scale
        return float(self.coef[0] + z @ self.coef[1:])

    def probability(self, row: Sequence[float]) -> float:
        """The model's probability that a clause with these :data:`FEATURES` is a summary of its quote."""
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, self.logit(row)))))

    def accepts(self, row: Sequence[float]) -> bool:
        return self.probability(row) >= self.threshold

    def undecided(self, row: Sequence[float]) -> bool:
        """Whether the second model can still make ``row`` (its second-model features unknown) reach the
        threshold: the best case over the second model's margin range and its agreeing or not."""
        best = list(row)
        for k, candidates in zip(_SECOND, (self.second_range, (0.0, 1.0)), strict=True):
            weight = self.coef[1 + k] / self.scale[k]
            best[k] = candidates[1] if weight > 0 else candidates[0]
        return self.accepts(best)


@functools.cache
def calibration() -> Calibration:
    """The shipped model (``data/paraphrase_calibration.json``), read once per process; its feature list must be
    :data:`FEATURES`."""
    data = json.loads(read_data(CALIBRATION_FILE))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{CALIBRATION_FILE}: features {data['features']} are not {list(FEATURES)}")
    return Calibration(
        np.asarray(data["mean"], dtype=np.float64),
        np.asarray(data["scale"], dtype=np.float64),
        np.asarray(data["coef"], dtype=np.float64),
        float(data["threshold"]),
        (float(data["second_range"][0]), float(data["second_range"][1])),
    )
