"""Passages of a text worth comparing across languages: quoted passages, clauses around quoted
fragments, unquoted reported speech (and, on request, every sentence)."""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import regex

from ..backends.wordfreq import zipf as _zipf
from ..quotes import Quote
from ..text.patterns import RE_QUOTE_MARK, RE_SENTENCE_GAP, RE_WORD
from .intervals import overlap_test
from .prepared import PreparedQuotes
from .tokens import _norm

LETTER_RE = regex.compile(r"\p{L}")

_SP = r"[^\S\n]*+"  # spaces inside guillemets (« … », French style), possessive
QUOTED_RE = regex.compile(
    r"“(?P<q>[^“”\n]{3,800})”"
    r"|„(?P<q>[^„“”\n]{3,800})[“”]"
    r"|(?<![\p{L}\p{N}])”(?P<q>[^“”\n]{3,800})”"  # Swedish, Finnish
    r"|‚(?P<q>[^‚‘’\n]{3,800})[‘’]"  # German, Polish single low-high
    rf"|«{_SP}(?P<q>[^«»\s](?:[^«»\n]{{0,798}}(?<!\s))?){_SP}»"
    rf"|»{_SP}(?P<q>[^«»\s](?:[^«»\n]{{0,798}}(?<!\s))?){_SP}[«»]"  # German »…«, Swedish »…»
    r"|‹(?P<q>[^‹›\n]{3,800})›|›(?P<q>[^‹›\n]{3,800})‹"
    r'|"(?P<q>[^"\n]{3,800})"'
    r"|＂(?P<q>[^＂\n]{2,800})＂"
    r"|(?<![\p{L}\p{M}\p{N}])['‘](?P<q>[^'‘’\n]{3,800}?)['’](?![\p{L}\p{M}\p{N}])"
    r"|「(?P<q>[^「」\n]{2,800})」"
    r"|『(?P<q>[^『』\n]{2,800})』"
    r"|(?<=[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}：:，,])[‘'](?P<q>[^'‘’\n]{2,800}?)[’']"
)
CLAUSE_BOUNDARY_RE = regex.compile(r"[.!?।॥;:,\n。！？；：，、]")
SENTENCE_BOUNDARY_RE = regex.compile(r"[.!?।॥\n。！？]")
UNSPACED_SCRIPTS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"  # written without spaces
UNSPACED_SCRIPT_RE = regex.compile(f"[{UNSPACED_SCRIPTS}]")
UNSPACED_CHARS_PER_WORD = 2  # scripts written without spaces: count a word per two characters

PASSAGE_MODES = ("quoted", "reported", "sentences")
# the default since the int8 kernel made the model ~2.7x cheaper (docs/align.md, "Paraphrase matcher")
DEFAULT_PASSAGES = "reported"
CLAUSE_WINDOW = 300  # characters searched for the clause around a short quoted fragment
# Unquoted reported speech (a cheap candidate source: only sentences with a reporting verb or a colon).
_REPORTING_VERBS = (
    r"said|says|wrote|writes|added|adds|explained|explains|argued|argues|noted|notes|stated|states"
    r"|scrive|ha scritto|scriveva|dice|ha detto|afferma|ha affermato|spiega|ha spiegato|aggiunge|ha aggiunto"
    r"|sostiene|osserva|precisa|racconta"
    r"|escribe|escribió|dice|dijo|afirma|afirmó|explica|explicó|añade|añadió|asegura|aseguró|señala|señaló"
    r"|écrit|a écrit|dit|a dit|affirme|a affirmé|explique|a expliqué|ajoute|a ajouté|souligne|indique|a indiqué"
    r"|schreibt|schrieb|sagt|sagte|erklärt|erklärte|betont|betonte|meint|meinte"
    r"|escreve|escreveu|diz|disse|afirma|afirmou|explica|explicou|acrescenta|acrescentou"
    r"|пишет|написал|написала|говорит|сказал|сказала|заявил|заявила|отмечает|отметил|добавил|объясняет"
    r"|लिखा|कहा|बताया|लिखते हैं|कहते हैं"
    r"|و?(?:كتب|قال|أضاف|أوضح|أكد)"
)
_THAT = r"(?:that|che|di|que|dass|что|कि|أن|أنه|أنها|إن|إنه|إنها)(?![\p{L}\p{M}])|qu['’]"
_NOT_IN_WORD = r"(?![\p{L}\p{M}])"
# a reporting verb then 'that' (or a comma: "Er schreibt, er habe ..."); a colon before unquoted words, not one
# between two digits (a time of day, "11:20 AM IST", introduces no speech)
REPORTED_AFTER_RE = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}])(?:{_REPORTING_VERBS}){_NOT_IN_WORD}[^\S\n]*(?:,[^\S\n]*(?:(?:{_THAT})[^\S\n]*)?|(?:{_THAT})[^\S\n]*)"
    r"|(?:写道|表示|说|称|指出)[，,：:]"
    r"|[:：](?<!\p{N}[:：](?=\p{N}))[^\S\n]*(?=[\p{L}\p{N}])",
    regex.IGNORECASE,
)
REPORTED_BEFORE_RE = regex.compile(r"(?:と|だと)(?:述べ|書い|語っ|記し|明かし|説明し)|という(?=。)")  # Japanese
REPORTED_BEFORE_BREAK_RE = regex.compile(r"[、。！？「」『』\n]")
REPORTED_BEFORE_MAX_CHARS = 200
REPORTED_MAX_WORDS = 40  # longer unquoted passages after a reporting verb are narration, not a rendering
SHORT_QUOTED_WORDS = (2, 3)  # a quoted fragment of this many words is also compared with its clause
# A quoted fragment opening mid-clause ("und sich „für eine Zeit unsichtbar machen“", "他计划搬回英国，“让自己…”")
# is also compared with the clause that carries it: the words before the opening mark in its clause, or, when a
# comma stands right before the mark, the clause before that comma. Not for a quote opening a sentence or
# following a colon ("He writes: “…”"), nor for a quoted whole sentence (ending in . ! ? 。 inside the marks); a
# reporting frame at the clause's start ("la ministra ha affermato che") is left out. Only fragments of 4-16 words
# (4-8 until December 2026: on benchmarks/data/dev_recall the renderings found were 4-7 words; on dev_partial, 9-16-word
# fragments inside reported speech gave 2 more of 42 partial renderings, 0 false, +0 model tokens on the seeds and +3 %
# on the held-out corpus; longer ones gained nothing more: docs/align.md, "Partial renderings").
MID_CLAUSE_WORDS = (4, 16)
MID_CLAUSE_COMMA_RE = regex.compile(r"[,，、][^\S\n]*+$")
MID_CLAUSE_WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}][^\S\n]*+$")
# a lookbehind from the end of the text: tried there only, not from every sentence mark (linear)
QUOTED_SENTENCE_END_RE = regex.compile(r"$(?<=[.!?。！？…][^\p{L}\p{N}]*)")
CROSS_MIN_WORDS = 3  # shorter quoted passages carry too little meaning to embed
# Sub-spans of a long candidate (a quote rendered as one clause of a longer quoted or reported sentence, diluted
# in it): its clauses (cut at , ; : and the CJK 、，；：) one or two at a time, compared only when the whole
# candidate came close to a quote without reaching the floors (benchmarks/data/dev_xling2; docs/align.md,
# "Renderings inside longer sentences").
SUBSPAN_MIN_WORDS = 8  # a candidate this long (and with two clauses or more) has sub-spans
SUBSPAN_MAX_PIECES = 2  # consecutive clauses per sub-span
SUBSPAN_BREAK_RE = regex.compile(r"[,;:，、；：]")
CROSS_MAX_CANDIDATES = 48  # per text, quoted passages first (bounds the embedding time)
SAME_LANGUAGE_SHARE = 0.6  # share of a passage's words that are words of the quote language: same language
WORD_ZIPF = 3.0  # wordfreq Zipf frequency above which a word counts as a word of a language


# (langs) Page furniture: a line of keywords is never a rendering of a quote. A tag line, a furniture label and a
# colon before a comma-separated list of 1-4-word items ("Etiketler: yapay zekâ, Nordlys, istifa, şiir", "Tag: AI,
# Nordlys", "الوسوم: …"); or any line of three items or more, each opening with a capital or a digit, after at
# most a short label ("Dela: Facebook | X | LinkedIn", "AI, Nordlys, Jonas Brandt, Poetry"). A list in lower case
# with no furniture label ("Plans: poetry, coaching, group work") may be a summary and stays a candidate.
FURNITURE_LABELS = (
    r"tags?|tagged|keywords?|topics|etiketler|anahtar kelimeler|taggar|etiketter|nyckelord|trefwoorden|tagi"
    r"|słowa kluczowe|etichete|cuvinte cheie|label|kata kunci|oznake|ključne riječi|štítky|klíčová slova|avainsanat"
    r"|asiasanat|címkék|kulcsszavak|từ khóa|thẻ|теги|мітки|ключові слова|метки|ключевые слова|ετικέτες"
    r"|λέξεις[- ]κλειδιά|emneord|nøgleord|stikkord|schlagwörter|schlagworte|stichwörter|argomenti|etiquetas"
    r"|palavras-chave|mots[- ]clés|태그|키워드|الوسوم|الكلمات المفتاحية|كلمات مفتاحية|タグ|标签|標籤|关键词|टैग"
)
_ITEM = r"[^\s,،、|·•/.!?;:：“”„«»\"]++(?:[^\S\n]++[^\s,،、|·•/.!?;:：“”„«»\"]++){0,3}+"
_CAP_ITEM = rf"(?=[\p{{Lu}}\p{{N}}]){_ITEM}"
_ITEM_SEP = r"[^\S\n]*+[,،、|·•/][^\S\n]*+"
# (a line's start only: tried from every position, the pattern would scan a long line once per position)
FURNITURE_LINE_RE = regex.compile(
    rf"(?m)^[^\S\n]*+(?:(?i:{FURNITURE_LABELS})[^\S\n]*+[:：][^\S\n]*+{_ITEM}(?:{_ITEM_SEP}{_ITEM})++"
    rf"|(?:[^\s:：]++(?:[^\S\n]++[^\s:：]++){{0,2}}+[^\S\n]*+[:：][^\S\n]*+)?{_CAP_ITEM}(?:{_ITEM_SEP}{_CAP_ITEM}){{2,}}+)"
    r"[^\S\n]*+"
)


def furniture_line(text: str, start: int, end: int) -> bool:
    """Is text[start:end] part of a line of keywords (:data:`FURNITURE_LINE_RE`: a tag line, share buttons)?"""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return FURNITURE_LINE_RE.fullmatch(text, lo, len(text) if hi < 0 else hi) is not None


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    text: str
    quoted: bool = True
    """Inside quote marks or around a quoted fragment; unquoted renderings are paraphrases."""
    fragment: tuple[int, int] | None = None
    """For the clause of a fragment opening mid-clause: the fragment's own candidate span; for a sub-span of a
    long passage: that passage's span. Such a candidate is embedded only when the passage at ``fragment`` came
    close to a quote without reaching the floors (:mod:`.crosslingual`)."""
    subspan: bool = False
    """A clause run inside a longer candidate (:func:`_subspans`): stricter cosine floor."""


def _word_weights(text: str) -> Iterator[int]:
    """Each word of ``text`` as :func:`_word_count` counts it (lazily: :func:`_at_most_words` stops early)."""
    for m in RE_WORD.finditer(text):
        word = m.group()
        yield max(1, len(word) // UNSPACED_CHARS_PER_WORD) if UNSPACED_SCRIPT_RE.match(word) else 1


def _word_count(text: str) -> int:
    """Words of ``text``; a run of a script written without spaces counts one word per two characters."""
    return sum(_word_weights(text))


def _at_most_words(text: str, limit: int) -> bool:
    """``_word_count(text) <= limit``, reading only as far as the words that decide it."""
    return all(count <= limit for count in itertools.accumulate(_word_weights(text)))


def _word_share(words: list[str], language: str) -> float:
    return sum(_zipf(w, language) >= WORD_ZIPF for w in words) / len(words)


PASSAGE_LID_MIN_PROB = 0.6  # fastText's probability for a passage's own language to be trusted
PASSAGE_LID_MIN_LETTERS = 12  # shorter passages keep the article's language
PASSAGE_LID_CACHE_SIZE = 1 << 14  # passages whose language is remembered per process (bounded)


@functools.lru_cache(maxsize=PASSAGE_LID_CACHE_SIZE)
def _passage_language(text: str) -> str | None:
    """The passage's language by fastText (the detect stage's model), when it is confident."""
    if len(LETTER_RE.findall(text)) < PASSAGE_LID_MIN_LETTERS:
        return None
    try:
        from ..backends.lid import fasttext_best
    except ImportError:  # pragma: no cover - detect's dependencies are part of the package
        return None
    code, prob = fasttext_best(text.replace("\n", " "))
    return code if prob >= PASSAGE_LID_MIN_PROB and code != "und" else None


LATIN_CAPITAL_RE = regex.compile(r"(?=\p{Latin})\p{Lu}")  # a word starting with a Latin capital letter
# the Latin part of a word that runs on into a script written without spaces ("AIの安全性に" -> "AI")
DOTTED_I = "i\u0307"  # Turkish "İ" lowercased: i and a combining dot above, which no word list spells
LATIN_RUN_RE = regex.compile(r"[\p{Latin}\p{N}'’-]+")
NAME_MAX_ZIPF = 3.0  # a capitalised word at most this common in the passage's language is a name
NOUN_CAPITALISING_LANGUAGES = frozenset({"de", "lb"})  # every noun capitalised: a rare noun is not a name
TITLE_CASE_SHARE = 0.8  # a passage whose words of 4+ letters are this often capitalised is a title: not judged


@functools.lru_cache(maxsize=64)
def _quote_words(texts: tuple[str, ...]) -> frozenset[str]:
    """Every word of a quote set (normalised), once per set."""
    return frozenset(_norm(w) for t in texts for w in RE_WORD.findall(t))


def _set_words(quotes: Sequence[Quote]) -> frozenset[str]:
    """Every word of a quote set's texts and variants (:func:`_quote_words`, cached per set; kept with a prepared
    set, :class:`.prepared.PreparedQuotes`, so that an article does not rebuild the set's key)."""
    if isinstance(quotes, PreparedQuotes):
        return quotes.words
    return _quote_words(tuple(t for q in quotes for t in (q.text, *q.variants)))


@functools.lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    from ..backends.wordfreq import languages

    return languages()


def _names_outside(text: str, quote_words: frozenset[str], language: str | None) -> bool:
    """Does ``text`` name something the quote set never names? A word written with a Latin capital, not the
    passage's first word, that is neither a word of the quote set nor a common word of the passage's
    language (wordfreq Zipf >= :data:`NAME_MAX_ZIPF`): "Paolo Restelli", "Claude Cowork" in a Hindi
    sentence. Such a passage is about someone or something else, not a rendering of a quote (a rendering
    keeps the quote's own names). Unknown languages, ones wordfreq lacks, languages that capitalise every
    noun (German: "Biowaffen" is a rare word, not a name) and title-case passages are never judged."""
    if not language or language not in _wordfreq_languages() or language in NOUN_CAPITALISING_LANGUAGES:
        return False
    capitalised = [m for m in RE_WORD.finditer(text) if LATIN_CAPITAL_RE.match(m.group())]
    long_words = [w for w in RE_WORD.findall(text) if len(w) >= 4]
    if long_words and sum(LATIN_CAPITAL_RE.match(w) is not None for w in long_words) >= TITLE_CASE_SHARE * len(
        long_words
    ):
        return False
    for m in capitalised:
        if m.start() == 0:
            continue
        run = LATIN_RUN_RE.match(m.group())
        word = _norm(run.group() if run else m.group()).replace(DOTTED_I, "i")  # "İngiltere" -> "ingiltere"
        if word not in quote_words and _zipf(word, language) < NAME_MAX_ZIPF:
            return True
    return False


def _looks_like(text: str, language: str, text_language: str | None = None) -> bool:
    """Is ``text`` in ``language``? Most of its words are common words of it (wordfreq Zipf >= WORD_ZIPF),
    and, when the article's own language is known, more of them than of that language. Without the
    article's language, a passage that fastText confidently puts in another language is not in it
    (a Romanian sentence of common-looking words is not English)."""
    words = [_norm(m.group()) for m in RE_WORD.finditer(text)]
    if not words:
        return True
    if not text_language or text_language == "und":
        detected = _passage_language(text)
        if detected is not None and detected != language:
            return False
    share = _word_share(words, language)
    if share < SAME_LANGUAGE_SHARE:
        return False
    if text_language and text_language not in {language, "und"}:
        return share > _word_share(words, text_language)  # a tie is the article's language
    return True


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding text[start:end]: from the previous to the next clause boundary."""
    before = [m.end() for m in CLAUSE_BOUNDARY_RE.finditer(text, max(0, start - CLAUSE_WINDOW), start)]
    after = CLAUSE_BOUNDARY_RE.search(text, end, min(len(text), end + CLAUSE_WINDOW))
    return (before[-1] if before else max(0, start - CLAUSE_WINDOW)), (after.start() if after else end)


def _mid_clause(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The clause carrying a quoted fragment text[start:end] (marks included) that opens mid-clause, else None."""
    head = text[max(0, start - CLAUSE_WINDOW) : start]
    if comma := MID_CLAUSE_COMMA_RE.search(head):
        cut = start - len(comma.group())  # the comma: take the clause before it
    elif MID_CLAUSE_WORD_RE.search(head):
        cut = start
    else:
        return None
    before = [m.end() for m in CLAUSE_BOUNDARY_RE.finditer(text, max(0, cut - CLAUSE_WINDOW), cut)]
    lo = before[-1] if before else max(0, cut - CLAUSE_WINDOW)
    frames = [m.end() for m in REPORTED_AFTER_RE.finditer(text, lo, cut)]  # "… ha affermato che": not part of it
    lo = frames[-1] if frames else lo
    if not RE_WORD.search(text, lo, cut):
        return None  # nothing but the frame before the mark: the quote opens the reported clause
    after = CLAUSE_BOUNDARY_RE.search(text, end, min(len(text), end + CLAUSE_WINDOW))
    return lo, (after.start() if after else end)


def _subspans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Runs of one to :data:`SUBSPAN_MAX_PIECES` consecutive clauses of the candidate text[start:end] (cut at
    :data:`SUBSPAN_BREAK_RE`), shorter than it; none for a candidate under :data:`SUBSPAN_MIN_WORDS` words."""
    if _word_count(text[start:end]) < SUBSPAN_MIN_WORDS:
        return []
    cuts = [start] + [m.start() for m in SUBSPAN_BREAK_RE.finditer(text, start, end)] + [end]
    if len(cuts) < 3:
        return []
    out: list[tuple[int, int]] = []
    for i in range(len(cuts) - 1):
        for n in range(1, SUBSPAN_MAX_PIECES + 1):
            if i + n < len(cuts) and (i, i + n) != (0, len(cuts) - 1):
                lo = cuts[i] + (1 if i else 0)  # after the break mark
                out.append((lo, cuts[i + n]))
    return out


def _reported(text: str) -> list[tuple[int, int]]:
    """Unquoted reported speech: what follows a reporting verb (and its 'that') or a colon, to the end of
    the sentence; in Japanese, the clause before と述べた / と書いた / という. The reporting frame itself
    ("In a letter to colleagues he writes") is never a candidate, nor a passage with quote marks (its
    quoted part is a candidate already) or one longer than :data:`REPORTED_MAX_WORDS` (narration)."""
    out: list[tuple[int, int]] = []
    bounds = [m.start() for m in SENTENCE_BOUNDARY_RE.finditer(text)]  # one character each: bisection finds the next
    for m in REPORTED_AFTER_RE.finditer(text):
        i = bisect.bisect_left(bounds, m.end())
        out.append((m.end(), bounds[i] if i < len(bounds) else len(text)))
    for m in REPORTED_BEFORE_RE.finditer(text):
        lo = max(0, m.start() - REPORTED_BEFORE_MAX_CHARS)
        breaks = [x.end() for x in REPORTED_BEFORE_BREAK_RE.finditer(text, lo, m.start())]
        out.append((breaks[-1] if breaks else lo, m.start()))
    # a passage with quote marks is compared as quoted passages already; a long one is narration. Both tests stay
    # linear in a sentence of many reporting verbs (each passage runs to the sentence's end): the marks by
    # bisection, the words counted only up to the limit.
    marks = [m.start() for m in RE_QUOTE_MARK.finditer(text)]
    unmarked = [(a, b) for a, b in out if bisect.bisect_left(marks, b) == bisect.bisect_left(marks, a)]
    return [(a, b) for a, b in unmarked if _at_most_words(text[a:b], REPORTED_MAX_WORDS)]


@dataclass
class _Pool:
    """The candidates of a text being collected: each span once, with its priority (lower: kept first)."""

    text: str
    overlaps_taken: Callable[[int, int], bool]
    language: str
    text_language: str | None
    found: dict[tuple[int, int], _Candidate] = field(default_factory=dict)
    rank: dict[tuple[int, int], int] = field(default_factory=dict)

    def add(
        self,
        lo: int,
        hi: int,
        priority: int,
        *,
        quoted: bool = True,
        fragment: tuple[int, int] | None = None,
        sub: bool = False,
    ) -> None:
        """Add text[lo:hi] trimmed to word edges, unless too short, taken already, or in the quote language."""
        text = self.text
        words = list(RE_WORD.finditer(text, lo, hi))
        if not words or _word_count(text[lo:hi]) < CROSS_MIN_WORDS:
            return
        s, e = words[0].start(), words[-1].end()
        if (
            (s, e) in self.found
            or self.overlaps_taken(s, e)
            or _looks_like(text[s:e], self.language, self.text_language)
            or furniture_line(text, s, e)
        ):
            return
        self.found[(s, e)] = _Candidate(s, e, text[s:e], quoted, fragment, sub)
        self.rank[(s, e)] = priority


def _candidates(
    text: str,
    taken: list[tuple[int, int]],
    language: str,
    *,
    mode: str = "quoted",
    text_language: str | None = None,
) -> list[_Candidate]:
    """Passages to compare across languages, not in the quote language and not already matched.

    ``quoted``: quoted passages (split into sentences), plus the clause around a short quoted
    fragment (reported speech: ... and will let himself 'become invisible' for a while), plus the clause of a
    4-16-word fragment opening mid-clause (:func:`_mid_clause`; marked with ``fragment``, embedded only when the
    fragment alone comes close to a quote), plus unquoted reported speech after a reporting verb and its
    'that' (:func:`_reported`).
    ``sentences``: also every sentence and clause of the text (slower; finds unquoted renderings).
    """
    pool = _Pool(text, overlap_test(taken), language, text_language)
    found, add = pool.found, pool.add
    for m in QUOTED_RE.finditer(text):
        lo, hi = m.span("q")
        pieces = [(lo, lo)] + [(x.start(), x.end()) for x in RE_SENTENCE_GAP.finditer(text, lo, hi)] + [(hi, hi)]
        for (_, a), (b, _) in itertools.pairwise(pieces):
            add(a, b, 0)
        if SHORT_QUOTED_WORDS[0] <= _word_count(m.group("q")) <= SHORT_QUOTED_WORDS[1]:
            if not QUOTED_SENTENCE_END_RE.search(m.group("q")):  # a quoted short sentence is no fragment
                add(*_clause_around(text, m.start(), m.end()), 1)
        elif (
            MID_CLAUSE_WORDS[0] <= _word_count(m.group("q")) <= MID_CLAUSE_WORDS[1]
            and not QUOTED_SENTENCE_END_RE.search(m.group("q"))
            and (clause := _mid_clause(text, m.start(), m.end()))
            and _word_count(text[clause[0] : clause[1]]) <= REPORTED_MAX_WORDS
        ):
            words = list(RE_WORD.finditer(text, lo, hi))
            fragment = (words[0].start(), words[-1].end())
            if fragment in found:  # the fragment itself is compared: its clause may be, after it
                add(*clause, 1, fragment=fragment)
    for lo, hi in _reported(text):
        add(lo, hi, 2, quoted=False)
    if mode == "sentences":
        for priority, boundary in ((2, SENTENCE_BOUNDARY_RE), (3, CLAUSE_BOUNDARY_RE)):
            bounds = [0] + [x.end() for x in boundary.finditer(text)] + [len(text)]
            for a, b in itertools.pairwise(bounds):
                add(a, b, priority, quoted=False)
    for cand in [c for c in found.values() if c.fragment is None]:
        for lo, hi in _subspans(text, cand.start, cand.end):
            add(lo, hi, 4, quoted=cand.quoted, fragment=(cand.start, cand.end), sub=True)
    # quoted passages first, then clauses around quoted fragments, then plain sentences, then sub-spans
    ranked = sorted(found, key=lambda k: (pool.rank[k], k[0]))[:CROSS_MAX_CANDIDATES]
    return [found[k] for k in sorted(ranked)]
