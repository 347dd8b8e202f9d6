"""Cost per worker and per document of sharded and distributed runs (issue 12; figures in docs/scale.md).

    python benchmarks/scale.py load [--cache off|on]        # one fresh worker process: model loading
    python benchmarks/scale.py throughput [--workers 1 2]   # Dask and datatrove, 1 and 2 workers

``load`` starts a fresh process that normalises the seeds one by one and prints, per document, the
CPU seconds and the resident memory (VmRSS) after it: the first documents pay for the models and
indexes (``--cache off``: every derived index rebuilt, as before the disk cache; ``on``: loaded
from the cache, warmed first).

``throughput`` builds a corpus of the articles in seeds/, benchmarks/data/ and shared/spun_*
(each once: no repeated passage), split into four JSONL inputs, and runs it with
``normalize_files`` on a Dask LocalCluster and with datatrove's LocalPipelineExecutor, with 1 and
2 worker processes (one thread each); prints wall seconds, documents per second, the CPU seconds
and peak RSS of each worker (first shard included: model loading counts).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CORPUSNORM_SHARED", ROOT.parent / "shared"))

LOAD_SCRIPT = """
import json, sys, time
from pathlib import Path
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
t = time.process_time()
import corpusnorm
rows = [{"step": "import", "cpu_s": round(time.process_time() - t, 2), "rss_mb": round(rss())}]
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    t = time.process_time()
    corpusnorm.normalize(path.read_bytes(), doc_id=path.stem)
    rows.append({"step": path.stem[:3], "cpu_s": round(time.process_time() - t, 2), "rss_mb": round(rss())})
print(json.dumps(rows))
"""


def measure_load(cache: str) -> list[dict]:
    env = dict(os.environ, OMP_NUM_THREADS="1", CORPUSNORM_PASSAGE_CACHE="0")
    if cache == "off":
        env["CORPUSNORM_CACHE"] = "off"
    else:  # warm the cache first
        subprocess.run(
            [sys.executable, "-c", LOAD_SCRIPT, str(ROOT / "seeds")], env=env, check=True, capture_output=True
        )
    done = subprocess.run(
        [sys.executable, "-c", LOAD_SCRIPT, str(ROOT / "seeds")], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def corpus_files(folder: Path) -> list[Path]:
    texts = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "benchmarks" / "data").rglob("*.txt"))
    texts += sorted(SHARED.glob("spun_*/*.txt"))
    rows = [{"id": f"{p.parent.name}/{p.stem}", "text": p.read_text(encoding="utf-8", errors="replace")} for p in texts]
    rows = [r for r in rows if r["text"].strip()]
    paths = []
    for i, name in enumerate("abcd"):  # four inputs, round robin: shards of similar cost
        part = rows[i::4]
        path = folder / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part), encoding="utf-8")
        paths.append(path)
    return paths


def _worker_usage() -> dict:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "max_rss_mb": round(usage.ru_maxrss / 1024)}


def run_dask(paths: list[Path], out: Path, workers: int) -> dict:
    from dask.distributed import Client, LocalCluster

    from corpusnorm.integrations.dask import normalize_files

    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0") as cluster, Client(cluster) as c:
        started = time.perf_counter()
        summary = normalize_files(paths, out, client=c, format="parquet")
        wall = time.perf_counter() - started
        usage = c.run(_worker_usage)
    cpu = sum(u["cpu_s"] for u in usage.values())
    docs = summary["documents"]
    return {
        "wall_s": round(wall, 1),
        "documents": docs,
        "docs_per_s": round(docs / wall, 2),
        "cpu_s_per_doc": round(cpu / docs, 3),
        "workers": list(usage.values()),
    }


def run_datatrove(paths: list[Path], out: Path, workers: int) -> dict:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from corpusnorm.integrations.datatrove import CorpusnormStep

    started = time.perf_counter()
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(paths[0].parent), glob_pattern="*.jsonl"), CorpusnormStep(), JsonlWriter(str(out))],
        tasks=len(paths),
        workers=workers,
        logging_dir=str(out / "logs"),
    ).run()
    wall = time.perf_counter() - started
    stats = json.loads((out / "logs" / "stats.json").read_text(encoding="utf-8"))
    step = next(s for s in stats if s["name"].endswith("corpusnorm"))
    docs = step["stats"]["documents"]
    busy = step["time_stats"]["total"] if "time_stats" in step else None
    return {"wall_s": round(wall, 1), "documents": docs, "docs_per_s": round(docs / wall, 2), "step_s": busy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("load", "throughput"))
    parser.add_argument("--cache", choices=("off", "on"), default="on")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if args.what == "load":
        rows = measure_load(args.cache)
        for row in rows:
            print(f"{row['step']:>7}  {row['cpu_s']:6.2f} CPU-s  {row['rss_mb']:5d} MB")
        print(f"  total  {sum(r['cpu_s'] for r in rows):6.2f} CPU-s  (cache {args.cache})")
        return
    os.environ.setdefault("CORPUSNORM_PASSAGE_CACHE", "0")  # every passage embedded, as in a real corpus
    with tempfile.TemporaryDirectory() as tmp:
        paths = corpus_files(Path(tmp))
        for workers in args.workers:
            result = run_dask(paths, Path(tmp) / f"dask-{workers}", workers)
            print(f"dask      workers={workers}: {json.dumps(result)}")
            result = run_datatrove(paths, Path(tmp) / f"datatrove-{workers}", workers)
            print(f"datatrove workers={workers}: {json.dumps(result)}")


if __name__ == "__main__":
    main()
