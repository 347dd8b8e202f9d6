"""The HTML report: structure, escaping, pagination, and a real render in headless Chromium."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import SEEDS, seed_path
from corpusnorm import Pipeline, __version__, normalize_corpus
from corpusnorm.document import Alignment, Document, Edit, Segment
from corpusnorm.report import KIND_STYLES, render_document_html, rule_label, write_report
from corpusnorm.report.labels import marked_differences

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
    for doc in docs:  # article anchors are named by id
        assert f'<section class="article cn-doc" id="article-{doc.id}">' in page
    assert not (tmp_path / "out" / "report_articles").exists()
    # which articles carry which quote, in which form: written out in the quote list, no hovering
    q1 = page.split('<tr id="quote-Q1">', 1)[1].split("</tr>", 1)[0]
    carried = re.findall(r'<a href="#article-([^"]+)">[^<]+</a>&nbsp;<span class="badge k-(\w+)"', q1)
    assert carried == [(d.id, "verbatim") for d in docs]  # Q1's best alignment in each is the verbatim one
    q3 = page.split('<tr id="quote-Q3">', 1)[1].split("</tr>", 1)[0]
    assert "<td>0</td>" in q3 and "badge" not in q3


def test_the_article_view_shows_the_inputs_own_fields() -> None:
    doc = _sample_doc()
    doc.metadata = {"outlet": "Example <News>", "url": "https://example.org/a"}
    markup = render_document_html(doc, quotes=QUOTES)
    assert "<span>outlet: Example &lt;News&gt;</span><span>url: https://example.org/a</span>" in markup


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
    assert [p.name for p in pages] == sorted(f"{d.id}.html" for d in docs)  # pages named by article id
    article = (tmp_path / "report_articles" / "doc-0006.html").read_text(encoding="utf-8")
    assert "doc-0006" in article and "../report.html" in article and not _parse(article).errors
    assert 'rel="prev" href="doc-0005.html"' in article and 'rel="next" href="doc-0007.html"' in article
    first = (tmp_path / "report_articles" / "doc-0000.html").read_text(encoding="utf-8")
    last = (tmp_path / "report_articles" / "doc-0129.html").read_text(encoding="utf-8")
    assert 'rel="prev"' not in first and 'rel="next" href="doc-0001.html"' in first
    assert 'rel="next"' not in last and 'rel="prev" href="doc-0128.html"' in last


def test_bad_offsets_are_reported_not_fatal() -> None:
    doc = Document.new("short text", doc_id="bad")
    doc.alignments = [Alignment("Q1", "verbatim", 0.9, 5, 500, "x", 1.0)]
    markup = render_document_html(doc, quotes=QUOTES)
    assert "outside the text were not drawn" in markup
    assert doc.warnings == []  # the document itself is not modified


def _chromium(tmp_path: Path, url: str, *extra: str, width: int = 1280) -> subprocess.CompletedProcess[str]:
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
        f"--window-size={width},900",
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


@pytest.fixture(scope="module")
def repaired_seed() -> Document:
    """The spun seed article through clean, detect and repair (no alignment model needed)."""
    pipeline = Pipeline.from_names(["clean", "detect", "repair"])
    return pipeline(Document.new(seed_path("001").read_text(encoding="utf-8"), doc_id="001"))


class _Changes(HTMLParser):
    """The text of the 'every change in place' view, without deletions and without insertions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside the first div.text-alt
        self.done = False
        self.inside: list[str] = []
        self.without_ins: list[str] = []
        self.without_del: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag not in VOID
            self.inside.append(tag)
        elif tag == "div" and dict(attrs).get("class") == "text-alt" and not self.done:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in VOID:
            self.depth -= 1
            if self.inside:
                self.inside.pop()
            if not self.depth:
                self.done = True

    def handle_data(self, data: str) -> None:
        if self.depth:
            if "ins" not in self.inside:
                self.without_ins.append(data)
            if "del" not in self.inside:
                self.without_del.append(data)


def test_the_changes_view_shows_every_edit_in_place_without_hovering(repaired_seed: Document) -> None:
    doc = repaired_seed
    assert len(doc.edits) > 100
    markup = render_document_html(doc)
    changes = _Changes()
    changes.feed(markup)
    assert "".join(changes.without_ins) == doc.original  # deleted text kept, inserted text dropped
    assert "".join(changes.without_del) == doc.text
    assert markup.count("<ins ") == sum(1 for e in doc.edits if e.after)
    assert f'<div class="text-alt">{html.escape(doc.original)}</div>' in markup  # the original, on request


def test_rules_have_readable_names_and_the_raw_id_on_hover(repaired_seed: Document) -> None:
    assert rule_label("ws:blank-lines", "clean") == "white space: blank lines"
    expected = "boilerplate removed: pic twitter + white space: spaces"
    assert rule_label("boilerplate:pic-twitter+ws:spaces", "clean") == expected
    assert rule_label("news:106", "repair") == "spinner lexicon (news)"
    assert rule_label("news:106", "mystage") == "news:106"  # only repair's rules are lexicon entries
    assert rule_label("ws:spaces+dev:4", "clean+repair") == "white space: spaces + spinner lexicon (dev)"
    markup = render_document_html(repaired_seed)
    labels = set()
    for edit in repaired_seed.edits:
        label = rule_label(edit.rule, edit.stage)
        labels.add(label)
        assert f'<span title="{html.escape(edit.rule)}">{html.escape(label)}</span>' in markup
    assert any(label.startswith("spinner lexicon (") for label in labels)
    assert not any(":" in label.split("(")[-1] for label in labels if label.startswith("spinner"))


def test_differing_words_inside_a_match_are_marked() -> None:
    spun, original = "shares a cryptic put up—learn his letter", "shares a cryptic post—read his letter"
    article, quote = marked_differences(spun, original)
    marked = '<mark class="dw">put</mark> <mark class="dw">up</mark>—<mark class="dw">learn</mark>'
    assert article == f"shares a cryptic {marked} his letter"
    assert quote == 'shares a cryptic <mark class="dw">post</mark>—<mark class="dw">read</mark> his letter'
    doc = _sample_doc()
    start = doc.text.index("We shall see")
    doc.alignments.append(Alignment("Q2", "spun", 0.7, start, start + 25, doc.text[start : start + 25], 1.0))
    quotes = [{"id": "Q1", "text": "The world is in peril."}, {"id": "Q2", "text": "We will see what unfolds."}]
    markup = render_document_html(doc, quotes=quotes)
    assert '<mark class="dw">shall</mark>' in markup and '<mark class="dw">will</mark>' in markup
    assert markup.count('class="dw"') == 4  # the near and the spun row of Q2; none in Q1's verbatim row
    verbatim_row = markup.split(">Q1<", 1)[1].split("</tr>", 1)[0]
    assert "<mark" not in verbatim_row


def test_quotes_are_listed_in_quote_set_order_and_provenance_is_given(tmp_path: Path) -> None:
    quotes = [{"id": "Z9", "text": "The world is in peril."}, {"id": "A1", "text": "Never seen."}]
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))[:2]]
    docs = list(normalize_corpus(texts, pipeline=Pipeline.from_names(["clean", "detect"])))
    docs[0].alignments = [Alignment("B2", "verbatim", 1.0, 0, 5, docs[0].text[:5], 1.0)]
    page = write_report(docs, tmp_path / "r.html", quotes=quotes, inputs=["seeds/"]).read_text(encoding="utf-8")
    order = [m for m in re.findall(r'<tr id="quote-([^"]+)">', page)]
    assert order == ["Z9", "A1", "B2"]  # the set's order, then ids found but not in the set
    provenance = page.split('id="provenance"', 1)[1].split("</details>", 1)[0]
    assert f"by corpusnorm {__version__}" in provenance and "inputs: seeds/" in provenance
    assert re.search(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", provenance)
    assert "<b>clean</b>: ftfy" in provenance and "<b>detect</b>" in provenance
    default = write_report(docs, tmp_path / "d.html").read_text(encoding="utf-8")
    assert "inputs: item 0, item 1" in default.split('id="provenance"', 1)[1]  # the Documents' own sources


def test_report_is_reproducible_with_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = list(
        normalize_corpus(
            [seed_path("001").read_text(encoding="utf-8")], pipeline=Pipeline.from_names(["clean", "detect"])
        )
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = write_report(docs, tmp_path / "a.html").read_bytes()
    second = write_report(docs, tmp_path / "b.html").read_bytes()
    assert first == second and b"generated 2023-11-14 22:13 UTC" in first


PAGE_CHECK = """<script>window.addEventListener('load', function () {
  var d = document.documentElement, out = {scroll: d.scrollWidth, client: d.clientWidth, wider: []};
  Array.prototype.forEach.call(document.querySelectorAll('table, div.text, div.text-alt, p'), function (e) {
    if (e.getBoundingClientRect().right > d.clientWidth + 1 && !e.closest('.hm-wrap')) {
      out.wider.push(e.tagName + '.' + e.className);
    }
  });
  function shown() {
    return Array.prototype.map.call(document.querySelectorAll('#cn-heatmap tbody tr'), function (tr) {
      return tr.getAttribute('data-doc');
    });
  }
  var th = document.querySelector('th[data-sort="spin"]');
  if (th) {
    th.click(); out.bySpin = shown();
    var lang = document.getElementById('cn-lang'), kind = document.getElementById('cn-kind');
    lang.value = 'it'; lang.onchange(); out.italian = shown();
    lang.value = ''; lang.onchange(); kind.value = 'translated'; kind.onchange(); out.translated = shown();
  }
  document.body.setAttribute('data-check', JSON.stringify(out));
});</script></body>"""


def _checked(tmp_path: Path, page: Path, width: int) -> dict[str, object]:
    """Load a copy of ``page`` with the check script (and every <details> open) at ``width`` px."""
    copy = page.with_name(f"check-{page.name}")
    markup = page.read_text(encoding="utf-8").replace("<details ", "<details open ").replace("</body>", PAGE_CHECK)
    copy.write_text(markup, encoding="utf-8")
    dom = _chromium(tmp_path, copy.as_uri(), "--dump-dom", width=width)
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'data-check="([^"]*)"', dom.stdout)
    assert found, dom.stdout[-2000:]
    return json.loads(html.unescape(found[1]))


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian package 'chromium'; .ci/run installs it)"
)
def test_report_fits_the_window_sorts_and_filters_in_headless_chromium(tmp_path: Path) -> None:
    docs = [_sample_doc("mixed"), *_many_docs(6)]
    for i, doc in enumerate(docs[1:]):
        doc.language, doc.spin_score = ("en", "it", "hi")[i % 3], round(0.9 - i / 10, 2)
    long_word = "https://example.org/" + "x" * 300  # an unbreakable token in the evidence column
    docs[0].apply_edits([Edit(6, 11, "world", "World", stage="repair", rule="dev:1", evidence=f"{long_word} " * 3)])
    path = write_report(docs, tmp_path / "report.html", quotes=QUOTES, inline_limit=0)
    for width in (1400, 800):
        screenshot = tmp_path / f"report-{width}.png"
        _chromium(tmp_path, path.as_uri(), f"--screenshot={screenshot}", width=width)
        assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        check = _checked(tmp_path, path, width)
        assert check["scroll"] == check["client"] and check["wider"] == [], (width, check)
    for width in (1400, 800):
        article = _checked(tmp_path, tmp_path / "report_articles" / "mixed.html", width)
        assert article["scroll"] == article["client"] and article["wider"] == [], (width, article)

    check = _checked(tmp_path, path, 1400)
    by_spin = sorted(docs, key=lambda d: -1 if d.spin_score is None else d.spin_score, reverse=True)
    assert check["bySpin"] == [d.id for d in by_spin]  # descending spin score, unknown last
    assert check["italian"] == [d.id for d in by_spin if d.language == "it"]
    assert check["translated"] == [d.id for d in by_spin if any(a.kind == "translated" for a in d.alignments)]
