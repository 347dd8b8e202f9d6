"""Every cache in corpusnorm is bounded (issue 11, item 9): a long run's memory plateaus."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import corpusnorm
from corpusnorm.memo import BoundedMemo


def _caches() -> list[tuple[str, object]]:
    found = []
    for info in pkgutil.walk_packages(corpusnorm.__path__, "corpusnorm."):
        if info.name.startswith("corpusnorm.integrations"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue
        for name, value in vars(module).items():
            if hasattr(value, "cache_info") and getattr(value, "__module__", None) == info.name:
                found.append((f"{info.name}.{name}", value))
    return found


def test_every_lru_cache_with_arguments_has_a_maximum_size() -> None:
    caches = _caches()
    assert len(caches) > 20
    unbounded = []
    for name, function in caches:
        parameters = inspect.signature(inspect.unwrap(function)).parameters  # type: ignore[arg-type]
        if parameters and function.cache_parameters()["maxsize"] is None:  # type: ignore[attr-defined]
            unbounded.append(name)
    assert not unbounded, f"caches without a bound: {unbounded}"


def test_bounded_memo_forgets_the_least_recently_used() -> None:
    memo: BoundedMemo[str, int] = BoundedMemo(2)
    memo["a"], memo["b"] = 1, 2
    assert memo.get("a") == 1
    memo["c"] = 3
    assert (memo.get("a"), memo.get("b"), memo.get("c"), len(memo)) == (1, None, 3, 2)


def test_per_word_thesaurus_caches_plateau() -> None:
    from corpusnorm.backends import thesaurus

    assert thesaurus.candidates.cache_parameters()["maxsize"] == thesaurus.WORD_CACHE_SIZE
