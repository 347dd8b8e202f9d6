"""The lossless Document model: every change is an :class:`Edit` of ``original``.

The invariant the whole library keeps::

    doc.text == apply_edits(doc.original, doc.edits)
    undo(doc) == doc.original

Edits are stored in *original* coordinates, sorted and non-overlapping. Stages work on
``doc.text`` and hand their changes to :meth:`Document.apply_edits` in *text* coordinates;
the Document maps them back to the original and composes a change that overlaps an earlier
edit into one edit naming both stages (``"clean+repair"``). Segments and alignments live in
``doc.text`` coordinates and are re-mapped when the text changes.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = [
    "Alignment",
    "Document",
    "Edit",
    "EditError",
    "Segment",
    "apply_edits",
    "register_html_view",
    "text_spans",
    "undo",
]

_HTML_VIEW: list[Callable[[Document], str]] = []
"""The notebook view of a Document (registered by :mod:`corpusnorm.report`, which sits above this module)."""


def register_html_view(render: Callable[[Document], str]) -> None:
    """Make ``render(doc)`` the HTML a notebook shows for a Document (``Document._repr_html_``)."""
    _HTML_VIEW[:] = [render]


class EditError(ValueError):
    """Edits that cannot be applied: out of range, overlapping, or not matching the text."""


@dataclass
class Edit:
    """Replace ``before`` at ``[start, end)`` by ``after``.

    In ``Document.edits`` the span is one of ``Document.original``; when handed to
    :meth:`Document.apply_edits` it is a span of the current ``Document.text``.
    """

    start: int
    end: int
    before: str
    after: str
    stage: str
    rule: str
    confidence: float = 1.0
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Segment:
    """A stretch of ``doc.text`` in one language."""

    start: int
    end: int
    text: str
    language: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Alignment:
    """Where a text carries a quote: ``text[start:end]`` renders quote ``quote_id``."""

    quote_id: str
    kind: str
    score: float
    start: int
    end: int
    text: str
    coverage: float
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_edits(source: str, edits: Sequence[Edit], *, what: str) -> None:
    previous_end = 0
    previous_empty_at = -1
    for edit in edits:
        if not 0 <= edit.start <= edit.end <= len(source):
            raise EditError(f"edit {edit.start}:{edit.end} is outside the {what} (length {len(source)})")
        if edit.start < previous_end:
            raise EditError(f"edit {edit.start}:{edit.end} overlaps the previous edit or is out of order")
        if edit.start == edit.end and edit.start == previous_empty_at:
            raise EditError(f"two insertions at {edit.start}: order is ambiguous; merge them")
        if source[edit.start : edit.end] != edit.before:
            raise EditError(
                f"edit {edit.start}:{edit.end} expects {edit.before!r} but the {what} has "
                f"{source[edit.start : edit.end]!r}"
            )
        previous_end = edit.end
        previous_empty_at = edit.start if edit.start == edit.end else -1


def apply_edits(original: str, edits: Sequence[Edit]) -> str:
    """Apply sorted, non-overlapping edits (original coordinates) and return the new text."""
    _check_edits(original, edits, what="text")
    parts: list[str] = []
    position = 0
    for edit in edits:
        parts.append(original[position : edit.start])
        parts.append(edit.after)
        position = edit.end
    parts.append(original[position:])
    return "".join(parts)


def _join_names(*names: str) -> str:
    seen: list[str] = []
    for name in names:
        for part in name.split("+"):
            if part and part not in seen:
                seen.append(part)
    return "+".join(seen)


def _touches(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Overlap of two spans; an empty span touching the other's edge counts too."""
    if a_start < b_end and b_start < a_end:
        return True
    if a_start == a_end or b_start == b_end:
        return a_start <= b_end and b_start <= a_end
    return False


class _SpanIndex:
    """Maps positions of the text to the original, given the edits' spans in the text."""

    def __init__(self, spans: list[tuple[int, int, Edit]]) -> None:
        self.spans = spans
        self.starts = [s for s, _, _ in spans]

    def map_start(self, position: int) -> int:
        """Original position of a span start; inside an edit's output: the edit's start."""
        i = bisect.bisect_right(self.starts, position) - 1
        if i < 0:
            return position
        t_start, t_end, edit = self.spans[i]
        if t_start <= position < t_end:
            return edit.start
        return position - (t_end - edit.end)

    def map_end(self, position: int) -> int:
        """Original position of a span end; inside an edit's output: the edit's end."""
        i = bisect.bisect_left(self.starts, position) - 1
        if i < 0:
            return position
        _, t_end, edit = self.spans[i]
        if position <= t_end:
            return edit.end
        return position - (t_end - edit.end)


_Item = tuple[int, int, int, Edit]
"""(start, end, kind, edit) in text coordinates: kind 0 an existing edit's output, kind 1 a new change."""


def _clusters(spans: list[tuple[int, int, Edit]], new: list[Edit]) -> list[list[_Item]]:
    """Existing edits' spans and new changes grouped into clusters of touching spans (text space).

    Each list is internally disjoint and sorted, so in a sweep by start an item can only touch the
    few items of the other kind that still reach its start (union-find joins chains of them)."""
    items: list[_Item] = [(s, e, 0, ed) for s, e, ed in spans]
    items += [(c.start, c.end, 1, c) for c in new]
    items.sort(key=lambda it: (it[0], it[1], it[2]))
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reaching: dict[int, list[int]] = {0: [], 1: []}
    for i, item in enumerate(items):
        others = reaching[1 - item[2]] = [j for j in reaching[1 - item[2]] if items[j][1] >= item[0]]
        for j in others:
            if _touches(items[j][0], items[j][1], item[0], item[1]):
                parent[root(i)] = root(j)
        reaching[item[2]] = [j for j in reaching[item[2]] if items[j][1] >= item[0]] + [i]
    groups: dict[int, list[_Item]] = {}
    for i, item in enumerate(items):
        groups.setdefault(root(i), []).append(item)
    return sorted(groups.values(), key=lambda c: (c[0][0], c[0][1]))


class _Mover:
    """Moves positions of a text through sorted, non-overlapping changes (old text -> new text)."""

    def __init__(self, changes: Sequence[Edit]) -> None:
        self.changes = changes
        self.ends = [c.end for c in changes]  # non-decreasing: the changes are sorted and disjoint
        self.deltas = [0]
        for change in changes:
            self.deltas.append(self.deltas[-1] + len(change.after) - (change.end - change.start))

    def move(self, position: int, *, is_end: bool) -> int:
        """A start moves after an insertion at it only if it is an end; a position strictly inside a
        change goes to the change's start (a start) or the end of its replacement (an end)."""
        k = bisect.bisect_right(self.ends, position)
        if not is_end and k and self.changes[k - 1].start == self.changes[k - 1].end == position:
            k -= 1
        delta = self.deltas[k]
        if k < len(self.changes):
            change = self.changes[k]
            if change.start < position < change.end:
                return change.start + delta + (len(change.after) if is_end else 0)
        return position + delta


@dataclass(repr=False)
class Document:
    """A text, what the pipeline made of it, and how to get back.

    ``repr(doc)`` is one short line (id, language, sizes, counts); in a notebook a Document renders as
    the report's article view (``_repr_html_``)."""

    id: str
    original: str
    text: str = ""
    language: str = "und"
    languages: dict[str, float] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    suggestions: list[Edit] = field(default_factory=list)
    alignments: list[Alignment] = field(default_factory=list)
    spin_score: float | None = None
    warnings: list[str] = field(default_factory=list)
    pipeline: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    """The input's other fields (a JSONL record's ``url``, ``date``, ``outlet``, …), carried to every output."""

    @classmethod
    def new(cls, text: str, *, doc_id: str, metadata: dict[str, Any] | None = None) -> Document:
        return cls(id=doc_id, original=text, text=text, metadata=dict(metadata or {}))

    # -- coordinates -------------------------------------------------------------------
    def _text_spans(self) -> list[tuple[int, int, Edit]]:
        """Each edit with the span its ``after`` occupies in ``self.text``."""
        return self._span_index().spans

    def _span_index(self) -> _SpanIndex:
        """The span index of the current edits, built once per list of edits (not per call: mapping
        every alignment of a large document rebuilt it each time, quadratic in the document)."""
        cached = self.__dict__.get("_spans_cache")
        if cached is None or cached[0] is not self.edits or cached[1] != len(self.edits):
            cached = (self.edits, len(self.edits), _SpanIndex(text_spans(self.edits)))
            self.__dict__["_spans_cache"] = cached
        return cached[2]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` to the span of ``original`` it came from.

        A position inside the output of an edit widens to the whole edit, so the returned
        span covers every original character the text span depends on.
        """
        if not 0 <= start <= end <= len(self.text):
            raise IndexError(f"span {start}:{end} outside text of length {len(self.text)}")
        index = self._span_index()
        orig_start = index.map_start(start)
        return orig_start, max(orig_start, index.map_end(end))

    # -- changing the text ---------------------------------------------------------------
    def apply_edits(self, changes: Iterable[Edit]) -> list[Edit]:
        """Apply changes given in coordinates of the current ``text``.

        ``changes`` must be non-overlapping; each ``before`` must equal the current text at
        its span. Returns the document-level edits that were created or composed.

        Cost O((n + k) log k) for a text of length n and k edits: the spans of the edits in the
        text are computed once per batch, existing and new edits are grouped in one sorted sweep,
        and segments and alignments are moved by bisection.
        """
        new = sorted((c for c in changes if c.before != c.after), key=lambda c: (c.start, c.end))
        if not new:
            return []
        _check_edits(self.text, new, what="current text")
        index = self._span_index()
        result: list[Edit] = []
        created: list[Edit] = []
        for cluster in _clusters(index.spans, new):
            if all(kind == 0 for _, _, kind, _ in cluster):
                result.extend(item[3] for item in cluster)
                continue
            merged = self._merge(cluster, index)
            if merged is not None:
                result.append(merged)
                created.append(merged)
        result.sort(key=lambda e: (e.start, e.end))
        self.edits = result
        self.text = apply_edits(self.original, self.edits)
        self._remap(new)
        return created

    def _merge(self, cluster: list[_Item], index: _SpanIndex) -> Edit | None:
        """One edit (original coordinates) for a cluster of touching existing (kind 0) and new
        (kind 1) edits; None if it would restore the original."""
        t_start = min(it[0] for it in cluster)
        t_end = max(it[1] for it in cluster)
        o_start = min(it[3].start if it[2] == 0 else index.map_start(it[0]) for it in cluster)
        o_end = max(it[3].end if it[2] == 0 else index.map_end(it[1]) for it in cluster)
        pieces: list[str] = []
        cursor = t_start
        for s, e, _kind, edit in sorted((it for it in cluster if it[2] == 1), key=lambda it: (it[0], it[1])):
            pieces.append(self.text[cursor:s])
            pieces.append(edit.after)
            cursor = e
        pieces.append(self.text[cursor:t_end])
        after = "".join(pieces)
        before = self.original[o_start:o_end]
        if before == after:
            return None
        members = [it[3] for it in sorted(cluster, key=lambda it: (it[2], it[3].start if it[2] == 0 else it[0]))]
        if len(members) == 1:
            only = members[0]
            return Edit(o_start, o_end, before, after, only.stage, only.rule, only.confidence, only.evidence)
        return Edit(
            o_start,
            o_end,
            before,
            after,
            stage=_join_names(*(m.stage for m in members)),
            rule=_join_names(*(m.rule for m in members)),
            confidence=min(m.confidence for m in members),
            evidence=" | ".join(m.evidence for m in members if m.evidence),
        )

    def _remap(self, changes: Sequence[Edit]) -> None:
        """Move segment and alignment offsets from the old text to the new one (bisection over the
        sorted changes: O(log k) per offset, not O(k))."""
        mover = _Mover(changes)
        for span in (*self.segments, *self.alignments):
            span.start = mover.move(span.start, is_end=False)
            span.end = max(span.start, mover.move(span.end, is_end=True))
            span.text = self.text[span.start : span.end]

    # -- serialisation -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        """One line of JSON, always encodable as UTF-8: a lone surrogate (from a Python str or a JSON
        ``"\\ud800"``) is written as its ``\\uXXXX`` escape, which reads back as the same code point."""
        line = json.dumps(self.to_dict(), ensure_ascii=False)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:
            return "".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c for c in line)
        return line

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["segments"] = [Segment(**s) for s in data.get("segments", [])]
        values["edits"] = [Edit(**e) for e in data.get("edits", [])]
        values["suggestions"] = [Edit(**e) for e in data.get("suggestions", [])]
        values["alignments"] = [Alignment(**a) for a in data.get("alignments", [])]
        return cls(**values)

    def __repr__(self) -> str:
        spin = "None" if self.spin_score is None else f"{self.spin_score:.2f}"
        error = f", error={self.error!r}" if self.error is not None else ""
        return (
            f"Document(id={self.id!r}, language={self.language!r}, original={len(self.original):,} chars, "
            f"text={len(self.text):,} chars, segments={len(self.segments)}, edits={len(self.edits)}, "
            f"suggestions={len(self.suggestions)}, alignments={len(self.alignments)}, "
            f"warnings={len(self.warnings)}, spin_score={spin}{error})"
        )

    def _repr_html_(self) -> str | None:
        """The report's article view in a notebook (None, so plain ``repr``, if no view is registered)."""
        return _HTML_VIEW[0](self) if _HTML_VIEW else None


def text_spans(edits: Sequence[Edit]) -> list[tuple[int, int, Edit]]:
    """Each edit (sorted, original coordinates) with the span its ``after`` occupies in the edited text."""
    spans = []
    delta = 0
    for edit in edits:
        start = edit.start + delta
        spans.append((start, start + len(edit.after), edit))
        delta += len(edit.after) - (edit.end - edit.start)
    return spans


def undo(doc: Document) -> str:
    """Rebuild the original from the normalised text and the edits."""
    parts: list[str] = []
    position = 0
    for t_start, t_end, edit in doc._text_spans():
        parts.append(doc.text[position:t_start])
        parts.append(edit.before)
        position = t_end
    parts.append(doc.text[position:])
    return "".join(parts)
