"""The per-article view: the text with language segments, repairs and quotes marked; the original and
every change shown on request (no hovering needed); tables of alignments, edits, suggestions, warnings."""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..document import Alignment, Document, Edit, Segment, text_spans
from .labels import marked_differences, rule_label
from .style import badge, kind_class, language_tint, legend

__all__ = ["article_body", "fmt", "render_text"]

SAFE_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
MAX_TABLE_ROWS = 500
DIFF_KINDS = ("near", "spun", "paraphrase")
"""Kinds whose words may differ from the quote's: the differing words are marked."""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _edit_tip(edit: Edit) -> str:
    return (
        f"{edit.before!r} → {edit.after!r} · {rule_label(edit.rule, edit.stage)} [{edit.rule}] · {edit.stage} · "
        f"confidence {edit.confidence:.2f}"
    )


def _position(edit: Edit) -> tuple[int, int]:
    return edit.start, edit.end


def _valid_span(start: int, end: int, length: int) -> bool:
    return 0 <= start <= end <= length


@dataclass
class _Marks:
    """What is drawn over ``doc.text``: valid spans only, indexed by boundary position."""

    segments: list[Segment]
    alignments: list[tuple[int, Alignment]]
    repairs: list[tuple[int, int, Edit]]
    points: list[int] = field(default_factory=list)
    seg_starts: dict[int, Segment] = field(default_factory=dict)
    al_starts: dict[int, list[tuple[int, Alignment]]] = field(default_factory=dict)
    al_ends: dict[int, list[int]] = field(default_factory=dict)
    deletions: dict[int, list[Edit]] = field(default_factory=dict)


def _collect_marks(doc: Document, warnings: list[str]) -> _Marks:
    length = len(doc.text)
    marks = _Marks(
        segments=sorted(
            (s for s in doc.segments if _valid_span(s.start, s.end, length) and s.start < s.end),
            key=lambda s: (s.start, s.end),
        ),
        alignments=[(i, a) for i, a in enumerate(doc.alignments) if _valid_span(a.start, a.end, length)],
        repairs=sorted(
            (r for r in text_spans(sorted(doc.edits, key=_position)) if _valid_span(r[0], r[1], length)),
            key=lambda r: (r[0], r[1]),
        ),
    )
    dropped = (
        len(doc.segments)
        + len(doc.alignments)
        + len(doc.edits)
        - len(marks.segments)
        - len(marks.alignments)
        - len(marks.repairs)
    )
    if dropped:
        warnings.append(f"report: {dropped} segment/alignment/edit span(s) outside the text were not drawn")
    bounds = {0, length}
    for s in marks.segments:
        bounds.update((s.start, s.end))
        marks.seg_starts[s.start] = s
    for i, a in marks.alignments:
        bounds.update((a.start, a.end))
        marks.al_starts.setdefault(a.start, []).append((i, a))
        marks.al_ends.setdefault(a.end, []).append(i)
    for s, e, ed in marks.repairs:
        bounds.update((s, e))
        if s == e:
            marks.deletions.setdefault(s, []).append(ed)
    marks.points = sorted(bounds)
    return marks


def _labels_at(marks: _Marks, start: int, active: dict[int, Alignment], prefix: str) -> list[str]:
    """The labels inserted at a boundary: segment language, quote references, deletion marks."""
    out: list[str] = []
    segment = marks.seg_starts.get(start)
    if segment is not None:
        out.append(
            f'<span class="lgb" title="{esc(segment.language)} segment, confidence '
            f'{segment.confidence:.2f}">{esc(segment.language)}</span>'
        )
    for i, a in marks.al_starts.get(start, []):
        if a.end > a.start:
            active[i] = a
        out.append(
            f'<a class="qref ku-{kind_class(a.kind)}" href="#{prefix}-al-{i}" '
            f'title="{esc(a.quote_id)} · {esc(a.kind)} · score {a.score:.2f}">{esc(a.quote_id)}</a>'
        )
    for ed in marks.deletions.get(start, []):
        out.append(f'<span class="del" title="deleted: {esc(_edit_tip(ed))}">⌫</span>')
    return out


def _piece(text: str, segment: Segment | None, active: dict[int, Alignment], repair: Edit | None) -> str:
    """One stretch of text between two boundaries, in a span carrying its tint, underline and repair mark."""
    classes: list[str] = []
    attrs: list[str] = []
    style = ""
    if segment is not None:
        style = f' style="background:{language_tint(segment.language)}"'
        if SAFE_LANG_RE.match(segment.language):
            attrs.append(f'lang="{esc(segment.language)}"')
    title = ""
    if active:
        covering = [active[i] for i in sorted(active)]
        best = max(covering, key=lambda a: a.score)
        classes += ["al", f"ku-{kind_class(best.kind)}"] + (["al2"] if len(covering) > 1 else [])
        title = "; ".join(f"{a.quote_id} ({a.kind}, {a.score:.2f})" for a in covering)
    if repair is not None:
        classes.append("rep")
        title = _edit_tip(repair) + (f"; {title}" if title else "")
    if title:
        attrs.append(f'title="{esc(title)}"')
    if not (classes or attrs or style):
        return esc(text)
    head = "<span" + (f' class="{" ".join(classes)}"' if classes else "") + style
    return head + ("".join(" " + a for a in attrs)) + f">{esc(text)}</span>"


def render_text(doc: Document, prefix: str, warnings: list[str]) -> str:
    """doc.text with segment tints, repair marks and alignment underlines (one sweep over boundaries)."""
    marks = _collect_marks(doc, warnings)
    segments, repairs, points = marks.segments, marks.repairs, marks.points
    active: dict[int, Alignment] = {}
    seg_at = rep_at = 0
    out: list[str] = []
    for index, start in enumerate(points):
        for i in marks.al_ends.get(start, []):
            active.pop(i, None)
        out.extend(_labels_at(marks, start, active, prefix))
        if index + 1 >= len(points):
            break
        while seg_at < len(segments) and segments[seg_at].end <= start:
            seg_at += 1
        while rep_at < len(repairs) and repairs[rep_at][1] <= start:
            rep_at += 1
        segment = segments[seg_at] if seg_at < len(segments) and segments[seg_at].start <= start else None
        repair = repairs[rep_at][2] if rep_at < len(repairs) and repairs[rep_at][0] <= start else None
        out.append(_piece(doc.text[start : points[index + 1]], segment, active, repair))
    return "".join(out)


def render_changes(doc: Document) -> str:
    """The original with every edit shown in place: ``<del>before</del><ins>after</ins>``."""
    out, at = [], 0
    for edit in sorted(doc.edits, key=lambda e: (e.start, e.end)):
        if not at <= edit.start <= edit.end <= len(doc.original):
            continue
        out.append(esc(doc.original[at : edit.start]))
        tip = esc(f"{rule_label(edit.rule, edit.stage)} [{edit.rule}]")
        if edit.before:
            out.append(f'<del title="{tip}">{esc(edit.before)}</del>')
        if edit.after:
            out.append(f'<ins title="{tip}">{esc(edit.after)}</ins>')
        at = edit.end
    out.append(esc(doc.original[at:]))
    return "".join(out)


def table(headers: Sequence[str], rows: list[list[str]], *, caption: str, wide: bool = False) -> str:
    """rows: already-escaped cell HTML. ``wide``: full width, fixed layout, long cells wrap."""
    shown = rows[:MAX_TABLE_ROWS]
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in shown)
    more = f"<p>{len(rows) - len(shown)} more not shown.</p>" if len(rows) > len(shown) else ""
    cls = ' class="wide"' if wide else ""
    head_html = f"<caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
    return f"<table{cls}>{head_html}<tbody>{body}</tbody></table>{more}"


def _rule_cell(edit: Edit) -> str:
    return f'<span title="{esc(edit.rule)}">{esc(rule_label(edit.rule, edit.stage))}</span>'


def _alignment_rows(doc: Document, prefix: str, quote_texts: Mapping[str, str], quote_link: bool) -> list[list[str]]:
    rows = []
    for i, a in enumerate(doc.alignments):
        qid = esc(a.quote_id)
        ref = f'<a href="#quote-{qid}">{qid}</a>' if quote_link else qid
        quote = quote_texts.get(a.quote_id)
        if quote is not None and a.kind in DIFF_KINDS:
            article_html, quote_html = marked_differences(a.text, quote)
        else:
            article_html, quote_html = esc(a.text), esc(quote) if quote is not None else "<i>(not in quote set)</i>"
        span = f"{a.start}–{a.end}"
        anchor = f'<span id="{prefix}-al-{i}">{ref}</span>'
        scores = [f"{a.score:.2f}", f"{a.coverage:.2f}"]
        rows.append([anchor, badge(a.kind), *scores, span, article_html, quote_html, esc(a.evidence)])
    return rows


def _tables(doc: Document, prefix: str, quote_texts: Mapping[str, str], quote_link: bool) -> list[str]:
    parts = []
    rows = _alignment_rows(doc, prefix, quote_texts, quote_link)
    if rows:
        headers = ["quote", "kind", "score", "coverage", "span", "article text", "quote text", "evidence"]
        parts.append(table(headers, rows, caption="Aligned quotes (differing words marked)", wide=True))
    edit_rows = [
        [esc(e.before), esc(e.after), esc(e.stage), _rule_cell(e), f"{e.confidence:.2f}", esc(e.evidence)]
        for e in sorted(doc.edits, key=_position)
    ]
    if edit_rows:
        headers = ["before", "after", "stage", "rule (hover: id)", "confidence", "evidence"]
        parts.append(table(headers, edit_rows, caption="Edits (before → after, original coordinates)", wide=True))
    sugg_rows = [
        [esc(e.before), esc(e.after), _rule_cell(e), f"{e.confidence:.2f}", esc(e.evidence)] for e in doc.suggestions
    ]
    if sugg_rows:
        headers = ["before", "suggested", "rule (hover: id)", "confidence", "evidence"]
        caption = "Suggestions (below the confidence floor, not applied)"
        parts.append(table(headers, sugg_rows, caption=caption, wide=True))
    return parts


def _meta(doc: Document) -> str:
    languages = ", ".join(f"{esc(k)} {v:.0%}" for k, v in sorted(doc.languages.items(), key=lambda kv: -kv[1]))
    return (
        f'<p class="meta"><span>language: <b>{esc(doc.language)}</b></span>'
        f"<span>shares: {languages or '–'}</span><span>spin score: {fmt(doc.spin_score)}</span>"
        f"<span>edits: {len(doc.edits)}</span><span>suggestions: {len(doc.suggestions)}</span>"
        f"<span>alignments: {len(doc.alignments)}</span></p>" + _metadata(doc)
    )


def _metadata(doc: Document) -> str:
    """The input's own fields (outlet, url, date, …), shown as they came."""
    if not doc.metadata:
        return ""
    items = "".join(f"<span>{esc(k)}: {esc(v)}</span>" for k, v in list(doc.metadata.items())[:12])
    return f'<p class="meta">{items}</p>'


MARKS_LEGEND = (
    '<p class="legend"><span><span class="rep">repaired</span> (hover: before → after)</span>'
    '<span><span class="del">⌫</span> deletion</span><span>tinted background + '
    '<span class="lgb">xx</span> badge: language segment</span></p>'
)


def article_body(doc: Document, *, prefix: str, quote_texts: Mapping[str, str], quote_link: bool, nav: str = "") -> str:
    """The article view (an HTML fragment); ``nav``: links placed above and below it."""
    warnings = list(doc.warnings)
    text_html = render_text(doc, prefix, warnings)
    parts = [nav, f"<h2>{esc(doc.id)}</h2>", _meta(doc)]
    if doc.error:
        parts.append(f'<p class="warn">error: {esc(doc.error)}</p>')
    parts += [legend(), MARKS_LEGEND, f'<div class="text">{text_html}</div>']
    if doc.edits:
        parts.append(
            f'<details class="alt"><summary>Show every change in place ({len(doc.edits)} edits: '
            "<del>original</del> <ins>normalised</ins>)</summary>"
            f'<div class="text-alt">{render_changes(doc)}</div></details>'
            f'<details class="alt"><summary>Show the original text</summary><div class="text-alt">{esc(doc.original)}'
            "</div></details>"
        )
    parts += _tables(doc, prefix, quote_texts, quote_link)
    if warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
        parts.append(f'<h3>Warnings</h3><ul class="warn">{items}</ul>')
    parts.append(nav)
    return "".join(parts)


def notebook_prefix(doc: Document) -> str:
    return "cn" + format(zlib.crc32(doc.id.encode("utf-8", "replace")), "08x")
