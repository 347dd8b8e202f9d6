"""Quote sets: the canonical set shipped as package data, and user sets in JSON or plain text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from corpusnorm.backends.data import data_path
from corpusnorm.quotes import Quote, QuoteSetError, canonical_quotes, load_quotes, parse_quotes

SHARED = Path(os.environ.get("CORPUSNORM_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def test_canonical_set_has_the_letter_ids_in_order() -> None:
    quotes = canonical_quotes()
    assert [q.id for q in quotes] == ["X01", "X02"] + [f"L{i:02d}" for i in range(1, 28)]
    assert all(isinstance(q, Quote) and q.text.strip() for q in quotes)
    assert {q.attested for q in quotes} <= {"verbatim", "likely", "fragment"}


def test_canonical_set_keeps_variants_and_parts() -> None:
    by_id = {q.id: q for q in canonical_quotes()}
    assert "organization" in by_id["L16"].variants
    assert by_id["X01"].part == "x-post"
    assert by_id["L01"].variants == ()


def test_canonical_set_is_a_fresh_list_each_call() -> None:
    first = canonical_quotes()
    first.clear()
    assert len(canonical_quotes()) == 29


@pytest.mark.skipif(not (SHARED / "letter" / "quotes.json").exists(), reason="shared data not beside the repo")
def test_package_data_is_a_byte_copy_of_the_shared_letter() -> None:
    shipped = Path(str(data_path("quotes.json"))).read_bytes()
    assert shipped == (SHARED / "letter" / "quotes.json").read_bytes()


def test_load_quotes_reads_the_json_shape(tmp_path: Path) -> None:
    path = tmp_path / "set.json"
    path.write_text(Path(str(data_path("quotes.json"))).read_text(encoding="utf-8"), encoding="utf-8")
    assert load_quotes(path) == canonical_quotes()


def test_plain_text_gets_generated_ids_and_skips_blank_and_comment_lines(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("# my quotes\nFirst quote here.\n\n  Second one.  \n", encoding="utf-8")
    quotes = load_quotes(path)
    assert [(q.id, q.text) for q in quotes] == [("Q001", "First quote here."), ("Q002", "Second one.")]


def test_bare_json_list_of_strings_and_objects() -> None:
    quotes = parse_quotes(json.dumps(["alpha beta", {"id": "Z", "text": "gamma", "variants": ["delta"]}]))
    assert quotes == [Quote("Q001", "alpha beta"), Quote("Z", "gamma", variants=("delta",))]


@pytest.mark.parametrize(
    "content",
    [
        '{"quotes": [{"id": "A", "text": "x"}, {"id": "A", "text": "y"}]}',
        '{"quotes": [{"id": "A"}]}',
        '{"quotes": []}',
        '{"items": []}',
        "{not json",
        "",
    ],
)
def test_bad_quote_sets_raise_a_clear_error(content: str) -> None:
    with pytest.raises(QuoteSetError):
        parse_quotes(content)


def test_a_quote_file_read_again_is_parsed_once_until_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import corpusnorm.quotes as quotes_module
    from corpusnorm.align import align

    calls: list[str] = []
    real = quotes_module.parse_quotes
    monkeypatch.setattr(quotes_module, "parse_quotes", lambda text, **kw: calls.append(text) or real(text, **kw))
    path = tmp_path / "set.txt"
    unique = f"# {tmp_path}\n"  # a content no other test parsed (the parse cache is per process)
    path.write_text(unique + "The world is in peril.\n", encoding="utf-8")
    text = "He wrote that the world is in peril."
    first = align(text, quotes=path, crosslingual=False)
    second = align(text, quotes=path, crosslingual=False)  # an article loop passing the path each time
    assert [a.quote_id for a in first] == [a.quote_id for a in second] == ["Q001"]
    assert len(calls) == 1 and load_quotes(path)[0] is load_quotes(path)[0]  # the same frozen quotes
    path.write_text(unique + "Something else entirely.\nThe world is in peril.\n", encoding="utf-8")
    assert [a.quote_id for a in align(text, quotes=path, crosslingual=False)] == ["Q002"]  # a changed file is read anew
    assert len(calls) == 2
