"""Bytes input: UTF-8 first (with or without BOM), then a detector with a recorded warning."""

from __future__ import annotations

import pytest

from corpusnorm import DecodeError, Pipeline, decode_bytes, normalize, normalize_corpus

CLEAN = Pipeline.from_names(["clean"])


def test_utf8_with_and_without_bom() -> None:
    assert decode_bytes("perché".encode()).text == "perché"
    decoded = decode_bytes(b"\xef\xbb\xbf" + "perché".encode())
    assert (decoded.text, decoded.encoding, decoded.warnings) == ("perché", "utf-8-sig", [])


def test_legacy_encoding_is_detected_with_a_warning() -> None:
    text = "Il ricercatore ha sottolineato che è arrivato il momento di andare avanti, perché la città è lì."
    doc = normalize(text.encode("cp1252"), pipeline=CLEAN)
    assert doc.text == text
    assert any("not UTF-8" in w for w in doc.warnings)


def test_undecodable_bytes_raise_a_clear_error() -> None:
    with pytest.raises(DecodeError, match="not UTF-8"):
        decode_bytes(bytes(range(128, 256)) * 3 + b"\x00\x81\x8d\x8f\x90")


def test_corpus_goes_on_after_a_bad_item_and_keeps_order(tmp_path) -> None:
    good = tmp_path / "a.txt"
    good.write_text("First  text.\n", encoding="utf-8")
    items = [good, {"id": "r1", "text": "Second."}, {"id": "broken"}, b"Third.", tmp_path / "missing.txt"]
    docs = list(normalize_corpus(items, pipeline=CLEAN))
    assert [d.id for d in docs][:2] == ["a", "r1"]
    assert docs[0].text == "First text.\n"
    assert docs[2].error and "text" in docs[2].error
    assert docs[3].text == "Third." and docs[3].error is None
    assert docs[4].error and "cannot read" in docs[4].error


def test_workers_give_the_same_documents(seeds: dict[str, str]) -> None:
    items = [{"id": k, "text": v} for k, v in sorted(seeds.items())]
    one = [d.to_dict() for d in normalize_corpus(items, pipeline=CLEAN)]
    two = [d.to_dict() for d in normalize_corpus(items, pipeline=CLEAN, workers=2)]
    assert one == two
