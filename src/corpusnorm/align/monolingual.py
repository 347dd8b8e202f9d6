"""The monolingual matcher: quotes found in a text in the quote set's own language.

Quotes are indexed by word bigrams of normalised tokens (case, apostrophes, British/US spelling
folded), so the cost grows with the text, not with text x quotes. Each cluster of bigram hits is
aligned word by word (rapidfuzz LCS on token lists), typos are recovered in the gaps, weak stray
matches at the edges are trimmed, and the result is scored with a frequency-weighted Dice
similarity (rare words weigh more than function words)."""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel, Levenshtein

from ..backends.thesaurus import reverse_index
from .index import _IndexedQuote, _QuoteIndex
from .polarity import _polarity_differs
from .tokens import _Tokens, _weight

MIN_SEED_WEIGHT = 0.6  # clusters of hits lighter than this (a lone 'of the') are not aligned
CLUSTER_GAP = 6  # text tokens between bigram hits of one cluster (beyond the quote's own gaps)
WINDOW_PAD = 4  # extra text tokens searched on each side of a cluster
SPLIT_GAP = 5  # this many unmatched words in a row (either side) cut a span into parts
TYPO_MIN_LEN = 4  # shorter words are never typos of each other
LONG_WORD = 8  # from this length two edits still make a typo (one below)
INFLECTION_STEM_SHARE = 0.8  # shared prefix / shorter word for an inflection (devote ~ devoting)
GAP_CREDIT = {"typo": 0.9, "synonym": 0.7}  # share of a word's weight a typo / a synonym earns
MIN_MATCHED_TOKENS = 3  # fewer matched words than this is never a quote (unless the quote is shorter)
MIN_MATCHED_WEIGHT = 1.6  # frequency-weighted matched words (about two rare words)
MIN_PARTIAL_WEIGHT = 2.4  # for a span carrying only part of a quote
SHORT_QUOTE_SHARE = 0.8  # a quote lighter than the floors above needs this share of its weight matched
NEAR_MIN_SIM = 0.8  # weighted Dice for an edited quote
SPUN_MIN_SIM = 0.5  # weighted Dice for a spinner's rewrite (with the structure checks below)
SPUN_MIN_WORDS = 5  # matched words for a spun or paraphrased span
SPUN_MIN_WEIGHT = 2.4  # and their frequency-weighted sum
SPUN_LENGTH_RATIO = (0.6, 1.7)  # span words / quote words for a spun span
CONTENT_WEIGHT = 0.5  # words at least this rare are content words (may be synonyms; are not trimmed)

PRONOUN_SHIFTS = frozenset(
    {
        frozenset(p)
        for p in (
            ("i", "he"),
            ("i", "she"),
            ("me", "him"),
            ("me", "her"),
            ("my", "his"),
            ("my", "her"),
            ("myself", "himself"),
            ("myself", "herself"),
            ("we", "they"),
            ("our", "their"),
            ("us", "them"),
            ("i'm", "he's"),
            ("i've", "he's"),
            ("i've", "he"),
            ("is", "was"),
            ("am", "is"),
            ("am", "was"),
            ("have", "has"),
            ("have", "had"),
            ("i", "him"),
        )
    }
)


@dataclass
class _Match:
    qi: int
    kind: str
    score: float
    coverage: float
    i0: int  # first text token
    i1: int  # last text token (inclusive)
    evidence: str


def _is_typo(a: str, b: str) -> bool:
    """A typo or an inflection: one or two edits apart (by length), or a long shared stem."""
    shorter = min(len(a), len(b))
    if shorter < TYPO_MIN_LEN:
        return False
    if Levenshtein.distance(a, b, score_cutoff=2) <= (1 if shorter < LONG_WORD else 2):
        return True
    stem = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), shorter)
    return stem >= TYPO_MIN_LEN + 1 and stem >= INFLECTION_STEM_SHARE * shorter


def _clusters(hits: list[tuple[int, int]], quote_len: int) -> list[list[tuple[int, int]]]:
    clusters: list[list[tuple[int, int]]] = []
    for i, j in sorted(hits):
        if clusters:
            pi, pj = clusters[-1][-1]
            if i - pi <= CLUSTER_GAP + max(0, j - pj) and abs((i - j) - (pi - pj)) <= quote_len // 2 + CLUSTER_GAP:
                clusters[-1].append((i, j))
                continue
        clusters.append([(i, j)])
    return clusters


def _pairs(q: _IndexedQuote, text: _Tokens, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """Word alignment of the quote against text tokens [lo, hi): (quote idx, text idx, how)."""
    window = text.canons[lo:hi]
    pairs: list[tuple[int, int, str]] = []
    for block in Indel.opcodes(q.tokens.canons, window).as_matching_blocks():
        for k in range(block.size):
            qj, ti = block.a + k, lo + block.b + k
            how = "exact" if q.tokens.norms[qj] == text.norms[ti] else "spelling"
            pairs.append((qj, ti, how))
    return pairs


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _is_synonym(a: str, b: str) -> bool:
    """A spinner's swap: one word lists the other as a synonym (else their plural -s dropped)."""
    heads = reverse_index()  # word -> head words listing it as a synonym (Moby)
    if a in heads.get(b, ()) or b in heads.get(a, ()):
        return True
    a, b = _stem(a), _stem(b)
    return a in heads.get(b, ()) or b in heads.get(a, ())


def _recover_gaps(
    q: _IndexedQuote, text: _Tokens, pairs: list[tuple[int, int, str]], *, synonyms: bool
) -> list[tuple[int, int, str]]:
    """Between two aligned words, pair the remaining words that are typos (or synonyms) of each other."""
    out: list[tuple[int, int, str]] = []
    for n, pair in enumerate(pairs):
        out.append(pair)
        if n + 1 == len(pairs):
            break
        qa, ta, _ = pair
        qb, tb, _ = pairs[n + 1]
        if qb - qa > SPLIT_GAP or tb - ta > SPLIT_GAP:
            continue  # a gap this wide splits the span anyway
        tpos = ta + 1
        for qj in range(qa + 1, qb):
            for ti in range(tpos, tb):
                how = _word_match(q, qj, text, ti, synonyms=synonyms)
                if how:
                    out.append((qj, ti, how))
                    tpos = ti + 1
                    break
    out.sort(key=lambda p: p[1])
    return out


def _split(pairs: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Cut the word alignment where a stretch of words on either side goes unmatched."""
    parts: list[list[tuple[int, int, str]]] = [[pairs[0]]]
    for prev, cur in itertools.pairwise(pairs):
        if max(cur[1] - prev[1], cur[0] - prev[0]) - 1 >= SPLIT_GAP:
            parts.append([cur])
        else:
            parts[-1].append(cur)
    return parts


def _word_match(q: _IndexedQuote, qj: int, text: _Tokens, ti: int, *, synonyms: bool) -> str:
    """How quote word qj matches text word ti: exact, spelling, typo, synonym, or '' (no match)."""
    a, b = q.tokens.canons[qj], text.canons[ti]
    if a == b:
        return "exact" if q.tokens.norms[qj] == text.norms[ti] else "spelling"
    return _relation(a, b, synonyms and q.weights[qj] >= CONTENT_WEIGHT)


@functools.lru_cache(maxsize=1 << 16)
def _relation(a: str, b: str, synonyms: bool) -> str:
    if frozenset((a, b)) in PRONOUN_SHIFTS:
        return ""
    if _is_typo(a, b):
        return "typo"
    if synonyms and _is_synonym(a, b):
        return "synonym"
    return ""


def _extend(
    q: _IndexedQuote, text: _Tokens, pairs: list[tuple[int, int, str]], *, synonyms: bool
) -> list[tuple[int, int, str]]:
    """Grow the span word by word while the neighbours on both sides match (not across a quotation mark)."""
    pairs = list(pairs)
    qj, ti, _ = pairs[0]
    while qj > 0 and ti > 0 and not text.quote_mark_before(ti):
        how = _word_match(q, qj - 1, text, ti - 1, synonyms=synonyms)
        if not how:
            break
        qj, ti = qj - 1, ti - 1
        pairs.insert(0, (qj, ti, how))
    qj, ti, _ = pairs[-1]
    while qj + 1 < len(q.tokens) and ti + 1 < len(text) and not text.quote_mark_before(ti + 1):
        how = _word_match(q, qj + 1, text, ti + 1, synonyms=synonyms)
        if not how:
            break
        qj, ti = qj + 1, ti + 1
        pairs.append((qj, ti, how))
    return pairs


def _trim(q: _IndexedQuote, pairs: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop weak matched words stranded at either edge (a lone 'the' three words away)."""

    def weak(pair: tuple[int, int, str]) -> bool:
        return q.weights[pair[0]] < CONTENT_WEIGHT

    changed = True
    while changed and len(pairs) > 1:
        changed = False
        a, b = pairs[0], pairs[1]
        if weak(a) and (b[1] - a[1] > 2 or b[0] - a[0] > 2):
            pairs = pairs[1:]
            changed = True
            continue
        y, z = pairs[-2], pairs[-1]
        if weak(z) and (z[1] - y[1] > 2 or z[0] - y[0] > 2):
            pairs = pairs[:-1]
            changed = True
    return pairs


def _score(q: _IndexedQuote, text: _Tokens, pairs: list[tuple[int, int, str]], language: str) -> _Match | None:
    j0, j1 = pairs[0][0], pairs[-1][0]
    i0, i1 = pairs[0][1], pairs[-1][1]
    matched_w = sum(q.weights[qj] * GAP_CREDIT.get(how, 1.0) for qj, _, how in pairs)
    range_w = sum(q.weights[j0 : j1 + 1])
    span_w = sum(_weight(c, language) for c in text.canons[i0 : i1 + 1])
    sim = 2 * matched_w / (range_w + span_w) if range_w + span_w else 0.0
    n_range, n_span, n_q = j1 - j0 + 1, i1 - i0 + 1, len(q.tokens)
    coverage = n_range / n_q
    if len(pairs) < min(MIN_MATCHED_TOKENS, n_q) or matched_w < min(
        MIN_MATCHED_WEIGHT, SHORT_QUOTE_SHARE * q.total_weight
    ):
        return None
    if coverage < 1.0 and matched_w < min(MIN_PARTIAL_WEIGHT, SHORT_QUOTE_SHARE * q.total_weight):
        return None
    hows = [how for _, _, how in pairs]
    matched_q = {qj for qj, _, _ in pairs}
    matched_t = {ti for _, ti, _ in pairs}
    unmatched_q = [q.tokens.norms[j] for j in range(j0, j1 + 1) if j not in matched_q]
    unmatched_t = [text.norms[i] for i in range(i0, i1 + 1) if i not in matched_t]
    shifts = sum(1 for a, b in zip(unmatched_q, unmatched_t, strict=False) if frozenset((a, b)) in PRONOUN_SHIFTS)
    if _polarity_differs(q, text, j0, j1, i0, i1, language):
        return None
    if not unmatched_q and not unmatched_t and all(h == "exact" for h in hows):
        kind = "verbatim"
    elif sim >= NEAR_MIN_SIM and shifts == 0 and "synonym" not in hows:
        kind = "near"
    else:
        ratio = n_span / n_range
        min_words = min(SPUN_MIN_WORDS, math.ceil(0.75 * n_q))
        min_weight = min(SPUN_MIN_WEIGHT, 0.6 * q.total_weight)
        if sim < SPUN_MIN_SIM or len(pairs) < min_words or matched_w < min_weight:
            return None
        if not SPUN_LENGTH_RATIO[0] <= ratio <= SPUN_LENGTH_RATIO[1]:
            return None
        kind = "paraphrase" if shifts else "spun"
    evidence = (
        f"monolingual: {len(pairs)}/{n_range} quote words matched ({hows.count('spelling')} spelling, "
        f"{hows.count('typo')} typo, {hows.count('synonym')} synonym), weighted dice {sim:.2f}"
    )
    return _Match(-1, kind, round(sim, 4), round(coverage, 4), i0, i1, evidence)


def _best_run(
    q: _IndexedQuote, text: _Tokens, parts: list[list[tuple[int, int, str]]], language: str, *, synonyms: bool
) -> _Match | None:
    """The best contiguous run of parts: most matched evidence at a good similarity."""
    best: tuple[float, _Match] | None = None
    for a in range(len(parts)):
        for b in range(a, len(parts)):
            run = _extend(q, text, _trim(q, [p for part in parts[a : b + 1] for p in part]), synonyms=synonyms)
            match = _score(q, text, run, language)
            if match is None:
                continue
            value = match.score * sum(q.weights[qj] for qj, _, _ in run)
            if best is None or value > best[0]:
                best = (value, match)
    return best[1] if best else None


def _monolingual(text: _Tokens, index: _QuoteIndex, *, synonyms: bool = True) -> list[_Match]:
    hits: dict[int, list[tuple[int, int]]] = defaultdict(list)
    canons = text.canons
    for i in range(len(canons)):
        nxt = canons[i + 1] if i + 1 < len(canons) else ""
        for qi, j in index.bigrams.get((canons[i], nxt), ()):
            hits[qi].append((i, j))
        for qi, j in index.bigrams.get((canons[i], ""), ()):
            hits[qi].append((i, j))
    found: list[_Match] = []
    for qi in sorted(hits):
        q = index.quotes[qi]
        # densest clusters first: their place is then kept out of the windows of the others
        pending = sorted(_clusters(hits[qi], len(q.tokens)), key=lambda c: (-len(c), c[0]))
        taken = _Taken()
        while pending:
            cluster = pending.pop(0)
            match = _match_cluster(q, text, cluster, taken, language=index.language, synonyms=synonyms)
            if match is None:
                continue
            match.qi = qi
            found.append(match)
            taken.add(match)
            # the same quote may sit again next to this place (a heading and the sentence under it): the hits
            # before and after the match, a prefix and a suffix of the cluster (sorted by text position), found by
            # bisection; each is one cluster already (_clusters breaks only between neighbours), so a long run of
            # one quote's matches costs no re-clustering per match (quadratic before)
            before = cluster[: bisect.bisect_left(cluster, match.i0, key=_text_position)]
            after = cluster[bisect.bisect_right(cluster, match.i1, key=_text_position) :]
            if len(before) + len(after) < len(cluster):
                pending[:0] = [side for side in (before, after) if side]
    return found


def _text_position(hit: tuple[int, int]) -> int:
    return hit[0]


@dataclass
class _Taken:
    """The token spans already given to one quote, as sorted starts and ends: a new window stops at the nearest
    on each side, found by bisection (a scan of every match for every cluster was quadratic in a long run)."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def add(self, match: _Match) -> None:
        bisect.insort(self.starts, match.i0)
        bisect.insort(self.ends, match.i1)

    def window(self, lo: int, hi: int, first_i: int, last_i: int) -> tuple[int, int]:
        """[lo, hi) narrowed to leave out the spans ending before ``first_i`` and those starting after ``last_i``."""
        k = bisect.bisect_left(self.ends, first_i)
        if k:
            lo = max(lo, self.ends[k - 1] + 1)
        k = bisect.bisect_right(self.starts, last_i)
        if k < len(self.starts):
            hi = min(hi, self.starts[k])
        return lo, hi


def _quote_positions(cluster: list[tuple[int, int]], n_q: int) -> set[int]:
    """The quote positions a cluster's hits fall on, read only until all ``n_q`` are seen (a long cluster of one
    quote's repeats is not read whole for each match). The set is filled in the same order as a comprehension over
    the whole cluster (later hits only repeat positions), so its weights add up in the same order."""
    seen: set[int] = set()
    for _, j in cluster:
        seen.add(j)
        if len(seen) == n_q:
            break
    return seen


def _match_cluster(
    q: _IndexedQuote,
    text: _Tokens,
    cluster: list[tuple[int, int]],
    taken: _Taken,
    *,
    language: str,
    synonyms: bool,
) -> _Match | None:
    n_q = len(q.tokens)
    if sum(q.weights[j] for j in _quote_positions(cluster, n_q)) < MIN_SEED_WEIGHT:
        return None
    first_i, first_j = cluster[0]
    last_i, last_j = cluster[-1]
    slack = WINDOW_PAD + n_q // 4
    lo = max(0, first_i - first_j - slack)
    hi = min(len(text), last_i + (n_q - last_j) + slack)
    lo, hi = taken.window(lo, hi, first_i, last_i)  # never re-align words already given to this quote
    if hi - lo < 1:
        return None
    pairs = _pairs(q, text, lo, hi)
    if not pairs:
        return None
    pairs = _recover_gaps(q, text, pairs, synonyms=synonyms)
    return _best_run(q, text, _split(pairs), language, synonyms=synonyms)
