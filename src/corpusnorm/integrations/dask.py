"""corpusnorm on Dask: a bag of texts or records, or a sharded, resumable run over files.

::

    import dask.bag as db
    from dask.distributed import Client, LocalCluster
    from corpusnorm.integrations.dask import normalize_bag, normalize_files

    client = Client(LocalCluster(n_workers=2, threads_per_worker=1))   # or Client("tcp://host:8786")
    records = normalize_bag(db.read_text("news-*.jsonl").map(json.loads)).compute()
    normalize_files(["a.jsonl", "b.jsonl"], "out", client=client, format="parquet")

Each worker process builds its pipeline once (:func:`corpusnorm.runtime.worker_pipeline`) and runs
the embedding model on one thread. Needs ``pip install 'corpusnorm[dask]'``.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Sequence
from typing import Any

import dask.bag as db

from ..io import Record
from ..runtime import set_threads, worker_pipeline
from ..shards import finish_run, plan_run, run_shard
from ..versions import __version__

__all__ = ["normalize_bag", "normalize_files"]


def _normalize_partition(
    items: Sequence[Any],
    partition: Sequence[int],
    skip: tuple[str, ...],
    quotes: Any,
    keys: tuple[str, str],
    threads: int | None,
) -> list[dict[str, Any]]:
    from ..api import _as_record, _run_record

    set_threads(threads)
    pipeline = worker_pipeline(skip, quotes)
    (number,) = partition
    out = []
    for i, item in enumerate(items):
        record = _as_record(item, i, text_key=keys[0], id_key=keys[1])
        if not isinstance(item, Record):
            record.source = f"partition {number} item {i}"
        out.append(_run_record(pipeline, record).to_dict())
    return out


def _quotes_key(quotes: Any) -> Any:
    return quotes if quotes is None or isinstance(quotes, str) else tuple(quotes)


def normalize_bag(
    bag: db.Bag,
    *,
    skip: Sequence[str] = (),
    quotes: str | Sequence[str] | None = None,
    text_key: str = "text",
    id_key: str = "id",
    threads: int | None = 1,
) -> db.Bag:
    """A bag of ``Document.to_dict()`` records, one per item of ``bag`` (str texts or dict records;
    a record's other fields are kept in ``metadata``). Order and partitions are those of ``bag``; a
    Document's ``pipeline["source"]`` is ``"partition P item I"``; a bad item gives a record whose
    ``error`` says why. Run it on a client whose workers have one thread each (``threads``: the
    embedding model's threads per worker)."""
    numbers = db.range(bag.npartitions, npartitions=bag.npartitions)
    work = functools.partial(
        _normalize_partition, skip=tuple(skip), quotes=_quotes_key(quotes), keys=(text_key, id_key), threads=threads
    )
    return bag.map_partitions(work, numbers)


def _run_shard_task(shard: Any, digest: str, skip: tuple[str, ...], quotes: Any, keys: tuple[str, str]) -> Any:
    set_threads(1)
    return run_shard(shard, worker_pipeline(skip, quotes), input_sha256=digest, text_key=keys[0], id_key=keys[1])


def _client(client: Any) -> Any:
    if client is None:
        from dask.distributed import get_client

        return get_client()  # the current client (raises ValueError if there is none)
    return client() if callable(client) and not hasattr(client, "submit") else client


def normalize_files(
    paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    client: Any = None,
    format: str = "jsonl",
    skip: Sequence[str] = (),
    quotes: str | Sequence[str] | None = None,
    text_key: str = "text",
    id_key: str = "id",
) -> dict[str, Any]:
    """One shard per input in ``out_dir/shards`` (see :mod:`corpusnorm.shards`), computed on the
    workers of ``client`` (a Dask Client; a function that returns one, called only if some shard is
    to be computed; default: the current client), then ``out_dir/run.json``.

    Resumable: shards whose manifest matches their input and the pipeline are skipped; when every
    shard is complete and ``run.json`` exists nothing is written. Returns the run summary (with
    ``"ran"``: the shards computed now)."""
    started = time.perf_counter()
    skip_key, quotes_key = tuple(skip), _quotes_key(quotes)
    plan = plan_run(paths, out_dir, format, worker_pipeline(skip_key, quotes_key))
    new: list[dict[str, Any]] = []
    if plan.todo:
        dask_client = _client(client)
        futures = [
            dask_client.submit(_run_shard_task, shard, digest, skip_key, quotes_key, (text_key, id_key), pure=False)
            for shard, digest in plan.todo
        ]
        new = dask_client.gather(futures)
    extra = {"corpusnorm": __version__, "inputs": [s.input for s in plan.shards], "executor": "dask"}
    extra |= {"seconds": round(time.perf_counter() - started, 3), "pipeline": plan.pipeline}
    return finish_run(plan, new, out_dir, **extra)
