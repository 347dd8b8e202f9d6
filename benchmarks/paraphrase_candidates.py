"""Every paraphrase candidate of the development sets, with features and a gold label; a leave-one-set-out fit.

    python benchmarks/paraphrase_candidates.py collect --out candidates.json   # ~3 min of CPU
    python benchmarks/paraphrase_candidates.py loso candidates.json            # the leave-one-dev-set-out table

``collect`` runs the default ``align()`` (``passages="reported"``, second opinion on) on every article of every
development set under benchmarks/data/dev_* (never ``unseen``) with a ``trace`` list
(:class:`corpusnorm.align.paraphrase.ScoredClause`): every frame clause the paraphrase matcher scored, accepted or
not. For each clause it records the features of :data:`FEATURES` (:func:`features`; all computable without the
gold, from the clause, its scores and the article's other alignments), the second model's best quote over the whole
set (:func:`corpusnorm.align.second.second_best` with no floors: its cost is paid here for every clause), the gold
label (the clause overlaps a gold occurrence of its best whole quote; the gold format is benchmarks/align.py's) and
the current rule's decision (the quote it was aligned to, or none). The article's other alignments are kept so that
``loso`` can count found / false per set as benchmarks/align.py ``--dev-set`` does.

``loso``: for each development set, a logistic regression (:func:`fit`, numpy IRLS, a small ridge; deterministic)
is fitted on the clauses of the other sets, its threshold chosen on them (the lowest keeping pooled training
precision >= :data:`TARGET_PRECISION`), and the left-out set's found / false counted with the model's decision in
place of the hand floors, beside the current rule on the same clauses (docs/align.md, "Calibrated paraphrase
acceptance"). ``fit`` writes the model fitted on every set (the data file of :mod:`corpusnorm.align.calibrated`).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from corpusnorm.align import align, calibrated, paraphrase
from corpusnorm.align.crosslingual import _family, _negation_unchecked, _passage_negated
from corpusnorm.align.numbers import date_marks
from corpusnorm.align.passages import _passage_language, _word_count
from corpusnorm.align.second import second_best
from corpusnorm.quotes import Quote, canonical_quotes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
GOLD = ROOT / "tests" / "reference" / "gold" / "alignment.json"
CHECK_SETS = frozenset({"seeds"})  # scored as a left-out set, never fitted on
TARGET_PRECISION = 0.95
RIDGE = 1.0  # L2 penalty on the standardised coefficients (not on the intercept)
# Every feature the harness computes: the shipped model's (:data:`corpusnorm.align.calibrated.FEATURES`, computed by
# :func:`corpusnorm.align.calibrated.values`) and others tried (docs/align.md, "Calibrated paraphrase acceptance")
EXTRA_FEATURES = (
    "margin",
    "cosine",
    "second_cosine",
    "target_margin_over",
    "target_cosine_over",
    "target_agrees",
    "cjk",
    "cyrillic",
    "log_words",
    "log_quote_words",
    "frame_before",
    "frame_verb",
    "frame_intent",
)
FEATURES = (*calibrated.FEATURES, *EXTRA_FEATURES)


def dev_sets() -> list[Path]:
    """The development sets (benchmarks/data/dev_*), sorted; never the held-out ``unseen``."""
    return sorted(p for p in DATA.glob("dev_*") if (p / "articles.json").is_file())


def _anchor_span(text: str, anchor: str) -> tuple[int, int]:
    start = text.index(anchor)
    return start, start + len(anchor)


def _frame(text: str, start: int, end: int, language: str | None) -> str:
    """Which frame gave the clause: a head-final verb after it, a colon, a reporting verb or an attribution before
    it, an intent word, or none of those (a possessive, a subject, an inserted verb, a reportive mood)."""
    lang = _passage_language(text[start:end]) or language
    frames = paraphrase._frames_of(lang) or paraphrase.ANY_FRAMES
    sentence = max((s for s, _ in paraphrase._sentences(text) if s <= start), default=0)
    prefix = text[sentence:start]
    if frames.before.match(text, end) or frames.trailing.match(text, end):
        return "before"
    if prefix.rstrip().endswith((":", "：")):
        return "colon"
    if frames.reported.search(prefix) or frames.attribution.search(prefix):
        return "verb"
    if frames.intent.search(text, sentence, end):
        return "intent"
    return "other"


def _passes(record: dict[str, Any], clause: bool) -> bool:
    prefix, key = ("target_", "target_floors") if clause else ("", "floors")
    floor_m, floor_c = record[key]
    return record[prefix + "margin"] >= floor_m and record[prefix + "cosine"] >= floor_c


def chosen(record: dict[str, Any]) -> tuple[int, bool]:
    """The quote a clause would be aligned to, and its gold label: its best whole quote, or its best clause target's
    quote when only that target reaches its (hand) floors, as the matcher chooses (:func:`.paraphrase._best`)."""
    if not _passes(record, False) and record["target_quote"] >= 0 and _passes(record, True):
        return record["target_quote"], record["target_label"]
    return record["quote"], record["label"]


def clause(record: dict[str, Any]) -> calibrated.Clause:
    """The :class:`corpusnorm.align.calibrated.Clause` of a collected clause."""
    return calibrated.Clause(
        record["margin"],
        record["cosine"],
        record["runner_up"],
        tuple(record["floors"]),
        record["same"],
        record["family"] == "devanagari",
        record["dates"],
        record["evidence"],
    )


def features(record: dict[str, Any]) -> list[float]:
    """The values of :data:`FEATURES` for one collected clause (a dict of :func:`collect`)."""
    quote = chosen(record)[0]
    second = tuple(record["second"]) if record["second"][0] >= 0 else None
    family, frame = record["family"], record["frame"]
    extra = [
        record["margin"],
        record["cosine"],
        record["second"][2],
        record["target_margin"] - record["target_floors"][0],
        record["target_cosine"] - record["target_floors"][1],
        float(record["target_quote"] == quote),
        float(family == "cjk"),
        float(family == "cyrillic"),
        math.log(record["words"]),
        math.log(max(1, record["quote_words"])),
        float(frame == "before"),
        float(frame == "verb"),
        float(frame == "intent"),
    ]
    return [*calibrated.values(clause(record), quote, second), *extra]  # type: ignore[arg-type]


def _overlaps_gold(gold: list[tuple[str, int, int]], quote_id: str, start: int, end: int) -> bool:
    return any(quote_id in q.split("|") and s < end and start < e for q, s, e in gold)


def _article(art: dict[str, Any], quotes: list[Quote], name: str) -> dict[str, Any]:
    text, language = art["text"], art["language"]
    trace: list[paraphrase.ScoredClause] = []
    aligned = align(text, language=language, trace=trace, calibrated=False)  # the hand floors decide
    spans = {(c.start, c.end) for c in trace if c.aligned >= 0}
    others = [(a.quote_id, a.start, a.end) for a in aligned if (a.start, a.end) not in spans]
    gold = art.get("spans") or [(qid, *_anchor_span(text, anchor)) for qid, anchor in art["gold"]]
    opinions = second_best([c.shown for c in trace], tuple(q.text for q in quotes), "en", (-math.inf, -math.inf))
    records = []
    for c, op in zip(trace, opinions, strict=True):
        passage = text[c.start : c.end]
        quote = quotes[c.quote]
        family = "devanagari" if paraphrase._DEVANAGARI_RE.search(passage) else _family(passage)
        negated = _passage_negated(passage, language) and not _negation_unchecked(quote.text, "en")
        label = _overlaps_gold(gold, quote.id, c.start, c.end)
        target_id = quotes[c.target_quote].id if c.target_quote >= 0 else ""
        row = {k: getattr(c, k) for k in ("start", "end", "shown", "same", "quote", "margin", "cosine", "runner_up")}
        row |= {k: getattr(c, k) for k in ("target_quote", "target_margin", "target_cosine", "asked", "aligned")}
        row |= {
            "set": name,
            "article": art["id"],
            "second": list(op) if op is not None else [-1, 0.0, 0.0],
            "family": family,
            "words": max(1, _word_count(c.shown)),
            "quote_words": _word_count(quote.text),
            "evidence": c.evidence,
            "frame": _frame(text, c.start, c.end, language),
            "dates": bool(date_marks(passage, _passage_language(passage) or language)),
            "negated": negated,
            "floors": list(paraphrase._floors(passage, c.same, clause=False)),
            "target_floors": list(paraphrase._floors(passage, c.same, clause=True)),
            "label": label,
            "target_label": _overlaps_gold(gold, target_id, c.start, c.end),
        }
        records.append(row)
    return {"set": name, "id": art["id"], "gold": gold, "others": others, "candidates": records}


def seed_articles() -> list[dict[str, Any]]:
    """The five seeds with their hand-annotated gold (tests/reference/gold/alignment.json; optional entries count as
    gold here: an alignment on one is not false), in :func:`_article`'s format; language None, as benchmarks/align.py
    aligns them."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["seeds"]
    out = []
    for name, seed in sorted(gold.items()):
        text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        entries = [(e["quote_id"], e["start"], e["end"]) for e in seed["quotes"]]
        out.append({"id": Path(name).stem, "language": None, "text": text, "spans": entries})
    return out


def collect() -> dict[str, Any]:
    """Run the default pipeline on every development article and the seeds and record every scored paraphrase
    clause (the seeds are a check, never fitted on: :data:`CHECK_SETS`)."""
    quotes = list(canonical_quotes())
    articles = []
    for folder in dev_sets():
        for art in json.loads((folder / "articles.json").read_text(encoding="utf-8"))["articles"]:
            articles.append(_article(art, quotes, folder.name))
    articles += [_article(art, quotes, "seeds") for art in seed_articles()]
    return {"quotes": [q.id for q in quotes], "features": list(FEATURES), "articles": articles}


def fit(x: np.ndarray, y: np.ndarray, ridge: float = RIDGE, iterations: int = 50) -> np.ndarray:
    """Logistic regression by iteratively reweighted least squares, an L2 ``ridge`` on every coefficient but the
    intercept (column 0 of ``x`` is ones); deterministic."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], ridge)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -40, 40)))
        s = np.maximum(p * (1 - p), 1e-9)
        hessian = x.T @ (x * s[:, None]) + np.diag(penalty)
        step = np.linalg.solve(hessian, x.T @ (y - p) - penalty * w)
        w = w + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return w


class Model:
    """A fitted model: the features it uses, their standardisation, coefficients, threshold."""

    def __init__(self, names: list[str], rows: list[dict[str, Any]], target: float = TARGET_PRECISION) -> None:
        self.names = names
        cols = [FEATURES.index(n) for n in names]
        raw = np.array([features(r) for r in rows])[:, cols]
        self.mean, self.scale = raw.mean(axis=0), raw.std(axis=0) + 1e-9
        y = np.array([float(chosen(r)[1]) for r in rows])
        self.coef = fit(self._design(raw), y)
        p = self._probability(raw)
        usable = np.array([not r["negated"] for r in rows])
        self.threshold = _threshold(p[usable], y[usable], target)

    def _design(self, raw: np.ndarray) -> np.ndarray:
        return np.hstack([np.ones((len(raw), 1)), (raw - self.mean) / self.scale])

    def _probability(self, raw: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self._design(raw) @ self.coef, -40, 40)))

    def probability(self, rows: list[dict[str, Any]]) -> np.ndarray:
        cols = [FEATURES.index(n) for n in self.names]
        return self._probability(np.array([features(r) for r in rows])[:, cols])


def _threshold(p: np.ndarray, y: np.ndarray, target: float) -> float:
    """The lowest threshold on ``p`` whose accepted rows keep precision >= ``target`` (and every higher one)."""
    order = np.argsort(-p, kind="stable")
    hits = np.cumsum(y[order])
    precision = hits / np.arange(1, len(order) + 1)
    ok = precision >= target
    if not ok[0]:
        return 1.0
    last = int(np.argmin(ok)) - 1 if not ok.all() else len(order) - 1
    return float(p[order][last])


def _count(articles: list[dict[str, Any]], decide: Any) -> tuple[int, int, int]:
    """(found, gold, false) over ``articles`` with ``decide(record) -> quote index or -1`` for each clause."""
    found = gold = false = 0
    for art in articles:
        aligned = list(art["others"])
        for r in art["candidates"]:
            qi = decide(r)
            if qi >= 0:
                aligned.append((QUOTE_IDS[qi], r["start"], r["end"]))
        hit = set()
        for qid, s, e in aligned:
            ok = {k for k, (q, gs, ge) in enumerate(art["gold"]) if qid in q.split("|") and s < ge and gs < e}
            hit |= ok
            false += not ok
        found += len(hit)
        gold += len(art["gold"])
    return found, gold, false


QUOTE_IDS: list[str] = []


def loso(data: dict[str, Any], names: list[str], target: float = TARGET_PRECISION) -> list[tuple[str, ...]]:
    """The leave-one-dev-set-out table: per set, the current rule's and the model's found/gold and false."""
    QUOTE_IDS[:] = data["quotes"]
    sets = sorted({a["set"] for a in data["articles"]})
    table = []
    totals = Counter()
    for name in sets:
        train = [r for a in data["articles"] if a["set"] not in {name, *CHECK_SETS} for r in a["candidates"]]
        test = [a for a in data["articles"] if a["set"] == name]
        model = Model(names, train, target)
        rows = [r for a in test for r in a["candidates"]]
        p = dict(zip(map(id, rows), model.probability(rows), strict=True)) if rows else {}
        now = _count(test, lambda r: r["aligned"])
        new = _count(test, lambda r, m=model, p=p: chosen(r)[0] if p[id(r)] >= m.threshold and not r["negated"] else -1)
        if name not in CHECK_SETS:  # the dev sets' total; a check set is its own row
            totals.update({"f0": now[0], "g": now[1], "x0": now[2], "f1": new[0], "x1": new[2]})
        table.append(
            (name, f"{now[0]}/{now[1]}", str(now[2]), f"{new[0]}/{new[1]}", str(new[2]), f"{model.threshold:.3f}")
        )
    table.append(
        (
            "total (dev sets)",
            f"{totals['f0']}/{totals['g']}",
            str(totals["x0"]),
            f"{totals['f1']}/{totals['g']}",
            str(totals["x1"]),
            "",
        )
    )
    return table


def fitted(data: dict[str, Any], target: float = TARGET_PRECISION) -> dict[str, Any]:
    """The shipped model's data file (src/corpusnorm/data/paraphrase_calibration.json): fitted on every clause."""
    rows = [r for a in data["articles"] if a["set"] not in CHECK_SETS for r in a["candidates"]]
    names = list(calibrated.FEATURES)
    model = Model(names, rows, target)
    second = [r["second"][1] for r in rows]
    return {
        "made_by": "python benchmarks/paraphrase_candidates.py fit candidates.json (candidates from `collect`)",
        "sets": sorted({a["set"] for a in data["articles"]} - CHECK_SETS),
        "clauses": len(rows),
        "summaries": int(sum(chosen(r)[1] for r in rows)),
        "target_precision": target,
        "ridge": RIDGE,
        "features": names,
        "mean": [round(float(v), 8) for v in model.mean],
        "scale": [round(float(v), 8) for v in model.scale],
        "coef": [round(float(v), 8) for v in model.coef],
        "threshold": round(model.threshold, 6),
        "second_range": [round(min(second), 6), round(max(second), 6)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect", help="run the pipeline on the dev sets, write every scored clause")
    c.add_argument("--out", type=Path, required=True)
    lo = sub.add_parser("loso", help="leave-one-dev-set-out table")
    lo.add_argument("candidates", type=Path)
    lo.add_argument("--features", default=",".join(calibrated.FEATURES))
    lo.add_argument("--target", type=float, default=TARGET_PRECISION)
    f = sub.add_parser("fit", help="fit on every dev set, write the data file of corpusnorm.align.calibrated")
    f.add_argument("candidates", type=Path)
    f.add_argument("--target", type=float, default=TARGET_PRECISION)
    f.add_argument("--out", type=Path, default=ROOT / "src" / "corpusnorm" / "data" / calibrated.CALIBRATION_FILE)
    args = parser.parse_args(argv)
    if args.command == "collect":
        args.out.write_text(json.dumps(collect(), ensure_ascii=False), encoding="utf-8")
        return 0
    data = json.loads(args.candidates.read_text(encoding="utf-8"))
    if args.command == "fit":
        args.out.write_text(json.dumps(fitted(data, args.target), indent=1) + "\n", encoding="utf-8")
        return 0
    table = loso(data, args.features.split(","), args.target)
    print("| dev set | current found | current false | model found | model false | threshold |")
    print("|---|---|---|---|---|---|")
    for row in table:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
