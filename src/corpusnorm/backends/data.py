"""The data files shipped in ``corpusnorm/data`` (sources and licences in its README)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

__all__ = ["data_digest", "data_path", "read_data"]


def data_path(name: str) -> Traversable:
    """Path of a file shipped in ``corpusnorm/data``."""
    return resources.files("corpusnorm") / "data" / name


@lru_cache(maxsize=64)
def read_data(name: str) -> str:
    """Text of a data file (read once per process)."""
    return data_path(name).read_text(encoding="utf-8")


@lru_cache(maxsize=64)
def data_digest(name: str) -> str:
    """A short content hash of a data file, recorded in pipeline descriptions."""
    return "sha256:" + hashlib.sha256(data_path(name).read_bytes()).hexdigest()[:16]
