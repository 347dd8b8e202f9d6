"""Cutting a text into the pieces that language identification classifies.

A piece ends at a sentence end (``. ! ? …`` before white space; the Hindi danda ``।``/``॥``
anywhere), at a line break, at a clause mark (``;`` or ``:`` before white space, a spaced dash),
and a quotation (opening quote after white space, closing quote before white space or
punctuation) is a piece of its own. Offsets always refer to the text given.

Within a piece that mixes scripts (Hindi with Latin names, say), a run of at least
``min_run_words`` words in a non-dominant script is split off as its own unit; shorter runs are
taken as names, acronyms or loan words of the dominant script's language.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..text.patterns import RE_LINE_BREAKS, RE_NON_LINGUISTIC, RE_SENTENCE_END
from .scripts import LATIN_ONLY_BELOW, WORD_RE, script_of, script_re

__all__ = ["Unit", "mask_non_linguistic", "pieces", "units"]

CLAUSE_END_RE = regex.compile(r"[;:](?=\s)")
SPACED_DASH_RE = regex.compile(r"(?<=\s)[—–-](?=\s)")
OPEN_QUOTE_RE = regex.compile(r"""(?:^|(?<=[\s(\[{]))["“«„‘'](?=\S)""")
CLOSE_QUOTE_RE = regex.compile(r"""(?<=\S)["”»’'](?=[\s.,;:!?)\]]|$)""")

_MAY_HOLD = ("@", "#", "/", "www.", "WWW.")


def mask_non_linguistic(text: str) -> str:
    """``text`` with URLs, e-mails, handles and hashtags blanked out (same length)."""
    if not any(mark in text for mark in _MAY_HOLD):
        return text
    return RE_NON_LINGUISTIC.sub(lambda m: " " * len(m.group()), text)


def _cuts(text: str) -> list[int]:
    cuts = {0, len(text)}
    for m in RE_SENTENCE_END.finditer(text):
        cuts.add(m.end())
    for m in RE_LINE_BREAKS.finditer(text):
        cuts.add(m.start())
        cuts.add(m.end())
    for m in CLAUSE_END_RE.finditer(text):
        cuts.add(m.end())
    for m in SPACED_DASH_RE.finditer(text):
        cuts.add(m.start())
    for m in OPEN_QUOTE_RE.finditer(text):
        cuts.add(m.start())
    for m in CLOSE_QUOTE_RE.finditer(text):
        cuts.add(m.end())
    return sorted(cuts)


def pieces(text: str) -> list[tuple[int, int]]:
    """Spans of the pieces (white space trimmed; empty pieces dropped)."""
    masked = mask_non_linguistic(text)  # no cuts inside URLs or handles
    out: list[tuple[int, int]] = []
    cuts = _cuts(masked)
    for a, b in itertools.pairwise(cuts):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


@dataclass
class Unit:
    """A stretch to classify: ``[start, end)`` of the text, and the text the classifier sees."""

    start: int
    end: int
    view: str
    words: int  # -1: not counted (the piece is not split)
    script: str | None = None  # the script the unit was reduced to, when its piece mixed scripts


def _word_script(word: str, scripts: Sequence[str]) -> str:
    for s in scripts:
        if script_re(s)[0].match(word):
            return s
    return ""


@lru_cache(maxsize=64)
def _groups(languages: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The candidates' scripts, and for each script the candidates writing it."""
    scripts = tuple(sorted({s for lang in languages for s in script_of(lang)}))
    return scripts, {s: tuple(sorted(lang for lang in languages if s in script_of(lang))) for s in scripts}


def units(text: str, span: tuple[int, int], languages: Sequence[str], *, min_run_words: int = 4) -> list[Unit]:
    """The units of one piece: the piece itself, or its script runs when it mixes scripts."""
    a, b = span
    view = mask_non_linguistic(text[a:b])
    scripts, group = _groups(tuple(languages))
    if len(set(group.values())) < 2 or not view or max(view) < LATIN_ONLY_BELOW:  # one script group only
        return [Unit(a, b, view, -1)]
    words = list(WORD_RE.finditer(view))
    # group scripts by the candidate languages that use them: scripts of one group never split a piece
    tagged = [(m, _word_script(m.group(), scripts)) for m in words]
    kinds = {group.get(s, ()) for _, s in tagged if s}
    if len(kinds) < 2:
        return [Unit(a, b, view, len(words))]
    # runs of consecutive words of one group
    runs: list[tuple[tuple[str, ...], int, int, int]] = []  # group, first word, last word, count
    for i, (_, s) in enumerate(tagged):
        g = group.get(s, ())
        if runs and (runs[-1][0] == g or not g):
            runs[-1] = (runs[-1][0], runs[-1][1], i, runs[-1][3] + 1)
        else:
            runs.append((g, i, i, 1))
    counts: dict[tuple[str, ...], tuple[int, int]] = {}
    for g, i, j, n in runs:
        letters = sum(len(tagged[k][0].group()) for k in range(i, j + 1))
        c = counts.get(g, (0, 0))
        counts[g] = (c[0] + n, c[1] + letters)
    dominant = max(sorted(counts), key=lambda g: counts[g])
    # blocks of consecutive runs: a long run of another script stands alone, the rest is dominant
    blocks: list[tuple[bool, int, int]] = []  # (split off, first word, last word)
    for g, i, j, n in runs:
        if g != dominant and n >= min_run_words:
            blocks.append((True, i, j))
        elif blocks and not blocks[-1][0]:
            blocks[-1] = (False, blocks[-1][1], j)
        else:
            blocks.append((False, i, j))
    out: list[Unit] = []
    for k, (alone, i, j) in enumerate(blocks):
        lo = 0 if k == 0 else words[i].start()
        hi = len(view) if k == len(blocks) - 1 else words[blocks[k + 1][1]].start()
        while lo < hi and text[a + lo].isspace():
            lo += 1
        while hi > lo and text[a + hi - 1].isspace():
            hi -= 1
        if alone:
            out.append(Unit(a + lo, a + hi, view[lo:hi], j - i + 1, "+".join(tagged[i][1:])))
        else:
            kept = [tagged[x][0].group() for x in range(i, j + 1) if group.get(tagged[x][1], ()) == dominant]
            out.append(Unit(a + lo, a + hi, " ".join(kept), len(kept), "+".join(dominant)))
    return out
