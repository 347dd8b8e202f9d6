"""The two entry points: :func:`normalize` one text, :func:`normalize_corpus` many."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from .document import Document
from .io import DecodeError, Record, record_from_dict, to_document
from .pipeline import Pipeline

__all__ = ["normalize", "normalize_corpus"]


@cache
def _default_pipeline() -> Pipeline:
    return Pipeline.default()


def _with_quotes(pipeline: Pipeline, quotes: Any) -> Pipeline:
    if quotes is None:
        return pipeline
    if "align" not in pipeline.names:
        raise ValueError("quotes were given but the pipeline has no align stage")
    return pipeline.configure("align", quotes=quotes)


def normalize(
    text: str | bytes,
    *,
    doc_id: str | None = None,
    quotes: Any = None,
    pipeline: Pipeline | None = None,
) -> Document:
    """Run the pipeline (default: :meth:`Pipeline.default`) on one text.

    Bytes are decoded as UTF-8 (BOM allowed), else by charset-normalizer with a warning;
    undecodable bytes raise :class:`~corpusnorm.io.DecodeError`. ``quotes`` (a path or a list
    of quotes) configures the align stage.
    """
    pipeline = _with_quotes(pipeline or _default_pipeline(), quotes)
    return pipeline(to_document(text, doc_id))


def _as_record(item: Any, index: int) -> Record:
    if isinstance(item, Record):
        return item
    if isinstance(item, str | bytes):
        return Record(None, item, f"item {index}")
    if isinstance(item, os.PathLike):
        path = Path(item)
        try:
            return Record(path.stem, path.read_bytes(), str(path))
        except OSError as exc:
            return Record(None, None, str(path), error=f"cannot read: {exc.strerror or exc}")
    if isinstance(item, dict):
        return record_from_dict(item, f"item {index}")
    return Record(None, None, f"item {index}", error=f"unsupported item type {type(item).__name__}")


def _failed(record: Record, reason: str) -> Document:
    doc = Document.new("", doc_id=record.id or record.source)
    doc.error = f"{record.source}: {reason}"
    doc.warnings.append(f"error: {doc.error}")
    return doc


def _run_record(pipeline: Pipeline, record: Record) -> Document:
    if record.error is not None or record.content is None:
        return _failed(record, record.error or "no content")
    try:
        doc = to_document(record.content, record.id)
    except (DecodeError, TypeError) as exc:
        return _failed(record, str(exc))
    doc = pipeline(doc)
    doc.pipeline = dict(doc.pipeline, source=record.source)
    return doc


_WORKER_PIPELINE: Pipeline | None = None


def _init_worker(pipeline: Pipeline) -> None:
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = pipeline


def _run_in_worker(record: Record) -> Document:
    assert _WORKER_PIPELINE is not None
    return _run_record(_WORKER_PIPELINE, record)


def normalize_corpus(
    items: Iterable[Any],
    *,
    pipeline: Pipeline | None = None,
    workers: int = 1,
) -> Iterator[Document]:
    """Normalise many texts lazily, yielding Documents in input order.

    Items are str (a text), bytes, paths (``os.PathLike``), dict records with ``"id"`` and
    ``"text"``, or :class:`~corpusnorm.io.Record`. A bad item yields a Document whose ``error``
    says why (and whose ``warnings`` say it too); the run goes on. ``workers > 1`` runs the
    pipeline in that many processes.
    """
    pipeline = pipeline or _default_pipeline()
    records = (_as_record(item, index) for index, item in enumerate(items))
    if workers <= 1:
        for record in records:
            yield _run_record(pipeline, record)
        return
    import multiprocessing

    # spawn, not fork: the embedding model runs OpenMP threads, which do not survive a fork
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(pipeline,)) as pool:
        yield from pool.imap(_run_in_worker, records, chunksize=4)
