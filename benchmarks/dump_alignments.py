"""Dump every alignment of every article set, to check that an engine change moves none of them.

    python benchmarks/dump_alignments.py > before.tsv      # on the old code
    python benchmarks/dump_alignments.py > after.tsv       # on the new code
    python benchmarks/dump_alignments.py --compare before.tsv after.tsv

Sets: the five seeds, every development set benchmarks/data/dev_* (articles) and the held-out
benchmarks/data/unseen (for identity only, never for tuning; ``--no-unseen`` leaves it out, for a dump read to
justify changed alignments). Each article runs through
the default pipeline (``normalize_corpus``) and through ``align()`` on the raw text (with the set's
language where it gives one). The passage cache is off, so each article's output depends on it alone.
One line per alignment: set, article, route, quote id, kind, start, end, score, evidence.
``--compare`` says which lines differ in (quote id, kind, span) and which only in score or evidence.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_SETS = tuple(sorted(p.parent.name for p in (ROOT / "benchmarks" / "data").glob("dev_*/articles.json")))


def articles(unseen: bool = True) -> Iterator[tuple[str, str, str, str | None]]:
    """(set, article id, text, language or None) of every set (the held-out one when ``unseen``)."""
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        yield "seeds", path.stem, path.read_text(encoding="utf-8"), None
    for name in DEV_SETS:
        data = json.loads((ROOT / "benchmarks" / "data" / name / "articles.json").read_text(encoding="utf-8"))
        for art in data["articles"]:
            yield name, art["id"], art["text"], art.get("language")
    if not unseen:
        return
    for path in sorted((ROOT / "benchmarks" / "data" / "unseen").glob("*.txt")):
        yield "unseen", path.stem, path.read_text(encoding="utf-8"), None


def dump(unseen: bool = True) -> None:
    os.environ["CORPUSNORM_PASSAGE_CACHE"] = "0"
    from corpusnorm import Pipeline, normalize_corpus
    from corpusnorm.align import align

    pipeline = Pipeline.default()
    for set_name, art_id, text, language in articles(unseen):
        (doc,) = normalize_corpus([{"id": art_id, "text": text}], pipeline=pipeline)
        routes = [("pipeline", doc.alignments), ("align", align(text, language=language))]
        for route, found in routes:
            for a in sorted(found, key=lambda a: (a.start, a.end, a.quote_id)):
                fields = (set_name, art_id, route, a.quote_id, a.kind, a.start, a.end, f"{a.score:.6f}", a.evidence)
                print("\t".join(str(f).replace("\t", " ").replace("\n", " ") for f in fields))
        sys.stdout.flush()


def compare(before: Path, after: Path) -> int:
    def load(path: Path) -> tuple[list[tuple[str, ...]], list[str]]:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [tuple(line.split("\t")[:7]) for line in lines], lines

    (keys_a, lines_a), (keys_b, lines_b) = load(before), load(after)
    structural = sorted(set(keys_a) ^ set(keys_b))
    for key in structural:
        print(("only before: " if key in set(keys_a) else "only after:  ") + " ".join(key))
    fine = sorted(set(lines_a) ^ set(lines_b))
    print(
        f"{len(keys_a)} / {len(keys_b)} alignments; {len(structural)} differ in id, kind or span; "
        f"{len(fine)} lines differ in all (score or evidence included)"
    )
    return 1 if structural else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--no-unseen", action="store_true", help="leave the held-out articles out")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    dump(unseen=not args.no_unseen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
