"""The clean stage on real text: what it changes, and what it must never change."""

from __future__ import annotations

import json
from collections import Counter

import ftfy
import pytest

from corpusnorm import Document, Pipeline, clean_text, fix_encoding, normalize, normalize_whitespace, undo
from corpusnorm.clean import remove_boilerplate
from corpusnorm.text.boilerplate import boilerplate_rules, parse_boilerplate
from corpusnorm.text.patterns import RE_LETTER

CLEAN = Pipeline.from_names(["clean"])


def cleaned(text: str) -> Document:
    return CLEAN(Document.new(text, doc_id="t"))


def test_mojibake_is_repaired_and_named_after_the_ftfy_fixer() -> None:
    doc = normalize("Itâ€™s", pipeline=CLEAN)
    assert doc.text == "It’s"
    [edit] = doc.edits
    assert (edit.before, edit.after) == ("â€™", "’")
    assert edit.rule.startswith("ftfy:") and "decode:utf-8" in edit.rule
    # the explanation is executable: ftfy.apply_plan replays it on the edit's line
    plan = [tuple(step) for step in json.loads(edit.evidence)]
    assert ftfy.apply_plan("Itâ€™s", plan) == "It’s"


def test_curly_quotes_are_kept() -> None:
    text = "He said “the world is in peril” and it’s ‘clear’."
    assert clean_text(text) == text


def test_hindi_joiners_and_non_breaking_hyphen_are_kept() -> None:
    text = "बार\u2011बार क्\u200dष र\u200cह AI\u2011असिस्टेड"
    assert clean_text(text) == text


def test_whitespace_rules() -> None:
    doc = cleaned("  Title\r\n\r\n\r\n\r\nBody  text \t here.\u00a0\n10\u00a0km and\u2003more\n\n\n")
    assert doc.text == "Title\n\nBody text here.\n10\u00a0km and more\n"
    rules = Counter(rule for e in doc.edits for rule in e.rule.split("+"))
    assert {"ws:indent", "ws:line-endings", "ws:blank-lines", "ws:spaces", "ws:trailing"} <= set(rules)
    assert normalize_whitespace("a  b") == "a b"


def test_boilerplate_lines_are_removed_only_as_whole_lines() -> None:
    text = (
        "Body that says share this with friends.\n"
        "Share\n"
        "Continue reading about the 8 min read badge below\n"
        "8 min read\n"
        "Leave a Comment\n"
        "Subscribe now to keep reading and get access to the full archive.\n"
        "Continue reading"
    )
    doc = cleaned(text)
    assert doc.text == "Body that says share this with friends.\nContinue reading about the 8 min read badge below\n"
    removed = sorted(e.rule for e in doc.edits if e.rule.startswith("boilerplate:"))
    assert removed == [
        "boilerplate:continue-reading",
        "boilerplate:leave-comment",
        "boilerplate:min-read",
        "boilerplate:share",
        "boilerplate:subscribe",
    ]


def test_embedded_tweet_image_link_is_removed() -> None:
    text = "Here is the letter. pic.twitter.com/Qe4QyAFmxL — someone (@someone) May 1, 2026\n"
    assert fix_encoding(text) == text
    assert clean_text(text) == "Here is the letter. — someone (@someone) May 1, 2026\n"


def test_user_boilerplate_file(tmp_path) -> None:
    patterns = tmp_path / "mine.tsv"
    patterns.write_text("id\tscope\tpattern\tnote\npromo\tline\tbuy now!?\tshop link\n", encoding="utf-8")
    assert remove_boilerplate("Text\nBuy now!\nMore\n", patterns=str(patterns)) == "Text\nMore\n"
    with pytest.raises(ValueError, match="bad pattern"):
        parse_boilerplate("x\tline\t(unclosed\n")
    with pytest.raises(ValueError, match="scope"):
        parse_boilerplate("x\teverywhere\tfoo\n")


def test_shipped_rules_parse() -> None:
    rules = boilerplate_rules()
    assert len(rules) >= 10 and len({r.id for r in rules}) == len(rules)


# What the clean stage may change in each seed, by rule: anything else is a regression
# (in particular, removing article content).
SEED_EDITS = {
    "000": {"ws:blank-lines": 1, "boilerplate:pic-twitter+ws:spaces": 1},
    "001": {
        "ws:blank-lines": 2,
        # the four footer lines and the blank lines left behind, composed into one edit
        "boilerplate:leave-comment+boilerplate:discover-more+boilerplate:subscribe"
        "+boilerplate:continue-reading+ws:document-edges": 1,
    },
    "002": {"ws:indent": 1},
    "003": {"ws:indent": 14, "boilerplate:back-to": 1, "boilerplate:min-read": 1, "ws:blank-lines": 1},
    "004": {"ws:blank-lines": 2, "boilerplate:pic-twitter": 1, "ws:document-edges": 1},
}
SEED_BOILERPLATE_REMOVED = {
    "001": ["Leave a Comment", "Discover more from", "Subscribe now to keep reading", "Continue reading"],
    "003": ["Back to Blog", "8 min read"],
}


@pytest.mark.parametrize("prefix", sorted(SEED_EDITS))
def test_seed_clean_edits_are_the_justified_ones(seeds: dict[str, str], prefix: str) -> None:
    doc = cleaned(seeds[prefix])
    assert undo(doc) == seeds[prefix]
    rules = Counter(edit.rule for edit in doc.edits)
    assert dict(rules) == SEED_EDITS[prefix]
    for phrase in SEED_BOILERPLATE_REMOVED.get(prefix, []):
        assert phrase in doc.original and phrase not in doc.text
    # only whitespace and boilerplate changed: every letter outside removed lines is kept
    removed = "".join(e.before for e in doc.edits if "boilerplate" in e.rule)
    assert Counter(RE_LETTER.findall(doc.text)) + Counter(RE_LETTER.findall(removed)) == Counter(
        RE_LETTER.findall(doc.original)
    )


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_italian_and_hindi_seeds_keep_every_letter(seeds: dict[str, str], prefix: str) -> None:
    doc = cleaned(seeds[prefix])
    assert RE_LETTER.findall(doc.text) == RE_LETTER.findall(seeds[prefix].replace("pic.twitter.com/Qe4QyAFmxL", ""))
    assert doc.text.count("\u2011") == seeds[prefix].count("\u2011")


def test_cleaning_seeds_is_idempotent(seeds: dict[str, str]) -> None:
    for text in seeds.values():
        once = clean_text(text)
        assert clean_text(once) == once


def test_tag_share_and_read_more_lines_of_other_languages_are_boilerplate() -> None:
    # branch langs: tag lines at the foot of an article were aligned to X01; the clean stage removes them as edits
    body = "Forskaren lämnar Anthropic. Han vill studera poesi.\n\n"
    footer = (
        "Dela: Facebook | X | LinkedIn\n"
        "Läs mer: Tre forskare som bytte bana\n"
        "Etiketler: yapay zekâ, Anthropic, istifa, şiir\n"
        "Trefwoorden: Anthropic, AI, ontslag, poëzie\n"
        "الوسوم: الذكاء الاصطناعي، Anthropic، استقالة، شعر\n"
        "Tag: AI, Anthropic, Mrinank Sharma, puisi"
    )
    doc = cleaned(body + footer)
    assert doc.text == body.rstrip("\n") + "\n"  # the blank line left at the end is trimmed by the whitespace rules
    rules = "+".join(e.rule for e in doc.edits)  # adjacent removals are recorded as one edit naming each rule
    assert {"boilerplate:tag-line", "boilerplate:share-multi", "boilerplate:related-link"} <= set(rules.split("+"))
    assert undo(doc) == body + footer  # offsets kept: the edits undo to the raw text


def test_a_sentence_opening_with_a_tag_word_is_kept() -> None:
    text = "Tags: these are what the editors added. The article goes on.\nDel: the part that matters\n"
    assert cleaned(text).text == text
