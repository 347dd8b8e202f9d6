"""Monotone passage alignment: runs of article sentences that render consecutive quotes.

An article that reprints part of a letter in translation, without quote marks or a reporting verb,
gives the quote-mark and reported-speech candidates nothing to find. Such a reprint is a *run*:
consecutive article sentences rendering consecutive sentences of the quote set, in order. From each
place already aligned (an anchor: a quoted rendering, a verbatim quote, ...), the sentences next to
it are embedded and aligned to the quotes next to the anchor's quote by dynamic programming over
sentence similarities (the vecalign / bertalign idea), with 1-1, 2-1 (two article sentences render
one quote) and 1-2 (one sentence renders two quotes) steps and up to :data:`MAX_QUOTE_SKIP` quotes
left out between steps. Merged sides are scored with the token-weighted mean of their sentence
vectors (e5 pools by mean, so the mean of two sentences' vectors is close to the vector of both).

Only sentences next to an anchor are embedded, never the whole article; an isolated unquoted
sentence is never aligned this way (it needs quote marks or a reporting frame).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import regex

from ..backends.embed import Embedder
from ..document import Alignment
from ..quotes import Quote
from ..text.patterns import RE_WORD
from .passages import (
    QUOTED_RE,
    _looks_like,
    _names_outside,
    _passage_language,
    _reported,
    _set_words,
    _word_count,
)
from .prepared import quote_ids, quote_texts
from .score import translated_score

__all__ = ["QuoteSide", "RunStep", "Sentence", "extend_runs", "passage_runs", "split_sentences"]

SENTENCE_SPLIT_RE = regex.compile(r"(?<=[.!?।॥。！？])[\"”»«“‘’)]*+[^\S\n]++|\n++|(?<=[。！？])")
FIRST_WINDOW = 2  # sentences embedded on each side of an anchor in the first round (a run of two, or a bridge)
WINDOW = 4  # sentences embedded ahead of a run that goes on, per round
MAX_ROUNDS = 6  # rounds of extension per direction (a run of up to ~24 sentences)
MAX_QUOTE_SKIP = 1  # quotes a run may leave out between two steps
SKIP_PENALTY = 0.01  # per quote left out
MAX_QUOTE_JUMP = 32  # quotes ahead (in the set's order) that a run may pick up at, out of an anchor or a bridge
RUN_MIN_MARGIN = 1.02  # a step's margin and cosine: the floors of an isolated quoted rendering
RUN_MIN_COSINE = 0.86
BRIDGE_PENALTY = 0.02  # an article sentence inside a run that renders no quote ("he went on:")
MERGE_PART_SLACK = 0.03  # each sentence of a merged step needs cosine >= RUN_MIN_COSINE - this on its own
MIN_RUN_STEPS = 2  # rendering sentences a run adds to its anchor (one alone is an isolated sentence)
RUN_MIN_WORDS = 3  # shorter sentences are headings or fragments
RUN_MAX_WORDS = 80


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    words: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences (and lines) of ``text``, from their first to their last word character (spans at word
    edges, as every alignment's); pieces without words are dropped."""
    bounds = [0] + [m.end() for m in SENTENCE_SPLIT_RE.finditer(text)] + [len(text)]
    out: list[Sentence] = []
    for a, b in itertools.pairwise(bounds):
        words = list(RE_WORD.finditer(text, a, b))
        if words:
            s, e = words[0].start(), words[-1].end()
            out.append(Sentence(s, e, text[s:e], len(words)))
    return out


@dataclass
class QuoteSide:
    """What the passage aligner needs of a quote set: unit vectors, their margin neighbourhood term
    (mean cosine of each quote's k nearest other quotes), and word counts (merge weights)."""

    vectors: np.ndarray
    y_nn: np.ndarray
    words: np.ndarray
    k: int = 4


@dataclass(frozen=True)
class RunStep:
    sentences: tuple[int, ...]
    quotes: tuple[int, ...]
    margin: float
    cosine: float


def _merge(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    v = (vectors * weights[:, None]).sum(axis=0)
    return v / max(float(np.linalg.norm(v)), 1e-12)


def _margin(
    x: np.ndarray, cos_all: np.ndarray, x_nn: float, qs: tuple[int, ...], side: QuoteSide
) -> tuple[float, float]:
    """Ratio margin of unit vector x (its cosines to every quote and their top-k mean given) against the
    (merged) quotes qs."""
    if len(qs) == 1:
        cos, y_nn = float(cos_all[qs[0]]), float(side.y_nn[qs[0]])
    else:
        y = _merge(side.vectors[list(qs)], side.words[list(qs)].astype(np.float32))
        cos, y_nn = float(y @ x), float(side.y_nn[list(qs)].mean())
    return cos / ((x_nn + y_nn) / 2.0), cos


@dataclass
class _Window:
    """Article sentences (in order away from the anchor) and quotes (likewise) one DP round sees."""

    sentences: list[int]
    quotes: list[int]
    vectors: dict[int, np.ndarray]
    words: dict[int, int]
    units: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray, float]] = field(default_factory=dict)
    frames: frozenset[int] = frozenset()  # reporting sentences: bridges only, never embedded

    def unit(self, ids: tuple[int, ...], side: QuoteSide) -> tuple[np.ndarray, np.ndarray, float]:
        """The (merged) vector of article sentences ``ids``, its cosines to every quote, their top-k mean."""
        if ids not in self.units:
            x = _merge(np.stack([self.vectors[i] for i in ids]), np.array([self.words[i] for i in ids], np.float32))
            cos_all = side.vectors @ x
            k = min(side.k, len(cos_all))
            self.units[ids] = (x, cos_all, float(np.partition(cos_all, -k)[-k:].mean()))
        return self.units[ids]


def _step(w: _Window, a: int, na: int, qs: tuple[int, ...], side: QuoteSide) -> tuple[float, float] | None:
    ids = tuple(w.sentences[a : a + na])
    if len(ids) < na or any(i in w.frames for i in ids):
        return None
    margin, cos = _margin(*w.unit(ids, side), qs, side)
    if margin < RUN_MIN_MARGIN or cos < RUN_MIN_COSINE:
        return None
    if na > 1 or len(qs) > 1:  # every part of a merge must be close on its own (no passenger sentences)
        parts = side.vectors[list(qs)] @ np.stack([w.vectors[i] for i in ids]).T
        if parts.max(axis=0).min() < RUN_MIN_COSINE - MERGE_PART_SLACK or parts.max(axis=1).min() < (
            RUN_MIN_COSINE - MERGE_PART_SLACK
        ):
            return None
    return margin, cos


def _moves(w: _Window, a: int, b: int, free: bool) -> list[tuple[int, tuple[int, ...], int]]:
    """(article sentences, quote positions, quotes left out) of the steps out of state (a, b); out of the
    anchor or a bridge the run may pick up at any later quote, else it leaves out at most MAX_QUOTE_SKIP."""
    skips = range(len(w.quotes) - b) if free else range(MAX_QUOTE_SKIP + 1)
    out: list[tuple[int, tuple[int, ...], int]] = []
    for na, nq in ((1, 1), (2, 1), (1, 2)):
        for skip in skips:
            qpos = tuple(range(b + skip, b + skip + nq))
            if qpos[-1] < len(w.quotes):
                out.append((na, qpos, 0 if free else skip))
    return out


def _dp(w: _Window, side: QuoteSide) -> list[RunStep]:
    """Best monotone path from the anchor: state (a, b) = article sentences and quotes consumed."""
    Node = tuple[float, tuple[int, int] | None, RunStep | None]
    best: dict[tuple[int, int], Node] = {(0, 0): (0.0, None, None)}
    for a in range(len(w.sentences)):
        for b in range(len(w.quotes) + 1):
            if (a, b) not in best:
                continue
            value, _, last = best[(a, b)]
            free = last is None or not last.quotes
            if last is None or last.quotes:  # a sentence that renders nothing, between rendering ones
                if (a + 1, b) not in best or best[(a + 1, b)][0] < value - BRIDGE_PENALTY:
                    best[(a + 1, b)] = (value - BRIDGE_PENALTY, (a, b), RunStep((w.sentences[a],), (), 0.0, 0.0))
            for na, qpos, skip in _moves(w, a, b, free):
                quotes = tuple(w.quotes[q] for q in qpos)
                scored = _step(w, a, na, quotes, side)
                if scored is None:
                    continue
                gain = scored[0] - RUN_MIN_MARGIN + 0.01 - skip * SKIP_PENALTY
                state = (a + na, qpos[-1] + 1)
                if state not in best or best[state][0] < value + gain:
                    best[state] = (value + gain, (a, b), RunStep(tuple(w.sentences[a : a + na]), quotes, *scored))
    end = max(best, key=lambda s: (best[s][0], s))
    steps: list[RunStep] = []
    while best[end][1] is not None:
        _, prev, step = best[end]
        assert step is not None and prev is not None
        if step.quotes:
            steps.append(step)
        end = prev
    return steps[::-1]


def _direction(
    start: int, quote: int, step: int, eligible: Callable[[int], bool], size: int, n_sentences: int, n_quotes: int
) -> tuple[list[int], list[int]]:
    sentences: list[int] = []
    i = start + step
    while 0 <= i < n_sentences and eligible(i) and len(sentences) < size:
        sentences.append(i)
        i += step
    quotes = [j for j in range(quote + step, quote + step * (MAX_QUOTE_JUMP + 1), step) if 0 <= j < n_quotes]
    return sentences, quotes


@dataclass(frozen=True)
class _Front:
    """Where a run goes on from: its last sentence and quote, a direction, and whether it is a run yet."""

    sentence: int
    quote: int
    direction: int
    pending: tuple[RunStep, ...] = ()  # steps found so far, kept once the run reaches MIN_RUN_STEPS
    confirmed: bool = False  # the run has reached MIN_RUN_STEPS: every further step is kept


def extend_runs(
    sentences: Sequence[Sentence],
    anchors: Sequence[tuple[int, int]],
    eligible: Callable[[int], bool],
    embed: Callable[[list[str]], np.ndarray],
    side: QuoteSide,
    frames: frozenset[int] = frozenset(),
) -> list[RunStep]:
    """Runs that continue each anchor (sentence index, quote index) forwards and backwards. Rounds:
    every open front's next sentences are embedded in one batch (the first round looks
    :data:`FIRST_WINDOW` sentences ahead: enough for a run of two, or for one sentence that renders
    nothing between the anchor and the run), then aligned by DP. Sentences in ``frames`` (the journalist's
    reporting sentences, whose quoted or reported parts were compared as candidates already) may be
    bridged but render nothing, so they are never embedded."""
    out: list[RunStep] = []
    used: set[int] = {i for i, _ in anchors}
    vectors: dict[int, np.ndarray] = {}
    words = {i: s.words for i, s in enumerate(sentences)}
    fronts = [_Front(i, j, d) for i, j in sorted(set(anchors)) for d in (1, -1)]
    for round_ in range(MAX_ROUNDS):
        size = FIRST_WINDOW if round_ == 0 else WINDOW
        windows = [
            (
                f,
                *_direction(
                    f.sentence,
                    f.quote,
                    f.direction,
                    lambda k: eligible(k) and k not in used,
                    size,
                    len(sentences),
                    len(side.vectors),
                ),
            )
            for f in fronts
        ]
        # a window with no quote in its direction (an anchor on the set's first or last quote) is not embedded
        missing = sorted(
            {k for _, ids, quotes in windows if quotes for k in ids if k not in vectors and k not in frames}
        )
        if missing:
            vectors.update(zip(missing, embed([sentences[k].text for k in missing]), strict=True))
        fronts = []
        for front, ids, quotes in windows:
            if not ids or not quotes or any(k in used for k in ids):
                continue
            steps = front.pending + tuple(_dp(_Window(ids, quotes, vectors, words, frames=frames), side))
            if len(steps) == len(front.pending):
                continue
            last = steps[-1]  # its farthest sentence and quote, in order away from the anchor
            reached_end = last.sentences[-1] == ids[-1]
            confirmed = front.confirmed or len(steps) >= MIN_RUN_STEPS
            if confirmed:
                out.extend(steps)
                used.update(k for st in steps for k in st.sentences)
                steps = ()
            if reached_end:
                fronts.append(_Front(last.sentences[-1], last.quotes[-1], front.direction, steps, confirmed))
        if not fronts:
            break
    return out


def _reporting_sentences(text: str, sentences: Sequence[Sentence]) -> frozenset[int]:
    """Sentences that report rather than reprint: they hold a quoted passage or unquoted reported speech
    after a reporting verb or a colon (the candidate sources of :func:`.passages._candidates`, so those
    parts were compared on their own already). A reprinted letter sentence is the letter's words alone."""
    spans = sorted([m.span("q") for m in QUOTED_RE.finditer(text)] + _reported(text))
    starts = [s.start for s in sentences]
    out: set[int] = set()
    for lo, hi in spans:
        i = max(0, bisect.bisect_right(starts, lo) - 1)
        while i < len(sentences) and sentences[i].start < hi:
            if sentences[i].end > lo:
                out.add(i)
            i += 1
    return frozenset(out)


# A run starts next to a cross-lingual rendering of at least this share of its sentence: a quoted sentence
# standing on its own. One inside a reporting frame ("Il ajoute : « ... »", "..., scrive il ministro") is the
# journalist quoting, with narration around it (0.6 until December 2026: the same alignments on the seeds
# and the dev sets, ~3x the run sentences embedded on the held-out articles).
ANCHOR_SENTENCE_SHARE = 0.9


def passage_runs(
    text: str,
    quotes: Sequence[Quote],
    found: list[Alignment],
    language: str,
    embedder: Embedder,
    text_language: str | None,
    memo: dict[str, np.ndarray] | None = None,
) -> list[Alignment]:
    """Unquoted runs of article sentences rendering consecutive quotes next to a place already aligned
    (:func:`extend_runs`); each step of a run is one alignment, kind ``translated``."""
    from .crosslingual import _passage_vectors
    from .quoteset import quote_side

    if not found:
        return []
    sentences = split_sentences(text)
    anchors = _anchors(sentences, quotes, found, embedder.name)
    if not anchors:
        return []
    spans = sorted((a.start, a.end) for a in found)

    def eligible(i: int) -> bool:
        sent = sentences[i]
        if not RUN_MIN_WORDS <= sent.words <= RUN_MAX_WORDS:
            return False
        k = bisect.bisect_left(spans, (sent.end, sent.end))
        if any(a < sent.end and sent.start < b for a, b in spans[max(0, k - 8) : k]):
            return False
        return not _looks_like(sent.text, language, text_language)

    side = quote_side(quote_texts(quotes), embedder)
    words = _set_words(quotes)
    frames = _reporting_sentences(text, sentences) | {
        i
        for i, sent in enumerate(sentences)
        if _names_outside(sent.text, words, _passage_language(sent.text) or text_language)
    }
    steps = extend_runs(sentences, anchors, eligible, lambda t: _passage_vectors(t, embedder, memo), side, frames)
    return [a for step in steps for a in _step_alignments(text, sentences, quotes, step, embedder.name)]


def _anchors(
    sentences: Sequence[Sentence], quotes: Sequence[Quote], found: list[Alignment], engine: str
) -> list[tuple[int, int]]:
    """(sentence index, quote index) for each embedding rendering that covers most of a whole sentence."""
    ids = quote_ids(quotes)
    starts = [s.start for s in sentences]
    anchors: list[tuple[int, int]] = []
    for a in found:
        i = bisect.bisect_right(starts, a.start) - 1
        if a.quote_id not in ids or i < 0 or a.kind != "translated" or not a.evidence.startswith(engine):
            continue
        sent = sentences[i]
        if min(a.end, sent.end) - max(a.start, sent.start) >= ANCHOR_SENTENCE_SHARE * (sent.end - sent.start):
            anchors.append((i, ids[a.quote_id]))  # a rendering of (most of) a whole sentence
    return anchors


def _step_alignments(
    text: str, sentences: Sequence[Sentence], quotes: Sequence[Quote], step: RunStep, engine: str
) -> list[Alignment]:
    """One ``translated`` alignment per quote a run step renders, spanning the step's sentences."""
    first, last = sentences[min(step.sentences)], sentences[max(step.sentences)]
    span = text[first.start : last.end]
    out: list[Alignment] = []
    for j in sorted(step.quotes):
        q_words = _word_count(quotes[j].text)
        out.append(
            Alignment(
                quote_id=quotes[j].id,
                kind="translated",
                score=translated_score(step.margin, step.cosine),
                start=first.start,
                end=last.end,
                text=span,
                coverage=round(min(1.0, _word_count(span) / q_words), 4) if q_words else 0.0,
                evidence=f"{engine}: passage run, margin {step.margin:.3f}, cosine {step.cosine:.3f}",
            )
        )
    return out
