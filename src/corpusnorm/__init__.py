"""corpusnorm: multilingual text normalisation of news corpora.

Stages (``clean`` → ``detect`` → ``repair`` → ``align``) turn raw articles into clean,
comparable text, and every change is an :class:`Edit` that can be undone::

    import corpusnorm
    doc = corpusnorm.normalize(open("article.txt", "rb").read())
    doc.text, doc.edits, corpusnorm.undo(doc) == doc.original
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("corpusnorm")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from .align import AlignConfig, AlignStage, align, alignment_rows
from .api import normalize, normalize_corpus
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
from .embed import Embedder, get_embedder
from .io import DecodeError, decode_bytes
from .pipeline import Pipeline, Stage, get_stage, register_stage, registered_stages
from .quotes import Quote, QuoteSetError, canonical_quotes, load_quotes
from .repair import (
    RepairConfig,
    Repaired,
    RepairStage,
    SpinReport,
    Substitution,
    learn_substitutions,
    repair,
    spin_score,
)
from .report import render_document_html, write_report
from .translate import Translator, get_translator

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
    "__version__",
    "align",
    "alignment_rows",
    "apply_edits",
    "canonical_quotes",
    "clean_text",
    "decode_bytes",
    "detect_language",
    "detect_segments",
    "fix_encoding",
    "get_embedder",
    "get_stage",
    "get_translator",
    "language_shares",
    "learn_substitutions",
    "load_quotes",
    "normalize",
    "normalize_corpus",
    "normalize_unicode",
    "normalize_whitespace",
    "register_stage",
    "registered_stages",
    "remove_boilerplate",
    "render_document_html",
    "repair",
    "spin_score",
    "undo",
    "write_report",
]
