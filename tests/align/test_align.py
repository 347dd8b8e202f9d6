"""Quote alignment on the seeds: verbatim, near, spun and translated renderings, distractors, offsets."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusnorm.align import AlignStage, align
from corpusnorm.align import passages as passages_module
from corpusnorm.align.crosslingual import PASSAGE_CACHE_ENV
from corpusnorm.backends.embed import Embedder, SentenceTransformerEmbedder, get_embedder
from corpusnorm.backends.translate import DictTranslator, Translator
from corpusnorm.document import Alignment, Document, Edit
from corpusnorm.outputs import ALIGNMENT_COLUMNS, alignment_rows
from corpusnorm.pipeline import get_stage
from corpusnorm.quotes import Quote, canonical_quotes

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
WORD_CHAR = regex.compile(r"[\p{L}\p{M}\p{N}]")

_CACHE: dict[str, tuple[str, list[Alignment]]] = {}


def seed(prefix: str) -> tuple[str, list[Alignment]]:
    """Seed text and its alignments with the canonical set (computed once per test session)."""
    if prefix not in _CACHE:
        (path,) = sorted(SEEDS.glob(f"{prefix}_*.txt"))
        text = path.read_text(encoding="utf-8")
        _CACHE[prefix] = (text, align(text))
    return _CACHE[prefix]


def found(prefix: str, quote_id: str, anchor: str) -> list[Alignment]:
    """Alignments of ``quote_id`` overlapping the (unique) place of ``anchor`` in the seed."""
    text, alignments = seed(prefix)
    start = text.index(anchor)
    end = start + len(anchor)
    return [a for a in alignments if a.quote_id == quote_id and a.start < end and start < a.end]


def test_italian_rendering_is_translated() -> None:
    (hit,) = found("000", "L11", "il mondo è in pericolo")
    assert hit.kind == "translated"
    assert hit.text == "il mondo è in pericolo"


def test_italian_article_finds_each_quoted_translation_and_the_english_post() -> None:
    _, alignments = seed("000")
    kinds = {(a.quote_id, a.kind) for a in alignments}
    assert {("L09", "translated"), ("L12", "translated"), ("L14", "translated"), ("L05", "translated")} <= kinds
    assert {("X01", "verbatim"), ("X02", "verbatim")} <= kinds


def test_spun_rendering_is_spun() -> None:
    (hit,) = found("001", "L27", "develop into invisible for a time period")
    assert hit.kind == "spun"
    assert "invisible for a time period" in hit.text


def test_spun_quote_with_many_swapped_words() -> None:
    anchor = "We seem like approaching a threshold the place our knowledge should develop in equal measure"
    (hit,) = found("001", "L14", anchor)
    assert hit.kind == "spun"
    assert hit.coverage > 0.8


def test_typo_in_a_quote_is_near() -> None:
    (hit,) = found("002", "L26", "We shall we what unfolds")
    assert (hit.kind, hit.text, hit.coverage) == ("near", "We shall we what unfolds", 1.0)


def test_hindi_renderings_and_the_english_tweet() -> None:
    hindi_l15 = "मैंने बार‑बार देखा है कि हमारे असली मूल्यों से"
    hindi_l16 = "मैंने ये अपने भीतर भी देखा है, और संगठन के भीतर भी"
    assert [a.kind for a in found("004", "L15", hindi_l15)] == ["translated"]
    assert [a.kind for a in found("004", "L16", hindi_l16)] == ["translated"]
    (tweet,) = found("004", "L15", "“I've repeatedly seen how hard it is")
    assert tweet.kind == "verbatim"
    assert tweet.text == "I've repeatedly seen how hard it is to truly let our values govern our actions"
    assert 0.7 < tweet.coverage < 0.9  # "Throughout my time here," is not in the tweet


def test_a_quote_found_twice_is_reported_at_each_place() -> None:
    _, alignments = seed("002")
    places = [a for a in alignments if a.quote_id == "L11"]
    assert len(places) == 2
    assert places[0].end <= places[1].start


@pytest.mark.parametrize(
    ("prefix", "anchor"),
    [
        ("000", "evidenziano la necessità di sistemi di intelligenza artificiale progettati"),  # a study, same author
        ("000", "non sarebbe realistico affermare che i nostri sistemi"),  # company statement
        ("001", "AI security isn’t solely about mannequin conduct"),  # a reader's tweet, spun
        ("003", "The people building the guardrails and the people building the revenue targets"),  # commentator
        ("003", "safety culture has taken a backseat to shiny products"),  # another researcher
        ("004", "जब आपका हेड ऑफ सेफगार्ड्स रिसर्च ये तय करे"),  # commentator, Hindi
    ],
)
def test_other_peoples_words_are_not_aligned(prefix: str, anchor: str) -> None:
    text, alignments = seed(prefix)
    start = text.index(anchor)
    assert [a for a in alignments if a.start < start + len(anchor) and start < a.end] == []


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_offsets_are_word_edges_and_text_is_the_slice(prefix: str) -> None:
    text, alignments = seed(prefix)
    assert alignments
    for a in alignments:
        assert text[a.start : a.end] == a.text
        assert WORD_CHAR.match(text[a.start]) and WORD_CHAR.match(text[a.end - 1])
        assert a.start == 0 or not WORD_CHAR.match(text[a.start - 1])
        assert a.end == len(text) or not WORD_CHAR.match(text[a.end])
        assert 0.0 < a.coverage <= 1.0
        assert a.kind in {"verbatim", "near", "spun", "translated", "paraphrase"}


def test_quote_style_case_ellipsis_and_spelling_are_tolerated() -> None:
    text = 'She wrote: «THE WORLD IS IN PERIL…» and, later, "within the organization, where we constantly face…"'
    by_id = {a.quote_id: a for a in align(text, crosslingual=False)}
    assert by_id["L11"].kind == "verbatim"
    assert by_id["L11"].text == "THE WORLD IS IN PERIL"
    assert by_id["L16"].kind == "near"  # organisation / organization
    assert by_id["L16"].text == "within the organization, where we constantly face"


def test_user_quote_set_in_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "quotes.txt"
    path.write_text("The committee will publish its findings next spring.\nNobody expected the river to rise.\n")
    text = "Officials said the committee will publish its findings next spring, and nobody expected the river to rise."
    hits = align(text, path, crosslingual=False)
    assert [(a.quote_id, a.kind) for a in hits] == [("Q001", "verbatim"), ("Q002", "verbatim")]
    assert hits[1].text == "nobody expected the river to rise"


def test_user_quote_list_and_no_false_hits_in_unrelated_text() -> None:
    quotes = [Quote("A", "Markets rallied after the central bank held rates steady.")]
    assert align("The central bank surprised nobody.", quotes, crosslingual=False) == []
    assert align("", quotes, crosslingual=False) == []


def test_stage_fills_doc_alignments_and_is_registered() -> None:
    text, expected = seed("002")
    doc = Document.new(text, doc_id="002")
    stage = get_stage("align")(crosslingual=False)
    assert isinstance(stage, AlignStage)
    doc = stage(doc)
    mono = align(text, crosslingual=False)
    assert doc.alignments == mono
    assert {a.quote_id for a in mono} <= {a.quote_id for a in expected}
    assert stage.describe()["name"] == "align"


def test_a_missing_quote_file_fails_at_build_and_one_lost_later_is_a_warning(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        AlignStage(quotes=str(tmp_path / "missing.json"))
    path = tmp_path / "quotes.txt"
    path.write_text("The world is in peril.\n", encoding="utf-8")
    stage = AlignStage(quotes=str(path), crosslingual=False)
    path.unlink()  # gone between the build and the run: the document gets a warning, the run goes on
    doc = stage(Document.new("The world is in peril.", doc_id="x"))
    assert doc.alignments == []
    assert any(w.startswith("align: cannot read the quote set") for w in doc.warnings)


def test_stage_accepts_a_list_of_quotes() -> None:
    quotes = [q for q in canonical_quotes() if q.id == "L26"]
    doc = AlignStage(quotes=quotes, crosslingual=False)(Document.new("He said: we shall see what unfolds.", doc_id="y"))
    assert [(a.quote_id, a.kind) for a in doc.alignments] == [("L26", "verbatim")]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("the world is in peril we shall see “”'\".…,\n")), max_size=200))
def test_never_raises_and_spans_are_valid_on_arbitrary_text(text: str) -> None:
    for a in align(text, crosslingual=False):
        assert text[a.start : a.end] == a.text
        assert 0 <= a.start < a.end <= len(text)


def test_optional_translator_backend_with_a_fake() -> None:
    text = 'Ha scritto che "il mondo è in pericolo" e che "domani si vedrà".'
    fake = DictTranslator({"il mondo è in pericolo": "the world is in peril"})
    warnings: list[str] = []
    hits = align(text, crosslingual=False, translator=fake, warnings=warnings)
    assert [(a.quote_id, a.kind, a.text) for a in hits] == [("L11", "translated", "il mondo è in pericolo")]
    assert warnings and all(w.startswith("translate: no translation for") for w in warnings)
    assert any("domani si vedrà" in w for w in warnings)  # untranslated passages are warnings


def test_translator_failures_become_warnings_not_errors() -> None:
    class Broken(Translator):
        name = "broken"

        def translate(self, texts, *, target, source="auto"):  # type: ignore[no-untyped-def]
            self.failures.append("translate: service down")
            return [None] * len(texts)

    doc = Document.new('Ha scritto: "il mondo è in pericolo".', doc_id="z")
    doc = AlignStage(crosslingual=False, translator=Broken())(doc)
    assert doc.alignments == []
    assert doc.warnings == ["translate: service down"]


def test_a_quote_restored_by_repair_is_reported_as_spun() -> None:
    doc = Document.new("He wrote that “the world is in hazard” and left.", doc_id="r")
    start = doc.text.index("hazard")
    doc.apply_edits([Edit(start, start + len("hazard"), "hazard", "peril", stage="repair", rule="test")])
    doc = AlignStage(crosslingual=False)(doc)
    (hit,) = doc.alignments
    assert (hit.quote_id, hit.kind, hit.text) == ("L11", "spun", "the world is in peril")
    assert "restored by repair" in hit.evidence


def test_title_case_heading_and_the_sentence_under_it_are_two_places() -> None:
    (heading,) = found("003", "L14", "Wisdom Must Grow in Equal Measure to Capacity")
    assert (heading.kind, heading.text) == ("near", "Wisdom Must Grow in Equal Measure to Capacity")
    (sentence,) = found("003", "L14", "We appear to be approaching a threshold where our wisdom must grow")
    assert sentence.kind == "verbatim" and sentence.start > heading.end


class _OneHotEmbedder(Embedder):
    """Each text to its own axis, except texts listed in ``same`` (mapped onto a quote's axis)."""

    name = "one-hot"

    def __init__(self, quotes: list[Quote], same: dict[str, str]) -> None:
        self.axes = {q.text: i for i, q in enumerate(quotes)}
        self.same = same
        self.size = len(quotes) + 4096

    # other texts: an axis each, the same in every call and every instance (the quote set's clause targets are
    # embedded once per process and embedder key)
    own: ClassVar[dict[str, int]] = {}

    def version(self) -> str:
        return f"axes-{self.size}"  # the vector space (keys the quote vectors cached on disk)

    def embed(self, texts):  # type: ignore[no-untyped-def]
        out = np.zeros((len(texts), self.size), dtype=np.float32)
        for row, text in enumerate(texts):
            key = self.same.get(text, text)
            axis = self.axes.get(key)
            if axis is None:
                axis = len(self.axes) + self.own.setdefault(key, len(self.own) % (self.size - len(self.axes) - 1))
            out[row, axis] = 1.0
            out[row, -1] += 0.5  # a shared component, as real embeddings have
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_embedder_interface_is_pluggable() -> None:
    quotes = canonical_quotes()
    l11 = next(q for q in quotes if q.id == "L11")
    embedder = _OneHotEmbedder(quotes, {"el mundo está en peligro": l11.text})
    text = "Escribió que «el mundo está en peligro» y que «nada será igual otra vez»."
    hits = align(text, embedder=embedder, language="es")
    assert [(a.quote_id, a.kind, a.text) for a in hits] == [("L11", "translated", "el mundo está en peligro")]


class _Recording(_OneHotEmbedder):
    name = "one-hot-recording"

    def __init__(self, quotes: list[Quote], same: dict[str, str]) -> None:
        super().__init__(quotes, same)
        self.seen: list[str] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.seen.extend(texts)
        return super().embed(texts)


def _recording(monkeypatch: pytest.MonkeyPatch, rendering: str, quote_id: str) -> _Recording:
    """A recording one-hot embedder mapping ``rendering`` on quote ``quote_id``, with no cache between calls."""
    monkeypatch.setenv("CORPUSNORM_QUOTE_CACHE", "0")
    monkeypatch.setenv(PASSAGE_CACHE_ENV, "0")
    quotes = canonical_quotes()
    return _Recording(quotes, {rendering: next(q.text for q in quotes if q.id == quote_id)})


def test_a_passage_naming_what_the_quote_set_never_names_is_not_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = _recording(monkeypatch, "il mondo è in pericolo", "L11")
    text = (
        "Sharma ha scritto che «il mondo è in pericolo». Su X il divulgatore ha commentato: «quando chi "
        "costruisce i freni se ne va, Paolo Restelli ha ragione a preoccuparsi». "
        "Lascia Anthropic «con il cuore pesante»."
    )
    hits = align(text, embedder=embedder, language="it")
    assert [(a.quote_id, a.text) for a in hits] == [("L11", "il mondo è in pericolo")]
    assert not any("Restelli" in t for t in embedder.seen)  # a name the letter never uses
    assert "il mondo è in pericolo" in embedder.seen and "con il cuore pesante" in embedder.seen


@pytest.mark.parametrize(
    ("text", "language", "named"),
    [
        ("Su X il divulgatore Paolo Restelli ha sintetizzato", "it", True),
        ("अपने AI प्लेटफॉर्म क्लाउड कोवर्क (Claude Cowork) के जरिये", "hi", True),
        ("Ich habe beschlossen, Anthropic zu verlassen", "de", False),  # a name of the quote set
        ("Die Welt ist in Gefahr, schreibt der Forscher", "de", False),  # German nouns are common words
        ("nicht nur durch KI oder Biowaffen, sondern durch Polykrisen", "de", False),  # rare, but nouns
        ("Una Serie Di Crisi Interconnesse", "it", False),  # a title-case heading
        ("Restelli ha sintetizzato così", "it", False),  # the first word may be capitalised for any reason
        ("Su X il divulgatore Paolo Restelli ha sintetizzato", None, False),  # language unknown: not judged
    ],
)
def test_names_outside_the_quote_set(text: str, language: str | None, named: bool) -> None:
    words = passages_module._quote_words(tuple(q.text for q in canonical_quotes()))
    assert passages_module._names_outside(text, words, language) is named


def test_missing_sentence_transformers_is_a_warning_with_the_pip_hint(tmp_path: Path) -> None:
    if importlib.util.find_spec("sentence_transformers") is not None:
        pytest.skip("sentence-transformers is installed here")
    assert isinstance(get_embedder(f"st:{tmp_path}"), SentenceTransformerEmbedder)
    doc = Document.new("Ha scritto: «il mondo è in pericolo».", doc_id="st")
    doc = AlignStage(embedder=f"st:{tmp_path}")(doc)
    assert doc.alignments == []
    assert any("pip install sentence-transformers" in w for w in doc.warnings)


def test_alignment_rows_in_text_and_in_original_coordinates() -> None:
    doc = Document.new("He wrote:  “the world is in hazard”.", doc_id="d1")
    start = doc.text.index("hazard")
    doc.apply_edits([Edit(start, start + len("hazard"), "hazard", "peril", stage="repair", rule="test")])
    doc = AlignStage(crosslingual=False)(doc)
    (row,) = alignment_rows(doc)
    assert tuple(row) == ALIGNMENT_COLUMNS
    assert (row["doc_id"], row["quote_id"], row["text"]) == ("d1", "L11", "the world is in peril")
    (orig,) = alignment_rows(doc, original=True)
    assert orig["text"] == "the world is in hazard" == doc.original[orig["start"] : orig["end"]]


def test_bad_stage_options_fail_when_the_stage_is_built() -> None:
    with pytest.raises(ValueError, match="passages"):
        AlignStage(passages="paragraphs")
    with pytest.raises(ValueError, match="embedder"):
        AlignStage(embedder="no-such-model")
    versions = AlignStage().describe()["versions"]
    assert versions["embedder"].startswith("e5-numpy:") and versions["data:quotes.json"].startswith("sha256:")
    versions["embedder"] = "changed by the caller"  # versions are read once, each call gets its own dict
    assert AlignStage().describe()["versions"]["embedder"].startswith("e5-numpy:")
    assert AlignStage().describe()["versions"]["second_opinion"].startswith("use-m3:")
    assert "second_opinion" not in AlignStage(second_opinion=False).describe()["versions"]
    assert "data:quotes.json" not in AlignStage(quotes=[Quote("Q1", "The world is in peril.")]).versions()
    assert "embedder" not in AlignStage(crosslingual=False).versions()


def test_embedding_threads_one_per_pool_worker_unless_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    from corpusnorm import runtime
    from corpusnorm.backends.embed import _omp_threads

    # a setting left by an earlier test (the docs' examples call set_threads) must not decide this one
    monkeypatch.setattr(runtime, "_THREADS", None)
    monkeypatch.delenv("CORPUSNORM_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: None)
    assert _omp_threads() is None  # a single process: OpenMP's default, every core
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())
    assert _omp_threads() == 1  # a worker of a pool: the processes share the cores
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert _omp_threads() is None  # the user's setting stands


def test_a_rewording_in_a_text_that_is_not_spun_is_a_paraphrase() -> None:
    # seed 002 is a journalist's article (spin score ~0.06): its reworded L17 is not a spinner's
    anchor = "to contribute in a way that falls under his integrity"
    (hit,) = found("002", "L17", anchor)
    assert hit.kind == "paraphrase"
    assert "text not spun" in hit.evidence
    text, _ = seed("002")
    (given,) = [a for a in align(text, crosslingual=False, spin_score=0.9) if a.quote_id == "L17"]
    assert given.kind == "spun"  # the caller's score decides when given


def test_a_known_low_spin_score_turns_spun_into_paraphrase() -> None:
    text, _ = seed("001")
    kinds = {a.quote_id: a.kind for a in align(text, crosslingual=False)}
    assert kinds["L27"] == "spun"  # computed score: seed 001 is spun
    low = {a.quote_id: a.kind for a in align(text, crosslingual=False, spin_score=0.1)}
    assert low["L27"] == "paraphrase"
    assert "spun" not in low.values()


def test_a_quote_restored_by_forced_repair_in_a_text_that_is_not_spun_is_a_paraphrase() -> None:
    doc = Document.new("He wrote that “the world is in hazard” and left.", doc_id="r")
    start = doc.text.index("hazard")
    doc.apply_edits([Edit(start, start + len("hazard"), "hazard", "peril", stage="repair", rule="test")])
    doc.spin_score = 0.1
    doc = AlignStage(crosslingual=False)(doc)
    (hit,) = doc.alignments
    assert (hit.quote_id, hit.kind) == ("L11", "paraphrase")


def test_passage_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    module = importlib.import_module("corpusnorm.align.crosslingual")

    class Counting(Embedder):
        name = "counting"

        def __init__(self) -> None:
            self.calls: list[list[str]] = []

        def embed(self, texts: Sequence[str]) -> np.ndarray:
            self.calls.append(list(texts))
            return np.eye(len(texts), 4, dtype=np.float32)

    embedder = Counting()
    monkeypatch.setenv(module.PASSAGE_CACHE_ENV, "0")
    first = module._passage_vectors(["a b c", "d e f", "a b c"], embedder)
    module._passage_vectors(["a b c"], embedder)
    assert embedder.calls == [["a b c", "d e f"], ["a b c"]]  # duplicates once per call, nothing kept
    assert (first[0] == first[2]).all()
    monkeypatch.setenv(module.PASSAGE_CACHE_ENV, "100")
    module._passage_vectors(["x y z"], embedder)
    module._passage_vectors(["x y z"], embedder)
    assert embedder.calls[2:] == [["x y z"]]  # kept, so embedded once
    # one article's memo: what its candidates embedded is not embedded again for its run sentences
    monkeypatch.setenv(module.PASSAGE_CACHE_ENV, "0")
    memo: dict[str, np.ndarray] = {}
    module._passage_vectors(["p q r", "s t u"], embedder, memo)
    again = module._passage_vectors(["s t u", "v w x"], embedder, memo)
    assert embedder.calls[3:] == [["p q r", "s t u"], ["v w x"]]
    assert (again[0] == memo["s t u"]).all() and set(memo) == {"p q r", "s t u", "v w x"}


# --- polarity, scripts without spaces, headings, repeated renderings -------------------------------


@pytest.mark.parametrize(
    "denial",
    [
        'A commentator replied: "The world isn\'t in peril."',
        "Another wrote that the world is not in peril at all.",
        'A third said: "We shall never see what unfolds."',
    ],
)
def test_a_negated_quote_is_not_the_quote(denial: str) -> None:
    assert align(denial, crosslingual=False) == []
    affirmed = denial.replace("isn't", "is").replace("is not", "is").replace("never ", "")
    assert len(align(affirmed, crosslingual=False)) == 1


def test_a_negated_translation_is_not_the_quote() -> None:
    text = 'Nella lettera scrive che "il mondo è in pericolo". Un commentatore: "Il mondo non è affatto in pericolo".'
    found = align(text, language="it")
    assert [(a.quote_id, a.text) for a in found] == [("L11", "il mondo è in pericolo")]


def test_negation_words_and_unspaced_scripts() -> None:
    from corpusnorm.align.polarity import _negated

    assert _negated("Le monde n'est pas en danger", "fr")
    assert _negated("世界并没有处于危险之中", "zh")
    assert _negated("세계는 위험하지 않다", "ko")
    assert _negated("Мир вовсе не в опасности", None)
    assert not _negated("我发现自己不断在反思我们的处境", "zh")  # 不断: 'continuously'
    assert not _negated("世界は危ない", "ja")  # 危ない: 'dangerous'
    assert not _negated("El mundo corre peligro", "es")


def test_cjk_quote_marks_are_candidates() -> None:
    from corpusnorm.align.passages import _candidates

    text = "他写道『我们拭目以待吧』，又说‘世界正处于危险之中’。公司表示：“我们将继续致力于安全。”"
    texts = [c.text for c in _candidates(text, [], "en", text_language="zh")]
    assert {"我们拭目以待吧", "世界正处于危险之中", "我们将继续致力于安全"} <= set(texts)


def test_a_headline_repeating_a_rendering_of_the_body_is_found() -> None:
    text = (
        "Il mondo è in pericolo, scrive il ricercatore che lascia il laboratorio\n\n"
        'Nella lettera ai colleghi spiega che "il mondo è in pericolo". Un portavoce: "Siamo grati per il suo lavoro".'
    )
    found = align(text, language="it")
    assert [(a.quote_id, a.kind, a.text) for a in found] == [
        ("L11", "translated", "Il mondo è in pericolo"),
        ("L11", "translated", "il mondo è in pericolo"),
    ]
    assert "repeats the rendering" in found[0].evidence


def test_an_english_passage_in_an_article_of_a_language_without_wordfreq_tokenizer() -> None:
    # wordfreq needs jieba for Chinese word frequencies: its absence must not stop the matcher
    # (an English passage that is no quote is compared with Chinese word frequencies; that raised before)
    text = '他写道："The weather in London was lovely this week." 他还说：“我决定离开Anthropic。”'
    assert [(a.quote_id, a.kind) for a in align(text, language="zh")] == [("L01", "translated")]
    sourced = "AI安全研究员离职。他在信中写道：“我在这里已经实现了想要实现的目标。”来源：Reuters, The Guardian。"
    assert [a.quote_id for a in align(sourced, language="zh", passages="sentences")] == ["L05"]


def test_unquoted_reported_speech_is_compared_without_its_frame() -> None:
    from corpusnorm.align.passages import _reported

    text = (
        "Nella lettera ai colleghi scrive che il mondo è in pericolo. "
        "L'azienda ha detto che continuerà a investire nella sicurezza dei modelli. "
        'Ha affermato che era "chiaro" per lui. Er schreibt, er habe genug gesehen. 彼は、もう十分だと述べた。'
    )
    assert [text[a:b] for a, b in _reported(text)] == [
        "il mondo è in pericolo",
        "continuerà a investire nella sicurezza dei modelli",
        "er habe genug gesehen",
        "もう十分",
    ]
    found = align(text, language="it")
    assert [(a.quote_id, a.kind, a.text) for a in found] == [("L11", "paraphrase", "il mondo è in pericolo")]


def test_a_quoted_fragment_opening_mid_clause_is_also_compared_with_its_clause() -> None:
    from corpusnorm.align.passages import _candidates

    text = (
        "Er werde zurückkehren und sich „für eine Weile ganz unsichtbar machen“. "
        "据悉，他打算搬回英国，“在一段时间里让自己不为人知”。"
        "Er schreibt: „Die Welt ist in großer Gefahr“. Sie sagte, „Wir sehen, was passiert.“"
    )
    texts = [c.text for c in _candidates(text, [], "en", text_language="de")]
    # words before the opening mark in its clause; after a comma, the clause before the comma
    assert "Er werde zurückkehren und sich „für eine Weile ganz unsichtbar machen" in texts
    assert "他打算搬回英国，“在一段时间里让自己不为人知" in texts
    # after a colon the quote opens its own sentence; a quoted whole sentence is not a fragment
    assert not any(t.startswith(("Er schreibt", "Sie sagte")) for t in texts)
    assert {"für eine Weile ganz unsichtbar machen", "Die Welt ist in großer Gefahr"} <= set(texts)
    # a quoted short sentence is no fragment: its clause is not a candidate (it was, for 2-3 words, before)
    short = "他写道：“世界正面临危险。”他还表示，自己累了。"
    assert [c.text for c in _candidates(short, [], "en", text_language="zh")] == ["世界正面临危险"]


def test_the_clause_of_a_fragment_is_embedded_only_when_the_fragment_came_close(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # one-hot: a fragment mapped on a quote is a rendering; any other text is equally near every quote
    # (margin 1.0, over the gate) with a cosine far under the floors: a near miss
    embedder = _recording(monkeypatch, "per un certo periodo rendersi invisibile", "L27")
    text = (
        "Vuole tornare a Londra e «per un certo periodo rendersi invisibile». "
        "Nella lettera dice di voler «scrivere molte belle poesie»."
    )
    hits = align(text, embedder=embedder, language="it")
    assert [(a.quote_id, a.text) for a in hits] == [("L27", "per un certo periodo rendersi invisibile")]
    seen = embedder.seen
    # the clause leaves its reporting frame ("dice di") out
    assert seen.index("voler «scrivere molte belle poesie") > seen.index("scrivere molte belle poesie")
    assert not any(t.startswith("Vuole tornare") for t in embedder.seen)  # the rendering's clause: never


def test_a_rendering_inside_reported_speech_is_found_through_its_clause() -> None:
    text = "Laut dem Brief will er nach Großbritannien zurückgehen und sich „für einige Zeit unsichtbar machen“."
    found = align(text, language="de")
    assert [(a.quote_id, a.kind) for a in found] == [("L27", "translated")]
    assert found[0].text.startswith("Laut dem Brief will er")
