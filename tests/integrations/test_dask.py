"""corpusnorm.integrations.dask: bags equal the sequential run, models load once per worker, runs resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("dask.bag")
pytest.importorskip("distributed")

import dask.bag as db
from dask.distributed import Client, LocalCluster

from corpusnorm import normalize_corpus
from corpusnorm.cli import main
from corpusnorm.integrations.dask import normalize_bag, normalize_files
from corpusnorm.pipeline import Pipeline
from scale_helpers import FAST_SKIP, deadline, records, write_jsonl


@pytest.fixture(scope="module")
def client():
    with deadline(120):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
        client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def _loads() -> dict[str, int]:
    """How often this worker built a pipeline and loaded a wordfreq list (language models)."""
    from corpusnorm.backends import wordfreq
    from corpusnorm.runtime import worker_pipeline

    return {
        "pipelines": worker_pipeline.cache_info().misses,
        "wordfreq": wordfreq.log_frequencies.cache_info().misses,
    }


def _without_source(record: dict) -> dict:
    """A record without its source and the id made of it (a bag numbers items per partition)."""
    record = dict(record, pipeline={k: v for k, v in record["pipeline"].items() if k != "source"})
    return dict(record, id=None, warnings=[], error=bool(record["error"])) if record["error"] else record


def test_normalize_bag_equals_the_sequential_run_and_loads_models_once_per_worker(client) -> None:
    items = [*records(0, 6), *records(1, 6), "Une phrase en français, sans métadonnées.", {"id": "bad"}]
    pipeline = Pipeline.default(**dict.fromkeys(FAST_SKIP, False))
    expected = [_without_source(d.to_dict()) for d in normalize_corpus(items, pipeline=pipeline)]
    with deadline(180):
        got = normalize_bag(db.from_sequence(items, npartitions=4), skip=FAST_SKIP).compute()
        got_again = normalize_bag(db.from_sequence(items, npartitions=7), skip=FAST_SKIP).compute()
        loads = client.run(_loads)
    assert [_without_source(g) for g in got] == expected
    assert got[0]["pipeline"]["source"] == "partition 0 item 0" and got[-1]["id"].startswith("partition 3 item")
    assert [g["text"] for g in got_again] == [g["text"] for g in got]
    assert got[0]["metadata"] == {"url": items[0]["url"], "outlet": items[0]["outlet"]}
    assert got[-1]["error"] and "text" in got[-1]["error"]
    for worker, counts in loads.items():  # 11 partitions over 2 workers: one pipeline each, one list per language
        assert counts["pipelines"] <= 1, worker
        assert counts["wordfreq"] <= 4, worker


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


def _no_client() -> None:
    raise AssertionError("a run with nothing to do must not start a cluster")


def test_normalize_files_rerun_skips_every_shard_and_recomputes_only_a_deleted_one(tmp_path, client) -> None:
    inputs = [write_jsonl(tmp_path / f"{name}.jsonl", records(i, 4)) for i, name in enumerate("abc")]
    out = tmp_path / "out"
    with deadline(180):
        first = normalize_files(inputs, out, client=client, format="parquet", skip=FAST_SKIP)
        before = _mtimes(out)
        second = normalize_files(inputs, out, client=_no_client, skip=FAST_SKIP, format="parquet")
        second_mtimes = _mtimes(out)
        (out / "shards" / "b.parquet").unlink()
        third = normalize_files(inputs, out, client=client, format="parquet", skip=FAST_SKIP)
    assert first["ran"] == ["a", "b", "c"] and first["documents"] == 12
    assert second["ran"] == [] and second_mtimes == before
    assert third["ran"] == ["b"] and third["documents"] == 12
    after = _mtimes(out)
    assert after["a.parquet"] == before["a.parquet"] and after["c.manifest.json"] == before["c.manifest.json"]


def test_cli_dask_executor_writes_parquet_shards_and_a_second_run_does_nothing(tmp_path) -> None:
    pytest.importorskip("pyarrow")
    from corpusnorm.arrow import read_parquet

    a = write_jsonl(tmp_path / "a.jsonl", records(0, 3))
    b = write_jsonl(tmp_path / "b.jsonl", records(1, 3))
    out = tmp_path / "o"
    skip = [arg for stage in FAST_SKIP for arg in ("--skip", stage)]
    args = ["run", str(a), str(b), "--out", str(out), "--format", "parquet", "--executor", "dask", "--workers", "2"]
    with deadline(240):
        assert main([*args, *skip]) == 0
        before = _mtimes(out)
        assert main([*args, *skip]) == 0
    assert _mtimes(out) == before
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["executor"] == "dask" and run["documents"] == 6 and [s["shard"] for s in run["shards"]] == ["a", "b"]
    assert [d.metadata["url"] for d in read_parquet(out / "shards" / "b.parquet")] == [r["url"] for r in records(1, 3)]
