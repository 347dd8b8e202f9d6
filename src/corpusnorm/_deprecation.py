"""Keeping 0.1's names working for one release, with a DeprecationWarning."""

from __future__ import annotations

import sys
import types
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["callable_module", "warn_renamed"]


def warn_renamed(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated and goes in corpusnorm 0.3; use {new}", DeprecationWarning, stacklevel=3)


class _CallableModule(types.ModuleType):
    """A package that can still be called like the function it replaced (``corpusnorm.repair(text)``)."""

    _call: Callable[..., Any]
    _old: str
    _new: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        warn_renamed(self._old, self._new)
        return type(self)._call(*args, **kwargs)


def callable_module(name: str, function: Callable[..., Any], *, old: str, new: str) -> None:
    """Make the module ``name`` callable as ``function`` (0.1 bound the function where the module now is)."""
    module = sys.modules[name]
    cls = type("CallableModule", (_CallableModule,), {"_call": staticmethod(function), "_old": old, "_new": new})
    module.__class__ = cls
