"""Building :class:`~corpusnorm.document.Edit` lists from plain string operations."""

from __future__ import annotations

from collections.abc import Callable

import regex

from ..document import Edit

__all__ = ["Replacement", "minimal_edit", "regex_edits", "shift_edit"]

Replacement = str | Callable[[regex.Match[str]], str]
"""What replaces a match: a string, or a function of the match."""


def minimal_edit(offset: int, before: str, after: str, *, stage: str, rule: str, evidence: str = "") -> Edit:
    """An edit of ``before`` -> ``after`` (``before`` starting at ``offset``) trimmed to the characters
    that differ."""
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    return Edit(
        offset + prefix,
        offset + len(before) - suffix,
        before[prefix : len(before) - suffix],
        after[prefix : len(after) - suffix],
        stage=stage,
        rule=rule,
        evidence=evidence,
    )


def regex_edits(
    text: str, pattern: regex.Pattern[str], replacement: Replacement, *, stage: str, rule: str
) -> list[Edit]:
    """One edit per match of ``pattern`` whose replacement differs from it."""
    edits = []
    for match in pattern.finditer(text):
        after = replacement(match) if callable(replacement) else replacement
        if after != match.group():
            edits.append(Edit(match.start(), match.end(), match.group(), after, stage=stage, rule=rule))
    return edits


def shift_edit(edit: Edit, offset: int) -> Edit:
    """``edit`` moved by ``offset`` characters (from a slice's coordinates to the whole text's)."""
    return Edit(
        edit.start + offset,
        edit.end + offset,
        edit.before,
        edit.after,
        edit.stage,
        edit.rule,
        edit.confidence,
        edit.evidence,
    )
