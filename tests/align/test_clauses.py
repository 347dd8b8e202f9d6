"""Clause targets of long quotes (partial renderings)."""

from __future__ import annotations

import numpy as np
import pytest

from corpusnorm.align import align
from corpusnorm.align.clauses import CLAUSE_MIN_WORDS, ClauseSide, clause_side, quote_clauses
from corpusnorm.align.crosslingual import CLAUSE_EXTRA_COSINE, CLAUSE_MIN_MARGIN, _best_clause
from corpusnorm.backends.embed import get_embedder
from corpusnorm.quotes import canonical_quotes

LONG = (
    "I hope to explore a poetry degree and devote myself to the practice of courageous speech, "
    "while the rest of the world goes on; and that is all."
)


def test_a_long_quote_is_cut_at_punctuation_and_conjunctions() -> None:
    clauses = quote_clauses(LONG)
    assert "I hope to explore a poetry degree" in clauses
    assert "devote myself to the practice of courageous speech" in clauses  # the opening "and" left out
    # two consecutive pieces make a target too, across the punctuation between them
    assert "devote myself to the practice of courageous speech, while the rest of the world goes on" in clauses
    assert "that is all" not in clauses  # under CLAUSE_MIN_WORDS
    assert all(len(c.split()) >= CLAUSE_MIN_WORDS for c in clauses)
    assert LONG not in clauses and LONG.rstrip(".") not in clauses


def test_short_quotes_have_no_clause_targets() -> None:
    assert quote_clauses("The world is in peril.") == []
    assert quote_clauses("For me, this means leaving, and we shall see.") == []  # 9 words


def test_conjunctions_follow_the_quote_language() -> None:
    text = (
        "Voglio esplorare con calma le domande davvero essenziali per me "
        "e dedicarmi ogni giorno alla pratica della parola coraggiosa"
    )
    assert quote_clauses(text, "it") == [
        "Voglio esplorare con calma le domande davvero essenziali per me",
        "dedicarmi ogni giorno alla pratica della parola coraggiosa",
    ]
    assert quote_clauses(text, "xx") == []  # no conjunction list, no punctuation: one piece, the quote itself


def test_clause_floors_are_stricter_than_a_whole_quote() -> None:
    side = ClauseSide(np.array([0]), ("a clause",), np.ones((1, 2)), np.array([0.9]), (False,))
    floors = (1.012, 0.86)  # a Latin-script passage's floors for a whole quote
    assert _best_clause(np.array([0.95]), 0.9, side, floors) == pytest.approx((0, 0.95 / 0.9, 0.95))
    # margin 1.035 and cosine 0.88 pass a whole quote's floors, not a clause's (cosine + CLAUSE_EXTRA_COSINE)
    assert 0.86 < 0.88 < floors[1] + CLAUSE_EXTRA_COSINE
    assert _best_clause(np.array([0.88]), 0.8003, side, floors) is None
    # margin 1.027: over the whole-quote floor, under CLAUSE_MIN_MARGIN
    assert 1.012 < 0.95 / 0.925 < CLAUSE_MIN_MARGIN
    assert _best_clause(np.array([0.95]), 0.95, side, floors) is None


def test_a_partial_rendering_is_aligned_to_its_quote_and_others_sentences_are_not() -> None:
    text = (
        "Secondo la lettera, vuole «desarrollar defensas que reduzcan los riesgos del bioterrorismo asistido por IA». "
        "Un analista dijo: «Los riesgos del bioterrorismo dependen sobre todo de los laboratorios». "
        "La empresa añadió: «Seguiremos invirtiendo en la seguridad de nuestros modelos»."
    )
    found = align(text, language="es")
    assert [(a.quote_id, a.kind, a.text) for a in found] == [
        ("L07", "translated", "desarrollar defensas que reduzcan los riesgos del bioterrorismo asistido por IA")
    ]
    assert "clause of the quote" in found[0].evidence
    assert found[0].coverage < 0.5  # a quarter of L07's words


def test_the_canonical_set_has_clause_targets_of_its_long_quotes() -> None:
    quotes = canonical_quotes()
    side = clause_side(tuple(q.text for q in quotes), "en", get_embedder())
    ids = {quotes[int(i)].id for i in side.parents}
    assert {"L07", "L12", "L23", "L24"} <= ids
    assert not ids & {"L11", "L26", "L01", "L20"}  # short quotes
    assert side.vectors.shape == (len(side.texts), 384)
    assert {"I hope to explore a poetry degree", "devote myself to the practice of courageous speech"} <= set(
        side.texts
    )
    assert len(side.negated) == len(side.texts) == len(side.y_nn)
