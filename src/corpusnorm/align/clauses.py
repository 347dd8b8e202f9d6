"""Clause targets of long quotes, for partial renderings: an article that renders only a part of a long quote
sentence (only "the river will be closed to boats" of "The council said that the river will be closed to boats
until the bridge is repaired and the banks are safe") sits far from the whole quote's vector. Each quote of at least
:data:`CLAUSE_MIN_QUOTE_WORDS` words is cut at punctuation and at coordinating conjunctions of the quote
language; runs of one to :data:`CLAUSE_MAX_PIECES` consecutive pieces of at least :data:`CLAUSE_MIN_WORDS`
words (and a few words short of the whole quote) are extra targets. They are embedded once per quote set
(disk-cached like the quotes), so an article pays nothing more in model tokens."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import regex

from ..backends.embed import Embedder
from .passages import _word_count
from .polarity import _negated
from .quoteset import MARGIN_K, _load_quote_vectors, quote_side

__all__ = ["ClauseSide", "clause_side", "quote_clauses"]

CLAUSE_MIN_QUOTE_WORDS = 10  # shorter quotes are rendered whole or not at all
CLAUSE_MIN_WORDS = 7  # a clause target carries at least this many words (5-6-word clauses drew on-topic
# statements by others on dev_partial: docs/align.md, "Partial renderings")
CLAUSE_MAX_PIECES = 2  # a target is one piece or two consecutive pieces
CLAUSE_SHORT_OF_QUOTE = 3  # ... and at least this many words fewer than its quote (else it is the quote)
PUNCT_SPLIT_RE = regex.compile(r"[,;:()\[\]—–，；：、（）]|(?<=[^\S\n])-(?=[^\S\n])")  # pieces lose their spaces later
# coordinating conjunctions and clause openers per quote language (a split point; the word starts the next piece)
CONJUNCTIONS: dict[str, str] = {
    "en": r"and|but|or|lest|while|whereas|because|so that|where|when",
    "it": r"e|ma|o|mentre|perché|dove|quando|che",
    "es": r"y|pero|o|mientras|porque|donde|cuando|que",
    "fr": r"et|mais|ou|tandis que|parce que|où|quand|qui|que",
    "de": r"und|aber|oder|während|weil|wo|wenn|dass",
    "pt": r"e|mas|ou|enquanto|porque|onde|quando|que",
}
# compiled once: a run of conjunctions after a word (a split point) and the same run opening a piece
CONJUNCTION_SPLIT_RES = {
    lang: regex.compile(rf"(?<=\S)[^\S\n]+(?:(?:{conj})[^\S\n]+)+", regex.IGNORECASE)
    for lang, conj in CONJUNCTIONS.items()
}
CONJUNCTION_LEAD_RES = {
    lang: regex.compile(rf"^(?:(?:{conj})[^\S\n]+)+", regex.IGNORECASE) for lang, conj in CONJUNCTIONS.items()
}
EDGE_RE = regex.compile(r"[\p{L}\p{M}\p{N}](?:.*[\p{L}\p{M}\p{N}])?", regex.DOTALL)  # a piece without its edges


def _pieces(text: str, language: str) -> list[tuple[int, int]]:
    """Spans of ``text`` cut at punctuation and before the quote language's conjunctions."""
    cuts = [(m.start(), m.end()) for m in PUNCT_SPLIT_RE.finditer(text)]
    if conj_re := CONJUNCTION_SPLIT_RES.get(language):
        cuts += [(m.start(), m.end()) for m in conj_re.finditer(text)]
    bounds = [0]
    for a, b in sorted(cuts):
        if a >= bounds[-1]:
            bounds += [a, b]
    bounds.append(len(text))
    spans = []
    for a, b in zip(bounds[::2], bounds[1::2], strict=True):
        m = EDGE_RE.search(text, a, b)
        if m:
            spans.append((m.start(), m.end()))
    return spans


def _lead_conjunction(text: str, language: str) -> str:
    """``text`` without a conjunction opening it ("and devote myself ..." -> "devote myself ...")."""
    lead_re = CONJUNCTION_LEAD_RES.get(language)
    return lead_re.sub("", text) if lead_re else text


def quote_clauses(text: str, language: str = "en") -> list[str]:
    """The clause targets of one quote (empty for a quote under :data:`CLAUSE_MIN_QUOTE_WORDS` words)."""
    total = _word_count(text)
    if total < CLAUSE_MIN_QUOTE_WORDS:
        return []
    pieces = _pieces(text, language)
    out: list[str] = []
    for i in range(len(pieces)):
        for j in range(i, min(len(pieces), i + CLAUSE_MAX_PIECES)):
            clause = _lead_conjunction(text[pieces[i][0] : pieces[j][1]], language)
            words = _word_count(clause)
            if CLAUSE_MIN_WORDS <= words <= total - CLAUSE_SHORT_OF_QUOTE and clause not in out:
                out.append(clause)
    return out


@dataclass(frozen=True)
class ClauseSide:
    """A quote set's clause targets: their quote's index, texts, unit vectors, margin terms (mean cosine of
    the k nearest quotes other than their own) and whether each carries a negation."""

    parents: np.ndarray
    texts: tuple[str, ...]
    vectors: np.ndarray
    y_nn: np.ndarray
    negated: tuple[bool, ...]


_CLAUSE_SIDES: OrderedDict[tuple[str, str, tuple[str, ...]], ClauseSide] = OrderedDict()
CLAUSE_SIDE_CACHE_SIZE = 8


def _clause_y_nn(vectors: np.ndarray, parents: np.ndarray, q_vec: np.ndarray) -> np.ndarray:
    """Each clause's margin term: the mean cosine of its k nearest quotes, its own quote left out."""
    if not len(vectors):
        return np.empty(0, dtype=np.float64)
    cos = vectors @ q_vec.T
    cos[np.arange(len(vectors)), parents] = -2.0
    k = min(MARGIN_K, max(1, q_vec.shape[0] - 1))
    return np.partition(cos, -k, axis=1)[:, -k:].mean(axis=1).astype(np.float64)


def clause_side(texts: tuple[str, ...], language: str, embedder: Embedder) -> ClauseSide:
    """The clause targets of a quote set, embedded once per process (and kept on disk with the quote vectors)."""
    key = (embedder.key, language, texts)
    side = _CLAUSE_SIDES.get(key)
    if side is None:
        pairs = [(qi, c) for qi, t in enumerate(texts) for c in quote_clauses(t, language)]
        parents = np.array([qi for qi, _ in pairs], dtype=np.int64)
        clauses = tuple(c for _, c in pairs)
        dim = quote_side(texts, embedder).vectors.shape[1]
        vectors = _load_quote_vectors(clauses, embedder) if clauses else np.empty((0, dim), dtype=np.float32)
        y_nn = _clause_y_nn(vectors, parents, quote_side(texts, embedder).vectors)
        side = ClauseSide(parents, clauses, vectors, y_nn, tuple(_negated(c, language) for c in clauses))
        _CLAUSE_SIDES[key] = side
        while len(_CLAUSE_SIDES) > CLAUSE_SIDE_CACHE_SIZE:
            _CLAUSE_SIDES.popitem(last=False)
    _CLAUSE_SIDES.move_to_end(key)
    return side
