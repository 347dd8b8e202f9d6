"""Quote alignment: where a text carries the quotes of a quote set (verbatim, edited, spun,
translated, paraphrased), with a score and character offsets.

Public: :func:`align` (also ``corpusnorm.align_quotes``), :func:`resolve_quotes`, the stage
:class:`AlignStage` with :class:`AlignConfig`. Inside the package: ``tokens`` (normalised,
weighted words), ``index`` (the word-bigram index of a quote set), ``monolingual`` (the matcher in
the quote set's language), ``polarity`` (negations), ``passages`` (what is compared across
languages), ``crosslingual`` (the embedding matcher), ``core`` (:func:`align`), ``stage``.
"""

from __future__ import annotations

import warnings
from typing import Any

from .._deprecation import callable_module
from .core import align, resolve_quotes
from .crosslingual import PASSAGE_CACHE_ENV
from .passages import PASSAGE_MODES
from .stage import AlignConfig, AlignStage

__all__ = ["PASSAGE_CACHE_ENV", "PASSAGE_MODES", "AlignConfig", "AlignStage", "align", "resolve_quotes"]

callable_module(__name__, align, old="corpusnorm.align(text)", new="corpusnorm.align_quotes(text)")

_MOVED = {"alignment_rows": "corpusnorm.outputs", "ALIGNMENT_COLUMNS": "corpusnorm.outputs"}


def __getattr__(name: str) -> Any:
    """0.1 names that moved out of the stage (one release, with a DeprecationWarning)."""
    if name in _MOVED:
        import importlib

        warnings.warn(f"corpusnorm.align.{name} moved to {_MOVED[name]}.{name}", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
