"""Colours and badges: the Okabe-Ito colour-blind-safe palette; a colour never carries meaning alone."""

from __future__ import annotations

import html
import zlib
from dataclasses import dataclass

__all__ = ["KIND_STYLES", "KindStyle", "badge", "kind_class", "kind_css", "kind_style", "language_tint", "legend"]


@dataclass(frozen=True)
class KindStyle:
    code: str  # text label shown in heatmap cells, so colour is never the only cue
    background: str
    foreground: str


# Okabe-Ito palette; foregrounds chosen for >= 4.5:1 contrast.
KIND_STYLES: dict[str, KindStyle] = {
    "verbatim": KindStyle("V", "#0072B2", "#FFFFFF"),
    "near": KindStyle("N", "#56B4E9", "#000000"),
    "spun": KindStyle("S", "#E69F00", "#000000"),
    "translated": KindStyle("T", "#009E73", "#000000"),
    "paraphrase": KindStyle("P", "#CC79A7", "#000000"),
}
OTHER_KIND = KindStyle("?", "#BBBBBB", "#000000")
# Light tints for language segments (each segment also gets a text badge with its code): fixed for
# common languages so a language looks the same in every article, a stable hash for the others.
LANGUAGE_TINTS = ("#D6EAF8", "#FCE5CD", "#D5F5E3", "#F5E0EC", "#FFF5C2", "#E4E4E4", "#E8DAF5", "#F9D9D0")
PREFERRED_TINT = {"en": 0, "it": 1, "hi": 2, "fr": 3, "de": 4, "es": 5, "pt": 6, "zh": 7}


def kind_style(kind: str) -> KindStyle:
    return KIND_STYLES.get(kind, OTHER_KIND)


def kind_class(kind: str) -> str:
    return kind if kind in KIND_STYLES else "other"


def kind_css() -> str:
    rules = []
    for name, style in [*KIND_STYLES.items(), ("other", OTHER_KIND)]:
        rules.append(f".k-{name} {{ background: {style.background}; color: {style.foreground}; }}")
        rules.append(f".ku-{name} {{ --k: {style.background}; --kf: {style.foreground}; }}")
    return "\n".join(rules)


def language_tint(language: str) -> str:
    base = language.split("-")[0].lower()
    index = PREFERRED_TINT.get(base, zlib.crc32(base.encode("utf-8")) % len(LANGUAGE_TINTS))
    return LANGUAGE_TINTS[index]


def badge(kind: str) -> str:
    style = kind_style(kind)
    name = html.escape(kind, quote=True)
    return f'<span class="badge k-{kind_class(kind)}">{html.escape(style.code)}</span> {name}'


def legend() -> str:
    items = "".join(f"<span>{badge(kind)}</span>" for kind in KIND_STYLES)
    return f'<p class="legend">Quote kinds: {items}</p>'
