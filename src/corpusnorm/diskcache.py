"""Derived indexes kept on disk: built once per machine, not once per process.

A worker process of a datatrove, Dask or Spark run pays for every index the pipeline derives from
the shipped data (the Moby reverse thesaurus, WordNet's senses and synset neighbours: about 3.5 of
the ~7 CPU-s a fresh worker spent before its first document). :func:`disk_cached` stores such an
index as a pickle under the cache folder and loads it (about 0.2 s each) in the next process.

The cache folder is ``$CORPUSNORM_CACHE``, else ``$XDG_CACHE_HOME/corpusnorm``, else
``~/.cache/corpusnorm``; ``CORPUSNORM_CACHE=off`` turns the cache off. A file's name holds the
index name, the versions of the packages it is derived from, Python's version and a hash of the
building function's code, so an upgrade never reads a stale index. Files are written to a temporary
name and renamed (processes racing to write the same index are harmless); an unreadable or
unwritable cache only costs the rebuild. The folder is bounded: after each write, the least recently
used files (by modification time; a file read from the cache is touched) are deleted until the folder
holds at most ``$CORPUSNORM_CACHE_MAX_MB`` megabytes (default :data:`DEFAULT_MAX_MB`); files left by
older versions go first. The cache holds pickles: point it only at a folder that you alone can write.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import marshal
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["DEFAULT_MAX_MB", "cache_dir", "cached_call", "disk_cached", "max_bytes", "prune"]

T = TypeVar("T")

MAX_MB_ENV = "CORPUSNORM_CACHE_MAX_MB"
DEFAULT_MAX_MB = 1024  # one version's indexes take ~100-300 MB (wordfreq tables per language, Moby, WordNet)


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off."""
    setting = os.environ.get("CORPUSNORM_CACHE", "").strip()
    if setting.lower() in {"off", "0", "none", "false"}:
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "corpusnorm"


def max_bytes() -> int:
    """The cache folder's bound in bytes (``$CORPUSNORM_CACHE_MAX_MB``, else :data:`DEFAULT_MAX_MB`)."""
    setting = os.environ.get(MAX_MB_ENV, "").strip()
    try:
        megabytes = float(setting) if setting else DEFAULT_MAX_MB
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return max(0, int(megabytes * 1024 * 1024))


def prune(folder: Path | None = None, *, keep: Path | None = None) -> int:
    """Delete the least recently used files of the cache folder (and its subfolders) until it fits
    :func:`max_bytes`; never ``keep`` (the file just written) nor a write in progress. Returns the bytes freed."""
    folder = folder if folder is not None else cache_dir()
    if folder is None:
        return 0
    entries = []
    try:
        for path in folder.rglob("*"):
            if path.name.startswith(".") or path == keep or not path.is_file():
                continue
            stat = path.stat()
            entries.append((stat.st_mtime, stat.st_size, str(path)))
    except OSError:
        return 0
    total = sum(size for _, size, _ in entries) + (keep.stat().st_size if keep is not None and keep.is_file() else 0)
    freed, bound = 0, max_bytes()
    for _, size, name in sorted(entries):  # oldest first (ties by name: the same order in every process)
        if total - freed <= bound:
            break
        try:
            os.remove(name)
            freed += size
        except OSError:  # removed by another process, or not ours to remove
            pass
    return freed


def touch(path: Path) -> None:
    """Mark a cache file as used (:func:`prune` removes the least recently used first)."""
    try:
        os.utime(path)
    except OSError:
        pass


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def _key(name: str, function: Callable[..., Any], dists: tuple[str, ...], args: tuple[Any, ...]) -> str:
    from .versions import __version__

    parts = [__version__, *(f"{d}={_version(d)}" for d in dists), sys.version.split()[0], repr(args)]
    parts.append(hashlib.sha256(marshal.dumps(function.__code__)).hexdigest())
    return f"{name}-{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:16]}.pickle"


def _load(path: Path) -> Any:
    with path.open("rb") as handle:
        return pickle.load(handle)


def _store(path: Path, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
        with tmp.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        return  # a read-only or full cache: the index is rebuilt next time
    prune(path.parent, keep=path)


def cached_call(name: str, function: Callable[..., T], *args: Any, dists: tuple[str, ...] = ()) -> T:
    """``function(*args)``, from the disk cache when it was computed before (``args``: plain values
    whose ``repr`` identifies them; the result: plain data that pickles)."""
    folder = cache_dir()
    if folder is None:
        return function(*args)
    path = folder / _key(name, function, dists, args)
    try:
        value = _load(path)
        touch(path)
        return value
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError):
        pass
    value = function(*args)
    _store(path, value)
    return value


def disk_cached(name: str, *dists: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator of a function that derives an index from the data of ``dists`` (its positional
    arguments, if any, are part of the key)."""

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def wrapper(*args: Any) -> T:
            return cached_call(name, function, *args, dists=dists)

        return wrapper

    return decorate
