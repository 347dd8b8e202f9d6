"""The calibrated acceptance rule for paraphrase candidates (align/calibrated.py) and its harness."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from corpusnorm.align import align, calibrated
from corpusnorm.align.calibrated import FEATURES, Clause, calibration, carried, values
from corpusnorm.align.paraphrase import ScoredClause, _floors
from corpusnorm.align.second import second_best
from corpusnorm.backends.data import read_data
from corpusnorm.backends.embed import second_opinion_embedder
from corpusnorm.document import Alignment
from corpusnorm.quotes import canonical_quotes

ROOT = Path(__file__).resolve().parents[2]
IDS = [q.id for q in canonical_quotes()]
# Written for this test: a reported summary of L05 and, in the same frame, a spokesperson's plan
ARTICLE = (
    'Safety researcher leaves AI lab\n\nThe researcher wrote that "the world is in peril". He said he had achieved '
    "what he wanted to achieve at the company. A spokesperson said the company wants to hire more engineers this year."
)
needs_second = pytest.mark.skipif(second_opinion_embedder() is None, reason="the second model is not installed")


def _harness() -> ModuleType:
    path = ROOT / "benchmarks" / "paraphrase_candidates.py"
    spec = importlib.util.spec_from_file_location("paraphrase_candidates", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _record(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "margin": 1.03,
        "cosine": 0.87,
        "runner_up": 1.0,
        "floors": [1.035, 0.86],
        "target_floors": [1.03, 0.885],
        "same": False,
        "family": "latin",
        "dates": False,
        "quote_words": 9,
        "words": 7,
        "evidence": 2,
        "quote": 6,
        "target_quote": 6,
        "target_margin": 1.0,
        "target_cosine": 0.8,
        "second": [6, 2.1, 0.6],
        "frame": "verb",
        "label": True,
        "target_label": True,
    }
    record.update(changes)
    return record


def test_the_data_file_lists_the_modules_features_in_order() -> None:
    data = json.loads(read_data(calibrated.CALIBRATION_FILE))
    assert tuple(data["features"]) == FEATURES
    assert len(data["coef"]) == len(FEATURES) + 1  # the intercept first
    assert len(data["mean"]) == len(data["scale"]) == len(FEATURES)
    assert 0.0 < data["threshold"] < 1.0
    assert data["second_range"][0] < data["second_range"][1]


def test_the_harness_computes_the_features_the_module_uses() -> None:
    harness = _harness()
    assert harness.FEATURES[: len(FEATURES)] == FEATURES
    for changes in ({}, {"family": "devanagari", "dates": True}, {"same": True, "second": [3, 1.2, 0.4]}):
        record = _record(**changes)
        second = tuple(record["second"])  # type: ignore[arg-type]
        expected = values(harness.clause(record), 6, second)  # type: ignore[arg-type]
        assert harness.features(record)[: len(FEATURES)] == expected


def test_values_follow_the_feature_order() -> None:
    clause = Clause(1.05, 0.9, 1.01, (1.035, 0.86), True, False, True, 7)
    row = dict(zip(FEATURES, values(clause, 4, (4, 2.2, 0.7)), strict=True))
    assert row["margin_over"] == pytest.approx(0.015)
    assert row["cosine_over"] == pytest.approx(0.04)
    assert row["gap"] == pytest.approx(0.04)
    assert (row["same"], row["devanagari"], row["dates"]) == (1.0, 0.0, 1.0)
    assert (row["second_margin"], row["second_agrees"]) == (2.2, 1.0)
    assert row["evidence"] == calibrated.EVIDENCE_CAP  # capped
    other = dict(zip(FEATURES, values(clause, 4, (5, 2.2, 0.7)), strict=True))
    assert other["second_agrees"] == 0.0
    unasked = dict(zip(FEATURES, values(clause, 4, None), strict=True))
    assert (unasked["second_margin"], unasked["second_agrees"]) == (0.0, 0.0)


def test_undecided_bounds_every_second_opinion() -> None:
    """A clause the model rejects before asking the second model is rejected whatever that model says."""
    model = calibration()
    rng = np.random.default_rng(0)
    lo, hi = model.second_range
    checked = 0
    for _ in range(400):
        clause = Clause(
            1.0 + rng.uniform(-0.05, 0.08), 0.85 + rng.uniform(-0.06, 0.08), 1.0, (1.035, 0.86), bool(rng.integers(2)),
            False, False, int(rng.integers(0, 5)),
        )  # fmt: skip
        if model.undecided(values(clause, 3, None)):
            continue
        checked += 1
        for m in np.linspace(lo - 1.0, hi + 1.0, 9):
            for qi in (3, 4):
                assert not model.accepts(values(clause, 3, (qi, float(m), 0.6)))
    assert checked > 50


def test_probability_rises_with_the_cosine_over_the_floors() -> None:
    model = calibration()
    low = Clause(1.03, 0.84, 1.0, (1.035, 0.86), False, False, False, 1)
    high = Clause(1.03, 0.90, 1.0, (1.035, 0.86), False, False, False, 1)
    assert model.probability(values(high, 3, (3, 2.0, 0.6))) > model.probability(values(low, 3, (3, 2.0, 0.6)))


def _alignment(quote_id: str, kind: str, score: float) -> Alignment:
    return Alignment(quote_id=quote_id, kind=kind, score=score, start=0, end=1, text="x", coverage=1.0, evidence="")


def test_carried_counts_distinct_confident_quotes_of_the_other_matchers() -> None:
    found = [
        _alignment("L11", "verbatim", 0.99),
        _alignment("L11", "translated", 0.9),
        _alignment("L12", "translated", 0.86),
        _alignment("L13", "translated", 0.5),
        _alignment("L14", "paraphrase", 0.99),
    ]
    assert carried(found) == 2
    assert carried([]) == 0


@needs_second
def test_a_reported_summary_is_scored_by_the_model() -> None:
    trace: list[ScoredClause] = []
    found = align(ARTICLE, language="en", trace=trace)
    summary = [a for a in found if a.kind == "paraphrase"]
    assert [a.quote_id for a in summary] == ["L05"]
    assert summary[0].text == "he had achieved what he wanted to achieve at the company"
    assert "calibrated" in summary[0].evidence and "second opinion" in summary[0].evidence
    assert summary[0].score >= calibration().threshold
    assert not any("engineers" in a.text for a in found)  # the spokesperson's plan
    assert {c.shown for c in trace} >= {"the company wants to hire more engineers this year"}
    assert all(c.evidence == 1 for c in trace)  # L11, verbatim


@needs_second
def test_the_score_is_the_models_probability_of_the_traced_clause() -> None:
    trace: list[ScoredClause] = []
    found = align(ARTICLE, language="en", trace=trace)
    (summary,) = [a for a in found if a.kind == "paraphrase"]
    (clause,) = [c for c in trace if (c.start, c.end) == (summary.start, summary.end)]
    assert clause.aligned == IDS.index("L05")
    (opinion,) = second_best([clause.shown], tuple(q.text for q in canonical_quotes()), "en", (-np.inf, -np.inf))
    floors = _floors(ARTICLE[clause.start : clause.end], clause.same, clause=False)
    scored = Clause(clause.margin, clause.cosine, clause.runner_up, floors, True, False, False, 1)
    row = values(scored, clause.quote, opinion)
    assert summary.score == pytest.approx(calibration().probability(row), abs=1e-4)


def test_the_hand_floors_decide_without_the_model() -> None:
    found = align(ARTICLE, language="en", calibrated=False)
    (summary,) = [a for a in found if a.kind == "paraphrase"]
    assert summary.quote_id == "L05" and "calibrated" not in summary.evidence
    off = align(ARTICLE, language="en", second_opinion=False)
    assert all("calibrated" not in a.evidence for a in off)  # no second model: the hand floors


def test_the_trace_changes_nothing() -> None:
    trace: list[ScoredClause] = []
    assert align(ARTICLE, language="en", trace=trace) == align(ARTICLE, language="en")
    assert trace and all(isinstance(c, ScoredClause) for c in trace)


@needs_second
def test_a_chinese_near_miss_is_accepted_and_a_denial_never_asked_about(monkeypatch: pytest.MonkeyPatch) -> None:
    """A summary e5 puts under its floors, which the second model agrees with, is accepted at the model's
    probability; a negated statement in the same article is never put to the second model (the polarity check
    drops it)."""
    from corpusnorm.align import second
    from corpusnorm.backends.embed import UseEmbedder

    asked: list[str] = []

    class Recording(UseEmbedder):
        def embed(self, texts: Sequence[str]) -> np.ndarray:
            asked.extend(texts)
            return super().embed(texts)

    monkeypatch.setattr(second, "second_opinion_embedder", Recording)
    text = "研究员离职\n\n他希望攻读诗歌学位，并致力于勇敢表达的实践。分析师表示，世界并没有处于危险之中。"
    summary = "希望攻读诗歌学位，并致力于勇敢表达的实践"
    found = align(text, language="zh")
    assert [(a.quote_id, a.kind, a.text) for a in found] == [("L24", "paraphrase", summary)]
    assert found[0].score >= calibration().threshold and "calibrated" in found[0].evidence
    assert found[0].score != align(text, language="zh", calibrated=False)[0].score  # not the floors' score
    assert summary in asked
    assert not any("没有" in t for t in asked)
