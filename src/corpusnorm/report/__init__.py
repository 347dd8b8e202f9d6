"""A self-contained HTML report of processed Documents (stdlib only: no CDN, no network).

:func:`write_report` writes ``report.html``: a heatmap of articles x quotes (colour by kind, with a
text code in every cell and the score on hover), paginated by a small inline script, a list of the
quotes, and one view per article. :func:`render_document_html` renders that per-article view for a
notebook (``Document._repr_html_``).

Per-article view: the text with its language segments tinted (and labelled), repaired spans marked
(``before -> after``, rule and confidence on hover and in a table), aligned quotes underlined in the
colour of their kind and linked to the quote text, then tables of alignments, repairs, suggestions and
warnings.

Scale: up to ``inline_limit`` articles the views are sections of ``report.html`` shown one at a time
(CSS ``:target``, not laid out until opened); beyond it each article gets its own small page in a
``<stem>_articles/`` folder beside the report, so the main page stays light for 5,000 articles.
Colours follow the Okabe-Ito colour-blind-safe palette and never carry meaning alone.
"""

from __future__ import annotations

import html
import json
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from ..document import Alignment, Document, Edit, Segment, register_html_view, text_spans

__all__ = ["KIND_STYLES", "render_document_html", "write_report"]


@dataclass(frozen=True)
class KindStyle:
    code: str  # text label shown in heatmap cells, so colour is never the only cue
    background: str
    foreground: str


# Okabe-Ito palette; foregrounds chosen for >= 4.5:1 contrast.
KIND_STYLES: dict[str, KindStyle] = {
    "verbatim": KindStyle("V", "#0072B2", "#FFFFFF"),
    "near": KindStyle("N", "#56B4E9", "#000000"),
    "spun": KindStyle("S", "#E69F00", "#000000"),
    "translated": KindStyle("T", "#009E73", "#000000"),
    "paraphrase": KindStyle("P", "#CC79A7", "#000000"),
}
OTHER_KIND = KindStyle("?", "#BBBBBB", "#000000")
# Light tints for language segments (each segment also gets a text badge with its code): fixed for
# common languages so a language looks the same in every article, a stable hash for the others.
LANGUAGE_TINTS = ("#D6EAF8", "#FCE5CD", "#D5F5E3", "#F5E0EC", "#FFF5C2", "#E4E4E4", "#E8DAF5", "#F9D9D0")
PREFERRED_TINT = {"en": 0, "it": 1, "hi": 2, "fr": 3, "de": 4, "es": 5, "pt": 6, "zh": 7}
SAFE_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
MAX_TABLE_ROWS = 500
DEFAULT_PER_PAGE = 50
DEFAULT_INLINE_LIMIT = 300

CSS = """
.cn-doc, .cn-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111;
  line-height: 1.45; }
.cn-report { margin: 0 auto; max-width: 1200px; padding: 1rem; }
.cn-doc h2, .cn-doc h3 { margin: .6em 0 .3em; }
.cn-doc .meta { color: #333; font-size: .92em; }
.cn-doc .meta span { margin-right: 1.2em; }
.cn-doc .text { white-space: pre-wrap; border: 1px solid #ccc; padding: .8em; background: #fff;
  font-family: Georgia, "Noto Serif", "Noto Serif Devanagari", serif; font-size: 1.02em; }
.cn-doc .lgb { font: 600 .7em system-ui, sans-serif; background: #333; color: #fff; border-radius: 3px;
  padding: 0 .3em; margin-right: .2em; vertical-align: super; }
.cn-doc .rep { text-decoration: underline dotted #000 2px; background: #FFE066 !important;
  outline: 1px dashed #806600; }
.cn-doc .del { font: 600 .75em system-ui, sans-serif; color: #7A0000; background: #FFE0E0; padding: 0 .15em; }
.cn-doc .al { border-bottom: 3px solid var(--k, #777); }
.cn-doc .al2 { border-bottom-style: double; border-bottom-width: 4px; }
.cn-doc a.qref { font: 600 .7em system-ui, sans-serif; vertical-align: super; text-decoration: none;
  background: var(--k, #777); color: var(--kf, #000); border-radius: 3px; padding: 0 .25em; margin-right: .1em; }
.cn-doc table, .cn-report table { border-collapse: collapse; margin: .4em 0 1em; font-size: .9em; }
.cn-doc th, .cn-doc td, .cn-report th, .cn-report td { border: 1px solid #ccc; padding: .2em .45em;
  vertical-align: top; text-align: left; }
.cn-doc .badge, .cn-report .badge { display: inline-block; min-width: 1.4em; text-align: center;
  font-weight: 700; border-radius: 3px; padding: 0 .3em; }
.cn-doc .warn { color: #7A0000; }
.cn-doc .legend span, .cn-report .legend span { margin-right: .8em; white-space: nowrap; }
.cn-report .hm-wrap { overflow-x: auto; }
.cn-report #cn-heatmap td.cell { width: 1.7em; min-width: 1.7em; text-align: center; font-weight: 700;
  padding: .1em; }
.cn-report #cn-heatmap td.empty { background: #fff; }
.cn-report #cn-heatmap th.q { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: 600;
  padding: .3em .1em; }
.cn-report .pager { margin: .5em 0; }
.cn-report .pager button, .cn-report .pager select, .cn-report .pager input { font-size: 1em; margin-right: .4em; }
.cn-report section.article { display: none; border-top: 3px solid #333; margin-top: 1.5em; }
.cn-report section.article:target { display: block; }
.cn-report .quotes td.qt { max-width: 60em; }
"""

HEATMAP_JS = """
(function () {
  var data = JSON.parse(document.getElementById('cn-heatmap-data').textContent);
  var table = document.getElementById('cn-heatmap');
  var tbody = table.tBodies[0];
  var label = document.getElementById('cn-page-label');
  var filterBox = document.getElementById('cn-filter');
  var sizeBox = document.getElementById('cn-page-size');
  var perPage = data.perPage, page = 0, rows = data.rows;
  var m = /^#heatmap-page-(\\d+)$/.exec(window.location.hash);
  if (m) { page = parseInt(m[1], 10) - 1; }
  function pages() { return Math.max(1, Math.ceil(rows.length / perPage)); }
  function cell(tr, c) {
    var td = document.createElement('td');
    if (!c) { td.className = 'cell empty'; tr.appendChild(td); return; }
    var col = data.columns[c[0]], kind = data.kinds[c[1]];
    td.className = 'cell k-' + kind.name;
    td.textContent = kind.code;
    var tip = col + ' \\u00b7 ' + kind.name + ' \\u00b7 score ' + c[2].toFixed(2);
    if (c[3] > 1) { tip += ' \\u00b7 \\u00d7' + c[3]; }
    td.title = tip;
    td.setAttribute('aria-label', tip);
    tr.appendChild(td);
  }
  function render() {
    page = Math.min(Math.max(page, 0), pages() - 1);
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    var slice = rows.slice(page * perPage, (page + 1) * perPage);
    slice.forEach(function (r) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-doc', r.id);
      var th = document.createElement('th');
      th.scope = 'row';
      var a = document.createElement('a');
      a.href = r.href; a.textContent = r.id;
      th.appendChild(a); tr.appendChild(th);
      [r.lang, r.spin === null ? '\\u2013' : r.spin.toFixed(2), String(r.edits)].forEach(function (v) {
        var td = document.createElement('td'); td.textContent = v; tr.appendChild(td);
      });
      var byCol = {};
      r.cells.forEach(function (c) { byCol[c[0]] = c; });
      for (var i = 0; i < data.columns.length; i++) { cell(tr, byCol[i]); }
      tbody.appendChild(tr);
    });
    label.textContent = 'Page ' + (page + 1) + ' of ' + pages() + ' (' + rows.length + ' articles)';
    table.setAttribute('data-js', 'ready');
    table.setAttribute('data-page', String(page + 1));
  }
  document.getElementById('cn-prev').onclick = function () { page -= 1; render(); };
  document.getElementById('cn-next').onclick = function () { page += 1; render(); };
  sizeBox.onchange = function () { perPage = parseInt(sizeBox.value, 10); page = 0; render(); };
  filterBox.oninput = function () {
    var q = filterBox.value.toLowerCase();
    rows = data.rows.filter(function (r) { return r.id.toLowerCase().indexOf(q) >= 0; });
    page = 0; render();
  };
  document.getElementById('cn-controls').hidden = false;
  render();
})();
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _kind_style(kind: str) -> KindStyle:
    return KIND_STYLES.get(kind, OTHER_KIND)


def _kind_css() -> str:
    rules = []
    for name, style in [*KIND_STYLES.items(), ("other", OTHER_KIND)]:
        rules.append(f".k-{name} {{ background: {style.background}; color: {style.foreground}; }}")
        rules.append(f".ku-{name} {{ --k: {style.background}; --kf: {style.foreground}; }}")
    return "\n".join(rules)


def _kind_class(kind: str) -> str:
    return kind if kind in KIND_STYLES else "other"


def _language_tint(language: str) -> str:
    base = language.split("-")[0].lower()
    index = PREFERRED_TINT.get(base, zlib.crc32(base.encode("utf-8")) % len(LANGUAGE_TINTS))
    return LANGUAGE_TINTS[index]


def _json_for_script(data: Any) -> str:
    """JSON that cannot close the <script> element it sits in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _quote_texts(quotes: Any) -> dict[str, str]:
    """Quote id -> text from a sequence of Quote-like objects or dicts, a path, or (None) the canonical set."""
    if quotes is None:
        try:
            from ..quotes import canonical_quotes

            quotes = canonical_quotes()
        except Exception:  # the report must not fail for want of quote texts
            return {}
    elif isinstance(quotes, (str, PathLike)):
        from ..quotes import load_quotes

        quotes = load_quotes(quotes)
    texts: dict[str, str] = {}
    for quote in quotes:
        if isinstance(quote, Mapping):
            texts[str(quote["id"])] = str(quote.get("text", ""))
        else:
            texts[str(quote.id)] = str(quote.text)
    return texts


def _edit_text_spans(doc: Document) -> list[tuple[int, int, Edit]]:
    """Each document edit (original coordinates) with the span its ``after`` occupies in ``doc.text``
    (sorted first: a Document read from a file may hold them in any order)."""
    return text_spans(sorted(doc.edits, key=lambda e: (e.start, e.end)))


def _edit_tip(edit: Edit) -> str:
    return f"{edit.before!r} → {edit.after!r} · {edit.stage} · {edit.rule} · confidence {edit.confidence:.2f}"


def _valid_span(start: int, end: int, length: int) -> bool:
    return 0 <= start <= end <= length


def _render_text(doc: Document, prefix: str, warnings: list[str]) -> str:
    """doc.text with segment tints, repair marks and alignment underlines (one sweep over boundaries)."""
    text = doc.text
    length = len(text)
    segments = [s for s in doc.segments if _valid_span(s.start, s.end, length) and s.start < s.end]
    alignments = [(i, a) for i, a in enumerate(doc.alignments) if _valid_span(a.start, a.end, length)]
    repairs = [(s, e, ed) for s, e, ed in _edit_text_spans(doc) if _valid_span(s, e, length)]
    dropped = len(doc.segments) - len(segments) + len(doc.alignments) - len(alignments) + len(doc.edits) - len(repairs)
    if dropped:
        warnings.append(f"report: {dropped} segment/alignment/edit span(s) outside the text were not drawn")

    bounds = {0, length}
    for s in segments:
        bounds.update((s.start, s.end))
    for _, a in alignments:
        bounds.update((a.start, a.end))
    for s, e, _ in repairs:
        bounds.update((s, e))
    points = sorted(bounds)
    seg_starts: dict[int, Segment] = {s.start: s for s in segments}
    al_starts: dict[int, list[tuple[int, Alignment]]] = {}
    for i, a in alignments:
        al_starts.setdefault(a.start, []).append((i, a))
    deletions: dict[int, list[Edit]] = {}
    for s, e, ed in repairs:
        if s == e:
            deletions.setdefault(s, []).append(ed)

    segments.sort(key=lambda s: (s.start, s.end))
    repairs.sort(key=lambda r: (r[0], r[1]))
    al_ends: dict[int, list[int]] = {}
    for i, a in alignments:
        al_ends.setdefault(a.end, []).append(i)
    active: dict[int, Alignment] = {}
    seg_at = rep_at = 0
    out: list[str] = []
    for index, start in enumerate(points):
        for i in al_ends.get(start, []):
            active.pop(i, None)
        segment = seg_starts.get(start)
        if segment is not None:
            out.append(
                f'<span class="lgb" title="{_esc(segment.language)} segment, confidence '
                f'{segment.confidence:.2f}">{_esc(segment.language)}</span>'
            )
        for i, a in al_starts.get(start, []):
            if a.end > a.start:
                active[i] = a
            out.append(
                f'<a class="qref ku-{_kind_class(a.kind)}" href="#{prefix}-al-{i}" '
                f'title="{_esc(a.quote_id)} · {_esc(a.kind)} · score {a.score:.2f}">{_esc(a.quote_id)}</a>'
            )
        for ed in deletions.get(start, []):
            out.append(f'<span class="del" title="deleted: {_esc(_edit_tip(ed))}">⌫</span>')
        if index + 1 >= len(points):
            break
        end = points[index + 1]
        while seg_at < len(segments) and segments[seg_at].end <= start:
            seg_at += 1
        while rep_at < len(repairs) and repairs[rep_at][1] <= start:
            rep_at += 1
        piece = _esc(text[start:end])
        classes: list[str] = []
        attrs: list[str] = []
        styles: list[str] = []
        seg = segments[seg_at] if seg_at < len(segments) and segments[seg_at].start <= start else None
        if seg is not None:
            styles.append(f"background:{_language_tint(seg.language)}")
            if SAFE_LANG_RE.match(seg.language):
                attrs.append(f'lang="{_esc(seg.language)}"')
        title = ""
        if active:
            covering = [active[i] for i in sorted(active)]
            best = max(covering, key=lambda a: a.score)
            classes += ["al", f"ku-{_kind_class(best.kind)}"] + (["al2"] if len(covering) > 1 else [])
            title = "; ".join(f"{a.quote_id} ({a.kind}, {a.score:.2f})" for a in covering)
        repair = repairs[rep_at][2] if rep_at < len(repairs) and repairs[rep_at][0] <= start else None
        if repair is not None:
            classes.append("rep")
            title = _edit_tip(repair) + (f"; {title}" if title else "")
        if title:
            attrs.append(f'title="{_esc(title)}"')
        if not (classes or attrs or styles):
            out.append(piece)
            continue
        head = "<span"
        if classes:
            head += f' class="{" ".join(classes)}"'
        if styles:
            head += f' style="{";".join(styles)}"'
        if attrs:
            head += " " + " ".join(attrs)
        out.append(f"{head}>{piece}</span>")
    return "".join(out)


def _table(headers: Sequence[str], rows: list[list[str]], *, caption: str) -> str:
    """rows: already-escaped cell HTML."""
    shown = rows[:MAX_TABLE_ROWS]
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in shown)
    more = f"<p>{len(rows) - len(shown)} more not shown.</p>" if len(rows) > len(shown) else ""
    return f"<table><caption>{_esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _badge(kind: str) -> str:
    style = _kind_style(kind)
    return f'<span class="badge k-{_kind_class(kind)}">{_esc(style.code)}</span> {_esc(kind)}'


def _legend() -> str:
    items = "".join(f"<span>{_badge(kind)}</span>" for kind in KIND_STYLES)
    return f'<p class="legend">Quote kinds: {items}</p>'


def _article_body(doc: Document, *, prefix: str, quote_texts: Mapping[str, str], quote_link: bool) -> str:
    warnings = list(doc.warnings)
    text_html = _render_text(doc, prefix, warnings)
    languages = ", ".join(f"{_esc(k)} {v:.0%}" for k, v in sorted(doc.languages.items(), key=lambda kv: -kv[1]))
    meta = (
        f'<p class="meta"><span>language: <b>{_esc(doc.language)}</b></span>'
        f"<span>shares: {languages or '–'}</span><span>spin score: {_fmt(doc.spin_score)}</span>"
        f"<span>edits: {len(doc.edits)}</span><span>suggestions: {len(doc.suggestions)}</span>"
        f"<span>alignments: {len(doc.alignments)}</span></p>"
    )
    parts = [f"<h2>{_esc(doc.id)}</h2>", meta]
    if doc.error:
        parts.append(f'<p class="warn">error: {_esc(doc.error)}</p>')
    parts.append(_legend())
    parts.append(
        '<p class="legend"><span><span class="rep">repaired</span> (hover: before → after)</span>'
        '<span><span class="del">⌫</span> deletion</span><span>tinted background + '
        '<span class="lgb">xx</span> badge: language segment</span></p>'
    )
    parts.append(f'<div class="text">{text_html}</div>')

    rows = []
    for i, a in enumerate(doc.alignments):
        qid = _esc(a.quote_id)
        ref = f'<a href="#quote-{qid}">{qid}</a>' if quote_link else qid
        quote = quote_texts.get(a.quote_id)
        rows.append(
            [
                f'<span id="{prefix}-al-{i}">{ref}</span>',
                _badge(a.kind),
                f"{a.score:.2f}",
                f"{a.coverage:.2f}",
                f"{a.start}–{a.end}",
                _esc(a.text),
                _esc(quote) if quote is not None else "<i>(not in quote set)</i>",
                _esc(a.evidence),
            ]
        )
    if rows:
        parts.append(
            _table(
                ["quote", "kind", "score", "coverage", "span", "article text", "quote text", "evidence"],
                rows,
                caption="Aligned quotes",
            )
        )
    edit_rows = [
        [_esc(e.before), _esc(e.after), _esc(e.stage), _esc(e.rule), f"{e.confidence:.2f}", _esc(e.evidence)]
        for e in doc.edits
    ]
    if edit_rows:
        parts.append(
            _table(
                ["before", "after", "stage", "rule", "confidence", "evidence"],
                edit_rows,
                caption="Edits (before → after, original coordinates)",
            )
        )
    sugg_rows = [
        [_esc(e.before), _esc(e.after), _esc(e.rule), f"{e.confidence:.2f}", _esc(e.evidence)] for e in doc.suggestions
    ]
    if sugg_rows:
        parts.append(
            _table(
                ["before", "suggested", "rule", "confidence", "evidence"],
                sugg_rows,
                caption="Suggestions (below the confidence floor, not applied)",
            )
        )
    if warnings:
        items = "".join(f"<li>{_esc(w)}</li>" for w in warnings)
        parts.append(f'<h3>Warnings</h3><ul class="warn">{items}</ul>')
    return "".join(parts)


def render_document_html(doc: Document, *, quotes: Any = None) -> str:
    """The per-article view as an HTML fragment with its own scoped style (for notebooks)."""
    body = _article_body(
        doc,
        prefix="cn" + format(zlib.crc32(doc.id.encode("utf-8", "replace")), "08x"),
        quote_texts=_quote_texts(quotes),
        quote_link=False,
    )
    return f'<div class="cn-doc"><style>{CSS}{_kind_css()}</style>{body}</div>'


def _page(title: str, body: str, *, script: str = "") -> str:
    tail = f"<script>{script}</script>" if script else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{CSS}{_kind_css()}</style></head>"
        f'<body><div class="cn-report">{body}</div>{tail}</body></html>'
    )


def _best_cells(doc: Document, columns: Mapping[str, int], kinds: Mapping[str, int]) -> list[list[Any]]:
    best: dict[str, Alignment] = {}
    counts: Counter[str] = Counter()
    for a in doc.alignments:
        counts[a.quote_id] += 1
        if a.quote_id not in best or a.score > best[a.quote_id].score:
            best[a.quote_id] = a
    cells = [[columns[q], kinds[_kind_class(a.kind)], round(a.score, 3), counts[q]] for q, a in best.items()]
    return sorted(cells)


def _static_rows(rows: list[dict[str, Any]], columns: list[str], kind_list: list[dict[str, str]]) -> str:
    """The first heatmap page as plain HTML, so the report is readable without JavaScript."""
    out = []
    for r in rows:
        by_col = {c[0]: c for c in r["cells"]}
        tds = []
        for i, col in enumerate(columns):
            c = by_col.get(i)
            if c is None:
                tds.append('<td class="cell empty"></td>')
                continue
            kind = kind_list[c[1]]
            tip = f"{col} · {kind['name']} · score {c[2]:.2f}" + (f" · ×{c[3]}" if c[3] > 1 else "")
            tds.append(
                f'<td class="cell k-{kind["name"]}" title="{_esc(tip)}" aria-label="{_esc(tip)}">'
                f"{_esc(kind['code'])}</td>"
            )
        out.append(
            f'<tr data-doc="{_esc(r["id"])}"><th scope="row"><a href="{_esc(r["href"])}">{_esc(r["id"])}</a></th>'
            f"<td>{_esc(r['lang'])}</td><td>{_fmt(r['spin'])}</td><td>{r['edits']}</td>{''.join(tds)}</tr>"
        )
    return "".join(out)


def write_report(
    docs: Iterable[Document],
    path: str | PathLike[str],
    *,
    quotes: Any = None,
    per_page: int = DEFAULT_PER_PAGE,
    inline_limit: int = DEFAULT_INLINE_LIMIT,
    title: str = "corpusnorm report",
) -> Path:
    """Write ``report.html`` (and, above ``inline_limit`` articles, ``<stem>_articles/*.html``).

    ``quotes``: the quote set the documents were aligned to (Quote objects, dicts with id/text, or a
    path); ``None`` uses the canonical set. Returns the path of the report.
    """
    if per_page < 1:
        raise ValueError("per_page must be >= 1")
    documents = list(docs)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    quote_texts = _quote_texts(quotes)
    separate = len(documents) > inline_limit
    article_dir = target.parent / f"{target.stem}_articles"

    seen = {a.quote_id for d in documents for a in d.alignments}
    columns = [q for q in quote_texts if q in seen] + sorted(seen - set(quote_texts))
    col_index = {q: i for i, q in enumerate(columns)}
    kind_names = [*KIND_STYLES, "other"]
    kind_index = {k: i for i, k in enumerate(kind_names)}
    kind_list = [{"name": k, "code": _kind_style(k).code} for k in kind_names]

    rows: list[dict[str, Any]] = []
    sections: list[str] = []
    if separate:
        article_dir.mkdir(exist_ok=True)
    for n, doc in enumerate(documents, 1):
        anchor = f"article-{n}"
        href = f"{article_dir.name}/{anchor}.html" if separate else f"#{anchor}"
        rows.append(
            {
                "id": doc.id,
                "lang": doc.language,
                "href": href,
                "spin": None if doc.spin_score is None else round(doc.spin_score, 3),
                "edits": len(doc.edits),
                "cells": _best_cells(doc, col_index, kind_index),
            }
        )
        body = _article_body(doc, prefix=f"a{n}", quote_texts=quote_texts, quote_link=not separate)
        if separate:
            back = f'<p><a href="../{_esc(target.name)}">← back to the report</a></p>'
            page = _page(f"{doc.id} – {title}", back + f'<div class="cn-doc">{body}</div>')
            (article_dir / f"{anchor}.html").write_text(page, encoding="utf-8")
        else:
            sections.append(
                f'<section class="article cn-doc" id="{anchor}"><p><a href="#heatmap">↑ heatmap</a></p>{body}</section>'
            )

    total_alignments = sum(len(d.alignments) for d in documents)
    languages = Counter(d.language for d in documents)
    kinds = Counter(a.kind for d in documents for a in d.alignments)
    summary = (
        f"<p>{len(documents)} articles · {total_alignments} aligned quotes · "
        f"{sum(len(d.edits) for d in documents)} edits · languages: "
        + (", ".join(f"{_esc(k)} {v}" for k, v in sorted(languages.items())) or "–")
        + " · kinds: "
        + (", ".join(f"{_esc(k)} {v}" for k, v in sorted(kinds.items())) or "–")
        + "</p>"
    )
    head = "".join(
        f'<th scope="col" class="q" title="{_esc(quote_texts.get(q, q))}"><a href="#quote-{_esc(q)}">{_esc(q)}</a></th>'
        for q in columns
    )
    heatmap = (
        f'<h2 id="heatmap">Articles × quotes</h2>{_legend()}'
        '<p class="legend">Each cell: the kind of the best alignment of that quote in that article '
        "(letter code and colour); hover for the score.</p>"
        '<div class="pager" id="cn-controls" hidden>'
        '<button type="button" id="cn-prev">← previous</button>'
        '<button type="button" id="cn-next">next →</button>'
        '<label>per page <select id="cn-page-size">'
        + "".join(
            f'<option value="{n}"{" selected" if n == per_page else ""}>{n}</option>'
            for n in sorted({25, 50, 100, 200, per_page})
        )
        + '</select></label><label>filter <input id="cn-filter" type="search" placeholder="article id"></label>'
        '<span id="cn-page-label" aria-live="polite"></span></div>'
        f"<noscript><p>Without JavaScript only the first {per_page} of {len(documents)} articles are listed.</p>"
        "</noscript>"
        '<div class="hm-wrap"><table id="cn-heatmap"><thead><tr><th scope="col">article</th>'
        f'<th scope="col">lang</th><th scope="col">spin</th><th scope="col">edits</th>{head}</tr></thead>'
        f"<tbody>{_static_rows(rows[:per_page], columns, kind_list)}</tbody></table></div>"
    )
    quote_rows = []
    per_quote = Counter(q for d in documents for q in {a.quote_id for a in d.alignments})
    for q in columns + [q for q in quote_texts if q not in col_index]:
        quote_rows.append(
            f'<tr id="quote-{_esc(q)}"><th scope="row">{_esc(q)}</th><td>{per_quote.get(q, 0)}</td>'
            f'<td class="qt">{_esc(quote_texts.get(q, "(not in the quote set)"))}</td></tr>'
        )
    quote_table = (
        '<h2 id="quotes">Quotes</h2><table class="quotes"><thead><tr><th scope="col">id</th>'
        '<th scope="col">articles</th><th scope="col">text</th></tr></thead>'
        f"<tbody>{''.join(quote_rows)}</tbody></table>"
    )
    data = {"columns": columns, "kinds": kind_list, "perPage": per_page, "rows": rows}
    body = (
        f"<h1>{_esc(title)}</h1>{summary}{heatmap}{quote_table}"
        + (
            f'<h2 id="articles">Articles</h2><p>Open an article from the heatmap.</p>{"".join(sections)}'
            if sections
            else ""
        )
        + f'<script type="application/json" id="cn-heatmap-data">{_json_for_script(data)}</script>'
    )
    target.write_text(_page(title, body, script=HEATMAP_JS), encoding="utf-8")
    return target


register_html_view(render_document_html)
