"""The HTML report: structure, escaping, pagination, and a real render in headless Chromium."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from corpusnorm.document import Alignment, Document, Edit, Segment
from corpusnorm.report import KIND_STYLES, render_document_html, write_report

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
MARKER_CLASSES = {"lgb", "qref", "del"}  # inserted labels, not part of doc.text
QUOTES = [
    {"id": "Q1", "text": "The world is in peril."},
    {"id": "Q2", "text": "We shall see what unfolds."},
    {"id": "Q3", "text": "Not found anywhere."},
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Checker(HTMLParser):
    """Checks tag balance, and collects the text of div.text (without inserted markers) and table rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str], dict[str, str | None]]] = []
        self.errors: list[str] = []
        self.text_parts: list[str] = []
        self.rows: list[dict[str, str | None]] = []
        self.cells: list[dict[str, str | None]] = []
        self.scripts = 0

    def _inside(self, tag: str, cls: str | None = None, id_: str | None = None) -> bool:
        return any(
            t == tag and (cls is None or cls in c) and (id_ is None or a.get("id") == id_) for t, c, a in self.stack
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "tr" and self._inside("table", id_="cn-heatmap") and self._inside("tbody"):
            self.rows.append(a)
        if tag == "td" and "cell" in (a.get("class") or "").split() and self._inside("table", id_="cn-heatmap"):
            self.cells.append(a)
        if tag not in VOID:
            self.stack.append((tag, set((a.get("class") or "").split()), a))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {[t for t, _, _ in self.stack[-3:]]})")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._inside("div", "text") and not any(c & MARKER_CLASSES for _, c, _ in self.stack):
            self.text_parts.append(data)


def _parse(markup: str) -> _Checker:
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    return checker


def _sample_doc(doc_id: str = "doc-1") -> Document:
    """A small mixed English/Italian document, with one repair made through the real edit API."""
    doc = Document.new(
        "Helo world. The world is in peril.\nIl mondo è in pericolo. We shall see what unfolds.", doc_id=doc_id
    )
    doc.apply_edits([Edit(0, 4, "Helo", "Hello", stage="repair", rule="lexicon:helo", confidence=0.93)])
    text = doc.text
    it_start = text.index("Il mondo")
    it_end = text.index(" We shall")
    doc.language = "en"
    doc.languages = {"en": 0.7, "it": 0.3}
    doc.segments = [
        Segment(0, it_start, text[:it_start], "en", 0.99),
        Segment(it_start, it_end, text[it_start:it_end], "it", 0.97),
        Segment(it_end, len(text), text[it_end:], "en", 0.95),
    ]

    def align(quote_id: str, kind: str, needle: str, score: float) -> Alignment:
        start = text.index(needle)
        return Alignment(quote_id, kind, score, start, start + len(needle), needle, 1.0, evidence="hand-made")

    doc.alignments = [
        align("Q1", "verbatim", "The world is in peril", 0.99),
        align("Q1", "translated", "Il mondo è in pericolo", 0.88),
        align("Q2", "near", "We shall see what unfolds", 0.95),
    ]
    doc.suggestions = [Edit(6, 11, "world", "globe", stage="repair", rule="wordnet", confidence=0.2)]
    doc.spin_score = 0.12
    return doc


def _many_docs(n: int) -> list[Document]:
    docs = []
    kinds = list(KIND_STYLES)
    for i in range(n):
        text = f"Article {i}. The world is in peril. End."
        start = text.index("The world")
        doc = Document.new(text, doc_id=f"doc-{i:04d}")
        doc.language = "en"
        if i % 3 != 2:  # some articles carry no quote
            kind = kinds[i % len(kinds)]
            doc.alignments = [
                Alignment("Q1", kind, 0.5 + (i % 50) / 100, start, start + 21, text[start : start + 21], 1.0)
            ]
        docs.append(doc)
    return docs


def test_document_view_shows_text_segments_repairs_and_alignments() -> None:
    doc = _sample_doc()
    markup = render_document_html(doc, quotes=QUOTES)
    checker = _parse(markup)
    assert not checker.errors
    # the text view, minus inserted labels, is exactly doc.text
    assert "".join(checker.text_parts) == doc.text
    assert 'lang="it"' in markup and 'lang="en"' in markup
    assert html.escape("'Helo' → 'Hello'", quote=True) in markup
    assert "lexicon:helo" in markup and "0.93" in markup
    # every alignment is marked in the text and listed with the quote's own text
    assert markup.count('class="qref') == 3
    assert "We shall see what unfolds." in markup and "The world is in peril." in markup
    assert "globe" in markup  # the suggestion is listed, not applied
    assert "globe" not in doc.text


def test_repr_html_shows_the_article_view() -> None:
    doc = _sample_doc()
    page = doc._repr_html_()
    assert page is not None and doc.id in page and "cn-doc" in page
    assert page == render_document_html(doc)


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    doc = Document.new(f"Intro {evil} & more", doc_id=f"id{evil}")
    doc.language = evil
    doc.segments = [Segment(0, len(doc.text), doc.text, evil, 0.5)]
    doc.alignments = [Alignment(f"Q{evil}", evil, 0.5, 6, 6 + len(evil), evil, 0.3, evidence=evil)]
    doc.apply_edits([Edit(0, 5, "Intro", "Start", stage=evil, rule=evil, confidence=0.5, evidence=evil)])
    doc.warnings.append(evil)
    fragment = render_document_html(doc, quotes=[{"id": f"Q{evil}", "text": evil}])
    assert "<script>alert" not in fragment and "<img" not in fragment
    assert html.escape(evil) in fragment
    report = write_report([doc], tmp_path / "report.html", quotes=[{"id": f"Q{evil}", "text": evil}])
    page = report.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img" not in page
    checker = _parse(page)
    assert not checker.errors
    assert checker.scripts == 2  # the JSON data block and the pager, nothing injected
    data = page.split('id="cn-heatmap-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(data)["rows"][0]["id"] == doc.id


def test_report_structure_for_a_few_documents(tmp_path: Path) -> None:
    docs = [_sample_doc(f"doc-{i}") for i in range(5)]
    path = write_report(docs, tmp_path / "out" / "report.html", quotes=QUOTES)
    page = path.read_text(encoding="utf-8")
    checker = _parse(page)
    assert not checker.errors
    assert "http://" not in page and "https://" not in page  # nothing fetched from the network
    assert [r["data-doc"] for r in checker.rows] == [d.id for d in docs]
    # columns: quotes seen in some article, in quote-set order; Q3 is listed but has no column
    assert [c["class"] for c in checker.cells[:2]] == ["cell k-verbatim", "cell k-near"]
    assert "score 0.99" in (checker.cells[0]["title"] or "") and "×2" in (checker.cells[0]["title"] or "")
    assert len(checker.cells) == 5 * 2
    assert 'id="quote-Q3"' in page and "Not found anywhere." in page
    for i in range(1, 6):
        assert f'<section class="article cn-doc" id="article-{i}">' in page
    assert not (tmp_path / "out" / "report_articles").exists()


def test_pagination_and_separate_article_pages(tmp_path: Path) -> None:
    docs = _many_docs(130)
    path = write_report(docs, tmp_path / "report.html", quotes=QUOTES, per_page=50, inline_limit=100)
    page = path.read_text(encoding="utf-8")
    checker = _parse(page)
    assert not checker.errors
    # only the first page is static HTML; the rest is in the data block for the pager
    assert [r["data-doc"] for r in checker.rows] == [d.id for d in docs[:50]]
    data = json.loads(page.split('id="cn-heatmap-data">', 1)[1].split("</script>", 1)[0])
    assert len(data["rows"]) == 130 and data["perPage"] == 50
    pages = sorted((tmp_path / "report_articles").glob("*.html"))
    assert len(pages) == 130
    assert "<section" not in page  # article views are separate files above inline_limit
    article = (tmp_path / "report_articles" / "article-7.html").read_text(encoding="utf-8")
    assert "doc-0006" in article and "../report.html" in article and not _parse(article).errors


def test_bad_offsets_are_reported_not_fatal() -> None:
    doc = Document.new("short text", doc_id="bad")
    doc.alignments = [Alignment("Q1", "verbatim", 0.9, 5, 500, "x", 1.0)]
    markup = render_document_html(doc, quotes=QUOTES)
    assert "outside the text were not drawn" in markup
    assert doc.warnings == []  # the document itself is not modified


def _chromium(tmp_path: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,900",
        *extra,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian package 'chromium'; .ci/run installs it)"
)
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    docs = [_sample_doc("seed-like"), *_many_docs(119)]
    path = write_report(docs, tmp_path / "report.html", quotes=QUOTES, per_page=50)
    screenshot = tmp_path / "report.png"
    shot = _chromium(tmp_path, path.as_uri(), f"--screenshot={screenshot}")
    assert screenshot.is_file(), shot.stderr[-2000:]
    png = screenshot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000, len(png)
    print(f"screenshot kept at {screenshot}")

    # the pager script ran: page 2 (requested by the URL) is built from the JSON data block
    dom = _chromium(tmp_path, path.as_uri() + "#heatmap-page-2", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    checker = _parse(dom.stdout)
    assert 'data-js="ready"' in dom.stdout and 'data-page="2"' in dom.stdout
    assert "Page 2 of 3 (120 articles)" in dom.stdout
    assert [r["data-doc"] for r in checker.rows] == [d.id for d in docs[50:100]]
    filled = [c for c in checker.cells if "empty" not in (c["class"] or "")]
    expected = sum(1 for d in docs[50:100] for q in {a.quote_id for a in d.alignments})
    assert len(filled) == expected > 0
    assert all((c["title"] or "").startswith("Q1 · ") for c in filled)
