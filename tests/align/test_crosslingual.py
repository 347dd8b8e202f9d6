"""The cross-lingual matcher (corpusnorm.align.crosslingual): sub-spans of long candidates, privative quotes."""

from __future__ import annotations

import pytest

from corpusnorm.align import align, crosslingual
from corpusnorm.align.crosslingual import _negation_unchecked, _quote_privative
from corpusnorm.quotes import canonical_quotes


def test_a_quote_with_a_privative_adjective_is_not_polarity_checked() -> None:
    texts = {q.id: q.text for q in canonical_quotes()}
    assert _quote_privative(texts["L27"], "en")  # invisible
    assert _quote_privative(texts["L04"], "en")  # unreasonable
    # "unfolds", "interconnected", "intimate": no privative adjective; L21 is unchecked for its "not"
    assert not any(_quote_privative(texts[q], "en") for q in ("L26", "L12", "L21", "L11"))
    assert _negation_unchecked(texts["L21"], "en") and not _negation_unchecked(texts["L11"], "en")
    assert not _quote_privative("Il mondo è invisibile", "it")  # English quote sets only


def test_invisible_rendered_with_a_negation_morpheme_is_found() -> None:
    text = (
        '그는 편지에서 "영국으로 돌아가서 한동안 사람들 눈에 띄지 않게 살아가려 합니다"라고 밝혔다. '
        '한 관계자는 "회사는 안전 연구에 계속 투자한다"고 말했다.'
    )
    assert [a.quote_id for a in align(text, language="ko")] == ["L27"]


LONG = (
    "В письме он признаётся: «Я всё время ловлю себя на том, что пытаюсь осмыслить наше положение, "
    "и это не отпускает меня ни на работе, ни дома»."
)


def test_a_rendering_inside_a_longer_quoted_sentence_is_found_as_a_sub_span() -> None:
    found = align(LONG, language="ru")
    assert [a.quote_id for a in found] == ["L10"]
    assert found[0].text.startswith("Я всё время") and found[0].text.endswith("наше положение")


def test_sub_spans_are_not_compared_without_a_near_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crosslingual, "SUBSPAN_MIN_MARGIN", 9.0)  # no candidate comes this close
    assert align(LONG, language="ru") == []


def test_each_repeat_of_a_rendering_is_found_once_outside_the_found_spans() -> None:
    """A text printing 60 renderings twice (a body, then a recap): each second copy is an echo of its first,
    none overlaps a rendering already found or another echo."""
    import itertools

    from corpusnorm.align.tokens import _tokenize
    from corpusnorm.document import Alignment

    sentences = [
        " ".join(f"{w}{i}" for w in ("alba", "brina", "cielo", "duna", "erba", "faro")) + "." for i in range(60)
    ]
    body = " ".join(sentences)
    text = body + " " + body
    renderings, pos = [], 0
    for i, s in enumerate(sentences):
        renderings.append(
            Alignment(
                quote_id=f"Q{i}",
                kind="translated",
                score=0.8,
                start=pos,
                end=pos + len(s),
                text=s,
                coverage=1.0,
                evidence="",
            )
        )
        pos += len(s) + 1
    echoes = crosslingual._echoes(_tokenize(text), renderings, list(renderings), "it")
    assert sorted(a.quote_id for a in echoes) == sorted(a.quote_id for a in renderings)
    for a in echoes:
        assert a.start >= len(body) and text[a.start : a.end] == a.text == renderings[int(a.quote_id[1:])].text.rstrip(
            "."
        )
    spans = sorted((a.start, a.end) for a in echoes)
    assert all(e <= s for (_, e), (s, _) in itertools.pairwise(spans))
