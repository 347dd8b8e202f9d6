"""Document-level evidence: frameless summaries in an article that already carries the quote set.

A news article about a letter summarises it in frameless sentences of its lead and body whose subject is the
letter's author ("Due anni fa era arrivato a Torino …", "Okafor now plans to return to Lagos …"). No
reporting frame marks them, so the paraphrase matcher (:mod:`.paraphrase`) never compares them, and comparing every
sentence (``passages="sentences"``) aligns the journalist's own narration. Here such sentences become candidates
only **once the article already carries the quote set**: at least :data:`EVIDENCE_QUOTES` distinct quotes aligned by
the other matchers with score >= :data:`EVIDENCE_SCORE`. Then the candidates are the lead's first sentence and the
sentences whose grammatical subject is the *author*: a name as the article writes names (capitalised wherever it
occurs, not a word of the quote set, not a very common word) standing in the sentences of those evidence
alignments; found generically, no name is listed anywhere. At most :data:`LEAD_MAX_CANDIDATES` per article, none
overlapping an alignment, a quoted passage or a frame clause the paraphrase matcher compared. Each is compared with
the author's name taken out (English: in the first person), first by the second model (:mod:`.second`, ~1 ms a
text), which must put it over :data:`LEAD_SECOND_FLOORS`, then by e5, whose best quote must be the same one at the
floors of a frame clause (:func:`.paraphrase._floors`); without the second model nothing is added. Kind
``paraphrase``. Headlines (:data:`HEADLINE`) are off: none was confirmed on the dev sets.

**Off by default** (``$CORPUSNORM_LEADS=1`` turns it on, :func:`enabled`): no false alignment on any dev set, web probe
or the held-out articles, 8 more summaries on the dev sets, but none on the held-out articles, for about 5-7 % of
the pipeline's CPU. Figures, and what was tried, in docs/align.md ("Document-level evidence")."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import regex

from ..backends.embed import Embedder
from ..document import Alignment
from ..quotes import Quote
from ..text.patterns import RE_WORD
from . import subjects
from .intervals import overlap_test
from .numbers import numbers_outside
from .paraphrase import _asks_second, _floors, _is_quote_language, _Match, _sentences, _spans, first_person
from .passages import (
    QUOTED_RE,
    _names_outside,
    _passage_language,
    _set_words,
)
from .prepared import quote_texts
from .tokens import _norm

__all__ = ["LEADS_ENV", "author_names", "carries_quote_set", "enabled", "lead_candidates", "lead_summaries"]

LEADS_ENV = "CORPUSNORM_LEADS"  # "1" turns the step on (off by default: docs/align.md, "Document-level evidence")
EVIDENCE_SCORE = 0.85  # an alignment this sure counts as evidence that the article carries the quote set
EVIDENCE_QUOTES = 2  # distinct quotes aligned that sure: the article carries the set
HEADLINE_MAX_WORDS = 20  # a first line this short, followed by a line break, is a headline
LEAD_MIN_WORDS = 4  # shorter candidates carry too little
LEAD_MAX_WORDS = 40
SUBJECT_WORDS = 3  # the author's name among the first words of a sentence (or of its clause after a leading phrase)
LEADING_PHRASE_WORDS = 6  # "Two years ago, Okafor …": a phrase of at most this many words before a comma
LEAD_MAX_CANDIDATES = 3  # per article: the lead, then author sentences in order (bounds the cost)
HEADLINE = False  # headlines as candidates: none confirmed on the dev sets (docs/align.md), one more text each
LEAD_SECOND_FLOORS = (1.9, 0.50)  # the second model's (margin, cosine): the translations' floors (1.7 gained nothing)
_LINE_RE = regex.compile(r"[^\n]*")
_POSSESSIVE_RE = regex.compile(r"['’]s?$")
# a run of spaces before a comma or stop, tried from the run's first space only (linear on a long run of spaces)
_SPACE_BEFORE_PUNCT_RE = regex.compile(r"(?<![^\S\n])[^\S\n]++(?=[,.;:])")
_DOUBLE_COMMA_RE = regex.compile(r",(?=,)")
_SPACES_RE = regex.compile(r"[^\S\n]{2,}")
_NAME_RUN_RE = regex.compile(r"(?:[\p{Lu}][\p{L}\p{M}'’-]*+)(?:[^\S\n]+[\p{Lu}][\p{L}\p{M}'’-]*+)*")


def enabled() -> bool:
    """Whether the step runs: ``$CORPUSNORM_LEADS=1`` (read at each call, inherited by worker processes). Off by
    default: on the held-out articles it found nothing more, for about 5-7 % of the pipeline's CPU."""
    return os.environ.get(LEADS_ENV, "0").strip() == "1"


def carries_quote_set(found: Sequence[Alignment]) -> list[Alignment]:
    """The alignments that show ``found``'s article carries the quote set (:data:`EVIDENCE_SCORE`), or [] when they
    are fewer than :data:`EVIDENCE_QUOTES` distinct quotes."""
    sure = [a for a in found if a.score >= EVIDENCE_SCORE]
    return sure if len({a.quote_id for a in sure}) >= EVIDENCE_QUOTES else []


def author_names(
    text: str, evidence: Sequence[Alignment], set_words: frozenset[str], language: str | None = None
) -> frozenset[str]:
    """The words naming the person the evidence alignments are attributed to (:func:`.subjects.author_names`, shared
    with the speaker resolver): names standing in the evidence alignments' sentences, outside the aligned spans; none
    there (the attribution is a pronoun: "he wrote"), the article's most frequent name."""
    return subjects.author_names(text, [(a.start, a.end) for a in evidence], set_words, language)


def _headline(text: str) -> list[tuple[int, int]]:
    """The first line when it is short and a line break follows it (a headline or a title)."""
    first = _LINE_RE.match(text)
    if first is None or first.end() >= len(text.rstrip()):
        return []
    words = RE_WORD.findall(first.group())
    return [(first.start(), first.end())] if 0 < len(words) <= HEADLINE_MAX_WORDS else []


def _lead(text: str, after: int) -> list[tuple[int, int]]:
    """The first sentence of the first paragraph after ``after`` (the headline's end)."""
    for a, b in _sentences(text):
        if a >= after and RE_WORD.search(text, a, b):
            return [(a, b)]
    return []


def _subject_is(text: str, a: int, b: int, names: frozenset[str]) -> bool:
    """Does the sentence text[a:b] open with one of ``names`` (among its first :data:`SUBJECT_WORDS` words, or those
    after a leading phrase of at most :data:`LEADING_PHRASE_WORDS` words and a comma)?"""
    words = list(RE_WORD.finditer(text, a, b))
    if any(w.group() in names for w in words[:SUBJECT_WORDS]):
        return True
    comma = text.find(",", a, b)
    if comma < 0:
        return False
    before = [w for w in words if w.end() <= comma]
    after = [w.group() for w in words if w.start() > comma][:SUBJECT_WORDS]
    return len(before) <= LEADING_PHRASE_WORDS and any(w in names for w in after)


def _trimmed(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The span of the words of text[a:b] when it has :data:`LEAD_MIN_WORDS` to :data:`LEAD_MAX_WORDS` of them."""
    words = list(RE_WORD.finditer(text, a, b))
    if not LEAD_MIN_WORDS <= len(words) <= LEAD_MAX_WORDS:
        return None
    return words[0].start(), words[-1].end()


def lead_candidates(
    text: str, taken: Sequence[tuple[int, int]], names: frozenset[str], headline: bool = HEADLINE
) -> list[tuple[int, int]]:
    """The lead's first sentence and the sentences whose subject is one of ``names`` (in that order, at most
    :data:`LEAD_MAX_CANDIDATES`; the headline first with ``headline``), none overlapping ``taken`` (alignments made,
    frame clauses compared already) or a quoted passage."""
    head = _headline(text)
    spans = (head if headline else []) + _lead(text, head[0][1] if head else 0)
    if names:
        sentences = [(a, b) for a, b in _sentences(text) if any(n in text[a:b] for n in names)]
        spans += [(a, b) for a, b in sentences if _subject_is(text, a, b, names)]
    blocked = overlap_test([*taken, *(m.span() for m in QUOTED_RE.finditer(text))])
    out: list[tuple[int, int]] = []
    for a, b in spans:
        span = _trimmed(text, a, b)
        if span is not None and span not in out and not blocked(*span):
            out.append(span)
    return out[:LEAD_MAX_CANDIDATES]


def _unnamed(passage: str, names: frozenset[str], set_words: frozenset[str], english: bool) -> str:
    """``passage`` without the author's name runs (in English: "he", then the first person), as it is compared."""

    def swap(m: regex.Match[str]) -> str:
        run = m.group().split()
        if not any(_POSSESSIVE_RE.sub("", w) in names for w in run):
            return m.group()
        kept = [w for w in run if _norm(w) in set_words]  # "Ada Okafor" goes whole, a company the set names stays
        pronoun = "his" if _POSSESSIVE_RE.search(run[-1]) else "he"
        return " ".join(kept) if kept else (pronoun if english else "")

    out = _SPACE_BEFORE_PUNCT_RE.sub("", _NAME_RUN_RE.sub(swap, passage))  # no space left before a comma
    out = _SPACES_RE.sub(" ", _DOUBLE_COMMA_RE.sub("", out)).strip(" ,")
    return first_person(out) if english else out


_Candidate = tuple[tuple[int, int], str, str, bool]  # span, passage, what is compared, in the quote set's language


def _checked(
    text: str,
    spans: list[tuple[int, int]],
    names: frozenset[str],
    quotes: Sequence[Quote],
    lang: tuple[str, str | None],
) -> list[_Candidate]:
    """Of ``spans``, those naming nothing the quote set never names (the author's name aside) and no number it
    never names, with what is compared and whether they are in the quote set's language."""
    language, text_language = lang
    words = _set_words(quotes)
    out = []
    for s, e in spans:
        passage = text[s:e]
        plang = _passage_language(passage) or text_language
        same = _is_quote_language(passage, language, text_language)
        said = _unnamed(passage, names, words, False)
        if said and not _names_outside(said, words, plang) and not numbers_outside(said, quotes, language, plang):
            out.append(((s, e), passage, _unnamed(passage, names, words, same and language == "en"), same))
    return out


def _second_best(
    checked: list[_Candidate], quotes: Sequence[Quote], language: str
) -> list[tuple[int, int, float, float]]:
    """(candidate, quote, margin, cosine) of the candidates whose best quote by the second model reaches
    :data:`LEAD_SECOND_FLOORS`: the cheap model first (~1 ms a text), e5 only for what it keeps."""
    from . import second

    best = second.second_best([c[2] for c in checked], quote_texts(quotes), language, LEAD_SECOND_FLOORS)
    return [(i, *b) for i, b in enumerate(best) if b is not None]


def _e5_agrees(
    checked: list[_Candidate], kept: list[tuple[int, int, float, float]], quotes: Sequence[Quote], model: tuple
) -> list[tuple[int, _Match]]:
    """Of the candidates ``kept`` by the second model, those whose best whole quote by e5 is the same and reaches
    e5's floors of a frame clause (:func:`.paraphrase._floors`), with the second model's figures."""
    from .crosslingual import _best_quotes

    embedder, memo = model
    best = _best_quotes([checked[i][2] for i, *_ in kept], quotes, embedder, memo)
    out = []
    for (i, qi, m2, c2), (e5_qi, m, c) in zip(kept, best, strict=True):
        floor_m, floor_c = _floors(checked[i][1], checked[i][3], clause=False)
        if e5_qi == qi and m >= floor_m and c >= floor_c:
            out.append((i, _Match(qi, m, c, False, False, second=(m2, c2))))
    return out


def lead_summaries(
    text: str,
    quotes: Sequence[Quote],
    found: Sequence[Alignment],
    language: str,
    model: tuple[Embedder, dict[str, np.ndarray] | None],
    text_language: str | None,
    frames: Sequence[tuple[int, int]] = (),
    second_opinion: bool = True,
    on: bool | None = None,
) -> list[Alignment]:
    """Frameless summaries of ``quotes`` in ``text`` (kind ``paraphrase``), when ``found`` (the other matchers'
    alignments) shows that the article carries the quote set; ``frames``: the article's frame clauses
    (:func:`.paraphrase.frame_candidates`: those the paraphrase matcher compared are not compared again); ``model``:
    e5 and the article's memo. None without the second model, or when the step is off (``on``; ``None``: read
    ``$CORPUSNORM_LEADS``, :func:`enabled`)."""
    from .crosslingual import _negation_unchecked, _passage_negated
    from .paraphrase import _alignment

    if not (enabled() if on is None else on):
        return []
    evidence = carries_quote_set(found)
    embedder = model[0]
    if not evidence or not second_opinion or LEAD_MAX_CANDIDATES <= 0:
        return []
    names = author_names(text, evidence, _set_words(quotes), text_language)
    compared = _spans(text, quotes, [], text_language, language, frames) if frames else []  # by the frame matcher
    spans = lead_candidates(text, [*((a.start, a.end) for a in found), *compared], names)
    checked = _checked(text, spans, names, quotes, (language, text_language))
    checked = [c for c in checked if _asks_second(c[1], embedder, text_language)]
    kept = _second_best(checked, quotes, language) if checked else []
    out = []
    for i, match in _e5_agrees(checked, kept, quotes, model) if kept else []:
        span, passage, _, same = checked[i]
        if not _negation_unchecked(quotes[match.qi].text, language) and _passage_negated(passage, text_language):
            continue  # "he says the world is not in danger" denies the quote
        alignment = _alignment(span, passage, same, match, quotes, embedder.name)
        alignment.evidence += "; frameless, in an article carrying the quote set (document-level evidence)"
        out.append(alignment)
    return out
