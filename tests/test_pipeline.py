"""Stages are registered by name, configurable, described, and never crash a corpus run."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from corpusnorm import Document, Pipeline, Stage, get_stage, normalize, register_stage, registered_stages
from corpusnorm.pipeline import DEFAULT_ORDER, PipelineError


def test_default_pipeline_holds_the_registered_stages_in_order() -> None:
    pipeline = Pipeline.default()
    assert pipeline.names == ["clean", "detect", "repair", "align"]
    assert pipeline.fields()["align"]["writes"] == ["alignments"]
    description = pipeline.describe()
    assert [s["name"] for s in description["stages"]] == pipeline.names
    assert description["stages"][0]["config"]["fix_encoding"] is True
    assert "ftfy" in description["stages"][0]["versions"]


def test_overrides_drop_and_configure_stages() -> None:
    pipeline = Pipeline.default(
        clean={"boilerplate": False}, **{n: False for n in DEFAULT_ORDER[1:] if n in registered_stages()}
    )
    assert pipeline.names == ["clean"]
    assert normalize("Text\nShare\n", pipeline=pipeline).text == "Text\nShare\n"
    with pytest.raises(KeyError):
        Pipeline.default(nonexistent=False)


@dataclass(frozen=True)
class ShoutConfig:
    marks: int = 1


@register_stage
class ShoutStage(Stage):
    name = "test-shout"
    config_class = ShoutConfig

    def __call__(self, doc: Document) -> Document:
        from corpusnorm import Edit

        end = len(doc.text)
        doc.apply_edits([Edit(end, end, "", "!" * self.config.marks, self.name, "shout")])
        return doc


@register_stage
class BrokenStage(Stage):
    name = "test-broken"

    def __call__(self, doc: Document) -> Document:
        raise RuntimeError("boom")


@register_stage
class NeedsMissingStage(Stage):
    name = "test-needs-missing"
    requires = {"surely_not_installed_module": "surely-not-installed>=1"}  # noqa: RUF012

    def __call__(self, doc: Document) -> Document:
        return doc


def test_custom_stage_by_name_with_config() -> None:
    assert get_stage("test-shout") is ShoutStage
    pipeline = Pipeline.from_names(["clean", "test-shout"], **{"test-shout": {"marks": 2}})
    doc = normalize("Hi  there", pipeline=pipeline)
    assert doc.text == "Hi there!!"
    assert doc.pipeline["stages"][1] == {"name": "test-shout", "config": {"marks": 2}, "versions": {}}


def test_a_failing_stage_is_recorded_not_raised() -> None:
    doc = normalize("Hi  there", pipeline=Pipeline.from_names(["clean", "test-broken", "test-shout"]))
    assert doc.text == "Hi there!"
    assert any(w.startswith("stage-error: test-broken: RuntimeError: boom") for w in doc.warnings)


def test_missing_dependency_gives_the_pip_hint() -> None:
    with pytest.raises(ImportError, match="pip install 'surely-not-installed>=1'"):
        Pipeline.from_names(["test-needs-missing"])


class _NeedsSegments(Stage):
    name = "needs-segments"
    reads = ("text", "segments")

    def __call__(self, doc: Document) -> Document:
        return doc


def test_a_stage_reading_a_field_no_earlier_stage_writes_fails_when_built() -> None:
    with pytest.raises(PipelineError, match="segments"):
        Pipeline([get_stage("clean")(), _NeedsSegments()])
    assert Pipeline([get_stage("detect")(), _NeedsSegments()]).names == ["detect", "needs-segments"]


def test_old_function_names_still_work_with_a_warning() -> None:
    import corpusnorm

    with pytest.warns(DeprecationWarning, match="repair_text"):
        old = corpusnorm.repair("shares cryptic put up", force=True)
    assert old.text == corpusnorm.repair_text("shares cryptic put up", force=True).text
    assert isinstance(corpusnorm.repair, type(corpusnorm)) and isinstance(corpusnorm.align, type(corpusnorm))
