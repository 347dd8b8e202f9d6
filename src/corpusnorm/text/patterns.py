"""Named regular expressions shared by the stages, in one place (as in textacy's resources).

Regexes use the ``regex`` module for Unicode classes, and every one runs in linear time (issue 11):
a repeated class that could be scanned again from each position of a run starts only where the run
starts (a negative lookbehind) and is possessive (``++``, ``*+``), so no run is rescanned and nothing
is given back; ``tests/text/test_complexity.py`` checks each pattern on adversarial inputs.
Patterns that encode one stage's own grammar (reporting verbs, negation words, spelling folds) live
with that stage as named constants; what several stages read (words, white space, sentence ends,
URLs, quote marks) is here.
"""

from __future__ import annotations

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
RE_TRAILING_SPACE = regex.compile(rf"(?<!{HSPACE}){HSPACE}++(?=\n|\Z)")
#: Indentation at the start of a line (or of the text).
RE_LEADING_SPACE = regex.compile(rf"(?:(?<=\n)|\A){HSPACE}+")
#: Two or more blank lines (three or more line breaks, with only spacing between them).
RE_BLANK_LINES = regex.compile(rf"\n(?:{HSPACE}*+\n){{2,}}+")
#: Blank lines at the start of the text.
RE_LEADING_BLANK = regex.compile(r"\A\n+")
#: Blank lines at the end of the text (one final line break is kept).
RE_TRAILING_BLANK = regex.compile(r"(?<!\n)\n{2,}+\Z")
#: Soft hyphens: invisible, inserted by web layout, break word matching.
RE_SOFT_HYPHEN = regex.compile("\u00ad")
#: A line, with its line break if any.
RE_LINE = regex.compile(r"[^\n]*\n|[^\n]+\Z")

# -- text units -------------------------------------------------------------------------------
#: A word: letters and marks (Devanagari vowel signs are marks), digits, inner apostrophes.
RE_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*")
#: Any letter (for counting letters per language).
RE_LETTER = regex.compile(r"\p{L}")

# -- sentences --------------------------------------------------------------------------------
#: The end of a sentence: ``. ! ? …`` (with closing quotes/brackets) before white space; the Hindi
#: danda anywhere. Language identification cuts pieces here.
RE_SENTENCE_END = regex.compile(r"""(?<![.!?…])[.!?…]++["”’»)\]]*+(?=\s)|(?<![।॥])[।॥]++["”’»)\]]*+""")
#: The white space after a sentence end (or the point after a CJK full stop): quoted passages
#: are split into sentences here.
RE_SENTENCE_GAP = regex.compile(r"(?<=[.!?।॥…])\s+|(?<=[。！？])")
#: Text before a word that makes it sentence-initial (a sentence end, a line start, an opening quote).
#: The first case is a lookbehind from the end of the text, so it is tried there only, not from every position.
RE_BEFORE_SENTENCE_START = regex.compile(r"$(?<=[.!?:\n][\"'”’)\]]*+\s*)|^\s*+[\"“‘(\[]*+\s*+$")
#: Line breaks of any kind (a piece of text never spans one).
RE_LINE_BREAKS = regex.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")

# -- things that carry no language ----------------------------------------------------------------
#: A URL. A bare domain (``example.com/…``) starts only where a chain of labels starts (not after a
#: label character or "label."), so a long ``a.a.a.…`` is scanned once, not once per label.
RE_URL = regex.compile(
    r"(?:https?://|www\.)\S++|(?<![\w-]|[\w-]\.)(?=\w)(?:[\w-]++\.)++(?:com|org|net|edu|gov|io|co|ly|be|gl|me|it|in|uk|de|fr)/\S*+",
    regex.IGNORECASE,
)
RE_EMAIL = regex.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")
RE_HANDLE = regex.compile(r"(?<![\w@])[@#]\w++")
#: URLs, e-mail addresses, @handles and #hashtags: carry no language.
RE_NON_LINGUISTIC = regex.compile(f"{RE_URL.pattern}|{RE_EMAIL.pattern}|{RE_HANDLE.pattern}", regex.IGNORECASE)

# -- quotations -------------------------------------------------------------------------------------
#: Any quotation mark (straight, curly, guillemets, low-9, CJK corner brackets).
RE_QUOTE_MARK = regex.compile(r"[\"“”«»„‚‘’'‹›「」『』＂]")
#: What may separate the words of one phrase: spaces and tabs.
RE_PHRASE_GAP = regex.compile(r"[ \t]+")
#: A straight apostrophe (turned curly in a repair when the text writes curly ones).
RE_APOSTROPHE = regex.compile(r"'")

# -- language identification ----------------------------------------------------------------
#: What follows the first 64 characters of a "word" (a run of non-space): lingua's cost grows with
#: the length of a word (a 200k-character word took 7.7 CPU-s), and no real word is that long.
RE_LONG_WORD_TAIL = regex.compile(r"(?<!\S)\S{64}\K\S++")
