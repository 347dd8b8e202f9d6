"""Optional machine translation for quote alignment (never used by default, never needed by tests).

A :class:`Translator` maps texts to a target language and returns ``None`` for a text it could not
translate, recording why in ``failures`` (the align stage copies them to ``doc.warnings``).
:class:`DeepTranslator` wraps the ``deep-translator`` package (``pip install deep-translator``):
imported lazily, each call bounded by a timeout, results kept in a disk cache so a corpus is
translated once. It needs the network, so it is only used when a user asks for it
(``AlignConfig(translator="google")`` or ``align(..., translator=...)``).
:class:`DictTranslator` is a fixed table (for tests and for translations a user already has).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["DeepTranslator", "DictTranslator", "Translator", "get_translator"]

DEFAULT_TIMEOUT = 10.0  # seconds per text
DEFAULT_CACHE_DIR = Path(os.environ.get("CORPUSNORM_CACHE", Path.home() / ".cache" / "corpusnorm")) / "translate"
PIP_HINT = "pip install deep-translator"


class Translator:
    """Interface: ``translate(texts, target=...) -> list[str | None]``; failures are listed, never raised."""

    name: str = "translator"

    def __init__(self) -> None:
        self.failures: list[str] = []

    def translate(self, texts: Sequence[str], *, target: str, source: str = "auto") -> list[str | None]:
        raise NotImplementedError

    def take_failures(self) -> list[str]:
        """The failures since the last call (and forget them)."""
        out, self.failures = self.failures, []
        return out


class DictTranslator(Translator):
    """Translations from a table; texts not in it are failures."""

    name = "dict"

    def __init__(self, table: Mapping[str, str]) -> None:
        super().__init__()
        self.table = dict(table)

    def translate(self, texts: Sequence[str], *, target: str, source: str = "auto") -> list[str | None]:
        out: list[str | None] = []
        for text in texts:
            if text in self.table:
                out.append(self.table[text])
            else:
                out.append(None)
                self.failures.append(f"translate: no translation for {text[:40]!r}")
        return out


class DeepTranslator(Translator):
    """deep-translator backend (``provider``: google, mymemory, ... as deep-translator names them)."""

    name = "deep-translator"

    def __init__(
        self, provider: str = "google", *, timeout: float = DEFAULT_TIMEOUT, cache_dir: str | Path | None = None
    ) -> None:
        super().__init__()
        self.provider = provider
        self.timeout = timeout
        self.cache_dir = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR

    def _client(self, source: str, target: str) -> Any:
        try:
            import deep_translator
        except ImportError as exc:
            raise ImportError(f"the translation backend needs: {PIP_HINT}") from exc
        classes = {
            "google": "GoogleTranslator",
            "mymemory": "MyMemoryTranslator",
            "libre": "LibreTranslator",
            "linguee": "LingueeTranslator",
            "pons": "PonsTranslator",
        }
        cls = getattr(deep_translator, classes.get(self.provider, self.provider), None)
        if cls is None:
            raise ValueError(f"unknown deep-translator provider {self.provider!r}")
        return cls(source=source, target=target)

    def _cache_file(self, text: str, source: str, target: str) -> Path:
        key = hashlib.sha256(json.dumps([self.provider, source, target, text]).encode("utf-8")).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def translate(self, texts: Sequence[str], *, target: str, source: str = "auto") -> list[str | None]:
        out: list[str | None] = [None] * len(texts)
        todo: list[int] = []
        for i, text in enumerate(texts):
            cached = self._cache_file(text, source, target)
            if cached.exists():
                try:
                    out[i] = json.loads(cached.read_text(encoding="utf-8"))["translation"]
                    continue
                except (OSError, ValueError, KeyError):
                    pass
            todo.append(i)
        if not todo:
            return out
        try:
            client = self._client(source, target)
        except (ImportError, ValueError) as exc:
            self.failures.append(f"translate: {exc}")
            return out
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        try:
            for i in todo:
                future = pool.submit(client.translate, texts[i])
                try:
                    result = future.result(timeout=self.timeout)
                except concurrent.futures.TimeoutError:
                    self.failures.append(f"translate: {self.provider} timed out after {self.timeout:g} s")
                    break  # a dead service: do not wait once per text
                except Exception as exc:  # network, quota, parsing: record, never raise
                    self.failures.append(f"translate: {self.provider} failed: {type(exc).__name__}: {exc}")
                    continue
                if not isinstance(result, str) or not result.strip():
                    self.failures.append(f"translate: {self.provider} returned nothing for {texts[i][:40]!r}")
                    continue
                out[i] = result
                self._store(texts[i], source, target, result)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return out

    def _store(self, text: str, source: str, target: str, translation: str) -> None:
        path = self._cache_file(text, source, target)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                json.dumps({"text": text, "translation": translation}, ensure_ascii=False), encoding="utf-8"
            )
        except OSError as exc:
            self.failures.append(f"translate: cache not written: {exc}")


def get_translator(spec: str | Translator | None) -> Translator | None:
    """``None`` -> no translation; a Translator as is; a name -> :class:`DeepTranslator` with that provider."""
    if spec is None or isinstance(spec, Translator):
        return spec
    return DeepTranslator(spec)
