"""Short renderings in a gap of aligned quotes (corpusnorm.align.gaps)."""

from __future__ import annotations

from corpusnorm.align import align
from corpusnorm.align.gaps import _gaps, _short_quoted
from corpusnorm.document import Alignment
from corpusnorm.quotes import canonical_quotes

RUN = (
    "Le chercheur détaille ses projets : « J'aimerais suivre un cursus de poésie et me consacrer à la pratique "
    "d'une parole courageuse. » Il se dit aussi « enthousiaste à l'idée d'approfondir ma pratique de la "
    "facilitation, du coaching, de la construction de communautés et du travail de groupe ». "
    "Sa conclusion : « On verra. » Il veut « retourner au Royaume-Uni et me rendre invisible pendant quelque temps »."
)


def _at(quote_id: str, start: int, end: int) -> Alignment:
    return Alignment(quote_id, "translated", 0.9, start, end, "x" * (end - start), 1.0, "test")


def test_a_gap_is_one_or_two_unaligned_quotes_between_two_aligned_neighbours() -> None:
    quotes = canonical_quotes()
    ids = [q.id for q in quotes]
    l25, l27 = ids.index("L25"), ids.index("L27")
    assert _gaps(quotes, [_at("L25", 0, 10), _at("L27", 30, 40)]) == [(10, 30, l25 + 1, l27 - 1)]
    assert _gaps(quotes, [_at("L24", 0, 10), _at("L27", 30, 40)]) == [(10, 30, l25, l27 - 1)]
    # three quotes between: no gap; the gap's quote aligned elsewhere: no gap; out of order: no gap
    assert _gaps(quotes, [_at("L23", 0, 10), _at("L27", 30, 40)]) == []
    assert _gaps(quotes, [_at("L25", 0, 10), _at("L27", 30, 40), _at("L26", 50, 60)]) == []
    assert _gaps(quotes, [_at("L27", 0, 10), _at("L25", 30, 40)]) == []


def test_short_quoted_passages_are_read_from_the_text_start() -> None:
    # from the gap's start, "» Sa conclusion : «" would read as a German »…« quote and hide « On verra. »
    gap = (RUN.index("». Sa") + 1, RUN.index("Il veut"), 27, 27)
    spans = _short_quoted(RUN, [gap], "en", "fr")
    assert [(RUN[a:b], lo, hi) for a, b, lo, hi in spans] == [("On verra", 27, 27)]
    assert _short_quoted(RUN, [(0, RUN.index("Sa conclusion"), 27, 27)], "en", "fr") == []  # only long quotes


def test_a_two_word_rendering_between_two_renderings_is_found() -> None:
    found = {a.quote_id: a for a in align(RUN, language="fr")}
    assert {"L24", "L25", "L27"} <= set(found)
    assert found["L26"].text == "On verra" and found["L26"].kind == "translated"
    assert "gap" in found["L26"].evidence


def test_the_same_words_without_aligned_neighbours_are_not_a_rendering() -> None:
    text = (
        "L'entraîneur quitte le club. Dans sa lettre aux supporters, il écrit : « J'ai tout donné ici. » "
        "Sur son avenir : « On verra. » Puis : « Je vais d'abord prendre des vacances avec ma famille. »"
    )
    assert not [a for a in align(text, language="fr") if a.quote_id == "L26"]


def test_a_short_quote_in_a_wide_gap_is_not_a_rendering() -> None:
    # the letter's L20 and L27 are rendered, a colleague's "On verra" stands between them: six quotes apart
    text = (
        "« Pour moi, cela signifie partir », écrit-il. Son collègue, lui, reste laconique : « On verra. » "
        "Le chercheur veut « retourner au Royaume-Uni et me rendre invisible pendant quelque temps »."
    )
    found = {a.quote_id for a in align(text, language="fr")}
    assert {"L20", "L27"} <= found and "L26" not in found
