"""Sweep of the same-language (English) paraphrase floors (``align.paraphrase.SAME_LANGUAGE_FLOORS``).

    python benchmarks/en_floors.py [--shared ../shared]

Two tables, margin 1.00-1.04 by cosine 0.86-0.91: found / false over every dev set under benchmarks/data (each
article aligned with the default ``align``, gold as in ``benchmarks/align.py --dev-set``), and false alignments over
the shared English web sentences (lid_testdata/sentences/en.txt) in a reporting frame ("He said that …",
"According to him, …") after a sentence quoting L11, so that the article has an alignment. An article is aligned
at the shipped floors and at the lowest cell; only those whose alignments differ are re-aligned per cell (lowering
the floors only adds whole-quote matches and moves the second model's band, whose answers do not depend on it).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from corpusnorm.align import align, paraphrase
from corpusnorm.quotes import canonical_quotes

ROOT = Path(__file__).resolve().parents[1]
DEV_SETS = (
    "dev_paraphrase",
    "dev_paraphrase2",
    "dev_paraphrase3",
    "dev_paraphrase4",
    "dev_recall",
    "dev_partial",
    "dev_passages",
    "dev_xling",
    "dev_xling2",
    "dev_second",
)
MARGINS = (1.00, 1.01, 1.02, 1.03, 1.04)
COSINES = (0.86, 0.87, 0.88, 0.89, 0.90, 0.91)
LEAD = 'In his farewell letter to colleagues, the researcher wrote: "The world is in peril." '
FRAMES = ("He said that {}", "According to him, {}")
Aligned = tuple[tuple[str, int, int], ...]
Gold = list[tuple[str, tuple[int, int]]]


def aligned(text: str, language: str, floors: tuple[float, float], after: int = 0) -> Aligned:
    """The alignments (quote, start, end) of ``text`` ending after ``after``, with these English floors."""
    shipped = paraphrase.SAME_LANGUAGE_FLOORS
    paraphrase.SAME_LANGUAGE_FLOORS = floors
    try:
        return tuple((a.quote_id, a.start, a.end) for a in align(text, language=language) if a.end > after)
    finally:
        paraphrase.SAME_LANGUAGE_FLOORS = shipped


def found_false(found: Aligned, gold: Gold) -> tuple[int, int]:
    hit: set[int] = set()
    false = 0
    for qid, s, e in found:
        ok = [k for k, (g, (gs, ge)) in enumerate(gold) if qid in g.split("|") and s < ge and gs < e]
        hit.update(ok)
        false += not ok
    return len(hit), false


def dev_articles() -> list[tuple[str, str, Gold]]:
    out = []
    for name in DEV_SETS:
        data = json.loads((ROOT / "benchmarks" / "data" / name / "articles.json").read_text(encoding="utf-8"))
        for art in data["articles"]:
            text = art["text"]
            gold = [(qid, (text.index(a), text.index(a) + len(a))) for qid, a in art["gold"]]
            out.append((text, art["language"], gold))
    return out


def sweep(articles: list[tuple[str, str, Gold]], after: int = 0) -> None:
    """Print the found / false table of ``articles`` (text, language, gold) over the grid."""
    shipped = paraphrase.SAME_LANGUAGE_FLOORS
    base = [aligned(t, lang, shipped, after) for t, lang, _ in articles]
    diff = [
        i for i, (t, lang, _) in enumerate(articles) if aligned(t, lang, (MARGINS[0], COSINES[0]), after) != base[i]
    ]
    totals = [found_false(base[i], g) for i, (_, _, g) in enumerate(articles)]
    found, false = sum(f for f, _ in totals), sum(x for _, x in totals)
    print(
        f"{len(articles)} articles, {len(diff)} differ at the lowest cell; "
        f"shipped {shipped}: {found} found, {false} false"
    )
    print("| margin >= | " + " | ".join(f"cosine {c:.2f}" for c in COSINES) + " |")
    print("|---" * (len(COSINES) + 1) + "|")
    for m in MARGINS:
        cells = []
        for c in COSINES:
            now = [found_false(aligned(articles[i][0], articles[i][1], (m, c), after), articles[i][2]) for i in diff]
            df = sum(f for f, _ in now) - sum(totals[i][0] for i in diff)
            dx = sum(x for _, x in now) - sum(totals[i][1] for i in diff)
            cells.append(f"{found + df}/{false + dx}")
        print(f"| {m:.2f} | " + " | ".join(cells) + " |", flush=True)


def unrelated(shared: Path) -> list[tuple[str, str, Gold]]:
    """The web sentences in each frame after the L11 lead (no gold: every alignment after the lead is false)."""
    lines = (shared / "lid_testdata" / "sentences" / "en.txt").read_text(encoding="utf-8").splitlines()
    sentences = [s.strip() for s in lines if s.strip()]
    lower = [s[0].lower() + s[1:] if len(s) > 1 and s[1].islower() else s for s in sentences]
    return [(LEAD + frame.format(s), "en", []) for frame in FRAMES for s in lower]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args(argv)
    cpu = time.process_time()
    print("## dev sets (found / false)")
    sweep(dev_articles())
    texts = unrelated(args.shared)
    quotes = canonical_quotes()
    embedded = sum(1 for t, _, _ in texts if paraphrase._spans(t, quotes, [], "en", "en"))
    print(f"\n## unrelated English sentences in a frame ({embedded} with a frame clause reaching the model; 0 / false)")
    sweep(texts, after=len(LEAD))
    print(f"\nCPU {time.process_time() - cpu:.0f} s, load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
