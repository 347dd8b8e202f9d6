"""Repair v2: the pairs learnt from spun_train, their clean-occurrence counts, the 'common' pairs
that are no spin evidence, and the trigram check of very common spun words."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpusnorm.repair import repair, spin_score
from corpusnorm.repair.analyser import TRIGRAM_VETO
from corpusnorm.repair.decision import Decision
from corpusnorm.repair.learn import learn_entries
from corpusnorm.repair.lexicon import Entry, Lexicon, builtin_lexicon
from corpusnorm.repair.spin import is_fingerprint

SPUN = "The influx of bitcoin rose. Analysts say the influx may fall. The knowledge reveals a drop."
ORIGINAL = "The inflow of bitcoin rose. Analysts say the inflow may fall. The data shows a drop."


def test_learnt_entries_count_the_spun_phrase_in_the_originals() -> None:
    # "value" is spun for "price" four times, but the original also uses "value" itself five times
    spun = "The value rose. The value fell. The value rose. The value fell. " + "Its value is high. " * 5
    original = "The price rose. The price fell. The price rose. The price fell. " + "Its value is high. " * 5
    entries = {(" ".join(e.spun), e.original): e for e in learn_entries([(spun, original, "t")])}
    pair = entries[("value", "price")]
    assert (pair.count, pair.seen, pair.clean) == (4, 9, 5)
    assert pair.common  # writers use it more often than the spinner produced it
    # a common word swapped only a few times keeps its right-hand words as a condition, and is
    # counted only where the condition holds ("value" before "rose": once in the original)
    few = learn_entries([("The value rose. Its value is high.", "The price rose. Its value rose.", "t")])
    conditioned = next(e for e in few if e.spun == ("value",) and e.original == "price")
    assert conditioned.right == "(rose)" and (conditioned.seen, conditioned.clean) == (1, 1)
    learnt = {(" ".join(e.spun), e.original): e for e in learn_entries([(SPUN, ORIGINAL, "t")])}
    influx = learnt[("influx", "inflow")]
    assert (influx.count, influx.clean) == (2, 0)
    assert not influx.common  # a rare word only the spinner wrote


def _decision(entry: Entry) -> Decision:
    return Decision(0, 0, (entry.original,), entry.id, 3.0, (entry, "", "", 1.0, 1.0), True)


def test_common_learnt_pairs_are_no_spin_evidence() -> None:
    rare = Entry("loo:1", ("influx",), "inflow", "train:1", 5, clean=0)
    everyday = Entry("loo:2", ("value",), "price", "train:1", 5, clean=9)
    reviewed = Entry("issue4:1", ("value",), "price", "issue4", 5, clean=9)
    assert is_fingerprint(["influx"], _decision(rare))
    assert not is_fingerprint(["value"], _decision(everyday))
    assert reviewed.common is False and reviewed.learnt is False


def test_shipped_lexicon_learnt_from_spun_train(shared: Path) -> None:
    sources = {s for e in builtin_lexicon().entries() for s in e.source.split(",")}
    assert sum(s.startswith("dev:spun_train/") for s in sources) >= 25
    # the lexicon file stores word pairs with counts: no row is longer than a short phrase
    assert max(len(e.spun) for e in builtin_lexicon().entries() if e.source.startswith("dev:")) <= 4


def test_trigram_keeps_a_very_common_word_that_reads_right() -> None:
    pytest.importorskip("pocketsphinx", reason="pocketsphinx (the en-us trigram model) is not installed")
    from corpusnorm.backends.trigram import trigram_model

    model = trigram_model()
    assert model is not None
    # spinners write "full" for "total", but here "full" is the writer's word
    assert model.gain(["read", "his"], ["total"], ["full"], ["resignation", "letter"]) < -TRIGRAM_VETO
    lexicon = Lexicon([Entry("loo:1", ("full",), "total", "train:1", 10, seen=12, clean=2)])
    text = "Read his full resignation letter here. " * 3
    assert repair(text, builtin=False, lexicons=[lexicon], force=True).edits == []
    # and a real spinner word in the same place is still repaired (no trigram check below Zipf 5.4)
    spun = Lexicon([Entry("loo:2", ("knowledge",), "data", "train:1", 17, seen=20)])
    result = repair("On-chain knowledge shows the whales are selling.", builtin=False, lexicons=[spun], force=True)
    assert [(e.before, e.after) for e in result.edits] == [("knowledge", "data")]


def _train(shared: Path) -> list[tuple[str, str, str]]:
    folder = shared / "spun_train"
    if not folder.is_dir():
        pytest.skip("no spun_train in the shared data")
    pairs = []
    for path in sorted(folder.glob("2*_original.txt")):
        number = path.name[:3]
        pairs.append(
            ((folder / f"{number}_spun.txt").read_text(encoding="utf-8"), path.read_text(encoding="utf-8"), number)
        )
    return pairs


def test_held_out_original_is_left_alone_and_its_spins_repaired(shared: Path) -> None:
    """One original held out (all its spins too): a lexicon learnt from the other originals
    changes nothing in it, opens the gate on its spins and undoes a share of the damage."""
    pairs = _train(shared)
    held = {"238", "239", "240"}  # three spins of one original
    lexicon = Lexicon(learn_entries([(s, o, f"train:{n}") for s, o, n in pairs if n not in held]))
    original = next(o for _, o, n in pairs if n == "238")
    result = repair(original, builtin=False, lexicons=[lexicon])
    assert result.edits == [] and result.text == original
    assert spin_score(original, lexicons=[lexicon], builtin=False).score < 0.5
    spun = next(s for s, _, n in pairs if n == "238")
    fixed = repair(spun, builtin=False, lexicons=[lexicon])
    assert fixed.spin.spun
    rights = sum(1 for e in fixed.edits if f" {e.after.lower()} " in f" {original.lower()} ")
    assert rights >= 0.8 * len(fixed.edits) and len(fixed.edits) >= 20
