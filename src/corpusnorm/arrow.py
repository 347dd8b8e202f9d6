"""Documents as Apache Arrow tables and Parquet files, with one explicit schema.

Letting Arrow guess a schema from ``Document.to_dict()`` does not work: ``languages`` has other
keys in every document (5 schemas in 20 batches), an empty ``warnings`` list has no type, and
writers that take the schema from the first batch crash on the next. :data:`SCHEMA` fixes every
type: ``languages`` is a ``map<string, double>``, edits, segments and alignments are lists of
structs, ``metadata`` (any JSON value) is a JSON string. The pipeline description, the same for
every document of a run, is stored once in the schema's metadata (key ``corpusnorm``); a row keeps
its own description only where it differs. ``from_arrow(to_arrow(docs)) == docs``, exactly.

Needs ``pyarrow`` (``pip install 'corpusnorm[parquet]'``).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .document import Alignment, Document, Edit, Segment

__all__ = ["SCHEMA", "from_arrow", "iter_parquet", "read_parquet", "to_arrow", "write_parquet"]

_EDIT = pa.struct(
    [
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("before", pa.string()),
        ("after", pa.string()),
        ("stage", pa.string()),
        ("rule", pa.string()),
        ("confidence", pa.float64()),
        ("evidence", pa.string()),
    ]
)
_SEGMENT = pa.struct(
    [
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("text", pa.string()),
        ("language", pa.string()),
        ("confidence", pa.float64()),
    ]
)
_ALIGNMENT = pa.struct(
    [
        ("quote_id", pa.string()),
        ("kind", pa.string()),
        ("score", pa.float64()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("text", pa.string()),
        ("coverage", pa.float64()),
        ("evidence", pa.string()),
    ]
)

#: One row per Document. ``source`` is ``doc.pipeline["source"]`` (the input it came from);
#: ``pipeline`` is null where the row's description equals the file's (schema metadata).
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("text", pa.large_string()),
        ("original", pa.large_string()),
        ("language", pa.string()),
        ("languages", pa.map_(pa.string(), pa.float64())),
        ("segments", pa.list_(_SEGMENT)),
        ("edits", pa.list_(_EDIT)),
        ("suggestions", pa.list_(_EDIT)),
        ("alignments", pa.list_(_ALIGNMENT)),
        ("spin_score", pa.float64()),
        ("warnings", pa.list_(pa.string())),
        ("error", pa.string()),
        ("metadata", pa.string()),
        ("source", pa.string()),
        ("pipeline", pa.string()),
    ]
)
_META_KEY = b"corpusnorm"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _common_pipeline(docs: list[Document]) -> dict[str, Any]:
    """The most frequent pipeline description (without ``source``) among ``docs``."""
    counts = Counter(_dumps(_without_source(doc.pipeline)) for doc in docs)
    return json.loads(counts.most_common(1)[0][0]) if counts else {}


def _without_source(description: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in description.items() if k != "source"}


def _row(doc: Document, file_pipeline: str) -> dict[str, Any]:
    own = _dumps(_without_source(doc.pipeline))
    return {
        "id": doc.id,
        "text": doc.text,
        "original": doc.original,
        "language": doc.language,
        "languages": list(doc.languages.items()),
        "segments": [s.to_dict() for s in doc.segments],
        "edits": [e.to_dict() for e in doc.edits],
        "suggestions": [e.to_dict() for e in doc.suggestions],
        "alignments": [a.to_dict() for a in doc.alignments],
        "spin_score": doc.spin_score,
        "warnings": list(doc.warnings),
        "error": doc.error,
        "metadata": _dumps(doc.metadata),
        "source": doc.pipeline.get("source"),
        "pipeline": None if own == file_pipeline else own,
    }


def schema_for(pipeline: dict[str, Any] | None) -> pa.Schema:
    """:data:`SCHEMA` carrying ``pipeline`` (a description) as the file-level description."""
    return SCHEMA.with_metadata({_META_KEY: _dumps({"pipeline": _without_source(pipeline or {})})})


def to_arrow(docs: Iterable[Document], *, pipeline: dict[str, Any] | None = None) -> pa.Table:
    """A table of ``docs`` with :data:`SCHEMA`. ``pipeline``: the file-level description (default:
    the most frequent one among ``docs``)."""
    docs = list(docs)
    description = _without_source(pipeline) if pipeline is not None else _common_pipeline(docs)
    file_pipeline = _dumps(description)
    rows = [_row(doc, file_pipeline) for doc in docs]
    return pa.Table.from_pylist(rows, schema=schema_for(description))


def _file_pipeline(schema: pa.Schema) -> dict[str, Any]:
    raw = (schema.metadata or {}).get(_META_KEY)
    return json.loads(raw)["pipeline"] if raw else {}


def _document(row: dict[str, Any], file_pipeline: dict[str, Any]) -> Document:
    pipeline = json.loads(row["pipeline"]) if row["pipeline"] is not None else dict(file_pipeline)
    if row["source"] is not None:
        pipeline["source"] = row["source"]
    return Document(
        id=row["id"],
        original=row["original"],
        text=row["text"],
        language=row["language"],
        languages=dict(row["languages"]),
        segments=[Segment(**s) for s in row["segments"]],
        edits=[Edit(**e) for e in row["edits"]],
        suggestions=[Edit(**e) for e in row["suggestions"]],
        alignments=[Alignment(**a) for a in row["alignments"]],
        spin_score=row["spin_score"],
        warnings=list(row["warnings"]),
        pipeline=pipeline,
        error=row["error"],
        metadata=json.loads(row["metadata"]) if row["metadata"] else {},
    )


def from_arrow(table: pa.Table | pa.RecordBatch) -> list[Document]:
    """The Documents of a table written by :func:`to_arrow` (or read from such a Parquet file)."""
    file_pipeline = _file_pipeline(table.schema)
    return [_document(row, file_pipeline) for row in table.to_pylist()]


def write_parquet(
    docs: Iterable[Document],
    path: str | os.PathLike[str],
    *,
    pipeline: dict[str, Any] | None = None,
    batch_size: int = 1000,
    compression: str = "zstd",
) -> int:
    """Write ``docs`` to a Parquet file in batches (streaming: memory of one batch); returns the count.

    ``pipeline``: the file-level description (default: that of the first document)."""
    count = 0
    writer: pq.ParquetWriter | None = None
    batch: list[Document] = []
    try:
        for doc in docs:
            if writer is None:
                description = pipeline if pipeline is not None else doc.pipeline
                writer = pq.ParquetWriter(os.fspath(path), schema_for(description), compression=compression)
            batch.append(doc)
            if len(batch) >= batch_size:
                writer.write_table(to_arrow(batch, pipeline=description))
                count, batch = count + len(batch), []
        if writer is None:
            writer = pq.ParquetWriter(os.fspath(path), schema_for(pipeline), compression=compression)
            description = pipeline or {}
        if batch:
            writer.write_table(to_arrow(batch, pipeline=description))
            count += len(batch)
    finally:
        if writer is not None:
            writer.close()
    return count


def iter_parquet(path: str | os.PathLike[str], *, batch_size: int = 1000) -> Iterator[Document]:
    """The Documents of a Parquet file written by :func:`write_parquet`, batch by batch."""
    handle = pq.ParquetFile(os.fspath(path))
    file_pipeline = _file_pipeline(handle.schema_arrow)
    for batch in handle.iter_batches(batch_size=batch_size):
        for row in batch.to_pylist():
            yield _document(row, file_pipeline)


def read_parquet(path: str | os.PathLike[str]) -> list[Document]:
    """All Documents of a Parquet file written by :func:`write_parquet`."""
    return list(iter_parquet(path))
