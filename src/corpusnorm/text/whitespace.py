"""White-space rules as edits: line endings, trailing spaces, indentation, space runs, blank lines."""

from __future__ import annotations

from collections.abc import Callable

import regex

from ..document import Document, Edit
from . import patterns as P
from .edits import Replacement, regex_edits

__all__ = ["WHITESPACE_RULES", "Step", "line_ending_edits", "tidy_edits", "whitespace_steps"]

Step = Callable[[str], list[Edit]]
"""A rule as a function: the edits it makes to a text (in that text's coordinates)."""

WHITESPACE_RULES: tuple[tuple[str, regex.Pattern[str], Replacement], ...] = (
    ("ws:trailing", P.RE_TRAILING_SPACE, ""),
    ("ws:indent", P.RE_LEADING_SPACE, ""),
    ("ws:spaces", P.RE_SPACE_RUN, " "),
    ("ws:blank-lines", P.RE_BLANK_LINES, "\n\n"),
    ("ws:document-edges", P.RE_LEADING_BLANK, ""),
    ("ws:document-edges", P.RE_TRAILING_BLANK, "\n"),
)
"""(rule name, pattern, replacement), applied in this order, each on the text the previous left."""


def line_ending_edits(text: str, *, stage: str) -> list[Edit]:
    """CRLF and lone CR become LF (line-based rules need plain LF line breaks)."""
    return regex_edits(text, P.RE_CARRIAGE_RETURN, "\n", stage=stage, rule="ws:line-endings")


def whitespace_steps(*, stage: str) -> list[Step]:
    """The rules of :data:`WHITESPACE_RULES` as steps, in order."""
    return [
        lambda t, p=pattern, r=replacement, n=rule: regex_edits(t, p, r, stage=stage, rule=n)
        for rule, pattern, replacement in WHITESPACE_RULES
    ]


def tidy_edits(text: str, *, stage: str) -> list[Edit]:
    """Line endings and every white-space rule, run one after the other on ``text``; the edits in
    ``text``'s coordinates (composed where one rule's output feeds the next)."""
    doc = Document.new(text, doc_id="-")
    for step in [lambda t: line_ending_edits(t, stage=stage), *whitespace_steps(stage=stage)]:
        doc.apply_edits(step(doc.text))
    return doc.edits
