"""Language identification: documents, segments and embedded passages (corpusnorm.detect)."""

from __future__ import annotations

import itertools
import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusnorm.detect import (
    DetectConfig,
    DetectStage,
    LanguageGuess,
    detect_language,
    detect_segments,
    language_shares,
)
from corpusnorm.document import Document
from corpusnorm.pipeline import get_stage

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CORPUSNORM_SHARED", ROOT.parent / "shared"))


def _line_end(text: str, inside: str) -> int:
    """End (before the line break) of the line of ``text`` containing ``inside``."""
    at = text.index(inside)
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _check_segments(text: str, segments: list) -> None:
    """Offsets are exact, ordered, trimmed; neighbours differ; every non-space character is covered."""
    covered = [False] * len(text)
    for a, b in itertools.pairwise(segments):
        assert a.end <= b.start
        assert a.language != b.language
    for seg in segments:
        assert seg.text == text[seg.start : seg.end]
        assert seg.text == seg.text.strip()
        assert 0.0 <= seg.confidence <= 1.0
        for i in range(seg.start, seg.end):
            covered[i] = True
    assert all(covered[i] or text[i].isspace() for i in range(len(text)))


# -- seeds -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["001", "002", "003"])
def test_english_seeds_are_english(seeds: dict[str, str], prefix: str) -> None:
    text = seeds[prefix]
    segments = detect_segments(text)
    _check_segments(text, segments)
    assert [s.language for s in segments] == ["en"]
    assert detect_language(text).language == "en"


def test_italian_seed_with_the_post_as_an_english_segment(seeds: dict[str, str]) -> None:
    text = seeds["000"]
    segments = detect_segments(text)
    _check_segments(text, segments)
    assert language_shares(segments)["it"] > 0.9
    english = [s for s in segments if s.language == "en"]
    assert len(english) == 1
    post = english[0]
    assert post.start == text.index("Today is my last day at")
    assert post.end == _line_end(text, "explaining my decision.")  # the post and its attribution line
    assert "I resigned." in post.text
    assert {s.language for s in segments} == {"it", "en"}


def test_hindi_seed_with_the_post_and_the_tweet_as_english_segments(seeds: dict[str, str]) -> None:
    text = seeds["004"]
    segments = detect_segments(text)
    _check_segments(text, segments)
    shares = language_shares(segments)
    assert next(iter(shares)) == "hi"
    english = [s for s in segments if s.language == "en"]
    assert len(english) == 2
    post, tweet = english
    assert post.start == text.index("Today is my last day at")
    assert post.end == _line_end(text, "explaining my decision.")
    assert tweet.start == text.index("This is being read as a philosophical farewell.")
    assert tweet.end == _line_end(text, "https://t.co/")
    # Latin names and acronyms inside Hindi sentences stay in the Hindi segments
    assert all(s.language == "hi" for s in segments if "Constitutional Classifiers" in s.text)


def test_detect_stage_sets_document_fields(seeds: dict[str, str]) -> None:
    doc = Document.new(seeds["004"], doc_id="004")
    doc = DetectStage()(doc)
    assert doc.language == "hi"
    assert set(doc.languages) == {"hi", "en"}
    assert abs(sum(doc.languages.values()) - 1.0) < 1e-3
    assert doc.languages["hi"] > doc.languages["en"] > 0.05
    assert [s.language for s in doc.segments] == ["hi", "en", "hi", "en", "hi"]
    assert not doc.warnings


# -- small, made-up texts ---------------------------------------------------------------------------
def test_english_quotation_inside_italian_is_its_own_segment() -> None:
    text = (
        "Il ministro ha parlato a lungo con i giornalisti durante la conferenza di ieri sera a Roma. "
        '"We will not accept any delay on this project, and we expect the work to be finished." '
        "Poi ha lasciato la sala senza rispondere ad altre domande sul bilancio della regione."
    )
    segments = detect_segments(text)
    _check_segments(text, segments)
    assert [s.language for s in segments] == ["it", "en", "it"]
    assert segments[1].text.startswith('"We will not accept')
    assert segments[1].text.endswith('finished."')


def test_short_latin_fragments_inside_hindi_join_the_hindi_text() -> None:
    text = (
        "कंपनी के प्रमुख John Smith ने बुधवार को नई नीति की घोषणा की। "
        "उन्होंने कहा कि AI तकनीक से कई उद्योग बदल जाएंगे और New Delhi में नया दफ्तर खुलेगा।"
    )
    segments = detect_segments(text)
    _check_segments(text, segments)
    assert [s.language for s in segments] == ["hi"]


def test_urls_handles_and_dates_join_their_neighbours() -> None:
    text = (
        "Oggi il consiglio comunale ha approvato il nuovo piano per il traffico cittadino.\n\n"
        "We are proud of this plan and of everyone who worked on it. https://t.co/abc123 "
        "— City Council (@citycouncil) March 3, 2025\n\n"
        "Il piano entrerà in vigore dal primo giorno del mese prossimo in tutti i quartieri."
    )
    segments = detect_segments(text)
    _check_segments(text, segments)
    assert [s.language for s in segments] == ["it", "en", "it"]
    assert segments[1].text.endswith("March 3, 2025")


def test_one_word_quotation_does_not_form_a_segment() -> None:
    text = 'Gli esperti parlano di "sycophancy" dei sistemi, cioè della tendenza a compiacere gli utenti.'
    assert [s.language for s in detect_segments(text)] == ["it"]


_CHARS = [*"abè .,;:!?'\"“”«»—-\n\t@#/12।", "क", "में", "है", "\u200d", "\u0301", "Ω", "д", "中"]
_PIECES = st.sampled_from([*_CHARS, "https://t.co/x ", "@user ", "Ciao ", "the ", "हिंदी "])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_odd_input_keeps_the_segment_invariants(text: str) -> None:
    _check_segments(text, detect_segments(text))
    assert detect_language(text, open_set=False).language in {"en", "it", "hi", "und"}
    guess = detect_language(text)  # open set: a candidate or a code of fastText's 176 languages
    assert guess.language in {"en", "it", "hi", "und"} or (guess.language.isalpha() and guess.confidence >= 0.8)


@pytest.mark.parametrize("text", ["", "   \n ", "https://t.co/x", "@handle", "12 345 2026-02-10", "#hashtag"])
def test_nothing_to_decide_on_is_und(text: str) -> None:
    guess = detect_language(text)
    assert guess == LanguageGuess("und", 0.0, {})
    assert all(s.language == "und" for s in detect_segments(text))
    doc = DetectStage()(Document.new(text, doc_id="x"))
    assert doc.language == "und"
    assert doc.languages == {}


def test_detect_language_scores_and_script() -> None:
    guess = detect_language("यह एक छोटा वाक्य है।")
    assert guess.language == "hi"
    assert guess.confidence == 1.0
    guess = detect_language("The committee will publish its final report next week.")
    assert guess.language == "en"
    assert set(guess.scores) == {"en", "it", "hi"}
    assert abs(sum(guess.scores.values()) - 1.0) < 1e-6
    assert guess.scores["en"] > 0.9
    assert detect_language("La commissione pubblicherà la relazione finale la prossima settimana.").language == "it"
    # other candidate sets work too (the weights are language-independent)
    german = "Der Ausschuss veröffentlicht nächste Woche seinen Bericht."
    assert detect_language(german, languages=("de", "nl")).language == "de"
    # a text in a script no candidate writes is undecidable in a closed set, and named in the open one
    assert detect_language("Комитет опубликует доклад.", languages=("en", "it"), open_set=False).language == "und"
    assert detect_language("Комитет опубликует доклад.", languages=("en", "it")).language == "ru"


OTHER_LANGUAGE_ARTICLES = {
    "es": "Un investigador de seguridad deja la empresa con una carta enigmática. En la carta explica: "
    '"He decidido dejar la empresa. Mi último día será el 9 de febrero". "El mundo está en peligro", advierte, '
    '"y no solo por la IA". Según él, ha llegado el momento de seguir adelante.',
    "de": "Der Forscher gab am Montag seinen Abschied bekannt. „Heute ist mein letzter Tag. Ich habe gekündigt“, "
    "schrieb er. „Die Welt ist in Gefahr“, schreibt er, „und nicht nur durch KI.“ Es sei Zeit, weiterzuziehen.",
    "zh": "人工智能安全研究员发表神秘辞职信\n\n这位研究员周一宣布离职。"
    "他在信中写道：“我已决定离开公司。我的最后一天将是2月9日。”"
    "他说，两年前他完成博士学位后来到旧金山，希望为人工智能安全做出贡献。",
}


@pytest.mark.parametrize("language", sorted(OTHER_LANGUAGE_ARTICLES))
def test_articles_in_other_languages_are_not_forced_into_the_candidates(language: str) -> None:
    text = OTHER_LANGUAGE_ARTICLES[language]
    segments = detect_segments(text)
    assert {s.language for s in segments} == {language}, [(s.language, s.text) for s in segments]
    assert detect_language(text).language == language
    # the closed set picks among en/it/hi, as asked
    assert detect_language(text, open_set=False).language in {"en", "it", "hi", "und"}
    doc = get_stage("detect")()(Document.new(text, doc_id=language))
    assert doc.language == language and doc.languages == {language: 1.0}


@pytest.mark.parametrize("languages", [("xx",), ("en", "zz"), ("english",), ()])
def test_unknown_language_code_is_a_value_error(languages: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        detect_language("hello world", languages=languages)
    with pytest.raises(ValueError):
        detect_segments("hello world", languages=languages)
    with pytest.raises(ValueError):
        DetectStage(languages=languages)


def test_unknown_backend_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        detect_language("hello world", backend="nope")


@pytest.mark.parametrize("backend", ["fasttext", "lingua", "langdetect"])
def test_single_backends(backend: str) -> None:
    assert detect_language("The weather is lovely today in the park.", backend=backend).language == "en"
    assert detect_language("Oggi il tempo è bellissimo nel parco.", backend=backend).language == "it"
    assert detect_language("आज पार्क में मौसम बहुत सुहावना है।", backend=backend).language == "hi"


def test_stage_is_registered_picklable_and_described() -> None:
    assert get_stage("detect") is DetectStage
    stage = DetectStage(DetectConfig(languages=("EN", "it")))
    assert stage.config.languages == ("en", "it")
    clone = pickle.loads(pickle.dumps(stage))
    assert clone.config == stage.config
    described = stage.describe()
    assert described["name"] == "detect"
    assert described["versions"]["data:lid_weights.json"].startswith("sha256:")
    # read once per process, but each call hands out its own dict
    described["versions"]["wordfreq"] = "changed by the caller"
    assert stage.describe()["versions"]["wordfreq"] != "changed by the caller"


_DETERMINISM_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from corpusnorm.detect import detect_language, detect_segments
    text = open(sys.argv[1], encoding="utf-8").read()
    out = {
        "segments": [[s.start, s.end, s.language, s.confidence] for s in detect_segments(text)],
        "guesses": [detect_language(w, backend=b).scores for w in ("piano", "ciao", "data", "file", "camera")
                    for b in ("ensemble", "langdetect")],
    }
    print(json.dumps(out, sort_keys=True))
    """
)

_NO_LANGDETECT_SCRIPT = textwrap.dedent(
    """
    import sys
    from corpusnorm.detect import detect_language, detect_segments, DetectStage
    detect_language("Una frase in italiano."); detect_segments("A sentence.\\nUna frase."); DetectStage()
    print("langdetect" in sys.modules)
    """
)


def _run(script: str, *args: str, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    return done.stdout


def test_deterministic_across_processes() -> None:
    seed = str(ROOT / "seeds")
    path = sorted(Path(seed).glob("004_*.txt"))[0]
    first = _run(_DETERMINISM_SCRIPT, str(path), seed="1")
    second = _run(_DETERMINISM_SCRIPT, str(path), seed="2")
    assert first == second
    assert json.loads(first)["segments"]


def test_default_backend_does_not_import_langdetect() -> None:
    assert _run(_NO_LANGDETECT_SCRIPT, seed="0").strip() == "False"


# -- accuracy floors (regression guard on a fixed slice; the full comparison is benchmarks/langid.py) ---
FLOORS = {  # % on the first 150 held-out (odd) lines; at least the best peer's figure on the same slice
    "single-words": {"en": 97.0, "it": 95.0, "hi": 100.0},
    "word-pairs": {"en": 99.0, "it": 99.0, "hi": 100.0},
    "sentences": {"en": 100.0, "it": 100.0, "hi": 100.0},
}


@pytest.mark.parametrize("cell", sorted(FLOORS))
def test_accuracy_floors_on_held_out_lid_testdata(cell: str) -> None:
    data = SHARED / "lid_testdata" / cell
    if not data.is_dir():
        pytest.skip(f"lid_testdata not found at {data} (shared data beside the repo; set CORPUSNORM_SHARED)")
    for lang, floor in FLOORS[cell].items():
        lines = (data / f"{lang}.txt").read_text(encoding="utf-8").split("\n")
        items = [line for i, line in enumerate(lines) if line and i % 2 == 1][:150]
        right = sum(detect_language(line).language == lang for line in items)
        assert 100.0 * right / len(items) >= floor, f"{cell}/{lang}: {right}/{len(items)}"
