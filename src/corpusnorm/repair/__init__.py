"""Spun-English repair: detect synonym-spun text and restore the original wording.

Article spinners replace words by thesaurus synonyms ("post" -> "put up", "head" -> "pinnacle").
Repair works in three steps, all explained in the edits it returns:

1. **Candidates.** At every word, the substitution lexicon (``data/spin_lexicon.tsv`` plus any
   user lexicons; longest match, context conditions; :mod:`.lexicon`, :mod:`.matches`) proposes
   original phrases; where it has none, the reverse thesaurus (Moby, inflected with lemminflect,
   confirmed by a shared WordNet synset) proposes much more frequent words whose synonym lists
   contain the word; the word pairs that the lexicon's phrases teach (:mod:`.pairs`) propose more
   (:mod:`.guesses`).
2. **Ranking in context.** Each candidate is scored by how much more fluent it makes its
   neighbourhood under an offline bigram model (:mod:`corpusnorm.backends.ngram`), plus a prior:
   positive for lexicon entries (from how often the pair was attested), negative for thesaurus
   guesses, least so for "sure" guesses linked through one of the candidate's two most frequent
   WordNet senses. ``confidence = sigmoid(score)``. A confident model repair is copied to the
   word's other occurrences where it reads no worse (document agreement; :mod:`.analyser`).
3. **Gating.** The spin score of the text (:mod:`.spin`) must say "spun" before anything changes;
   then lexicon edits and sure guesses at or above ``min_confidence`` apply and the rest become
   suggestions. Clean text comes out byte-identical.

Plain functions: :func:`repair` (also ``corpusnorm.repair_text``), :func:`spin_score`,
:func:`learn_substitutions`, :func:`substitutions_tsv`, :func:`format_explanation`; the stage:
:class:`RepairStage` with :class:`RepairConfig`.
"""

from __future__ import annotations

from .._deprecation import callable_module
from .config import DEFAULT_MIN_CONFIDENCE, SPIN_THRESHOLD, SUGGESTION_FLOOR, RepairConfig
from .learn import Substitution, learn_substitutions, substitutions_tsv
from .run import Repaired, format_explanation, repair, spin_score
from .spin import SpinReport
from .stage import RepairStage

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "SPIN_THRESHOLD",
    "SUGGESTION_FLOOR",
    "RepairConfig",
    "RepairStage",
    "Repaired",
    "SpinReport",
    "Substitution",
    "format_explanation",
    "learn_substitutions",
    "repair",
    "spin_score",
    "substitutions_tsv",
]

callable_module(__name__, repair, old="corpusnorm.repair(text)", new="corpusnorm.repair_text(text)")
