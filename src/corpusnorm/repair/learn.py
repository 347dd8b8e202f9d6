"""Learn spun -> original substitutions by aligning a spun text with its original."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

from ..backends import wordfreq
from ..backends.thesaurus import lemmas, reverse_index
from .lexicon import Entry
from .tokens import align_words, tokenize

__all__ = ["MAX_PHRASE", "Substitution", "learn_entries", "learn_substitutions", "substitutions_tsv"]

MAX_PHRASE = 4
"""Longest phrase (in words, either side) kept as one substitution; longer blocks are split."""

PARTICLES = frozenset("about across along around away back by down for in into off on out over through up with".split())
"""Words that may close a phrasal verb: an original word of this kind left over right after a peeled
pair belongs to it ("take on AI safety" spun as "tackle AI security": tackle / take on)."""


@dataclass
class Substitution:
    """One spun phrase and the original phrase it replaced, with how often and where."""

    spun: str
    original: str
    count: int = 1
    contexts: list[str] = field(default_factory=list)

    def to_row(self, *, source: str = "user") -> str:
        context = " | ".join(self.contexts[:3]).replace("\t", " ")
        return f"{self.spun}\t{self.original}\t{source}\t{self.count}\t{context}"


def _blocks(spun_words: list[str], orig_words: list[str]) -> list[tuple[int, int, int, int]]:
    """Alignment blocks; two blocks one shared word apart merge when either is unbalanced
    ("for the reason that" / "since the": the spinner's phrase swallowed the shared word)."""
    merged: list[tuple[int, int, int, int]] = []
    for block in align_words(spun_words, orig_words):
        if merged:
            p1, p2, q1, q2 = merged[-1]
            i1, i2, j1, j2 = block
            gap = i1 - p2
            unbalanced = (p2 - p1 != q2 - q1) or (i2 - i1 != j2 - j1)
            if gap <= 1 and j1 - q2 == gap and unbalanced and i2 - p1 <= MAX_PHRASE and j2 - q1 <= MAX_PHRASE:
                merged[-1] = (p1, i2, q1, j2)
                continue
        merged.append(block)
    return merged


def _linked(a: str, b: str) -> bool:
    """``a`` and ``b`` are thesaurus neighbours (Moby, either direction, by lemma)."""
    index = reverse_index()
    for x in lemmas(a):
        for y in lemmas(b):
            if x == y or y in index.get(x, ()) or x in index.get(y, ()):
                return True
    return False


def _split(
    spun_words: list[str], orig_words: list[str], block: tuple[int, int, int, int]
) -> list[tuple[int, int, int, int]]:
    """Split an alignment block into substitutions: peel equal or thesaurus-linked word pairs off
    both ends ("interval one other consumer" / "period another user" -> interval/period,
    one other/another, consumer/user); what is left is one phrase for a phrase."""
    i1, i2, j1, j2 = block
    head: list[tuple[int, int, int, int]] = []
    tail: list[tuple[int, int, int, int]] = []
    while i1 < i2 and j1 < j2:
        if spun_words[i1] == orig_words[j1]:
            i1, j1 = i1 + 1, j1 + 1
        elif spun_words[i2 - 1] == orig_words[j2 - 1]:
            i2, j2 = i2 - 1, j2 - 1
        elif i2 - i1 == j2 - j1:
            n = i2 - i1
            if n != 2 or all(_linked(spun_words[i1 + k], orig_words[j1 + k]) for k in range(n)):
                head.extend((i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(i2 - i1))
                i1, j1 = i2, j2
            break
        elif min(i2 - i1, j2 - j1) < 3:
            break  # "seem like" / "appear to be": an idiom for an idiom, not to be cut
        elif _linked(spun_words[i1], orig_words[j1]):
            head.append((i1, i1 + 1, j1, j1 + 1))
            i1, j1 = i1 + 1, j1 + 1
        elif _linked(spun_words[i2 - 1], orig_words[j2 - 1]):
            tail.insert(0, (i2 - 1, i2, j2 - 1, j2))
            i2, j2 = i2 - 1, j2 - 1
        else:
            break
    if (
        head
        and i1 < i2
        and j2 - j1 == i2 - i1 + 1
        and orig_words[j1] in PARTICLES
        and spun_words[i1] == orig_words[j1 + 1]
    ):
        a, b, c, d = head[-1]
        head[-1] = (a, b, c, d + 1)  # the particle closes the peeled pair's phrasal verb
        return [*head, *_split(spun_words, orig_words, (i1, i2, j1 + 1, j2)), *tail]
    middle: list[tuple[int, int, int, int]] = []
    if i1 < i2 and j1 < j2:
        n, m = i2 - i1, j2 - j1
        if n == m and n > 2:
            middle = [(i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(n)]
        elif max(n, m) <= MAX_PHRASE and (min(n, m) <= 2 or n == m):
            # a phrase for a phrase ("for the reason that" / "since the"); longer uneven
            # blocks are several substitutions run together and too uncertain to learn
            middle = [(i1, i2, j1, j2)]
    return [*head, *middle, *tail]


def _pairs(spun_words: list[str], orig_words: list[str]) -> list[tuple[int, int, int, int]]:
    pairs: list[tuple[int, int, int, int]] = []
    for i1, i2, j1, j2 in _blocks(spun_words, orig_words):
        if i1 == i2 or j1 == j2:
            # a pure insertion or deletion: attach it to the next word pair
            if i2 < len(spun_words) and j2 < len(orig_words) and spun_words[i2] == orig_words[j2]:
                pairs.append((i1, i2 + 1, j1, j2 + 1))
            continue
        pairs.extend(_split(spun_words, orig_words, (i1, i2, j1, j2)))
    return pairs


def learn_substitutions(spun: str, original: str) -> list[Substitution]:
    """Align ``spun`` with ``original`` word by word and return the substitutions, most frequent first.

    Each :class:`Substitution` holds the spun phrase and the original phrase (lower case), how many
    times the pair occurs, and up to five contexts ("left [spun] right").
    """
    spun_tokens = tokenize(spun)
    orig_tokens = tokenize(original)
    spun_words = [t.lower for t in spun_tokens]
    orig_words = [t.lower for t in orig_tokens]
    found: dict[tuple[str, str], Substitution] = {}
    for i1, i2, j1, j2 in _pairs(spun_words, orig_words):
        key = (" ".join(spun_words[i1:i2]), " ".join(orig_words[j1:j2]))
        if key[0] == key[1]:
            continue
        left = spun_words[i1 - 1] if i1 > 0 else ""
        right = spun_words[i2] if i2 < len(spun_words) else ""
        context = f"{left} [{key[0]}] {right}".strip()
        entry = found.get(key)
        if entry is None:
            found[key] = Substitution(key[0], key[1], 1, [context])
        else:
            entry.count += 1
            if len(entry.contexts) < 5:
                entry.contexts.append(context)
    return sorted(found.values(), key=lambda s: (-s.count, s.spun, s.original))


def substitutions_tsv(substitutions: list[Substitution], *, source: str = "user") -> str:
    """Rows ``spun<TAB>original<TAB>source<TAB>count<TAB>contexts`` for a lexicon file."""
    return "".join(s.to_row(source=source) + "\n" for s in substitutions)


COMMON_ZIPF = 5.0
"""Words at least this frequent (wordfreq Zipf scale: once per 100,000 words) are 'common'."""

COMMON_MAX_COUNT = 3
"""A common word learnt this few times keeps the right-hand contexts it was seen in as a condition
("put" -> "set" only before "aside", so "put up with" is safe)."""


CONTEXT_ZIPF = 4.0
"""Context words kept as conditions must be this common (names and rare words are dropped)."""


def _distinct(texts: list[list[str]]) -> list[list[str]]:
    """Each text once (several spins share one original)."""
    out: list[list[str]] = []
    keys: set[tuple[str, ...]] = set()
    for words in texts:
        key = tuple(words)
        if key not in keys:
            keys.add(key)
            out.append(words)
    return out


def _occurrences(words: list[str], phrase: tuple[str, ...], before: frozenset[str] | None = None) -> int:
    """How often ``phrase`` occurs in ``words`` (only before one of ``before``, if given)."""
    size = len(phrase)
    n = len(words)
    return sum(
        1
        for i in range(n - size + 1)
        if tuple(words[i : i + size]) == phrase and (before is None or (i + size < n and words[i + size] in before))
    )


def learn_entries(pairs: Sequence[tuple[str, str, str]], *, prefix: str = "learnt") -> list[Entry]:
    """Lexicon entries from ``(spun, original, source)`` pairs, with counts, occurrences and shares.

    ``seen`` counts the spun phrase in all the spun texts, so a phrase the spinner also left
    alone (or that is ordinary English there) gets a weaker prior; ``clean`` counts it in the
    (distinct) originals. Both count only where the entry's right-context condition holds.
    """
    found: dict[tuple[str, str], tuple[int, list[str]]] = {}
    rights: dict[tuple[str, str], list[str]] = {}
    spun_words: list[list[str]] = []
    clean_words: list[list[str]] = []
    for spun, original, source in pairs:
        spun_words.append([t.lower for t in tokenize(spun)])
        clean_words.append([t.lower for t in tokenize(original)])
        for sub in learn_substitutions(spun, original):
            if len(sub.spun.split()) > MAX_PHRASE or len(sub.original.split()) > MAX_PHRASE:
                continue  # text one side has and the other lacks (a caption, a clause), not a swap
            count, sources = found.get((sub.spun, sub.original), (0, []))
            if source not in sources:
                sources = [*sources, source]
            found[(sub.spun, sub.original)] = (count + sub.count, sources)
            seen_right = rights.setdefault((sub.spun, sub.original), [])
            for context in sub.contexts:
                word = context.rsplit("] ", 1)[1] if "] " in context else ""
                if word and word not in seen_right:
                    seen_right.append(word)
    originals = _distinct(clean_words)
    totals: dict[str, int] = {}
    for (spun_phrase, _), (count, _) in found.items():
        totals[spun_phrase] = totals.get(spun_phrase, 0) + count
    entries: list[Entry] = []
    for number, ((spun_phrase, original), (count, sources)) in enumerate(sorted(found.items()), 1):
        phrase = tuple(spun_phrase.split())
        right = ""
        kept: list[str] = []
        if len(phrase) == 1 and count <= COMMON_MAX_COUNT and wordfreq.zipf(spun_phrase) >= COMMON_ZIPF:
            # a common word seen swapped only a few times: trust it only where it was seen
            # ordinary words only: a name seen next to the pair says nothing general
            # (if only names or rare words were seen, no condition can be learnt: the prior and
            # the language model decide alone)
            kept = sorted(w for w in rights[(spun_phrase, original)] if wordfreq.zipf(w) >= CONTEXT_ZIPF)
            if kept:
                right = "(" + "|".join(regex.escape(w) for w in kept) + ")"
        # with a condition, the prior is about the phrase where the condition holds ("put" before "aside")
        before = frozenset(kept) if right else None
        seen = sum(_occurrences(words, phrase, before) for words in spun_words)
        clean = sum(_occurrences(words, phrase, before) for words in originals)
        entries.append(
            Entry(
                id=f"{prefix}:{number}",
                spun=phrase,
                original=original,
                source=",".join(sorted(sources)),
                count=count,
                seen=max(seen, count),
                share=round(count / totals[spun_phrase], 3),
                right=right,
                clean=clean,
            )
        )
    return entries
