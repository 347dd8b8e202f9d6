"""The command line as a user meets it: progress with a total and an ETA, --skip help naming the
stages, arguments checked before anything runs, --quiet and --verbose."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from conftest import SEEDS
from corpusnorm.cli import _count_documents, main

FAST = ["--skip", "repair", "--skip", "align"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workers", "-3"], "--workers: must be at least 1, got -3"),
        (["--workers", "0"], "--workers: must be at least 1, got 0"),
        (["--workers", "two"], "--workers: invalid"),
        (["--skip", "nope"], "invalid choice: 'nope' (choose from 'clean', 'detect', 'repair', 'align')"),
        (["--quiet", "--verbose"], "not allowed with argument"),
    ],
)
def test_bad_run_arguments_are_usage_errors_before_anything_runs(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(SEEDS), "--out", str(out), *argv])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_repair_rejects_a_confidence_outside_0_1(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["repair", str(SEEDS / "002_6eccf2591978504d.txt"), "--min-confidence", "60"])
    assert exit_info.value.code == 2 and "between 0 and 1, got 60.0" in capsys.readouterr().err


def test_skip_help_names_the_stages(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("run", "align"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        help_text = " ".join(capsys.readouterr().out.split())
        assert "leave a stage out: clean, detect, repair, align" in help_text


def test_documents_are_counted_from_the_inputs(tmp_path: Path) -> None:
    records = tmp_path / "more.jsonl"
    records.write_text('{"text": "a"}\n\n{"text": "b"}\n   \n{"text": "c"}\n', encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    assert _count_documents([str(SEEDS)]) == 5
    assert _count_documents([str(SEEDS), str(records)]) == 8
    assert _count_documents([str(tmp_path)]) == 3
    assert _count_documents([str(SEEDS), "-"]) is None


def test_progress_shows_the_total_and_an_eta_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["run", str(SEEDS), "--out", str(tmp_path / "out"), *FAST]) == 0
    shown = terminal.getvalue()
    assert re.search(r"\b5/5 \[\d\d:\d\d<\d\d:\d\d", shown), shown[-500:]  # done/total [elapsed<remaining
    assert re.search(r"\b[0-4]/5 \[", shown), "the bar starts before the last document"


def test_quiet_prints_nothing_on_success_and_verbose_one_line_per_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["run", str(SEEDS), "--out", str(tmp_path / "q"), "--quiet", *FAST]) == 0
    assert terminal.getvalue() == ""
    assert (tmp_path / "q" / "documents.jsonl").read_text(encoding="utf-8").count("\n") == 5

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["run", str(SEEDS), "--out", str(tmp_path / "v"), "--verbose", "--no-progress", *FAST]) == 0
    lines = terminal.getvalue().splitlines()
    docs = [json.loads(line) for line in (tmp_path / "v" / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    for doc in docs:
        counts = f"{len(doc['text']):,} chars, {len(doc['edits'])} edits"
        expected = f"corpusnorm run: {doc['id']}: {doc['language']}, {counts}"
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert any(re.match(r"corpusnorm run: time per stage \(this process\): clean \d+\.\d\ds, detect", x) for x in lines)
    assert lines[-1].startswith("corpusnorm: 5 documents (0 failed)")
