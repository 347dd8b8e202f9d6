"""The reference in tests/reference/ is what the default pipeline makes of the seeds, to the character.

Each seed is regenerated in memory (one pipeline, models loaded once) and compared with the stored
``<seed>.txt`` and ``<seed>.json``; a difference fails with a unified diff and the command that rewrites
the reference (after which the change must be reviewed, see tests/reference/REVIEW.md).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

GENERATE = Path(__file__).resolve().parent / "reference" / "generate.py"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpusnorm_reference_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


gen = _load_generator()
SEED_PATHS = gen.seed_paths()
HINT = (
    "The pipeline's output changed. If the change is intended, regenerate the reference with\n"
    f"    {gen.REGENERATE}\n"
    "(from the repository root), review the diff by hand and update tests/reference/REVIEW.md."
)


@pytest.fixture(scope="module")
def built() -> dict[str, object]:
    """Every seed regenerated once, shared by the tests of this module."""
    return {path.stem: gen.build(path) for path in SEED_PATHS}


def test_there_are_seeds_and_no_stale_reference_files() -> None:
    assert SEED_PATHS, f"no seeds in {gen.SEEDS}"
    stale = gen.stale_files(p.stem for p in SEED_PATHS)
    assert not stale, f"reference files without a seed: {[p.name for p in stale]}\n{HINT}"


# The reference is generated with the int8 kernel of e5 (backends/e5_native.py; its AVX-512 VNNI, AVX-VNNI and AVX2
# builds give the same bits). Without it (no compiler, no AVX2, CORPUSNORM_E5_NATIVE=0) the numpy engine runs: the same
# alignments (spans, ids, kinds; checked on every set by benchmarks/dump_alignments.py), but margins, cosines and the
# scores computed from them may differ in the last digits. Those numbers are then left out of the comparison, and
# nothing else.
_MODEL_NUMBERS = re.compile(r"(margin|cosine) \d+\.\d+")


def _kernel_runs() -> bool:
    from corpusnorm.backends import e5_native

    return e5_native.load_kernel() is not None


def _without_model_numbers(content: str) -> str:
    data = json.loads(content)
    for a in data.get("alignments", []):
        if _MODEL_NUMBERS.search(a.get("evidence", "")):
            a["evidence"], a["score"] = _MODEL_NUMBERS.sub(r"\1 *", a["evidence"]), None
    return json.dumps(data, indent=2, sort_keys=True)


@pytest.mark.parametrize("seed", [p.stem for p in SEED_PATHS])
def test_reference_matches_the_pipeline(seed: str, built: dict[str, object]) -> None:
    ref = built[seed]
    problems = []
    for suffix, content in ((".txt", ref.text), (".json", ref.json)):
        stored = gen.read_file(gen.HERE / f"{seed}{suffix}")
        if stored != content and suffix == ".json" and not _kernel_runs():
            stored, content = _without_model_numbers(stored), _without_model_numbers(content)
        if stored != content:
            problems.append(gen.unified_diff(stored, content, f"tests/reference/{seed}{suffix}", max_lines=60))
    if problems:
        pytest.fail("\n".join([*problems, HINT]), pytrace=False)


@pytest.mark.parametrize("seed", [p.stem for p in SEED_PATHS])
def test_undo_rebuilds_the_seed(seed: str, built: dict[str, object]) -> None:
    original = (gen.SEEDS / f"{seed}.txt").read_bytes().decode("utf-8")
    undone = built[seed].undone
    if undone != original:
        pytest.fail(
            f"undo(doc) does not rebuild seeds/{seed}.txt:\n" + gen.unified_diff(original, undone, f"seeds/{seed}.txt"),
            pytrace=False,
        )
