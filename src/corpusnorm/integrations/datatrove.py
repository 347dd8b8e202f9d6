"""corpusnorm as a datatrove pipeline step.

::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from corpusnorm.integrations.datatrove import CorpusnormStep

    LocalPipelineExecutor(
        pipeline=[JsonlReader("in/"), CorpusnormStep(skip=["align"]), JsonlWriter("out/")],
        tasks=4, workers=2, logging_dir="logs/",
    ).run()

The step replaces each document's text by the normalised text and stores what ``keep`` names under
``metadata["corpusnorm"]`` (by default enough to rebuild the original: ``edits`` hold the replaced
text). Every other metadata field is left as it was. With datatrove's ``ParquetWriter`` pass
``schema=CorpusnormStep(...).parquet_schema(...)``: inferring a schema from the first document fails
(``languages`` has other keys in each document). Statistics per stage go through ``stat_update``:
``edits_<stage>``, ``seconds_<stage>``, ``language_<code>``, ``failed``, ``stage_errors``.
Needs ``pip install 'corpusnorm[datatrove]'``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from datatrove.data import Document as DatatroveDocument
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from ..document import Document
from ..io import Record

__all__ = ["DEFAULT_KEEP", "KEEPABLE", "CorpusnormStep", "kept_fields"]

KEEPABLE = (
    "original",
    "language",
    "languages",
    "segments",
    "edits",
    "suggestions",
    "alignments",
    "spin_score",
    "warnings",
    "error",
)
DEFAULT_KEEP = ("language", "languages", "edits", "spin_score", "warnings", "error")
"""Enough to rebuild the original (``undo``: the text plus the edits) and to filter by language."""


def kept_fields(doc: Document, keep: Iterable[str]) -> dict[str, Any]:
    """The fields of ``doc`` named in ``keep``, as plain JSON values."""
    data = doc.to_dict()
    return {name: data[name] for name in keep}


class CorpusnormStep(PipelineStep):
    """Normalise each document (clean → detect → repair → align) in a datatrove pipeline.

    Args:
        skip: stages to leave out, e.g. ``["align"]``.
        quotes: a quote set for the align stage (a path, or a list of quotes).
        keep: the Document fields stored in ``metadata["corpusnorm"]`` (see :data:`KEEPABLE`).
        drop_failed: drop documents that could not be normalised (else kept, with ``error`` set).
        threads: embedding threads per worker process (default 1: one worker per core).
    """

    name = "corpusnorm"
    type = "🧹 - NORMALIZER"

    def __init__(
        self,
        skip: Sequence[str] = (),
        quotes: str | Sequence[str] | None = None,
        keep: Sequence[str] = DEFAULT_KEEP,
        drop_failed: bool = False,
        threads: int | None = 1,
    ) -> None:
        super().__init__()
        unknown = set(keep) - set(KEEPABLE)
        if unknown:
            raise ValueError(f"cannot keep {sorted(unknown)}; choose from {', '.join(KEEPABLE)}")
        self.skip = tuple(skip)
        self.quotes = quotes if quotes is None or isinstance(quotes, str) else tuple(quotes)
        self.keep = tuple(keep)
        self.drop_failed = drop_failed
        self.threads = threads

    def _pipeline(self) -> Any:
        from ..runtime import set_threads, worker_pipeline

        set_threads(self.threads)
        return worker_pipeline(self.skip, self.quotes)

    def _stats(self, doc: Document, seconds: dict[str, float]) -> None:
        self.stat_update("documents")
        if doc.error is not None:
            self.stat_update("failed")
            return
        self.stat_update(f"language_{doc.language}")
        if any(w.startswith("stage-error:") for w in doc.warnings):
            self.stat_update("stage_errors")
        counts: dict[str, int] = {}
        for edit in doc.edits:
            for stage in edit.stage.split("+"):
                counts[stage] = counts.get(stage, 0) + 1
        for stage, count in counts.items():
            self.stat_update(f"edits_{stage}", value=count)
        for stage, elapsed in seconds.items():
            self.stat_update(f"seconds_{stage}", value=elapsed)

    def normalize(self, document: DatatroveDocument, pipeline: Any) -> Document:
        """The corpusnorm Document of a datatrove Document (its metadata carried along)."""
        from ..api import _run_record

        meta = {k: v for k, v in document.metadata.items() if k != "corpusnorm"}
        source = str(meta.get("file_path", "datatrove"))
        before = dict(pipeline.timings)
        doc = _run_record(pipeline, Record(str(document.id), document.text, source, meta=meta))
        self._stats(doc, {name: pipeline.timings[name] - before.get(name, 0.0) for name in pipeline.timings})
        return doc

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        pipeline = self._pipeline()
        for document in data or ():
            with self.track_time():
                doc = self.normalize(document, pipeline)
            if doc.error is not None and self.drop_failed:
                continue
            if doc.error is None:
                document.text = doc.text
            document.metadata["corpusnorm"] = kept_fields(doc, self.keep)
            yield document

    def parquet_schema(self, metadata: dict[str, Any] | None = None) -> Any:
        """A schema for datatrove's ``ParquetWriter(schema=...)``: text, id and a ``metadata`` struct
        with ``corpusnorm`` (the kept fields, typed as in :data:`corpusnorm.arrow.SCHEMA`) and the
        other metadata fields named in ``metadata`` (name -> pyarrow type)."""
        import pyarrow as pa

        from ..arrow import SCHEMA

        kept = [SCHEMA.field(name) for name in self.keep]
        fields = [pa.field(name, kind) for name, kind in (metadata or {}).items()]
        fields.append(pa.field("corpusnorm", pa.struct(kept)))
        return pa.schema([("text", pa.large_string()), ("id", pa.string()), ("metadata", pa.struct(fields))])
