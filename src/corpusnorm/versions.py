"""Versions of corpusnorm and of the packages it uses, read once per process."""

from __future__ import annotations

import functools
from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__", "package_version"]


@functools.lru_cache(maxsize=256)
def package_version(dist: str) -> str:
    """The installed version of distribution ``dist``, or ``"not installed"``."""
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


__version__ = package_version("corpusnorm")
if __version__ == "not installed":  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
