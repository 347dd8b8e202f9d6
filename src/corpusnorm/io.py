"""Reading inputs: bytes to text, files, folders and JSONL records."""

from __future__ import annotations

import codecs
import errno
import hashlib
import json
import os
import stat
import sys
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import Document

__all__ = [
    "DecodeError",
    "Decoded",
    "InputPlan",
    "Record",
    "decode_bytes",
    "iter_records",
    "make_id",
    "record_from_dict",
    "records_of",
    "resolve_inputs",
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


_SLOPPY = threading.local()


def _sloppy_byte(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: map the first bad byte on its own and go on after it."""
    assert isinstance(exc, UnicodeDecodeError)
    byte = exc.object[exc.start : exc.start + 1]
    _SLOPPY.bad.append(exc.start)
    return byte.decode("sloppy-windows-1252"), exc.start + 1


codecs.register_error("corpusnorm-sloppy", _sloppy_byte)


def _sloppy_utf8(data: bytes) -> tuple[str, list[int]]:
    """UTF-8 that keeps every valid character and maps each byte that is not part of one on its own:
    0x80–0x9F as cp1252 (ftfy's sloppy-windows-1252: the five bytes cp1252 leaves undefined become the
    C1 control of the same number), every other byte as latin-1. Returns the text and the bad offsets.
    One pass of the C decoder (an error handler), linear in the input."""
    import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252

    _SLOPPY.bad = []
    try:
        text = data.decode("utf-8", "corpusnorm-sloppy")
        return text, _SLOPPY.bad
    finally:
        _SLOPPY.bad = []


WESTERN_MAX_SHARE = 0.3
"""Single-byte text is taken as Western European (cp1252/latin-1) only if at most this share of its
letters are non-ASCII (French, Italian, German, Spanish: a few percent; Cyrillic or Greek read as
cp1252: nearly all)."""


def _western(data: bytes) -> Decoded | None:
    """cp1252 (latin-1 if no byte is in 0x80–0x9F) when it decodes cleanly and reads as Western European:
    no C1 control, every non-ASCII character a letter or common punctuation, few non-ASCII letters."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = other = 0
    for char in text:
        if char.isascii():
            continue
        category = unicodedata.category(char)
        if category.startswith("L"):
            other += 1
        elif category[0] not in "PZNS" or char in WESTERN_UNLIKELY:
            return None
    letters = sum(1 for char in text if char.isalpha())
    if not letters or other > WESTERN_MAX_SHARE * letters:
        return None
    encoding = "cp1252" if any(0x80 <= b <= 0x9F for b in data) else "latin-1"
    return Decoded(text, encoding, [f"decode: input is not UTF-8; decoded as {encoding} (Western European text)"])


WESTERN_UNLIKELY = frozenset("¤¦¨¬¯´¸¹²³¼½¾×÷µ¶")
"""cp1252 symbols that in practice mean the bytes were not cp1252."""


def _offsets(bad: list[int]) -> str:
    shown = ", ".join(str(o) for o in bad[:10])
    return shown + (f", … ({len(bad)} bytes)" if len(bad) > 10 else "")


def decode_bytes(data: bytes) -> Decoded:
    """Bytes to text, losing at most the bytes that are not text (ftfy's rule for a fallback).

    1. UTF-8 (a BOM is not text: dropped, encoding ``utf-8-sig``);
    2. a UTF-16 byte-order mark;
    3. mostly UTF-8 (at least as many valid multi-byte characters as bad bytes): every valid character
       kept, only the bad bytes mapped (cp1252 for 0x80–0x9F, latin-1 otherwise), a warning naming
       their offsets;
    4. Western European single-byte text: cp1252 (or latin-1) when it decodes cleanly (:func:`_western`);
    5. charset-normalizer's best guess, with a warning; nothing plausible raises :class:`DecodeError`.

    Every warning starts with ``decode:`` (the CLI prints them on stderr).
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return Decoded(data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError:
            data = data[len(codecs.BOM_UTF8) :]
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding, [f"decode: decoded as {encoding} (byte-order mark)"])
            except UnicodeDecodeError:
                break
    text, bad = _sloppy_utf8(data)
    multibyte = sum(1 for char in text if not char.isascii()) - len(bad)
    if multibyte >= len(bad):
        warning = (
            f"decode: input is UTF-8 but for {len(bad)} bad byte(s) at offset(s) {_offsets(bad)}; "
            "each mapped on its own (cp1252 for 0x80-0x9F, else latin-1), every other character kept"
        )
        return Decoded(text, "utf-8+sloppy", [warning])
    western = _western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    best = _best_guess(from_bytes(data))
    if best is None or best.encoding is None:
        raise DecodeError(f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) and no encoding detected")
    if best.chaos > 0.3:
        raise DecodeError(
            f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}); best guess {best.encoding} "
            f"decodes to noise (chaos {best.chaos:.2f})"
        )
    return Decoded(
        str(best),
        best.encoding,
        [f"decode: input is not UTF-8; decoded as {best.encoding} by charset-normalizer (chaos {best.chaos:.2f})"],
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


def _join_surrogate_pairs(text: str) -> tuple[str, list[str]]:
    """A str holding UTF-16 surrogate pairs as two code points gets each pair joined into its character
    (JSON could not keep them apart: ``"\\ud83d\\ude00"`` reads back as one character). Lone
    surrogates stay (the clean stage replaces them in ``text`` by an edit; ``to_json`` escapes them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        if joined != text:
            return joined, ["input held UTF-16 surrogate pairs as separate code points; each pair joined"]
    return text, []


def to_document(content: str | bytes, doc_id: str | None = None) -> Document:
    """A new Document of a str, or of bytes decoded by :func:`decode_bytes` (its warnings kept);
    without ``doc_id`` the id is :func:`make_id` of the text."""
    warnings: list[str] = []
    if isinstance(content, bytes):
        decoded = decode_bytes(content)
        text, warnings = decoded.text, decoded.warnings
    elif isinstance(content, str):
        text, warnings = _join_surrogate_pairs(content)
    else:
        raise TypeError(f"expected str or bytes, got {type(content).__name__}")
    doc = Document.new(text, doc_id=doc_id if doc_id is not None else make_id(text))
    doc.warnings.extend(warnings)
    return doc


INPUT_SUFFIXES = (".txt", ".jsonl")
"""The files a folder contributes (any other file in a folder is not an input)."""


@dataclass
class InputPlan:
    """The inputs of a run, resolved before any output is created.

    ``entries`` are, in reading order, ``"-"`` (stdin), files to read, or error :class:`Record` objects with
    ``error`` set for paths that cannot be read (a dangling symbolic link, a link loop, a FIFO, …);
    ``notes`` name the paths left out on purpose (the output folder, a file reached twice).
    """

    entries: list[str | Path | Record] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> list[str]:
        """Every path not read, with the reason (the error records and the notes)."""
        return [f"{e.source}: {e.error}" for e in self.entries if isinstance(e, Record)] + self.notes


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


class _Resolver:
    def __init__(self, exclude: Iterable[str | os.PathLike[str]]) -> None:
        self.excluded = [os.path.realpath(p) for p in exclude]
        self.plan = InputPlan()
        self.seen_dirs: dict[str, str] = {}
        self.seen_files: dict[str, str] = {}

    def _is_excluded(self, path: Path) -> str | None:
        real = os.path.realpath(path)
        for out in self.excluded:
            if real == out or real.startswith(out.rstrip(os.sep) + os.sep):
                return out
        return None

    def _fail(self, path: Path, reason: str) -> None:
        self.plan.entries.append(Record(None, None, str(path), error=reason))

    def add(self, path: Path, *, top: bool) -> int:
        """Add ``path``; returns how many files it contributed."""
        if self._is_excluded(path):
            self.plan.notes.append(f"{path}: the output folder (--out) or inside it, not read")
            return 0
        try:
            info = path.stat()
        except OSError as exc:
            if path.is_symlink():
                loop = exc.errno == errno.ELOOP
                self._fail(path, "symbolic link loop" if loop else "dangling symbolic link (its target does not exist)")
            elif top:
                self._fail(path, "no such file" if exc.errno == errno.ENOENT else f"cannot read: {exc.strerror or exc}")
            else:
                self._fail(path, f"cannot read: {exc.strerror or exc}")
            return 0
        if stat.S_ISDIR(info.st_mode):
            return self._add_folder(path, top=top)
        if not top and not path.name.lower().endswith(INPUT_SUFFIXES):
            return 0
        if not stat.S_ISREG(info.st_mode):
            self._fail(path, f"{_kind(info.st_mode)}, not a file (use - to read a pipe)")
            return 0
        real = os.path.realpath(path)
        if real in self.seen_files:
            self.plan.notes.append(f"{path}: the same file as {self.seen_files[real]}, read once")
            return 0
        self.seen_files[real] = str(path)
        self.plan.entries.append(path)
        return 1

    def _add_folder(self, path: Path, *, top: bool) -> int:
        real = os.path.realpath(path)
        if real in self.seen_dirs:
            why = "a symbolic link loop or a second link" if path.is_symlink() or not top else "given twice"
            self.plan.notes.append(f"{path}: the folder {self.seen_dirs[real]} again ({why}), read once")
            return 0
        self.seen_dirs[real] = str(path)
        try:
            names = sorted(os.listdir(path))
        except OSError as exc:
            self._fail(path, f"cannot read the folder: {exc.strerror or exc}")
            return 0
        found = sum(self.add(path / name, top=False) for name in names)
        if not found and (top or path.name.lower().endswith(INPUT_SUFFIXES)):
            self._fail(path, "folder holds no .txt or .jsonl files" if top else "a folder (no .txt or .jsonl in it)")
        return found


def resolve_inputs(
    paths: Iterable[str | os.PathLike[str]], *, exclude: Iterable[str | os.PathLike[str]] = ()
) -> InputPlan:
    """Resolve input paths to the files to read, before anything is written.

    Folders are walked in sorted path order, following symbolic links to folders (each folder read
    once, so a link loop ends); inside a folder only ``.txt`` and ``.jsonl`` files are inputs. Paths
    under ``exclude`` (the output folder) are left out and named in ``notes``; dangling links, link
    loops, FIFOs, sockets, devices, unreadable folders and folders named like an input file become
    error records, so every path not read is named.
    """
    resolver = _Resolver(exclude)
    for raw in paths:
        if str(raw) == "-":
            resolver.plan.entries.append("-")
        else:
            resolver.add(Path(raw), top=True)
    return resolver.plan


def _decode_line(raw: bytes, where: str, number: int) -> str | Record:
    if number == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Record(None, None, where, error=f"line is not UTF-8 ({exc.reason} at byte {exc.start} of the line)")


def _jsonl_records(
    path: Path | None, handle: Iterable[bytes], *, text_key: str = "text", id_key: str = "id"
) -> Iterator[Record]:
    """Records of JSONL lines (bytes): each line decoded and parsed on its own, so a bad line is one
    error record (``file:line``) and the other lines are read."""
    name = str(path) if path else "<stdin>"
    for number, raw in enumerate(handle, start=1):
        where = f"{name}:{number}"
        line = _decode_line(raw, where, number)
        if isinstance(line, Record):
            yield line
            continue
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record(None, None, where, error=f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        yield record_from_dict(data, where, text_key=text_key, id_key=id_key)


def _stdin_records(*, text_key: str, id_key: str) -> Iterator[Record]:
    data = sys.stdin.buffer.read()
    if data.lstrip()[:1] == b"{":
        yield from _jsonl_records(None, data.splitlines(keepends=True), text_key=text_key, id_key=id_key)
    else:
        yield Record("stdin", data, "<stdin>")


def records_of(plan: InputPlan, *, text_key: str = "text", id_key: str = "id") -> Iterator[Record]:
    """The records of resolved inputs (:func:`resolve_inputs`), lazily, in order."""
    for entry in plan.entries:
        if isinstance(entry, Record):
            yield entry
        elif entry == "-":
            yield from _stdin_records(text_key=text_key, id_key=id_key)
        elif isinstance(entry, Path) and entry.name.lower().endswith(".jsonl"):
            try:
                with entry.open("rb") as handle:
                    yield from _jsonl_records(entry, handle, text_key=text_key, id_key=id_key)
            except OSError as exc:
                yield Record(None, None, str(entry), error=f"cannot read: {exc.strerror or exc}")
        else:
            path = Path(entry)
            try:
                yield Record(path.stem, path.read_bytes(), str(path))
            except OSError as exc:
                yield Record(None, None, str(path), error=f"cannot read: {exc.strerror or exc}")


def iter_records(
    paths: Iterable[str | os.PathLike[str]],
    *,
    text_key: str = "text",
    id_key: str = "id",
    exclude: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[Record]:
    """Records from .txt files, folders of them (sorted), .jsonl files, or ``-`` (stdin).

    In JSONL, ``text_key``/``id_key`` name the text and id fields; the other fields are kept as metadata.
    Each JSONL line is decoded and parsed on its own (a bad line is one error record, ``file:line``).

    Stdin is read as JSONL when its first non-blank character is ``{``, else as one text.
    Unreadable inputs are yielded as records with ``error`` set, so a run can go on; paths under
    ``exclude`` are not read (see :func:`resolve_inputs`).
    """
    yield from records_of(resolve_inputs(paths, exclude=exclude), text_key=text_key, id_key=id_key)
