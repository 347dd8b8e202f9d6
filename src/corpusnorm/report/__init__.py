"""A self-contained HTML report of processed Documents (stdlib only: no CDN, no network).

:func:`write_report` writes ``report.html``: a provenance block (when, from which inputs, with which
versions), a heatmap of articles x quotes (colour by kind, with a text code in every cell and the
score on hover) whose rows a small inline script sorts (click a column head), filters (id, language,
quote kind, minimum spin score) and pages, the list of quotes in quote-set order, and one view per
article. :func:`render_document_html` renders that per-article view for a notebook
(``Document._repr_html_``).

Per-article view (:mod:`corpusnorm.report.article`): the text with its language segments tinted (and
labelled), repaired spans marked, aligned quotes underlined in the colour of their kind and linked to
the quote text; on request the original text, and every change in place (deleted and inserted text,
no hovering); tables of alignments (inside near, spun and paraphrase matches the words that differ
from the quote are marked), edits and suggestions (rules by a readable name, the raw id on hover),
and warnings; links to the previous and next article.

Scale: up to ``inline_limit`` articles the views are sections of ``report.html`` shown one at a time
(CSS ``:target``, not laid out until opened); beyond it each article gets its own small page in a
``<stem>_articles/`` folder beside the report, named by the article's id (:func:`corpusnorm.outputs.safe_name`),
so the main page stays light for 5,000 articles.
"""

from __future__ import annotations

import html
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from os import PathLike
from pathlib import Path
from typing import Any

from ..document import Alignment, Document, register_html_view
from ..outputs import safe_name
from .article import article_body, fmt, notebook_prefix
from .assets import CSS, HEATMAP_JS
from .labels import rule_label
from .style import KIND_STYLES, kind_class, kind_css, kind_style, legend

__all__ = ["KIND_STYLES", "render_document_html", "rule_label", "write_report"]

DEFAULT_PER_PAGE = 50
DEFAULT_INLINE_LIMIT = 300


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _json_for_script(data: Any) -> str:
    """JSON that cannot close the <script> element it sits in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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


def render_document_html(doc: Document, *, quotes: Any = None) -> str:
    """The per-article view as an HTML fragment with its own scoped style (for notebooks)."""
    body = article_body(doc, prefix=notebook_prefix(doc), quote_texts=_quote_texts(quotes), quote_link=False)
    return f'<div class="cn-doc"><style>{CSS}{kind_css()}</style>{body}</div>'


def _page(title: str, body: str, *, script: str = "") -> str:
    tail = f"<script>{script}</script>" if script else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{CSS}{kind_css()}</style></head>"
        f'<body><div class="cn-report">{body}</div>{tail}</body></html>'
    )


def _best_cells(doc: Document, columns: Mapping[str, int], kinds: Mapping[str, int]) -> list[list[Any]]:
    best: dict[str, Alignment] = {}
    counts: Counter[str] = Counter()
    for a in doc.alignments:
        counts[a.quote_id] += 1
        if a.quote_id not in best or a.score > best[a.quote_id].score:
            best[a.quote_id] = a
    cells = [[columns[q], kinds[kind_class(a.kind)], round(a.score, 3), counts[q]] for q, a in best.items()]
    return sorted(cells)


class _Layout:
    """Where each article goes: its file name (from its id), its link, its neighbours."""

    def __init__(self, documents: Sequence[Document], target: Path, inline_limit: int) -> None:
        self.separate = len(documents) > inline_limit
        self.article_dir = target.parent / f"{target.stem}_articles"
        self.report_name = target.name
        taken: set[str] = set()
        self.names = [safe_name(doc.id, taken) for doc in documents]

    def href(self, index: int, *, from_article: bool = False) -> str:
        name = self.names[index]
        if not self.separate:
            return f"#article-{name}"
        return f"{name}.html" if from_article else f"{self.article_dir.name}/{name}.html"

    def nav(self, index: int, documents: Sequence[Document]) -> str:
        links = []
        back = f"../{self.report_name}#heatmap" if self.separate else "#heatmap"
        if index > 0:
            prev = _esc(self.href(index - 1, from_article=True))
            links.append(f'<a rel="prev" href="{prev}">← {_esc(documents[index - 1].id)}</a>')
        links.append(f'<a href="{_esc(back)}">↑ all articles</a>')
        if index + 1 < len(documents):
            nxt = _esc(self.href(index + 1, from_article=True))
            links.append(f'<a rel="next" href="{nxt}">{_esc(documents[index + 1].id)} →</a>')
        return f'<p class="nav">{"".join(links)}</p>'


def _row(doc: Document, href: str, col_index: Mapping[str, int], kind_index: Mapping[str, int]) -> dict[str, Any]:
    return {
        "id": doc.id,
        "lang": doc.language,
        "href": href,
        "spin": None if doc.spin_score is None else round(doc.spin_score, 3),
        "edits": len(doc.edits),
        "quotes": len({a.quote_id for a in doc.alignments}),
        "kinds": sorted({kind_class(a.kind) for a in doc.alignments}),
        "cells": _best_cells(doc, col_index, kind_index),
    }


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
            f"<td>{_esc(r['lang'])}</td><td>{fmt(r['spin'])}</td><td>{r['edits']}</td><td>{r['quotes']}</td>"
            f"{''.join(tds)}</tr>"
        )
    return "".join(out)


def _summary(documents: Sequence[Document]) -> str:
    languages = Counter(d.language for d in documents)
    kinds = Counter(a.kind for d in documents for a in d.alignments)
    return (
        f"<p>{len(documents)} articles · {sum(len(d.alignments) for d in documents)} aligned quotes · "
        f"{sum(len(d.edits) for d in documents)} edits · languages: "
        + (", ".join(f"{_esc(k)} {v}" for k, v in sorted(languages.items())) or "–")
        + " · kinds: "
        + (", ".join(f"{_esc(k)} {v}" for k, v in sorted(kinds.items())) or "–")
        + "</p>"
    )


def _generated_at() -> str:
    """The report's date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds' convention), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _provenance(documents: Sequence[Document], inputs: Sequence[str] | None) -> str:
    """When, from what and with which versions the report was made (from the Documents' ``pipeline``)."""
    described = next((d.pipeline for d in documents if d.pipeline.get("stages")), {})
    if inputs is None:
        sources = list(dict.fromkeys(str(d.pipeline.get("source", "")) for d in documents if d.pipeline.get("source")))
        inputs = sources[:5] + ([f"… and {len(sources) - 5} more"] if len(sources) > 5 else [])
    packages = ", ".join(f"{k} {v}" for k, v in described.get("python_packages", {}).items())
    stages = []
    for stage in described.get("stages", []):
        versions = ", ".join(f"{k} {str(v)[:19]}" for k, v in stage.get("versions", {}).items())
        stages.append(f"<li><b>{_esc(stage.get('name'))}</b>{': ' + _esc(versions) if versions else ''}</li>")
    return (
        '<details class="provenance" id="provenance" open><summary>Provenance</summary><ul>'
        f"<li>generated {_generated_at()} by corpusnorm {_esc(described.get('corpusnorm', '?'))}</li>"
        f"<li>inputs: {_esc(', '.join(inputs) or '–')}</li>"
        + (f"<li>packages: {_esc(packages)}</li>" if packages else "")
        + (f"<li>stages, in order:<ul>{''.join(stages)}</ul></li>" if stages else "")
        + "</ul></details>"
    )


def _controls(per_page: int, rows: list[dict[str, Any]]) -> str:
    languages = sorted({r["lang"] for r in rows})
    options = "".join(f'<option value="{_esc(v)}">{_esc(v)}</option>' for v in languages)
    kinds = "".join(f'<option value="{k}">{k}</option>' for k in [*KIND_STYLES, "other"])
    sizes = "".join(
        f'<option value="{n}"{" selected" if n == per_page else ""}>{n}</option>'
        for n in sorted({25, 50, 100, 200, per_page})
    )
    return (
        '<div class="pager" id="cn-controls" hidden>'
        '<button type="button" id="cn-prev">← previous</button><button type="button" id="cn-next">next →</button>'
        f'<label>per page <select id="cn-page-size">{sizes}</select></label>'
        '<label>article <input id="cn-filter" type="search" placeholder="id contains"></label>'
        f'<label>language <select id="cn-lang"><option value="">all</option>{options}</select></label>'
        f'<label>quote kind <select id="cn-kind"><option value="">any</option>{kinds}</select></label>'
        '<label>spin ≥ <input id="cn-spin" type="number" min="0" max="1" step="0.1" size="4"></label>'
        '<span id="cn-page-label" aria-live="polite"></span></div>'
    )


def _heatmap(rows: list[dict[str, Any]], columns: list[str], quote_texts: Mapping[str, str], per_page: int) -> str:
    kind_list = [{"name": k, "code": kind_style(k).code} for k in [*KIND_STYLES, "other"]]
    head = "".join(
        f'<th scope="col" class="q" title="{_esc(quote_texts.get(q, q))}"><a href="#quote-{_esc(q)}">{_esc(q)}</a></th>'
        for q in columns
    )
    sortable = "".join(
        f'<th scope="col" data-sort="{key}" title="sort by {label}">{label}</th>'
        for key, label in (("lang", "lang"), ("spin", "spin"), ("edits", "edits"), ("quotes", "quotes"))
    )
    return (
        f'<h2 id="heatmap">Articles × quotes</h2>{legend()}'
        '<p class="legend">Each cell: the kind of the best alignment of that quote in that article '
        "(letter code and colour); hover for the score. Click a column head to sort.</p>"
        + _controls(per_page, rows)
        + f"<noscript><p>Without JavaScript only the first {per_page} of {len(rows)} articles are listed.</p>"
        "</noscript>"
        '<div class="hm-wrap"><table id="cn-heatmap"><thead><tr><th scope="col" data-sort="id">article</th>'
        f"{sortable}{head}</tr></thead><tbody>{_static_rows(rows[:per_page], columns, kind_list)}</tbody></table></div>"
    )


MAX_CARRIERS = 30
"""Articles listed by name under each quote (the count says how many there are in all)."""


def _carriers(documents: Sequence[Document], layout: _Layout) -> dict[str, list[str]]:
    """Quote id -> a link per article carrying it, with the kind of its best alignment as a badge."""
    found: dict[str, list[str]] = {}
    for n, doc in enumerate(documents):
        best: dict[str, Alignment] = {}
        for a in doc.alignments:
            if a.quote_id not in best or a.score > best[a.quote_id].score:
                best[a.quote_id] = a
        for q, a in best.items():
            style = kind_style(a.kind)
            found.setdefault(q, []).append(
                f'<a href="{_esc(layout.href(n))}">{_esc(doc.id)}</a>&nbsp;<span class="badge k-{kind_class(a.kind)}" '
                f'title="{_esc(a.kind)} · score {a.score:.2f}">{_esc(style.code)}</span>'
            )
    return found


def _quote_list(
    documents: Sequence[Document], quote_texts: Mapping[str, str], columns: list[str], layout: _Layout
) -> str:
    """Every quote in quote-set order (then ids found but not in the set), with the articles carrying it and how."""
    carriers = _carriers(documents, layout)
    rows = []
    for q in [*quote_texts, *(q for q in columns if q not in quote_texts)]:
        links = carriers.get(q, [])
        more = f" … and {len(links) - MAX_CARRIERS} more" if len(links) > MAX_CARRIERS else ""
        rows.append(
            f'<tr id="quote-{_esc(q)}"><th scope="row">{_esc(q)}</th><td>{len(links)}</td>'
            f'<td class="qt">{_esc(quote_texts.get(q, "(not in the quote set)"))}</td>'
            f'<td class="carriers">{", ".join(links[:MAX_CARRIERS])}{more}</td></tr>'
        )
    return (
        '<h2 id="quotes">Quotes</h2><table class="quotes"><thead><tr><th scope="col">id</th>'
        '<th scope="col">articles</th><th scope="col">text</th><th scope="col">carried by (kind)</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _articles(documents: Sequence[Document], layout: _Layout, quote_texts: Mapping[str, str], title: str) -> str:
    """Each article view: written to its own page (separate layout) or returned as inline sections."""
    sections = []
    if layout.separate:
        layout.article_dir.mkdir(exist_ok=True)
    for n, doc in enumerate(documents):
        nav = layout.nav(n, documents)
        body = article_body(doc, prefix=f"a{n + 1}", quote_texts=quote_texts, quote_link=not layout.separate, nav=nav)
        if layout.separate:
            page = _page(f"{doc.id} – {title}", f'<div class="cn-doc">{body}</div>')
            (layout.article_dir / f"{layout.names[n]}.html").write_text(page, encoding="utf-8")
        else:
            sections.append(f'<section class="article cn-doc" id="article-{_esc(layout.names[n])}">{body}</section>')
    if not sections:
        return ""
    return f'<h2 id="articles">Articles</h2><p>Open an article from the heatmap.</p>{"".join(sections)}'


def write_report(
    docs: Iterable[Document],
    path: str | PathLike[str],
    *,
    quotes: Any = None,
    per_page: int = DEFAULT_PER_PAGE,
    inline_limit: int = DEFAULT_INLINE_LIMIT,
    title: str = "corpusnorm report",
    inputs: Sequence[str] | None = None,
) -> Path:
    """Write ``report.html`` (and, above ``inline_limit`` articles, ``<stem>_articles/<id>.html``).

    ``quotes``: the quote set the documents were aligned to (Quote objects, dicts with id/text, or a
    path); ``None`` uses the canonical set. ``inputs``: what the documents were read from, for the
    provenance block (default: the sources recorded in the Documents). Returns the path of the report.
    """
    if per_page < 1:
        raise ValueError("per_page must be >= 1")
    documents = list(docs)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    quote_texts = _quote_texts(quotes)
    layout = _Layout(documents, target, inline_limit)
    seen = {a.quote_id for d in documents for a in d.alignments}
    columns = [q for q in quote_texts if q in seen] + sorted(seen - set(quote_texts))
    col_index = {q: i for i, q in enumerate(columns)}
    kind_index = {k: i for i, k in enumerate([*KIND_STYLES, "other"])}
    rows = [_row(doc, layout.href(n), col_index, kind_index) for n, doc in enumerate(documents)]
    kind_list = [{"name": k, "code": kind_style(k).code} for k in kind_index]
    data = {"columns": columns, "kinds": kind_list, "perPage": per_page, "rows": rows}
    body = (
        f"<h1>{_esc(title)}</h1>{_summary(documents)}{_provenance(documents, inputs)}"
        + _heatmap(rows, columns, quote_texts, per_page)
        + _quote_list(documents, quote_texts, columns, layout)
        + _articles(documents, layout, quote_texts, title)
        + f'<script type="application/json" id="cn-heatmap-data">{_json_for_script(data)}</script>'
    )
    target.write_text(_page(title, body, script=HEATMAP_JS), encoding="utf-8")
    return target


register_html_view(render_document_html)
