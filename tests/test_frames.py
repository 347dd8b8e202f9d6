"""Documents and alignments as pandas DataFrames; the short repr of a Document."""

from __future__ import annotations

import pytest

import corpusnorm
from conftest import seed_path
from corpusnorm import Alignment, Document, Edit, Pipeline, alignments_frame
from corpusnorm.outputs import ALIGNMENT_COLUMNS

pandas = pytest.importorskip("pandas", reason="pandas is installed by the test extra (corpusnorm[pandas])")


def _aligned(doc_id: str, text: str, quote: str) -> Document:
    """A cleaned document with one alignment placed on ``quote`` in its text."""
    doc = Pipeline.from_names(["clean"])(Document.new(text, doc_id=doc_id, metadata={"outlet": doc_id.upper()}))
    start = doc.text.index(quote)
    doc.alignments = [Alignment("Q1", "verbatim", 1.0, start, start + len(quote), quote, 1.0)]
    return doc


def test_documents_frame_has_one_row_per_document_with_counts_and_metadata() -> None:
    seed = seed_path("001").read_text(encoding="utf-8")
    docs = [_aligned("a", "He  said:  “We shall see.”  Then left.", "We shall see."), _aligned("b", seed, "Sharma")]
    frame = corpusnorm.to_pandas(docs)
    assert list(frame.columns)[:3] == ["id", "language", "text"] and "outlet" in frame.columns
    assert list(frame["id"]) == ["a", "b"]
    assert list(frame["outlet"]) == ["A", "B"]
    assert list(frame["edits"]) == [len(d.edits) for d in docs] and frame["edits"][0] >= 3
    assert frame["text"][1] == docs[1].text and frame["original"][1] == seed


def test_alignments_frame_has_the_alignment_csv_columns_and_offsets_into_text_or_original() -> None:
    docs = [_aligned("a", "He  said:  “We  shall see.”", "We shall see."), _aligned("b", "No  quote here.", "quote")]
    frame = alignments_frame(docs)
    assert tuple(frame.columns) == ALIGNMENT_COLUMNS
    assert list(frame["doc_id"]) == ["a", "b"]
    for row, doc in zip(frame.itertuples(index=False), docs, strict=True):
        assert doc.text[row.start : row.end] == row.text
    original = alignments_frame(docs, original=True)
    assert original["text"][0] == "We  shall see." == docs[0].original[original["start"][0] : original["end"][0]]
    assert alignments_frame([]).empty and tuple(alignments_frame([]).columns) == ALIGNMENT_COLUMNS


def test_repr_is_one_short_line_even_for_a_long_article() -> None:
    seed = seed_path("001").read_text(encoding="utf-8")
    doc = Document.new(seed * 5, doc_id="long")
    doc.apply_edits([Edit(0, 9, doc.text[:9], "ANTHROPIC", stage="repair", rule="r")])
    text = repr(doc)
    assert "\n" not in text and len(text) < 300
    assert text.startswith("Document(id='long', language='und'")
    assert f"original={len(seed) * 5:,} chars" in text and "edits=1" in text and "spin_score=None" in text
    failed = Document.new("", doc_id="x")
    failed.error = "x.txt: cannot read"
    assert "error='x.txt: cannot read'" in repr(failed)
