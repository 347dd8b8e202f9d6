"""corpusnorm.integrations.datatrove: a PipelineStep that equals the sequential run, resumes, and reports stats."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("orjson")

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader, ParquetReader
from datatrove.pipeline.writers import JsonlWriter, ParquetWriter
from datatrove_steps import FailOnce

from corpusnorm import normalize_corpus, undo
from corpusnorm.document import Document, Edit
from corpusnorm.integrations.datatrove import CorpusnormStep, kept_fields
from corpusnorm.pipeline import Pipeline
from scale_helpers import FAST_SKIP, deadline, records, write_jsonl

TASKS = 4


@pytest.fixture(autouse=True)
def _restore_thread_setting():
    """A step run in this process (workers=1) sets its thread setting here: restore it for the other tests."""
    from corpusnorm import runtime

    saved = runtime._THREADS
    yield
    runtime._THREADS = saved


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    folder = tmp_path_factory.mktemp("datatrove-in")
    rows = []
    for part in range(TASKS):
        part_rows = records(part, 4)
        write_jsonl(folder / f"part{part}.jsonl", part_rows)
        rows.extend(part_rows)
    return folder, rows


def _read_outputs(folder: Path) -> list[dict]:
    found = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            found.extend(json.loads(line) for line in handle)
    return sorted(found, key=lambda r: r["id"])


def _expected(rows: list[dict], step: CorpusnormStep) -> list[tuple[str, str, dict]]:
    pipeline = Pipeline.default(**dict.fromkeys(FAST_SKIP, False))
    docs = normalize_corpus(rows, pipeline=pipeline)
    return sorted(((d.id, d.text, kept_fields(d, step.keep)) for d in docs), key=lambda t: t[0])


def _run(pipeline: list, logs: Path) -> None:
    with deadline(240):
        LocalPipelineExecutor(pipeline=pipeline, tasks=TASKS, workers=2, logging_dir=str(logs)).run()


def test_local_executor_equals_the_sequential_run_and_resumes(tmp_path, corpus) -> None:
    folder, rows = corpus
    step = CorpusnormStep(skip=FAST_SKIP)
    pipeline = [JsonlReader(str(folder)), step, JsonlWriter(str(tmp_path / "out"))]
    _run(pipeline, tmp_path / "logs")
    got = _read_outputs(tmp_path / "out")
    assert [(r["id"], r["text"], r["metadata"]["corpusnorm"]) for r in got] == _expected(rows, step)
    assert got[0]["metadata"]["url"] == rows[0]["url"]  # the other fields are left as they were
    edits = [Edit(**e) for e in got[0]["metadata"]["corpusnorm"]["edits"]]
    doc = Document(id="x", original="", text=got[0]["text"], edits=edits)
    assert undo(doc) == rows[0]["text"]
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    ours = next(s for s in stats if s["name"].endswith("corpusnorm"))["stats"]
    assert ours["documents"] == len(rows) and "edits_clean" in ours and ours["seconds_detect"]["n"] == len(rows)
    assert sum(v for k, v in ours.items() if k.startswith("language_")) == len(rows)
    assert len(list((tmp_path / "logs" / "completions").iterdir())) == TASKS
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()}
    _run(pipeline, tmp_path / "logs")  # every task is complete: nothing runs, nothing is rewritten
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()} == before


def test_a_task_that_failed_once_reruns_to_complete_output_without_duplicates(tmp_path, corpus) -> None:
    folder, rows = corpus
    step = CorpusnormStep(skip=FAST_SKIP)
    marker = tmp_path / "failed-once"
    pipeline = [JsonlReader(str(folder)), step, FailOnce("p2-2", str(marker)), JsonlWriter(str(tmp_path / "out"))]
    with pytest.raises(Exception, match=r"failed|crashed"):
        _run(pipeline, tmp_path / "logs")
    completed = {p.name for p in (tmp_path / "logs" / "completions").iterdir()}
    assert marker.exists() and "00002" not in completed and len(completed) < TASKS
    _run(pipeline, tmp_path / "logs")
    got = _read_outputs(tmp_path / "out")
    assert [r["id"] for r in got] == sorted(r["id"] for r in rows)
    assert [(r["id"], r["text"], r["metadata"]["corpusnorm"]) for r in got] == _expected(rows, step)


def test_parquet_writer_and_reader_with_the_step_schema(tmp_path, corpus) -> None:
    pa = pytest.importorskip("pyarrow")
    folder, rows = corpus
    step = CorpusnormStep(skip=FAST_SKIP, keep=("language", "languages", "edits", "warnings", "error", "spin_score"))
    schema = step.parquet_schema({"url": pa.string()})
    with deadline(240):
        LocalPipelineExecutor(
            pipeline=[JsonlReader(str(folder)), step, ParquetWriter(str(tmp_path / "pq"), schema=schema)],
            tasks=TASKS,
            workers=1,
            logging_dir=str(tmp_path / "logs"),
        ).run()
    read = list(ParquetReader(str(tmp_path / "pq"))())
    assert sorted(d.id for d in read) == sorted(r["id"] for r in rows)
    first = next(d for d in read if d.id == "p0-0")
    assert first.metadata["url"] == rows[0]["url"]
    kept = first.metadata["corpusnorm"]
    assert kept["language"] == "en" and dict(kept["languages"]) == {"en": 1.0} and kept["error"] is None


def test_step_options_are_checked() -> None:
    with pytest.raises(ValueError, match="cannot keep"):
        CorpusnormStep(keep=("nonsense",))
