"""The command line end to end: outputs written, failures reported, exit codes."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest

from conftest import SEEDS
from corpusnorm import Document, undo
from corpusnorm.cli import main
from corpusnorm.outputs import safe_name


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("run")
    code = main(["run", str(SEEDS), "--out", str(out), "--no-progress"])
    return code, out


def test_run_on_the_seeds_writes_every_output(seed_run) -> None:
    code, out = seed_run
    assert code == 0
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [Document.from_dict(json.loads(line)) for line in lines]
    assert [d.id for d in docs] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for doc in docs:
        assert undo(doc) == (SEEDS / f"{doc.id}.txt").read_text(encoding="utf-8")
        assert (out / "text" / f"{doc.id}.txt").read_text(encoding="utf-8") == doc.text
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["documents"] == 5 and run["failed"] == 0
    assert run["pipeline"]["stages"][0]["name"] == "clean"
    with (out / "alignment.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, "the seeds quote the letter: alignment.csv must not be empty"
    by_id = {d.id: d for d in docs}
    for row in rows:
        doc = by_id[row["doc_id"]]
        assert doc.text[int(row["start"]) : int(row["end"])] == row["text"]


def test_an_undecodable_file_is_reported_and_the_others_written(tmp_path, capsys) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("002_6eccf2591978504d.txt", "003_24df3b2b2e0fd8cb.txt"):
        shutil.copy(SEEDS / name, inputs / name)
    (inputs / "broken.txt").write_bytes(bytes(range(128, 256)) * 3 + b"\x00\x81\x8d\x8f\x90")
    out = tmp_path / "out"
    code = main(["run", str(inputs), "--out", str(out), "--no-progress", "--skip", "align"])
    assert code == 1
    err = capsys.readouterr().err
    assert "broken.txt" in err and "not UTF-8" in err

    assert sorted(p.name for p in (out / "text").iterdir()) == ["002_6eccf2591978504d.txt", "003_24df3b2b2e0fd8cb.txt"]
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["documents"] == 2 and run["failed"] == 1


def test_decoding_warnings_reach_stderr(tmp_path, capsys) -> None:
    (tmp_path / "fr.txt").write_bytes("Il a déjà mangé à la cantine.".encode("latin-1"))
    assert main(["run", str(tmp_path / "fr.txt"), "--out", str(tmp_path / "out"), "--no-progress"]) == 0
    assert "fr: decode: input is not UTF-8; decoded as latin-1" in capsys.readouterr().err


def test_jsonl_records_and_bad_records(tmp_path, capsys) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text(
        json.dumps({"id": "a/b:c", "text": "First  record."}) + "\n{not json\n" + json.dumps({"id": "x"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["run", str(records), "--out", str(out), "--no-progress", "--skip", "align"]) == 1
    assert (out / "text" / "a_b_c.txt").read_text(encoding="utf-8") == "First record."
    err = capsys.readouterr().err
    assert "in.jsonl:2: invalid JSON" in err and 'in.jsonl:3: a record needs a "text" string' in err


def test_safe_names_are_unique_and_safe() -> None:
    taken: set[str] = set()
    assert safe_name("../etc/passwd", taken) == "etc_passwd"
    assert safe_name("../etc/passwd", taken) == "etc_passwd-2"
    assert safe_name("", taken) == "doc"


def test_repair_command_restores_spun_text(tmp_path, capsys) -> None:
    assert main(["repair", str(SEEDS / "001_90561ef6065aca45.txt")]) == 0
    out = capsys.readouterr().out
    assert "shares cryptic post—read his full resignation letter" in out
    assert main(["repair", "--explain", str(SEEDS / "002_6eccf2591978504d.txt")]) == 0
    table = capsys.readouterr().out
    assert "not spun" in table and "\nedit\t" not in table


def test_repair_model_option(capsys) -> None:
    from corpusnorm.backends.smollm import smollm_available

    seed = str(SEEDS / "002_6eccf2591978504d.txt")
    with pytest.raises(SystemExit) as exit_info:
        main(["repair", "--model", "bert", seed])
    assert exit_info.value.code == 2
    capsys.readouterr()
    code = main(["repair", "--model", "smollm2", seed])
    captured = capsys.readouterr()
    if smollm_available():  # clean text comes out unchanged with either model
        assert code == 0 and captured.out == (SEEDS / "002_6eccf2591978504d.txt").read_text(encoding="utf-8")
    else:  # one line naming the extra, no traceback
        assert code == 2 and "corpusnorm[neural]" in captured.err and "Traceback" not in captured.err


def test_unknown_quote_file_is_a_usage_error(tmp_path) -> None:
    assert main(["run", str(SEEDS), "--out", str(tmp_path / "o"), "--quotes", str(tmp_path / "missing.json")]) == 2


def test_console_script_version_and_help() -> None:
    exe = shutil.which("corpusnorm") or f"{sys.executable} -m corpusnorm.cli"
    commands = (
        ["--version"],
        ["run", "--help"],
        ["repair", "--help"],
        ["align", "--help"],
        ["lexicon", "learn", "--help"],
    )
    for args in commands:
        result = subprocess.run([*exe.split(), *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()


def test_progress_total_never_counts_the_output_folder(tmp_path) -> None:
    from corpusnorm.cli import _count_documents

    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "out" / "text").mkdir(parents=True)
    (tmp_path / "out" / "text" / "a.txt").write_text("A.", encoding="utf-8")
    assert _count_documents([str(tmp_path)]) == 2
    assert _count_documents([str(tmp_path)], exclude=[tmp_path / "out"]) == 1
