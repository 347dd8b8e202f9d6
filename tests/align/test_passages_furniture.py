"""Page furniture is never a candidate (corpusnorm.align.passages.furniture_line, branch langs): tag lines and share
buttons at the foot of an article were aligned to X01 ("Etiketler: yapay zekâ, Anthropic, istifa, şiir")."""

from __future__ import annotations

import pytest

from corpusnorm.align.paraphrase import frame_candidates
from corpusnorm.align.passages import _candidates, furniture_line


@pytest.mark.parametrize(
    "line",
    [
        "Etiketler: yapay zekâ, Anthropic, istifa, şiir",
        "Trefwoorden: Anthropic, AI, ontslag, poëzie",
        "Tag: AI, Anthropic, Mrinank Sharma, puisi",
        "Oznake: umjetna inteligencija, Anthropic, ostavka, poezija",
        "태그: 앤트로픽, 인공지능, 사임, 시",
        "الوسوم: الذكاء الاصطناعي، Anthropic، استقالة، شعر",
        "Từ khóa: AI, Anthropic, từ chức, thơ ca",
        "Dela: Facebook | X | LinkedIn",
        "AI, Anthropic, Mrinank Sharma, Poetry",
    ],
)
def test_a_line_of_keywords_is_furniture(line: str) -> None:
    text = f"Forskaren lämnar företaget.\n\n{line}\n"
    start = text.index(line)
    assert furniture_line(text, start + len(line) // 2, start + len(line))


@pytest.mark.parametrize(
    "line",
    [
        "Plans: poetry, coaching, group work",  # a list in lower case after no furniture label: may be a summary
        "He wants poetry, coaching and group work.",
        "Han skriver: världen är i fara, och inte bara på grund av AI.",
        "Tags are a poor guide, he says, and so are headlines.",
    ],
)
def test_prose_is_not_furniture(line: str) -> None:
    assert not furniture_line(line, 0, len(line))


def test_a_tag_line_is_no_candidate_of_either_matcher() -> None:
    text = "Sharma lämnar Anthropic.\n\nEtiketler: yapay zekâ, Anthropic, istifa, şiir\n"
    tags = text.index("yapay")
    assert all(c.end <= tags for c in _candidates(text, [], "en", mode="quoted", text_language="tr"))
    assert all(e <= tags for _, e in frame_candidates(text, "tr"))
