"""The author's near misses that e5 ranks wrong (branch author3, December 2026).

Captures, as benchmarks/author_second.py does, every near miss attributed to the letter's author that is put to the
second model (down to an e5 margin of 0.90), with e5's cosines to every quote; then counts, per rule, the gold
summaries it would add and the false alignments it would make: the second model's best quote accepted when it is
e5's best (branch author2), or, when it is another, when e5 ranks it among its ``k`` best quotes with a cosine at
most ``delta`` under e5's best. Two halves of the dev sets, one to choose and one to confirm (docs/align.md, "The
author's summaries e5 ranks wrong").

    python benchmarks/author_rank.py [--show]
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from author_second import CONFIRM, capture
from corpusnorm.align import paraphrase

CHOOSE = (
    "dev_paraphrase",
    "dev_paraphrase3",
    "dev_paraphrase5",
    "dev_lead",
    "dev_xling",
    "dev_recall",
    "dev_second",
    "dev_langs",
)
FLOORS = ((1.7, 0.50), (1.5, 0.45), (1.3, 0.40), (1.2, 0.40))
RANKS = ((0, 0.0), (2, 0.01), (2, 0.02), (3, 0.02), (3, 0.03), (5, 0.05))  # (k, delta); (0, 0.0): e5's best only
MARGINS = (0.98, 0.96, 0.94)


def capture_rows(names: tuple[str, ...]) -> list[dict[str, Any]]:
    """:func:`author_second.capture` of ``names``, each row with e5's cosines to every quote (``cos``)."""
    seen: dict[str, np.ndarray] = {}
    linked: dict[str, bool] = {}
    near, heard = paraphrase._near_miss, paraphrase._heard

    def spy_heard(text: str, spans: list[tuple[int, int]], taken: Any, *args: Any) -> Any:
        linked.update({text[s:e]: bool(taken) for s, e in spans})
        return heard(text, spans, taken, *args)

    def spy_near(passage: str, same: bool, cos: np.ndarray, margin: np.ndarray, author: bool = False) -> Any:
        seen[passage] = np.array(cos)
        return near(passage, same, cos, margin, author)

    paraphrase._near_miss, paraphrase._heard = spy_near, spy_heard  # type: ignore[assignment]
    try:
        rows = capture(names)
    finally:
        paraphrase._near_miss, paraphrase._heard = near, heard  # type: ignore[assignment]
    for r in rows:
        r["cos"], r["linked"] = seen[r["text"]], linked[r["text"]]
    return rows


def verdict(
    r: dict[str, Any], margin: float, floors: tuple[float, float], rank: tuple[int, float], linked: bool = False
) -> str:
    """'' / 'found' / 'dup' / 'false' for one author near miss under a rule (``linked``: only in an article that
    already carries an alignment)."""
    m, b, cos = r["m"], r["use"], r["cos"]
    if linked and not r["linked"]:
        return ""
    floor_c = paraphrase._floors(r["text"], paraphrase._is_quote_language(r["text"], "en", None), clause=False)[1]
    if b is None or (m.wide and (m.margin < margin or m.cosine < floor_c - 0.03)):
        return ""
    if b[1] < floors[0] or b[2] < floors[1]:
        return ""
    if b[0] != m.qi:
        order = list(np.argsort(-cos))
        k, delta = rank
        if order.index(b[0]) >= k or cos[order[0]] - cos[b[0]] > delta:
            return ""
    qid = r["ids"][b[0]]
    if qid not in r["gold"]:
        return "false"
    return "dup" if r["gold"][qid] in r["hit"] else "found"


def sweep(rows: list[dict[str, Any]], title: str) -> None:
    print(f"\n## {title}: {len(rows)} author near misses; +found / false (dup)")
    print("| e5 margin >=, (k, delta) | " + " | ".join(f"USE {m}, {c}" for m, c in FLOORS) + " |")
    print("|---|" + "---|" * len(FLOORS))
    for margin in MARGINS:
        for rank in RANKS:
            cells = []
            for fl in FLOORS:
                v = [verdict(r, margin, fl, rank) for r in rows]
                cells.append(f"+{v.count('found')} / {v.count('false')} ({v.count('dup')})")
            print(f"| {margin}, {rank} | " + " | ".join(cells) + " |")
    for rank in RANKS[:3]:
        cells = []
        for fl in FLOORS:
            v = [verdict(r, 0.98, fl, rank, linked=True) for r in rows]
            cells.append(f"+{v.count('found')} / {v.count('false')} ({v.count('dup')})")
        print(f"| linked only, 0.98, {rank} | " + " | ".join(cells) + " |")


def show(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        m, b, cos = r["m"], r["use"], r["cos"]
        if b is None or b[0] == m.qi:
            continue
        order = list(np.argsort(-cos))
        use = f"{r['ids'][b[0]]} {b[1]:.2f} {b[2]:.3f} e5 rank {order.index(b[0])} d {cos[order[0]] - cos[b[0]]:.3f}"
        print(
            f"  {r['set']}/{r['article']} e5 {r['ids'][m.qi]} m {m.margin:.3f} c {m.cosine:.3f} | use {use} | "
            f"gold {','.join(r['gold']) or '-'} | {r['text'][:60]!r}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the candidates where USE's best quote is not e5's")
    args = parser.parse_args()
    for title, names in (("choose", CHOOSE), ("confirm", CONFIRM)):
        rows = capture_rows(names)
        sweep(rows, f"{title} ({', '.join(names)})")
        if args.show:
            show(rows)


if __name__ == "__main__":
    main()
