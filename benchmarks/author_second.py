"""Author clauses under e5's floors and the second model (branch author2, December 2026).

For every near miss attributed to the letter's author (:mod:`corpusnorm.align.subjects`) that is put to the second
model — in PARAPHRASE_BAND, or under it down to an e5 margin of 0.90 and a cosine 0.10 under the floor — records e5's
best quote, the second model's best quote, margin and cosine, and whether a gold summary of that quote overlaps the
clause; then counts, per wider band and second-model floors, the gold summaries a rule would add and the false
alignments it would make. The pipeline's output is main's during the capture (the author's near misses at main's
floors, the wider band never accepted). Two halves of the dev sets: one to choose, one to confirm (docs/align.md,
"Author clauses and the second model").

    python benchmarks/author_second.py [--show]   # both halves: the sweep (and every candidate)
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from corpusnorm.align import align, paraphrase, second

ROOT = Path(__file__).resolve().parents[1]
CHOOSE = ("dev_paraphrase", "dev_paraphrase3", "dev_paraphrase5", "dev_lead", "dev_xling", "dev_recall", "dev_second")
CONFIRM = (
    "dev_paraphrase2",
    "dev_paraphrase4",
    "dev_paraphrase6",
    "dev_subject",
    "dev_xling2",
    "dev_partial",
    "dev_passages",
)
CAPTURE_BAND = (0.90, 0.10)
BANDS = ((9.0, 0.0), (1.0, 0.03), (0.98, 0.03), (0.97, 0.03), (0.98, 0.05), (0.96, 0.06))  # (9.0, 0.0): none
FLOORS = ((1.7, 0.50), (1.5, 0.45), (1.3, 0.45), (1.3, 0.40), (1.2, 0.40), (1.3, 0.35), (1.0, 0.30))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def capture(names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The wide-band author candidates of the dev sets ``names``, each with its gold verdicts."""
    rows: list[dict[str, Any]] = []
    state: dict[str, Any] = {}
    heard, confirmed = paraphrase._heard, paraphrase._confirmed

    def spy_heard(text: str, spans: list[tuple[int, int]], *args: Any) -> Any:
        state["spans"] = spans
        return heard(text, spans, *args)

    def spy_confirmed(asked: list[Any], shown: list[str], quotes: Any, language: str) -> Any:
        authors = [(i, m) for i, m in asked if m.author]
        best = second.second_best([shown[i] for i, _ in authors], paraphrase.quote_texts(quotes), language, (0.0, -1.0))
        for (i, m), b in zip(authors, best, strict=True):
            rows.append({"span": state["spans"][i], "m": m, "use": b, "ids": [q.id for q in quotes]})
        main = [(i, replace(m, author=False)) for i, m in asked if not m.wide]  # main's floors for the band
        return confirmed(main, shown, quotes, language)

    paraphrase._heard, paraphrase._confirmed = spy_heard, spy_confirmed  # type: ignore[assignment]
    band, paraphrase.AUTHOR_BAND = paraphrase.AUTHOR_BAND, CAPTURE_BAND
    out: list[dict[str, Any]] = []
    try:
        for name in names:
            data = json.loads((ROOT / "benchmarks" / "data" / name / "articles.json").read_text(encoding="utf-8"))
            for art in data["articles"]:
                rows.clear()
                text = art["text"]
                gold = [(qid.split("|"), (text.index(a), text.index(a) + len(a))) for qid, a in art["gold"]]
                aligned = align(text, language=art["language"], passages="reported")
                hit = {
                    k
                    for k, (ids, g) in enumerate(gold)
                    for a in aligned
                    if a.quote_id in ids and _overlaps((a.start, a.end), g)
                }
                taken = [(a.start, a.end) for a in aligned]
                for r in rows:
                    span = r["span"]
                    r.update(set=name, article=art["id"], text=text[span[0] : span[1]])
                    r["gold"] = {ids_k: k for k, (gids, g) in enumerate(gold) if _overlaps(span, g) for ids_k in gids}
                    r["hit"] = hit
                    r["taken"] = any(_overlaps(span, t) for t in taken)
                    out.append(dict(r))
    finally:
        paraphrase._heard, paraphrase._confirmed = heard, confirmed  # type: ignore[assignment]
        paraphrase.AUTHOR_BAND = band
    return out


def verdict(r: dict[str, Any], band: tuple[float, float], floors: tuple[float, float]) -> str:
    """'' (not accepted), 'found' (a gold summary not found before), 'dup' (one found before, by main's floors or
    another matcher) or 'false', for an author's near miss under a wider ``band`` (for those outside PARAPHRASE_BAND)
    and the second model's ``floors`` (its best quote must be e5's)."""
    m, b = r["m"], r["use"]
    floor_c = paraphrase._floors(r["text"], paraphrase._is_quote_language(r["text"], "en", None), clause=False)[1]
    if b is None or (m.wide and (m.margin < band[0] or m.cosine < floor_c - band[1])):
        return ""
    if b[0] != m.qi or b[1] < floors[0] or b[2] < floors[1]:
        return ""
    qid = r["ids"][b[0]]
    if qid not in r["gold"]:
        return "false"
    return "dup" if r["gold"][qid] in r["hit"] else "found"


def sweep(rows: list[dict[str, Any]], title: str) -> None:
    print(f"\n## {title}: {len(rows)} author near misses; +found / false (dup: found by main already)")
    print("| band (margin >=, cosine under) | " + " | ".join(f"USE m >= {m}, c >= {c}" for m, c in FLOORS) + " |")
    print("|---|" + "---|" * len(FLOORS))
    for band in BANDS:
        cells = []
        for fl in FLOORS:
            v = [verdict(r, band, fl) for r in rows]
            cells.append(f"+{v.count('found')} / {v.count('false')} ({v.count('dup')})")
        print(f"| {band[0]}, {band[1]} | " + " | ".join(cells) + " |")


def show(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        m, b = r["m"], r["use"]
        use = f"{r['ids'][b[0]]} {b[1]:.2f} {b[2]:.3f}" if b else "-"
        gold = ",".join(r["gold"]) or "-"
        print(
            f"  {r['set']}/{r['article']} e5 {r['ids'][m.qi]} ({'wide' if m.wide else 'band'}) "
            f"m {m.margin:.3f} c {m.cosine:.3f} | use {use} | gold {gold} | {r['text'][:70]!r}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list every captured candidate")
    args = parser.parse_args()
    for title, names in (("choose", CHOOSE), ("confirm", CONFIRM)):
        rows = capture(names)
        sweep(rows, f"{title} ({', '.join(names)})")
        if args.show:
            show(rows)


if __name__ == "__main__":
    main()
