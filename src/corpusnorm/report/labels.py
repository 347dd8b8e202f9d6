"""Reader-facing names for rule ids (the raw id stays available on hover) and word-level differences."""

from __future__ import annotations

import difflib
import html

import regex

__all__ = ["marked_differences", "rule_label"]

WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)*")

#: rule prefix -> (name, whether the part after the colon says something to a reader)
RULE_NAMES: dict[str, tuple[str, bool]] = {
    "ws": ("white space", True),
    "boilerplate": ("boilerplate removed", True),
    "ftfy": ("encoding repaired", False),
    "unicode": ("Unicode", True),
    "wordnet": ("thesaurus guess (WordNet sense)", False),
    "bigram": ("thesaurus guess (word pairs)", False),
    "model": ("thesaurus guess", False),
}


def _part_label(rule: str, stage: str) -> str:
    prefix, colon, detail = rule.partition(":")
    if not colon:
        return rule.replace("-", " ")
    known = RULE_NAMES.get(prefix)
    if known is not None:
        name, with_detail = known
        return f"{name}: {detail.replace('-', ' ')}" if with_detail and detail else name
    if stage == "repair":  # lexicon entries are named <source>:<n>
        return f"spinner lexicon ({prefix})"
    return rule


def rule_label(rule: str, stage: str = "") -> str:
    """A name a reader understands for an edit's rule: ``ws:blank-lines`` -> ``white space: blank lines``,
    ``issue4:1`` (a repair lexicon entry) -> ``spinner lexicon (issue4)``; composed rules (``a+b``) are
    labelled part by part."""
    stages = stage.split("+")
    parts = rule.split("+")
    labels = [_part_label(p, stages[i] if i < len(stages) else "") for i, p in enumerate(parts)]
    return " + ".join(dict.fromkeys(labels))


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().casefold()) for m in WORD_RE.finditer(text)]


def _mark(text: str, words: list[tuple[int, int, str]], differing: set[int]) -> str:
    out, at = [], 0
    for index, (start, end, _) in enumerate(words):
        if index in differing:
            out.append(html.escape(text[at:start]))
            out.append(f'<mark class="dw">{html.escape(text[start:end])}</mark>')
            at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def marked_differences(article: str, quote: str) -> tuple[str, str]:
    """Both texts as escaped HTML with the words that differ between them in ``<mark class="dw">``
    (a word-level alignment, case-insensitive; punctuation ignored)."""
    a_words, q_words = _words(article), _words(quote)
    matcher = difflib.SequenceMatcher(a=[w for *_, w in a_words], b=[w for *_, w in q_words], autojunk=False)
    a_diff: set[int] = set()
    q_diff: set[int] = set()
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            a_diff.update(range(a1, a2))
            q_diff.update(range(b1, b2))
    return _mark(article, a_words, a_diff), _mark(quote, q_words, q_diff)
