"""Held-out evaluation of quote alignment on articles the aligner has never seen.

    python benchmarks/align_unseen.py [--set unseen|unseen2|unseen3] [--repeat N] [--quiet]
        [--passages reported|sentences]
    python benchmarks/align_unseen.py --set unseen2 --check   # the gold's well-formedness only; no aligner

Runs the default pipeline (``corpusnorm.normalize``: clean -> detect -> repair -> align) on every
article of a held-out set and scores ``doc.alignments`` against its ``gold.json``. Sets:
``benchmarks/data/unseen/`` (default; 14 engineer-written news articles in 10 languages),
``benchmarks/data/unseen2/`` (12 articles in 11 languages, written later by another engineer without
reading the aligner) and ``benchmarks/data/unseen3/`` (12 articles in 11 languages, written the same
way after unseen2 had been run and worked on; see the README of each).

**These sets are for reporting only.** Never tune a threshold, a rule or a word list on them; once a
set has been used for tuning it no longer estimates anything (see the READMEs).

Scoring (all in ``doc.text`` coordinates, the coordinates of the alignments):

- Gold texts are located in ``doc.original`` (the article file) and mapped through ``doc.edits`` into
  ``doc.text``; when a gold text is not in the original (the mojibake article's gold is written in the
  fixed text) it is searched in ``doc.text``. Quote and apostrophe styles and no-break spaces are folded
  one character for one character while searching, so offsets are unaffected.
- An alignment is *correct* when it overlaps a gold occurrence of the same quote id; otherwise it is a
  *false alignment* (on a distractor, on another quote's occurrence, or elsewhere).
- Pairs: (article, quote id). A gold pair is found when one of its occurrences is overlapped by an
  alignment of that id; a predicted pair is false when none of its alignments overlaps a gold occurrence.
  ``strict`` leaves out occurrences marked ``loose`` in the gold (headline glosses, loose summaries the
  issue does not require): pairs whose occurrences are all loose count neither way.
- By kind: recall of gold *occurrences* by gold kind (any predicted kind), precision of alignments by
  predicted kind. By language: pairs. Span overlap: character IoU of each found occurrence with the
  best overlapping alignment of the same id.
- Time: wall and process CPU seconds of ``normalize`` per article (median of ``--repeat`` runs, the
  aligner's per-process passage cache cleared before each), after a warm-up on the five seeds, so that
  models, lexicons and the quote-set embeddings are loaded once and not charged to the first article.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import corpusnorm
from corpusnorm.document import Alignment, Document, Edit
from corpusnorm.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SETS = ("unseen", "unseen2", "unseen3")
DATA = ROOT / "benchmarks" / "data" / SETS[0]
KINDS = ("verbatim", "near", "spun", "translated", "paraphrase")
SCHEMA = "corpusnorm-unseen-gold/1"
DISTRACTOR_TYPES = ("company", "other-person", "study", "tweet", "statement")

# One character for one character, so that offsets found in the folded text are offsets of the text.
FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


@dataclass
class Occurrence:
    quote_id: str
    kind: str
    text: str
    loose: bool
    partial: bool
    start: int = -1  # in doc.text; -1: not located
    end: int = -1
    found_by: list[Alignment] = field(default_factory=list)


@dataclass
class ArticleResult:
    name: str
    language: str
    occurrences: list[Occurrence]
    predicted: list[Alignment]
    correct: list[bool]  # per predicted alignment
    false_where: list[str]  # per predicted alignment: "" when correct
    wall: float
    cpu: float
    unlocated: list[Occurrence]
    n_distractors: int
    distractors_hit: list[str]


# --- locating gold in doc.text ------------------------------------------------------------------


def _nth(haystack: str, needle: str, n: int) -> int:
    pos = -1
    for _ in range(n + 1):
        pos = haystack.find(needle, pos + 1)
        if pos < 0:
            return -1
    return pos


def _map_start(edits: Sequence[Edit], p: int) -> int:
    delta = 0
    for e in edits:
        if e.start > p:
            break
        if e.start <= p < e.end:
            return e.start + delta
        delta += len(e.after) - (e.end - e.start)  # ends at or before p (insertions at p precede it)
    return p + delta


def _map_end(edits: Sequence[Edit], p: int) -> int:
    delta = 0
    for e in edits:
        if e.start >= p:
            break
        if e.end > p:
            return e.start + delta + len(e.after)
        delta += len(e.after) - (e.end - e.start)
    return p + delta


def locate(doc: Document, text: str, occurrence: int) -> tuple[int, int]:
    """Span of the gold ``text`` (its ``occurrence``-th appearance) in ``doc.text``; (-1, -1) if absent."""
    needle = text.translate(FOLD)
    mapped = (-1, -1)
    pos = _nth(doc.original.translate(FOLD), needle, occurrence)
    if pos >= 0:
        edits = sorted(doc.edits, key=lambda e: (e.start, e.end))
        mapped = _map_start(edits, pos), _map_end(edits, pos + len(text))
        if doc.text[mapped[0] : mapped[1]].translate(FOLD) == needle:
            return mapped
    # Not in the original (gold written in fixed text), or inside a wide edit (encoding repair): search the text.
    pos = _nth(doc.text.translate(FOLD), needle, occurrence)
    if pos >= 0:
        return pos, pos + len(text)
    return mapped if mapped[1] > mapped[0] else (-1, -1)  # words changed by repair: the mapped span


# --- scoring ------------------------------------------------------------------------------------


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def iou(a0: int, a1: int, b0: int, b1: int) -> float:
    inter = max(0, min(a1, b1) - max(a0, b0))
    union = max(a1, b1) - min(a0, b0)
    return inter / union if union else 0.0


def span_iou(o: Occurrence, a: Alignment, occurrences: list[Occurrence]) -> float:
    """IoU of ``a`` with the extent of the gold occurrences of its quote that it overlaps (one alignment may
    rightly cover two adjacent gold pieces of one quote, e.g. a paraphrase running into a verbatim fragment)."""
    group = [
        g for g in occurrences if g.quote_id == a.quote_id and g.start >= 0 and overlaps(a.start, a.end, g.start, g.end)
    ] or [o]
    return iou(a.start, a.end, min(g.start for g in group), max(g.end for g in group))


def clear_passage_cache() -> None:
    """Each timed run embeds the article's passages afresh (the aligner caches them per process)."""
    cache = getattr(importlib.import_module("corpusnorm.align"), "_PASSAGE_VECTORS", None)
    if cache is not None:
        cache.clear()


def run_article(
    name: str, gold: dict[str, Any], *, repeat: int, pipeline: Pipeline | None, data: Path = DATA
) -> ArticleResult:
    raw = (data / name).read_text(encoding="utf-8")
    walls, cpus = [], []
    doc = None
    for _ in range(repeat):
        clear_passage_cache()
        started, cpu = time.perf_counter(), time.process_time()
        doc = corpusnorm.normalize(raw, doc_id=name, pipeline=pipeline)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    assert doc is not None
    if doc.error:
        print(f"  {name}: pipeline error {doc.error}")
    occurrences, unlocated = [], []
    for e in gold["quotes"]:
        occ = Occurrence(e["quote_id"], e["kind"], e["text"], bool(e.get("loose")), bool(e.get("partial")))
        occ.start, occ.end = locate(doc, e["text"], e.get("occurrence", 0))
        if occ.start < 0 or occ.end <= occ.start:
            unlocated.append(occ)
        occurrences.append(occ)
    distractors = []
    for d in gold["distractors"]:
        span = locate(doc, d["text"], d.get("occurrence", 0))
        if span[0] >= 0:
            distractors.append((span, d))
        else:
            print(f"  {name}: distractor not locatable in doc.text (not scored): {d['text'][:60]!r}")
    predicted = sorted(doc.alignments, key=lambda a: (a.start, a.quote_id))
    correct, where = [], []
    for a in predicted:
        hits = [
            o
            for o in occurrences
            if o.quote_id == a.quote_id and o.start >= 0 and overlaps(a.start, a.end, o.start, o.end)
        ]
        for o in hits:
            o.found_by.append(a)
        correct.append(bool(hits))
        if hits:
            where.append("")
        elif any(overlaps(a.start, a.end, s, e) for (s, e), _ in distractors):
            d = next(d for (s, e), d in distractors if overlaps(a.start, a.end, s, e))
            where.append(f"DISTRACTOR ({d['type']}: {d['speaker']})")
        elif any(o.start >= 0 and overlaps(a.start, a.end, o.start, o.end) for o in occurrences):
            other = next(o for o in occurrences if o.start >= 0 and overlaps(a.start, a.end, o.start, o.end))
            where.append(f"on gold {other.quote_id} ({other.kind})")
        else:
            where.append("elsewhere")
    hit = [
        d["text"]
        for (s, e), d in distractors
        if any(overlaps(a.start, a.end, s, e) and not ok for a, ok in zip(predicted, correct, strict=True))
    ]
    return ArticleResult(
        name,
        gold["language"],
        occurrences,
        predicted,
        correct,
        where,
        statistics.median(walls),
        statistics.median(cpus),
        unlocated,
        len(gold["distractors"]),
        hit,
    )


def pair_counts(res: ArticleResult, *, strict: bool) -> tuple[int, int, int]:
    """(tp, fp, fn) of (article, quote id) pairs."""
    by_id: dict[str, list[Occurrence]] = defaultdict(list)
    for o in res.occurrences:
        by_id[o.quote_id].append(o)
    required = {qid for qid, occs in by_id.items() if not strict or any(not o.loose for o in occs)}
    found = {qid for qid, occs in by_id.items() if any(o.found_by for o in occs if not strict or not o.loose)}
    loose_hit = {qid for qid, occs in by_id.items() if any(o.found_by for o in occs)} - found
    pred_ids = {a.quote_id for a in res.predicted}
    tp = len(found & required)
    fp = len(pred_ids - found - (loose_hit if strict else set()))
    fn = len(required - found)
    return tp, fp, fn


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def fmt(x: float) -> str:
    return "  -  " if x != x else f"{x:.3f}"


# --- report -------------------------------------------------------------------------------------


def report(results: list[ArticleResult], *, verbose: bool) -> None:
    print("\n## pairs (article, quote id)")
    print("| gold | tp | fp | fn | P | R | F1 |")
    print("|---|---|---|---|---|---|---|")
    for strict in (False, True):
        tp, fp, fn = (sum(c) for c in zip(*(pair_counts(r, strict=strict) for r in results), strict=True))
        p, r, f = prf(tp, fp, fn)
        label = "strict (loose occurrences left out)" if strict else "all occurrences"
        print(f"| {label} | {tp} | {fp} | {fn} | {p:.3f} | {r:.3f} | {f:.3f} |")

    occs = [o for r in results for o in r.occurrences]
    preds = [(a, ok) for r in results for a, ok in zip(r.predicted, r.correct, strict=True)]
    n_ok = sum(ok for _, ok in preds)
    found = [o for o in occs if o.found_by]
    print(
        f"\noccurrences found {len(found)}/{len(occs)} (recall {len(found) / len(occs):.3f}); "
        f"alignments {len(preds)}, correct {n_ok} (precision {n_ok / max(1, len(preds)):.3f})"
    )

    print("\n## by kind (occurrences: recall by gold kind, any predicted kind; precision by predicted kind)")
    print("| kind | gold occ. | recall | excl. loose | partial quotes | predicted | precision |")
    print("|---|---|---|---|---|---|---|")
    for kind in KINDS:
        g = [o for o in occs if o.kind == kind]
        gs = [o for o in g if not o.loose]
        gp = [o for o in g if o.partial]
        pk = [ok for a, ok in preds if a.kind == kind]
        if not g and not pk:
            continue
        rec = sum(bool(o.found_by) for o in g) / len(g) if g else float("nan")
        rec_s = sum(bool(o.found_by) for o in gs) / len(gs) if gs else float("nan")
        rec_p = f"{sum(bool(o.found_by) for o in gp)}/{len(gp)}"
        pre = sum(pk) / len(pk) if pk else float("nan")
        print(f"| {kind} | {len(g)} | {fmt(rec)} | {fmt(rec_s)} ({len(gs)}) | {rec_p} | {len(pk)} | {fmt(pre)} |")
    agree = Counter((o.kind, o.found_by[0].kind) for o in found)
    print(
        "kind given to found occurrences (gold -> predicted): "
        + ", ".join(f"{g}->{p} {n}" for (g, p), n in sorted(agree.items()))
    )

    print("\n## by language (pairs, all occurrences; strict in brackets)")
    print("| language | articles | gold pairs | P | R | F1 | strict P/R/F1 | occ. found | wall s | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    by_lang: dict[str, list[ArticleResult]] = defaultdict(list)
    for r in results:
        by_lang[r.language].append(r)
    for lang, rs in by_lang.items():
        tp, fp, fn = (sum(c) for c in zip(*(pair_counts(r, strict=False) for r in rs), strict=True))
        stp, sfp, sfn = (sum(c) for c in zip(*(pair_counts(r, strict=True) for r in rs), strict=True))
        p, rc, f = prf(tp, fp, fn)
        sp, sr, sf = prf(stp, sfp, sfn)
        lo = [o for r in rs for o in r.occurrences]
        lf = sum(bool(o.found_by) for o in lo)
        wall = statistics.mean(r.wall for r in rs)
        cpu = statistics.mean(r.cpu for r in rs)
        print(
            f"| {lang} | {len(rs)} | {tp + fn} | {p:.3f} | {rc:.3f} | {f:.3f} | {sp:.2f}/{sr:.2f}/{sf:.2f} | "
            f"{lf}/{len(lo)} | {wall:.2f} | {cpu:.2f} |"
        )

    print("\n## by language and kind (occurrences found / gold)")
    print("| language | " + " | ".join(k for k in KINDS if k != "spun") + " |")
    print("|---|" + "---|" * (len(KINDS) - 1))
    for lang, rs in by_lang.items():
        cells = []
        for kind in KINDS:
            if kind == "spun":
                continue
            ko = [o for r in rs for o in r.occurrences if o.kind == kind]
            cells.append(f"{sum(bool(o.found_by) for o in ko)}/{len(ko)}" if ko else "-")
        print(f"| {lang} | " + " | ".join(cells) + " |")

    ious = [
        max(span_iou(o, a, r.occurrences) for a in o.found_by) for r in results for o in r.occurrences if o.found_by
    ]
    false = [
        (r, a, w) for r in results for a, ok, w in zip(r.predicted, r.correct, r.false_where, strict=True) if not ok
    ]
    on_distractor = [x for x in false if x[2].startswith("DISTRACTOR")]
    print(
        f"\nspan IoU of found occurrences: mean {statistics.mean(ious) if ious else 0:.3f}, "
        f"median {statistics.median(ious) if ious else 0:.3f}; IoU >= 0.8: {sum(i >= 0.8 for i in ious)}/{len(ious)}"
    )
    n_dis = sum(r.n_distractors for r in results)
    hit = [d for r in results for d in r.distractors_hit]
    print(
        f"false alignments: {len(false)}, of which on distractors: {len(on_distractor)}; "
        f"distractors aligned: {len(hit)}/{n_dis}"
    )
    walls = [r.wall for r in results]
    cpus = [r.cpu for r in results]
    print(
        f"time per article (normalize, warm): wall mean {statistics.mean(walls):.3f} s, max {max(walls):.3f} s; "
        f"process CPU mean {statistics.mean(cpus):.3f} s (all threads); "
        f"{len(results) / sum(walls):.1f} articles/s"
    )
    unlocated = [(r.name, o) for r in results for o in r.unlocated]
    if unlocated:
        print(f"gold occurrences not locatable in doc.text (counted as misses): {len(unlocated)}")
        for name, o in unlocated:
            print(f"  {name} {o.quote_id} ({o.kind}): {o.text[:70]!r}")

    if verbose:
        print("\n## misses (article, quote id, gold kind, text)")
        for r in results:
            for o in r.occurrences:
                if not o.found_by:
                    flags = ", ".join(x for x, on in (("loose", o.loose), ("partial", o.partial)) if on)
                    flags = f" [{flags}]" if flags else ""
                    print(f"  {r.name[:2]} {r.language} {o.quote_id} {o.kind}{flags}: {o.text!r}")
        print("\n## found with span IoU < 0.5 (article, quote id, gold kind: gold text | aligned text)")
        for r in results:
            for o in r.occurrences:
                if o.found_by:
                    best = max(o.found_by, key=lambda a: span_iou(o, a, r.occurrences))
                    if span_iou(o, best, r.occurrences) < 0.5:
                        print(f"  {r.name[:2]} {r.language} {o.quote_id} {o.kind}: {o.text!r} | {best.text!r}")
        print("\n## false alignments (article, quote id, predicted kind, score, where, text)")
        for r, a, w in false:
            print(f"  {r.name[:2]} {r.language} {a.quote_id} {a.kind} {a.score:.3f} {w}: {a.text!r}")
        print("\n## per article")
        print("| article | lang | occ. found | alignments | false | wall s | CPU s |")
        print("|---|---|---|---|---|---|---|")
        for r in results:
            nf = sum(bool(o.found_by) for o in r.occurrences)
            print(
                f"| {r.name} | {r.language} | {nf}/{len(r.occurrences)} | {len(r.predicted)} | "
                f"{r.correct.count(False)} | {r.wall:.2f} | {r.cpu:.2f} |"
            )


# --- the gold's well-formedness (no aligner) -----------------------------------------------------


def load_gold(set_name: str) -> tuple[Path, dict[str, Any]]:
    """The directory and parsed ``gold.json`` of a held-out set (``unseen``, ``unseen2`` or ``unseen3``)."""
    if set_name not in SETS:
        raise ValueError(f"unknown held-out set {set_name!r}; known: {', '.join(SETS)}")
    data = ROOT / "benchmarks" / "data" / set_name
    return data, json.loads((data / "gold.json").read_text(encoding="utf-8"))


def _entry_problems(name: str, entry: dict[str, Any], quote_ids: set[str]) -> list[str]:
    problems = []
    if entry.get("quote_id") not in quote_ids:
        problems.append(f"{name}: unknown quote id {entry.get('quote_id')!r}")
    if entry.get("kind") not in KINDS:
        problems.append(f"{name}: unknown kind {entry.get('kind')!r}")
    return problems


def gold_problems(set_name: str) -> list[str]:
    """Everything wrong with a set's gold, without running the aligner: the schema, quote ids and kinds,
    and every gold and distractor text located in its article exactly as the scoring locates it (in
    ``doc.text`` after the clean stage alone, so that gold written in repaired text is found too)."""
    data, gold = load_gold(set_name)
    quote_ids = {
        q["id"] for q in json.loads((ROOT / "src" / "corpusnorm" / "data" / "quotes.json").read_text())["quotes"]
    }
    problems = [] if gold.get("schema") == SCHEMA else [f"schema {gold.get('schema')!r} is not {SCHEMA!r}"]
    files = sorted(p.name for p in data.glob("*.txt"))
    if files != sorted(gold["articles"]):
        problems.append(f"articles in gold.json {sorted(gold['articles'])} are not the files {files}")
    clean_only = Pipeline.default(detect=False, repair=False, align=False)
    for name, article in gold["articles"].items():
        if not (data / name).is_file():
            continue
        doc = corpusnorm.normalize((data / name).read_text(encoding="utf-8"), doc_id=name, pipeline=clean_only)
        for entry in article["quotes"]:
            problems += _entry_problems(name, entry, quote_ids)
        for d in article["distractors"]:
            if d.get("type") not in DISTRACTOR_TYPES:
                problems.append(f"{name}: unknown distractor type {d.get('type')!r}")
        for entry in article["quotes"] + article["distractors"]:
            if locate(doc, entry["text"], entry.get("occurrence", 0))[0] < 0:
                problems.append(f"{name}: not in the article: {entry['text']!r}")
    return problems


def summarise_gold(gold: dict[str, Any]) -> None:
    arts = gold["articles"]
    occs = [e for a in arts.values() for e in a["quotes"]]
    kinds = Counter(e["kind"] for e in occs)
    pairs = {(n, e["quote_id"]) for n, a in arts.items() for e in a["quotes"]}
    dis = sum(len(a["distractors"]) for a in arts.values())
    print(
        f"# held-out articles: {len(arts)} articles, {len(pairs)} (article, quote) pairs, {len(occs)} occurrences "
        f"({', '.join(f'{k} {kinds[k]}' for k in KINDS if kinds[k])}; "
        f"loose {sum(bool(e.get('loose')) for e in occs)}), "
        f"{dis} distractors"
    )
    print(f"corpusnorm {corpusnorm.__version__} from {Path(corpusnorm.__file__).parent}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per article (median time is reported)")
    parser.add_argument("--quiet", action="store_true", help="no per-item misses and false alignments")
    parser.add_argument(
        "--passages",
        choices=("quoted", "reported", "sentences"),
        help="run the pipeline with this align option instead of the default (for comparison, not tuning)",
    )
    parser.add_argument("--set", choices=SETS, default=SETS[0], help="held-out set (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="check the set's gold only (no aligner) and exit")
    args = parser.parse_args(argv)
    if args.check:
        problems = gold_problems(args.set)
        print("\n".join(problems) or f"{args.set}: gold well-formed, every text located in its article")
        return 1 if problems else 0
    pipeline = Pipeline.default(align={"passages": args.passages}) if args.passages else None
    data, gold = load_gold(args.set)
    if args.set != SETS[0]:
        print(f"set: benchmarks/data/{args.set}")
    summarise_gold(gold)
    # Warm-up on the seeds (never on the held-out articles): every lazily loaded model and lexicon
    # (language identification, repair, the embedder and the quote-set vectors) loads once, here.
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        corpusnorm.normalize(seed.read_text(encoding="utf-8"), doc_id="warm-up", pipeline=pipeline)
    print(f"pipeline: {'default' if pipeline is None else f'default with align passages={args.passages!r}'}")
    results = [
        run_article(name, g, repeat=max(1, args.repeat), pipeline=pipeline, data=data)
        for name, g in gold["articles"].items()
    ]
    for r in results:
        for a in r.predicted:
            assert 0 <= a.start < a.end, (r.name, a)
    report(results, verbose=not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
