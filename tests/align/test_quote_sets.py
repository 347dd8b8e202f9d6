"""Quote marks of other languages, per-language negation, passage language, calibrated scores,
quote sets of any size (disk cache, margin terms once per set, interval index)."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusnorm.align import align, core, crosslingual, quoteset
from corpusnorm.align.passages import QUOTED_RE
from corpusnorm.align.polarity import _negated
from corpusnorm.backends.embed import get_embedder
from corpusnorm.document import Alignment
from corpusnorm.quotes import Quote


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("Han skrev ”Världen är i fara” igår.", "Världen är i fara"),
        ("Er schrieb: »Die Welt ist in Gefahr« und ging.", "Die Welt ist in Gefahr"),
        ("Hon sa »Världen är i fara» i går.", "Världen är i fara"),
        ("„Svijet je u opasnosti”, napisao je.", "Svijet je u opasnosti"),
        ("‚Vandaag is mijn laatste dag.‘ Hij ging.", "Vandaag is mijn laatste dag."),
        ("Il a écrit « Le monde est en péril » hier.", "Le monde est en péril"),
        ("他说＂世界正处于危险之中＂。", "世界正处于危险之中"),
    ],
)
def test_quote_marks_of_other_languages(text: str, inner: str) -> None:
    assert inner in [m.group("q") for m in QUOTED_RE.finditer(text)]


def test_quote_regex_is_linear_on_unclosed_marks() -> None:
    for opener in "«»„”‚":
        text = (opener + " " + "word " * 400) * 100
        started = time.process_time()
        list(QUOTED_RE.finditer(text))
        assert time.process_time() - started < 1.0


@pytest.mark.parametrize(
    ("text", "language", "negated"),
    [
        ("Mai mulți colegi i-au mulțumit.", "ro", False),  # Romanian "mai" = more, not Italian "mai" = never
        ("Mai detto una cosa simile.", "it", True),
        ("Lumea nu este în pericol.", "ro", True),
        ("Svijet nije u opasnosti.", "hr", True),
        ("Världen är inte i fara.", "sv", True),
        ("Świat nie jest w niebezpieczeństwie.", "pl", True),
        ("De wereld is niet in gevaar.", "nl", True),
        ("Dünya tehlikede değil.", "tr", True),
        ("Bu iş olmaz.", "tr", True),
        ("Dünya tehlikede.", "tr", False),
        ("Dunia tidak dalam bahaya.", "id", True),
        ("Dunia dalam bahaya.", "id", False),
    ],
)
def test_negation_lists_per_language(text: str, language: str, negated: bool) -> None:
    assert _negated(text, language) is negated


def test_romanian_passage_without_a_language_is_not_english_nor_italian() -> None:
    text = "Un comentator a scris: „Mai mulți oameni spun că lumea este în pericol, dar nu e așa.”"
    assert crosslingual._passage_language("Mai mulți oameni spun că lumea este în pericol") == "ro"
    assert all(a.quote_id != "L11" for a in align(text))  # negated in Romanian ("nu"), whatever "mai" is


def test_scores_are_calibrated_probabilities_with_raw_values_in_evidence() -> None:
    text = "The world is in peril. Nel suo messaggio ha scritto: «Il mondo è in pericolo»."
    found = align(text, language="it")
    assert found and all(0.0 <= a.score <= 1.0 for a in found)
    kinds = {a.kind: a for a in found}
    assert "weighted dice" in kinds["verbatim"].evidence
    assert "margin" in kinds["translated"].evidence
    assert kinds["verbatim"].score > 0.95
    high = align(text, language="it", min_score=kinds["translated"].score + 1e-4)
    assert all(a.score > kinds["translated"].score for a in high)


def test_quote_vectors_are_cached_on_disk(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CORPUSNORM_CACHE", str(tmp_path))
    quotes = [Quote(id="A", text="The ship sails at dawn."), Quote(id="B", text="Bread rises in the oven.")]
    quoteset._SIDES.clear()
    first = quoteset.quote_side(tuple(q.text for q in quotes), get_embedder())
    files = list(tmp_path.rglob("*.npy"))
    assert len(files) == 1
    quoteset._SIDES.clear()
    calls: list[int] = []
    embedder = get_embedder()
    monkeypatch.setattr(type(embedder), "embed", lambda self, texts: calls.append(1) or np.zeros((2, 384)))
    second = quoteset.quote_side(tuple(q.text for q in quotes), embedder)
    assert calls == [] and np.array_equal(first.vectors, second.vectors)
    monkeypatch.setenv("CORPUSNORM_QUOTE_CACHE", "0")
    assert quoteset._quote_cache_path(embedder, ("x",)) is None


def test_margin_terms_of_a_large_set_match_the_full_matrix() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(2500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    full = vectors @ vectors.T - 2.0 * np.eye(len(vectors), dtype=np.float32)
    expected = np.sort(full, axis=1)[:, -quoteset.MARGIN_K :].mean(axis=1)
    assert np.allclose(quoteset._y_neighbours(vectors), expected, atol=1e-6)


def _quadratic(matches: list[Alignment]) -> list[Alignment]:
    ranked = sorted(matches, key=lambda a: (-a.score, -(a.end - a.start), a.start, a.quote_id))
    kept: list[Alignment] = []
    for cand in ranked:
        if all(
            min(cand.end, o.end) - max(cand.start, o.start) <= 0.5 * min(cand.end - cand.start, o.end - o.start)
            for o in kept
        ):
            kept.append(cand)
    return sorted(kept, key=lambda a: (a.start, a.end, a.quote_id))


@pytest.mark.parametrize("rows", [1, 2, 5, 48])
def test_cosines_are_the_products_with_the_quote_vectors(rows: int) -> None:
    """quoteset._cosines computes x @ vectors.T the other way round (cheaper for a few rows and many quotes)."""
    rng = np.random.default_rng(rows)
    vectors = rng.standard_normal((700, 32)).astype(np.float32)
    x = rng.standard_normal((rows, 32)).astype(np.float32)
    cos = quoteset._cosines(x, vectors)
    assert cos.shape == (rows, 700) and cos.dtype == np.float32 and cos.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(cos, x @ vectors.T, rtol=1e-6, atol=1e-5)


@given(st.lists(st.tuples(st.integers(0, 300), st.integers(1, 80), st.integers(0, 9), st.floats(0, 1)), max_size=60))
def test_interval_index_keeps_what_the_quadratic_scan_kept(spans: list[tuple[int, int, int, float]]) -> None:
    matches = [
        Alignment(quote_id=f"Q{q}", kind="near", score=s, start=a, end=a + n, text="", coverage=1.0, evidence="")
        for a, n, q, s in spans
    ]
    assert core._resolve_overlaps(matches) == _quadratic(matches)


def test_overlap_resolution_is_not_quadratic() -> None:
    rng = random.Random(0)
    matches = []
    for i in range(20_000):
        start = rng.randrange(0, 2_000_000)
        matches.append(
            Alignment(
                quote_id=f"Q{i % 50}",
                kind="near",
                score=rng.random(),
                start=start,
                end=start + rng.randrange(5, 200),
                text="",
                coverage=1.0,
                evidence="",
            )
        )
    started = time.process_time()
    core._resolve_overlaps(matches)
    assert time.process_time() - started < 2.0
