"""The clean stage: encoding repair (ftfy), Unicode NFC, page boilerplate, whitespace.

Every change is an :class:`~corpusnorm.document.Edit` with a rule name:

- ``ftfy:<fixer>[,<fixer>…]`` — ftfy's own plan for that line (``fix_and_explain``), kept in the
  edit's ``evidence`` as JSON so :func:`ftfy.apply_plan` replays it;
- ``unicode:nfc``, ``unicode:soft-hyphen``;
- ``boilerplate:<id>`` — a pattern of ``data/boilerplate.tsv``;
- ``ws:line-endings``, ``ws:trailing``, ``ws:indent``, ``ws:spaces``, ``ws:blank-lines``,
  ``ws:document-edges``.

Curly quotes are kept (ftfy's ``uncurl_quotes`` is off): in news text they delimit quotations and
carry meaning (’ vs ' in "Rilke’s"), and the aligner is tolerant to quote style anyway.

Each step is also a plain ``str -> str`` function (``fix_encoding``, ``normalize_unicode``,
``remove_boilerplate``, ``normalize_whitespace``, ``clean_text``) for use outside the pipeline.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import ftfy
import regex

from . import resources as R
from .document import Document, Edit, apply_edits
from .pipeline import Stage, package_version, register_stage

__all__ = [
    "BoilerplateRule",
    "CleanConfig",
    "CleanStage",
    "boilerplate_rules",
    "clean_edits",
    "clean_text",
    "fix_encoding",
    "normalize_unicode",
    "normalize_whitespace",
    "remove_boilerplate",
]

STAGE = "clean"
BOILERPLATE_FILE = "boilerplate.tsv"

FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # curly quotes carry meaning in quotations
    fix_line_breaks=False,  # done by ws:line-endings, under our own rule name
    normalization=None,  # done by unicode:nfc, under our own rule name
    fix_character_width=False,  # full-width punctuation is correct in Chinese and Japanese text
    explain=True,
)


# -- helpers ------------------------------------------------------------------------------
def _minimal_edit(offset: int, before: str, after: str, rule: str, evidence: str = "") -> Edit:
    """An edit of ``before`` -> ``after`` trimmed to the characters that differ."""
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
        stage=STAGE,
        rule=rule,
        evidence=evidence,
    )


Replacement = str | Callable[[regex.Match[str]], str]


def _regex_edits(text: str, pattern: regex.Pattern[str], replacement: Replacement, rule: str) -> list[Edit]:
    edits = []
    for match in pattern.finditer(text):
        after = replacement(match) if callable(replacement) else replacement
        if after != match.group():
            edits.append(Edit(match.start(), match.end(), match.group(), after, stage=STAGE, rule=rule))
    return edits


# -- steps ----------------------------------------------------------------------------------
def ftfy_edits(text: str) -> list[Edit]:
    """ftfy's fixes, line by line, each line's plan named in the rule and kept as evidence."""
    edits = []
    for line in R.RE_LINE.finditer(text):
        fixed, plan = ftfy.fix_and_explain(line.group(), FTFY_CONFIG)
        if fixed != line.group() and plan:
            names = ",".join(name if kind == "apply" else f"{kind}:{name}" for kind, name in plan)
            evidence = json.dumps([list(step) for step in plan])
            edits.append(_minimal_edit(line.start(), line.group(), fixed, f"ftfy:{names}", evidence))
    return edits


def nfc_edits(text: str) -> list[Edit]:
    """Unicode NFC, line by line (a no-op on text that is already NFC, the common case)."""
    if unicodedata.is_normalized("NFC", text):
        return []
    edits = []
    for line in R.RE_LINE.finditer(text):
        composed = unicodedata.normalize("NFC", line.group())
        if composed != line.group():
            edits.append(_minimal_edit(line.start(), line.group(), composed, "unicode:nfc"))
    return edits


def soft_hyphen_edits(text: str) -> list[Edit]:
    return _regex_edits(text, R.RE_SOFT_HYPHEN, "", "unicode:soft-hyphen")


@dataclass(frozen=True)
class BoilerplateRule:
    id: str
    scope: str
    pattern: str
    note: str

    @property
    def compiled(self) -> regex.Pattern[str]:
        return _compile_rule(self.scope, self.pattern)


@cache
def _compile_rule(scope: str, pattern: str) -> regex.Pattern[str]:
    if scope == "line":
        # a whole line, with its line break; spaces around the words allowed
        space = r"[ \t\u00a0]"
        return regex.compile(rf"(?m)^{space}*(?:{pattern}){space}*(?:\n|\Z)(?:{space}*\n)*", regex.IGNORECASE)
    if scope == "inline":
        return regex.compile(pattern, regex.IGNORECASE)
    raise ValueError(f"unknown boilerplate scope {scope!r} (use 'line' or 'inline')")


def parse_boilerplate(text: str, *, source: str = "<string>") -> tuple[BoilerplateRule, ...]:
    """Read a boilerplate pattern table (see ``data/boilerplate.tsv`` for the format)."""
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
        rule = BoilerplateRule(columns[0], columns[1], columns[2], columns[3] if len(columns) > 3 else "")
        try:
            rule.compiled  # noqa: B018 - validate early, with the line number
        except (regex.error, ValueError) as exc:
            raise ValueError(f"{source}:{number}: bad pattern {rule.pattern!r}: {exc}") from exc
        rules.append(rule)
    return tuple(rules)


@cache
def boilerplate_rules(path: str | None = None) -> tuple[BoilerplateRule, ...]:
    """The shipped boilerplate rules, or those of a user's file."""
    if path is None:
        return parse_boilerplate(R.read_data(BOILERPLATE_FILE), source=BOILERPLATE_FILE)
    with open(path, encoding="utf-8") as handle:
        return parse_boilerplate(handle.read(), source=path)


def boilerplate_edits(text: str, rules: tuple[BoilerplateRule, ...] | None = None) -> list[Edit]:
    """Removals of boilerplate lines and embed residue; first matching rule wins."""
    rules = boilerplate_rules() if rules is None else rules
    found: dict[int, Edit] = {}
    for rule in rules:
        for match in rule.compiled.finditer(text):
            if match.end() == match.start():
                continue
            start, end = match.start(), match.end()
            overlaps = lambda s, e: any(s < f.end and f.start < e for f in found.values())  # noqa: E731
            if rule.scope == "line" and end == len(text) and not match.group().endswith("\n") and start > 0:
                if not overlaps(start - 1, end):
                    start -= 1  # the last line has no break of its own: take the one before it
            if overlaps(start, end):
                continue
            found[start] = Edit(start, end, text[start:end], "", stage=STAGE, rule=f"boilerplate:{rule.id}")
    return [found[k] for k in sorted(found)]


def _whitespace_steps() -> list[tuple[str, regex.Pattern[str], Replacement]]:
    return [
        ("ws:trailing", R.RE_TRAILING_SPACE, ""),
        ("ws:indent", R.RE_LEADING_SPACE, ""),
        ("ws:spaces", R.RE_SPACE_RUN, " "),
        ("ws:blank-lines", R.RE_BLANK_LINES, "\n\n"),
        ("ws:document-edges", R.RE_LEADING_BLANK, ""),
        ("ws:document-edges", R.RE_TRAILING_BLANK, "\n"),
    ]


# -- the stage ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CleanConfig:
    fix_encoding: bool = True
    """Repair mojibake and other encoding damage with ftfy."""
    normalize_unicode: bool = True
    """Unicode NFC and soft-hyphen removal."""
    boilerplate: bool = True
    """Remove page boilerplate lines (share/subscribe/comment footers, reading-time badges …)."""
    boilerplate_file: str | None = None
    """A user's pattern table instead of the shipped ``data/boilerplate.tsv``."""
    whitespace: bool = True
    """Line endings, runs of spaces, indentation, blank lines."""


def _steps(config: CleanConfig) -> list[Callable[[str], list[Edit]]]:
    steps: list[Callable[[str], list[Edit]]] = []
    if config.fix_encoding:
        steps.append(ftfy_edits)
    if config.normalize_unicode:
        steps += [nfc_edits, soft_hyphen_edits]
    if config.whitespace or config.boilerplate:
        # line-based rules need plain LF line breaks
        steps.append(lambda t: _regex_edits(t, R.RE_CARRIAGE_RETURN, "\n", "ws:line-endings"))
    if config.boilerplate:
        rules = boilerplate_rules(config.boilerplate_file)
        steps.append(lambda t: boilerplate_edits(t, rules))
    if config.whitespace:
        for rule, pattern, replacement in _whitespace_steps():
            steps.append(lambda t, p=pattern, r=replacement, n=rule: _regex_edits(t, p, r, n))
    return steps


def clean_document(doc: Document, config: CleanConfig | None = None) -> Document:
    for step in _steps(config or CleanConfig()):
        doc.apply_edits(step(doc.text))
    return doc


def clean_edits(text: str, **options: bool | str | None) -> list[Edit]:
    """The clean stage's edits of ``text`` (original coordinates). Options: see CleanConfig."""
    doc = clean_document(Document.new(text, doc_id="-"), CleanConfig(**options))  # type: ignore[arg-type]
    return doc.edits


def clean_text(text: str, **options: bool | str | None) -> str:
    """Run the whole clean stage on a string. Options: see :class:`CleanConfig`."""
    return apply_edits(text, clean_edits(text, **options))


def fix_encoding(text: str) -> str:
    """Repair mojibake, HTML entities and control characters with ftfy (curly quotes kept)."""
    return apply_edits(text, ftfy_edits(text))


def normalize_unicode(text: str) -> str:
    """NFC and soft-hyphen removal."""
    return clean_text(text, fix_encoding=False, boilerplate=False, whitespace=False)


def remove_boilerplate(text: str, *, patterns: str | None = None) -> str:
    """Drop boilerplate lines (the shipped table, or the TSV file ``patterns``)."""
    text = apply_edits(text, _regex_edits(text, R.RE_CARRIAGE_RETURN, "\n", "ws:line-endings"))
    return apply_edits(text, boilerplate_edits(text, boilerplate_rules(patterns)))


def normalize_whitespace(text: str) -> str:
    """Line endings, trailing spaces, indentation, space runs and blank lines."""
    return clean_text(text, fix_encoding=False, normalize_unicode=False, boilerplate=False)


@register_stage
class CleanStage(Stage):
    """Encoding repair, Unicode normalisation, boilerplate and whitespace, as edits."""

    name = "clean"
    config_class = CleanConfig

    def __call__(self, doc: Document) -> Document:
        return clean_document(doc, self.config)

    def versions(self) -> dict[str, str]:
        versions = {"ftfy": package_version("ftfy"), "unicodedata": unicodedata.unidata_version}
        if self.config.boilerplate and self.config.boilerplate_file is None:
            versions[f"data:{BOILERPLATE_FILE}"] = R.data_digest(BOILERPLATE_FILE)
        return versions
