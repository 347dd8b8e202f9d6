"""Run outputs under faults (issue 11, items 1, 2, 7, 8): nothing lost, stale or half-written; exit codes."""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpusnorm import Document, undo
from corpusnorm.cli import EXIT_CRASHED, EXIT_FAILURES, EXIT_OK, EXIT_USAGE, main
from corpusnorm.outputs import NAME_BYTES, safe_name

FAST = ["--no-progress", "--skip", "repair"]


def _records(path: Path, count: int, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(start, start + count):
            text = f"Article {i}.  “We shall see what unfolds,” he wrote.\nThe market  rose by {i} points today.\n"
            handle.write(json.dumps({"id": f"d{i:04d}", "text": text}) + "\n")
    return path


def _documents(out: Path) -> list[Document]:
    return [Document.from_dict(json.loads(line)) for line in (out / "documents.jsonl").read_bytes().splitlines()]


def _check_consistent(out: Path, *, in_flight: int = 0) -> list[Document]:
    """Every documents.jsonl line complete; each document's text file and rows present; nothing else
    (except, after a SIGKILL, the text file and rows of the one document being written)."""
    raw = (out / "documents.jsonl").read_bytes()
    assert not raw or raw.endswith(b"\n")
    docs = _documents(out)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (out / "text").glob("*.txt")}
    taken: set[str] = set()
    names = [safe_name(doc.id, taken) for doc in docs]
    for doc, name in zip(docs, names, strict=True):
        assert texts[name] == doc.text and undo(doc) == doc.original
    with (out / "alignment.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row_ids = [r["doc_id"] for r in rows]
    expected = [a for d in docs for a in [d.id] * len(d.alignments)]
    assert row_ids[: len(expected)] == expected
    assert len(set(row_ids[len(expected) :])) <= in_flight
    assert len(set(texts) - set(names)) <= in_flight
    return docs


def test_run_into_a_folder_inside_its_input_terminates_and_never_reads_its_output(tmp_path, capsys) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text("First  text.\n", encoding="utf-8")
    (root / "b.txt").write_text("Second  text.\n", encoding="utf-8")
    out = root / "out"
    assert main(["run", str(root), "--out", str(out), *FAST]) == EXIT_OK
    assert main(["run", str(root), "--out", str(out), *FAST]) == EXIT_OK  # a rerun: resumes, reads no text/*.txt
    assert [d.id for d in _documents(out)] == ["a", "b"]
    assert sorted(p.name for p in (out / "text").iterdir()) == ["a.txt", "b.txt"]
    assert f"skipped {out}" in capsys.readouterr().err


def test_lone_surrogate_long_non_ascii_id_and_duplicate_ids_do_not_stop_the_run(tmp_path, capsys) -> None:
    long_id = "क" * 84  # 252 bytes of UTF-8: with ".txt" over the 255-byte limit of a file name
    lines = [
        '{"id": "s", "text": "lone \\ud800 surrogate"}',
        json.dumps({"id": long_id, "text": "Hindi id."}),
        json.dumps({"id": "dup", "text": "First."}),
        json.dumps({"id": "dup", "text": "Second."}),
        json.dumps({"id": "after", "text": "Still read."}),
    ]
    (tmp_path / "r.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "r.jsonl"), "--out", str(out), *FAST]) == EXIT_OK
    docs = _check_consistent(out)
    assert [d.id for d in docs] == ["s", long_id, "dup", "dup-2", "after"]
    assert docs[0].original == "lone \ud800 surrogate" and undo(docs[0]) == docs[0].original
    assert all(len(p.name.encode()) <= NAME_BYTES for p in (out / "text").iterdir())
    assert "duplicate id 'dup' (first from" in capsys.readouterr().err
    assert any("duplicate id" in w for w in docs[3].warnings)


def test_safe_names_are_cut_by_bytes_on_character_boundaries() -> None:
    taken: set[str] = set()
    first, second = safe_name("क" * 99, taken), safe_name("क" * 99, taken)
    assert len((first + ".txt").encode()) <= NAME_BYTES and len((second + ".txt").encode()) <= NAME_BYTES
    assert second.endswith("-2") and set(first) == {"क"}


@pytest.mark.parametrize("where", ["file", "under-file"])
def test_unusable_out_is_one_line_and_exit_2(tmp_path, capsys, where) -> None:
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker if where == "file" else blocker / "out"
    assert main(["run", str(tmp_path / "a.txt"), "--out", str(out), *FAST]) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("corpusnorm run:") and "Traceback" not in err


def test_rerun_of_other_inputs_is_refused_and_overwrite_leaves_no_stale_file(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    one = _records(tmp_path / "one.jsonl", 3)
    two = _records(tmp_path / "two.jsonl", 2, start=100)
    assert main(["run", str(one), "--out", str(out), *FAST]) == EXIT_OK
    (out / "report.html").write_text("old", encoding="utf-8")
    assert main(["run", str(two), "--out", str(out), *FAST]) == EXIT_USAGE
    assert "--overwrite" in capsys.readouterr().err
    assert main(["run", str(two), "--out", str(out), "--overwrite", *FAST]) == EXIT_OK
    assert [d.id for d in _check_consistent(out)] == ["d0100", "d0101"]
    assert sorted(p.stem for p in (out / "text").iterdir()) == ["d0100", "d0101"]
    assert not (out / "report.html").exists()


def test_resume_after_a_cut_line_repairs_every_file_and_matches_a_fresh_run(tmp_path) -> None:
    records = _records(tmp_path / "r.jsonl", 6)
    fresh, cut = tmp_path / "fresh", tmp_path / "cut"
    assert main(["run", str(records), "--out", str(fresh), *FAST]) == EXIT_OK
    assert main(["run", str(records), "--out", str(cut), *FAST]) == EXIT_OK
    lines = (cut / "documents.jsonl").read_bytes().splitlines(keepends=True)
    (cut / "documents.jsonl").write_bytes(b"".join(lines[:3]) + lines[3][:40])  # as if killed mid-line
    (cut / "text" / "stale.txt").write_text("stale", encoding="utf-8")
    (cut / "text" / "d0004.txt").unlink()
    assert main(["run", str(records), "--out", str(cut), *FAST]) == EXIT_OK
    for name in ("documents.jsonl", "alignment.csv"):
        assert (cut / name).read_bytes() == (fresh / name).read_bytes()
    assert sorted(p.name for p in (cut / "text").iterdir()) == sorted(p.name for p in (fresh / "text").iterdir())
    run = json.loads((cut / "run.json").read_text(encoding="utf-8"))
    assert (run["status"], run["documents"], run["resumed"]) == ("complete", 6, 3)


def test_run_json_says_running_during_the_run_and_failed_after_a_crash(tmp_path, monkeypatch, capsys) -> None:
    from corpusnorm import outputs

    records = _records(tmp_path / "r.jsonl", 4)
    out = tmp_path / "out"
    seen: list[str] = []
    original_write = outputs.RunWriter.write

    def write(self, doc):
        seen.append(json.loads((out / "run.json").read_text(encoding="utf-8"))["status"])
        if len(seen) == 3:
            raise RuntimeError("boom")
        return original_write(self, doc)

    monkeypatch.setattr(outputs.RunWriter, "write", write)
    assert main(["run", str(records), "--out", str(out), *FAST]) == EXIT_CRASHED
    assert seen == ["running"] * 3
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "failed" and "RuntimeError: boom" in run["error"]
    err = capsys.readouterr().err
    assert "the run failed: RuntimeError: boom" in err and "Traceback" not in err
    assert [d.id for d in _check_consistent(out)] == ["d0000", "d0001"]


def test_disk_full_cuts_back_to_complete_documents(tmp_path, monkeypatch, capsys) -> None:
    from corpusnorm import outputs

    records = _records(tmp_path / "r.jsonl", 4)
    out = tmp_path / "out"
    calls = {"n": 0}
    real_write = os.write

    def write(fd, data):
        calls["n"] += 1
        if calls["n"] == 7:  # part of a line, then the disk is full
            real_write(fd, bytes(data)[:10])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(outputs.os, "write", write)
    assert main(["run", str(records), "--out", str(out), *FAST]) == EXIT_CRASHED
    assert "No space left on device" in capsys.readouterr().err
    docs = _check_consistent(out)
    assert 1 <= len(docs) < 4
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["status"] == "failed"


def test_a_document_that_cannot_be_written_is_a_failure_and_the_run_goes_on(tmp_path, monkeypatch, capsys) -> None:
    from corpusnorm import outputs

    records = _records(tmp_path / "r.jsonl", 3)
    real_rows = outputs.alignment_rows

    def rows(doc, **kw):
        if doc.id == "d0001":
            raise ValueError("unwritable")
        return real_rows(doc, **kw)

    monkeypatch.setattr(outputs, "alignment_rows", rows)
    out = tmp_path / "out"
    assert main(["run", str(records), "--out", str(out), *FAST]) == EXIT_FAILURES
    assert [d.id for d in _check_consistent(out)] == ["d0000", "d0002"]
    assert "cannot be written: ValueError: unwritable" in capsys.readouterr().err


def _command(records: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "corpusnorm.cli", "run", str(records), "--out", str(out), *FAST]


def _kill_when_written(process: subprocess.Popen[bytes], out: Path, sig: int, lines: int = 40) -> None:
    deadline = time.monotonic() + 60
    docs = out / "documents.jsonl"
    while time.monotonic() < deadline and process.poll() is None:
        if docs.exists() and docs.read_bytes().count(b"\n") >= lines:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(sig)
    process.wait(timeout=60)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_run_leaves_consistent_files_and_the_rerun_completes(tmp_path, sig) -> None:
    records = _records(tmp_path / "r.jsonl", 400)
    out = tmp_path / "out"
    process = subprocess.Popen(_command(records, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_when_written(process, out, sig)
    if sig == signal.SIGTERM:
        assert process.returncode == 143
        assert json.loads((out / "run.json").read_text(encoding="utf-8"))["status"] == "interrupted"
        written = _check_consistent(out)
    else:
        assert process.returncode == -signal.SIGKILL
        assert json.loads((out / "run.json").read_text(encoding="utf-8"))["status"] == "running"
        written = _check_consistent(out, in_flight=1)
    assert 40 <= len(written) < 400
    rerun = subprocess.run(_command(records, out), capture_output=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr.decode()
    docs = _check_consistent(out)
    assert [d.id for d in docs] == [f"d{i:04d}" for i in range(400)]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["status"] == "complete"


def test_a_second_run_into_the_same_folder_at_once_is_refused(tmp_path) -> None:
    from corpusnorm.outputs import OutputError, RunWriter
    from corpusnorm.pipeline import Pipeline

    pipeline = Pipeline.from_names(["clean"])
    with RunWriter(tmp_path / "out", inputs=["a.txt"], pipeline=pipeline):
        with pytest.raises(OutputError, match="another corpusnorm run"):
            RunWriter(tmp_path / "out", inputs=["a.txt"], pipeline=pipeline).start()
