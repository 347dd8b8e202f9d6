"""Derived indexes kept on disk: built once, then loaded; never stale, never required."""

from __future__ import annotations

import pytest

from corpusnorm import diskcache


def test_a_value_is_built_once_then_loaded(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORPUSNORM_CACHE", str(tmp_path))
    calls: list[str] = []

    def build(language: str) -> dict[str, int]:
        calls.append(language)
        return {language: len(calls)}

    assert diskcache.cached_call("demo", build, "en") == {"en": 1}
    assert diskcache.cached_call("demo", build, "en") == {"en": 1}
    assert diskcache.cached_call("demo", build, "fr") == {"fr": 2}
    assert calls == ["en", "fr"]
    assert len(list(tmp_path.glob("demo-*.pickle"))) == 2 and not list(tmp_path.glob(".*partial"))


def test_a_corrupt_file_is_rebuilt_and_off_means_off(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORPUSNORM_CACHE", str(tmp_path))
    diskcache.cached_call("demo", lambda: 1)
    (path,) = tmp_path.glob("demo-*.pickle")
    path.write_bytes(b"not a pickle")
    assert diskcache.cached_call("demo", lambda: 1) == 1
    monkeypatch.setenv("CORPUSNORM_CACHE", "off")
    assert diskcache.cache_dir() is None
    assert diskcache.cached_call("demo", lambda: 2) == 2


def test_an_unwritable_cache_only_costs_the_rebuild(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("CORPUSNORM_CACHE", str(blocker / "sub"))
    assert diskcache.cached_call("demo", lambda: 5) == 5


def test_the_shipped_indexes_are_identical_from_the_cache(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corpusnorm.backends import thesaurus

    monkeypatch.setenv("CORPUSNORM_CACHE", str(tmp_path))
    built = thesaurus._synset_neighbours.__wrapped__()  # through the disk cache, uncached in memory
    assert list(tmp_path.glob("wordnet-neighbours-*.pickle"))
    assert thesaurus._synset_neighbours.__wrapped__() == built == thesaurus._synset_neighbours()
