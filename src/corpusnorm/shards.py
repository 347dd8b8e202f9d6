"""Sharded, resumable runs: one output shard per input, each with a manifest, written atomically.

``DIR/shards/<name>.jsonl`` (or ``.parquet``) holds the Documents of one input (a file or a folder);
``DIR/shards/<name>.manifest.json`` says it is complete: the input's SHA-256, the pipeline's
(SHA-256 of its description: code, config, model and data versions), and the shard's counts. Both
are written to a temporary name and renamed, the manifest last, so a killed run leaves no final
file of an unfinished shard. A rerun skips every shard whose manifest matches its input and
pipeline and redoes the others. ``DIR/run.json`` merges the manifests.

Engine-neutral: :func:`run_shard` is what a worker runs (the CLI's local executor calls it in turn,
:func:`corpusnorm.integrations.dask.normalize_files` on a Dask cluster).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from .document import Document

__all__ = [
    "FORMATS",
    "Shard",
    "finish_run",
    "input_digest",
    "is_complete",
    "merge_manifests",
    "pipeline_digest",
    "plan_run",
    "plan_shards",
    "run_local",
    "run_shard",
    "run_sharded",
    "write_run_json",
]

FORMATS = ("jsonl", "parquet")
_UNSAFE = regex.compile(r"[^\w.\-]+")
_PARTIAL = ".partial"


@dataclass(frozen=True)
class Shard:
    """One input and where its output goes."""

    input: str
    name: str
    out_dir: str
    format: str = "jsonl"

    @property
    def path(self) -> Path:
        return Path(self.out_dir) / "shards" / f"{self.name}.{self.format}"

    @property
    def manifest_path(self) -> Path:
        return Path(self.out_dir) / "shards" / f"{self.name}.manifest.json"


def _stem(path: str) -> str:
    name = Path(path.rstrip("/\\")).name
    stem = name.rsplit(".", 1)[0] if name.lower().endswith((".jsonl", ".txt")) else name
    return _UNSAFE.sub("_", stem).strip("._")[:80] or "input"


def plan_shards(paths: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str], fmt: str) -> list[Shard]:
    """One shard per input path, named after it (with a hash of the path where two names collide)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    inputs = [os.fspath(p) for p in paths]
    if "-" in inputs:
        raise ValueError("standard input cannot be a shard (a rerun could not tell whether it is done)")
    stems = [_stem(p) for p in inputs]
    taken = Counter(s.lower() for s in stems)
    shards = []
    for path, stem in zip(inputs, stems, strict=True):
        if taken[stem.lower()] > 1:
            stem = f"{stem}-{hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:8]}"
        shards.append(Shard(path, stem, os.fspath(out_dir), fmt))
    return shards


def _input_files(path: Path, exclude: Sequence[str | os.PathLike[str]] = ()) -> list[Path]:
    """The files an input holds, as :func:`corpusnorm.io.resolve_inputs` reads them (never under ``exclude``)."""
    from .io import resolve_inputs

    return [e for e in resolve_inputs([path], exclude=exclude).entries if isinstance(e, Path)]


def input_digest(path: str | os.PathLike[str], *, exclude: Sequence[str | os.PathLike[str]] = ()) -> str:
    """SHA-256 of an input's bytes (a folder: of each file's relative name and bytes, in order; files
    under ``exclude``, the output folder, left out)."""
    root = Path(path)
    digest = hashlib.sha256()
    for file in _input_files(root, exclude):
        if root.is_dir():
            digest.update(file.relative_to(root).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        try:
            with file.open("rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            digest.update(f"unreadable: {exc}".encode())
    return digest.hexdigest()


def pipeline_digest(description: dict[str, Any]) -> str:
    """SHA-256 of a pipeline description (code version, stage configs, model and data versions)."""
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()


def _read_manifest(shard: Shard) -> dict[str, Any] | None:
    try:
        return json.loads(shard.manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_complete(shard: Shard, input_sha256: str, pipeline_sha256: str) -> dict[str, Any] | None:
    """The shard's manifest if the shard is complete for this input and pipeline, else None."""
    manifest = _read_manifest(shard)
    if manifest is None or not shard.path.is_file():
        return None
    if manifest.get("input_sha256") != input_sha256 or manifest.get("pipeline_sha256") != pipeline_sha256:
        return None
    return manifest


def _replace_atomically(tmp: Path, final: Path) -> None:
    with tmp.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, final)


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}{_PARTIAL}")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _replace_atomically(tmp, path)


class _Counts:
    """What a manifest says about the Documents of a shard."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.languages: Counter[str] = Counter()
        self.edits_by_stage: Counter[str] = Counter()
        self.failures: list[str] = []

    def add(self, doc: Document) -> bool:
        """Count ``doc``; False if it failed (and is not written)."""
        if doc.error is not None:
            self.counts["failed"] += 1
            self.failures.append(doc.error)
            return False
        stage_errors = [w for w in doc.warnings if w.startswith("stage-error:")]
        if stage_errors:
            self.counts["documents_with_stage_errors"] += 1
            self.failures.extend(f"{doc.id}: {w}" for w in stage_errors)
        self.counts["documents"] += 1
        self.counts["warnings"] += len(doc.warnings)
        self.languages[doc.language] += 1
        for edit in doc.edits:
            for stage in edit.stage.split("+"):
                self.edits_by_stage[stage] += 1
        return True

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.counts["documents"],
            "failed": self.counts["failed"],
            "documents_with_stage_errors": self.counts["documents_with_stage_errors"],
            "failures": self.failures,
            "languages": dict(sorted(self.languages.items())),
            "edits_by_stage": dict(sorted(self.edits_by_stage.items())),
            "warnings": self.counts["warnings"],
        }


def _write_documents(docs: Iterable[Document], tmp: Path, fmt: str, description: dict[str, Any]) -> None:
    if fmt == "parquet":
        from .arrow import write_parquet

        write_parquet(docs, tmp, pipeline=description)
        return
    with tmp.open("w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(doc.to_json() + "\n")


def run_shard(
    shard: Shard,
    pipeline: Any,
    *,
    input_sha256: str | None = None,
    text_key: str = "text",
    id_key: str = "id",
    workers: int = 1,
) -> dict[str, Any]:
    """Normalise one input into its shard and write the manifest; returns the manifest."""
    from .api import normalize_corpus
    from .io import iter_records
    from .versions import __version__

    started, cpu_started = time.perf_counter(), time.process_time()
    shard.path.parent.mkdir(parents=True, exist_ok=True)
    description = pipeline.describe()
    input_sha256 = input_sha256 or input_digest(shard.input, exclude=[shard.out_dir])
    counts = _Counts()
    records = iter_records([shard.input], text_key=text_key, id_key=id_key, exclude=[shard.out_dir])
    docs = (d for d in normalize_corpus(records, pipeline=pipeline, workers=workers) if counts.add(d))
    tmp = shard.path.with_name(f".{shard.path.name}.{os.getpid()}{_PARTIAL}")
    try:
        _write_documents(docs, tmp, shard.format, description)
        _replace_atomically(tmp, shard.path)
    finally:
        tmp.unlink(missing_ok=True)
    manifest = {
        "shard": shard.name,
        "input": shard.input,
        "format": shard.format,
        "input_sha256": input_sha256,
        "pipeline_sha256": pipeline_digest(description),
        "corpusnorm": __version__,
        **counts.as_dict(),
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(time.process_time() - cpu_started, 3),
        "pid": os.getpid(),
    }
    _write_json_atomically(shard.manifest_path, manifest)
    return manifest


def remove_partials(out_dir: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files of shards a killed run left behind; returns them."""
    folder = Path(out_dir) / "shards"
    stale = sorted(folder.glob(f".*{_PARTIAL}")) if folder.is_dir() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def merge_manifests(manifests: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Totals over shards: counts summed, languages and edits by stage merged, failures joined."""
    languages: Counter[str] = Counter()
    edits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    failures: list[str] = []
    for manifest in manifests:
        for key in ("documents", "failed", "documents_with_stage_errors", "warnings"):
            totals[key] += manifest.get(key, 0)
        languages.update(manifest.get("languages", {}))
        edits.update(manifest.get("edits_by_stage", {}))
        failures.extend(manifest.get("failures", []))
    return {
        "documents": totals["documents"],
        "failed": totals["failed"],
        "documents_with_stage_errors": totals["documents_with_stage_errors"],
        "failures": failures,
        "languages": dict(sorted(languages.items())),
        "edits_by_stage": dict(sorted(edits.items())),
        "warnings": totals["warnings"],
        "cpu_seconds": round(sum(m.get("cpu_seconds", 0.0) for m in manifests), 3),
    }


def write_run_json(
    out_dir: str | os.PathLike[str], manifests: Sequence[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    """``DIR/run.json``: ``extra`` (version, inputs, executor, …), the merged totals and each shard."""
    summary = {**extra, **merge_manifests(manifests)}
    summary["shards"] = [
        {k: m.get(k) for k in ("shard", "input", "format", "documents", "failed", "seconds", "cpu_seconds")}
        for m in manifests
    ]
    _write_json_atomically(Path(out_dir) / "run.json", summary)
    return summary


def finish_run(
    plan: Plan, new: Sequence[dict[str, Any]], out_dir: str | os.PathLike[str], **extra: Any
) -> dict[str, Any]:
    """Write ``run.json`` (unless nothing ran and it exists: a rerun that did nothing writes nothing);
    returns the run summary with ``"ran"``, the names of the shards computed now."""
    run_json = Path(out_dir) / "run.json"
    if not new and run_json.is_file():
        try:
            return {**json.loads(run_json.read_text(encoding="utf-8")), "ran": []}
        except ValueError:
            pass
    summary = write_run_json(out_dir, plan.manifests(new), **extra)
    return {**summary, "ran": [m["shard"] for m in new]}


@dataclass
class Plan:
    """The shards of a run: those to (re)do with their input digests, and the manifests of the done ones."""

    shards: list[Shard]
    todo: list[tuple[Shard, str]]
    done: dict[str, dict[str, Any]]
    pipeline: dict[str, Any]

    def manifests(self, new: Iterable[dict[str, Any]] = ()) -> list[dict[str, Any]]:
        """Every shard's manifest, in input order."""
        found = dict(self.done)
        found.update((m["shard"], m) for m in new)
        return [found[s.name] for s in self.shards if s.name in found]


def plan_run(paths: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str], fmt: str, pipeline: Any) -> Plan:
    """Which shards of a run are complete (input and pipeline unchanged) and which to do; removes the
    temporary files a killed run left."""
    description = pipeline.describe()
    key = pipeline_digest(description)
    shards = plan_shards(paths, out_dir, fmt)
    remove_partials(out_dir)
    todo: list[tuple[Shard, str]] = []
    done: dict[str, dict[str, Any]] = {}
    for shard in shards:
        digest = input_digest(shard.input, exclude=[out_dir])
        manifest = is_complete(shard, digest, key)
        if manifest is None:
            todo.append((shard, digest))
        else:
            done[shard.name] = manifest
    return Plan(shards, todo, done, description)


def _init_shard_worker() -> None:
    from .runtime import set_threads

    set_threads(1)  # the worker processes share the cores


def _run_parallel(
    todo: list[tuple[Shard, str]], pipeline: Any, workers: int, keys: dict[str, str]
) -> list[dict[str, Any]]:
    """Shards in a spawn pool of ``workers`` processes (fails fast, like ``normalize_corpus``)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from .api import MAIN_GUARD_HINT, WorkerPoolError

    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_shard_worker) as pool:
            futures = [pool.submit(run_shard, shard, pipeline, input_sha256=digest, **keys) for shard, digest in todo]
            return [future.result() for future in futures]
    except BrokenProcessPool as exc:
        raise WorkerPoolError(MAIN_GUARD_HINT) from exc


def run_local(
    paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    pipeline: Any,
    fmt: str = "jsonl",
    workers: int = 1,
    text_key: str = "text",
    id_key: str = "id",
) -> tuple[Plan, list[dict[str, Any]]]:
    """Run the shards that are not complete; returns the plan and the new manifests.

    With ``workers > 1`` and at least as many shards as workers, the shards run in parallel, one per
    spawned worker process at a time (each worker loads its models once for all its shards); otherwise one
    after the other, each with ``workers`` processes."""
    plan = plan_run(paths, out_dir, fmt, pipeline)
    keys = {"text_key": text_key, "id_key": id_key}
    if workers > 1 and len(plan.todo) >= workers:
        return plan, _run_parallel(plan.todo, pipeline, workers, keys)
    new = [run_shard(shard, pipeline, input_sha256=digest, workers=workers, **keys) for shard, digest in plan.todo]
    return plan, new


class _DaskClient:
    """Makes a client of ``scheduler``, or of a LocalCluster of ``workers`` processes (one thread each),
    when first called (a rerun with nothing to do starts no cluster); closes what it made."""

    def __init__(self, scheduler: str | None, workers: int) -> None:
        self.scheduler = scheduler
        self.workers = workers
        self.client: Any = None

    def __call__(self) -> Any:
        from dask.distributed import Client, LocalCluster

        if self.scheduler:
            self.client = Client(self.scheduler)
        else:
            cluster = LocalCluster(n_workers=max(self.workers, 1), threads_per_worker=1, dashboard_address=":0")
            self.client = Client(cluster)
        return self.client

    def close(self) -> None:
        if self.client is not None:
            cluster = None if self.scheduler else self.client.cluster
            self.client.close()
            if cluster is not None:
                cluster.close()


def run_sharded(
    paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    pipeline: Any,
    fmt: str = "jsonl",
    executor: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    skip: Sequence[str] = (),
    quotes: Any = None,
    text_key: str = "text",
    id_key: str = "id",
) -> dict[str, Any]:
    """The sharded run of ``corpusnorm run --format/--executor``: ``local`` (:func:`run_local`) or ``dask``
    (:func:`corpusnorm.integrations.dask.normalize_files` on ``scheduler`` or a LocalCluster of ``workers``);
    returns the run summary (``"ran"``: the shards computed now)."""
    from .versions import __version__

    keys = {"text_key": text_key, "id_key": id_key}
    if executor == "dask":
        from .integrations.dask import normalize_files

        client = _DaskClient(scheduler, workers)
        try:
            return normalize_files(paths, out_dir, client=client, format=fmt, skip=skip, quotes=quotes, **keys)
        finally:
            client.close()
    started = time.perf_counter()
    plan, new = run_local(paths, out_dir, pipeline=pipeline, fmt=fmt, workers=workers, **keys)
    extra = {"corpusnorm": __version__, "inputs": [s.input for s in plan.shards], "executor": "local"}
    extra |= {"workers": workers, "seconds": round(time.perf_counter() - started, 3), "pipeline": plan.pipeline}
    return finish_run(plan, new, out_dir, **extra)
