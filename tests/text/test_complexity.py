"""Every module-level regex of corpusnorm (and every shipped boilerplate rule) runs in linear time on
adversarial inputs (issue 11, item 5): each pattern scans each family at two sizes, 4x apart; a pattern
that is slow at the larger size must not cost more than 10x for 4x the input (linear 4, quadratic 16;
CPU time, best of three), and none may take 50 ms on 2k characters.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Callable, Iterator

import pytest
import regex

import corpusnorm
from corpusnorm.text.boilerplate import boilerplate_rules

SKIP_MODULES = ("corpusnorm.integrations",)  # optional engines (dask, datatrove): no patterns of their own

FAMILIES: dict[str, Callable[[int], str]] = {
    "spaces": lambda n: "a" + " " * n + "a",
    "spaces-nbsp": lambda n: "a" + " \u00a0\t" * (n // 3) + "a",
    "spaces-newline": lambda n: " " * n + "\n",
    "newlines": lambda n: "\n" * n + "a",
    "space-lines": lambda n: " \n" * (n // 2) + "a",
    "a.a.": lambda n: "a." * (n // 2),
    "www.a.a": lambda n: "www." + "a." * (n // 2) + " ",
    "aaaa@": lambda n: "a" * n + "@",
    "a.a@": lambda n: "a." * (n // 2) + "@a",
    "@a@a": lambda n: "@a" * (n // 2),
    "!!!!": lambda n: "!" * n + "x",
    "....": lambda n: "." * n + "a",
    "guillemet-u2028": lambda n: "«" + "\u2028" * n,
    "quote-words": lambda n: "“" + "a " * (n // 2),
    "straight-quotes": lambda n: '"' * n,
    "apostrophes": lambda n: "a'" * (n // 2),
    "long-word": lambda n: "a" * n,
    "long-devanagari": lambda n: "क" * n,
    "digits": lambda n: "1" * n + "x",
    "digits-dots": lambda n: "1." * (n // 2),
    "dashes": lambda n: "a -" * (n // 3),
    "hyphens": lambda n: "a-" * (n // 2) + ".",
    "share-spaces": lambda n: "share" + " " * n + "x",
    "share-lines": lambda n: "share\n" * (n // 6),
    "related-colon": lambda n: "related:" + " " * n + "x",
    "copyright": lambda n: "© " * (n // 2),
    "said-words": lambda n: "said " * (n // 5),
    "cjk": lambda n: "「" * n,
    "mixed": lambda n: ("a. “b” c@d.e #f " * (n // 16 + 1))[:n],
}

SMALL, LARGE = 2_048, 8_192
HOPELESS = 0.05
"""CPU seconds at the small size that no linear scan of 2k characters comes near (fail at once)."""
SLOW = 0.003
"""CPU seconds at the large size under which a scan is taken as linear (a quadratic scan of 8k
characters costs far more); slower scans are timed again and their growth checked."""
MAX_RATIO = 10.0
"""Allowed cost ratio for 4x the input: linear is 4, quadratic 16, cubic 64."""


def _module_patterns() -> Iterator[tuple[str, object]]:
    seen: set[tuple[str, int]] = set()
    for info in pkgutil.walk_packages(corpusnorm.__path__, "corpusnorm."):
        if info.name.startswith(SKIP_MODULES):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue
        for attr, value in vars(module).items():
            values = value if isinstance(value, tuple | list) else (value,)
            if isinstance(value, dict):
                values = tuple(value.values())
            for item in values:
                for candidate in item if isinstance(item, tuple) else (item,):
                    if isinstance(candidate, re.Pattern | regex.Pattern):
                        key = (candidate.pattern, candidate.flags)
                        if key not in seen:
                            seen.add(key)
                            yield f"{info.name}.{attr}", candidate
    for rule in boilerplate_rules():
        yield f"boilerplate:{rule.id}", rule.compiled


PATTERNS = list(_module_patterns())


def _cost(pattern: object, text: str, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _match in pattern.finditer(text):  # type: ignore[attr-defined]
            pass
        best = min(best, time.process_time() - start)
    return best


def test_the_discovery_finds_the_patterns_of_every_layer() -> None:
    from corpusnorm.align.passages import QUOTED_RE
    from corpusnorm.text import patterns as P

    found = {id(pattern) for _, pattern in PATTERNS}
    keys = {(p.pattern, p.flags) for _, p in PATTERNS}  # type: ignore[attr-defined]
    for expected in (P.RE_TRAILING_SPACE, P.RE_NON_LINGUISTIC, P.RE_EMAIL, QUOTED_RE):
        assert (expected.pattern, expected.flags) in keys
    assert "boilerplate:share" in {name for name, _ in PATTERNS}
    assert len(found) > 50


def test_boilerplate_removal_is_linear_in_the_number_of_boilerplate_lines() -> None:
    from corpusnorm.text.boilerplate import boilerplate_edits

    costs = []
    for n in (2_000, 8_000):
        text = "Share\nA line of text.\n" * n
        runs = []
        for _ in range(3):  # the least of three: a garbage collection or a preempted slice is not the algorithm
            start = time.process_time()
            edits = boilerplate_edits(text)
            runs.append(time.process_time() - start)
            assert len(edits) == n
        costs.append(min(runs))
    assert costs[1] < MAX_RATIO * max(costs[0], SLOW)


def test_language_identification_cost_is_capped_on_one_giant_word() -> None:
    from corpusnorm.backends.lid import lingua_probabilities

    start = time.process_time()
    lingua_probabilities("a" * 200_000, ("en", "it"))
    assert time.process_time() - start < 1.0


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_pattern_is_linear_on_adversarial_inputs(name: str, pattern: object) -> None:
    slow = []
    for family, make in FAMILIES.items():
        first = _cost(pattern, make(SMALL))
        if first > HOPELESS:
            slow.append(f"{family}: {first:.3f}s at {SMALL} characters")
            continue
        large = make(LARGE)
        if _cost(pattern, large) < SLOW:
            continue
        small_cost = _cost(pattern, make(SMALL), repeat=3)
        large_cost = _cost(pattern, large, repeat=3)
        if large_cost > MAX_RATIO * max(small_cost, SLOW / 4):
            slow.append(f"{family}: {small_cost:.4f}s at {SMALL}, {large_cost:.4f}s at {LARGE}")
    assert not slow, f"{name} grows super-linearly: " + "; ".join(slow)
