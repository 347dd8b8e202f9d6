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
from .document import Alignment, Document, Edit, EditError, Segment, apply_edits, undo
from .io import DecodeError, decode_bytes
from .pipeline import Pipeline, Stage, get_stage, register_stage, registered_stages

__all__ = [
    "Alignment",
    "CleanConfig",
    "CleanStage",
    "DecodeError",
    "Document",
    "Edit",
    "EditError",
    "Pipeline",
    "Segment",
    "Stage",
    "__version__",
    "apply_edits",
    "clean_text",
    "decode_bytes",
    "fix_encoding",
    "get_stage",
    "normalize",
    "normalize_corpus",
    "normalize_unicode",
    "normalize_whitespace",
    "register_stage",
    "registered_stages",
    "remove_boilerplate",
    "undo",
]
