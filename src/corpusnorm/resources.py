"""Named regular expressions and data-file access, in one place (as in textacy's resources).

Regexes use the ``regex`` module for Unicode classes. Data files live in
``corpusnorm/data`` and are described, with their sources and licences, in its README.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources as _resources

import regex

# -- whitespace ----------------------------------------------------------------------------
#: Carriage returns: CRLF and lone CR become LF.
RE_CARRIAGE_RETURN = regex.compile(r"\r\n?")
#: Horizontal whitespace that is only spacing. Not included: NBSP U+00A0 and narrow NBSP
#: U+202F between two non-space characters (they bind "10 km", "M. Dupont"), and the
#: zero-width joiners U+200C/U+200D and the non-breaking hyphen U+2011 of Hindi text.
HSPACE = r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
#: A run of horizontal space that is more than one plain space, or a lone exotic space.
RE_SPACE_RUN = regex.compile(rf"{HSPACE}{{2,}}|\t|[\u1680\u2000-\u200a\u205f\u3000]")
#: Horizontal space at the end of a line (or of the text).
RE_TRAILING_SPACE = regex.compile(rf"{HSPACE}+(?=\n|\Z)")
#: Indentation at the start of a line (or of the text).
RE_LEADING_SPACE = regex.compile(rf"(?:(?<=\n)|\A){HSPACE}+")
#: Two or more blank lines (three or more line breaks, with only spacing between them).
RE_BLANK_LINES = regex.compile(rf"\n(?:{HSPACE}*\n){{2,}}")
#: Blank lines at the start of the text.
RE_LEADING_BLANK = regex.compile(r"\A\n+")
#: Blank lines at the end of the text (one final line break is kept).
RE_TRAILING_BLANK = regex.compile(r"\n{2,}\Z")
#: Soft hyphens: invisible, inserted by web layout, break word matching.
RE_SOFT_HYPHEN = regex.compile("\u00ad")
#: A line, with its line break if any.
RE_LINE = regex.compile(r"[^\n]*\n|[^\n]+\Z")

# -- text units -------------------------------------------------------------------------------
#: A word: letters and marks (Devanagari vowel signs are marks), digits, inner apostrophes.
RE_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*")
#: Any letter (for counting letters per language).
RE_LETTER = regex.compile(r"\p{L}")
#: URLs (including bare pic.twitter.com / t.co links).
RE_URL = regex.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+")


# -- data files -----------------------------------------------------------------------------
def data_path(name: str):  # -> importlib.resources.abc.Traversable
    """Path of a file shipped in ``corpusnorm/data``."""
    return _resources.files("corpusnorm") / "data" / name


@cache
def read_data(name: str) -> str:
    """Text of a data file (cached: read once per process)."""
    return data_path(name).read_text(encoding="utf-8")


@cache
def data_digest(name: str) -> str:
    """A short content hash of a data file, recorded in pipeline descriptions."""
    return "sha256:" + hashlib.sha256(data_path(name).read_bytes()).hexdigest()[:16]
