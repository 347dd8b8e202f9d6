"""The lexical second opinion on e5's near misses in languages the second model does not know (align/lexical.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from corpusnorm.align import align
from corpusnorm.align.lexical import (
    LEXICAL_EVIDENCE,
    LEXICAL_MIN_WEIGHT,
    fold,
    lexical_opinion,
    matched_weights,
)
from corpusnorm.align.paraphrase import _asks_lexical
from corpusnorm.backends.embed import get_embedder
from corpusnorm.quotes import canonical_quotes

QUOTES = canonical_quotes()
TEXTS = tuple(q.text for q in QUOTES)
IDS = [q.id for q in QUOTES]
# A Croatian summary of L07 that e5-small scores under the floors (margin ~1.02, cosine ~0.86), beside a
# spokesperson's statement on the same topic
HR_ARTICLE = (
    "Istraživač odlazi iz tvrtke\n\nPiše: Tena Marić | 12. veljače 2026.\n\nSharma je u pismu napisao da je pomagao "
    "razumjeti sikofanciju umjetne inteligencije i graditi obranu od bioterorizma uz pomoć umjetne inteligencije. "
    "Glasnogovornik tvrtke Dario Vuković rekao je da tvrtka ostaje posvećena sigurnosti."
)


def test_fold_merges_spellings_across_scripts() -> None:
    assert fold("sicofanției") == "sikofantiei"
    assert fold("Sykofanti") == "sikofanti"  # y/i, c/k
    assert fold("Bioterrorism") == "bioterorism"
    assert fold("Φρανσίσκο") == fold("Fransisko")
    assert fold("поезію").startswith("poe")


def test_rare_cognates_confirm_their_quote() -> None:
    passage = "pomagao je razumjeti sikofanciju i bioterorizam"
    opinion = lexical_opinion(passage, IDS.index("L07"), TEXTS)
    assert opinion.confirmed
    assert opinion.weight > 2 * LEXICAL_MIN_WEIGHT - 1  # two words only L07 carries
    assert not lexical_opinion(passage, IDS.index("L24"), TEXTS).confirmed  # not e5's pick if it were another


def test_shared_topic_words_weigh_too_little() -> None:
    weights = matched_weights("AI-sikkerhed er firmaets vigtigste værdi", TEXTS)
    assert max(weights) < LEXICAL_MIN_WEIGHT  # "AI" is in four quotes, "safety" in two
    assert not lexical_opinion("AI-sikkerhed er firmaets vigtigste værdi", IDS.index("L06"), TEXTS).confirmed


def test_a_tie_leaves_the_choice_to_e5() -> None:
    passage = "han vill studera poesi"  # "poesi" is as close to L24's "poetry" as to L23's "poetic"
    weights = matched_weights(passage, TEXTS)
    assert weights[IDS.index("L24")] == weights[IDS.index("L23")] >= LEXICAL_MIN_WEIGHT
    assert lexical_opinion(passage, IDS.index("L24"), TEXTS).confirmed
    assert lexical_opinion(passage, IDS.index("L23"), TEXTS).confirmed


def test_numbers_match_as_digits_only() -> None:
    assert matched_weights("zadnji dan je 9. veljače", TEXTS)[IDS.index("L02")] >= LEXICAL_MIN_WEIGHT
    assert matched_weights("zadnji dan je 19. veljače", TEXTS)[IDS.index("L02")] == 0.0


def test_only_languages_the_second_model_lacks_are_asked() -> None:
    embedder = get_embedder()
    assert _asks_lexical("han vill studera poesi", embedder, "sv")
    assert not _asks_lexical("er will Poesie studieren", embedder, "de")  # the second model's
    assert not _asks_lexical("han vill inte studera poesi", embedder, "sv")  # negated


def test_a_croatian_near_miss_is_confirmed_in_an_article() -> None:
    found = align(HR_ARTICLE, language="hr")
    lexical = [a for a in found if LEXICAL_EVIDENCE in a.evidence]
    assert [(a.quote_id, a.kind) for a in lexical] == [("L07", "paraphrase")]
    assert "sikofanciju" in lexical[0].text
    assert not any("posvećena" in a.text for a in found)  # the spokesperson's statement
    assert not any(LEXICAL_EVIDENCE in a.evidence for a in align(HR_ARTICLE, language="hr", second_opinion=False))


def test_weights_are_the_same_in_every_process() -> None:
    code = (
        "import json; from corpusnorm.align.lexical import matched_weights; from corpusnorm.quotes import "
        "canonical_quotes; print(json.dumps(matched_weights('poesi, polykris och bioterrorism den 9 februari', "
        "tuple(q.text for q in canonical_quotes()))))"
    )
    runs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        runs.add(tuple(json.loads(out.stdout)))
    assert len(runs) == 1
