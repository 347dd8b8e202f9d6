"""The calibrated combination of language-identification evidence.

For each candidate language ``l`` a text gets a small feature vector:

* ``ft``: log of fastText lid.176's probability of ``l``;
* ``lh``: log of lingua's (high accuracy, candidates only) confidence in ``l``;
* ``wf``: mean log10 frequency of the text's words in ``l``'s wordfreq list;
* ``sc``: share of the text's letters (of the candidates' scripts) written in ``l``'s script.

The score of ``l`` is a weighted sum of its features, and the probabilities are the softmax of the
scores (a conditional-logit model: the same weights for every language, so it applies to any
candidate set). Weights were learnt per length bucket (1 word, 2 words, 3+ words) on the even
lines of lid_testdata by ``benchmarks/langid.py --train``; they live in ``data/lid_weights.json``.

Cascade: the cheap model (fastText + wordfreq + script) answers when it is at least
``escalate_below`` sure; otherwise lingua is consulted and the full model answers. Lingua costs
about 3x fastText, so it runs on a few percent of the texts only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from ..backends import lid as backends
from ..backends.data import read_data
from .scripts import script_counts, script_of, scripts_of, scripts_present, words

__all__ = ["FEATURES", "Evidence", "Plan", "bucket", "evidence", "plan", "predict", "weights"]

FEATURES: tuple[str, ...] = ("ft", "lh", "wf", "sc")
WEIGHTS_FILE = "lid_weights.json"


@cache
def weights() -> dict[str, Any]:
    """The learnt weights (data/lid_weights.json)."""
    data: dict[str, Any] = json.loads(read_data(WEIGHTS_FILE))
    return data


def feature_key(features: Sequence[str]) -> str:
    return "+".join(f for f in FEATURES if f in features)


@dataclass(frozen=True)
class Plan:
    """What is computed for a candidate tuple (cached per tuple)."""

    languages: tuple[str, ...]
    scripts: tuple[str, ...]
    cheap: tuple[str, ...]
    full: tuple[str, ...]
    escalate_below: float
    users: dict[str, tuple[str, ...]] = field(hash=False)  # script -> candidates writing it
    cheap_weights: dict[str, tuple[float, ...]] = field(hash=False)
    full_weights: dict[str, tuple[float, ...]] = field(hash=False)


@lru_cache(maxsize=64)
def plan(languages: tuple[str, ...]) -> Plan:
    has_ft = all(lang in backends.FASTTEXT_LABELS for lang in languages)
    has_lh = all(lang in backends.lingua_languages() for lang in languages)
    has_wf = all(lang in backends.wordfreq_languages() for lang in languages)
    if not has_ft and not has_lh:  # a mix only covered by the two together: use both, floors for the gaps
        has_ft = has_lh = True
    chosen = {"ft": has_ft, "lh": has_lh, "wf": has_wf, "sc": True}
    full = tuple(f for f in FEATURES if chosen[f])
    cheap = tuple(f for f in full if f != "lh") if has_ft else full
    w = weights()
    return Plan(
        languages,
        scripts_of(languages),
        cheap,
        full,
        float(w["escalate_below"]),
        {s: tuple(lang for lang in languages if s in script_of(lang)) for s in scripts_of(languages)},
        {b: tuple(v) for b, v in w["weights"][feature_key(cheap)].items()},
        {b: tuple(v) for b, v in w["weights"][feature_key(full)].items()},
    )


@dataclass
class Evidence:
    """Features of one text for each candidate (``values[feature][language]``)."""

    words: list[str]
    present: list[str]
    values: dict[str, dict[str, float]]


def script_shares(text: str, languages: Sequence[str], scripts: Sequence[str], present: list[str]) -> dict[str, float]:
    if len(present) <= 1:
        return {lang: 1.0 if present and present[0] in script_of(lang) else 0.0 for lang in languages}
    counts = script_counts(text, present)
    total = sum(counts.values()) or 1
    return {lang: sum(counts.get(s, 0) for s in script_of(lang)) / total for lang in languages}


def evidence(text: str, p: Plan, features: Sequence[str], present: list[str] | None = None) -> Evidence:
    if present is None:
        present = scripts_present(text, p.scripts)
    ev = Evidence(words(text), present, {})
    add_features(text, ev, p, features)
    return ev


def add_features(text: str, ev: Evidence, p: Plan, features: Sequence[str]) -> None:
    langs = p.languages
    log = math.log
    for f in features:
        if f in ev.values:
            continue
        if f == "ft":
            ev.values[f] = {k: log(v) for k, v in backends.fasttext_probabilities(text, langs).items()}
        elif f == "lh":
            if all(lang in backends.lingua_languages() for lang in langs):
                lh = backends.lingua_probabilities(text, langs)
            else:
                lh = _partial_lingua(text, langs)
            ev.values[f] = {k: log(v) for k, v in lh.items()}
        elif f == "wf":
            # a language none of whose scripts is present gets the floor without lookups
            writing = {lang for s in ev.present for lang in p.users.get(s, ())}
            wf = backends.wordfreq_log_frequencies(ev.words, [lang for lang in langs if lang in writing])
            ev.values[f] = {lang: wf.get(lang, backends.WORDFREQ_LOG_FLOOR) for lang in langs}
        elif f == "sc":
            ev.values[f] = script_shares(text, langs, p.scripts, ev.present)


def _partial_lingua(text: str, languages: tuple[str, ...]) -> dict[str, float]:
    known = tuple(lang for lang in languages if lang in backends.lingua_languages())
    found = backends.lingua_probabilities(text, known) if known else {}
    return {lang: found.get(lang, backends.LINGUA_FLOOR) for lang in languages}


def bucket(n_words: int) -> str:
    return "1" if n_words <= 1 else "2" if n_words == 2 else "3"


def _softmax(ev: Evidence, languages: Sequence[str], features: Sequence[str], w: tuple[float, ...]) -> dict[str, float]:
    values = [ev.values[f] for f in features]
    scores = {lang: sum(wi * v[lang] for wi, v in zip(w, values, strict=False)) for lang in languages}
    top = max(scores.values())
    exp = {lang: math.exp(s - top) for lang, s in scores.items()}
    z = sum(exp.values())
    return {lang: v / z for lang, v in exp.items()}


def predict(text: str, p: Plan, present: list[str] | None = None) -> tuple[dict[str, float], Evidence]:
    """Probabilities of the candidates for ``text`` (letters must be present)."""
    ev = evidence(text, p, p.cheap, present)
    b = bucket(len(ev.words))
    probs = _softmax(ev, p.languages, p.cheap, p.cheap_weights[b])
    if p.full != p.cheap and max(probs.values()) < p.escalate_below:
        add_features(text, ev, p, p.full)
        probs = _softmax(ev, p.languages, p.full, p.full_weights[b])
    return probs, ev
