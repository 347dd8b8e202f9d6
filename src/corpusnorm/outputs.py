"""Run outputs: what ``corpusnorm run`` writes into ``--out`` (the CLI only parses arguments).

- ``documents.jsonl``: one :meth:`Document.to_json` line per document;
- ``text/<id>.txt``: each normalised text (file names from :func:`safe_name`);
- ``alignment.csv``: one row per alignment (:data:`ALIGNMENT_COLUMNS`, offsets into ``text/<id>.txt``);
- ``run.json``: the run summary (counts, languages, edits by stage, failures, timings, pipeline);
- ``report.html`` on request (:func:`corpusnorm.report.write_report`).
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import regex

from .document import Document
from .pipeline import Pipeline
from .versions import __version__

__all__ = ["ALIGNMENT_COLUMNS", "RunSummary", "RunWriter", "alignment_rows", "safe_name"]

ALIGNMENT_COLUMNS = ("doc_id", "quote_id", "kind", "score", "coverage", "start", "end", "text")
"""Columns of ``alignment.csv`` (one row per alignment)."""

UNSAFE_NAME_RE = regex.compile(r"[^\w.\-]+")
"""Characters not kept in a file name made from a document id."""


def alignment_rows(doc: Document, *, original: bool = False) -> list[dict[str, Any]]:
    """Rows of ``alignment.csv`` for one document, in :data:`ALIGNMENT_COLUMNS` order.

    Offsets are into ``doc.text`` (where alignments live), or into ``doc.original`` with
    ``original=True`` (then ``text`` is the original's slice, as a user reading the input file sees it).
    """
    rows = []
    for a in doc.alignments:
        start, end = doc.to_original(a.start, a.end) if original else (a.start, a.end)
        text = doc.original[start:end] if original else a.text
        values = (doc.id, a.quote_id, a.kind, a.score, a.coverage, start, end, text)
        rows.append(dict(zip(ALIGNMENT_COLUMNS, values, strict=True)))
    return rows


def csv_row(row: dict[str, Any]) -> list[Any]:
    """A row of :func:`alignment_rows` as written to CSV (scores with three decimals)."""
    return [f"{row[c]:.3f}" if c in ("score", "coverage") else row[c] for c in ALIGNMENT_COLUMNS]


def safe_name(doc_id: str, taken: set[str]) -> str:
    """A file name for a document id: only word characters, dots and dashes; unique."""
    base = UNSAFE_NAME_RE.sub("_", doc_id).strip("._")[:100] or "doc"
    name, counter = base, 1
    while name.lower() in taken:
        counter += 1
        name = f"{base}-{counter}"
    taken.add(name.lower())
    return name


@dataclass
class RunSummary:
    """What a run did, for ``run.json`` and the closing line on stderr."""

    inputs: list[str]
    workers: int = 1
    documents: int = 0
    failed: int = 0
    documents_with_stage_errors: int = 0
    failures: list[str] = field(default_factory=list)
    languages: Counter[str] = field(default_factory=Counter)
    edits_by_stage: Counter[str] = field(default_factory=Counter)
    warnings: int = 0
    started: float = field(default_factory=time.perf_counter)

    def count(self, doc: Document) -> list[str]:
        """Count a document; returns the messages to report (a failure, stage errors)."""
        if doc.error is not None:
            self.failed += 1
            self.failures.append(doc.error)
            return [f"skipped {doc.error}"]
        stage_errors = [w for w in doc.warnings if w.startswith("stage-error:")]
        if stage_errors:
            self.documents_with_stage_errors += 1
            self.failures.extend(f"{doc.id}: {w}" for w in stage_errors)
        self.documents += 1
        self.warnings += len(doc.warnings)
        self.languages[doc.language] += 1
        for edit in doc.edits:
            for stage in edit.stage.split("+"):
                self.edits_by_stage[stage] += 1
        return [f"{doc.id}: {w}" for w in stage_errors]

    def to_dict(self, pipeline: Pipeline) -> dict[str, Any]:
        return {
            "corpusnorm": __version__,
            "inputs": self.inputs,
            "documents": self.documents,
            "failed": self.failed,
            "documents_with_stage_errors": self.documents_with_stage_errors,
            "failures": self.failures,
            "languages": dict(sorted(self.languages.items())),
            "edits_by_stage": dict(sorted(self.edits_by_stage.items())),
            "warnings": self.warnings,
            "seconds": round(self.elapsed, 3),
            "stage_seconds": {k: round(v, 3) for k, v in pipeline.timings.items()} if self.workers <= 1 else None,
            "workers": self.workers,
            "pipeline": pipeline.describe(),
        }

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def line(self, out: Path) -> str:
        """The closing line on stderr."""
        languages, edits = dict(sorted(self.languages.items())), dict(sorted(self.edits_by_stage.items()))
        return (
            f"corpusnorm: {self.documents} documents ({self.failed} failed) in {self.elapsed:.2f}s; "
            f"languages {languages}; edits by stage {edits}; {self.warnings} warnings; output in {out}"
        )


class RunWriter:
    """Writes a run's outputs into ``out`` as documents arrive (a context manager)."""

    def __init__(self, out: Path, *, inputs: Sequence[str], workers: int = 1, keep_documents: bool = False) -> None:
        self.out = Path(out)
        self.summary = RunSummary([str(p) for p in inputs], workers=workers)
        self.kept: list[Document] = []
        self.keep_documents = keep_documents
        self._taken: set[str] = set()
        self._documents: IO[str] | None = None
        self._alignment_file: IO[str] | None = None

    def __enter__(self) -> RunWriter:
        (self.out / "text").mkdir(parents=True, exist_ok=True)
        self._documents = (self.out / "documents.jsonl").open("w", encoding="utf-8")
        self._alignment_file = (self.out / "alignment.csv").open("w", encoding="utf-8", newline="")
        self._alignments = csv.writer(self._alignment_file)
        self._alignments.writerow(ALIGNMENT_COLUMNS)
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in (self._documents, self._alignment_file):
            if handle is not None:
                handle.close()

    def write(self, doc: Document) -> list[str]:
        """Count and write one document; returns the messages to report on stderr."""
        messages = self.summary.count(doc)
        if doc.error is not None:
            return messages
        assert self._documents is not None
        self._documents.write(doc.to_json() + "\n")
        name = safe_name(doc.id, self._taken)
        (self.out / "text" / f"{name}.txt").write_text(doc.text, encoding="utf-8")
        for row in alignment_rows(doc):  # offsets into text/<id>.txt (doc.text), like documents.jsonl
            self._alignments.writerow(csv_row(row))
        if self.keep_documents:
            self.kept.append(doc)
        return messages

    def finish(self, pipeline: Pipeline) -> dict[str, Any]:
        """Write ``run.json``; returns its content."""
        summary = self.summary.to_dict(pipeline)
        (self.out / "run.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return summary
