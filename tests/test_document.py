"""The edit invariant: text == apply_edits(original, edits) and undo(doc) == original."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpusnorm import Document, Edit, EditError, Pipeline, Segment, apply_edits, normalize, undo

# Text that exercises the clean stage: mojibake, NUL and control characters, CRLF, emoji,
# Devanagari with ZWJ/ZWNJ, non-breaking and exotic spaces, soft hyphens, boilerplate lines.
PIECES = [
    "Itâ€™s",
    "cafÃ©",
    "â€œquotedâ€\x9d",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\r",
    "\n",
    "\n\n\n",
    "  ",
    "\t",
    "\u00a0",
    "\u202f",
    "\u2003",
    "\u00ad",
    "\ufeff",
    "😀",
    "👩\u200d💻",
    "क्\u200dष",
    "र\u200cह",
    "बार\u2011बार",
    "e\u0301",
    "&amp;",
    "ﬁ",
    "ＡＢＣ",
    "Share",
    "Continue reading",
    "8 min read",
    " pic.twitter.com/AbC123",
    "word",
    "Ünïcödé",
    "।",
    "“",
    "’",
]
texts = st.one_of(
    st.text(),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=40).map("".join),
)

CLEAN_ONLY = Pipeline.from_names(["clean"])


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_clean_edits_rebuild_text_and_original(text: str) -> None:
    doc = CLEAN_ONLY(Document.new(text, doc_id="t"))
    assert apply_edits(doc.original, doc.edits) == doc.text
    assert undo(doc) == text
    # edits are sorted, non-overlapping, and each names its stage and rule
    for a, b in zip(doc.edits, doc.edits[1:], strict=False):
        assert a.end <= b.start
    assert all(e.stage == "clean" and e.rule for e in doc.edits)


@st.composite
def edit_rounds(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int, str]]]]:
    text = draw(st.text(alphabet="abcdé \n", max_size=30))
    rounds = []
    length = len(text)
    for _ in range(draw(st.integers(1, 4))):
        cuts = sorted(draw(st.lists(st.integers(0, length), max_size=6)))
        changes = []
        for start, end in zip(cuts[::2], cuts[1::2], strict=False):
            changes.append((start, end, draw(st.text(alphabet="xyZ\n", max_size=4))))
        # drop a second insertion at the same place (ambiguous order)
        dedup = []
        for change in changes:
            if dedup and dedup[-1][0] == dedup[-1][1] == change[0] == change[1]:
                continue
            dedup.append(change)
        rounds.append(dedup)
        length += sum(len(a) - (e - s) for s, e, a in dedup)
    return text, rounds


@given(edit_rounds())
def test_composed_edits_keep_the_invariant(case: tuple[str, list[list[tuple[int, int, str]]]]) -> None:
    text, rounds = case
    doc = Document.new(text, doc_id="t")
    expected = text
    for number, changes in enumerate(rounds):
        edits = [Edit(s, e, doc.text[s:e], a, f"stage{number}", f"rule{number}") for s, e, a in changes]
        doc.apply_edits(edits)
        pieces, cursor = [], 0
        for s, e, a in changes:
            pieces += [expected[cursor:s], a]
            cursor = e
        expected = "".join(pieces) + expected[cursor:]
        assert doc.text == expected
        assert apply_edits(doc.original, doc.edits) == doc.text
        assert undo(doc) == text
        for a, b in zip(doc.edits, doc.edits[1:], strict=False):
            assert a.end <= b.start


def test_later_stage_edit_inside_earlier_one_is_composed() -> None:
    doc = Document.new("Itâ€™s put up here", doc_id="t")
    doc.apply_edits([Edit(2, 5, "â€™", "’", "clean", "ftfy:fix")])
    assert doc.text == "It’s put up here"
    doc.apply_edits([Edit(0, 4, "It’s", "It is", "repair", "contraction")])
    assert doc.text == "It is put up here"
    [edit] = doc.edits
    assert (edit.start, edit.end, edit.before, edit.after) == (0, 6, "Itâ€™s", "It is")
    assert edit.stage == "clean+repair" and edit.rule == "ftfy:fix+contraction"
    doc.apply_edits([Edit(6, 12, "put up", "post", "repair", "lexicon:1")])
    assert doc.text == "It is post here"
    assert [e.before for e in doc.edits] == ["Itâ€™s", "put up"]
    assert undo(doc) == doc.original


def test_segments_follow_text_changes() -> None:
    doc = Document.new("aa put up bb", doc_id="t")
    doc.segments = [Segment(0, 2, "aa", "en", 1.0), Segment(10, 12, "bb", "en", 1.0)]
    doc.apply_edits([Edit(3, 9, "put up", "post", "repair", "r")])
    assert [(s.start, s.end, s.text) for s in doc.segments] == [(0, 2, "aa"), (8, 10, "bb")]


def test_to_original_maps_spans_back() -> None:
    doc = Document.new("x  put up, y", doc_id="t")
    doc.apply_edits([Edit(1, 3, "  ", " ", "clean", "ws:spaces")])
    doc.apply_edits([Edit(2, 8, "put up", "post", "repair", "r")])
    assert doc.text == "x post, y"
    start, end = doc.to_original(2, 6)
    assert doc.original[start:end] == "put up"
    start, end = doc.to_original(8, 9)
    assert doc.original[start:end] == "y"
    start, end = doc.to_original(3, 5)  # inside a repaired word: the whole original word
    assert doc.original[start:end] == "put up"


def test_bad_edits_are_refused() -> None:
    doc = Document.new("abc", doc_id="t")
    with pytest.raises(EditError):
        doc.apply_edits([Edit(0, 2, "xx", "y", "s", "r")])  # before does not match
    with pytest.raises(EditError):
        doc.apply_edits([Edit(0, 2, "ab", "y", "s", "r"), Edit(1, 3, "bc", "z", "s", "r")])
    with pytest.raises(EditError):
        apply_edits("abc", [Edit(2, 9, "c", "", "s", "r")])
    assert doc.text == "abc" and doc.edits == []


def test_one_megabyte_line_round_trips() -> None:
    line = ("Itâ€™s  a\u00a0long   line\t" * 50_000)[:1_000_000]
    doc = CLEAN_ONLY(Document.new(line + "\r\n", doc_id="big"))
    assert undo(doc) == doc.original
    assert "â€™" not in doc.text and "  " not in doc.text


def test_json_round_trip(seeds: dict[str, str]) -> None:
    doc = normalize(seeds["001"], doc_id="001")
    again = Document.from_dict(json.loads(doc.to_json()))
    assert again == doc
    assert undo(again) == seeds["001"]


# -- edit bookkeeping in O((n + k) log k) (issue 11, item 6) ----------------------------------
def _reference_move(changes: list[Edit], position: int, *, is_end: bool) -> int:
    """The former linear scan over all changes, kept as the specification of a move."""
    delta = 0
    for change in changes:
        if change.end <= position and not (change.start == change.end == position and not is_end):
            delta += len(change.after) - (change.end - change.start)
        elif change.start < position < change.end:
            return change.start + delta + (len(change.after) if is_end else 0)
        else:
            break
    return position + delta


@st.composite
def _changes(draw: st.DrawFn) -> tuple[int, list[Edit]]:
    length = draw(st.integers(0, 40))
    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=12)))
    changes, previous_end, last_insert = [], 0, -1
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a < previous_end or (a == b and a == last_insert):
            continue
        after = draw(st.text(alphabet="xy", max_size=3))
        changes.append(Edit(a, b, "?" * (b - a), after, "t", "r"))
        previous_end, last_insert = b, (a if a == b else -1)
    return length, changes


@given(_changes(), st.data())
@settings(max_examples=300, deadline=None)
def test_moves_by_bisection_equal_the_linear_scan(case: tuple[int, list[Edit]], data: st.DataObject) -> None:
    from corpusnorm.document import _Mover

    length, changes = case
    mover = _Mover(changes)
    for position in range(length + 1):
        for is_end in (False, True):
            assert mover.move(position, is_end=is_end) == _reference_move(changes, position, is_end=is_end)


def _bookkeeping_cost(n: int) -> float:
    import gc
    import time

    text = "word  word. " * n
    doc = Document.new(text, doc_id="big")
    doc.segments = [Segment(i, i + 4, text[i : i + 4], "en", 1.0) for i in range(0, len(text), 12)]
    gc.disable()  # the cost of the algorithm, not of collecting the test session's heap
    try:
        start = time.process_time()
        doc.apply_edits([Edit(i + 4, i + 6, "  ", " ", "clean", "ws:spaces") for i in range(0, len(text), 12)])
        for segment in doc.segments:
            doc.to_original(segment.start, segment.end)
        return time.process_time() - start
    finally:
        gc.enable()


def test_edit_bookkeeping_grows_linearly_with_the_document() -> None:
    small = min(_bookkeeping_cost(5_000) for _ in range(3))
    large = min(_bookkeeping_cost(20_000) for _ in range(3))
    assert large < 9 * max(small, 0.02), (small, large)  # linear: ~4x (n log n: a little more); quadratic: 16x


def test_apply_edits_is_split_into_short_functions() -> None:
    import inspect

    from corpusnorm import document

    for function in (document.Document.apply_edits, document.Document._merge, document._clusters):
        assert len(inspect.getsource(function).splitlines()) <= 60
