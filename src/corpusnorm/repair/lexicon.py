"""The spun -> original substitution lexicon: loading, indexing and context conditions.

File format (tab-separated, ``#`` comments, a header line)::

    id  spun  original  source  count  seen  share  left  right  note

``left`` / ``right`` are optional conditions on the neighbouring word (lower case): a regular
expression that must match it in full, or ``!regex`` that must not ("put up" -> "post" has
right ``!with`` so "put up with" stays). ``count`` is how often the pair was attested in its
sources, ``seen`` how often the spun phrase occurred there at all and ``share`` this original's
share of the spun phrase's substitutions; together they set the entry's prior. Files learnt
with :func:`corpusnorm.repair.learn_substitutions` (``spun original source count contexts``) load too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

import regex

from ..backends.data import data_digest, read_data
from .tokens import normalise_word

__all__ = ["DATA_FILES", "Entry", "Lexicon", "builtin_lexicon", "data_versions", "load_lexicon"]

DATA_FILES = ("spin_lexicon.tsv",)
"""The built-in lexicon files in ``corpusnorm/data``."""

_SPLIT_RE = regex.compile(r"\s+")

REVIEWED_SOURCES = ("issue4", "news-spinners", "pps")
"""Sources of rows written or reviewed by people (not learnt by alignment): never :attr:`Entry.common`."""

SHARE_WEIGHT = 1.0
"""Weight of log(share) in an entry's prior: the channel term P(spun | original) among the spun
phrase's learnt originals ("cash" -> coins 42 times, money once)."""


@dataclass(frozen=True)
class Entry:
    id: str
    spun: tuple[str, ...]
    original: str
    source: str
    count: int
    seen: int = 0
    """How often the spun phrase occurred in the texts the pair was learnt from (0: unknown)."""
    share: float = 1.0
    """Share of this original among the substitutions learnt for the same spun phrase."""
    left: str = ""
    right: str = ""
    clean: int = 0
    """How often the spun phrase occurred in the *original* (clean) texts the pair was learnt from:
    a phrase writers use as often as spinners produce it is ordinary English (see :attr:`risky`)."""

    @cached_property
    def original_words(self) -> list[str]:
        return self.original.lower().split()

    @cached_property
    def original_split(self) -> tuple[str, ...]:
        """The original phrase's words as written (the words of a repair)."""
        return tuple(self.original.split())

    @cached_property
    def prior(self) -> float:
        """Log-odds that a match of this entry is spinner output (before the language model).

        From how often the spun phrase was a substitution where it occurred (smoothed;
        ``seen`` unknown counts as ``count``) and this original's share of them.
        """
        seen = max(self.seen, self.count)
        p = (self.count / self.share + 1.0) / (seen + 1.2)
        p = min(max(p, 0.02), 0.98)
        return math.log(p / (1 - p)) + SHARE_WEIGHT * math.log(self.share)

    @cached_property
    def learnt(self) -> bool:
        """Learnt by alignment (not a row written or reviewed by people, :data:`REVIEWED_SOURCES`)."""
        return not self.source.startswith(REVIEWED_SOURCES)

    @cached_property
    def common(self) -> bool:
        """A learnt pair whose spun phrase writers use at least as often as spinners produce it
        (``clean >= count`` in the texts it was learnt from: "value" for price, "right now" for at
        this time). Such a pair is repaired where the context prefers the original, but is no
        evidence of spinning (:func:`~.spin.is_fingerprint`): without this, clean crypto reports
        looked spun to a lexicon learnt from spun crypto reports."""
        return self.learnt and self.clean >= self.count

    def context_ok(self, left: str, right: str) -> bool:
        return _condition(self.left, left) and _condition(self.right, right)


@lru_cache(maxsize=1 << 14)
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


def _condition(pattern: str, word: str) -> bool:
    if not pattern:
        return True
    if pattern.startswith("!"):
        return not _compiled(pattern[1:]).fullmatch(word)
    return bool(_compiled(pattern).fullmatch(word))


class Lexicon:
    """Entries indexed by their first spun word, longest first."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        index: dict[str, list[Entry]] = {}
        for entry in entries:
            index.setdefault(entry.spun[0], []).append(entry)
        for bucket in index.values():
            bucket.sort(key=lambda e: (-len(e.spun), e.id))
        self.index = index
        self.starts = frozenset(index)
        """The words some entry starts with."""
        self.single = {w: [e for e in b if len(e.spun) == 1] for w, b in index.items()}
        self.single = {w: b for w, b in self.single.items() if b}
        self.multi: dict[tuple[str, str], list[Entry]] = {}
        for bucket in index.values():
            for entry in bucket:
                if len(entry.spun) > 1:
                    self.multi.setdefault(entry.spun[:2], []).append(entry)
        self.following: dict[str, dict[str, list[Entry]]] = {}
        """``multi`` by first word: first -> {second: entries}."""
        for (first, second), bucket in self.multi.items():
            self.following.setdefault(first, {})[second] = bucket

    def __len__(self) -> int:
        return sum(len(b) for b in self.index.values())

    def entries(self) -> list[Entry]:
        return [e for key in sorted(self.index) for e in self.index[key]]

    def lookup_at(self, words: Sequence[str], i: int) -> list[Entry]:
        """Entries that may match at ``words[i]``, longest first (indexed by the first two words)."""
        found: list[Entry] = []
        if i + 1 < len(words):
            found = self.multi.get((words[i], words[i + 1]), [])
        single = self.single.get(words[i], [])
        return [*found, *single] if found else single

    def merged(self, other: Lexicon) -> Lexicon:
        return Lexicon([*self.entries(), *other.entries()])


def _parse(lines: Iterable[str], *, origin: str) -> list[Entry]:
    entries: list[Entry] = []
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[0] == "id" or cells[0] == "spun":
            continue
        seen, share, clean = "0", "1", "0"
        if len(cells) >= 5 and cells[4].strip().isdigit():
            # full format: id spun original source count [seen share left right note]
            cells = cells + [""] * (11 - len(cells))
            entry_id, spun, original, source, count, seen, share, left, right = cells[:9]
            clean = cells[10]
        elif len(cells) >= 4 and cells[3].isdigit():
            # learnt format: spun original source count [contexts]
            spun, original, source, count = cells[:4]
            entry_id, left, right = f"{origin}:{number}", "", ""
        elif len(cells) >= 2:
            spun, original = cells[:2]
            source = cells[2] if len(cells) > 2 else origin
            entry_id, count, left, right = f"{origin}:{number}", "1", "", ""
        else:
            continue
        words = tuple(normalise_word(w) for w in _SPLIT_RE.split(spun.strip()) if w)
        if not words or not original.strip():
            continue
        entries.append(
            Entry(
                id=entry_id or f"{origin}:{number}",
                spun=words,
                original=original.strip().replace("’", "'"),
                source=source or origin,
                count=int(count) if count.strip().isdigit() else 1,
                seen=int(seen) if seen.strip().isdigit() else 0,
                share=float(share) if share.strip() else 1.0,
                left=left.strip(),
                right=right.strip(),
                clean=int(clean) if clean.strip().isdigit() else 0,
            )
        )
    return entries


def load_lexicon(path: str | Path) -> Lexicon:
    """Load a lexicon file (full or learnt format)."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        return Lexicon(_parse(handle, origin=path.stem))


@cache
def builtin_lexicon() -> Lexicon:
    """The shipped lexicon, loaded on first use."""
    entries: list[Entry] = []
    for name in DATA_FILES:
        entries.extend(_parse(read_data(name).splitlines(), origin=name))
    return Lexicon(entries)


@cache
def data_versions() -> dict[str, str]:
    return {f"data:{name}": data_digest(name) for name in DATA_FILES}
