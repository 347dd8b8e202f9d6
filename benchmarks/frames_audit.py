"""Audit of the paraphrase matcher's candidates: for every unquoted gold summary of a dev set, does it ever become a
frame candidate, and what happens to it then?

    python benchmarks/frames_audit.py dev_frames [dev_paraphrase ...] [--half odd|even] [--verbose]

Each gold anchor that no quoted passage overlaps (an unquoted rendering: a reported summary or a gloss) is put in one
class, per language:

- ``found``: an alignment of ``align()`` (default passages mode) of one of its quote ids overlaps it;
- ``wrong quote``: an alignment of another quote overlaps it, or the best whole quote (e5 ratio margin) of the frame
  clause overlapping it most is not one of its ids;
- ``filtered``: a frame clause overlaps it, but names a name or a number the quote set never names (dropped before
  the model);
- ``under floors``: the frame clause's best whole quote is right, but under the paraphrase floors (or an author's
  near miss the second model did not confirm, or another speaker's): margin and cosine shown with ``--verbose``;
- ``no candidate``: no frame clause (:func:`corpusnorm.align.paraphrase.frame_candidates`) overlaps it at all.

The frame clauses are scored as :func:`corpusnorm.align.paraphrase.paraphrases` scores them (the clause as embedded:
inserts removed, English in the first person), against the whole quotes only (clause targets are not shown)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from corpusnorm.align import align, paraphrase
from corpusnorm.align.passages import QUOTED_RE
from corpusnorm.align.quoteset import _margins, _x_neighbours, quote_side
from corpusnorm.backends.embed import get_embedder
from corpusnorm.quotes import canonical_quotes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
CLASSES = ("found", "wrong quote", "under floors", "filtered", "no candidate")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _scored(text: str, language: str, spans: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[str, float, float]]:
    """Each frame clause's best whole quote by e5 margin: (quote id, margin, cosine)."""
    if not spans:
        return {}
    quotes = canonical_quotes()
    embedder = get_embedder()
    passages = [text[s:e] for s, e in spans]
    same = [paraphrase._is_quote_language(p, "en", language) for p in passages]
    shown = paraphrase._shown(passages, same, "en", language)
    side = quote_side(tuple(q.text for q in quotes), embedder)
    cos = embedder.embed(shown) @ side.vectors.T
    margin = _margins(cos, side.y_nn, _x_neighbours(cos))
    out = {}
    for i, span in enumerate(spans):
        j = int(margin[i].argmax())
        out[span] = (quotes[j].id, float(margin[i, j]), float(cos[i, j]))
    return out


def audit_article(art: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(language, class, quote ids, detail) for each unquoted gold anchor of one article."""
    text, lang = art["text"], art["language"]
    quotes = canonical_quotes()
    quoted = [m.span() for m in QUOTED_RE.finditer(text)]
    aligned = align(text, language=lang)
    frames = paraphrase.frame_candidates(text, lang)
    kept = set(paraphrase._spans(text, quotes, [], lang, "en", frames))
    scored = _scored(text, lang, sorted(kept))
    rows = []
    for qids, anchor in art["gold"]:
        s = text.index(anchor)
        span, ids = (s, s + len(anchor)), set(qids.split("|"))
        if any(_overlap(span, q) for q in quoted):
            continue
        hits = [a for a in aligned if _overlap(span, (a.start, a.end))]
        clauses = sorted((c for c in frames if _overlap(span, c)), key=lambda c: -_overlap(span, c))
        if any(a.quote_id in ids for a in hits):
            rows.append((lang, "found", qids, anchor[:50]))
        elif hits:
            rows.append((lang, "wrong quote", qids, f"aligned {hits[0].quote_id} ({hits[0].kind}): {anchor[:40]}"))
        elif not clauses:
            rows.append((lang, "no candidate", qids, anchor[:60]))
        elif clauses[0] not in kept:
            rows.append((lang, "filtered", qids, text[clauses[0][0] : clauses[0][1]][:60]))
        else:
            qid, m, c = scored[clauses[0]]
            cls = "under floors" if qid in ids else "wrong quote"
            rows.append((lang, cls, qids, f"best {qid} margin {m:.3f} cosine {c:.3f}: {text[slice(*clauses[0])][:50]}"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", help="dev set folders under benchmarks/data")
    parser.add_argument("--half", choices=("odd", "even"), help="only the articles at odd or even positions")
    parser.add_argument("--verbose", action="store_true", help="every anchor not found, with its class")
    args = parser.parse_args(argv)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for name in args.sets:
        articles = json.loads((DATA / name / "articles.json").read_text(encoding="utf-8"))["articles"]
        if args.half:
            articles = articles[0 if args.half == "odd" else 1 :: 2]
        for art in articles:
            for lang, cls, qids, detail in audit_article(art):
                counts[lang][cls] += 1
                if args.verbose and cls != "found":
                    print(f"  {name}/{art['id']} {qids} {cls}: {detail}")
    print(f"\n## frame audit: {', '.join(args.sets)}{f' ({args.half} half)' if args.half else ''}")
    print("| language | " + " | ".join(CLASSES) + " | gold |")
    print("|---" * (len(CLASSES) + 2) + "|")
    total: Counter[str] = Counter()
    for lang in sorted(counts):
        total.update(counts[lang])
        row = " | ".join(str(counts[lang][c]) for c in CLASSES)
        print(f"| {lang} | {row} | {sum(counts[lang].values())} |")
    print(f"| all | {' | '.join(str(total[c]) for c in CLASSES)} | {sum(total.values())} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
