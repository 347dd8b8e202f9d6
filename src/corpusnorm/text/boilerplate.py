"""Page boilerplate: a table of line patterns (share/subscribe/comment footers, reading-time badges,
embed residue) and the removals it makes.

Table format (``data/boilerplate.tsv``): tab-separated ``id  scope  pattern[  note]``, ``#`` comments,
an optional header line. ``scope`` is ``line`` (the pattern must be a whole line, spaces around it
allowed; the line and any blank lines after it go) or ``inline`` (the match alone goes).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..backends.data import read_data
from ..document import Edit

__all__ = ["BOILERPLATE_FILE", "BoilerplateRule", "boilerplate_edits", "boilerplate_rules", "parse_boilerplate"]

BOILERPLATE_FILE = "boilerplate.tsv"
"""The shipped table in ``corpusnorm/data``."""

LINE_SPACE = r"[ \t\u00a0]"
"""Spaces allowed around a line rule's words."""


@dataclass(frozen=True)
class BoilerplateRule:
    id: str
    scope: str
    pattern: str

    @property
    def compiled(self) -> regex.Pattern[str]:
        return _compile_rule(self.scope, self.pattern)


@lru_cache(maxsize=1024)
def _compile_rule(scope: str, pattern: str) -> regex.Pattern[str]:
    if scope == "line":
        # a whole line, with its line break; spaces around the words allowed
        space = LINE_SPACE
        # The rule's match may not end in a space (the lookbehind) and the spaces around it are
        # possessive: a rule ending in \s* and the spaces after it can no longer share a run of spaces
        # in every possible way (that was quadratic in the run: "share" + 8,000 spaces took 0.2 s).
        return regex.compile(
            rf"(?m)^{space}*+(?:{pattern})(?<!{space}){space}*+(?:\n|\Z)(?:{space}*+\n)*+", regex.IGNORECASE
        )
    if scope == "inline":
        return regex.compile(pattern, regex.IGNORECASE)
    raise ValueError(f"unknown boilerplate scope {scope!r} (use 'line' or 'inline')")


def parse_boilerplate(text: str, *, source: str = "<string>") -> tuple[BoilerplateRule, ...]:
    """Read a boilerplate pattern table (see the module docstring for the format)."""
    rules = []
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        columns = raw.split("\t")
        if not header_seen and columns[:3] == ["id", "scope", "pattern"]:
            header_seen = True
            continue
        if len(columns) < 3:
            raise ValueError(f"{source}:{number}: expected id<TAB>scope<TAB>pattern[<TAB>note]")
        rule = BoilerplateRule(columns[0], columns[1], columns[2])
        try:
            rule.compiled  # noqa: B018 - validate early, with the line number
        except (regex.error, ValueError) as exc:
            raise ValueError(f"{source}:{number}: bad pattern {rule.pattern!r}: {exc}") from exc
        rules.append(rule)
    return tuple(rules)


@lru_cache(maxsize=16)
def boilerplate_rules(path: str | None = None) -> tuple[BoilerplateRule, ...]:
    """The shipped boilerplate rules, or those of a user's file."""
    if path is None:
        return parse_boilerplate(read_data(BOILERPLATE_FILE), source=BOILERPLATE_FILE)
    with open(path, encoding="utf-8") as handle:
        return parse_boilerplate(handle.read(), source=path)


def boilerplate_edits(
    text: str, rules: tuple[BoilerplateRule, ...] | None = None, *, stage: str = "clean"
) -> list[Edit]:
    """Removals of boilerplate lines and embed residue; first matching rule wins."""
    rules = boilerplate_rules() if rules is None else rules
    found: dict[int, Edit] = {}
    starts: list[int] = []  # sorted starts of the (disjoint) removals found so far

    def overlaps(s: int, e: int) -> bool:
        """Whether [s, e) overlaps a removal found: only the last one starting before ``e`` can
        (disjoint and sorted, their ends grow with their starts): O(log n), not O(n) per match."""
        i = bisect.bisect_left(starts, e) - 1
        return i >= 0 and s < found[starts[i]].end

    for rule in rules:
        for match in rule.compiled.finditer(text):
            if match.end() == match.start():
                continue
            start, end = match.start(), match.end()
            if rule.scope == "line" and end == len(text) and not match.group().endswith("\n") and start > 0:
                if not overlaps(start - 1, end):
                    start -= 1  # the last line has no break of its own: take the one before it
            if overlaps(start, end):
                continue
            found[start] = Edit(start, end, text[start:end], "", stage=stage, rule=f"boilerplate:{rule.id}")
            bisect.insort(starts, start)
    return [found[k] for k in sorted(found)]
