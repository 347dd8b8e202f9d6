"""Well-formedness of the hand-made gold files in tests/reference/gold (they are read, not generated)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
import regex

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "reference" / "gold"
SEEDS = ROOT / "seeds"
SPUN_SEED = "001_90561ef6065aca45.txt"
KINDS = {"verbatim", "near", "spun", "translated", "paraphrase"}
DISTRACTOR_TYPES = {"tweet", "study", "company", "report", "statement", "other-person", "title", "heading"}
QUOTE_KEYS = {"quote_id", "kind", "anchor", "occurrence", "start", "end", "optional", "also_ok", "note"}
DISTRACTOR_KEYS = {"anchor", "occurrence", "start", "end", "speaker", "type", "optional", "note"}
WORD_RE = regex.compile(r"\w+")
WORD_CHAR_RE = regex.compile(r"\w")


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


def _quote_sets() -> list[Path]:
    candidates = [
        ROOT / "src" / "corpusnorm" / "data" / "quotes.json",
        ROOT.parent / "shared" / "letter" / "quotes.json",
    ]
    return [p for p in candidates if p.is_file()]


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads(_read(GOLD / "alignment.json"))


@pytest.fixture(scope="module")
def quote_ids() -> set[str]:
    paths = _quote_sets()
    if not paths:
        pytest.fail("no quote set found (src/corpusnorm/data/quotes.json or ../shared/letter/quotes.json)")
    ids: set[str] | None = None
    for path in paths:
        found = {q["id"] for q in json.loads(_read(path))["quotes"]}
        ids = found if ids is None else ids & found
    assert ids
    return ids


def test_alignment_covers_every_seed(gold: dict) -> None:
    assert gold["schema"] == "corpusnorm-gold-alignment/1"
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert seeds, "no seeds found"
    assert sorted(gold["seeds"]) == seeds


def _is_word(char: str) -> bool:
    return WORD_CHAR_RE.match(char) is not None


def _check_span(text: str, entry: dict, where: str) -> None:
    anchor = entry["anchor"]
    assert anchor and anchor == anchor.strip(), f"{where}: empty anchor or outer whitespace"
    assert anchor in text, f"{where}: anchor not in seed: {anchor!r}"
    start, end = entry["start"], entry["end"]
    assert text[start:end] == anchor, f"{where}: text[{start}:{end}] != anchor"
    # occurrence must point at the same place as the offsets
    positions = [m.start() for m in re.finditer(re.escape(anchor), text)]
    assert 0 <= entry["occurrence"] < len(positions), f"{where}: bad occurrence"
    assert positions[entry["occurrence"]] == start, f"{where}: occurrence does not match start"
    # anchors start and end at word edges
    assert not (start > 0 and _is_word(text[start - 1]) and _is_word(text[start])), f"{where}: starts inside a word"
    assert not (end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])), f"{where}: ends inside a word"


def test_quote_entries_are_well_formed(gold: dict, quote_ids: set[str]) -> None:
    for name, seed in gold["seeds"].items():
        text = _read(SEEDS / name)
        assert seed["language"] in {"en", "it", "hi"}
        assert seed["quotes"], f"{name}: no quotes annotated"
        for i, q in enumerate(seed["quotes"]):
            where = f"{name} quotes[{i}] {q.get('quote_id')}"
            assert set(q) <= QUOTE_KEYS, f"{where}: unknown keys {set(q) - QUOTE_KEYS}"
            assert q["quote_id"] in quote_ids, f"{where}: id not in quotes.json"
            assert q["kind"] in KINDS, f"{where}: bad kind {q['kind']!r}"
            assert set(q.get("also_ok", [])) <= KINDS - {q["kind"]}, f"{where}: bad also_ok"
            assert isinstance(q.get("optional", False), bool)
            _check_span(text, q, where)


def test_distractor_entries_are_well_formed(gold: dict) -> None:
    for name, seed in gold["seeds"].items():
        text = _read(SEEDS / name)
        for i, d in enumerate(seed["distractors"]):
            where = f"{name} distractors[{i}]"
            assert set(d) <= DISTRACTOR_KEYS, f"{where}: unknown keys {set(d) - DISTRACTOR_KEYS}"
            assert d["type"] in DISTRACTOR_TYPES, f"{where}: bad type {d['type']!r}"
            assert d["speaker"].strip()
            _check_span(text, d, where)


def test_no_distractor_overlaps_a_required_quote(gold: dict) -> None:
    for name, seed in gold["seeds"].items():
        required = [q for q in seed["quotes"] if not q.get("optional")]
        for d in seed["distractors"]:
            for q in required:
                overlap = min(d["end"], q["end"]) - max(d["start"], q["start"])
                assert overlap <= 0, f"{name}: distractor {d['anchor'][:40]!r} overlaps {q['quote_id']}"


def test_entries_of_one_quote_do_not_overlap(gold: dict) -> None:
    for name, seed in gold["seeds"].items():
        by_id: dict[str, list[tuple[int, int]]] = {}
        for q in seed["quotes"]:
            by_id.setdefault(q["quote_id"], []).append((q["start"], q["end"]))
        for qid, spans in sorted(by_id.items()):
            spans.sort()
            for (_, e1), (s2, _) in itertools.pairwise(spans):
                assert s2 >= e1, f"{name}: two {qid} entries overlap; make one entry per occurrence"


def test_verbatim_anchors_share_the_quote_words(gold: dict) -> None:
    """A verbatim anchor must be made of the quote's own words (case, punctuation and quote style aside)."""
    paths = _quote_sets()
    quotes = {q["id"]: q["text"] for q in json.loads(_read(paths[0]))["quotes"]} if paths else {}
    norm = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
    for name, seed in gold["seeds"].items():
        for q in seed["quotes"]:
            if q["kind"] != "verbatim" or q["quote_id"] not in quotes:
                continue
            words = WORD_RE.findall(q["anchor"].translate(norm).lower().replace("'", ""))
            quote_words = WORD_RE.findall(quotes[q["quote_id"]].translate(norm).lower().replace("'", ""))
            joined = " ".join(quote_words)
            where = f"{name} {q['quote_id']}"
            assert " ".join(words) in joined, f"{where}: verbatim anchor is not a run of the quote's words"


def test_restored_001_keeps_the_spun_structure() -> None:
    spun = _read(SEEDS / SPUN_SEED)
    restored = _read(GOLD / "001_restored.txt")
    spun_lines, restored_lines = spun.split("\n"), restored.split("\n")
    assert len(spun_lines) == len(restored_lines)
    for n, (a, b) in enumerate(zip(spun_lines, restored_lines, strict=True), 1):
        assert (a == "") == (b == ""), f"line {n}: blank-line structure differs"
    # the spinner's tell-tale phrases are gone, clean tail (boilerplate) kept byte-identical
    for phrase in ("Supply hyperlink", "put up", "mannequin", "analysis staff", "haven’t any proper", "develop into"):
        assert phrase in spun and phrase not in restored, phrase
    assert restored_lines[41:] == spun_lines[41:]
    assert restored_lines[39] == "Source link"


def test_restored_001_changes_only_words() -> None:
    """Outside the restored words, punctuation and quote marks are those of the spun seed (apostrophes of
    contractions the spinner made or broke aside)."""
    spun = _read(SEEDS / SPUN_SEED)
    restored = _read(GOLD / "001_restored.txt")

    def skeleton(text: str) -> str:
        return re.sub(r"[\w\s\u2019]", "", text)

    assert skeleton(spun) == skeleton(restored)
    changed = sum(a != b for a, b in zip(spun.split("\n"), restored.split("\n"), strict=True))
    assert 15 <= changed <= 30, changed
