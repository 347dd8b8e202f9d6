"""Small corpora and a hang guard for the tests of sharded and distributed runs."""

from __future__ import annotations

import contextlib
import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Short texts in four languages (the fast stages: clean and detect; align and repair are skipped).
TEXTS = (
    "Hello world. This is an English text about the news of the day, and it is short.",
    "Bonjour le monde, ceci est un texte français sur l'actualité du jour.",
    "Ein deutscher Text über die Welt und die Nachrichten des Tages.",
    "Questo è un testo italiano sulle notizie del giorno.",
)
FAST_SKIP = ("repair", "align")


def records(part: int, count: int = 5) -> list[dict[str, Any]]:
    """``count`` JSONL records with extra fields (url, outlet) for part ``part``."""
    return [
        {
            "id": f"p{part}-{i}",
            "text": TEXTS[(part + i) % len(TEXTS)] + f"  Number {i}.\u00a0",
            "url": f"https://example.org/{part}/{i}",
            "outlet": {"name": f"outlet {part}", "country": ["it", "fr", "de", "en"][i % 4]},
        }
        for i in range(count)
    ]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging for ever) when the block takes longer than ``seconds``."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
