"""The whole pipeline under fuzzing (issue 11): str and bytes of every kind, no exception but
DecodeError, and every invariant kept (lossless, offsets valid, JSON always writable)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpusnorm import DecodeError, Document, Pipeline, normalize, undo

PIECES = [
    "Itâ€™s",
    "cafÃ©",
    "\x00",
    "\r\n",
    "\n\n\n",
    "  ",
    "\t",
    "\u00a0",
    "\u2028",
    "\u202e",
    "\u200d",
    "\ud800",
    "«",
    "“",
    "”",
    "!!!",
    "a.a.a.",
    "aaa@",
    "www.",
    "Share",
    "नमस्ते",
    "क्ष",
    "Il mondo è",
    "The minister said",
    "We shall see what unfolds",
    "😀",
    "\u00ad",
    ".",
    " ",
    "x" * 70,
]
TEXTS = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=25).map("".join)
BYTES = st.one_of(
    st.binary(max_size=200),
    TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass")),
    TEXTS.map(lambda t: t.encode("cp1252", "replace")),
    st.tuples(TEXTS, st.binary(max_size=3), TEXTS).map(
        lambda p: p[0].encode("utf-8", "replace") + p[1] + p[2].encode("utf-8", "replace")
    ),
)
CLEAN_DETECT = Pipeline.from_names(["clean", "detect"])
FULL = Pipeline.default()


def _check(doc: Document) -> None:
    assert undo(doc) == doc.original
    for span in (*doc.segments, *doc.alignments):
        assert 0 <= span.start <= span.end <= len(doc.text) and doc.text[span.start : span.end] == span.text
    for span in doc.alignments:
        start, end = doc.to_original(span.start, span.end)
        assert 0 <= start <= end <= len(doc.original)
    line = doc.to_json()
    line.encode("utf-8")
    back = Document.from_dict(json.loads(line))
    assert back.original == doc.original and undo(back) == back.original


def _run(data: str | bytes, pipeline: Pipeline) -> None:
    try:
        doc = normalize(data, pipeline=pipeline)
    except DecodeError:
        assert isinstance(data, bytes)
        return
    assert not any(w.startswith("stage-error:") for w in doc.warnings), doc.warnings
    _check(doc)


@given(st.one_of(TEXTS, BYTES))
@settings(max_examples=900, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_clean_and_detect_keep_every_invariant(data: str | bytes) -> None:
    _run(data, CLEAN_DETECT)


@given(st.one_of(TEXTS, BYTES))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_full_pipeline_keeps_every_invariant(data: str | bytes) -> None:
    _run(data, FULL)
