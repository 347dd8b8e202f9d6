"""Derived indexes kept on disk: built once, then loaded; never stale, never required."""

from __future__ import annotations

import os
from pathlib import Path

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


def test_the_folder_keeps_within_its_bound_least_recently_used_first(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORPUSNORM_CACHE", str(tmp_path))
    monkeypatch.setenv("CORPUSNORM_CACHE_MAX_MB", str(3.5 * 3000 / 2**20))  # room for three ~3 KB entries

    def build(name: str) -> str:
        return name * 3000

    def path(name: str) -> Path:
        return tmp_path / diskcache._key("demo", build, (), (name,))

    for age, name in enumerate("abc"):
        diskcache.cached_call("demo", build, name)
        os.utime(path(name), (1_000_000 + age, 1_000_000 + age))  # "a" written first, "c" last
    assert diskcache.cached_call("demo", build, "a") == "a" * 3000  # read: "a" is now the most recently used
    diskcache.cached_call("demo", build, "d")  # a fourth entry: the least recently used ("b") goes
    assert [path(n).is_file() for n in "abcd"] == [True, False, True, True]
    assert sum(p.stat().st_size for p in tmp_path.glob("demo-*.pickle")) <= diskcache.max_bytes()


def test_prune_never_removes_the_file_just_written_nor_a_write_in_progress(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CORPUSNORM_CACHE_MAX_MB", "0")
    kept, partial, other = tmp_path / "new.pickle", tmp_path / ".new.pickle.1.partial", tmp_path / "sub" / "old.npy"
    other.parent.mkdir()
    for path in (kept, partial, other):
        path.write_bytes(b"x" * 100)
    assert diskcache.prune(tmp_path, keep=kept) == 100
    assert kept.is_file() and partial.is_file() and not other.exists()
