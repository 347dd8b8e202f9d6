"""corpusnorm: multilingual text normalisation of news corpora.

Stages (``clean`` → ``detect`` → ``repair`` → ``align``) turn raw articles into clean,
comparable text, and every change is an :class:`Edit` that can be undone::

    import corpusnorm
    doc = corpusnorm.normalize("He  shared a put up on X.")
    doc.text, doc.edits, corpusnorm.undo(doc) == doc.original

Each stage is a package (``corpusnorm.clean``, ``corpusnorm.detect``, ``corpusnorm.repair``,
``corpusnorm.align``); their plain functions are also here: :func:`clean_text`,
:func:`detect_language`, :func:`repair_text`, :func:`align_quotes`.
"""

from __future__ import annotations

from . import report  # noqa: F401  (registers the notebook view of a Document)
from .align import AlignConfig, AlignStage
from .align import align as align_quotes
from .api import WorkerPoolError, normalize, normalize_corpus, normalize_record
from .backends.embed import Embedder, get_embedder
from .backends.translate import Translator, get_translator
from .clean import (
    CleanConfig,
    CleanStage,
    clean_text,
    fix_encoding,
    normalize_unicode,
    normalize_whitespace,
    remove_boilerplate,
)
from .detect import DetectConfig, DetectStage, LanguageGuess, detect_language, detect_segments, language_shares
from .document import Alignment, Document, Edit, EditError, Segment, apply_edits, undo
from .frames import alignments_frame, documents_frame, to_pandas
from .io import DecodeError, decode_bytes
from .outputs import alignment_rows
from .pipeline import Pipeline, PipelineError, Stage, get_stage, register_stage, registered_stages
from .quotes import Quote, QuoteSetError, canonical_quotes, load_quotes
from .repair import (
    RepairConfig,
    Repaired,
    RepairStage,
    SpinReport,
    Substitution,
    learn_substitutions,
    spin_score,
)
from .repair import repair as repair_text
from .report import render_document_html, write_report
from .versions import __version__

__all__ = [
    "AlignConfig",
    "AlignStage",
    "Alignment",
    "CleanConfig",
    "CleanStage",
    "DecodeError",
    "DetectConfig",
    "DetectStage",
    "Document",
    "Edit",
    "EditError",
    "Embedder",
    "LanguageGuess",
    "Pipeline",
    "PipelineError",
    "Quote",
    "QuoteSetError",
    "RepairConfig",
    "RepairStage",
    "Repaired",
    "Segment",
    "SpinReport",
    "Stage",
    "Substitution",
    "Translator",
    "WorkerPoolError",
    "__version__",
    "align",
    "align_quotes",
    "alignment_rows",
    "alignments_frame",
    "apply_edits",
    "canonical_quotes",
    "clean_text",
    "decode_bytes",
    "detect_language",
    "detect_segments",
    "documents_frame",
    "fix_encoding",
    "get_embedder",
    "get_stage",
    "get_translator",
    "language_shares",
    "learn_substitutions",
    "load_quotes",
    "normalize",
    "normalize_corpus",
    "normalize_record",
    "normalize_unicode",
    "normalize_whitespace",
    "register_stage",
    "registered_stages",
    "remove_boilerplate",
    "render_document_html",
    "repair",
    "repair_text",
    "spin_score",
    "to_pandas",
    "undo",
    "write_report",
]
