"""Language identification: of a text, of its sentences and embedded passages, and of a Document.

Public functions: :func:`detect_language`, :func:`detect_segments`, :func:`language_shares`; the
stage: :class:`DetectStage` with :class:`DetectConfig`. Inside the package: ``identify`` (the
decisions), ``combine`` (the calibrated combination of evidence), ``scripts`` (writing systems),
``segment`` (cutting a text into pieces); the models are in :mod:`corpusnorm.backends.lid`.
"""

from __future__ import annotations

from .identify import (
    BACKENDS,
    DEFAULT_LANGUAGES,
    UND,
    UND_FLOOR,
    LanguageGuess,
    detect_language,
    detect_segments,
    language_shares,
)
from .stage import DetectConfig, DetectStage

__all__ = [
    "BACKENDS",
    "DEFAULT_LANGUAGES",
    "UND",
    "UND_FLOOR",
    "DetectConfig",
    "DetectStage",
    "LanguageGuess",
    "detect_language",
    "detect_segments",
    "language_shares",
]
