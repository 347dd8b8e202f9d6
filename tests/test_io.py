"""Bytes input: UTF-8 first (with or without BOM), then a detector with a recorded warning."""

from __future__ import annotations

import json
from pathlib import Path

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


# -- inputs resolved before outputs (issue 11, items 1 and 8) ---------------------------------
def test_every_skipped_path_is_named_and_the_output_folder_is_never_an_input(tmp_path) -> None:
    import os

    from corpusnorm.io import Record, resolve_inputs

    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("A text.", encoding="utf-8")
    (root / "out" / "text").mkdir(parents=True)
    (root / "out" / "text" / "a.txt").write_text("A text.", encoding="utf-8")  # a previous run's output
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    os.mkfifo(root / "pipe.txt")
    (root / "folder.txt").mkdir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.txt").write_text("B text.", encoding="utf-8")
    (root / "linked").symlink_to(other)  # a symlinked folder is read
    (root / "up").symlink_to(tmp_path)  # a loop back up: each folder read once

    plan = resolve_inputs([root], exclude=[root / "out"])
    files = [e for e in plan.entries if not isinstance(e, Record)]
    errors = {Path(e.source).name: e.error for e in plan.entries if isinstance(e, Record)}
    assert files == [root / "a.txt", root / "linked" / "b.txt"]
    assert "dangling" in errors["dangling.txt"]
    assert "loop" in errors["loop.txt"]
    assert "FIFO" in errors["pipe.txt"]
    assert "folder" in errors["folder.txt"]
    assert any(str(root / "out") in note and "--out" in note for note in plan.notes)
    assert any("up" in note and "again" in note for note in plan.notes)
    assert not any("out" in str(f) for f in files)


def test_one_bad_byte_in_jsonl_loses_one_line_named_file_and_line(tmp_path) -> None:
    from corpusnorm.io import iter_records

    path = tmp_path / "r.jsonl"
    good = [json.dumps({"id": f"r{i}", "text": f"Record {i}."}).encode() for i in range(3)]
    path.write_bytes(good[0] + b"\n" + b'{"id": "bad", "text": "caf\xe9"}\n' + good[1] + b"\n\n" + good[2] + b"\n")
    records = list(iter_records([path]))
    assert [r.id for r in records if r.error is None] == ["r0", "r1", "r2"]
    (bad,) = [r for r in records if r.error is not None]
    assert bad.source == f"{path}:2" and "not UTF-8" in bad.error


def test_surrogate_pairs_given_as_two_code_points_are_joined_and_lone_ones_survive_json() -> None:
    from corpusnorm import Document, undo
    from corpusnorm.io import to_document

    doc = to_document("smile \ud83d\ude00 lone \ud800 end")
    assert doc.original == "smile \U0001f600 lone \ud800 end" and doc.warnings
    cleaned = CLEAN(doc)
    line = cleaned.to_json()
    line.encode("utf-8")  # never unencodable
    back = Document.from_dict(json.loads(line))
    assert back.original == doc.original and undo(back) == back.original
    assert "\ud800" not in back.text


# -- decoding loses at most the bad bytes (issue 11, item 3) ---------------------------------
ITALIAN = "Il ricercatore ha sottolineato che è arrivato il momento, perché la città è lì. " * 20
HINDI = "नमस्ते दुनिया, यह एक परीक्षण है। " * 20


@pytest.mark.parametrize("text", [ITALIAN, HINDI])
def test_one_stray_byte_in_utf8_keeps_every_other_character(text: str) -> None:
    data = text.encode()
    cut = data.index(b" ", len(data) // 2)  # between characters
    decoded = decode_bytes(data[:cut] + b"\x93" + data[cut:])
    assert decoded.text == text[: len(data[:cut].decode())] + "\u201c" + text[len(data[:cut].decode()) :]
    assert decoded.encoding == "utf-8+sloppy"
    assert decoded.warnings and f"offset(s) {cut}" in decoded.warnings[0]


def test_bad_bytes_map_as_sloppy_cp1252_below_0xa0_and_latin1_above() -> None:
    decoded = decode_bytes("città è lì ".encode() + b"\x80\x81\xe9\xff" + " perché".encode())
    assert decoded.text == "città è lì €\x81éÿ perché"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("café", "latin-1"),
        ("Il a déjà mangé à la cantine, puis il est allé se promener près de la rivière.", "latin-1"),
        ("Il caffè è “buono” – però…", "cp1252"),
    ],
)
def test_western_single_byte_text_prefers_cp1252_and_latin1(text: str, encoding: str) -> None:
    decoded = decode_bytes(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding) == (text, encoding)
    assert decoded.warnings[0].startswith("decode: input is not UTF-8")


@pytest.mark.parametrize(
    ("text", "encoding"), [("Добрый день, как дела? Всё хорошо.", "cp1251"), ("Καλημέρα σας, τι κάνετε;", "cp1253")]
)
def test_other_single_byte_scripts_still_go_to_the_detector(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)).text == text


def test_many_bad_bytes_decode_in_linear_time() -> None:
    import time

    unit = ITALIAN.encode() + b"\x93"
    small, big = unit * 200, unit * 1600
    times = []
    for data in (small, big):
        start = time.process_time()
        decode_bytes(data)
        times.append(time.process_time() - start)
    assert times[1] < 8 * 4 * max(times[0], 0.005)
