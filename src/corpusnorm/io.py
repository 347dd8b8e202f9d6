"""Reading inputs: bytes to text, files, folders and JSONL records."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import Document

__all__ = [
    "DecodeError",
    "Decoded",
    "Record",
    "decode_bytes",
    "iter_records",
    "make_id",
    "record_from_dict",
    "to_document",
]


class DecodeError(ValueError):
    """Bytes that are neither UTF-8 nor anything a detector is confident about."""


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


#: Tie-break among equally clean guesses: the encodings most web text was written in.
COMMON_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "cp1251", "cp1250", "gb18030", "shift_jis", "euc_kr", "big5")


def _best_guess(matches: Any) -> Any:
    """charset-normalizer's best guess, preferring a common encoding among equally clean ones
    (on short Latin text cp1252 and cp1258 decode equally cleanly; cp1252 is far likelier)."""
    candidates = list(matches)
    if not candidates:
        return None
    least = min(m.chaos for m in candidates)
    near = [m for m in candidates if m.chaos <= least + 0.01]
    for encoding in COMMON_ENCODINGS:
        for match in near:
            if match.encoding == encoding:
                return match
    return matches.best()


def decode_bytes(data: bytes) -> Decoded:
    """UTF-8 (with or without BOM) first, then charset-normalizer, with a warning.

    A BOM is not text: it is dropped and the encoding recorded as ``utf-8-sig``.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return Decoded(data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding, [f"decoded as {encoding} (byte-order mark)"])
            except UnicodeDecodeError:
                break
    from charset_normalizer import from_bytes

    best = _best_guess(from_bytes(data))
    if best is None or best.encoding is None:
        raise DecodeError(f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and no encoding detected")
    if best.chaos > 0.3:
        raise DecodeError(
            f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}); best guess {best.encoding} "
            f"decodes to noise (chaos {best.chaos:.2f})"
        )
    text = str(best)
    return Decoded(
        text,
        best.encoding,
        [f"input is not UTF-8; decoded as {best.encoding} by charset-normalizer (chaos {best.chaos:.2f})"],
    )


def make_id(text: str) -> str:
    """A stable id for a text without one."""
    return "doc-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


@dataclass
class Record:
    """One input: its id, its text (or bytes), and where it came from."""

    id: str | None
    content: str | bytes | None
    source: str
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    """The record's other fields (``Document.metadata``)."""


def record_from_dict(data: Any, source: str, *, text_key: str = "text", id_key: str = "id") -> Record:
    """A record of a parsed JSON object: ``text_key`` holds the text (a string), ``id_key`` the id
    (optional); every other field becomes the record's metadata (``Document.metadata``)."""
    if not isinstance(data, dict):
        return Record(None, None, source, error=f'a record needs a "{text_key}" string')
    meta = {k: v for k, v in data.items() if k not in (text_key, id_key)}
    if not isinstance(data.get(text_key), str):
        return Record(None, None, source, error=f'a record needs a "{text_key}" string', meta=meta)
    doc_id = data.get(id_key)
    return Record(None if doc_id is None else str(doc_id), data[text_key], source, meta=meta)


def to_document(content: str | bytes, doc_id: str | None = None) -> Document:
    """A new Document of a str, or of bytes decoded by :func:`decode_bytes` (its warnings kept);
    without ``doc_id`` the id is :func:`make_id` of the text."""
    warnings: list[str] = []
    if isinstance(content, bytes):
        decoded = decode_bytes(content)
        text, warnings = decoded.text, decoded.warnings
    elif isinstance(content, str):
        text = content
    else:
        raise TypeError(f"expected str or bytes, got {type(content).__name__}")
    doc = Document.new(text, doc_id=doc_id if doc_id is not None else make_id(text))
    doc.warnings.extend(warnings)
    return doc


def _jsonl_records(
    path: Path | None, handle: Iterable[str], *, text_key: str = "text", id_key: str = "id"
) -> Iterator[Record]:
    name = str(path) if path else "<stdin>"
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record(None, None, where, error=f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        yield record_from_dict(data, where, text_key=text_key, id_key=id_key)


def iter_records(
    paths: Iterable[str | os.PathLike[str]], *, text_key: str = "text", id_key: str = "id"
) -> Iterator[Record]:
    """Records from .txt files, folders of them (sorted), .jsonl files, or ``-`` (stdin).

    In JSONL, ``text_key``/``id_key`` name the text and id fields; the other fields are kept as metadata.

    Stdin is read as JSONL when its first non-blank character is ``{``, else as one text.
    Unreadable inputs are yielded as records with ``error`` set, so a run can go on.
    """
    for raw in paths:
        if str(raw) == "-":
            data = sys.stdin.buffer.read()
            head = data.lstrip()[:1]
            if head == b"{":
                try:
                    lines = data.decode("utf-8").splitlines()
                except UnicodeDecodeError as exc:
                    reason = f"JSONL input is not UTF-8 ({exc.reason} at byte {exc.start})"
                    yield Record(None, None, "<stdin>", error=reason)
                    continue
                yield from _jsonl_records(None, lines, text_key=text_key, id_key=id_key)
            else:
                yield Record("stdin", data, "<stdin>")
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in {".txt", ".jsonl"})
            if not files:
                yield Record(None, None, str(path), error="folder holds no .txt or .jsonl files")
            yield from iter_records(files, text_key=text_key, id_key=id_key)
            continue
        if not path.exists():
            yield Record(None, None, str(path), error="no such file")
            continue
        if path.suffix.lower() == ".jsonl":
            try:
                with path.open(encoding="utf-8") as handle:
                    yield from _jsonl_records(path, handle, text_key=text_key, id_key=id_key)
            except (OSError, UnicodeDecodeError) as exc:
                yield Record(None, None, str(path), error=f"cannot read: {exc}")
            continue
        try:
            yield Record(path.stem, path.read_bytes(), str(path))
        except OSError as exc:
            yield Record(None, None, str(path), error=f"cannot read: {exc.strerror or exc}")
