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
from dataclasses import dataclass

import ftfy

from .backends.data import data_digest
from .document import Document, Edit, apply_edits
from .pipeline import Stage, register_stage
from .text import patterns as P
from .text.boilerplate import BOILERPLATE_FILE, BoilerplateRule, boilerplate_edits, boilerplate_rules
from .text.edits import minimal_edit, regex_edits
from .text.whitespace import Step, line_ending_edits, whitespace_steps
from .versions import package_version

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

FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # curly quotes carry meaning in quotations
    fix_line_breaks=False,  # done by ws:line-endings, under our own rule name
    normalization=None,  # done by unicode:nfc, under our own rule name
    fix_character_width=False,  # full-width punctuation is correct in Chinese and Japanese text
    explain=True,
)


# -- steps ----------------------------------------------------------------------------------
def ftfy_edits(text: str) -> list[Edit]:
    """ftfy's fixes, line by line, each line's plan named in the rule and kept as evidence."""
    edits = []
    for line in P.RE_LINE.finditer(text):
        fixed, plan = ftfy.fix_and_explain(line.group(), FTFY_CONFIG)
        if fixed != line.group() and plan:
            names = ",".join(name if kind == "apply" else f"{kind}:{name}" for kind, name in plan)
            evidence = json.dumps([list(step) for step in plan])
            rule = f"ftfy:{names}"
            edits.append(minimal_edit(line.start(), line.group(), fixed, stage=STAGE, rule=rule, evidence=evidence))
    return edits


def nfc_edits(text: str) -> list[Edit]:
    """Unicode NFC, line by line (a no-op on text that is already NFC, the common case)."""
    if unicodedata.is_normalized("NFC", text):
        return []
    edits = []
    for line in P.RE_LINE.finditer(text):
        composed = unicodedata.normalize("NFC", line.group())
        if composed != line.group():
            edits.append(minimal_edit(line.start(), line.group(), composed, stage=STAGE, rule="unicode:nfc"))
    return edits


def soft_hyphen_edits(text: str) -> list[Edit]:
    return regex_edits(text, P.RE_SOFT_HYPHEN, "", stage=STAGE, rule="unicode:soft-hyphen")


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


def _steps(config: CleanConfig) -> list[Step]:
    steps: list[Step] = []
    if config.fix_encoding:
        steps.append(ftfy_edits)
    if config.normalize_unicode:
        steps += [nfc_edits, soft_hyphen_edits]
    if config.whitespace or config.boilerplate:
        # line-based rules need plain LF line breaks
        steps.append(lambda t: line_ending_edits(t, stage=STAGE))
    if config.boilerplate:
        rules = boilerplate_rules(config.boilerplate_file)
        steps.append(lambda t: boilerplate_edits(t, rules, stage=STAGE))
    if config.whitespace:
        steps += whitespace_steps(stage=STAGE)
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
    text = apply_edits(text, line_ending_edits(text, stage=STAGE))
    return apply_edits(text, boilerplate_edits(text, boilerplate_rules(patterns), stage=STAGE))


def normalize_whitespace(text: str) -> str:
    """Line endings, trailing spaces, indentation, space runs and blank lines."""
    return clean_text(text, fix_encoding=False, normalize_unicode=False, boilerplate=False)


@register_stage
class CleanStage(Stage):
    """Encoding repair, Unicode normalisation, boilerplate and whitespace, as edits."""

    name = "clean"
    config_class = CleanConfig
    reads = ("text",)
    writes = ("text", "edits")

    def check(self) -> None:
        if self.config.boilerplate:
            boilerplate_rules(self.config.boilerplate_file)  # a missing or bad table fails here, once

    def __call__(self, doc: Document) -> Document:
        return clean_document(doc, self.config)

    def versions(self) -> dict[str, str]:
        versions = {"ftfy": package_version("ftfy"), "unicodedata": unicodedata.unidata_version}
        if self.config.boilerplate and self.config.boilerplate_file is None:
            versions[f"data:{BOILERPLATE_FILE}"] = data_digest(BOILERPLATE_FILE)
        return versions
