"""The lexical opinion's separation on the dev sets (branch cognate; docs/align.md, "A lexical second opinion").

    python benchmarks/lexical_floors.py              # choosing half: table of every near miss put to it
    python benchmarks/lexical_floors.py --confirm    # confirming half

Every near miss put to the lexical opinion (:mod:`corpusnorm.align.lexical`: a near miss of e5 in a language the
second model does not know) is confirmed whatever its weight (floors off), so that each one shows up as an alignment
with its (weight, margin) in the evidence; an alignment overlapping a gold anchor of its quote id is a rendering, any
other one is false. Halves: the choosing sets and dev_cognate's odd-numbered articles, or the confirming sets and its
even-numbered ones.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path

from corpusnorm.align import align, lexical

ROOT = Path(__file__).resolve().parents[1]
CHOOSING = ("dev_paraphrase", "dev_paraphrase3", "dev_paraphrase5", "dev_lead", "dev_xling", "dev_recall")
CHOOSING += ("dev_second", "dev_langs")
CONFIRMING = ("dev_paraphrase2", "dev_paraphrase4", "dev_paraphrase6", "dev_subject", "dev_xling2", "dev_partial")
CONFIRMING += ("dev_passages",)
EVIDENCE_RE = re.compile(rf"{lexical.LEXICAL_EVIDENCE}: weight ([\d.]+), margin (-?[\d.]+)")


def _articles(confirm: bool) -> list[tuple[str, dict]]:
    out = []
    for name in (CONFIRMING if confirm else CHOOSING) + ("dev_cognate",):
        data = json.loads((ROOT / "benchmarks" / "data" / name / "articles.json").read_text(encoding="utf-8"))
        for art in data["articles"]:
            if name == "dev_cognate" and int(re.sub(r"\D", "", art["id"])) % 2 == int(confirm):
                continue
            out.append((name, art))
    return out


def _rows(confirm: bool) -> list[tuple[float, float, bool, str]]:
    """(weight, margin, right, label) of every near miss the lexical opinion was asked about."""
    lexical.lexical_opinion.__defaults__ = ((-math.inf, -math.inf),)
    rows = []
    for name, art in _articles(confirm):
        text = art["text"]
        gold = []
        for qid, anchor in art["gold"]:
            start = text.index(anchor)
            gold.append((set(qid.split("|")), start, start + len(anchor)))
        for a in align(text, language=art["language"]):
            m = EVIDENCE_RE.search(a.evidence)
            if m is None:
                continue
            right = any(a.quote_id in ids and a.start < e and s < a.end for ids, s, e in gold)
            label = f"{name}/{art['id']} {a.quote_id} {a.text[:60]!r}"
            rows.append((float(m.group(1)), float(m.group(2)), right, label))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--confirm", action="store_true", help="the confirming half")
    args = parser.parse_args(argv)
    rows = _rows(args.confirm)
    print(f"## lexical opinion, {'confirming' if args.confirm else 'choosing'} half: {len(rows)} near misses asked")
    for w, mg, right, label in sorted(rows, key=lambda r: (-r[1], -r[0])):
        print(f"  {'right' if right else 'FALSE'} weight {w:5.2f} margin {mg:5.2f} {label}")
    print("\n| weight floor | margin floor | renderings | false |\n|---|---|---|---|")
    for wf in (2.0, 3.3, 5.0, 6.7):
        for mf in (0.0, 0.5, 2.0, 3.3):
            kept = [r for r in rows if r[0] >= wf and r[1] >= mf]
            print(f"| {wf} | {mf} | {sum(r[2] for r in kept)} | {sum(not r[2] for r in kept)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
