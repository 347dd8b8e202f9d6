"""Run outputs: what ``corpusnorm run`` writes into ``--out`` (the CLI only parses arguments).

- ``documents.jsonl``: one :meth:`Document.to_json` line per document;
- ``text/<id>.txt``: each normalised text (file names from :func:`safe_name`);
- ``alignment.csv``: one row per alignment (:data:`ALIGNMENT_COLUMNS`, offsets into ``text/<id>.txt``);
- ``run.json``: the run summary (counts, languages, edits by stage, failures, timings, pipeline);
- ``report.html`` on request (:func:`corpusnorm.report.write_report`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from .document import Document
from .pipeline import Pipeline
from .versions import __version__

__all__ = [
    "ALIGNMENT_COLUMNS",
    "OutputError",
    "RunSummary",
    "RunWriter",
    "Terminated",
    "alignment_rows",
    "run_key",
    "safe_name",
    "sigterm_interrupts",
]

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


NAME_BYTES = 255
"""The longest file name most file systems take, in bytes (ext4, APFS, NTFS in UTF-16 units)."""
NAME_CHARS = 100
"""At most this many characters of the id are kept in a file name."""


def _cut_to_bytes(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 encoding has at most ``limit`` bytes (whole characters)."""
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def safe_name(doc_id: str, taken: set[str], *, suffix: str = ".txt") -> str:
    """A file name (without ``suffix``) for a document id: only word characters, dots and dashes;
    unique (case-insensitively) in ``taken``; the name with ``-N`` and ``suffix`` fits in
    :data:`NAME_BYTES` bytes of UTF-8 (the cut is by bytes, not characters: 84 Devanagari letters are 252)."""
    base = UNSAFE_NAME_RE.sub("_", doc_id).strip("._")[:NAME_CHARS] or "doc"
    name, counter = base, 1
    while True:
        room = NAME_BYTES - len(suffix.encode()) - (len(f"-{counter}") if counter > 1 else 0)
        cut = _cut_to_bytes(base, room).rstrip("._") or "doc"
        name = cut if counter == 1 else f"{cut}-{counter}"
        if name.lower() not in taken:
            break
        counter += 1
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
        decoding = [w for w in doc.warnings if w.startswith("decode:")]
        return [f"{doc.id}: {w}" for w in decoding + stage_errors]

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


class OutputError(Exception):
    """The output folder cannot be used (not a folder, not writable, holds another run); one line for the user."""


class Terminated(BaseException):
    """The process received SIGTERM (raised in the main thread so the run is finalised as ``interrupted``)."""


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While active, SIGTERM raises :class:`Terminated` in the main thread (a no-op outside it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


RUN_STATUSES = ("running", "complete", "interrupted", "failed")
"""``run.json`` ``status``: written as ``running`` at the start, finalised with one of the others."""
_PARTIAL = ".partial"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _file_bytes(text: str) -> bytes:
    """UTF-8 of a text for a file: a lone surrogate (only possible if clean did not run) becomes U+FFFD,
    one character for one, so offsets in characters stay right."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").encode("utf-8")


def _csv_bytes(rows: Iterable[dict[str, Any]], *, header: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(ALIGNMENT_COLUMNS)
    for row in rows:
        writer.writerow(csv_row(row))
    return _file_bytes(buffer.getvalue())


def run_key(inputs: Sequence[str], pipeline: Pipeline, options: dict[str, Any] | None = None) -> str:
    """What a rerun must share with a run to resume it: the inputs (absolute), the pipeline (code,
    configuration, model and data versions) and the reading options."""
    from .shards import pipeline_digest

    key = {
        "inputs": [p if p == "-" else os.path.abspath(p) for p in inputs],
        "pipeline": pipeline_digest(pipeline.describe()),
        "options": options or {},
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


class RunWriter:
    """Writes a run's outputs into ``out`` as documents arrive (a context manager).

    Each document is committed on its own: its ``text/<name>.txt`` (written to a temporary name and
    renamed), its ``alignment.csv`` rows, then its ``documents.jsonl`` line, each appended with one
    unbuffered write; if a write fails (disk full) both files are cut back to the last complete
    document. ``documents.jsonl`` is the record of what is complete: a killed run leaves complete
    lines, and a rerun into the same folder (same inputs, pipeline, options) resumes: it drops a
    cut last line, rebuilds ``alignment.csv`` and ``text/`` from ``documents.jsonl`` (no stale
    file survives) and skips the documents already complete (:meth:`is_done`). Any other earlier
    content of ``out`` is refused (:class:`OutputError`) unless ``overwrite``.
    ``run.json`` is written at the start with ``status: running`` and finalised by :meth:`finish`.
    """

    def __init__(
        self,
        out: Path,
        *,
        inputs: Sequence[str],
        pipeline: Pipeline,
        workers: int = 1,
        keep_documents: bool = False,
        overwrite: bool = False,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.out = Path(out)
        self.pipeline = pipeline
        self.summary = RunSummary([str(p) for p in inputs], workers=workers)
        self.kept: list[Document] = []
        self.keep_documents = keep_documents
        self.overwrite = overwrite
        self.key = run_key(self.summary.inputs, pipeline, options)
        self.resumed = 0
        self._taken: set[str] = set()
        self._ids: dict[str, str] = {}
        self._done: set[str] = set()
        self._fds: dict[str, int] = {}

    # -- start ------------------------------------------------------------------------------
    def __enter__(self) -> RunWriter:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Check and prepare ``out`` (resume or refuse an earlier run), write ``run.json`` (running)."""
        try:
            self._prepare()
            for name in ("documents.jsonl", "alignment.csv"):
                self._fds[name] = os.open(self.out / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            if os.fstat(self._fds["alignment.csv"]).st_size == 0:
                _write_all(self._fds["alignment.csv"], _csv_bytes([], header=True))
            self._write_run_json("running")
        except OSError as exc:
            self.close()
            raise OutputError(f"cannot write to {self.out}: {exc.strerror or exc}") from exc
        except BaseException:
            self.close()
            raise

    def _prepare(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"{self.out} exists and is not a folder")
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock()
        ours = [self.out / n for n in ("run.json", "documents.jsonl", "alignment.csv", "text", "report.html")]
        if not any(p.exists() for p in ours[:4]) or self.overwrite:
            self._clear(ours)
        else:
            self._check_resumable()
            self._resume()
        (self.out / "text").mkdir(exist_ok=True)

    def _lock(self) -> None:
        """Hold ``out/.lock`` for the run: a second run into the same folder is refused, not interleaved."""
        try:
            import fcntl
        except ImportError:  # not on POSIX: no lock
            return
        fd = os.open(self.out / ".lock", os.O_WRONLY | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputError(f"another corpusnorm run is writing to {self.out}") from None
        self._fds["lock"] = fd

    def _clear(self, paths: list[Path]) -> None:
        for path in paths:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)

    def _check_resumable(self) -> None:
        try:
            previous = json.loads((self.out / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        if not isinstance(previous, dict) or previous.get("resume_key") != self.key:
            raise OutputError(
                f"{self.out} holds the output of another run (other inputs, pipeline or options); "
                "use --overwrite to replace it, or another --out"
            )
        if "-" in self.summary.inputs:
            raise OutputError(f"{self.out}: a run reading standard input cannot be resumed; use --overwrite")

    def _resume(self) -> None:
        """Keep the complete documents of the earlier run; rebuild alignment.csv and text/ from them."""
        text_dir = self.out / "text"
        text_dir.mkdir(exist_ok=True)
        names: set[str] = set()
        tmp_csv = self.out / f".alignment.csv{_PARTIAL}"
        docs_path = self.out / "documents.jsonl"
        valid = 0
        with tmp_csv.open("wb") as csv_out:
            csv_out.write(_csv_bytes([], header=True))
            if docs_path.exists():
                with docs_path.open("rb") as handle:
                    for raw in handle:
                        doc = _complete_line(raw)
                        if doc is None:
                            break
                        valid += len(raw)
                        name = self._register(doc, resumed=True)
                        names.add(f"{name}.txt")
                        data = _file_bytes(doc.text)
                        target = text_dir / f"{name}.txt"
                        if not target.is_file() or target.read_bytes() != data:
                            target.write_bytes(data)
                        csv_out.write(_csv_bytes(alignment_rows(doc)))
                os.truncate(docs_path, valid)
        os.replace(tmp_csv, self.out / "alignment.csv")
        for stale in text_dir.iterdir():
            if stale.name not in names:
                self._clear([stale])
        (self.out / "report.html").unlink(missing_ok=True)

    def is_done(self, source: str) -> bool:
        """Whether the input record from ``source`` is complete in an earlier run being resumed."""
        return source in self._done

    # -- documents ------------------------------------------------------------------------
    def _register(self, doc: Document, *, resumed: bool = False) -> str:
        """Count a written document, make its id unique, and return its file name."""
        source = str(doc.pipeline.get("source", ""))
        if resumed:
            self.resumed += 1
            self._done.add(source)
            self.summary.count(doc)
        self._ids.setdefault(doc.id, source)
        if self.keep_documents:
            self.kept.append(doc)
        return safe_name(doc.id, self._taken)

    def _unique_id(self, doc: Document) -> str | None:
        if doc.id not in self._ids:
            return None
        first, counter = self._ids[doc.id], 2
        while f"{doc.id}-{counter}" in self._ids:
            counter += 1
        new = f"{doc.id}-{counter}"
        message = f"duplicate id {doc.id!r} (first from {first}); written as {new!r}"
        doc.id = new
        doc.warnings.append(message)
        return message

    def write(self, doc: Document) -> list[str]:
        """Count and write one document; returns the messages to report on stderr.

        A document that cannot be serialised is a recorded failure (the run goes on); an output
        that cannot be written (disk full) raises OSError after cutting the files back."""
        if doc.error is not None:
            return self.summary.count(doc)
        duplicate = self._unique_id(doc)
        try:
            line = _file_bytes(doc.to_json() + "\n")
            rows = _csv_bytes(alignment_rows(doc))
        except Exception as exc:  # one document, recorded; the run goes on
            reason = f"{doc.pipeline.get('source', doc.id)}: cannot be written: {type(exc).__name__}: {exc}"
            self.summary.failed += 1
            self.summary.failures.append(reason)
            return [f"skipped {reason}"]
        messages = self.summary.count(doc)
        name = self._register(doc)
        self._commit(name, _file_bytes(doc.text), rows, line)
        return ([duplicate] if duplicate else []) + messages

    def _commit(self, name: str, text: bytes, rows: bytes, line: bytes) -> None:
        target = self.out / "text" / f"{name}.txt"
        files = {key: self._fds[key] for key in ("documents.jsonl", "alignment.csv")}
        sizes = {key: os.fstat(fd).st_size for key, fd in files.items()}
        tmp = target.with_name(f".{os.getpid()}{_PARTIAL}")
        try:
            tmp.write_bytes(text)
            os.replace(tmp, target)
            _write_all(self._fds["alignment.csv"], rows)
            _write_all(self._fds["documents.jsonl"], line)
        except BaseException:
            for key, fd in files.items():
                os.ftruncate(fd, sizes[key])
            tmp.unlink(missing_ok=True)
            target.unlink(missing_ok=True)
            raise

    # -- end -------------------------------------------------------------------------------
    def _write_run_json(self, status: str, error: str | None = None) -> dict[str, Any]:
        from .shards import _write_json_atomically

        summary = {"status": status, **self.summary.to_dict(self.pipeline)}
        summary["resumed"] = self.resumed
        summary["resume_key"] = self.key
        if error is not None:
            summary["error"] = error
        _write_json_atomically(self.out / "run.json", summary)
        return summary

    def finish(self, status: str = "complete", error: str | None = None) -> dict[str, Any]:
        """Close the files and finalise ``run.json`` with ``status``; returns its content."""
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        try:
            return self._write_run_json(status, error)
        finally:
            self.close()

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds = {}


def _complete_line(raw: bytes) -> Document | None:
    """The Document of a complete ``documents.jsonl`` line, or None (cut or damaged)."""
    if not raw.endswith(b"\n"):
        return None
    try:
        return Document.from_dict(json.loads(raw))
    except (ValueError, TypeError):
        return None
