"""The two entry points: :func:`normalize` one text, :func:`normalize_corpus` many."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from .document import Document
from .io import DecodeError, Record, record_from_dict, to_document
from .pipeline import Pipeline

__all__ = ["WorkerPoolError", "normalize", "normalize_corpus", "normalize_record"]


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


PATH_AS_TEXT_WARNING = (
    "item {index} is {item!r}, the path of an existing file; a str is normalised as text, not read. "
    "Pass pathlib.Path({item!r}) to read the file."
)


def _looks_like_a_path(item: str) -> bool:
    if not item or len(item) > 1024 or "\n" in item or "\0" in item:
        return False
    try:
        return Path(item).is_file()
    except (OSError, ValueError):
        return False


def _as_record(item: Any, index: int, *, text_key: str = "text", id_key: str = "id") -> Record:
    if isinstance(item, Record):
        return item
    if isinstance(item, str | bytes):
        if isinstance(item, str) and _looks_like_a_path(item):
            warnings.warn(PATH_AS_TEXT_WARNING.format(index=index, item=item), UserWarning, stacklevel=4)
        return Record(None, item, f"item {index}")
    if isinstance(item, os.PathLike):
        path = Path(item)
        try:
            return Record(path.stem, path.read_bytes(), str(path))
        except OSError as exc:
            return Record(None, None, str(path), error=f"cannot read: {exc.strerror or exc}")
    if isinstance(item, dict):
        return record_from_dict(item, f"item {index}", text_key=text_key, id_key=id_key)
    return Record(None, None, f"item {index}", error=f"unsupported item type {type(item).__name__}")


def _failed(record: Record, reason: str) -> Document:
    doc = Document.new("", doc_id=record.id or record.source, metadata=record.meta)
    doc.error = f"{record.source}: {reason}"
    doc.warnings.append(f"error: {doc.error}")
    return doc


def _run_record(pipeline: Pipeline, record: Record) -> Document:
    """One record through the pipeline; an unexpected error is this document's failure, not the run's."""
    try:
        return _run_record_unguarded(pipeline, record)
    except Exception as exc:  # recorded on the document, the corpus goes on
        return _failed(record, f"internal error: {type(exc).__name__}: {exc}")


def _run_record_unguarded(pipeline: Pipeline, record: Record) -> Document:
    if record.error is not None or record.content is None:
        return _failed(record, record.error or "no content")
    try:
        doc = to_document(record.content, record.id)
    except (DecodeError, TypeError) as exc:
        return _failed(record, str(exc))
    doc.metadata = dict(record.meta)
    doc = pipeline(doc)
    doc.pipeline = dict(doc.pipeline, source=record.source)
    return doc


def normalize_record(
    item: Any,
    *,
    pipeline: Pipeline | None = None,
    text_key: str = "text",
    id_key: str = "id",
    index: int = 0,
) -> Document:
    """Normalise one corpus item, as :func:`normalize_corpus` does for each: never raises for a bad item.

    ``item`` is a dict record (``text_key`` holds the text, ``id_key`` the id, every other field
    becomes ``Document.metadata``), a :class:`~corpusnorm.io.Record`, str, bytes or a path. A bad item
    gives a Document whose ``error`` says why. This is the function to call from an engine's map step
    (datatrove, Dask, Spark, Ray, HF datasets); without ``pipeline`` it uses this process's default
    pipeline, built once (:func:`corpusnorm.runtime.worker_pipeline`).
    """
    from .runtime import worker_pipeline

    record = _as_record(item, index, text_key=text_key, id_key=id_key)
    return _run_record(pipeline or worker_pipeline(), record)


_WORKER_PIPELINE: Pipeline | None = None

MAIN_GUARD_HINT = (
    "worker processes died while starting. In a script, call normalize_corpus(..., workers=N) under\n"
    '    if __name__ == "__main__":\n'
    "(worker processes are spawned: each re-imports the main module, and would start workers again)"
)


class WorkerPoolError(RuntimeError):
    """The worker processes of ``normalize_corpus(workers=N)`` died; the message says the likely fix."""


def _init_worker(pipeline: Pipeline) -> None:
    global _WORKER_PIPELINE
    from .runtime import set_threads

    set_threads(1)  # the worker processes share the cores
    _WORKER_PIPELINE = pipeline


def _run_batch(records: list[Record]) -> list[Document]:
    assert _WORKER_PIPELINE is not None
    return [_run_record(_WORKER_PIPELINE, record) for record in records]


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pool_map(pipeline: Pipeline, records: Iterable[Record], workers: int) -> Iterator[Document]:
    """Batches of records through a spawn pool, in order, at most ``4 * workers`` batches in flight.

    A ProcessPoolExecutor, not a multiprocessing Pool: a Pool replaces dying workers silently
    (a script without a main guard hung for ever), the executor fails fast."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # spawn, not fork: the embedding model runs OpenMP threads, which do not survive a fork
    context = multiprocessing.get_context("spawn")
    pending: deque[Future[list[Document]]] = deque()
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(pipeline,)) as pool:
            for batch in _batches(records, 4):
                pending.append(pool.submit(_run_batch, batch))
                if len(pending) >= 4 * workers:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
    except BrokenProcessPool as exc:
        raise WorkerPoolError(MAIN_GUARD_HINT) from exc
    finally:
        for future in pending:
            future.cancel()


def _corpus_items(items: Any, text_key: str, id_key: str) -> Iterable[Any]:
    """The items of a corpus: a DataFrame's or dataset's rows as dict records, any other iterable as is."""
    from .frames import table_items

    if isinstance(items, str | bytes | os.PathLike):
        raise TypeError(
            f"normalize_corpus takes an iterable of items, got one {type(items).__name__}: "
            "use normalize(text) for one text, or wrap it in a list"
        )
    rows = table_items(items, text_key=text_key, id_key=id_key)
    return items if rows is None else rows


def normalize_corpus(
    items: Iterable[Any],
    *,
    pipeline: Pipeline | None = None,
    workers: int = 1,
    text_key: str = "text",
    id_key: str = "id",
) -> Iterator[Document]:
    """Normalise many texts lazily, yielding Documents in input order.

    ``items`` is an iterable of str (a text, never a file name: a str naming an existing file is
    normalised as text with a :class:`UserWarning`), bytes, paths (``os.PathLike``: the file is read),
    dict records (``text_key``, default ``"text"``; ``id_key``, default ``"id"``; other fields kept as
    ``Document.metadata``) or :class:`~corpusnorm.io.Record`; or a pandas DataFrame or Hugging Face
    ``datasets.Dataset``, whose rows are records (a table without the ``text_key`` column raises
    :class:`ValueError` at once). A bad item yields a Document whose ``error`` says why (and whose
    ``warnings`` say it too); the run goes on. ``workers > 1`` runs the pipeline in that many spawned
    processes (one embedding thread each); if they die while starting (a script without an
    ``if __name__ == "__main__":`` guard) a :class:`WorkerPoolError` says so at once.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    source = _corpus_items(items, text_key, id_key)
    return _normalize_items(source, pipeline or _default_pipeline(), workers, text_key, id_key)


def _normalize_items(
    items: Iterable[Any], pipeline: Pipeline, workers: int, text_key: str, id_key: str
) -> Iterator[Document]:
    records = (_as_record(item, index, text_key=text_key, id_key=id_key) for index, item in enumerate(items))
    if workers <= 1:
        for record in records:
            yield _run_record(pipeline, record)
        return
    yield from _pool_map(pipeline, records, workers)
