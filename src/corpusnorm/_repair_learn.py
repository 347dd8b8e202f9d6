"""Learn spun -> original substitutions by aligning a spun text with its original."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpusnorm._repair_text import align_words, tokenize

__all__ = ["MAX_PHRASE", "Substitution", "learn_substitutions", "substitutions_tsv"]

MAX_PHRASE = 4
"""Longest phrase (in words, either side) kept as one substitution; longer blocks are split."""


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


def _pairs(spun_words: list[str], orig_words: list[str]) -> list[tuple[int, int, int, int]]:
    pairs: list[tuple[int, int, int, int]] = []
    for i1, i2, j1, j2 in _blocks(spun_words, orig_words):
        if i1 == i2 or j1 == j2:
            # a pure insertion or deletion: attach it to the next word pair
            if i2 < len(spun_words) and j2 < len(orig_words) and spun_words[i2] == orig_words[j2]:
                pairs.append((i1, i2 + 1, j1, j2 + 1))
            continue
        if i2 - i1 == j2 - j1:
            # word for word: spinners swap words one by one
            pairs.extend((i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(i2 - i1))
        elif i2 - i1 <= MAX_PHRASE and j2 - j1 <= MAX_PHRASE:
            pairs.append((i1, i2, j1, j2))
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
