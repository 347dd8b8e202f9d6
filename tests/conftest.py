"""Shared fixtures: the seed articles and the shared development data beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = Path(os.environ.get("CORPUSNORM_SHARED", ROOT.parent / "shared"))

settings.register_profile("ci", max_examples=1000, deadline=None)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def seed_path(prefix: str) -> Path:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert len(matches) == 1, f"expected one seed {prefix}_*.txt, found {matches}"
    return matches[0]


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    """Seed prefix ("000" … "004") -> text."""
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED} (set CORPUSNORM_SHARED)")
    return SHARED
