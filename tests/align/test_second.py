"""Second opinion on e5's near misses (align/second.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from corpusnorm.align import align, quoteset, second
from corpusnorm.align.second import (
    SECOND_BAND_COSINE,
    SECOND_BAND_MARGIN,
    SECOND_EVIDENCE,
    covered,
    in_band,
    second_opinions,
)
from corpusnorm.backends.embed import Embedder, UseEmbedder, get_embedder
from corpusnorm.quotes import canonical_quotes

QUOTES = canonical_quotes()
TEXTS = tuple(q.text for q in QUOTES)
IDS = [q.id for q in QUOTES]
# A short Chinese rendering of L11 that e5-small scores just under the CJK floors (margin ~1.012, cosine ~0.835),
# beside an investor's remark in the same shape
ZH_ARTICLE = "人工智能研究员离职\n\n他在信中写道：“世界正处于危险之中。”一位投资人说：“市场正处于调整之中。”"


class _Recording(UseEmbedder):
    """The second model, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return super().embed(texts)


@pytest.fixture()
def recording(monkeypatch: pytest.MonkeyPatch) -> _Recording:
    embedder = _Recording()
    monkeypatch.setattr(second, "second_opinion_embedder", lambda: embedder)
    monkeypatch.setenv("CORPUSNORM_PASSAGE_CACHE", "0")
    monkeypatch.setenv("CORPUSNORM_QUOTE_CACHE", "0")  # the quote vectors are embedded in this process too
    monkeypatch.setattr(quoteset, "_SIDES", OrderedDict())  # no quote set embedded by an earlier test
    return embedder


def test_the_band_lies_just_under_the_floors() -> None:
    floors = (1.015, 0.84)
    assert in_band(1.012, 0.835, floors)  # under both floors, inside the band
    assert in_band(1.03, 0.83, floors)  # over the margin floor, under the cosine floor
    assert not in_band(1.02, 0.85, floors)  # over both floors: e5 decides alone
    assert not in_band(SECOND_BAND_MARGIN - 0.001, 0.85, floors)
    assert not in_band(1.012, floors[1] - SECOND_BAND_COSINE - 0.001, floors)


def test_only_languages_of_the_second_model_are_covered() -> None:
    assert covered("zh", "cjk") and covered("de", "latin") and covered("ru", "cyrillic")
    assert not covered("hi", "other") and not covered("hr", "latin")  # no Hindi, no Croatian in USE
    assert covered(None, "cjk") and not covered(None, "latin")  # unknown language: only CJK scripts


def test_short_renderings_are_confirmed_and_others_statements_are_not() -> None:
    texts = ["世界正处于危险之中", "我们拭目以待吧", "全球经济岌岌可危", "Die Weltwirtschaft ist in großer Gefahr"]
    asked = [IDS.index("L11"), IDS.index("L26"), IDS.index("L11"), IDS.index("L11")]
    opinions = second_opinions(texts, asked, TEXTS, "en")
    assert opinions[0] is not None and opinions[1] is not None
    assert opinions[0][0] >= second.SECOND_MIN_MARGIN and opinions[0][1] >= second.SECOND_MIN_COSINE
    assert opinions[2] is None and opinions[3] is None  # the world economy is not the world
    # the second model must agree on the quote: asked about another one, it confirms nothing
    assert second_opinions(["世界正处于危险之中"], [IDS.index("L26")], TEXTS, "en") == [None]


def test_a_quote_set_in_a_language_the_second_model_lacks_is_never_confirmed(recording: _Recording) -> None:
    assert second_opinions(["世界正处于危险之中"], [0], TEXTS, "hi") == [None]
    assert recording.calls == []  # nothing embedded, the model not even asked


def test_a_near_miss_confirmed_by_the_second_model_is_a_rendering(recording: _Recording) -> None:
    found = align(ZH_ARTICLE, language="zh")
    assert [(a.quote_id, a.kind, a.text) for a in found] == [("L11", "translated", "世界正处于危险之中")]
    assert SECOND_EVIDENCE in found[0].evidence
    assert any("世界正处于危险之中" in call for call in recording.calls)
    assert all("市场正处于调整之中" not in call for call in recording.calls)  # far under the floors: never asked


def test_without_the_second_model_the_matcher_keeps_e5s_floors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(second, "second_opinion_embedder", lambda: None)
    assert align(ZH_ARTICLE, language="zh") == []  # the behaviour before the second opinion


def test_second_opinion_false_keeps_e5s_floors_and_never_asks(recording: _Recording) -> None:
    assert align(ZH_ARTICLE, language="zh", second_opinion=False) == []
    assert recording.calls == []


def test_the_stage_passes_second_opinion_through_its_config(recording: _Recording) -> None:
    from corpusnorm.align.stage import AlignStage
    from corpusnorm.document import Document

    def run(**options: bool) -> list[str]:
        doc = Document.new(ZH_ARTICLE, doc_id="zh")
        doc.language = "zh"
        return [a.quote_id for a in AlignStage(**options)(doc).alignments]

    assert run() == ["L11"]
    assert run(second_opinion=False) == []


def test_the_second_model_is_not_asked_when_no_candidate_is_a_near_miss(recording: _Recording) -> None:
    text = "Nella lettera scrive: «Il mondo è in pericolo». Un analista ha detto: «I mercati restano calmi»."
    assert [a.quote_id for a in align(text, language="it")] == ["L11"]  # e5 over its floors decides alone
    assert recording.calls == []


def test_second_opinions_are_the_same_across_calls() -> None:
    texts = ["世界正处于危险之中", "我们拭目以待吧"]
    asked = [IDS.index("L11"), IDS.index("L26")]
    assert second_opinions(texts, asked, TEXTS, "en") == second_opinions(texts, asked, TEXTS, "en")


class _OtherModel(Embedder):
    """Not e5-small: the e5 vectors under another name (the band is set on e5's margins only)."""

    name = "other"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return get_embedder().embed(texts)


def test_only_e5_small_near_misses_get_a_second_opinion(recording: _Recording) -> None:
    assert align(ZH_ARTICLE, language="zh", embedder=_OtherModel()) == []
    assert recording.calls == []


_PROCESS_SCRIPT = """
import json, sys
from corpusnorm.align import align
print(json.dumps([(a.quote_id, a.start, a.end, a.score, a.evidence) for a in align(sys.argv[1], language="zh")]))
"""


def test_the_second_opinion_is_the_same_in_another_process(tmp_path: Path) -> None:
    env = {**os.environ, "CORPUSNORM_CACHE": str(tmp_path), "PYTHONHASHSEED": "3"}  # quote vectors computed anew
    runs = [
        subprocess.run(
            [sys.executable, "-c", _PROCESS_SCRIPT, ZH_ARTICLE], capture_output=True, text=True, env=env, check=True
        ).stdout
        for _ in range(2)
    ]  # the second run reads the quote vectors the first one cached on disk
    assert runs[0] == runs[1]
    assert SECOND_EVIDENCE in json.loads(runs[0])[0][4]
