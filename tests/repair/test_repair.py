"""Spun-English repair on real spun text (seed 001, spun_dev) and real clean text (seeds 002/003)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from corpusnorm.backends.ngram import language_model
from corpusnorm.document import Document, apply_edits, undo
from corpusnorm.repair import (
    SPIN_THRESHOLD,
    RepairStage,
    format_explanation,
    learn_substitutions,
    repair,
    spin_score,
    substitutions_tsv,
)
from corpusnorm.repair.lexicon import Lexicon, load_lexicon
from corpusnorm.repair.tokens import match_case


@pytest.fixture(scope="module")
def spun_seed(seeds: dict[str, str]) -> str:
    return seeds["001"]


@pytest.fixture(scope="module")
def repaired_seed(spun_seed: str):
    return repair(spun_seed)


def _check_edits(source: str, result) -> None:
    previous_end = 0
    for edit in result.edits:
        assert source[edit.start : edit.end] == edit.before
        assert edit.start >= previous_end
        assert edit.stage == "repair" and edit.rule and edit.evidence
        assert 0.0 <= edit.confidence <= 1.0
        previous_end = edit.end
    assert apply_edits(source, result.edits) == result.text


def test_seed_phrases_restored_with_case_and_punctuation(spun_seed: str, repaired_seed) -> None:
    text = repaired_seed.text
    assert "Supply hyperlink" in spun_seed and "Source link" in text and "Supply hyperlink" not in text
    assert "put up—learn" in spun_seed and "post—read" in text
    assert "the head of Anthropic’s safeguards research team" in text
    assert "announced his resignation" in text
    assert "speculation about the reasons" in text
    assert "mannequin" not in text and "an upgraded model" in text


def test_edits_obey_the_invariant(spun_seed: str, repaired_seed) -> None:
    _check_edits(spun_seed, repaired_seed)
    table = format_explanation(repaired_seed).splitlines()
    assert len(table) == 2 + len(repaired_seed.edits) + len(repaired_seed.suggestions)
    assert table[2].startswith("edit\t")
    # suggestions are not applied
    for suggestion in repaired_seed.suggestions:
        assert spun_seed[suggestion.start : suggestion.end] == suggestion.before


def test_sentence_initial_phrase_gets_a_capital(spun_seed: str) -> None:
    assert "The put up was shortly analysed" in spun_seed
    variant = spun_seed.replace("The put up was shortly analysed", "Put up was shortly analysed")
    result = repair(variant)
    assert "Post was" in result.text
    assert match_case("Put up", "post") == "Post"
    assert match_case("Supply hyperlink", "source link") == "Source link"


def test_put_up_with_is_left_alone(spun_seed: str) -> None:
    text = spun_seed + "\n\nReaders should not have to put up with this.\n"
    result = repair(text)
    assert result.spin.spun
    assert "put up with this" in result.text


@pytest.mark.parametrize("name", ["002", "003"])
def test_clean_seeds_unchanged(seeds: dict[str, str], name: str) -> None:
    result = repair(seeds[name])
    assert result.text == seeds[name]
    assert result.edits == []
    assert result.spin.score < SPIN_THRESHOLD


def test_spin_score_separates_spun_from_clean(shared: Path, seeds: dict[str, str]) -> None:
    spun = [seeds["001"], *(p.read_text(encoding="utf-8") for p in sorted((shared / "spun_dev").glob("*_spun.txt")))]
    clean = [seeds["002"], seeds["003"], (shared / "spun_dev" / "003_original.txt").read_text(encoding="utf-8")]
    spun_scores = [spin_score(t).score for t in spun]
    clean_scores = [spin_score(t).score for t in clean]
    assert min(spun_scores) >= SPIN_THRESHOLD > max(clean_scores)
    report = spin_score(seeds["001"])
    assert report.evidence and report.fingerprints > 10


def test_clean_sentences_unchanged(shared: Path) -> None:
    lines = (shared / "lid_testdata" / "sentences" / "en.txt").read_text(encoding="utf-8").splitlines()[:200]
    text = "\n".join(lines)
    assert repair(text).text == text


def test_spun_dev_mostly_restored(shared: Path) -> None:
    original = (shared / "spun_dev" / "003_original.txt").read_text(encoding="utf-8")
    spun = (shared / "spun_dev" / "004_spun.txt").read_text(encoding="utf-8")
    result = repair(spun)
    _check_edits(spun, result)
    for phrase in ("On-chain data shows", "a net amount of supply", "coins moving out", "Source: CryptoQuant"):
        assert phrase in original
    assert "On-chain data shows" in result.text
    assert "coins moving out" in result.text
    assert "On-chain" in result.text  # the hyphenated compound is not split or spun


def test_learn_substitutions_recovers_known_pairs(shared: Path) -> None:
    original = (shared / "spun_dev" / "003_original.txt").read_text(encoding="utf-8")
    spun = (shared / "spun_dev" / "003_spun.txt").read_text(encoding="utf-8")
    pairs = {(s.spun, s.original): s for s in learn_substitutions(spun, original)}
    assert ("cash", "coins") in pairs and pairs[("cash", "coins")].count >= 4
    assert ("reveals", "shows") in pairs
    assert ("for the reason that", "since the") in pairs
    assert ("pattern", "trend") in pairs
    assert all(s.contexts for s in pairs.values())


def test_user_lexicon_round_trip(shared: Path, tmp_path: Path) -> None:
    original = (shared / "spun_dev" / "003_original.txt").read_text(encoding="utf-8")
    spun = (shared / "spun_dev" / "003_spun.txt").read_text(encoding="utf-8")
    path = tmp_path / "mine.tsv"
    path.write_text(substitutions_tsv(learn_substitutions(spun, original), source="mine"), encoding="utf-8")
    assert len(load_lexicon(path)) > 20
    other = (shared / "spun_dev" / "005_spun.txt").read_text(encoding="utf-8")
    result = repair(other, lexicons=[path], builtin=False, thesaurus=False)
    assert result.spin.spun
    assert other.count("cash") >= 5 and "coins" not in other
    assert result.text.count("coins") >= 3 and result.text.count("cash") < other.count("cash")
    assert all(e.rule.startswith("mine:") for e in result.edits)


def test_stage_on_document(spun_seed: str, seeds: dict[str, str]) -> None:
    stage = RepairStage()
    doc = stage(Document.new(spun_seed, doc_id="001"))
    assert doc.spin_score is not None and doc.spin_score >= SPIN_THRESHOLD
    assert "Source link" not in doc.text  # the repaired footer is boilerplate (removed, see below)
    assert apply_edits(doc.original, doc.edits) == doc.text
    assert undo(doc) == spun_seed
    assert all(e.stage == "repair" for e in doc.edits)
    clean = stage(Document.new(seeds["002"], doc_id="002"))
    assert clean.text == seeds["002"] and not clean.edits
    assert stage.describe()["name"] == "repair"


def test_stage_skips_non_english_documents(spun_seed: str) -> None:
    doc = Document.new(spun_seed, doc_id="x")
    doc.language = "it"
    RepairStage()(doc)
    assert doc.text == spun_seed and doc.spin_score is None


def test_wordnet_sense_rank_separates_spinner_links() -> None:
    from corpusnorm.backends.thesaurus import wordnet_linked, wordnet_rank

    assert wordnet_rank("said", "stated") == 0  # "say" in its first sense holds "state"
    assert wordnet_rank("details", "particulars") == 1
    rank = wordnet_rank("changes", "exchanges")  # linked, but only through a rare sense
    assert rank is not None and rank >= 2
    assert wordnet_linked("model", "mannequin") and not wordnet_linked("head", "pinnacle")


def test_sure_thesaurus_guesses_restore_words_no_lexicon_has(spun_seed: str) -> None:
    result = repair(spun_seed, builtin=False, lexicon=False, force=True)
    _check_edits(spun_seed, result)
    pairs = {(e.before, e.after) for e in result.edits}
    assert ("particulars", "details") in pairs and ("productiveness", "productivity") in pairs
    assert all(e.rule.startswith("model:") for e in result.edits)
    # weaker guesses are suggestions only, and can be switched off altogether
    assert not repair(spun_seed, builtin=False, lexicon=False, force=True, apply_sure_guesses=False).edits


def test_gate_opens_with_a_lexicon_from_another_article(shared: Path, spun_seed: str) -> None:
    from corpusnorm.repair.learn import learn_entries

    gold = Path(__file__).resolve().parents[1] / "reference" / "gold" / "001_restored.txt"
    if not gold.exists():
        pytest.skip("no restored seed 001")
    lexicon = Lexicon(learn_entries([(spun_seed, gold.read_text(encoding="utf-8"), "seed")]))
    for path in sorted((shared / "spun_dev").glob("*_spun.txt")):
        assert spin_score(path.read_text(encoding="utf-8"), lexicons=[lexicon], builtin=False).spun
    original = (shared / "spun_dev" / "003_original.txt").read_text(encoding="utf-8")
    assert not spin_score(original, lexicons=[lexicon], builtin=False).spun


def test_stage_removes_footers_that_become_boilerplate_once_repaired(spun_seed: str) -> None:
    from corpusnorm import Pipeline

    assert "Supply hyperlink" in spun_seed  # the spun footer, which the clean stage cannot know
    doc = Pipeline.from_names(["clean", "repair"])(Document.new(spun_seed, doc_id="001"))
    assert "Source link" not in doc.text and "Supply hyperlink" not in doc.text
    footer = [e for e in doc.edits if "Supply hyperlink" in e.before]
    assert len(footer) == 1 and "boilerplate:source-link" in footer[0].rule and "repair" in footer[0].stage
    assert doc.text.endswith("”\n") and undo(doc) == spun_seed
    # off: the repaired footer stays as text
    off = Pipeline.from_names(["clean", "repair"], repair={"boilerplate": False})(Document.new(spun_seed, doc_id="001"))
    assert off.text.rstrip().endswith("Source link")


def test_shipped_learnt_rows_are_rebuilt_by_the_build_script(shared: Path) -> None:
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / "build_spin_lexicon.py"
    spec = importlib.util.spec_from_file_location("build_spin_lexicon", path)
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.main(["--shared", str(shared), "--check"]) == 0


def test_lexicon_phrases_teach_word_pairs_used_in_other_phrases(shared: Path) -> None:
    from corpusnorm.repair.lexicon import Entry
    from corpusnorm.repair.pairs import pair_index

    lexicon = Lexicon(
        [
            Entry("mine:1", ("time", "interval"), "time period", "mine", 1),
            Entry("pps:1", ("huge", "information"), "big data", "pps:list", 5),  # scientific: teaches nothing
        ]
    )
    index = pair_index(lexicon)
    assert index.candidates("intervals") == (("periods", 1),)  # lemma pair, re-inflected
    assert index.candidates("information") == ()
    spun = (shared / "spun_dev" / "003_spun.txt").read_text(encoding="utf-8")
    result = repair(spun, builtin=False, lexicons=[lexicon], force=True)
    _check_edits(spun, result)
    assert [(e.before, e.after, e.rule) for e in result.edits] == [("intervals", "periods", "model:pairs+bigram")]
    assert "for prolonged periods in private wallets" in result.text


def test_document_agreement_repeats_a_sure_repair(spun_seed: str) -> None:
    result = repair(spun_seed, builtin=False, lexicon=False, force=True)
    agreed = [e for e in result.edits if e.rule == "model:document-agreement"]
    assert ("stated", "said") in {(e.before, e.after) for e in agreed}
    sure = {(e.before.lower(), e.after.lower()) for e in result.edits if e.rule != "model:document-agreement"}
    assert all((e.before.lower(), e.after.lower()) in sure for e in agreed)  # only copies of repairs made elsewhere
    assert not repair(spun_seed, builtin=False, lexicon=False, force=True, apply_sure_guesses=False).edits


# -- fast paths: each must give exactly what the library call or formula it replaces gives --


def test_memoised_inflection_matches_lemminflect() -> None:
    from lemminflect import getInflection

    from corpusnorm.backends.thesaurus import _inflection

    heads = ["show", "reveal", "go", "be", "child", "good", "fast", "happily", "mannequin", "xylophonize", "data"]
    tags = ["NN", "NNS", "VB", "VBP", "VBZ", "VBD", "VBN", "VBG", "JJ", "JJR", "JJS", "RB", "RBR", "RBS", "MD"]
    for head in heads:
        for tag in tags:
            forms = getInflection(head, tag=tag)
            assert _inflection(head, tag) == (forms[0] if forms else None), (head, tag)


def test_plain_zipf_matches_wordfreq() -> None:
    from wordfreq import zipf_frequency

    from corpusnorm.backends.wordfreq import _plain_zipf

    for word in ["the", "post", "hyperlink", "mannequin", "pinnacle", "a", "zzxqjv", "colour", "learn", "i"]:
        assert _plain_zipf(word) == zipf_frequency(word, "en"), word


def test_language_model_window_is_the_sum_of_its_terms() -> None:
    from corpusnorm.backends.ngram import _SMOOTHING, language_model

    lm = language_model()
    for left, words, right in [("the", ["source", "link"], "was"), ("", ["put", "up"], "a"), ("social", ["media"], "")]:
        total, previous = 0.0, left
        for word in words:
            if previous:
                c_pair, c_prev = lm.bigrams.get((previous, word), 0), lm.unigrams.get(previous, 0)
                total += math.log((c_pair + _SMOOTHING * lm.unigram(word)) / (c_prev + _SMOOTHING))
            else:
                total += math.log(lm.unigram(word))
            previous = word
        if right:
            total += lm.logprob(previous, right) - math.log(lm.unigram(right))
        assert lm.window(left, words, right) == total
        assert lm.window(left, tuple(words), right) == total


def test_learner_attaches_a_phrasal_particle_to_the_pair_before_it(spun_seed: str) -> None:
    gold = Path(__file__).resolve().parents[1] / "reference" / "gold" / "001_restored.txt"
    if not gold.exists():
        pytest.skip("no restored seed 001")
    pairs = {(s.spun, s.original) for s in learn_substitutions(spun_seed, gold.read_text(encoding="utf-8"))}
    # "added their take on AI safety" was spun as "added their tackle AI security"
    assert ("tackle", "take on") in pairs and ("security", "safety") in pairs
    assert ("tackle", "take") not in pairs and ("ai security", "on ai safety") not in pairs


def test_language_model_windows_pair_equals_two_windows() -> None:
    from corpusnorm.backends.ngram import language_model

    lm = language_model()
    cases = [
        ("the", ["source", "link"], ("supply", "hyperlink"), "was"),
        ("", ["post"], ("put", "up"), "a"),
        ("social", ["media"], ("media",), ""),
        ("", ["zzxqjv"], ("qqq", "zzz"), ""),
        ("of", ["research", "team"], ("analysis",), "zzxqjv"),
    ]
    for left, first, second, right in cases:
        assert lm.windows(left, first, second, right) == (lm.window(left, first, right), lm.window(left, second, right))


def test_possessive_word_pattern_finds_the_greedy_tokens() -> None:
    import re

    from corpusnorm.repair.tokens import WORD_RE

    greedy = re.compile(r"[^\W\d_]\w*(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*")
    text = (
        "don’t won't rock'n'roll x'y' 'quoted' ‘curly’ 1,000.50 1.2.3, 1,,2 a’’b ²3 x² _a a_b 3rd "
        "İstanbul ǅemal naïve ﬁle Straße 東京 café-au-lait e-mail @handle #tag https://ex.am/p?q=1"
    )
    assert [m.span() for m in WORD_RE.finditer(text)] == [m.span() for m in greedy.finditer(text)]


FLAG_TEXT = (
    "A post-war view:\tthe data, put up -- e-mail me@host.org/path #tag _x 3rd 2x x2 ²nd ok.\n"
    "Next line  with  two spaces\t\ttabs, «quotes» and the end"
)


def test_token_flags_match_their_definitions() -> None:
    from corpusnorm.repair.flags import TokenFlags
    from corpusnorm.repair.tokens import spans_and_words
    from corpusnorm.text.patterns import RE_PHRASE_GAP

    for text in (FLAG_TEXT, "word", "", " lead and trail ", "1 2 three-four"):
        spans, _ = spans_and_words(text)
        flags = TokenFlags(text, spans)
        joins, frees = flags.fill()
        gaps = [RE_PHRASE_GAP.fullmatch(text, a[1], b[0]) is not None for a, b in itertools.pairwise(spans)]
        assert joins == [flags.is_joined(i) for i in range(len(spans))] == [False, *gaps][: len(spans)], text
        assert frees == [flags.is_free(i) for i in range(len(spans))], text


def test_lexicon_matches_are_those_of_a_lookup_at_every_word(spun_seed: str) -> None:
    from corpusnorm.repair.analyser import Analyser
    from corpusnorm.repair.lexicon import builtin_lexicon

    lexicon = builtin_lexicon()
    for text in (spun_seed, FLAG_TEXT + " put up with it, put up a post"):
        analyser = Analyser(text, lexicon, language_model())
        flags = analyser.flags
        words, n = analyser.words, analyser.n
        expected = {}
        for i in range(n):
            found = []
            for entry in lexicon.lookup_at(words, i):
                j = i + len(entry.spun)
                if tuple(words[i:j]) != entry.spun or not flags.is_free(i):
                    continue
                if not all(flags.is_joined(k) and flags.is_free(k) for k in range(i + 1, j)):
                    continue
                if entry.context_ok(words[i - 1] if i else "", words[j] if j < n else ""):
                    found.append((entry, j, len(entry.spun)))
            if found:
                expected[i] = found
        assert analyser.matches() == expected


def test_repair_does_not_depend_on_what_the_process_has_seen(spun_seed: str) -> None:
    """The per-word memos (candidates known to be empty are skipped) must not change the output."""
    import importlib

    module = importlib.import_module("corpusnorm.repair.guesses")

    warm = repair(spun_seed, force=True)
    module._FREQUENT_CANDIDATES.clear()
    cold = repair(spun_seed, force=True)
    assert warm.edits and (warm.edits, warm.suggestions) == (cold.edits, cold.suggestions)


def test_pair_candidates_memo_gives_the_computed_value() -> None:
    from corpusnorm.repair.lexicon import builtin_lexicon
    from corpusnorm.repair.pairs import PairIndex, pair_index

    index = pair_index(builtin_lexicon())
    fresh = PairIndex([])
    fresh.pairs = index.pairs
    for word in ["staff", "analysis", "mannequins", "the", "zzxqjv", "information"]:
        assert index.candidates(word) == fresh._inflected(word) == index.known(word), word


def test_linked_thesaurus_candidates_are_the_moby_heads_sharing_a_synset() -> None:
    from corpusnorm.backends.thesaurus import _inflection, analyses, candidates, lemmas, reverse_index, wordnet_senses

    senses = wordnet_senses()

    def reference(word: str) -> tuple[str, ...]:
        """``candidates(word, linked=True)`` from its definition, head by head."""
        found: list[str] = []
        for lemma, tag in analyses(word):
            for head in reverse_index().get(lemma, ()):
                if not any(head in synset for w in lemmas(word) if w != head for _rank, synset in senses.get(w, ())):
                    continue
                form = _inflection(head, tag) if tag else head
                if tag and form == head and word != lemma:
                    continue
                if form and form != word and form not in found:
                    found.append(form)
        return tuple(found)

    words = ["reveals", "mannequin", "pinnacle", "staff", "learned", "expertise", "speculation", "zzxqjv"]
    results = {word: candidates(word, linked=True) for word in words}
    assert sum(map(len, results.values())) > 10
    for word in words:
        assert results[word] == reference(word), word
