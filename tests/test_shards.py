"""Sharded runs: one shard per input, atomic files, manifests, reruns that skip finished shards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from corpusnorm import Document
from corpusnorm.cli import main
from corpusnorm.shards import plan_shards
from scale_helpers import FAST_SKIP, records, write_jsonl

SKIP = [arg for stage in FAST_SKIP for arg in ("--skip", stage)]


def _run(out, *inputs, fmt: str = "jsonl") -> int:
    return main(["run", *map(str, inputs), "--out", str(out), "--format", fmt, "--no-progress", *SKIP])


def _mtimes(folder) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def test_shard_names_follow_the_inputs_and_never_collide(tmp_path) -> None:
    shards = plan_shards(["a.jsonl", "x/b.jsonl", "y/b.jsonl", "docs/"], tmp_path, "parquet")
    names = [s.name for s in shards]
    assert names[0] == "a" and names[3] == "docs"
    assert names[1].startswith("b-") and names[2].startswith("b-") and names[1] != names[2]
    assert shards[0].path == tmp_path / "shards" / "a.parquet"
    with pytest.raises(ValueError, match="standard input"):
        plan_shards(["-"], tmp_path, "jsonl")


def test_rerun_skips_every_shard_and_redoes_only_a_deleted_or_changed_one(tmp_path) -> None:
    a = write_jsonl(tmp_path / "in" / "a.jsonl", records(0))
    b = write_jsonl(tmp_path / "in" / "b.jsonl", records(1))
    out = tmp_path / "out"
    assert _run(out, a, b) == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["documents"] == 10 and [s["shard"] for s in run["shards"]] == ["a", "b"]
    manifest = json.loads((out / "shards" / "a.manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == 5 and len(manifest["input_sha256"]) == 64 and manifest["pipeline_sha256"]
    lines = (out / "shards" / "b.jsonl").read_text(encoding="utf-8").splitlines()
    assert Document.from_dict(json.loads(lines[0])).metadata["url"] == "https://example.org/1/0"
    before = _mtimes(out)
    assert _run(out, a, b) == 0
    assert _mtimes(out) == before  # a second run does nothing
    (out / "shards" / "a.jsonl").unlink()
    assert _run(out, a, b) == 0
    after = _mtimes(out)
    assert after["b.jsonl"] == before["b.jsonl"] and after["b.manifest.json"] == before["b.manifest.json"]
    assert after["a.manifest.json"] != before["a.manifest.json"] and after["run.json"] != before["run.json"]
    write_jsonl(b, records(1, 3))  # a changed input is redone
    assert _run(out, a, b) == 0
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["documents"] == 8
    assert _mtimes(out)["a.jsonl"] == after["a.jsonl"]


def test_failures_are_counted_per_shard_and_set_the_exit_code(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Fine text here."}\n{"id": "x"}\nnot json\n', encoding="utf-8")
    assert _run(tmp_path / "out", bad) == 1
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert (run["documents"], run["failed"], len(run["failures"])) == (1, 2, 2)


KILL_SCRIPT = """
import sys, time
import corpusnorm.api as api
from corpusnorm.cli import main
slow = api._run_record
def run_record(pipeline, record):
    time.sleep(0.05)
    return slow(pipeline, record)
api._run_record = run_record
sys.exit(main(sys.argv[1:]))
"""


def test_a_shard_killed_mid_write_leaves_no_final_file_and_the_rerun_completes(tmp_path) -> None:
    source = write_jsonl(tmp_path / "big.jsonl", records(2, 200))
    out = tmp_path / "out"
    script = tmp_path / "slow_run.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    args = ["run", str(source), "--out", str(out), "--format", "jsonl", "--no-progress", *SKIP]
    process = subprocess.Popen([sys.executable, str(script), *args], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not any(p.stat().st_size > 0 for p in out.glob("shards/.*.partial")):
            assert time.monotonic() < deadline and process.poll() is None, "no partial shard appeared"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert not (out / "shards" / "big.jsonl").exists() and not (out / "shards" / "big.manifest.json").exists()
    assert _run(out, source) == 0
    assert not list(out.glob("shards/.*"))  # the partial file of the killed run is gone
    lines = (out / "shards" / "big.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [f"p2-{i}" for i in range(200)]
    assert os.path.getsize(out / "run.json") > 0


def test_local_executor_runs_shards_in_parallel_with_the_same_output(tmp_path) -> None:
    inputs = [write_jsonl(tmp_path / "in" / f"{name}.jsonl", records(i, 3)) for i, name in enumerate("ab")]
    assert _run(tmp_path / "one", *inputs) == 0
    args = ["run", *map(str, inputs), "--out", str(tmp_path / "two"), "--format", "jsonl", "--workers", "2"]
    assert main([*args, "--executor", "local", "--no-progress", *SKIP]) == 0
    for name in "ab":
        one = [json.loads(line) for line in (tmp_path / "one" / "shards" / f"{name}.jsonl").open(encoding="utf-8")]
        two = [json.loads(line) for line in (tmp_path / "two" / "shards" / f"{name}.jsonl").open(encoding="utf-8")]
        assert one == two
    manifests = [json.loads((tmp_path / "two" / "shards" / f"{n}.manifest.json").read_text()) for n in "ab"]
    assert all(m["pid"] != os.getpid() for m in manifests)  # computed in the worker processes


def test_a_sharded_run_into_a_folder_inside_its_input_never_reads_its_output(tmp_path) -> None:
    from corpusnorm.cli import main

    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text("First  text.\n", encoding="utf-8")
    out = root / "out"
    args = ["run", str(root), "--out", str(out), "--format", "jsonl", "--no-progress", "--skip", "align"]
    assert main(args) == 0
    assert main(args) == 0  # the shard is complete: its input digest does not include the output
    (shard,) = (out / "shards").glob("*.jsonl")
    assert [json.loads(line)["id"] for line in shard.read_text(encoding="utf-8").splitlines()] == ["a"]
