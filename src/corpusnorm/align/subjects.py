"""Who is speaking? The speaker (or subject) a reported clause is attributed to: the quote set's author or another.

A summary of a letter is about the letter's author: "he said he had decided to leave", "Il ricercatore ha spiegato
che …", "研究者は、…と警告した", "그는 … 밝혔다", "Brandt wrote that …", or a clause with a dropped subject continuing
a sentence about him ("Ha aggiunto di aver …", "وأوضح أنه …"). The same article carries statements by others on the
same topic in the same shapes ("A company spokesperson said the safety team had achieved …", "研究によると、…",
"Laut einer Studie …"). :func:`attributions` tells, for each candidate span of an article, whom it is attributed to:

- :attr:`Speaker.AUTHOR`: the first marker of the span's frame (the words of its sentence outside the span, from the
  sentence's start or its last colon; else those after it: "…, he wrote") is the author's name (:func:`author_names`:
  the article's names standing in the sentences of the evidence spans, no list of names), a role noun the article
  uses of him (:data:`AUTHOR_ROLES`, only when the same noun stands in the article's first two sentences or in a
  sentence naming him: "The researcher …" after "AI safety researcher quits …") or his letter or post
  (:data:`CHANNELS`: "In a letter to colleagues he said …");
- :attr:`Speaker.OTHER`: that marker is another source (:data:`OTHER_SOURCES`: a spokesperson, the company, a study,
  a report, analysts: "according to the company", "la portavoce ha detto", "研究によると"), another person's role
  noun (:data:`OTHER_ROLES`: "the professor said", "ある評論家は", "Die Professorin sagte") or another name (a name
  the article writes twice or more that is not the author's, or a run of two capitalised uncommon words: "Dana
  Whitcombe"); a name introduced by such a noun ("Commentator Dana Whitcombe") is never taken for the author's,
  however often the article names him;
- no marker, or a third-person pronoun (:data:`PRONOUNS`), or a role noun the article never uses of him: the clause
  continues the previous sentence's speaker (pronouns and dropped subjects), which is :attr:`Speaker.UNKNOWN` before
  any sentence had one; past a paragraph break after a paragraph that marked the author, only a pronoun continues
  him (:data:`PARAGRAPH_RESET`).

:attr:`Attribution.explicit` says whether the marker stands in the clause's own sentence (not carried over). One
pass of two patterns over the article's sentences and a bisection per span: linear. Small per-language word lists
(no list of names, nothing of a particular quote set); a language without lists gives names and continuity only."""

from __future__ import annotations

import bisect
import enum
import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from ..document import Alignment
from ..text.patterns import RE_WORD
from .passages import SENTENCE_BOUNDARY_RE, UNSPACED_SCRIPT_RE
from .tokens import _norm

__all__ = ["Attribution", "Speaker", "attribution", "attributions", "author_names", "name_words", "others_dropped"]


class Speaker(enum.Enum):
    AUTHOR = "author"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Attribution:
    speaker: Speaker
    explicit: bool  # the marker stands in the clause's own sentence (else carried over, or none)


# Other people as subjects or sources of a statement: spokespeople, representatives, analysts, officials, managers
OTHER_SOURCES: dict[str, str] = {
    "en": r"spokesperson|spokeswoman|spokesman|representative|analysts?|experts|officials?|manager|director|ceo"
    r"|chief executive|(?:his|her|a|one|several) (?:former )?colleagues?",
    "it": r"portavoce|rappresentante|analisti?|esperti|responsabile|direttore|direttrice|amministratore|dirigente"
    r"|(?:un|una|il suo|la sua|i suoi|alcuni) (?:ex )?colleg(?:a|hi|he)",
    "es": r"portavoz|representante|analistas?|expertos|director|directora|responsable|(?:su|sus|un|una) colegas?",
    "fr": r"porte-parole|représentante?|analystes?|experts|directeur|directrice|responsable"
    r"|(?:sa|son|ses|un|une) (?:ancienne? )?collègues?",
    "de": r"sprecherin|sprecher|vertreterin|vertreter|analysten?|experten|direktorin|direktor|chefin|chef|leiterin"
    r"|leiter|(?:sein|seine|ein|eine) (?:ehemalige[rn]? )?kolleg(?:e|in|en)",
    "pt": r"porta-voz|representante|analistas?|especialistas|diretora?|(?:seu|sua|um|uma) (?:ex-)?colegas?",
    "ru": r"представител\p{L}*|пресс-служб\p{L}*|аналитик\p{L}*|эксперт\p{L}*|директор\p{L}*",
    "nl": r"woordvoerder|woordvoerster|vertegenwoordiger|analisten|experts|directeur",
    "pl": r"rzeczni\p{L}*|przedstawiciel\p{L}*|analitycy|eksperci|dyrektor\p{L}*",
    "sv": r"talesperson|talesman|pressekreterare|representant|analytiker|experter|chef|direktör",
    "tr": r"sözcü\p{L}*|temsilci\p{L}*|analist\p{L}*|uzman\p{L}*|yönetici\p{L}*|müdür\p{L}*",
    "ja": r"広報|報道官|アナリスト|専門家|幹部|社長",
    "zh": r"发言人|分析师|专家|高管|总裁",
    "ko": r"대변인|분석가|전문가|임원",
    "hi": r"प्रवक्ता|प्रतिनिधि|विश्लेषक|विशेषज्ञ|निदेशक",
    "ar": r"المتحدثة?|متحدثة?|ممثل|محللون|المحللين|خبراء|مدير",
}
# Other people's role nouns as the subject of a statement: a professor, a commentator, a columnist, a critic (people
# whom a news article quotes on a letter, never its author's own role): another speaker ("The professor said …",
# "Die Professorin sagte …", "東和大学の教授は…", "一位评论家写道")
OTHER_ROLES: dict[str, str] = {
    "en": r"professors?|commentators?|columnists?|critics?|observers?|ethicists?|philosophers?|economists?"
    r"|historians?|pundits?",
    "it": r"professore|professoressa|docente|commentatore|commentatrice|editorialista|opinionista|osservatore"
    r"|osservatrice|filosof[oa]|economista",
    "es": r"profesora?|catedrátic[oa]|comentarista|columnista|observador(?:a)?|filósof[oa]|economista"
    r"|historiador(?:a)?",
    "fr": r"professeure?|commentatrice|commentateur|chroniqueuse|chroniqueur|éditorialiste|observatrice"
    r"|observateur|philosophe|économiste|historienne|historien",
    "de": r"professorin|professoren|professor|kommentatorin|kommentator|kolumnistin|kolumnist|kritikerin|kritiker"
    r"|beobachterin|beobachter|philosophin|philosoph|ökonomin|ökonom|historikerin|historiker",
    "pt": r"professora?|comentarista|colunista|observador(?:a)?|filósof[oa]|economista|historiador(?:a)?",
    "ru": r"профессор\p{L}*|обозревател\p{L}*|комментатор\p{L}*|колумнист\p{L}*|философ\p{L}*|экономист\p{L}*"
    r"|историк\p{L}*",
    "nl": r"hoogleraar|professor|commentator|columnist|criticus|filosoof|econoom|historicus",
    "pl": r"profesor\p{L}*|komentator\p{L}*|felietonist\p{L}*|publicyst\p{L}*|filozof\p{L}*|ekonomist\p{L}*"
    r"|historyk\p{L}*",
    "sv": r"professor\p{L}*|kommentator\p{L}*|krönikör\p{L}*|kolumnist\p{L}*|filosof\p{L}*|ekonom\p{L}*"
    r"|historiker\p{L}*",
    "tr": r"profesör\p{L}*|yorumcu\p{L}*|köşe yazar\p{L}*|eleştirmen\p{L}*|filozof\p{L}*|ekonomist\p{L}*"
    r"|tarihçi\p{L}*",
    "ja": r"教授|評論家|批評家|論説委員|解説者|コメンテーター|コラムニスト|哲学者|経済学者|歴史学者",
    "zh": r"教授|评论员|评论家|評論家|分析師|专栏作家|哲学家|经济学家|历史学家|观察人士",
    "ko": r"교수|평론가|논평가|칼럼니스트|해설가|철학자|경제학자|역사학자",
    "hi": r"प्रोफेसर|प्रोफ़ेसर|टिप्पणीकार|स्तंभकार|आलोचक|दार्शनिक|अर्थशास्त्री|इतिहासकार",
    "ar": r"الأستاذة?|أستاذة?|المعلقة?|معلقة?|الفيلسوف|المؤرخ",
}
# Organisations, studies and reports as the source of a statement: only among the first :data:`ORG_WORDS` words of a
# frame ("The company said …", "Un rapporto … sostiene", "研究によると"), where no person is named (the company a
# sentence mentions in passing, "who joined the company", is no speaker)
ORGANISATIONS: dict[str, str] = {
    "en": r"company|firm|study|report|survey|ministry|government|institute|management|board|union",
    "it": r"azienda|società|studio|rapporto|sondaggio|istituto|governo|ministero|direzione|sindacato",
    "es": r"empresa|compañía|estudio|informe|encuesta|instituto|gobierno|ministerio|fundación|dirección|sindicato",
    "fr": r"entreprise|société|étude|rapport|enquête|institut|gouvernement|ministère|direction|syndicat",
    "de": r"unternehmen|firma|konzern|studie|bericht|umfrage|institut|stiftung|regierung|ministerium|vorstand"
    r"|gewerkschaft|geschäftsführung",
    "pt": r"empresa|companhia|estudo|relatório|levantamento|instituto|consultoria|governo|ministério|direção"
    r"|sindicato",
    "ru": r"компани\p{L}*|исследовани\p{L}*|доклад\p{L}*|отч[её]т\p{L}*|институт\p{L}*|правительств\p{L}*",
    "nl": r"bedrijf|studie|rapport|onderzoek|instituut",
    "pl": r"firma|firmy|spółka|badanie|badania|raport\p{L}*|instytut\p{L}*",
    "sv": r"företaget|företag|studie|rapport|undersökning|institutet|institut",
    "tr": r"şirket\p{L}*|çalışma(?:ya|sı|da)?|araştırma(?:ya|sı|da|nın)?|rapor\p{L}*|enstitü\p{L}*",
    "ja": r"同社|会社側|企業|研究によると|研究では|調査|報告書|研究所|政府",
    "zh": r"该公司|公司方面|研究报告|报告|研究显示|研究表明|调查|研究所|政府",
    "ko": r"회사|보고서|조사|연구소|정부",
    "hi": r"कंपनी|अध्ययन|रिपोर्ट|सर्वेक्षण|संस्थान|सरकार",
    "ar": r"الشركة|دراسة|الدراسة|تقرير|التقرير|استطلاع|معهد|المعهد|الحكومة",
}
# Role nouns that may refer to the author: the author's only when the article uses the same noun of him
AUTHOR_ROLES: dict[str, str] = {
    "en": r"researcher|scientist|engineer|employee|author|writer|staffer",
    "it": r"ricercatore|ricercatrice|scienziato|scienziata|ingegnere|dipendente|autore|autrice",
    "es": r"investigador|investigadora|científico|científica|ingeniero|ingeniera|empleado|empleada|autor|autora",
    "fr": r"chercheur|chercheuse|scientifique|ingénieure?|employée?|auteur|autrice",
    "de": r"forscherin|forscher|wissenschaftlerin|wissenschaftler|ingenieurin|ingenieur|mitarbeiterin|mitarbeiter"
    r"|autorin|autor",
    "pt": r"pesquisador|pesquisadora|investigador|investigadora|cientista|engenheiro|engenheira|funcionário|autora?",
    "ru": r"исследовател\p{L}*|уч[её]н\p{L}*|инженер\p{L}*|сотрудник\p{L}*|автор\p{L}*",
    "nl": r"onderzoeker|onderzoekster|wetenschapper|ingenieur|medewerker|auteur",
    "pl": r"badacz\p{L}*|naukow\p{L}*|inżynier\p{L}*|pracownik\p{L}*|autor\p{L}*",
    "sv": r"forskare\p{L}*|forskaren|ingenjör\p{L}*|anställd|författare\p{L}*",
    "tr": r"araştırmacı\p{L}*|mühendis\p{L}*|çalışan\p{L}*|yazar\p{L}*",
    "ja": r"研究者|研究員|科学者|技術者|エンジニア|社員|著者",
    "zh": r"研究员|研究人员|科学家|工程师|员工|作者",
    "ko": r"연구원|연구자|과학자|엔지니어|직원|저자",
    "hi": r"शोधकर्ता|वैज्ञानिक|इंजीनियर|कर्मचारी|लेखक",
    "ar": r"الباحث|المهندس|الموظف|الكاتب",
}
# The author's own channel: his letter or post ("In a letter to colleagues he said …", "Nella lettera …")
CHANNELS: dict[str, str] = {
    "en": r"letter|post|farewell note",
    "it": r"lettera|messaggio",
    "es": r"carta|publicación|mensaje",
    "fr": r"lettre|message|publication",
    "de": r"brief|beitrag",
    "pt": r"carta|mensagem|publicação",
    "ru": r"письм\p{L}*|пост\p{L}*",
    "nl": r"brief|bericht",
    "pl": r"liście|list|wpis\p{L}*",
    "sv": r"brev|brevet|inlägg\p{L}*",
    "tr": r"mektup\p{L}*|paylaşım\p{L}*",
    "ja": r"書簡|手紙|投稿",
    "zh": r"信中|信里|帖子|书信",
    "ko": r"편지|서한|게시물",
    "hi": r"पत्र|पोस्ट",
    "ar": r"رسالة|الرسالة|رسالته|منشور",
}
# Third-person subject pronouns: the clause continues the previous sentence's speaker
PRONOUNS: dict[str, str] = {
    "en": r"he|she",
    "it": r"lui|lei|egli",
    "es": r"él|ella",
    "fr": r"il|elle|lui",
    "de": r"er|sie",
    "pt": r"ele|ela",
    "ru": r"он|она",
    "nl": r"hij|zij|ze",
    "pl": r"on|ona",
    "sv": r"han|hon",
    "ja": r"彼は|彼女は|同氏",
    "zh": r"(?<!其)他|她",
    "ko": r"그는|그녀는|그가",
    "hi": r"उन्होंने|वह|वे",
    "ar": r"هو|هي",
}
UNSPACED = frozenset({"ja", "zh"})  # no word edges around a marker
# A role noun qualified as another person's ("another researcher", "un altro ricercatore", "別の研究者",
# "另一位研究员"): another speaker, not the author
ANOTHER: dict[str, str] = {
    "en": r"another|other",
    "it": r"altr[oaie]|un['’]altra",
    "es": r"otr[oa]s?",
    "fr": r"autres?",
    "de": r"andere[rnms]?",
    "pt": r"outr[oa]s?",
    "nl": r"andere",
    "ja": r"別の|他の",
    "zh": r"另一(?:位|名|个)?|其他",
    "ko": r"다른",
}
ANOTHER_RE = {
    lang: regex.compile(("" if lang in UNSPACED else r"(?<!\p{L})") + rf"(?:{p})\s*$", regex.IGNORECASE)
    for lang, p in ANOTHER.items()
}
SUFFIXED = frozenset({"ko", "tr", "de"})  # a marker may close a longer word ("연구원은", "KI-Forscher"): no left edge
INTRO_SENTENCES = 2  # the headline and the lead: a role noun standing there is the author's
NAME_COMMON_ZIPF = 5.0  # a capitalised word this common is no name ("The", "Der")
ORG_WORDS = 4  # an organisation, study or report among a frame's first words is its source
ORG_CHARS = 12  # (the same in a script written without spaces)
_LEFT, _RIGHT = r"(?<![\p{L}\p{M}])", r"(?![\p{L}\p{M}])"
# a word opening with a Latin capital (as the article writes names)
CAPITAL_WORD_RE = regex.compile(
    r"(?<![\p{L}\p{M}\p{N}'\u2019])(?=\p{Latin})\p{Lu}[\p{L}\p{M}\p{N}]*(?:['\u2019][\p{L}\p{M}\p{N}]+)*"
)
WORD_RUN_RE = regex.compile(r"(?<![\p{L}\p{M}\p{N}])[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*")
POSSESSIVE_AFTER_RE = regex.compile(r"['\u2019]s?(?![\p{L}\p{M}])")  # "Brandt's manager": not Brandt speaking
ZONE_BREAK_RE = regex.compile(r"[:;：；]")  # a frame opens after the last colon before its clause
SPAN_HEAD_WORDS = 3  # a clause opening its sentence: a listed marker among its first words is its source
# At a paragraph break (a blank line) after a paragraph that marks the author (his name, his role noun, his letter),
# past the headline and the lead's first sentence, his speech goes on only in a paragraph opening with a pronoun ("He
# added …"); any other opening (a person the lists do not know, "東和大学の教授は…", or no subject) is UNKNOWN
PARAGRAPH_RESET = True
# A name introduced by another person's role or source noun ("Commentator Dana Whitcombe", "the spokesperson, Tom
# Reyes") is another person's, never the author's, however often the article names him
OTHERS_BY_ROLE = True
OTHER_BEFORE_CHARS = 40  # how far before a name its role noun is looked for


def _markers(language: str) -> regex.Pattern[str] | None:
    if language not in AUTHOR_ROLES:
        return None
    left, right = ("", "") if language in UNSPACED else (_LEFT, _RIGHT)
    left = "" if language in SUFFIXED else left
    others = "|".join(t[language] for t in (OTHER_SOURCES, OTHER_ROLES) if language in t)
    groups = [f"(?P<other>{left}(?:{others}){right})"] if others else []
    groups += [
        f"(?P<{name}>{left}(?:{table[language]}){right})"
        for name, table in (
            ("org", ORGANISATIONS),
            ("role", AUTHOR_ROLES),
            ("channel", CHANNELS),
            ("pron", PRONOUNS),
        )
        if language in table
    ]
    return regex.compile("|".join(groups), regex.IGNORECASE)


MARKERS = {lang: pattern for lang in AUTHOR_ROLES if (pattern := _markers(lang)) is not None}  # compiled at import
OTHER_BEFORE_RE = {
    lang: regex.compile(
        ("" if lang in UNSPACED | SUFFIXED else _LEFT)
        + "(?:"
        + "|".join(t[lang] for t in (OTHER_SOURCES, OTHER_ROLES) if lang in t)
        + r")[\s,]*$",
        regex.IGNORECASE,
    )
    for lang in OTHER_ROLES
}


def _after_word(text: str, i: int) -> bool:
    """Does a word or a comma stand before position ``i`` (past spaces)? Then the word at ``i`` opens no sentence."""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j >= 0 and (text[j].isalnum() or text[j] == ",")


def name_words(text: str, set_words: frozenset[str], language: str | None) -> Counter[str]:
    """Words the article writes as names, twice or more: capitalised wherever they occur (never in lower case), at
    least once not opening a sentence or a quotation, neither words of the quote set (a company the set names is
    the set's own) nor very common words of ``language`` (wordfreq Zipf >= :data:`NAME_COMMON_ZIPF`); with their
    counts. No list of names: "Okafor", "Bellini", "Marsh" by the way the article writes them."""
    from ..backends.wordfreq import zipf

    capital: Counter[str] = Counter()
    inner: set[str] = set()
    for m in CAPITAL_WORD_RE.finditer(text):  # the words of RE_WORD that open with a Latin capital
        word = m.group()
        capital[word] += 1
        if word not in inner and _after_word(text, m.start()):
            inner.add(word)
    # the words the article also writes in lower case ("Safety" heading a sentence, "safety" inside one), one pass:
    # each lower-case word and what stands before each of its apostrophes ("o'neil's": "o'neil", "o")
    lower: set[str] = set()
    for m in WORD_RUN_RE.finditer(text):
        if m.group().islower():
            run = m.group()
            lower.update(run[:i] for i, ch in enumerate(run) if ch in "'\u2019")
            lower.add(run)
    out: Counter[str] = Counter()
    for w, n in capital.items():
        if n < 2 or w not in inner or w.lower() in lower or _norm(w) in set_words or len(w) < 2:
            continue
        if language is None or zipf(_norm(w), language) < NAME_COMMON_ZIPF:
            out[w] = n
    return out


def sentence_bounds(text: str) -> list[int]:
    """Where the article's sentences start, and its end (:data:`.passages.SENTENCE_BOUNDARY_RE`)."""
    return [0] + [m.end() for m in SENTENCE_BOUNDARY_RE.finditer(text)] + [len(text)]


def author_names(
    text: str,
    spans: Sequence[tuple[int, int]],
    set_words: frozenset[str],
    language: str | None = None,
    counts: Counter[str] | None = None,
) -> frozenset[str]:
    """The words naming the person the evidence ``spans`` (alignments made) are attributed to: names
    (:func:`name_words`, or ``counts`` when the caller has them) that stand in the sentences of those spans, outside
    them; none there (the attribution is a pronoun: "he wrote"), the article's most frequent name."""
    counts = name_words(text, set_words, language) if counts is None else counts
    if not counts:
        return frozenset()
    bounds = sentence_bounds(text)
    names: set[str] = set()
    for start, end in spans:
        i = bisect.bisect_right(bounds, start) - 1
        a, b = bounds[i], bounds[min(bisect.bisect_left(bounds, end), len(bounds) - 1)]
        for m in RE_WORD.finditer(text, a, b):
            if m.group() in counts and not any(s <= m.start() < e for s, e in spans):
                names.add(m.group())
    return frozenset(names) if names else frozenset({counts.most_common(1)[0][0]})


def name_runs(text: str, set_words: frozenset[str], language: str | None) -> list[list[str]]:
    """Runs of two or more capitalised words, each neither a word of the quote set nor a common word of
    ``language`` (wordfreq Zipf >= :data:`NAME_COMMON_ZIPF`), one space apart: how an article names a person ("Dana
    Whitcombe", "Jonas Brandt"), in order."""
    from ..backends.wordfreq import zipf

    runs: list[list[str]] = []
    run: list[str] = []
    end = -1
    for m in CAPITAL_WORD_RE.finditer(text):
        w = m.group()
        norm = _norm(w)
        named = len(w) > 1 and norm not in set_words and (language is None or zipf(norm, language) < NAME_COMMON_ZIPF)
        if not named or text[end : m.start()] != " ":
            runs += [run] if len(run) >= 2 else []
            run = []
        run += [w] if named else []
        end = m.end()
    return runs + ([run] if len(run) >= 2 else [])


@functools.lru_cache(maxsize=8)
def _name_evidence(
    text: str, set_words: frozenset[str], language: str | None, by_role: bool
) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, int], ...], frozenset[str]]:
    """What :func:`_names` reads of an article that does not depend on the evidence spans, kept for the last few
    articles (the paraphrase matcher, the fragment matcher and the drop of others' summaries each ask about the same
    article): its name runs, name words with their counts, and the names introduced as other people's."""
    runs = tuple(tuple(run) for run in name_runs(text, set_words, language))
    counts = tuple(name_words(text, set_words, language).items())
    return runs, counts, frozenset(_introduced_as_others(text, language) if by_role else ())


def _names(
    text: str, language: str | None, set_words: frozenset[str], evidence: Sequence[tuple[int, int]]
) -> tuple[frozenset[str], frozenset[str]]:
    """The author's names and other people's in ``text``: the names :func:`author_names` finds (the most named of
    them; the article's most named name when it is named more often), else the first person the article names in
    full; with the names standing beside his ("Jonas" beside "Brandt"). German writes its nouns capitalised: its
    names are those of the runs only."""
    run_tuple, count_items, known = _name_evidence(text, set_words, language, OTHERS_BY_ROLE)
    runs = list(run_tuple)
    in_runs = {w for run in runs for w in run}
    counts = Counter(dict(count_items))
    if language == "de":
        counts = Counter({w: n for w, n in counts.items() if w in in_runs})
    runs_all, counts_all = in_runs | set(counts), set(counts)
    runs = [run for run in runs if not known.intersection(run)]
    counts = Counter({w: n for w, n in counts.items() if w not in known})
    authors = set(author_names(text, evidence, set_words, language, counts))
    if authors:
        top = max(counts[n] for n in authors)
        first, most = counts.most_common(1)[0]
        authors = {first} if most > top else {n for n in authors if counts[n] == top}
    elif runs:
        authors = set(runs[0])
    for run in runs:
        if authors.intersection(run):
            authors.update(run)
    return frozenset(authors), frozenset(runs_all | counts_all) - authors


def _introduced_as_others(text: str, language: str | None) -> set[str]:
    """The capitalised words of the names the article introduces by another person's role or source noun standing
    right before them ("Commentator Dana Whitcombe", "Professor Ken Aldous", "the spokesperson, Tom Reyes",
    "Köşe yazarı Selin Varol"): never the author's, whoever is named most."""
    pattern = OTHER_BEFORE_RE.get(language or "")
    out: set[str] = set()
    if pattern is None:
        return out
    end, introduced = -1, False
    for m in CAPITAL_WORD_RE.finditer(text):
        introduced = introduced and text[end : m.start()] == " "  # the rest of a run ("Dana Whitcombe")
        introduced = introduced or pattern.search(text, max(0, m.start() - OTHER_BEFORE_CHARS), m.start()) is not None
        if introduced:
            out.add(m.group())
        end = m.end()
    return out


_Marker = tuple[int, str]  # position, kind: "author", "other", "org" (a body), "pron", "role" (not his: continue)


@dataclass
class _Article:
    """What the resolver knows of an article: its sentences, the author's names, the role nouns it uses of him, the
    other names it writes, and each sentence's markers per language (scanned once, on demand)."""

    text: str
    bounds: list[int]
    authors: frozenset[str]
    others: frozenset[str]
    roles: frozenset[str]
    markers: dict[tuple[int, str | None], list[_Marker]]

    def sentence_markers(self, i: int, language: str | None) -> list[_Marker]:
        """The markers of sentence ``i`` in ``language``'s lists and the names in it, by position."""
        key = (i, language)
        if key not in self.markers:
            a, b = self.bounds[i], self.bounds[i + 1]
            found = _name_markers(self, a, b)
            pattern = MARKERS.get(language or "")
            for m in pattern.finditer(self.text, a, b) if pattern is not None else ():
                kind = m.lastgroup or "pron"
                if kind == "role":
                    kind = "author" if m.group().casefold() in self.roles else "role"  # not his: continues
                    kind = "other" if _another(self.text, m.start(), language) else kind
                found.append((m.start(), "author" if kind == "channel" else kind))
            self.markers[key] = sorted(found, key=lambda f: f[0])
        return self.markers[key]


def _another(text: str, start: int, language: str | None) -> bool:
    """Whether the role noun at ``start`` is qualified as another person's (:data:`ANOTHER`)."""
    pattern = ANOTHER_RE.get(language or "")
    return pattern is not None and pattern.search(text[max(0, start - 12) : start]) is not None


def _name_markers(art: _Article, a: int, b: int) -> list[_Marker]:
    """The names in text[a:b], the author's and others', but a name followed by a possessive ("Brandt's manager")."""
    out: list[_Marker] = []
    for m in CAPITAL_WORD_RE.finditer(art.text, a, b):
        word = m.group()
        if (word in art.authors or word in art.others) and not POSSESSIVE_AFTER_RE.match(art.text, m.end()):
            out.append((m.start(), "author" if word in art.authors else "other"))
    return out


def _article(
    text: str, language: str | None, set_words: frozenset[str], evidence: Sequence[tuple[int, int]]
) -> _Article:
    authors, others = _names(text, language, set_words, evidence)
    bounds = sentence_bounds(text)
    art = _Article(text, bounds, authors, others, frozenset(), {})
    pattern = MARKERS.get(language or "")
    if pattern is None:
        return art
    roles: set[str] = set()
    intro = 0
    for i in range(len(bounds) - 1):
        a, b = bounds[i], bounds[i + 1]
        words = RE_WORD.search(text, a, b) is not None
        named = any(m.group() in authors for m in CAPITAL_WORD_RE.finditer(text, a, b))
        if (words and intro < INTRO_SENTENCES) or named:
            roles.update(m.group().casefold() for m in pattern.finditer(text, a, b) if m.lastgroup == "role")
        intro += words
    art.roles = frozenset(roles)
    return art


def _words_end(text: str, a: int, b: int, n: int) -> int:
    """Where the first ``n`` words of text[a:b] end (at most :data:`ORG_CHARS` characters on in a script written
    without spaces, whose words run on)."""
    ends = [m.end() for _, m in zip(range(n), RE_WORD.finditer(text, a, b), strict=False)]
    end = ends[-1] if len(ends) >= n else b
    return min(end, a + ORG_CHARS) if UNSPACED_SCRIPT_RE.search(text, a, end) else end


def _zone_marker(art: _Article, markers: list[_Marker], a: int, b: int) -> str | None:
    """The kind of the first marker naming a person in text[a:b] (``markers``: its sentence's, sorted), else
    ``"other"`` for an organisation, study or report among its first :data:`ORG_WORDS` words."""
    org_end = _words_end(art.text, a, b, ORG_WORDS)
    org = None
    for p, kind in markers[bisect.bisect_left(markers, (a, "")) :]:
        if p >= b:
            break
        if kind != "org":
            return kind
        org = org or ("other" if p < org_end else None)
    return org


def _frame_marker(art: _Article, i: int, span: tuple[int, int], language: str | None) -> str | None:
    """The marker of the frame of ``span`` in sentence ``i``: before the span (from the sentence's start or its last
    colon), else after it ("…, says the company"), else a listed person or body among the first words of a span
    opening its sentence ("Laut einer Studie …")."""
    a, b = art.bounds[i], art.bounds[i + 1]
    s, e = span
    markers = art.sentence_markers(i, language)
    breaks = [m.end() for m in ZONE_BREAK_RE.finditer(art.text, a, s)]
    start = breaks[-1] if breaks else a
    kind = _zone_marker(art, markers, start, s) or _zone_marker(art, markers, e, b)
    if kind is None and RE_WORD.search(art.text, start, s) is None:
        head = _words_end(art.text, s, e, SPAN_HEAD_WORDS)
        kind = next((k for p, k in markers if s <= p < head and k != "author"), None)
        kind = "other" if kind == "org" else kind
    return kind


def _opens_with_pronoun(art: _Article, i: int, language: str | None) -> bool:
    """Whether the first marker of sentence ``i`` is a third-person pronoun (:data:`PRONOUNS`)."""
    a, b = art.bounds[i], art.bounds[i + 1]
    return _zone_marker(art, art.sentence_markers(i, language), a, b) == "pron"


def _resolved(kind: str | None, state: Speaker) -> Attribution:
    if kind == "author":
        return Attribution(Speaker.AUTHOR, True)
    if kind == "other":
        return Attribution(Speaker.OTHER, True)
    return Attribution(state, False)  # a pronoun, a dropped subject: the previous sentence's speaker


def attributions(
    text: str,
    spans: Sequence[tuple[int, int]],
    language: str | None,
    set_words: frozenset[str],
    evidence: Sequence[tuple[int, int]] = (),
    span_languages: Sequence[str | None] | None = None,
) -> list[Attribution]:
    """Whom each of ``spans`` (clauses of ``text``, each within a sentence) is attributed to (see the module's
    docstring); ``evidence``: spans already aligned to the quote set (their sentences name the author);
    ``span_languages``: each span's own language when it differs from the article's (a line in another language:
    its frame is read with that language's lists)."""
    if not spans:
        return []
    art = _article(text, language, set_words, evidence)
    langs = list(span_languages) if span_languages is not None else [language] * len(spans)
    order = sorted(range(len(spans)), key=lambda k: spans[k])
    out: list[Attribution] = [Attribution(Speaker.UNKNOWN, False)] * len(spans)
    state, k, seen = Speaker.UNKNOWN, 0, 0
    paragraph = named = False  # a paragraph break before this sentence; the author marked in this paragraph
    for i in range(len(art.bounds) - 1):
        a, b = art.bounds[i], art.bounds[i + 1]
        if not text[a:b].strip():
            paragraph = paragraph or (a < b and text[a:b].count("\n") + (text[a - 1 : a] == "\n") >= 2)
            continue
        if paragraph and named and seen >= INTRO_SENTENCES and PARAGRAPH_RESET and state is Speaker.AUTHOR:
            # a new paragraph after one marking the author: his speech goes on only with a pronoun (which marks it)
            named = _opens_with_pronoun(art, i, language)
            state = state if named else Speaker.UNKNOWN
        elif paragraph:
            named = False
        paragraph, seen = False, seen + 1
        sentence_state = None
        while k < len(order) and spans[order[k]][0] < b:
            j = order[k]
            out[j] = _resolved(_frame_marker(art, i, spans[j], langs[j] or language), state)
            sentence_state = sentence_state or (out[j].speaker if out[j].explicit else None)
            k += 1
        if sentence_state is None:
            kind = _zone_marker(art, art.sentence_markers(i, language), a, b)
            sentence_state, explicit = _resolved(kind, state).speaker, kind == "author"
        else:
            explicit = sentence_state is Speaker.AUTHOR
        named = named or explicit
        state = sentence_state
    return out


def attribution(
    text: str,
    language: str | None,
    span: tuple[int, int],
    set_words: frozenset[str] = frozenset(),
    evidence: Sequence[tuple[int, int]] = (),
) -> Attribution:
    """Whom the clause text[span] is attributed to (:func:`attributions` of one span)."""
    return attributions(text, [span], language, set_words, evidence)[0]


def others_dropped(
    text: str, alignments: list[Alignment], language: str | None, set_words: frozenset[str]
) -> list[Alignment]:
    """``alignments`` without the unquoted summaries (kind ``paraphrase``, whichever matcher made them) attributed in
    their own sentence to another speaker ("A company spokesperson said the team had …", "His manager, Tom Reyes,
    said he had repeatedly seen …"); the other alignments name the author."""
    from .passages import _passage_language

    reported = [k for k, a in enumerate(alignments) if a.kind == "paraphrase"]
    if not reported:
        return alignments
    spans = [(alignments[k].start, alignments[k].end) for k in reported]
    evidence = [(a.start, a.end) for a in alignments if a.kind != "paraphrase"]
    langs = [_passage_language(alignments[k].text) or language for k in reported]
    heard = attributions(text, spans, language, set_words, evidence, langs)
    dropped = {k for k, h in zip(reported, heard, strict=True) if h == Attribution(Speaker.OTHER, True)}
    return [a for k, a in enumerate(alignments) if k not in dropped] if dropped else alignments
