"""The held-out sets' gold (benchmarks/data/unseen, unseen2, unseen3) is well-formed and located in its articles.

Runs no aligner: only the clean stage, which the scoring also locates gold through (the mojibake article of
``unseen`` has its gold written in the repaired text).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("align_unseen", ROOT / "benchmarks" / "align_unseen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("align_unseen", module)
    spec.loader.exec_module(module)
    return module


align_unseen = _load()


@pytest.mark.parametrize("set_name", align_unseen.SETS)
def test_every_gold_text_is_located_in_its_article(set_name: str) -> None:
    assert align_unseen.gold_problems(set_name) == []


@pytest.mark.parametrize("set_name", align_unseen.SETS)
def test_sets_have_articles_quotes_and_distractors(set_name: str) -> None:
    data, gold = align_unseen.load_gold(set_name)
    assert gold["schema"] == "corpusnorm-unseen-gold/1"
    assert len(gold["articles"]) >= 12
    for name, article in gold["articles"].items():
        assert (data / name).is_file()
        assert article["quotes"], name
        assert article["distractors"], name
    assert (data / "README.md").is_file()


def test_second_set_languages() -> None:
    _, gold = align_unseen.load_gold("unseen2")
    languages = {a["language"] for a in gold["articles"].values()}
    assert {"nl", "pl", "sv", "ro", "tr", "ko", "ar", "id", "hr", "en", "es"} <= languages


def test_third_set_languages_and_negated_echoes() -> None:
    _, gold = align_unseen.load_gold("unseen3")
    articles = gold["articles"].values()
    languages = [a["language"] for a in articles]
    assert {"en", "de", "fr", "pt", "it", "ru", "ja", "zh", "hi", "cs", "vi"} <= set(languages)
    assert languages.count("en") == 2
    negated = [d for a in articles for d in a["distractors"] if "negated" in d.get("note", "")]
    assert len(negated) >= 10
    used = {q["quote_id"] for a in articles for q in a["quotes"]}
    assert {"X01", "X02"} | {f"L{i:02d}" for i in range(1, 28)} <= used


def test_a_text_not_in_its_article_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    data, gold = align_unseen.load_gold("unseen2")
    broken: dict[str, Any] = copy.deepcopy(gold)
    first = next(iter(broken["articles"].values()))
    first["quotes"][0]["text"] = "a sentence that no article of the set contains"
    first["quotes"][1]["quote_id"] = "L99"
    first["distractors"][0]["type"] = "rumour"
    monkeypatch.setattr(align_unseen, "load_gold", lambda _name: (data, broken))
    problems = align_unseen.gold_problems("unseen2")
    assert any("not in the article" in p and "no article of the set" in p for p in problems)
    assert any("unknown quote id 'L99'" in p for p in problems)
    assert any("unknown distractor type 'rumour'" in p for p in problems)


def test_an_occurrence_beyond_the_last_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    data, gold = align_unseen.load_gold("unseen2")
    broken = json.loads(json.dumps(gold))
    first = next(iter(broken["articles"].values()))
    first["quotes"][0]["occurrence"] = 50
    monkeypatch.setattr(align_unseen, "load_gold", lambda _name: (data, broken))
    assert len(align_unseen.gold_problems("unseen2")) == 1


def test_unknown_set_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown held-out set"):
        align_unseen.load_gold("unseen4")


def test_check_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert align_unseen.main(["--set", "unseen2", "--check"]) == 0
    assert "unseen2: gold well-formed" in capsys.readouterr().out
